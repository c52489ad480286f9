// simboard.cpp - the simulated board of nlut_simboard.h: a Verilated
// nlut_shell clocked here, driven by an AXI4-Lite master, an input stream
// master with random idle cycles and a result sink with random back-pressure.
//
// Built by nlut-sim-build into nlut_simboard.so with the model's and board's
// values as defines: S_BYTES, M_BYTES, SCORES (the -G parameters of the
// shell), NLUT_SIMBOARD_RAM_HEX (the RAM_INIT_FILE the model reads at
// construction), and the generated nlut_core_params.h on the include path.
#include <cerrno>
#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include <verilated.h>
#if VM_TRACE_FST
#include <verilated_fst_c.h>
#endif

#include <nlut/regs.h>

#include "Vnlut_shell.h"
#include "nlut_bits.h"
#include "nlut_core_params.h"
#include "nlut_simboard.h"

#if !defined(S_BYTES) || !defined(M_BYTES) || !defined(SCORES) || !defined(NLUT_SIMBOARD_RAM_HEX)
#error "build with -DS_BYTES -DM_BYTES -DSCORES -DNLUT_SIMBOARD_RAM_HEX (nlut-sim-build does)"
#endif

#define EXPORT extern "C" __attribute__((visibility("default")))

namespace {

constexpr unsigned kInBeats = (NLUT_CORE_IN_WIDTH + 8 * S_BYTES - 1) / (8 * S_BYTES);
constexpr unsigned kOutUsed = 8 + (SCORES ? 2 * NLUT_CORE_N_CLASSES : 0);
constexpr unsigned kOutBeats = (kOutUsed + M_BYTES - 1) / M_BYTES;
constexpr uint64_t kAxilTimeout = 100000;   // cycles for one register access
constexpr uint64_t kBootCycles = 8000000;   // firmware boot and boot self-test
constexpr uint64_t kBootPoll = 2000;        // cycles between boot status polls
constexpr unsigned kResetCycles = 16;

// Handshake outputs of the AXI4-Lite slave as they were before an edge.
struct axil_seen {
	bool awready, wready, bvalid, arready, rvalid;
	uint32_t bresp, rresp, rdata;
};

} // namespace

struct nlut_simboard {
	std::unique_ptr<VerilatedContext> ctx;
	Vnlut_shell *top = nullptr;
#if VM_TRACE_FST
	VerilatedFstC *trace = nullptr;
#endif
	uint64_t cycles = 0;
	uint64_t rng = 0;
	unsigned idle_pct = 0, stall_pct = 0;

	// Input beats not yet taken (bytes, and TLAST per beat) from in_beat on.
	std::vector<uint8_t> in_data, in_last;
	size_t in_beat = 0;
	bool in_showing = false; // s_axis_tvalid is up with beat in_beat

	// Result bytes not yet handed out, from out_head on.
	std::vector<uint8_t> out;
	size_t out_head = 0;
	uint64_t out_beats = 0;

	// m_axis rule checking: the beat held under back-pressure.
	bool held = false;
	uint8_t held_data[M_BYTES];
	bool held_last = false;
	std::string violation;

	bool axil_busy = false;
	axil_seen seen{};

	uint64_t rnd()
	{
		rng ^= rng >> 12;
		rng ^= rng << 25;
		rng ^= rng >> 27;
		return rng * 2685821657736338717ull;
	}
	bool chance(unsigned pct) { return pct && rnd() % 100 < pct; }

	void dump()
	{
#if VM_TRACE_FST
		if (trace)
			trace->dump(ctx->time());
#endif
		ctx->timeInc(1);
	}

	void violate(const char *fmt, ...) __attribute__((format(printf, 2, 3)))
	{
		char msg[200];
		va_list ap;

		if (!violation.empty())
			return;
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		violation = "cycle " + std::to_string(cycles) + ": " + msg;
	}

	void check_m_axis(Vnlut_shell *t)
	{
		uint8_t d[M_BYTES];

		if (!held)
			return;
		if (!t->m_axis_tvalid) {
			violate("m_axis_tvalid dropped while m_axis_tready was low");
			return;
		}
		nlut_from_sig(t->m_axis_tdata, d, M_BYTES);
		if (memcmp(d, held_data, M_BYTES) || held_last != (bool)t->m_axis_tlast)
			violate("m_axis_tdata/tlast changed while m_axis_tready was low");
	}

	void take_beat(Vnlut_shell *t)
	{
		size_t n = out.size();
		bool last = (out_beats % kOutBeats) == kOutBeats - 1;

		if ((bool)t->m_axis_tlast != last)
			violate("m_axis_tlast %u on beat %" PRIu64 " of result %" PRIu64
				" (records of %u beats)", (unsigned)t->m_axis_tlast,
				out_beats % kOutBeats, out_beats / kOutBeats, kOutBeats);
		out.resize(n + M_BYTES);
		nlut_from_sig(t->m_axis_tdata, &out[n], M_BYTES);
		out_beats++;
	}

	// One clock cycle: inputs are set, settled and sampled with clk low,
	// then the rising edge. Every handshake is decided by the values seen
	// just before the edge.
	void step()
	{
		Vnlut_shell *t = top;

		if (!in_showing && in_beat < in_last.size() && !chance(idle_pct)) {
			nlut_to_sig(t->s_axis_tdata, &in_data[in_beat * S_BYTES], S_BYTES);
			t->s_axis_tlast = in_last[in_beat];
			in_showing = true;
		}
		t->s_axis_tvalid = in_showing;
		t->m_axis_tready = !chance(stall_pct);
		t->clk = 0;
		t->eval();
		dump();

		bool in_fire = in_showing && t->s_axis_tready;

		check_m_axis(t);
		held = t->m_axis_tvalid && !t->m_axis_tready;
		if (held) {
			nlut_from_sig(t->m_axis_tdata, held_data, M_BYTES);
			held_last = t->m_axis_tlast;
		} else if (t->m_axis_tvalid) {
			take_beat(t);
		}
		if (axil_busy) {
			seen.awready = t->s_axil_awready;
			seen.wready = t->s_axil_wready;
			seen.bvalid = t->s_axil_bvalid;
			seen.bresp = t->s_axil_bresp;
			seen.arready = t->s_axil_arready;
			seen.rvalid = t->s_axil_rvalid;
			seen.rresp = t->s_axil_rresp;
			seen.rdata = t->s_axil_rdata;
		}
		t->clk = 1;
		t->eval();
		dump();
		cycles++;
		if (in_fire) {
			in_showing = false;
			if (++in_beat == in_last.size()) {
				in_beat = 0;
				in_data.clear();
				in_last.clear();
			}
		}
	}

	void run(uint64_t n)
	{
		for (uint64_t i = 0; i < n; i++)
			step();
	}

	size_t out_avail() const { return out.size() - out_head; }

	void axil_idle()
	{
		Vnlut_shell *t = top;

		t->s_axil_awvalid = 0;
		t->s_axil_wvalid = 0;
		t->s_axil_bready = 0;
		t->s_axil_arvalid = 0;
		t->s_axil_rready = 0;
		axil_busy = false;
	}

	// AW, W and BREADY each go up after 0-2 cycles (from the seed), so
	// both orders of AW and W, the simultaneous case and a response that
	// has to wait all occur.
	int write32(uint32_t off, uint32_t v)
	{
		Vnlut_shell *t = top;
		unsigned aw_at = (unsigned)(rnd() % 3), w_at = (unsigned)(rnd() % 3);
		unsigned b_at = (unsigned)(rnd() % 3);
		bool aw_done = false, w_done = false;

		if (off >= NLUT_REG_SPACE_SIZE || off % 4)
			return -1;
		axil_busy = true;
		t->s_axil_awaddr = off;
		t->s_axil_wdata = v;
		t->s_axil_wstrb = 0xf;
		for (uint64_t n = 0; n < kAxilTimeout; n++) {
			t->s_axil_awvalid = !aw_done && n >= aw_at;
			t->s_axil_wvalid = !w_done && n >= w_at;
			t->s_axil_bready = n >= b_at;
			bool aw = t->s_axil_awvalid, w = t->s_axil_wvalid, br = t->s_axil_bready;

			step();
			aw_done |= aw && seen.awready;
			w_done |= w && seen.wready;
			if (seen.bvalid && br) {
				uint32_t resp = seen.bresp;
				bool early = !aw_done || !w_done;

				axil_idle();
				return resp || early ? -1 : 0;
			}
		}
		axil_idle();
		return -1;
	}

	int read32(uint32_t off, uint32_t *v)
	{
		Vnlut_shell *t = top;
		unsigned r_at = (unsigned)(rnd() % 3);
		bool ar_done = false;

		if (off >= NLUT_REG_SPACE_SIZE || off % 4)
			return -1;
		axil_busy = true;
		t->s_axil_araddr = off;
		for (uint64_t n = 0; n < kAxilTimeout; n++) {
			t->s_axil_arvalid = !ar_done;
			t->s_axil_rready = n >= r_at;
			bool ar = t->s_axil_arvalid, rr = t->s_axil_rready;

			step();
			ar_done |= ar && seen.arready;
			if (seen.rvalid && rr) {
				uint32_t resp = seen.rresp;

				*v = seen.rdata;
				axil_idle();
				return resp || !ar_done ? -1 : 0;
			}
		}
		axil_idle();
		return -1;
	}
};

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static void fmt_err(char *err, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void fmt_err(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!err || !len)
		return;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

EXPORT int nlut_simboard_abi(void)
{
	return NLUT_SIMBOARD_ABI;
}

EXPORT void nlut_simboard_get_info(struct nlut_simboard_info *info)
{
	static const char id[] = NLUT_CORE_MODEL_ID;

	memset(info, 0, sizeof(*info));
	info->s_bytes = S_BYTES;
	info->m_bytes = M_BYTES;
	info->scores = SCORES;
	info->in_record = kInBeats * S_BYTES;
	info->out_record = kOutBeats * M_BYTES;
	info->latency = NLUT_CORE_LATENCY;
	static_assert(sizeof(id) == 2 * sizeof(info->model_hash) + 1, "model id of 64 hex digits");
	for (size_t i = 0; i < sizeof(info->model_hash); i++)
		info->model_hash[i] = (uint8_t)(hexval(id[2 * i]) << 4 | hexval(id[2 * i + 1]));
}

// Run until the firmware is alive and its boot self-test has finished.
static int boot(nlut_simboard *b, char *err, size_t errlen)
{
	uint32_t status = 0, bist = 0, fw = 0;
	Vnlut_shell *t = b->top;

	t->rst = 1;
	b->run(kResetCycles);
	t->rst = 0;
	while (b->cycles < kBootCycles) {
		b->run(kBootPoll);
		if (b->read32(NLUT_STATUS_REG_OFFSET, &status) ||
		    b->read32(NLUT_BIST_STATUS_REG_OFFSET, &bist)) {
			fmt_err(err, errlen, "simulated board: the register slave did not answer "
				"(cycle %" PRIu64 ")", b->cycles);
			return -1;
		}
		if ((status >> NLUT_STATUS_FW_ALIVE_BIT & 1) && (bist >> NLUT_BIST_STATUS_DONE_BIT & 1))
			return 0;
	}
	b->read32(NLUT_FW_STATUS_REG_OFFSET, &fw);
	fmt_err(err, errlen, "simulated board: the firmware did not boot in %" PRIu64 " cycles "
		"(STATUS 0x%x: FW_ALIVE %u; BIST_STATUS 0x%x: DONE %u; FW_STATUS 0x%x); "
		"check the firmware image in %s", b->cycles, status,
		status >> NLUT_STATUS_FW_ALIVE_BIT & 1, bist, bist >> NLUT_BIST_STATUS_DONE_BIT & 1, fw,
		NLUT_SIMBOARD_RAM_HEX);
	return -1;
}

EXPORT struct nlut_simboard *nlut_simboard_new(const struct nlut_simboard_config *c, char *err,
					       size_t errlen)
{
	static const struct nlut_simboard_config def = {};
	FILE *f;

	if (!c)
		c = &def;
	if (c->in_idle_pct > 100 || c->out_stall_pct > 100) {
		fmt_err(err, errlen, "simulated board: idle %u%% / stall %u%%: at most 100",
			c->in_idle_pct, c->out_stall_pct);
		return nullptr;
	}
	if (c->in_idle_pct == 100 || c->out_stall_pct == 100) {
		fmt_err(err, errlen, "simulated board: 100%% idle or stall would never move data");
		return nullptr;
	}
#if !VM_TRACE_FST
	if (c->trace_file) {
		fmt_err(err, errlen, "simulated board: built without tracing; rebuild it with "
			"nlut-sim-build --trace to write %s", c->trace_file);
		return nullptr;
	}
#endif
	// A missing image would end the process inside $readmemh.
	if (!(f = fopen(NLUT_SIMBOARD_RAM_HEX, "r"))) {
		fmt_err(err, errlen, "simulated board: boot RAM image %s: %s", NLUT_SIMBOARD_RAM_HEX,
			strerror(errno));
		return nullptr;
	}
	fclose(f);

	nlut_simboard *b = new (std::nothrow) nlut_simboard;

	if (!b) {
		fmt_err(err, errlen, "simulated board: out of memory");
		return nullptr;
	}
	b->idle_pct = c->in_idle_pct;
	b->stall_pct = c->out_stall_pct;
	// splitmix64 of the seed: any seed, 0 included, gives a good xorshift state.
	uint64_t z = c->seed + 0x9e3779b97f4a7c15ull;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	b->rng = (z ^ (z >> 31)) | 1;
	b->ctx.reset(new VerilatedContext);
	b->ctx->fatalOnError(false);
#if VM_TRACE_FST
	if (c->trace_file)
		b->ctx->traceEverOn(true);
#endif
	b->top = new Vnlut_shell(b->ctx.get(), "shell");
#if VM_TRACE_FST
	if (c->trace_file) {
		b->trace = new VerilatedFstC;
		b->top->trace(b->trace, 99);
		b->trace->open(c->trace_file);
		if (!b->trace->isOpen()) {
			fmt_err(err, errlen, "simulated board: cannot write trace %s", c->trace_file);
			nlut_simboard_free(b);
			return nullptr;
		}
	}
#endif
	Vnlut_shell *t = b->top;

	t->clk = 0;
	t->rst = 1;
	t->s_axis_tvalid = 0;
	t->s_axis_tlast = 0;
	t->m_axis_tready = 0;
	t->s_axil_awaddr = 0;
	t->s_axil_wdata = 0;
	t->s_axil_wstrb = 0;
	t->s_axil_araddr = 0;
	b->axil_idle();
	t->eval();
	if (boot(b, err, errlen)) {
		nlut_simboard_free(b);
		return nullptr;
	}
	return b;
}

EXPORT void nlut_simboard_free(struct nlut_simboard *b)
{
	if (!b)
		return;
#if VM_TRACE_FST
	if (b->trace) {
		b->trace->close();
		delete b->trace;
	}
#endif
	if (b->top) {
		b->top->final();
		delete b->top;
	}
	delete b;
}

EXPORT int nlut_simboard_read32(struct nlut_simboard *b, uint32_t off, uint32_t *v)
{
	uint32_t x = 0;
	int r = b->read32(off, &x);

	if (v)
		*v = x;
	return r;
}

EXPORT int nlut_simboard_write32(struct nlut_simboard *b, uint32_t off, uint32_t v)
{
	return b->write32(off, v);
}

static int queue_beats(nlut_simboard *b, const uint8_t *buf, const uint8_t *last, size_t n)
{
	// Drop the beats already taken once they are most of the queue.
	if (b->in_beat > (1u << 16) && b->in_beat > b->in_last.size() / 2) {
		b->in_data.erase(b->in_data.begin(), b->in_data.begin() + (ptrdiff_t)(b->in_beat * S_BYTES));
		b->in_last.erase(b->in_last.begin(), b->in_last.begin() + (ptrdiff_t)b->in_beat);
		b->in_beat = 0;
	}
	try {
		b->in_data.insert(b->in_data.end(), buf, buf + n * S_BYTES);
		for (size_t k = 0; k < n; k++)
			b->in_last.push_back(last ? (last[k] != 0) : (k % kInBeats == kInBeats - 1));
	} catch (const std::bad_alloc &) {
		return -1;
	}
	return 0;
}

EXPORT int nlut_simboard_send(struct nlut_simboard *b, const uint8_t *buf, size_t len)
{
	if (len % (kInBeats * S_BYTES))
		return -1;
	return queue_beats(b, buf, nullptr, len / S_BYTES);
}

EXPORT int nlut_simboard_send_beats(struct nlut_simboard *b, const uint8_t *buf,
				    const uint8_t *last, size_t n, unsigned s_bytes)
{
	if (s_bytes != S_BYTES || !last)
		return -1;
	return queue_beats(b, buf, last, n);
}

EXPORT size_t nlut_simboard_recv(struct nlut_simboard *b, uint8_t *buf, size_t len,
				 uint64_t max_cycles)
{
	for (uint64_t n = 0; b->out_avail() < len && n < max_cycles; n++)
		b->step();

	size_t got = b->out_avail() < len ? b->out_avail() : len;

	memcpy(buf, &b->out[b->out_head], got);
	b->out_head += got;
	if (b->out_head == b->out.size()) {
		b->out.clear();
		b->out_head = 0;
	} else if (b->out_head > (1u << 20) && b->out_head > b->out.size() / 2) {
		b->out.erase(b->out.begin(), b->out.begin() + (ptrdiff_t)b->out_head);
		b->out_head = 0;
	}
	return got;
}

EXPORT void nlut_simboard_run(struct nlut_simboard *b, uint64_t n)
{
	b->run(n);
}

EXPORT uint64_t nlut_simboard_cycles(const struct nlut_simboard *b)
{
	return b->cycles;
}

EXPORT size_t nlut_simboard_queued_in(const struct nlut_simboard *b)
{
	return (b->in_last.size() - b->in_beat) * S_BYTES;
}

EXPORT const char *nlut_simboard_check(const struct nlut_simboard *b)
{
	return b->violation.empty() ? nullptr : b->violation.c_str();
}
