/* test_usb.c - the usb transport through real libusb against an FT601 board
 * emulated under umockdev (ft601_emu.c): the bytes the host sees are those
 * the firmware's protocol engine produces. Many vectors checked against the
 * golden model under injected stalls, short and empty reads and delays;
 * corrupted frames, a mute board, an endless stall and an unplug each give
 * a clear error, never a wrong answer or a hang. Run under umockdev-wrapper. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <umockdev.h>

#include <nlut/nlut.h>

#include "ft601_emu.h"
#include "random_model.h"
#include "test_seed.h"

#define BOARD "ft601-a7"
#define N_VECTORS 120000u

static uint64_t seed;
static nlut_model *model;
static nlut_golden *golden;
static struct ft601_emu *emu;
static nlut_device *open_dev;  /* closed by the teardown when a test fails */

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}

static nlut_device *open_board(unsigned timeout_ms, const char *serial)
{
	struct nlut_device_opts o;
	nlut_device *d = NULL;
	int err;

	nlut_device_opts_init(&o);
	o.boards_dir = NLUT_SOURCE_DIR "/boards";
	o.timeout_ms = timeout_ms;
	o.device = serial;
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

static void no_faults(void)
{
	struct ft601_faults f = { 0 };

	ft601_emu_set_faults(emu, &f);
}

/* Infer n random vectors and compare every class with the golden model. */
static void check_vectors(nlut_device *d, size_t n, uint64_t s)
{
	uint32_t ni = nlut_model_num_inputs(model);
	uint16_t *codes = malloc(n * ni * sizeof(*codes));
	uint32_t *got = malloc(n * sizeof(*got)), *want = malloc(n * sizeof(*want));
	int err;

	assert_non_null(codes);
	assert_non_null(got);
	assert_non_null(want);
	rm_codes(model, s, n, codes);
	assert_int_equal(nlut_golden_eval_batch(golden, n, codes, NULL, want, 1), NLUT_SUCCESS);
	memset(got, 0xff, n * sizeof(*got));
	err = nlut_device_infer(d, n, codes, got, NULL);
	if (err) {
		struct ft601_stats st;

		ft601_emu_stats(emu, &st);
		print_error("infer: %s: %s\n", nlut_error_name(err), nlut_error_detail());
		print_error("board: %llu IN / %llu OUT transfers, %llu read requests (%llu bad), %llu discards, %llu bytes in, %llu out; engine %llu frames in, %llu out, %llu vectors, %llu results, %llu CRC, %llu seq errors\n",
			    (unsigned long long)st.urbs_in, (unsigned long long)st.urbs_out,
			    (unsigned long long)st.read_requests, (unsigned long long)st.bad_requests, (unsigned long long)st.discards, (unsigned long long)st.bytes_in,
			    (unsigned long long)st.bytes_out, (unsigned long long)st.engine.frames_in,
			    (unsigned long long)st.engine.frames_out, (unsigned long long)st.engine.vectors_in,
			    (unsigned long long)st.engine.results_out, (unsigned long long)st.engine.crc_errors,
			    (unsigned long long)st.engine.seq_errors);
	}
	assert_int_equal(err, NLUT_SUCCESS);
	for (size_t v = 0; v < n; v++)
		if (got[v] != want[v]) {
			print_error("vector %zu: board says class %u, golden %u\n", v, got[v], want[v]);
			fail();
		}
	free(codes);
	free(got);
	free(want);
}

/* Infer expecting failure; returns the error. */
static int infer_err(nlut_device *d, size_t n)
{
	uint32_t ni = nlut_model_num_inputs(model);
	uint16_t *codes = malloc(n * ni * sizeof(*codes));
	uint32_t *got = malloc(n * sizeof(*got));
	int err;

	rm_codes(model, seed + 99, n, codes);
	err = nlut_device_infer(d, n, codes, got, NULL);
	free(codes);
	free(got);
	return err;
}

static void opens_by_serial_and_reads_identity(void **state)
{
	struct nlut_device_info in;
	struct nlut_device_opts o;
	nlut_device *d = open_board(2000, FT601_EMU_SERIAL);

	assert_int_equal(nlut_device_get_info(d, &in), NLUT_SUCCESS);
	assert_string_equal(in.transport, "usb");
	assert_int_equal(in.board_id, 0x0A71);
	assert_int_equal(in.n_inputs, nlut_model_num_inputs(model));
	close_board(d);

	nlut_device_opts_init(&o);
	o.boards_dir = NLUT_SOURCE_DIR "/boards";
	o.device = "NOSUCHSERIAL";
	assert_int_equal(nlut_device_open(BOARD, model, &o, &d), NLUT_ERROR_NO_DEVICE);
	assert_non_null(strstr(nlut_error_detail(), "no FT601 with serial 'NOSUCHSERIAL'"));
	assert_non_null(strstr(nlut_error_detail(), FT601_EMU_SERIAL));
}

/* Small batches of random sizes, up to 8 in flight, checked as they come. */
static void check_small_batches(nlut_device *d, size_t n, uint64_t s)
{
	uint32_t ni = nlut_model_num_inputs(model);
	uint16_t *codes = malloc(n * ni * sizeof(*codes));
	uint32_t *got = malloc(n * sizeof(*got)), *want = malloc(n * sizeof(*want));
	uint64_t r = s;
	size_t at = 0;
	int err = 0;

	assert_non_null(codes);
	assert_non_null(got);
	assert_non_null(want);
	rm_codes(model, s, n, codes);
	assert_int_equal(nlut_golden_eval_batch(golden, n, codes, NULL, want, 1), NLUT_SUCCESS);
	memset(got, 0xff, n * sizeof(*got));
	while (!err && (at < n || nlut_device_inflight(d))) {
		while (!err && at < n && nlut_device_inflight(d) < 8) {
			size_t k = 1 + rm_below(&r, 600);

			if (k > n - at)
				k = n - at;
			err = nlut_device_submit(d, k, codes + at * ni, got + at, NULL, NULL);
			at += k;
		}
		if (!err)
			err = nlut_device_collect(d, NULL);
	}
	if (err)
		print_error("batches: %s: %s\n", nlut_error_name(err), nlut_error_detail());
	assert_int_equal(err, NLUT_SUCCESS);
	for (size_t v = 0; v < n; v++)
		if (got[v] != want[v]) {
			print_error("vector %zu: board says class %u, golden %u\n", v, got[v], want[v]);
			fail();
		}
	free(codes);
	free(got);
	free(want);
}

/* The core property: many vectors through stalls, short and empty reads and
 * delays, every answer right, every stall recovered. */
static void many_vectors_through_faults(void **state)
{
	struct ft601_faults f = { .stall_in = 80, .stall_out = 100, .short_in = 250, .zlp_in = 60,
				  .delay_in = 100, .delay_max_us = 2000 };
	struct ft601_stats s0, s1;
	struct nlut_counters c;
	nlut_device *d = open_board(10000, NULL);
	double t0 = now_ms();

	ft601_emu_stats(emu, &s0);
	if (getenv("NLUT_USB_NOFAULTS"))
		memset(&f, 0, sizeof(f));
	ft601_emu_set_faults(emu, &f);
	/* Large batches (whole 64 KiB frames), then many small ones. */
	check_vectors(d, N_VECTORS / 2, seed + 1);
	check_small_batches(d, N_VECTORS / 2, seed + 11);
	no_faults();
	ft601_emu_stats(emu, &s1);
	assert_int_equal(nlut_device_counters(d, &c), NLUT_SUCCESS);
	assert_int_equal(c.inputs, N_VECTORS);
	assert_int_equal(c.results, N_VECTORS);
	print_message("[ INFO     ] %u vectors in %.0f ms, all right; injected %llu IN stalls, %llu OUT stalls, %llu short, %llu empty, %llu delayed IN transfers (of %llu IN, %llu OUT); %llu halts cleared\n",
		      N_VECTORS, now_ms() - t0, (unsigned long long)(s1.stalls_in - s0.stalls_in),
		      (unsigned long long)(s1.stalls_out - s0.stalls_out),
		      (unsigned long long)(s1.short_in - s0.short_in), (unsigned long long)(s1.zlp_in - s0.zlp_in),
		      (unsigned long long)(s1.delayed_in - s0.delayed_in),
		      (unsigned long long)(s1.urbs_in - s0.urbs_in), (unsigned long long)(s1.urbs_out - s0.urbs_out),
		      (unsigned long long)(s1.clear_halts - s0.clear_halts));
	/* Each fault was really exercised, and each stall was cleared. */
	assert_true(s1.stalls_in - s0.stalls_in >= 5);
	assert_true(s1.stalls_out - s0.stalls_out >= 5);
	assert_true(s1.short_in - s0.short_in >= 5);
	assert_true(s1.zlp_in - s0.zlp_in >= 5);
	assert_true(s1.delayed_in - s0.delayed_in >= 5);
	/* The last IN stall may still be on its way to the host (one at most:
	 * a halted pipe stalls nothing more until cleared). */
	assert_true(s1.clear_halts - s0.clear_halts + 1 >=
		    (s1.stalls_in - s0.stalls_in) + (s1.stalls_out - s0.stalls_out));
	/* Every IN transfer was asked for with a read request, nothing else came. */
	assert_int_equal(s1.bad_requests, 0);
	assert_true(s1.read_requests >= s1.urbs_in);
	assert_int_equal(s1.engine.crc_errors, s0.engine.crc_errors);
	assert_int_equal(s1.engine.seq_errors, s0.engine.seq_errors);
	close_board(d);
}

/* Submit/collect with several batches in flight, batch sizes across the
 * frame size (8192 records of 8 bytes per VECTORS frame). */
static void batches_in_flight(void **state)
{
	static const size_t sizes[] = { 1, 7, 8191, 8192, 8193, 20000 };
	uint32_t ni = nlut_model_num_inputs(model);
	size_t total = 0;
	nlut_device *d = open_board(10000, NULL);

	for (size_t i = 0; i < 6; i++)
		total += sizes[i];
	uint16_t *codes = malloc(total * ni * sizeof(*codes));
	uint32_t *got = malloc(total * sizeof(*got)), *want = malloc(total * sizeof(*want));

	rm_codes(model, seed + 2, total, codes);
	assert_int_equal(nlut_golden_eval_batch(golden, total, codes, NULL, want, 1), NLUT_SUCCESS);
	for (size_t i = 0, at = 0; i < 6; at += sizes[i], i++)
		assert_int_equal(nlut_device_submit(d, sizes[i], codes + at * ni, got + at, NULL, NULL),
				 NLUT_SUCCESS);
	assert_int_equal(nlut_device_inflight(d), 6);
	for (uint64_t i = 0, t; i < 6; i++) {
		assert_int_equal(nlut_device_collect(d, &t), NLUT_SUCCESS);
		assert_int_equal(t, i);
	}
	assert_memory_equal(got, want, total * sizeof(*got));
	free(codes);
	free(got);
	free(want);
	close_board(d);
}

/* A frame damaged on its way to the board: the firmware reports the CRC
 * error, the host fails the batch, a reset recovers. */
static void corrupted_out_frame_is_an_error(void **state)
{
	nlut_device *d = open_board(5000, NULL);
	int err;

	ft601_emu_corrupt_out(emu);
	err = infer_err(d, 5000);
	print_message("[ INFO     ] corrupted OUT frame: %s: %s\n", nlut_error_name(err), nlut_error_detail());
	assert_int_equal(err, NLUT_ERROR_PROTOCOL);
	assert_non_null(strstr(nlut_error_detail(), "CRC error"));
	assert_int_equal(nlut_device_reset(d), NLUT_SUCCESS);
	check_vectors(d, 20000, seed + 3);
	close_board(d);
}

/* A frame damaged on its way to the host: dropped and reported. */
static void corrupted_in_frame_is_an_error(void **state)
{
	nlut_device *d = open_board(5000, NULL);
	int err;

	ft601_emu_corrupt_in(emu);
	err = infer_err(d, 5000);
	print_message("[ INFO     ] corrupted IN frame: %s: %s\n", nlut_error_name(err), nlut_error_detail());
	assert_int_equal(err, NLUT_ERROR_PROTOCOL);
	assert_non_null(strstr(nlut_error_detail(), "CRC error in a frame from the board"));
	assert_int_equal(nlut_device_reset(d), NLUT_SUCCESS);
	check_vectors(d, 20000, seed + 4);
	close_board(d);
}

/* Long enough that a loaded machine (the suite runs tests side by side) does
 * not starve the emulated board that long while it is talking; the recovery
 * below runs on the same handle and so the same timeout. */
#define MUTE_TIMEOUT_MS 1000

/* A board that stops answering: a timeout naming what was awaited. */
static void mute_board_times_out(void **state)
{
	struct ft601_faults f = { .mute = 1 };
	struct nlut_counters c;
	nlut_device *d = open_board(MUTE_TIMEOUT_MS, NULL);
	double t0;
	int err;

	ft601_emu_set_faults(emu, &f);
	t0 = now_ms();
	err = nlut_device_counters(d, &c);
	print_message("[ INFO     ] mute board: %s: %s (%.0f ms)\n", nlut_error_name(err), nlut_error_detail(),
		      now_ms() - t0);
	assert_int_equal(err, NLUT_ERROR_TIMEOUT);
	assert_non_null(strstr(nlut_error_detail(), "no answer to REG_READ 0x080"));
	assert_true(now_ms() - t0 < MUTE_TIMEOUT_MS + 1000);
	t0 = now_ms();
	err = infer_err(d, 1000);
	assert_int_equal(err, NLUT_ERROR_TIMEOUT);
	assert_true(now_ms() - t0 < MUTE_TIMEOUT_MS + 1000);
	/* Talking again: the late answers are recognised as stale. */
	no_faults();
	assert_int_equal(nlut_device_reset(d), NLUT_SUCCESS);
	check_vectors(d, 10000, seed + 5);
	close_board(d);
}

/* A pipe that stalls whatever the host does: NLUT_ERROR_IO, no hang. */
static void endless_stall_is_an_io_error(void **state)
{
	struct ft601_faults f = { .stall_in_always = 1 };
	struct nlut_counters c;
	nlut_device *d = open_board(2000, NULL);
	double t0 = now_ms();
	int err;

	ft601_emu_set_faults(emu, &f);
	err = nlut_device_counters(d, &c);
	print_message("[ INFO     ] endless stall: %s: %s\n", nlut_error_name(err), nlut_error_detail());
	assert_int_equal(err, NLUT_ERROR_IO);
	assert_non_null(strstr(nlut_error_detail(), "stalled"));
	assert_true(now_ms() - t0 < 2000 + 1000);
	close_board(d);
	no_faults();
	d = open_board(2000, NULL);
	check_vectors(d, 5000, seed + 6);
	close_board(d);
}

static void *unplug_later(void *arg)
{
	usleep(150 * 1000);
	ft601_emu_unplug(emu, 1);
	return NULL;
}

/* Unplugged mid-run: NLUT_ERROR_NO_DEVICE well within the timeout. */
static void unplug_mid_run(void **state)
{
	nlut_device *d = open_board(3000, NULL);
	pthread_t th;
	double t0 = now_ms();
	int err;

	assert_int_equal(pthread_create(&th, NULL, unplug_later, NULL), 0);
	err = infer_err(d, 2000000);
	pthread_join(th, NULL);
	print_message("[ INFO     ] unplugged: %s: %s (%.0f ms)\n", nlut_error_name(err), nlut_error_detail(),
		      now_ms() - t0);
	assert_int_equal(err, NLUT_ERROR_NO_DEVICE);
	assert_non_null(strstr(nlut_error_detail(), "unplugged"));
	assert_true(now_ms() - t0 < 3000);
	/* Every later call says the same at once. */
	struct nlut_counters c;

	assert_int_equal(nlut_device_counters(d, &c), NLUT_ERROR_NO_DEVICE);
	t0 = now_ms();
	close_board(d);
	assert_true(now_ms() - t0 < 2500);
	/* Plugged back in: a new session finds the board as it was. */
	ft601_emu_unplug(emu, 0);
	d = open_board(3000, NULL);
	assert_int_equal(nlut_device_reset(d), NLUT_SUCCESS);
	check_vectors(d, 10000, seed + 7);
	close_board(d);
}

static int teardown_faults(void **state)
{
	if (open_dev)
		close_board(open_dev);
	no_faults();
	ft601_emu_unplug(emu, 0);
	return 0;
}

int main(void)
{
	const char *pre = getenv("LD_PRELOAD");
	struct rm_spec spec;
	int rc;

	if (!pre || !strstr(pre, "libumockdev-preload")) {
		printf("umockdev preload not active: run under umockdev-wrapper\n");
		return 77;
	}
	seed = test_seed("usb");
	rm_jsc2l_spec(&spec);
	model = rm_build(&spec, seed);
	if (!model || nlut_golden_new(model, &golden)) {
		printf("cannot build the model\n");
		return 1;
	}
	if (ft601_emu_start(NLUT_SOURCE_DIR "/boards", BOARD, model, seed, &emu))
		return 1;
	if (!umockdev_in_mock_environment()) {
		printf("umockdev testbed not active\n");
		return 77;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(opens_by_serial_and_reads_identity, teardown_faults),
		cmocka_unit_test_teardown(many_vectors_through_faults, teardown_faults),
		cmocka_unit_test_teardown(batches_in_flight, teardown_faults),
		cmocka_unit_test_teardown(corrupted_out_frame_is_an_error, teardown_faults),
		cmocka_unit_test_teardown(corrupted_in_frame_is_an_error, teardown_faults),
		cmocka_unit_test_teardown(mute_board_times_out, teardown_faults),
		cmocka_unit_test_teardown(endless_stall_is_an_io_error, teardown_faults),
		cmocka_unit_test_teardown(unplug_mid_run, teardown_faults),
	};
	if (getenv("NLUT_TEST_FILTER"))
		cmocka_set_test_filter(getenv("NLUT_TEST_FILTER"));
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	ft601_emu_stop(emu);
	nlut_golden_free(golden);
	nlut_model_free(model);
	return rc;
}
