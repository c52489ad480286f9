/* cover.c - two-level minimisation of one incompletely specified function
 * held as truth tables: an irredundant sum of products (Minato-Morreale
 * ISOP), made prime and irredundant, then improved by Espresso-style
 * reduce / expand / irredundant rounds. */
#include <stdlib.h>
#include <string.h>

#include "min_internal.h"

/* Address bits 0..5 inside a word: where variable k is 1. */
static const uint64_t var_word[6] = {
	0xAAAAAAAAAAAAAAAAull, 0xCCCCCCCCCCCCCCCCull, 0xF0F0F0F0F0F0F0F0ull,
	0xFF00FF00FF00FF00ull, 0xFFFF0000FFFF0000ull, 0xFFFFFFFF00000000ull,
};

struct mn_ws {
	unsigned vars;       /* largest n served */
	uint64_t *lvl;       /* ISOP scratch: level j (2^j words) at lvl_at[j] */
	size_t lvl_at[NLUT_MAX_TABLE_BITS + 1];
	uint64_t *off;       /* complement of the upper bound */
	uint64_t *r;         /* ISOP result */
	uint64_t *on6, *up6; /* n < 6: the one-word inputs, replicated */
	uint16_t *cnt;       /* per address: cubes covering it (on-set only) */
	struct mn_cubes trial;
	uint32_t *order;
	size_t order_cap;
};

size_t mn_words(unsigned n)
{
	return n <= 6 ? 1 : (size_t)1 << (n - 6);
}

struct mn_ws *mn_ws_new(unsigned vars)
{
	struct mn_ws *w = calloc(1, sizeof(*w));
	unsigned ne = vars < 6 ? 6 : vars, lg = ne - 6;
	size_t nw = mn_words(ne), total = 0;

	if (!w)
		return NULL;
	w->vars = vars;
	for (unsigned j = 1; j <= lg; j++) {
		w->lvl_at[j] = total;
		total += 3 * ((size_t)1 << (j - 1));
	}
	w->lvl = malloc((total ? total : 1) * sizeof(uint64_t));
	w->off = malloc(nw * sizeof(uint64_t));
	w->r = malloc(nw * sizeof(uint64_t));
	w->on6 = malloc(2 * sizeof(uint64_t));
	w->cnt = calloc((size_t)1 << ne, sizeof(uint16_t));
	if (!w->lvl || !w->off || !w->r || !w->on6 || !w->cnt) {
		mn_ws_free(w);
		return NULL;
	}
	w->up6 = w->on6 + 1;
	return w;
}

void mn_ws_free(struct mn_ws *w)
{
	if (!w)
		return;
	free(w->lvl);
	free(w->off);
	free(w->r);
	free(w->on6);
	free(w->cnt);
	free(w->trial.c);
	free(w->order);
	free(w);
}

static void cubes_add(struct mn_cubes *l, uint32_t mask, uint32_t value)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct nlut_cube *c = realloc(l->c, cap * sizeof(*c));

		if (!c) {
			l->oom = 1;
			return;
		}
		l->c = c;
		l->cap = cap;
	}
	l->c[l->n].mask = mask;
	l->c[l->n].value = value;
	l->n++;
}

static int cubes_copy(struct mn_cubes *dst, const struct mn_cubes *src);

/* ---- ISOP ---- */

static inline uint64_t cof0(uint64_t t, unsigned k)
{
	uint64_t x = t & ~var_word[k];

	return x | (x << (1u << k));
}

static inline uint64_t cof1(uint64_t t, unsigned k)
{
	uint64_t x = t & var_word[k];

	return x | (x >> (1u << k));
}

/* One word: variables 0..k still free; returns the cover's truth table. */
static uint64_t isop6(uint64_t on, uint64_t up, int k, uint32_t mask, uint32_t value,
		      struct mn_cubes *out)
{
	if (!on)
		return 0;
	if (up == ~0ull) {
		cubes_add(out, mask, value);
		return ~0ull;
	}
	/* on != 0 and up != all ones, so some variable matters. */
	while (k > 0 && cof0(on, (unsigned)k) == cof1(on, (unsigned)k) &&
	       cof0(up, (unsigned)k) == cof1(up, (unsigned)k))
		k--;
	unsigned v = (unsigned)k;
	uint64_t on0 = cof0(on, v), on1 = cof1(on, v), up0 = cof0(up, v), up1 = cof1(up, v);
	uint32_t bit = 1u << v;
	uint64_t r0 = isop6(on0 & ~up1, up0, k - 1, mask | bit, value, out);
	uint64_t r1 = isop6(on1 & ~up0, up1, k - 1, mask | bit, value | bit, out);
	uint64_t rs = isop6((on0 & ~r0) | (on1 & ~r1), up0 & up1, k - 1, mask, value, out);

	return (r0 & ~var_word[v]) | (r1 & var_word[v]) | rs;
}

static int all_zero(const uint64_t *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (t[i])
			return 0;
	return 1;
}

static int all_ones(const uint64_t *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (t[i] != ~0ull)
			return 0;
	return 1;
}

/* 2^lg words; variables 6..6+lg-1 are the word index. r gets the cover. */
static void isop(struct mn_ws *w, const uint64_t *on, const uint64_t *up, uint64_t *r,
		 unsigned lg, uint32_t mask, uint32_t value, struct mn_cubes *out)
{
	size_t nw = (size_t)1 << lg;

	if (lg == 0) {
		r[0] = isop6(on[0], up[0], 5, mask, value, out);
		return;
	}
	if (all_zero(on, nw)) {
		memset(r, 0, nw * sizeof(*r));
		return;
	}
	if (all_ones(up, nw)) {
		cubes_add(out, mask, value);
		memset(r, 0xff, nw * sizeof(*r));
		return;
	}
	size_t h = nw / 2;
	const uint64_t *on0 = on, *on1 = on + h, *up0 = up, *up1 = up + h;
	uint32_t bit = 1u << (6 + lg - 1);

	if (!memcmp(on0, on1, h * sizeof(*on)) && !memcmp(up0, up1, h * sizeof(*up))) {
		isop(w, on0, up0, r, lg - 1, mask, value, out);
		memcpy(r + h, r, h * sizeof(*r));
		return;
	}
	uint64_t *t = w->lvl + w->lvl_at[lg], *u = t + h, *rs = u + h;

	for (size_t i = 0; i < h; i++)
		t[i] = on0[i] & ~up1[i];
	isop(w, t, up0, r, lg - 1, mask | bit, value, out);
	for (size_t i = 0; i < h; i++)
		t[i] = on1[i] & ~up0[i];
	isop(w, t, up1, r + h, lg - 1, mask | bit, value | bit, out);
	for (size_t i = 0; i < h; i++) {
		t[i] = (on0[i] & ~r[i]) | (on1[i] & ~r[h + i]);
		u[i] = up0[i] & up1[i];
	}
	isop(w, t, u, rs, lg - 1, mask, value, out);
	for (size_t i = 0; i < h; i++) {
		r[i] |= rs[i];
		r[h + i] |= rs[i];
	}
}

/* ---- cubes against truth tables ---- */

static inline uint64_t low_pattern(uint32_t mask, uint32_t value)
{
	uint64_t p = ~0ull;

	for (unsigned k = 0; k < 6; k++)
		if (mask >> k & 1)
			p &= (value >> k & 1) ? var_word[k] : ~var_word[k];
	return p;
}

/*
 * Visit the words of cube (mask, value) in a table of nw words: the word
 * index bits are variables 6.. so the words are value's high bits with
 * every subset of the free high variables.
 */
#define FOR_CUBE_WORDS(nw, mask, value, wi)                                        \
	for (size_t hm_ = ((size_t)(mask) >> 6) & ((nw) - 1), fr_ = ((nw) - 1) & ~hm_, \
		    s_ = 0, hv_ = (size_t)(value) >> 6, once_ = 1, wi;                 \
	     once_ && ((wi = hv_ | s_), 1); s_ = (s_ - fr_) & fr_, once_ = s_ != 0)

/* Does the cube contain an address of t? */
static int cube_hits(const uint64_t *t, size_t nw, uint32_t mask, uint32_t value)
{
	uint64_t p = low_pattern(mask, value);

	FOR_CUBE_WORDS(nw, mask, value, wi)
		if (t[wi] & p)
			return 1;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Cube indices sorted by literal count, ascending (big cubes first) or
 * descending (small cubes first); ties by index. */
static int cube_order(struct mn_ws *w, const struct mn_cubes *f, int small_first)
{
	if (f->n > w->order_cap) {
		uint32_t *o = realloc(w->order, f->n * sizeof(*o));

		if (!o)
			return -1;
		w->order = o;
		w->order_cap = f->n;
	}
	uint64_t *key = malloc(f->n * sizeof(*key));

	if (!key)
		return -1;
	for (size_t i = 0; i < f->n; i++) {
		uint64_t lits = (uint64_t)__builtin_popcount(f->c[i].mask);

		key[i] = ((small_first ? 63 - lits : lits) << 32) | i;
	}
	qsort(key, f->n, sizeof(*key), cmp_u64);
	for (size_t i = 0; i < f->n; i++)
		w->order[i] = (uint32_t)key[i];
	free(key);
	return 0;
}

/* Add delta to the count of every on-set address of every cube. */
static void count_cover(struct mn_ws *w, const uint64_t *on, size_t nw,
			const struct mn_cubes *f)
{
	memset(w->cnt, 0, nw * 64 * sizeof(*w->cnt));
	for (size_t i = 0; i < f->n; i++) {
		uint64_t p = low_pattern(f->c[i].mask, f->c[i].value);

		FOR_CUBE_WORDS(nw, f->c[i].mask, f->c[i].value, wi)
			for (uint64_t b = on[wi] & p; b; b &= b - 1)
				w->cnt[(wi << 6) | (size_t)__builtin_ctzll(b)]++;
	}
}

static void drop_removed(struct mn_cubes *f)
{
	size_t k = 0;

	for (size_t i = 0; i < f->n; i++)
		if (f->c[i].mask != UINT32_MAX)
			f->c[k++] = f->c[i];
	f->n = k;
}

/*
 * Greedy irredundant: small cubes first, drop a cube when every on-set
 * address in it is covered by another cube as well. (mask UINT32_MAX marks
 * a removed cube: no real cube has literals on all 32 variables.)
 */
static int irredundant(struct mn_ws *w, const uint64_t *on, size_t nw, struct mn_cubes *f)
{
	if (cube_order(w, f, 1))
		return -1;
	count_cover(w, on, nw, f);
	for (size_t k = 0; k < f->n; k++) {
		struct nlut_cube *c = &f->c[w->order[k]];
		uint64_t p = low_pattern(c->mask, c->value);
		int needed = 0;

		FOR_CUBE_WORDS(nw, c->mask, c->value, wi) {
			for (uint64_t b = on[wi] & p; b && !needed; b &= b - 1)
				needed = w->cnt[(wi << 6) | (size_t)__builtin_ctzll(b)] < 2;
			if (needed)
				break;
		}
		if (needed)
			continue;
		FOR_CUBE_WORDS(nw, c->mask, c->value, wi)
			for (uint64_t b = on[wi] & p; b; b &= b - 1)
				w->cnt[(wi << 6) | (size_t)__builtin_ctzll(b)]--;
		c->mask = UINT32_MAX;
	}
	drop_removed(f);
	return 0;
}

/*
 * Reduce: big cubes first, shrink each cube to the smallest cube holding
 * the on-set addresses only it covers (sequentially, so later cubes see the
 * earlier ones shrunk); a cube that covers nothing alone is dropped.
 */
static int reduce(struct mn_ws *w, const uint64_t *on, size_t nw, unsigned n,
		  struct mn_cubes *f)
{
	uint32_t vm = n >= 32 ? UINT32_MAX : (1u << n) - 1u;

	if (cube_order(w, f, 0))
		return -1;
	count_cover(w, on, nw, f);
	for (size_t k = 0; k < f->n; k++) {
		struct nlut_cube *c = &f->c[w->order[k]];
		uint64_t p = low_pattern(c->mask, c->value);
		uint32_t and_all = UINT32_MAX, or_all = 0;
		int any = 0;

		FOR_CUBE_WORDS(nw, c->mask, c->value, wi)
			for (uint64_t b = on[wi] & p; b; b &= b - 1) {
				size_t a = (wi << 6) | (size_t)__builtin_ctzll(b);

				if (w->cnt[a] == 1) {
					and_all &= (uint32_t)a;
					or_all |= (uint32_t)a;
					any = 1;
				}
			}
		uint32_t nm = any ? ~(and_all ^ or_all) & vm : 0, nv = and_all & nm;

		FOR_CUBE_WORDS(nw, c->mask, c->value, wi)
			for (uint64_t b = on[wi] & p; b; b &= b - 1) {
				size_t a = (wi << 6) | (size_t)__builtin_ctzll(b);

				if (!any || ((uint32_t)a & nm) != nv)
					w->cnt[a]--;
			}
		if (any) {
			c->mask = nm;
			c->value = nv;
		} else {
			c->mask = UINT32_MAX;
		}
	}
	drop_removed(f);
	return 0;
}

/*
 * Expand: big cubes first, raise literals while the cube stays off the
 * off-set. Literals shared by few other cubes go first, so the cube keeps
 * the literals many cubes have and may swallow them (irredundant then drops
 * them). round varies the tie order between rounds.
 */
static int expand(struct mn_ws *w, size_t nw, unsigned n, struct mn_cubes *f,
		  unsigned round)
{
	uint32_t col[NLUT_MAX_TABLE_BITS][2] = { { 0 } };

	if (cube_order(w, f, 0))
		return -1;
	for (size_t i = 0; i < f->n; i++)
		for (unsigned v = 0; v < n; v++)
			if (f->c[i].mask >> v & 1)
				col[v][f->c[i].value >> v & 1]++;
	for (size_t k = 0; k < f->n; k++) {
		struct nlut_cube *c = &f->c[w->order[k]];
		uint64_t key[NLUT_MAX_TABLE_BITS];
		unsigned nl = 0;

		for (unsigned v = 0; v < n; v++)
			if (c->mask >> v & 1) {
				unsigned tie = round & 1 ? n - 1 - v : v;

				key[nl++] = ((uint64_t)col[v][c->value >> v & 1] << 32) |
					    ((uint64_t)tie << 8) | v;
			}
		qsort(key, nl, sizeof(*key), cmp_u64);
		for (unsigned i = 0; i < nl; i++) {
			unsigned v = (unsigned)(key[i] & 0xff);
			uint32_t bit = 1u << v;

			if (cube_hits(w->off, nw, c->mask, c->value ^ bit))
				continue;
			col[v][c->value >> v & 1]--;
			c->mask &= ~bit;
			c->value &= ~bit;
		}
	}
	return 0;
}

static uint64_t literals(const struct mn_cubes *f)
{
	uint64_t n = 0;

	for (size_t i = 0; i < f->n; i++)
		n += (uint64_t)__builtin_popcount(f->c[i].mask);
	return n;
}

static int cubes_copy(struct mn_cubes *dst, const struct mn_cubes *src)
{
	if (dst->cap < src->n) {
		struct nlut_cube *c = realloc(dst->c, src->n * sizeof(*c));

		if (!c)
			return -1;
		dst->c = c;
		dst->cap = src->n;
	}
	if (src->n)
		memcpy(dst->c, src->c, src->n * sizeof(*dst->c));
	dst->n = src->n;
	return 0;
}

static void swap_cubes(struct mn_cubes *a, struct mn_cubes *b)
{
	struct mn_cubes t = *a;

	*a = *b;
	*b = t;
}

/* Replicate the low 2^n bits over the word (n < 6). */
static uint64_t replicate(uint64_t t, unsigned n)
{
	t &= (1ull << (1u << n)) - 1u;
	for (unsigned k = n; k < 6; k++)
		t |= t << (1u << k);
	return t;
}

int mn_minimise(struct mn_ws *w, const uint64_t *on, const uint64_t *upper, unsigned n,
		unsigned effort, const struct mn_cubes *init, struct mn_cubes *out, uint64_t *f)
{
	unsigned ne = n < 6 ? 6 : n;
	size_t nw = mn_words(ne);

	if (n > w->vars)
		return mn_fail(NLUT_ERROR_INVALID_PARAM, "%u variables, workspace has %u", n,
			       w->vars);
	if (n < 6) {
		w->on6[0] = replicate(on[0], n);
		w->up6[0] = replicate(upper[0], n);
		on = w->on6;
		upper = w->up6;
	}
	for (size_t i = 0; i < nw; i++) {
		if (on[i] & ~upper[i])
			return mn_fail(NLUT_ERROR_INVALID_PARAM,
				       "on-set not inside the upper bound (word %zu)", i);
		w->off[i] = ~upper[i];
	}
	out->n = 0;
	out->oom = 0;
	if (init) {
		if (cubes_copy(out, init))
			out->oom = 1;
	} else {
		isop(w, on, upper, w->r, ne - 6, 0, 0, out);
	}
	if (out->oom)
		return mn_fail(NLUT_ERROR_NO_MEM, "cover of %zu cubes", out->n);

	/* Counts are 16 bits: past 65535 cubes keep the ISOP cover as it is. */
	if (out->n >= 1 && out->n < 65535) {
		if (expand(w, nw, n, out, 0) || irredundant(w, on, nw, out))
			return mn_fail(NLUT_ERROR_NO_MEM, "cover of %zu cubes", out->n);
		for (unsigned r = 1; r <= effort && out->n > 1; r++) {
			struct mn_cubes *t = &w->trial;

			if (cubes_copy(t, out) || reduce(w, on, nw, n, t) ||
			    expand(w, nw, n, t, r) || irredundant(w, on, nw, t))
				return mn_fail(NLUT_ERROR_NO_MEM, "cover of %zu cubes", out->n);
			uint64_t lt = literals(t), lo = literals(out);

			if (t->n > out->n || (t->n == out->n && lt >= lo))
				break;
			swap_cubes(t, out);
		}
	}

	/* The exactness check: on <= cover <= upper. */
	uint64_t *r = w->r;

	memset(r, 0, nw * sizeof(*r));
	for (size_t i = 0; i < out->n; i++) {
		uint64_t p = low_pattern(out->c[i].mask, out->c[i].value);

		FOR_CUBE_WORDS(nw, out->c[i].mask, out->c[i].value, wi)
			r[wi] |= p;
	}
	for (size_t i = 0; i < nw; i++)
		if ((on[i] & ~r[i]) || (r[i] & ~upper[i]))
			return mn_fail(NLUT_ERROR_OTHER,
				       "internal error: cover of %zu cubes is wrong in word %zu",
				       out->n, i);
	if (f)
		memcpy(f, r, nw * sizeof(*r));
	return NLUT_SUCCESS;
}
