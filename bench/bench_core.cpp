// bench_core.cpp - vectors/s of the generated nlut_core under Verilator, one
// vector per clock per core, checked in bulk against the golden model.
//
// The model is nlut_core_lanes (sim/core, cosim_core's lanes): BENCH_CORE_N
// copies of the unchanged nlut_core RTL side by side, every lane valid at
// once, so one eval moves N vectors. The lean loop does per clock
// only what a co-simulation must: write the precomputed input words, raise and
// lower clk (two evals), copy the output words to memory; the outputs are
// compared with the golden model's after the run. The same run also times, on
// the same model and vectors:
//   - cosim_core's loop (sim/core): per-cycle tick() with the context's time,
//     the acceptance ring and a per-vector check of every score field;
//   - the clock alone: two evals per clock, inputs unchanged;
//   - an eval without an edge (what the falling edge costs).
// Every loop's outputs are checked; any difference is a failure (exit 1).
// Each rate is printed per wall second and per second of CPU time (summed over
// threads): on a shared machine the second is the one to compare across runs
// (the load average is printed with it).
//
// With THREADS > 1 the lean loop also runs on THREADS models at once, one per
// thread (each its own VerilatedContext and model, a contiguous share of the
// vectors, thread i pinned to CPU i), the outputs checked in bulk as above;
// the wall rate of that run against cosim_core's loop on one model (the
// harness before) is the ratio printed last: what a regression user waits
// on, the machine's cores used.
//
// Usage: bench_core MODEL [VECTORS] [RUNS] [THREADS]
//        (random codes, default 2000000 3, THREADS default 1)
#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <thread>
#include <vector>

#include <pthread.h>
#include <sched.h>

#include <nlut/nlut.h>
#include <verilated.h>

#include "Vnlut_core_lanes.h"

// in_valid of every lane (the lanes stream together).
#define ALL_LANES ((1u << BENCH_CORE_N) - 1u)
#include "nlut_core_params.h"

#ifndef BENCH_CORE_TABLES
#define BENCH_CORE_TABLES "rom"
#endif
#ifndef BENCH_CORE_CXX
#define BENCH_CORE_CXX "model compiled by the default C++ compiler"
#endif
#ifndef BENCH_CORE_N
#define BENCH_CORE_N 1
#endif
#define N_CORES BENCH_CORE_N

static double clock_s(clockid_t id)
{
	struct timespec t;

	clock_gettime(id, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

// A span of wall time and of this thread's CPU time.
struct span {
	double wall, cpu;
};
struct stopwatch {
	double w0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_THREAD_CPUTIME_ID);

	span stop() const
	{
		return { clock_s(CLOCK_MONOTONIC) - w0, clock_s(CLOCK_THREAD_CPUTIME_ID) - c0 };
	}
};

// A Verilator signal as 32-bit words, whatever its width.
template <typename T> static constexpr size_t n_words(const T &) { return (sizeof(T) + 3) / 4; }
template <typename T> static inline void put(T &s, const uint32_t *w)
{
	uint64_t v = w[0];

	if (sizeof(T) > 4)
		v |= (uint64_t)w[1] << 32;
	s = (T)v;
}
template <std::size_t W> static inline void put(VlWide<W> &s, const uint32_t *w)
{
	memcpy(s.data(), w, W * 4);
}
template <typename T> static inline void get(const T &s, uint32_t *w)
{
	uint64_t v = s;

	w[0] = (uint32_t)v;
	if (sizeof(T) > 4)
		w[1] = (uint32_t)(v >> 32);
}
template <std::size_t W> static inline void get(const VlWide<W> &s, uint32_t *w)
{
	memcpy(w, s.data(), W * 4);
}

// Bits [lo, lo + w) of a word array, w <= 32; and the reverse.
static uint32_t bits(const uint32_t *a, uint32_t lo, uint32_t w)
{
	uint64_t v = a[lo / 32];

	if ((lo % 32) + w > 32)
		v |= (uint64_t)a[lo / 32 + 1] << 32;
	return (uint32_t)((v >> (lo % 32)) & ((1ull << w) - 1));
}
static void set_bits(uint32_t *a, uint32_t lo, uint32_t w, uint32_t x)
{
	for (uint32_t b = 0; b < w; b++)
		if (x >> b & 1)
			a[(lo + b) / 32] |= 1u << ((lo + b) % 32);
}

struct bench {
	Vnlut_core_lanes *top;
	VerilatedContext *ctx;
	uint32_t n_in, n_cls;
	size_t steps;                    // clocks of vectors: n = steps * N_CORES
	size_t wi, ws, wc;               // words of in_codes, out_scores, out_class
	std::vector<uint32_t> in;        // steps x wi
	std::vector<uint32_t> gold_s;    // steps x ws (golden, packed as the outputs)
	std::vector<uint32_t> gold_c;    // steps x wc
	std::vector<uint32_t> out_s, out_c;
	std::vector<uint16_t> gscores;   // n x n_cls
	std::vector<uint32_t> gcls;      // n
	std::vector<uint32_t> cls_off, cls_w;

	void reset() { reset(top); }
	static void reset(Vnlut_core_lanes *t)
	{
		t->ce = 1;
		t->in_valid = 0;
		t->rst = 1;
		for (int i = 0; i < 4; i++) {
			t->clk = 1;
			t->eval();
			t->clk = 0;
			t->eval();
		}
		t->rst = 0;
		t->in_valid = ALL_LANES;
	}

	// The lean loop on model t over clocks [s0, s1) of the vectors: inputs
	// in, two evals, outputs out (to out_s / out_c at the same clocks).
	void lean(Vnlut_core_lanes *t, size_t s0, size_t s1)
	{
		const size_t lat = NLUT_CORE_LATENCY;

		for (size_t s = s0; s < s1 + lat - 1; s++) {
			put(t->in_codes, &in[(s < s1 ? s : s0) * wi]);
			t->clk = 1;
			t->eval();
			if (s + 1 >= s0 + lat) {
				get(t->out_scores, &out_s[(s + 1 - lat) * ws]);
				get(t->out_class, &out_c[(s + 1 - lat) * wc]);
			}
			t->clk = 0;
			t->eval();
		}
	}

	void check()
	{
		if (memcmp(out_s.data(), gold_s.data(), out_s.size() * 4) ||
		    memcmp(out_c.data(), gold_c.data(), out_c.size() * 4))
			mismatch();
	}

	// The lean loop on the one model: compared afterwards.
	span run_lean()
	{
		clear();
		reset();
		stopwatch t0;
		lean(top, 0, steps);
		span t = t0.stop();
		check();
		return t;
	}

	// The lean loop on one model per thread (models[i], its own context),
	// thread i over a contiguous share of the clocks; wall time from the
	// start of the threads to the last one's end, CPU time summed.
	span run_threads(std::vector<Vnlut_core_lanes *> &models)
	{
		size_t nt = models.size();
		std::vector<double> cpu(nt);
		std::vector<std::thread> th;

		clear();
		for (Vnlut_core_lanes *t : models)
			reset(t);
		double w0 = clock_s(CLOCK_MONOTONIC);
		for (size_t i = 0; i < nt; i++)
			th.emplace_back([this, &models, &cpu, i, nt] {
				pin(i);
				stopwatch t;

				lean(models[i], steps * i / nt, steps * (i + 1) / nt);
				cpu[i] = t.stop().cpu;
			});
		for (std::thread &x : th)
			x.join();
		span t = { clock_s(CLOCK_MONOTONIC) - w0, 0 };
		for (double c : cpu)
			t.cpu += c;
		check();
		return t;
	}

	// Thread i on CPU i (modulo the CPUs): no migrations mid-run.
	static void pin(size_t i)
	{
		unsigned nc = std::thread::hardware_concurrency();
		cpu_set_t set;

		if (!nc)
			return;
		CPU_ZERO(&set);
		CPU_SET(i % nc, &set);
		pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	}

	// Outputs cleared, so that a loop that wrote nothing cannot pass.
	void clear()
	{
		std::fill(out_s.begin(), out_s.end(), 0xa5a5a5a5u);
		std::fill(out_c.begin(), out_c.end(), 0xa5a5a5a5u);
	}

	// cosim_core's loop (sim/core/cosim_core.cpp, no stalls or idles): the
	// context's time advanced at each eval, the cycle timeout, the ring of
	// accepted samples, every score field checked per vector.
	span run_cosim()
	{
		const size_t lat = NLUT_CORE_LATENCY, ring = lat + 1;
		std::vector<int64_t> accepted(ring, -1);
		uint64_t edge = 0, cycles = 0, timeout = 50000000000ull;
		size_t next = 0, done = 0;
		uint32_t os[64], oc[8];

		reset();
		stopwatch t0;
		while (done < steps) {
			bool v = next < steps;

			top->ce = 1;
			top->in_valid = v ? ALL_LANES : 0;
			if (v)
				put(top->in_codes, &in[next * wi]);
			top->clk = 1;
			top->eval();
			ctx->timeInc(1);
			top->clk = 0;
			top->eval();
			ctx->timeInc(1);
			if (++cycles > timeout)
				fail("timeout");
			edge++;
			accepted[edge % ring] = v ? (int64_t)next : -1;
			next += v;
			int64_t want = edge + 1 >= lat ? accepted[(edge + 1 - lat) % ring] : -1;
			if (!top->out_valid) {
				if (want >= 0)
					fail("no out_valid");
				continue;
			}
			if ((size_t)want != done)
				fail("out of order");
			get(top->out_scores, os);
			get(top->out_class, oc);
			for (uint32_t k = 0; k < N_CORES; k++) {
				size_t vi = done * N_CORES + k;

				if (bits(oc, k * NLUT_CORE_CLASS_WIDTH, NLUT_CORE_CLASS_WIDTH) != gcls[vi])
					fail("class mismatch");
				for (uint32_t j = 0; j < n_cls; j++)
					if (bits(os, k * NLUT_CORE_SCORES_WIDTH + cls_off[j], cls_w[j]) !=
					    gscores[vi * n_cls + j])
						fail("score mismatch");
			}
			done++;
		}
		return t0.stop();
	}

	// Two evals per clock, nothing else (inputs unchanged).
	span run_clock(size_t n)
	{
		reset();
		put(top->in_codes, &in[0]);
		stopwatch t0;
		for (size_t s = 0; s < n; s++) {
			top->clk = 1;
			top->eval();
			top->clk = 0;
			top->eval();
		}
		return t0.stop();
	}

	// An eval without an edge (clk stays low).
	span run_idle(size_t n)
	{
		top->clk = 0;
		top->eval();
		stopwatch t0;
		for (size_t s = 0; s < n; s++) {
			top->in_valid = s & 1 ? ALL_LANES : 0;
			top->eval();
		}
		return t0.stop();
	}

	[[noreturn]] void mismatch()
	{
		for (size_t s = 0; s < steps; s++)
			for (uint32_t k = 0; k < N_CORES; k++) {
				size_t vi = s * N_CORES + k;
				uint32_t c = bits(&out_c[s * wc], k * NLUT_CORE_CLASS_WIDTH,
						  NLUT_CORE_CLASS_WIDTH);
				bool bad = c != gcls[vi];

				for (uint32_t j = 0; j < n_cls; j++)
					bad |= bits(&out_s[s * ws], k * NLUT_CORE_SCORES_WIDTH + cls_off[j],
						    cls_w[j]) != gscores[vi * n_cls + j];
				if (bad) {
					fprintf(stderr, "bench_core: MISMATCH at vector %zu (clock %zu, core "
						"%u): RTL class %u, golden %u\n", vi, s, k, c, gcls[vi]);
					exit(1);
				}
			}
		fail("outputs differ from the golden model");
	}

	[[noreturn]] static void fail(const char *what)
	{
		fprintf(stderr, "bench_core: FAIL: %s\n", what);
		exit(1);
	}
};

// The median run by CPU time (wall time of the same run with it).
static span median(std::vector<span> v)
{
	std::sort(v.begin(), v.end(), [](const span &a, const span &b) { return a.cpu < b.cpu; });
	return v[v.size() / 2];
}

// The median run by wall time.
static span median_wall(std::vector<span> v)
{
	std::sort(v.begin(), v.end(), [](const span &a, const span &b) { return a.wall < b.wall; });
	return v[v.size() / 2];
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s MODEL [VECTORS] [RUNS] [THREADS]\n", argv[0]);
		return 2;
	}
	size_t n = argc > 2 ? strtoull(argv[2], nullptr, 0) : 2000000;
	int runs = argc > 3 ? atoi(argv[3]) : 3;
	int threads = argc > 4 ? atoi(argv[4]) : 1;
	nlut_model *m;
	nlut_golden *g;
	char id[NLUT_ID_STR_SIZE];

	if (nlut_model_load(argv[1], &m)) {
		fprintf(stderr, "bench_core: %s\n", nlut_error_detail());
		return 1;
	}
	if (nlut_model_id(m, id) || strcmp(id, NLUT_CORE_MODEL_ID)) {
		fprintf(stderr, "bench_core: %s is model %s, the RTL was generated from %s\n", argv[1],
			id, NLUT_CORE_MODEL_ID);
		return 1;
	}
	if (nlut_golden_new(m, &g)) {
		fprintf(stderr, "bench_core: golden model: %s\n", nlut_error_detail());
		return 1;
	}
	if (n < (size_t)N_CORES * (threads > 0 ? threads : 1) || runs < 1 || threads < 1 ||
	    threads > 64) {
		fprintf(stderr, "bench_core: VECTORS must be >= %u x THREADS, RUNS >= 1, THREADS "
			"1..64\n", N_CORES);
		return 2;
	}
	VerilatedContext ctx;
	bench b;

	b.ctx = &ctx;
	b.top = new Vnlut_core_lanes(&ctx, "top");
	b.n_in = nlut_model_num_inputs(m);
	b.n_cls = nlut_model_num_classes(m);
	b.steps = n / N_CORES;
	n = b.steps * N_CORES;
	b.wi = n_words(b.top->in_codes);
	b.ws = n_words(b.top->out_scores);
	b.wc = n_words(b.top->out_class);
	if (b.ws > 64 || b.wc > 8) {
		fprintf(stderr, "bench_core: outputs wider than the bench's buffers\n");
		return 1;
	}
	for (uint32_t j = 0, off = 0; j < b.n_cls; j++) {
		b.cls_off.push_back(off);
		b.cls_w.push_back(nlut_model_score_bits(m, j));
		off += nlut_model_score_bits(m, j);
	}

	// Random codes (splitmix64, fixed seed), packed per clock; golden outputs
	// packed as the model's output ports.
	const struct nlut_quant *q = nlut_model_quant(m);
	std::vector<uint16_t> codes(n * b.n_in);
	uint64_t x = 0x6e6c7574;

	for (size_t i = 0; i < codes.size(); i++) {
		uint64_t z = (x += 0x9e3779b97f4a7c15ull);

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
		codes[i] = (uint16_t)((z ^ (z >> 31)) & ((1u << q[i % b.n_in].bits) - 1));
	}
	b.gscores.resize(n * b.n_cls);
	b.gcls.resize(n);
	if (nlut_golden_eval_batch(g, n, codes.data(), b.gscores.data(), b.gcls.data(), 1)) {
		fprintf(stderr, "bench_core: golden: %s\n", nlut_error_detail());
		return 1;
	}
	b.in.assign(b.steps * b.wi, 0);
	b.gold_s.assign(b.steps * b.ws, 0);
	b.gold_c.assign(b.steps * b.wc, 0);
	b.out_s.assign(b.steps * b.ws, 0);
	b.out_c.assign(b.steps * b.wc, 0);
	for (size_t v = 0; v < n; v++) {
		size_t s = v / N_CORES, k = v % N_CORES;
		uint32_t off = (uint32_t)k * NLUT_CORE_IN_WIDTH;

		for (uint32_t i = 0; i < b.n_in; i++) {
			set_bits(&b.in[s * b.wi], off, q[i].bits, codes[v * b.n_in + i]);
			off += q[i].bits;
		}
		for (uint32_t j = 0; j < b.n_cls; j++)
			set_bits(&b.gold_s[s * b.ws], (uint32_t)k * NLUT_CORE_SCORES_WIDTH + b.cls_off[j],
				 b.cls_w[j], b.gscores[v * b.n_cls + j]);
		set_bits(&b.gold_c[s * b.wc], (uint32_t)k * NLUT_CORE_CLASS_WIDTH,
			 NLUT_CORE_CLASS_WIDTH, b.gcls[v]);
	}

	double la[3] = { 0, 0, 0 };

	if (getloadavg(la, 3) < 0)
		la[0] = la[1] = la[2] = -1;
	printf("bench_core: model %.16s..., %u core%s per model, latency %u, stages %s, tables %s, "
	       "%s, %zu random vectors, %d runs (median by CPU time), %d thread%s on %u CPUs, "
	       "load average %.2f %.2f %.2f\n",
	       NLUT_CORE_MODEL_ID, N_CORES, N_CORES > 1 ? "s" : "", NLUT_CORE_LATENCY,
	       NLUT_CORE_STAGES, BENCH_CORE_TABLES, BENCH_CORE_CXX, n, runs, threads,
	       threads > 1 ? "s" : "", std::thread::hardware_concurrency(), la[0], la[1], la[2]);
	std::vector<span> lean, cosim, clock, idle, thr;
	std::vector<VerilatedContext *> ctxs;
	std::vector<Vnlut_core_lanes *> models;
	size_t nc = b.steps;

	for (int i = 0; i < threads && threads > 1; i++) {
		ctxs.push_back(new VerilatedContext);
		models.push_back(new Vnlut_core_lanes(ctxs.back(), "top"));
	}
	for (int r = 0; r < runs; r++) {
		cosim.push_back(b.run_cosim());
		lean.push_back(b.run_lean());
		if (threads > 1)
			thr.push_back(b.run_threads(models));
		clock.push_back(b.run_clock(nc));
		idle.push_back(b.run_idle(nc));
	}
	span tl = median(lean), tc = median(cosim), tk = median(clock), ti = median(idle);

	printf("bench_core: lean loop          %7.2f M vectors/CPU-s %6.1f ns/clock; wall %7.2f M "
	       "vectors/s  (all outputs match)\n", (double)n / tl.cpu * 1e-6,
	       tl.cpu / (double)nc * 1e9, (double)n / tl.wall * 1e-6);
	printf("bench_core: cosim_core's loop  %7.2f M vectors/CPU-s %6.1f ns/clock; wall %7.2f M "
	       "vectors/s  (all outputs match)\n", (double)n / tc.cpu * 1e-6,
	       tc.cpu / (double)nc * 1e9, (double)n / tc.wall * 1e-6);
	printf("bench_core: lean / cosim_core's loop: %.2fx (CPU time)\n", tc.cpu / tl.cpu);
	printf("bench_core: clock alone (2 evals) %6.1f ns/clock; eval without an edge %5.1f ns "
	       "(CPU time)\n", tk.cpu / (double)nc * 1e9, ti.cpu / (double)nc * 1e9);
	if (threads > 1) {
		span tt = median_wall(thr);

		printf("bench_core: lean loop, %d models on %d threads: wall", threads, threads);
		for (const span &x : thr)
			printf(" %.2f", (double)n / x.wall * 1e-6);
		printf(" M vectors/s (median %.2f; %.2f M vectors/CPU-s)  (all outputs match)\n",
		       (double)n / tt.wall * 1e-6, (double)n / tt.cpu * 1e-6);
		printf("bench_core: %d threads / cosim_core's loop on one model: %.2fx (wall)\n",
		       threads, tc.wall / tt.wall);
	}
	// Each model deleted under its own context: a scope unregisters itself
	// from the thread's current context (Verilator 5.006; with another one
	// current the deletion deadlocks).
	for (size_t i = 0; i < models.size(); i++) {
		Verilated::threadContextp(ctxs[i]);
		delete models[i];
		delete ctxs[i];
	}
	Verilated::threadContextp(&ctx);
	delete b.top;
	nlut_golden_free(g);
	nlut_model_free(m);
	return 0;
}
