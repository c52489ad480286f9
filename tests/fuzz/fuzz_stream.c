/* fuzz_stream.c - differential libFuzzer target: a dataset file loaded whole
 * (nlut_data_load) and read in batches (nlut_data_open + nlut_data_read) must
 * give the same features, rows, values bit for bit and labels, or both fail.
 *
 * Input: three option bytes, then the file; a part after "#LABELS#" is a
 * labels file. Byte 0: bits 0-1 format (auto, IDX, CSV, npy), bit 2 gzip the
 * file, bits 3-4 how (one member, two members, bytes after the end, cut
 * short), bit 5 gzip the labels file too, bit 6 max_rows 1, bit 7 labels
 * found by file name instead of labels_path. Byte 1: CSV options as
 * fuzz_csv's first byte (bit 7 max_rows 3). Byte 2: the batch sizes and the
 * gzip split point, bit 7 reads without a labels buffer.
 *
 * The deliberate differences: with max_rows the stream neither reads nor
 * checks the rest of the file (a load that fails may then stream), and the
 * stream does not count CSV classes. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem */
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include <nlut/data.h>
#include <nlut/error.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SEP "#LABELS#"
/* A row buffer bigger than this is not tried (it would be a huge file). */
#define MAX_CELLS ((size_t)1 << 22)

static char dir[64], data_path[128], labels_path[128];

static void cleanup(void)
{
	unlink(data_path);
	unlink(labels_path);
	rmdir(dir);
}

static int setup_dir(void)
{
	if (dir[0])
		return 0;
	/* In memory where there is /dev/shm: a file per input. */
	strcpy(dir, "/dev/shm/nlut-fuzz-stream.XXXXXX");
	if (!mkdtemp(dir)) {
		strcpy(dir, "/tmp/nlut-fuzz-stream.XXXXXX");
		if (!mkdtemp(dir)) {
			dir[0] = 0;
			return -1;
		}
	}
	/* IDX names, so that the labels file can be found by name too. */
	snprintf(data_path, sizeof(data_path), "%s/t-images-idx3-ubyte", dir);
	snprintf(labels_path, sizeof(labels_path), "%s/t-labels-idx1-ubyte", dir);
	atexit(cleanup);
	return 0;
}

/* One gzip member of n bytes appended to out; 0 on failure. */
static size_t gzip_member(const uint8_t *in, size_t n, uint8_t *out)
{
	z_stream z;
	size_t len;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return 0;
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)deflateBound(&z, (uLong)n) + 32;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
		deflateEnd(&z);
		return 0;
	}
	len = z.total_out;
	deflateEnd(&z);
	return len;
}

/* Write n bytes to path, gzip-compressed in one of four ways when gz. */
static int write_file(const char *path, const uint8_t *p, size_t n, int gz, unsigned how,
		      uint8_t pick)
{
	static const uint8_t tails[4][3] = { { 0, 0, 0 }, { 'x', '\n', 0 }, { 0x1f, 0x8b, 8 },
					     { 0x1f, 0, 0 } };
	uint8_t *buf = NULL;
	size_t len = n;
	FILE *f;
	int rc = -1;

	if (gz) {
		size_t cut = n * pick / 255, a;

		if (!(buf = malloc(2 * (n + 64) + 64 + n / 8)))
			return -1;
		if (how == 1) {
			/* Two members, split inside the data. */
			if (!(a = gzip_member(p, cut, buf)) ||
			    !(len = gzip_member(p + cut, n - cut, buf + a)))
				goto out;
			len += a;
		} else if (!(len = gzip_member(p, n, buf))) {
			goto out;
		}
		if (how == 2) {
			/* Zero padding (allowed) or something else after the end. */
			size_t k = 1 + pick % 3;

			memcpy(buf + len, tails[(pick >> 2) & 3], k);
			len += k;
		} else if (how == 3) {
			/* Cut short. */
			size_t k = 1 + pick % 12;

			len = k < len ? len - k : 0;
		}
		p = buf;
	}
	if ((f = fopen(path, "wb"))) {
		rc = (len && fwrite(p, 1, len, f) != len) ? -1 : 0;
		if (fclose(f))
			rc = -1;
	}
out:
	free(buf);
	return rc;
}

/* Batch sizes from a small generator seeded by the input. */
static size_t next_batch(uint32_t *st)
{
	static const size_t sizes[8] = { 1, 2, 3, 7, 1, 64, 4096, 5 };

	*st = *st * 1103515245u + 12345u;
	return sizes[(*st >> 16) & 7];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char delims[4] = { 0, ',', ';', '\t' };
	struct nlut_dataset *d = NULL, *full = NULL;
	struct nlut_data_opts o;
	nlut_data_reader *r = NULL;
	uint8_t s0, s1, s2;
	const uint8_t *body, *lab = NULL;
	size_t n, lab_n = 0, total = 0, features, max_batch;
	float *x = NULL;
	int32_t *labels = NULL;
	uint32_t st;
	int rc_load, rc_open, rc_read = 0, rc_full = 0;

	if (size < 3 || setup_dir())
		return 0;
	s0 = data[0];
	s1 = data[1];
	s2 = data[2];
	body = data + 3;
	n = size - 3;
	const uint8_t *sep = memmem(body, n, SEP, sizeof(SEP) - 1);

	if (sep) {
		lab = sep + sizeof(SEP) - 1;
		lab_n = (size_t)(body + n - lab);
		n = (size_t)(sep - body);
	}
	if (write_file(data_path, body, n, s0 & 4, (s0 >> 3) & 3, s2))
		return 0;
	unlink(labels_path);
	if (lab && write_file(labels_path, lab, lab_n, s0 & 0x20, 0, s2))
		return 0;

	nlut_data_opts_init(&o);
	o.format = (enum nlut_data_format)(s0 & 3);
	o.header = (int)(s1 & 3) % 3 - 1;
	o.delimiter = delims[(s1 >> 2) & 3];
	o.label_col = (s1 >> 4) & 3 ? (int)((s1 >> 4) & 3) - 3 : 0;
	if (s1 & 0x80)
		o.max_rows = 3;
	else if (s0 & 0x40)
		o.max_rows = 1;
	if (lab && !(s0 & 0x80))
		o.labels_path = labels_path;

	rc_load = nlut_data_load(data_path, &o, &d);
	if (rc_load && (d || !*nlut_error_detail()))
		abort();
	if (o.max_rows) {
		/* All rows: where they load, the first max_rows must load too. */
		struct nlut_data_opts all = o;

		all.max_rows = 0;
		rc_full = nlut_data_load(data_path, &all, &full);
		if (!rc_full && rc_load)
			abort();
		nlut_data_free(full);
	}

	rc_open = nlut_data_open(data_path, &o, &r);
	if (rc_open) {
		/* A stream that fails must be a load that fails. */
		if (r || !rc_load || !*nlut_error_detail())
			abort();
		goto done;
	}
	features = nlut_data_reader_features(r);
	if (!features)
		abort();
	if (!rc_load) {
		if (features != d->n_features ||
		    !nlut_data_reader_has_labels(r) != !d->labels)
			abort();
		if (o.format != NLUT_DATA_CSV && nlut_data_reader_rows(r) &&
		    nlut_data_reader_rows(r) != d->n_rows)
			abort();
	}
	if (features > MAX_CELLS) {
		/* Rows that wide do not fit in a fuzz input, even compressed. */
		if (!rc_load)
			abort();
		goto done;
	}
	max_batch = MAX_CELLS / features < 4096 ? MAX_CELLS / features : 4096;
	if (!(x = malloc(max_batch * features * sizeof(float))) ||
	    !(labels = malloc(max_batch * sizeof(int32_t))))
		goto done;
	st = s2;
	for (;;) {
		size_t b = next_batch(&st), got;

		if (b > max_batch)
			b = max_batch;
		rc_read = nlut_data_read(r, b, x, (s2 & 0x80) ? NULL : labels, &got);
		if (rc_read) {
			if (!*nlut_error_detail())
				abort();
			break;
		}
		if (!got)
			break;
		if (got > b)
			abort();
		/* Rows that could not all be in the file's bytes: a runaway. */
		if (total + got > 2 * (n + 1) * 1100 + 16)
			abort();
		if (!rc_load) {
			if (total + got > d->n_rows ||
			    memcmp(x, d->x + total * features, got * features * sizeof(float)))
				abort();
			if (!(s2 & 0x80) && d->labels &&
			    memcmp(labels, d->labels + total, got * sizeof(int32_t)))
				abort();
		}
		total += got;
	}
	if (!rc_read) {
		size_t got = 1;

		/* The end stays the end. */
		if (nlut_data_read(r, 1, x, labels, &got) || got)
			abort();
	}
	if (rc_read && !rc_load)
		abort(); /* the stream failed where the load did not */
	if (!rc_read && !rc_load && total != d->n_rows)
		abort();
	if (!rc_read && rc_load && !o.max_rows)
		abort(); /* the stream took what the load refused */
done:
	nlut_data_close(r);
	nlut_data_free(d);
	free(x);
	free(labels);
	return 0;
}
