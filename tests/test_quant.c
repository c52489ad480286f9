/* test_quant.c - the float -> code rule of docs/model-format.md at its edges
 * and against an independent formulation on many random values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <math.h>
#include <float.h>

#include <cmocka.h>

#include <nlut/nlut.h>

#include "random_model.h"
#include "ref_eval.h"
#include "test_seed.h"

static uint64_t seed;

static void documented_examples(void **state)
{
	struct nlut_quant q = { 4, 0.0f, 1.0f };

	assert_int_equal(nlut_quant_code(&q, 0.5f), 0);
	assert_int_equal(nlut_quant_code(&q, 1.5f), 2);
	assert_int_equal(nlut_quant_code(&q, 2.5f), 2);
	assert_int_equal(nlut_quant_code(&q, 3.5f), 4);
	assert_int_equal(nlut_quant_code(&q, -3.0f), 0);
	assert_int_equal(nlut_quant_code(&q, 14.5f), 14);
	assert_int_equal(nlut_quant_code(&q, 14.6f), 15);
	assert_int_equal(nlut_quant_code(&q, 99.0f), 15);
	assert_int_equal(nlut_quant_code(&q, NAN), 0);
	assert_int_equal(nlut_quant_code(&q, INFINITY), 15);
	assert_int_equal(nlut_quant_code(&q, -INFINITY), 0);
	assert_int_equal(nlut_quant_code(&q, -0.0f), 0);
	assert_int_equal(nlut_quant_code(&q, 0.50000006f), 1); /* next float above 0.5 */
	assert_int_equal(nlut_quant_code(&q, 1.4999999f), 1);
}

static void widths_one_and_sixteen(void **state)
{
	struct nlut_quant q1 = { 1, 0.0f, 1.0f }, q16 = { 16, 0.0f, 1.0f };

	assert_int_equal(nlut_quant_code(&q1, 0.49f), 0);
	assert_int_equal(nlut_quant_code(&q1, 0.51f), 1);
	assert_int_equal(nlut_quant_code(&q1, 1e30f), 1);
	assert_int_equal(nlut_quant_code(&q16, 65534.5f), 65534);
	assert_int_equal(nlut_quant_code(&q16, 65535.0f), 65535);
	assert_int_equal(nlut_quant_code(&q16, 1e9f), 65535);
	assert_int_equal(nlut_quant_code(&q16, 32767.5f), 32768);
	assert_int_equal(nlut_quant_code(&q16, 32768.5f), 32768);
}

static void offset_and_scale_are_binary32_steps(void **state)
{
	/* (x - offset) rounds in binary32 before the multiply: 0.1f - 0.3f is
	 * not -0.2 exactly, and the product with scale 5 must follow that. */
	struct nlut_quant q = { 8, 0.3f, 5.0f };
	float d = 1.0f - 0.3f, t = d * 5.0f;

	assert_int_equal(nlut_quant_code(&q, 1.0f), (uint16_t)rintf(t));
	q = (struct nlut_quant){ 8, -1.0f, 2.5f };
	assert_int_equal(nlut_quant_code(&q, 0.0f), 2);  /* 2.5 -> 2 */
	assert_int_equal(nlut_quant_code(&q, 0.2f), 3);  /* 3.0 */
	assert_int_equal(nlut_quant_code(&q, 0.4f), 4);  /* 3.5 -> 4 */
}

static float random_float(uint64_t *s)
{
	switch (rm_below(s, 6)) {
	case 0: { /* any bit pattern */
		uint32_t v = (uint32_t)rm_next(s);
		float f;

		memcpy(&f, &v, 4);
		return f;
	}
	case 1: /* exact halves: the ties */
		return (float)rm_below(s, 140000) * 0.5f - 2000.0f;
	case 2:
		return (float)((double)(rm_next(s) >> 11) / 9007199254740992.0 * 300.0 - 20.0);
	case 3:
		return nextafterf((float)rm_below(s, 300) + 0.5f, rm_below(s, 2) ? INFINITY : -INFINITY);
	case 4:
		return (float)rm_below(s, 70000);
	default:
		return (float)((double)(rm_next(s) >> 11) / 9007199254740992.0 * 2.0 - 1.0);
	}
}

static void agrees_with_independent_rule(void **state)
{
	uint64_t s = seed;

	for (long i = 0; i < 2000000; i++) {
		struct nlut_quant q;
		float x = random_float(&s);

		q.bits = (uint8_t)(1 + rm_below(&s, 16));
		q.offset = rm_below(&s, 2) ? 0.0f : random_float(&s);
		q.scale = rm_below(&s, 2) ? 1.0f : (float)(rm_below(&s, 1000) + 1) / 37.0f;
		if (!isfinite(q.offset))
			q.offset = 0.0f;
		uint16_t a = nlut_quant_code(&q, x), b = ref_quant(&q, x);

		if (a != b)
			fail_msg("bits %u offset %a scale %a x %a: %u vs reference %u", q.bits,
				 (double)q.offset, (double)q.scale, (double)x, a, b);
	}
}

static void model_quantize_uses_each_feature_rule(void **state)
{
	struct rm_spec sp;
	nlut_model *m;
	float x[16];
	uint16_t c[16];
	uint64_t s = seed;

	rm_jsc2l_spec(&sp);
	m = rm_build(&sp, seed);
	for (int i = 0; i < 16; i++)
		x[i] = random_float(&s);
	nlut_model_quantize(m, x, c);
	for (int i = 0; i < 16; i++)
		assert_int_equal(c[i], nlut_quant_code(&nlut_model_quant(m)[i], x[i]));
	nlut_model_free(m);
}

/* nlut_model_quantize (the row loop nlut-run and the data readers use)
 * against nlut_quant_code, feature by feature, on many rows of random
 * quantisers: every width, ties, NaN, infinities, any bit pattern. */
static void model_quantize_agrees_on_many_rows(void **state)
{
	enum { N = 64 };
	struct nlut_quant q[N];
	float x[N];
	uint16_t c[N];
	uint64_t s = seed ^ 0x5bd1e995u;

	for (int round = 0; round < 100; round++) {
		nlut_model *m;

		for (int i = 0; i < N; i++) {
			q[i].bits = (uint8_t)(1 + rm_below(&s, 16));
			q[i].offset = rm_below(&s, 2) ? 0.0f : random_float(&s);
			q[i].scale = rm_below(&s, 2) ? 1.0f : (float)(rm_below(&s, 1000) + 1) / 37.0f;
			if (!isfinite(q[i].offset))
				q[i].offset = 0.0f;
		}
		assert_int_equal(nlut_model_new(N, q, &m), NLUT_SUCCESS);
		for (int row = 0; row < 400; row++) {
			for (int i = 0; i < N; i++)
				x[i] = random_float(&s);
			nlut_model_quantize(m, x, c);
			for (int i = 0; i < N; i++)
				if (c[i] != ref_quant(&q[i], x[i]))
					fail_msg("bits %u offset %a scale %a x %a: %u vs reference %u",
						 q[i].bits, (double)q[i].offset, (double)q[i].scale,
						 (double)x[i], c[i], ref_quant(&q[i], x[i]));
		}
		nlut_model_free(m);
	}
}

static int setup(void **state)
{
	seed = test_seed("quant");
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(documented_examples),
		cmocka_unit_test(widths_one_and_sixteen),
		cmocka_unit_test(offset_and_scale_are_binary32_steps),
		cmocka_unit_test(agrees_with_independent_rule),
		cmocka_unit_test(model_quantize_uses_each_feature_rule),
		cmocka_unit_test(model_quantize_agrees_on_many_rows),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
