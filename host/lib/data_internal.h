/* data_internal.h - helpers shared by the dataset readers (not installed). */
#ifndef NLUT_DATA_INTERNAL_H
#define NLUT_DATA_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <zlib.h>

#include <nlut/data.h>

/*
 * Largest file the readers take in, counted after decompression. A header
 * that declares more than this is refused before anything is allocated.
 */
#if SIZE_MAX > 0xffffffffu
#define NLUT_DATA_MAX_BYTES ((size_t)4 << 30)
#else
#define NLUT_DATA_MAX_BYTES ((size_t)1 << 30)
#endif

/* Room for "(d0, d1, ...)" in messages; longer shapes end in "...". */
#define NLUT_SHAPE_STR 96

/*
 * A data file's bytes in pieces, gzip-compressed (by content) or plain; a
 * gzip file must end after its members (zero padding allowed). Opening does
 * not block on a FIFO without writer.
 */
struct nlut_src {
	const char *path;
	int fd;
	struct stat st;
	int started, gz, gz_init, eof, done; /* done: no more bytes */
	z_stream z;
	uint8_t *in;
	size_t in_at, in_len;
	uint64_t raw;           /* bytes read from the file */
	uint64_t pos;           /* bytes handed out */
};

int nlut_src_open(struct nlut_src *s, const char *path);
/* Up to n bytes; *got < n only at the end (then s->done is set). */
int nlut_src_read(struct nlut_src *s, uint8_t *dst, size_t n, size_t *got);
void nlut_src_close(struct nlut_src *s);

/*
 * Read a whole file, gzip-compressed or plain, into a new buffer. On success
 * *buf holds *n bytes followed by a NUL (so text parsers may stop on it);
 * free() it. More than cap bytes fails with NLUT_ERROR_TOO_LARGE.
 */
int nlut_data_slurp(const char *path, size_t cap, uint8_t **buf, size_t *n);

enum nlut_elem {
	NLUT_ELEM_B1,
	NLUT_ELEM_U8,
	NLUT_ELEM_I8,
	NLUT_ELEM_U16,
	NLUT_ELEM_I16,
	NLUT_ELEM_U32,
	NLUT_ELEM_I32,
	NLUT_ELEM_U64,
	NLUT_ELEM_I64,
	NLUT_ELEM_F32,
	NLUT_ELEM_F64
};

/* "uint8", "float32", ... */
const char *nlut_elem_name(enum nlut_elem t);

/*
 * A parsed IDX or npy array: dimension 0 is the row, the others flattened
 * into cols. The parsers only fill this in once the file is known to hold
 * exactly rows * cols elements at data, so converters need no more checks.
 */
struct nlut_array {
	const uint8_t *data;
	enum nlut_elem type;
	unsigned size;          /* bytes per element */
	int big_endian;
	int fortran;            /* column-major (npy rank 2 only) */
	unsigned rank;
	size_t rows;            /* dim 0 (1 for rank 0) */
	size_t cols;            /* product of dims 1.. (1 for rank <= 1) */
	char shape[NLUT_SHAPE_STR]; /* for messages: "10000x28x28", "(3, 4)" */
	size_t offset;          /* where the data starts in the file */
	size_t bytes;           /* rows * cols * size */
};

/* Format dims as "AxBxC" (python == 0) or "(A, B, C)" / "(A,)" (python). */
void nlut_shape_str(char *out, size_t size, const uint64_t *dims,
		    unsigned rank, int python);

/* a * b into *r; -1 (and *r untouched) if it overflows size_t. */
int nlut_mul_size(size_t a, size_t b, size_t *r);

/* Does the buffer start like an IDX / npy file? */
int nlut_idx_magic(const uint8_t *buf, size_t n);
int nlut_npy_magic(const uint8_t *buf, size_t n);

/* Parse an IDX or npy file held in buf. Messages name path. */
int nlut_idx_parse(const char *path, const uint8_t *buf, size_t n,
		   struct nlut_array *a);
int nlut_npy_parse(const char *path, const uint8_t *buf, size_t n,
		   struct nlut_array *a);
/* The same from the file's first n bytes: the header alone is checked
 * (type, shape, limits), a->rows and a->cols set, a->data left NULL. */
int nlut_idx_header(const char *path, const uint8_t *buf, size_t n, struct nlut_array *a);
int nlut_npy_header(const char *path, const uint8_t *buf, size_t n, struct nlut_array *a);

/* Features of nrows rows of a (row-major or Fortran), rows numbered from
 * row0 in messages. */
int nlut_array_to_float(const char *path, const struct nlut_array *a, size_t nrows, size_t row0,
			float *x);
/* Labels of nrows rows of a rank-1 integer array (numbered from row0 in
 * messages), checked: >= 0 and within int32. *max gets the largest. */
int nlut_array_to_labels(const char *path, const struct nlut_array *a, size_t nrows, size_t row0,
			 int32_t *labels, int64_t *max);
/* Is the element type an integer? */
int nlut_elem_is_integer(enum nlut_elem t);
/* The labels file beside an IDX images file ("images-idx3" -> "labels-idx1",
 * with or without .gz), or NULL in *out when there is none. */
int nlut_idx_labels_path(const char *path, char **out);

/* The options valid? (names the bad one) */
int nlut_data_check_opts(const struct nlut_data_opts *o);

/* A dataset with x (and labels if with_labels) allocated, n_classes 0. */
int nlut_dataset_new(const char *path, size_t rows, size_t features,
		     int with_labels, struct nlut_dataset **out);

/*
 * Dataset from the first rows of an array (honouring opts->max_rows), with
 * labels from labels_path (IDX or npy, one per row of a) when not NULL.
 */
int nlut_data_from_array(const char *path, const struct nlut_array *a,
			 const struct nlut_data_opts *opts,
			 const char *labels_path, struct nlut_dataset **out);

/* The per-format loaders, called by nlut_data_load on the file's bytes. */
int nlut_data_load_idx(const char *path, const uint8_t *buf, size_t n,
		       const struct nlut_data_opts *opts,
		       struct nlut_dataset **out);
int nlut_data_load_npy(const char *path, const uint8_t *buf, size_t n,
		       const struct nlut_data_opts *opts,
		       struct nlut_dataset **out);
/* text[n] must be NUL. */
int nlut_data_load_csv(const char *path, const char *text, size_t n,
		       const struct nlut_data_opts *opts,
		       struct nlut_dataset **out);

/*
 * CSV read in pieces. nlut_csv_rows parses up to max rows from text (NUL at
 * text[n]), whole lines only unless final (the file's end), setting up the
 * columns from the first non-blank line; *used is what it consumed: feed the
 * rest again with more text behind it. max_rows of opts counts over all
 * calls. A final call that finds no row at all is an error.
 */
struct nlut_csv;
int nlut_csv_new(const char *path, const struct nlut_data_opts *opts, struct nlut_csv **out);
void nlut_csv_free(struct nlut_csv *s);
int nlut_csv_rows(struct nlut_csv *s, const char *text, size_t n, int final, size_t max,
		  float *x, int32_t *labels, size_t *got, size_t *used);
size_t nlut_csv_features(const struct nlut_csv *s); /* 0 before the first line */
int nlut_csv_has_labels(const struct nlut_csv *s);

#endif /* NLUT_DATA_INTERNAL_H */
