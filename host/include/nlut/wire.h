/* nlut/wire.h - framed messages over byte streams (docs/wire-protocol.md),
 * shared by the host transport and the board's protocol engine. Freestanding:
 * <stdint.h> and <string.h> only, no allocation. */
#ifndef NLUT_WIRE_H
#define NLUT_WIRE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NLUT_WIRE_SYNC0 0x4Eu
#define NLUT_WIRE_SYNC1 0x57u
#define NLUT_WIRE_HEADER 12u
#define NLUT_WIRE_OVERHEAD 16u /* header + CRC */
#define NLUT_WIRE_MAX_PAYLOAD 65536u

enum nlut_wire_type {
	NLUT_WIRE_REG_READ = 0x01,
	NLUT_WIRE_REG_WRITE = 0x02,
	NLUT_WIRE_VECTORS = 0x03,
	NLUT_WIRE_REG_VALUE = 0x81,
	NLUT_WIRE_RESULTS = 0x83,
	NLUT_WIRE_ERROR = 0xFF
};

enum nlut_wire_errcode {
	NLUT_WIRE_ERR_CRC = 1,
	NLUT_WIRE_ERR_SEQ = 2,
	NLUT_WIRE_ERR_TYPE = 3,
	NLUT_WIRE_ERR_LENGTH = 4,
	NLUT_WIRE_ERR_OFFSET = 5,
	NLUT_WIRE_ERR_BUSY = 6
};

/* CRC-32 (IEEE 802.3, reflected; crc32("123456789") = 0xCBF43926). */
uint32_t nlut_wire_crc32(uint32_t crc, const void *p, size_t n);

/* Write one frame into out (16 + len bytes); returns its size. */
size_t nlut_wire_encode(uint8_t type, uint16_t seq, const void *payload, uint32_t len,
			uint8_t *out);

/* A decoded frame; payload points into the parser's buffer and is valid
 * until the next call to nlut_wire_feed. */
struct nlut_wire_frame {
	uint8_t type;
	uint16_t seq;
	uint32_t len;
	const uint8_t *payload;
};

/*
 * Incremental parser: feed bytes as they arrive; it calls on_frame for each
 * complete frame with a good CRC and on_error for each one dropped (bad
 * CRC or length) with the byte count discarded while resynchronising.
 * buf must hold one whole frame: NLUT_WIRE_OVERHEAD + NLUT_WIRE_MAX_PAYLOAD
 * (more is not used). Linear time whatever the stream: buf is a ring, and a
 * candidate frame's CRC comes from running CRC states kept every
 * NLUT_WIRE_CP_STRIDE bytes, so a hostile stream of long frame headers with
 * bad CRCs costs no more per byte than good frames do.
 */
#define NLUT_WIRE_CP_STRIDE 64u
#define NLUT_WIRE_CP_COUNT ((NLUT_WIRE_OVERHEAD + NLUT_WIRE_MAX_PAYLOAD) / NLUT_WIRE_CP_STRIDE + 3u)

struct nlut_wire_parser {
	uint8_t *buf;
	size_t cap, fill;
	uint64_t dropped_bytes;
	uint64_t bad_frames;
	void *user;
	void (*on_frame)(void *user, const struct nlut_wire_frame *f);
	void (*on_error)(void *user, enum nlut_wire_errcode code, uint16_t seq);
	/* Private: the ring and the CRC states of the stream. */
	size_t head;                 /* ring index of the first byte held */
	uint64_t at;                 /* stream position of that byte */
	uint32_t crc_head;           /* CRC register over the stream up to at */
	uint32_t crc_end;            /* ... up to at + fill */
	uint32_t cp[NLUT_WIRE_CP_COUNT];   /* ... up to each multiple of the stride */
};

void nlut_wire_parser_init(struct nlut_wire_parser *p, uint8_t *buf, size_t cap,
			   void (*on_frame)(void *, const struct nlut_wire_frame *),
			   void (*on_error)(void *, enum nlut_wire_errcode, uint16_t), void *user);
void nlut_wire_feed(struct nlut_wire_parser *p, const uint8_t *data, size_t n);

#ifdef __cplusplus
}
#endif

#endif /* NLUT_WIRE_H */
