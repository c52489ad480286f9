/* data_reader.c - a dataset read in batches (nlut_data_open / nlut_data_read):
 * IDX and npy arrays row by row after their header, CSV line by line. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "data_internal.h"

/* The start of a file read at open: any IDX or npy header fits. */
#define HEAD_BYTES ((size_t)1 << 20)
/* CSV text is read in pieces of this size (a line longer than a piece
 * grows it). The fuzz build sets it small so that lines span pieces. */
#ifndef NLUT_DATA_PIECE
#define NLUT_DATA_PIECE HEAD_BYTES
#endif
_Static_assert(NLUT_DATA_PIECE >= 16 && NLUT_DATA_PIECE <= HEAD_BYTES,
	       "NLUT_DATA_PIECE: 16 bytes to HEAD_BYTES");

/* An IDX or npy array read a few rows at a time. */
struct arr_stream {
	const char *path;
	struct nlut_src src;
	int open;
	struct nlut_array a;
	uint8_t *head;          /* the file's first bytes: header, then data */
	size_t head_len, head_at;
	uint8_t *chunk;
	size_t chunk_cap;
	size_t data_read;       /* bytes of data handed out */
};

enum reader_mode { MODE_ARRAY, MODE_CSV, MODE_WHOLE };

struct nlut_data_reader {
	char *path, *labels_path;
	enum reader_mode mode;
	size_t features, rows, limit, handed;
	int has_labels, ended, tail_checked;
	struct arr_stream x, y;
	/* CSV: the text not yet parsed, NUL behind it */
	struct nlut_csv *csv;
	char *text;
	size_t text_len, text_cap;
	/* A file read whole (a Fortran-ordered array). */
	struct nlut_dataset *ds;
};

/* Up to n bytes from src into buf; fewer only at the end of the file. */
static int read_full(struct nlut_src *s, uint8_t *buf, size_t n, size_t *len)
{
	size_t got;
	int rc;

	*len = 0;
	while (*len < n && !s->done) {
		if ((rc = nlut_src_read(s, buf + *len, n - *len, &got)))
			return rc;
		*len += got;
	}
	return NLUT_SUCCESS;
}

static void arr_close(struct arr_stream *as)
{
	if (as->open)
		nlut_src_close(&as->src);
	free(as->head);
	free(as->chunk);
	memset(as, 0, sizeof(*as));
}

/* Open path and read its first piece: the bytes land in as->head. */
static int arr_start(struct arr_stream *as, const char *path)
{
	int rc;

	memset(as, 0, sizeof(*as));
	as->path = path;
	if ((rc = nlut_src_open(&as->src, path)))
		return rc;
	as->open = 1;
	if (!(as->head = malloc(NLUT_DATA_PIECE + 1)))
		return nlut_fail(NLUT_ERROR_NO_MEM, "%s: out of memory", path);
	if ((rc = read_full(&as->src, as->head, NLUT_DATA_PIECE, &as->head_len)))
		return rc;
	as->head[as->head_len] = 0;
	if (as->head_len == 0)
		return nlut_fail(NLUT_ERROR_DATA, "%s: empty file", path);
	return NLUT_SUCCESS;
}

/* The header of the array at the start (IDX or npy by its magic). */
static int arr_header(struct arr_stream *as, int npy)
{
	size_t more;
	int rc;

	/* The head in full: a header may be longer than the first piece. */
	if (as->head_len < HEAD_BYTES && !as->src.done) {
		uint8_t *h = realloc(as->head, HEAD_BYTES + 1);

		if (!h)
			return nlut_fail(NLUT_ERROR_NO_MEM, "%s: out of memory", as->path);
		as->head = h;
		if ((rc = read_full(&as->src, as->head + as->head_len, HEAD_BYTES - as->head_len,
				    &more)))
			return rc;
		as->head_len += more;
		as->head[as->head_len] = 0;
	}
	rc = npy ? nlut_npy_header(as->path, as->head, as->head_len, &as->a)
		 : nlut_idx_header(as->path, as->head, as->head_len, &as->a);

	as->head_at = as->a.offset;
	return rc;
}

/* The next k rows as an array view over as->chunk. */
static int arr_rows(struct arr_stream *as, size_t k, struct nlut_array *view)
{
	size_t row_bytes = as->a.cols * as->a.size, need = k * row_bytes, have = 0, got;
	int rc;

	if (need > as->chunk_cap) {
		uint8_t *c = realloc(as->chunk, need);

		if (!c)
			return nlut_fail(NLUT_ERROR_NO_MEM, "%s: out of memory for %zu bytes",
					 as->path, need);
		as->chunk = c;
		as->chunk_cap = need;
	}
	if (as->head_at < as->head_len) {
		have = as->head_len - as->head_at < need ? as->head_len - as->head_at : need;
		memcpy(as->chunk, as->head + as->head_at, have);
		as->head_at += have;
	}
	if (have < need) {
		if ((rc = read_full(&as->src, as->chunk + have, need - have, &got)))
			return rc;
		have += got;
	}
	if (have < need)
		return nlut_fail(NLUT_ERROR_DATA,
				 "%s: truncated: header declares %s %s = %zu bytes of data, file holds %zu",
				 as->path, as->a.shape, nlut_elem_name(as->a.type), as->a.bytes,
				 as->data_read + have);
	as->data_read += need;
	*view = as->a;
	view->data = as->chunk;
	view->rows = k;
	return NLUT_SUCCESS;
}

/* After the last row: nothing else may follow the declared data. */
static int arr_end(struct arr_stream *as)
{
	uint8_t buf[4096];
	size_t extra = as->head_len - as->head_at, got;
	int rc;

	do {
		if ((rc = nlut_src_read(&as->src, buf, sizeof(buf), &got)))
			return rc;
		extra += got;
	} while (got);
	if (extra)
		return nlut_fail(NLUT_ERROR_DATA, "%s: %zu bytes after the %s %s data the header declares",
				 as->path, extra, as->a.shape, nlut_elem_name(as->a.type));
	return NLUT_SUCCESS;
}

/* The labels file of an array of `rows` rows: a rank-1 integer array. */
static int open_labels(struct nlut_data_reader *r, const char *images)
{
	struct arr_stream *y = &r->y;
	int rc;

	if ((rc = arr_start(y, r->labels_path)))
		return rc;
	if (nlut_npy_magic(y->head, y->head_len))
		rc = arr_header(y, 1);
	else if (nlut_idx_magic(y->head, y->head_len))
		rc = arr_header(y, 0);
	else
		rc = nlut_fail(NLUT_ERROR_DATA, "%s: labels file is neither IDX nor npy",
			       r->labels_path);
	if (rc)
		return rc;
	if (y->a.rank != 1)
		return nlut_fail(NLUT_ERROR_DATA, "%s: labels must be a rank-1 array, not shape %s",
				 r->labels_path, y->a.shape);
	if (!nlut_elem_is_integer(y->a.type))
		return nlut_fail(NLUT_ERROR_DATA, "%s: labels must be integers, not %s",
				 r->labels_path, nlut_elem_name(y->a.type));
	if (y->a.rows != r->x.a.rows)
		return nlut_fail(NLUT_ERROR_DATA, "%s: %zu labels, but %s has %zu rows",
				 r->labels_path, y->a.rows, images, r->x.a.rows);
	r->has_labels = 1;
	return NLUT_SUCCESS;
}

static int open_array(struct nlut_data_reader *r, const struct nlut_data_opts *o, int npy)
{
	int rc;

	if ((rc = arr_header(&r->x, npy)))
		return rc;
	const struct nlut_array *a = &r->x.a;

	if (npy && (a->rank == 0 || a->rank > 2))
		return nlut_fail(NLUT_ERROR_DATA,
				 "%s: shape %s has rank %u; expected rank 1 (one feature) or 2 (rows x features)",
				 r->path, a->shape, a->rank);
	if (a->fortran && a->rows > 1 && a->cols > 1) {
		/* Column-major: a row's elements are spread over the whole file. */
		if (!S_ISREG(r->x.src.st.st_mode))
			return nlut_fail(NLUT_ERROR_UNSUPPORTED,
					 "%s: a Fortran-ordered array is read whole, which a pipe does not allow",
					 r->path);
		arr_close(&r->x);
		if ((rc = nlut_data_load(r->path, o, &r->ds)))
			return rc;
		r->mode = MODE_WHOLE;
		r->features = r->ds->n_features;
		r->rows = r->limit = r->ds->n_rows;
		r->has_labels = r->ds->labels != NULL;
		return NLUT_SUCCESS;
	}
	r->mode = MODE_ARRAY;
	r->features = a->cols;
	r->rows = o->max_rows && o->max_rows < a->rows ? o->max_rows : a->rows;
	r->limit = r->rows;
	if (o->labels_path) {
		if (!(r->labels_path = strdup(o->labels_path)))
			return nlut_fail(NLUT_ERROR_NO_MEM, "%s: out of memory", r->path);
	} else if (!npy && (rc = nlut_idx_labels_path(r->path, &r->labels_path))) {
		return rc;
	}
	return r->labels_path ? open_labels(r, r->path) : NLUT_SUCCESS;
}

/* More CSV text behind what is left; *final at the end of the file. */
static int csv_fill(struct nlut_data_reader *r, int *final)
{
	size_t got;
	int rc;

	if (r->text_len == r->text_cap) {
		if (r->text_cap >= NLUT_DATA_MAX_BYTES)
			return nlut_fail(NLUT_ERROR_TOO_LARGE, "%s: a line longer than %zu bytes",
					 r->path, (size_t)NLUT_DATA_MAX_BYTES);
		size_t cap = r->text_cap * 2;
		char *t = realloc(r->text, cap + 1);

		if (!t)
			return nlut_fail(NLUT_ERROR_NO_MEM, "%s: out of memory for a %zu-byte line",
					 r->path, cap);
		r->text = t;
		r->text_cap = cap;
	}
	if ((rc = read_full(&r->x.src, (uint8_t *)r->text + r->text_len, r->text_cap - r->text_len,
			    &got)))
		return rc;
	r->text_len += got;
	r->text[r->text_len] = 0;
	*final = r->x.src.done;
	return NLUT_SUCCESS;
}

/* Rows from the text; more text read until a row comes or the file ends. */
static int csv_read(struct nlut_data_reader *r, size_t max, float *x, int32_t *labels, size_t *got)
{
	int final = r->x.src.done, rc;
	size_t used;

	for (;;) {
		rc = nlut_csv_rows(r->csv, r->text, r->text_len, final, max, x, labels, got, &used);
		memmove(r->text, r->text + used, r->text_len - used);
		r->text_len -= used;
		r->text[r->text_len] = 0;
		if (rc || *got || final || max == 0)
			return rc;
		if ((rc = csv_fill(r, &final)))
			return rc;
	}
}

static int open_csv(struct nlut_data_reader *r, const struct nlut_data_opts *o)
{
	size_t got;
	int rc, final;

	if (o->labels_path && o->format == NLUT_DATA_AUTO)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM,
				 "%s: not an IDX or npy file (it starts %02x %02x %02x %02x), the kinds labels_path goes with; a CSV file holds its own labels (label_col)",
				 r->path, r->x.head[0], r->x.head_len > 1 ? r->x.head[1] : 0,
				 r->x.head_len > 2 ? r->x.head[2] : 0, r->x.head_len > 3 ? r->x.head[3] : 0);
	if (o->labels_path)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM,
				 "%s: a CSV file holds its own labels (label_col); labels_path is for IDX and npy",
				 r->path);
	r->mode = MODE_CSV;
	if ((rc = nlut_csv_new(r->path, o, &r->csv)))
		return rc;
	/* The head becomes the text buffer. */
	r->text = (char *)r->x.head;
	r->text_len = r->x.head_len;
	r->text_cap = NLUT_DATA_PIECE;
	r->x.head = NULL;
	r->x.head_len = 0;
	final = r->x.src.done;
	/* The columns from the first non-blank line. */
	while (!nlut_csv_features(r->csv)) {
		if ((rc = csv_read(r, 0, NULL, NULL, &got)))
			return rc;
		if (nlut_csv_features(r->csv))
			break;
		if (final)
			return nlut_fail(NLUT_ERROR_DATA, "%s: no data rows (the file is blank)", r->path);
		if ((rc = csv_fill(r, &final)))
			return rc;
	}
	r->features = nlut_csv_features(r->csv);
	r->has_labels = nlut_csv_has_labels(r->csv);
	r->limit = o->max_rows ? o->max_rows : SIZE_MAX;
	return NLUT_SUCCESS;
}

NLUT_API int nlut_data_open(const char *path, const struct nlut_data_opts *opts,
			    nlut_data_reader **out)
{
	struct nlut_data_opts defaults;
	struct nlut_data_reader *r;
	enum nlut_data_format fmt;
	int rc;

	nlut_clear_error();
	if (out)
		*out = NULL;
	if (!path || !out)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "nlut_data_open: %s is NULL",
				 path ? "out" : "path");
	if (!opts) {
		nlut_data_opts_init(&defaults);
		opts = &defaults;
	}
	if ((rc = nlut_data_check_opts(opts)))
		return rc;
	if (!(r = calloc(1, sizeof(*r))) || !(r->path = strdup(path))) {
		free(r);
		return nlut_fail(NLUT_ERROR_NO_MEM, "%s: out of memory", path);
	}
	if ((rc = arr_start(&r->x, r->path)))
		goto fail;
	fmt = opts->format;
	if (fmt == NLUT_DATA_AUTO)
		fmt = nlut_npy_magic(r->x.head, r->x.head_len) ? NLUT_DATA_NPY :
		      nlut_idx_magic(r->x.head, r->x.head_len) ? NLUT_DATA_IDX : NLUT_DATA_CSV;
	rc = fmt == NLUT_DATA_CSV ? open_csv(r, opts) : open_array(r, opts, fmt == NLUT_DATA_NPY);
	if (rc)
		goto fail;
	*out = r;
	return NLUT_SUCCESS;
fail:
	nlut_data_close(r);
	return rc;
}

NLUT_API void nlut_data_close(nlut_data_reader *r)
{
	if (!r)
		return;
	arr_close(&r->x);
	arr_close(&r->y);
	nlut_csv_free(r->csv);
	nlut_data_free(r->ds);
	free(r->text);
	free(r->labels_path);
	free(r->path);
	free(r);
}

NLUT_API size_t nlut_data_reader_features(const nlut_data_reader *r)
{
	return r ? r->features : 0;
}

NLUT_API size_t nlut_data_reader_rows(const nlut_data_reader *r)
{
	return r && r->mode != MODE_CSV ? r->rows : 0;
}

NLUT_API int nlut_data_reader_has_labels(const nlut_data_reader *r)
{
	return r ? r->has_labels : 0;
}

static int read_array(nlut_data_reader *r, size_t k, float *x, int32_t *labels)
{
	struct nlut_array v;
	int64_t max;
	int rc;

	if ((rc = arr_rows(&r->x, k, &v)) ||
	    (rc = nlut_array_to_float(r->path, &v, k, r->handed, x)))
		return rc;
	if (!r->has_labels)
		return NLUT_SUCCESS;
	if ((rc = arr_rows(&r->y, k, &v)))
		return rc;
	if (labels)
		return nlut_array_to_labels(r->labels_path, &v, k, r->handed, labels, &max);
	return nlut_array_to_labels(r->labels_path, &v, 0, r->handed, NULL, &max);
}

NLUT_API int nlut_data_read(nlut_data_reader *r, size_t max, float *x, int32_t *labels,
			    size_t *got)
{
	size_t k;
	int rc;

	nlut_clear_error();
	if (!got)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "nlut_data_read: got is NULL");
	*got = 0;
	if (!r || (max && !x))
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "nlut_data_read: %s is NULL",
				 r ? "x" : "reader");
	if (r->ended || max == 0)
		return NLUT_SUCCESS;
	k = r->limit - r->handed < max ? r->limit - r->handed : max;
	switch (r->mode) {
	case MODE_WHOLE:
		memcpy(x, r->ds->x + r->handed * r->features, k * r->features * sizeof(float));
		if (labels && r->ds->labels)
			memcpy(labels, r->ds->labels + r->handed, k * sizeof(int32_t));
		break;
	case MODE_ARRAY:
		if (k && (rc = read_array(r, k, x, labels)))
			return rc;
		/* The whole file read: nothing may follow the data. Checked at
		 * the call after the last rows, which keep their results. */
		if (!k && r->handed == r->x.a.rows && !r->tail_checked) {
			r->tail_checked = 1;
			if ((rc = arr_end(&r->x)) || (r->has_labels && (rc = arr_end(&r->y))))
				return rc;
		}
		break;
	case MODE_CSV:
		if (k && (rc = csv_read(r, k, x, labels, &k)))
			return rc;
		break;
	}
	r->handed += k;
	*got = k;
	r->ended = k == 0;
	return NLUT_SUCCESS;
}
