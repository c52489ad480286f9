/* nlut/stream.h - packing vectors into input beats and parsing result
 * records (docs/stream-format.md). */
#ifndef NLUT_STREAM_H
#define NLUT_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include <nlut/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Geometry of one board's stream ports for one model. */
struct nlut_stream_shape {
	uint32_t n_inputs;       /* features */
	const uint8_t *in_bits;  /* width of each feature (n_inputs entries) */
	uint32_t in_total_bits;  /* sum of in_bits */
	uint32_t n_classes;
	unsigned s_bytes;        /* input beat width: 4, 8 or 64 */
	unsigned m_bytes;        /* output beat width: 4, 8 or 64 */
	int scores;              /* result records carry scores */
	size_t in_record;        /* bytes per vector on the input port (whole beats) */
	size_t out_record;       /* bytes per result on the output port (whole beats) */
};

/* Fill the derived sizes of a shape whose other fields are set. */
int nlut_stream_shape_init(struct nlut_stream_shape *s);

/* Pack n vectors of codes (row-major, n_inputs each) into n * in_record
 * bytes. A code wider than its feature is NLUT_ERROR_INVALID_PARAM. */
int nlut_stream_pack(const struct nlut_stream_shape *s, size_t n, const uint16_t *codes,
		     uint8_t *out);

/* The inverse of nlut_stream_pack (device side). Non-zero padding bits are
 * NLUT_ERROR_PROTOCOL. */
int nlut_stream_unpack_inputs(const struct nlut_stream_shape *s, size_t n, const uint8_t *in,
			      uint16_t *codes);

/* One parsed result record. */
struct nlut_stream_result {
	uint32_t seq;
	uint32_t cls;
};

/* Parse n result records; scores (n * n_classes, may be NULL) are filled
 * only when the shape has scores. A class index out of range or non-zero
 * reserved bytes are NLUT_ERROR_PROTOCOL. */
int nlut_stream_unpack(const struct nlut_stream_shape *s, size_t n, const uint8_t *in,
		       struct nlut_stream_result *res, uint16_t *scores);

/* Write one result record (the device side: simulator, golden transport). */
void nlut_stream_put_result(const struct nlut_stream_shape *s, uint32_t seq, uint32_t cls,
			    const uint16_t *scores, uint8_t *out);

#ifdef __cplusplus
}
#endif

#endif /* NLUT_STREAM_H */
