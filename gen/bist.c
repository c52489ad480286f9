/* bist.c - nlut_bist.hex: the self-test data the shell's firmware runs
 * through the core (docs/shell.md, "Self-test data in the boot RAM"): codes
 * that are all zero, all maximum, then pseudo-random from the model identity,
 * each with the golden model's class and scores. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nlut/golden.h>
#include <nlut/wire.h>

#include "gen_private.h"
#include "nlut_bist_format.h"

/* How a vector and its expectation pack into words. */
struct bist_shape {
	uint32_t n_in, n_cls;
	uint32_t in_bits, score_bits; /* IN_WIDTH, SCORES_WIDTH */
	uint32_t in_words, score_words, per; /* i, s, i + 1 + s */
};

static void shape_of(const nlut_model *m, struct bist_shape *s)
{
	s->n_in = nlut_model_num_inputs(m);
	s->n_cls = nlut_model_num_classes(m);
	s->in_bits = ng_layer_in_width(m, 0);
	s->score_bits = ng_scores_width(m);
	s->in_words = (s->in_bits + 31) / 32;
	s->score_words = (s->score_bits + 31) / 32;
	s->per = s->in_words + 1 + s->score_words;
}

/* Most vectors that fit between NLUT_FW_BIST_BASE and the end of the RAM. */
static uint32_t max_vectors(const struct bist_shape *s)
{
	return (NLUT_BIST_MAX_BYTES / 4 - NLUT_BIST_HEADER_WORDS) / s->per;
}

uint32_t nlut_gen_bist_max_vectors(const nlut_model *m)
{
	struct bist_shape s;

	if (!m)
		return 0;
	shape_of(m, &s);
	if (s.in_words > NLUT_BIST_MAX_IN_WORDS || s.score_words > NLUT_BIST_MAX_SCORE_WORDS)
		return 0;
	return max_vectors(&s);
}

int ng_bist_check(const nlut_model *m, uint32_t n)
{
	struct bist_shape s;

	shape_of(m, &s);
	if (s.in_words > NLUT_BIST_MAX_IN_WORDS)
		return ng_fail(NLUT_ERROR_UNSUPPORTED,
			       "self-test data: an input vector of %u bits is wider than the shell's "
			       "self-test input FW_BIST_IN (%u words); write none with 0 vectors",
			       s.in_bits, NLUT_BIST_MAX_IN_WORDS);
	if (s.score_words > NLUT_BIST_MAX_SCORE_WORDS)
		return ng_fail(NLUT_ERROR_UNSUPPORTED,
			       "self-test data: %u score bits are more than the shell's FW_BIST_SCORES "
			       "(%u words) hold; write none with 0 vectors",
			       s.score_bits, NLUT_BIST_MAX_SCORE_WORDS);
	if (n == 0)
		return ng_fail(NLUT_ERROR_INVALID_PARAM, "self-test data: no vectors");
	if (n > max_vectors(&s))
		return ng_fail(NLUT_ERROR_TOO_LARGE,
			       "self-test data: %u vectors of %u words take %llu bytes, more than the "
			       "%u bytes from NLUT_FW_BIST_BASE 0x%08x to the end of the boot RAM "
			       "0x%08x; at most %u vectors fit",
			       n, s.per, 4ull * (NLUT_BIST_HEADER_WORDS + (unsigned long long)n * s.per),
			       NLUT_BIST_MAX_BYTES, NLUT_FW_BIST_BASE, NLUT_BIST_RAM_END,
			       max_vectors(&s));
	return 0;
}

/* v (< 2^width) into bits [off + width - 1 : off] of w. */
static void put_bits(uint32_t *w, uint32_t off, uint32_t width, uint32_t v)
{
	for (uint32_t b = 0; b < width; b++)
		if (v >> b & 1u)
			w[(off + b) / 32] |= 1u << ((off + b) % 32);
}

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/* Vector v's codes: all zero, all maximum, then random from the state. */
static void make_codes(const struct nlut_quant *q, uint32_t n_in, uint32_t v, uint64_t *rng,
		       uint16_t *codes)
{
	for (uint32_t f = 0; f < n_in; f++) {
		uint32_t max = (1u << q[f].bits) - 1u;

		if (v == 0)
			codes[f] = 0;
		else if (v == 1)
			codes[f] = (uint16_t)max;
		else
			codes[f] = (uint16_t)(splitmix64(rng) >> 48 & max);
	}
}

/* The whole block: header, then per vector its input words, class and
 * score words. */
static int fill_block(const nlut_model *m, const struct bist_shape *s, uint32_t n,
		      const uint8_t hash[NLUT_HASH_SIZE], uint32_t *w)
{
	const struct nlut_quant *q = nlut_model_quant(m);
	uint16_t *codes = calloc(s->n_in, sizeof(*codes));
	uint16_t *scores = calloc(s->n_cls, sizeof(*scores));
	nlut_golden *g = NULL;
	uint64_t rng = 0;
	int ret;

	if (!codes || !scores) {
		ret = ng_fail(NLUT_ERROR_NO_MEM, "out of memory");
		goto out;
	}
	if ((ret = nlut_golden_new(m, &g))) {
		ret = ng_pass(ret, "self-test data: golden model");
		goto out;
	}
	w[NLUT_BIST_W_MAGIC] = NLUT_FW_BIST_MAGIC;
	w[NLUT_BIST_W_FORMAT] = NLUT_BIST_FORMAT;
	w[NLUT_BIST_W_VECTORS] = n;
	w[NLUT_BIST_W_IN_WORDS] = s->in_words;
	w[NLUT_BIST_W_SCORE_WORDS] = s->score_words;
	for (uint32_t k = 0; k < NLUT_HASH_SIZE; k++) {
		w[NLUT_BIST_W_HASH + k / 4] |= (uint32_t)hash[k] << (8 * (k % 4));
		/* The identity's first 8 bytes, little-endian, seed the codes. */
		if (k < 8)
			rng |= (uint64_t)hash[k] << (8 * k);
	}
	for (uint32_t v = 0; v < n; v++) {
		uint32_t *p = w + NLUT_BIST_HEADER_WORDS + (size_t)v * s->per, off = 0, cls;

		make_codes(q, s->n_in, v, &rng, codes);
		if ((ret = nlut_golden_eval(g, codes, scores, &cls))) {
			ret = ng_pass(ret, "self-test data: golden model");
			goto out;
		}
		for (uint32_t f = 0; f < s->n_in; f++) {
			put_bits(p, off, q[f].bits, codes[f]);
			off += q[f].bits;
		}
		p[s->in_words] = cls;
		off = 0;
		for (uint32_t k = 0; k < s->n_cls; k++) {
			put_bits(p + s->in_words + 1, off, nlut_model_score_bits(m, k), scores[k]);
			off += nlut_model_score_bits(m, k);
		}
	}
out:
	nlut_golden_free(g);
	free(codes);
	free(scores);
	return ret;
}

/* CRC-32 of the words from 16 on, as little-endian bytes. */
static uint32_t block_crc(const uint32_t *w, size_t words)
{
	uint32_t crc = 0;

	for (size_t k = NLUT_BIST_HEADER_WORDS; k < words; k++) {
		uint8_t b[4] = { (uint8_t)w[k], (uint8_t)(w[k] >> 8), (uint8_t)(w[k] >> 16),
				 (uint8_t)(w[k] >> 24) };

		crc = nlut_wire_crc32(crc, b, sizeof(b));
	}
	return crc;
}

int ng_write_bist(const nlut_model *m, uint32_t n, const char *dir)
{
	struct bist_shape s;
	uint8_t hash[NLUT_HASH_SIZE];
	struct sbuf sb;
	uint32_t *w;
	size_t words;
	int ret;

	if ((ret = ng_bist_check(m, n)))
		return ret;
	if ((ret = nlut_model_hash(m, hash)))
		return ng_pass(ret, "model identity");
	shape_of(m, &s);
	words = NLUT_BIST_HEADER_WORDS + (size_t)n * s.per;
	w = calloc(words, sizeof(*w));
	if (!w)
		return ng_fail(NLUT_ERROR_NO_MEM, "out of memory");
	if ((ret = fill_block(m, &s, n, hash, w))) {
		free(w);
		return ret;
	}
	w[NLUT_BIST_W_CRC] = block_crc(w, words);
	/* $readmemh: the word address in the RAM, then one word per line. */
	sb_init(&sb);
	sb_printf(&sb, "@%08x\n", (NLUT_FW_BIST_BASE - NLUT_BIST_RAM_BASE) / 4);
	for (size_t k = 0; k < words; k++)
		sb_printf(&sb, "%08x\n", w[k]);
	free(w);
	ret = sb_write(&sb, dir, "nlut_bist.hex");
	sb_free(&sb);
	return ret;
}

int nlut_gen_write_bist(const nlut_model *m, uint32_t n, const char *dir)
{
	int ret;

	ng_clear_error();
	if (!m || !dir)
		return ng_fail(NLUT_ERROR_INVALID_PARAM, "no model or directory");
	if ((ret = nlut_model_validate(m)))
		return ng_pass(ret, "model");
	if ((ret = ng_bist_check(m, n)) || (ret = ng_mkdir(dir)))
		return ret;
	return ng_write_bist(m, n, dir);
}
