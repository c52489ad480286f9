/* test_ftdi.c - the ftdi transport through real libusb against an FT2232H
 * emulated under umockdev (ft2232h_emu.c) with the iCE40-HX8K board's
 * Verilated top behind channel B's UART pins: every byte crosses the real
 * nlut_uart_rx / nlut_uart_tx and nlut_uart_bridge at 12 clocks per bit.
 * nlut-run --board ice40-hx8k equals --board golden byte for byte; vectors
 * with scores equal golden under stalls and delays; the chip is set up as
 * the board wires it; a wrong product id or serial, a missing device, a
 * mute board and an unplug each give a clear error (one line from nlut-run),
 * never a hang. Run under umockdev-wrapper.
 *
 *   test_ftdi NLUT_RUN MODEL DATA */
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
#include <glib/gstdio.h>
#include <umockdev.h>

#include <nlut/nlut.h>

#include "ft2232h_emu.h"
#include "random_model.h"
#include "test_seed.h"

#define BOARD "ice40-hx8k"
#define CLK_HZ 12000000u
#define N_VECTORS 240u    /* about 5,300 board cycles each for its 44-byte RESULTS frame */

static const char *nlut_run, *model_path, *data_path;
static uint64_t seed;
static nlut_model *model;
static nlut_golden *golden;
static struct ft2232h_emu *emu;
static nlut_device *open_dev;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}

static int try_open(unsigned timeout_ms, const char *serial, nlut_device **d)
{
	struct nlut_device_opts o;

	nlut_device_opts_init(&o);
	o.boards_dir = NLUT_SOURCE_DIR "/boards";
	o.timeout_ms = timeout_ms;
	o.device = serial;
	return nlut_device_open(BOARD, model, &o, d);
}

static nlut_device *open_board(unsigned timeout_ms)
{
	nlut_device *d = NULL;
	int err = try_open(timeout_ms, NULL, &d);

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
	struct ft2232h_faults f = { 0 };

	ft2232h_emu_set_faults(emu, &f);
}

static void print_stats(const char *what, const struct ft2232h_stats *s)
{
	print_message("[ INFO     ] %s: %llu IN transfers (%llu status-only packets), %llu OUT; %llu bytes to the host, %llu to the board; board %llu cycles in %.2f s (%.2f M cycles/s), %llu framing errors\n",
		      what, (unsigned long long)s->urbs_in, (unsigned long long)s->status_only_in,
		      (unsigned long long)s->urbs_out, (unsigned long long)s->bytes_in,
		      (unsigned long long)s->bytes_out, (unsigned long long)s->board.cycles,
		      s->board.sim_seconds, s->board.sim_seconds > 0 ? (double)s->board.cycles / s->board.sim_seconds / 1e6 : 0.0,
		      (unsigned long long)s->board.framing_errors);
}

/* Infer n random vectors with scores; every class and score equals golden. */
static void check_vectors(nlut_device *d, size_t n, uint64_t s)
{
	uint32_t ni = nlut_model_num_inputs(model), nc = nlut_model_num_classes(model);
	uint16_t *codes = malloc(n * ni * sizeof(*codes));
	uint16_t *sc = malloc(n * nc * sizeof(*sc)), *want_sc = malloc(n * nc * sizeof(*sc));
	uint32_t *got = malloc(n * sizeof(*got)), *want = malloc(n * sizeof(*want));
	int err;

	assert_non_null(codes);
	assert_non_null(sc);
	assert_non_null(want_sc);
	assert_non_null(got);
	assert_non_null(want);
	rm_codes(model, s, n, codes);
	assert_int_equal(nlut_golden_eval_batch(golden, n, codes, want_sc, want, 1), NLUT_SUCCESS);
	memset(got, 0xff, n * sizeof(*got));
	err = nlut_device_infer(d, n, codes, got, sc);
	if (err) {
		struct ft2232h_stats st;

		ft2232h_emu_stats(emu, &st);
		print_error("infer: %s: %s\n", nlut_error_name(err), nlut_error_detail());
		print_stats("at the failure", &st);
	}
	assert_int_equal(err, NLUT_SUCCESS);
	for (size_t v = 0; v < n; v++)
		if (got[v] != want[v] || memcmp(sc + v * nc, want_sc + v * nc, nc * sizeof(*sc))) {
			print_error("vector %zu: board says class %u, golden %u (or the scores differ)\n", v,
				    got[v], want[v]);
			fail();
		}
	free(codes);
	free(sc);
	free(want_sc);
	free(got);
	free(want);
}

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

/* The chip is set up as the board wires channel B, by serial or not. */
static void opens_and_sets_up_the_chip(void **state)
{
	struct nlut_device_info in;
	struct ft2232h_stats st;
	nlut_device *d = NULL;
	int err;

	(void)state;
	assert_int_equal(try_open(5000, FT2232H_EMU_SERIAL, &d), NLUT_SUCCESS);
	open_dev = d;
	assert_int_equal(nlut_device_get_info(d, &in), NLUT_SUCCESS);
	assert_string_equal(in.transport, "ftdi");
	assert_int_equal(in.board_id, 0x1CE8);
	assert_int_equal(in.n_inputs, nlut_model_num_inputs(model));
	ft2232h_emu_stats(emu, &st);
	print_stats("open", &st);
	assert_int_equal(st.baud, 1000000);  /* decoded from the divisor the host sent */
	assert_int_equal(st.data, 0x0008);   /* 8N1 */
	assert_int_equal(st.flow, 0);        /* TXD and RXD only on this board */
	assert_int_equal(st.latency_ms, 2);
	assert_true(st.bitmode_set);
	assert_int_equal(st.bitmode, 0);     /* a UART */
	assert_true(st.resets >= 1);
	assert_true(st.purges_to_uart >= 1);
	assert_true(st.purges_to_host >= 1);
	assert_int_equal(st.bad_requests, 0);
	assert_int_equal(st.board.framing_errors, 0);
	/* The latency timer's bare status packets went by and carried nothing. */
	assert_true(st.status_only_in > 0);
	close_board(d);

	err = try_open(2000, "NOSUCHSERIAL", &d);
	assert_int_equal(err, NLUT_ERROR_NO_DEVICE);
	print_message("[ INFO     ] wrong serial: %s\n", nlut_error_detail());
	assert_non_null(strstr(nlut_error_detail(), "no FT2232H with serial 'NOSUCHSERIAL'"));
	assert_non_null(strstr(nlut_error_detail(), FT2232H_EMU_SERIAL));
}

/* Run a command; its exit status (-1 when it could not run). */
static int run(char **argv, char **out, char **err)
{
	GError *ge = NULL;
	int status = -1;

	if (!g_spawn_sync(NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, err, &status, &ge)) {
		print_error("cannot run %s: %s\n", argv[0], ge->message);
		g_error_free(ge);
		return -1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The CLI the user runs, in a child process that inherits umockdev's
 * preload: its results file byte for byte the golden board's. */
static void nlut_run_equals_golden(void **state)
{
	char *dir = g_dir_make_tmp("test_ftdi_XXXXXX", NULL);
	char *gpath = g_build_filename(dir, "golden.csv", NULL), *bpath = g_build_filename(dir, "board.csv", NULL);
	char *gout = NULL, *gerr = NULL, *bout = NULL, *berr = NULL, *gcsv = NULL, *bcsv = NULL;
	char *golden_argv[] = { (char *)nlut_run, "-b", "golden", "-m", (char *)model_path, "-i",
				(char *)data_path, "-o", gpath, "--quiet", NULL };
	char *board_argv[] = { (char *)nlut_run, "-b", BOARD, "-m", (char *)model_path, "-i",
			       (char *)data_path, "-o", bpath, "--quiet", NULL };
	double t0;
	int rc;

	(void)state;
	assert_non_null(dir);
	assert_int_equal(run(golden_argv, &gout, &gerr), 0);
	t0 = now_ms();
	rc = run(board_argv, &bout, &berr);
	print_message("[ INFO     ] nlut-run -b %s: exit %d in %.0f ms%s%s", BOARD, rc, now_ms() - t0,
		      berr && *berr ? ": " : "\n", berr ? berr : "");
	assert_int_equal(rc, 0);
	assert_string_equal(berr, "");
	assert_non_null(strstr(bout, "ice40-hx8k (ftdi transport, board id 0x1ce8"));
	assert_true(g_file_get_contents(gpath, &gcsv, NULL, NULL));
	assert_true(g_file_get_contents(bpath, &bcsv, NULL, NULL));
	assert_true(strlen(gcsv) > 360 * 2);
	assert_string_equal(bcsv, gcsv);
	print_message("[ INFO     ] %zu bytes of results, equal to golden's\n", strlen(bcsv));
	g_unlink(gpath);
	g_unlink(bpath);
	g_rmdir(dir);
	g_free(gcsv);
	g_free(bcsv);
	g_free(gpath);
	g_free(bpath);
	g_free(dir);
	g_free(gout);
	g_free(gerr);
	g_free(bout);
	g_free(berr);
}

/* Run nlut-run on the board with extra options; it must fail with exit 1
 * and one line on stderr holding `want`, within limit_ms. */
static void cli_fails_with(const char *want, double limit_ms, char **extra)
{
	char *argv[16] = { (char *)nlut_run, "-b", BOARD, "-m", (char *)model_path, "-i",
			   (char *)data_path, "--quiet" };
	char *out = NULL, *err = NULL;
	int n = 8, rc;
	double t0 = now_ms();

	while (*extra && n < 15)
		argv[n++] = *extra++;
	argv[n] = NULL;
	rc = run(argv, &out, &err);
	print_message("[ INFO     ] nlut-run %s: exit %d in %.0f ms: %s", argv[8] ? argv[8] : "", rc,
		      now_ms() - t0, err ? err : "\n");
	assert_int_equal(rc, 1);
	assert_non_null(err);
	assert_non_null(strstr(err, want));
	assert_non_null(strchr(err, '\n'));
	assert_true(strchr(err, '\n')[1] == '\0'); /* one line */
	assert_true(now_ms() - t0 < limit_ms);
	g_free(out);
	g_free(err);
}

/* What the user sees from nlut-run: one line naming the problem. */
static void cli_errors_are_one_line(void **state)
{
	struct ft2232h_faults mute = { .mute = 1 };
	char *dir = g_dir_make_tmp("test_ftdi_XXXXXX", NULL);
	char *bdir = g_build_filename(dir, BOARD, NULL), *def = g_build_filename(bdir, "board.def", NULL);
	char *text = NULL, *other = NULL;

	(void)state;
	/* Another product id in board.def: no such device. */
	assert_int_equal(g_mkdir(bdir, 0755), 0);
	assert_true(g_file_get_contents(NLUT_SOURCE_DIR "/boards/" BOARD "/board.def", &text, NULL, NULL));
	char *at = strstr(text, "usb_pid = 0x6010");

	assert_non_null(at);
	at[15] = '1';
	other = g_strdup(text);
	assert_true(g_file_set_contents(def, other, -1, NULL));
	cli_fails_with("no USB device 0403:6011 found", 10000,
		       (char *[]){ "--boards-dir", dir, NULL });
	/* Another serial. */
	cli_fails_with("no FT2232H with serial 'NOSUCH'", 10000, (char *[]){ "--device", "NOSUCH", NULL });
	/* A board with no bitstream: a timeout, not a hang. */
	ft2232h_emu_set_faults(emu, &mute);
	cli_fails_with("no nlut firmware answers", 5000, (char *[]){ "--timeout", "1000", NULL });
	no_faults();
	g_unlink(def);
	g_rmdir(bdir);
	g_rmdir(dir);
	g_free(text);
	g_free(other);
	g_free(def);
	g_free(bdir);
	g_free(dir);
}

/* The core property: vectors with scores through IN and OUT stalls and late
 * IN transfers, every answer right, every stall recovered. */
static void vectors_through_stalls_and_delays(void **state)
{
	struct ft2232h_faults f = { .stall_in = 60, .stall_out = 300, .delay_in = 150,
				    .delay_max_us = 3000 };
	struct ft2232h_stats s0, s1;
	struct nlut_counters c;
	nlut_device *d = open_board(10000);
	double t0 = now_ms();

	(void)state;
	ft2232h_emu_stats(emu, &s0);
	ft2232h_emu_set_faults(emu, &f);
	check_vectors(d, N_VECTORS / 2, seed + 1);
	/* Batches of a few vectors, several in flight. */
	{
		uint32_t ni = nlut_model_num_inputs(model);
		size_t n = N_VECTORS / 2;
		uint16_t *codes = malloc(n * ni * sizeof(*codes));
		uint32_t *got = malloc(n * sizeof(*got)), *want = malloc(n * sizeof(*want));
		uint64_t r = seed;
		size_t at = 0;
		int err = 0;

		rm_codes(model, seed + 2, n, codes);
		assert_int_equal(nlut_golden_eval_batch(golden, n, codes, NULL, want, 1), NLUT_SUCCESS);
		while (!err && (at < n || nlut_device_inflight(d))) {
			while (!err && at < n && nlut_device_inflight(d) < 6) {
				size_t k = 1 + rm_below(&r, 9);

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
		assert_memory_equal(got, want, n * sizeof(*got));
		free(codes);
		free(got);
		free(want);
	}
	no_faults();
	ft2232h_emu_stats(emu, &s1);
	assert_int_equal(nlut_device_counters(d, &c), NLUT_SUCCESS);
	assert_int_equal(c.inputs, N_VECTORS);
	assert_int_equal(c.results, N_VECTORS);
	print_stats("stalls and delays", &s1);
	print_message("[ INFO     ] %u vectors in %.0f ms, all right; injected %llu IN stalls, %llu OUT stalls, %llu delayed IN transfers; %llu halts cleared\n",
		      N_VECTORS, now_ms() - t0, (unsigned long long)(s1.stalls_in - s0.stalls_in),
		      (unsigned long long)(s1.stalls_out - s0.stalls_out),
		      (unsigned long long)(s1.delayed_in - s0.delayed_in),
		      (unsigned long long)(s1.clear_halts - s0.clear_halts));
	assert_true(s1.stalls_in - s0.stalls_in >= 3);
	assert_true(s1.stalls_out - s0.stalls_out >= 1); /* about 30 OUT transfers: frames are few */
	assert_true(s1.delayed_in - s0.delayed_in >= 3);
	assert_true(s1.clear_halts - s0.clear_halts + 1 >=
		    (s1.stalls_in - s0.stalls_in) + (s1.stalls_out - s0.stalls_out));
	assert_int_equal(s1.board.framing_errors, 0);
	assert_int_equal(s1.board.dropped_out, 0);
	close_board(d);
}

#define MUTE_TIMEOUT_MS 1000

/* An FPGA that sends nothing (no bitstream, or it stopped): the chip keeps
 * sending bare status packets; the host times out with one clear line. */
static void mute_board_times_out(void **state)
{
	struct ft2232h_faults f = { .mute = 1 };
	struct nlut_counters c;
	nlut_device *d = open_board(MUTE_TIMEOUT_MS);
	double t0;
	int err;

	(void)state;
	ft2232h_emu_set_faults(emu, &f);
	t0 = now_ms();
	err = infer_err(d, 50);
	print_message("[ INFO     ] mute board: %s: %s (%.0f ms)\n", nlut_error_name(err), nlut_error_detail(),
		      now_ms() - t0);
	assert_int_equal(err, NLUT_ERROR_TIMEOUT);
	assert_true(now_ms() - t0 < MUTE_TIMEOUT_MS + 1500);
	t0 = now_ms();
	err = nlut_device_counters(d, &c);
	assert_int_equal(err, NLUT_ERROR_TIMEOUT);
	assert_non_null(strstr(nlut_error_detail(), "no answer to REG_READ"));
	assert_true(now_ms() - t0 < MUTE_TIMEOUT_MS + 1500);
	close_board(d);
	/* Opening a mute board names the likely cause. */
	t0 = now_ms();
	err = try_open(MUTE_TIMEOUT_MS, NULL, &d);
	print_message("[ INFO     ] open a mute board: %s (%.0f ms)\n", nlut_error_detail(), now_ms() - t0);
	assert_int_equal(err, NLUT_ERROR_TIMEOUT);
	assert_non_null(strstr(nlut_error_detail(), "the FT2232H is there but no nlut firmware answers"));
	assert_true(now_ms() - t0 < MUTE_TIMEOUT_MS + 1500);
	/* Talking again: a new session finds the board as it was. */
	no_faults();
	d = open_board(5000);
	check_vectors(d, 20, seed + 5);
	close_board(d);
}

static void *unplug_later(void *arg)
{
	(void)arg;
	usleep(150 * 1000);
	ft2232h_emu_unplug(emu, 1);
	return NULL;
}

/* Unplugged mid-run: NLUT_ERROR_NO_DEVICE well within the timeout; no
 * device at all: one line saying so. */
static void unplug_mid_run(void **state)
{
	nlut_device *d = open_board(3000);
	struct nlut_counters c;
	pthread_t th;
	double t0 = now_ms();
	int err;

	(void)state;
	assert_int_equal(pthread_create(&th, NULL, unplug_later, NULL), 0);
	err = infer_err(d, 20000);
	pthread_join(th, NULL);
	print_message("[ INFO     ] unplugged: %s: %s (%.0f ms)\n", nlut_error_name(err), nlut_error_detail(),
		      now_ms() - t0);
	assert_int_equal(err, NLUT_ERROR_NO_DEVICE);
	assert_non_null(strstr(nlut_error_detail(), "unplugged"));
	assert_true(now_ms() - t0 < 3000);
	assert_int_equal(nlut_device_counters(d, &c), NLUT_ERROR_NO_DEVICE);
	t0 = now_ms();
	close_board(d);
	assert_true(now_ms() - t0 < 2500);
	/* While unplugged: no device. */
	err = try_open(2000, NULL, &d);
	print_message("[ INFO     ] no device: %s\n", nlut_error_detail());
	assert_int_equal(err, NLUT_ERROR_NO_DEVICE);
	assert_non_null(strstr(nlut_error_detail(), "unplugged"));
	/* Plugged back in: a new session finds the board again. */
	ft2232h_emu_unplug(emu, 0);
	d = open_board(5000);
	assert_int_equal(nlut_device_reset(d), NLUT_SUCCESS);
	check_vectors(d, 20, seed + 7);
	close_board(d);
}

static int teardown_faults(void **state)
{
	(void)state;
	if (open_dev)
		close_board(open_dev);
	no_faults();
	ft2232h_emu_unplug(emu, 0);
	return 0;
}

int main(int argc, char **argv)
{
	const char *pre = getenv("LD_PRELOAD");
	int rc;

	if (argc != 4) {
		fprintf(stderr, "usage: test_ftdi NLUT_RUN MODEL DATA\n");
		return 1;
	}
	nlut_run = argv[1];
	model_path = argv[2];
	data_path = argv[3];
	if (!pre || !strstr(pre, "libumockdev-preload")) {
		printf("umockdev preload not active: run under umockdev-wrapper\n");
		return 77;
	}
	seed = test_seed("ftdi");
	if (nlut_model_load(model_path, &model) || nlut_golden_new(model, &golden)) {
		printf("cannot load %s: %s\n", model_path, nlut_error_detail());
		return 1;
	}
	if (ft2232h_emu_start(CLK_HZ, seed, &emu))
		return 1;
	if (!umockdev_in_mock_environment()) {
		printf("umockdev testbed not active\n");
		return 77;
	}
	/* The child nlut-run finds the boards and the testbed as we do. */
	setenv("NLUT_BOARDS_DIR", NLUT_SOURCE_DIR "/boards", 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(opens_and_sets_up_the_chip, teardown_faults),
		cmocka_unit_test_teardown(nlut_run_equals_golden, teardown_faults),
		cmocka_unit_test_teardown(cli_errors_are_one_line, teardown_faults),
		cmocka_unit_test_teardown(vectors_through_stalls_and_delays, teardown_faults),
		cmocka_unit_test_teardown(mute_board_times_out, teardown_faults),
		cmocka_unit_test_teardown(unplug_mid_run, teardown_faults),
	};
	if (getenv("NLUT_TEST_FILTER"))
		cmocka_set_test_filter(getenv("NLUT_TEST_FILTER"));
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	ft2232h_emu_stop(emu);
	nlut_golden_free(golden);
	nlut_model_free(model);
	return rc;
}
