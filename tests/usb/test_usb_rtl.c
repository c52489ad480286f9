/* test_usb_rtl.c - the usb transport through real libusb against the
 * ft601-a7 board's RTL: the emulated FT601 (ft601_emu.c, under umockdev)
 * with the Verilated board behind its FIFO bus (ft601_rtl.cpp: the FT601
 * bridge, the shell, the controller running the firmware, the core of
 * examples/digits-tiny.nlut) instead of the C protocol engine. Opening reads
 * the identity the RTL holds; the firmware's self-test passes; vectors come
 * back equal to the golden model, class and scores, under USB faults; a frame
 * damaged on its way to the board is refused by the RTL (CRC) and a reset
 * recovers. Run under umockdev-wrapper. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <umockdev.h>

#include <nlut/nlut.h>

#include "ft601_emu.h"
#include "ft601_rtl.h"

#define BOARD "ft601-a7"

static nlut_model *model;
static nlut_golden *golden;
static struct ft601_emu *emu;
static struct ft601_rtl *rtl;
static nlut_device *open_dev; /* closed by the teardown when a test fails */

static uint64_t rng = 0x243F6A8885A308D3ull;

static nlut_device *open_board(void)
{
	struct nlut_device_opts o;
	nlut_device *d = NULL;
	int err;

	nlut_device_opts_init(&o);
	o.boards_dir = NLUT_SOURCE_DIR "/boards";
	o.timeout_ms = 20000;
	err = nlut_device_open(BOARD, model, &o, &d);
	if (err)
		print_error("open: %s: %s\n", nlut_error_name(err), nlut_error_detail());
	assert_int_equal(err, NLUT_SUCCESS);
	open_dev = d;
	return d;
}

static void close_board(nlut_device *d)
{
	nlut_device_close(d);
	open_dev = NULL;
}

static void random_codes(size_t n, uint16_t *codes)
{
	uint32_t ni = nlut_model_num_inputs(model);

	for (size_t v = 0; v < n; v++)
		for (uint32_t i = 0; i < ni; i++) {
			rng ^= rng << 13;
			rng ^= rng >> 7;
			rng ^= rng << 17;
			codes[v * ni + i] = (uint16_t)(rng & ((1u << nlut_model_quant(model)[i].bits) - 1));
		}
}

/* Infer n random vectors: classes and scores equal the golden model's; or the error. */
static int run_vectors(nlut_device *d, size_t n, int expect_ok)
{
	uint32_t ni = nlut_model_num_inputs(model), nc = nlut_model_num_classes(model);
	uint16_t *codes = malloc(n * ni * sizeof(*codes));
	uint16_t *sc = malloc(n * nc * sizeof(*sc)), *want_sc = malloc(n * nc * sizeof(*sc));
	uint32_t *cls = malloc(n * sizeof(*cls)), *want = malloc(n * sizeof(*want));
	int err;

	assert_non_null(codes);
	assert_non_null(sc);
	assert_non_null(want_sc);
	assert_non_null(cls);
	assert_non_null(want);
	random_codes(n, codes);
	assert_int_equal(nlut_golden_eval_batch(golden, n, codes, want_sc, want, 1), NLUT_SUCCESS);
	memset(cls, 0xff, n * sizeof(*cls));
	err = nlut_device_infer(d, n, codes, cls, sc);
	if (expect_ok) {
		if (err)
			print_error("infer: %s: %s\n", nlut_error_name(err), nlut_error_detail());
		assert_int_equal(err, NLUT_SUCCESS);
		for (size_t v = 0; v < n; v++)
			if (cls[v] != want[v] || memcmp(sc + v * nc, want_sc + v * nc, nc * sizeof(*sc))) {
				print_error("vector %zu: the board's class %u or scores differ from golden (class %u)\n",
					    v, cls[v], want[v]);
				fail();
			}
	}
	free(codes);
	free(sc);
	free(want_sc);
	free(cls);
	free(want);
	return err;
}

/* The RTL's ID block: the model's identity, the board, the stream shape; its self-test passes. */
static void opens_and_passes_self_test(void **state)
{
	nlut_device *d = open_board();
	struct nlut_device_info info;
	struct nlut_bist_result b;
	uint8_t hash[32];

	(void)state;
	assert_int_equal(nlut_device_get_info(d, &info), NLUT_SUCCESS);
	nlut_model_hash(model, hash);
	assert_memory_equal(info.model_hash, hash, 32);
	assert_int_equal(info.board_id, 0x0A71);
	assert_int_equal(info.s_bytes, 4);
	assert_int_equal(info.m_bytes, 4);
	assert_int_equal(nlut_device_bist(d, &b), NLUT_SUCCESS);
	assert_true(b.pass);
	assert_true(b.vectors > 0);
	close_board(d);
}

/* Vectors through the RTL equal golden; the board's counters saw them all. */
static void vectors_equal_golden(void **state)
{
	nlut_device *d = open_board();
	struct nlut_counters c;

	(void)state;
	assert_int_equal(nlut_device_reset(d), NLUT_SUCCESS);
	run_vectors(d, 6000, 1);
	assert_int_equal(nlut_device_counters(d, &c), NLUT_SUCCESS);
	assert_int_equal(c.inputs, 6000);
	assert_int_equal(c.results, 6000);
	close_board(d);
}

/* USB faults between host and FT601 (stalls, short and empty reads, delays): still equal. */
static void vectors_through_faults(void **state)
{
	struct ft601_faults f = { .stall_in = 10, .stall_out = 10, .short_in = 60, .zlp_in = 20,
				  .delay_in = 20, .delay_max_us = 2000 };
	nlut_device *d = open_board();

	(void)state;
	ft601_emu_set_faults(emu, &f);
	run_vectors(d, 3000, 1);
	close_board(d);
}

/* A frame damaged on its way to the board: the RTL refuses it (CRC), the host fails the batch,
 * a reset recovers. */
static void corrupted_out_frame_is_refused(void **state)
{
	nlut_device *d = open_board();
	int err;

	(void)state;
	ft601_emu_corrupt_out(emu);
	err = run_vectors(d, 2000, 0);
	print_message("[ INFO     ] corrupted OUT frame: %s: %s\n", nlut_error_name(err), nlut_error_detail());
	assert_int_equal(err, NLUT_ERROR_PROTOCOL);
	assert_non_null(strstr(nlut_error_detail(), "CRC error"));
	assert_int_equal(nlut_device_reset(d), NLUT_SUCCESS);
	run_vectors(d, 2000, 1);
	close_board(d);
}

static int teardown(void **state)
{
	struct ft601_faults none = { 0 };

	(void)state;
	if (open_dev)
		close_board(open_dev);
	ft601_emu_set_faults(emu, &none);
	return 0;
}

int main(void)
{
	const char *pre = getenv("LD_PRELOAD");
	uint64_t cycles, win, wout;
	int rc;

	if (!pre || !strstr(pre, "libumockdev-preload")) {
		printf("umockdev preload not active: run under umockdev-wrapper\n");
		return 77;
	}
	if (nlut_model_load(NLUT_FT601_MODEL, &model) || nlut_golden_new(model, &golden)) {
		printf("cannot load %s: %s\n", NLUT_FT601_MODEL, nlut_error_detail());
		return 1;
	}
	/* The shell clock a little off the FT601's 100 MHz, as two oscillators are. */
	rtl = ft601_rtl_new(9970, 1);
	struct ft601_backend be = ft601_rtl_backend(rtl);

	if (ft601_emu_start_backend(&be, 1, &emu))
		return 1;
	if (!umockdev_in_mock_environment()) {
		printf("umockdev testbed not active\n");
		return 77;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(opens_and_passes_self_test, teardown),
		cmocka_unit_test_teardown(vectors_equal_golden, teardown),
		cmocka_unit_test_teardown(vectors_through_faults, teardown),
		cmocka_unit_test_teardown(corrupted_out_frame_is_refused, teardown),
	};
	if (getenv("NLUT_TEST_FILTER"))
		cmocka_set_test_filter(getenv("NLUT_TEST_FILTER"));
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	ft601_emu_stop(emu);
	ft601_rtl_stats(rtl, &cycles, &win, &wout);
	printf("ft601 RTL: %llu FT601 cycles simulated (%.1f ms), %llu words from the host, %llu to it\n",
	       (unsigned long long)cycles, (double)cycles / 1e5, (unsigned long long)win,
	       (unsigned long long)wout);
	ft601_rtl_free(rtl);
	nlut_golden_free(golden);
	nlut_model_free(model);
	return rc;
}
