/* min_internal.h - private interfaces of the minimiser (not installed). */
#ifndef NLUT_MIN_INTERNAL_H
#define NLUT_MIN_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <nlut/minimise.h>

/* Record a failure's detail for nlut_min_error_detail() and return err. */
int mn_fail(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Copy libnlut's detail of err, prefixed with what, and return err. */
int mn_pass(int err, const char *what);
void mn_clear_error(void);

/* A growable list of cubes. */
struct mn_cubes {
	struct nlut_cube *c;
	size_t n, cap;
	int oom;
};

/*
 * Scratch space of one minimiser thread for functions of up to `vars`
 * variables. Truth tables are bit vectors over max(vars, 6) variables, one
 * 64-bit word per 64 addresses (address a: word a >> 6, bit a & 63).
 */
struct mn_ws;

struct mn_ws *mn_ws_new(unsigned vars);
void mn_ws_free(struct mn_ws *w);
/* Words of a truth table of n variables. */
size_t mn_words(unsigned n);

/*
 * Minimise the incompletely specified function with on-set `on` and on-set
 * plus don't-care set `upper` (on must lie inside upper) of n <= ws vars
 * variables. The cover goes to *out (its cubes are malloc'd; the caller
 * frees out->c). init, when not NULL, is the starting cover instead of the
 * ISOP (it must lie between on and upper). When f is not NULL it receives the cover's truth table.
 * The cover is checked against on and upper before returning.
 */
int mn_minimise(struct mn_ws *w, const uint64_t *on, const uint64_t *upper, unsigned n,
		unsigned effort, const struct mn_cubes *init, struct mn_cubes *out, uint64_t *f);

/*
 * Fill the don't-cares of one bit (f: 2^n values 0/1, care: 2^n flags) by
 * merging cofactors that agree on their common care set, so the result has
 * few distinct sub-functions. out agrees with f at every care address.
 */
int mn_fill_merge(const uint8_t *f, const uint8_t *care, unsigned n, uint8_t *out);

#endif /* NLUT_MIN_INTERNAL_H */
