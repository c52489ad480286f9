/* internal.h - helpers private to libnlut (not installed). */
#ifndef NLUT_INTERNAL_H
#define NLUT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <nlut/error.h>
#include <nlut/wire.h>

#define NLUT_API __attribute__((visibility("default")))

/* Record a failure's detail for nlut_error_detail() and return err. */
int nlut_fail(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Clear the detail (on entry to calls that may fail). */
void nlut_clear_error(void);

/* CRC-32 (IEEE 802.3, reflected, as zlib): one implementation, in wire.c,
 * shared by the model format, the wire protocol and the firmware. */
static inline uint32_t nlut_crc32(uint32_t crc, const void *p, size_t n)
{
	return nlut_wire_crc32(crc, p, n);
}

struct nlut_stream_shape;
struct nlut_model;
/* The stream shape of model m on ports of s_bytes/m_bytes: widths taken
 * from the model's quantisers into a malloc'd in_bits (free it with
 * nlut_stream_shape_release), sizes from nlut_stream_shape_init. */
int nlut_stream_shape_model(const struct nlut_model *m, unsigned s_bytes, unsigned m_bytes,
			    int scores, struct nlut_stream_shape *s);
void nlut_stream_shape_release(struct nlut_stream_shape *s);

/* SHA-256. */
struct nlut_sha256 {
	uint32_t h[8];
	uint64_t len;
	uint8_t buf[64];
	size_t fill;
};
void nlut_sha256_init(struct nlut_sha256 *s);
void nlut_sha256_update(struct nlut_sha256 *s, const void *p, size_t n);
void nlut_sha256_final(struct nlut_sha256 *s, uint8_t out[32]);

/* Little-endian helpers. */
/* Milliseconds on the monotonic clock: deadlines and timeouts. */
static inline double nlut_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}

static inline uint16_t nlut_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}
static inline uint32_t nlut_rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}
static inline uint64_t nlut_rd64(const uint8_t *p)
{
	return (uint64_t)nlut_rd32(p) | ((uint64_t)nlut_rd32(p + 4) << 32);
}
static inline void nlut_wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}
static inline void nlut_wr32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}
static inline void nlut_wr64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

#endif /* NLUT_INTERNAL_H */
