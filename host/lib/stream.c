/* stream.c - the stream packing of docs/stream-format.md, one implementation
 * for host, simulator and firmware. */
#include <stdlib.h>
#include <string.h>

#include <nlut/model.h>

#include <nlut/stream.h>

#include "internal.h"

static size_t whole_beats(size_t bytes, unsigned beat)
{
	return (bytes + beat - 1) / beat * beat;
}

NLUT_API int nlut_stream_shape_init(struct nlut_stream_shape *s)
{
	uint32_t total = 0;

	if (!s || !s->in_bits || !s->n_inputs || !s->n_classes)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "stream shape needs inputs, widths and classes");
	if ((s->s_bytes != 4 && s->s_bytes != 8 && s->s_bytes != 64) ||
	    (s->m_bytes != 4 && s->m_bytes != 8 && s->m_bytes != 64))
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "stream beats of %u/%u bytes: 4, 8 or 64 expected",
				 s->s_bytes, s->m_bytes);
	for (uint32_t i = 0; i < s->n_inputs; i++) {
		if (s->in_bits[i] < 1 || s->in_bits[i] > 16)
			return nlut_fail(NLUT_ERROR_INVALID_PARAM, "feature %u is %u bits wide", i,
					 s->in_bits[i]);
		total += s->in_bits[i];
	}
	s->in_total_bits = total;
	s->in_record = whole_beats((total + 7) / 8, s->s_bytes);
	s->out_record = whole_beats(8 + (s->scores ? 2u * s->n_classes : 0u), s->m_bytes);
	return NLUT_SUCCESS;
}

/* The first code of vector v that does not fit its width, as an error. */
static int pack_range_error(const struct nlut_stream_shape *s, size_t v, const uint16_t *c)
{
	for (uint32_t i = 0; i < s->n_inputs; i++)
		if (c[i] >> s->in_bits[i])
			return nlut_fail(NLUT_ERROR_INVALID_PARAM, "vector %zu feature %u: code %u exceeds %u bits",
					 v, i, c[i], s->in_bits[i]);
	return nlut_fail(NLUT_ERROR_OTHER, "vector %zu: code range check disagrees", v);
}

/* Codes are gathered in a 64-bit accumulator and leave it 32 bits at a time
 * (a code is at most 16 bits, so the accumulator never holds more than 47):
 * one store per 4 bytes instead of a read-modify-write per code byte. The
 * range check ORs what each code has above its width and is looked at once
 * per vector. */
NLUT_API int nlut_stream_pack(const struct nlut_stream_shape *s, size_t n, const uint16_t *codes,
			      uint8_t *out)
{
	const uint8_t *wb = s->in_bits;

	for (size_t v = 0; v < n; v++) {
		uint8_t *rec = out + v * s->in_record, *p = rec;
		const uint16_t *c = codes + v * s->n_inputs;
		uint64_t acc = 0;
		unsigned nacc = 0, over = 0;

		for (uint32_t i = 0; i < s->n_inputs; i++) {
			unsigned w = wb[i];

			over |= (unsigned)c[i] >> w;
			acc |= (uint64_t)c[i] << nacc;
			nacc += w;
			if (nacc >= 32) {
				p[0] = (uint8_t)acc;
				p[1] = (uint8_t)(acc >> 8);
				p[2] = (uint8_t)(acc >> 16);
				p[3] = (uint8_t)(acc >> 24);
				p += 4;
				acc >>= 32;
				nacc -= 32;
			}
		}
		if (over)
			return pack_range_error(s, v, c);
		for (; nacc > 0; nacc = nacc > 8 ? nacc - 8 : 0, acc >>= 8)
			*p++ = (uint8_t)acc;
		memset(p, 0, s->in_record - (size_t)(p - rec));
	}
	return NLUT_SUCCESS;
}

NLUT_API int nlut_stream_unpack_inputs(const struct nlut_stream_shape *s, size_t n, const uint8_t *in,
				       uint16_t *codes)
{
	for (size_t v = 0; v < n; v++) {
		const uint8_t *rec = in + v * s->in_record;
		uint16_t *c = codes + v * s->n_inputs;
		uint32_t bit = 0;

		for (uint32_t i = 0; i < s->n_inputs; i++) {
			unsigned w = s->in_bits[i];
			uint32_t x = 0;

			for (unsigned k = 0; k < 3 && bit / 8 + k < s->in_record; k++)
				x |= (uint32_t)rec[bit / 8 + k] << (8 * k);
			c[i] = (uint16_t)((x >> (bit & 7)) & ((1u << w) - 1u));
			bit += w;
		}
		/* Bits above the vector must be zero. */
		for (uint32_t b = bit; b < 8 * s->in_record; b++)
			if (rec[b / 8] >> (b & 7) & 1)
				return nlut_fail(NLUT_ERROR_PROTOCOL, "vector %zu: padding bit %u is set", v, b);
	}
	return NLUT_SUCCESS;
}

NLUT_API int nlut_stream_unpack(const struct nlut_stream_shape *s, size_t n, const uint8_t *in,
				struct nlut_stream_result *res, uint16_t *scores)
{
	for (size_t v = 0; v < n; v++) {
		const uint8_t *rec = in + v * s->out_record;
		size_t used = 8 + (s->scores ? 2u * s->n_classes : 0u);

		res[v].seq = nlut_rd32(rec);
		res[v].cls = nlut_rd16(rec + 4);
		if (res[v].cls >= s->n_classes)
			return nlut_fail(NLUT_ERROR_PROTOCOL, "result %zu (tag %u): class %u of %u", v,
					 res[v].seq, res[v].cls, s->n_classes);
		if (nlut_rd16(rec + 6))
			return nlut_fail(NLUT_ERROR_PROTOCOL, "result %zu (tag %u): reserved bytes are %04x",
					 v, res[v].seq, nlut_rd16(rec + 6));
		uint64_t pad = 0;
		size_t k = used;

		/* One pass without branches, 8 bytes at a time (wide records are
		 * mostly padding); the byte named only when one is set. */
		for (; k + 8 <= s->out_record; k += 8) {
			uint64_t w;

			memcpy(&w, rec + k, 8);
			pad |= w;
		}
		for (; k < s->out_record; k++)
			pad |= rec[k];
		for (k = used; pad && k < s->out_record; k++)
			if (rec[k])
				return nlut_fail(NLUT_ERROR_PROTOCOL, "result %zu (tag %u): padding byte %zu is %02x",
						 v, res[v].seq, k, rec[k]);
		if (s->scores && scores)
			for (uint32_t c = 0; c < s->n_classes; c++)
				scores[v * s->n_classes + c] = nlut_rd16(rec + 8 + 2 * c);
	}
	return NLUT_SUCCESS;
}

NLUT_API void nlut_stream_put_result(const struct nlut_stream_shape *s, uint32_t seq, uint32_t cls,
				     const uint16_t *scores, uint8_t *out)
{
	memset(out, 0, s->out_record);
	nlut_wr32(out, seq);
	nlut_wr16(out + 4, (uint16_t)cls);
	if (s->scores && scores)
		for (uint32_t c = 0; c < s->n_classes; c++)
			nlut_wr16(out + 8 + 2 * c, scores[c]);
}

int nlut_stream_shape_model(const struct nlut_model *m, unsigned s_bytes, unsigned m_bytes,
			    int scores, struct nlut_stream_shape *s)
{
	uint32_t ni = nlut_model_num_inputs(m);
	uint8_t *bits = malloc(ni ? ni : 1);
	int err;

	memset(s, 0, sizeof(*s));
	if (!bits)
		return nlut_fail(NLUT_ERROR_NO_MEM, "input widths");
	for (uint32_t i = 0; i < ni; i++)
		bits[i] = nlut_model_quant(m)[i].bits;
	*s = (struct nlut_stream_shape){ .n_inputs = ni, .in_bits = bits,
					 .n_classes = nlut_model_num_classes(m), .s_bytes = s_bytes,
					 .m_bytes = m_bytes, .scores = scores };
	if ((err = nlut_stream_shape_init(s)))
		nlut_stream_shape_release(s);
	return err;
}

void nlut_stream_shape_release(struct nlut_stream_shape *s)
{
	free((void *)s->in_bits);
	s->in_bits = NULL;
}
