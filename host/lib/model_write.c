/* model_write.c - the canonical encoding of a model and writing it out. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "model_internal.h"

#define MAX_SECTIONS (NLUT_MAX_LAYERS + 3)

struct wbuf {
	uint8_t *p;
	size_t len, cap;
	int oom;
};

static uint8_t *grow(struct wbuf *b, size_t n)
{
	if (b->oom)
		return NULL;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;

		while (cap < b->len + n)
			cap *= 2;
		uint8_t *p = realloc(b->p, cap);

		if (!p) {
			b->oom = 1;
			return NULL;
		}
		b->p = p;
		b->cap = cap;
	}
	uint8_t *at = b->p + b->len;

	b->len += n;
	return at;
}

static void put8(struct wbuf *b, uint8_t v)
{
	uint8_t *p = grow(b, 1);

	if (p)
		*p = v;
}

static void put16(struct wbuf *b, uint16_t v)
{
	uint8_t *p = grow(b, 2);

	if (p)
		nlut_wr16(p, v);
}

static void put32(struct wbuf *b, uint32_t v)
{
	uint8_t *p = grow(b, 4);

	if (p)
		nlut_wr32(p, v);
}

static void putf(struct wbuf *b, float f)
{
	uint32_t v;

	memcpy(&v, &f, 4);
	put32(b, v);
}

static void putbytes(struct wbuf *b, const void *s, size_t n)
{
	uint8_t *p = grow(b, n);

	if (p && n)
		memcpy(p, s, n);
}

static void put_table(struct wbuf *b, const uint16_t *t, uint32_t addr_bits, unsigned w)
{
	size_t n = (size_t)1 << addr_bits;
	uint8_t *p = grow(b, n * nlut_entry_bytes(w));

	if (!p)
		return;
	if (w <= 8)
		for (size_t a = 0; a < n; a++)
			p[a] = (uint8_t)t[a];
	else
		for (size_t a = 0; a < n; a++)
			nlut_wr16(p + 2 * a, t[a]);
}

/* Open a section; returns its start for end_section. */
static size_t begin_section(struct wbuf *b, const char tag[4], uint32_t flags)
{
	size_t start = b->len;

	putbytes(b, tag, 4);
	put32(b, flags);
	put32(b, 0); /* length, patched by end_section */
	put32(b, 0);
	return start;
}

static void end_section(struct wbuf *b, size_t start, struct nlut_encoding *e)
{
	if (b->oom)
		return;
	uint64_t len = b->len - start - 16;

	nlut_wr64(b->p + start + 8, len);
	if (e->sec_off && e->n_sec < MAX_SECTIONS) {
		e->sec_off[e->n_sec] = start;
		e->sec_len[e->n_sec] = b->len - start;
	}
	e->n_sec++;
	put32(b, nlut_crc32(0, b->p + start, b->len - start));
}

static void put_neuron(struct wbuf *b, const struct nlut_neuron *n)
{
	put8(b, n->kind);
	put8(b, n->out_bits);
	put16(b, (uint16_t)n->fan_in);
	for (uint32_t k = 0; k < n->fan_in; k++)
		put32(b, n->src[k]);
	putbytes(b, n->src_bits, n->fan_in);
	if (n->kind == NLUT_NEURON_ADDER) {
		put8(b, n->sub_bits);
		put8(b, (uint8_t)n->n_sub);
		put16(b, 0);
		for (uint32_t s = 0; s < n->n_sub; s++) {
			put8(b, (uint8_t)n->sub[s].n_in);
			for (uint32_t k = 0; k < n->sub[s].n_in; k++)
				put8(b, (uint8_t)n->sub[s].in[k]);
		}
		for (uint32_t s = 0; s < n->n_sub; s++)
			put_table(b, n->sub[s].table, n->sub[s].addr_bits, n->sub_bits);
	}
	if (n->kind == NLUT_NEURON_DENSE) {
		put8(b, n->sub_bits);
		put8(b, n->shift);
		put16(b, 0);
		put32(b, (uint32_t)n->bias);
		for (uint32_t e = 0; e < n->fan_in; e++)
			put8(b, (uint8_t)n->sub[e].addr_bits);
		for (uint32_t e = 0; e < n->fan_in; e++)
			put_table(b, n->sub[e].table, n->sub[e].addr_bits, n->sub_bits);
		return;
	}
	put_table(b, n->table, n->addr_bits, n->out_bits);
}

int nlut_model_encode(const nlut_model *m, struct nlut_encoding *e)
{
	struct wbuf b = { 0 };
	int err = nlut_model_validate(m);

	memset(e, 0, sizeof(*e));
	if (err)
		return err;
	e->sec_off = malloc(MAX_SECTIONS * sizeof(size_t));
	e->sec_len = malloc(MAX_SECTIONS * sizeof(size_t));
	if (!e->sec_off || !e->sec_len) {
		nlut_encoding_free(e);
		return nlut_fail(NLUT_ERROR_NO_MEM, "encoding");
	}

	putbytes(&b, nlut_magic, 8);
	put16(&b, NLUT_FMT_MAJOR);
	put16(&b, (uint16_t)nlut_model_min_minor(m)); /* 1.0 content stays a 1.0 file */
	put32(&b, 0);
	put32(&b, 0); /* file_size, patched below */
	put32(&b, 0);
	put32(&b, 0); /* section_count */
	put32(&b, 0); /* header_crc */

	size_t s = begin_section(&b, "INPT", NLUT_SECTION_CRITICAL);

	put32(&b, m->n_inputs);
	for (uint32_t i = 0; i < m->n_inputs; i++) {
		put8(&b, m->quant[i].bits);
		put8(&b, NLUT_QUANT_KIND_AFFINE);
		put16(&b, 0);
		putf(&b, m->quant[i].offset);
		putf(&b, m->quant[i].scale);
	}
	end_section(&b, s, e);

	for (uint32_t l = 0; l < m->n_layers; l++) {
		const struct nlut_layer *L = &m->layers[l];

		s = begin_section(&b, "LAYR", NLUT_SECTION_CRITICAL);
		put32(&b, NLUT_LAYER_KIND_LUT);
		put32(&b, L->n_neurons);
		for (uint32_t j = 0; j < L->n_neurons; j++)
			put_neuron(&b, &L->neurons[j]);
		end_section(&b, s, e);
	}

	s = begin_section(&b, "OUTP", NLUT_SECTION_CRITICAL);
	put32(&b, m->decode);
	put32(&b, nlut_model_num_classes(m));
	if (m->decode == NLUT_DECODE_THRESHOLD) {
		put32(&b, (uint32_t)m->th_signed);
		put32(&b, (uint32_t)m->threshold);
	}
	end_section(&b, s, e);

	if (m->n_meta) {
		s = begin_section(&b, "META", 0);
		put32(&b, m->n_meta);
		for (uint32_t i = 0; i < m->n_meta; i++) {
			size_t kl = strlen(m->meta[i].key), vl = strlen(m->meta[i].value);

			put32(&b, (uint32_t)kl);
			putbytes(&b, m->meta[i].key, kl);
			put32(&b, (uint32_t)vl);
			putbytes(&b, m->meta[i].value, vl);
		}
		end_section(&b, s, e);
	}

	if (b.oom) {
		free(b.p);
		nlut_encoding_free(e);
		return nlut_fail(NLUT_ERROR_NO_MEM, "encoding the model");
	}
	if (b.len > NLUT_MAX_FILE_SIZE) {
		free(b.p);
		nlut_encoding_free(e);
		return nlut_fail(NLUT_ERROR_TOO_LARGE, "encoded model of %zu bytes exceeds %u",
				 b.len, NLUT_MAX_FILE_SIZE);
	}
	nlut_wr64(b.p + 16, b.len);
	nlut_wr32(b.p + 24, e->n_sec);
	nlut_wr32(b.p + 28, nlut_crc32(0, b.p, 28));
	e->buf = b.p;
	e->len = b.len;
	return NLUT_SUCCESS;
}

void nlut_encoding_free(struct nlut_encoding *e)
{
	free(e->buf);
	free(e->sec_off);
	free(e->sec_len);
	memset(e, 0, sizeof(*e));
}

NLUT_API int nlut_model_save_mem(const nlut_model *m, void **buf, size_t *len)
{
	struct nlut_encoding e;
	int err;

	if (!m || !buf || !len)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "model, buf or len is NULL");
	nlut_clear_error();
	if ((err = nlut_model_encode(m, &e)))
		return err;
	*buf = e.buf;
	*len = e.len;
	e.buf = NULL;
	nlut_encoding_free(&e);
	return NLUT_SUCCESS;
}

NLUT_API int nlut_model_save(const nlut_model *m, const char *path)
{
	struct nlut_encoding e;
	int err;

	if (!m || !path)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "model or path is NULL");
	nlut_clear_error();
	if ((err = nlut_model_encode(m, &e)))
		return err;

	/* A symbolic link stays: its target is what gets written. */
	struct stat st;
	char *real = NULL;

	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		if (!(real = realpath(path, NULL))) {
			err = nlut_fail(NLUT_ERROR_IO, "%s: symbolic link to nothing: %s", path,
					strerror(errno));
			nlut_encoding_free(&e);
			return err;
		}
		path = real;
	}
	/* A device or FIFO (-o /dev/null, a pipe) is written in place: renaming
	 * a file over it would replace the device itself. */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		FILE *f = S_ISDIR(st.st_mode) ? NULL : fopen(path, "wb");

		if (!f) {
			err = nlut_fail(NLUT_ERROR_IO, "%s: cannot write: %s", path,
					S_ISDIR(st.st_mode) ? "a directory" : strerror(errno));
		} else {
			int short_write = fwrite(e.buf, 1, e.len, f) != e.len;

			if (fclose(f) != 0 || short_write)
				err = nlut_fail(NLUT_ERROR_IO, "%s: write failed: %s", path,
						strerror(errno));
		}
		free(real);
		nlut_encoding_free(&e);
		return err;
	}

	/* Write beside the target and rename, so a crash never leaves half a model. */
	size_t pl = strlen(path);
	char *tmp = malloc(pl + 16);

	if (!tmp) {
		free(real);
		nlut_encoding_free(&e);
		return nlut_fail(NLUT_ERROR_NO_MEM, "path");
	}
	snprintf(tmp, pl + 16, "%s.%ld~", path, (long)getpid() % 1000000000L);
	FILE *f = fopen(tmp, "wb");

	if (!f) {
		err = nlut_fail(NLUT_ERROR_IO, "%s: cannot create: %s", path, strerror(errno));
		goto out;
	}
	if (fwrite(e.buf, 1, e.len, f) != e.len || fflush(f) != 0) {
		err = nlut_fail(NLUT_ERROR_IO, "%s: write failed: %s", path, strerror(errno));
		fclose(f);
		remove(tmp);
		goto out;
	}
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		err = nlut_fail(NLUT_ERROR_IO, "%s: cannot write: %s", path, strerror(errno));
		remove(tmp);
	}
out:
	free(tmp);
	free(real);
	nlut_encoding_free(&e);
	return err;
}
