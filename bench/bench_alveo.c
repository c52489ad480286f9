/* bench_alveo.c - the host's share of an Alveo run, on the emulated card:
 * host CPU time per kernel run against the run itself (the kernel's cycles
 * from ap_start to ap_done at the board's clock), for zero-copy records
 * (nlut_device_records_*) in runs of 1 (the fixed part), 512, 4k, 16k and
 * 64k vectors, two runs in flight; and for codes through nlut_device_submit
 * in runs of 64k.
 *
 * Host time is the CPU time of the calling thread in the library calls:
 * acquire, submit (input sync, kernel start), collect (wait, result sync,
 * tag checks). The emulation copies buffers for a sync on its own thread,
 * as a card's DMA engine does while XRT's caller sleeps
 * (NLUT_XRT_EMU_STATS reports the bytes and that thread's time). Packing
 * codes into records and reading classes out are the application's work on
 * its data, printed apart per vector; all classes of the first and last
 * runs are checked against the golden model's.
 * With HOST_XCLBIN (the emulation xclbin linked to HOST[0]) the same
 * invocation then measures host memory (memory = host: host-only buffers the
 * kernel reads and writes itself, no syncs) in runs of 1, 16k and 64k, and
 * ends with one table of both.
 * Usage: bench_alveo MODEL [RUNS [HOST_XCLBIN]]   (default 8 timed runs per
 * size, 8x as many of 512 and 4096 vectors, 50x of one; the environment
 * selects the emulation as for nlut-run, docs/alveo-u250.md) */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <nlut/nlut.h>

static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double wall_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int fail(const char *what, int err)
{
	fprintf(stderr, "bench_alveo: %s: %s: %s\n", what, nlut_strerror(err), nlut_error_detail());
	exit(1);
}

/* The emulation's per-call figures: input sync, output sync, run, wait. */
enum { SYNC_IN, SYNC_OUT, RUN, WAIT, NCALL };
static const char *const call_name[NCALL] = { "sync_in", "sync_out", "run", "wait" };

struct stats {
	unsigned long long runs, cycles, dma_bytes, dma_ns, api_ns, api_calls;
	unsigned long long n[NCALL], ns[NCALL], sleeps[NCALL];
};

static char stats_path[64];

static void read_stats(struct stats *s)
{
	FILE *f = fopen(stats_path, "r");

	if (!f ||
	    fscanf(f, "runs %llu kernel_cycles %llu dma_bytes %llu dma_cpu_ns %llu api_cpu_ns %llu api_calls %llu",
		   &s->runs, &s->cycles, &s->dma_bytes, &s->dma_ns, &s->api_ns, &s->api_calls) != 6 ||
	    !s->runs) {
		fprintf(stderr, "bench_alveo: no run statistics from the emulation (%s): is it selected?\n",
			stats_path);
		exit(1);
	}
	for (int i = 0; i < NCALL; i++) {
		char name[16];

		if (fscanf(f, " %15s calls %llu cpu_ns %llu sleeps %llu", name, &s->n[i], &s->ns[i], &s->sleeps[i]) !=
			    4 ||
		    strcmp(name, call_name[i])) {
			fprintf(stderr, "bench_alveo: %s lacks the emulation's per-call figures: rebuild xrt_emu\n",
				stats_path);
			exit(1);
		}
	}
	fclose(f);
	unlink(stats_path);
}

struct phase {
	double lib, pack, read, wall; /* seconds: library calls over the timed runs; application */
	int timed;                    /* runs timed */
	long csw, icsw;               /* the thread's voluntary, involuntary context switches */
	struct stats st;
	double mhz;
};

static void acquire_submit(nlut_device *d, size_t n, const uint16_t *codes, struct phase *p)
{
	uint8_t *rec;
	size_t stride;
	int err;

	if ((err = nlut_device_records_acquire(d, n, &rec, &stride)))
		fail("acquire", err);
	if (codes) {
		double c0 = cpu_s();

		if ((err = nlut_device_pack(d, n, codes, rec, stride)))
			fail("pack", err);
		p->pack += cpu_s() - c0;
	}
	if ((err = nlut_device_records_submit(d, n, NULL, NULL, NULL)))
		fail("submit", err);
}

/* The oldest run's results read in place; with cls, its classes read out
 * and checked against the golden model's. */
static void collect(nlut_device *d, size_t n, uint32_t *cls, const uint32_t *want, struct phase *p)
{
	const uint8_t *res;
	size_t k, stride;
	int err;

	if ((err = nlut_device_records_collect(d, NULL, &res, &k, &stride)))
		fail("collect", err);
	if (k != n)
		fail("collect: a batch of another size", NLUT_ERROR_OTHER);
	if (!cls)
		return;
	double c0 = cpu_s();

	for (size_t v = 0; v < k; v++)
		cls[v] = nlut_result_class(res + v * stride);
	p->read += cpu_s() - c0;
	if (memcmp(cls, want, n * sizeof(*cls)))
		fail("results differ from the golden model's", NLUT_ERROR_OTHER);
}

/*
 * Zero-copy runs of n records, two in flight. The first two runs pack the
 * codes into the two buffer objects (timed apart: the application's work);
 * the timed runs then resubmit those records as they stand (acquire, submit,
 * collect: library calls only, two clock readings in all); the last two
 * runs' classes are checked against the golden model's.
 */
static void records_phase(const nlut_model *m, size_t n, int runs, const uint16_t *codes, const uint32_t *want,
			  struct phase *p)
{
	uint32_t *cls = malloc(n * sizeof(*cls));
	struct nlut_device_info info;
	struct rusage ru0, ru1;
	nlut_device *d;
	int err;

	memset(p, 0, sizeof(*p));
	if (!cls)
		fail("classes", NLUT_ERROR_NO_MEM);
	if ((err = nlut_device_open("alveo-u250", m, NULL, &d)) || (err = nlut_device_get_info(d, &info)))
		fail("alveo-u250", err);
	if (!info.zero_copy || info.max_records < n)
		fail("alveo-u250: zero-copy runs of this size", NLUT_ERROR_UNSUPPORTED);
	p->mhz = info.clock_mhz ? info.clock_mhz : 300;
	acquire_submit(d, n, codes, p);
	acquire_submit(d, n, codes, p);
	collect(d, n, cls, want, p);
	acquire_submit(d, n, NULL, p);
	double w0 = wall_s();

	getrusage(RUSAGE_THREAD, &ru0);
	double c0 = cpu_s();

	for (int r = 0; r < runs; r++) {
		collect(d, n, NULL, want, p);
		acquire_submit(d, n, NULL, p);
	}
	p->lib = cpu_s() - c0;
	getrusage(RUSAGE_THREAD, &ru1);
	p->wall = wall_s() - w0;
	p->timed = runs;
	p->csw = ru1.ru_nvcsw - ru0.ru_nvcsw;
	p->icsw = ru1.ru_nivcsw - ru0.ru_nivcsw;
	collect(d, n, cls, want, p);
	collect(d, n, cls, want, p);
	nlut_device_close(d);
	read_stats(&p->st);
	free(cls);
}

/* Codes through nlut_device_submit, batches of n (one run each), two in
 * flight. */
static void codes_phase(const nlut_model *m, size_t n, int runs, const uint16_t *codes, const uint32_t *want,
			struct phase *p)
{
	uint32_t *cls = malloc(2 * n * sizeof(*cls));
	struct nlut_device_info info;
	nlut_device *d;
	int err, sub = 0, col = 0;

	memset(p, 0, sizeof(*p));
	if (!cls)
		fail("classes", NLUT_ERROR_NO_MEM);
	if ((err = nlut_device_open("alveo-u250", m, NULL, &d)) || (err = nlut_device_get_info(d, &info)))
		fail("alveo-u250", err);
	p->mhz = info.clock_mhz ? info.clock_mhz : 300;
	double w0 = wall_s();

	while (col < runs) {
		while (sub < runs && sub - col < 2) {
			double c0 = cpu_s();

			if ((err = nlut_device_submit(d, n, codes, cls + (size_t)(sub % 2) * n, NULL, NULL)))
				fail("submit", err);
			p->lib += cpu_s() - c0;
			sub++;
		}
		double c0 = cpu_s();

		if ((err = nlut_device_collect(d, NULL)))
			fail("collect", err);
		p->lib += cpu_s() - c0;
		if (memcmp(cls + (size_t)(col % 2) * n, want, n * sizeof(*cls)))
			fail("results differ from the golden model's", NLUT_ERROR_OTHER);
		col++;
	}
	p->wall = wall_s() - w0;
	p->timed = runs;
	nlut_device_close(d);
	read_stats(&p->st);
	free(cls);
}

static void report(const char *what, size_t n, const struct phase *p, int records)
{
	double runs = (double)p->st.runs, run = (double)p->st.cycles / runs / (p->mhz * 1e6);
	double host = p->lib / p->timed;

	printf("%s, runs of %zu vectors (%d timed of %llu):\n", what, n, p->timed, p->st.runs);
	printf("  kernel run     %.0f cycles = %.1f us at %.0f MHz\n", (double)p->st.cycles / runs, run * 1e6,
	       p->mhz);
	/* The emulated driver's share: the calling thread's CPU inside the
	 * per-run XRT calls, averaged over every run of the device (the
	 * untimed ones make the same calls); the rest is nlut's own. */
	double api = (double)p->st.api_ns * 1e-9 / runs, own = host > api ? host - api : 0;

	printf("  host per run   %.1f us CPU = %.2f%% of the run\n", host * 1e6, 100 * host / run);
	printf("    in XRT calls %.1f us (%.1f calls per run: buffer syncs, run, wait; the emulation's driver)\n",
	       api * 1e6, (double)p->st.api_calls / runs);
	for (int i = 0; i < NCALL; i++)
		if (p->st.n[i])
			printf("      %-8s   %.2f per run, %.1f us CPU and %.2f sleeps each\n", call_name[i],
			       (double)p->st.n[i] / runs, (double)p->st.ns[i] * 1e-3 / (double)p->st.n[i],
			       (double)p->st.sleeps[i] / (double)p->st.n[i]);
	printf("    nlut's own   %.1f us = %.2f%% of the run\n", own * 1e6, 100 * own / run);
	if (records)
		printf("  thread         %.1f voluntary + %.1f involuntary context switches per run\n",
		       (double)p->csw / p->timed, (double)p->icsw / p->timed);
	printf("  emulated DMA   %.2f MB per run, %.1f us of the DMA thread\n", (double)p->st.dma_bytes / runs * 1e-6,
	       (double)p->st.dma_ns / runs * 1e-3);
	if (records)
		printf("  application    packing %.1f ns per vector (%.1f us per run), reading classes %.2f ns "
		       "per vector\n",
		       p->pack / 2 / (double)n * 1e9, p->pack / 2 * 1e6, p->read / 3 / (double)n * 1e9);
	printf("  emulation      %.1f ms wall per run\n", 1e3 * p->wall / p->timed);
}

int main(int argc, char **argv)
{
	int runs = argc > 2 ? atoi(argv[2]) : 8;
	const char *host_xclbin = argc > 3 ? argv[3] : NULL;
	/* 512 and 4096: the same calls between, for the trend with run length. */
	const size_t sizes[] = { 1, 512, 4096, 16384, 65536 };
	const size_t nmax = 65536;
	nlut_model *m;
	nlut_golden *g;
	int err;

	if (argc < 2 || argc > 4 || runs < 1) {
		fprintf(stderr, "usage: bench_alveo MODEL [RUNS [HOST_XCLBIN]]\n");
		return 2;
	}
	snprintf(stats_path, sizeof(stats_path), "/tmp/bench_alveo.%d", (int)getpid());
	setenv("NLUT_XRT_EMU_STATS", stats_path, 1);
	if ((err = nlut_model_load(argv[1], &m)))
		fail(argv[1], err);
	uint32_t ni = nlut_model_num_inputs(m);
	const struct nlut_quant *q = nlut_model_quant(m);
	uint16_t *codes = malloc(nmax * ni * sizeof(*codes));
	uint32_t *want = malloc(nmax * sizeof(*want));
	uint64_t r = 88172645463325252ull;

	if (!codes || !want)
		fail("vectors", NLUT_ERROR_NO_MEM);
	for (size_t i = 0; i < nmax * ni; i++) {
		r ^= r << 13;
		r ^= r >> 7;
		r ^= r << 17;
		codes[i] = (uint16_t)(r & ((1u << q[i % ni].bits) - 1));
	}
	if ((err = nlut_golden_new(m, &g)) || (err = nlut_golden_eval_batch(g, nmax, codes, NULL, want, 1)))
		fail("golden model", err);
	nlut_golden_free(g);
	printf("bench_alveo: %s, %d runs per figure, two runs in flight, classes checked against the golden model\n",
	       argv[1], runs);
	/* The summary: DDR and host memory at 16k and 64k. */
	struct phase sum[2][2];
	int have_host = 0;

	setenv("NLUT_XRT_MEMORY", "ddr", 1);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct phase p;

		/* Runs of one vector: the fixed part of a run. */
		records_phase(m, sizes[i], sizes[i] == 1 ? 50 * runs : sizes[i] <= 4096 ? 8 * runs : runs, codes,
			      want, &p);
		report("DDR: zero-copy records", sizes[i], &p, 1);
		if (sizes[i] >= 16384)
			sum[0][sizes[i] == 65536] = p;
	}
	struct phase p;

	codes_phase(m, nmax, runs, codes, want, &p);
	report("DDR: codes (nlut_device_submit: pack, copy into the buffer, unpack)", nmax, &p, 0);
	if (host_xclbin) {
		const size_t hsizes[] = { 1, 16384, 65536 };

		setenv("NLUT_XCLBIN", host_xclbin, 1);
		setenv("NLUT_XRT_MEMORY", "host", 1);
		for (size_t i = 0; i < sizeof(hsizes) / sizeof(hsizes[0]); i++) {
			records_phase(m, hsizes[i], hsizes[i] == 1 ? 50 * runs : runs, codes, want, &p);
			if (p.st.dma_bytes)
				fail("host memory: the emulation synced buffers", NLUT_ERROR_OTHER);
			report("host memory (HOST[0], no syncs): zero-copy records", hsizes[i], &p, 1);
			if (hsizes[i] >= 16384)
				sum[1][hsizes[i] == 65536] = p;
		}
		have_host = 1;
	}
	printf("\nsummary: host CPU per run against the kernel run, zero-copy records\n");
	printf("  memory  vectors  kernel run   host per run   in XRT calls   nlut's own\n");
	for (int h = 0; h <= have_host; h++)
		for (int k = 0; k < 2; k++) {
			const struct phase *ph = &sum[h][k];
			double rn = (double)ph->st.runs, run = (double)ph->st.cycles / rn / (ph->mhz * 1e6);
			double host = ph->lib / ph->timed, api = (double)ph->st.api_ns * 1e-9 / rn;
			double own = host > api ? host - api : 0;

			printf("  %-6s  %7d  %7.1f us  %6.1f us %5.2f%%  %6.1f us %5.2f%%  %5.1f us %5.2f%%\n",
			       h ? "host" : "DDR", k ? 65536 : 16384, run * 1e6, host * 1e6, 100 * host / run,
			       api * 1e6, 100 * api / run, own * 1e6, 100 * own / run);
		}
	nlut_model_free(m);
	free(codes);
	free(want);
	return 0;
}
