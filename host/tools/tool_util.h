/* tool_util.h - what the nlut programs share: exit codes, error printing,
 * number parsing, timing. */
#ifndef NLUT_TOOL_UTIL_H
#define NLUT_TOOL_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Exit codes of every nlut program. */
enum {
	NLUT_EXIT_OK = 0,      /* done */
	NLUT_EXIT_FAIL = 1,    /* the work failed: bad file, device error, mismatch */
	NLUT_EXIT_USAGE = 2    /* bad command line */
};

/* Print "PROG: message: nlut_error_detail()" (or just the message and
 * nlut_strerror(err) when there is no detail) to stderr; returns
 * NLUT_EXIT_FAIL. */
int tool_fail(const char *prog, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Print "PROG: WHAT: detail (nlut_strerror(err))" to stderr (no "WHAT: "
 * when what is NULL), for the errors of a library with its own detail
 * (nlut_gen_error_detail()); returns NLUT_EXIT_FAIL. */
int tool_fail_detail(const char *prog, const char *what, const char *detail, int err);

/* Print "PROG: message" and "Try 'PROG --help'." to stderr; returns
 * NLUT_EXIT_USAGE. */
int tool_usage_error(const char *prog, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Parse a whole decimal number in [min, max]; 0 on success. */
int tool_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/* The end of every program's getopt loop, for an option c its switch does
 * not handle: -q/--quiet sets *quiet (NULL: the program has no -q) and
 * gives TOOL_OPT_NEXT, the loop goes on; -h/--help prints help(prog) and
 * gives NLUT_EXIT_OK; anything else prints the usage error "bad option"
 * and gives NLUT_EXIT_USAGE. */
#define TOOL_OPT_NEXT (-1)
/* The last entries of a program's struct option table (<getopt.h>):
 * --quiet (-q), --help (-h) and the end. */
#define TOOL_OPTS_HELP { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 }
#define TOOL_OPTS_QUIET_HELP { "quiet", no_argument, NULL, 'q' }, TOOL_OPTS_HELP
int tool_opt_common(const char *prog, int c, int *quiet, void (*help)(const char *prog));

/* After the options: exactly n_args operands (else the usage error
 * `operands`) and an -o (out not NULL; else "missing -o OUT_NAME"). 0, or
 * the usage error has been printed and NLUT_EXIT_USAGE is returned. */
int tool_check_args(const char *prog, int argc, int n_args, const char *operands, const char *out,
		    const char *out_name);

/* Data options shared by every program that reads datasets: parse the
 * value of --label-col (N, 'last', 'none') or --header (yes, no, auto);
 * 0 on success, else the usage error has been printed and NLUT_EXIT_USAGE
 * is returned. */
int tool_opt_label_col(const char *prog, const char *arg, int *label_col);
int tool_opt_header(const char *prog, const char *arg, int *header);

/* Write s as a JSON string literal (quotes, escapes) to stdout. */
void tool_json_string(const char *s);
/* Text from a file (metadata) for a terminal: control characters and bytes
 * that are not UTF-8 as \xNN; after each newline, indent. */
void tool_print_text(const char *s, const char *indent);

/* Monotonic seconds. */
double tool_now(void);

/* Human-readable count with SI suffix into buf ("31.2 M"). */
const char *tool_si(double v, char *buf, size_t len);

#endif /* NLUT_TOOL_UTIL_H */
