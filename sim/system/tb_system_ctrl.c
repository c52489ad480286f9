/* tb_system_ctrl.c - the full-system test phases beside the main stream:
 * ID block, self-test (boot, host request under traffic, mailbox), mailbox
 * operations (docs/register-map.md; DATA words as in firmware/mbox.c),
 * counters, a framing error, datapath resets and the watchdog. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nlut/regs.h>
#include <nlut/wire.h>

#include "tb_system.h"

#define BIT(n) (1u << (n))
#define MBOX_POLL_CYCLES 200u
#define MBOX_MAX_CYCLES 20000000u /* an OP_BIST of a large model included */
#define BIST_MAX_CYCLES 20000000u
#define IDENTITY_WORDS 13u

static void expect_eq(struct tb *t, const char *what, uint64_t got, uint64_t want)
{
	if (got != want)
		tb_fail(t, "%s is %" PRIu64 " (0x%" PRIx64 "), expected %" PRIu64 " (0x%" PRIx64 ")",
			what, got, got, want, want);
}

/* The field NAME of register value v, from the generated _OFFSET/_MASK. */
#define FIELD(v, name) ((v) >> NLUT_##name##_OFFSET & NLUT_##name##_MASK)

/* Bits [off, off + w) of little-endian words. */
static uint32_t get_bits(const uint32_t *w, uint32_t off, uint32_t width)
{
	uint32_t v = 0;

	for (uint32_t b = 0; b < width; b++)
		v |= (w[(off + b) / 32] >> ((off + b) % 32) & 1u) << b;
	return v;
}

/* The board's self-test data against the model: header, identity, CRC, and
 * each vector's expected class and scores against the golden model, so a
 * failing self-test is known to be the hardware's (or the data's) fault. */
void tb_check_bist_data(struct tb *t)
{
	const uint32_t *w = t->bist_words;
	uint32_t iw = (t->sh.in_total_bits + 31) / 32, sbits = 0, sw, per, crc = 0;
	uint16_t *codes = calloc(t->sh.n_inputs, sizeof(uint16_t));

	if (!codes)
		tb_fail(t, "out of memory");
	for (uint32_t c = 0; c < t->sh.n_classes; c++)
		sbits += nlut_model_score_bits(t->m, c);
	sw = (sbits + 31) / 32;
	per = iw + 1 + sw;
	expect_eq(t, "self-test data: magic", w[NLUT_BIST_W_MAGIC], NLUT_FW_BIST_MAGIC);
	expect_eq(t, "self-test data: format", w[NLUT_BIST_W_FORMAT], NLUT_BIST_FORMAT);
	expect_eq(t, "self-test data: input words", w[NLUT_BIST_W_IN_WORDS], iw);
	expect_eq(t, "self-test data: score words", w[NLUT_BIST_W_SCORE_WORDS], sw);
	for (unsigned k = 0; k < NLUT_HASH_WORDS; k++) {
		uint32_t h = 0;

		for (unsigned j = 0; j < 4; j++)
			h |= (uint32_t)t->hash[4 * k + j] << (8 * j);
		expect_eq(t, "self-test data: model identity", w[NLUT_BIST_W_HASH + k], h);
	}
	expect_eq(t, "self-test data: words", t->n_bist_words,
		  NLUT_BIST_HEADER_WORDS + (uint64_t)per * t->bist_vectors);
	for (size_t k = NLUT_BIST_HEADER_WORDS; k < t->n_bist_words; k++) {
		uint8_t b[4] = { (uint8_t)w[k], (uint8_t)(w[k] >> 8), (uint8_t)(w[k] >> 16),
				 (uint8_t)(w[k] >> 24) };

		crc = nlut_wire_crc32(crc, b, sizeof(b));
	}
	expect_eq(t, "self-test data: CRC-32", w[NLUT_BIST_W_CRC], crc);
	for (uint32_t v = 0; v < t->bist_vectors; v++) {
		const uint32_t *p = w + NLUT_BIST_HEADER_WORDS + (size_t)v * per;
		uint32_t off = 0, cls;

		for (uint32_t f = 0; f < t->sh.n_inputs; f++) {
			codes[f] = (uint16_t)get_bits(p, off, t->in_bits[f]);
			off += t->in_bits[f];
		}
		if (nlut_golden_eval(t->g, codes, t->scratch, &cls))
			tb_fail(t, "golden model: %s", nlut_error_detail());
		if (p[iw] != cls)
			tb_fail(t, "self-test data vector %u: class %u, the golden model says %u "
				"(nlut gen wrote wrong data)", v, p[iw], cls);
		off = 0;
		for (uint32_t c = 0; c < t->sh.n_classes; c++) {
			uint32_t want = t->scratch[c], got = get_bits(p + iw + 1, off, nlut_model_score_bits(t->m, c));

			if (got != want)
				tb_fail(t, "self-test data vector %u: score %u is %u, the golden model "
					"says %u (nlut gen wrote wrong data)", v, c, got, want);
			off += nlut_model_score_bits(t->m, c);
		}
	}
	free(codes);
}

void tb_check_id(struct tb *t)
{
	uint32_t v, ver, scratch = (uint32_t)tb_rnd(t);

	expect_eq(t, "ID_MAGIC", tb_rd(t, NLUT_ID_MAGIC_REG_OFFSET), NLUT_MAGIC);
	ver = tb_rd(t, NLUT_ID_VERSION_REG_OFFSET);
	expect_eq(t, "ID_VERSION.MAJOR", FIELD(ver, ID_VERSION_MAJOR), NLUT_MAP_VERSION_MAJOR);
	if (t->board_id >= 0)
		expect_eq(t, "ID_BOARD", tb_rd(t, NLUT_ID_BOARD_REG_OFFSET), (uint64_t)t->board_id);
	for (unsigned k = 0; k < NLUT_HASH_WORDS; k++) {
		uint32_t want = 0;
		char what[32];

		for (unsigned j = 0; j < 4; j++)
			want |= (uint32_t)t->hash[4 * k + j] << (8 * j);
		snprintf(what, sizeof(what), "ID_MODEL_HASH[%u]", k);
		expect_eq(t, what, tb_rd(t, NLUT_ID_MODEL_HASH_REG_OFFSET(k)), want);
	}
	expect_eq(t, "ID_LATENCY", tb_rd(t, NLUT_ID_LATENCY_REG_OFFSET), t->info.latency);
	v = tb_rd(t, NLUT_ID_SHAPE_REG_OFFSET);
	expect_eq(t, "ID_SHAPE.N_INPUTS", FIELD(v, ID_SHAPE_N_INPUTS), t->sh.n_inputs);
	expect_eq(t, "ID_SHAPE.N_CLASSES", FIELD(v, ID_SHAPE_N_CLASSES), t->sh.n_classes);
	expect_eq(t, "ID_IN_BITS", tb_rd(t, NLUT_ID_IN_BITS_REG_OFFSET), t->sh.in_total_bits);
	v = tb_rd(t, NLUT_ID_STREAM_REG_OFFSET);
	expect_eq(t, "ID_STREAM.S_BYTES", FIELD(v, ID_STREAM_S_BYTES), t->info.s_bytes);
	expect_eq(t, "ID_STREAM.M_BYTES", FIELD(v, ID_STREAM_M_BYTES), t->info.m_bytes);
	expect_eq(t, "ID_STREAM.SCORES", v >> NLUT_ID_STREAM_SCORES_BIT & 1, t->info.scores);
	tb_wr(t, NLUT_SCRATCH_REG_OFFSET, scratch);
	expect_eq(t, "SCRATCH after a write", tb_rd(t, NLUT_SCRATCH_REG_OFFSET), scratch);
	/* Unmapped: reads 0, writes ignored, no bus error. */
	tb_wr(t, 0x1fc, 0xffffffffu);
	expect_eq(t, "unmapped offset 0x1fc", tb_rd(t, 0x1fc), 0);
	/* Read-only: a host write changes nothing. */
	tb_wr(t, NLUT_ID_MAGIC_REG_OFFSET, 0);
	expect_eq(t, "ID_MAGIC after a host write", tb_rd(t, NLUT_ID_MAGIC_REG_OFFSET), NLUT_MAGIC);
	printf("tb_system: ID block: magic, map %u.%u, board %u, model hash, latency %u, %u inputs "
	       "(%u bits), %u classes, stream %u/%u%s: as built\n",
	       FIELD(ver, ID_VERSION_MAJOR), FIELD(ver, ID_VERSION_MINOR),
	       tb_rd(t, NLUT_ID_BOARD_REG_OFFSET),
	       t->info.latency, t->sh.n_inputs, t->sh.in_total_bits, t->sh.n_classes, t->info.s_bytes,
	       t->info.m_bytes, t->info.scores ? " with scores" : "");
}

static void expect_bist_passed(struct tb *t, const char *when)
{
	uint32_t st = tb_rd(t, NLUT_BIST_STATUS_REG_OFFSET);

	if (st != (BIT(NLUT_BIST_STATUS_DONE_BIT) | BIT(NLUT_BIST_STATUS_PASS_BIT)))
		tb_fail(t, "%s: BIST_STATUS 0x%x (DONE %u PASS %u RUNNING %u), first failing vector %u",
			when, st, st & 1, st >> 1 & 1, st >> 2 & 1,
			tb_rd(t, NLUT_BIST_FIRST_FAIL_REG_OFFSET));
	expect_eq(t, "BIST_VECTORS", tb_rd(t, NLUT_BIST_VECTORS_REG_OFFSET), t->bist_vectors);
	expect_eq(t, "BIST_FIRST_FAIL", tb_rd(t, NLUT_BIST_FIRST_FAIL_REG_OFFSET), NLUT_BIST_NONE);
}

void tb_check_boot_bist(struct tb *t)
{
	expect_bist_passed(t, "boot self-test");
	expect_eq(t, "ERRORS after boot", tb_rd(t, NLUT_ERRORS_REG_OFFSET), 0);
	expect_eq(t, "CNT_ERRORS after boot", tb_rd(t, NLUT_CNT_ERRORS_REG_OFFSET), 0);
	printf("tb_system: boot self-test passed (%u vectors)\n", t->bist_vectors);
}

uint32_t tb_mbox(struct tb *t, uint32_t op, const uint32_t *args, unsigned nargs, uint32_t *data,
		 unsigned *ndata)
{
	uint32_t seq = ++t->mbox_seq, st, rsp;
	uint64_t c0 = t->api.cycles(t->b);

	for (unsigned i = 0; i < nargs; i++)
		tb_wr(t, NLUT_MBOX_ARG_REG_OFFSET(i), args[i]);
	tb_wr(t, NLUT_MBOX_CMD_REG_OFFSET,
	      op << NLUT_MBOX_CMD_OP_OFFSET | seq << NLUT_MBOX_CMD_SEQ_OFFSET |
	      nargs << NLUT_MBOX_CMD_NARG_OFFSET);
	for (;;) {
		st = tb_rd(t, NLUT_MBOX_STATUS_REG_OFFSET);
		if ((st & BIT(NLUT_MBOX_STATUS_DONE_BIT)) && !(st & BIT(NLUT_MBOX_STATUS_PENDING_BIT)))
			break;
		if (t->api.cycles(t->b) - c0 > MBOX_MAX_CYCLES)
			tb_fail(t, "mailbox op %u: no answer in %u cycles (MBOX_STATUS 0x%x)", op,
				MBOX_MAX_CYCLES, st);
		t->api.run(t->b, MBOX_POLL_CYCLES);
	}
	rsp = tb_rd(t, NLUT_MBOX_RSP_REG_OFFSET);
	expect_eq(t, "MBOX_RSP.SEQ", FIELD(rsp, MBOX_RSP_SEQ), seq);
	*ndata = FIELD(rsp, MBOX_RSP_NDATA);
	if (*ndata > NLUT_MBOX_WORDS)
		tb_fail(t, "mailbox op %u: MBOX_RSP.NDATA %u", op, *ndata);
	for (unsigned i = 0; i < *ndata; i++)
		data[i] = tb_rd(t, NLUT_MBOX_DATA_REG_OFFSET(i));
	return FIELD(rsp, MBOX_RSP_STATUS);
}

static void mbox_ok(struct tb *t, const char *name, uint32_t op, const uint32_t *args,
		    unsigned nargs, uint32_t *data, unsigned min_data)
{
	unsigned n;
	uint32_t st = tb_mbox(t, op, args, nargs, data, &n);

	if (st != NLUT_RSP_OK)
		tb_fail(t, "mailbox %s: status %u, expected OK", name, st);
	if (n < min_data)
		tb_fail(t, "mailbox %s: %u data words, expected at least %u", name, n, min_data);
}

void tb_check_mailbox(struct tb *t)
{
	uint32_t data[NLUT_MBOX_WORDS], arg = (uint32_t)tb_rnd(t);
	unsigned n;

	mbox_ok(t, "PING", NLUT_OP_PING, &arg, 1, data, 1);
	expect_eq(t, "PING DATA0", data[0], arg);
	expect_eq(t, "PING without its argument: status", tb_mbox(t, NLUT_OP_PING, NULL, 0, data, &n),
		  NLUT_RSP_BAD_ARG);
	expect_eq(t, "unknown op 0xee: status", tb_mbox(t, 0xee, NULL, 0, data, &n), NLUT_RSP_BAD_OP);

	mbox_ok(t, "IDENTITY", NLUT_OP_IDENTITY, NULL, 0, data, IDENTITY_WORDS);
	if (!data[0])
		tb_fail(t, "IDENTITY: firmware version 0");
	expect_eq(t, "IDENTITY board id (DATA1)", data[1], tb_rd(t, NLUT_ID_BOARD_REG_OFFSET));
	for (unsigned k = 0; k < NLUT_HASH_WORDS; k++) {
		char what[48];

		snprintf(what, sizeof(what), "IDENTITY model hash word %u (DATA%u)", k, 2 + k);
		expect_eq(t, what, data[2 + k], tb_rd(t, NLUT_ID_MODEL_HASH_REG_OFFSET(k)));
	}
	expect_eq(t, "IDENTITY self-test data state (DATA10, 1 = good)", data[10], 1);
	expect_eq(t, "IDENTITY self-test vectors (DATA11)", data[11], t->bist_vectors);
	expect_eq(t, "IDENTITY watchdog restart (DATA12)", data[12], 0);
	printf("tb_system: mailbox PING, bad argument, bad op, IDENTITY (firmware %u.%u, %u "
	       "self-test vectors): as expected\n", data[0] >> 16, data[0] & 0xffff, data[11]);

	mbox_ok(t, "BIST", NLUT_OP_BIST, NULL, 0, data, 3);
	expect_eq(t, "BIST pass (DATA0)", data[0], 1);
	expect_eq(t, "BIST first fail (DATA1)", data[1], NLUT_BIST_NONE);
	expect_eq(t, "BIST vectors (DATA2)", data[2], t->bist_vectors);
	expect_bist_passed(t, "mailbox self-test");
	printf("tb_system: mailbox BIST passed\n");
}

void tb_check_counters(struct tb *t, uint64_t n_in, int stalls)
{
	uint32_t st = tb_rd(t, NLUT_STATUS_REG_OFFSET), data[NLUT_MBOX_WORDS];
	uint64_t in = tb_rd64(t, NLUT_CNT_IN_LO_REG_OFFSET), out = tb_rd64(t, NLUT_CNT_OUT_LO_REG_OFFSET);
	uint64_t stall = tb_rd64(t, NLUT_CNT_STALL_LO_REG_OFFSET);
	uint32_t err = tb_rd(t, NLUT_ERRORS_REG_OFFSET), cnt_err = tb_rd(t, NLUT_CNT_ERRORS_REG_OFFSET);

	if (!(st & BIT(NLUT_STATUS_READY_BIT)) || !(st & BIT(NLUT_STATUS_EMPTY_BIT)) ||
	    !(st & BIT(NLUT_STATUS_FW_ALIVE_BIT)))
		tb_fail(t, "STATUS 0x%x after the stream: READY, EMPTY and FW_ALIVE expected", st);
	expect_eq(t, "CNT_IN", in, n_in);
	expect_eq(t, "CNT_OUT", out, n_in);
	if (stalls ? stall == 0 : stall != 0)
		tb_fail(t, "CNT_STALL is %" PRIu64 " with %s output stalls", stall, stalls ? "" : "no");
	expect_eq(t, "ERRORS", err, 0);
	expect_eq(t, "CNT_ERRORS", cnt_err, 0);

	mbox_ok(t, "COUNTERS", NLUT_OP_COUNTERS, NULL, 0, data, 8);
	expect_eq(t, "COUNTERS CNT_IN (DATA0/1)", data[0] | (uint64_t)data[1] << 32, in);
	expect_eq(t, "COUNTERS CNT_OUT (DATA2/3)", data[2] | (uint64_t)data[3] << 32, out);
	expect_eq(t, "COUNTERS CNT_STALL (DATA4/5)", data[4] | (uint64_t)data[5] << 32, stall);
	expect_eq(t, "COUNTERS CNT_ERRORS (DATA6)", data[6], cnt_err);
	expect_eq(t, "COUNTERS ERRORS (DATA7)", data[7], err);
	printf("tb_system: counters: in %" PRIu64 ", out %" PRIu64 ", stall %" PRIu64
	       ", errors 0; mailbox COUNTERS agrees\n", in, out, stall);
}

/* Host BIST_CTRL.START while a batch streams: the stream pauses, the
 * self-test passes, the batch's results stay complete and in order, and
 * self-test vectors count in no counter. */
void tb_check_bist_under_traffic(struct tb *t)
{
	struct tb_batch *bt = tb_batch_new(t, t->batch);
	uint64_t in0 = tb_rd64(t, NLUT_CNT_IN_LO_REG_OFFSET), c0;
	uint32_t st;

	tb_batch_fill(t, bt, in0, t->batch);
	tb_batch_send(t, bt);
	t->api.run(t->b, 50 + tb_rnd(t) % 200);
	tb_wr(t, NLUT_BIST_CTRL_REG_OFFSET, BIT(NLUT_BIST_CTRL_START_BIT));
	st = tb_rd(t, NLUT_BIST_STATUS_REG_OFFSET);
	if (st & BIT(NLUT_BIST_STATUS_DONE_BIT) || !(st & BIT(NLUT_BIST_STATUS_RUNNING_BIT)))
		tb_fail(t, "BIST_STATUS 0x%x right after BIST_CTRL.START: RUNNING only expected", st);
	c0 = t->api.cycles(t->b);
	while (!(tb_rd(t, NLUT_BIST_STATUS_REG_OFFSET) & BIT(NLUT_BIST_STATUS_DONE_BIT))) {
		if (t->api.cycles(t->b) - c0 > BIST_MAX_CYCLES)
			tb_fail(t, "host self-test not done after %u cycles", BIST_MAX_CYCLES);
		t->api.run(t->b, 500);
	}
	expect_bist_passed(t, "host self-test under traffic");
	printf("tb_system: host self-test under traffic passed in %" PRIu64 " cycles\n",
	       t->api.cycles(t->b) - c0);
	tb_batch_collect(t, bt);
	expect_eq(t, "CNT_IN after the self-test batch", tb_rd64(t, NLUT_CNT_IN_LO_REG_OFFSET),
		  in0 + bt->n);
	expect_eq(t, "CNT_OUT after the self-test batch", tb_rd64(t, NLUT_CNT_OUT_LO_REG_OFFSET),
		  in0 + bt->n);
	expect_eq(t, "ERRORS after the self-test", tb_rd(t, NLUT_ERRORS_REG_OFFSET), 0);
	tb_batch_free(bt);
}

/* A record without TLAST: ERRORS.FRAME, CNT_ERRORS + 1, the beats up to
 * and including the next TLAST (the following record) dropped, and every
 * record after them correct with tags continuing. */
void tb_check_framing(struct tb *t)
{
	const size_t k = 16, beats = t->sh.in_record / t->sh.s_bytes;
	struct tb_batch *a = tb_batch_new(t, k), *lost = tb_batch_new(t, 2), *c = tb_batch_new(t, k);
	uint64_t in0 = tb_rd64(t, NLUT_CNT_IN_LO_REG_OFFSET);
	uint32_t errs0 = tb_rd(t, NLUT_CNT_ERRORS_REG_OFFSET);
	uint8_t *no_last = calloc(beats, 1);
	uint32_t e;

	if (!no_last)
		tb_fail(t, "out of memory");
	tb_batch_fill(t, a, in0, k);
	tb_batch_fill(t, lost, in0 + k, 2);
	tb_batch_fill(t, c, in0 + k + 2, k);
	tb_batch_send(t, a);
	if (t->api.send_beats(t->b, lost->in, no_last, beats, t->sh.s_bytes))
		tb_fail(t, "nlut_simboard_send_beats refused %zu beats", beats);
	if (t->api.send(t->b, lost->in + t->sh.in_record, t->sh.in_record))
		tb_fail(t, "nlut_simboard_send refused a record");
	tb_batch_send(t, c);
	tb_batch_collect(t, a);
	tb_batch_collect(t, c);
	e = tb_rd(t, NLUT_ERRORS_REG_OFFSET);
	expect_eq(t, "ERRORS after a record without TLAST", e, BIT(NLUT_ERRORS_FRAME_BIT));
	expect_eq(t, "CNT_ERRORS after a record without TLAST", tb_rd(t, NLUT_CNT_ERRORS_REG_OFFSET),
		  errs0 + 1);
	expect_eq(t, "CNT_IN after a framing error", tb_rd64(t, NLUT_CNT_IN_LO_REG_OFFSET), in0 + 2 * k);
	tb_wr(t, NLUT_ERRORS_REG_OFFSET, BIT(NLUT_ERRORS_FRAME_BIT));
	expect_eq(t, "ERRORS after writing 1 to FRAME", tb_rd(t, NLUT_ERRORS_REG_OFFSET), 0);
	printf("tb_system: a record without TLAST: ERRORS.FRAME, it and the next record dropped, "
	       "the %zu after correct\n", k);
	free(no_last);
	tb_batch_free(a);
	tb_batch_free(lost);
	tb_batch_free(c);
}

/* CTRL.RESET from the host and mailbox RESET: tags start again at 0,
 * counters cleared, the stream stays enabled. */
void tb_check_reset(struct tb *t)
{
	uint32_t data[NLUT_MBOX_WORDS];
	uint64_t first = tb_rd64(t, NLUT_CNT_IN_LO_REG_OFFSET) + 1000;

	tb_wr(t, NLUT_CTRL_REG_OFFSET, BIT(NLUT_CTRL_RESET_BIT) | BIT(NLUT_CTRL_CLEAR_BIT));
	tb_wr(t, NLUT_CTRL_REG_OFFSET, BIT(NLUT_CTRL_ENABLE_BIT));
	t->next_tag = 0;
	expect_eq(t, "CNT_IN after CTRL.CLEAR", tb_rd64(t, NLUT_CNT_IN_LO_REG_OFFSET), 0);
	tb_stream(t, first, 100);
	expect_eq(t, "CNT_IN after CTRL.RESET and 100 vectors", tb_rd64(t, NLUT_CNT_IN_LO_REG_OFFSET),
		  100);

	mbox_ok(t, "RESET", NLUT_OP_RESET, NULL, 0, data, 0);
	t->next_tag = 0;
	expect_eq(t, "CTRL.ENABLE after mailbox RESET", tb_rd(t, NLUT_CTRL_REG_OFFSET) & 1, 1);
	expect_eq(t, "CNT_IN after mailbox RESET", tb_rd64(t, NLUT_CNT_IN_LO_REG_OFFSET), 0);
	expect_eq(t, "CNT_STALL after mailbox RESET", tb_rd64(t, NLUT_CNT_STALL_LO_REG_OFFSET), 0);
	tb_stream(t, first + 100, 100);
	expect_eq(t, "CNT_OUT after mailbox RESET and 100 vectors",
		  tb_rd64(t, NLUT_CNT_OUT_LO_REG_OFFSET), 100);
	printf("tb_system: host CTRL.RESET and mailbox RESET: tags from 0, counters cleared\n");
}

/* The firmware keeps the watchdog fed for at least two periods, idle and
 * streaming: no expiry, no restart. tb_check_watchdog_expiry makes it
 * expire. */
void tb_check_watchdog(struct tb *t)
{
	uint32_t period = tb_rd(t, NLUT_FW_WDOG_CYCLES_REG_OFFSET), data[NLUT_MBOX_WORDS];
	uint64_t cyc = t->api.cycles(t->b);

	if (!period)
		tb_fail(t, "FW_WDOG_CYCLES reads 0");
	if (cyc < 2ull * period)
		t->api.run(t->b, 2ull * period - cyc);
	expect_eq(t, "ERRORS (WATCHDOG) after two watchdog periods", tb_rd(t, NLUT_ERRORS_REG_OFFSET), 0);
	if (!(tb_rd(t, NLUT_STATUS_REG_OFFSET) & BIT(NLUT_STATUS_FW_ALIVE_BIT)))
		tb_fail(t, "STATUS.FW_ALIVE is 0");
	expect_eq(t, "FW_STATUS.WDOG_RESET",
		  tb_rd(t, NLUT_FW_STATUS_REG_OFFSET) >> NLUT_FW_STATUS_WDOG_RESET_BIT & 1, 0);
	mbox_ok(t, "IDENTITY", NLUT_OP_IDENTITY, NULL, 0, data, IDENTITY_WORDS);
	expect_eq(t, "IDENTITY watchdog restart (DATA12)", data[12], 0);
	printf("tb_system: watchdog (period %u cycles) fed through %.1f periods, no restart\n", period,
	       (double)t->api.cycles(t->b) / period);
}

/* The firmware stops feeding the watchdog (mailbox HANG): the watchdog
 * expires, flags it, restarts the controller, and the firmware boots again
 * (IDENTITY says so). The datapath does not depend on the firmware: vectors
 * streamed while it hangs and after the restart all come back right. */
void tb_check_watchdog_expiry(struct tb *t)
{
	uint32_t period = tb_rd(t, NLUT_FW_WDOG_CYCLES_REG_OFFSET), data[NLUT_MBOX_WORDS], st;
	uint32_t errs = tb_rd(t, NLUT_CNT_ERRORS_REG_OFFSET);
	uint64_t c0;
	unsigned n;

	expect_eq(t, "mailbox HANG: status", tb_mbox(t, NLUT_OP_HANG, NULL, 0, data, &n), NLUT_RSP_OK);
	c0 = t->api.cycles(t->b);
	tb_stream(t, 0, 200);
	while (!(tb_rd(t, NLUT_ERRORS_REG_OFFSET) & BIT(NLUT_ERRORS_WATCHDOG_BIT))) {
		if (t->api.cycles(t->b) - c0 > 2ull * period)
			tb_fail(t, "watchdog: no expiry %u cycles after the firmware stopped", 2 * period);
		t->api.run(t->b, period / 32 + 1);
	}
	uint64_t fired = t->api.cycles(t->b) - c0;

	expect_eq(t, "CNT_ERRORS after the watchdog expired", tb_rd(t, NLUT_CNT_ERRORS_REG_OFFSET),
		  errs + 1);
	/* The restarted firmware boots, runs its self-test and feeds the
	 * watchdog again. */
	c0 = t->api.cycles(t->b);
	for (;;) {
		st = tb_rd(t, NLUT_STATUS_REG_OFFSET);
		if ((st & BIT(NLUT_STATUS_FW_ALIVE_BIT)) &&
		    (tb_rd(t, NLUT_BIST_STATUS_REG_OFFSET) & BIT(NLUT_BIST_STATUS_DONE_BIT)))
			break;
		if (t->api.cycles(t->b) - c0 > 8000000ull)
			tb_fail(t, "watchdog: the firmware did not come back (STATUS 0x%x)", st);
		t->api.run(t->b, 4096);
	}
	expect_bist_passed(t, "self-test after the watchdog restart");
	mbox_ok(t, "IDENTITY", NLUT_OP_IDENTITY, NULL, 0, data, IDENTITY_WORDS);
	expect_eq(t, "IDENTITY watchdog restart (DATA12) after expiry", data[12], 1);
	tb_wr(t, NLUT_ERRORS_REG_OFFSET, BIT(NLUT_ERRORS_WATCHDOG_BIT));
	expect_eq(t, "ERRORS after clearing WATCHDOG", tb_rd(t, NLUT_ERRORS_REG_OFFSET), 0);
	tb_stream(t, 0, 1000);
	printf("tb_system: watchdog expired %" PRIu64 " cycles after the firmware hung (period %u), "
	       "restarted it, firmware back in %" PRIu64 " cycles; stream unaffected\n", fired, period,
	       t->api.cycles(t->b) - c0);
}
