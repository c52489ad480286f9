/* bench_alveo.c - the host's share of an Alveo run, on the emulated card:
 * host CPU time per kernel run (the calling thread: packing, buffer copies
 * and syncs, launches, unpacking, tag checks) against the run itself (the
 * kernel's cycles from ap_start to ap_done at the board's clock), for
 * batches of 64k vectors of random codes; and the fixed part of a run
 * (launch, syncs, wait) from runs of one vector.
 * Usage: bench_alveo MODEL [VECTORS] [REPS]   (default 65536 3; the
 * environment selects the emulation as for nlut-run, docs/alveo-u250.md) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <nlut/nlut.h>

static double clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int fail(const char *what, int err)
{
	fprintf(stderr, "bench_alveo: %s: %s: %s\n", what, nlut_strerror(err), nlut_error_detail());
	return 1;
}

int main(int argc, char **argv)
{
	size_t n = argc > 2 ? strtoull(argv[2], NULL, 0) : 65536;
	int reps = argc > 3 ? atoi(argv[3]) : 3;
	char stats[64];
	nlut_model *m;
	nlut_device *d;
	struct nlut_device_info info;
	int err;

	if (argc < 2 || !n || reps < 1) {
		fprintf(stderr, "usage: bench_alveo MODEL [VECTORS] [REPS]\n");
		return 2;
	}
	snprintf(stats, sizeof(stats), "/tmp/bench_alveo.%d", (int)getpid());
	setenv("NLUT_XRT_EMU_STATS", stats, 1);
	if ((err = nlut_model_load(argv[1], &m)))
		return fail(argv[1], err);
	uint32_t ni = nlut_model_num_inputs(m);
	const struct nlut_quant *q = nlut_model_quant(m);
	uint16_t *codes = malloc(n * ni * sizeof(*codes));
	uint32_t *cls = malloc(n * sizeof(*cls));
	uint64_t r = 88172645463325252ull;

	if (!codes || !cls)
		return fail("vectors", NLUT_ERROR_NO_MEM);
	for (size_t i = 0; i < n * ni; i++) {
		r ^= r << 13;
		r ^= r >> 7;
		r ^= r << 17;
		codes[i] = (uint16_t)(r & ((1u << q[i % ni].bits) - 1));
	}
	if ((err = nlut_device_open("alveo-u250", m, NULL, &d)) || (err = nlut_device_get_info(d, &info)))
		return fail("alveo-u250", err);
	double cpu = 0, wall = 0;

	for (int k = 0; k < reps; k++) {
		double c0 = clock_s(CLOCK_THREAD_CPUTIME_ID), w0 = clock_s(CLOCK_MONOTONIC);

		if ((err = nlut_device_infer(d, n, codes, cls, NULL)))
			return fail("inference", err);
		cpu += clock_s(CLOCK_THREAD_CPUTIME_ID) - c0;
		wall += clock_s(CLOCK_MONOTONIC) - w0;
	}
	nlut_device_close(d);
	unsigned long long runs = 0, cycles = 0;
	FILE *f = fopen(stats, "r");

	if (!f || fscanf(f, "runs %llu kernel_cycles %llu", &runs, &cycles) != 2 || !runs) {
		fprintf(stderr, "bench_alveo: no run statistics from the emulation (%s): is it selected?\n", stats);
		return 1;
	}
	fclose(f);
	unlink(stats);
	/* The fixed part: runs of one vector (launch, syncs, wait, close). */
	const int singles = 200;

	if ((err = nlut_device_open("alveo-u250", m, NULL, &d)))
		return fail("alveo-u250", err);
	double c1 = clock_s(CLOCK_THREAD_CPUTIME_ID);

	for (int k = 0; k < singles; k++)
		if ((err = nlut_device_infer(d, 1, codes, cls, NULL)))
			return fail("runs of one vector", err);
	double fixed = (clock_s(CLOCK_THREAD_CPUTIME_ID) - c1) / singles;

	nlut_device_close(d);
	unlink(stats);
	double mhz = info.clock_mhz ? info.clock_mhz : 300;
	double host = cpu / (double)runs, run = (double)cycles / (double)runs / (mhz * 1e6);

	printf("bench_alveo: %s, %d x %zu vectors in %llu kernel runs (%.0f vectors each)\n", argv[1], reps, n,
	       runs, (double)reps * (double)n / (double)runs);
	printf("  kernel run   %.0f cycles = %.1f us at %.0f MHz (%.2f cycles per vector)\n",
	       (double)cycles / (double)runs, run * 1e6, mhz, (double)cycles / ((double)reps * (double)n));
	printf("  host per run %.1f us CPU of the calling thread = %.1f%% of the run\n", host * 1e6,
	       100 * host / run);
	printf("  fixed part   %.1f us CPU per run of one vector = %.2f%% of the run above\n", fixed * 1e6,
	       100 * fixed / run);
	printf("  emulation    %.1f ms wall per run (%.2f M cycles/s simulated)\n", 1e3 * wall / (double)runs,
	       (double)cycles / wall * 1e-6);
	nlut_model_free(m);
	free(codes);
	free(cls);
	return 0;
}
