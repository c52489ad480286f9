/* test_wire.c - the wire protocol: frames round trip through the parser fed
 * in arbitrary pieces; corruption is reported and the parser resynchronises. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <nlut/nlut.h>

#include "random_model.h"
#include "test_seed.h"

static uint64_t seed;

struct seen {
	int n_frames, n_errors;
	uint8_t types[4096];
	uint16_t seqs[4096];
	uint32_t lens[4096];
	uint32_t sums[4096];
	enum nlut_wire_errcode last_err;
};

static void on_frame(void *u, const struct nlut_wire_frame *f)
{
	struct seen *s = u;
	uint32_t sum = 0;

	for (uint32_t i = 0; i < f->len; i++)
		sum = sum * 31 + f->payload[i];
	s->types[s->n_frames] = f->type;
	s->seqs[s->n_frames] = f->seq;
	s->lens[s->n_frames] = f->len;
	s->sums[s->n_frames++] = sum;
}

static void on_error(void *u, enum nlut_wire_errcode code, uint16_t seq)
{
	struct seen *s = u;

	s->n_errors++;
	s->last_err = code;
}

static uint8_t pbuf[NLUT_WIRE_OVERHEAD + NLUT_WIRE_MAX_PAYLOAD];
static uint8_t stream[1 << 22];

static void crc_known_answer(void **state)
{
	assert_int_equal(nlut_wire_crc32(0, "123456789", 9), 0xCBF43926u);
}

static void frames_survive_any_split(void **state)
{
	static struct seen s;
	struct nlut_wire_parser p;
	uint64_t r = seed;
	size_t len = 0;
	uint32_t want_sum[200], want_len[200];
	uint8_t payload[5000];

	memset(&s, 0, sizeof(s));
	for (int i = 0; i < 200; i++) {
		uint32_t n = rm_below(&r, 5000), sum = 0;

		for (uint32_t k = 0; k < n; k++) {
			payload[k] = (uint8_t)rm_next(&r);
			sum = sum * 31 + payload[k];
		}
		/* Sync bytes inside payloads must not confuse the parser. */
		if (n > 10) {
			payload[3] = NLUT_WIRE_SYNC0;
			payload[4] = NLUT_WIRE_SYNC1;
			sum = 0;
			for (uint32_t k = 0; k < n; k++)
				sum = sum * 31 + payload[k];
		}
		want_sum[i] = sum;
		want_len[i] = n;
		len += nlut_wire_encode((uint8_t)(i % 3 + 1), (uint16_t)i, payload, n, stream + len);
	}
	nlut_wire_parser_init(&p, pbuf, sizeof(pbuf), on_frame, on_error, &s);
	for (size_t at = 0; at < len;) {
		size_t k = 1 + rm_below(&r, 3000);

		if (k > len - at)
			k = len - at;
		nlut_wire_feed(&p, stream + at, k);
		at += k;
	}
	assert_int_equal(s.n_errors, 0);
	assert_int_equal(s.n_frames, 200);
	for (int i = 0; i < 200; i++) {
		assert_int_equal(s.seqs[i], i);
		assert_int_equal(s.types[i], i % 3 + 1);
		assert_int_equal(s.lens[i], want_len[i]);
		assert_int_equal(s.sums[i], want_sum[i]);
	}
	assert_int_equal(p.dropped_bytes, 0);
}

static void corruption_is_reported_then_resynchronised(void **state)
{
	static struct seen s;
	struct nlut_wire_parser p;
	uint64_t r = seed;
	uint8_t payload[64];
	size_t len = 0, mid;

	memset(&s, 0, sizeof(s));
	memset(payload, 0xAB, sizeof(payload));
	len += nlut_wire_encode(NLUT_WIRE_REG_READ, 1, payload, 4, stream + len);
	mid = len;
	len += nlut_wire_encode(NLUT_WIRE_VECTORS, 2, payload, 64, stream + len);
	/* Garbage between frames, including a lone sync byte. */
	memcpy(stream + len, "\x4E\x01garbage", 9);
	len += 9;
	len += nlut_wire_encode(NLUT_WIRE_REG_WRITE, 3, payload, 8, stream + len);
	stream[mid + 20] ^= 0x10; /* corrupt frame 2's payload */
	nlut_wire_parser_init(&p, pbuf, sizeof(pbuf), on_frame, on_error, &s);
	nlut_wire_feed(&p, stream, len);
	assert_int_equal(s.n_frames, 2);
	assert_int_equal(s.seqs[0], 1);
	assert_int_equal(s.seqs[1], 3);
	assert_int_equal(s.n_errors, 1);
	assert_int_equal(s.last_err, NLUT_WIRE_ERR_CRC);
	assert_true(p.dropped_bytes > 0);
	/* An absurd length is refused without waiting for 4 GB. */
	memset(&s, 0, sizeof(s));
	len = nlut_wire_encode(NLUT_WIRE_REG_READ, 9, payload, 4, stream);
	stream[11] = 0x7F;
	len += nlut_wire_encode(NLUT_WIRE_REG_READ, 10, payload, 4, stream + len);
	nlut_wire_feed(&p, stream, len);
	assert_int_equal(s.last_err, NLUT_WIRE_ERR_LENGTH);
	assert_int_equal(s.n_frames, 1);
	assert_int_equal(s.seqs[0], 10);
	(void)r;
}

/* Hostile streams (issue 15): thousands of headers that claim long payloads
 * and whose CRCs are wrong, overlapping each other, then a good frame that
 * wraps around the end of the parser's ring. Every header is one CRC error,
 * nothing is delivered from them, and the good frame comes through whole
 * (bench/bench_wire measures that this costs linear time). */
static void hostile_headers_then_a_good_frame(void **state)
{
	static struct seen s;
	struct nlut_wire_parser p;
	uint8_t payload[3000];
	size_t len = 0, n_hdr = 0;

	(void)state;
	memset(&s, 0, sizeof(s));
	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 5 + 1);
	/* One header every 12 bytes claiming 60,000 bytes: 200,000 bytes in all. */
	for (; len + 12 <= 200000; len += 12, n_hdr++) {
		memset(stream + len, 0, 12);
		stream[len] = NLUT_WIRE_SYNC0;
		stream[len + 1] = NLUT_WIRE_SYNC1;
		stream[len + 2] = NLUT_WIRE_VECTORS;
		stream[len + 8] = 60000 & 0xFF;
		stream[len + 9] = 60000 >> 8;
	}
	/* Noise that does not start a frame, so the last headers fail on their
	 * CRC rather than waiting for bytes. */
	memset(stream + len, 0x11, 61000);
	len += 61000;
	len += nlut_wire_encode(NLUT_WIRE_RESULTS, 77, payload, sizeof(payload), stream + len);
	nlut_wire_parser_init(&p, pbuf, sizeof(pbuf), on_frame, on_error, &s);
	for (size_t at = 0; at < len; at += 4093)
		nlut_wire_feed(&p, stream + at, len - at < 4093 ? len - at : 4093);
	assert_int_equal(s.n_errors, n_hdr);
	assert_int_equal(s.last_err, NLUT_WIRE_ERR_CRC);
	assert_int_equal(s.n_frames, 1);
	assert_int_equal(s.seqs[0], 77);
	assert_int_equal(s.lens[0], sizeof(payload));
	uint32_t sum = 0;

	for (size_t k = 0; k < sizeof(payload); k++)
		sum = sum * 31 + payload[k];
	assert_int_equal(s.sums[0], sum);
	assert_int_equal(p.fill, 0);
	assert_int_equal(p.dropped_bytes, len - NLUT_WIRE_OVERHEAD - sizeof(payload));
}

/* Frames whose lengths set each bit up to 65536 go through the parser's
 * CRC arithmetic (every row of its shift table) and arrive. */
static void every_length_bit(void **state)
{
	static struct seen s;
	static uint8_t payload[NLUT_WIRE_MAX_PAYLOAD];
	struct nlut_wire_parser p;
	size_t len = 0;
	uint32_t n = 0;

	(void)state;
	memset(&s, 0, sizeof(s));
	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 11 + 3);
	for (uint32_t b = 0; b <= 16; b++, n++)
		len += nlut_wire_encode(NLUT_WIRE_VECTORS, (uint16_t)b, payload, 1u << b, stream + len);
	len += nlut_wire_encode(NLUT_WIRE_VECTORS, 17, payload, 65535, stream + len);
	n++;
	nlut_wire_parser_init(&p, pbuf, sizeof(pbuf), on_frame, on_error, &s);
	for (size_t at = 0; at < len; at += 30001)
		nlut_wire_feed(&p, stream + at, len - at < 30001 ? len - at : 30001);
	assert_int_equal(s.n_errors, 0);
	assert_int_equal(s.n_frames, n);
	for (uint32_t b = 0; b <= 16; b++)
		assert_int_equal(s.lens[b], 1u << b);
}

static int setup(void **state)
{
	seed = test_seed("wire");
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(crc_known_answer),
		cmocka_unit_test(frames_survive_any_split),
		cmocka_unit_test(corruption_is_reported_then_resynchronised),
		cmocka_unit_test(hostile_headers_then_a_good_frame),
		cmocka_unit_test(every_length_bit),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
