// tb_ft601.cpp - co-simulation of the ft601-a7 board (boards/ft601-a7/ft601_a7_system.v: the FT601
// bridge, the shell, the controller running the firmware, the core) through the FT601's 245 FIFO
// bus, driven by the FT601 model (sim/ft601/ft601_model.h), which stops the run on any bus
// violation. Wire-protocol frames (host/lib/wire.c) go in as USB transfers of random sizes (so
// partial words with BE occur), with random RXF_N / TXE_N back-pressure, and with the shell clock
// at any period against the FT601's 10 ns. The board boots (firmware alive, self-test passed),
// shows the model's identity (registers and mailbox), runs the self-test on the host's request,
// answers register writes, refuses a corrupt
// frame, a sequence gap, a bad offset, an unknown type and a bad length with the right ERROR
// frames, takes a VECTORS frame of the largest payload (65536 bytes of whole records) and N
// seeded random vectors in frames of varied sizes: every RESULTS record must equal the golden
// model's, byte for byte, with its sequence tag.
//
//   tb_ft601 MODEL N SEED SHELL_PS RXF_STALL TXE_STALL
//       SHELL_PS: the shell clock's period in ps; *_STALL: back-pressure chances per mille.
//   exit 0 when all agree; one line on stderr naming the first difference or violation
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <verilated.h>

#include "../common/nlut_wire_host.h"
#include "ft601_board.h"

extern "C" {
#include <nlut/golden.h>
#include <nlut/model.h>
}

#ifndef TB_BOARD_ID
#define TB_BOARD_ID 0u
#endif

static ft601_board *board;
static nlut_wire_host *host;

// One edge: the host hands the FT601 a USB transfer of random size when it has room, and takes
// what the board wrote.
static void tick()
{
	std::deque<uint8_t> &tx = host->tx;
	if (!tx.empty() && board->ft.from_host_room() >= 64) {
		size_t n = 1 + host->rnd() % 1500, room = board->ft.from_host_room();
		if (n > tx.size())
			n = tx.size();
		if (n > room)
			n = room;
		std::vector<uint8_t> chunk(tx.begin(), tx.begin() + (long)n);
		tx.erase(tx.begin(), tx.begin() + (long)n);
		board->ft.host_write(chunk.data(), n);
	}
	board->step();
	if (!board->ft.to_host.empty()) {
		std::vector<uint8_t> got(board->ft.to_host.begin(), board->ft.to_host.end());
		board->ft.to_host.clear();
		host->rx(got.data(), got.size());
	}
}

int main(int argc, char **argv)
{
	tb_name = "tb_ft601";
	if (argc != 7)
		tb_fail("usage: tb_ft601 MODEL N SEED SHELL_PS RXF_STALL TXE_STALL");
	size_t n = strtoul(argv[2], NULL, 10);
	uint64_t seed = strtoull(argv[3], NULL, 10);
	host = new nlut_wire_host(tick, [] { return board->ft_cycles; }, "FT601 cycles");
	host->rnd.seed(seed);
	uint64_t shell_ps = strtoull(argv[4], NULL, 10);
	if (shell_ps < 2000 || shell_ps > 100000)
		tb_fail("SHELL_PS %s: not a period from 2000 to 100000 ps", argv[4]);

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
	board = new ft601_board(shell_ps, seed, 16384, 16384);
	board->ft.rxf_stall = (unsigned)strtoul(argv[5], NULL, 10);
	board->ft.txe_stall = (unsigned)strtoul(argv[6], NULL, 10);

	host->run(100);
	// Register reads take microseconds here, not milliseconds: poll the mailbox every 2000.
	host->check_boot(hash, TB_BOARD_ID, 2000);
	// The self-test on the host's request, after a datapath reset, as nlut_device_bist runs it.
	host->wr(NLUT_CTRL_REG_OFFSET, (1u << NLUT_CTRL_RESET_BIT) | (1u << NLUT_CTRL_CLEAR_BIT));
	host->wr(NLUT_CTRL_REG_OFFSET, 1u << NLUT_CTRL_ENABLE_BIT);
	host->wr(NLUT_BIST_CTRL_REG_OFFSET, 1u << NLUT_BIST_CTRL_START_BIT);
	uint32_t bist = 0;
	for (int k = 0; k < 400 && !(bist >> NLUT_BIST_STATUS_DONE_BIT & 1); k++) {
		bist = host->rd(NLUT_BIST_STATUS_REG_OFFSET);
		host->run(2000);
	}
	if ((bist & 7u) != ((1u << NLUT_BIST_STATUS_DONE_BIT) | (1u << NLUT_BIST_STATUS_PASS_BIT)))
		tb_fail("the self-test the host started did not pass (BIST_STATUS 0x%x after %llu cycles)", bist,
			(unsigned long long)board->ft_cycles);
	host->wr(NLUT_CTRL_REG_OFFSET, 0);
	host->check_refused_frames();

	// Vectors: the first frame is the largest payload the transport sends (65536 bytes of whole
	// records): it must fit the bridge's buffer whole. Then frames of 1 .. 64 records, 256 in
	// flight; every result checked.
	std::vector<uint16_t> codes(n * ni), scores(n * nc);
	std::vector<uint32_t> cls(n);
	for (size_t v = 0; v < n; v++)
		for (uint32_t i = 0; i < ni; i++)
			codes[v * ni + i] = (uint16_t)(host->rnd() & ((1u << bits[i]) - 1));
	if (nlut_golden_eval_batch(g, n, codes.data(), scores.data(), cls.data(), 1))
		tb_fail("golden evaluation failed");
	std::vector<uint8_t> in(n * sh.in_record);
	nlut_stream_pack(&sh, n, codes.data(), in.data());
	size_t big = 65536 / sh.in_record;
	host->check_vectors(&sh, n, in.data(), scores.data(), cls.data(), big, 64, big > 256 ? big : 256);
	if (!board->ft.partial_in)
		tb_fail("no partial word (BE) crossed the bus: the test did not exercise it");
	if (board->ft.partial_out)
		tb_fail("%llu partial words to the host: every frame is whole words",
			(unsigned long long)board->ft.partial_out);
	printf("tb_ft601: %zu vectors equal to golden; boot, identity (registers and mailbox), CRC, SEQ, OFFSET, TYPE and LENGTH errors checked; "
	       "a VECTORS frame of %zu bytes, shell clock %.2f MHz, back-pressure RXF_N %s/1000 TXE_N %s/1000, %llu words in (%llu partial), %llu out, "
	       "%llu FT601 cycles (%.2f ms at 100 MHz)\n", n, (big < n ? big : n) * sh.in_record, 1e6 / (double)shell_ps, argv[5], argv[6],
	       (unsigned long long)board->ft.words_in, (unsigned long long)board->ft.partial_in,
	       (unsigned long long)board->ft.words_out, (unsigned long long)board->ft_cycles,
	       (double)board->ft_cycles / 1e5);
	delete board;
	delete host;
	nlut_golden_free(g);
	nlut_model_free(m);
	return 0;
}
