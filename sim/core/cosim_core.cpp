// cosim_core.cpp - co-simulation of a generated nlut_core against the golden
// model: dataset rows (through the model's quantisers) and random codes are
// streamed at one per clock under random stalls (ce low) and idle cycles, and
// every output bit, the latency and the valid flag are checked. The first
// mismatch names the sample, then the layer and neuron, by replaying that
// sample alone and comparing every layer's outputs (dbg_acts) with
// nlut_golden_trace. A core made with --fixed-latency (no ce port,
// NLUT_CORE_FIXED_LATENCY 1) runs without stalls: every clock is an edge, so
// the latency is checked to the clock cycle. Without stalls or idles
// (+stall=0 +idle=0) the stream takes a steady path (run_steady) with the
// same checks and no per-cycle bookkeeping of accepted samples.
//
// Built with LANES N (cmake/NlutCosim.cmake, COSIM_LANES N > 1) the model is
// nlut_core_lanes: N copies of the same core side by side, one eval moving up
// to N vectors (the scheduler of the Verilated model paid once per N). Each
// lane streams its own contiguous share under its own idle draws (a stall
// holds every lane: ce is shared) and is checked as above; a mismatch names
// the lane, and the replay runs on that lane.
//
// +threads=N runs N models at once, one per thread (each its own
// VerilatedContext and model of the same Verilated class: no extra build),
// each streaming a contiguous share of the vectors under its own stalls and
// checking every output as above. The default (+threads=0) takes one thread
// per CPU when there are at least COSIM_MIN_PER_THREAD vectors for each;
// +trace runs one model. With more than one thread, thread i runs on the
// i-th CPU the process may use (modulo their number; +pin=0: unpinned).
//
// Usage: cosim_core MODEL [DATA|-] [+seed=N] [+random=N] [+stall=PCT]
//                   [+idle=PCT] [+limit=ROWS] [+trace] [+timeout=CYCLES]
//                   [+threads=N] [+pin=0|1] [+inject=LAYER:NEURON:ENTRY]
//
// +inject flips the low bit of one table entry of the golden model (a table
// neuron's) before the run: the RTL no longer matches it, so the run must
// fail naming that layer and neuron (the failure-injection tests).
#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

#include <pthread.h>
#include <sched.h>

#include <nlut/nlut.h>

#include "nlut_core_params.h"
#include "nlut_tb.h"

#ifndef COSIM_LANES
#define COSIM_LANES 1
#endif
#if COSIM_LANES > 1
#include "Vnlut_core_lanes.h"
#include "Vnlut_core_lanes___024root.h"
typedef Vnlut_core_lanes model_t;
static_assert(COSIM_LANES <= 4, "lane_acts names at most 4 lanes");
#else
#include "Vnlut_core.h"
#include "Vnlut_core___024root.h"
typedef Vnlut_core model_t;
#endif

// The clock enable, where the core has one (nlut_core_lanes always has the
// port).
#if NLUT_CORE_FIXED_LATENCY && COSIM_LANES == 1
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

// Set bits [lo, lo + n) of a signal from little-endian 32-bit words (one
// lane's in_codes); the other bits are kept.
template <typename T> static void set_span(T &s, uint32_t lo, uint32_t n, const uint32_t *w)
{
	uint64_t v = w[0], m = n >= 64 ? ~0ull : (1ull << n) - 1;

	if (n > 32)
		v |= (uint64_t)w[1] << 32;
	s = (T)(((uint64_t)s & ~(m << lo)) | (v & m) << lo);
}
template <std::size_t N> static void set_span(VlWide<N> &s, uint32_t lo, uint32_t n, const uint32_t *w)
{
	if (lo % 32 == 0 && n % 32 == 0) {
		memcpy(&s[lo / 32], w, n / 8);
		return;
	}
	for (uint32_t b = 0; b < n; b += 32) {
		uint32_t k = std::min<uint32_t>(32, n - b), at = lo + b;
		uint64_t m = ((1ull << k) - 1) << (at % 32), v = (uint64_t)w[b / 32] << (at % 32);
		uint64_t x = s[at / 32];

		if (at / 32 + 1 < N)
			x |= (uint64_t)s[at / 32 + 1] << 32;
		x = (x & ~m) | (v & m);
		s[at / 32] = (uint32_t)x;
		if (at / 32 + 1 < N)
			s[at / 32 + 1] = (uint32_t)(x >> 32);
	}
}

// Lane k's in_codes.
static inline __attribute__((always_inline)) void set_lane_codes(model_t *top, uint32_t k, const uint32_t *w)
{
#if COSIM_LANES > 1
	if (NLUT_CORE_IN_WIDTH % 32 == 0 && sizeof(top->in_codes) > 8) {
		uint32_t *d = (uint32_t *)&top->in_codes + k * (NLUT_CORE_IN_WIDTH / 32);

		for (uint32_t i = 0; i < NLUT_CORE_IN_WIDTH / 32; i++)
			d[i] = w[i];
		return;
	}
	set_span(top->in_codes, k * NLUT_CORE_IN_WIDTH, NLUT_CORE_IN_WIDTH, w);
#else
	(void)k;
	set_words(top->in_codes, w);
#endif
}

// Bits [lo, lo + w) of lane k's dbg_acts (a public_flat_rd signal of each
// core), w <= 32.
static uint32_t lane_acts(model_t *top, uint32_t k, uint32_t lo, uint32_t w)
{
#if COSIM_LANES > 1
#define LANE_ACTS(i)                                                                          \
	if (k == i)                                                                           \
		return get_bits(                                                              \
			top->rootp->nlut_core_lanes__DOT__g_lane__BRA__##i##__KET____DOT__u_core__DOT__dbg_acts, \
			lo, w);
	LANE_ACTS(0)
	LANE_ACTS(1)
#if COSIM_LANES > 2
	LANE_ACTS(2)
#endif
#if COSIM_LANES > 3
	LANE_ACTS(3)
#endif
#undef LANE_ACTS
	return 0;
#else
	(void)k;
	return get_bits(top->rootp->nlut_core__DOT__dbg_acts, lo, w);
#endif
}

// The CPUs this process may run on (empty where unknown).
static std::vector<int> allowed_cpus()
{
	std::vector<int> v;
	cpu_set_t set;

	if (!sched_getaffinity(0, sizeof(set), &set))
		for (int c = 0; c < CPU_SETSIZE; c++)
			if (CPU_ISSET(c, &set))
				v.push_back(c);
	return v;
}

// The calling thread on CPU c only: no migrations mid-run.
static void pin_thread(int c)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(c, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
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

typedef nlut_tb<model_t> tb_t;

// Words of one vector's packed golden out_scores.
#define SCORE_WORDS ((NLUT_CORE_SCORES_WIDTH + 31) / 32)
// The ring of accepted samples: a power of two above the latency.
static constexpr uint64_t ring_size(uint64_t r) { return r > NLUT_CORE_LATENCY ? r : ring_size(2 * r); }
#define RING ring_size(1)

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
	std::vector<uint32_t> gpack;             // n x SCORE_WORDS: scores packed as out_scores
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

	// The golden scores packed as out_scores, to compare a word at a time.
	void pack_golden()
	{
		size_t n = cls.size();

		gpack.assign(n * SCORE_WORDS, 0);
		for (size_t r = 0; r < n; r++)
			for (uint32_t j = 0; j < n_cls; j++) {
				uint64_t v = (uint64_t)scores[r * n_cls + j] << (cls_off[j] % 32);
				uint32_t w = cls_off[j] / 32;

				gpack[r * SCORE_WORDS + w] |= (uint32_t)v;
				if (w + 1 < SCORE_WORDS)
					gpack[r * SCORE_WORDS + w + 1] |= (uint32_t)(v >> 32);
			}
	}

	std::string describe(size_t idx, int lane = -1) const
	{
		char b[128], l[32] = "";

		if (COSIM_LANES > 1 && lane >= 0)
			snprintf(l, sizeof(l), " on lane %d", lane);
		if (idx < n_data)
			snprintf(b, sizeof(b), "sample %zu (data row %zu)%s", idx, idx, l);
		else
			snprintf(b, sizeof(b), "sample %zu (random vector %zu)%s", idx, idx - n_data, l);
		return b;
	}

	// Replay sample idx alone on lane k and name the first layer and neuron
	// whose RTL output differs from the golden trace.
	[[noreturn]] void diagnose(tb_t &tb, uint32_t k, size_t idx)
	{
		static const uint32_t lw[] = NLUT_CORE_LAYER_WIDTH_INIT;
		static const uint32_t lc[] = NLUT_CORE_LAYER_CYCLE_INIT;
		std::vector<uint16_t> acts(nlut_golden_num_neurons(g));
		model_t *top = tb.top;

		if (nlut_golden_trace(g, &codes[idx * n_in], acts.data()))
			tb.fail("golden trace: %s", nlut_error_detail());
		tb.reset();
		SET_CE(top, 1);
		top->in_valid = 1u << k;
		set_lane_codes(top, k, &packed[idx * n_words]);
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
					uint32_t rtl = lane_acts(top, k, bit, w);
					uint32_t gold = acts[abase[l] + j];

					if (rtl != gold)
						tb.fail("%s: first difference at layer %u neuron %u: RTL %u, "
							"golden %u", describe(idx, (int)k).c_str(), l, j, rtl, gold);
					bit += w;
				}
			}
		}
		tb.fail("%s: every layer matches the golden trace; the argmax or the output "
			"registers differ", describe(idx, (int)k).c_str());
	}

	// Lane k's outputs against sample idx's golden ones: every bit of
	// out_scores (a word at a time) and out_class.
	void check_output(tb_t &tb, uint32_t k, size_t idx)
	{
		model_t *top = tb.top;
		const uint32_t *gw = &gpack[idx * SCORE_WORDS];
		const uint32_t sw = NLUT_CORE_SCORES_WIDTH, cw = NLUT_CORE_CLASS_WIDTH;
		bool bad = get_bits(top->out_class, k * cw, cw) != cls[idx];

		for (uint32_t i = 0; i < SCORE_WORDS; i++)
			bad |= get_bits(top->out_scores, k * sw + 32 * i, std::min(32u, sw - 32 * i)) != gw[i];
		if (__builtin_expect(bad, 0))
			mismatch(tb, k, idx);
	}

	[[noreturn]] void mismatch(tb_t &tb, uint32_t k, size_t idx)
	{
		model_t *top = tb.top;
		const uint32_t sw = NLUT_CORE_SCORES_WIDTH, cw = NLUT_CORE_CLASS_WIDTH;

		fprintf(stderr, "cosim: MISMATCH at %s: RTL class %u, golden %u; scores RTL/golden:",
			describe(idx, (int)k).c_str(), get_bits(top->out_class, k * cw, cw), cls[idx]);
		for (uint32_t j = 0; j < n_cls; j++)
			fprintf(stderr, " %u/%u", get_bits(top->out_scores, k * sw + cls_off[j], cls_w[j]),
				scores[idx * n_cls + j]);
		fputc('\n', stderr);
		diagnose(tb, k, idx);
	}

	// One lane's stream: vectors [next, end), the next one to come out
	// (done), and acc[e % RING] = the sample accepted at enabled edge e, or -1.
	struct lane {
		size_t next, end, done;
		int64_t acc[RING];
	};

	// Lane k's share of vectors [v0, v1): [first(k), first(k + 1)).
	static size_t first(size_t v0, size_t v1, uint32_t k)
	{
		return v0 + (v1 - v0) * k / COSIM_LANES;
	}

	// Without stalls or idles every lane takes a sample at every clock until
	// its share is done, so what comes out is known without the ring and the
	// random draws: after clock c (from 0), lane k's sample first(k) + c + 1 -
	// LATENCY. The same checks as run(): every lane's out_valid at every
	// clock (so the latency to the clock), every output bit.
	void run_steady(tb_t &tb, size_t v0, size_t v1)
	{
		model_t *top = tb.top;
		const size_t lat = NLUT_CORE_LATENCY;
		size_t b[COSIM_LANES], len[COSIM_LANES], longest = 0;

		for (uint32_t k = 0; k < COSIM_LANES; k++) {
			b[k] = first(v0, v1, k);
			len[k] = first(v0, v1, k + 1) - b[k];
			longest = std::max(longest, len[k]);
		}
		tb.reset();
		SET_CE(top, 1);
		for (size_t c = 0; c + 1 < longest + lat; c++) {
			uint32_t valid = 0, want = 0;

			for (uint32_t k = 0; k < COSIM_LANES; k++) {
				if (c < len[k]) {
					valid |= 1u << k;
					set_lane_codes(top, k, &packed[(b[k] + c) * n_words]);
				}
				if (c + 1 >= lat && c + 1 - lat < len[k])
					want |= 1u << k;
			}
			top->in_valid = valid;
			tb.tick();
			uint32_t out_valid = top->out_valid;

			if (__builtin_expect(out_valid != want, 0)) {
				for (uint32_t k = 0; k < COSIM_LANES; k++)
					if ((out_valid ^ want) >> k & 1 && want >> k & 1)
						tb.fail("%s: no out_valid %u cycles after acceptance",
							describe(b[k] + c + 1 - lat, (int)k).c_str(), NLUT_CORE_LATENCY);
				tb.fail("out_valid%s without a sample accepted %u cycles before",
					lane_name((uint32_t)__builtin_ctz(out_valid ^ want)).c_str(),
					NLUT_CORE_LATENCY);
			}
			for (uint32_t k = 0; k < COSIM_LANES; k++)
				if (want >> k & 1)
					check_output(tb, k, b[k] + c + 1 - lat);
		}
	}

	// Stream vectors [v0, v1) through tb's model, lane k a contiguous share.
	void run(tb_t &tb, unsigned stall, unsigned idle, size_t v0, size_t v1)
	{
		model_t *top = tb.top;

		if (!stall && !idle) {
			run_steady(tb, v0, v1);
			return;
		}
		lane ln[COSIM_LANES];
		size_t left = v1 - v0;
		uint64_t edge = 0;

		for (uint32_t k = 0; k < COSIM_LANES; k++) {
			ln[k].next = ln[k].done = first(v0, v1, k);
			ln[k].end = first(v0, v1, k + 1);
			std::fill(ln[k].acc, ln[k].acc + RING, -1);
		}
		tb.reset();
		while (left) {
			bool ce = !(stall && tb.chance(stall));
			uint32_t valid = 0;
			uint32_t prev_valid = top->out_valid;

			for (uint32_t k = 0; k < COSIM_LANES; k++)
				if (ln[k].next < ln[k].end && !(idle && tb.chance(idle))) {
					valid |= 1u << k;
					set_lane_codes(top, k, &packed[ln[k].next * n_words]);
				}
			SET_CE(top, ce);
			top->in_valid = valid;
			tb.tick();
			uint32_t out_valid = top->out_valid;

			if (!ce) {
				if (out_valid != prev_valid)
					tb.fail("out_valid changed during a stall");
				continue;
			}
			edge++;
			for (uint32_t k = 0; k < COSIM_LANES; k++) {
				lane &l = ln[k];
				bool v = valid >> k & 1;

				l.acc[edge % RING] = v ? (int64_t)l.next : -1;
				l.next += v;
				int64_t want = edge + 1 >= NLUT_CORE_LATENCY
						       ? l.acc[(edge + 1 - NLUT_CORE_LATENCY) % RING]
						       : -1;
				if (!(out_valid >> k & 1)) {
					if (want >= 0)
						tb.fail("%s: no out_valid %u cycles after acceptance",
							describe((size_t)want, (int)k).c_str(),
							NLUT_CORE_LATENCY);
					continue;
				}
				if (want < 0)
					tb.fail("out_valid%s without a sample accepted %u cycles before",
						lane_name(k).c_str(), NLUT_CORE_LATENCY);
				if ((size_t)want != l.done)
					tb.fail("%s came out of order (expected sample %zu)",
						describe((size_t)want, (int)k).c_str(), l.done);
				check_output(tb, k, l.done);
				l.done++;
				left--;
			}
		}
	}

	static std::string lane_name(uint32_t k)
	{
		char b[32] = "";

		if (COSIM_LANES > 1)
			snprintf(b, sizeof(b), " of lane %u", k);
		return b;
	}
};

// +inject=LAYER:NEURON:ENTRY: flip the low bit of that table entry of the
// (golden) model, after its identity was checked against the RTL's.
static void inject(tb_t &tb, nlut_model *m, const char *spec)
{
	unsigned l, j;
	unsigned long long e;
	int end = 0;

	if (sscanf(spec, "%u:%u:%llu%n", &l, &j, &e, &end) != 3 || spec[end])
		tb.fail("+inject=%s: expected LAYER:NEURON:ENTRY", spec);
	if (l >= nlut_model_num_layers(m) || j >= nlut_model_layer(m, l)->n_neurons)
		tb.fail("+inject=%s: no neuron %u in layer %u", spec, j, l);
	const struct nlut_neuron *nr = &nlut_model_layer(m, l)->neurons[j];

	if (!nr->table || nr->addr_bits >= 64 || e >= 1ull << nr->addr_bits)
		tb.fail("+inject=%s: neuron %u of layer %u has no table entry %llu", spec, j, l, e);
	nr->table[e] ^= 1;
}

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
	tb_t tb(argc, argv, "cosim_core");
	nlut_model *m;
	nlut_golden *g;
	char id[NLUT_ID_STR_SIZE];

	if (nlut_model_load(pos[0], &m))
		tb.fail("%s", nlut_error_detail());
	if (nlut_model_id(m, id) || strcmp(id, NLUT_CORE_MODEL_ID))
		tb.fail("%s is model %s, the RTL was generated from %s", pos[0], id,
			NLUT_CORE_MODEL_ID);
	for (int i = 1; i < argc; i++)
		if (!strncmp(argv[i], "+inject=", 8))
			inject(tb, m, argv[i] + 8);
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
	cs.pack_golden();

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
	// Thread i on the i-th CPU the process may run on (modulo their number).
	std::vector<int> cpu_ids = allowed_cpus();
	bool pin = nt > 1 && opt_u64("pin", 1) && !cpu_ids.empty();

	struct timespec c0, c1;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (uint64_t i = 1; i < nt; i++)
		th.emplace_back([&cs, &tbs, &cpu_ids, stall, idle, i, nt, n, pin] {
			if (pin)
				pin_thread(cpu_ids[i % cpu_ids.size()]);
			cs.run(*tbs[i], stall, idle, n * i / nt, n * (i + 1) / nt);
		});
	if (pin)
		pin_thread(cpu_ids[0]);
	cs.run(tb, stall, idle, 0, n / nt);
	for (std::thread &x : th)
		x.join();
	clock_gettime(CLOCK_MONOTONIC, &t1);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
	double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
	double cpu = (double)(c1.tv_sec - c0.tv_sec) + (double)(c1.tv_nsec - c0.tv_nsec) * 1e-9;
	uint64_t cycles = 0;

	for (tb_t *t : tbs)
		cycles += t->cycles;
	printf("cosim_core: model %.16s..., latency %u%s, stages %s: %zu vectors (%zu data rows, "
	       "%zu random) in %" PRIu64 " cycles on %llu thread%s%s, %u lane%s per model, stall %u%%, "
	       "idle %u%%: all outputs match\n",
	       NLUT_CORE_MODEL_ID, NLUT_CORE_LATENCY,
	       NLUT_CORE_FIXED_LATENCY ? " clocks (fixed, no ce)" : "", NLUT_CORE_STAGES, n, cs.n_data,
	       n - cs.n_data, cycles, (unsigned long long)nt, nt > 1 ? "s" : "", pin ? " (pinned)" : "",
	       COSIM_LANES, COSIM_LANES > 1 ? "s" : "", stall, idle);
	printf("cosim_core: %.4g vectors/s (%.4g cycles/s), %.4g vectors per CPU second\n",
	       (double)n / s, (double)cycles / s, (double)n / cpu);
	for (size_t i = 1; i < tbs.size(); i++)
		delete tbs[i];
	nlut_golden_free(g);
	nlut_model_free(m);
	return 0;
}
