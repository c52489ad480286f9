/* data_src.c - the bytes of a data file, plain or gzip-compressed, read in
 * pieces (nlut_src) or whole (nlut_data_slurp). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "internal.h"
#include "data_internal.h"

/* inflate takes an unsigned count: output in bounded pieces. */
#define SRC_PIECE ((size_t)1 << 24)
/* Input is read in pieces of this size (the fuzz build sets it small so
 * that gzip members and headers span reads). */
#ifndef NLUT_SRC_IN
#define NLUT_SRC_IN ((size_t)1 << 17)
#endif
#define SRC_IN ((size_t)NLUT_SRC_IN)
/* First allocation of a slurp when nothing better is known. */
#define SLURP_MIN ((size_t)1 << 16)
/* Deflate cannot expand by more than about 1032:1, so a gzip trailer that
 * claims more is a lie and must not size the first allocation. */
#define DEFLATE_MAX_RATIO 1032u

int nlut_src_open(struct nlut_src *s, const char *path)
{
	int err = NLUT_SUCCESS;

	memset(s, 0, sizeof(*s));
	s->path = path;
	/* Not blocking in open(): a FIFO with no writer is then read as an
	 * empty file instead of hanging before any check. */
	s->fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (s->fd < 0) {
		int e = errno;

		if (e == ENOENT)
			return nlut_fail(NLUT_ERROR_NOT_FOUND, "%s: no such file", path);
		return nlut_fail(NLUT_ERROR_IO, "%s: cannot open: %s", path, strerror(e));
	}
	if (fstat(s->fd, &s->st) < 0) {
		err = nlut_fail(NLUT_ERROR_IO, "%s: cannot stat: %s", path, strerror(errno));
		goto fail;
	}
	if (S_ISDIR(s->st.st_mode)) {
		err = nlut_fail(NLUT_ERROR_IO, "%s: is a directory", path);
		goto fail;
	}
	fcntl(s->fd, F_SETFL, fcntl(s->fd, F_GETFL) & ~O_NONBLOCK);
	if (!(s->in = malloc(SRC_IN))) {
		err = nlut_fail(NLUT_ERROR_NO_MEM, "%s: out of memory", path);
		goto fail;
	}
	return NLUT_SUCCESS;
fail:
	close(s->fd);
	s->fd = -1;
	return err;
}

void nlut_src_close(struct nlut_src *s)
{
	if (s->gz_init)
		inflateEnd(&s->z);
	if (s->fd >= 0)
		close(s->fd);
	free(s->in);
	memset(s, 0, sizeof(*s));
	s->fd = -1;
}

/* More input; 0 at end of file (or on error, with *err set). */
static int fill_in(struct nlut_src *s, int *err)
{
	ssize_t n;

	if (s->in_at < s->in_len)
		return 1;
	if (s->eof)
		return 0;
	do
		n = read(s->fd, s->in, SRC_IN);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		*err = nlut_fail(NLUT_ERROR_IO, "%s: read failed: %s", s->path, strerror(errno));
		return 0;
	}
	s->in_at = 0;
	s->in_len = (size_t)n;
	s->eof = n == 0;
	s->raw += (uint64_t)n;
	return n > 0;
}

/* The first read tells plain from gzip by content. */
static int start(struct nlut_src *s)
{
	int err = NLUT_SUCCESS;

	s->started = 1;
	if (fill_in(s, &err) && s->in_len - s->in_at >= 2 && s->in[0] == 0x1f && s->in[1] == 0x8b) {
		s->gz = 1;
		if (inflateInit2(&s->z, 15 + 16) != Z_OK)
			return nlut_fail(NLUT_ERROR_NO_MEM, "%s: out of memory in zlib", s->path);
		s->gz_init = 1;
	}
	return err;
}

/*
 * After the last gzip member: zero padding is allowed, anything else is an
 * error (zlib's gzread ignored it).
 */
static int gzip_tail(struct nlut_src *s)
{
	uint64_t extra = 0;
	int nonzero = 0, err = NLUT_SUCCESS;

	while (fill_in(s, &err)) {
		for (size_t i = s->in_at; i < s->in_len; i++)
			nonzero |= s->in[i] != 0;
		extra += s->in_len - s->in_at;
		s->in_at = s->in_len;
	}
	if (!err && nonzero)
		err = nlut_fail(NLUT_ERROR_DATA,
				"%s: %" PRIu64 " bytes of something else after the end of the gzip data",
				s->path, extra);
	return err;
}

/* gzip: every member to its end, members back to back. */
static int read_gzip(struct nlut_src *s, uint8_t *dst, size_t n, size_t *got)
{
	int err = NLUT_SUCCESS, zr;

	while (*got < n && !s->done) {
		if (!fill_in(s, &err)) {
			if (!err)
				err = nlut_fail(NLUT_ERROR_DATA,
						"%s: gzip stream ends early (file cut short)", s->path);
			return err;
		}
		size_t room = n - *got < SRC_PIECE ? n - *got : SRC_PIECE;

		s->z.next_in = s->in + s->in_at;
		s->z.avail_in = (uInt)(s->in_len - s->in_at);
		s->z.next_out = dst + *got;
		s->z.avail_out = (uInt)room;
		zr = inflate(&s->z, Z_NO_FLUSH);
		s->in_at = s->in_len - s->z.avail_in;
		*got += room - s->z.avail_out;
		if (zr == Z_MEM_ERROR)
			return nlut_fail(NLUT_ERROR_NO_MEM, "%s: out of memory in zlib", s->path);
		if (zr == Z_DATA_ERROR || zr == Z_NEED_DICT || zr == Z_STREAM_ERROR)
			return nlut_fail(NLUT_ERROR_DATA, "%s: corrupt gzip data: %s", s->path,
					 s->z.msg ? s->z.msg : "bad stream");
		if (zr != Z_STREAM_END)
			continue;
		/* A member ended: another one, zero padding, or garbage. */
		if (!fill_in(s, &err)) {
			s->done = 1;
			return err;
		}
		if (s->in[s->in_at] == 0x1f) {
			inflateReset(&s->z);
			continue;
		}
		s->done = 1;
		return gzip_tail(s);
	}
	return err;
}

static int read_plain(struct nlut_src *s, uint8_t *dst, size_t n, size_t *got)
{
	int err = NLUT_SUCCESS;

	while (*got < n && fill_in(s, &err)) {
		size_t k = s->in_len - s->in_at;

		if (k > n - *got)
			k = n - *got;
		memcpy(dst + *got, s->in + s->in_at, k);
		*got += k;
		s->in_at += k;
	}
	if (!err && *got < n)
		s->done = 1;
	return err;
}

int nlut_src_read(struct nlut_src *s, uint8_t *dst, size_t n, size_t *got)
{
	int err;

	*got = 0;
	if (!s->started && (err = start(s)))
		return err;
	if (s->done || n == 0)
		return NLUT_SUCCESS;
	err = s->gz ? read_gzip(s, dst, n, got) : read_plain(s, dst, n, got);
	s->pos += *got;
	return err;
}

/*
 * First guess at the decompressed size, so that a big file is read into one
 * allocation instead of a chain of doublings. Only a hint: reading goes on
 * past it, and the cap still applies.
 */
static size_t size_hint(const struct nlut_src *s, size_t cap, int *too_large)
{
	uint64_t size = (uint64_t)s->st.st_size;
	uint64_t hint = SLURP_MIN;
	uint8_t m[4];

	*too_large = 0;
	if (S_ISREG(s->st.st_mode) && s->st.st_size > 0) {
		if (size >= 18 && pread(s->fd, m, 2, 0) == 2 && m[0] == 0x1f && m[1] == 0x8b) {
			if (pread(s->fd, m, 4, (off_t)(size - 4)) == 4 &&
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

int nlut_data_slurp(const char *path, size_t cap, uint8_t **bufp, size_t *np)
{
	struct nlut_src s;
	uint8_t *buf = NULL;
	size_t len = 0, alloc, got;
	int too_large, rc;

	*bufp = NULL;
	*np = 0;
	if ((rc = nlut_src_open(&s, path)))
		return rc;
	alloc = size_hint(&s, cap, &too_large);
	if (too_large) {
		rc = nlut_fail(NLUT_ERROR_TOO_LARGE, "%s: %jd bytes, over the %zu-byte limit", path,
			       (intmax_t)s.st.st_size, cap);
		goto out;
	}
	buf = malloc(alloc + 1);
	if (!buf && alloc > SLURP_MIN) {
		/* The hint may come from a forged gzip trailer: start small. */
		alloc = SLURP_MIN;
		buf = malloc(alloc + 1);
	}
	if (!buf) {
		rc = nlut_fail(NLUT_ERROR_NO_MEM, "%s: out of memory for %zu bytes", path, alloc);
		goto out;
	}
	for (;;) {
		if (len == alloc) {
			if (len > cap) {
				rc = nlut_fail(NLUT_ERROR_TOO_LARGE,
					       "%s: more than %zu bytes%s", path, cap,
					       s.gz ? " (after decompression)" : "");
				break;
			}
			size_t grow = alloc > (cap + 1) / 2 ? cap + 1 : alloc * 2;
			uint8_t *nb = realloc(buf, grow + 1);

			if (!nb) {
				rc = nlut_fail(NLUT_ERROR_NO_MEM, "%s: out of memory for %zu bytes",
					       path, grow);
				break;
			}
			buf = nb;
			alloc = grow;
		}
		if ((rc = nlut_src_read(&s, buf + len, alloc - len, &got)))
			break;
		len += got;
		if (s.done)
			break;
	}
	if (!rc && len > cap)
		rc = nlut_fail(NLUT_ERROR_TOO_LARGE, "%s: more than %zu bytes%s", path, cap,
			       s.gz ? " (after decompression)" : "");
out:
	nlut_src_close(&s);
	if (rc) {
		free(buf);
		return rc;
	}
	buf[len] = 0;
	*bufp = buf;
	*np = len;
	return NLUT_SUCCESS;
}
