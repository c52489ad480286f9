/* nlut/data.h - dataset readers: IDX (MNIST family), CSV and NumPy .npy. */
#ifndef NLUT_DATA_H
#define NLUT_DATA_H

#include <stddef.h>
#include <stdint.h>

#include <nlut/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A table of samples: features as floats, labels optional. */
struct nlut_dataset {
	size_t n_rows;
	size_t n_features;
	float *x;            /* n_rows * n_features, row-major */
	int32_t *labels;     /* n_rows class indices >= 0, or NULL */
	uint32_t n_classes;  /* max label + 1; 0 without labels */
};

enum nlut_data_format {
	NLUT_DATA_AUTO = 0, /* by content (IDX/npy magic), else CSV */
	NLUT_DATA_IDX = 1,
	NLUT_DATA_CSV = 2,
	NLUT_DATA_NPY = 3
};

#define NLUT_LABEL_LAST (-1) /* CSV: the last column holds the label */
#define NLUT_LABEL_NONE (-2) /* CSV: no label column */

struct nlut_data_opts {
	enum nlut_data_format format;
	/* CSV: 0-based label column, NLUT_LABEL_LAST or NLUT_LABEL_NONE. */
	int label_col;
	/* CSV: 1 = first line is a header, 0 = none, -1 = detect: a first line
	 * of text, with no field that reads or starts like a number ("nan",
	 * "1e39" and "1O" do), is a header; a first row of numbers with one bad
	 * field is a data row, refused as on any other line. */
	int header;
	/* CSV: field separator; 0 = detect from the first line (, ; tab). */
	char delimiter;
	/* IDX/npy: the labels file. NULL for IDX = derive from the images name
	 * ("images-idx3" -> "labels-idx1") when that file exists. */
	const char *labels_path;
	/* Read at most this many rows (0 = all). */
	size_t max_rows;
};

/* Defaults: AUTO, NLUT_LABEL_LAST, header -1, delimiter 0, no labels path. */
void nlut_data_opts_init(struct nlut_data_opts *o);

/*
 * Load a dataset. Files may be gzip-compressed (detected by content).
 * IDX: uint8/int8/int16/int32/float32/float64 arrays of any rank; dimension 0
 * is the row, the rest are flattened into features. npy: version 1.0-3.0,
 * C or Fortran order, little or big endian, b1/u1/i1/u2/i2/u4/i4/u8/i8/f4/f8,
 * rank 1 (one feature) or 2. A labels file is a rank-1 integer array of the
 * same number of rows. Every error names the file and the problem.
 */
int nlut_data_load(const char *path, const struct nlut_data_opts *opts,
		   struct nlut_dataset **out);

void nlut_data_free(struct nlut_dataset *d);

/*
 * The shape of a dataset from the start of its file, before any large read:
 * IDX and npy from their header (rows as declared, or max_rows if fewer),
 * CSV from its first lines (*rows 0: not known before reading it all).
 * Lets a program refuse data of the wrong width before it decodes it. A
 * regular file only (NLUT_ERROR_UNSUPPORTED otherwise: a pipe's start
 * cannot be read twice).
 */
int nlut_data_peek(const char *path, const struct nlut_data_opts *opts, size_t *rows,
		   size_t *features);

/*
 * A dataset read in batches, in memory independent of the file's size (but
 * for a Fortran-ordered 2-D npy array, which is read whole). The shape is
 * known once nlut_data_open returns: from the IDX or npy header, from the
 * first line of a CSV file. Pipes work. The same checks as nlut_data_load
 * apply, each when the reader gets there: a truncated file is an error at
 * the batch that misses its rows, and bytes after the declared data are an
 * error at the end.
 */
typedef struct nlut_data_reader nlut_data_reader;

int nlut_data_open(const char *path, const struct nlut_data_opts *opts, nlut_data_reader **out);
void nlut_data_close(nlut_data_reader *r);
size_t nlut_data_reader_features(const nlut_data_reader *r);
/* Rows the file declares (max_rows if fewer); 0 for CSV (not known). */
size_t nlut_data_reader_rows(const nlut_data_reader *r);
int nlut_data_reader_has_labels(const nlut_data_reader *r);
/*
 * The next rows, at most max: features into x (max * features floats) and,
 * when labels is not NULL and the data has labels, labels. *got is 0 only
 * at the end of the data.
 */
int nlut_data_read(nlut_data_reader *r, size_t max, float *x, int32_t *labels, size_t *got);

#ifdef __cplusplus
}
#endif

#endif /* NLUT_DATA_H */
