/* data_npy.c - NumPy .npy reader (format versions 1.0, 2.0 and 3.0). */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "data_internal.h"

/* NumPy itself allows at most 64 dimensions. */
#define NPY_MAX_RANK 64
/* Longest string the header may hold as a key or a descr. */
#define NPY_MAX_STR 32

static const uint8_t npy_magic[6] = { 0x93, 'N', 'U', 'M', 'P', 'Y' };

int nlut_npy_magic(const uint8_t *buf, size_t n)
{
	return n >= sizeof(npy_magic) &&
	       memcmp(buf, npy_magic, sizeof(npy_magic)) == 0;
}

/*
 * The header is a Python dict literal, e.g.
 *   {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
 * This reads exactly that subset: string keys, a string, a bool and a tuple
 * of non-negative integers, with Python's whitespace, quotes and trailing
 * commas. Anything else is an error that says where.
 */
struct hdr_parser {
	const char *path;
	const char *start;
	const char *p;
	const char *end;
};

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

static void skip_ws(struct hdr_parser *h)
{
	while (h->p < h->end && is_ws(*h->p))
		h->p++;
}

static int hdr_error(struct hdr_parser *h, const char *what)
{
	char near[24];
	size_t i = 0;

	for (const char *q = h->p; q < h->end && i + 1 < sizeof(near); q++)
		near[i++] = (*q >= 0x20 && *q < 0x7f) ? *q : ' ';
	/* The header is padded with spaces: show none of them. */
	while (i > 0 && near[i - 1] == ' ')
		i--;
	near[i] = 0;
	if (h->p >= h->end)
		return nlut_fail(NLUT_ERROR_DATA,
				 "%s: bad npy header: %s, but the header ends",
				 h->path, what);
	return nlut_fail(NLUT_ERROR_DATA,
			 "%s: bad npy header at byte %zu: %s, found '%s'",
			 h->path, (size_t)(h->p - h->start), what, near);
}

static int expect_char(struct hdr_parser *h, char c, const char *what)
{
	skip_ws(h);
	if (h->p >= h->end || *h->p != c)
		return hdr_error(h, what);
	h->p++;
	return 0;
}

/* A '...' or "..." literal of at most NPY_MAX_STR - 1 characters. */
static int parse_str(struct hdr_parser *h, char *out, const char *what)
{
	size_t len = 0;
	char q;

	skip_ws(h);
	if (h->p >= h->end || (*h->p != '\'' && *h->p != '"'))
		return hdr_error(h, what);
	q = *h->p++;
	while (h->p < h->end && *h->p != q) {
		char c = *h->p;

		if (c == '\\') {
			if (++h->p >= h->end)
				break;
			c = *h->p;
		}
		if (c < 0x20 || c >= 0x7f)
			return hdr_error(h, "printable text in a string");
		if (len + 1 >= NPY_MAX_STR)
			return hdr_error(h, "a string of at most 31 characters");
		out[len++] = c;
		h->p++;
	}
	if (h->p >= h->end)
		return hdr_error(h, "a closing quote");
	h->p++;
	out[len] = 0;
	return 0;
}

static int parse_bool(struct hdr_parser *h, int *v)
{
	size_t left;

	skip_ws(h);
	left = (size_t)(h->end - h->p);
	if (left >= 4 && memcmp(h->p, "True", 4) == 0) {
		*v = 1;
		h->p += 4;
	} else if (left >= 5 && memcmp(h->p, "False", 5) == 0) {
		*v = 0;
		h->p += 5;
	} else {
		return hdr_error(h, "True or False");
	}
	/* "Falsey" is a name, not False. */
	if (h->p < h->end && (*h->p == '_' || (*h->p >= '0' && *h->p <= '9') ||
			      ((*h->p | 0x20) >= 'a' && (*h->p | 0x20) <= 'z')))
		return hdr_error(h, "True or False");
	return 0;
}

/* A decimal integer as Python writes it; Python 2 NumPy added an 'L'. */
static int parse_dim(struct hdr_parser *h, uint64_t *v)
{
	uint64_t x = 0;
	const char *s;

	skip_ws(h);
	s = h->p;
	if (h->p >= h->end || *h->p < '0' || *h->p > '9')
		return hdr_error(h, "a non-negative integer in the shape");
	while (h->p < h->end && *h->p >= '0' && *h->p <= '9') {
		unsigned d = (unsigned)(*h->p - '0');

		if (x > (UINT64_MAX - d) / 10)
			return nlut_fail(NLUT_ERROR_TOO_LARGE,
					 "%s: npy shape has a dimension of over 20 digits",
					 h->path);
		x = x * 10 + d;
		h->p++;
	}
	if (h->p - s > 1 && *s == '0') {
		h->p = s;
		return hdr_error(h, "an integer without leading zeros");
	}
	if (h->p < h->end && (*h->p == 'L' || *h->p == 'l'))
		h->p++;
	*v = x;
	return 0;
}

/* A tuple: "()", "(3,)", "(3, 4)", "(3, 4,)". "(3)" is an int in Python. */
static int parse_shape(struct hdr_parser *h, uint64_t *dims, unsigned *rank)
{
	int rc;
	unsigned n = 0;
	int comma = 0;

	if ((rc = expect_char(h, '(', "a shape tuple '('")))
		return rc;
	skip_ws(h);
	if (h->p < h->end && *h->p == ')') {
		h->p++;
		*rank = 0;
		return 0;
	}
	for (;;) {
		if (n == NPY_MAX_RANK)
			return hdr_error(h, "a shape of at most 64 dimensions");
		if ((rc = parse_dim(h, &dims[n])))
			return rc;
		n++;
		skip_ws(h);
		if (h->p < h->end && *h->p == ')')
			break;
		if ((rc = expect_char(h, ',', "',' or ')' in the shape")))
			return rc;
		comma = 1;
		skip_ws(h);
		if (h->p < h->end && *h->p == ')')
			break;
	}
	if (n == 1 && !comma)
		return hdr_error(h, "a tuple (a 1-element shape needs a comma)");
	h->p++;
	*rank = n;
	return 0;
}

struct npy_header {
	char descr[NPY_MAX_STR];
	int fortran;
	uint64_t dims[NPY_MAX_RANK];
	unsigned rank;
};

static int parse_dict(struct hdr_parser *h, struct npy_header *out)
{
	int have_descr = 0, have_order = 0, have_shape = 0;
	char key[NPY_MAX_STR];
	int rc;

	if ((rc = expect_char(h, '{', "'{'")))
		return rc;
	for (;;) {
		skip_ws(h);
		if (h->p < h->end && *h->p == '}')
			break;
		if ((rc = parse_str(h, key, "a quoted key or '}'")))
			return rc;
		if ((rc = expect_char(h, ':', "':' after the key")))
			return rc;
		if (strcmp(key, "descr") == 0 && !have_descr) {
			skip_ws(h);
			if (h->p < h->end && *h->p == '[')
				return nlut_fail(NLUT_ERROR_DATA,
						 "%s: unsupported dtype: a structured array",
						 h->path);
			rc = parse_str(h, out->descr, "a dtype string");
			have_descr = 1;
		} else if (strcmp(key, "fortran_order") == 0 && !have_order) {
			rc = parse_bool(h, &out->fortran);
			have_order = 1;
		} else if (strcmp(key, "shape") == 0 && !have_shape) {
			rc = parse_shape(h, out->dims, &out->rank);
			have_shape = 1;
		} else if (strcmp(key, "descr") == 0 ||
			   strcmp(key, "fortran_order") == 0 ||
			   strcmp(key, "shape") == 0) {
			return nlut_fail(NLUT_ERROR_DATA,
					 "%s: bad npy header: key '%s' appears twice",
					 h->path, key);
		} else {
			return nlut_fail(NLUT_ERROR_DATA,
					 "%s: bad npy header: unknown key '%s'",
					 h->path, key);
		}
		if (rc)
			return rc;
		skip_ws(h);
		if (h->p < h->end && *h->p == '}')
			break;
		if ((rc = expect_char(h, ',', "',' or '}'")))
			return rc;
	}
	h->p++;
	skip_ws(h);
	if (h->p < h->end)
		return hdr_error(h, "nothing after the closing '}'");
	if (!have_descr || !have_order || !have_shape)
		return nlut_fail(NLUT_ERROR_DATA,
				 "%s: bad npy header: no '%s' key", h->path,
				 !have_descr ? "descr" :
				 !have_order ? "fortran_order" : "shape");
	return 0;
}

static int host_big_endian(void)
{
	const uint16_t one = 1;
	uint8_t b;

	memcpy(&b, &one, 1);
	return b == 0;
}

/* '<f4', '|u1', '>i8', '=u2', 'f8' (native). */
static int parse_descr(const char *path, const char *descr,
		       struct nlut_array *a)
{
	static const struct {
		char kind;
		unsigned size;
		enum nlut_elem type;
	} types[] = {
		{ 'b', 1, NLUT_ELEM_B1 },  { 'u', 1, NLUT_ELEM_U8 },
		{ 'i', 1, NLUT_ELEM_I8 },  { 'u', 2, NLUT_ELEM_U16 },
		{ 'i', 2, NLUT_ELEM_I16 }, { 'u', 4, NLUT_ELEM_U32 },
		{ 'i', 4, NLUT_ELEM_I32 }, { 'u', 8, NLUT_ELEM_U64 },
		{ 'i', 8, NLUT_ELEM_I64 }, { 'f', 4, NLUT_ELEM_F32 },
		{ 'f', 8, NLUT_ELEM_F64 },
	};
	const char *s = descr;
	char order = '=';
	unsigned size;

	if (*s == '<' || *s == '>' || *s == '|' || *s == '=')
		order = *s++;
	if (!s[0] || s[1] < '1' || s[1] > '8' || s[2])
		goto unsupported;
	size = (unsigned)(s[1] - '0');
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (types[i].kind != s[0] || types[i].size != size)
			continue;
		if (order == '|' && size > 1)
			break;
		a->type = types[i].type;
		a->size = size;
		a->big_endian = order == '>' ||
				(order == '=' && host_big_endian());
		return NLUT_SUCCESS;
	}
unsupported:
	return nlut_fail(NLUT_ERROR_DATA, "%s: unsupported dtype '%s'", path,
			 descr);
}

static int npy_parse(const char *path, const uint8_t *buf, size_t n, struct nlut_array *a,
		     int header_only)
{
	struct npy_header hd;
	struct hdr_parser h;
	size_t hoff, hlen, elems = 1, bytes, avail;
	unsigned major, minor;
	int zero = 0, overflow = 0;
	int rc;

	memset(a, 0, sizeof(*a));
	memset(&hd, 0, sizeof(hd));
	if (!nlut_npy_magic(buf, n))
		return nlut_fail(NLUT_ERROR_DATA,
				 "%s: not an npy file (no \\x93NUMPY magic)", path);
	if (n < 10)
		return nlut_fail(NLUT_ERROR_DATA,
				 "%s: truncated: %zu bytes, too short for an npy preamble",
				 path, n);
	major = buf[6];
	minor = buf[7];
	if (major < 1 || major > 3 || minor != 0)
		return nlut_fail(NLUT_ERROR_DATA,
				 "%s: unsupported npy format version %u.%u", path,
				 major, minor);
	if (major == 1) {
		hlen = nlut_rd16(buf + 8);
		hoff = 10;
	} else {
		if (n < 12)
			return nlut_fail(NLUT_ERROR_DATA,
					 "%s: truncated: %zu bytes, too short for an npy %u.0 preamble",
					 path, n, major);
		hlen = nlut_rd32(buf + 8);
		hoff = 12;
	}
	if (hlen > n - hoff)
		return nlut_fail(NLUT_ERROR_DATA,
				 "%s: truncated: npy header of %zu bytes, file holds %zu after the preamble",
				 path, hlen, n - hoff);

	h.path = path;
	h.start = (const char *)buf + hoff;
	h.p = h.start;
	h.end = h.start + hlen;
	rc = parse_dict(&h, &hd);
	if (rc)
		return rc;
	rc = parse_descr(path, hd.descr, a);
	if (rc)
		return rc;

	nlut_shape_str(a->shape, sizeof(a->shape), hd.dims, hd.rank, 1);
	for (unsigned i = 0; i < hd.rank; i++) {
		if (hd.dims[i] == 0)
			zero = 1;
		if (hd.dims[i] > SIZE_MAX ||
		    nlut_mul_size(elems, (size_t)hd.dims[i], &elems))
			overflow = 1;
	}
	if (zero)
		return nlut_fail(NLUT_ERROR_DATA,
				 "%s: shape %s holds no data", path, a->shape);
	if (overflow || nlut_mul_size(elems, a->size, &bytes) ||
	    bytes > NLUT_DATA_MAX_BYTES)
		return nlut_fail(NLUT_ERROR_TOO_LARGE,
				 "%s: header declares shape %s '%s', over the %zu-byte limit",
				 path, a->shape, hd.descr,
				 (size_t)NLUT_DATA_MAX_BYTES);
	a->fortran = hd.fortran;
	a->rank = hd.rank;
	a->rows = hd.rank ? (size_t)hd.dims[0] : 1;
	a->cols = hd.rank ? elems / a->rows : 1;
	a->offset = hoff + hlen;
	a->bytes = bytes;
	if (header_only)
		return NLUT_SUCCESS;
	avail = n - hoff - hlen;
	if (bytes > avail)
		return nlut_fail(NLUT_ERROR_DATA,
				 "%s: truncated: header declares shape %s '%s' = %zu bytes of data, file holds %zu",
				 path, a->shape, hd.descr, bytes, avail);
	if (bytes < avail)
		return nlut_fail(NLUT_ERROR_DATA,
				 "%s: %zu bytes after the shape %s '%s' data the header declares",
				 path, avail - bytes, a->shape, hd.descr);

	a->data = buf + hoff + hlen;
	return NLUT_SUCCESS;
}

int nlut_npy_parse(const char *path, const uint8_t *buf, size_t n, struct nlut_array *a)
{
	return npy_parse(path, buf, n, a, 0);
}

int nlut_npy_header(const char *path, const uint8_t *buf, size_t n, struct nlut_array *a)
{
	return npy_parse(path, buf, n, a, 1);
}

int nlut_data_load_npy(const char *path, const uint8_t *buf, size_t n,
		       const struct nlut_data_opts *opts,
		       struct nlut_dataset **out)
{
	struct nlut_array a;
	int rc;

	rc = nlut_npy_parse(path, buf, n, &a);
	if (rc)
		return rc;
	if (a.rank == 0 || a.rank > 2)
		return nlut_fail(NLUT_ERROR_DATA,
				 "%s: shape %s has rank %u; expected rank 1 (one feature) or 2 (rows x features)",
				 path, a.shape, a.rank);
	return nlut_data_from_array(path, &a, opts, opts->labels_path, out);
}
