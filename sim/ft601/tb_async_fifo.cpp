// tb_async_fifo.cpp - nlut_async_fifo between two unrelated clocks: every word comes out once, in
// order, under random idle on the write side and back-pressure on the read side, for write/read
// clock periods given in ps (either faster, equal with another phase, far apart); s_free never
// promises room the FIFO does not have (a write while s_free > 0 is always taken), and the FIFO
// both fills and drains completely.
//
//   tb_async_fifo S_PS M_PS IDLE_PCT BP_PCT SEED     exit 0, or one line naming the failure
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>

#include <verilated.h>

#include "Vnlut_async_fifo.h"

[[noreturn]] static void fail(const char *what, unsigned long long at)
{
	fprintf(stderr, "tb_async_fifo: %s (word %llu)\n", what, at);
	exit(1);
}

int main(int argc, char **argv)
{
	if (argc != 6) {
		fprintf(stderr, "tb_async_fifo: usage: tb_async_fifo S_PS M_PS IDLE_PCT BP_PCT SEED\n");
		return 1;
	}
	uint64_t s_ps = strtoull(argv[1], NULL, 10), m_ps = strtoull(argv[2], NULL, 10);
	unsigned idle = (unsigned)atoi(argv[3]), bp = (unsigned)atoi(argv[4]);
	uint64_t rng = strtoull(argv[5], NULL, 10) * 0x9E3779B97F4A7C15ull | 1;
	auto rnd = [&rng]() {
		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		return (uint32_t)(rng >> 16);
	};
	Verilated::commandArgs(argc, argv);
	Vnlut_async_fifo *t = new Vnlut_async_fifo;
	const unsigned depth = 32;
	const uint64_t n = 20000;
	uint64_t next_s = s_ps / 2, next_m = m_ps / 3, sent = 0, got = 0, s_edges = 0;
	std::deque<uint64_t> want;
	bool was_full = false, was_empty_after = false;

	t->s_clk = t->m_clk = 0;
	t->s_rst = t->m_rst = 1;
	t->s_axis_tvalid = 0;
	t->m_axis_tready = 0;
	for (int k = 0; k < 8; k++) { // both resets over a few edges of each clock
		t->s_clk = t->m_clk = 1;
		t->eval();
		t->s_clk = t->m_clk = 0;
		t->eval();
	}
	t->s_rst = t->m_rst = 0;
	t->eval();
	// Phase 1 fills the FIFO (the reader waits), then both run with the chances given.
	while (got < n) {
		if (s_edges > 400000000ull)
			fail("no progress", got);
		t->s_clk = t->m_clk = 0;
		uint64_t now = next_s < next_m ? next_s : next_m;
		bool es = next_s == now, em = next_m == now;
		bool filling = sent < 200 && !was_full;
		// inputs before the edges
		if (es) {
			bool v = sent < n && (filling || rnd() % 100 >= idle);
			t->s_axis_tvalid = v;
			t->s_axis_tdata = ((uint64_t)sent * 0x9E3779B1ull) & 0xFFFFFFFFFull;
		}
		if (em)
			t->m_axis_tready = !filling && rnd() % 100 >= bp;
		t->eval();
		bool take = es && t->s_axis_tvalid && t->s_axis_tready;
		bool out = em && t->m_axis_tvalid && t->m_axis_tready;
		if (es) {
			if (t->s_axis_tvalid && t->s_free > 0 && !t->s_axis_tready)
				fail("s_free > 0 but the write is refused", sent);
			if (t->s_free > depth)
				fail("s_free above the depth", sent);
			if (t->s_free == 0 && !t->s_axis_tready)
				was_full = true;
		}
		if (out) {
			if (want.empty() || t->m_axis_tdata != want.front())
				fail("word lost, duplicated or changed", got);
			want.pop_front();
			got++;
			if (was_full && want.empty())
				was_empty_after = true;
		}
		if (take) {
			want.push_back(t->s_axis_tdata);
			sent++;
		}
		if (es) {
			t->s_clk = 1;
			next_s += s_ps;
			s_edges++;
		}
		if (em) {
			t->m_clk = 1;
			next_m += m_ps;
		}
		t->eval();
	}
	if (!was_full)
		fail("the FIFO never filled", got);
	if (!was_empty_after)
		fail("the FIFO never drained after filling", got);
	printf("tb_async_fifo: %llu words in order, write clock %.2f MHz, read clock %.2f MHz, idle %u%%, "
	       "back-pressure %u%%\n", (unsigned long long)n, 1e6 / (double)s_ps, 1e6 / (double)m_ps, idle, bp);
	t->final();
	delete t;
	return 0;
}
