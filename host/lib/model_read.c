/* model_read.c - the strict .nlut reader: every byte is checked before it is
 * used, and nothing is allocated beyond what the file itself holds. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "model_internal.h"

#define MAX_SECTION_COUNT 1024u

/* A cursor over one section's payload. */
struct cur {
	const uint8_t *p;
	size_t len, pos;
	size_t base;   /* file offset of the payload */
	char where[64];/* "section 3 (LAYR)" for messages */
};

static int need(struct cur *c, size_t n, const char *what)
{
	if (c->len - c->pos < n)
		return nlut_fail(NLUT_ERROR_MALFORMED,
				 "%s: payload ends at offset %zu inside %s (%zu bytes needed, %zu left)",
				 c->where, c->base + c->pos, what, n, c->len - c->pos);
	return NLUT_SUCCESS;
}

static uint8_t g8(struct cur *c)
{
	return c->p[c->pos++];
}

static uint16_t g16(struct cur *c)
{
	uint16_t v = nlut_rd16(c->p + c->pos);

	c->pos += 2;
	return v;
}

static uint32_t g32(struct cur *c)
{
	uint32_t v = nlut_rd32(c->p + c->pos);

	c->pos += 4;
	return v;
}

static float gf(struct cur *c)
{
	uint32_t v = g32(c);
	float f;

	memcpy(&f, &v, 4);
	return f;
}

static int read_table(struct cur *c, uint16_t **out, uint32_t addr_bits, unsigned w,
		      const char *what)
{
	size_t n = (size_t)1 << addr_bits;
	size_t eb = nlut_entry_bytes(w);
	int err = need(c, n * eb, what);

	if (err)
		return err;
	uint16_t *t = malloc(n * sizeof(*t));

	if (!t)
		return nlut_fail(NLUT_ERROR_NO_MEM, "%s: %s of 2^%u entries", c->where, what, addr_bits);
	const uint8_t *p = c->p + c->pos;

	if (eb == 1)
		for (size_t a = 0; a < n; a++)
			t[a] = p[a];
	else
		for (size_t a = 0; a < n; a++)
			t[a] = nlut_rd16(p + 2 * a);
	c->pos += n * eb;
	*out = t;
	return NLUT_SUCCESS;
}

static int read_inpt(struct cur *c, nlut_model **out)
{
	int err = need(c, 4, "input count");

	if (err)
		return err;
	uint32_t n = g32(c);

	if (n < 1)
		return nlut_fail(NLUT_ERROR_INCONSISTENT, "%s: zero inputs", c->where);
	if (n > NLUT_MAX_INPUTS)
		return nlut_fail(NLUT_ERROR_TOO_LARGE, "%s: %u inputs exceed %u", c->where, n,
				 NLUT_MAX_INPUTS);
	if (c->len != 4 + 12ull * n)
		return nlut_fail(NLUT_ERROR_MALFORMED, "%s: %u inputs need %llu payload bytes, section has %zu",
				 c->where, n, 4 + 12ull * n, c->len);
	nlut_model *m = nlut_model_alloc(n);

	if (!m)
		return nlut_fail(NLUT_ERROR_NO_MEM, "%s: %u inputs", c->where, n);
	for (uint32_t i = 0; i < n; i++) {
		struct nlut_quant *q = &m->quant[i];
		uint8_t kind;
		uint16_t rsv;

		q->bits = g8(c);
		kind = g8(c);
		rsv = g16(c);
		q->offset = gf(c);
		q->scale = gf(c);
		if (kind != NLUT_QUANT_KIND_AFFINE) {
			nlut_model_free(m);
			return nlut_fail(NLUT_ERROR_UNSUPPORTED, "%s: input %u: unknown quantiser kind %u",
					 c->where, i, kind);
		}
		if (rsv) {
			nlut_model_free(m);
			return nlut_fail(NLUT_ERROR_MALFORMED, "%s: input %u: reserved field is %u, not 0",
					 c->where, i, rsv);
		}
	}
	*out = m;
	return NLUT_SUCCESS;
}

static int width_ok(struct cur *c, unsigned w, uint32_t l, uint32_t j, const char *what)
{
	if (w < 1 || w > NLUT_MAX_CODE_BITS)
		return nlut_fail(NLUT_ERROR_INCONSISTENT, "%s: layer %u neuron %u: %s width %u not in 1..%u",
				 c->where, l, j, what, w, NLUT_MAX_CODE_BITS);
	return NLUT_SUCCESS;
}

static int read_adder(struct cur *c, struct nlut_neuron *n, uint32_t l, uint32_t j)
{
	int err = need(c, 4, "adder header");

	if (err)
		return err;
	n->sub_bits = g8(c);
	uint8_t n_sub = g8(c);
	uint16_t rsv = g16(c);

	if ((err = width_ok(c, n->sub_bits, l, j, "sub-table")))
		return err;
	if (rsv)
		return nlut_fail(NLUT_ERROR_MALFORMED, "%s: layer %u neuron %u: reserved field is %u, not 0",
				 c->where, l, j, rsv);
	if (n_sub < 1 || n_sub > NLUT_MAX_SUBTABLES)
		return nlut_fail(n_sub ? NLUT_ERROR_TOO_LARGE : NLUT_ERROR_INCONSISTENT,
				 "%s: layer %u neuron %u: %u sub-tables (1..%u allowed)", c->where, l, j,
				 n_sub, NLUT_MAX_SUBTABLES);
	n->sub = calloc(n_sub, sizeof(*n->sub));
	if (!n->sub)
		return nlut_fail(NLUT_ERROR_NO_MEM, "sub-tables");
	n->n_sub = n_sub;
	for (uint32_t s = 0; s < n_sub; s++) {
		struct nlut_subtable *st = &n->sub[s];

		if ((err = need(c, 1, "sub-table input count")))
			return err;
		st->n_in = g8(c);
		if (st->n_in < 1 || st->n_in > n->fan_in)
			return nlut_fail(NLUT_ERROR_INCONSISTENT,
					 "%s: layer %u neuron %u: sub-table %u reads %u inputs (1..%u)",
					 c->where, l, j, s, st->n_in, n->fan_in);
		if ((err = need(c, st->n_in, "sub-table inputs")))
			return err;
		st->in = malloc(st->n_in * sizeof(*st->in));
		if (!st->in)
			return nlut_fail(NLUT_ERROR_NO_MEM, "sub-table inputs");
		for (uint32_t k = 0; k < st->n_in; k++) {
			st->in[k] = g8(c);
			if (st->in[k] >= n->fan_in)
				return nlut_fail(NLUT_ERROR_INCONSISTENT,
						 "%s: layer %u neuron %u: sub-table %u input %u is position %u of %u",
						 c->where, l, j, s, k, st->in[k], n->fan_in);
			st->addr_bits += n->src_bits[st->in[k]];
		}
		if (st->addr_bits > NLUT_MAX_TABLE_BITS)
			return nlut_fail(NLUT_ERROR_TOO_LARGE,
					 "%s: layer %u neuron %u: sub-table %u has %u address bits (max %u)",
					 c->where, l, j, s, st->addr_bits, NLUT_MAX_TABLE_BITS);
	}
	for (uint32_t s = 0; s < n_sub; s++)
		if ((err = read_table(c, &n->sub[s].table, n->sub[s].addr_bits, n->sub_bits,
				      "sub-table")))
			return err;
	n->addr_bits = n->sub_bits + nlut_ceil_log2(n_sub);
	if (n->addr_bits > NLUT_MAX_TABLE_BITS)
		return nlut_fail(NLUT_ERROR_TOO_LARGE, "%s: layer %u neuron %u: sum of %u bits (max %u)",
				 c->where, l, j, n->addr_bits, NLUT_MAX_TABLE_BITS);
	return read_table(c, &n->table, n->addr_bits, n->out_bits, "output table");
}

/* LUT-Dense part (format 1.3): sub_bits, shift, reserved, bias, the read
 * widths, then one table per edge. Entries are checked by validation. */
static int read_dense(struct cur *c, struct nlut_neuron *n, uint32_t l, uint32_t j)
{
	int err = need(c, 8, "LUT-Dense header");

	if (err)
		return err;
	n->sub_bits = g8(c);
	n->shift = g8(c);
	uint16_t rsv = g16(c);

	n->bias = (int32_t)g32(c);
	if ((err = width_ok(c, n->sub_bits, l, j, "edge table")))
		return err;
	if (rsv)
		return nlut_fail(NLUT_ERROR_MALFORMED, "%s: layer %u neuron %u: reserved field is %u, not 0",
				 c->where, l, j, rsv);
	if (n->shift > NLUT_MAX_DENSE_SHIFT)
		return nlut_fail(NLUT_ERROR_INCONSISTENT, "%s: layer %u neuron %u: output shift %u exceeds %u",
				 c->where, l, j, n->shift, NLUT_MAX_DENSE_SHIFT);
	if (n->bias < -NLUT_MAX_DENSE_BIAS || n->bias > NLUT_MAX_DENSE_BIAS)
		return nlut_fail(NLUT_ERROR_INCONSISTENT,
				 "%s: layer %u neuron %u: bias %d outside -2^30 .. 2^30", c->where, l, j,
				 n->bias);
	if ((err = need(c, n->fan_in, "edge read widths")))
		return err;
	n->sub = calloc(n->fan_in, sizeof(*n->sub));
	if (!n->sub)
		return nlut_fail(NLUT_ERROR_NO_MEM, "edge tables");
	n->n_sub = n->fan_in;
	for (uint32_t e = 0; e < n->fan_in; e++) {
		struct nlut_subtable *st = &n->sub[e];

		st->n_in = 1;
		st->addr_bits = g8(c);
		if (st->addr_bits < 1 || st->addr_bits > n->src_bits[e])
			return nlut_fail(NLUT_ERROR_INCONSISTENT,
					 "%s: layer %u neuron %u: edge %u reads %u bits of a %u-bit source (1..%u)",
					 c->where, l, j, e, st->addr_bits, n->src_bits[e], n->src_bits[e]);
		if (!(st->in = malloc(sizeof(*st->in))))
			return nlut_fail(NLUT_ERROR_NO_MEM, "edge inputs");
		st->in[0] = e;
	}
	for (uint32_t e = 0; e < n->fan_in; e++)
		if ((err = read_table(c, &n->sub[e].table, n->sub[e].addr_bits, n->sub_bits,
				      "edge table")))
			return err;
	n->addr_bits = 0;
	return NLUT_SUCCESS;
}

static int read_neuron(struct cur *c, struct nlut_neuron *n, uint32_t l, uint32_t j)
{
	int err = need(c, 4, "neuron header");

	if (err)
		return err;
	n->kind = g8(c);
	n->out_bits = g8(c);
	n->fan_in = g16(c);
	if (n->kind != NLUT_NEURON_TABLE && n->kind != NLUT_NEURON_ADDER &&
	    n->kind != NLUT_NEURON_DENSE)
		return nlut_fail(NLUT_ERROR_UNSUPPORTED, "%s: layer %u neuron %u: unknown neuron kind %u",
				 c->where, l, j, n->kind);
	uint32_t max_fan_in = n->kind == NLUT_NEURON_DENSE ? NLUT_MAX_DENSE_FAN_IN : NLUT_MAX_FAN_IN;

	if ((err = width_ok(c, n->out_bits, l, j, "output")))
		return err;
	if (n->fan_in < 1)
		return nlut_fail(NLUT_ERROR_INCONSISTENT, "%s: layer %u neuron %u: fan-in is 0",
				 c->where, l, j);
	if (n->fan_in > max_fan_in)
		return nlut_fail(NLUT_ERROR_TOO_LARGE, "%s: layer %u neuron %u: fan-in %u exceeds %u",
				 c->where, l, j, n->fan_in, max_fan_in);
	if ((err = need(c, 5u * n->fan_in, "fan-in list")))
		return err;
	n->src = malloc(n->fan_in * sizeof(*n->src));
	n->src_bits = malloc(n->fan_in);
	if (!n->src || !n->src_bits)
		return nlut_fail(NLUT_ERROR_NO_MEM, "fan-in list");
	for (uint32_t k = 0; k < n->fan_in; k++)
		n->src[k] = g32(c);
	uint32_t sum = 0;

	for (uint32_t k = 0; k < n->fan_in; k++) {
		n->src_bits[k] = g8(c);
		if ((err = width_ok(c, n->src_bits[k], l, j, "input")))
			return err;
		sum += n->src_bits[k];
	}
	if (n->kind == NLUT_NEURON_ADDER)
		return read_adder(c, n, l, j);
	if (n->kind == NLUT_NEURON_DENSE)
		return read_dense(c, n, l, j);
	if (sum > NLUT_MAX_TABLE_BITS)
		return nlut_fail(NLUT_ERROR_TOO_LARGE, "%s: layer %u neuron %u: %u address bits exceed %u",
				 c->where, l, j, sum, NLUT_MAX_TABLE_BITS);
	n->addr_bits = sum;
	return read_table(c, &n->table, sum, n->out_bits, "table");
}

/* Each declared input width against its source, before the next neuron is
 * read: a wrong width sizes the table wrongly, and the next neuron would be
 * read from the middle of it ("unknown neuron kind"). */
static int sources_match(struct cur *c, const nlut_model *m, uint32_t l, uint32_t j,
			 const struct nlut_neuron *n)
{
	uint32_t count = l ? m->layers[l - 1].n_neurons : m->n_inputs;

	for (uint32_t k = 0; k < n->fan_in; k++) {
		if (n->src[k] >= count)
			return nlut_fail(NLUT_ERROR_INCONSISTENT, "%s: layer %u neuron %u: input %u reads %s %u of %u",
					 c->where, l, j, k, l ? "neuron" : "feature", n->src[k], count);
		unsigned w = nlut_model_src_width(m, (int)l - 1, n->src[k]);

		if (n->src_bits[k] != w)
			return nlut_fail(NLUT_ERROR_INCONSISTENT,
					 "%s: layer %u neuron %u: input %u declared %u bits but its source is %u bits",
					 c->where, l, j, k, n->src_bits[k], w);
	}
	return NLUT_SUCCESS;
}

static int read_layr(struct cur *c, nlut_model *m)
{
	uint32_t l = m->n_layers;
	int err = need(c, 8, "layer header");

	if (err)
		return err;
	if (l >= NLUT_MAX_LAYERS)
		return nlut_fail(NLUT_ERROR_TOO_LARGE, "%s: more than %u layers", c->where, NLUT_MAX_LAYERS);
	uint32_t kind = g32(c), n = g32(c);

	if (kind != NLUT_LAYER_KIND_LUT)
		return nlut_fail(NLUT_ERROR_UNSUPPORTED, "%s: layer %u: unknown layer kind %u", c->where, l, kind);
	if (n < 1)
		return nlut_fail(NLUT_ERROR_INCONSISTENT, "%s: layer %u has no neurons", c->where, l);
	if (n > NLUT_MAX_NEURONS)
		return nlut_fail(NLUT_ERROR_TOO_LARGE, "%s: layer %u: %u neurons exceed %u", c->where, l, n,
				 NLUT_MAX_NEURONS);
	/* Each neuron takes at least its 4-byte header: bound the array by the payload. */
	if ((c->len - c->pos) / 4 < n)
		return nlut_fail(NLUT_ERROR_MALFORMED, "%s: layer %u declares %u neurons in %zu bytes",
				 c->where, l, n, c->len - c->pos);
	struct nlut_layer *L = &m->layers[l];

	L->neurons = calloc(n, sizeof(*L->neurons));
	if (!L->neurons)
		return nlut_fail(NLUT_ERROR_NO_MEM, "layer of %u neurons", n);
	L->n_neurons = n;
	m->n_layers++; /* from here the model owns (and frees) the layer */
	for (uint32_t j = 0; j < n; j++)
		if ((err = read_neuron(c, &L->neurons[j], l, j)) ||
		    (err = sources_match(c, m, l, j, &L->neurons[j])))
			return err;
	return NLUT_SUCCESS;
}

static int read_outp(struct cur *c, nlut_model *m)
{
	if (c->len < 8)
		return nlut_fail(NLUT_ERROR_MALFORMED, "%s: payload is %zu bytes, expected 8", c->where, c->len);
	uint32_t kind = g32(c), n = g32(c);
	size_t want = kind == NLUT_DECODE_THRESHOLD ? 16 : 8;

	if (kind != NLUT_DECODE_ARGMAX && kind != NLUT_DECODE_GROUP_SUM && kind != NLUT_DECODE_THRESHOLD)
		return nlut_fail(NLUT_ERROR_UNSUPPORTED, "%s: unknown output decoding %u", c->where, kind);

	if (c->len != want)
		return nlut_fail(NLUT_ERROR_MALFORMED, "%s: payload is %zu bytes, expected %zu", c->where,
				 c->len, want);
	if (kind == NLUT_DECODE_THRESHOLD) {
		uint32_t sg = g32(c), t = g32(c);

		if (n != 2)
			return nlut_fail(NLUT_ERROR_INCONSISTENT, "%s: a threshold decodes 2 classes, not %u",
					 c->where, n);
		if (sg > 1)
			return nlut_fail(NLUT_ERROR_INCONSISTENT, "%s: threshold signedness %u (0 or 1)",
					 c->where, sg);
		m->decode = kind;
		m->th_signed = (int)sg;
		m->threshold = (int32_t)t;
		return nlut_model_check_decode(m, c->where);
	}

	if (kind == NLUT_DECODE_GROUP_SUM) {
		/* The neurons' widths are known here: the whole rule applies. */
		m->decode = kind;
		m->n_classes = n;
		return nlut_model_check_decode(m, c->where);
	}
	if (kind != NLUT_DECODE_ARGMAX)
		return nlut_fail(NLUT_ERROR_UNSUPPORTED, "%s: unknown output decoding %u", c->where, kind);
	if (n != nlut_model_num_classes(m))
		return nlut_fail(NLUT_ERROR_INCONSISTENT, "%s: %u classes but the last layer has %u neurons",
				 c->where, n, nlut_model_num_classes(m));
	return NLUT_SUCCESS;
}

static int read_text(struct cur *c, char **out, uint32_t i, int is_key)
{
	const char *what = is_key ? "key" : "value";
	int err = need(c, 4, "metadata length");

	if (err)
		return err;
	uint32_t len = g32(c);

	if (len > NLUT_MAX_META_LEN)
		return nlut_fail(NLUT_ERROR_TOO_LARGE, "%s: metadata entry %u: %s of %u bytes exceeds %u",
				 c->where, i, what, len, NLUT_MAX_META_LEN);
	if (is_key && len == 0)
		return nlut_fail(NLUT_ERROR_INCONSISTENT, "%s: metadata entry %u: empty key", c->where, i);
	if ((err = need(c, len, "metadata text")))
		return err;
	if (memchr(c->p + c->pos, 0, len))
		return nlut_fail(NLUT_ERROR_INCONSISTENT, "%s: metadata entry %u: %s contains a NUL byte",
				 c->where, i, what);
	char *s = malloc(len + 1);

	if (!s)
		return nlut_fail(NLUT_ERROR_NO_MEM, "metadata");
	memcpy(s, c->p + c->pos, len);
	s[len] = '\0';
	c->pos += len;
	*out = s;
	return NLUT_SUCCESS;
}

static int read_meta(struct cur *c, nlut_model *m)
{
	int err = need(c, 4, "metadata count");

	if (err)
		return err;
	uint32_t n = g32(c);

	if (n > NLUT_MAX_META)
		return nlut_fail(NLUT_ERROR_TOO_LARGE, "%s: %u metadata entries exceed %u", c->where, n,
				 NLUT_MAX_META);
	for (uint32_t i = 0; i < n; i++) {
		struct nlut_meta_entry *e = &m->meta[m->n_meta];

		if ((err = read_text(c, &e->key, i, 1)))
			return err;
		m->n_meta++; /* owned by the model from here */
		if ((err = read_text(c, &e->value, i, 0)))
			return err;
		for (uint32_t k = 0; k + 1 < m->n_meta; k++)
			if (strcmp(m->meta[k].key, e->key) == 0)
				return nlut_fail(NLUT_ERROR_INCONSISTENT, "%s: metadata key '%s' appears twice",
						 c->where, e->key);
	}
	return NLUT_SUCCESS;
}

enum stage { WANT_INPT, WANT_LAYR, IN_LAYR, DONE_OUTP };

static int parse(const uint8_t *p, size_t len, nlut_model **out)
{
	if (len < 8 || memcmp(p, nlut_magic, 8) != 0) {
		if (len < 8 && memcmp(p, nlut_magic, len) == 0)
			return nlut_fail(NLUT_ERROR_TRUNCATED, "file of %zu bytes ends inside the magic", len);
		return nlut_fail(NLUT_ERROR_BAD_MAGIC, "not an nlut model (first bytes are not \\x89NLT\\r\\n\\x1a\\n)");
	}
	if (len < NLUT_HEADER_SIZE)
		return nlut_fail(NLUT_ERROR_TRUNCATED, "file of %zu bytes ends inside the %u-byte header",
				 len, NLUT_HEADER_SIZE);
	unsigned major = nlut_rd16(p + 8), minor = nlut_rd16(p + 10);

	if (major != NLUT_FMT_MAJOR)
		return nlut_fail(NLUT_ERROR_VERSION, "format version %u.%u; this reader handles %u.x",
				 major, minor, NLUT_FMT_MAJOR);
	uint32_t crc = nlut_rd32(p + 28), calc = nlut_crc32(0, p, 28);

	if (crc != calc)
		return nlut_fail(NLUT_ERROR_CHECKSUM, "header CRC is %08x, content gives %08x", crc, calc);
	uint32_t flags = nlut_rd32(p + 12);
	uint64_t fsize = nlut_rd64(p + 16);
	uint32_t nsec = nlut_rd32(p + 24);

	if (flags)
		return nlut_fail(NLUT_ERROR_MALFORMED, "header flags are %08x, expected 0", flags);
	if (fsize > NLUT_MAX_FILE_SIZE)
		return nlut_fail(NLUT_ERROR_TOO_LARGE, "header declares %llu bytes, limit is %u",
				 (unsigned long long)fsize, NLUT_MAX_FILE_SIZE);
	if (fsize > len)
		return nlut_fail(NLUT_ERROR_TRUNCATED, "header declares %llu bytes, file has %zu",
				 (unsigned long long)fsize, len);
	if (fsize < len)
		return nlut_fail(NLUT_ERROR_MALFORMED, "%zu bytes follow the declared end of the file at %llu",
				 len - (size_t)fsize, (unsigned long long)fsize);
	if (nsec > MAX_SECTION_COUNT)
		return nlut_fail(NLUT_ERROR_TOO_LARGE, "%u sections exceed %u", nsec, MAX_SECTION_COUNT);

	nlut_model *m = NULL;
	enum stage st = WANT_INPT;
	int have_meta = 0, err = NLUT_SUCCESS;
	size_t pos = NLUT_HEADER_SIZE;

	for (uint32_t i = 0; i < nsec && !err; i++) {
		if (len - pos < 16) {
			err = nlut_fail(NLUT_ERROR_TRUNCATED, "section %u of %u: header at offset %zu runs past the end",
					i, nsec, pos);
			break;
		}
		char tag[5];
		struct cur c;

		memcpy(tag, p + pos, 4);
		tag[4] = '\0';
		for (int k = 0; k < 4; k++)
			if (tag[k] < 0x20 || tag[k] > 0x7e)
				tag[k] = '?';
		uint32_t sflags = nlut_rd32(p + pos + 4);
		uint64_t slen = nlut_rd64(p + pos + 8);

		snprintf(c.where, sizeof(c.where), "section %u (%s, offset %zu)", i, tag, pos);
		if (slen > len - pos - 16 || len - pos - 16 - slen < 4) {
			err = nlut_fail(NLUT_ERROR_TRUNCATED, "%s: declares %llu payload bytes, %zu remain",
					c.where, (unsigned long long)slen, len - pos - 16);
			break;
		}
		uint32_t scrc = nlut_rd32(p + pos + 16 + slen);

		calc = nlut_crc32(0, p + pos, 16 + slen);
		if (scrc != calc) {
			err = nlut_fail(NLUT_ERROR_CHECKSUM, "%s: CRC is %08x, content gives %08x", c.where,
					scrc, calc);
			break;
		}
		if (sflags & ~NLUT_SECTION_CRITICAL) {
			err = nlut_fail(NLUT_ERROR_MALFORMED, "%s: unknown flags %08x", c.where, sflags);
			break;
		}
		c.p = p + pos + 16;
		c.len = slen;
		c.pos = 0;
		c.base = pos + 16;
		int known = !strcmp(tag, "INPT") || !strcmp(tag, "LAYR") || !strcmp(tag, "OUTP") ||
			    !strcmp(tag, "META");
		int critical = sflags & NLUT_SECTION_CRITICAL;

		if (!known) {
			if (critical)
				err = nlut_fail(NLUT_ERROR_UNSUPPORTED,
						"%s: critical section of a kind this reader does not know",
						c.where);
			pos += 20 + slen;
			continue;
		}
		if (critical != (strcmp(tag, "META") ? 1 : 0)) {
			err = nlut_fail(NLUT_ERROR_MALFORMED, "%s: critical flag is %s", c.where,
					critical ? "set" : "clear");
			break;
		}
		if (!strcmp(tag, "INPT")) {
			if (st != WANT_INPT)
				err = nlut_fail(NLUT_ERROR_MALFORMED, "%s: second INPT section", c.where);
			else if (!(err = read_inpt(&c, &m)))
				st = WANT_LAYR;
		} else if (st == WANT_INPT) {
			err = nlut_fail(NLUT_ERROR_MALFORMED, "%s: comes before the INPT section", c.where);
		} else if (!strcmp(tag, "LAYR")) {
			if (st == DONE_OUTP)
				err = nlut_fail(NLUT_ERROR_MALFORMED, "%s: layer after the OUTP section", c.where);
			else if (!(err = read_layr(&c, m)))
				st = IN_LAYR;
		} else if (!strcmp(tag, "OUTP")) {
			if (st != IN_LAYR)
				err = nlut_fail(NLUT_ERROR_MALFORMED, "%s: %s", c.where,
						st == DONE_OUTP ? "second OUTP section" : "OUTP before any layer");
			else if (!(err = read_outp(&c, m)))
				st = DONE_OUTP;
		} else {
			if (have_meta)
				err = nlut_fail(NLUT_ERROR_MALFORMED, "%s: second META section", c.where);
			else if (!(err = read_meta(&c, m)))
				have_meta = 1;
		}
		if (!err && c.pos != c.len)
			err = nlut_fail(NLUT_ERROR_MALFORMED, "%s: %zu payload bytes left unread",
					c.where, c.len - c.pos);
		pos += 20 + slen;
	}
	if (!err && pos != len)
		err = nlut_fail(NLUT_ERROR_MALFORMED, "%zu bytes after the last of %u sections",
				len - pos, nsec);
	if (!err && st != DONE_OUTP)
		err = nlut_fail(NLUT_ERROR_MALFORMED, "missing %s section",
				st == WANT_INPT ? "INPT" : st == WANT_LAYR ? "LAYR" : "OUTP");
	if (!err)
		err = nlut_model_validate(m);
	if (err) {
		nlut_model_free(m);
		return err;
	}
	m->ver_major = major;
	m->ver_minor = minor;
	*out = m;
	return NLUT_SUCCESS;
}

NLUT_API int nlut_model_load_mem(const void *buf, size_t len, nlut_model **out)
{
	if (!out)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "out is NULL");
	*out = NULL;
	if (!buf && len)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "buffer is NULL");
	nlut_clear_error();
	return parse(buf ? buf : "", len, out);
}

NLUT_API int nlut_model_load(const char *path, nlut_model **out)
{
	struct stat st;
	int err;

	if (!path || !out)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "path or out is NULL");
	*out = NULL;
	nlut_clear_error();
	FILE *f = fopen(path, "rb");

	if (!f)
		return nlut_fail(errno == ENOENT ? NLUT_ERROR_NOT_FOUND : NLUT_ERROR_IO,
				 "%s: cannot open: %s", path, strerror(errno));
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		fclose(f);
		return nlut_fail(NLUT_ERROR_IO, "%s: not a regular file", path);
	}
	if ((uint64_t)st.st_size > NLUT_MAX_FILE_SIZE) {
		fclose(f);
		return nlut_fail(NLUT_ERROR_TOO_LARGE, "%s: %lld bytes exceed the %u-byte model limit",
				 path, (long long)st.st_size, NLUT_MAX_FILE_SIZE);
	}
	size_t len = (size_t)st.st_size;
	uint8_t *buf = malloc(len ? len : 1);

	if (!buf) {
		fclose(f);
		return nlut_fail(NLUT_ERROR_NO_MEM, "%s: %zu bytes", path, len);
	}
	size_t got = fread(buf, 1, len, f);
	int rerr = ferror(f);

	fclose(f);
	if (rerr) {
		free(buf);
		return nlut_fail(NLUT_ERROR_IO, "%s: read failed", path);
	}
	err = parse(buf, got, out);
	free(buf);
	if (err) {
		char d[512];

		snprintf(d, sizeof(d), "%s", nlut_error_detail());
		nlut_fail(err, "%s: %s", path, d);
	}
	return err;
}
