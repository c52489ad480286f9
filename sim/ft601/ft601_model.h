// ft601_model.h - the FIFO side of an FTDI FT601 in 245 synchronous FIFO mode (one channel,
// 32-bit bus), cycle by cycle at its 100 MHz CLK, for testbenches of the FPGA side
// (rtl/shell/nlut_ft601_fifo.v; docs/ft601.md). It follows the datasheet's 245 timing:
//
//   - RXF_N low: the FT601 holds data for the FPGA. It drives DATA and BE from the edge after it
//     sees OE_N low; a word moves at each rising edge where OE_N, RD_N and RXF_N are low. BE marks
//     a partial word (the end of a USB transfer that was not a multiple of four bytes).
//   - TXE_N low: the FT601 has room. A word moves at each rising edge where WR_N and TXE_N are
//     low, its bytes those BE marks (contiguous from byte 0).
//
// and stops the test (the violation callback) on anything the datasheet forbids: the FPGA driving
// DATA/BE while OE_N is low, RD_N low without OE_N low at the edge before, RD_N low after an edge
// with RXF_N high, WR_N low after an edge with TXE_N high, WR_N without the FPGA driving the bus,
// RD_N and WR_N together, BE with a hole. Random back-pressure: RXF_N held high (the FT601 has not
// received the next USB packet yet) or TXE_N held high (its buffer towards the host is full or the
// host is not reading) on any cycle with the chances given per mille; bus values the FT601 does
// not drive are random, so an FPGA sampling them reads garbage.
#ifndef NLUT_FT601_MODEL_H
#define NLUT_FT601_MODEL_H

#include <cstdint>
#include <cstdio>
#include <deque>
#include <functional>
#include <string>
#include <vector>

struct ft601_pins {
	// driven by the FPGA (its registers' values before the edge)
	uint32_t data_o;
	uint8_t be_o;
	bool data_oe, oe_n, rd_n, wr_n;
	// driven by the FT601 (set by the model after each edge)
	uint32_t data_i;
	uint8_t be_i;
	bool rxf_n, txe_n;
};

class ft601_model {
public:
	// from_host_cap: the FT601's buffer towards the FPGA; to_host_cap: towards the host.
	ft601_model(size_t from_host_cap, size_t to_host_cap, uint64_t seed,
		    std::function<void(const std::string &)> violation)
		: in_cap(from_host_cap), out_cap(to_host_cap), rng(seed * 0x9E3779B97F4A7C15ull | 1),
		  fail(std::move(violation))
	{
	}

	unsigned rxf_stall = 0, txe_stall = 0; // back-pressure chances per mille per cycle

	// Host side. A USB OUT transfer: its bytes become words, the last one partial.
	size_t from_host_room() const { return in_cap - in_bytes; }
	void host_write(const uint8_t *p, size_t n)
	{
		for (size_t at = 0; at < n; at += 4) {
			word w = { 0, 0 };
			for (size_t k = 0; k < 4 && at + k < n; k++) {
				w.data |= (uint32_t)p[at + k] << (8 * k);
				w.be |= (uint8_t)(1u << k);
			}
			in_words.push_back(w);
		}
		in_bytes += n;
	}
	// The bytes the FPGA wrote, in order: the host takes them from here (TXE_N stays high while
	// fewer than four bytes fit).
	std::deque<uint8_t> to_host;

	uint64_t words_in = 0, words_out = 0, partial_in = 0, partial_out = 0, cycles = 0;

	// Set the FT601's outputs for the first cycle.
	void reset(ft601_pins &p)
	{
		p.rxf_n = p.txe_n = true;
		p.data_i = rnd();
		p.be_i = (uint8_t)(rnd() & 15);
		prev_oe_n = prev_rxf_n = prev_txe_n = true;
	}

	// One rising edge of CLK: p holds what both sides drove before it. Moves the words, checks
	// the protocol, then sets the FT601's outputs for the next cycle.
	void edge(ft601_pins &p)
	{
		cycles++;
		if (p.data_oe && !p.oe_n)
			fail("the FPGA drives DATA/BE while OE_N is low (bus contention)");
		if (!p.rd_n && !p.wr_n)
			fail("RD_N and WR_N low together");
		if (!p.rd_n && (p.oe_n || prev_oe_n))
			fail("RD_N low without OE_N low at the edge before");
		if (!p.rd_n && prev_rxf_n)
			fail("RD_N low after an edge with RXF_N high (reading an empty FIFO)");
		if (!p.wr_n && prev_txe_n)
			fail("WR_N low after an edge with TXE_N high (writing a full FIFO)");
		if (!p.wr_n && !p.data_oe)
			fail("WR_N low while the FPGA does not drive DATA/BE");
		if (!p.wr_n && !p.oe_n)
			fail("WR_N low while OE_N is low");
		// host -> FPGA
		if (!p.oe_n && !p.rd_n && !p.rxf_n) {
			word w = in_words.front();
			in_words.pop_front();
			in_bytes -= (size_t)__builtin_popcount(w.be);
			words_in++;
			partial_in += w.be != 15;
		}
		// FPGA -> host
		if (!p.wr_n && !p.txe_n) {
			uint8_t be = p.be_o & 15;
			if (be != 1 && be != 3 && be != 7 && be != 15)
				fail("BE " + std::to_string(be) + " written: not contiguous from byte 0");
			for (int k = 0; k < 4; k++)
				if (be >> k & 1)
					to_host.push_back((uint8_t)(p.data_o >> (8 * k)));
			words_out++;
			partial_out += be != 15;
		}
		prev_oe_n = p.oe_n;
		prev_rxf_n = p.rxf_n;
		prev_txe_n = p.txe_n;
		// outputs for the next cycle
		p.rxf_n = in_words.empty() || chance(rxf_stall);
		p.txe_n = to_host.size() + 4 > out_cap || chance(txe_stall);
		if (!p.oe_n && !in_words.empty()) {
			p.data_i = in_words.front().data;
			p.be_i = in_words.front().be;
		} else {
			p.data_i = rnd();
			p.be_i = (uint8_t)(rnd() & 15);
		}
	}

private:
	struct word {
		uint32_t data;
		uint8_t be;
	};
	std::deque<word> in_words;
	size_t in_bytes = 0, in_cap, out_cap;
	uint64_t rng;
	bool prev_oe_n = true, prev_rxf_n = true, prev_txe_n = true;
	std::function<void(const std::string &)> fail;

	uint32_t rnd()
	{
		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		return (uint32_t)(rng >> 16);
	}
	bool chance(unsigned per_mille) { return per_mille && rnd() % 1000 < per_mille; }
};

#endif /* NLUT_FT601_MODEL_H */
