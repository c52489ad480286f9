/* bist.c - the built-in self-test: check the stored vectors (gen/bist.c
 * wrote them), feed each through the core in self-test mode and compare
 * class and scores with the stored expectation (docs/shell.md, "Self-test"). */
#include <stddef.h>

#include <nlut/wire.h>

#include "bist.h"
#include "fw.h"
#include "nlut_bist_format.h"
#include "wdog.h"

/* Bytes of CRC between two progress marks (a 48 KiB block takes about a
 * million cycles in all). */
#define CRC_CHUNK 1024u

static uint32_t crc_words(const uint32_t *w, uint32_t words)
{
	const uint8_t *p = (const uint8_t *)w;
	uint32_t left = words * 4u, crc = 0;

	while (left) {
		uint32_t k = left < CRC_CHUNK ? left : CRC_CHUNK;

		crc = nlut_wire_crc32(crc, p, k);
		p += k;
		left -= k;
		wdog_progress();
	}
	return crc;
}

enum bist_data_state bist_data_check(struct bist_data *d)
{
	const uint32_t *w = (const uint32_t *)NLUT_FW_BIST_BASE;
	const uint32_t max_words = NLUT_BIST_MAX_BYTES / 4u - NLUT_BIST_HEADER_WORDS;
	uint32_t magic, last, per, words;

	/* A build with a smaller boot RAM has nothing mapped there. */
	if (fw_probe32(NLUT_FW_BIST_BASE, &magic) || magic != NLUT_FW_BIST_MAGIC)
		return BIST_DATA_NONE;
	d->n = w[NLUT_BIST_W_VECTORS];
	d->in_words = w[NLUT_BIST_W_IN_WORDS];
	d->score_words = w[NLUT_BIST_W_SCORE_WORDS];
	d->vec = w + NLUT_BIST_HEADER_WORDS;
	if (w[NLUT_BIST_W_FORMAT] != NLUT_BIST_FORMAT || !d->n || !d->in_words ||
	    d->in_words > NLUT_BIST_MAX_IN_WORDS || !d->score_words ||
	    d->score_words > NLUT_BIST_MAX_SCORE_WORDS)
		return BIST_DATA_NONE;
	per = d->in_words + 1u + d->score_words;
	if (d->n > max_words / per)
		return BIST_DATA_NONE;
	words = d->n * per;
	if (fw_probe32((uintptr_t)(d->vec + words - 1u), &last))
		return BIST_DATA_NONE;
	for (uint32_t k = 0; k < NLUT_HASH_WORDS; k++)
		if (w[NLUT_BIST_W_HASH + k] != fw_read(NLUT_ID_MODEL_HASH_REG_OFFSET(k)))
			return BIST_DATA_OTHER_MODEL;
	if (crc_words(d->vec, words) != w[NLUT_BIST_W_CRC])
		return BIST_DATA_BAD_CRC;
	return BIST_DATA_OK;
}

/* Wait for a FW_STATUS bit: 0, or -1 after FW_POLL_LIMIT reads. Bounded,
 * so it counts as progress for the watchdog. */
static int wait_status(uint32_t bit)
{
	for (uint32_t i = 0; i < FW_POLL_LIMIT; i++) {
		wdog_progress();
		if (fw_read(NLUT_FW_STATUS_REG_OFFSET) & FW_BIT(bit))
			return 0;
	}
	return -1;
}

/* One vector through the core: 0 if class and scores match. */
static int check_vector(const struct bist_data *d, const uint32_t *v)
{
	const uint32_t *want = v + d->in_words;
	int ok;

	for (uint32_t k = 0; k < d->in_words; k++)
		fw_write(NLUT_FW_BIST_IN_REG_OFFSET(k), v[k]);
	fw_ctrl_pulse(FW_BIT(NLUT_FW_CTRL_PUSH_BIT));
	if (wait_status(NLUT_FW_STATUS_RESULT_BIT))
		return -1;
	ok = fw_read(NLUT_FW_BIST_CLASS_REG_OFFSET) == want[0];
	for (uint32_t k = 0; k < d->score_words; k++)
		ok &= fw_read(NLUT_FW_BIST_SCORES_REG_OFFSET(k)) == want[1 + k];
	return ok ? 0 : -1;
}

/* Every vector, stopping at the first mismatch or timeout. A datapath that
 * never enters self-test mode fails as vector 0. */
static void run_vectors(const struct bist_data *d, struct bist_result *r)
{
	const uint32_t *v = d->vec;
	uint32_t per = d->in_words + 1u + d->score_words;

	fw_ctrl_set(FW_BIT(NLUT_FW_CTRL_BIST_MODE_BIT));
	if (wait_status(NLUT_FW_STATUS_BIST_ACTIVE_BIT) == 0) {
		while (r->vectors < d->n && check_vector(d, v) == 0) {
			r->vectors++;
			v += per;
		}
		r->first_fail = r->vectors;
	}
	fw_ctrl_set(0);
	if (r->vectors == d->n) {
		r->pass = 1;
		r->first_fail = NLUT_BIST_NONE;
	}
}

void bist_run(struct bist_result *r)
{
	struct bist_data d;

	r->pass = 0;
	r->first_fail = 0;
	r->vectors = 0;
	/* Also a host polling after reset sees the boot run in progress. */
	fw_write(NLUT_BIST_STATUS_REG_OFFSET, FW_BIT(NLUT_BIST_STATUS_RUNNING_BIT));
	if (bist_data_check(&d) == BIST_DATA_OK)
		run_vectors(&d, r);
	fw_write(NLUT_BIST_VECTORS_REG_OFFSET, r->vectors);
	fw_write(NLUT_BIST_FIRST_FAIL_REG_OFFSET, r->first_fail);
	fw_write(NLUT_BIST_STATUS_REG_OFFSET, FW_BIT(NLUT_BIST_STATUS_DONE_BIT) |
					      (r->pass ? FW_BIT(NLUT_BIST_STATUS_PASS_BIT) : 0));
}
