/* data_idx.c - IDX reader (MNIST, Fashion-MNIST): big-endian typed arrays. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "data_internal.h"

/* Dims beyond this are still checked but no longer shown in messages. */
#define IDX_SHOWN_DIMS 8

int nlut_idx_magic(const uint8_t *buf, size_t n)
{
	/* Text never starts with two NULs, so this is enough to rule out CSV;
	 * the parser then says precisely what else is wrong. */
	return n >= 2 && buf[0] == 0 && buf[1] == 0;
}

static int idx_type(uint8_t code, enum nlut_elem *t, unsigned *size)
{
	switch (code) {
	case 0x08: *t = NLUT_ELEM_U8; *size = 1; return 0;
	case 0x09: *t = NLUT_ELEM_I8; *size = 1; return 0;
	case 0x0b: *t = NLUT_ELEM_I16; *size = 2; return 0;
	case 0x0c: *t = NLUT_ELEM_I32; *size = 4; return 0;
	case 0x0d: *t = NLUT_ELEM_F32; *size = 4; return 0;
	case 0x0e: *t = NLUT_ELEM_F64; *size = 8; return 0;
	}
	return -1;
}

static uint32_t rd32be(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static int idx_parse(const char *path, const uint8_t *buf, size_t n, struct nlut_array *a,
		     int header_only)
{
	uint64_t shown[IDX_SHOWN_DIMS];
	size_t hdr, cols = 1, elems, bytes, avail;
	unsigned rank;
	int overflow = 0, zero = 0;

	memset(a, 0, sizeof(*a));
	if (n < 4)
		return nlut_fail(NLUT_ERROR_DATA,
				 "%s: %zu bytes, too short for an IDX header",
				 path, n);
	if (buf[0] != 0 || buf[1] != 0)
		return nlut_fail(NLUT_ERROR_DATA,
				 "%s: not an IDX file (magic %02x %02x %02x %02x)",
				 path, buf[0], buf[1], buf[2], buf[3]);
	if (idx_type(buf[2], &a->type, &a->size))
		return nlut_fail(NLUT_ERROR_DATA,
				 "%s: unsupported IDX element type 0x%02x", path,
				 buf[2]);
	rank = buf[3];
	if (rank == 0)
		return nlut_fail(NLUT_ERROR_DATA, "%s: IDX header of rank 0",
				 path);
	hdr = 4 + 4 * (size_t)rank;
	if (n < hdr)
		return nlut_fail(NLUT_ERROR_DATA,
				 "%s: truncated: an IDX header of rank %u needs %zu bytes, file holds %zu",
				 path, rank, hdr, n);

	for (unsigned i = 0; i < rank; i++) {
		uint32_t d = rd32be(buf + 4 + 4 * i);

		if (i < IDX_SHOWN_DIMS)
			shown[i] = d;
		if (d == 0)
			zero = 1;
		if (i > 0 && nlut_mul_size(cols, d, &cols))
			overflow = 1;
	}
	nlut_shape_str(a->shape, sizeof(a->shape), shown,
		       rank < IDX_SHOWN_DIMS ? rank : IDX_SHOWN_DIMS, 0);
	if (rank > IDX_SHOWN_DIMS) {
		size_t l = strlen(a->shape);

		if (l + 5 < sizeof(a->shape))
			memcpy(a->shape + l, "x...", 5);
	}
	if (zero)
		return nlut_fail(NLUT_ERROR_DATA,
				 "%s: header declares shape %s, which holds no data",
				 path, a->shape);
	a->rank = rank;
	a->rows = rd32be(buf + 4);
	a->cols = cols;
	if (overflow || nlut_mul_size(a->rows, cols, &elems) ||
	    nlut_mul_size(elems, a->size, &bytes) || bytes > NLUT_DATA_MAX_BYTES)
		return nlut_fail(NLUT_ERROR_TOO_LARGE,
				 "%s: header declares %s %s, over the %zu-byte limit",
				 path, a->shape, nlut_elem_name(a->type),
				 (size_t)NLUT_DATA_MAX_BYTES);
	a->big_endian = 1;
	a->offset = hdr;
	a->bytes = bytes;
	if (header_only)
		return NLUT_SUCCESS;
	avail = n - hdr;
	if (bytes > avail)
		return nlut_fail(NLUT_ERROR_DATA,
				 "%s: truncated: header declares %s %s = %zu bytes of data, file holds %zu",
				 path, a->shape, nlut_elem_name(a->type), bytes,
				 avail);
	if (bytes < avail)
		return nlut_fail(NLUT_ERROR_DATA,
				 "%s: %zu bytes after the %s %s data the header declares",
				 path, avail - bytes, a->shape,
				 nlut_elem_name(a->type));
	a->data = buf + hdr;
	return NLUT_SUCCESS;
}

int nlut_idx_parse(const char *path, const uint8_t *buf, size_t n, struct nlut_array *a)
{
	return idx_parse(path, buf, n, a, 0);
}

int nlut_idx_header(const char *path, const uint8_t *buf, size_t n, struct nlut_array *a)
{
	return idx_parse(path, buf, n, a, 1);
}

static int is_file(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/*
 * The labels file that goes with an images file: "images-idx3" becomes
 * "labels-idx1" (or "images.idx3" "labels.idx1") in the file name, with or
 * without ".gz". NULL in *out when there is none.
 */
int nlut_idx_labels_path(const char *path, char **out)
{
	static const char *const from[] = { "images-idx3", "images.idx3" };
	static const char *const to[] = { "labels-idx1", "labels.idx1" };
	const char *base = strrchr(path, '/');
	size_t len = strlen(path);
	char *cand;
	char *hit = NULL;
	unsigned k;

	*out = NULL;
	base = base ? base + 1 : path;
	/* Room for an added ".gz" and the NUL. */
	cand = malloc(len + 4);
	if (!cand)
		return nlut_fail(NLUT_ERROR_NO_MEM, "%s: out of memory", path);
	memcpy(cand, path, len + 1);
	for (k = 0; k < 2 && !hit; k++) {
		/* The last occurrence: a directory-like prefix such as
		 * "images-idx3-a-images-idx3" is unlikely, but the file's own
		 * suffix is what names the pairing. */
		for (const char *s = strstr(base, from[k]); s;
		     s = strstr(s + 1, from[k]))
			hit = cand + (s - path);
		if (hit)
			memcpy(hit, to[k], strlen(to[k]));
	}
	if (!hit) {
		free(cand);
		return NLUT_SUCCESS;
	}
	if (is_file(cand)) {
		*out = cand;
		return NLUT_SUCCESS;
	}
	if (len > 3 && strcmp(cand + len - 3, ".gz") == 0)
		cand[len - 3] = 0;
	else
		memcpy(cand + len, ".gz", 4);
	if (is_file(cand)) {
		*out = cand;
		return NLUT_SUCCESS;
	}
	free(cand);
	return NLUT_SUCCESS;
}

int nlut_data_load_idx(const char *path, const uint8_t *buf, size_t n,
		       const struct nlut_data_opts *opts,
		       struct nlut_dataset **out)
{
	struct nlut_array a;
	char *derived = NULL;
	const char *labels = opts->labels_path;
	int rc;

	rc = nlut_idx_parse(path, buf, n, &a);
	if (rc)
		return rc;
	if (!labels) {
		rc = nlut_idx_labels_path(path, &derived);
		if (rc)
			return rc;
		labels = derived;
	}
	rc = nlut_data_from_array(path, &a, opts, labels, out);
	free(derived);
	return rc;
}
