/* fuzz_wire.c - libFuzzer target for the wire-protocol parser: any byte
 * stream, fed whole or in pieces whose sizes come from the input, must give
 * the same frames and errors as the plain reference parser (wire_ref.c),
 * each with a length in range and header and payload whole inside the
 * parser's buffer; a frame re-encoded must be byte-identical to the bytes
 * that carried it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <nlut/wire.h>

#include "wire_ref.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CAP (NLUT_WIRE_OVERHEAD + NLUT_WIRE_MAX_PAYLOAD)

struct seen {
	uint8_t *buf;
	size_t cap;
	uint32_t hash;   /* CRC over every frame's type, seq, len and payload */
	uint64_t frames, errors;
};

static uint8_t enc[CAP];

static void on_frame(void *u, const struct nlut_wire_frame *f)
{
	struct seen *s = u;

	if (f->len > NLUT_WIRE_MAX_PAYLOAD || NLUT_WIRE_OVERHEAD + (size_t)f->len > s->cap)
		abort();
	if (f->payload < s->buf + NLUT_WIRE_HEADER || f->payload + f->len > s->buf + s->cap)
		abort();
	/* The frame's header is the 12 bytes before the payload: sync, type,
	 * sequence and length as delivered (the reserved bytes are not
	 * checked by the receiver, so they may be anything). */
	const uint8_t *h = f->payload - NLUT_WIRE_HEADER;

	nlut_wire_encode(f->type, f->seq, f->payload, f->len, enc);
	if (memcmp(enc + NLUT_WIRE_HEADER, f->payload, f->len) || memcmp(enc, h, 3) ||
	    memcmp(enc + 4, h + 4, 2) || memcmp(enc + 8, h + 8, 4))
		abort();
	s->hash = nlut_wire_crc32(s->hash, f->payload - NLUT_WIRE_HEADER, NLUT_WIRE_HEADER + f->len);
	s->frames++;
}

static void on_error(void *u, enum nlut_wire_errcode code, uint16_t seq)
{
	struct seen *s = u;

	if (code != NLUT_WIRE_ERR_CRC && code != NLUT_WIRE_ERR_LENGTH)
		abort();
	s->errors++;
	(void)seq;
}

static void run(const uint8_t *data, size_t size, size_t cap, const uint8_t *cuts, size_t n_cuts,
		struct seen *s, struct nlut_wire_parser *p)
{
	memset(s, 0, sizeof(*s));
	s->buf = malloc(cap);
	s->cap = cap;
	if (!s->buf)
		abort();
	nlut_wire_parser_init(p, s->buf, cap, on_frame, on_error, s);
	for (size_t i = 0, at = 0; at < size; i++) {
		size_t k = n_cuts ? (size_t)1 + cuts[i % n_cuts] : size;

		if (k > size - at)
			k = size - at;
		nlut_wire_feed(p, data + at, k);
		at += k;
	}
	free(s->buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nlut_wire_parser p1, p2, p3;
	struct seen a, b, c;

	/* Whole, in pieces, and into a small buffer (frames up to 48 bytes). */
	run(data, size, CAP, NULL, 0, &a, &p1);
	run(data, size, CAP, data, size < 16 ? size : 16, &b, &p2);
	run(data, size, 64, NULL, 0, &c, &p3);
	if (a.frames != b.frames || a.hash != b.hash || p1.fill != p2.fill ||
	    p1.dropped_bytes != p2.dropped_bytes || a.errors != b.errors)
		abort();
	if (p1.fill > CAP || p3.fill > 64 || p1.bad_frames != a.errors)
		abort();
	/* The same frames and errors as the reference, at both sizes. */
	static uint8_t rbuf[CAP];
	struct wire_ref r = { rbuf, CAP, 0, 0, 0, 0 };

	wire_ref_feed(&r, data, size);
	if (r.frames != a.frames || r.hash != a.hash || r.errors != a.errors)
		abort();
	memset(&r, 0, sizeof(r));
	r.buf = rbuf;
	r.cap = 64;
	wire_ref_feed(&r, data, size);
	if (r.frames != c.frames || r.hash != c.hash || r.errors != c.errors)
		abort();
	return 0;
}
