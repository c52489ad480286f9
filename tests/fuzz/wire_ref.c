/* wire_ref.c - the wire parser as it was before it became linear-time: a
 * plain buffer, a full CRC per candidate frame and one sync byte at a time.
 * Slow on hostile streams but obviously right, so fuzz_wire checks the real
 * parser against it frame by frame. */
#include <string.h>

#include "wire_ref.h"

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void drop(struct wire_ref *p, size_t k)
{
	memmove(p->buf, p->buf + k, p->fill - k);
	p->fill -= k;
}

static void resync(struct wire_ref *p)
{
	size_t k = 1;

	while (k < p->fill && p->buf[k] != NLUT_WIRE_SYNC0)
		k++;
	drop(p, k);
}

static void parse(struct wire_ref *p)
{
	for (;;) {
		if (p->fill < 2)
			return;
		if (p->buf[0] != NLUT_WIRE_SYNC0 || p->buf[1] != NLUT_WIRE_SYNC1) {
			resync(p);
			continue;
		}
		if (p->fill < NLUT_WIRE_HEADER)
			return;
		uint32_t len = get32(p->buf + 8);

		if (len > NLUT_WIRE_MAX_PAYLOAD || NLUT_WIRE_OVERHEAD + (size_t)len > p->cap) {
			p->errors++;
			resync(p);
			continue;
		}
		if (p->fill < NLUT_WIRE_OVERHEAD + len)
			return;
		if (get32(p->buf + NLUT_WIRE_HEADER + len) !=
		    nlut_wire_crc32(0, p->buf, NLUT_WIRE_HEADER + len)) {
			p->errors++;
			resync(p);
			continue;
		}
		p->hash = nlut_wire_crc32(p->hash, p->buf, NLUT_WIRE_HEADER + len);
		p->frames++;
		drop(p, NLUT_WIRE_OVERHEAD + len);
	}
}

void wire_ref_feed(struct wire_ref *p, const uint8_t *data, size_t n)
{
	while (n) {
		size_t k = p->cap - p->fill < n ? p->cap - p->fill : n;

		memcpy(p->buf + p->fill, data, k);
		p->fill += k;
		data += k;
		n -= k;
		parse(p);
		if (p->fill == p->cap)
			p->fill = 0;
	}
}
