/* data.c - dataset loading: reading files, choosing the format, converting arrays. */
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "internal.h"
#include "data_internal.h"

NLUT_API void nlut_data_opts_init(struct nlut_data_opts *o)
{
	if (!o)
		return;
	memset(o, 0, sizeof(*o));
	o->format = NLUT_DATA_AUTO;
	o->label_col = NLUT_LABEL_LAST;
	o->header = -1;
	o->delimiter = 0;
	o->labels_path = NULL;
	o->max_rows = 0;
}

NLUT_API void nlut_data_free(struct nlut_dataset *d)
{
	if (!d)
		return;
	free(d->x);
	free(d->labels);
	free(d);
}

int nlut_mul_size(size_t a, size_t b, size_t *r)
{
	if (a && b > SIZE_MAX / a)
		return -1;
	*r = a * b;
	return 0;
}

const char *nlut_elem_name(enum nlut_elem t)
{
	switch (t) {
	case NLUT_ELEM_B1: return "bool";
	case NLUT_ELEM_U8: return "uint8";
	case NLUT_ELEM_I8: return "int8";
	case NLUT_ELEM_U16: return "uint16";
	case NLUT_ELEM_I16: return "int16";
	case NLUT_ELEM_U32: return "uint32";
	case NLUT_ELEM_I32: return "int32";
	case NLUT_ELEM_U64: return "uint64";
	case NLUT_ELEM_I64: return "int64";
	case NLUT_ELEM_F32: return "float32";
	case NLUT_ELEM_F64: return "float64";
	}
	return "?";
}

void nlut_shape_str(char *out, size_t size, const uint64_t *dims,
		    unsigned rank, int python)
{
	size_t len = 0;
	int w;

	if (size == 0)
		return;
	out[0] = 0;
	if (python)
		len = (size_t)snprintf(out, size, "(");
	for (unsigned i = 0; i < rank && len < size; i++) {
		const char *sep = i == 0 ? "" : python ? ", " : "x";

		/* Leave room for the closing "...)" should the next not fit. */
		if (len + 26 >= size) {
			snprintf(out + len, size - len, "%s...%s", sep,
				 python ? ")" : "");
			return;
		}
		w = snprintf(out + len, size - len, "%s%" PRIu64, sep, dims[i]);
		len += (size_t)w;
	}
	if (python && len < size)
		snprintf(out + len, size - len, "%s)", rank == 1 ? "," : "");
}

/* The raw bits of one element, assembled in the file's byte order. */
static inline uint64_t load_bits(const uint8_t *p, unsigned size, int be)
{
	uint64_t v = 0;

	if (be) {
		for (unsigned i = 0; i < size; i++)
			v = v << 8 | p[i];
	} else {
		for (unsigned i = size; i-- > 0;)
			v = v << 8 | p[i];
	}
	return v;
}

static inline int64_t sign_extend(uint64_t b, unsigned bits)
{
	uint64_t sign;
	int64_t v;

	if (bits == 64) {
		memcpy(&v, &b, sizeof(v));
		return v;
	}
	sign = (uint64_t)1 << (bits - 1);
	return (int64_t)(b ^ sign) - (int64_t)sign;
}

static inline size_t elem_index(const struct nlut_array *a, size_t r, size_t c)
{
	return a->fortran ? c * a->rows + r : r * a->cols + c;
}

/*
 * Element i as a float. Integers convert straight to float (through double,
 * a 64-bit one could be rounded twice); *wide receives the value for
 * messages. Returns -1 for a value a float cannot hold.
 */
static int elem_float(const struct nlut_array *a, size_t i, float *f,
		      double *wide)
{
	uint64_t b = load_bits(a->data + i * a->size, a->size, a->big_endian);
	uint32_t b32;
	double d;

	switch (a->type) {
	case NLUT_ELEM_B1:
		*f = b != 0;
		return 0;
	case NLUT_ELEM_U8:
	case NLUT_ELEM_U16:
	case NLUT_ELEM_U32:
	case NLUT_ELEM_U64:
		*f = (float)b;
		return 0;
	case NLUT_ELEM_I8:
	case NLUT_ELEM_I16:
	case NLUT_ELEM_I32:
	case NLUT_ELEM_I64:
		*f = (float)sign_extend(b, a->size * 8);
		return 0;
	case NLUT_ELEM_F32:
		b32 = (uint32_t)b;
		memcpy(f, &b32, sizeof(*f));
		*wide = *f;
		return isfinite(*f) ? 0 : -1;
	case NLUT_ELEM_F64:
		memcpy(&d, &b, sizeof(d));
		*wide = d;
		/* Converting an out-of-range double to float is undefined. */
		if (!isfinite(d) || fabs(d) > FLT_MAX)
			return -1;
		*f = (float)d;
		return 0;
	}
	return -1;
}

int nlut_array_to_float(const char *path, const struct nlut_array *a, size_t nrows, size_t row0,
			float *x)
{
	if (a->type == NLUT_ELEM_U8 && !a->fortran) {
		/* The MNIST case, worth a loop of its own. */
		size_t n = nrows * a->cols;

		for (size_t i = 0; i < n; i++)
			x[i] = a->data[i];
		return NLUT_SUCCESS;
	}
	for (size_t r = 0; r < nrows; r++) {
		for (size_t c = 0; c < a->cols; c++) {
			double v = 0;

			if (elem_float(a, elem_index(a, r, c),
				       &x[r * a->cols + c], &v))
				return nlut_fail(NLUT_ERROR_DATA,
						 "%s: element [%zu, %zu] is %g, not a finite float",
						 path, row0 + r, c, v);
		}
	}
	return NLUT_SUCCESS;
}

int nlut_elem_is_integer(enum nlut_elem t)
{
	return t != NLUT_ELEM_F32 && t != NLUT_ELEM_F64;
}

/*
 * Every label of a is checked and *max comes from all of them (so a
 * max_rows prefix still sees the whole class count); the first nrows are
 * stored.
 */
int nlut_array_to_labels(const char *path, const struct nlut_array *a, size_t nrows, size_t row0,
			 int32_t *labels, int64_t *maxp)
{
	int is_signed = a->type == NLUT_ELEM_I8 || a->type == NLUT_ELEM_I16 ||
			a->type == NLUT_ELEM_I32 || a->type == NLUT_ELEM_I64;
	int64_t max = -1;

	for (size_t i = 0; i < a->rows; i++) {
		uint64_t b = load_bits(a->data + i * a->size, a->size,
				       a->big_endian);
		int64_t v;

		if (a->type == NLUT_ELEM_B1)
			b = b != 0;
		if (is_signed) {
			v = sign_extend(b, a->size * 8);
			if (v < 0)
				return nlut_fail(NLUT_ERROR_DATA,
						 "%s: label [%zu] is %" PRId64 ", labels must be >= 0",
						 path, row0 + i, v);
		} else if (b > INT32_MAX) {
			return nlut_fail(NLUT_ERROR_DATA,
					 "%s: label [%zu] is %" PRIu64 ", over the int32 range",
					 path, row0 + i, b);
		} else {
			v = (int64_t)b;
		}
		if (v > INT32_MAX)
			return nlut_fail(NLUT_ERROR_DATA,
					 "%s: label [%zu] is %" PRId64 ", over the int32 range",
					 path, row0 + i, v);
		if (i < nrows)
			labels[i] = (int32_t)v;
		if (v > max)
			max = v;
	}
	*maxp = max;
	return NLUT_SUCCESS;
}

int nlut_dataset_new(const char *path, size_t rows, size_t features,
		     int with_labels, struct nlut_dataset **out)
{
	struct nlut_dataset *d;
	size_t n, bytes;

	*out = NULL;
	if (nlut_mul_size(rows, features, &n) ||
	    nlut_mul_size(n, sizeof(float), &bytes))
		return nlut_fail(NLUT_ERROR_TOO_LARGE,
				 "%s: %zu rows x %zu features is too large",
				 path, rows, features);
	d = calloc(1, sizeof(*d));
	if (!d)
		return nlut_fail(NLUT_ERROR_NO_MEM, "%s: out of memory", path);
	d->n_rows = rows;
	d->n_features = features;
	d->x = malloc(bytes ? bytes : 1);
	if (with_labels)
		d->labels = malloc(rows ? rows * sizeof(int32_t) : 1);
	if (!d->x || (with_labels && !d->labels)) {
		nlut_data_free(d);
		return nlut_fail(NLUT_ERROR_NO_MEM,
				 "%s: out of memory for %zu x %zu floats", path,
				 rows, features);
	}
	*out = d;
	return NLUT_SUCCESS;
}

/* Load labels_path (IDX or npy) as the labels of d, which has `count` rows
 * in its file of which d holds the first d->n_rows. */
static int attach_labels(const char *path, const char *labels_path,
			 size_t count, struct nlut_dataset *d)
{
	struct nlut_array a;
	uint8_t *buf;
	size_t n;
	int rc;

	rc = nlut_data_slurp(labels_path, NLUT_DATA_MAX_BYTES, &buf, &n);
	if (rc)
		return rc;
	if (n == 0)
		rc = nlut_fail(NLUT_ERROR_DATA, "%s: empty file", labels_path);
	else if (nlut_npy_magic(buf, n))
		rc = nlut_npy_parse(labels_path, buf, n, &a);
	else if (nlut_idx_magic(buf, n))
		rc = nlut_idx_parse(labels_path, buf, n, &a);
	else
		rc = nlut_fail(NLUT_ERROR_DATA,
			       "%s: labels file is neither IDX nor npy",
			       labels_path);
	if (rc)
		goto out;
	if (a.rank != 1) {
		rc = nlut_fail(NLUT_ERROR_DATA,
			       "%s: labels must be a rank-1 array, not shape %s",
			       labels_path, a.shape);
		goto out;
	}
	if (!nlut_elem_is_integer(a.type)) {
		rc = nlut_fail(NLUT_ERROR_DATA,
			       "%s: labels must be integers, not %s",
			       labels_path, nlut_elem_name(a.type));
		goto out;
	}
	if (a.rows != count) {
		rc = nlut_fail(NLUT_ERROR_DATA,
			       "%s: %zu labels, but %s has %zu rows",
			       labels_path, a.rows, path, count);
		goto out;
	}
	int64_t max;

	rc = nlut_array_to_labels(labels_path, &a, d->n_rows, 0, d->labels, &max);
	if (!rc)
		d->n_classes = (uint32_t)(max + 1);
out:
	free(buf);
	return rc;
}

int nlut_data_from_array(const char *path, const struct nlut_array *a,
			 const struct nlut_data_opts *opts,
			 const char *labels_path, struct nlut_dataset **out)
{
	struct nlut_dataset *d;
	size_t rows = a->rows;
	int rc;

	if (opts->max_rows && opts->max_rows < rows)
		rows = opts->max_rows;
	rc = nlut_dataset_new(path, rows, a->cols, labels_path != NULL, &d);
	if (rc)
		return rc;
	rc = nlut_array_to_float(path, a, rows, 0, d->x);
	if (!rc && labels_path)
		rc = attach_labels(path, labels_path, a->rows, d);
	if (rc) {
		nlut_data_free(d);
		return rc;
	}
	*out = d;
	return NLUT_SUCCESS;
}

int nlut_data_check_opts(const struct nlut_data_opts *o)
{
	if (o->format < NLUT_DATA_AUTO || o->format > NLUT_DATA_NPY)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM,
				 "nlut_data_load: unknown format %d", (int)o->format);
	if (o->label_col < NLUT_LABEL_NONE)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM,
				 "nlut_data_load: label column %d", o->label_col);
	if (o->header < -1 || o->header > 1)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM,
				 "nlut_data_load: header must be -1, 0 or 1, not %d",
				 o->header);
	if (o->delimiter == '\n' || o->delimiter == '\r' || o->delimiter == '"')
		return nlut_fail(NLUT_ERROR_INVALID_PARAM,
				 "nlut_data_load: delimiter 0x%02x cannot separate fields",
				 (unsigned char)o->delimiter);
	return NLUT_SUCCESS;
}

NLUT_API int nlut_data_load(const char *path, const struct nlut_data_opts *opts,
			    struct nlut_dataset **out)
{
	struct nlut_data_opts defaults;
	enum nlut_data_format fmt;
	uint8_t *buf;
	size_t n;
	int rc;

	nlut_clear_error();
	if (out)
		*out = NULL;
	if (!path || !out)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM,
				 "nlut_data_load: %s is NULL", path ? "out" : "path");
	if (!opts) {
		nlut_data_opts_init(&defaults);
		opts = &defaults;
	}
	rc = nlut_data_check_opts(opts);
	if (rc)
		return rc;

	rc = nlut_data_slurp(path, NLUT_DATA_MAX_BYTES, &buf, &n);
	if (rc)
		return rc;
	if (n == 0) {
		free(buf);
		return nlut_fail(NLUT_ERROR_DATA, "%s: empty file", path);
	}
	fmt = opts->format;
	if (fmt == NLUT_DATA_AUTO) {
		if (nlut_npy_magic(buf, n))
			fmt = NLUT_DATA_NPY;
		else if (nlut_idx_magic(buf, n))
			fmt = NLUT_DATA_IDX;
		else
			fmt = NLUT_DATA_CSV;
	}
	switch (fmt) {
	case NLUT_DATA_IDX:
		rc = nlut_data_load_idx(path, buf, n, opts, out);
		break;
	case NLUT_DATA_NPY:
		rc = nlut_data_load_npy(path, buf, n, opts, out);
		break;
	default:
		if (opts->labels_path && opts->format == NLUT_DATA_AUTO)
			rc = nlut_fail(NLUT_ERROR_INVALID_PARAM,
				       "%s: not an IDX or npy file (it starts %02x %02x %02x %02x), the kinds labels_path goes with; a CSV file holds its own labels (label_col)",
				       path, buf[0], n > 1 ? buf[1] : 0, n > 2 ? buf[2] : 0,
				       n > 3 ? buf[3] : 0);
		else if (opts->labels_path)
			rc = nlut_fail(NLUT_ERROR_INVALID_PARAM,
				       "%s: a CSV file holds its own labels (label_col); labels_path is for IDX and npy",
				       path);
		else
			rc = nlut_data_load_csv(path, (const char *)buf, n,
						opts, out);
		break;
	}
	free(buf);
	return rc;
}

/* A header or first rows fit in this much of a file's start. */
#define PEEK_BYTES ((size_t)1 << 20)

NLUT_API int nlut_data_peek(const char *path, const struct nlut_data_opts *opts, size_t *rows,
			    size_t *features)
{
	struct nlut_data_opts defaults, o;
	struct nlut_array a;
	uint8_t *buf;
	gzFile gz;
	int n, rc, fd;

	nlut_clear_error();
	if (!path || !rows || !features)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "nlut_data_peek: NULL argument");
	*rows = *features = 0;
	if (!opts) {
		nlut_data_opts_init(&defaults);
		opts = &defaults;
	}
	if ((rc = nlut_data_check_opts(opts)))
		return rc;
	/* As nlut_data_load opens it: no blocking on a FIFO without writer. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0)
		return nlut_fail(errno == ENOENT ? NLUT_ERROR_NOT_FOUND : NLUT_ERROR_IO,
				 "%s: cannot open: %s", path, strerror(errno));
	struct stat st;

	/* Reading a pipe's start would take it from whoever reads next. */
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return nlut_fail(NLUT_ERROR_UNSUPPORTED, "%s: not a regular file: its start cannot be read twice",
				 path);
	}
	if (!(gz = gzdopen(fd, "rb"))) {
		close(fd);
		return nlut_fail(NLUT_ERROR_NO_MEM, "%s: out of memory opening the file", path);
	}
	if (!(buf = malloc(PEEK_BYTES + 1))) {
		gzclose_r(gz);
		return nlut_fail(NLUT_ERROR_NO_MEM, "%s: out of memory", path);
	}
	n = gzread(gz, buf, (unsigned)PEEK_BYTES);
	gzclose_r(gz);
	if (n <= 0) {
		free(buf);
		return nlut_fail(NLUT_ERROR_DATA, "%s: %s", path, n ? "cannot read" : "empty file");
	}
	buf[n] = 0;
	enum nlut_data_format fmt = opts->format;

	if (fmt == NLUT_DATA_AUTO)
		fmt = nlut_npy_magic(buf, (size_t)n) ? NLUT_DATA_NPY :
		      nlut_idx_magic(buf, (size_t)n) ? NLUT_DATA_IDX : NLUT_DATA_CSV;
	if (fmt == NLUT_DATA_IDX || fmt == NLUT_DATA_NPY) {
		rc = fmt == NLUT_DATA_IDX ? nlut_idx_header(path, buf, (size_t)n, &a)
					  : nlut_npy_header(path, buf, (size_t)n, &a);
		if (!rc && fmt == NLUT_DATA_NPY && (a.rank == 0 || a.rank > 2))
			rc = nlut_fail(NLUT_ERROR_DATA,
				       "%s: shape %s has rank %u; expected rank 1 (one feature) or 2 (rows x features)",
				       path, a.shape, a.rank);
		if (!rc) {
			*rows = opts->max_rows && opts->max_rows < a.rows ? opts->max_rows : a.rows;
			*features = a.cols;
		}
	} else {
		/* CSV: the first lines (a header and a row) through the reader. */
		struct nlut_dataset *d = NULL;
		size_t end = 0;

		for (int lines = 0; end < (size_t)n && lines < 64; end++)
			if (buf[end] == '\n')
				lines++;
		buf[end] = 0;
		o = *opts;
		o.max_rows = 1;
		o.labels_path = NULL;
		rc = nlut_data_load_csv(path, (const char *)buf, end, &o, &d);
		if (!rc)
			*features = d->n_features;
		nlut_data_free(d);
	}
	free(buf);
	return rc;
}
