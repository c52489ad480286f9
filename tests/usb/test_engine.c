/* test_engine.c - the board's protocol engine (firmware/proto) on its own:
 * register answers, vectors to results, every error frame, sessions,
 * back-pressure through a small output queue, and random garbage. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <nlut/wire.h>

#include "nlut_engine.h"
#include "random_model.h"
#include "test_seed.h"

#define IN_REC 8u
#define OUT_REC 24u
#define MAX_FRAMES (1 << 17)

static uint64_t seed;

/* ---- a datapath: registers, and one result per record (class = byte 0) ---- */

static uint32_t regs[128];
static int busy;
static uint32_t tags, pending, pushed;
static uint8_t pend_cls[1 << 18];

static int d_read32(void *u, uint32_t off, uint32_t *v)
{
	*v = regs[off / 4];
	return 0;
}

static int d_write32(void *u, uint32_t off, uint32_t v)
{
	regs[off / 4] = v;
	return 0;
}

static int d_push(void *u, const uint8_t *rec, uint32_t n)
{
	if (busy)
		return NLUT_WIRE_ERR_BUSY;
	for (uint32_t i = 0; i < n; i++)
		pend_cls[(pushed + i) & 0x3ffff] = rec[i * IN_REC];
	pushed += n;
	pending += n;
	return 0;
}

static uint32_t d_pull(void *u, uint8_t *buf, uint32_t max)
{
	uint32_t k = pending < max ? pending : max;

	for (uint32_t i = 0; i < k; i++, tags++) {
		memset(buf + i * OUT_REC, 0, OUT_REC);
		memcpy(buf + i * OUT_REC, &tags, 4);
		buf[i * OUT_REC + 4] = pend_cls[tags & 0x3ffff];
	}
	pending -= k;
	return k;
}

/* ---- the host side: frames the engine sent ---- */

struct got {
	uint8_t type;
	uint16_t seq;
	uint32_t len;
	uint32_t a, b;
};
static struct got frames[MAX_FRAMES];
static unsigned n_frames;
static uint8_t results[1 << 23];
static size_t results_len;
static uint8_t pbuf[NLUT_WIRE_OVERHEAD + NLUT_WIRE_MAX_PAYLOAD];
static struct nlut_wire_parser host;

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void on_frame(void *u, const struct nlut_wire_frame *f)
{
	struct got *g = &frames[n_frames < MAX_FRAMES ? n_frames++ : MAX_FRAMES - 1];

	*g = (struct got){ f->type, f->seq, f->len, 0, 0 };
	if (f->len >= 8) {
		g->a = rd32(f->payload);
		g->b = rd32(f->payload + 4);
	}
	if (f->type == NLUT_WIRE_RESULTS && results_len + f->len <= sizeof(results)) {
		memcpy(results + results_len, f->payload, f->len);
		results_len += f->len;
	}
}

static void on_host_error(void *u, enum nlut_wire_errcode c, uint16_t seq)
{
	fail_msg("the engine sent a damaged frame (code %d)", c);
}

/* ---- the engine under test ---- */

static struct nlut_engine eng;
static uint8_t rx[NLUT_WIRE_OVERHEAD + NLUT_WIRE_MAX_PAYLOAD], tx[256 * 1024], scratch[4096];

static void start(size_t tx_cap)
{
	struct nlut_engine_config c = { IN_REC, OUT_REC, 0x200, rx, sizeof(rx), tx, tx_cap, scratch,
					sizeof(scratch) };
	struct nlut_engine_ops o = { d_read32, d_write32, d_push, d_pull, NULL };

	memset(regs, 0, sizeof(regs));
	busy = 0;
	tags = pending = pushed = 0;
	n_frames = 0;
	results_len = 0;
	assert_int_equal(nlut_engine_init(&eng, &c, &o), 0);
	nlut_wire_parser_init(&host, pbuf, sizeof(pbuf), on_frame, on_host_error, NULL);
}

/* Move everything both ways until nothing moves (drain at most `chunk`
 * bytes at a time, as an IN transfer would). */
static void run(const uint8_t *in, size_t n, size_t chunk)
{
	uint8_t buf[4096];
	size_t at = 0;

	for (int idle = 0; idle < 2;) {
		size_t k = at < n ? nlut_engine_rx(&eng, in + at, n - at) : 0;

		at += k;
		nlut_engine_poll(&eng);
		size_t got = nlut_engine_tx_read(&eng, buf, chunk < sizeof(buf) ? chunk : sizeof(buf));

		nlut_wire_feed(&host, buf, got);
		idle = (!k && !got) ? idle + 1 : 0;
	}
	assert_int_equal(at, n);
	assert_int_equal(nlut_engine_tx_pending(&eng), 0);
}

static size_t frame(uint8_t *out, uint8_t type, uint16_t seq, uint32_t a, uint32_t b, uint32_t len)
{
	uint8_t p[8];

	memcpy(p, &a, 4);
	memcpy(p + 4, &b, 4);
	return nlut_wire_encode(type, seq, p, len, out);
}

static void registers_answered(void **state)
{
	uint8_t s[256];
	size_t n = 0;

	start(sizeof(tx));
	n += frame(s + n, NLUT_WIRE_REG_WRITE, 0, 0x4C, 0xDEADBEEF, 8);
	n += frame(s + n, NLUT_WIRE_REG_READ, 1, 0x4C, 0, 4);
	run(s, n, 4096);
	assert_int_equal(n_frames, 2);
	assert_int_equal(frames[0].type, NLUT_WIRE_REG_VALUE);
	assert_int_equal(frames[0].seq, 0);
	assert_int_equal(frames[0].a, 0x4C);
	assert_int_equal(frames[0].b, 0xDEADBEEF);
	assert_int_equal(frames[1].seq, 1);
	assert_int_equal(frames[1].b, 0xDEADBEEF);
}

static void vectors_become_results(void **state)
{
	static uint8_t s[1 << 20], payload[NLUT_WIRE_MAX_PAYLOAD];
	uint64_t r = seed;
	size_t n = 0;
	uint32_t total = 0;

	start(sizeof(tx));
	for (uint16_t q = 0; q < 20; q++) {
		uint32_t k = 1 + rm_below(&r, NLUT_WIRE_MAX_PAYLOAD / IN_REC);

		for (uint32_t i = 0; i < k; i++) {
			memset(payload + i * IN_REC, 0, IN_REC);
			payload[i * IN_REC] = (uint8_t)((total + i) * 7);
		}
		if (n + NLUT_WIRE_OVERHEAD + k * IN_REC > sizeof(s))
			break;
		n += nlut_wire_encode(NLUT_WIRE_VECTORS, q, payload, k * IN_REC, s + n);
		total += k;
	}
	run(s, n, 1 + rm_below(&r, 4096));
	assert_int_equal(results_len, (size_t)total * OUT_REC);
	assert_true(n_frames < MAX_FRAMES);
	for (unsigned f = 0, want = 0; f < n_frames; f++) {
		assert_int_equal(frames[f].type, NLUT_WIRE_RESULTS);
		/* Frame numbers are 16 bits and wrap. */
		assert_int_equal(frames[f].seq, (uint16_t)want++);
	}
	for (uint32_t v = 0; v < total; v++) {
		assert_int_equal(rd32(results + v * OUT_REC), v);
		assert_int_equal(results[v * OUT_REC + 4], (uint8_t)(v * 7));
	}
	assert_int_equal(eng.st.vectors_in, total);
}

static void every_error_reported(void **state)
{
	uint8_t s[1024];
	size_t n = 0, bad;

	start(sizeof(tx));
	n += frame(s + n, NLUT_WIRE_REG_READ, 5, 0x00, 0, 4);         /* first: taken as it comes */
	bad = n;
	n += frame(s + n, NLUT_WIRE_REG_WRITE, 6, 0x4C, 1, 8);
	s[bad + 13] ^= 1;                                                /* damaged: CRC */
	n += frame(s + n, NLUT_WIRE_REG_READ, 7, 0x4C, 0, 4);          /* after a drop: accepted */
	n += frame(s + n, NLUT_WIRE_REG_WRITE, 9, 0x4C, 2, 8);         /* gap: refused, not executed */
	n += frame(s + n, NLUT_WIRE_REG_READ, 10, 0x4C, 0, 4);
	n += frame(s + n, 0x42, 11, 0, 0, 0);                           /* unknown type */
	n += frame(s + n, NLUT_WIRE_REG_READ, 12, 0x4C, 0, 8);         /* wrong length */
	n += frame(s + n, NLUT_WIRE_REG_READ, 13, 0x202, 0, 4);        /* unaligned */
	n += frame(s + n, NLUT_WIRE_REG_READ, 14, 0x200, 0, 4);        /* outside the map */
	n += frame(s + n, NLUT_WIRE_VECTORS, 15, 0, 0, 4);             /* not a whole record */
	n += frame(s + n, NLUT_WIRE_REG_READ, 0, 0x4C, 0, 4);          /* a new session */
	run(s, n, 4096);

	static const struct { uint8_t type; uint16_t seq; uint32_t a; } want[] = {
		{ NLUT_WIRE_REG_VALUE, 5, 0x00 },
		{ NLUT_WIRE_ERROR, 6, NLUT_WIRE_ERR_CRC },
		{ NLUT_WIRE_REG_VALUE, 7, 0x4C },
		{ NLUT_WIRE_ERROR, 9, NLUT_WIRE_ERR_SEQ },
		{ NLUT_WIRE_REG_VALUE, 10, 0x4C },
		{ NLUT_WIRE_ERROR, 11, NLUT_WIRE_ERR_TYPE },
		{ NLUT_WIRE_ERROR, 12, NLUT_WIRE_ERR_LENGTH },
		{ NLUT_WIRE_ERROR, 13, NLUT_WIRE_ERR_OFFSET },
		{ NLUT_WIRE_ERROR, 14, NLUT_WIRE_ERR_OFFSET },
		{ NLUT_WIRE_ERROR, 15, NLUT_WIRE_ERR_LENGTH },
		{ NLUT_WIRE_REG_VALUE, 0, 0x4C },
	};
	assert_int_equal(n_frames, 11);
	for (unsigned i = 0; i < 11; i++) {
		assert_int_equal(frames[i].type, want[i].type);
		assert_int_equal(frames[i].seq, want[i].seq);
		assert_int_equal(frames[i].a, want[i].a);
		if (want[i].type == NLUT_WIRE_ERROR)
			assert_int_equal(frames[i].b, want[i].seq); /* the frame at fault */
	}
	/* Neither the damaged write nor the refused one happened. */
	assert_int_equal(frames[4].b, 0);
	assert_int_equal(regs[0x4C / 4], 0);
	assert_int_equal(eng.st.sessions, 1);
}

static void busy_datapath_refuses_vectors(void **state)
{
	uint8_t s[256], rec[16] = { 0 };
	size_t n;

	start(sizeof(tx));
	busy = 1;
	n = nlut_wire_encode(NLUT_WIRE_VECTORS, 0, rec, 16, s);
	run(s, n, 4096);
	assert_int_equal(n_frames, 1);
	assert_int_equal(frames[0].type, NLUT_WIRE_ERROR);
	assert_int_equal(frames[0].a, NLUT_WIRE_ERR_BUSY);
	assert_int_equal(pushed, 0);
}

/* A small output queue: the engine takes input only as fast as answers
 * drain, and loses none. */
static void back_pressure_loses_nothing(void **state)
{
	static uint8_t s[2000 * 20];
	size_t n = 0;

	start(256);
	for (uint16_t q = 0; q < 2000; q++)
		n += frame(s + n, NLUT_WIRE_REG_READ, q, 4u * (q % 100), 0, 4);
	assert_true(nlut_engine_rx(&eng, s, n) < n);
	eng.parser.fill = 0;
	start(256);
	run(s, n, 7);
	assert_int_equal(n_frames, 2000);
	for (unsigned i = 0; i < 2000; i++) {
		assert_int_equal(frames[i].type, NLUT_WIRE_REG_VALUE);
		assert_int_equal(frames[i].seq, i);
	}
	assert_int_equal(eng.st.errors_lost, 0);
}

/* Garbage in any chunking: the engine neither crashes nor sends a damaged
 * frame (on_host_error fails the test). */
static void garbage_is_survived(void **state)
{
	static uint8_t s[1 << 16];
	uint64_t r = seed + 1;

	for (int round = 0; round < 20; round++) {
		size_t n = 0;

		start(round % 2 ? 256 : sizeof(tx));
		while (n < sizeof(s) - 64) {
			uint32_t what = rm_below(&r, 4);

			if (what == 0) {
				n += frame(s + n, (uint8_t)(1 + rm_below(&r, 3)), (uint16_t)rm_below(&r, 8),
					   4 * rm_below(&r, 130), rm_below(&r, 1000), 4 * rm_below(&r, 3));
			} else {
				for (uint32_t k = rm_below(&r, 40); k--;)
					s[n++] = rm_below(&r, 3) ? (uint8_t)rm_next(&r) : NLUT_WIRE_SYNC0;
				if (what == 1)
					s[n++] = NLUT_WIRE_SYNC1;
			}
		}
		run(s, n, 1 + rm_below(&r, 300));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(registers_answered),
		cmocka_unit_test(vectors_become_results),
		cmocka_unit_test(every_error_reported),
		cmocka_unit_test(busy_datapath_refuses_vectors),
		cmocka_unit_test(back_pressure_loses_nothing),
		cmocka_unit_test(garbage_is_survived),
	};

	seed = test_seed("engine");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
