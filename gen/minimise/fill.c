/* fill.c - don't-care fill for LUT mapping: merge compatible cofactors
 * (Coudert-Madre restrict with sibling merging), so the filled table has
 * few distinct sub-functions and a small support. */
#include <stdlib.h>
#include <string.h>

#include "min_internal.h"

/* Remove bit v from a: the index into a cofactor on variable v. */
static inline size_t drop_bit(size_t a, unsigned v)
{
	return (a & (((size_t)1 << v) - 1)) | (a >> (v + 1) << v);
}

/*
 * f, c: 2^k values and care flags (0/1). out: 2^k filled values, equal to
 * f wherever c is set. A variable whose two cofactors agree wherever both
 * matter is merged away (the result does not depend on it; in a mux tree
 * that mux disappears); otherwise split on the top variable. Returns 0 or
 * -1 (no memory).
 */
static int fill_rec(const uint8_t *f, const uint8_t *c, unsigned k, uint8_t *out)
{
	size_t n = (size_t)1 << k, h = n / 2;
	int seen0 = 0, seen1 = 0;

	for (size_t a = 0; a < n && !(seen0 && seen1); a++)
		if (c[a]) {
			seen0 |= !f[a];
			seen1 |= f[a];
		}
	if (!seen1 || !seen0) {
		/* Constant on its care set (or no care at all: 0). */
		memset(out, seen1, n);
		return 0;
	}
	/* Merge on a variable whose cofactors agree wherever both matter:
	 * the result does not depend on it. Top variables first. */
	for (unsigned v = k; v-- > 0;) {
		size_t bit = (size_t)1 << v;
		int ok = 1;

		for (size_t a = 0; a < n && ok; a++)
			if (!(a & bit) && c[a] && c[a | bit] && f[a] != f[a | bit])
				ok = 0;
		if (!ok)
			continue;
		uint8_t *buf = malloc(3 * h);

		if (!buf)
			return -1;
		uint8_t *mf = buf, *mc = buf + h, *mo = buf + 2 * h;

		for (size_t a = 0; a < n; a++) {
			if (a & bit)
				continue;
			size_t i = drop_bit(a, v);

			mc[i] = c[a] | c[a | bit];
			mf[i] = c[a] ? f[a] : f[a | bit];
		}
		int err = fill_rec(mf, mc, k - 1, mo);

		for (size_t a = 0; !err && a < n; a++)
			out[a] = mo[drop_bit(a, v)];
		free(buf);
		return err;
	}
	/* No merge: split on the top variable. */
	if (fill_rec(f, c, k - 1, out) || fill_rec(f + h, c + h, k - 1, out + h))
		return -1;
	return 0;
}

int mn_fill_merge(const uint8_t *f, const uint8_t *care, unsigned n, uint8_t *out)
{
	if (fill_rec(f, care, n, out))
		return mn_fail(NLUT_ERROR_NO_MEM, "don't-care fill of %u variables", n);
	for (size_t a = 0; a < ((size_t)1 << n); a++)
		if (care[a] && out[a] != f[a])
			return mn_fail(NLUT_ERROR_OTHER,
				       "internal error: fill changed care address %zu", a);
	return NLUT_SUCCESS;
}
