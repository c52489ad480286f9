/* test_train_dense.c - HGQ-LUT's LUT-Dense layers (neuron = dense): the
 * saved model's golden model equals the training-time quantised pass on
 * every test sample; edges pruned to zero bits leave the file and others
 * read fewer bits than their source has; a larger lut_cost gives a smaller
 * network; reproducibility across threads; config errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include <nlut/nlut.h>
#include <nlut/train.h>

#include "train_fixture.h"

/* A small LUT-Dense network on the digits: a fraction of a second. */
static void dense_config(struct nlut_train_config *c, const char *lut_cost)
{
	nlut_train_config_init(c);
	assert_int_equal(nlut_train_config_set(c, "train", DIGITS, "test"), 0);
	assert_int_equal(nlut_train_config_set(c, "test_rows", "360", "test"), 0);
	assert_int_equal(nlut_train_config_set(c, "test_split", "random", "test"), 0);
	assert_int_equal(nlut_train_config_set(c, "neuron", "dense", "test"), 0);
	assert_int_equal(nlut_train_config_set(c, "layers", "24,10", "test"), 0);
	assert_int_equal(nlut_train_config_set(c, "in_bits", "2", "test"), 0);
	assert_int_equal(nlut_train_config_set(c, "hidden_bits", "3", "test"), 0);
	assert_int_equal(nlut_train_config_set(c, "out_bits", "5", "test"), 0);
	assert_int_equal(nlut_train_config_set(c, "epochs", "8", "test"), 0);
	assert_int_equal(nlut_train_config_set(c, "batch", "64", "test"), 0);
	assert_int_equal(nlut_train_config_set(c, "ghost", "32", "test"), 0);
	assert_int_equal(nlut_train_config_set(c, "threads", "2", "test"), 0);
	assert_int_equal(nlut_train_config_set(c, "lut_cost", lut_cost, "test"), 0);
}

/* Edges in the file, and those that read fewer bits than their source. */
static void count_edges(const nlut_model *m, uint64_t *edges, uint64_t *narrow, uint64_t *bits)
{
	*edges = *narrow = *bits = 0;
	for (uint32_t l = 0; l < nlut_model_num_layers(m); l++) {
		const struct nlut_layer *L = nlut_model_layer(m, l);

		for (uint32_t j = 0; j < L->n_neurons; j++) {
			const struct nlut_neuron *n = &L->neurons[j];

			assert_int_equal(n->kind, NLUT_NEURON_DENSE);
			for (uint32_t e = 0; e < n->fan_in; e++) {
				*edges += 1;
				*narrow += n->sub[e].addr_bits < n->src_bits[e];
				*bits += n->sub[e].addr_bits;
			}
		}
	}
}

/*
 * The property the issue asks for, without and with the LUT cost: the
 * golden model equals the trained quantised pass on all 360 test samples;
 * with the cost, edges are pruned (fewer than the 64 x 24 + 24 x 10 of the
 * dense layers) and some read fewer bits than their source.
 */
static void test_dense_equal_trained(void **state)
{
	static const char *const costs[] = { "0", "0.00004" };

	(void)state;
	need_digits();
	for (size_t i = 0; i < 2; i++) {
		struct nlut_train_config c;
		nlut_model *m = NULL;
		nlut_trainer *t;
		uint64_t edges, narrow, bits, full = 64 * 24 + 24 * 10;
		unsigned major, minor;
		char name[32];

		dense_config(&c, costs[i]);
		t = train_digits(&c, &m);
		snprintf(name, sizeof(name), "dense_%zu", i);
		double acc = check_equal_trained(t, m, name);

		count_edges(m, &edges, &narrow, &bits);
		nlut_model_version(m, &major, &minor);
		assert_int_equal(minor, 3);
		print_message("lut_cost %s: test accuracy %.4f, %llu of %llu edges, %llu narrowed, "
			      "%llu bits read\n", costs[i], acc, (unsigned long long)edges,
			      (unsigned long long)full, (unsigned long long)narrow,
			      (unsigned long long)bits);
		assert_true(acc > 0.85);
		if (i == 0) {
			assert_int_equal(edges, full);
			assert_int_equal(narrow, 0);
		} else {
			assert_true(edges < full);
			assert_true(narrow > 0);
		}
		nlut_model_free(m);
		nlut_trainer_free(t);
	}
}

/* The surrogate's weight trades accuracy for size: the bits read (the
 * estimate's measure) fall strictly as lut_cost rises. */
static void test_lut_cost_shrinks(void **state)
{
	static const char *const costs[] = { "0.00001", "0.0001", "0.001" };
	uint64_t prev = UINT64_MAX;

	(void)state;
	need_digits();
	for (size_t i = 0; i < 3; i++) {
		struct nlut_train_config c;
		nlut_model *m = NULL;
		nlut_trainer *t;
		uint64_t edges, narrow, bits;
		const char *est;

		dense_config(&c, costs[i]);
		t = train_digits(&c, &m);
		count_edges(m, &edges, &narrow, &bits);
		est = nlut_model_meta(m, "train.lut_estimate");
		assert_non_null(est);
		print_message("lut_cost %s: %llu edges, %llu bits read, estimate %s LUTs\n", costs[i],
			      (unsigned long long)edges, (unsigned long long)bits, est);
		assert_true(bits < prev);
		prev = bits;
		nlut_model_free(m);
		nlut_trainer_free(t);
	}
}

/* The same model, bit for bit, on 1 and 2 threads. */
static void test_reproducible(void **state)
{
	char id[2][NLUT_ID_STR_SIZE];

	(void)state;
	need_digits();
	for (int k = 0; k < 2; k++) {
		struct nlut_train_config c;
		nlut_model *m = NULL;
		nlut_trainer *t;

		dense_config(&c, "0.001");
		assert_int_equal(nlut_train_config_set(&c, "threads", k ? "2" : "1", "test"), 0);
		assert_int_equal(nlut_train_config_set(&c, "epochs", "3", "test"), 0);
		t = train_digits(&c, &m);
		assert_int_equal(nlut_model_id(m, id[k]), 0);
		nlut_model_free(m);
		nlut_trainer_free(t);
	}
	assert_string_equal(id[0], id[1]);
}

static void expect_config_error(const char *key, const char *value, const char *detail)
{
	struct nlut_train_config c;

	dense_config(&c, "0");
	assert_int_equal(nlut_train_config_set(&c, key, value, "test"), 0);
	assert_int_not_equal(nlut_train_config_check(&c), 0);
	if (!strstr(nlut_train_error_detail(), detail))
		fail_msg("%s = %s: '%s' lacks '%s'", key, value, nlut_train_error_detail(), detail);
}

static void test_config_errors(void **state)
{
	struct nlut_train_config c;

	(void)state;
	expect_config_error("adder", "2", "no adder");
	expect_config_error("prune", "2", "no prune");
	expect_config_error("out_bits", "9", "at most 8");
	expect_config_error("dense_frac", "3", "cannot shift to a 5-bit output");
	expect_config_error("layers", "1100,10", "reads at most 1024");
	nlut_train_config_init(&c);
	assert_int_not_equal(nlut_train_config_set(&c, "lut_cost", "-1", "test"), 0);
	assert_int_not_equal(nlut_train_config_set(&c, "neuron", "dens", "test"), 0);
	assert_int_not_equal(nlut_train_config_set(&c, "dense_frac", "0", "test"), 0);
}

static int group_setup(void **state)
{
	struct nlut_train_config c;

	(void)state;
	dense_config(&c, "0");
	return digits_load(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dense_equal_trained),
		cmocka_unit_test(test_lut_cost_shrinks),
		cmocka_unit_test(test_reproducible),
		cmocka_unit_test(test_config_errors),
	};

	return cmocka_run_group_tests(tests, group_setup, digits_free);
}
