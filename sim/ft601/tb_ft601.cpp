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
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <vector>

#include <verilated.h>

#include "ft601_board.h"

extern "C" {
#include <nlut/golden.h>
#include <nlut/model.h>
#include <nlut/regs.h>
#include <nlut/stream.h>
#include <nlut/wire.h>
}

#ifndef TB_BOARD_ID
#define TB_BOARD_ID 0u
#endif

static ft601_board *board;
static std::deque<uint8_t> tx_queue;        // bytes the host still has to send

[[noreturn]] static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("tb_ft601: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static uint32_t rnd();

// One edge: the host hands the FT601 a USB transfer of random size when it has room.
static void tick()
{
	if (!tx_queue.empty() && board->ft.from_host_room() >= 64) {
		size_t n = 1 + rnd() % 1500, room = board->ft.from_host_room();
		if (n > tx_queue.size())
			n = tx_queue.size();
		if (n > room)
			n = room;
		std::vector<uint8_t> chunk(tx_queue.begin(), tx_queue.begin() + (long)n);
		tx_queue.erase(tx_queue.begin(), tx_queue.begin() + (long)n);
		board->ft.host_write(chunk.data(), n);
	}
	board->step();
}

struct frame {
	uint8_t type;
	uint16_t seq;
	std::vector<uint8_t> payload;
};
static std::deque<frame> frames;

static void on_frame(void *, const struct nlut_wire_frame *f)
{
	frames.push_back(frame{ f->type, f->seq, std::vector<uint8_t>(f->payload, f->payload + f->len) });
}
static void on_error(void *, enum nlut_wire_errcode code, uint16_t seq)
{
	fail("host parser: error %d on board frame %u", (int)code, seq);
}

static struct nlut_wire_parser parser;
static uint8_t parser_buf[16 + 65536 + 16];

static void send(uint8_t type, uint16_t seq, const void *payload, uint32_t len, int corrupt = 0)
{
	std::vector<uint8_t> buf(16 + len);
	size_t n = nlut_wire_encode(type, seq, payload, len, buf.data());
	if (!n)
		fail("cannot encode a frame of %u bytes", len);
	if (corrupt)
		buf[12] ^= 0x10;
	tx_queue.insert(tx_queue.end(), buf.begin(), buf.begin() + (long)n);
}

// Run until a frame arrives (or the deadline passes) and return it.
static frame await(const char *what, uint64_t max_cycles = 4000000)
{
	uint64_t end = board->ft_cycles + max_cycles;
	std::vector<uint8_t> got;
	while (frames.empty()) {
		if (board->ft_cycles >= end)
			fail("no frame from the board while awaiting %s (%llu FT601 cycles)", what,
			     (unsigned long long)max_cycles);
		tick();
		if (!board->ft.to_host.empty()) {
			got.assign(board->ft.to_host.begin(), board->ft.to_host.end());
			board->ft.to_host.clear();
			nlut_wire_feed(&parser, got.data(), got.size());
		}
	}
	frame f = frames.front();
	frames.pop_front();
	return f;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t host_seq;

static uint32_t reg_access(uint8_t type, uint32_t off, uint32_t val)
{
	uint8_t p[8];
	for (int i = 0; i < 4; i++) {
		p[i] = (uint8_t)(off >> 8 * i);
		p[4 + i] = (uint8_t)(val >> 8 * i);
	}
	uint16_t seq = host_seq++;
	send(type, seq, p, type == NLUT_WIRE_REG_READ ? 4 : 8);
	frame f = await("a register answer");
	if (f.type != NLUT_WIRE_REG_VALUE || f.seq != seq || f.payload.size() != 8 || get32(f.payload.data()) != off)
		fail("register 0x%03x: answer type 0x%02x seq %u (expected REG_VALUE seq %u)", off, f.type, f.seq, seq);
	return get32(f.payload.data() + 4);
}
static uint32_t rd(uint32_t off) { return reg_access(NLUT_WIRE_REG_READ, off, 0); }
static void wr(uint32_t off, uint32_t v)
{
	if (reg_access(NLUT_WIRE_REG_WRITE, off, v) != v)
		fail("register 0x%03x: the write's answer does not echo 0x%08x", off, v);
}

static void expect_error(uint32_t code, uint16_t seq, const char *what)
{
	frame f = await(what);
	if (f.type != NLUT_WIRE_ERROR || f.payload.size() != 8 || get32(f.payload.data()) != code ||
	    get32(f.payload.data() + 4) != seq)
		fail("%s: got type 0x%02x (expected ERROR %u for frame %u)", what, f.type, code, seq);
}

static uint64_t rng = 1;
static uint32_t rnd()
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

int main(int argc, char **argv)
{
	if (argc != 7)
		fail("usage: tb_ft601 MODEL N SEED SHELL_PS RXF_STALL TXE_STALL");
	size_t n = strtoul(argv[2], NULL, 10);
	uint64_t seed = strtoull(argv[3], NULL, 10);
	rng = seed * 0x9E3779B97F4A7C15ull | 1;
	uint64_t shell_ps = strtoull(argv[4], NULL, 10);
	if (shell_ps < 2000 || shell_ps > 100000)
		fail("SHELL_PS %s: not a period from 2000 to 100000 ps", argv[4]);

	nlut_model *m;
	nlut_golden *g;
	if (nlut_model_load(argv[1], &m) || nlut_golden_new(m, &g))
		fail("cannot load the model %s", argv[1]);
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
		fail("bad stream shape");
	uint8_t hash[32];
	nlut_model_hash(m, hash);

	Verilated::commandArgs(argc, argv);
	board = new ft601_board(shell_ps, seed, 16384, 16384);
	board->ft.rxf_stall = (unsigned)strtoul(argv[5], NULL, 10);
	board->ft.txe_stall = (unsigned)strtoul(argv[6], NULL, 10);
	nlut_wire_parser_init(&parser, parser_buf, sizeof(parser_buf), on_frame, on_error, NULL);

	for (int c = 0; c < 100; c++)
		tick();
	// Boot: the firmware comes alive and runs the self-test.
	uint32_t st = 0, bist = 0;
	for (int k = 0; k < 200; k++) {
		st = rd(NLUT_STATUS_REG_OFFSET);
		bist = rd(NLUT_BIST_STATUS_REG_OFFSET);
		if ((st >> NLUT_STATUS_FW_ALIVE_BIT & 1) && (bist >> NLUT_BIST_STATUS_DONE_BIT & 1))
			break;
		for (int c = 0; c < 20000; c++)
			tick();
	}
	if (!(st >> NLUT_STATUS_FW_ALIVE_BIT & 1) || !(bist >> NLUT_BIST_STATUS_DONE_BIT & 1))
		fail("the board did not boot (STATUS 0x%x, BIST_STATUS 0x%x)", st, bist);
	if (!(bist >> NLUT_BIST_STATUS_PASS_BIT & 1))
		fail("the board's self-test failed (BIST_STATUS 0x%x)", bist);
	if (rd(NLUT_ID_MAGIC_REG_OFFSET) != NLUT_MAGIC)
		fail("ID_MAGIC is wrong");
	for (int k = 0; k < 8; k++)
		if (rd(NLUT_ID_MODEL_HASH_REG_OFFSET(k)) != get32(hash + 4 * k))
			fail("ID_MODEL_HASH word %d differs from the model's identity", k);
	// The mailbox (MBOX_DATA in block RAM on small parts): IDENTITY through the firmware.
	wr(NLUT_MBOX_CMD_REG_OFFSET, NLUT_OP_IDENTITY | 0x5Au << NLUT_MBOX_CMD_SEQ_OFFSET);
	uint32_t ms = 0;
	for (int k = 0; k < 100 && !(ms >> NLUT_MBOX_STATUS_DONE_BIT & 1); k++) {
		ms = rd(NLUT_MBOX_STATUS_REG_OFFSET);
		for (int c = 0; c < 2000; c++) // register reads take microseconds here, not milliseconds
			tick();
	}
	if (!(ms >> NLUT_MBOX_STATUS_DONE_BIT & 1))
		fail("the firmware did not answer the IDENTITY command");
	uint32_t rsp = rd(NLUT_MBOX_RSP_REG_OFFSET);
	if ((rsp & 0xFFu) != NLUT_RSP_OK || (rsp >> NLUT_MBOX_RSP_SEQ_OFFSET & 0xFFu) != 0x5Au ||
	    (rsp >> NLUT_MBOX_RSP_NDATA_OFFSET & 0xFFu) < 10)
		fail("IDENTITY answered 0x%08x", rsp);
	if (rd(NLUT_MBOX_DATA_REG_OFFSET(1)) != TB_BOARD_ID)
		fail("IDENTITY DATA1 is not the board id 0x%x", TB_BOARD_ID);
	for (int k = 0; k < 8; k++)
		if (rd(NLUT_MBOX_DATA_REG_OFFSET(2 + k)) != get32(hash + 4 * k))
			fail("IDENTITY DATA%d differs from the model's identity", 2 + k);
	// The self-test on the host's request, after a datapath reset, as nlut_device_bist runs it.
	wr(NLUT_CTRL_REG_OFFSET, (1u << NLUT_CTRL_RESET_BIT) | (1u << NLUT_CTRL_CLEAR_BIT));
	wr(NLUT_CTRL_REG_OFFSET, 1u << NLUT_CTRL_ENABLE_BIT);
	wr(NLUT_BIST_CTRL_REG_OFFSET, 1u << NLUT_BIST_CTRL_START_BIT);
	bist = 0;
	for (int k = 0; k < 400 && !(bist >> NLUT_BIST_STATUS_DONE_BIT & 1); k++) {
		bist = rd(NLUT_BIST_STATUS_REG_OFFSET);
		for (int c = 0; c < 2000; c++)
			tick();
	}
	if ((bist & 7u) != ((1u << NLUT_BIST_STATUS_DONE_BIT) | (1u << NLUT_BIST_STATUS_PASS_BIT)))
		fail("the self-test the host started did not pass (BIST_STATUS 0x%x after %llu cycles)", bist,
		     (unsigned long long)board->ft_cycles);
	wr(NLUT_CTRL_REG_OFFSET, 0);
	wr(NLUT_SCRATCH_REG_OFFSET, 0xA5C3E10Fu);
	if (rd(NLUT_SCRATCH_REG_OFFSET) != 0xA5C3E10Fu)
		fail("SCRATCH does not hold what was written");

	// A corrupt frame is refused (CRC) and not acted on; then a gap in the numbering (SEQ).
	{
		uint8_t p[8] = { (uint8_t)NLUT_SCRATCH_REG_OFFSET, 0, 0, 0, 1, 2, 3, 4 };
		send(NLUT_WIRE_REG_WRITE, host_seq, p, 8, 1);
		expect_error(NLUT_WIRE_ERR_CRC, host_seq, "a corrupt frame");
		if (rd(NLUT_SCRATCH_REG_OFFSET) != 0xA5C3E10Fu)
			fail("a frame with a bad CRC was acted on");
		uint16_t skip = (uint16_t)(host_seq + 5);
		send(NLUT_WIRE_REG_WRITE, skip, p, 8);
		expect_error(NLUT_WIRE_ERR_SEQ, skip, "a sequence gap");
		if (rd(NLUT_SCRATCH_REG_OFFSET) != 0xA5C3E10Fu)
			fail("a frame with a sequence gap was acted on");
	}

	// A register offset outside the map, an unknown type and a length wrong for the type: each
	// refused with its ERROR code naming the frame; the first two keep the numbering, the last is
	// dropped (the next number is then taken as it comes).
	{
		uint8_t p[8] = { 0x00, 0x08, 0, 0, 0, 0, 0, 0 }; // offset 0x800
		send(NLUT_WIRE_REG_READ, host_seq, p, 4);
		expect_error(NLUT_WIRE_ERR_OFFSET, host_seq++, "an offset outside the map");
		p[0] = 0x4E; p[1] = 0x00;                         // offset 0x04E: not word-aligned
		send(NLUT_WIRE_REG_READ, host_seq, p, 4);
		expect_error(NLUT_WIRE_ERR_OFFSET, host_seq++, "an unaligned offset");
		send(0x7E, host_seq, p, 4);
		expect_error(NLUT_WIRE_ERR_TYPE, host_seq++, "an unknown frame type");
		memset(p, 0, sizeof(p));
		send(NLUT_WIRE_REG_READ, host_seq, p, 8);
		expect_error(NLUT_WIRE_ERR_LENGTH, host_seq, "a REG_READ of 8 bytes");
		host_seq = (uint16_t)(host_seq + 3);
		if (rd(NLUT_SCRATCH_REG_OFFSET) != 0xA5C3E10Fu)
			fail("the board does not answer after refused frames");
	}

	// Vectors: enable the datapath, send VECTORS frames of 1 .. 16 records, check every result.
	wr(NLUT_CTRL_REG_OFFSET, (1u << NLUT_CTRL_ENABLE_BIT));
	std::vector<uint16_t> codes(n * ni), scores(n * nc);
	std::vector<uint32_t> cls(n);
	for (size_t v = 0; v < n; v++)
		for (uint32_t i = 0; i < ni; i++)
			codes[v * ni + i] = (uint16_t)(rnd() & ((1u << bits[i]) - 1));
	if (nlut_golden_eval_batch(g, n, codes.data(), scores.data(), cls.data(), 1))
		fail("golden evaluation failed");
	std::vector<uint8_t> in(n * sh.in_record), want(sh.out_record);
	nlut_stream_pack(&sh, n, codes.data(), in.data());
	size_t sent = 0, got = 0;
	int first_res = 1;
	uint16_t res_seq = 0;
	// The first frame is the largest payload the transport sends (65536 bytes of whole records):
	// it must fit the bridge's buffer whole. Then frames of 1 .. 64 records, 256 in flight.
	size_t big = 65536 / sh.in_record;
	const size_t window = big > 256 ? big : 256;
	while (got < n) {
		if (sent < n && sent - got < window && tx_queue.empty()) {
			size_t k = sent == 0 ? big : 1 + rnd() % 64;
			if (k > n - sent)
				k = n - sent;
			if (k > window - (sent - got))
				k = window - (sent - got);
			send(NLUT_WIRE_VECTORS, host_seq++, &in[sent * sh.in_record], (uint32_t)(k * sh.in_record));
			sent += k;
		}
		frame f = await("results");
		if (f.type != NLUT_WIRE_RESULTS)
			fail("vector %zu: frame type 0x%02x where results were expected", got, f.type);
		if (!first_res && f.seq != res_seq)
			fail("RESULTS frame %u after %u: a frame was lost", f.seq, (uint16_t)(res_seq - 1));
		first_res = 0;
		res_seq = (uint16_t)(f.seq + 1);
		if (f.payload.size() % sh.out_record)
			fail("a RESULTS frame of %zu bytes is not whole records", f.payload.size());
		for (size_t o = 0; o < f.payload.size(); o += sh.out_record, got++) {
			if (got >= n)
				fail("more results than vectors");
			nlut_stream_put_result(&sh, (uint32_t)got, cls[got], &scores[got * nc], want.data());
			if (memcmp(&f.payload[o], want.data(), sh.out_record))
				fail("vector %zu: the board's result record differs from the golden model's "
				     "(class %u expected)", got, cls[got]);
		}
	}
	if (rd(NLUT_CNT_IN_LO_REG_OFFSET) != n || rd(NLUT_CNT_OUT_LO_REG_OFFSET) != n)
		fail("the board's counters do not show %zu vectors in and out", n);
	if (!board->ft.partial_in)
		fail("no partial word (BE) crossed the bus: the test did not exercise it");
	if (board->ft.partial_out)
		fail("%llu partial words to the host: every frame is whole words",
		     (unsigned long long)board->ft.partial_out);
	printf("tb_ft601: %zu vectors equal to golden; boot, identity (registers and mailbox), CRC, SEQ, OFFSET, TYPE and LENGTH errors checked; "
	       "a VECTORS frame of %zu bytes, shell clock %.2f MHz, back-pressure RXF_N %s/1000 TXE_N %s/1000, %llu words in (%llu partial), %llu out, "
	       "%llu FT601 cycles (%.2f ms at 100 MHz)\n", n, (big < n ? big : n) * sh.in_record, 1e6 / (double)shell_ps, argv[5], argv[6],
	       (unsigned long long)board->ft.words_in, (unsigned long long)board->ft.partial_in,
	       (unsigned long long)board->ft.words_out, (unsigned long long)board->ft_cycles,
	       (double)board->ft_cycles / 1e5);
	delete board;
	nlut_golden_free(g);
	nlut_model_free(m);
	return 0;
}
