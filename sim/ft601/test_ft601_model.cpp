// test_ft601_model.cpp - the FT601 model (ft601_model.h) catches what it must: a legal read burst
// (partial last word) and write burst move the right bytes with no complaint, and each forbidden
// bus state stops the test with its message. Without this, a model that never complains would
// let tb_ft601 and usb_rtl pass whatever the bridge did.
#include <cstdio>
#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

#include "ft601_model.h"

static int failures;

struct violation : std::runtime_error {
	using std::runtime_error::runtime_error;
};

static ft601_model make()
{
	return ft601_model(4096, 4096, 1, [](const std::string &m) { throw violation(m); });
}

static void idle(ft601_pins &p)
{
	p.data_oe = false;
	p.oe_n = p.rd_n = p.wr_n = true;
}

// Run the edges of `steps` (each sets the FPGA's pins before an edge); expect a violation
// naming `want`, or none when want is null.
template <class F> static void expect(const char *name, const char *want, F steps)
{
	ft601_model ft = make();
	ft601_pins p = {};
	const char *got = nullptr;
	std::string msg;

	ft.reset(p);
	try {
		steps(ft, p);
	} catch (const violation &v) {
		msg = v.what();
		got = msg.c_str();
	}
	if (want ? !got || !strstr(got, want) : got != nullptr) {
		fprintf(stderr, "test_ft601_model: %s: expected %s, got %s\n", name, want ? want : "no violation",
			got ? got : "none");
		failures++;
	} else {
		printf("test_ft601_model: %s: %s\n", name, got ? got : "legal");
	}
}

int main()
{
	const uint8_t bytes[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };

	expect("read burst", nullptr, [&](ft601_model &ft, ft601_pins &p) {
		idle(p);
		ft.host_write(bytes, sizeof(bytes)); // words 04030201, 08070605, 0a09 (BE 0011)
		ft.edge(p);                          // RXF_N falls after this edge
		if (p.rxf_n)
			throw std::runtime_error("RXF_N high with data");
		p.oe_n = false;
		ft.edge(p); // OE_N low: the FT601 drives the first word
		p.rd_n = false;
		uint32_t want[] = { 0x04030201u, 0x08070605u, 0x00000a09u };
		uint8_t be[] = { 15, 15, 3 };
		for (int k = 0; k < 3; k++) {
			if (p.rxf_n || (p.data_i & (be[k] == 3 ? 0xFFFFu : ~0u)) != want[k] || p.be_i != be[k])
				throw std::runtime_error("word " + std::to_string(k) + " wrong");
			ft.edge(p);
		}
		if (!p.rxf_n)
			throw std::runtime_error("RXF_N low when empty");
		idle(p);
		ft.edge(p);
		if (ft.words_in != 3 || ft.partial_in != 1)
			throw std::runtime_error("counts wrong");
	});
	expect("write burst", nullptr, [&](ft601_model &ft, ft601_pins &p) {
		idle(p);
		ft.edge(p); // TXE_N low after this edge
		ft.edge(p); // the FPGA sees it at this one
		p.data_oe = true;
		p.wr_n = false;
		p.data_o = 0x44332211u;
		p.be_o = 15;
		ft.edge(p);
		p.data_o = 0x00006655u;
		p.be_o = 3;
		ft.edge(p);
		idle(p);
		ft.edge(p);
		const uint8_t want[] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66 };
		if (ft.to_host.size() != 6 || !std::equal(ft.to_host.begin(), ft.to_host.end(), want))
			throw std::runtime_error("bytes to the host wrong");
	});
	expect("contention", "drives DATA/BE while OE_N is low", [&](ft601_model &ft, ft601_pins &p) {
		idle(p);
		p.oe_n = false;
		p.data_oe = true;
		ft.edge(p);
	});
	expect("RD_N without OE_N", "without OE_N low at the edge before", [&](ft601_model &ft, ft601_pins &p) {
		idle(p);
		ft.host_write(bytes, 4);
		ft.edge(p);
		p.oe_n = false;
		p.rd_n = false; // in the same cycle as OE_N
		ft.edge(p);
	});
	expect("RD_N on empty", "reading an empty FIFO", [&](ft601_model &ft, ft601_pins &p) {
		idle(p);
		p.oe_n = false;
		ft.edge(p);
		p.rd_n = false; // RXF_N was high at the edge before
		ft.edge(p);
	});
	expect("WR_N on full", "writing a full FIFO", [&](ft601_model &ft, ft601_pins &p) {
		idle(p);
		ft.txe_stall = 1000; // TXE_N held high
		ft.edge(p);
		p.data_oe = true;
		p.wr_n = false;
		ft.edge(p);
	});
	expect("WR_N undriven", "does not drive DATA/BE", [&](ft601_model &ft, ft601_pins &p) {
		idle(p);
		ft.edge(p);
		ft.edge(p);
		p.wr_n = false;
		ft.edge(p);
	});
	expect("BE hole", "not contiguous", [&](ft601_model &ft, ft601_pins &p) {
		idle(p);
		ft.edge(p);
		ft.edge(p);
		p.data_oe = true;
		p.wr_n = false;
		p.be_o = 5;
		ft.edge(p);
	});
	expect("RD_N and WR_N", "RD_N and WR_N low together", [&](ft601_model &ft, ft601_pins &p) {
		idle(p);
		p.rd_n = p.wr_n = false;
		ft.edge(p);
	});
	return failures ? 1 : 0;
}
