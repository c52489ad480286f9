/* tool_util.c - shared helpers of the nlut programs. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <nlut/data.h>
#include <nlut/error.h>

#include "tool_util.h"

int tool_fail(const char *prog, int err, const char *fmt, ...)
{
	va_list ap;
	const char *d = nlut_error_detail();

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (d[0])
		fprintf(stderr, ": %s (%s)\n", d, nlut_strerror(err));
	else
		fprintf(stderr, ": %s\n", nlut_strerror(err));
	return NLUT_EXIT_FAIL;
}

int tool_fail_detail(const char *prog, const char *what, const char *detail, int err)
{
	if (what)
		fprintf(stderr, "%s: %s: %s (%s)\n", prog, what, detail, nlut_strerror(err));
	else
		fprintf(stderr, "%s: %s (%s)\n", prog, detail, nlut_strerror(err));
	return NLUT_EXIT_FAIL;
}

int tool_usage_error(const char *prog, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help'.\n", prog);
	return NLUT_EXIT_USAGE;
}

int tool_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int tool_opt_common(const char *prog, int c, int *quiet, void (*help)(const char *prog))
{
	if (c == 'q' && quiet) {
		*quiet = 1;
		return TOOL_OPT_NEXT;
	}
	if (c == 'h') {
		help(prog);
		return NLUT_EXIT_OK;
	}
	return tool_usage_error(prog, "bad option");
}

int tool_check_args(const char *prog, int argc, int n_args, const char *operands, const char *out,
		    const char *out_name)
{
	if (argc - optind != n_args)
		return tool_usage_error(prog, "%s", operands);
	if (!out)
		return tool_usage_error(prog, "missing -o %s", out_name);
	return 0;
}

double tool_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

const char *tool_si(double v, char *buf, size_t len)
{
	static const char suffix[] = " kMGT";
	int i = 0;

	while (v >= 1000.0 && i < 4) {
		v /= 1000.0;
		i++;
	}
	if (i)
		snprintf(buf, len, "%.3g %c", v, suffix[i]);
	else
		snprintf(buf, len, "%.3g ", v);
	return buf;
}

/* Bytes of the valid UTF-8 sequence at s (1 to 4), or 0: no overlong
 * forms, surrogates or code points past U+10FFFF. */
static int utf8_seq(const unsigned char *s)
{
	unsigned c = s[0], n, min, cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, min = 0x80, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, min = 0x800, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, min = 0x10000, cp = c & 0x07;
	else
		return 0;
	for (unsigned i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3fu);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return (int)n;
}

void tool_json_string(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	putchar('"');
	while (*p) {
		int n = utf8_seq(p);

		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			printf("\\u%04x", *p);
		else if (!n)
			printf("\\ufffd"); /* not UTF-8: the replacement character */
		else
			fwrite(p, 1, (size_t)n, stdout);
		p += n ? n : 1;
	}
	putchar('"');
}

void tool_print_text(const char *s, const char *indent)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		int n = utf8_seq(p);

		if (*p == '\n') {
			putchar('\n');
			if (p[1] && indent)
				fputs(indent, stdout);
		} else if (*p == '\t') {
			putchar('\t');
		} else if (*p < 0x20 || *p == 0x7f || !n) {
			printf("\\x%02x", *p); /* no terminal escapes, no broken characters */
		} else {
			fwrite(p, 1, (size_t)n, stdout);
		}
		p += n ? n : 1;
	}
}

int tool_opt_label_col(const char *prog, const char *arg, int *label_col)
{
	uint64_t v;

	if (!strcmp(arg, "last"))
		*label_col = NLUT_LABEL_LAST;
	else if (!strcmp(arg, "none"))
		*label_col = NLUT_LABEL_NONE;
	else if (tool_parse_u64(arg, 0, 1u << 20, &v))
		return tool_usage_error(prog, "--label-col '%s': expected a column number, 'last' or 'none'", arg);
	else
		*label_col = (int)v;
	return 0;
}

int tool_opt_header(const char *prog, const char *arg, int *header)
{
	if (!strcmp(arg, "yes"))
		*header = 1;
	else if (!strcmp(arg, "no"))
		*header = 0;
	else if (!strcmp(arg, "auto"))
		*header = -1;
	else
		return tool_usage_error(prog, "--header '%s': expected yes, no or auto", arg);
	return 0;
}
