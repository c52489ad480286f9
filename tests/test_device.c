/* test_device.c - the device API: register-level expectations over a mock
 * transport, stream packing round trips, and the golden board end to end. */
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
static char mock_boards[512];
static nlut_model *model;          /* JSC-2L-sized: 16 x 4 bits, 5 classes */
static uint32_t hash_words[8];

/* ---- the mock transport: every register access is an expectation ---- */

static uint8_t sent[1 << 20];
static size_t sent_len;
static const uint8_t *to_recv;

static int m_open(const struct nlut_board *b, const nlut_model *m,
		  const struct nlut_device_opts *o, void **priv)
{
	*priv = (void *)0x1;
	return 0;
}

static void m_close(void *priv)
{
}

static int m_read32(void *priv, uint32_t off, uint32_t *v)
{
	check_expected(off);
	*v = mock_type(uint32_t);
	return 0;
}

static int m_write32(void *priv, uint32_t off, uint32_t v)
{
	check_expected(off);
	check_expected(v);
	return 0;
}

static int m_send(void *priv, const uint8_t *buf, size_t len)
{
	memcpy(sent + sent_len, buf, len);
	sent_len += len;
	return 0;
}

static int m_recv(void *priv, uint8_t *buf, size_t len, unsigned timeout_ms)
{
	memcpy(buf, to_recv, len);
	to_recv += len;
	return 0;
}

static const struct nlut_transport_ops mock_ops = {
	.name = "mock", .open = m_open, .close = m_close, .read32 = m_read32,
	.write32 = m_write32, .send = m_send, .recv = m_recv,
};

static void expect_read(uint32_t off, uint32_t v)
{
	expect_value(m_read32, off, off);
	will_return(m_read32, v);
}

static void expect_write(uint32_t off, uint32_t v)
{
	expect_value(m_write32, off, off);
	expect_value(m_write32, v, v);
}

/* The ID block of a healthy 64-bit-port board holding `model`. */
static void expect_identity(uint32_t magic, uint32_t version, const uint32_t *hash)
{
	expect_read(NLUT_ID_MAGIC_REG_OFFSET, magic);
	if (magic != NLUT_MAGIC)
		return;
	expect_read(NLUT_ID_VERSION_REG_OFFSET, version);
	if (version >> 16 != NLUT_MAP_VERSION_MAJOR)
		return;
	expect_read(NLUT_ID_BOARD_REG_OFFSET, 0x42);
	expect_read(NLUT_ID_BUILD_REG_OFFSET, 0x1234);
	for (unsigned k = 0; k < 8; k++)
		expect_read(NLUT_ID_MODEL_HASH_REG_OFFSET(k), hash[k]);
	if (memcmp(hash, hash_words, sizeof(hash_words)))
		return;
	expect_read(NLUT_ID_LATENCY_REG_OFFSET, 7);
	expect_read(NLUT_ID_SHAPE_REG_OFFSET, 16u | 5u << 16);
	expect_read(NLUT_ID_IN_BITS_REG_OFFSET, 64);
	expect_read(NLUT_ID_STREAM_REG_OFFSET, 8u | 8u << 8 | 1u << 16);
}

static void expect_reset(void)
{
	expect_write(NLUT_CTRL_REG_OFFSET, 1u << NLUT_CTRL_RESET_BIT | 1u << NLUT_CTRL_CLEAR_BIT);
	expect_write(NLUT_CTRL_REG_OFFSET, 1u << NLUT_CTRL_ENABLE_BIT);
}

static nlut_device *open_mock(void)
{
	struct nlut_device_opts o;
	nlut_device *d;

	nlut_device_opts_init(&o);
	o.boards_dir = mock_boards;
	expect_identity(NLUT_MAGIC, 1u << 16, hash_words);
	expect_reset();
	assert_int_equal(nlut_device_open("mock", model, &o, &d), NLUT_SUCCESS);
	return d;
}

static void open_reads_identity_then_resets(void **state)
{
	nlut_device *d = open_mock();
	struct nlut_device_info in;

	assert_int_equal(nlut_device_get_info(d, &in), 0);
	assert_int_equal(in.board_id, 0x42);
	assert_int_equal(in.build_id, 0x1234);
	assert_int_equal(in.latency_cycles, 7);
	assert_int_equal(in.n_inputs, 16);
	assert_int_equal(in.n_classes, 5);
	assert_int_equal(in.s_bytes, 8);
	assert_true(in.scores);
	assert_string_equal(in.board, "mock");
	nlut_device_close(d);
}

static void refuses_wrong_magic_version_and_model(void **state)
{
	struct nlut_device_opts o;
	nlut_device *d = (nlut_device *)1;
	uint32_t other[8];
	char id[NLUT_ID_STR_SIZE];

	nlut_device_opts_init(&o);
	o.boards_dir = mock_boards;
	expect_identity(0xFFFFFFFF, 0, NULL);
	assert_int_equal(nlut_device_open("mock", model, &o, &d), NLUT_ERROR_PROTOCOL);
	assert_null(d);
	assert_non_null(strstr(nlut_error_detail(), "no nlut shell"));

	expect_identity(NLUT_MAGIC, 2u << 16, NULL);
	assert_int_equal(nlut_device_open("mock", model, &o, &d), NLUT_ERROR_VERSION);

	memcpy(other, hash_words, sizeof(other));
	other[3] ^= 0x100;
	expect_identity(NLUT_MAGIC, 1u << 16, other);
	assert_int_equal(nlut_device_open("mock", model, &o, &d), NLUT_ERROR_MODEL_MISMATCH);
	nlut_model_id(model, id);
	assert_non_null(strstr(nlut_error_detail(), id));
	assert_non_null(strstr(nlut_error_detail(), "holds model"));
}

static void unknown_board_lists_the_known_ones(void **state)
{
	struct nlut_device_opts o;
	nlut_device *d;

	nlut_device_opts_init(&o);
	o.boards_dir = mock_boards;
	assert_int_equal(nlut_device_open("alveo-u999", model, &o, &d), NLUT_ERROR_NOT_FOUND);
	assert_non_null(strstr(nlut_error_detail(), "known boards: mock"));
	assert_int_equal(nlut_device_open("../etc", model, &o, &d), NLUT_ERROR_NOT_FOUND);
}

static void infer_sends_packed_vectors_and_checks_tags(void **state)
{
	nlut_device *d = open_mock();
	struct nlut_stream_shape sh = { .n_inputs = 16, .n_classes = 5, .s_bytes = 8, .m_bytes = 8,
					.scores = 1 };
	uint8_t bits[16];
	enum { N = 300 };
	uint16_t codes[N * 16], sc[N * 5], want_sc[N * 5];
	uint32_t cls[N];
	static uint8_t packed[N * 8], results[N * 24];

	memset(bits, 4, sizeof(bits));
	sh.in_bits = bits;
	assert_int_equal(nlut_stream_shape_init(&sh), 0);
	assert_int_equal(sh.in_record, 8);
	assert_int_equal(sh.out_record, 24);
	rm_codes(model, seed, N, codes);
	assert_int_equal(nlut_stream_pack(&sh, N, codes, packed), 0);
	for (uint32_t v = 0; v < N; v++) {
		for (int c = 0; c < 5; c++)
			want_sc[v * 5 + c] = (uint16_t)((v * 7 + (uint32_t)c) & 15);
		nlut_stream_put_result(&sh, v, v % 5, want_sc + v * 5, results + v * 24);
	}
	sent_len = 0;
	to_recv = results;
	assert_int_equal(nlut_device_infer(d, N, codes, cls, sc), NLUT_SUCCESS);
	assert_int_equal(sent_len, sizeof(packed));
	assert_memory_equal(sent, packed, sizeof(packed));
	for (uint32_t v = 0; v < N; v++)
		assert_int_equal(cls[v], v % 5);
	assert_memory_equal(sc, want_sc, sizeof(sc));

	/* The next batch's tags continue at N; a gap is an error, and the
	 * device refuses work until it is reset. */
	for (uint32_t v = 0; v < 4; v++)
		nlut_stream_put_result(&sh, N + v + (v >= 2), 0, want_sc, results + v * 24);
	to_recv = results;
	assert_int_equal(nlut_device_infer(d, 4, codes, cls, NULL), NLUT_ERROR_PROTOCOL);
	assert_non_null(strstr(nlut_error_detail(), "expected 302 (results lost)"));
	assert_int_equal(nlut_device_infer(d, 1, codes, cls, NULL), NLUT_ERROR_PROTOCOL);
	expect_reset();
	assert_int_equal(nlut_device_reset(d), 0);
	nlut_stream_put_result(&sh, 0, 3, want_sc, results);
	to_recv = results;
	assert_int_equal(nlut_device_infer(d, 1, codes, cls, NULL), NLUT_SUCCESS);
	assert_int_equal(cls[0], 3);
	/* A class index out of range is a protocol error, not an answer. */
	nlut_stream_put_result(&sh, 1, 9, want_sc, results);
	to_recv = results;
	assert_int_equal(nlut_device_infer(d, 1, codes, cls, NULL), NLUT_ERROR_PROTOCOL);
	nlut_device_close(d);
}

static void counters_read_lo_then_hi(void **state)
{
	nlut_device *d = open_mock();
	struct nlut_counters c;

	expect_read(NLUT_CNT_IN_LO_REG_OFFSET, 5);
	expect_read(NLUT_CNT_IN_HI_REG_OFFSET, 1);
	expect_read(NLUT_CNT_OUT_LO_REG_OFFSET, 4);
	expect_read(NLUT_CNT_OUT_HI_REG_OFFSET, 1);
	expect_read(NLUT_CNT_STALL_LO_REG_OFFSET, 99);
	expect_read(NLUT_CNT_STALL_HI_REG_OFFSET, 0);
	expect_read(NLUT_CNT_ERRORS_REG_OFFSET, 2);
	expect_read(NLUT_ERRORS_REG_OFFSET, 1u << NLUT_ERRORS_FRAME_BIT);
	assert_int_equal(nlut_device_counters(d, &c), 0);
	assert_int_equal(c.inputs, (1ull << 32) + 5);
	assert_int_equal(c.results, (1ull << 32) + 4);
	assert_int_equal(c.stall_cycles, 99);
	assert_int_equal(c.errors, 2);
	assert_int_equal(c.error_flags, 1u << NLUT_ERRORS_FRAME_BIT);
	nlut_device_close(d);
}

static void bist_starts_then_polls(void **state)
{
	nlut_device *d = open_mock();
	struct nlut_bist_result r;

	expect_write(NLUT_BIST_CTRL_REG_OFFSET, 1u << NLUT_BIST_CTRL_START_BIT);
	expect_read(NLUT_BIST_STATUS_REG_OFFSET, 1u << NLUT_BIST_STATUS_RUNNING_BIT);
	expect_read(NLUT_BIST_STATUS_REG_OFFSET, 1u << NLUT_BIST_STATUS_RUNNING_BIT);
	expect_read(NLUT_BIST_STATUS_REG_OFFSET, 1u << NLUT_BIST_STATUS_DONE_BIT);
	expect_read(NLUT_BIST_VECTORS_REG_OFFSET, 64);
	expect_read(NLUT_BIST_FIRST_FAIL_REG_OFFSET, 17);
	assert_int_equal(nlut_device_bist(d, &r), 0);
	assert_false(r.pass);
	assert_int_equal(r.vectors, 64);
	assert_int_equal(r.first_fail, 17);
	nlut_device_close(d);
}

/* ---- stream packing ---- */

static void stream_pack_round_trips(void **state)
{
	uint64_t s = seed;

	for (int t = 0; t < 300; t++) {
		struct nlut_stream_shape sh = { 0 };
		static const unsigned widths[] = { 4, 8, 64 };
		uint8_t bits[40];
		uint16_t codes[8 * 40], back[8 * 40], sc[8 * 40], sc2[8 * 40];
		uint8_t in[8 * 128], out[8 * 160];
		struct nlut_stream_result res[8];

		sh.n_inputs = 1 + rm_below(&s, 40);
		sh.n_classes = 1 + rm_below(&s, 40);
		sh.s_bytes = widths[rm_below(&s, 3)];
		sh.m_bytes = widths[rm_below(&s, 3)];
		sh.scores = (int)rm_below(&s, 2);
		for (uint32_t i = 0; i < sh.n_inputs; i++)
			bits[i] = (uint8_t)(1 + rm_below(&s, 16));
		sh.in_bits = bits;
		assert_int_equal(nlut_stream_shape_init(&sh), 0);
		for (uint32_t i = 0; i < 8 * sh.n_inputs; i++)
			codes[i] = (uint16_t)(rm_next(&s) & ((1u << bits[i % sh.n_inputs]) - 1u));
		assert_int_equal(nlut_stream_pack(&sh, 8, codes, in), 0);
		assert_int_equal(nlut_stream_unpack_inputs(&sh, 8, in, back), 0);
		assert_memory_equal(codes, back, 8 * sh.n_inputs * sizeof(*codes));
		for (uint32_t v = 0; v < 8; v++) {
			for (uint32_t c = 0; c < sh.n_classes; c++)
				sc[v * sh.n_classes + c] = (uint16_t)rm_next(&s);
			nlut_stream_put_result(&sh, 1000 + v, v % sh.n_classes, sc + v * sh.n_classes,
					       out + v * sh.out_record);
		}
		assert_int_equal(nlut_stream_unpack(&sh, 8, out, res, sc2), 0);
		for (uint32_t v = 0; v < 8; v++) {
			assert_int_equal(res[v].seq, 1000 + v);
			assert_int_equal(res[v].cls, v % sh.n_classes);
		}
		if (sh.scores)
			assert_memory_equal(sc, sc2, 8 * sh.n_classes * sizeof(*sc));
		/* A set padding bit is refused on both sides. */
		if (8 * sh.in_record > sh.in_total_bits) {
			in[sh.in_record - 1] |= 0x80;
			assert_int_equal(nlut_stream_unpack_inputs(&sh, 1, in, back), NLUT_ERROR_PROTOCOL);
		}
		if (sh.out_record > 8 + (sh.scores ? 2u * sh.n_classes : 0u)) {
			out[sh.out_record - 1] = 0x40;
			assert_int_equal(nlut_stream_unpack(&sh, 1, out, res, NULL), NLUT_ERROR_PROTOCOL);
			out[sh.out_record - 1] = 0;
			assert_int_equal(nlut_stream_unpack(&sh, 1, out, res, NULL), 0);
		}
		out[6] = 1;
		assert_int_equal(nlut_stream_unpack(&sh, 1, out, res, NULL), NLUT_ERROR_PROTOCOL);
		codes[0] = (uint16_t)(1u << bits[0]);
		if (bits[0] < 16)
			assert_int_equal(nlut_stream_pack(&sh, 1, codes, in), NLUT_ERROR_INVALID_PARAM);
	}
}

/* ---- the golden board, end to end ---- */

static void golden_board_matches_golden_model(void **state)
{
	nlut_device *d;
	nlut_golden *g;
	enum { N = 20000 };
	uint16_t *codes = malloc(N * 16 * sizeof(*codes));
	uint16_t *sc = malloc(N * 5 * sizeof(*sc)), *want_sc = malloc(N * 5 * sizeof(*sc));
	uint32_t *cls = malloc(N * 4), *want = malloc(N * 4);
	struct nlut_counters c;
	struct nlut_bist_result r;

	assert_int_equal(nlut_device_open("golden", model, NULL, &d), NLUT_SUCCESS);
	assert_int_equal(nlut_golden_new(model, &g), 0);
	rm_codes(model, seed, N, codes);
	assert_int_equal(nlut_golden_eval_batch(g, N, codes, want_sc, want, 1), 0);
	assert_int_equal(nlut_device_infer(d, N, codes, cls, sc), 0);
	assert_memory_equal(cls, want, N * 4);
	assert_memory_equal(sc, want_sc, N * 5 * 2);
	/* Several batches in flight, collected in order. */
	uint64_t t[5], got;

	memset(cls, 0xff, N * 4);
	for (int b = 0; b < 5; b++)
		assert_int_equal(nlut_device_submit(d, N / 5, codes + (size_t)b * (N / 5) * 16,
						    cls + b * (N / 5), NULL, &t[b]), 0);
	assert_int_equal(nlut_device_inflight(d), 5);
	for (int b = 0; b < 5; b++) {
		assert_int_equal(nlut_device_collect(d, &got), 0);
		assert_int_equal(got, t[b]);
	}
	assert_int_equal(nlut_device_collect(d, &got), NLUT_ERROR_NOT_FOUND);
	assert_memory_equal(cls, want, N * 4);
	assert_int_equal(nlut_device_counters(d, &c), 0);
	assert_int_equal(c.inputs, 2 * N);
	assert_int_equal(c.results, 2 * N);
	assert_int_equal(nlut_device_bist(d, &r), 0);
	assert_true(r.pass);
	assert_int_equal(r.first_fail, NLUT_BIST_NONE);
	/* An out-of-range code never reaches the board. */
	codes[5 * 16 + 3] = 16;
	assert_int_equal(nlut_device_infer(d, 10, codes, cls, NULL), NLUT_ERROR_INVALID_PARAM);
	assert_non_null(strstr(nlut_error_detail(), "vector 5 feature 3"));
	free(codes);
	free(sc);
	free(want_sc);
	free(cls);
	free(want);
	nlut_golden_free(g);
	nlut_device_close(d);
}

static void board_list_has_golden(void **state)
{
	struct nlut_board_info *l;
	size_t n;
	int found = 0;

	assert_int_equal(nlut_board_list(NULL, &l, &n), 0);
	for (size_t i = 0; i < n; i++)
		found |= !strcmp(l[i].name, "golden") && !strcmp(l[i].transport, "golden");
	assert_true(found);
	free(l);
}

static int setup(void **state)
{
	struct rm_spec sp;
	uint8_t h[32];
	char path[600];
	FILE *f;

	seed = test_seed("device");
	rm_jsc2l_spec(&sp);
	model = rm_build(&sp, seed);
	nlut_model_hash(model, h);
	for (int k = 0; k < 8; k++)
		hash_words[k] = (uint32_t)h[4 * k] | (uint32_t)h[4 * k + 1] << 8 |
				(uint32_t)h[4 * k + 2] << 16 | (uint32_t)h[4 * k + 3] << 24;
	snprintf(mock_boards, sizeof(mock_boards), "%s/boards", NLUT_TEST_TMPDIR);
	mkdir(mock_boards, 0755);
	snprintf(path, sizeof(path), "%s/mock", mock_boards);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/mock/board.def", mock_boards);
	f = fopen(path, "w");
	fprintf(f, "name = mock\ntransport = mock\ndescription = register-level mock\n");
	fclose(f);
	return nlut_transport_add(&mock_ops);
}

static int teardown(void **state)
{
	nlut_model_free(model);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(open_reads_identity_then_resets),
		cmocka_unit_test(refuses_wrong_magic_version_and_model),
		cmocka_unit_test(unknown_board_lists_the_known_ones),
		cmocka_unit_test(infer_sends_packed_vectors_and_checks_tags),
		cmocka_unit_test(counters_read_lo_then_hi),
		cmocka_unit_test(bist_starts_then_polls),
		cmocka_unit_test(stream_pack_round_trips),
		cmocka_unit_test(golden_board_matches_golden_model),
		cmocka_unit_test(board_list_has_golden),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
