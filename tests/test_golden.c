/* test_golden.c - the golden model on hand-computed nets and on random nets
 * against the naive reference evaluator; batch, threads, floats, traces. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <nlut/nlut.h>

#include "random_model.h"
#include "ref_eval.h"
#include "test_seed.h"

static uint64_t seed;

/*
 * Hand-computed: 3 inputs of 2 bits. Layer 0: n0 = a + b (3 bits, table over
 * a|b<<2), n1 = max(b, c) (2 bits). Layer 1 (scores): s0 = n0, s1 = 2*n1
 * (3 bits), s2 = adder: (a+b) - max(b,c) via sub-tables, clamped at 0.
 */
static nlut_model *hand_model(void)
{
	struct nlut_quant q[3] = { { 2, 0, 1 }, { 2, 0, 1 }, { 2, 0, 1 } };
	nlut_model *m;
	uint16_t t0[16], t1[16], s0[8], s1[4], o2[64];
	uint32_t src0[2] = { 0, 1 }, src1[2] = { 1, 2 }, id0[1] = { 0 }, id1[1] = { 1 };
	uint32_t src2[2] = { 0, 1 }, sub_n[2] = { 1, 1 }, sub_in[2] = { 0, 1 };

	assert_int_equal(nlut_model_new(3, q, &m), 0);
	assert_int_equal(nlut_model_add_layer(m, 2), 0);
	assert_int_equal(nlut_model_add_layer(m, 3), 1);
	for (unsigned a = 0; a < 16; a++) {
		t0[a] = (uint16_t)((a & 3) + (a >> 2));
		t1[a] = (uint16_t)((a & 3) > (a >> 2) ? (a & 3) : (a >> 2));
	}
	assert_int_equal(nlut_model_set_neuron(m, 0, 0, 2, src0, 3, t0), 0);
	assert_int_equal(nlut_model_set_neuron(m, 0, 1, 2, src1, 2, t1), 0);
	uint16_t idt[8], dbl[4];

	for (unsigned a = 0; a < 8; a++)
		idt[a] = (uint16_t)a;
	for (unsigned a = 0; a < 4; a++)
		dbl[a] = (uint16_t)(2 * a);
	assert_int_equal(nlut_model_set_neuron(m, 1, 0, 1, id0, 3, idt), 0);
	assert_int_equal(nlut_model_set_neuron(m, 1, 1, 1, id1, 3, dbl), 0);
	/* Adder: sub 0 = n0 as a 5-bit signed value, sub 1 = -n1; sum is 6
	 * bits; output = max(sum, 0) in 3 bits. */
	for (unsigned a = 0; a < 8; a++)
		s0[a] = (uint16_t)a;
	for (unsigned a = 0; a < 4; a++)
		s1[a] = (uint16_t)((32 - a) & 31);
	for (unsigned a = 0; a < 64; a++) {
		int v = a >= 32 ? (int)a - 64 : (int)a;

		o2[a] = (uint16_t)(v > 7 ? 7 : v > 0 ? v : 0); /* only -3..6 occur */
	}
	const uint16_t *subs[2] = { s0, s1 };

	assert_int_equal(nlut_model_set_neuron_adder(m, 1, 2, 2, src2, 3, 5, 2, sub_n, sub_in,
						     subs, o2), 0);
	return m;
}

static void hand_computed_net(void **state)
{
	nlut_model *m = hand_model();
	nlut_golden *g;

	assert_int_equal(nlut_golden_new(m, &g), 0);
	assert_int_equal(nlut_golden_num_neurons(g), 5);
	for (unsigned v = 0; v < 64; v++) {
		uint16_t c[3] = { (uint16_t)(v & 3), (uint16_t)((v >> 2) & 3), (uint16_t)(v >> 4) };
		unsigned n0 = c[0] + c[1], n1 = c[1] > c[2] ? c[1] : c[2];
		int d = (int)n0 - (int)n1;
		unsigned exp[3] = { n0, 2 * n1, (unsigned)(d > 0 ? d : 0) };
		uint16_t sc[3], tr[5];
		uint32_t cls, best = 0;

		for (unsigned k = 1; k < 3; k++)
			if (exp[k] > exp[best])
				best = k;
		assert_int_equal(nlut_golden_eval(g, c, sc, &cls), 0);
		for (unsigned k = 0; k < 3; k++)
			assert_int_equal(sc[k], exp[k]);
		assert_int_equal(cls, best);
		assert_int_equal(ref_eval(m, c, NULL), best);
		assert_int_equal(nlut_golden_trace(g, c, tr), 0);
		assert_int_equal(tr[0], n0);
		assert_int_equal(tr[1], n1);
		assert_int_equal(tr[4], exp[2]);
	}
	nlut_golden_free(g);
	nlut_model_free(m);
}

static void argmax_ties_go_to_lowest_index(void **state)
{
	uint16_t s[5] = { 3, 7, 7, 1, 7 }, z[3] = { 0, 0, 0 };

	assert_int_equal(nlut_argmax(s, 5), 1);
	assert_int_equal(nlut_argmax(z, 3), 0);
	assert_int_equal(nlut_argmax(s + 3, 2), 1);
}

/* group: decode by group sums over a random divisor of the last layer;
 * dense: LUT-Dense neurons (format 1.3) among the others. */
static void random_nets_check(int group, int dense)
{
	for (int i = 0; i < 300; i++) {
		struct rm_spec sp;
		uint64_t s = seed * 7919u + (uint64_t)i;

		rm_random_spec(&sp, s);
		sp.dense_pct = dense ? 40 : 0;
		if (group) /* sums of up to 20 outputs of up to 8 bits fit 16 */
			sp.out_bits[sp.n_layers - 1] = (uint8_t)(1 + sp.out_bits[sp.n_layers - 1] % 8);
		nlut_model *m = rm_build(&sp, s);
		nlut_golden *g;

		assert_non_null(m);
		if (group) {
			uint32_t w = sp.width[sp.n_layers - 1], d;

			do
				d = 1 + rm_below(&s, w);
			while (w % d);
			assert_int_equal(nlut_model_set_group_sum(m, d), 0);
			assert_int_equal(nlut_model_num_classes(m), d);
		}
		assert_int_equal(nlut_golden_new(m, &g), 0);
		size_t n = 1 + rm_below(&s, 300);
		uint32_t ni = sp.n_inputs, nc = nlut_model_num_classes(m);
		uint16_t *codes = malloc(n * ni * sizeof(*codes));
		uint16_t *sc = malloc(n * nc * sizeof(*sc)), *rs = malloc(nc * sizeof(*rs));
		uint32_t *cls = malloc(n * sizeof(*cls));

		rm_codes(m, s, n, codes);
		assert_int_equal(nlut_golden_eval_batch(g, n, codes, sc, cls, 1), 0);
		for (size_t v = 0; v < n; v++) {
			uint32_t rc = ref_eval(m, codes + v * ni, rs);

			if (rc != cls[v] || memcmp(rs, sc + v * nc, nc * sizeof(*rs)))
				fail_msg("model seed %llu vector %zu: golden class %u, reference %u",
					 (unsigned long long)(seed * 7919u + (uint64_t)i), v, cls[v], rc);
		}
		free(codes);
		free(sc);
		free(rs);
		free(cls);
		nlut_golden_free(g);
		nlut_model_free(m);
	}
}

static void random_nets_match_reference(void **state)
{
	random_nets_check(0, 0);
}

/* LUT-Dense neurons (wide fan-in, read widths, bias, shift, clamp) against
 * the reference's literal division. */
static void random_dense_nets_match_reference(void **state)
{
	random_nets_check(0, 1);
}

/* Format 1.1 group-sum decoding against the reference's literal sums. */
static void random_group_sum_nets_match_reference(void **state)
{
	random_nets_check(1, 0);
}

static void threads_and_single_agree_with_batch(void **state)
{
	struct rm_spec sp;
	nlut_model *m;
	nlut_golden *g;
	size_t n = 50000 + 37;

	rm_jsc2l_spec(&sp);
	sp.adder_pct = 30;
	m = rm_build(&sp, seed);
	assert_int_equal(nlut_golden_new(m, &g), 0);
	/* The evaluator is independent of the model once built. */
	nlut_model *keep;

	assert_int_equal(nlut_model_clone(m, &keep), 0);
	nlut_model_free(m);
	uint16_t *codes = malloc(n * 16 * sizeof(*codes)), *s1 = malloc(n * 5 * 2), *s4 = malloc(n * 5 * 2);
	uint32_t *c1 = malloc(n * 4), *c4 = malloc(n * 4), *c0 = malloc(n * 4);

	rm_codes(keep, seed, n, codes);
	assert_int_equal(nlut_golden_eval_batch(g, n, codes, s1, c1, 1), 0);
	assert_int_equal(nlut_golden_eval_batch(g, n, codes, s4, c4, 4), 0);
	assert_int_equal(nlut_golden_eval_batch(g, n, codes, NULL, c0, 0), 0);
	assert_memory_equal(s1, s4, n * 5 * 2);
	assert_memory_equal(c1, c4, n * 4);
	assert_memory_equal(c1, c0, n * 4);
	for (size_t v = 0; v < n; v += 997) {
		uint16_t sc[5];
		uint32_t c;

		assert_int_equal(nlut_golden_eval(g, codes + v * 16, sc, &c), 0);
		assert_int_equal(c, c1[v]);
		assert_memory_equal(sc, s1 + v * 5, sizeof(sc));
		assert_int_equal(ref_eval(keep, codes + v * 16, NULL), c);
	}
	free(codes);
	free(s1);
	free(s4);
	free(c1);
	free(c4);
	free(c0);
	nlut_golden_free(g);
	nlut_model_free(keep);
}

static void floats_go_through_the_quantisers(void **state)
{
	struct rm_spec sp;
	nlut_model *m;
	nlut_golden *g;
	size_t n = 9000;
	uint64_t s = seed;

	rm_jsc2l_spec(&sp);
	m = rm_build(&sp, seed);
	assert_int_equal(nlut_golden_new(m, &g), 0);
	float *x = malloc(n * 16 * sizeof(*x));
	uint16_t *codes = malloc(n * 16 * sizeof(*codes));
	uint32_t *cf = malloc(n * 4), *cc = malloc(n * 4);

	for (size_t i = 0; i < n * 16; i++)
		x[i] = (float)rm_below(&s, 4000) / 100.0f - 10.0f;
	for (size_t v = 0; v < n; v++)
		nlut_model_quantize(m, x + v * 16, codes + v * 16);
	assert_int_equal(nlut_golden_eval_float_batch(g, n, x, NULL, cf, 2), 0);
	assert_int_equal(nlut_golden_eval_batch(g, n, codes, NULL, cc, 1), 0);
	assert_memory_equal(cf, cc, n * 4);
	free(x);
	free(codes);
	free(cf);
	free(cc);
	nlut_golden_free(g);
	nlut_model_free(m);
}

static void out_of_range_code_is_an_error(void **state)
{
	struct rm_spec sp;
	nlut_model *m;
	nlut_golden *g;
	size_t n = 20000;

	rm_jsc2l_spec(&sp);
	m = rm_build(&sp, seed);
	assert_int_equal(nlut_golden_new(m, &g), 0);
	uint16_t *codes = calloc(n * 16, sizeof(*codes));
	uint32_t *cls = malloc(n * 4);

	codes[12345 * 16 + 7] = 16; /* inputs are 4 bits */
	assert_int_equal(nlut_golden_eval_batch(g, n, codes, NULL, cls, 2), NLUT_ERROR_INVALID_PARAM);
	assert_non_null(strstr(nlut_error_detail(), "vector 12345 feature 7"));
	assert_int_equal(nlut_golden_eval(g, codes + 12345 * 16, NULL, cls), NLUT_ERROR_INVALID_PARAM);
	assert_int_equal(nlut_golden_eval_batch(g, n, codes, NULL, NULL, 1), NLUT_ERROR_INVALID_PARAM);
	free(codes);
	free(cls);
	nlut_golden_free(g);
	nlut_model_free(m);
}

static int setup(void **state)
{
	seed = test_seed("golden");
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hand_computed_net),
		cmocka_unit_test(argmax_ties_go_to_lowest_index),
		cmocka_unit_test(random_nets_match_reference),
		cmocka_unit_test(random_group_sum_nets_match_reference),
		cmocka_unit_test(random_dense_nets_match_reference),
		cmocka_unit_test(threads_and_single_agree_with_batch),
		cmocka_unit_test(floats_go_through_the_quantisers),
		cmocka_unit_test(out_of_range_code_is_an_error),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
