/* bench_alveo.c - the host's share of an Alveo run, on the emulated card:
 * host CPU time per kernel run against the run itself (the kernel's cycles
 * from ap_start to ap_done at the board's clock), for zero-copy records
 * (nlut_device_records_*), two runs in flight: with the buffers in card
 * memory (DDR[0], synced) in runs of 1 (the fixed part), 512, 4k, 16k and
 * 64k vectors, and for codes through nlut_device_submit in runs of 64k;
 * then, with HOST_XCLBIN (the emulation xclbin linked to HOST[0]), with host
 * memory (memory = host: host-only buffers the kernel reads and writes
 * itself, no syncs) in runs of 1, 16k and 64k. Runs of 16k and 64k are also
 * measured overlapped: the host collects a run that has ended instead of
 * sleeping in the wait, once having slept meanwhile and once having been
 * busy packing records (an application feeding the card at its rate is never
 * idle). One table of all ends the output.
 *
 * Host time is the CPU time of the calling thread in the library calls:
 * collect (wait, result sync, tag checks), acquire, submit (input sync,
 * kernel start). Each figure is measured twice: first with the emulation's
 * calls untimed (the host's time), then with the emulation timing its
 * per-run calls (NLUT_XRT_EMU_STATS: their CPU by call and how many slept),
 * which splits the host's time into the emulated XRT calls and nlut's own.
 * The emulation copies buffers for a sync on its own thread, as a card's
 * DMA engine does while XRT's caller sleeps. Packing codes into records and
 * reading classes out are the application's work on its data, printed
 * apart per vector; all classes of the first and last runs are checked
 * against the golden model's.
 * Usage: bench_alveo MODEL [RUNS [HOST_XCLBIN]]   (default 8 timed runs per
 * size, 8x as many of 512 and 4096 vectors, 50x of one; the environment
 * selects the emulation as for nlut-run, docs/alveo-u250.md) */
#include <sched.h> /* sched_setaffinity, CPU_SET: _GNU_SOURCE is the build's */
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
enum { SYNC_IN, SYNC_OUT, RUN, WAIT, CLOSE, NCALL };
static const char *const call_name[NCALL] = { "sync_in", "sync_out", "run", "wait", "close" };

struct stats {
	unsigned long long runs, cycles, dma_bytes, dma_ns, api_ns, api_calls;
	unsigned long long n[NCALL], ns[NCALL], sleeps[NCALL], timer_ns;
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

		if (fscanf(f, " %15s calls %llu cpu_ns %llu slept %llu", name, &s->n[i], &s->ns[i], &s->sleeps[i]) !=
			    4 ||
		    strcmp(name, call_name[i]) || (i == NCALL - 1 && fscanf(f, " timer_ns %llu", &s->timer_ns) != 1)) {
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

/* The cost of one cpu_s() reading, which an interval timed with two of
 * them carries once: the smallest of many empty intervals. */
static double cpu_s_cost(void)
{
	double best = 1;

	for (int i = 0; i < 2000; i++) {
		double c0 = cpu_s(), c1 = cpu_s();

		if (c1 - c0 < best)
			best = c1 - c0;
	}
	return best;
}

static double wall_per_run_s; /* the emulation's wall time per run, for overlapped phases */
static double cpu_s_overhead;

/*
 * Zero-copy runs of n records, two in flight. The first two runs pack the
 * codes into the two buffer objects (timed apart: the application's work);
 * the timed runs then resubmit those records as they stand (collect,
 * acquire, submit: library calls only); the last two runs' classes are
 * checked against the golden model's.
 * Blocking (overlap 0): collect right after submit, so the wait sleeps
 * until the run ends; two clock readings around all timed runs.
 * Overlapped: the application is elsewhere while the kernel runs, twice
 * the emulation's wall time per run, and collects a run that has ended;
 * OVERLAP_ASLEEP sleeps meanwhile, OVERLAP_BUSY packs the codes into records
 * of its own (the work of an application that feeds the card: on this
 * virtual machine a CPU left idle is lent away and comes back cold). Each
 * run's library calls are timed with two readings, whose own cost
 * (cpu_s_overhead) is taken off.
 * time_calls: the emulation times its per-run calls (the split by call,
 * at the cost of its timers); else it leaves them untimed.
 */
enum { BLOCKING, OVERLAP_ASLEEP, OVERLAP_BUSY };

/* The application elsewhere for t seconds: asleep, or packing codes into
 * its own records (scratch, n of them) for as long. */
static void elsewhere(nlut_device *d, int overlap, double t, const struct timespec *pause, size_t n,
		      const uint16_t *codes, uint8_t *scratch, size_t stride, uint32_t ni)
{
	if (overlap == OVERLAP_ASLEEP) {
		nanosleep(pause, NULL);
		return;
	}
	double end = wall_s() + t;
	int err;

	do {
		for (size_t v = 0; v < n; v += 4096) {
			size_t k = n - v < 4096 ? n - v : 4096;

			if ((err = nlut_device_pack(d, k, codes + v * ni, scratch + v * stride, stride)))
				fail("pack", err);
		}
	} while (wall_s() < end);
}

static void records_phase(const nlut_model *m, size_t n, int runs, const uint16_t *codes,
			  const uint32_t *want, int overlap, int time_calls, struct phase *p)
{
	uint8_t *scratch = NULL;
	uint32_t *cls = malloc(n * sizeof(*cls));
	struct nlut_device_info info;
	struct rusage ru0, ru1;
	nlut_device *d;
	int err;

	memset(p, 0, sizeof(*p));
	if (!cls)
		fail("classes", NLUT_ERROR_NO_MEM);
	setenv("NLUT_XRT_EMU_CALL_TIMES", time_calls ? "1" : "0", 1);
	if ((err = nlut_device_open("alveo-u250", m, NULL, &d)) || (err = nlut_device_get_info(d, &info)))
		fail("alveo-u250", err);
	if (!info.zero_copy || info.max_records < n)
		fail("alveo-u250: zero-copy runs of this size", NLUT_ERROR_UNSUPPORTED);
	p->mhz = info.clock_mhz ? info.clock_mhz : 300;
	acquire_submit(d, n, codes, p);
	acquire_submit(d, n, codes, p);
	collect(d, n, cls, want, p);
	acquire_submit(d, n, NULL, p);
	struct timespec pause = { 0, 0 };
	double t = 2 * wall_per_run_s + 5e-3;
	uint32_t ni = nlut_model_num_inputs(m);
	size_t stride = info.in_record;

	if (overlap == OVERLAP_BUSY && !(scratch = malloc(n * stride)))
		fail("records", NLUT_ERROR_NO_MEM);
	double w0 = wall_s();

	if (overlap) {
		pause.tv_sec = (time_t)t;
		pause.tv_nsec = (long)((t - (double)pause.tv_sec) * 1e9);
		elsewhere(d, overlap, t, &pause, n, codes, scratch, stride, ni);
	}
	getrusage(RUSAGE_THREAD, &ru0);
	double c0 = cpu_s();

	for (int r = 0; r < runs; r++) {
		if (overlap) {
			double c1 = cpu_s();

			collect(d, n, NULL, want, p);
			acquire_submit(d, n, NULL, p);
			p->lib += cpu_s() - c1 - cpu_s_overhead;
			elsewhere(d, overlap, t, &pause, n, codes, scratch, stride, ni);
		} else {
			collect(d, n, NULL, want, p);
			acquire_submit(d, n, NULL, p);
		}
	}
	if (!overlap)
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
	free(scratch);
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

static double run_s(const struct phase *p)
{
	return (double)p->st.cycles / (double)p->st.runs / (p->mhz * 1e6);
}

/* The emulated driver's share: the calling thread's CPU inside the per-run
 * XRT calls, averaged over every run of the device (the untimed ones make
 * the same calls); the rest of the host's time is nlut's own. */
static double api_s(const struct phase *p)
{
	return (double)p->st.api_ns * 1e-9 / (double)p->st.runs;
}

/* One figure: t, the host time (the emulation's calls untimed), and s, the
 * same runs again with the emulation timing its calls (the split). */
static void report(const char *what, size_t n, const struct phase *t, const struct phase *s, int records)
{
	double run = run_s(t), host = t->lib / t->timed, host_s = s->lib / s->timed, api = api_s(s);
	double own = host_s > api ? host_s - api : 0;

	printf("%s, runs of %zu vectors (%d timed of %llu):\n", what, n, t->timed, t->st.runs);
	printf("  kernel run     %.0f cycles = %.1f us at %.0f MHz\n", (double)t->st.cycles / (double)t->st.runs,
	       run * 1e6, t->mhz);
	printf("  host per run   %.1f us CPU = %.2f%% of the run\n", host * 1e6, 100 * host / run);
	printf("  split          (again, the emulation timing its calls: %.1f us per run)\n", host_s * 1e6);
	printf("    in XRT calls %.1f us (%.1f calls per run, each timed with about %.2f us of its own timer)\n",
	       api * 1e6, (double)s->st.api_calls / (double)s->st.runs, (double)s->st.timer_ns * 1e-3);
	for (int i = 0; i < NCALL; i++)
		if (s->st.n[i])
			printf("      %-8s   %.2f per run, %.1f us CPU each, %.2f of them slept\n", call_name[i],
			       (double)s->st.n[i] / (double)s->st.runs, (double)s->st.ns[i] * 1e-3 / (double)s->st.n[i],
			       (double)s->st.sleeps[i] / (double)s->st.n[i]);
	printf("    nlut's own   %.1f us = %.2f%% of the run\n", own * 1e6, 100 * own / run);
	if (records)
		printf("  thread         %.1f voluntary + %.1f involuntary context switches per run\n",
		       (double)t->csw / t->timed, (double)t->icsw / t->timed);
	printf("  emulated DMA   %.2f MB per run, %.1f us of the DMA thread\n",
	       (double)t->st.dma_bytes / (double)t->st.runs * 1e-6, (double)t->st.dma_ns / (double)t->st.runs * 1e-3);
	if (records && t->pack > 0)
		printf("  application    packing %.1f ns per vector (%.1f us per run), reading classes %.2f ns "
		       "per vector\n",
		       t->pack / 2 / (double)n * 1e9, t->pack / 2 * 1e6, t->read / 3 / (double)n * 1e9);
	printf("  emulation      %.1f ms wall per run\n", 1e3 * t->wall / t->timed);
}

struct row {
	const char *mem, *collect, *card;
	size_t n;
	struct phase t, s;
};

struct pass {
	const nlut_model *m;
	const uint16_t *codes;
	const uint32_t *want;
	int runs;
};

/* Every figure of one memory (host or DDR), blocking then overlapped, as
 * rows of the summary (16k and 64k). */
static void memory_pass(const struct pass *c, int mem, int pin, struct row *rows, int *nrows)
{
	/* 512 and 4096: the same calls between, for the trend with run length. */
	static const size_t sizes[] = { 1, 512, 4096, 16384, 65536 }, hsizes[] = { 1, 16384, 65536 };
	static const size_t big[] = { 16384, 65536 };
	const char *mname = mem ? "host" : "DDR", *card = pin ? "own" : "shared";

	for (int overlap = BLOCKING; overlap <= OVERLAP_BUSY; overlap++) {
		const size_t *sz = overlap ? big : mem ? hsizes : sizes;
		size_t nsz = overlap ? 2 : mem ? 3 : 5;
		static const char *const how[] = {
			"blocking (collect right after submit)",
			"overlapped, asleep (collect after the run ended; the application slept meanwhile)",
			"overlapped, busy (collect after the run ended; the application packed records meanwhile)",
		};
		static const char *const col[] = { "blocking", "overlapped", "busy" };

		for (size_t i = 0; i < nsz; i++) {
			struct row *w = &rows[*nrows];
			size_t n = sz[i];
			int k = n == 1 ? 50 * c->runs : n <= 4096 ? 8 * c->runs : c->runs;
			char what[200];

			/* Overlapped: pause as long as a blocking run of this size took. */
			for (int j = 0; overlap && j < *nrows; j++)
				if (rows[j].n == n && rows[j].mem == mname && rows[j].card == card &&
				    rows[j].collect == col[BLOCKING])
					wall_per_run_s = rows[j].t.wall / rows[j].t.timed;
			records_phase(c->m, n, k, c->codes, c->want, overlap, 0, &w->t);
			records_phase(c->m, n, k, c->codes, c->want, overlap, 1, &w->s);
			if (mem && (w->t.st.dma_bytes || w->s.st.n[SYNC_IN] || w->s.st.n[SYNC_OUT]))
				fail("host memory: the emulation synced buffers", NLUT_ERROR_OTHER);
			snprintf(what, sizeof(what), "%s, zero-copy records, %s%s",
				 mem ? "host memory (HOST[0], no syncs)" : "DDR",
				 how[overlap],
				 pin ? ", the card on its own CPU" : "");
			report(what, n, &w->t, &w->s, 1);
			w->mem = mname;
			w->card = card;
			w->collect = col[overlap];
			w->n = n;
			if (n >= 16384)
				(*nrows)++;
		}
	}
}

int main(int argc, char **argv)
{
	int runs = argc > 2 ? atoi(argv[2]) : 8;
	const char *host_xclbin = argc > 3 ? argv[3] : NULL;
	const size_t nmax = 65536;
	struct row rows[32];
	int nrows = 0;
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
	cpu_s_overhead = cpu_s_cost();
	printf("bench_alveo: %s, %d runs per figure, two runs in flight, classes checked against the golden model\n"
	       "(a CPU-time reading costs %.2f us here; each figure is measured twice: with the emulation's calls\n"
	       "untimed for the host's time, then timed for the split)\n",
	       argv[1], runs, cpu_s_overhead * 1e6);
	/* The card on a CPU of its own (the last this process may use), the host
	 * thread on another: as on a real machine, where the card's work does
	 * not run on the host's core or evict its caches. */
	cpu_set_t all;
	int host_cpu = -1, card_cpu = -1;
	char card_cpu_s[16];

	if (!sched_getaffinity(0, sizeof(all), &all))
		for (int c = 0; c < CPU_SETSIZE; c++)
			if (CPU_ISSET(c, &all)) {
				if (host_cpu < 0)
					host_cpu = c;
				card_cpu = c;
			}
	int npin = host_cpu >= 0 && card_cpu != host_cpu ? 2 : 1;

	snprintf(card_cpu_s, sizeof(card_cpu_s), "%d", card_cpu);
	char *ddr_xclbin = getenv("NLUT_XCLBIN") ? strdup(getenv("NLUT_XCLBIN")) : NULL;
	struct pass c = { m, codes, want, runs };

	if (!ddr_xclbin)
		fail("NLUT_XCLBIN (the DDR emulation xclbin) is not set", NLUT_ERROR_INVALID_PARAM);

	for (int pin = 0; pin < npin; pin++) {
		if (pin) {
			cpu_set_t one;

			CPU_ZERO(&one);
			CPU_SET(host_cpu, &one);
			if (sched_setaffinity(0, sizeof(one), &one))
				fail("pinning the host thread", NLUT_ERROR_OTHER);
			setenv("NLUT_XRT_EMU_CPU", card_cpu_s, 1);
			printf("\nagain with the host thread on CPU %d and the card's threads on CPU %d (NLUT_XRT_EMU_CPU)\n",
			       host_cpu, card_cpu);
		}
		/* Pinned: the memory of the target (host, when given) only. */
		for (int mem = pin && host_xclbin; mem < (host_xclbin ? 2 : 1); mem++) {
			setenv("NLUT_XCLBIN", mem ? host_xclbin : ddr_xclbin, 1);
			setenv("NLUT_XRT_MEMORY", mem ? "host" : "ddr", 1);
			memory_pass(&c, mem, pin, rows, &nrows);
			if (!mem && !pin) {
				struct phase p;

				setenv("NLUT_XRT_EMU_CALL_TIMES", "1", 1);
				codes_phase(m, nmax, runs, codes, want, &p);
				report("DDR, codes (nlut_device_submit: pack, copy into the buffer, unpack)", nmax, &p, &p, 0);
			}
		}
	}
	printf("\nsummary: host CPU per run against the kernel run, zero-copy records\n");
	printf("  (card CPU: shared = the card's threads may run on the host thread's CPU; own = CPU %d is theirs;\n"
	       "   collect: overlapped = the application slept while the card ran, busy = it packed records)\n",
	       card_cpu);
	printf("  card    memory  collect     vectors  kernel run  host per run    in XRT calls    nlut's own\n");
	for (int i = 0; i < nrows; i++) {
		const struct row *w = &rows[i];
		double run = run_s(&w->t), host = w->t.lib / w->t.timed, api = api_s(&w->s);
		double host_s = w->s.lib / w->s.timed, own = host_s > api ? host_s - api : 0;

		printf("  %-6s  %-6s  %-10s  %7zu  %7.1f us  %5.1f us %5.2f%%  %5.1f us %5.2f%%  %4.1f us %5.2f%%\n", w->card, w->mem,
		       w->collect, w->n, run * 1e6, host * 1e6, 100 * host / run, api * 1e6, 100 * api / run,
		       own * 1e6, 100 * own / run);
	}
	nlut_model_free(m);
	free(ddr_xclbin);
	free(codes);
	free(want);
	return 0;
}
