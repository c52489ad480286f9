// tb_movers.cpp - the AXI4 movers (rtl/axi/) against the card memory model:
// blocks of odd and boundary lengths at addresses next to 4 KiB boundaries,
// with idle input × back-pressure on the stream × memory stalls and
// latencies. The reader's stream must equal memory, TLAST every record; the
// writer must store exactly the beats given and nothing around them, and
// pulse done only once every burst's response is back; no AXI rule broken,
// and the bursts in flight reach but never pass MAX_OUTSTANDING.
#include <cinttypes>
#include <vector>

#include "Vtb_movers.h"
#include "nlut_axi_mem.h"
#include "nlut_bits.h"
#include "nlut_tb.h"

typedef nlut_tb<Vtb_movers> tb_t;

static const unsigned B = DATA_BYTES;

static void to_port(Vtb_movers *t, nlut_axi_port &rp, nlut_axi_port &wp)
{
	rp.araddr = t->rd_araddr;
	rp.arlen = t->rd_arlen;
	rp.arvalid = t->rd_arvalid;
	rp.rready = t->rd_rready;
	wp.awaddr = t->wr_awaddr;
	wp.awlen = t->wr_awlen;
	wp.awvalid = t->wr_awvalid;
	wp.wvalid = t->wr_wvalid;
	wp.wlast = t->wr_wlast;
	nlut_from_sig(t->wr_wdata, wp.wdata, B);
	uint8_t strb[8];
	nlut_from_sig(t->wr_wstrb, strb, sizeof(strb));
	wp.wstrb = 0;
	for (int i = 0; i < 8; i++)
		wp.wstrb |= (uint64_t)strb[i] << (8 * i);
	if (B < 64)
		wp.wstrb |= ~0ull << (B % 64); // bits beyond the port: not there
	wp.bready = t->wr_bready;
}

static void from_port(Vtb_movers *t, const nlut_axi_port &rp, const nlut_axi_port &wp)
{
	t->rd_arready = rp.arready;
	t->rd_rvalid = rp.rvalid;
	t->rd_rlast = rp.rlast;
	t->rd_rresp = rp.rresp;
	nlut_to_sig(t->rd_rdata, rp.rdata, B);
	t->wr_awready = wp.awready;
	t->wr_wready = wp.wready;
	t->wr_bvalid = wp.bvalid;
	t->wr_bresp = wp.bresp;
}

struct block_case {
	uint64_t addr;
	uint64_t beats;
	unsigned rec;
	unsigned idle, stall, mem_stall, lat;
};

static size_t run_case(tb_t &tb, const block_case &c, unsigned n)
{
	Vtb_movers *t = tb.top;
	const uint64_t guard = 4096, bytes = c.beats * B;
	const uint64_t rd_base = c.addr, wr_base = c.addr + (1ull << 32);
	nlut_axi_mem_config mc;
	mc.data_bytes = B;
	mc.stall_pct = c.mem_stall;
	mc.lat_min = c.lat / 2 + 1;
	mc.lat_max = c.lat + 1;
	mc.seed = tb.rnd();
	nlut_axi_store rstore, wstore;
	nlut_axi_mem rmem(mc, rstore), wmem(mc, wstore);
	rstore.map(rd_base - guard, bytes + 2 * guard);
	wstore.map(wr_base - guard, bytes + 2 * guard);
	std::vector<uint8_t> src(bytes + 2 * guard), fill(bytes + 2 * guard);
	for (auto &x : src)
		x = (uint8_t)tb.rnd();
	for (auto &x : fill)
		x = (uint8_t)tb.rnd();
	rstore.poke(rd_base - guard, src.data(), src.size());
	wstore.poke(wr_base - guard, fill.data(), fill.size());
	// What the writer gets: random beats, independent of the reader's.
	std::vector<uint8_t> dst(bytes);
	for (auto &x : dst)
		x = (uint8_t)tb.rnd();

	t->rd_start = 1;
	t->rd_addr = rd_base;
	t->rd_beats = c.beats;
	t->rd_rec_beats = c.rec;
	t->wr_start = 1;
	t->wr_addr = wr_base;
	t->wr_beats = c.beats;
	nlut_axi_port rp, wp;
	uint64_t got = 0, sent = 0, start_cycle = tb.cycles;
	bool done_seen = false;
	t->wr_tvalid = 0;
	for (;;) {
		// Drive: memories, the writer's source (idle), the reader's sink (stall).
		to_port(t, rp, wp);
		rmem.drive(rp);
		wmem.drive(wp);
		from_port(t, rp, wp);
		if (!t->wr_tvalid && sent < c.beats && !tb.chance(c.idle)) {
			nlut_to_sig(t->wr_tdata, &dst[sent * B], B);
			t->wr_tvalid = 1;
		}
		t->rd_tready = !tb.chance(c.stall);
		tb.settle();
		to_port(t, rp, wp);
		rmem.sample(rp);
		wmem.sample(wp);
		bool w_take = t->wr_tvalid && t->wr_tready;
		if (t->rd_tvalid && t->rd_tready) {
			uint8_t beat[128];
			nlut_from_sig(t->rd_tdata, beat, B);
			if (got >= c.beats)
				tb.fail("case %u: reader streamed beat %" PRIu64 " of %" PRIu64, n, got, c.beats);
			if (memcmp(beat, &src[guard + got * B], B))
				tb.fail("case %u: reader beat %" PRIu64 " differs from memory at 0x%" PRIx64, n, got,
					rd_base + got * B);
			bool last = (got + 1) % c.rec == 0;
			if (t->rd_tlast != last)
				tb.fail("case %u: reader TLAST %d on beat %" PRIu64 " (records of %u beats)", n,
					t->rd_tlast, got, c.rec);
			got++;
		}
		if (t->wr_done) {
			if (done_seen)
				tb.fail("case %u: writer done twice", n);
			done_seen = true;
			if (sent != c.beats || wmem.bresps() != wmem.writes())
				tb.fail("case %u: writer done after %" PRIu64 " of %" PRIu64
					" beats, %" PRIu64 " of %" PRIu64 " responses",
					n, sent, c.beats, wmem.bresps(), wmem.writes());
		}
		tb.tick();
		t->rd_start = 0;
		t->wr_start = 0;
		if (w_take) {
			sent++;
			t->wr_tvalid = 0;
		}
		if (!rmem.violation().empty())
			tb.fail("case %u: reader broke AXI: %s", n, rmem.violation().c_str());
		if (!wmem.violation().empty())
			tb.fail("case %u: writer broke AXI: %s", n, wmem.violation().c_str());
		if (rmem.max_ar_seen > MAX_OUTSTANDING)
			tb.fail("case %u: %zu read bursts in flight, at most %d allowed", n, rmem.max_ar_seen,
				MAX_OUTSTANDING);
		if (done_seen && !t->rd_busy && got == c.beats)
			break;
		if (tb.cycles - start_cycle > 200000 + 50 * c.beats)
			tb.fail("case %u: stuck: %" PRIu64 "/%" PRIu64 " beats read, %" PRIu64
				" written, writer busy %d done %d",
				n, got, c.beats, sent, t->wr_busy, done_seen);
	}
	if (t->wr_busy || t->rd_error || t->wr_error)
		tb.fail("case %u: after the block: writer busy %d, errors %d/%d", n, t->wr_busy, t->rd_error,
			t->wr_error);
	std::vector<uint8_t> out(bytes + 2 * guard);
	wstore.peek(wr_base - guard, out.data(), out.size());
	if (memcmp(out.data(), fill.data(), guard) || memcmp(&out[guard + bytes], &fill[guard + bytes], guard))
		tb.fail("case %u: writer touched memory outside its block", n);
	if (memcmp(&out[guard], dst.data(), bytes))
		tb.fail("case %u: written block differs from the beats given", n);
	if (wmem.writes() < (c.beats + MAX_BURST - 1) / MAX_BURST)
		tb.fail("case %u: %" PRIu64 " write bursts for %" PRIu64 " beats", n, wmem.writes(), c.beats);
	return rmem.max_ar_seen;
}

int main(int argc, char **argv)
{
	tb_t tb(argc, argv, "tb_movers_" TB_NAME);
	Vtb_movers *t = tb.top;
	t->rd_start = 0;
	t->wr_start = 0;
	tb.reset();

	const uint64_t page_beats = 4096 / B;
	const uint64_t lens[] = { 1, 2, 3, MAX_BURST - 1, MAX_BURST, MAX_BURST + 1, 2 * MAX_BURST + 3,
				  page_beats - 1, page_beats + 1, 3 * page_beats + 5 };
	const unsigned pcts[] = { 0, 30, 70 };
	unsigned n = 0;
	for (unsigned idle : pcts)
		for (unsigned stall : pcts)
			for (uint64_t len : lens) {
				block_case c;
				// Start a few beats before a 4 KiB boundary, on it, or anywhere.
				uint64_t page = 0x10000000ull + 4096 * (tb.rnd() % 1024);
				switch (tb.rnd() % 3) {
				case 0: c.addr = page - B * (1 + tb.rnd() % 5); break;
				case 1: c.addr = page; break;
				default: c.addr = page + B * (tb.rnd() % page_beats); break;
				}
				c.beats = len;
				c.rec = 1 + (unsigned)(tb.rnd() % 5);
				c.idle = idle;
				c.stall = stall;
				c.mem_stall = pcts[tb.rnd() % 3];
				c.lat = (unsigned)(tb.rnd() % 40);
				run_case(tb, c, n++);
			}
	// Long blocks with long latency and no stalls: the reader must keep
	// MAX_OUTSTANDING bursts in flight.
	for (int k = 0; k < 2; k++) {
		block_case c = { 0x20000000ull + 4096 * (uint64_t)k, 2 * MAX_OUTSTANDING * MAX_BURST + 1, 3, 0, 0, 0, 200 };
		size_t peak = run_case(tb, c, n++);
		if (peak != MAX_OUTSTANDING)
			tb.fail("long block: at most %zu read bursts in flight, %d expected", peak, MAX_OUTSTANDING);
	}
	printf("tb_movers_%s: %u blocks read and written, every beat checked, in %" PRIu64 " cycles\n",
	       TB_NAME, n, tb.cycles);
	return 0;
}
