// tb_ice40.cpp - co-simulation of an iCE40 board's top (boards/ice40-hx8k/top.v: nlut_uart_bridge,
// the shell in its small-part configuration, the controller running the firmware, the core)
// through its UART pins, cycle by cycle: wire-protocol frames (host/lib/wire.c) go in as UART
// bits and come back out as bits. The board boots (firmware alive, self-test done and passed),
// shows the model's identity (registers and the mailbox), answers register writes, refuses a
// corrupt frame, a sequence gap, a bad offset, an unknown type and a bad length with the right
// ERROR frames, and classifies N seeded random vectors in VECTORS frames of varied
// sizes: every RESULTS record must equal the golden model's, byte for byte, with its sequence tag.
//
//   tb_ice40 MODEL N SEED      exit 0 when all agree; one line on stderr naming the first difference
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <verilated.h>

#include "../common/nlut_wire_host.h"
#include "Vtop.h"
#include "nlut_uart_line.h"

extern "C" {
#include <nlut/golden.h>
#include <nlut/model.h>
}

#ifndef TB_BOARD_ID
#define TB_BOARD_ID 0u
#endif
#ifndef TB_CLKS_PER_BIT
#define TB_CLKS_PER_BIT 12
#endif

static Vtop *top;
static uint64_t cycles;
static nlut_uart_line line;                 // the host's end of the UART
static nlut_wire_host *host;

// One clock cycle: drive the host's line, sample the board's.
static void tick()
{
	if (line.tx_idle() && !host->tx.empty()) {
		line.send(host->tx.front());
		host->tx.pop_front();
	}
	top->uart_rx = (uint8_t)line.drive();
	top->clk_12mhz = 0;
	top->eval();
	top->clk_12mhz = 1;
	top->eval();
	cycles++;
	uint8_t b;
	int got = line.sample(top->uart_tx, &b);
	if (got < 0)
		tb_fail("board sent a byte with a low stop bit at cycle %llu", (unsigned long long)cycles);
	if (got > 0)
		host->rx(&b, 1);
}

int main(int argc, char **argv)
{
	tb_name = "tb_ice40";
	if (argc != 4)
		tb_fail("usage: tb_ice40 MODEL N SEED");
	size_t n = strtoul(argv[2], NULL, 10);
	host = new nlut_wire_host(tick, [] { return cycles; }, "cycles");
	host->rnd.seed(strtoull(argv[3], NULL, 10));

	nlut_model *m;
	nlut_golden *g;
	if (nlut_model_load(argv[1], &m) || nlut_golden_new(m, &g))
		tb_fail("cannot load the model %s", argv[1]);
	uint32_t ni = nlut_model_num_inputs(m), nc = nlut_model_num_classes(m);
	std::vector<uint8_t> bits(ni);
	for (uint32_t i = 0; i < ni; i++)
		bits[i] = nlut_model_quant(m)[i].bits;
	struct nlut_stream_shape sh = {};
	sh.n_inputs = ni;
	sh.in_bits = bits.data();
	sh.n_classes = nc;
	sh.s_bytes = 4;
	sh.m_bytes = 4;
	sh.scores = 1;
	if (nlut_stream_shape_init(&sh))
		tb_fail("bad stream shape");
	uint8_t hash[32];
	nlut_model_hash(m, hash);

	Verilated::commandArgs(argc, argv);
	top = new Vtop;
	top->uart_rx = 1;
	line.cpb = TB_CLKS_PER_BIT;

	// Configuration done: the line idles while the board leaves its power-on reset.
	host->run(1000);
	host->check_boot(hash, TB_BOARD_ID, 0);
	host->check_refused_frames();

	// Vectors: VECTORS frames of 1 .. 16 records, 16 in flight (their bytes stay far below the
	// board's buffers), every result checked.
	std::vector<uint16_t> codes(n * ni), scores(n * nc);
	std::vector<uint32_t> cls(n);
	for (size_t v = 0; v < n; v++)
		for (uint32_t i = 0; i < ni; i++)
			codes[v * ni + i] = (uint16_t)(host->rnd() & ((1u << bits[i]) - 1));
	if (nlut_golden_eval_batch(g, n, codes.data(), scores.data(), cls.data(), 1))
		tb_fail("golden evaluation failed");
	std::vector<uint8_t> in(n * sh.in_record);
	nlut_stream_pack(&sh, n, codes.data(), in.data());
	host->check_vectors(&sh, n, in.data(), scores.data(), cls.data(), 1 + host->rnd() % 16, 16, 16);
	printf("tb_ice40: %zu vectors equal to golden; boot, identity (registers and mailbox), CRC, SEQ, OFFSET, TYPE and LENGTH errors checked; "
	       "%llu cycles (%.2f s at 12 MHz)\n", n, (unsigned long long)cycles, (double)cycles / 12e6);
	top->final();
	delete top;
	delete host;
	nlut_golden_free(g);
	nlut_model_free(m);
	return 0;
}
