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

/* gzread takes an unsigned and returns an int: read in bounded pieces. */
#define SLURP_PIECE ((size_t)1 << 24)
/* First allocation when nothing better is known. */
#define SLURP_MIN ((size_t)1 << 16)
/* Deflate cannot expand by more than about 1032:1, so a gzip trailer that
 * claims more is a lie and must not size the first allocation. */
#define DEFLATE_MAX_RATIO 1032u

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

/*
 * First guess at the decompressed size, so that a big file is read into one
 * allocation instead of a chain of doublings. Only a hint: reading goes on
 * past it, and the cap still applies.
 */
static size_t size_hint(int fd, const struct stat *st, size_t cap,
			int *too_large)
{
	uint64_t size = (uint64_t)st->st_size;
	uint64_t hint = SLURP_MIN;
	uint8_t m[4];

	*too_large = 0;
	if (S_ISREG(st->st_mode) && st->st_size > 0) {
		if (size >= 18 && pread(fd, m, 2, 0) == 2 && m[0] == 0x1f &&
		    m[1] == 0x8b) {
			if (pread(fd, m, 4, (off_t)(size - 4)) == 4 &&
			    nlut_rd32(m) <= size * DEFLATE_MAX_RATIO)
				hint = nlut_rd32(m);
		} else {
			/* A plain file over the cap fails before reading. */
			*too_large = size > cap;
			hint = size;
		}
	}
	/* One spare byte so that end of file is seen without growing. */
	hint += 1;
	if (hint > (uint64_t)cap + 1)
		hint = (uint64_t)cap + 1;
	return (size_t)hint;
}

/* Input is read in pieces of this size. */
#define SLURP_IN ((size_t)1 << 17)

struct slurp {
	const char *path;
	int fd, eof;
	uint8_t *in;          /* SLURP_IN bytes */
	size_t in_at, in_len; /* unread input: in[in_at .. in_len) */
	uint8_t *buf;         /* output, alloc + 1 bytes */
	size_t len, alloc, cap;
};

/* More input; 0 at end of file. */
static int fill_in(struct slurp *s, int *err)
{
	ssize_t n;

	if (s->in_at < s->in_len)
		return 1;
	if (s->eof)
		return 0;
	do
		n = read(s->fd, s->in, SLURP_IN);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		*err = nlut_fail(NLUT_ERROR_IO, "%s: read failed: %s", s->path, strerror(errno));
		return 0;
	}
	s->in_at = 0;
	s->in_len = (size_t)n;
	s->eof = n == 0;
	return n > 0;
}

/* Room for at least one more output byte (up to cap + 1, which fails). */
static int make_room(struct slurp *s)
{
	if (s->len < s->alloc)
		return NLUT_SUCCESS;
	if (s->len > s->cap)
		return nlut_fail(NLUT_ERROR_TOO_LARGE, "%s: more than %zu bytes (after decompression)",
				 s->path, s->cap);
	size_t grow = s->alloc > (s->cap + 1) / 2 ? s->cap + 1 : s->alloc * 2;
	uint8_t *nb = realloc(s->buf, grow + 1);

	if (!nb)
		return nlut_fail(NLUT_ERROR_NO_MEM, "%s: out of memory for %zu bytes", s->path, grow);
	s->buf = nb;
	s->alloc = grow;
	return NLUT_SUCCESS;
}

static int read_plain(struct slurp *s)
{
	int err = NLUT_SUCCESS;

	while (fill_in(s, &err)) {
		if ((err = make_room(s)))
			return err;
		size_t k = s->in_len - s->in_at;

		if (k > s->alloc - s->len)
			k = s->alloc - s->len;
		memcpy(s->buf + s->len, s->in + s->in_at, k);
		s->len += k;
		s->in_at += k;
	}
	if (!err && s->len > s->cap)
		err = nlut_fail(NLUT_ERROR_TOO_LARGE, "%s: more than %zu bytes", s->path, s->cap);
	return err;
}

/*
 * gzip: every member to its end, members back to back; anything after the
 * last one but zero padding is an error (zlib's gzread ignored it).
 */
static int read_gzip(struct slurp *s)
{
	z_stream z;
	int err = NLUT_SUCCESS, zr = Z_OK;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 15 + 16) != Z_OK)
		return nlut_fail(NLUT_ERROR_NO_MEM, "%s: out of memory in zlib", s->path);
	for (;;) {
		if (!fill_in(s, &err)) {
			if (!err)
				err = nlut_fail(NLUT_ERROR_DATA,
						"%s: gzip stream ends early (file cut short)", s->path);
			break;
		}
		if ((err = make_room(s)))
			break;
		z.next_in = s->in + s->in_at;
		z.avail_in = (uInt)(s->in_len - s->in_at);
		z.next_out = s->buf + s->len;
		z.avail_out = (uInt)(s->alloc - s->len < SLURP_PIECE ? s->alloc - s->len : SLURP_PIECE);
		uInt out0 = z.avail_out;

		zr = inflate(&z, Z_NO_FLUSH);
		s->in_at = s->in_len - z.avail_in;
		s->len += out0 - z.avail_out;
		if (zr == Z_MEM_ERROR) {
			err = nlut_fail(NLUT_ERROR_NO_MEM, "%s: out of memory in zlib", s->path);
			break;
		}
		if (zr == Z_DATA_ERROR || zr == Z_NEED_DICT || zr == Z_STREAM_ERROR) {
			err = nlut_fail(NLUT_ERROR_DATA, "%s: corrupt gzip data: %s", s->path,
					z.msg ? z.msg : "bad stream");
			break;
		}
		if (zr != Z_STREAM_END)
			continue;
		/* A member ended: another one, zero padding, or garbage. */
		if (!fill_in(s, &err))
			break;
		if (s->in[s->in_at] == 0x1f) {
			inflateReset(&z);
			continue;
		}
		uint64_t extra = 0;
		int nonzero = 0;

		do {
			for (size_t i = s->in_at; i < s->in_len; i++)
				nonzero |= s->in[i] != 0;
			extra += s->in_len - s->in_at;
			s->in_at = s->in_len;
		} while (fill_in(s, &err));
		if (!err && nonzero)
			err = nlut_fail(NLUT_ERROR_DATA,
					"%s: %" PRIu64 " bytes of something else after the end of the gzip data",
					s->path, extra);
		break;
	}
	inflateEnd(&z);
	if (!err && s->len > s->cap)
		err = nlut_fail(NLUT_ERROR_TOO_LARGE, "%s: more than %zu bytes (after decompression)",
				s->path, s->cap);
	return err;
}

int nlut_data_slurp(const char *path, size_t cap, uint8_t **bufp, size_t *np)
{
	struct stat st;
	struct slurp s = { .path = path, .cap = cap };
	int too_large, rc = NLUT_SUCCESS;

	*bufp = NULL;
	*np = 0;
	/* Not blocking in open(): a FIFO with no writer is then read as an
	 * empty file instead of hanging before any check. */
	s.fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (s.fd < 0) {
		int e = errno;

		if (e == ENOENT)
			return nlut_fail(NLUT_ERROR_NOT_FOUND, "%s: no such file",
					 path);
		return nlut_fail(NLUT_ERROR_IO, "%s: cannot open: %s", path,
				 strerror(e));
	}
	if (fstat(s.fd, &st) < 0) {
		rc = nlut_fail(NLUT_ERROR_IO, "%s: cannot stat: %s", path,
			       strerror(errno));
		close(s.fd);
		return rc;
	}
	if (S_ISDIR(st.st_mode)) {
		close(s.fd);
		return nlut_fail(NLUT_ERROR_IO, "%s: is a directory", path);
	}
	fcntl(s.fd, F_SETFL, fcntl(s.fd, F_GETFL) & ~O_NONBLOCK);
	s.alloc = size_hint(s.fd, &st, cap, &too_large);
	if (too_large) {
		close(s.fd);
		return nlut_fail(NLUT_ERROR_TOO_LARGE,
				 "%s: %jd bytes, over the %zu-byte limit", path,
				 (intmax_t)st.st_size, cap);
	}
	s.in = malloc(SLURP_IN);
	s.buf = malloc(s.alloc + 1);
	if (!s.buf && s.alloc > SLURP_MIN) {
		/* The hint may come from a forged gzip trailer: start small. */
		s.alloc = SLURP_MIN;
		s.buf = malloc(s.alloc + 1);
	}
	if (!s.buf || !s.in) {
		rc = nlut_fail(NLUT_ERROR_NO_MEM,
			       "%s: out of memory for %zu bytes", path, s.alloc);
		goto out;
	}
	/* gzip by content: the first piece tells (it holds both bytes unless
	 * the file is one byte long). */
	if (fill_in(&s, &rc) && s.in_len - s.in_at >= 2 && s.in[0] == 0x1f && s.in[1] == 0x8b)
		rc = read_gzip(&s);
	else if (!rc)
		rc = read_plain(&s);
	if (!rc)
		s.buf[s.len] = 0;
out:
	close(s.fd);
	free(s.in);
	if (rc) {
		free(s.buf);
		return rc;
	}
	*bufp = s.buf;
	*np = s.len;
	return NLUT_SUCCESS;
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

/* Features of the first nrows rows, row-major. */
static int array_to_float(const char *path, const struct nlut_array *a,
			  size_t nrows, float *x)
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
						 path, r, c, v);
		}
	}
	return NLUT_SUCCESS;
}

static int is_integer_type(enum nlut_elem t)
{
	return t != NLUT_ELEM_F32 && t != NLUT_ELEM_F64;
}

/*
 * Labels of the first nrows rows. Every label in the file is checked and
 * n_classes comes from all of them, so a max_rows prefix still sees the
 * whole class count.
 */
static int array_to_labels(const char *path, const struct nlut_array *a,
			   size_t nrows, int32_t *labels, uint32_t *n_classes)
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
						 path, i, v);
		} else if (b > INT32_MAX) {
			return nlut_fail(NLUT_ERROR_DATA,
					 "%s: label [%zu] is %" PRIu64 ", over the int32 range",
					 path, i, b);
		} else {
			v = (int64_t)b;
		}
		if (v > INT32_MAX)
			return nlut_fail(NLUT_ERROR_DATA,
					 "%s: label [%zu] is %" PRId64 ", over the int32 range",
					 path, i, v);
		if (i < nrows)
			labels[i] = (int32_t)v;
		if (v > max)
			max = v;
	}
	*n_classes = (uint32_t)(max + 1);
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
	if (!is_integer_type(a.type)) {
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
	rc = array_to_labels(labels_path, &a, d->n_rows, d->labels,
			     &d->n_classes);
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
	rc = array_to_float(path, a, rows, d->x);
	if (!rc && labels_path)
		rc = attach_labels(path, labels_path, a->rows, d);
	if (rc) {
		nlut_data_free(d);
		return rc;
	}
	*out = d;
	return NLUT_SUCCESS;
}

static int check_opts(const struct nlut_data_opts *o)
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
	rc = check_opts(opts);
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
	if ((rc = check_opts(opts)))
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
