/* test_minimise.c - the two-level minimiser: covers exact on the care set
 * for random tables, known functions, and whole models with and without
 * dataset don't-cares (same identity; same activations on the care data). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <nlut/nlut.h>
#include <nlut/minimise.h>

#include "random_model.h"
#include "test_seed.h"

static uint64_t seed;

static int setup(void **state)
{
	seed = test_seed("minimise");
	return 0;
}

/* Structural checks of a cover of n variables. */
static void check_cover_shape(const struct nlut_cover *c, unsigned n)
{
	uint64_t lits = 0;

	assert_int_equal(c->n_vars, n);
	for (uint32_t i = 0; i < c->n_cubes; i++) {
		assert_int_equal(c->cubes[i].value & ~c->cubes[i].mask, 0);
		assert_int_equal(c->cubes[i].mask >> n, 0);
		lits += (uint64_t)__builtin_popcount(c->cubes[i].mask);
	}
	assert_true(lits == c->n_literals);
}

/* Random tables with random care sets of every density: the cover equals
 * the table bit at every care address. */
static void covers_exact_on_care_set(void **state)
{
	uint64_t s = seed;

	for (int it = 0; it < 400; it++) {
		unsigned n = rm_below(&s, 13), w = 1 + rm_below(&s, 16);
		unsigned bit = rm_below(&s, w), dens = rm_below(&s, 101);
		unsigned care_pct = (unsigned[]){ 0, 5, 30, 70, 100 }[rm_below(&s, 5)];
		size_t na = (size_t)1 << n;
		uint16_t *t = malloc(na * sizeof(*t));
		uint8_t *care = malloc(na);
		struct nlut_min_opts o;
		struct nlut_cover *c;

		nlut_min_opts_init(&o);
		o.effort = rm_below(&s, 5);
		/* Structured tables too: a random function of a few variables. */
		unsigned dep = rm_below(&s, 3) ? n : rm_below(&s, n + 1);

		for (size_t a = 0; a < na; a++) {
			uint16_t v = (uint16_t)(rm_next(&s) & ((1u << w) - 1u));

			if (rm_below(&s, 100) < dens)
				v |= (uint16_t)(1u << bit);
			else
				v &= (uint16_t)~(1u << bit);
			if (dep < n && (a >> dep))
				v = t[a & ((1u << dep) - 1u)];
			t[a] = v;
			care[a] = rm_below(&s, 100) < care_pct;
		}
		const uint8_t *cp = rm_below(&s, 4) ? care : NULL;

		assert_int_equal(nlut_min_cover_table(t, n, bit, cp, &o, &c), 0);
		check_cover_shape(c, n);
		for (size_t a = 0; a < na; a++)
			if (!cp || cp[a]) {
				if (nlut_cover_eval(c, (uint32_t)a) != (t[a] >> bit & 1))
					fail_msg("it %d n %u bit %u address %zu: cover %d, table %d",
						 it, n, bit, a, nlut_cover_eval(c, (uint32_t)a),
						 t[a] >> bit & 1);
			}
		/* No care address at all: the empty cover. */
		if (cp && care_pct == 0)
			assert_int_equal(c->n_cubes, 0);
		nlut_cover_free(c);
		free(t);
		free(care);
	}
}

/* One 16-variable table: the size the design notes call typical. */
static void cover_of_a_16_bit_table(void **state)
{
	uint64_t s = seed ^ 16;
	size_t na = 1u << 16;
	uint16_t *t = malloc(na * sizeof(*t));
	uint8_t *care = malloc(na);
	struct nlut_cover *c;

	/* A threshold of a weighted sum, like a trained neuron, seen on 10%. */
	for (size_t a = 0; a < na; a++) {
		int sum = 0;

		for (unsigned k = 0; k < 8; k++)
			sum += (int)((a >> (2 * k)) & 3) * (int)(k + 1) * ((k & 1) ? -1 : 1);
		t[a] = sum > 0;
		care[a] = rm_below(&s, 10) == 0;
	}
	for (int pass = 0; pass < 2; pass++) {
		assert_int_equal(nlut_min_cover_table(t, 16, 0, pass ? care : NULL, NULL, &c), 0);
		check_cover_shape(c, 16);
		for (size_t a = 0; a < na; a++)
			if (!pass || care[a])
				assert_int_equal(nlut_cover_eval(c, (uint32_t)a), t[a]);
		nlut_cover_free(c);
	}
	free(t);
	free(care);
}

static uint32_t cubes_of(const uint16_t *t, unsigned n, const uint8_t *care, uint64_t *lits)
{
	struct nlut_cover *c;
	uint32_t k;

	assert_int_equal(nlut_min_cover_table(t, n, 0, care, NULL, &c), 0);
	k = c->n_cubes;
	if (lits)
		*lits = c->n_literals;
	nlut_cover_free(c);
	return k;
}

static void known_functions(void **state)
{
	uint16_t t[1u << 10];
	uint8_t care[1u << 10];
	uint64_t lits;

	/* Parity of n variables: 2^(n-1) minterms, none adjacent. */
	for (unsigned n = 1; n <= 10; n++) {
		for (unsigned a = 0; a < (1u << n); a++)
			t[a] = (uint16_t)(__builtin_popcount(a) & 1);
		assert_int_equal(cubes_of(t, n, NULL, &lits), 1u << (n - 1));
		assert_true(lits == (uint64_t)n << (n - 1));
	}
	/* Constants. */
	memset(t, 0, sizeof(t));
	assert_int_equal(cubes_of(t, 8, NULL, NULL), 0);
	for (unsigned a = 0; a < 256; a++)
		t[a] = 1;
	assert_int_equal(cubes_of(t, 8, NULL, &lits), 1);
	assert_true(lits == 0);
	/* x0 AND x1, x0 OR x1, x2 AND NOT x5 over 6 variables. */
	for (unsigned a = 0; a < 64; a++)
		t[a] = (a & 3) == 3;
	assert_int_equal(cubes_of(t, 6, NULL, &lits), 1);
	assert_true(lits == 2);
	for (unsigned a = 0; a < 64; a++)
		t[a] = (a & 3) != 0;
	assert_int_equal(cubes_of(t, 6, NULL, &lits), 2);
	assert_true(lits == 2);
	for (unsigned a = 0; a < 1024; a++)
		t[a] = (a >> 2 & 1) && !(a >> 5 & 1);
	struct nlut_cover *c;

	assert_int_equal(nlut_min_cover_table(t, 10, 0, NULL, NULL, &c), 0);
	assert_int_equal(c->n_cubes, 1);
	assert_int_equal(c->cubes[0].mask, (1u << 2) | (1u << 5));
	assert_int_equal(c->cubes[0].value, 1u << 2);
	nlut_cover_free(c);
	/* Don't-cares: one care 1 and everything else free is the constant 1;
	 * parity with the odd half free is the constant 0. */
	memset(care, 0, sizeof(care));
	t[17] = 1;
	care[17] = 1;
	assert_int_equal(cubes_of(t, 10, care, &lits), 1);
	assert_true(lits == 0);
	for (unsigned a = 0; a < 1024; a++) {
		t[a] = (uint16_t)(__builtin_popcount(a) & 1);
		care[a] = !t[a];
	}
	assert_int_equal(cubes_of(t, 10, care, NULL), 0);
	/* A 4-input majority: 4 cubes of 3 literals (the minimum). */
	for (unsigned a = 0; a < 16; a++)
		t[a] = __builtin_popcount(a) >= 3;
	assert_int_equal(cubes_of(t, 4, NULL, &lits), 4);
	assert_true(lits == 12);
}

static void bad_arguments(void **state)
{
	uint16_t t[4] = { 0, 1, 1, 0 };
	struct nlut_cover *c = (void *)1;

	assert_int_equal(nlut_min_cover_table(NULL, 2, 0, NULL, NULL, &c), NLUT_ERROR_INVALID_PARAM);
	assert_null(c);
	assert_true(nlut_min_error_detail()[0] != '\0');
	assert_int_equal(nlut_min_cover_table(t, 25, 0, NULL, NULL, &c), NLUT_ERROR_INVALID_PARAM);
	assert_int_equal(nlut_min_cover_table(t, 2, 16, NULL, NULL, &c), NLUT_ERROR_INVALID_PARAM);
	assert_int_equal(nlut_min_cover(NULL, 0, NULL, &c), NLUT_ERROR_INVALID_PARAM);
	assert_int_equal(nlut_minimise_model(NULL, NULL, NULL, (nlut_model **)&c, NULL),
			 NLUT_ERROR_INVALID_PARAM);
	assert_int_equal(nlut_cover_eval(NULL, 0), 0);
}

/* Small random models (tables up to 2^12) with adder neurons. */
static nlut_model *small_model(uint64_t s, struct rm_spec *sp)
{
	sp->n_inputs = 2 + rm_below(&s, 12);
	sp->in_bits = (uint8_t)(1 + rm_below(&s, 3));
	sp->n_layers = 1 + rm_below(&s, 3);
	for (uint32_t l = 0; l < sp->n_layers; l++) {
		sp->width[l] = 2 + rm_below(&s, 8);
		sp->fan_in[l] = 1 + rm_below(&s, 4);
		sp->out_bits[l] = (uint8_t)(1 + rm_below(&s, 3));
	}
	sp->adder_pct = rm_below(&s, 2) ? 30 : 0;
	sp->dense_pct = 0; /* the minimiser refuses LUT-Dense neurons */
	sp->dense_fan_in = 0;
	/* Keep tables small: the builder cuts fan-in to 16 address bits. */
	for (uint32_t l = 0; l < sp->n_layers; l++) {
		unsigned in = l ? sp->out_bits[l - 1] : sp->in_bits;

		while (sp->fan_in[l] > 1 && sp->fan_in[l] * in > 12)
			sp->fan_in[l]--;
	}
	return rm_build(sp, s);
}

static void no_dont_cares_keep_the_identity(void **state)
{
	for (int i = 0; i < 20; i++) {
		struct rm_spec sp;
		nlut_model *m = small_model(seed * 31u + (uint64_t)i, &sp), *nm;
		struct nlut_min_stats st;
		char id0[NLUT_ID_STR_SIZE], id1[NLUT_ID_STR_SIZE];

		assert_non_null(m);
		assert_int_equal(nlut_model_set_meta(m, "name", "x"), 0);
		assert_int_equal(nlut_minimise_model(m, NULL, NULL, &nm, &st), 0);
		assert_int_equal(nlut_model_id(m, id0), 0);
		assert_int_equal(nlut_model_id(nm, id1), 0);
		assert_string_equal(id0, id1);
		assert_string_equal(nlut_model_meta(nm, "name"), "x");
		assert_true(st.total.dont_care == 0 && st.total.changed == 0);
		assert_true(st.total.entries == nlut_model_table_entries(m));
		assert_true(st.total.cubes_after == st.total.cubes_before);
		assert_int_equal(st.n_layers, nlut_model_num_layers(m));
		nlut_model_free(nm);
		nlut_model_free(m);
	}
}

/* Every neuron's output on every care vector is the same in both models. */
static void same_trace(const nlut_model *a, const nlut_model *b, size_t n,
		       const uint16_t *codes)
{
	nlut_golden *ga, *gb;

	assert_int_equal(nlut_golden_new(a, &ga), 0);
	assert_int_equal(nlut_golden_new(b, &gb), 0);
	uint32_t nn = nlut_golden_num_neurons(ga), ni = nlut_model_num_inputs(a);
	uint16_t *ta = malloc(nn * sizeof(*ta)), *tb = malloc(nn * sizeof(*tb));

	for (size_t v = 0; v < n; v++) {
		assert_int_equal(nlut_golden_trace(ga, codes + v * ni, ta), 0);
		assert_int_equal(nlut_golden_trace(gb, codes + v * ni, tb), 0);
		for (uint32_t k = 0; k < nn; k++)
			if (ta[k] != tb[k])
				fail_msg("vector %zu neuron %u: %u before, %u after", v, k, ta[k],
					 tb[k]);
	}
	free(ta);
	free(tb);
	nlut_golden_free(ga);
	nlut_golden_free(gb);
}

static int same_table(const uint16_t *a, const uint16_t *b, uint32_t bits)
{
	return !memcmp(a, b, ((size_t)1 << bits) * sizeof(*a));
}

static int same_layer(const struct nlut_layer *a, const struct nlut_layer *b)
{
	for (uint32_t k = 0; k < a->n_neurons; k++) {
		const struct nlut_neuron *x = &a->neurons[k], *y = &b->neurons[k];

		if (!same_table(x->table, y->table, x->addr_bits))
			return 0;
		for (uint32_t t = 0; x->kind == NLUT_NEURON_ADDER && t < x->n_sub; t++)
			if (!same_table(x->sub[t].table, y->sub[t].table, x->sub[t].addr_bits))
				return 0;
	}
	return 1;
}

static void dataset_dont_cares_keep_the_care_data(void **state)
{
	uint64_t cubes_before = 0, cubes_after = 0, changed = 0, dont_care = 0;

	for (int i = 0; i < 20; i++) {
		struct rm_spec sp;
		uint64_t s = seed * 131u + (uint64_t)i;
		nlut_model *m = small_model(s, &sp), *nm, *nm2;
		nlut_min_care *care;
		struct nlut_min_opts o;
		struct nlut_min_stats st;
		size_t n = 1 + rm_below(&s, 400);
		uint32_t ni = nlut_model_num_inputs(m);
		uint16_t *codes = malloc(n * ni * sizeof(*codes));

		rm_codes(m, s, n, codes);
		assert_int_equal(nlut_min_care_new(m, &care), 0);
		assert_int_equal(nlut_min_care_add_codes(care, n, codes, 1), 0);
		/* Every table read once per vector. */
		for (uint32_t l = 0; l < nlut_model_num_layers(m); l++)
			for (uint32_t k = 0; k < nlut_model_layer(m, l)->n_neurons; k++) {
				const struct nlut_neuron *ne = &nlut_model_layer(m, l)->neurons[k];
				uint64_t sum = 0;

				for (uint32_t a = 0; a < (1u << ne->addr_bits); a++)
					sum += nlut_min_care_count(care, l, k, 0, a);
				assert_true(sum == n);
			}
		nlut_min_opts_init(&o);
		/* The default keeps the last layer (class scores) as it is. */
		assert_int_equal(nlut_minimise_model(m, care, &o, &nm, NULL), 0);
		uint32_t last = nlut_model_num_layers(m) - 1;

		assert_true(same_layer(nlut_model_layer(m, last), nlut_model_layer(nm, last)));
		nlut_model_free(nm);
		o.layers = UINT64_MAX;
		o.fill = i & 1 ? NLUT_MIN_FILL_COVER : NLUT_MIN_FILL_MERGE;
		o.threads = 1 + rm_below(&s, 3);
		assert_int_equal(nlut_minimise_model(m, care, &o, &nm, &st), 0);
		same_trace(m, nm, n, codes);
		cubes_before += st.total.cubes_before;
		cubes_after += st.total.cubes_after;
		changed += st.total.changed;
		dont_care += st.total.dont_care;
		assert_true(st.total.changed <= st.total.dont_care);

		/* The thread count does not change the result. */
		o.threads = 1;
		assert_int_equal(nlut_minimise_model(m, care, &o, &nm2, NULL), 0);
		char id1[NLUT_ID_STR_SIZE], id2[NLUT_ID_STR_SIZE];

		assert_int_equal(nlut_model_id(nm, id1), 0);
		assert_int_equal(nlut_model_id(nm2, id2), 0);
		assert_string_equal(id1, id2);
		nlut_model_free(nm2);

		/* min_count: entries seen that often are kept, the rest may move;
		 * radius 1: so are their neighbours one code step away. */
		o.min_count = 2 + rm_below(&s, 3);
		o.radius = 1;
		assert_int_equal(nlut_minimise_model(m, care, &o, &nm2, NULL), 0);
		for (uint32_t l = 0; l < nlut_model_num_layers(m); l++)
			for (uint32_t k = 0; k < nlut_model_layer(m, l)->n_neurons; k++) {
				const struct nlut_neuron *a = &nlut_model_layer(m, l)->neurons[k];
				const struct nlut_neuron *b = &nlut_model_layer(nm2, l)->neurons[k];

				if (a->kind != NLUT_NEURON_TABLE)
					continue;
				for (uint32_t x = 0; x < (1u << a->addr_bits); x++) {
					if (nlut_min_care_count(care, l, k, 0, x) < o.min_count)
						continue;
					unsigned sh = 0;

					for (uint32_t p = 0; p < a->fan_in; sh += a->src_bits[p++]) {
						uint32_t code = x >> sh & ((1u << a->src_bits[p]) - 1u);

						if (code > 0)
							assert_int_equal(a->table[x - (1u << sh)],
									 b->table[x - (1u << sh)]);
						if (code + 1 < (1u << a->src_bits[p]))
							assert_int_equal(a->table[x + (1u << sh)],
									 b->table[x + (1u << sh)]);
					}
				}
			}
		nlut_model_free(nm2);
		o.radius = 0;
		assert_int_equal(nlut_minimise_model(m, care, &o, &nm2, NULL), 0);
		for (uint32_t l = 0; l < nlut_model_num_layers(m); l++)
			for (uint32_t k = 0; k < nlut_model_layer(m, l)->n_neurons; k++) {
				const struct nlut_neuron *a = &nlut_model_layer(m, l)->neurons[k];
				const struct nlut_neuron *b = &nlut_model_layer(nm2, l)->neurons[k];

				for (uint32_t x = 0; x < (1u << a->addr_bits); x++)
					if (nlut_min_care_count(care, l, k, 0, x) >= o.min_count)
						assert_int_equal(a->table[x], b->table[x]);
				for (uint32_t t = 0; a->kind == NLUT_NEURON_ADDER && t < a->n_sub; t++)
					for (uint32_t x = 0; x < (1u << a->sub[t].addr_bits); x++)
						if (nlut_min_care_count(care, l, k, 1 + t, x) >= o.min_count)
							assert_int_equal(a->sub[t].table[x],
									 b->sub[t].table[x]);
			}
		nlut_model_free(nm2);
		nlut_model_free(nm);
		nlut_min_care_free(care);
		free(codes);
		nlut_model_free(m);
	}
	/* Random tables seen on a few hundred vectors: most entries are free. */
	assert_true(dont_care > 0 && changed > 0);
	assert_true(cubes_after < cubes_before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(covers_exact_on_care_set),
		cmocka_unit_test(cover_of_a_16_bit_table),
		cmocka_unit_test(known_functions),
		cmocka_unit_test(bad_arguments),
		cmocka_unit_test(no_dont_cares_keep_the_identity),
		cmocka_unit_test(dataset_dont_cares_keep_the_care_data),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
