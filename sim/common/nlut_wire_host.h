// nlut_wire_host.h - the host's end of the wire protocol (docs/wire-protocol.md) in a board
// testbench, and the checks every board with a wire link passes: boot and identity, register
// access, refused frames, and vectors whose every result record must equal the golden model's.
// The testbench supplies the link: one step of the board (which takes bytes from tx as its link
// allows and hands what the board sent to rx()) and the count of link cycles for deadlines.
#ifndef NLUT_WIRE_HOST_H
#define NLUT_WIRE_HOST_H

#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <vector>

extern "C" {
#include <nlut/regs.h>
#include <nlut/stream.h>
#include <nlut/wire.h>
}

// The testbench's name, the prefix of its one failure line.
static const char *tb_name = "tb";

[[noreturn]] static void tb_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void tb_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "%s: ", tb_name);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static inline uint32_t tb_get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

// Seeded xorshift: the same seed gives the same run.
struct tb_rng {
	uint64_t s = 1;
	void seed(uint64_t v) { s = v * 0x9E3779B97F4A7C15ull | 1; }
	uint32_t operator()()
	{
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		return (uint32_t)(s >> 16);
	}
};

class nlut_wire_host {
public:
	struct frame {
		uint8_t type;
		uint16_t seq;
		std::vector<uint8_t> payload;
	};

	// step: one cycle of the link; cycles: the link cycles so far; clock: their name in messages.
	nlut_wire_host(std::function<void()> step, std::function<uint64_t()> cycles, const char *clock)
		: step_(std::move(step)), cycles_(std::move(cycles)), clock_(clock)
	{
		nlut_wire_parser_init(&parser_, parser_buf_, sizeof(parser_buf_), on_frame, on_error, this);
	}
	nlut_wire_host(const nlut_wire_host &) = delete;
	nlut_wire_host &operator=(const nlut_wire_host &) = delete;

	std::deque<uint8_t> tx; // bytes the link still has to carry to the board
	uint16_t seq = 0;       // the host's next frame number
	tb_rng rnd;

	// Bytes the board sent.
	void rx(const uint8_t *p, size_t n) { nlut_wire_feed(&parser_, p, n); }

	void send(uint8_t type, uint16_t s, const void *payload, uint32_t len, int corrupt = 0)
	{
		std::vector<uint8_t> buf(16 + len);
		size_t n = nlut_wire_encode(type, s, payload, len, buf.data());
		if (!n)
			tb_fail("cannot encode a frame of %u bytes", len);
		if (corrupt)
			buf[12] ^= 0x10;
		tx.insert(tx.end(), buf.begin(), buf.begin() + (long)n);
	}

	// Run until a frame arrives (or the deadline passes) and return it.
	frame await(const char *what, uint64_t max_cycles = 4000000)
	{
		uint64_t end = cycles_() + max_cycles;
		while (frames_.empty()) {
			if (cycles_() >= end)
				tb_fail("no frame from the board while awaiting %s (%llu %s)", what,
					(unsigned long long)max_cycles, clock_);
			step_();
		}
		frame f = frames_.front();
		frames_.pop_front();
		return f;
	}

	void run(uint64_t cycles)
	{
		for (uint64_t c = 0; c < cycles; c++)
			step_();
	}

	uint32_t rd(uint32_t off) { return reg_access(NLUT_WIRE_REG_READ, off, 0); }
	void wr(uint32_t off, uint32_t v)
	{
		if (reg_access(NLUT_WIRE_REG_WRITE, off, v) != v)
			tb_fail("register 0x%03x: the write's answer does not echo 0x%08x", off, v);
	}

	void expect_error(uint32_t code, uint16_t s, const char *what)
	{
		frame f = await(what);
		if (f.type != NLUT_WIRE_ERROR || f.payload.size() != 8 || tb_get32(f.payload.data()) != code ||
		    tb_get32(f.payload.data() + 4) != s)
			tb_fail("%s: got type 0x%02x (expected ERROR %u for frame %u)", what, f.type, code, s);
	}

	// The firmware comes alive and its self-test passes; ID_MAGIC and the model hash in the
	// registers and through the mailbox's IDENTITY command, with the board id. poll: link cycles
	// between polls of the mailbox (where register reads are fast against the firmware).
	void check_boot(const uint8_t hash[32], uint32_t board_id, uint64_t poll)
	{
		uint32_t st = 0, bist = 0;
		for (int k = 0; k < 200; k++) {
			st = rd(NLUT_STATUS_REG_OFFSET);
			bist = rd(NLUT_BIST_STATUS_REG_OFFSET);
			if ((st >> NLUT_STATUS_FW_ALIVE_BIT & 1) && (bist >> NLUT_BIST_STATUS_DONE_BIT & 1))
				break;
			run(20000);
		}
		if (!(st >> NLUT_STATUS_FW_ALIVE_BIT & 1) || !(bist >> NLUT_BIST_STATUS_DONE_BIT & 1))
			tb_fail("the board did not boot (STATUS 0x%x, BIST_STATUS 0x%x)", st, bist);
		if (!(bist >> NLUT_BIST_STATUS_PASS_BIT & 1))
			tb_fail("the board's self-test failed (BIST_STATUS 0x%x)", bist);
		if (rd(NLUT_ID_MAGIC_REG_OFFSET) != NLUT_MAGIC)
			tb_fail("ID_MAGIC is wrong");
		for (int k = 0; k < 8; k++)
			if (rd(NLUT_ID_MODEL_HASH_REG_OFFSET(k)) != tb_get32(hash + 4 * k))
				tb_fail("ID_MODEL_HASH word %d differs from the model's identity", k);
		// The mailbox (MBOX_DATA in block RAM on small parts): IDENTITY through the firmware.
		wr(NLUT_MBOX_CMD_REG_OFFSET, NLUT_OP_IDENTITY | 0x5Au << NLUT_MBOX_CMD_SEQ_OFFSET);
		uint32_t ms = 0;
		for (int k = 0; k < 100 && !(ms >> NLUT_MBOX_STATUS_DONE_BIT & 1); k++) {
			ms = rd(NLUT_MBOX_STATUS_REG_OFFSET);
			run(poll);
		}
		if (!(ms >> NLUT_MBOX_STATUS_DONE_BIT & 1))
			tb_fail("the firmware did not answer the IDENTITY command");
		uint32_t rsp = rd(NLUT_MBOX_RSP_REG_OFFSET);
		if ((rsp & 0xFFu) != NLUT_RSP_OK || (rsp >> NLUT_MBOX_RSP_SEQ_OFFSET & 0xFFu) != 0x5Au ||
		    (rsp >> NLUT_MBOX_RSP_NDATA_OFFSET & 0xFFu) < 10)
			tb_fail("IDENTITY answered 0x%08x", rsp);
		if (rd(NLUT_MBOX_DATA_REG_OFFSET(1)) != board_id)
			tb_fail("IDENTITY DATA1 is not the board id 0x%x", board_id);
		for (int k = 0; k < 8; k++)
			if (rd(NLUT_MBOX_DATA_REG_OFFSET(2 + k)) != tb_get32(hash + 4 * k))
				tb_fail("IDENTITY DATA%d differs from the model's identity", 2 + k);
	}

	// SCRATCH holds what is written; a corrupt frame (CRC), a gap in the numbering (SEQ), an
	// offset outside the map or unaligned (OFFSET), an unknown type (TYPE) and a length wrong for
	// the type (LENGTH) are each refused with their ERROR naming the frame, and none is acted on.
	void check_refused_frames()
	{
		const uint32_t mark = 0xA5C3E10Fu;
		wr(NLUT_SCRATCH_REG_OFFSET, mark);
		if (rd(NLUT_SCRATCH_REG_OFFSET) != mark)
			tb_fail("SCRATCH does not hold what was written");
		uint8_t p[8] = { (uint8_t)NLUT_SCRATCH_REG_OFFSET, 0, 0, 0, 1, 2, 3, 4 };
		send(NLUT_WIRE_REG_WRITE, seq, p, 8, 1);
		expect_error(NLUT_WIRE_ERR_CRC, seq, "a corrupt frame");
		if (rd(NLUT_SCRATCH_REG_OFFSET) != mark)
			tb_fail("a frame with a bad CRC was acted on");
		uint16_t skip = (uint16_t)(seq + 5);
		send(NLUT_WIRE_REG_WRITE, skip, p, 8);
		expect_error(NLUT_WIRE_ERR_SEQ, skip, "a sequence gap");
		if (rd(NLUT_SCRATCH_REG_OFFSET) != mark)
			tb_fail("a frame with a sequence gap was acted on");
		// The first three keep the numbering; the last is dropped (the next number is then
		// taken as it comes).
		uint8_t q[8] = { 0x00, 0x08, 0, 0, 0, 0, 0, 0 }; // offset 0x800
		send(NLUT_WIRE_REG_READ, seq, q, 4);
		expect_error(NLUT_WIRE_ERR_OFFSET, seq++, "an offset outside the map");
		q[0] = 0x4E; q[1] = 0x00;                         // offset 0x04E: not word-aligned
		send(NLUT_WIRE_REG_READ, seq, q, 4);
		expect_error(NLUT_WIRE_ERR_OFFSET, seq++, "an unaligned offset");
		send(0x7E, seq, q, 4);
		expect_error(NLUT_WIRE_ERR_TYPE, seq++, "an unknown frame type");
		memset(q, 0, sizeof(q));
		send(NLUT_WIRE_REG_READ, seq, q, 8);
		expect_error(NLUT_WIRE_ERR_LENGTH, seq, "a REG_READ of 8 bytes");
		seq = (uint16_t)(seq + 3);
		if (rd(NLUT_SCRATCH_REG_OFFSET) != mark)
			tb_fail("the board does not answer after refused frames");
	}

	// n vectors (records packed in `in`) in VECTORS frames: the first of `first` records, then
	// 1 .. max_k at random, at most `window` in flight; every RESULTS record must equal the golden
	// model's (scores, cls), in order, with no frame lost; then the counters show n in and out.
	void check_vectors(const struct nlut_stream_shape *sh, size_t n, const uint8_t *in,
			   const uint16_t *scores, const uint32_t *cls, size_t first, size_t max_k,
			   size_t window)
	{
		std::vector<uint8_t> want(sh->out_record);
		size_t sent = 0, got = 0;
		int first_res = 1;
		uint16_t res_seq = 0;

		wr(NLUT_CTRL_REG_OFFSET, (1u << NLUT_CTRL_ENABLE_BIT));
		while (got < n) {
			if (sent < n && sent - got < window && tx.empty()) {
				size_t k = sent == 0 ? first : 1 + rnd() % max_k;
				if (k > n - sent)
					k = n - sent;
				if (k > window - (sent - got))
					k = window - (sent - got);
				send(NLUT_WIRE_VECTORS, seq++, in + sent * sh->in_record,
				     (uint32_t)(k * sh->in_record));
				sent += k;
			}
			frame f = await("results");
			if (f.type != NLUT_WIRE_RESULTS)
				tb_fail("vector %zu: frame type 0x%02x where results were expected", got, f.type);
			if (!first_res && f.seq != res_seq)
				tb_fail("RESULTS frame %u after %u: a frame was lost", f.seq,
					(uint16_t)(res_seq - 1));
			first_res = 0;
			res_seq = (uint16_t)(f.seq + 1);
			if (f.payload.size() % sh->out_record)
				tb_fail("a RESULTS frame of %zu bytes is not whole records", f.payload.size());
			for (size_t o = 0; o < f.payload.size(); o += sh->out_record, got++) {
				if (got >= n)
					tb_fail("more results than vectors");
				nlut_stream_put_result(sh, (uint32_t)got, cls[got], &scores[got * sh->n_classes],
						       want.data());
				if (memcmp(&f.payload[o], want.data(), sh->out_record))
					tb_fail("vector %zu: the board's result record differs from the golden "
						"model's (class %u expected)", got, cls[got]);
			}
		}
		if (rd(NLUT_CNT_IN_LO_REG_OFFSET) != n || rd(NLUT_CNT_OUT_LO_REG_OFFSET) != n)
			tb_fail("the board's counters do not show %zu vectors in and out", n);
	}

private:
	uint32_t reg_access(uint8_t type, uint32_t off, uint32_t val)
	{
		uint8_t p[8];
		for (int i = 0; i < 4; i++) {
			p[i] = (uint8_t)(off >> 8 * i);
			p[4 + i] = (uint8_t)(val >> 8 * i);
		}
		uint16_t s = seq++;
		send(type, s, p, type == NLUT_WIRE_REG_READ ? 4 : 8);
		frame f = await("a register answer");
		if (f.type != NLUT_WIRE_REG_VALUE || f.seq != s || f.payload.size() != 8 ||
		    tb_get32(f.payload.data()) != off)
			tb_fail("register 0x%03x: answer type 0x%02x seq %u (expected REG_VALUE seq %u)", off,
				f.type, f.seq, s);
		return tb_get32(f.payload.data() + 4);
	}

	static void on_frame(void *u, const struct nlut_wire_frame *f)
	{
		static_cast<nlut_wire_host *>(u)->frames_.push_back(
			frame{ f->type, f->seq, std::vector<uint8_t>(f->payload, f->payload + f->len) });
	}
	static void on_error(void *, enum nlut_wire_errcode code, uint16_t s)
	{
		tb_fail("host parser: error %d on board frame %u", (int)code, s);
	}

	std::function<void()> step_;
	std::function<uint64_t()> cycles_;
	const char *clock_;
	std::deque<frame> frames_;
	struct nlut_wire_parser parser_;
	uint8_t parser_buf_[16 + 65536 + 16];
};

#endif // NLUT_WIRE_HOST_H
