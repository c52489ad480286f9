/* wire.c - framing of docs/wire-protocol.md; freestanding so the firmware
 * builds the very same file. */
#include <string.h>

#include <nlut/wire.h>

/* Exported from libnlut's shared library; plain functions in firmware. */
#if defined(NLUT_BUILDING_LIB)
#define API __attribute__((visibility("default")))
#else
#define API
#endif

/* CRC-32 table of the reflected polynomial 0xEDB88320. */
static const uint32_t crc_table[256] = {
	0x00000000u, 0x77073096u, 0xee0e612cu, 0x990951bau, 0x076dc419u, 0x706af48fu,
	0xe963a535u, 0x9e6495a3u, 0x0edb8832u, 0x79dcb8a4u, 0xe0d5e91eu, 0x97d2d988u,
	0x09b64c2bu, 0x7eb17cbdu, 0xe7b82d07u, 0x90bf1d91u, 0x1db71064u, 0x6ab020f2u,
	0xf3b97148u, 0x84be41deu, 0x1adad47du, 0x6ddde4ebu, 0xf4d4b551u, 0x83d385c7u,
	0x136c9856u, 0x646ba8c0u, 0xfd62f97au, 0x8a65c9ecu, 0x14015c4fu, 0x63066cd9u,
	0xfa0f3d63u, 0x8d080df5u, 0x3b6e20c8u, 0x4c69105eu, 0xd56041e4u, 0xa2677172u,
	0x3c03e4d1u, 0x4b04d447u, 0xd20d85fdu, 0xa50ab56bu, 0x35b5a8fau, 0x42b2986cu,
	0xdbbbc9d6u, 0xacbcf940u, 0x32d86ce3u, 0x45df5c75u, 0xdcd60dcfu, 0xabd13d59u,
	0x26d930acu, 0x51de003au, 0xc8d75180u, 0xbfd06116u, 0x21b4f4b5u, 0x56b3c423u,
	0xcfba9599u, 0xb8bda50fu, 0x2802b89eu, 0x5f058808u, 0xc60cd9b2u, 0xb10be924u,
	0x2f6f7c87u, 0x58684c11u, 0xc1611dabu, 0xb6662d3du, 0x76dc4190u, 0x01db7106u,
	0x98d220bcu, 0xefd5102au, 0x71b18589u, 0x06b6b51fu, 0x9fbfe4a5u, 0xe8b8d433u,
	0x7807c9a2u, 0x0f00f934u, 0x9609a88eu, 0xe10e9818u, 0x7f6a0dbbu, 0x086d3d2du,
	0x91646c97u, 0xe6635c01u, 0x6b6b51f4u, 0x1c6c6162u, 0x856530d8u, 0xf262004eu,
	0x6c0695edu, 0x1b01a57bu, 0x8208f4c1u, 0xf50fc457u, 0x65b0d9c6u, 0x12b7e950u,
	0x8bbeb8eau, 0xfcb9887cu, 0x62dd1ddfu, 0x15da2d49u, 0x8cd37cf3u, 0xfbd44c65u,
	0x4db26158u, 0x3ab551ceu, 0xa3bc0074u, 0xd4bb30e2u, 0x4adfa541u, 0x3dd895d7u,
	0xa4d1c46du, 0xd3d6f4fbu, 0x4369e96au, 0x346ed9fcu, 0xad678846u, 0xda60b8d0u,
	0x44042d73u, 0x33031de5u, 0xaa0a4c5fu, 0xdd0d7cc9u, 0x5005713cu, 0x270241aau,
	0xbe0b1010u, 0xc90c2086u, 0x5768b525u, 0x206f85b3u, 0xb966d409u, 0xce61e49fu,
	0x5edef90eu, 0x29d9c998u, 0xb0d09822u, 0xc7d7a8b4u, 0x59b33d17u, 0x2eb40d81u,
	0xb7bd5c3bu, 0xc0ba6cadu, 0xedb88320u, 0x9abfb3b6u, 0x03b6e20cu, 0x74b1d29au,
	0xead54739u, 0x9dd277afu, 0x04db2615u, 0x73dc1683u, 0xe3630b12u, 0x94643b84u,
	0x0d6d6a3eu, 0x7a6a5aa8u, 0xe40ecf0bu, 0x9309ff9du, 0x0a00ae27u, 0x7d079eb1u,
	0xf00f9344u, 0x8708a3d2u, 0x1e01f268u, 0x6906c2feu, 0xf762575du, 0x806567cbu,
	0x196c3671u, 0x6e6b06e7u, 0xfed41b76u, 0x89d32be0u, 0x10da7a5au, 0x67dd4accu,
	0xf9b9df6fu, 0x8ebeeff9u, 0x17b7be43u, 0x60b08ed5u, 0xd6d6a3e8u, 0xa1d1937eu,
	0x38d8c2c4u, 0x4fdff252u, 0xd1bb67f1u, 0xa6bc5767u, 0x3fb506ddu, 0x48b2364bu,
	0xd80d2bdau, 0xaf0a1b4cu, 0x36034af6u, 0x41047a60u, 0xdf60efc3u, 0xa867df55u,
	0x316e8eefu, 0x4669be79u, 0xcb61b38cu, 0xbc66831au, 0x256fd2a0u, 0x5268e236u,
	0xcc0c7795u, 0xbb0b4703u, 0x220216b9u, 0x5505262fu, 0xc5ba3bbeu, 0xb2bd0b28u,
	0x2bb45a92u, 0x5cb36a04u, 0xc2d7ffa7u, 0xb5d0cf31u, 0x2cd99e8bu, 0x5bdeae1du,
	0x9b64c2b0u, 0xec63f226u, 0x756aa39cu, 0x026d930au, 0x9c0906a9u, 0xeb0e363fu,
	0x72076785u, 0x05005713u, 0x95bf4a82u, 0xe2b87a14u, 0x7bb12baeu, 0x0cb61b38u,
	0x92d28e9bu, 0xe5d5be0du, 0x7cdcefb7u, 0x0bdbdf21u, 0x86d3d2d4u, 0xf1d4e242u,
	0x68ddb3f8u, 0x1fda836eu, 0x81be16cdu, 0xf6b9265bu, 0x6fb077e1u, 0x18b74777u,
	0x88085ae6u, 0xff0f6a70u, 0x66063bcau, 0x11010b5cu, 0x8f659effu, 0xf862ae69u,
	0x616bffd3u, 0x166ccf45u, 0xa00ae278u, 0xd70dd2eeu, 0x4e048354u, 0x3903b3c2u,
	0xa7672661u, 0xd06016f7u, 0x4969474du, 0x3e6e77dbu, 0xaed16a4au, 0xd9d65adcu,
	0x40df0b66u, 0x37d83bf0u, 0xa9bcae53u, 0xdebb9ec5u, 0x47b2cf7fu, 0x30b5ffe9u,
	0xbdbdf21cu, 0xcabac28au, 0x53b39330u, 0x24b4a3a6u, 0xbad03605u, 0xcdd70693u,
	0x54de5729u, 0x23d967bfu, 0xb3667a2eu, 0xc4614ab8u, 0x5d681b02u, 0x2a6f2b94u,
	0xb40bbe37u, 0xc30c8ea1u, 0x5a05df1bu, 0x2d02ef8du,};

API uint32_t nlut_wire_crc32(uint32_t crc, const void *p, size_t n)
{
	const uint8_t *b = p;

	crc = ~crc;
	while (n--)
		crc = crc_table[(crc ^ *b++) & 0xFFu] ^ (crc >> 8);
	return ~crc;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

API size_t nlut_wire_encode(uint8_t type, uint16_t seq, const void *payload, uint32_t len,
			uint8_t *out)
{
	out[0] = NLUT_WIRE_SYNC0;
	out[1] = NLUT_WIRE_SYNC1;
	out[2] = type;
	out[3] = 0;
	put16(out + 4, seq);
	put16(out + 6, 0);
	put32(out + 8, len);
	if (len)
		memcpy(out + NLUT_WIRE_HEADER, payload, len);
	put32(out + NLUT_WIRE_HEADER + len, nlut_wire_crc32(0, out, NLUT_WIRE_HEADER + len));
	return NLUT_WIRE_OVERHEAD + len;
}

/* One byte through the CRC register (no pre/post inversion). */
static inline uint32_t crc_step(uint32_t reg, uint8_t b)
{
	return crc_table[(reg ^ b) & 0xFFu] ^ (reg >> 8);
}

/* Matrix (32 columns) times vector over GF(2). */
static uint32_t gf2_apply(const uint32_t *m, uint32_t v)
{
	uint32_t r = 0;

	for (unsigned k = 0; v; k++, v >>= 1)
		if (v & 1u)
			r ^= m[k];
	return r;
}

API void nlut_wire_parser_init(struct nlut_wire_parser *p, uint8_t *buf, size_t cap,
			   void (*on_frame)(void *, const struct nlut_wire_frame *),
			   void (*on_error)(void *, enum nlut_wire_errcode, uint16_t), void *user)
{
	memset(p, 0, sizeof(*p));
	p->buf = buf;
	/* One whole frame is all the parser ever holds. */
	p->cap = cap < NLUT_WIRE_OVERHEAD + NLUT_WIRE_MAX_PAYLOAD ?
		 cap : NLUT_WIRE_OVERHEAD + NLUT_WIRE_MAX_PAYLOAD;
	p->on_frame = on_frame;
	p->on_error = on_error;
	p->user = user;
	/* shift[0]: one zero byte through the register; then squares. */
	for (unsigned k = 0; k < 32; k++)
		p->shift[0][k] = crc_step(1u << k, 0);
	for (unsigned i = 1; i < 17; i++)
		for (unsigned k = 0; k < 32; k++)
			p->shift[i][k] = gf2_apply(p->shift[i - 1], p->shift[i - 1][k]);
}

static inline uint8_t byte_at(const struct nlut_wire_parser *p, size_t k)
{
	size_t i = p->head + k;

	return p->buf[i < p->cap ? i : i - p->cap];
}

static uint32_t get32_at(const struct nlut_wire_parser *p, size_t k)
{
	return (uint32_t)byte_at(p, k) | (uint32_t)byte_at(p, k + 1) << 8 |
	       (uint32_t)byte_at(p, k + 2) << 16 | (uint32_t)byte_at(p, k + 3) << 24;
}

/* The CRC register over the stream up to held byte k (k <= fill): from the
 * nearest state kept, at most one stride of bytes away. */
static uint32_t reg_at(const struct nlut_wire_parser *p, size_t k)
{
	uint64_t pos = p->at + k, c = pos - pos % NLUT_WIRE_CP_STRIDE;
	uint32_t reg;
	size_t from;

	if (c >= p->at) {
		reg = p->cp[(c / NLUT_WIRE_CP_STRIDE) % NLUT_WIRE_CP_COUNT];
		from = (size_t)(c - p->at);
	} else {
		reg = p->crc_head;
		from = 0;
	}
	for (; from < k; from++)
		reg = crc_step(reg, byte_at(p, from));
	return reg;
}

/* CRC-32 of held bytes [0, n): the register over the stream after them is
 * shift^n (register before) + (the bytes from a zero register), so the
 * bytes' own CRC follows from the two kept registers in O(log n). */
static uint32_t crc_held(const struct nlut_wire_parser *p, size_t n)
{
	uint32_t v = p->crc_head ^ 0xFFFFFFFFu;
	size_t n0 = n;

	for (unsigned i = 0; n; i++, n >>= 1)
		if (n & 1u)
			v = gf2_apply(p->shift[i], v);
	return ~(reg_at(p, (size_t)n0) ^ v);
}

/* Drop k held bytes from the front. */
static void drop(struct nlut_wire_parser *p, size_t k)
{
	p->crc_head = reg_at(p, k);
	p->head += k;
	if (p->head >= p->cap)
		p->head -= p->cap;
	p->at += k;
	p->fill -= k;
}

/* Discard the first byte and every following one up to a possible sync. */
static void resync(struct nlut_wire_parser *p)
{
	size_t k = 1;

	while (k < p->fill && byte_at(p, k) != NLUT_WIRE_SYNC0)
		k++;
	p->dropped_bytes += k;
	drop(p, k);
}

static void reverse(uint8_t *a, size_t n)
{
	for (size_t i = 0, j = n; i + 1 < j; i++, j--) {
		uint8_t t = a[i];

		a[i] = a[j - 1];
		a[j - 1] = t;
	}
}

/* Make the held bytes start at buf[0] (a good frame that wraps around the
 * ring's end): rare, as it takes a whole ring of bytes to wrap again. */
static void unwrap(struct nlut_wire_parser *p)
{
	reverse(p->buf, p->head);
	reverse(p->buf + p->head, p->cap - p->head);
	reverse(p->buf, p->cap);
	p->head = 0;
}

/* Consume every complete frame at the front of the held bytes. */
static void parse(struct nlut_wire_parser *p)
{
	for (;;) {
		if (!p->fill)
			return;
		if (byte_at(p, 0) != NLUT_WIRE_SYNC0 ||
		    (p->fill >= 2 && byte_at(p, 1) != NLUT_WIRE_SYNC1)) {
			resync(p);
			continue;
		}
		if (p->fill < NLUT_WIRE_HEADER)
			return;
		uint32_t len = get32_at(p, 8);
		uint16_t seq = (uint16_t)(byte_at(p, 4) | byte_at(p, 5) << 8);

		if (len > NLUT_WIRE_MAX_PAYLOAD || NLUT_WIRE_OVERHEAD + (size_t)len > p->cap) {
			p->bad_frames++;
			if (p->on_error)
				p->on_error(p->user, NLUT_WIRE_ERR_LENGTH, seq);
			resync(p);
			continue;
		}
		if (p->fill < NLUT_WIRE_OVERHEAD + len)
			return;
		if (get32_at(p, NLUT_WIRE_HEADER + len) != crc_held(p, NLUT_WIRE_HEADER + len)) {
			p->bad_frames++;
			if (p->on_error)
				p->on_error(p->user, NLUT_WIRE_ERR_CRC, seq);
			resync(p);
			continue;
		}
		if (p->head + NLUT_WIRE_HEADER + len > p->cap)
			unwrap(p);
		struct nlut_wire_frame f = { p->buf[p->head + 2], seq, len,
					     p->buf + p->head + NLUT_WIRE_HEADER };

		if (p->on_frame)
			p->on_frame(p->user, &f);
		drop(p, NLUT_WIRE_OVERHEAD + len);
	}
}

/* Run the stream's CRC register over n new bytes, keeping its value at
 * every multiple of the stride. */
static void track(struct nlut_wire_parser *p, const uint8_t *d, size_t n)
{
	uint64_t pos = p->at + p->fill;
	uint32_t reg = p->crc_end;

	while (n) {
		size_t run = NLUT_WIRE_CP_STRIDE - (size_t)(pos % NLUT_WIRE_CP_STRIDE);

		if (run > n)
			run = n;
		for (size_t i = 0; i < run; i++)
			reg = crc_step(reg, d[i]);
		d += run;
		n -= run;
		pos += run;
		if (pos % NLUT_WIRE_CP_STRIDE == 0)
			p->cp[(pos / NLUT_WIRE_CP_STRIDE) % NLUT_WIRE_CP_COUNT] = reg;
	}
	p->crc_end = reg;
}

API void nlut_wire_feed(struct nlut_wire_parser *p, const uint8_t *data, size_t n)
{
	while (n) {
		size_t k = p->cap - p->fill < n ? p->cap - p->fill : n;
		size_t tail = p->head + p->fill, first;

		if (tail >= p->cap)
			tail -= p->cap;
		first = p->cap - tail < k ? p->cap - tail : k;
		memcpy(p->buf + tail, data, first);
		memcpy(p->buf, data + first, k - first);
		track(p, data, k);
		p->fill += k;
		data += k;
		n -= k;
		parse(p);
	}
}
