/* test_data.c - dataset readers: real data, generated files of every kind, every rejection. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include <nlut/data.h>

/* ---- scratch files ---------------------------------------------------- */

static const char *tmp_path(const char *name)
{
	static char ring[8][512];
	static unsigned next;
	char *p = ring[next++ % 8];

	snprintf(p, sizeof(ring[0]), "%s/%s", NLUT_TEST_TMPDIR, name);
	return p;
}

static const char *write_file(const char *name, const void *data, size_t len)
{
	const char *path = tmp_path(name);
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	if (len)
		assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return path;
}

static const char *write_gz(const char *name, const void *data, size_t len)
{
	const char *path = tmp_path(name);
	gzFile gz = gzopen(path, "wb");

	assert_non_null(gz);
	if (len)
		assert_int_equal(gzwrite(gz, data, (unsigned)len), (int)len);
	assert_int_equal(gzclose(gz), Z_OK);
	return path;
}

static const char *write_text(const char *name, const char *text)
{
	return write_file(name, text, strlen(text));
}

static int file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* A growing byte buffer for building binary files. */
struct bytes {
	uint8_t *p;
	size_t n, cap;
};

static void put(struct bytes *b, const void *data, size_t len)
{
	if (b->n + len > b->cap) {
		b->cap = (b->n + len) * 2 + 64;
		b->p = realloc(b->p, b->cap);
		assert_non_null(b->p);
	}
	memcpy(b->p + b->n, data, len);
	b->n += len;
}

static void put_uint(struct bytes *b, uint64_t v, unsigned size, int be)
{
	uint8_t t[8];

	for (unsigned i = 0; i < size; i++)
		t[be ? size - 1 - i : i] = (uint8_t)(v >> (8 * i));
	put(b, t, size);
}

static void bytes_free(struct bytes *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

/* ---- random values with a printed seed -------------------------------- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

static uint64_t rnd_below(uint64_t n)
{
	return rnd() % n;
}

/* ---- element types shared by the IDX and npy writers ------------------ */

enum kind { K_BOOL, K_UINT, K_INT, K_FLOAT };

struct dtype {
	enum kind kind;
	unsigned size;
	uint8_t idx_code;   /* 0 when IDX has no such type */
	char npy[3];        /* "u1", "f8", ... */
};

static const struct dtype dtypes[] = {
	{ K_BOOL, 1, 0, "b1" },
	{ K_UINT, 1, 0x08, "u1" },
	{ K_INT, 1, 0x09, "i1" },
	{ K_UINT, 2, 0, "u2" },
	{ K_INT, 2, 0x0b, "i2" },
	{ K_UINT, 4, 0, "u4" },
	{ K_INT, 4, 0x0c, "i4" },
	{ K_UINT, 8, 0, "u8" },
	{ K_INT, 8, 0, "i8" },
	{ K_FLOAT, 4, 0x0d, "f4" },
	{ K_FLOAT, 8, 0x0e, "f8" },
};
#define N_DTYPES (sizeof(dtypes) / sizeof(dtypes[0]))

/* A random element of type t: its bits in the file and the float a reader
 * must produce (integers rounded once, straight to float). */
static void rnd_elem(const struct dtype *t, uint64_t *bits, float *expect)
{
	unsigned nb = t->size * 8;
	uint64_t u = rnd() >> (64 - nb);

	switch (t->kind) {
	case K_BOOL:
		*bits = rnd_below(2);
		*expect = (float)*bits;
		return;
	case K_UINT:
		*bits = u;
		*expect = (float)u;
		return;
	case K_INT: {
		int64_t v;

		if (nb == 64)
			memcpy(&v, &u, 8);
		else
			v = (int64_t)u - ((int64_t)1 << (nb - 1));
		*bits = (uint64_t)v;
		*expect = (float)v;
		return;
	}
	case K_FLOAT: {
		/* Exact in float, either sign, tiny to large; for float64
		 * sometimes a value that must be rounded. */
		double d = ldexp((double)((int64_t)rnd_below(1 << 24) - (1 << 23)),
				 (int)rnd_below(80) - 60);

		if (t->size == 8 && rnd_below(2))
			d = ldexp((double)(int64_t)(rnd() >> 11) - 0x1p52,
				  (int)rnd_below(100) - 60);
		*expect = (float)d;
		if (t->size == 4) {
			uint32_t w;

			memcpy(&w, expect, 4);
			*bits = w;
		} else {
			memcpy(bits, &d, 8);
		}
		return;
	}
	}
}

/* ---- IDX and npy writers ---------------------------------------------- */

static const char *write_idx(const char *name, uint8_t code, unsigned rank,
			     const uint32_t *dims, const void *data, size_t len,
			     int gz)
{
	struct bytes b = { 0 };
	const char *path;
	uint8_t magic[4] = { 0, 0, code, (uint8_t)rank };

	put(&b, magic, 4);
	for (unsigned i = 0; i < rank; i++)
		put_uint(&b, dims[i], 4, 1);
	put(&b, data, len);
	path = gz ? write_gz(name, b.p, b.n) : write_file(name, b.p, b.n);
	bytes_free(&b);
	return path;
}

/* An npy file with header dict text (padded as NumPy does) and data. */
static const char *write_npy_raw(const char *name, unsigned major,
				 const char *dict, const void *data, size_t len)
{
	struct bytes b = { 0 };
	const char *path;
	size_t pre = major == 1 ? 10 : 12;
	size_t hlen = strlen(dict) + 1;
	uint8_t v[2] = { (uint8_t)major, 0 };

	hlen += (64 - (pre + hlen) % 64) % 64;
	put(&b, "\x93NUMPY", 6);
	put(&b, v, 2);
	put_uint(&b, hlen, major == 1 ? 2 : 4, 0);
	put(&b, dict, strlen(dict));
	for (size_t i = strlen(dict); i + 1 < hlen; i++)
		put(&b, " ", 1);
	put(&b, "\n", 1);
	put(&b, data, len);
	path = write_file(name, b.p, b.n);
	bytes_free(&b);
	return path;
}

static const char *write_npy(const char *name, unsigned major, const char *descr,
			     int fortran, const char *shape, const void *data,
			     size_t len)
{
	char dict[256];

	snprintf(dict, sizeof(dict),
		 "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }", descr,
		 fortran ? "True" : "False", shape);
	return write_npy_raw(name, major, dict, data, len);
}

/* ---- load helpers ----------------------------------------------------- */

static struct nlut_dataset *load_ok(const char *path,
				    const struct nlut_data_opts *o)
{
	struct nlut_dataset *d = NULL;
	int rc = nlut_data_load(path, o, &d);

	if (rc)
		print_error("%s: %s: %s\n", path, nlut_error_name(rc),
			    nlut_error_detail());
	assert_int_equal(rc, NLUT_SUCCESS);
	assert_non_null(d);
	return d;
}

/*
 * Loading must fail with code, leave *out NULL, and say in the detail which
 * file (named, or path itself) and, when needle is given, what.
 */
static void reject_named(const char *path, const struct nlut_data_opts *o,
			 int code, const char *named, const char *needle)
{
	struct nlut_dataset *d = (struct nlut_dataset *)&d;
	int rc = nlut_data_load(path, o, &d);
	const char *det = nlut_error_detail();

	if (!named)
		named = path;
	if (rc != code || !strstr(det, named) || (needle && !strstr(det, needle)))
		print_error("%s: got %s \"%s\", want %s naming %s with \"%s\"\n",
			    path, nlut_error_name(rc), det,
			    nlut_error_name(code), named, needle ? needle : "");
	assert_int_equal(rc, code);
	assert_null(d);
	assert_non_null(strstr(det, named));
	if (needle)
		assert_non_null(strstr(det, needle));
}

static void reject(const char *path, const struct nlut_data_opts *o, int code,
		   const char *needle)
{
	reject_named(path, o, code, NULL, needle);
}

static struct nlut_data_opts opts_default(void)
{
	struct nlut_data_opts o;

	nlut_data_opts_init(&o);
	return o;
}

/* ---- fixtures --------------------------------------------------------- */

static int group_setup(void **state)
{
	const char *env = getenv("NLUT_TEST_SEED");

	(void)state;
	rng_state = env ? strtoull(env, NULL, 0) : (uint64_t)time(NULL);
	if (rng_state == 0)
		rng_state = 1;
	print_message("test_data: seed %llu (set NLUT_TEST_SEED to repeat)\n",
		      (unsigned long long)rng_state);
	if (mkdir(NLUT_TEST_TMPDIR, 0777) && errno != EEXIST) {
		print_error("cannot create %s: %s\n", NLUT_TEST_TMPDIR,
			    strerror(errno));
		return -1;
	}
	return 0;
}

/* ---- options ---------------------------------------------------------- */

static void test_opts_init(void **state)
{
	struct nlut_data_opts o;

	(void)state;
	memset(&o, 0x5a, sizeof(o));
	nlut_data_opts_init(&o);
	assert_int_equal(o.format, NLUT_DATA_AUTO);
	assert_int_equal(o.label_col, NLUT_LABEL_LAST);
	assert_int_equal(o.header, -1);
	assert_int_equal(o.delimiter, 0);
	assert_null(o.labels_path);
	assert_int_equal(o.max_rows, 0);
	nlut_data_opts_init(NULL);
	nlut_data_free(NULL);
}

/* ---- real data -------------------------------------------------------- */

static const float digits_row0[64] = {
	0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0,
	0, 3, 15, 2, 0, 11, 8, 0, 0, 4, 12, 0, 0, 8, 8, 0,
	0, 5, 8, 0, 0, 9, 8, 0, 0, 4, 11, 0, 1, 12, 7, 0,
	0, 2, 14, 5, 10, 12, 0, 0, 0, 0, 6, 13, 10, 0, 0, 0,
};

static const float digits_last[64] = {
	0, 0, 10, 14, 8, 1, 0, 0, 0, 2, 16, 14, 6, 1, 0, 0,
	0, 0, 15, 15, 8, 15, 0, 0, 0, 0, 5, 16, 16, 10, 0, 0,
	0, 0, 12, 15, 15, 12, 0, 0, 0, 4, 16, 6, 4, 16, 6, 0,
	0, 8, 16, 10, 8, 16, 8, 0, 0, 1, 8, 12, 14, 12, 1, 0,
};

static void test_digits(void **state)
{
	const char *path = NLUT_SHARED_DATA_DIR "/digits.csv.gz";
	struct nlut_data_opts o = opts_default();
	struct nlut_dataset *d;
	double sum = 0;
	size_t threes = 0;

	(void)state;
	d = load_ok(path, NULL);
	assert_int_equal(d->n_rows, 1797);
	assert_int_equal(d->n_features, 64);
	assert_int_equal(d->n_classes, 10);
	assert_non_null(d->labels);
	assert_memory_equal(d->x, digits_row0, sizeof(digits_row0));
	assert_memory_equal(d->x + 1796 * 64, digits_last, sizeof(digits_last));
	assert_int_equal(d->labels[0], 0);
	assert_int_equal(d->labels[1], 1);
	assert_int_equal(d->labels[1796], 8);
	for (size_t i = 0; i < 1797 * 64; i++) {
		assert_true(d->x[i] >= 0 && d->x[i] <= 16);
		sum += d->x[i];
	}
	for (size_t i = 0; i < 1797; i++) {
		assert_in_range(d->labels[i], 0, 9);
		threes += d->labels[i] == 3;
	}
	/* Checked independently with Python over the decompressed text. */
	assert_true(sum == 561718.0);
	assert_int_equal(threes, 183);
	nlut_data_free(d);

	/* The same file with the label column read as a feature. */
	o.label_col = NLUT_LABEL_NONE;
	o.max_rows = 100;
	d = load_ok(path, &o);
	assert_int_equal(d->n_rows, 100);
	assert_int_equal(d->n_features, 65);
	assert_null(d->labels);
	assert_int_equal(d->n_classes, 0);
	assert_true(d->x[65 + 64] == 1.0f);
	nlut_data_free(d);
}

static void test_fashion(void **state)
{
	const char *img = NLUT_FASHION_DIR "/t10k-images-idx3-ubyte.gz";
	const char *lab = NLUT_FASHION_DIR "/t10k-labels-idx1-ubyte.gz";
	/* First labels and pixels, read independently with Python's gzip. */
	static const int32_t first_labels[12] = { 9, 2, 1, 1, 6, 1, 4, 6, 5, 7, 4, 5 };
	struct nlut_data_opts o = opts_default();
	struct nlut_dataset *d;
	double sum0 = 0, sum_last = 0;
	size_t counts[10] = { 0 };

	(void)state;
	if (!file_exists(img) || !file_exists(lab)) {
		print_message("no Fashion-MNIST at %s (apt-get install dataset-fashion-mnist)\n",
			      NLUT_FASHION_DIR);
		skip();
	}
	d = load_ok(img, NULL);
	assert_int_equal(d->n_rows, 10000);
	assert_int_equal(d->n_features, 784);
	assert_non_null(d->labels);
	assert_int_equal(d->n_classes, 10);
	assert_memory_equal(d->labels, first_labels, sizeof(first_labels));
	assert_true(d->x[0] == 0.0f);
	assert_true(d->x[215] == 3.0f);
	assert_true(d->x[221] == 37.0f);
	assert_true(d->x[241] == 84.0f);
	assert_true(d->x[249] == 119.0f);
	for (size_t i = 0; i < 784; i++) {
		sum0 += d->x[i];
		sum_last += d->x[9999 * 784 + i];
	}
	assert_true(sum0 == 33456.0);
	assert_true(sum_last == 24390.0);
	/* The test set is balanced: 1000 of each class. */
	for (size_t i = 0; i < 10000; i++)
		counts[d->labels[i]]++;
	for (size_t k = 0; k < 10; k++)
		assert_int_equal(counts[k], 1000);
	nlut_data_free(d);

	/* A prefix keeps the class count of the whole labels file. */
	o.max_rows = 5;
	o.labels_path = lab;
	d = load_ok(img, &o);
	assert_int_equal(d->n_rows, 5);
	assert_int_equal(d->n_features, 784);
	assert_int_equal(d->n_classes, 10);
	assert_memory_equal(d->labels, first_labels, 5 * sizeof(int32_t));
	assert_true(d->x[249] == 119.0f);
	nlut_data_free(d);

	/* The labels file alone: one integer feature, no labels. */
	d = load_ok(lab, NULL);
	assert_int_equal(d->n_rows, 10000);
	assert_int_equal(d->n_features, 1);
	assert_null(d->labels);
	assert_true(d->x[0] == 9.0f && d->x[11] == 5.0f);
	nlut_data_free(d);
}

/* ---- IDX written here ------------------------------------------------- */

/* One random IDX array, plain or gzip, with labels from a second IDX file
 * when it has rank > 1; read back whole and in part. */
static void check_idx(const struct dtype *dt, unsigned rank)
{
	struct nlut_data_opts o = opts_default();
	struct bytes b = { 0 }, lb = { 0 };
	uint32_t dims[4];
	size_t rows, feats = 1, n;
	float *want;
	int32_t *lab, max = 0;
	struct nlut_dataset *d;
	char name[64];
	const char *path, *lpath = NULL;
	int gz = (int)rnd_below(2);

	for (unsigned i = 0; i < rank; i++)
		dims[i] = 1 + (uint32_t)rnd_below(i ? 5 : 40);
	rows = dims[0];
	for (unsigned i = 1; i < rank; i++)
		feats *= dims[i];
	n = rows * feats;
	want = malloc(n * sizeof(*want));
	lab = malloc(rows * sizeof(*lab));
	assert_non_null(want);
	assert_non_null(lab);
	for (size_t i = 0; i < n; i++) {
		uint64_t bits;

		rnd_elem(dt, &bits, &want[i]);
		put_uint(&b, bits, dt->size, 1);
	}
	for (size_t i = 0; i < rows; i++) {
		lab[i] = (int32_t)rnd_below(7);
		max = lab[i] > max ? lab[i] : max;
		put_uint(&lb, (uint64_t)lab[i], 1, 1);
	}
	snprintf(name, sizeof(name), "idx-%s-r%u-x%s", dt->npy, rank,
		 gz ? ".gz" : "");
	path = write_idx(name, dt->idx_code, rank, dims, b.p, b.n, gz);
	if (rank > 1) {
		snprintf(name, sizeof(name), "idx-%s-r%u-y", dt->npy, rank);
		lpath = write_idx(name, 0x08, 1, dims, lb.p, lb.n, !gz);
		o.labels_path = lpath;
	}

	d = load_ok(path, &o);
	assert_int_equal(d->n_rows, rows);
	assert_int_equal(d->n_features, feats);
	assert_memory_equal(d->x, want, n * sizeof(float));
	if (lpath) {
		assert_non_null(d->labels);
		assert_memory_equal(d->labels, lab, rows * sizeof(*lab));
		assert_int_equal(d->n_classes, max + 1);
	} else {
		/* A rank-1 file is one feature, not labels. */
		assert_null(d->labels);
		assert_int_equal(d->n_classes, 0);
	}
	nlut_data_free(d);

	o.max_rows = 1 + rnd_below(rows);
	d = load_ok(path, &o);
	assert_int_equal(d->n_rows, o.max_rows);
	assert_memory_equal(d->x, want, o.max_rows * feats * sizeof(float));
	if (lpath)
		assert_memory_equal(d->labels, lab, o.max_rows * sizeof(*lab));
	nlut_data_free(d);

	free(want);
	free(lab);
	bytes_free(&b);
	bytes_free(&lb);
}

/* Every IDX type at ranks 1-4. */
static void test_idx_types(void **state)
{
	(void)state;
	for (size_t t = 0; t < N_DTYPES; t++)
		if (dtypes[t].idx_code)
			for (unsigned rank = 1; rank <= 4; rank++)
				check_idx(&dtypes[t], rank);
}

/* Labels found by name beside the images, in every spelling. */
static void test_idx_label_pairing(void **state)
{
	static const struct {
		const char *images;
		const char *labels;
	} pairs[] = {
		{ "pair1-images-idx3-ubyte", "pair1-labels-idx1-ubyte" },
		{ "pair2-images-idx3-ubyte.gz", "pair2-labels-idx1-ubyte.gz" },
		{ "pair3-images-idx3-ubyte", "pair3-labels-idx1-ubyte.gz" },
		{ "pair4-images-idx3-ubyte.gz", "pair4-labels-idx1-ubyte" },
		{ "pair5-images.idx3", "pair5-labels.idx1" },
	};
	uint8_t px[3 * 2 * 2], lab[3] = { 2, 0, 5 };
	uint32_t dims[3] = { 3, 2, 2 }, ldim = 3;
	struct nlut_dataset *d;

	(void)state;
	for (size_t i = 0; i < sizeof(px); i++)
		px[i] = (uint8_t)(i * 7);
	for (size_t k = 0; k < sizeof(pairs) / sizeof(pairs[0]); k++) {
		const char *ip;

		ip = write_idx(pairs[k].images, 0x08, 3, dims, px, sizeof(px),
			       strstr(pairs[k].images, ".gz") != NULL);
		write_idx(pairs[k].labels, 0x08, 1, &ldim, lab, sizeof(lab),
			  strstr(pairs[k].labels, ".gz") != NULL);
		d = load_ok(ip, NULL);
		assert_int_equal(d->n_rows, 3);
		assert_int_equal(d->n_features, 4);
		assert_non_null(d->labels);
		assert_int_equal(d->labels[0], 2);
		assert_int_equal(d->labels[1], 0);
		assert_int_equal(d->labels[2], 5);
		assert_int_equal(d->n_classes, 6);
		assert_true(d->x[11] == 77.0f);
		nlut_data_free(d);
	}

	/* Nothing beside it: no labels. */
	d = load_ok(write_idx("alone-images-idx3-ubyte", 0x08, 3, dims, px,
			      sizeof(px), 0), NULL);
	assert_null(d->labels);
	assert_int_equal(d->n_classes, 0);
	nlut_data_free(d);
}

/* ---- npy written here ------------------------------------------------- */

static int host_big_endian(void)
{
	const uint16_t one = 1;
	uint8_t b;

	memcpy(&b, &one, 1);
	return b == 0;
}

/* One random npy array of the given layout, read back whole and in part. */
static void check_npy(const struct dtype *dt, char ord, int fortran,
		      unsigned rank, unsigned major)
{
	struct nlut_data_opts o = opts_default();
	struct bytes b = { 0 };
	size_t rows = 1 + rnd_below(20);
	size_t cols = rank == 2 ? 1 + rnd_below(6) : 1;
	int be = ord == '>' || ((ord == '=' || ord == 0) && host_big_endian());
	char descr[8], shape[64], name[64];
	uint64_t *bits = malloc(rows * cols * sizeof(*bits));
	float *want = malloc(rows * cols * sizeof(*want));
	struct nlut_dataset *d;
	const char *path;

	assert_non_null(bits);
	assert_non_null(want);
	for (size_t i = 0; i < rows * cols; i++)
		rnd_elem(dt, &bits[i], &want[i]);
	/* want is row-major; the file is laid out in its own order. */
	for (size_t k = 0; k < rows * cols; k++) {
		size_t r = fortran ? k % rows : k / cols;
		size_t c = fortran ? k / rows : k % cols;

		put_uint(&b, bits[r * cols + c], dt->size, be);
	}
	snprintf(descr, sizeof(descr), "%s%s", ord ? (char[2]){ ord, 0 } : "",
		 dt->npy);
	if (rank == 1)
		snprintf(shape, sizeof(shape), "(%zu,)", rows);
	else
		snprintf(shape, sizeof(shape), "(%zu, %zu)", rows, cols);
	snprintf(name, sizeof(name), "npy-%s-%c%d-r%u.npy", dt->npy,
		 ord ? ord : 'n', fortran, rank);
	path = write_npy(name, major, descr, fortran, shape, b.p, b.n);

	d = load_ok(path, &o);
	assert_int_equal(d->n_rows, rows);
	assert_int_equal(d->n_features, cols);
	assert_null(d->labels);
	for (size_t i = 0; i < rows * cols; i++)
		if (memcmp(&d->x[i], &want[i], sizeof(float)))
			print_error("%s (%s %s) [%zu]: %a, want %a\n", path,
				    descr, shape, i, d->x[i], want[i]);
	assert_memory_equal(d->x, want, rows * cols * sizeof(float));
	nlut_data_free(d);

	o.max_rows = 1 + rnd_below(rows);
	d = load_ok(path, &o);
	assert_int_equal(d->n_rows, o.max_rows);
	assert_memory_equal(d->x, want, o.max_rows * cols * sizeof(float));
	nlut_data_free(d);

	free(bits);
	free(want);
	bytes_free(&b);
}

/* Every dtype x byte order x C/Fortran order x rank 1/2, versions 1-3. */
static void test_npy_types(void **state)
{
	static const char orders[] = { '<', '>', '=', '|', 0 };
	unsigned case_no = 0;

	(void)state;
	for (size_t t = 0; t < N_DTYPES; t++) {
		for (size_t oi = 0; oi < sizeof(orders); oi++) {
			/* '|' is "not applicable", only for one byte. */
			if (orders[oi] == '|' && dtypes[t].size > 1)
				continue;
			for (int fortran = 0; fortran <= 1; fortran++)
				for (unsigned rank = 1; rank <= 2; rank++)
					check_npy(&dtypes[t], orders[oi], fortran,
						  rank, 1 + case_no++ % 3);
		}
	}
}

/* Labels for npy from an npy of any integer type, or from IDX. */
static void test_npy_labels(void **state)
{
	static const char *const ldescr[] = { "<i8", ">i4", "|u1", "<u2", "|b1", "<i2", ">u8" };
	float xs[6] = { 1, 2, 3, 4, 5, 6 };
	struct nlut_data_opts o = opts_default();
	struct nlut_dataset *d;
	const char *xp;

	(void)state;
	xp = write_npy("lab-x.npy", 1, "<f4", 0, "(3, 2)", xs, sizeof(xs));
	for (size_t k = 0; k < sizeof(ldescr) / sizeof(ldescr[0]); k++) {
		struct bytes b = { 0 };
		unsigned size = (unsigned)(ldescr[k][2] - '0');
		int be = ldescr[k][0] == '>';
		int is_bool = ldescr[k][1] == 'b';
		uint64_t v[3] = { 1, 0, is_bool ? 1 : 4 };
		char name[32];

		for (int i = 0; i < 3; i++)
			put_uint(&b, v[i], size, be);
		snprintf(name, sizeof(name), "lab-y%zu.npy", k);
		o.labels_path = write_npy(name, 2, ldescr[k], 0, "(3,)", b.p, b.n);
		d = load_ok(xp, &o);
		assert_int_equal(d->n_rows, 3);
		assert_int_equal(d->n_features, 2);
		assert_non_null(d->labels);
		assert_int_equal(d->labels[0], 1);
		assert_int_equal(d->labels[1], 0);
		assert_int_equal(d->labels[2], (int32_t)v[2]);
		assert_int_equal(d->n_classes, v[2] + 1);
		assert_true(d->x[5] == 6.0f);
		nlut_data_free(d);
		bytes_free(&b);
	}

	{
		uint8_t lab[3] = { 7, 1, 3 };
		uint32_t n = 3;

		o.labels_path = write_idx("lab-y.idx", 0x08, 1, &n, lab, 3, 1);
		d = load_ok(xp, &o);
		assert_int_equal(d->labels[0], 7);
		assert_int_equal(d->n_classes, 8);
		nlut_data_free(d);
	}
	/* Without a labels path there are none. */
	d = load_ok(xp, NULL);
	assert_null(d->labels);
	nlut_data_free(d);
}

/* Headers NumPy writes or could write: spacing, key order, Python 2 longs. */
static void test_npy_header_forms(void **state)
{
	static const char *const dicts[] = {
		"{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }",
		"{'descr':'<f4','fortran_order':False,'shape':(2,2)}",
		"{\"shape\": (2, 2,), \"fortran_order\": False, \"descr\": \"<f4\"}",
		"  { 'fortran_order' : False , 'descr' : '<f4' , 'shape' : ( 2 , 2 ) , }  ",
		"{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 2L), }",
	};
	float xs[4] = { 1.5f, -2, 3, 4e10f };
	struct nlut_dataset *d;

	(void)state;
	for (size_t k = 0; k < sizeof(dicts) / sizeof(dicts[0]); k++) {
		char name[32];

		snprintf(name, sizeof(name), "form%zu.npy", k);
		d = load_ok(write_npy_raw(name, 1, dicts[k], xs, sizeof(xs)), NULL);
		assert_int_equal(d->n_rows, 2);
		assert_int_equal(d->n_features, 2);
		assert_memory_equal(d->x, xs, sizeof(xs));
		nlut_data_free(d);
	}
	/* A gzip-compressed npy is found by content too. */
	{
		const char *raw = write_npy("gz.npy", 1, "<f4", 0, "(4,)", xs, sizeof(xs));
		FILE *f = fopen(raw, "rb");
		uint8_t buf[256];
		size_t n;

		assert_non_null(f);
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		d = load_ok(write_gz("gz.npy.gz", buf, n), NULL);
		assert_int_equal(d->n_rows, 4);
		assert_int_equal(d->n_features, 1);
		assert_memory_equal(d->x, xs, sizeof(xs));
		nlut_data_free(d);
	}
}

/* ---- CSV -------------------------------------------------------------- */

static void test_csv_forms(void **state)
{
	struct nlut_data_opts o = opts_default();
	struct nlut_dataset *d;
	const char *p;

	(void)state;
	/* Header found, semicolons found, label last. */
	p = write_text("h1.csv", "a;b;class\n1;2.5;0\n-3;4e2;2\n");
	d = load_ok(p, NULL);
	assert_int_equal(d->n_rows, 2);
	assert_int_equal(d->n_features, 2);
	assert_int_equal(d->n_classes, 3);
	assert_true(d->x[0] == 1 && d->x[1] == 2.5f && d->x[2] == -3 && d->x[3] == 400);
	assert_int_equal(d->labels[1], 2);
	nlut_data_free(d);

	/* Tabs, CRLF, spaces around fields, blank lines at the end, quoted
	 * header names with the delimiter inside, a byte order mark. */
	p = write_text("h2.tsv",
		       "\xef\xbb\xbf\"x\tone\"\t\"y\"\tlabel\r\n"
		       " 1 \t 2\t3\r\n"
		       "4\t\"5\"\t 6 \r\n"
		       "\r\n  \n\n");
	d = load_ok(p, NULL);
	assert_int_equal(d->n_rows, 2);
	assert_int_equal(d->n_features, 2);
	assert_true(d->x[0] == 1 && d->x[1] == 2 && d->x[2] == 4 && d->x[3] == 5);
	assert_int_equal(d->labels[0], 3);
	assert_int_equal(d->labels[1], 6);
	assert_int_equal(d->n_classes, 7);
	nlut_data_free(d);

	/* No header found when every field is a number; label in column 0. */
	p = write_text("h3.csv", "1,0.5,0.25\n0,-1,+2\n2,0x10,1e-3\n");
	o.label_col = 0;
	d = load_ok(p, &o);
	assert_int_equal(d->n_rows, 3);
	assert_int_equal(d->n_features, 2);
	assert_int_equal(d->labels[0], 1);
	assert_int_equal(d->labels[2], 2);
	assert_true(d->x[0] == 0.5f && d->x[3] == 2 && d->x[4] == 16 &&
		    d->x[5] == 1e-3f);
	nlut_data_free(d);

	/* Forced header: the first line goes even though it is numeric. */
	o.header = 1;
	d = load_ok(p, &o);
	assert_int_equal(d->n_rows, 2);
	assert_int_equal(d->labels[0], 0);
	nlut_data_free(d);

	/* Forced no header: a non-numeric first line is then an error. */
	o = opts_default();
	o.header = 0;
	reject(write_text("h4.csv", "a,b\n1,2\n"), &o, NLUT_ERROR_DATA,
	       "line 1, field 1: 'a' is not a number");

	/* Label in a middle column; no label column at all. */
	p = write_text("h5.csv", "1,9,2\n3,8,4\n");
	o = opts_default();
	o.label_col = 1;
	d = load_ok(p, &o);
	assert_int_equal(d->n_features, 2);
	assert_true(d->x[0] == 1 && d->x[1] == 2 && d->x[2] == 3 && d->x[3] == 4);
	assert_int_equal(d->labels[0], 9);
	assert_int_equal(d->n_classes, 10);
	nlut_data_free(d);
	o.label_col = NLUT_LABEL_NONE;
	d = load_ok(p, &o);
	assert_int_equal(d->n_features, 3);
	assert_null(d->labels);
	assert_int_equal(d->n_classes, 0);
	nlut_data_free(d);

	/* Forced delimiter, not the one that would be detected; forced CSV
	 * format; one column; no line end at the end of the file. */
	p = write_text("h6.txt", "1|2,5\n3|4,5");
	o = opts_default();
	o.format = NLUT_DATA_CSV;
	o.delimiter = '|';
	o.label_col = NLUT_LABEL_NONE;
	o.header = 0;
	reject(p, &o, NLUT_ERROR_DATA, "line 1, field 2: '2,5' is not a number");
	o.delimiter = ',';
	o.label_col = NLUT_LABEL_LAST;
	reject(p, &o, NLUT_ERROR_DATA, "line 1, field 1: '1|2' is not a number");
	d = load_ok(write_text("h7.csv", "7\n8\n9"), &(struct nlut_data_opts){
		.label_col = NLUT_LABEL_NONE, .header = -1 });
	assert_int_equal(d->n_rows, 3);
	assert_int_equal(d->n_features, 1);
	assert_true(d->x[2] == 9);
	nlut_data_free(d);

	/* max_rows stops reading: a bad row after the limit is not seen. */
	o = opts_default();
	o.max_rows = 2;
	d = load_ok(write_text("h8.csv", "1,0\n2,1\nbad,row,here\n"), &o);
	assert_int_equal(d->n_rows, 2);
	nlut_data_free(d);

	/* gzip CSV, integral labels written as floats. */
	p = "1,2,3.0\n4,5,1.0\n";
	d = load_ok(write_gz("h9.csv.gz", p, strlen(p)), NULL);
	assert_int_equal(d->labels[0], 3);
	assert_int_equal(d->n_classes, 4);
	nlut_data_free(d);
}

/*
 * Random tables in random CSV dress (delimiter, header, label column,
 * spacing, quotes, CRLF, trailing blank lines) read back exactly.
 */
static void test_csv_random(void **state)
{
	static const char delims[] = { ',', ';', '\t' };

	(void)state;
	for (int iter = 0; iter < 200; iter++) {
		size_t rows = 1 + rnd_below(30), cols = 1 + rnd_below(8);
		char delim = delims[rnd_below(3)];
		int header = (int)rnd_below(2), crlf = (int)rnd_below(2);
		int force_delim = (int)rnd_below(2), force_header = (int)rnd_below(2);
		int label_col = (int)rnd_below(cols + 2) - 2;
		size_t lc, nfeat;
		struct nlut_data_opts o = opts_default();
		struct bytes b = { 0 };
		float *want = malloc(rows * cols * sizeof(float));
		struct nlut_dataset *d;
		char name[32];

		assert_non_null(want);
		/* One column cannot have both a label and features. */
		if (cols == 1 && label_col != NLUT_LABEL_NONE)
			label_col = NLUT_LABEL_NONE;
		lc = label_col == NLUT_LABEL_LAST ? cols - 1 :
		     label_col == NLUT_LABEL_NONE ? SIZE_MAX : (size_t)label_col;
		nfeat = cols - (lc != SIZE_MAX);
		if (header) {
			for (size_t c = 0; c < cols; c++) {
				char h[32];

				int q = (int)rnd_below(2);

				snprintf(h, sizeof(h), "%s%scol %zu%s",
					 c ? (char[2]){ delim, 0 } : "",
					 q ? "\"" : "", c, q ? "\"" : "");
				put(&b, h, strlen(h));
			}
			put(&b, crlf ? "\r\n" : "\n", crlf ? 2 : 1);
		}
		for (size_t r = 0; r < rows; r++) {
			size_t k = 0;

			for (size_t c = 0; c < cols; c++) {
				char f[64];
				double v;

				if (c == lc)
					v = (double)rnd_below(12);
				else
					v = ((double)rnd_below(64001) - 32000) / 16;
				if (c != lc)
					want[r * nfeat + k++] = (float)v;
				else
					want[rows * nfeat + r] = (float)v;
				int q = !rnd_below(6);

				snprintf(f, sizeof(f), "%s%s%s%.9g%s%s",
					 c ? (char[2]){ delim, 0 } : "",
					 rnd_below(4) ? "" : " ", q ? "\"" : "",
					 v, q ? "\"" : "", rnd_below(4) ? "" : " ");
				put(&b, f, strlen(f));
			}
			if (r + 1 < rows || rnd_below(2))
				put(&b, crlf ? "\r\n" : "\n", crlf ? 2 : 1);
		}
		for (size_t k = rnd_below(3); k-- > 0;)
			put(&b, "\n", 1);
		/* One column may be too short to detect a header from. */
		if (header && cols >= 1)
			o.header = force_header ? 1 : -1;
		else
			o.header = force_header ? 0 : -1;
		if (force_delim || cols == 1)
			o.delimiter = delim;
		o.label_col = label_col;
		snprintf(name, sizeof(name), "rand%d.csv", iter % 8);
		d = load_ok(write_file(name, b.p, b.n), &o);
		if (d->n_rows != rows || d->n_features != nfeat)
			print_error("iteration %d: %zux%zu, want %zux%zu\n", iter,
				    d->n_rows, d->n_features, rows, nfeat);
		assert_int_equal(d->n_rows, rows);
		assert_int_equal(d->n_features, nfeat);
		assert_memory_equal(d->x, want, rows * nfeat * sizeof(float));
		if (lc == SIZE_MAX) {
			assert_null(d->labels);
		} else {
			int32_t max = 0;

			assert_non_null(d->labels);
			for (size_t r = 0; r < rows; r++) {
				assert_int_equal(d->labels[r],
						 (int32_t)want[rows * nfeat + r]);
				if (d->labels[r] > max)
					max = d->labels[r];
			}
			assert_int_equal(d->n_classes, max + 1);
		}
		nlut_data_free(d);
		bytes_free(&b);
		free(want);
	}
}

/* Integer fields (parsed without strtod) give strtod's value, sign of -0
 * included; longer ones and the rest still go through strtod. */
static void test_csv_integers(void **state)
{
	static const char *const f[] = {
		"0", "-0", "7", "0009", "123456789", "-123456789", "1234567890",
		"16777217", "-16777219", "2.5", "99999999999", "-1e3",
	};
	enum { N = sizeof(f) / sizeof(f[0]) };
	struct nlut_data_opts o = opts_default();
	struct nlut_dataset *d;
	struct bytes b = { 0 };

	(void)state;
	for (size_t i = 0; i < N; i++) {
		put(&b, f[i], strlen(f[i]));
		put(&b, i + 1 < N ? "," : "\n", 1);
	}
	o.header = 0;
	o.label_col = NLUT_LABEL_NONE;
	d = load_ok(write_file("ints.csv", b.p, b.n), &o);
	assert_int_equal(d->n_rows, 1);
	assert_int_equal(d->n_features, N);
	for (size_t i = 0; i < N; i++) {
		float want = (float)strtod(f[i], NULL);

		if (memcmp(&d->x[i], &want, sizeof(want)))
			fail_msg("field %s: %a, want %a", f[i], (double)d->x[i], (double)want);
	}
	nlut_data_free(d);
	bytes_free(&b);
	reject(write_text("int_bad.csv", "1,-,3\n"), &o, NLUT_ERROR_DATA, "'-' is not a number");
	reject(write_text("int_bad2.csv", "1,12a,3\n"), &o, NLUT_ERROR_DATA, "'12a' is not a number");
}

/* ---- rejections ------------------------------------------------------- */

static void test_reject_args(void **state)
{
	struct nlut_data_opts o = opts_default();
	struct nlut_dataset *d = (struct nlut_dataset *)&d;
	const char *p = write_text("args.csv", "1,2\n");

	(void)state;
	assert_int_equal(nlut_data_load(NULL, NULL, &d), NLUT_ERROR_INVALID_PARAM);
	assert_null(d);
	assert_non_null(strstr(nlut_error_detail(), "path"));
	assert_int_equal(nlut_data_load(p, NULL, NULL), NLUT_ERROR_INVALID_PARAM);
	o.header = 2;
	assert_int_equal(nlut_data_load(p, &o, &d), NLUT_ERROR_INVALID_PARAM);
	o = opts_default();
	o.label_col = -3;
	assert_int_equal(nlut_data_load(p, &o, &d), NLUT_ERROR_INVALID_PARAM);
	o = opts_default();
	o.format = (enum nlut_data_format)7;
	assert_int_equal(nlut_data_load(p, &o, &d), NLUT_ERROR_INVALID_PARAM);
	o = opts_default();
	o.delimiter = '\n';
	assert_int_equal(nlut_data_load(p, &o, &d), NLUT_ERROR_INVALID_PARAM);
	assert_null(d);

	/* Arguments that only turn out wrong against the file. */
	o = opts_default();
	o.label_col = 2;
	reject(p, &o, NLUT_ERROR_INVALID_PARAM, "label column 2");
	o = opts_default();
	o.labels_path = p;
	reject(p, &o, NLUT_ERROR_INVALID_PARAM, "labels_path");

	/* A failure is not left behind by a success. */
	d = load_ok(p, NULL);
	assert_string_equal(nlut_error_detail(), "");
	nlut_data_free(d);
}

static void test_reject_files(void **state)
{
	struct nlut_data_opts o = opts_default();
	const char *missing = tmp_path("no-such-file.csv");

	(void)state;
	reject(missing, NULL, NLUT_ERROR_NOT_FOUND, "no such file");
	reject(NLUT_TEST_TMPDIR, NULL, NLUT_ERROR_IO, "directory");
	reject(write_file("empty.csv", "", 0), NULL, NLUT_ERROR_DATA, "empty file");
	reject(write_gz("empty.csv.gz", "", 0), NULL, NLUT_ERROR_DATA, "empty file");
	/* A labels file that is not there names the labels file. */
	o.labels_path = missing;
	reject_named(write_npy("nolab.npy", 1, "<f4", 0, "(1,)", "\0\0\0\0", 4),
		     &o, NLUT_ERROR_NOT_FOUND, missing, "no such file");
}

static void test_reject_gzip(void **state)
{
	struct bytes text = { 0 };
	uint8_t *gz;
	size_t n;
	FILE *f;
	const char *p;

	(void)state;
	for (int r = 0; r < 2000; r++) {
		char line[64];

		snprintf(line, sizeof(line), "%d,%d,%d,%d\n", r, r * 3, r % 7, r % 10);
		put(&text, line, strlen(line));
	}
	p = write_gz("full.csv.gz", text.p, text.n);
	f = fopen(p, "rb");
	assert_non_null(f);
	gz = malloc(text.n + 1024);
	assert_non_null(gz);
	n = fread(gz, 1, text.n + 1024, f);
	fclose(f);
	assert_true(n > 100);

	/* Cut short anywhere after the gzip header, including just before
	 * the 8-byte trailer. */
	reject(write_file("cut1.csv.gz", gz, n / 2), NULL, NLUT_ERROR_DATA,
	       "cut short");
	reject(write_file("cut2.csv.gz", gz, n - 4), NULL, NLUT_ERROR_DATA,
	       "cut short");
	reject(write_file("cut3.csv.gz", gz, 12), NULL, NLUT_ERROR_DATA, NULL);
	/* Corrupt in the middle: a deflate or CRC error. */
	gz[n / 2] ^= 0x55;
	gz[n / 2 + 1] ^= 0xaa;
	reject(write_file("corrupt.csv.gz", gz, n), NULL, NLUT_ERROR_DATA, NULL);
	free(gz);
	bytes_free(&text);
}

/* Issue 15: bytes after the gzip data were ignored; a FIFO with no writer
 * hung in open(); an IDX file with a wrong magic given with labels got a
 * message about CSV labels. */
static void test_gzip_tail_fifo_magic(void **state)
{
	const char *text = "1,2,0\n3,4,1\n";
	struct nlut_dataset *d;
	uint8_t gz[256], two[600];
	size_t n;
	FILE *f;
	const char *p;

	(void)state;
	p = write_gz("tail.csv.gz", text, strlen(text));
	assert_non_null(f = fopen(p, "rb"));
	n = fread(gz, 1, sizeof(gz), f);
	fclose(f);
	assert_true(n > 20 && n < 200);
	/* Two members back to back: both read. */
	memcpy(two, gz, n);
	memcpy(two + n, gz, n);
	d = load_ok(write_file("two.csv.gz", two, 2 * n), NULL);
	assert_int_equal(d->n_rows, 4);
	nlut_data_free(d);
	/* Zero padding after the data is accepted, as gzip does. */
	memset(two + n, 0, 100);
	d = load_ok(write_file("zeros.csv.gz", two, n + 100), NULL);
	assert_int_equal(d->n_rows, 2);
	nlut_data_free(d);
	/* Anything else is refused. */
	memcpy(two + n, "trailing junk", 13);
	reject(write_file("junk.csv.gz", two, n + 13), NULL, NLUT_ERROR_DATA,
	       "13 bytes of something else after the end of the gzip data");
	two[n] = 0x1f; /* half a gzip magic, then the end */
	reject(write_file("half.csv.gz", two, n + 1), NULL, NLUT_ERROR_DATA, "cut short");

	/* A FIFO nobody writes to reads as empty, at once. */
	p = tmp_path("nowriter.fifo");
	unlink(p);
	assert_int_equal(mkfifo(p, 0600), 0);
	reject(p, NULL, NLUT_ERROR_DATA, "empty file");
	unlink(p);

	/* IDX with a wrong magic and a labels file: the magic is the news. */
	struct nlut_data_opts o = opts_default();

	o.labels_path = write_file("labels-ok-idx1", "\0\0\x08\x01\0\0\0\x01\x03", 9);
	reject(write_file("badmagic-idx3", "\x01\0\x08\x01\0\0\0\x01\x05", 9), &o,
	       NLUT_ERROR_INVALID_PARAM,
	       "not an IDX or npy file (it starts 01 00 08 01)");
}

/* The shape from a file's start: IDX and npy headers, CSV first lines. */
static void test_peek(void **state)
{
	struct nlut_data_opts o = opts_default();
	size_t rows, feat;

	(void)state;
	assert_int_equal(nlut_data_peek(write_text("peek.csv", "a,b,c,label\n1,2,3,0\n4,5,6,1\n"), NULL,
					&rows, &feat), 0);
	assert_int_equal(feat, 3);
	assert_int_equal(rows, 0);
	/* A header that declares far more than the file holds: the header
	 * alone answers. */
	assert_int_equal(nlut_data_peek(write_file("peek-idx", "\0\0\x08\x03\0\x0f\x42\x40\0\0\0\x1c\0\0\0\x1c",
						   16), NULL, &rows, &feat), 0);
	assert_int_equal(rows, 1000000);
	assert_int_equal(feat, 784);
	o.max_rows = 10;
	assert_int_equal(nlut_data_peek(tmp_path("peek-idx"), &o, &rows, &feat), 0);
	assert_int_equal(rows, 10);
	assert_int_equal(nlut_data_peek(write_file("peek-bad-idx", "\0\0\x0a\x01\0\0\0\x01", 8), NULL,
					&rows, &feat), NLUT_ERROR_DATA);
	assert_non_null(strstr(nlut_error_detail(), "unsupported IDX element type 0x0a"));
}

static void test_reject_idx(void **state)
{
	uint8_t px[7840];
	uint32_t dims[3] = { 10, 28, 28 };
	uint32_t huge[3] = { 0xffffffffu, 0xffffffffu, 0xffffffffu };
	uint32_t big[3] = { 60000, 28, 28 };
	uint32_t over[3] = { 100000, 1000, 1000 };
	struct nlut_data_opts o = opts_default();

	(void)state;
	memset(px, 1, sizeof(px));
	reject(write_idx("trunc-idx", 0x08, 3, dims, px, sizeof(px) - 10, 0),
	       NULL, NLUT_ERROR_DATA,
	       "truncated: header declares 10x28x28 uint8 = 7840 bytes of data, file holds 7830");
	reject(write_idx("trunc-idx.gz", 0x0b, 3, dims, px, sizeof(px), 1),
	       NULL, NLUT_ERROR_DATA, "15680 bytes of data, file holds 7840");
	reject(write_idx("long-idx", 0x08, 2, dims, px, 10 * 28 + 3, 0),
	       NULL, NLUT_ERROR_DATA, "3 bytes after");
	reject(write_idx("type-idx", 0x0a, 3, dims, px, sizeof(px), 0),
	       NULL, NLUT_ERROR_DATA, "unsupported IDX element type 0x0a");
	reject(write_idx("rank0-idx", 0x08, 0, dims, px, 4, 0),
	       NULL, NLUT_ERROR_DATA, "rank 0");
	reject(write_file("hdr-idx", "\0\0\x08\x03\0\0\0\x0a\0\0", 10),
	       NULL, NLUT_ERROR_DATA, "truncated");
	reject(write_file("short-idx", "\0\0\x08", 3), NULL, NLUT_ERROR_DATA,
	       "too short");
	dims[1] = 0;
	reject(write_idx("zero-idx", 0x08, 3, dims, px, 0, 0), NULL,
	       NLUT_ERROR_DATA, "10x0x28");
	/* Gigantic headers on tiny files fail before any big allocation. */
	reject(write_idx("huge-idx", 0x08, 3, huge, px, 16, 0), NULL,
	       NLUT_ERROR_TOO_LARGE, "4294967295x4294967295x4294967295");
	reject(write_idx("over-idx", 0x0e, 3, over, px, 16, 0), NULL,
	       NLUT_ERROR_TOO_LARGE, "limit");
	reject(write_idx("big-idx.gz", 0x08, 3, big, px, 100, 1), NULL,
	       NLUT_ERROR_DATA, "47040000 bytes of data, file holds 100");
	/* Not IDX when asked for IDX. */
	o.format = NLUT_DATA_IDX;
	reject(write_text("text-idx", "1,2,3\n"), &o, NLUT_ERROR_DATA,
	       "not an IDX file");
	/* Non-finite and out-of-range floats. */
	{
		uint8_t nan_be[4] = { 0x7f, 0xc0, 0, 0 };
		uint8_t big_be[8] = { 0x7e, 0x37, 0xe4, 0x3c, 0x88, 0x00, 0x75, 0x9c };
		uint32_t one = 1;

		reject(write_idx("nan-idx", 0x0d, 1, &one, nan_be, 4, 0), NULL,
		       NLUT_ERROR_DATA, "nan");
		reject(write_idx("big-f64-idx", 0x0e, 1, &one, big_be, 8, 0),
		       NULL, NLUT_ERROR_DATA, "not a finite float");
	}
}

static void test_reject_labels(void **state)
{
	uint8_t px[10 * 4];
	uint32_t dims[2] = { 10, 4 }, nl = 9, n10 = 10, ld2[2] = { 10, 1 };
	int8_t neg[10] = { 0, 1, 2, -1, 4, 5, 6, 7, 8, 9 };
	uint8_t lab[10] = { 0 };
	float fl[10] = { 0 };
	struct nlut_data_opts o = opts_default();
	const char *xp, *np;

	(void)state;
	memset(px, 3, sizeof(px));
	xp = write_idx("lx-idx", 0x08, 2, dims, px, sizeof(px), 0);

	o.labels_path = write_idx("ly-short-idx", 0x08, 1, &nl, lab, 9, 0);
	reject_named(xp, &o, NLUT_ERROR_DATA, o.labels_path, "9 labels, but");
	o.labels_path = write_idx("ly-neg-idx", 0x09, 1, &n10, neg, 10, 0);
	reject_named(xp, &o, NLUT_ERROR_DATA, o.labels_path, "label [3] is -1");
	o.labels_path = write_idx("ly-float-idx", 0x0d, 1, &n10, fl, 40, 0);
	reject_named(xp, &o, NLUT_ERROR_DATA, o.labels_path, "integers");
	o.labels_path = write_idx("ly-rank2-idx", 0x08, 2, ld2, lab, 10, 0);
	reject_named(xp, &o, NLUT_ERROR_DATA, o.labels_path, "rank-1");
	o.labels_path = write_text("ly.csv", "1\n2\n");
	reject_named(xp, &o, NLUT_ERROR_DATA, o.labels_path, "neither IDX nor npy");
	o.labels_path = write_file("ly-empty", "", 0);
	reject_named(xp, &o, NLUT_ERROR_DATA, o.labels_path, "empty");

	/* The same for npy data with npy labels. */
	np = write_npy("lx.npy", 1, "|u1", 0, "(10, 4)", px, sizeof(px));
	o.labels_path = write_npy("ly-neg.npy", 1, "|i1", 0, "(10,)", neg, 10);
	reject_named(np, &o, NLUT_ERROR_DATA, o.labels_path, "label [3] is -1");
	o.labels_path = write_npy("ly-short.npy", 1, "|u1", 0, "(9,)", lab, 9);
	reject_named(np, &o, NLUT_ERROR_DATA, o.labels_path, "9 labels, but");
	o.labels_path = write_npy("ly-2d.npy", 1, "|u1", 0, "(10, 1)", lab, 10);
	reject_named(np, &o, NLUT_ERROR_DATA, o.labels_path, "rank-1");
	o.labels_path = write_npy("ly-f.npy", 1, "<f4", 0, "(10,)", fl, 40);
	reject_named(np, &o, NLUT_ERROR_DATA, o.labels_path, "integers");
	{
		uint8_t u8b[8] = { 0, 0, 0, 0x80, 0, 0, 0, 0 };
		const char *one_x = write_npy("lx1.npy", 1, "|u1", 0, "(1,)", px, 1);

		o.labels_path = write_npy("ly-big.npy", 1, "<u8", 0, "(1,)", u8b, 8);
		reject_named(one_x, &o, NLUT_ERROR_DATA, o.labels_path,
			     "over the int32 range");
	}
}

/* A header dict that must be refused, with what the message must say. */
struct bad_header {
	const char *dict;
	const char *needle;
};

static void test_reject_npy(void **state)
{
	static const struct bad_header bad[] = {
		{ "{'descr': '<f4', 'fortran_order': False, }", "no 'shape'" },
		{ "{'fortran_order': False, 'shape': (4,), }", "no 'descr'" },
		{ "{'descr': '<f4', 'shape': (4,), }", "no 'fortran_order'" },
		{ "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), ", "header ends" },
		{ "{'descr': '<f4', 'fortran_order': False, 'shape': (4,)}}", "after the closing" },
		{ "'descr': '<f4', 'fortran_order': False, 'shape': (4,)", "'{'" },
		{ "{'descr': '<f4', 'fortran_order': False, 'shape': (4,) 'x': 1}", "',' or '}'" },
		{ "{'descr': '<f4', 'fortran_order': False, 'shape': (4, }", "integer" },
		{ "{'descr': '<f4', 'fortran_order': False, 'shape': (4,,), }", "integer" },
		{ "{'descr': '<f4', 'fortran_order': False, 'shape': (-4,), }", "non-negative" },
		{ "{'descr': '<f4', 'fortran_order': False, 'shape': ('4',), }", "integer" },
		{ "{'descr': '<f4', 'fortran_order': False, 'shape': (4), }", "comma" },
		{ "{'descr': '<f4', 'fortran_order': False, 'shape': [4], }", "'('" },
		{ "{'descr': '<f4', 'fortran_order': False, 'shape': (04,), }", "leading zeros" },
		{ "{'descr': '<f4', 'fortran_order': False, 'shape': (4.0,), }", "',' or ')'" },
		{ "{'descr': '<f4', 'fortran_order': 0, 'shape': (4,), }", "True or False" },
		{ "{'descr': '<f4', 'fortran_order': Falsey, 'shape': (4,), }", "True or False" },
		{ "{'descr': <f4, 'fortran_order': False, 'shape': (4,), }", "dtype string" },
		{ "{'descr': '<f4, 'fortran_order': False, 'shape': (4,), }", "at byte 17: ',' or '}'" },
		{ "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", "twice" },
		{ "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), 'extra': 1}", "unknown key 'extra'" },
		{ "{descr: '<f4', 'fortran_order': False, 'shape': (4,), }", "quoted key" },
		{ "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (4,), }", "structured" },
		{ "", "'{'" },
	};
	static const char *const bad_dtypes[] = { "<c8", "<f2", "|S3", "<U4", "O", "|i4", "<f16", "<i3", "", "<", "f4x" };
	float xs[24] = { 0 };
	struct nlut_data_opts o = opts_default();
	const char *p;

	(void)state;
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		char name[32];

		snprintf(name, sizeof(name), "badhdr%zu.npy", k);
		reject(write_npy_raw(name, 1 + k % 3, bad[k].dict, xs, 16), NULL,
		       NLUT_ERROR_DATA, bad[k].needle);
	}
	for (size_t k = 0; k < sizeof(bad_dtypes) / sizeof(bad_dtypes[0]); k++) {
		char name[32], want[32];

		snprintf(name, sizeof(name), "baddt%zu.npy", k);
		snprintf(want, sizeof(want), "unsupported dtype '%s'", bad_dtypes[k]);
		reject(write_npy(name, 1, bad_dtypes[k], 0, "(2,)", xs, 16), NULL,
		       NLUT_ERROR_DATA, want);
	}
	reject(write_npy("rank3.npy", 1, "<f4", 0, "(2, 3, 4)", xs, 96), NULL,
	       NLUT_ERROR_DATA, "shape (2, 3, 4) has rank 3");
	reject(write_npy("rank0.npy", 1, "<f4", 0, "()", xs, 4), NULL,
	       NLUT_ERROR_DATA, "shape () has rank 0");
	reject(write_npy("trunc.npy", 1, "<f4", 0, "(3, 2)", xs, 20), NULL,
	       NLUT_ERROR_DATA,
	       "truncated: header declares shape (3, 2) '<f4' = 24 bytes of data, file holds 20");
	reject(write_npy("long.npy", 2, "<f4", 0, "(3, 2)", xs, 28), NULL,
	       NLUT_ERROR_DATA, "4 bytes after");
	reject(write_npy("zero.npy", 3, "<f4", 0, "(0, 2)", xs, 0), NULL,
	       NLUT_ERROR_DATA, "no data");
	/* Gigantic shapes on tiny files. */
	reject(write_npy("huge1.npy", 1, "<f4", 0, "(18446744073709551615, 2)", xs, 8),
	       NULL, NLUT_ERROR_TOO_LARGE, "limit");
	reject(write_npy("huge2.npy", 1, "<f4", 0, "(1000000000000000000000000000000,)",
			 xs, 8), NULL, NLUT_ERROR_TOO_LARGE, "digits");
	reject(write_npy("huge3.npy", 1, "<f8", 0, "(1000000, 1000)", xs, 8), NULL,
	       NLUT_ERROR_TOO_LARGE, "limit");
	reject(write_npy("huge4.npy", 1, "|u1", 0, "(60000, 784)", xs, 8), NULL,
	       NLUT_ERROR_DATA, "47040000 bytes of data, file holds 8");
	/* Broken preambles. */
	reject(write_file("ver.npy", "\x93NUMPY\x04\x00\x10\x00{}", 12), NULL,
	       NLUT_ERROR_DATA, "version 4.0");
	reject(write_file("minor.npy", "\x93NUMPY\x01\x01\x10\x00{}", 12), NULL,
	       NLUT_ERROR_DATA, "version 1.1");
	reject(write_file("pre.npy", "\x93NUMPY\x01", 7), NULL, NLUT_ERROR_DATA,
	       "too short");
	reject(write_file("pre2.npy", "\x93NUMPY\x02\x00\x10\x00", 10), NULL,
	       NLUT_ERROR_DATA, "too short");
	reject(write_file("hlen.npy", "\x93NUMPY\x01\x00\xff\x00{'descr'", 18),
	       NULL, NLUT_ERROR_DATA, "truncated: npy header of 255 bytes");
	p = write_file("hlen3.npy", "\x93NUMPY\x03\x00\xff\xff\xff\xff{", 13);
	reject(p, NULL, NLUT_ERROR_DATA, "truncated");
	/* Not npy when asked for npy. */
	o.format = NLUT_DATA_NPY;
	reject(write_text("text.npy", "1,2\n"), &o, NLUT_ERROR_DATA,
	       "not an npy file");
	/* Non-finite floats, in either byte order. */
	{
		uint8_t inf_be[4] = { 0x7f, 0x80, 0, 0 };
		double big = 1e300;

		reject(write_npy("inf.npy", 1, ">f4", 0, "(1,)", inf_be, 4), NULL,
		       NLUT_ERROR_DATA, "element [0, 0] is inf");
		reject(write_npy("big.npy", 1, "<f8", 1, "(1, 1)", &big, 8), NULL,
		       NLUT_ERROR_DATA, "not a finite float");
	}
}

static void test_reject_csv(void **state)
{
	struct nlut_data_opts o = opts_default();

	(void)state;
	reject(write_text("ragged.csv", "1,2,3,0\n4,5,6,1\n7,8,1\n"), NULL,
	       NLUT_ERROR_DATA, "line 3: 3 fields, expected 4");
	reject(write_text("ragged-hdr.csv", "a,b,c\n1,2,3\n4,5,6,7\n"), NULL,
	       NLUT_ERROR_DATA, "line 3: 4 fields, expected 3");
	reject(write_text("nonnum.csv", "1,2,0\n3,abc,1\n"), NULL,
	       NLUT_ERROR_DATA, "line 2, field 2: 'abc' is not a number");
	reject(write_text("partial.csv", "1,2,0\n3,4x,1\n"), NULL,
	       NLUT_ERROR_DATA, "line 2, field 2: '4x' is not a number");
	reject(write_text("emptyfield.csv", "1,2,0\n3,,1\n"), NULL,
	       NLUT_ERROR_DATA, "line 2, field 2: empty");
	reject(write_text("nan.csv", "1,2,0\nnan,4,1\n"), NULL,
	       NLUT_ERROR_DATA, "line 2, field 1: 'nan' is not a finite number");
	reject(write_text("range.csv", "1,2,0\n1e39,4,1\n"), NULL,
	       NLUT_ERROR_DATA, "outside the float range");
	reject(write_text("neg.csv", "1,2,0\n3,4,-1\n"), NULL,
	       NLUT_ERROR_DATA, "line 2: label '-1' is not a non-negative integer");
	reject(write_text("frac.csv", "1,2,0\n3,4,1.5\n"), NULL,
	       NLUT_ERROR_DATA, "line 2: label '1.5'");
	reject(write_text("biglab.csv", "1,2,3000000000\n"), NULL,
	       NLUT_ERROR_DATA, "label '3000000000'");
	reject(write_text("quote.csv", "1,\"2,0\n"), NULL, NLUT_ERROR_DATA,
	       "broken quotes");
	reject(write_text("quote2.csv", "1,2,0\n1,\"2\"x,0\n"), NULL,
	       NLUT_ERROR_DATA, "line 2: broken quotes");
	reject(write_text("hdronly.csv", "a,b,c\n\n"), NULL, NLUT_ERROR_DATA,
	       "no data rows after the header");
	reject(write_text("blank.csv", "\n \n\t\r\n"), NULL, NLUT_ERROR_DATA,
	       "no data rows");
	reject(write_text("onecol.csv", "1\n2\n"), NULL, NLUT_ERROR_DATA,
	       "no feature columns");
	/* Binary that is neither IDX nor npy is read as CSV and refused
	 * without echoing control bytes. */
	reject(write_file("binary.dat", "\x01\x02\x03,\x04\n\x05,\x06\n", 10), NULL,
	       NLUT_ERROR_DATA, "'?' is not a number");
	/* A bad field in the first row is an error as on any later row, not a
	 * header to drop (issue 15). */
	reject(write_text("nan1.csv", "1,nan,3,0\n4,5,6,1\n"), NULL, NLUT_ERROR_DATA,
	       "line 1, field 2: 'nan' is not a finite number");
	reject(write_text("inf1.csv", "inf,2,3,0\n4,5,6,1\n"), NULL, NLUT_ERROR_DATA,
	       "line 1, field 1: 'inf' is not a finite number");
	reject(write_text("range1.csv", "1,2,1e39,0\n4,5,6,1\n"), NULL, NLUT_ERROR_DATA,
	       "line 1, field 3: '1e39' is outside the float range");
	reject(write_text("typo1.csv", "1,1O,3,0\n4,5,6,1\n"), NULL, NLUT_ERROR_DATA,
	       "line 1, field 2: '1O' is not a number");
	reject(write_text("typo1b.csv", "1O\n4\n"), &(struct nlut_data_opts){
		.label_col = NLUT_LABEL_NONE, .header = -1 }, NLUT_ERROR_DATA,
	       "line 1, field 1: '1O' is not a number");
	reject(write_text("mixed1.csv", "a,2,3,0\n4,5,6,1\n"), NULL, NLUT_ERROR_DATA,
	       "line 1, field 1: 'a' is not a number");
	o.header = 0;
	reject(write_text("longfield.csv",
			  "123456789012345678901234567890abc,1\n"), &o,
	       NLUT_ERROR_DATA, "...' is not a number");
}

/* A plain file over the 4 GiB cap is refused from its size, unread. */
static void test_reject_oversize(void **state)
{
	const char *p = tmp_path("sparse-5g.csv");
	int fd;

	(void)state;
	if (sizeof(size_t) < 8)
		skip();
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	if (ftruncate(fd, (off_t)5 << 30)) {
		close(fd);
		unlink(p);
		print_message("no sparse files here: %s\n", strerror(errno));
		skip();
	}
	close(fd);
	reject(p, NULL, NLUT_ERROR_TOO_LARGE, "limit");
	unlink(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_opts_init),
		cmocka_unit_test(test_digits),
		cmocka_unit_test(test_fashion),
		cmocka_unit_test(test_idx_types),
		cmocka_unit_test(test_idx_label_pairing),
		cmocka_unit_test(test_npy_types),
		cmocka_unit_test(test_npy_labels),
		cmocka_unit_test(test_npy_header_forms),
		cmocka_unit_test(test_csv_forms),
		cmocka_unit_test(test_csv_random),
		cmocka_unit_test(test_csv_integers),
		cmocka_unit_test(test_reject_args),
		cmocka_unit_test(test_reject_files),
		cmocka_unit_test(test_reject_gzip),
		cmocka_unit_test(test_gzip_tail_fifo_magic),
		cmocka_unit_test(test_peek),
		cmocka_unit_test(test_reject_idx),
		cmocka_unit_test(test_reject_labels),
		cmocka_unit_test(test_reject_npy),
		cmocka_unit_test(test_reject_csv),
		cmocka_unit_test(test_reject_oversize),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
