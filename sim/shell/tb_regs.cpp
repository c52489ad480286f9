// tb_regs.cpp - the register path (nlut_axil_slave into nlut_shell_regs, top
// tb_regs.v) against a cycle model of docs/register-map.md and docs/shell.md:
// a random AXI4-Lite host (AW and W in either order or together, B/R
// back-pressure, reads and writes overlapping) and a random controller (valid
// held until ready) compete while datapath events arrive; every read, every
// output and the arbitration are checked every cycle, and every transaction
// must be served exactly once. +ops=N host transactions (default 60000),
// +verbose prints every access; +seed, +timeout, +trace as in nlut_tb.h.
//
// Where the map leaves a same-cycle case open the model takes these (the
// RTL's) answers: a new error event wins over its w1c clear, CLEAR over that
// cycle's counts, PUSH over a result pulse, a heartbeat over expiry; expiry
// also drops BIST_MODE; the controller's writes to rw registers act like the
// host's, except MBOX_CMD and BIST_CTRL, which only the host rings.
#include <cinttypes>
#include <deque>
#include <vector>

#include <nlut/regs.h>

#include "Vtb_regs.h"
#include "Vtb_regs___024root.h" // counter backdoor: built with --public-flat-rw
#include "nlut_bits.h"
#include "nlut_tb.h"

// Set by CMake (-G for the RTL, -D here): IN_WIDTH SCORES_WIDTH CLASS_WIDTH N_CLASSES WDOG_CYCLES.
// The rest are tb_regs.v's parameter defaults.
static const unsigned in_words = (IN_WIDTH + 31) / 32, sc_words = (SCORES_WIDTH + 31) / 32;
static const uint32_t n_inputs = 13, latency = 7, s_bytes = 8, m_bytes = 4, scores_on = 1;
static const uint32_t board_id = 0xB0A2D017u, build_id = 0x20240607u;
static const uint8_t model_hash[32] = { // SHA-256("abc"), byte 0 first (MODEL_HASH[255:248])
	0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
	0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad
};

enum { HOST = 0, CTRL = 1 };
static const char *const port_name[2] = { "host", "controller" };

// Datapath-side inputs of one cycle.
struct dpin {
	bool inc[3] = {}; // in_inc, out_inc, stall_inc
	bool frame_err = false, seq_err = false, empty = true, active = false, result = false;
	uint32_t cls = 0;
	std::vector<uint32_t> scores = std::vector<uint32_t>(sc_words);
};

// One register access as the block performs it (the cycle before ready).
struct reg_access {
	bool valid = false;
	int port = HOST;
	uint32_t addr = 0, strb = 0, data = 0;
	bool write = false;
};

// Things seen, so that a run that never reached a case fails instead of passing.
struct coverage {
	unsigned long aw_first, w_first, aw_w_together, contention, unaligned, part_strobe;
	unsigned long unmapped_rd, id_rd, hi_rd_nonzero, hi_latch_differs, carry32, clear_nonzero;
	unsigned long dp_reset, status_in_reset, w1c_clear, err_frame, err_seq, err_bist, err_wdog;
	unsigned long bist_start, bist_req_clear, mbox_cmd, mbox_rsp, host_ro_write;
	unsigned long push_active, push_idle, result_set, wdog_rst_seen, wdog_reset_cleared;
	unsigned long ctrl_in_reset_held, ctrl_abandoned;
};

struct model {
	bool enable = false, dp_reset = false;
	uint32_t errors = 0, scratch = 0;
	uint64_t cnt[3] = {}; // in, out, stall
	uint32_t cnt_errors = 0;
	uint32_t latch[2][3] = {}; // HI words latched by each port's LO reads
	bool bist_req = false;
	uint32_t bist_status = 0, bist_vectors = 0, bist_first_fail = NLUT_BIST_NONE;
	uint32_t mbox_cmd = 0, mbox_rsp = 0;
	bool pending = false, done = false;
	uint32_t arg[16] = {}, data[16] = {};
	bool bist_mode = false, push = false, result = false;
	std::vector<uint32_t> bist_in = std::vector<uint32_t>(in_words);
	uint32_t wdog_cnt = 0; // cycles since the last heartbeat or expiry
	bool fw_alive = false, wdog_flag = false, wdog_rst = false;
	bool last_host = false; // port of the last access, for the alternation check
};

static const uint32_t cnt_lo[3] = { NLUT_CNT_IN_LO_REG_OFFSET, NLUT_CNT_OUT_LO_REG_OFFSET,
				    NLUT_CNT_STALL_LO_REG_OFFSET };
static const uint32_t cnt_hi[3] = { NLUT_CNT_IN_HI_REG_OFFSET, NLUT_CNT_OUT_HI_REG_OFFSET,
				    NLUT_CNT_STALL_HI_REG_OFFSET };

static bool in_array(uint32_t a, uint32_t base, uint32_t n) { return a >= base && a < base + 4 * n; }

static uint32_t strobe_mask(uint32_t strb)
{
	uint32_t m = 0;

	for (unsigned i = 0; i < 4; i++)
		if (strb >> i & 1)
			m |= 0xffu << (8 * i);
	return m;
}

static uint32_t merge(uint32_t old, uint32_t data, uint32_t mask) { return (old & ~mask) | (data & mask); }

// Bits of a read that the map defines: all but those above IN_WIDTH in the
// last FW_BIST_IN word, which the map leaves unused.
static uint32_t read_mask(uint32_t addr)
{
	uint32_t a = addr & 0x7fcu;

	if (IN_WIDTH % 32 && a == NLUT_FW_BIST_IN_REG_OFFSET(in_words - 1))
		return (1u << (IN_WIDTH % 32)) - 1u;
	return 0xffffffffu;
}

static uint32_t hash_word(unsigned k)
{
	return (uint32_t)model_hash[4 * k] | (uint32_t)model_hash[4 * k + 1] << 8 |
	       (uint32_t)model_hash[4 * k + 2] << 16 | (uint32_t)model_hash[4 * k + 3] << 24;
}

// A read's value per the register map; byte lanes are addr[1:0], so the word is addr[10:2].
static uint32_t model_read(const model &m, int port, uint32_t addr, const dpin &in)
{
	const uint32_t a = addr & 0x7fcu;

	if (in_array(a, NLUT_ID_MODEL_HASH_REG_OFFSET(0), NLUT_HASH_WORDS))
		return hash_word((a - NLUT_ID_MODEL_HASH_REG_OFFSET(0)) / 4);
	if (in_array(a, NLUT_MBOX_ARG_REG_OFFSET(0), NLUT_MBOX_WORDS))
		return m.arg[(a - NLUT_MBOX_ARG_REG_OFFSET(0)) / 4];
	if (in_array(a, NLUT_MBOX_DATA_REG_OFFSET(0), NLUT_MBOX_WORDS))
		return m.data[(a - NLUT_MBOX_DATA_REG_OFFSET(0)) / 4];
	if (in_array(a, NLUT_FW_BIST_SCORES_REG_OFFSET(0), sc_words))
		return in.scores[(a - NLUT_FW_BIST_SCORES_REG_OFFSET(0)) / 4];
	if (in_array(a, NLUT_FW_BIST_IN_REG_OFFSET(0), in_words))
		return m.bist_in[(a - NLUT_FW_BIST_IN_REG_OFFSET(0)) / 4];
	for (unsigned i = 0; i < 3; i++) {
		if (a == cnt_lo[i])
			return (uint32_t)m.cnt[i];
		if (a == cnt_hi[i])
			return m.latch[port][i];
	}
	switch (a) {
	case NLUT_ID_MAGIC_REG_OFFSET:
		return NLUT_MAGIC;
	case NLUT_ID_VERSION_REG_OFFSET:
		return NLUT_MAP_VERSION_MAJOR << NLUT_ID_VERSION_MAJOR_OFFSET |
		       NLUT_MAP_VERSION_MINOR << NLUT_ID_VERSION_MINOR_OFFSET;
	case NLUT_ID_BOARD_REG_OFFSET:
		return board_id;
	case NLUT_ID_BUILD_REG_OFFSET:
		return build_id;
	case NLUT_ID_LATENCY_REG_OFFSET:
		return latency;
	case NLUT_ID_SHAPE_REG_OFFSET:
		return (uint32_t)N_CLASSES << NLUT_ID_SHAPE_N_CLASSES_OFFSET | n_inputs << NLUT_ID_SHAPE_N_INPUTS_OFFSET;
	case NLUT_ID_IN_BITS_REG_OFFSET:
		return IN_WIDTH;
	case NLUT_ID_STREAM_REG_OFFSET:
		return scores_on << NLUT_ID_STREAM_SCORES_BIT | m_bytes << NLUT_ID_STREAM_M_BYTES_OFFSET |
		       s_bytes << NLUT_ID_STREAM_S_BYTES_OFFSET;
	case NLUT_CTRL_REG_OFFSET:
		return (uint32_t)m.enable << NLUT_CTRL_ENABLE_BIT;
	case NLUT_STATUS_REG_OFFSET:
		return (uint32_t)(m.enable && !m.dp_reset) << NLUT_STATUS_READY_BIT |
		       (uint32_t)in.empty << NLUT_STATUS_EMPTY_BIT | (uint32_t)m.fw_alive << NLUT_STATUS_FW_ALIVE_BIT;
	case NLUT_ERRORS_REG_OFFSET:
		return m.errors;
	case NLUT_SCRATCH_REG_OFFSET:
		return m.scratch;
	case NLUT_CNT_ERRORS_REG_OFFSET:
		return m.cnt_errors;
	case NLUT_BIST_STATUS_REG_OFFSET:
		return m.bist_status;
	case NLUT_BIST_VECTORS_REG_OFFSET:
		return m.bist_vectors;
	case NLUT_BIST_FIRST_FAIL_REG_OFFSET:
		return m.bist_first_fail;
	case NLUT_MBOX_CMD_REG_OFFSET:
		return m.mbox_cmd;
	case NLUT_MBOX_STATUS_REG_OFFSET:
		return (uint32_t)m.pending << NLUT_MBOX_STATUS_PENDING_BIT | (uint32_t)m.done << NLUT_MBOX_STATUS_DONE_BIT;
	case NLUT_MBOX_RSP_REG_OFFSET:
		return m.mbox_rsp;
	case NLUT_FW_CTRL_REG_OFFSET:
		return (uint32_t)m.bist_mode << NLUT_FW_CTRL_BIST_MODE_BIT;
	case NLUT_FW_STATUS_REG_OFFSET:
		return (uint32_t)in.active << NLUT_FW_STATUS_BIST_ACTIVE_BIT |
		       (uint32_t)m.result << NLUT_FW_STATUS_RESULT_BIT |
		       (uint32_t)m.bist_req << NLUT_FW_STATUS_BIST_REQ_BIT |
		       (uint32_t)m.wdog_flag << NLUT_FW_STATUS_WDOG_RESET_BIT;
	case NLUT_FW_BIST_CLASS_REG_OFFSET:
		return in.cls;
	case NLUT_FW_WDOG_CYCLES_REG_OFFSET:
		return WDOG_CYCLES;
	default: // unmapped, and the write-start registers (CTRL bits 2:1, BIST_CTRL) read 0
		return 0;
	}
}

static bool is_mapped(uint32_t addr)
{
	const uint32_t a = addr & 0x7fcu;

	if (a <= NLUT_SCRATCH_REG_OFFSET || (a >= NLUT_CNT_IN_LO_REG_OFFSET && a <= NLUT_CNT_ERRORS_REG_OFFSET) ||
	    (a >= NLUT_BIST_CTRL_REG_OFFSET && a <= NLUT_BIST_FIRST_FAIL_REG_OFFSET) ||
	    (a >= NLUT_MBOX_CMD_REG_OFFSET && a <= NLUT_MBOX_RSP_REG_OFFSET) ||
	    in_array(a, NLUT_MBOX_ARG_REG_OFFSET(0), NLUT_MBOX_WORDS) ||
	    in_array(a, NLUT_MBOX_DATA_REG_OFFSET(0), NLUT_MBOX_WORDS) ||
	    (a >= NLUT_FW_CTRL_REG_OFFSET && a <= NLUT_FW_BIST_CLASS_REG_OFFSET) ||
	    a == NLUT_FW_WDOG_CYCLES_REG_OFFSET || in_array(a, NLUT_FW_BIST_SCORES_REG_OFFSET(0), sc_words) ||
	    in_array(a, NLUT_FW_BIST_IN_REG_OFFSET(0), in_words))
		return true;
	return false;
}

// One clock edge of the register block: m becomes the state after the edge.
static void model_step(model &m, const reg_access &a, const dpin &in, coverage &cov)
{
	const model o = m; // state before the edge
	const uint32_t w = a.addr & 0x7fcu, mask = strobe_mask(a.strb), bits = a.data & mask;
	const bool wr = a.valid && a.write, h = wr && a.port == HOST, c = wr && a.port == CTRL;
	bool reset = false, clear = false, start = false, bist_fail = false, heartbeat = false, push = false;
	uint32_t clr = 0;

	if (a.valid) {
		m.last_host = a.port == HOST;
		if (!a.write)
			for (unsigned i = 0; i < 3; i++)
				if (w == cnt_lo[i])
					m.latch[a.port][i] = (uint32_t)(o.cnt[i] >> 32);
	}
	if (wr) {
		// Shared by both ports: the rw registers.
		if (w == NLUT_CTRL_REG_OFFSET) {
			if (mask >> NLUT_CTRL_ENABLE_BIT & 1)
				m.enable = bits >> NLUT_CTRL_ENABLE_BIT & 1;
			reset = bits >> NLUT_CTRL_RESET_BIT & 1;
			clear = bits >> NLUT_CTRL_CLEAR_BIT & 1;
		} else if (w == NLUT_ERRORS_REG_OFFSET) {
			clr = bits & 0xfu;
		} else if (w == NLUT_SCRATCH_REG_OFFSET) {
			m.scratch = merge(o.scratch, bits, mask);
		} else if (in_array(w, NLUT_MBOX_ARG_REG_OFFSET(0), NLUT_MBOX_WORDS)) {
			uint32_t i = (w - NLUT_MBOX_ARG_REG_OFFSET(0)) / 4;
			m.arg[i] = merge(o.arg[i], bits, mask);
		}
		// Host only.
		if (h && w == NLUT_BIST_CTRL_REG_OFFSET)
			start = bits >> NLUT_BIST_CTRL_START_BIT & 1;
		if (h && w == NLUT_MBOX_CMD_REG_OFFSET) {
			m.mbox_cmd = merge(o.mbox_cmd, bits, mask & 0x00ffffffu);
			m.pending = true;
			m.done = false;
			cov.mbox_cmd++;
		}
		// Controller only: plain stores into registers the host sees read-only.
		if (c && w == NLUT_BIST_STATUS_REG_OFFSET) {
			m.bist_req = false;
			cov.bist_req_clear += o.bist_req;
			if (mask & 0xffu)
				m.bist_status = bits & 7u;
			bist_fail = (bits >> NLUT_BIST_STATUS_DONE_BIT & 1) && !(bits >> NLUT_BIST_STATUS_PASS_BIT & 1);
		}
		if (c && w == NLUT_BIST_VECTORS_REG_OFFSET)
			m.bist_vectors = merge(o.bist_vectors, bits, mask);
		if (c && w == NLUT_BIST_FIRST_FAIL_REG_OFFSET)
			m.bist_first_fail = merge(o.bist_first_fail, bits, mask);
		if (c && w == NLUT_MBOX_RSP_REG_OFFSET) {
			m.mbox_rsp = merge(o.mbox_rsp, bits, mask & 0x00ffffffu);
			m.pending = false;
			m.done = true;
			cov.mbox_rsp++;
		}
		if (c && in_array(w, NLUT_MBOX_DATA_REG_OFFSET(0), NLUT_MBOX_WORDS)) {
			uint32_t i = (w - NLUT_MBOX_DATA_REG_OFFSET(0)) / 4;
			m.data[i] = merge(o.data[i], bits, mask);
		}
		if (c && w == NLUT_FW_CTRL_REG_OFFSET) {
			if (mask >> NLUT_FW_CTRL_BIST_MODE_BIT & 1)
				m.bist_mode = bits >> NLUT_FW_CTRL_BIST_MODE_BIT & 1;
			heartbeat = bits >> NLUT_FW_CTRL_HEARTBEAT_BIT & 1;
			push = bits >> NLUT_FW_CTRL_PUSH_BIT & 1;
		}
		if (c && in_array(w, NLUT_FW_BIST_IN_REG_OFFSET(0), in_words)) {
			uint32_t i = (w - NLUT_FW_BIST_IN_REG_OFFSET(0)) / 4;
			m.bist_in[i] = merge(o.bist_in[i], bits, mask);
		}
		if (h && (w == NLUT_BIST_STATUS_REG_OFFSET || w == NLUT_BIST_VECTORS_REG_OFFSET ||
			  w == NLUT_BIST_FIRST_FAIL_REG_OFFSET || w == NLUT_MBOX_RSP_REG_OFFSET ||
			  in_array(w, NLUT_MBOX_DATA_REG_OFFSET(0), NLUT_MBOX_WORDS) || w == NLUT_FW_CTRL_REG_OFFSET ||
			  in_array(w, NLUT_FW_BIST_IN_REG_OFFSET(0), in_words)))
			cov.host_ro_write++;
	}
	if (start) {
		m.bist_req = true;
		m.bist_status = 1u << NLUT_BIST_STATUS_RUNNING_BIT;
		cov.bist_start++;
	}

	// Watchdog: expiry WDOG_CYCLES cycles after the last heartbeat (or expiry).
	const bool fire = WDOG_CYCLES != 0 && !heartbeat && o.wdog_cnt == (uint32_t)WDOG_CYCLES - 1;
	if (heartbeat) {
		cov.wdog_reset_cleared += o.wdog_flag;
		m.wdog_cnt = 0;
		m.fw_alive = true;
		m.wdog_flag = false;
	} else if (fire) {
		m.wdog_cnt = 0;
		m.fw_alive = false;
		m.wdog_flag = true;
		m.bist_mode = false; // the controller restarts, so does its request
	} else if (WDOG_CYCLES != 0) {
		m.wdog_cnt = o.wdog_cnt + 1;
	}
	m.wdog_rst = fire;

	// Errors: sticky, write-1-to-clear, a new event wins over a clear.
	uint32_t set = (uint32_t)fire << NLUT_ERRORS_WATCHDOG_BIT | (uint32_t)in.seq_err << NLUT_ERRORS_SEQ_BIT |
		       (uint32_t)bist_fail << NLUT_ERRORS_BIST_BIT | (uint32_t)in.frame_err << NLUT_ERRORS_FRAME_BIT;
	m.errors = (o.errors & ~clr) | set;
	cov.w1c_clear += (o.errors & clr & ~set) != 0;
	cov.err_wdog += fire;
	cov.err_seq += in.seq_err;
	cov.err_bist += bist_fail;
	cov.err_frame += in.frame_err;

	// Counters: CLEAR wins over this cycle's events.
	if (clear) {
		cov.clear_nonzero += (o.cnt[0] | o.cnt[1] | o.cnt[2]) != 0;
		for (auto &x : m.cnt)
			x = 0;
		m.cnt_errors = 0;
	} else {
		for (unsigned i = 0; i < 3; i++) {
			m.cnt[i] = o.cnt[i] + in.inc[i];
			cov.carry32 += (m.cnt[i] >> 32) != (o.cnt[i] >> 32);
		}
		m.cnt_errors = o.cnt_errors + (uint32_t)__builtin_popcount(set);
	}

	m.dp_reset = reset;
	cov.dp_reset += reset;
	m.push = push && in.active;
	cov.push_active += push && in.active;
	cov.push_idle += push && !in.active;
	m.result = push ? false : in.result ? true : o.result;
	cov.result_set += !push && in.result && !o.result;
}

// ---- the host: an AXI4-Lite master with independent channels ----

struct hop {
	uint32_t addr = 0, data = 0, strb = 0;
	bool write = false;
	int64_t aw_at = -1, w_at = -1, ar_at = -1, acc_at = -1; // cycles of handshakes and of the access
	uint32_t want = 0; // read value at the access
};

// Knobs of one phase of the run.
struct knobs {
	unsigned wgen, rgen, max_w, max_r;       // % per cycle a new op is queued; outstanding limits
	unsigned aw_idle, w_idle, ar_idle;       // % a channel waits another cycle before VALID
	unsigned bready, rready;                 // % READY per cycle
	unsigned c_idle, hb;                     // controller: % idle per cycle; % of FW_CTRL writes that pet
	unsigned inc[3], err, empty_flip, active_flip, result, class_change;
	unsigned unaligned, part_strb;
	std::vector<uint32_t> focus;             // a few addresses most ops go to, so ops on one register meet
};

struct tbx {
	nlut_tb<Vtb_regs> &tb;
	Vtb_regs *t;
	model m;
	dpin in;
	coverage cov = {};
	knobs k = {};

	std::deque<hop> wr, rd; // issued and not yet answered, in order
	uint64_t wr_base = 0, rd_base = 0; // op number of wr.front() / rd.front()
	uint64_t aw_id = 0, w_id = 0, ar_id = 0;
	unsigned aw_wait = 0, w_wait = 0, ar_wait = 0;
	bool aw_on = false, w_on = false, ar_on = false;
	std::deque<hop> script; // directed host ops, queued before random ones
	unsigned long n_wr = 0, n_rd = 0, n_b = 0, n_r = 0, n_hacc_w = 0, n_hacc_r = 0;

	struct cop {
		uint32_t addr = 0, data = 0, strb = 0;
		bool write = false, served = false;
	} cur;
	bool c_active = false, c_in_reset = false;
	unsigned long c_issued = 0, c_served = 0, c_done = 0, c_dropped = 0, c_lost = 0;

	bool draining = false;
	bool verbose = false; // +verbose: print every access

	tbx(nlut_tb<Vtb_regs> &b) : tb(b), t(b.top) {}

	hop &wop(uint64_t id) { return wr[id - wr_base]; }
	hop &rop(uint64_t id) { return rd[id - rd_base]; }

	unsigned pct_pick(unsigned lo, unsigned hi) { return lo + (unsigned)(tb.rnd() % (hi - lo + 1)); }

	void new_phase()
	{
		static const unsigned idle[] = { 0, 0, 20, 50, 90 };
		k.wgen = pct_pick(5, 60);
		k.rgen = pct_pick(5, 60);
		k.max_w = 1 + tb.rnd() % 3;
		k.max_r = 1 + tb.rnd() % 3;
		k.aw_idle = idle[tb.rnd() % 5];
		k.w_idle = idle[tb.rnd() % 5];
		k.ar_idle = idle[tb.rnd() % 5];
		k.bready = 100 - idle[tb.rnd() % 5];
		k.rready = 100 - idle[tb.rnd() % 5];
		k.bready = k.bready ? k.bready : 5;
		k.rready = k.rready ? k.rready : 5;
		k.c_idle = idle[tb.rnd() % 5];
		k.hb = tb.chance(35) ? 0 : pct_pick(30, 100);
		for (auto &x : k.inc)
			x = tb.chance(30) ? 100 : pct_pick(0, 100);
		k.err = tb.chance(50) ? 0 : pct_pick(1, 5);
		k.empty_flip = pct_pick(0, 20);
		k.active_flip = pct_pick(0, 20);
		k.result = pct_pick(0, 30);
		k.class_change = pct_pick(0, 30);
		k.unaligned = tb.chance(70) ? 0 : pct_pick(5, 30);
		k.part_strb = pct_pick(0, 40);
		k.focus.clear();
		if (tb.chance(8)) { // one port resets the datapath as the other reads STATUS
			k.focus.push_back(NLUT_CTRL_REG_OFFSET);
			k.focus.push_back(NLUT_STATUS_REG_OFFSET);
		} else if (tb.chance(30)) {
			size_t n = 2 + tb.rnd() % 5;
			while (k.focus.size() < n)
				k.focus.push_back(spread_addr());
		}
	}

	uint32_t pick_addr()
	{
		uint32_t a = !k.focus.empty() && tb.chance(80) ? k.focus[tb.rnd() % k.focus.size()] : spread_addr();

		if (tb.chance(k.unaligned))
			a |= (uint32_t)(tb.rnd() & 3);
		return a;
	}

	// An address anywhere in the map, weighted towards registers with behaviour.
	uint32_t spread_addr()
	{
		unsigned r = (unsigned)(tb.rnd() % 100);
		uint32_t a;

		if (r < 8)
			a = 4 * (uint32_t)(tb.rnd() % 16); // identity block
		else if (r < 20)
			a = NLUT_CTRL_REG_OFFSET + 4 * (uint32_t)(tb.rnd() % 4);
		else if (r < 36)
			a = NLUT_CNT_IN_LO_REG_OFFSET + 4 * (uint32_t)(tb.rnd() % 8);
		else if (r < 44)
			a = NLUT_BIST_CTRL_REG_OFFSET + 4 * (uint32_t)(tb.rnd() % 4);
		else if (r < 52)
			a = NLUT_MBOX_CMD_REG_OFFSET + 4 * (uint32_t)(tb.rnd() % 4);
		else if (r < 58)
			a = NLUT_MBOX_ARG_REG_OFFSET(0) + 4 * (uint32_t)(tb.rnd() % 32); // ARG and DATA
		else if (r < 66)
			a = NLUT_FW_CTRL_REG_OFFSET + 4 * (uint32_t)(tb.rnd() % 6);
		else if (r < 72)
			a = NLUT_FW_BIST_SCORES_REG_OFFSET(0) + 4 * (uint32_t)(tb.rnd() % (sc_words + 2));
		else if (r < 82)
			a = NLUT_FW_BIST_IN_REG_OFFSET(0) + 4 * (uint32_t)(tb.rnd() % (in_words + 2));
		else
			a = 4 * (uint32_t)(tb.rnd() % 512);
		return a & 0x7fcu;
	}

	// Write data shaped per register, so that rare side effects stay rare.
	uint32_t pick_data(int port, uint32_t addr)
	{
		uint32_t d = (uint32_t)tb.rnd(), a = addr & 0x7fcu;

		if (a == NLUT_CTRL_REG_OFFSET) {
			d &= ~(7u);
			d |= (uint32_t)tb.chance(80) << NLUT_CTRL_ENABLE_BIT;
			d |= (uint32_t)tb.chance(25) << NLUT_CTRL_RESET_BIT;
			d |= (uint32_t)tb.chance(3) << NLUT_CTRL_CLEAR_BIT;
		} else if (a == NLUT_FW_CTRL_REG_OFFSET) {
			d &= ~(7u);
			d |= (uint32_t)tb.chance(50) << NLUT_FW_CTRL_BIST_MODE_BIT;
			d |= (uint32_t)(port == CTRL && tb.chance(k.hb)) << NLUT_FW_CTRL_HEARTBEAT_BIT;
			d |= (uint32_t)tb.chance(40) << NLUT_FW_CTRL_PUSH_BIT;
			if (port == HOST) // the host's writes are ignored: try to pet anyway
				d |= (uint32_t)tb.chance(50) << NLUT_FW_CTRL_HEARTBEAT_BIT;
		} else if (a == NLUT_BIST_STATUS_REG_OFFSET && tb.chance(50)) {
			d &= ~(7u);
			d |= 1u << NLUT_BIST_STATUS_DONE_BIT | (uint32_t)tb.chance(50) << NLUT_BIST_STATUS_PASS_BIT;
		} else if (a == NLUT_ERRORS_REG_OFFSET && tb.chance(50)) {
			d = 0xfu;
		}
		return d;
	}

	uint32_t pick_strb() { return tb.chance(k.part_strb) ? (uint32_t)(tb.rnd() & 0xf) : 0xfu; }

	// Controller op: the firmware's registers most of the time.
	cop new_cop()
	{
		cop c;
		unsigned r = (unsigned)(tb.rnd() % 100);

		c.write = true;
		if (r < 30) {
			c.write = false;
			c.addr = pick_addr();
		} else if (r < 45) {
			c.addr = NLUT_FW_CTRL_REG_OFFSET;
		} else if (r < 51) {
			c.addr = NLUT_BIST_STATUS_REG_OFFSET;
		} else if (r < 55) {
			c.addr = tb.chance(50) ? NLUT_BIST_VECTORS_REG_OFFSET : NLUT_BIST_FIRST_FAIL_REG_OFFSET;
		} else if (r < 61) {
			c.addr = NLUT_MBOX_RSP_REG_OFFSET;
		} else if (r < 67) {
			c.addr = NLUT_MBOX_DATA_REG_OFFSET(tb.rnd() % NLUT_MBOX_WORDS);
		} else if (r < 79) {
			c.addr = NLUT_FW_BIST_IN_REG_OFFSET(tb.rnd() % (in_words + 2));
		} else {
			c.addr = pick_addr();
		}
		if (c.write && tb.chance(k.unaligned))
			c.addr |= (uint32_t)(tb.rnd() & 3);
		c.data = c.write ? pick_data(CTRL, c.addr) : 0;
		c.strb = c.write ? pick_strb() : 0;
		return c;
	}

	hop new_hop(bool write)
	{
		hop o;

		o.write = write;
		o.addr = pick_addr();
		if (write) {
			o.data = pick_data(HOST, o.addr);
			o.strb = pick_strb();
		}
		return o;
	}

	unsigned delay(unsigned idle_pct)
	{
		unsigned d = 0;

		while (d < 20 && tb.chance(idle_pct))
			d++;
		return d;
	}

	// ---- inputs of one cycle ----
	void drive()
	{
		// Host: queue ops, then each channel presents its next op after its delay.
		if (!script.empty()) {
			hop o = script.front();
			auto &q = o.write ? wr : rd;
			if (q.size() < 2) {
				q.push_back(o);
				script.pop_front();
			}
		} else if (!draining) {
			if (wr.size() < k.max_w && tb.chance(k.wgen))
				wr.push_back(new_hop(true));
			if (rd.size() < k.max_r && tb.chance(k.rgen))
				rd.push_back(new_hop(false));
		}
		if (!aw_on && aw_id < wr_base + wr.size()) {
			if (aw_wait)
				aw_wait--;
			else
				aw_on = true;
		}
		if (!w_on && w_id < wr_base + wr.size()) {
			if (w_wait)
				w_wait--;
			else
				w_on = true;
		}
		if (!ar_on && ar_id < rd_base + rd.size()) {
			if (ar_wait)
				ar_wait--;
			else
				ar_on = true;
		}
		t->s_axil_awvalid = aw_on;
		t->s_axil_awaddr = aw_on ? wop(aw_id).addr : (uint32_t)(tb.rnd() & 0x7ff);
		t->s_axil_wvalid = w_on;
		t->s_axil_wdata = w_on ? wop(w_id).data : (uint32_t)tb.rnd();
		t->s_axil_wstrb = w_on ? wop(w_id).strb : (uint32_t)(tb.rnd() & 0xf);
		t->s_axil_arvalid = ar_on;
		t->s_axil_araddr = ar_on ? rop(ar_id).addr : (uint32_t)(tb.rnd() & 0x7ff);
		t->s_axil_bready = draining || tb.chance(k.bready);
		t->s_axil_rready = draining || tb.chance(k.rready);

		// Controller: a request holds until ready; a restart (ctrl_rst) abandons
		// it, though the CPU may still show it during its reset cycle.
		c_in_reset = t->ctrl_rst;
		if (!c_active && !draining && !c_in_reset && !tb.chance(k.c_idle)) {
			cur = new_cop();
			c_active = true;
			c_issued++;
		}
		bool present = c_active;
		if (c_active && c_in_reset) {
			if (tb.chance(50))
				cov.ctrl_in_reset_held++;
			else
				present = false;
		}
		t->c_valid = present;
		t->c_addr = present ? cur.addr : (uint32_t)(tb.rnd() & 0x7ff);
		t->c_write = present ? cur.write : tb.chance(50);
		t->c_wdata = present ? cur.data : (uint32_t)tb.rnd();
		t->c_wstrb = present ? cur.strb : (uint32_t)(tb.rnd() & 0xf);

		// Datapath events.
		for (unsigned i = 0; i < 3; i++)
			in.inc[i] = tb.chance(k.inc[i]);
		in.frame_err = tb.chance(k.err);
		in.seq_err = tb.chance(k.err);
		if (tb.chance(k.empty_flip))
			in.empty = !in.empty;
		if (tb.chance(k.active_flip))
			in.active = !in.active;
		in.result = tb.chance(k.result);
		if (tb.chance(k.class_change)) {
			in.cls = (uint32_t)(tb.rnd() & ((1ull << CLASS_WIDTH) - 1));
			for (unsigned i = 0; i < sc_words; i++)
				in.scores[i] = (uint32_t)tb.rnd();
			if (SCORES_WIDTH % 32)
				in.scores[sc_words - 1] &= (1u << (SCORES_WIDTH % 32)) - 1u;
		}
		t->in_inc = in.inc[0];
		t->out_inc = in.inc[1];
		t->stall_inc = in.inc[2];
		t->frame_err = in.frame_err;
		t->seq_err = in.seq_err;
		t->dp_empty = in.empty;
		t->bist_active = in.active;
		t->bist_result = in.result;
		t->bist_class = in.cls;
		std::vector<uint8_t> sb(4 * sc_words);
		for (unsigned i = 0; i < 4 * sc_words; i++)
			sb[i] = (uint8_t)(in.scores[i / 4] >> (8 * (i % 4)));
		nlut_to_sig(t->bist_scores, sb.data(), (SCORES_WIDTH + 7) / 8);
	}

	void check_outputs()
	{
		if (t->dp_enable != m.enable)
			tb.fail("dp_enable: expected %d, got %d", m.enable, t->dp_enable);
		if (t->dp_reset != m.dp_reset)
			tb.fail("dp_reset: expected %d, got %d", m.dp_reset, t->dp_reset);
		if (t->bist_mode != m.bist_mode)
			tb.fail("bist_mode: expected %d, got %d", m.bist_mode, t->bist_mode);
		if (t->bist_push != m.push)
			tb.fail("bist_push: expected %d, got %d", m.push, t->bist_push);
		if (t->irq_ext != (m.pending || m.bist_req))
			tb.fail("irq_ext: expected %d (MBOX PENDING %d, BIST_REQ %d), got %d", m.pending || m.bist_req,
				m.pending, m.bist_req, t->irq_ext);
		if (t->ctrl_rst != m.wdog_rst)
			tb.fail("ctrl_rst: expected %d, got %d", m.wdog_rst, t->ctrl_rst);
		if (t->mbox_done != m.done)
			tb.fail("mbox_done: expected %d, got %d", m.done, t->mbox_done);
		cov.wdog_rst_seen += t->ctrl_rst;
		std::vector<uint8_t> b((IN_WIDTH + 7) / 8);
		nlut_from_sig(t->bist_in, b.data(), b.size());
		for (unsigned i = 0; i < b.size(); i++) {
			uint8_t want = (uint8_t)(m.bist_in[i / 4] >> (8 * (i % 4)));
			uint8_t bm = 8 * (i + 1) <= IN_WIDTH ? 0xff : (uint8_t)((1u << (IN_WIDTH % 8)) - 1u);
			if ((b[i] ^ want) & bm)
				tb.fail("bist_in byte %u: expected 0x%02x, got 0x%02x", i, want & bm, b[i] & bm);
		}
	}

	// ---- one cycle: drive, sample, clock, then model and check ----
	void cycle()
	{
		drive();
		tb.settle();

		const int64_t now = (int64_t)tb.cycles;
		const bool aw_hs = t->s_axil_awvalid && t->s_axil_awready;
		const bool w_hs = t->s_axil_wvalid && t->s_axil_wready;
		const bool ar_hs = t->s_axil_arvalid && t->s_axil_arready;
		const bool b_hs = t->s_axil_bvalid && t->s_axil_bready;
		const bool r_hs = t->s_axil_rvalid && t->s_axil_rready;
		const bool bvalid = t->s_axil_bvalid, bready = t->s_axil_bready;
		const bool rvalid = t->s_axil_rvalid, rready = t->s_axil_rready;
		const uint32_t bresp = t->s_axil_bresp, rresp = t->s_axil_rresp, rdata = t->s_axil_rdata;
		reg_access hreq, creq;
		hreq.valid = t->mon_h_valid;
		hreq.port = HOST;
		hreq.addr = t->mon_h_addr;
		hreq.write = t->mon_h_write;
		hreq.strb = t->mon_h_wstrb;
		hreq.data = t->mon_h_wdata;
		const bool h_ready = t->mon_h_ready;
		creq.valid = t->c_valid;
		creq.port = CTRL;
		creq.addr = t->c_addr;
		creq.write = t->c_write;
		creq.strb = t->c_wstrb;
		creq.data = t->c_wdata;
		const bool c_ready = t->c_ready, c_rst = t->ctrl_rst;
		const bool c_complete = creq.valid && c_ready;

		tb.tick();

		// Channel rules: a response holds until taken; the host request until ready.
		if (bvalid && !bready && !t->s_axil_bvalid)
			tb.fail("BVALID dropped before BREADY");
		if (rvalid && !rready && (!t->s_axil_rvalid || t->s_axil_rdata != rdata))
			tb.fail("RVALID dropped or RDATA changed before RREADY");
		if (hreq.valid && !h_ready &&
		    (!t->mon_h_valid || t->mon_h_addr != hreq.addr || t->mon_h_write != hreq.write ||
		     (hreq.write && (t->mon_h_wdata != hreq.data || t->mon_h_wstrb != hreq.strb))))
			tb.fail("host request changed or dropped before ready (addr 0x%03x)", hreq.addr);

		// Which port the block served in the cycle just clocked.
		const bool ah = t->mon_h_ready, ac = t->c_ready;
		const bool want_h = hreq.valid && !h_ready, want_c = creq.valid && !c_ready && !c_rst;
		if (ah && ac)
			tb.fail("both ports ready in one cycle");
		if (ah && !want_h)
			tb.fail("host ready without a request waiting");
		if (ac && !want_c)
			tb.fail("controller ready without a request waiting%s", c_rst ? " (controller in reset)" : "");
		if ((want_h || want_c) && !ah && !ac)
			tb.fail("a request waited (host %d, controller %d) and neither was served", want_h, want_c);
		if (want_h && want_c) {
			cov.contention++;
			if (ah == m.last_host)
				tb.fail("both ports waited and the %s was served twice in a row", port_name[ah ? HOST : CTRL]);
		}

		reg_access a;
		if (ah || ac) {
			a = ah ? hreq : creq;
			const uint32_t want = a.write ? 0 : model_read(m, a.port, a.addr, in);
			const uint32_t mask = read_mask(a.addr);
			if ((a.addr & 3) != 0)
				cov.unaligned++;
			if (a.write && a.strb != 0xf)
				cov.part_strobe++;
			if (!a.write) {
				const uint32_t got = ah ? t->mon_h_rdata : t->c_rdata;
				if ((got ^ want) & mask)
					tb.fail("%s read 0x%03x: expected 0x%08x, got 0x%08x", port_name[a.port], a.addr,
						want & mask, got & mask);
				const uint32_t w = a.addr & 0x7fcu;
				cov.unmapped_rd += !is_mapped(w);
				cov.id_rd += w < NLUT_CTRL_REG_OFFSET;
				cov.status_in_reset += w == NLUT_STATUS_REG_OFFSET && m.dp_reset;
				for (unsigned i = 0; i < 3; i++)
					if (w == cnt_hi[i]) {
						cov.hi_rd_nonzero += want != 0;
						cov.hi_latch_differs += m.latch[0][i] != m.latch[1][i];
					}
			}
			if (verbose)
				printf("%lld: %s %s 0x%03x strb 0x%x data 0x%08x (read expects 0x%08x)\n", (long long)now,
				       port_name[a.port], a.write ? "write" : "read", a.addr, a.strb, a.data, want);
			if (ah)
				match_host(a, want, now);
			else
				serve_ctrl(a);
		}
		model_step(m, a, in, cov);

		// Handshakes of the cycle just clocked (after the access: those can only feed later ones).
		if (aw_hs) {
			wop(aw_id).aw_at = now;
			aw_id++;
			aw_on = false;
			aw_wait = delay(k.aw_idle);
		}
		if (w_hs) {
			wop(w_id).w_at = now;
			w_id++;
			w_on = false;
			w_wait = delay(k.w_idle);
		}
		if (ar_hs) {
			rop(ar_id).ar_at = now;
			ar_id++;
			ar_on = false;
			ar_wait = delay(k.ar_idle);
		}
		if (b_hs) {
			if (wr.empty() || wr.front().acc_at < 0)
				tb.fail("B response without a served write");
			if (bresp != 0)
				tb.fail("BRESP %u for write 0x%03x, expected OKAY", bresp, wr.front().addr);
			const hop &o = wr.front();
			if (o.aw_at < o.w_at)
				cov.aw_first++;
			else if (o.w_at < o.aw_at)
				cov.w_first++;
			else
				cov.aw_w_together++;
			wr.pop_front();
			wr_base++;
			n_b++;
		}
		if (r_hs) {
			if (rd.empty() || rd.front().acc_at < 0)
				tb.fail("R response without a served read");
			const hop &o = rd.front();
			const uint32_t mask = read_mask(o.addr);
			if (rresp != 0)
				tb.fail("RRESP %u for read 0x%03x, expected OKAY", rresp, o.addr);
			if ((rdata ^ o.want) & mask)
				tb.fail("host AXI read 0x%03x: expected 0x%08x (as served at cycle %lld), got 0x%08x", o.addr,
					o.want & mask, (long long)o.acc_at, rdata & mask);
			rd.pop_front();
			rd_base++;
			n_r++;
		}

		// Controller: done when ready met valid; a restart drops what is left.
		if (c_complete) {
			if (!cur.served)
				tb.fail("controller ready for a request never served");
			c_active = false;
			c_done++;
		} else if (c_rst && c_active) {
			c_active = false;
			if (cur.served)
				c_lost++;
			else
				c_dropped++;
			cov.ctrl_abandoned++;
		}

		check_outputs();
	}

	void match_host(const reg_access &a, uint32_t want, int64_t now)
	{
		auto &q = a.write ? wr : rd;
		hop *o = nullptr;

		for (auto &x : q)
			if (x.acc_at < 0) {
				o = &x;
				break;
			}
		if (!o)
			tb.fail("host %s of 0x%03x served with no AXI transaction waiting (duplicated?)",
				a.write ? "write" : "read", a.addr);
		if (a.write ? (o->aw_at < 0 || o->w_at < 0) : o->ar_at < 0)
			tb.fail("host %s of 0x%03x served before its AXI handshakes", a.write ? "write" : "read", a.addr);
		if (o->addr != a.addr || (a.write && (o->data != a.data || o->strb != a.strb)))
			tb.fail("host %s served as addr 0x%03x data 0x%08x strb 0x%x; AXI sent addr 0x%03x data "
				"0x%08x strb 0x%x",
				a.write ? "write" : "read", a.addr, a.data, a.strb, o->addr, o->data, o->strb);
		o->acc_at = now;
		o->want = want;
		if (a.write)
			n_hacc_w++;
		else
			n_hacc_r++;
	}

	void serve_ctrl(const reg_access &a)
	{
		if (!c_active || cur.served)
			tb.fail("controller %s of 0x%03x served twice or never asked", a.write ? "write" : "read", a.addr);
		cur.served = true;
		c_served++;
	}

	// Counters near a 2^32 (or 2^64) boundary, set in both the RTL and the model.
	void poke_counters()
	{
		uint64_t v[3];

		for (auto &x : v)
			switch (tb.rnd() % 4) {
			case 0: // about to wrap 2^64
				x = 0 - 1 - tb.rnd() % 4000;
				break;
			case 1:
			case 2: // about to carry into HI
				x = ((1 + tb.rnd() % 0xfffe) << 32) - 1 - tb.rnd() % 4000;
				break;
			default:
				x = tb.rnd();
			}
		auto *root = t->rootp;
		root->tb_regs__DOT__u_regs__DOT__cnt_in_reg = v[0];
		root->tb_regs__DOT__u_regs__DOT__cnt_out_reg = v[1];
		root->tb_regs__DOT__u_regs__DOT__cnt_stall_reg = v[2];
		for (unsigned i = 0; i < 3; i++)
			m.cnt[i] = v[i];
		tb.settle();
	}
};

int main(int argc, char **argv)
{
	nlut_tb<Vtb_regs> tb(argc, argv, "tb_regs_" TB_NAME);
	tbx x(tb);

	unsigned long n_ops = 60000; // host transactions; +ops=N
	for (int i = 1; i < argc; i++)
		if (!strncmp(argv[i], "+ops=", 5))
			n_ops = strtoul(argv[i] + 5, nullptr, 0);
		else if (!strcmp(argv[i], "+verbose"))
			x.verbose = true;

	x.new_phase();
	x.t->c_valid = 0;
	tb.reset();
	x.check_outputs();

	// First every word of the map once, from reset: identity block, reset values, holes.
	for (uint32_t a = 0; a < 0x800; a += 4) {
		hop o;
		o.addr = a;
		x.script.push_back(o);
	}
	uint64_t phase_end = tb.cycles + 3000;
	while (x.n_r + x.n_b < n_ops || !x.script.empty()) {
		if (tb.cycles >= phase_end) {
			x.new_phase();
			if (tb.chance(25))
				x.poke_counters();
			phase_end = tb.cycles + 500 + tb.rnd() % 4000;
		}
		x.cycle();
	}
	// Drain: everything issued is answered, exactly once.
	x.draining = true;
	for (unsigned i = 0; i < 2000 && (!x.wr.empty() || !x.rd.empty() || x.c_active); i++)
		x.cycle();
	if (!x.wr.empty() || !x.rd.empty() || x.c_active)
		tb.fail("lost transactions: %zu host writes and %zu host reads unanswered, controller %s", x.wr.size(),
			x.rd.size(), x.c_active ? "waiting" : "idle");
	const unsigned long n_wr_issued = x.wr_base, n_rd_issued = x.rd_base;
	if (x.n_hacc_w != n_wr_issued || x.n_b != n_wr_issued || x.n_hacc_r != n_rd_issued || x.n_r != n_rd_issued)
		tb.fail("host: %lu writes issued, %lu served, %lu B; %lu reads issued, %lu served, %lu R", n_wr_issued,
			x.n_hacc_w, x.n_b, n_rd_issued, x.n_hacc_r, x.n_r);
	// A request the controller's restart cut off may have been served (then
	// its ready went unseen) or not; nothing else may go missing.
	if (x.c_issued != x.c_done + x.c_dropped + x.c_lost || x.c_served != x.c_done + x.c_lost)
		tb.fail("controller: %lu issued, %lu served, %lu completed, %lu dropped and %lu cut off by its reset",
			x.c_issued, x.c_served, x.c_done, x.c_dropped, x.c_lost);

	const coverage &c = x.cov;
	struct {
		const char *name;
		unsigned long n;
		bool need;
	} cv[] = {
		{ "AW before W", c.aw_first, true },
		{ "W before AW", c.w_first, true },
		{ "AW with W", c.aw_w_together, true },
		{ "both ports waiting", c.contention, true },
		{ "unaligned accesses", c.unaligned, true },
		{ "partial-strobe writes", c.part_strobe, true },
		{ "identity reads", c.id_rd, true },
		{ "unmapped reads", c.unmapped_rd, true },
		{ "HI reads non-zero", c.hi_rd_nonzero, true },
		{ "HI reads with host/controller latches differing", c.hi_latch_differs, true },
		{ "counter carries into bit 32", c.carry32, true },
		{ "CLEAR of non-zero counters", c.clear_nonzero, true },
		{ "dp_reset pulses", c.dp_reset, true },
		{ "STATUS reads during dp_reset", c.status_in_reset, true },
		{ "ERRORS w1c clears", c.w1c_clear, true },
		{ "frame errors", c.err_frame, true },
		{ "sequence errors", c.err_seq, true },
		{ "BIST failures", c.err_bist, true },
		{ "watchdog expiries", c.err_wdog, WDOG_CYCLES != 0 },
		{ "ctrl_rst pulses", c.wdog_rst_seen, WDOG_CYCLES != 0 },
		{ "WDOG_RESET cleared by heartbeat", c.wdog_reset_cleared, WDOG_CYCLES != 0 },
		{ "controller requests held through reset", c.ctrl_in_reset_held, false },
		{ "controller requests abandoned at reset", c.ctrl_abandoned, false },
		{ "BIST starts", c.bist_start, true },
		{ "BIST_REQ cleared by controller", c.bist_req_clear, true },
		{ "mailbox commands", c.mbox_cmd, true },
		{ "mailbox responses", c.mbox_rsp, true },
		{ "host writes to controller-owned registers", c.host_ro_write, true },
		{ "PUSH while BIST_ACTIVE", c.push_active, true },
		{ "PUSH while not BIST_ACTIVE", c.push_idle, true },
		{ "RESULT set", c.result_set, true },
	};
	bool short_ = false;
	printf("tb_regs_%s: %llu cycles; host %lu writes %lu reads; controller %lu accesses\n", TB_NAME,
	       (unsigned long long)tb.cycles, n_wr_issued, n_rd_issued, x.c_served);
	for (auto &e : cv) {
		printf("  %-48s %lu\n", e.name, e.n);
		if (e.need && !e.n) {
			fprintf(stderr, "tb_regs_%s: never covered: %s\n", TB_NAME, e.name);
			short_ = true;
		}
	}
	if (short_)
		tb.fail("coverage holes (see above)");
	return 0;
}
