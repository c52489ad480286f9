/* test_model_format.c - .nlut round trips, identity, and every rejection path
 * of the reader, on files composed byte by byte by an encoder written here
 * from docs/model-format.md. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <math.h>

#include <nlut/nlut.h>

#include "random_model.h"
#include "ref_eval.h"
#include "test_seed.h"

#define nlut_crc32 nlut_wire_crc32

static uint64_t seed;

/* Identity of the reference XOR file below (see identity_is_pinned). */
#define PINNED_XOR_ID "681539b060727fb6d678ffcfc3cd3d8df58aa7ed6bc4299c732e82c70964c83d"

/* ---- a small independent encoder ---- */

struct tb {
	uint8_t b[1 << 16];
	size_t len;
	size_t sec_start;
	uint32_t n_sec;
};

static void p8(struct tb *t, uint8_t v)
{
	t->b[t->len++] = v;
}

static void p16(struct tb *t, uint16_t v)
{
	p8(t, (uint8_t)v);
	p8(t, (uint8_t)(v >> 8));
}

static void p32(struct tb *t, uint32_t v)
{
	p16(t, (uint16_t)v);
	p16(t, (uint16_t)(v >> 16));
}

static void pf(struct tb *t, float f)
{
	uint32_t v;

	memcpy(&v, &f, 4);
	p32(t, v);
}

static void tb_begin(struct tb *t)
{
	static const uint8_t magic[8] = { 0x89, 'N', 'L', 'T', '\r', '\n', 0x1A, '\n' };

	t->len = 0;
	t->n_sec = 0;
	memcpy(t->b, magic, 8);
	t->len = 8;
	p16(t, 1);
	p16(t, 0);
	p32(t, 0);
	p32(t, 0);
	p32(t, 0);
	p32(t, 0);
	p32(t, 0);
}

static void sec_begin(struct tb *t, const char *tag, uint32_t flags)
{
	t->sec_start = t->len;
	memcpy(t->b + t->len, tag, 4);
	t->len += 4;
	p32(t, flags);
	p32(t, 0);
	p32(t, 0);
}

static void wr32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void sec_end(struct tb *t)
{
	wr32(t->b + t->sec_start + 8, (uint32_t)(t->len - t->sec_start - 16));
	p32(t, nlut_crc32(0, t->b + t->sec_start, t->len - t->sec_start));
	t->n_sec++;
}

static void tb_finish(struct tb *t)
{
	wr32(t->b + 16, (uint32_t)t->len);
	wr32(t->b + 24, t->n_sec);
	wr32(t->b + 28, nlut_crc32(0, t->b, 28));
}

/* Knobs for the reference file: 2 one-bit inputs, one XOR neuron, then a
 * 2-neuron output layer. Each test changes one knob. */
struct knobs {
	uint32_t n_inputs;
	uint8_t in_bits, quant_kind;
	uint16_t quant_rsv;
	float scale;
	uint32_t layer_kind;
	uint8_t neuron_kind, out_bits;
	uint16_t fan_in;
	uint32_t src1;
	uint8_t src_bits1;
	uint16_t entry3;
	uint32_t n_classes, outp_kind;
	int meta_dup, meta_nul, extra_payload, skip_outp, unknown_critical, unknown_ancillary;
	uint32_t n_neurons_decl;
	uint32_t sec_flags_extra;
	int adder;
	uint8_t adder_nsub, adder_pos, adder_entry, adder_sub_bits;
	uint16_t adder_rsv;
	int dense; /* layer 0's neuron is LUT-Dense (format 1.3): OR of its edges */
	uint8_t dense_sub_bits, dense_shift, dense_read1;
	uint16_t dense_rsv, dense_entry1;
	int32_t dense_bias;
};

static struct knobs base(void)
{
	return (struct knobs){ .n_inputs = 2, .in_bits = 1, .quant_kind = 1, .scale = 1.0f,
			       .layer_kind = 1, .neuron_kind = 0, .out_bits = 1, .fan_in = 2,
			       .src1 = 1, .src_bits1 = 1, .entry3 = 0, .n_classes = 2, .outp_kind = 1,
			       .n_neurons_decl = 1, .adder_nsub = 2,
			       .adder_pos = 1, .adder_entry = 1, .adder_sub_bits = 2,
			       .dense_sub_bits = 2, .dense_read1 = 1, .dense_entry1 = 1 };
}

static void build(struct tb *t, const struct knobs *k)
{
	tb_begin(t);
	if (k->unknown_ancillary) {
		sec_begin(t, "ZZZZ", 0);
		p32(t, 0xdeadbeef);
		sec_end(t);
	}
	sec_begin(t, "INPT", 1 | k->sec_flags_extra);
	p32(t, k->n_inputs);
	for (uint32_t i = 0; i < k->n_inputs && i < 64; i++) {
		p8(t, k->in_bits);
		p8(t, k->quant_kind);
		p16(t, k->quant_rsv);
		pf(t, 0.0f);
		pf(t, k->scale);
	}
	sec_end(t);
	/* Layer 0: one XOR neuron over inputs 0 and src1. */
	sec_begin(t, "LAYR", 1);
	p32(t, k->layer_kind);
	p32(t, k->n_neurons_decl);
	p8(t, k->adder ? 1 : k->dense ? 2 : k->neuron_kind);
	p8(t, k->out_bits);
	p16(t, k->fan_in);
	for (uint32_t i = 0; i < k->fan_in && i < 2048; i++)
		p32(t, i == 1 ? k->src1 : 0);
	for (uint32_t i = 0; i < k->fan_in && i < 2048; i++)
		p8(t, i == 1 ? k->src_bits1 : k->in_bits);
	if (k->adder) {
		/* XOR as the sum of two 2-bit sub-tables (identity of each input),
		 * then an output table that is 1 where the sum is 1. */
		uint32_t ab = k->adder_sub_bits + (k->adder_nsub > 2 ? 2 : 1);

		p8(t, k->adder_sub_bits);
		p8(t, k->adder_nsub);
		p16(t, k->adder_rsv);
		for (uint32_t s = 0; s < k->adder_nsub; s++) {
			p8(t, 1);
			p8(t, s == 1 ? k->adder_pos : 0);
		}
		for (uint32_t s = 0; s < k->adder_nsub; s++) {
			p8(t, 0);
			p8(t, s == 1 ? k->adder_entry : 1);
		}
		for (uint32_t a = 0; a < (1u << ab); a++)
			p8(t, a == 1);
	} else if (k->dense) {
		/* Edge tables {0, 1} (edge 1: {0, entry1}) summed, clamped to 1
		 * bit: the OR of the inputs (edges past 1 read input 0 again). */
		p8(t, k->dense_sub_bits);
		p8(t, k->dense_shift);
		p16(t, k->dense_rsv);
		p32(t, (uint32_t)k->dense_bias);
		for (uint32_t i = 0; i < k->fan_in && i < 2048; i++)
			p8(t, i == 1 ? k->dense_read1 : 1);
		for (uint32_t i = 0; i < k->fan_in && i < 2048; i++) {
			uint32_t rb = i == 1 ? k->dense_read1 : 1;

			for (uint32_t a = 0; a < (1u << rb) && a < 256; a++)
				p8(t, a == 0 ? 0 : i == 1 ? (uint8_t)k->dense_entry1 : 1);
		}
	} else if (k->fan_in == 2) {
		uint32_t n = 1u << (k->in_bits + k->src_bits1);

		for (uint32_t a = 0; a < n && a < 4096; a++)
			p8(t, a == 3 ? (uint8_t)k->entry3 : (uint8_t)((a ^ (a >> 1)) & 1));
	}
	if (k->extra_payload)
		p8(t, 0);
	sec_end(t);
	/* Layer 1: two outputs, identity and inverse of the XOR. */
	sec_begin(t, "LAYR", 1);
	p32(t, 1);
	p32(t, 2);
	for (int j = 0; j < 2; j++) {
		p8(t, 0);
		p8(t, 1);
		p16(t, 1);
		p32(t, 0);
		p8(t, k->out_bits);
		for (uint32_t a = 0; a < (1u << k->out_bits) && a < 4096; a++)
			p8(t, (uint8_t)((a & 1) ^ (uint32_t)j));
	}
	sec_end(t);
	if (k->unknown_critical) {
		sec_begin(t, "FUTR", 1);
		p32(t, 1);
		sec_end(t);
	}
	if (!k->skip_outp) {
		sec_begin(t, "OUTP", 1);
		p32(t, k->outp_kind);
		p32(t, k->n_classes);
		sec_end(t);
	}
	sec_begin(t, "META", 0);
	p32(t, k->meta_dup ? 2 : 1);
	for (int i = 0; i < (k->meta_dup ? 2 : 1); i++) {
		p32(t, 4);
		memcpy(t->b + t->len, k->meta_nul ? "na\0e" : "name", 4);
		t->len += 4;
		p32(t, 3);
		memcpy(t->b + t->len, "xor", 3);
		t->len += 3;
	}
	sec_end(t);
	tb_finish(t);
}

static int load_knobs(const struct knobs *k)
{
	static struct tb t;
	nlut_model *m = NULL;

	build(&t, k);
	int err = nlut_model_load_mem(t.b, t.len, &m);

	if (err)
		assert_null(m);
	else
		assert_non_null(m);
	nlut_model_free(m);
	return err;
}

/* ---- tests ---- */

static void crc32_known_answer(void **state)
{
	assert_int_equal(nlut_crc32(0, "123456789", 9), 0xCBF43926u);
	assert_int_equal(nlut_crc32(nlut_crc32(0, "1234", 4), "56789", 5), 0xCBF43926u);
}

static void hand_built_file_loads_and_evaluates(void **state)
{
	struct knobs k = base();
	static struct tb t;
	nlut_model *m;

	build(&t, &k);
	assert_int_equal(nlut_model_load_mem(t.b, t.len, &m), NLUT_SUCCESS);
	assert_int_equal(nlut_model_num_inputs(m), 2);
	assert_int_equal(nlut_model_num_layers(m), 2);
	assert_int_equal(nlut_model_num_classes(m), 2);
	assert_string_equal(nlut_model_meta(m, "name"), "xor");
	for (uint16_t a = 0; a < 4; a++) {
		uint16_t codes[2] = { (uint16_t)(a & 1), (uint16_t)(a >> 1) }, sc[2];
		uint32_t x = (a & 1) ^ (a >> 1);

		/* XOR true -> output 0 scores 1 and wins; else output 1 wins. */
		assert_int_equal(ref_eval(m, codes, sc), x ? 0 : 1);
		assert_int_equal(sc[0], x);
		assert_int_equal(sc[1], !x);
	}
	/* The library's own writer produces exactly the bytes written here. */
	void *buf;
	size_t len;

	assert_int_equal(nlut_model_save_mem(m, &buf, &len), NLUT_SUCCESS);
	assert_int_equal(len, t.len);
	assert_memory_equal(buf, t.b, len);
	free(buf);
	nlut_model_free(m);
}

static void identity_is_pinned(void **state)
{
	/* A change of this value is a change of the format: bump the version. */
	struct knobs k = base();
	static struct tb t;
	nlut_model *m;
	char id[NLUT_ID_STR_SIZE];

	build(&t, &k);
	assert_int_equal(nlut_model_load_mem(t.b, t.len, &m), NLUT_SUCCESS);
	assert_int_equal(nlut_model_id(m, id), NLUT_SUCCESS);
	printf("identity of the XOR model: %s\n", id);
	assert_string_equal(id, PINNED_XOR_ID);
	nlut_model_free(m);
}

static void random_models_round_trip(void **state)
{
	for (int i = 0; i < 200; i++) {
		struct rm_spec sp;
		uint64_t s = seed + (uint64_t)i;

		rm_random_spec(&sp, s);
		sp.dense_pct = i % 2 ? 30 : 0; /* LUT-Dense neurons in every other model */
		nlut_model *m = rm_build(&sp, s), *r;
		void *b1, *b2;
		size_t l1, l2;
		uint8_t h1[32], h2[32];

		assert_non_null(m);
		assert_int_equal(nlut_model_set_meta(m, "name", "random"), 0);
		assert_int_equal(nlut_model_save_mem(m, &b1, &l1), NLUT_SUCCESS);
		assert_int_equal(nlut_model_load_mem(b1, l1, &r), NLUT_SUCCESS);
		assert_int_equal(nlut_model_save_mem(r, &b2, &l2), NLUT_SUCCESS);
		assert_int_equal(l1, l2);
		assert_memory_equal(b1, b2, l1);
		assert_int_equal(nlut_model_hash(m, h1), 0);
		assert_int_equal(nlut_model_hash(r, h2), 0);
		assert_memory_equal(h1, h2, 32);
		assert_int_equal(nlut_model_table_entries(m), nlut_model_table_entries(r));
		/* Same function on random vectors. */
		uint16_t codes[64 * 24];

		rm_codes(m, s, 64, codes);
		for (int v = 0; v < 64; v++)
			assert_int_equal(ref_eval(m, codes + v * sp.n_inputs, NULL),
					 ref_eval(r, codes + v * sp.n_inputs, NULL));
		free(b1);
		free(b2);
		nlut_model_free(r);
		nlut_model_free(m);
	}
}

static void save_and_load_file(void **state)
{
	struct rm_spec sp;
	nlut_model *m, *r;
	char path[512];
	char id1[NLUT_ID_STR_SIZE], id2[NLUT_ID_STR_SIZE];

	rm_jsc2l_spec(&sp);
	m = rm_build(&sp, seed);
	snprintf(path, sizeof(path), "%s/roundtrip.nlut", NLUT_TEST_TMPDIR);
	assert_int_equal(nlut_model_save(m, path), NLUT_SUCCESS);
	assert_int_equal(nlut_model_load(path, &r), NLUT_SUCCESS);
	assert_int_equal(nlut_model_id(m, id1), 0);
	assert_int_equal(nlut_model_id(r, id2), 0);
	assert_string_equal(id1, id2);
	nlut_model_free(r);
	nlut_model_free(m);
	assert_int_equal(nlut_model_load(NLUT_TEST_TMPDIR, &r), NLUT_ERROR_IO);
	assert_non_null(strstr(nlut_error_detail(), NLUT_TEST_TMPDIR));
}

static void identity_ignores_metadata_but_not_tables(void **state)
{
	struct rm_spec sp;
	nlut_model *m, *c;
	uint8_t h1[32], h2[32], h3[32];

	rm_jsc2l_spec(&sp);
	m = rm_build(&sp, seed);
	assert_int_equal(nlut_model_hash(m, h1), 0);
	assert_int_equal(nlut_model_set_meta(m, "accuracy", "0.5"), 0);
	assert_int_equal(nlut_model_set_meta(m, "name", "x"), 0);
	assert_int_equal(nlut_model_hash(m, h2), 0);
	assert_memory_equal(h1, h2, 32);
	assert_int_equal(nlut_model_clone(m, &c), 0);
	/* Flip one entry of one table through the builder. */
	const struct nlut_neuron *n = &nlut_model_layer(c, 1)->neurons[3];
	size_t sz = (size_t)1 << n->addr_bits;
	uint16_t *t = malloc(sz * sizeof(*t));

	memcpy(t, n->table, sz * sizeof(*t));
	t[sz / 2] ^= 1;
	assert_int_equal(nlut_model_set_neuron(c, 1, 3, n->fan_in, n->src, n->out_bits, t), 0);
	assert_int_equal(nlut_model_hash(c, h3), 0);
	assert_memory_not_equal(h1, h3, 32);
	free(t);
	nlut_model_free(c);
	nlut_model_free(m);
}

static void metadata_set_replace_remove(void **state)
{
	struct rm_spec sp;
	nlut_model *m;
	const char *k, *v;

	rm_jsc2l_spec(&sp);
	m = rm_build(&sp, seed);
	assert_int_equal(nlut_model_set_meta(m, "a", "1"), 0);
	assert_int_equal(nlut_model_set_meta(m, "b", "2"), 0);
	assert_int_equal(nlut_model_set_meta(m, "a", "3"), 0);
	assert_int_equal(nlut_model_meta_count(m), 2);
	assert_string_equal(nlut_model_meta(m, "a"), "3");
	assert_int_equal(nlut_model_set_meta(m, "a", NULL), 0);
	assert_null(nlut_model_meta(m, "a"));
	assert_int_equal(nlut_model_meta_at(m, 0, &k, &v), 0);
	assert_string_equal(k, "b");
	assert_int_equal(nlut_model_meta_at(m, 1, &k, &v), NLUT_ERROR_NOT_FOUND);
	assert_int_equal(nlut_model_set_meta(m, "", "x"), NLUT_ERROR_INCONSISTENT);
	nlut_model_free(m);
}

static void builder_rejects_bad_neurons(void **state)
{
	struct nlut_quant q[2] = { { 2, 0, 1 }, { 2, 0, 1 } };
	nlut_model *m;
	uint16_t t[16] = { 0 };
	uint32_t src[2] = { 0, 1 }, bad[2] = { 0, 2 };

	assert_int_equal(nlut_model_new(2, q, &m), 0);
	assert_int_equal(nlut_model_add_layer(m, 1), 0);
	assert_int_equal(nlut_model_add_layer(m, 1), 1);
	/* Unset model does not validate and cannot be saved. */
	assert_int_equal(nlut_model_validate(m), NLUT_ERROR_INCONSISTENT);
	assert_non_null(strstr(nlut_error_detail(), "not set"));
	/* Source not set yet. */
	assert_int_equal(nlut_model_set_neuron(m, 1, 0, 1, src, 1, t), NLUT_ERROR_INVALID_PARAM);
	/* Source out of range. */
	assert_int_equal(nlut_model_set_neuron(m, 0, 0, 2, bad, 1, t), NLUT_ERROR_INVALID_PARAM);
	/* Entry wider than the output. */
	t[5] = 2;
	assert_int_equal(nlut_model_set_neuron(m, 0, 0, 2, src, 1, t), NLUT_ERROR_INCONSISTENT);
	t[5] = 1;
	assert_int_equal(nlut_model_set_neuron(m, 0, 0, 2, src, 1, t), NLUT_SUCCESS);
	assert_int_equal(nlut_model_set_neuron(m, 0, 1, 2, src, 1, t), NLUT_ERROR_INVALID_PARAM);
	assert_int_equal(nlut_model_set_neuron(m, 0, 0, 0, src, 1, t), NLUT_ERROR_INVALID_PARAM);
	assert_int_equal(nlut_model_set_neuron(m, 0, 0, 2, src, 17, t), NLUT_ERROR_INCONSISTENT);
	assert_int_equal(nlut_model_set_neuron(m, 1, 0, 1, src, 1, t), NLUT_SUCCESS);
	assert_int_equal(nlut_model_validate(m), NLUT_SUCCESS);
	/* Bad quantisers. */
	struct nlut_quant bq[1] = { { 0, 0, 1 } };
	nlut_model *m2 = (nlut_model *)1;

	assert_int_equal(nlut_model_new(1, bq, &m2), NLUT_ERROR_INCONSISTENT);
	assert_null(m2);
	bq[0] = (struct nlut_quant){ 4, 0, -1 };
	assert_int_equal(nlut_model_new(1, bq, &m2), NLUT_ERROR_INCONSISTENT);
	nlut_model_free(m);
}

/* Every single-bit flip anywhere in a file is caught; no truncation loads. */
static void every_bit_flip_and_truncation_is_rejected(void **state)
{
	struct rm_spec sp;
	nlut_model *m, *r;
	uint8_t *buf;
	size_t len;

	/* Small enough that parsing every mutant stays cheap; adders included. */
	sp = (struct rm_spec){ .n_inputs = 5, .in_bits = 2, .n_layers = 2, .width = { 4, 3 },
			       .fan_in = { 3, 2 }, .out_bits = { 2, 3 }, .adder_pct = 50 };
	m = rm_build(&sp, seed);
	assert_non_null(m);
	nlut_model_set_meta(m, "name", "flip");
	assert_int_equal(nlut_model_save_mem(m, (void **)&buf, &len), 0);
	for (size_t i = 0; i < len; i++) {
		for (int bit = 0; bit < 8; bit += 3) {
			buf[i] ^= (uint8_t)(1u << bit);
			int err = nlut_model_load_mem(buf, len, &r);

			if (err == NLUT_SUCCESS)
				fail_msg("flip of byte %zu bit %d loaded", i, bit);
			assert_null(r);
			buf[i] ^= (uint8_t)(1u << bit);
		}
	}
	for (size_t l = 0; l < len; l++) {
		int err = nlut_model_load_mem(buf, l, &r);

		if (err != NLUT_ERROR_TRUNCATED)
			fail_msg("truncation to %zu of %zu bytes gave %s", l, len, nlut_error_name(err));
	}
	free(buf);
	nlut_model_free(m);
}

static void header_rejections(void **state)
{
	struct knobs k = base();
	static struct tb t;
	nlut_model *m;

	build(&t, &k);
	t.b[0] = 'X';
	assert_int_equal(nlut_model_load_mem(t.b, t.len, &m), NLUT_ERROR_BAD_MAGIC);
	assert_int_equal(nlut_model_load_mem("PK\3\4 zip file, not a model", 27, &m),
			 NLUT_ERROR_BAD_MAGIC);
	build(&t, &k);
	t.b[8] = 2; /* major 2 */
	wr32(t.b + 28, nlut_crc32(0, t.b, 28));
	assert_int_equal(nlut_model_load_mem(t.b, t.len, &m), NLUT_ERROR_VERSION);
	assert_non_null(strstr(nlut_error_detail(), "2.0"));
	build(&t, &k);
	t.b[10] = 7; /* minor 7 still loads */
	wr32(t.b + 28, nlut_crc32(0, t.b, 28));
	assert_int_equal(nlut_model_load_mem(t.b, t.len, &m), NLUT_SUCCESS);
	unsigned ma, mi;

	nlut_model_version(m, &ma, &mi);
	assert_int_equal(ma, 1);
	assert_int_equal(mi, 7);
	nlut_model_free(m);
	build(&t, &k);
	t.b[12] = 1; /* flags */
	wr32(t.b + 28, nlut_crc32(0, t.b, 28));
	assert_int_equal(nlut_model_load_mem(t.b, t.len, &m), NLUT_ERROR_MALFORMED);
	build(&t, &k);
	t.b[20] = 0x40; /* file_size 1 TiB */
	wr32(t.b + 28, nlut_crc32(0, t.b, 28));
	assert_int_equal(nlut_model_load_mem(t.b, t.len, &m), NLUT_ERROR_TOO_LARGE);
	build(&t, &k);
	t.b[28] ^= 1;
	assert_int_equal(nlut_model_load_mem(t.b, t.len, &m), NLUT_ERROR_CHECKSUM);
	/* Trailing garbage after a complete file. */
	build(&t, &k);
	t.b[t.len] = 0;
	assert_int_equal(nlut_model_load_mem(t.b, t.len + 1, &m), NLUT_ERROR_MALFORMED);
	/* Section count off by one either way. */
	build(&t, &k);
	t.b[24]++;
	wr32(t.b + 28, nlut_crc32(0, t.b, 28));
	assert_int_equal(nlut_model_load_mem(t.b, t.len, &m), NLUT_ERROR_TRUNCATED);
	build(&t, &k);
	t.b[24]--;
	wr32(t.b + 28, nlut_crc32(0, t.b, 28));
	assert_int_equal(nlut_model_load_mem(t.b, t.len, &m), NLUT_ERROR_MALFORMED);
	build(&t, &k);
	wr32(t.b + 24, 100000);
	wr32(t.b + 28, nlut_crc32(0, t.b, 28));
	assert_int_equal(nlut_model_load_mem(t.b, t.len, &m), NLUT_ERROR_TOO_LARGE);
}

#define EXPECT(field, value, code)                                             \
	do {                                                                   \
		struct knobs k_ = base();                                      \
		k_.field = value;                                              \
		int e_ = load_knobs(&k_);                                      \
		if (e_ != (code))                                              \
			fail_msg("%s = %s: got %s (%s), expected %s", #field,  \
				 #value, nlut_error_name(e_),                  \
				 nlut_error_detail(), #code);                  \
	} while (0)

static void section_rejections(void **state)
{
	EXPECT(n_inputs, 0, NLUT_ERROR_INCONSISTENT);
	EXPECT(n_inputs, 70000, NLUT_ERROR_TOO_LARGE);
	EXPECT(n_inputs, 3, NLUT_SUCCESS);
	EXPECT(in_bits, 0, NLUT_ERROR_INCONSISTENT);
	EXPECT(in_bits, 17, NLUT_ERROR_INCONSISTENT);
	EXPECT(quant_kind, 2, NLUT_ERROR_UNSUPPORTED);
	EXPECT(quant_rsv, 1, NLUT_ERROR_MALFORMED);
	EXPECT(scale, 0.0f, NLUT_ERROR_INCONSISTENT);
	EXPECT(scale, -1.0f, NLUT_ERROR_INCONSISTENT);
	EXPECT(scale, NAN, NLUT_ERROR_INCONSISTENT);
	EXPECT(scale, INFINITY, NLUT_ERROR_INCONSISTENT);
	EXPECT(layer_kind, 2, NLUT_ERROR_UNSUPPORTED);
	EXPECT(neuron_kind, 7, NLUT_ERROR_UNSUPPORTED);
	EXPECT(out_bits, 0, NLUT_ERROR_INCONSISTENT);
	EXPECT(out_bits, 17, NLUT_ERROR_INCONSISTENT);
	EXPECT(fan_in, 0, NLUT_ERROR_INCONSISTENT);
	EXPECT(fan_in, 33, NLUT_ERROR_TOO_LARGE);
	EXPECT(fan_in, 3, NLUT_ERROR_MALFORMED);
	EXPECT(src1, 2, NLUT_ERROR_INCONSISTENT);
	EXPECT(src_bits1, 2, NLUT_ERROR_INCONSISTENT);
	EXPECT(src_bits1, 0, NLUT_ERROR_INCONSISTENT);
	EXPECT(entry3, 2, NLUT_ERROR_INCONSISTENT);
	EXPECT(n_classes, 3, NLUT_ERROR_INCONSISTENT);
	EXPECT(outp_kind, 4, NLUT_ERROR_UNSUPPORTED);
	EXPECT(outp_kind, 3, NLUT_ERROR_MALFORMED); /* a threshold needs 16 bytes (format 1.2) */
	EXPECT(meta_dup, 1, NLUT_ERROR_INCONSISTENT);
	EXPECT(meta_nul, 1, NLUT_ERROR_INCONSISTENT);
	EXPECT(extra_payload, 1, NLUT_ERROR_MALFORMED);
	EXPECT(skip_outp, 1, NLUT_ERROR_MALFORMED);
	EXPECT(unknown_critical, 1, NLUT_ERROR_UNSUPPORTED);
	EXPECT(unknown_ancillary, 1, NLUT_SUCCESS);
	EXPECT(n_neurons_decl, 0, NLUT_ERROR_INCONSISTENT);
	EXPECT(n_neurons_decl, 2, NLUT_ERROR_MALFORMED);
	EXPECT(n_neurons_decl, 65536, NLUT_ERROR_MALFORMED);
	EXPECT(n_neurons_decl, 70000, NLUT_ERROR_TOO_LARGE);
	EXPECT(sec_flags_extra, 2, NLUT_ERROR_MALFORMED);
	EXPECT(adder, 1, NLUT_SUCCESS);
}

#define EXPECT_GS(value, code)                                                 \
	do {                                                                   \
		struct knobs k_ = base();                                      \
		k_.outp_kind = 2;                                              \
		k_.n_classes = value;                                          \
		int e_ = load_knobs(&k_);                                      \
		if (e_ != (code))                                              \
			fail_msg("group sum of %s classes: got %s (%s), expected %s", \
				 #value, nlut_error_name(e_),                  \
				 nlut_error_detail(), #code);                  \
	} while (0)

/* OUTP kind 2 (format 1.1): the classes must split the last layer evenly
 * and every class sum must fit 16 bits. */
static void group_sum_rejections(void **state)
{
	EXPECT_GS(1, NLUT_SUCCESS);
	EXPECT_GS(2, NLUT_SUCCESS);
	EXPECT_GS(0, NLUT_ERROR_INCONSISTENT);
	EXPECT_GS(3, NLUT_ERROR_INCONSISTENT);
	EXPECT_GS(70000, NLUT_ERROR_INCONSISTENT);

	/* Two 16-bit outputs summed into one class need 17 bits. */
	struct nlut_quant q = { .bits = 1, .offset = 0.0f, .scale = 1.0f };
	uint16_t *t = calloc(2, sizeof(*t));
	uint32_t src = 0;
	nlut_model *m;

	t[1] = 0xffff;
	assert_int_equal(nlut_model_new(1, &q, &m), 0);
	assert_int_equal(nlut_model_add_layer(m, 2), 0);
	assert_int_equal(nlut_model_set_neuron(m, 0, 0, 1, &src, 16, t), 0);
	assert_int_equal(nlut_model_set_neuron(m, 0, 1, 1, &src, 16, t), 0);
	assert_int_equal(nlut_model_set_group_sum(m, 3), NLUT_ERROR_INCONSISTENT);
	assert_int_equal(nlut_model_set_group_sum(m, 1), 0);
	assert_int_equal(nlut_model_validate(m), NLUT_ERROR_INCONSISTENT);
	assert_int_equal(nlut_model_set_group_sum(m, 2), 0);
	assert_int_equal(nlut_model_validate(m), 0);
	assert_int_equal(nlut_model_score_bits(m, 1), 16);
	nlut_model_free(m);
	free(t);
}

/* A group-sum file is version 1.1, reads back with the same identity and
 * sums; switching back to argmax writes a 1.0 file. */
static void group_sum_file_is_1_1(void **state)
{
	struct knobs k = base();
	static struct tb t;
	nlut_model *m, *r;
	unsigned ma, mi;
	void *buf;
	size_t len;
	char id1[NLUT_ID_STR_SIZE], id2[NLUT_ID_STR_SIZE];

	k.outp_kind = 2;
	k.n_classes = 1;
	build(&t, &k);
	t.b[10] = 1; /* minor 1 */
	wr32(t.b + 28, nlut_crc32(0, t.b, 28));
	assert_int_equal(nlut_model_load_mem(t.b, t.len, &m), NLUT_SUCCESS);
	assert_int_equal(nlut_model_num_classes(m), 1);
	assert_int_equal(nlut_model_decoding(m), NLUT_DECODE_GROUP_SUM);
	assert_int_equal(nlut_model_group_size(m), 2);
	assert_int_equal(nlut_model_score_bits(m, 0), 2); /* sums 0..2 */
	/* The two outputs are XOR and its inverse: their sum is always 1. */
	for (uint16_t a = 0; a < 4; a++) {
		uint16_t codes[2] = { (uint16_t)(a & 1), (uint16_t)(a >> 1) }, sc[1];

		assert_int_equal(ref_eval(m, codes, sc), 0);
		assert_int_equal(sc[0], 1);
	}
	assert_int_equal(nlut_model_save_mem(m, &buf, &len), NLUT_SUCCESS);
	assert_int_equal(len, t.len);
	assert_memory_equal(buf, t.b, len);
	free(buf);
	nlut_model_version(m, &ma, &mi);
	assert_int_equal(ma, 1);
	assert_int_equal(mi, 1);
	assert_int_equal(nlut_model_id(m, id1), 0);
	assert_int_equal(nlut_model_set_group_sum(m, 0), 0);
	assert_int_equal(nlut_model_save_mem(m, &buf, &len), NLUT_SUCCESS);
	assert_int_equal(((uint8_t *)buf)[10], 0);
	assert_int_equal(nlut_model_load_mem(buf, len, &r), NLUT_SUCCESS);
	assert_int_equal(nlut_model_num_classes(r), 2);
	assert_int_equal(nlut_model_id(r, id2), 0);
	assert_string_not_equal(id1, id2); /* the decoding is part of the function */
	free(buf);
	nlut_model_free(r);
	nlut_model_free(m);
}

#define EXPECT_ADDER(field, value, code)                                       \
	do {                                                                   \
		struct knobs k_ = base();                                      \
		k_.adder = 1;                                                  \
		k_.field = value;                                              \
		int e_ = load_knobs(&k_);                                      \
		if (e_ != (code))                                              \
			fail_msg("adder %s = %s: got %s (%s), expected %s",    \
				 #field, #value, nlut_error_name(e_),          \
				 nlut_error_detail(), #code);                  \
	} while (0)

static void adder_rejections(void **state)
{
	EXPECT_ADDER(adder_nsub, 3, NLUT_SUCCESS);
	EXPECT_ADDER(adder_nsub, 0, NLUT_ERROR_INCONSISTENT);
	EXPECT_ADDER(adder_nsub, 17, NLUT_ERROR_TOO_LARGE);
	EXPECT_ADDER(adder_pos, 2, NLUT_ERROR_INCONSISTENT);
	EXPECT_ADDER(adder_entry, 4, NLUT_ERROR_INCONSISTENT);
	EXPECT_ADDER(adder_rsv, 1, NLUT_ERROR_MALFORMED);
	EXPECT_ADDER(adder_sub_bits, 0, NLUT_ERROR_INCONSISTENT);
}

#define EXPECT_DENSE(field, value, code)                                       \
	do {                                                                   \
		struct knobs k_ = base();                                      \
		k_.dense = 1;                                                  \
		k_.field = value;                                              \
		int e_ = load_knobs(&k_);                                      \
		if (e_ != (code))                                              \
			fail_msg("dense %s = %s: got %s (%s), expected %s",    \
				 #field, #value, nlut_error_name(e_),          \
				 nlut_error_detail(), #code);                  \
	} while (0)

/* Every field of the LUT-Dense neuron (format 1.3), one at a time. */
static void dense_rejections(void **state)
{
	EXPECT_DENSE(fan_in, 40, NLUT_SUCCESS); /* past the 32 of the other kinds */
	EXPECT_DENSE(fan_in, 1024, NLUT_SUCCESS);
	EXPECT_DENSE(fan_in, 1025, NLUT_ERROR_TOO_LARGE);
	EXPECT_DENSE(fan_in, 0, NLUT_ERROR_INCONSISTENT);
	EXPECT_DENSE(dense_sub_bits, 0, NLUT_ERROR_INCONSISTENT);
	EXPECT_DENSE(dense_sub_bits, 17, NLUT_ERROR_INCONSISTENT);
	EXPECT_DENSE(dense_shift, 30, NLUT_SUCCESS);
	EXPECT_DENSE(dense_shift, 31, NLUT_ERROR_INCONSISTENT);
	EXPECT_DENSE(dense_rsv, 1, NLUT_ERROR_MALFORMED);
	EXPECT_DENSE(dense_bias, -(1 << 30), NLUT_SUCCESS);
	EXPECT_DENSE(dense_bias, (1 << 30) + 1, NLUT_ERROR_INCONSISTENT);
	EXPECT_DENSE(dense_bias, INT32_MIN, NLUT_ERROR_INCONSISTENT);
	EXPECT_DENSE(dense_read1, 0, NLUT_ERROR_INCONSISTENT);
	EXPECT_DENSE(dense_read1, 2, NLUT_ERROR_INCONSISTENT); /* a 1-bit source */
	EXPECT_DENSE(dense_entry1, 3, NLUT_SUCCESS);
	EXPECT_DENSE(dense_entry1, 4, NLUT_ERROR_INCONSISTENT); /* 2-bit entries */
	EXPECT_DENSE(extra_payload, 1, NLUT_ERROR_MALFORMED);
}

/* The LUT-Dense file computes its definition (OR, then with a negative
 * entry and a bias the other ways round), and is stamped 1.3. */
static void dense_file_computes_its_rule(void **state)
{
	struct knobs k = base();
	static struct tb t;
	nlut_model *m;
	unsigned major, minor;
	void *b;
	size_t len;

	k.dense = 1;
	build(&t, &k);
	assert_int_equal(nlut_model_load_mem(t.b, t.len, &m), NLUT_SUCCESS);
	for (uint16_t a = 0; a < 4; a++) {
		uint16_t codes[2] = { (uint16_t)(a & 1), (uint16_t)(a >> 1) }, sc[2];

		ref_eval(m, codes, sc);
		assert_int_equal(sc[0], (a & 1) | (a >> 1));
	}
	assert_int_equal(nlut_model_save_mem(m, &b, &len), NLUT_SUCCESS);
	assert_int_equal(((const uint8_t *)b)[10], 3);
	nlut_model_version(m, &major, &minor);
	assert_int_equal(minor, 3);
	free(b);
	nlut_model_free(m);
	/* Edge 1 = -1 (entry 3 of 2 bits), bias 1: 1 + x0 - x1 clamped to 1
	 * bit is 1 unless x1 and not x0. */
	k.dense_entry1 = 3;
	k.dense_bias = 1;
	build(&t, &k);
	assert_int_equal(nlut_model_load_mem(t.b, t.len, &m), NLUT_SUCCESS);
	for (uint16_t a = 0; a < 4; a++) {
		uint16_t codes[2] = { (uint16_t)(a & 1), (uint16_t)(a >> 1) }, sc[2];

		ref_eval(m, codes, sc);
		assert_int_equal(sc[0], !((a >> 1) && !(a & 1)));
	}
	nlut_model_free(m);
	/* Shift 1 with bias 0: floor((x0 + x1) / 2) = AND. */
	k.dense_entry1 = 1;
	k.dense_bias = 0;
	k.dense_shift = 1;
	build(&t, &k);
	assert_int_equal(nlut_model_load_mem(t.b, t.len, &m), NLUT_SUCCESS);
	for (uint16_t a = 0; a < 4; a++) {
		uint16_t codes[2] = { (uint16_t)(a & 1), (uint16_t)(a >> 1) }, sc[2];

		ref_eval(m, codes, sc);
		assert_int_equal(sc[0], (a & 1) & (a >> 1));
	}
	nlut_model_free(m);
}

static void adder_file_computes_xor(void **state)
{
	struct knobs k = base();
	static struct tb t;
	nlut_model *m;

	k.adder = 1;
	build(&t, &k);
	assert_int_equal(nlut_model_load_mem(t.b, t.len, &m), NLUT_SUCCESS);
	for (uint16_t a = 0; a < 4; a++) {
		uint16_t codes[2] = { (uint16_t)(a & 1), (uint16_t)(a >> 1) }, sc[2];

		ref_eval(m, codes, sc);
		assert_int_equal(sc[0], (a & 1) ^ (a >> 1));
	}
	nlut_model_free(m);
}

static void table_too_wide_is_refused_before_allocation(void **state)
{
	struct knobs k = base();

	k.n_inputs = 25;
	k.fan_in = 25; /* 25 one-bit inputs: a 2^25-entry table */
	assert_int_equal(load_knobs(&k), NLUT_ERROR_TOO_LARGE);
	assert_non_null(strstr(nlut_error_detail(), "25 address bits"));
}

/* Rebuild the reference file with its sections in another order. */
static int load_order(const int *order, int n)
{
	struct knobs k = base();
	static struct tb t, o;
	size_t off[8], len[8], pos = 32;
	nlut_model *m = NULL;
	int ns = 0;

	build(&t, &k);
	while (pos < t.len) {
		size_t pl = t.b[pos + 8] | (size_t)t.b[pos + 9] << 8 | (size_t)t.b[pos + 10] << 16;

		off[ns] = pos;
		len[ns++] = 20 + pl;
		pos += 20 + pl;
	}
	memcpy(o.b, t.b, 32);
	o.len = 32;
	for (int i = 0; i < n; i++) {
		memcpy(o.b + o.len, t.b + off[order[i]], len[order[i]]);
		o.len += len[order[i]];
	}
	wr32(o.b + 16, (uint32_t)o.len);
	wr32(o.b + 24, (uint32_t)n);
	wr32(o.b + 28, nlut_crc32(0, o.b, 28));
	int err = nlut_model_load_mem(o.b, o.len, &m);

	nlut_model_free(m);
	return err;
}

#define ORDER(code, ...)                                                       \
	do {                                                                   \
		static const int o_[] = { __VA_ARGS__ };                       \
		int e_ = load_order(o_, (int)(sizeof(o_) / sizeof(o_[0])));    \
		if (e_ != (code))                                              \
			fail_msg("order %s: got %s (%s)", #__VA_ARGS__,        \
				 nlut_error_name(e_), nlut_error_detail());    \
	} while (0)

static void section_order_rejections(void **state)
{
	/* Sections of the reference file: 0 INPT, 1-2 LAYR, 3 OUTP, 4 META. */
	ORDER(NLUT_SUCCESS, 0, 1, 2, 3, 4);
	ORDER(NLUT_SUCCESS, 0, 4, 1, 2, 3);
	ORDER(NLUT_SUCCESS, 0, 1, 2, 3);
	ORDER(NLUT_ERROR_MALFORMED, 1, 0, 2, 3, 4);
	ORDER(NLUT_ERROR_MALFORMED, 0, 0, 1, 2, 3, 4);
	ORDER(NLUT_ERROR_MALFORMED, 0, 3, 1, 2, 4);
	ORDER(NLUT_ERROR_MALFORMED, 0, 1, 2, 3, 2, 4);
	ORDER(NLUT_ERROR_MALFORMED, 0, 1, 2, 3, 3);
	ORDER(NLUT_ERROR_MALFORMED, 0, 1, 2, 3, 4, 4);
	ORDER(NLUT_ERROR_MALFORMED, 4, 0, 1, 2, 3);
	ORDER(NLUT_ERROR_MALFORMED, 0, 1, 2, 4);
	ORDER(NLUT_ERROR_MALFORMED, 0, 3, 4);
	ORDER(NLUT_ERROR_MALFORMED, 1, 2, 3);
	ORDER(NLUT_ERROR_INCONSISTENT, 0, 1, 3, 4);
}

static void critical_flag_must_match(void **state)
{
	struct knobs k = base();
	static struct tb t;
	nlut_model *m;

	build(&t, &k);
	/* INPT at offset 32: clear its critical flag and re-CRC. */
	t.b[32 + 4] = 0;
	size_t pl = t.b[32 + 8];

	wr32(t.b + 32 + 16 + pl, nlut_crc32(0, t.b + 32, 16 + pl));
	assert_int_equal(nlut_model_load_mem(t.b, t.len, &m), NLUT_ERROR_MALFORMED);
	assert_non_null(strstr(nlut_error_detail(), "INPT"));
}

static int setup(void **state)
{
	seed = test_seed("model_format");
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(crc32_known_answer),
		cmocka_unit_test(hand_built_file_loads_and_evaluates),
		cmocka_unit_test(identity_is_pinned),
		cmocka_unit_test(random_models_round_trip),
		cmocka_unit_test(save_and_load_file),
		cmocka_unit_test(identity_ignores_metadata_but_not_tables),
		cmocka_unit_test(metadata_set_replace_remove),
		cmocka_unit_test(builder_rejects_bad_neurons),
		cmocka_unit_test(every_bit_flip_and_truncation_is_rejected),
		cmocka_unit_test(header_rejections),
		cmocka_unit_test(section_rejections),
		cmocka_unit_test(group_sum_rejections),
		cmocka_unit_test(group_sum_file_is_1_1),
		cmocka_unit_test(adder_rejections),
		cmocka_unit_test(adder_file_computes_xor),
		cmocka_unit_test(dense_rejections),
		cmocka_unit_test(dense_file_computes_its_rule),
		cmocka_unit_test(table_too_wide_is_refused_before_allocation),
		cmocka_unit_test(section_order_rejections),
		cmocka_unit_test(critical_flag_must_match),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
