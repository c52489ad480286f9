/* data_csv.c - CSV reader: a numeric table with an optional header and label column. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strtod_l, newlocale */
#endif
#include <locale.h>
#include <math.h>
#include <float.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "data_internal.h"

struct csv_line {
	const char *s;
	size_t len;     /* without the line end ("\n" or "\r\n") */
	size_t no;      /* 1-based, for messages */
};

struct csv_field {
	const char *s;  /* trimmed, inside the quotes if quoted */
	size_t len;
};

struct csv {
	const char *path;
	const char *p;  /* next line */
	const char *end;
	size_t line_no;
	char delim;
	/* strtod in the C locale whatever the application set. */
	locale_t c_locale;
};

static int next_line(struct csv *c, struct csv_line *ln)
{
	const char *s = c->p, *nl, *e;

	if (s >= c->end)
		return 0;
	nl = memchr(s, '\n', (size_t)(c->end - s));
	e = nl ? nl : c->end;
	c->p = nl ? nl + 1 : c->end;
	if (e > s && e[-1] == '\r')
		e--;
	ln->s = s;
	ln->len = (size_t)(e - s);
	ln->no = ++c->line_no;
	return 1;
}

static int is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

static int blank_line(const struct csv_line *ln)
{
	for (size_t i = 0; i < ln->len; i++)
		if (!is_blank(ln->s[i]) && ln->s[i] != '\r')
			return 0;
	return 1;
}

/*
 * Split the field at *pp off a line ending at end. Spaces around a field are
 * dropped; a field may be wrapped in double quotes ("" inside is a quote,
 * kept as is). Returns 1 with *more set when a delimiter follows, 0 at the
 * end of the line, -1 for a broken quote.
 */
static int next_field(const char **pp, const char *end, char delim,
		      struct csv_field *f, int *more)
{
	const char *p = *pp;

	while (p < end && *p != delim && is_blank(*p))
		p++;
	if (p < end && *p == '"') {
		const char *q = ++p;

		while (q < end) {
			if (*q == '"') {
				if (q + 1 < end && q[1] == '"') {
					q += 2;
					continue;
				}
				break;
			}
			q++;
		}
		if (q >= end)
			return -1;
		f->s = p;
		f->len = (size_t)(q - p);
		p = q + 1;
		while (p < end && *p != delim && is_blank(*p))
			p++;
		if (p < end && *p != delim)
			return -1;
	} else {
		const char *s = p, *e;

		while (p < end && *p != delim)
			p++;
		e = p;
		while (e > s && is_blank(e[-1]))
			e--;
		f->s = s;
		f->len = (size_t)(e - s);
	}
	*more = p < end;
	*pp = *more ? p + 1 : p;
	return 0;
}

/* Fields in a line, or 0 for a broken quote. */
static size_t count_fields(const struct csv_line *ln, char delim)
{
	const char *p = ln->s, *end = ln->s + ln->len;
	struct csv_field f;
	size_t n = 0;
	int more = 1;

	while (more) {
		if (next_field(&p, end, delim, &f, &more))
			return 0;
		n++;
	}
	return n;
}

/* The most frequent of , ; tab outside quotes; ',' when there is none. */
static char detect_delim(const struct csv_line *ln)
{
	static const char cand[] = { ',', ';', '\t' };
	size_t count[3] = { 0, 0, 0 };
	int quoted = 0;
	char best = ',';
	size_t best_n = 0;

	for (size_t i = 0; i < ln->len; i++) {
		char ch = ln->s[i];

		if (ch == '"')
			quoted = !quoted;
		else if (!quoted)
			for (int k = 0; k < 3; k++)
				count[k] += ch == cand[k];
	}
	for (int k = 0; k < 3; k++) {
		if (count[k] > best_n) {
			best_n = count[k];
			best = cand[k];
		}
	}
	return best;
}

enum { NUM_OK = 0, NUM_BAD = -1, NUM_NONFINITE = -2, NUM_RANGE = -3 };

/* The whole field as a number that fits a float. */
static int parse_num(const struct csv *c, const struct csv_field *f, double *v)
{
	char *endp;
	double d;
	unsigned char c0;

	if (f->len == 0)
		return NUM_BAD;
	/* strtod would skip these, and a newline would take it to the next
	 * line: only a field that starts like a number goes to strtod. */
	c0 = (unsigned char)f->s[0];
	if (c0 == ' ' || (c0 >= '\t' && c0 <= '\r'))
		return NUM_BAD;
	/* Integers of up to 9 digits (codes, pixels, labels: most fields)
	 * without strtod: exact in a double, the value strtod gives, -0
	 * included. */
	if (f->len <= 10) {
		size_t i = c0 == '-', n = f->len;
		uint32_t u = 0;

		if (i < n && n - i <= 9) {
			for (; i < n && f->s[i] >= '0' && f->s[i] <= '9'; i++)
				u = u * 10 + (uint32_t)(f->s[i] - '0');
			if (i == n) {
				*v = c0 == '-' ? -(double)u : (double)u;
				return NUM_OK;
			}
		}
	}
	/* The buffer ends in a NUL, so strtod stops inside it; a number that
	 * runs past the field (a delimiter like '.') does not match. */
	d = strtod_l(f->s, &endp, c->c_locale);
	if (endp != f->s + f->len)
		return NUM_BAD;
	if (!isfinite(d))
		return NUM_NONFINITE;
	if (fabs(d) > FLT_MAX)
		return NUM_RANGE;
	*v = d;
	return NUM_OK;
}

/* A field for a message: at most 24 characters, control bytes as '?'. */
static const char *snip(char *out, size_t size, const struct csv_field *f)
{
	size_t n = 0;

	for (size_t i = 0; i < f->len && n + 4 < size; i++) {
		char ch = f->s[i];

		out[n++] = (ch >= 0x20 && ch < 0x7f) ? ch : '?';
	}
	if (n < f->len) {
		memcpy(out + n, "...", 3);
		n += 3;
	}
	out[n] = 0;
	return out;
}

/* Does the field read as a number, or start like one that is broken or out
 * of range ("nan", "inf", "1e39", "1O", "-.5x")? */
static int numeric_looking(const struct csv *c, const struct csv_field *f)
{
	double v;
	size_t i = 0;

	if (parse_num(c, f, &v) != NUM_BAD)
		return 1;
	if (i < f->len && (f->s[i] == '-' || f->s[i] == '+'))
		i++;
	if (i < f->len && f->s[i] == '.')
		i++;
	return i < f->len && f->s[i] >= '0' && f->s[i] <= '9';
}

/*
 * A header is a line of text: a field that is there and no field that
 * looks like a number. A first row with numbers and one bad field ("nan",
 * "1e39", "1O") is a data row, and so an error, as it would be on any
 * later line; it is not dropped as a header.
 */
static int looks_like_header(const struct csv *c, const struct csv_line *ln)
{
	const char *p = ln->s, *end = ln->s + ln->len;
	struct csv_field f;
	int more = 1, text = 0;

	while (more) {
		if (next_field(&p, end, c->delim, &f, &more))
			return 1;
		if (!f.len)
			continue;
		if (numeric_looking(c, &f))
			return 0;
		text = 1;
	}
	return text;
}

static int parse_row(const struct csv *c, const struct csv_line *ln,
		     size_t ncols, size_t label_col, float *x, int32_t *label)
{
	const char *p = ln->s, *end = ln->s + ln->len;
	struct csv_field f;
	size_t n = count_fields(ln, c->delim);
	size_t k = 0;
	int more = 1;
	char text[32];

	if (n == 0)
		return nlut_fail(NLUT_ERROR_DATA, "%s line %zu: broken quotes",
				 c->path, ln->no);
	if (n != ncols)
		return nlut_fail(NLUT_ERROR_DATA,
				 "%s line %zu: %zu fields, expected %zu",
				 c->path, ln->no, n, ncols);
	for (size_t i = 0; more; i++) {
		double v = 0;
		int r;

		next_field(&p, end, c->delim, &f, &more);
		r = parse_num(c, &f, &v);
		if (i == label_col) {
			if (r != NUM_OK || v < 0 || v > INT32_MAX || v != floor(v))
				return nlut_fail(NLUT_ERROR_DATA,
						 "%s line %zu: label '%s' is not a non-negative integer",
						 c->path, ln->no,
						 snip(text, sizeof(text), &f));
			*label = (int32_t)v;
			continue;
		}
		if (r == NUM_BAD && f.len == 0)
			return nlut_fail(NLUT_ERROR_DATA,
					 "%s line %zu, field %zu: empty",
					 c->path, ln->no, i + 1);
		if (r == NUM_BAD)
			return nlut_fail(NLUT_ERROR_DATA,
					 "%s line %zu, field %zu: '%s' is not a number",
					 c->path, ln->no, i + 1,
					 snip(text, sizeof(text), &f));
		if (r == NUM_NONFINITE)
			return nlut_fail(NLUT_ERROR_DATA,
					 "%s line %zu, field %zu: '%s' is not a finite number",
					 c->path, ln->no, i + 1,
					 snip(text, sizeof(text), &f));
		if (r == NUM_RANGE)
			return nlut_fail(NLUT_ERROR_DATA,
					 "%s line %zu, field %zu: '%s' is outside the float range",
					 c->path, ln->no, i + 1,
					 snip(text, sizeof(text), &f));
		x[k++] = (float)v;
	}
	return NLUT_SUCCESS;
}

/* The reading of one file, fed in pieces of whole lines. */
struct nlut_csv {
	struct csv c;
	struct nlut_data_opts opts;
	int started;            /* the first line is seen */
	int bom_checked;        /* the file's first bytes are seen */
	int header;
	size_t ncols, nfeat, label_col;
	size_t rows;
	int32_t max_label;
};

/* The first non-blank line sets the delimiter, the columns and the header. */
static int setup(struct nlut_csv *s, const struct csv_line *first)
{
	struct csv *c = &s->c;
	const struct nlut_data_opts *opts = &s->opts;

	c->delim = opts->delimiter ? opts->delimiter : detect_delim(first);
	s->ncols = count_fields(first, c->delim);
	if (s->ncols == 0)
		return nlut_fail(NLUT_ERROR_DATA, "%s line %zu: broken quotes", c->path, first->no);
	s->header = opts->header;
	if (s->header < 0)
		s->header = looks_like_header(c, first);
	s->label_col = SIZE_MAX;
	if (opts->label_col == NLUT_LABEL_LAST) {
		s->label_col = s->ncols - 1;
	} else if (opts->label_col >= 0) {
		if ((size_t)opts->label_col >= s->ncols)
			return nlut_fail(NLUT_ERROR_INVALID_PARAM,
					 "%s: label column %d, but line %zu has %zu fields",
					 c->path, opts->label_col, first->no, s->ncols);
		s->label_col = (size_t)opts->label_col;
	}
	s->nfeat = s->ncols - (s->label_col != SIZE_MAX);
	if (s->nfeat == 0)
		return nlut_fail(NLUT_ERROR_DATA, "%s: no feature columns, only the label", c->path);
	s->started = 1;
	return NLUT_SUCCESS;
}

int nlut_csv_new(const char *path, const struct nlut_data_opts *opts, struct nlut_csv **out)
{
	struct nlut_csv *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (!s)
		return nlut_fail(NLUT_ERROR_NO_MEM, "%s: out of memory", path);
	s->c.path = path;
	s->opts = *opts;
	s->max_label = -1;
	s->c.c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	if (s->c.c_locale == (locale_t)0) {
		free(s);
		return nlut_fail(NLUT_ERROR_NO_MEM, "%s: cannot create the C locale", path);
	}
	*out = s;
	return NLUT_SUCCESS;
}

void nlut_csv_free(struct nlut_csv *s)
{
	if (!s)
		return;
	freelocale(s->c.c_locale);
	free(s);
}

size_t nlut_csv_features(const struct nlut_csv *s)
{
	return s->started ? s->nfeat : 0;
}

int nlut_csv_has_labels(const struct nlut_csv *s)
{
	return s->started && s->label_col != SIZE_MAX;
}

int nlut_csv_rows(struct nlut_csv *s, const char *text, size_t n, int final, size_t max,
		  float *x, int32_t *labels, size_t *got, size_t *used)
{
	struct csv *c = &s->c;
	struct csv_line ln;
	const char *end = text + n;
	int rc;

	*got = 0;
	*used = 0;
	/* Whole lines only, unless this is the end of the file. */
	if (!final) {
		while (end > text && end[-1] != '\n')
			end--;
	}
	c->p = text;
	c->end = end;
	/* A UTF-8 byte order mark, as spreadsheets write: one, at the start of
	 * the file (not again at the start of a later piece). */
	if (!s->bom_checked && (n >= 3 || final)) {
		s->bom_checked = 1;
		if (n >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
			c->p += 3;
	}
	while (!s->started) {
		if (!next_line(c, &ln)) {
			*used = (size_t)(c->p - text);
			if (final)
				return nlut_fail(NLUT_ERROR_DATA, "%s: no data rows (the file is blank)",
						 c->path);
			return NLUT_SUCCESS;
		}
		if (blank_line(&ln))
			continue;
		if ((rc = setup(s, &ln)))
			return rc;
		if (!s->header) {
			/* The first line is data: read it again. */
			c->p = ln.s;
			c->line_no = ln.no - 1;
		}
	}
	while (*got < max && (!s->opts.max_rows || s->rows < s->opts.max_rows)) {
		const char *at = c->p;
		int32_t label = 0;

		if (!next_line(c, &ln))
			break;
		if (blank_line(&ln))
			continue;
		rc = parse_row(c, &ln, s->ncols, s->label_col, x + *got * s->nfeat, &label);
		if (rc) {
			c->p = at;
			c->line_no = ln.no - 1;
			*used = (size_t)(at - text);
			return rc;
		}
		if (labels && s->label_col != SIZE_MAX)
			labels[*got] = label;
		if (label > s->max_label)
			s->max_label = label;
		s->rows++;
		(*got)++;
	}
	*used = (size_t)(c->p - text);
	if (final && s->rows == 0 && c->p >= c->end)
		return nlut_fail(NLUT_ERROR_DATA, "%s: no data rows%s", c->path,
				 s->header ? " after the header" : "");
	return NLUT_SUCCESS;
}

/* Whole text at once: rows as many as the text can hold. */
int nlut_data_load_csv(const char *path, const char *text, size_t n,
		       const struct nlut_data_opts *opts,
		       struct nlut_dataset **out)
{
	struct nlut_csv *s;
	struct nlut_dataset *d = NULL;
	size_t cap, got, used;
	int rc;

	*out = NULL;
	if ((rc = nlut_csv_new(path, opts, &s)))
		return rc;
	/* The setup alone: the first non-blank line (no rows taken). */
	if ((rc = nlut_csv_rows(s, text, n, 1, 0, NULL, NULL, &got, &used)))
		goto out;
	/*
	 * A valid row holds ncols non-empty fields, ncols - 1 delimiters and
	 * (but for the last) a line end: at most (bytes + 1) / (2 * ncols)
	 * rows fit, so this allocation stays in proportion to the text. One
	 * row more lets the line that breaks the bound report its own error.
	 */
	cap = (n - used + 1) / 2 / s->ncols + 2;
	if (opts->max_rows && opts->max_rows < cap)
		cap = opts->max_rows;
	if ((rc = nlut_dataset_new(path, cap, s->nfeat, s->label_col != SIZE_MAX, &d)))
		goto out;
	if ((rc = nlut_csv_rows(s, text + used, n - used, 1, cap, d->x, d->labels, &got, &used)))
		goto out;
	if (got == cap && s->c.p < s->c.end && (!opts->max_rows || got < opts->max_rows)) {
		/* A guard: rows beyond the bound cannot all be valid. */
		struct csv_line ln;

		while (next_line(&s->c, &ln))
			if (!blank_line(&ln)) {
				rc = nlut_fail(NLUT_ERROR_DATA, "%s line %zu: more rows than the text can hold",
					       path, ln.no);
				goto out;
			}
	}
	if (got < cap) {
		float *nx = realloc(d->x, (got ? got : 1) * s->nfeat * sizeof(float));

		if (nx)
			d->x = nx;
		if (d->labels) {
			int32_t *nl = realloc(d->labels, (got ? got : 1) * sizeof(int32_t));

			if (nl)
				d->labels = nl;
		}
	}
	d->n_rows = got;
	d->n_classes = d->labels ? (uint32_t)s->max_label + 1 : 0;
	*out = d;
	d = NULL;
out:
	nlut_data_free(d);
	nlut_csv_free(s);
	return rc;
}
