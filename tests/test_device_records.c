/* test_device_records.c - zero-copy records through the device API: on the
 * golden board (records staged in host memory) and on a mock board whose
 * transport lends its own buffers (the in-place path alveo-u250 takes), every
 * class and score against the golden model for batches of 1, odd sizes and
 * the largest; misuse gets its error code. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include <nlut/nlut.h>

#include "random_model.h"
#include "test_seed.h"
#include "transport.h"

static uint64_t seed;
static nlut_model *model; /* JSC-2L-sized: 16 x 4 bits, 5 classes */
static char boards[512];
static size_t in_rec, out_rec; /* the open board's record sizes */

/* ---- a zero-copy transport: the golden one behind buffers it lends ---- */

#define ZC_MAX 1000u  /* records one acquire lends */
#define ZC_PEEK 500u  /* larger batches are "not contiguous": recv instead */
#define ZC_REC 64u    /* both of its record sizes (64-byte beats) */

static struct zc {
	void *g;
	uint8_t in[ZC_MAX * ZC_REC], out[ZC_MAX * ZC_REC];
	size_t peeked, released, lent;
	int corrupt_last; /* next peek: the last record's tag off by one */
} zc;

static int z_open(const struct nlut_board *b, const nlut_model *m, const struct nlut_device_opts *o,
		  void **priv)
{
	*priv = &zc;
	return nlut_transport_golden.open(b, m, o, &zc.g);
}

static void z_close(void *priv)
{
	nlut_transport_golden.close(zc.g);
}

static int z_read32(void *priv, uint32_t off, uint32_t *v)
{
	return nlut_transport_golden.read32(zc.g, off, v);
}

static int z_write32(void *priv, uint32_t off, uint32_t v)
{
	return nlut_transport_golden.write32(zc.g, off, v);
}

static int z_send(void *priv, const uint8_t *buf, size_t len)
{
	return nlut_transport_golden.send(zc.g, buf, len);
}

static int z_recv(void *priv, uint8_t *buf, size_t len, unsigned timeout_ms)
{
	return nlut_transport_golden.recv(zc.g, buf, len, timeout_ms);
}

static size_t z_max(void *priv)
{
	return ZC_MAX;
}

static int z_in_acquire(void *priv, size_t n, uint8_t **buf)
{
	assert_true(n <= ZC_MAX);
	zc.lent = n;
	memset(zc.in, 0xa5, sizeof(zc.in)); /* stale bytes, as a reused buffer holds */
	*buf = zc.in;
	return 0;
}

static int z_in_commit(void *priv, size_t n)
{
	assert_true(n <= zc.lent);
	zc.lent = 0;
	return n ? nlut_transport_golden.send(zc.g, zc.in, n * ZC_REC) : 0;
}

static int z_out_peek(void *priv, size_t len, const uint8_t **buf, unsigned timeout_ms)
{
	int err;

	if (len > ZC_PEEK * ZC_REC)
		return NLUT_ERROR_UNSUPPORTED;
	if ((err = nlut_transport_golden.recv(zc.g, zc.out, len, timeout_ms)))
		return err;
	if (zc.corrupt_last) {
		zc.out[len - ZC_REC] ^= 1;
		zc.corrupt_last = 0;
	}
	zc.peeked += len;
	*buf = zc.out;
	return 0;
}

static void z_out_release(void *priv, size_t len)
{
	zc.released += len;
}

static const struct nlut_transport_ops zc_ops = {
	.name = "zcmock",
	.open = z_open,
	.close = z_close,
	.read32 = z_read32,
	.write32 = z_write32,
	.send = z_send,
	.recv = z_recv,
	.max_records = z_max,
	.in_acquire = z_in_acquire,
	.in_commit = z_in_commit,
	.out_peek = z_out_peek,
	.out_release = z_out_release,
};

static nlut_device *open_board(const char *name)
{
	struct nlut_device_opts o;
	struct nlut_device_info info;
	nlut_device *d;

	nlut_device_opts_init(&o);
	if (!strcmp(name, "zcmock"))
		o.boards_dir = boards;
	assert_int_equal(nlut_device_open(name, model, &o, &d), NLUT_SUCCESS);
	assert_int_equal(nlut_device_get_info(d, &info), 0);
	in_rec = info.in_record;
	out_rec = info.out_record;
	return d;
}

/* ---- every kind of batch against the golden model ---- */

struct want {
	size_t n;
	uint16_t *codes, *sc;
	uint32_t *cls;
};

static void want_new(struct want *w, size_t n, uint64_t s)
{
	nlut_golden *g;

	w->n = n;
	w->codes = malloc(n * 16 * sizeof(*w->codes));
	w->sc = malloc(n * 5 * sizeof(*w->sc));
	w->cls = malloc(n * sizeof(*w->cls));
	assert_non_null(w->codes);
	rm_codes(model, s, n, w->codes);
	assert_int_equal(nlut_golden_new(model, &g), 0);
	assert_int_equal(nlut_golden_eval_batch(g, n, w->codes, w->sc, w->cls, 1), 0);
	nlut_golden_free(g);
}

static void want_free(struct want *w)
{
	free(w->codes);
	free(w->sc);
	free(w->cls);
}

/* One batch's result records against the golden results of vectors at.. */
static void check_records(const struct want *w, size_t at, const uint8_t *res, size_t n, size_t stride)
{
	for (size_t v = 0; v < n; v++) {
		const uint8_t *r = res + v * stride;

		if (nlut_result_class(r) != w->cls[at + v])
			fail_msg("vector %zu: class %u, golden %u", at + v, nlut_result_class(r), w->cls[at + v]);
		for (unsigned c = 0; c < 5; c++)
			assert_int_equal(nlut_result_score(r, c), w->sc[(at + v) * 5 + c]);
	}
}

/*
 * The first `count` vectors in batches of the sizes given (cycled), up to `inflight` in
 * flight: every third batch zero-copy with results read as records, every
 * third zero-copy with cls and scores filled, every third through plain
 * submit; all collected in order and checked.
 */
static void run_schedule(nlut_device *d, const struct want *w, size_t count, const size_t *sizes,
			 size_t n_sizes, unsigned inflight)
{
	uint32_t *cls = malloc(w->n * sizeof(*cls));
	uint16_t *sc = malloc(w->n * 5 * sizeof(*sc));
	size_t at_sub = 0, at_col = 0, k = 0;
	struct sent { size_t at, n; int kind; uint64_t ticket; } q[64];
	unsigned qh = 0, ql = 0;

	memset(cls, 0xff, w->n * sizeof(*cls));
	while (at_col < count) {
		while (at_sub < count && ql < inflight) {
			size_t n = sizes[k % n_sizes], stride;
			int kind = (int)(k++ % 3);
			uint8_t *rec;
			uint64_t t;

			if (n > count - at_sub)
				n = count - at_sub;
			if (kind == 2) {
				assert_int_equal(nlut_device_submit(d, n, w->codes + at_sub * 16, cls + at_sub,
								    sc + at_sub * 5, &t), 0);
			} else {
				assert_int_equal(nlut_device_records_acquire(d, n, &rec, &stride), 0);
				assert_int_equal(stride, in_rec);
				assert_int_equal(nlut_device_pack(d, n, w->codes + at_sub * 16, rec, stride), 0);
				assert_int_equal(nlut_device_records_submit(d, n, kind ? cls + at_sub : NULL,
									    kind ? sc + at_sub * 5 : NULL, &t),
						 0);
			}
			q[(qh + ql++) % 64] = (struct sent){ at_sub, n, kind, t };
			at_sub += n;
		}
		struct sent b = q[qh];
		const uint8_t *res;
		size_t n, stride;
		uint64_t t;

		qh = (qh + 1) % 64;
		ql--;
		if (b.kind == 0) {
			assert_int_equal(nlut_device_records_collect(d, &t, &res, &n, &stride), 0);
			assert_int_equal(n, b.n);
			assert_int_equal(stride, out_rec);
			check_records(w, b.at, res, n, stride);
		} else {
			assert_int_equal(nlut_device_collect(d, &t), 0);
		}
		assert_int_equal(t, b.ticket);
		if (b.kind) {
			assert_memory_equal(cls + b.at, w->cls + b.at, b.n * sizeof(*cls));
			assert_memory_equal(sc + b.at * 5, w->sc + b.at * 5, b.n * 5 * sizeof(*sc));
		}
		at_col += b.n;
	}
	assert_int_equal(nlut_device_inflight(d), 0);
	free(cls);
	free(sc);
}

static void records_match_golden(const char *board, size_t max, int zero_copy, size_t rec_in,
				 size_t rec_out)
{
	nlut_device *d = open_board(board);
	struct nlut_device_info info;
	struct want w;
	static const size_t one[] = { 1 }, odd[] = { 7, 499, 3, 1001 - 1, 1 };
	size_t full[] = { max };
	struct nlut_counters c;

	assert_int_equal(nlut_device_get_info(d, &info), 0);
	assert_int_equal(info.max_records, max);
	assert_int_equal(info.zero_copy, zero_copy);
	assert_int_equal(info.in_record, rec_in);
	assert_int_equal(info.out_record, rec_out);
	want_new(&w, 2 * max + 7 > 6000 ? 2 * max + 7 : 6000, seed);
	run_schedule(d, &w, 40, one, 1, 1);
	run_schedule(d, &w, 6000, odd, 5, 3);
	run_schedule(d, &w, 2 * max + 7, full, 1, 2);
	assert_int_equal(nlut_device_counters(d, &c), 0);
	assert_int_equal(c.results, 40 + 6000 + 2 * max + 7);
	want_free(&w);
	nlut_device_close(d);
}

static void golden_board_stages_records(void **state)
{
	/* 64 bits in one 8-byte beat; 8 + 2 * 5 bytes in three. */
	records_match_golden("golden", 65536, 0, 8, 24);
}

static void zero_copy_board_lends_buffers(void **state)
{
	zc.peeked = zc.released = 0;
	records_match_golden("zcmock", ZC_MAX, 1, ZC_REC, ZC_REC);
	/* Results of batches up to ZC_PEEK were lent in place and given back. */
	assert_true(zc.peeked > 0);
	assert_int_equal(zc.released, zc.peeked);
}

/* ---- misuse ---- */

static void misuse(const char *board)
{
	nlut_device *d = open_board(board);
	struct nlut_device_info info;
	uint16_t codes[3 * 16] = { 0 };
	uint32_t cls[3];
	uint8_t *rec, *rec2;
	const uint8_t *res;
	size_t stride, n;
	uint64_t t;
	char msg[100];

	assert_int_equal(nlut_device_get_info(d, &info), 0);
	/* Submit before acquire, acquire of 0 or too many. */
	assert_int_equal(nlut_device_records_submit(d, 1, NULL, NULL, &t), NLUT_ERROR_INVALID_PARAM);
	assert_non_null(strstr(nlut_error_detail(), "no records acquired"));
	assert_int_equal(nlut_device_records_acquire(d, 0, &rec, &stride), NLUT_ERROR_INVALID_PARAM);
	assert_int_equal(nlut_device_records_acquire(d, info.max_records + 1, &rec, &stride), NLUT_ERROR_TOO_LARGE);
	assert_non_null(strstr(nlut_error_detail(), "at most"));
	/* Acquire twice; anything else that sends while records are lent. */
	assert_int_equal(nlut_device_records_acquire(d, 2, &rec, &stride), 0);
	assert_int_equal(nlut_device_records_acquire(d, 2, &rec2, &stride), NLUT_ERROR_BUSY);
	assert_non_null(strstr(nlut_error_detail(), "2 records already acquired"));
	assert_int_equal(nlut_device_submit(d, 1, codes, cls, NULL, &t), NLUT_ERROR_BUSY);
	assert_int_equal(nlut_device_infer(d, 1, codes, cls, NULL), NLUT_ERROR_BUSY);
	assert_int_equal(nlut_device_reset(d), NLUT_ERROR_BUSY);
	/* The wrong record width; a code too wide for its feature. */
	assert_int_equal(nlut_device_pack(d, 2, codes, rec, stride / 2), NLUT_ERROR_INVALID_PARAM);
	snprintf(msg, sizeof(msg), "%zu-byte input records, not %zu", stride, stride / 2);
	assert_non_null(strstr(nlut_error_detail(), msg));
	codes[16 + 4] = 16;
	assert_int_equal(nlut_device_pack(d, 2, codes, rec, stride), NLUT_ERROR_INVALID_PARAM);
	assert_non_null(strstr(nlut_error_detail(), "vector 1 feature 4"));
	codes[16 + 4] = 0;
	/* More than acquired; the acquisition stays and the right count goes. */
	assert_int_equal(nlut_device_pack(d, 2, codes, rec, stride), 0);
	assert_int_equal(nlut_device_records_submit(d, 3, NULL, NULL, &t), NLUT_ERROR_INVALID_PARAM);
	assert_non_null(strstr(nlut_error_detail(), "submit of 3 records, but 2 were acquired"));
	assert_int_equal(nlut_device_records_submit(d, 2, NULL, NULL, &t), 0);
	assert_int_equal(nlut_device_inflight(d), 1);
	/* A records batch is not for nlut_device_collect; it stays in flight. */
	assert_int_equal(nlut_device_collect(d, &t), NLUT_ERROR_INVALID_PARAM);
	assert_non_null(strstr(nlut_error_detail(), "nlut_device_records_collect"));
	assert_int_equal(nlut_device_inflight(d), 1);
	assert_int_equal(nlut_device_records_collect(d, &t, &res, &n, &stride), 0);
	assert_int_equal(n, 2);
	assert_int_equal(nlut_result_seq(res), 0);
	assert_int_equal(nlut_result_seq(res + stride), 1);
	assert_int_equal(nlut_device_records_collect(d, &t, &res, &n, &stride), NLUT_ERROR_NOT_FOUND);
	/* Submit of 0 gives the span back: nothing in flight, tags go on. */
	assert_int_equal(nlut_device_records_acquire(d, 3, &rec, &stride), 0);
	assert_int_equal(nlut_device_records_submit(d, 0, NULL, NULL, &t), 0);
	assert_int_equal(nlut_device_inflight(d), 0);
	assert_int_equal(nlut_device_records_acquire(d, 1, &rec, &stride), 0);
	assert_int_equal(nlut_device_pack(d, 1, codes, rec, stride), 0);
	assert_int_equal(nlut_device_records_submit(d, 1, NULL, NULL, &t), 0);
	assert_int_equal(nlut_device_records_collect(d, &t, &res, &n, &stride), 0);
	assert_int_equal(nlut_result_seq(res), 2);
	/* No device (a closed one set to NULL), no outputs. */
	assert_int_equal(nlut_device_records_acquire(NULL, 1, &rec, &stride), NLUT_ERROR_INVALID_PARAM);
	assert_int_equal(nlut_device_records_submit(NULL, 1, NULL, NULL, &t), NLUT_ERROR_INVALID_PARAM);
	assert_int_equal(nlut_device_records_collect(NULL, &t, &res, &n, &stride), NLUT_ERROR_INVALID_PARAM);
	assert_int_equal(nlut_device_pack(NULL, 1, codes, rec, stride), NLUT_ERROR_INVALID_PARAM);
	assert_int_equal(nlut_device_records_acquire(d, 1, NULL, &stride), NLUT_ERROR_INVALID_PARAM);
	assert_int_equal(nlut_device_records_collect(d, &t, NULL, &n, &stride), NLUT_ERROR_INVALID_PARAM);
	nlut_device_close(d);
}

static void golden_misuse(void **state)
{
	misuse("golden");
}

static void zero_copy_misuse(void **state)
{
	misuse("zcmock");
}

/* A wrong tag in lent results is a protocol error; a reset recovers. */
static void zero_copy_checks_tags(void **state)
{
	nlut_device *d = open_board("zcmock");
	uint16_t codes[4 * 16] = { 0 };
	uint8_t *rec;
	const uint8_t *res;
	size_t stride, n;
	uint64_t t;

	zc.peeked = zc.released = 0;
	assert_int_equal(nlut_device_records_acquire(d, 4, &rec, &stride), 0);
	assert_int_equal(nlut_device_pack(d, 4, codes, rec, stride), 0);
	assert_int_equal(nlut_device_records_submit(d, 4, NULL, NULL, &t), 0);
	zc.corrupt_last = 1;
	assert_int_equal(nlut_device_records_collect(d, &t, &res, &n, &stride), NLUT_ERROR_PROTOCOL);
	assert_non_null(strstr(nlut_error_detail(), "result 3 of batch 0 has sequence tag 2, expected 3"));
	assert_int_equal(zc.released, zc.peeked);
	assert_int_equal(nlut_device_records_acquire(d, 1, &rec, &stride), NLUT_ERROR_PROTOCOL);
	assert_int_equal(nlut_device_reset(d), 0);
	assert_int_equal(nlut_device_records_acquire(d, 1, &rec, &stride), 0);
	assert_int_equal(nlut_device_pack(d, 1, codes, rec, stride), 0);
	assert_int_equal(nlut_device_records_submit(d, 1, NULL, NULL, &t), 0);
	assert_int_equal(nlut_device_records_collect(d, &t, &res, &n, &stride), 0);
	assert_int_equal(nlut_result_seq(res), 0);
	nlut_device_close(d);
}

static int setup(void **state)
{
	struct rm_spec sp;
	char path[600];
	FILE *f;

	seed = test_seed("device_records");
	rm_jsc2l_spec(&sp);
	model = rm_build(&sp, seed);
	snprintf(boards, sizeof(boards), "%s/records_boards", NLUT_TEST_TMPDIR);
	mkdir(boards, 0755);
	snprintf(path, sizeof(path), "%s/zcmock", boards);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/zcmock/board.def", boards);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "name = zcmock\ntransport = zcmock\ndescription = golden model behind lent buffers\n"
		   "s_bytes = 64\nm_bytes = 64\nscores = 1\n");
	fclose(f);
	return nlut_transport_add(&zc_ops);
}

static int teardown(void **state)
{
	nlut_model_free(model);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(golden_board_stages_records),
		cmocka_unit_test(zero_copy_board_lends_buffers),
		cmocka_unit_test(golden_misuse),
		cmocka_unit_test(zero_copy_misuse),
		cmocka_unit_test(zero_copy_checks_tags),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
