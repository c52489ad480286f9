/* tb_system.c - the full-system testbench: a simulated board
 * (nlut_simboard.so from nlut-sim-build: shell, generated core, controller
 * running the firmware) driven only through its C interface. Streams dataset
 * rows and random codes under random input idle and output stalls, the board
 * simulating one batch on a thread of its own while the next is prepared, and
 * checks every result record bit-exactly against the golden model; then the counters, the ID block, the self-test, the
 * mailbox, a framing error, the datapath reset and the watchdog
 * (tb_system_ctrl.c). --bench streams without idle or stalls and prints the
 * simulation rate.
 *
 * Usage: tb_system [OPTIONS] BOARD MODEL [DATA]
 */
#include <dlfcn.h>
#include <getopt.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <nlut/regs.h>

#include "tb_system.h"

#define DEFAULT_VECTORS 1000000u
#define DEFAULT_BATCH 4096u
#define DEFAULT_PCT 30u

_Noreturn void tb_fail(struct tb *t, const char *fmt, ...)
{
	va_list ap;

	tb_sim_wait(t);
	fprintf(stderr, "tb_system: FAIL");
	if (t->b)
		fprintf(stderr, " at cycle %" PRIu64, t->api.cycles(t->b));
	fprintf(stderr, ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\ntb_system: replay with --seed %" PRIu64 "\n", t->seed);
	exit(1);
}

/* xorshift64*: the testbench's codes and choices, from --seed. */
uint64_t tb_rnd(struct tb *t)
{
	t->rng ^= t->rng >> 12;
	t->rng ^= t->rng << 25;
	t->rng ^= t->rng >> 27;
	return t->rng * 2685821657736338717ull;
}

uint32_t tb_rd(struct tb *t, uint32_t off)
{
	uint32_t v;

	if (t->api.read32(t->b, off, &v))
		tb_fail(t, "register read at 0x%03x: error response or no answer", off);
	return v;
}

void tb_wr(struct tb *t, uint32_t off, uint32_t v)
{
	if (t->api.write32(t->b, off, v))
		tb_fail(t, "register write 0x%08x at 0x%03x: error response or no answer", v, off);
}

/* A 64-bit counter: reading LO latches HI. */
uint64_t tb_rd64(struct tb *t, uint32_t lo_off)
{
	uint64_t lo = tb_rd(t, lo_off);

	return lo | (uint64_t)tb_rd(t, lo_off + 4) << 32;
}

static void *sym(struct tb *t, const char *name)
{
	void *p = dlsym(t->dl, name);

	if (!p)
		tb_fail(t, "%s/nlut_simboard.so lacks %s: rebuild the board with this nlut-sim-build",
			t->board_dir, name);
	return p;
}

/* BOARD is the folder nlut-sim-build wrote, or its nlut_simboard.so. */
static void load_board(struct tb *t, const char *board)
{
	char so[1100], ok[1100], tmp[1024];
	struct stat st;

	if (stat(board, &st))
		tb_fail(t, "board %s: no such file or folder", board);
	snprintf(tmp, sizeof(tmp), "%s", board);
	snprintf(t->board_dir, sizeof(t->board_dir), "%s", S_ISDIR(st.st_mode) ? board : dirname(tmp));
	snprintf(so, sizeof(so), "%s/nlut_simboard.so", t->board_dir);
	snprintf(ok, sizeof(ok), "%s/BUILD_OK", t->board_dir);
	if (access(ok, F_OK))
		tb_fail(t, "board %s is not built (no BUILD_OK): run nlut-sim-build", t->board_dir);
	if (!(t->dl = dlopen(so, RTLD_NOW | RTLD_LOCAL)))
		tb_fail(t, "%s", dlerror());
	*(void **)&t->api.abi = sym(t, "nlut_simboard_abi");
	if (t->api.abi() != NLUT_SIMBOARD_ABI)
		tb_fail(t, "%s speaks board ABI %d, this testbench %d", so, t->api.abi(),
			NLUT_SIMBOARD_ABI);
	*(void **)&t->api.get_info = sym(t, "nlut_simboard_get_info");
	*(void **)&t->api.create = sym(t, "nlut_simboard_new");
	*(void **)&t->api.destroy = sym(t, "nlut_simboard_free");
	*(void **)&t->api.read32 = sym(t, "nlut_simboard_read32");
	*(void **)&t->api.write32 = sym(t, "nlut_simboard_write32");
	*(void **)&t->api.send = sym(t, "nlut_simboard_send");
	*(void **)&t->api.recv = sym(t, "nlut_simboard_recv");
	*(void **)&t->api.run = sym(t, "nlut_simboard_run");
	*(void **)&t->api.cycles = sym(t, "nlut_simboard_cycles");
	*(void **)&t->api.queued_in = sym(t, "nlut_simboard_queued_in");
	*(void **)&t->api.send_beats = sym(t, "nlut_simboard_send_beats");
	*(void **)&t->api.check = sym(t, "nlut_simboard_check");
	t->api.get_info(&t->info);
}

/* The board's self-test data (docs/shell.md, firmware/nlut_bist_format.h):
 * the words of its nlut_bist.hex from NLUT_FW_BIST_BASE on. */
static void read_bist_data(struct tb *t)
{
	char path[1100], line[256];
	size_t cap = 0;
	int in_block = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/rtl/nlut_bist.hex", t->board_dir);
	if (!(f = fopen(path, "r")))
		tb_fail(t, "%s: cannot read the board's self-test data", path);
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *end;

		if (line[0] == '@') {
			if (strtoul(line + 1, NULL, 16) != NLUT_FW_IMAGE_BYTES / 4 + t->n_bist_words)
				tb_fail(t, "%s: address %s is not where the data continues", path, line);
			in_block = 1;
			continue;
		}
		for (;; p = end) {
			unsigned long w = strtoul(p, &end, 16);

			if (end == p)
				break;
			if (!in_block)
				tb_fail(t, "%s: data before the first @ line", path);
			if (t->n_bist_words == cap) {
				cap = cap ? 2 * cap : 1024;
				if (!(t->bist_words = realloc(t->bist_words, cap * sizeof(uint32_t))))
					tb_fail(t, "out of memory");
			}
			t->bist_words[t->n_bist_words++] = (uint32_t)w;
		}
	}
	fclose(f);
	if (t->n_bist_words < NLUT_BIST_HEADER_WORDS)
		tb_fail(t, "%s: %zu words, not even a header", path, t->n_bist_words);
	t->bist_vectors = t->bist_words[NLUT_BIST_W_VECTORS];
}

static void load_model(struct tb *t, const char *model, const char *data)
{
	uint32_t ni;

	if (nlut_model_load(model, &t->m) || nlut_golden_new(t->m, &t->g) ||
	    nlut_model_hash(t->m, t->hash))
		tb_fail(t, "%s", nlut_error_detail());
	ni = nlut_model_num_inputs(t->m);
	if (!(t->in_bits = malloc(ni)) ||
	    !(t->scratch = calloc(nlut_model_num_classes(t->m) + 1, sizeof(uint16_t))))
		tb_fail(t, "out of memory");
	for (uint32_t i = 0; i < ni; i++)
		t->in_bits[i] = nlut_model_quant(t->m)[i].bits;
	t->sh = (struct nlut_stream_shape){ .n_inputs = ni, .in_bits = t->in_bits,
					    .n_classes = nlut_model_num_classes(t->m),
					    .s_bytes = t->info.s_bytes, .m_bytes = t->info.m_bytes,
					    .scores = (int)t->info.scores };
	if (nlut_stream_shape_init(&t->sh))
		tb_fail(t, "stream shape: %s", nlut_error_detail());
	if (memcmp(t->hash, t->info.model_hash, NLUT_HASH_SIZE))
		tb_fail(t, "board %s was built for another model than %s", t->board_dir, model);
	if (t->info.in_record != t->sh.in_record || t->info.out_record != t->sh.out_record)
		tb_fail(t, "board records of %u/%u bytes, the stream format says %zu/%zu",
			t->info.in_record, t->info.out_record, t->sh.in_record, t->sh.out_record);
	if (!data || !strcmp(data, "-"))
		return;

	struct nlut_data_opts o;
	struct nlut_dataset *d;

	nlut_data_opts_init(&o);
	if (nlut_data_load(data, &o, &d))
		tb_fail(t, "%s", nlut_error_detail());
	if (d->n_features != ni)
		tb_fail(t, "%s has %zu features, the model %u", data, d->n_features, ni);
	if (!(t->data_codes = malloc(d->n_rows * ni * sizeof(uint16_t))))
		tb_fail(t, "out of memory");
	for (size_t r = 0; r < d->n_rows; r++)
		nlut_model_quantize(t->m, &d->x[r * ni], &t->data_codes[r * ni]);
	t->n_data = d->n_rows;
	nlut_data_free(d);
}

static double seconds(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double now(void)
{
	return seconds(CLOCK_MONOTONIC);
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: tb_system [OPTIONS] BOARD MODEL [DATA]\n\n"
		"Drive the simulated board BOARD (an nlut-sim-build folder or its nlut_simboard.so)\n"
		"built for MODEL: stream DATA's rows (quantised) and then random codes, checking\n"
		"every result against the golden model, then check counters, ID block, self-test,\n"
		"mailbox, framing errors, datapath reset and watchdog.\n\n"
		"  --vectors N    vectors to stream (default %u)\n"
		"  --seed N       replay a run (default: from the clock; printed)\n"
		"  --idle PCT     input idle cycles (default %u)\n"
		"  --stall PCT    output back-pressure cycles (default %u)\n"
		"  --batch N      vectors per batch (default %u)\n"
		"  --board-id N   expected ID_BOARD\n"
		"  --trace FILE   write an FST waveform (boards built with --trace)\n"
		"  --bench        stream only, no idle or stalls; print the simulation rate\n"
		"  --fault N      check the checker: expect a wrong class for vector N, so\n"
		"                 the run must fail there\n",
		DEFAULT_VECTORS, DEFAULT_PCT, DEFAULT_PCT, DEFAULT_BATCH);
}

static uint64_t num_arg(const char *opt, const char *s, uint64_t max)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);

	if (!*s || *end || v > max) {
		fprintf(stderr, "tb_system: %s '%s': a number up to %" PRIu64 " expected\n", opt, s, max);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "vectors", required_argument, NULL, 'n' }, { "seed", required_argument, NULL, 's' },
		{ "idle", required_argument, NULL, 'i' },    { "stall", required_argument, NULL, 't' },
		{ "batch", required_argument, NULL, 'b' },   { "board-id", required_argument, NULL, 'B' },
		{ "trace", required_argument, NULL, 'T' },   { "bench", no_argument, NULL, 'x' },
		{ "fault", required_argument, NULL, 'F' },   { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct tb tb;
	struct tb *t = &tb;
	uint64_t vectors = DEFAULT_VECTORS;
	const char *trace = NULL;
	int c, bench = 0, have_seed = 0;
	char err[512];

	setvbuf(stdout, NULL, _IOLBF, 0); /* progress lines in order with failures on stderr */
	t->idle = t->stall = DEFAULT_PCT;
	t->batch = DEFAULT_BATCH;
	t->board_id = -1;
	t->fault_at = UINT64_MAX;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			vectors = num_arg("--vectors", optarg, UINT64_MAX / 2);
			break;
		case 's':
			t->seed = num_arg("--seed", optarg, UINT64_MAX);
			have_seed = 1;
			break;
		case 'i':
			t->idle = (unsigned)num_arg("--idle", optarg, 99);
			break;
		case 't':
			t->stall = (unsigned)num_arg("--stall", optarg, 99);
			break;
		case 'b':
			t->batch = num_arg("--batch", optarg, 1u << 20);
			break;
		case 'B':
			t->board_id = (long)num_arg("--board-id", optarg, UINT32_MAX);
			break;
		case 'T':
			trace = optarg;
			break;
		case 'x':
			bench = 1;
			break;
		case 'F':
			t->fault_at = num_arg("--fault", optarg, UINT64_MAX / 2);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind < 2 || argc - optind > 3 || !t->batch) {
		usage(stderr);
		return 2;
	}
	if (bench)
		t->idle = t->stall = 0;
	if (!have_seed)
		t->seed = (uint64_t)time(NULL) ^ (uint64_t)getpid() << 32;
	t->rng = t->seed * 0x9e3779b97f4a7c15ull | 1;
	printf("tb_system: seed %" PRIu64 " (replay with --seed %" PRIu64 ")\n", t->seed, t->seed);

	load_board(t, argv[optind]);
	load_model(t, argv[optind + 1], argc - optind > 2 ? argv[optind + 2] : NULL);
	read_bist_data(t);
	tb_check_bist_data(t);
	printf("tb_system: board %s: S_BYTES %u, M_BYTES %u, scores %u, records %u/%u bytes, "
	       "latency %u, %u self-test vectors\n", t->board_dir, t->info.s_bytes, t->info.m_bytes,
	       t->info.scores, t->info.in_record, t->info.out_record, t->info.latency,
	       t->bist_vectors);

	struct nlut_simboard_config cfg = { .in_idle_pct = t->idle, .out_stall_pct = t->stall,
					    .seed = t->seed, .trace_file = trace };
	double t0 = now();

	if (!(t->b = t->api.create(&cfg, err, sizeof(err))))
		tb_fail(t, "%s", err);
	printf("tb_system: booted in %" PRIu64 " cycles (%.2f s)\n", t->api.cycles(t->b), now() - t0);

	tb_check_id(t);
	tb_check_boot_bist(t);
	if (!bench)
		tb_check_mailbox(t);
	tb_wr(t, NLUT_CTRL_REG_OFFSET, 1u << NLUT_CTRL_RESET_BIT | 1u << NLUT_CTRL_CLEAR_BIT);
	tb_wr(t, NLUT_CTRL_REG_OFFSET, 1u << NLUT_CTRL_ENABLE_BIT);
	t->next_tag = 0;

	uint64_t c0 = t->api.cycles(t->b);

	double cpu0 = seconds(CLOCK_PROCESS_CPUTIME_ID), sim0 = t->sim_cpu;

	t0 = now();
	tb_stream(t, 0, vectors);

	double s = now() - t0, cpu = seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
	uint64_t cyc = t->api.cycles(t->b) - c0;

	printf("tb_system: %" PRIu64 " vectors (%zu data rows, then random) in %" PRIu64
	       " cycles (%.2f per vector), idle %u%%, stall %u%%: every result matches\n",
	       vectors, t->n_data < vectors ? t->n_data : (size_t)vectors, cyc,
	       vectors ? (double)cyc / (double)vectors : 0.0, t->idle, t->stall);
	/* CPU time too: other jobs on the machine slow the wall clock. */
	printf("tb_system: %.3g vectors/s, %.3g cycles/s (%.2f s; per CPU second in %.2f s: "
	       "%.3g vectors, %.3g cycles)\n", (double)vectors / s, (double)cyc / s, s, cpu,
	       (double)vectors / cpu, (double)cyc / cpu);
	/* The board's own thread: the rate two idle cores would give, the
	 * testbench's work hidden behind it. */
	double sim = t->sim_cpu - sim0;

	if (sim > 0)
		printf("tb_system: simulation thread %.2f s of CPU: %.3g vectors, %.3g cycles per "
		       "CPU second (%.0f ns per cycle)\n", sim, (double)vectors / sim,
		       (double)cyc / sim, cyc ? 1e9 * sim / (double)cyc : 0.0);
	tb_check_counters(t, vectors, t->stall > 0 && vectors > 0);
	if (!bench) {
		tb_check_bist_under_traffic(t);
		tb_check_framing(t);
		tb_check_reset(t);
		tb_check_watchdog(t);
		tb_check_watchdog_expiry(t);
	}
	const char *v = t->api.check(t->b);

	if (v)
		tb_fail(t, "m_axis broke the AXI4-Stream rules: %s", v);
	printf("tb_system: PASS (%" PRIu64 " cycles in all)\n", t->api.cycles(t->b));
	t->api.destroy(t->b);
	t->b = NULL;
	nlut_golden_free(t->g);
	nlut_model_free(t->m);
	free(t->in_bits);
	free(t->scratch);
	free(t->data_codes);
	free(t->bist_words);
	return 0;
}
