// cosim_core.cpp - co-simulation of a generated nlut_core against the golden
// model: dataset rows (through the model's quantisers) and random codes are
// streamed at one per clock under random stalls (ce low) and idle cycles, and
// every output bit, the latency and the valid flag are checked. The first
// mismatch names the sample, then the layer and neuron, by replaying that
// sample alone and comparing every layer's outputs (dbg_acts) with
// nlut_golden_trace. A core made with --fixed-latency (no ce port,
// NLUT_CORE_FIXED_LATENCY 1) runs without stalls: every clock is an edge, so
// the latency is checked to the clock cycle.
//
// +threads=N runs N models at once, one per thread (each its own
// VerilatedContext and model of the same Verilated class: no extra build),
// each streaming a contiguous share of the vectors under its own stalls and
// checking every output as above. The default (+threads=0) takes one thread
// per CPU when there are at least COSIM_MIN_PER_THREAD vectors for each;
// +trace runs one model.
//
// Usage: cosim_core MODEL [DATA|-] [+seed=N] [+random=N] [+stall=PCT]
//                   [+idle=PCT] [+limit=ROWS] [+trace] [+timeout=CYCLES]
//                   [+threads=N]
#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

#include <nlut/nlut.h>

#include "Vnlut_core.h"
#include "Vnlut_core___024root.h"
#include "nlut_core_params.h"
#include "nlut_tb.h"

// The clock enable, where the core has one.
#if NLUT_CORE_FIXED_LATENCY
#define SET_CE(top, v) ((void)(v))
#else
#define SET_CE(top, v) ((top)->ce = (v))
#endif

#ifndef COSIM_DEFAULT_RANDOM
#define COSIM_DEFAULT_RANDOM 100000 // random vectors after the data set
#endif
#ifndef COSIM_DEFAULT_STALL
#define COSIM_DEFAULT_STALL 20 // % of cycles with ce low
#endif
#ifndef COSIM_DEFAULT_IDLE
#define COSIM_DEFAULT_IDLE 10 // % of enabled cycles without a sample
#endif
#ifndef COSIM_MIN_PER_THREAD
#define COSIM_MIN_PER_THREAD 200000 // vectors per thread before +threads=0 uses another
#endif

// Bits [lo, lo + w) of a signal of any Verilator width, w <= 32.
template <typename T> static uint32_t get_bits(const T &s, uint32_t lo, uint32_t w)
{
	return (uint32_t)(((uint64_t)s >> lo) & ((1ull << w) - 1));
}
template <std::size_t N> static uint32_t get_bits(const VlWide<N> &s, uint32_t lo, uint32_t w)
{
	uint64_t v = s[lo / 32];

	if (lo / 32 + 1 < N)
		v |= (uint64_t)s[lo / 32 + 1] << 32;
	return (uint32_t)((v >> (lo % 32)) & ((1ull << w) - 1));
}

// Set a signal from little-endian 32-bit words.
template <typename T> static void set_words(T &s, const uint32_t *w)
{
	uint64_t v = w[0];

	if (sizeof(T) > 4)
		v |= (uint64_t)w[1] << 32;
	s = (T)v;
}
template <std::size_t N> static void set_words(VlWide<N> &s, const uint32_t *w)
{
	for (std::size_t i = 0; i < N; i++)
		s[i] = w[i];
}

// +name=N from the command line, or def.
static int g_argc;
static char **g_argv;
static uint64_t opt_u64(const char *name, uint64_t def)
{
	size_t n = strlen(name);

	for (int i = 1; i < g_argc; i++)
		if (g_argv[i][0] == '+' && !strncmp(g_argv[i] + 1, name, n) && g_argv[i][1 + n] == '=')
			return strtoull(g_argv[i] + 2 + n, nullptr, 0);
	return def;
}

typedef nlut_tb<Vnlut_core> tb_t;

// The vectors and their golden outputs, shared (read only) by every model.
struct cosim {
	const nlut_model *m;
	nlut_golden *g;
	uint32_t n_in, n_cls, n_words;
	std::vector<uint32_t> feat_off;          // bit offset of each feature
	std::vector<uint32_t> cls_off, cls_w;    // score offsets and widths
	std::vector<uint16_t> codes;             // n x n_in
	std::vector<uint32_t> packed;            // n x n_words
	std::vector<uint16_t> scores;            // n x n_cls (golden)
	std::vector<uint32_t> cls;               // n (golden)
	size_t n_data = 0;

	cosim(const nlut_model *model, nlut_golden *gold) : m(model), g(gold)
	{
		const struct nlut_quant *q = nlut_model_quant(m);
		uint32_t off = 0;

		n_in = nlut_model_num_inputs(m);
		n_cls = nlut_model_num_classes(m);
		n_words = (NLUT_CORE_IN_WIDTH + 31) / 32 + 1;
		for (uint32_t i = 0; i < n_in; i++) {
			feat_off.push_back(off);
			off += q[i].bits;
		}
		off = 0;
		for (uint32_t j = 0; j < n_cls; j++) {
			cls_off.push_back(off);
			// A neuron's width, or a group sum's (format 1.1).
			cls_w.push_back(nlut_model_score_bits(m, j));
			off += nlut_model_score_bits(m, j);
		}
	}

	void pack()
	{
		size_t n = codes.size() / n_in;

		packed.assign(n * n_words, 0);
		for (size_t r = 0; r < n; r++) {
			uint32_t *w = &packed[r * n_words];

			for (uint32_t i = 0; i < n_in; i++) {
				uint64_t v = (uint64_t)codes[r * n_in + i] << (feat_off[i] % 32);

				w[feat_off[i] / 32] |= (uint32_t)v;
				w[feat_off[i] / 32 + 1] |= (uint32_t)(v >> 32);
			}
		}
	}

	std::string describe(size_t idx) const
	{
		char b[96];

		if (idx < n_data)
			snprintf(b, sizeof(b), "sample %zu (data row %zu)", idx, idx);
		else
			snprintf(b, sizeof(b), "sample %zu (random vector %zu)", idx, idx - n_data);
		return b;
	}

	// Replay sample idx alone and name the first layer and neuron whose
	// RTL output differs from the golden trace.
	void diagnose(tb_t &tb, size_t idx)
	{
		static const uint32_t lw[] = NLUT_CORE_LAYER_WIDTH_INIT;
		static const uint32_t lc[] = NLUT_CORE_LAYER_CYCLE_INIT;
		std::vector<uint16_t> acts(nlut_golden_num_neurons(g));
		Vnlut_core *top = tb.top;

		if (nlut_golden_trace(g, &codes[idx * n_in], acts.data()))
			tb.fail("golden trace: %s", nlut_error_detail());
		tb.reset();
		SET_CE(top, 1);
		top->in_valid = 1;
		set_words(top->in_codes, &packed[idx * n_words]);
		uint32_t act_base = 0, bit_base = 0;
		std::vector<uint32_t> abase, bbase;

		for (uint32_t l = 0; l < NLUT_CORE_N_LAYERS; l++) {
			abase.push_back(act_base);
			bbase.push_back(bit_base);
			act_base += nlut_model_layer(m, l)->n_neurons;
			bit_base += lw[l];
		}
		for (uint32_t c = 1; c <= NLUT_CORE_LATENCY; c++) {
			tb.tick();
			top->in_valid = 0;
			tb.settle();
			for (uint32_t l = 0; l < NLUT_CORE_N_LAYERS; l++) {
				if (lc[l] != c)
					continue;
				const struct nlut_layer *L = nlut_model_layer(m, l);
				uint32_t bit = bbase[l];

				for (uint32_t j = 0; j < L->n_neurons; j++) {
					uint32_t w = L->neurons[j].out_bits;
					uint32_t rtl = get_bits(top->rootp->nlut_core__DOT__dbg_acts, bit, w);
					uint32_t gold = acts[abase[l] + j];

					if (rtl != gold)
						tb.fail("%s: first difference at layer %u neuron %u: RTL %u, "
							"golden %u", describe(idx).c_str(), l, j, rtl, gold);
					bit += w;
				}
			}
		}
		tb.fail("%s: every layer matches the golden trace; the argmax or the output "
			"registers differ", describe(idx).c_str());
	}

	void check_output(tb_t &tb, size_t idx)
	{
		Vnlut_core *top = tb.top;
		bool bad = top->out_class != cls[idx];

		for (uint32_t j = 0; j < n_cls && !bad; j++)
			bad = get_bits(top->out_scores, cls_off[j], cls_w[j]) != scores[idx * n_cls + j];
		if (!bad)
			return;
		fprintf(stderr, "cosim: MISMATCH at %s: RTL class %u, golden %u; scores RTL/golden:",
			describe(idx).c_str(), (unsigned)top->out_class, cls[idx]);
		for (uint32_t j = 0; j < n_cls; j++)
			fprintf(stderr, " %u/%u", get_bits(top->out_scores, cls_off[j], cls_w[j]),
				scores[idx * n_cls + j]);
		fputc('\n', stderr);
		diagnose(tb, idx);
	}

	// Stream vectors [v0, v1) through tb's model.
	void run(tb_t &tb, unsigned stall, unsigned idle, size_t v0, size_t v1)
	{
		Vnlut_core *top = tb.top;
		size_t n = v1, next = v0, done = v0;
		// accepted[e % ring] = sample accepted at enabled edge e, or -1.
		const size_t ring = NLUT_CORE_LATENCY + 1;
		std::vector<int64_t> accepted(ring, -1);
		uint64_t edge = 0;

		tb.reset();
		while (done < n) {
			bool ce = !(stall && tb.chance(stall));
			bool v = next < n && !(idle && tb.chance(idle));
			uint8_t prev_valid = top->out_valid;

			SET_CE(top, ce);
			top->in_valid = v;
			if (v)
				set_words(top->in_codes, &packed[next * n_words]);
			tb.tick();
			if (!ce) {
				if (top->out_valid != prev_valid)
					tb.fail("out_valid changed during a stall");
				continue;
			}
			edge++;
			accepted[edge % ring] = v ? (int64_t)next : -1;
			next += v;
			int64_t want = edge + 1 >= NLUT_CORE_LATENCY
					       ? accepted[(edge + 1 - NLUT_CORE_LATENCY) % ring]
					       : -1;
			if (!top->out_valid) {
				if (want >= 0)
					tb.fail("%s: no out_valid %u cycles after acceptance",
						describe((size_t)want).c_str(), NLUT_CORE_LATENCY);
				continue;
			}
			if (want < 0)
				tb.fail("out_valid without a sample accepted %u cycles before",
					NLUT_CORE_LATENCY);
			if ((size_t)want != done)
				tb.fail("%s came out of order (expected sample %zu)",
					describe((size_t)want).c_str(), done);
			check_output(tb, done);
			done++;
		}
	}
};

int main(int argc, char **argv)
{
	// Positional arguments: those not starting with '+'.
	std::vector<const char *> pos;

	g_argc = argc;
	g_argv = argv;

	for (int i = 1; i < argc; i++)
		if (argv[i][0] != '+')
			pos.push_back(argv[i]);
#ifdef COSIM_DEFAULT_MODEL
	if (pos.empty())
		pos.push_back(COSIM_DEFAULT_MODEL);
#endif
	if (pos.empty()) {
		fprintf(stderr, "usage: %s MODEL [DATA|-] [+seed=N] [+random=N] [+stall=PCT] "
				"[+idle=PCT] [+limit=ROWS] [+trace] [+timeout=CYCLES] [+threads=N]\n", argv[0]);
		return 2;
	}
	nlut_tb<Vnlut_core> tb(argc, argv, "cosim_core");
	nlut_model *m;
	nlut_golden *g;
	char id[NLUT_ID_STR_SIZE];

	if (nlut_model_load(pos[0], &m))
		tb.fail("%s", nlut_error_detail());
	if (nlut_model_id(m, id) || strcmp(id, NLUT_CORE_MODEL_ID))
		tb.fail("%s is model %s, the RTL was generated from %s", pos[0], id,
			NLUT_CORE_MODEL_ID);
	if (nlut_golden_new(m, &g))
		tb.fail("golden model: %s", nlut_error_detail());
	cosim cs(m, g);
	uint64_t n_random = opt_u64("random", COSIM_DEFAULT_RANDOM);
	unsigned stall = (unsigned)opt_u64("stall", COSIM_DEFAULT_STALL);

	if (NLUT_CORE_FIXED_LATENCY)
		stall = 0; // no ce: nothing can stall
	unsigned idle = (unsigned)opt_u64("idle", COSIM_DEFAULT_IDLE);

	if (pos.size() > 1 && strcmp(pos[1], "-")) {
		struct nlut_data_opts o;
		struct nlut_dataset *d;

		nlut_data_opts_init(&o);
		o.max_rows = opt_u64("limit", 0);
		if (nlut_data_load(pos[1], &o, &d))
			tb.fail("%s", nlut_error_detail());
		if (d->n_features != cs.n_in)
			tb.fail("%s has %zu features, the model %u", pos[1], d->n_features, cs.n_in);
		cs.codes.resize(d->n_rows * cs.n_in);
		for (size_t r = 0; r < d->n_rows; r++)
			nlut_model_quantize(m, &d->x[r * cs.n_in], &cs.codes[r * cs.n_in]);
		cs.n_data = d->n_rows;
		nlut_data_free(d);
	}
	const struct nlut_quant *q = nlut_model_quant(m);

	for (uint64_t r = 0; r < n_random; r++)
		for (uint32_t i = 0; i < cs.n_in; i++)
			cs.codes.push_back((uint16_t)(tb.rnd() & ((1u << q[i].bits) - 1)));
	size_t n = cs.codes.size() / cs.n_in;

	if (n == 0)
		tb.fail("no vectors to check: the data set is empty and +random=0");
	cs.pack();
	cs.scores.resize(n * cs.n_cls);
	cs.cls.resize(n);
	if (nlut_golden_eval_batch(g, n, cs.codes.data(), cs.scores.data(), cs.cls.data(), 1))
		tb.fail("golden: %s", nlut_error_detail());

	// Models: tb and nt - 1 more, one per thread, each with its own stall
	// and idle draws (seeded from +seed) over a contiguous share.
	uint64_t nt = opt_u64("threads", 0);
	unsigned cpus = std::thread::hardware_concurrency();
	bool trace = false;

	for (int i = 1; i < argc; i++)
		trace |= !strncmp(argv[i], "+trace", 6);

	if (nt == 0)
		nt = std::max<uint64_t>(1, std::min<uint64_t>(cpus ? cpus : 1, n / COSIM_MIN_PER_THREAD));
	if (trace)
		nt = 1;
	if (nt > 256 || (nt > 1 && nt > n))
		tb.fail("+threads=%llu: at most 256 and at most one per vector (%zu)",
			(unsigned long long)nt, n);
	std::vector<tb_t *> tbs{ &tb };

	for (uint64_t i = 1; i < nt; i++) {
		tbs.push_back(new tb_t(argc, argv, "cosim_core", true));
		tbs.back()->seed = tb.seed ^ (0x9e3779b97f4a7c15ull * i);
	}
	for (tb_t *t : tbs)
		t->multi = nt > 1;
	struct timespec t0, t1;
	std::vector<std::thread> th;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (uint64_t i = 1; i < nt; i++)
		th.emplace_back([&cs, &tbs, stall, idle, i, nt, n] {
			cs.run(*tbs[i], stall, idle, n * i / nt, n * (i + 1) / nt);
		});
	cs.run(tb, stall, idle, 0, n / nt);
	for (std::thread &x : th)
		x.join();
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
	uint64_t cycles = 0;

	for (tb_t *t : tbs)
		cycles += t->cycles;
	printf("cosim_core: model %.16s..., latency %u%s, stages %s: %zu vectors (%zu data rows, "
	       "%zu random) in %" PRIu64 " cycles on %llu thread%s, stall %u%%, idle %u%%: all "
	       "outputs match\n",
	       NLUT_CORE_MODEL_ID, NLUT_CORE_LATENCY,
	       NLUT_CORE_FIXED_LATENCY ? " clocks (fixed, no ce)" : "", NLUT_CORE_STAGES, n, cs.n_data,
	       n - cs.n_data, cycles, (unsigned long long)nt, nt > 1 ? "s" : "", stall, idle);
	printf("cosim_core: %.3g vectors/s (%.3g cycles/s)\n", (double)n / s, (double)cycles / s);
	for (size_t i = 1; i < tbs.size(); i++)
		delete tbs[i];
	nlut_golden_free(g);
	nlut_model_free(m);
	return 0;
}
