/* test_train.c - the trainer: config parsing, tables equal to the trained
 * quantised pass on every test sample, reproducibility, stopping. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cmocka.h>

#include <nlut/nlut.h>
#include <nlut/train.h>

#include "train_fixture.h"

/* The small digits network every test trains: a second or so. */
static void tiny_config(struct nlut_train_config *c)
{
	nlut_train_config_init(c);
	assert_int_equal(nlut_train_config_set(c, "train", DIGITS, "test"), 0);
	assert_int_equal(nlut_train_config_set(c, "test_rows", "360", "test"), 0);
	assert_int_equal(nlut_train_config_set(c, "layers", "64,32,10", "test"), 0);
	assert_int_equal(nlut_train_config_set(c, "fan_in", "5", "test"), 0);
	assert_int_equal(nlut_train_config_set(c, "neuron_depth", "1", "test"), 0);
	assert_int_equal(nlut_train_config_set(c, "neuron_width", "8", "test"), 0);
	assert_int_equal(nlut_train_config_set(c, "epochs", "10", "test"), 0);
	assert_int_equal(nlut_train_config_set(c, "batch", "64", "test"), 0);
	assert_int_equal(nlut_train_config_set(c, "ghost", "32", "test"), 0);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void test_config_file(void **state)
{
	struct nlut_train_config c, d;
	const char *path = NLUT_TEST_TMPDIR "/train.cfg";
	char *dump;

	(void)state;
	write_file(path, "# a comment\n"
			 "train = data.csv   # trailing comment\n"
			 "layers = 64, 32,10\n"
			 "fan_in = 6,4\n"
			 "\n"
			 "epochs = 7\n"
			 "lr = 0.002\n"
			 "schedule = step\n"
			 "image = 8x8\n");
	nlut_train_config_init(&c);
	assert_int_equal(nlut_train_config_load(&c, path), 0);
	assert_string_equal(c.train_path, "data.csv");
	assert_int_equal(c.n_layers, 3);
	assert_int_equal(c.width[1], 32);
	assert_int_equal(c.n_fan_in, 2);
	assert_int_equal(c.epochs, 7);
	assert_true(c.lr == 0.002);
	assert_int_equal(c.sched, NLUT_SCHED_STEP);
	assert_int_equal(c.image_w, 8);
	assert_int_equal(nlut_train_config_check(&c), 0);

	/* The dump is a config file that reads back to the same settings. */
	dump = nlut_train_config_dump(&c);
	assert_non_null(dump);
	write_file(path, dump);
	free(dump);
	nlut_train_config_init(&d);
	assert_int_equal(nlut_train_config_load(&d, path), 0);
	assert_memory_equal(&c.width, &d.width, sizeof(c.width));
	assert_memory_equal(&c.fan_in, &d.fan_in, sizeof(c.fan_in));
	assert_int_equal(c.epochs, d.epochs);
	assert_true(c.lr == d.lr);
	assert_int_equal(c.sched, d.sched);
	assert_int_equal(c.image_h, d.image_h);
}

static void test_config_errors(void **state)
{
	static const struct {
		const char *text, *needle;
	} bad[] = {
		{ "train = x\nlayers = 4,3\nepoch = 3\n", "train.cfg:3: unknown key 'epoch'" },
		{ "layers = 4,,x\n", "train.cfg:1: layers" },
		{ "\n\nfan_in = 40\n", "train.cfg:3: fan_in" },
		{ "in_bits: 2\n", "train.cfg:1: expected 'key = value'" },
		{ "schedule = linear\n", "train.cfg:1: schedule" },
		{ "image = 8\n", "train.cfg:1: image" },
	};
	const char *path = NLUT_TEST_TMPDIR "/train.cfg";
	struct nlut_train_config c;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_file(path, bad[i].text);
		nlut_train_config_init(&c);
		assert_int_equal(nlut_train_config_load(&c, path), NLUT_ERROR_INVALID_PARAM);
		if (!strstr(nlut_train_error_detail(), bad[i].needle))
			fail_msg("case %zu: '%s' does not name '%s'", i, nlut_train_error_detail(),
				 bad[i].needle);
	}
	/* Flags name themselves. */
	nlut_train_config_init(&c);
	assert_int_equal(nlut_train_config_set(&c, "epochs", "-1", "--epochs"),
			 NLUT_ERROR_INVALID_PARAM);
	assert_non_null(strstr(nlut_train_error_detail(), "--epochs"));
	/* Whole-config checks: table too wide, fan-in above the layer below. */
	nlut_train_config_init(&c);
	nlut_train_config_set(&c, "train", "x", NULL);
	nlut_train_config_set(&c, "layers", "8,4", NULL);
	nlut_train_config_set(&c, "fan_in", "13", NULL);
	assert_int_equal(nlut_train_config_check(&c), NLUT_ERROR_INVALID_PARAM);
	assert_non_null(strstr(nlut_train_error_detail(), "address bits"));
	nlut_train_config_set(&c, "fan_in", "6,12", NULL);
	assert_int_equal(nlut_train_config_check(&c), NLUT_ERROR_INVALID_PARAM);
	assert_non_null(strstr(nlut_train_error_detail(), "only 8 neurons"));
}

static double accuracy(const nlut_model *m)
{
	nlut_golden *g = NULL;
	uint32_t *cls = malloc(digits_test->n_rows * sizeof(uint32_t));
	size_t ok = 0;

	assert_non_null(cls);
	assert_int_equal(nlut_golden_new(m, &g), 0);
	assert_int_equal(nlut_golden_eval_float_batch(g, digits_test->n_rows, digits_test->x,
						      NULL, cls, 1), 0);
	for (size_t i = 0; i < digits_test->n_rows; i++)
		ok += cls[i] == (uint32_t)digits_test->labels[i];
	nlut_golden_free(g);
	free(cls);
	return (double)ok / (double)digits_test->n_rows;
}

static void test_tables_equal_trained(void **state)
{
	struct nlut_train_config c;
	nlut_model *m = NULL;
	nlut_trainer *t;
	double acc;

	(void)state;
	need_digits();
	tiny_config(&c);
	t = train_digits(&c, &m);
	check_equal_trained(t, m, "tiny");
	acc = accuracy(m);
	print_message("tiny digits model: test accuracy %.4f, %llu table entries\n", acc,
		      (unsigned long long)nlut_model_table_entries(m));
	/* A model that learnt nothing would sit near 0.1. */
	assert_true(acc > 0.75);
	assert_int_equal(nlut_model_num_layers(m), 3);
	assert_non_null(nlut_model_meta(m, "train.config"));
	nlut_model_free(m);
	nlut_trainer_free(t);
}

/* The same on other shapes: LogicNets linear neurons, deep sub-networks,
 * 1-bit and 3-bit codes, no skip. */
static void test_tables_equal_trained_shapes(void **state)
{
	static const char *const shapes[][8] = {
		{ "neuron_depth", "0", "in_bits", "3", "fan_in", "3", "out_bits", "8" },
		{ "neuron_depth", "3", "hidden_bits", "1", "fan_in", "6", "skip", "0" },
		{ "in_bits", "1", "hidden_bits", "3", "fan_in", "5,3", "out_bits", "2" },
	};
	unsigned seed = (unsigned)time(NULL);

	(void)state;
	need_digits();
	print_message("seed %u\n", seed);
	for (size_t s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++) {
		struct nlut_train_config c;
		nlut_model *m = NULL;
		nlut_trainer *t;
		char name[32], sv[32];

		tiny_config(&c);
		nlut_train_config_set(&c, "epochs", "2", NULL);
		snprintf(sv, sizeof(sv), "%u", seed + (unsigned)s);
		nlut_train_config_set(&c, "seed", sv, NULL);
		for (int k = 0; k < 8; k += 2)
			assert_int_equal(nlut_train_config_set(&c, shapes[s][k], shapes[s][k + 1],
							       NULL), 0);
		t = train_digits(&c, &m);
		snprintf(name, sizeof(name), "shape%zu", s);
		check_equal_trained(t, m, name);
		nlut_model_free(m);
		nlut_trainer_free(t);
	}
}

static void model_id(nlut_model *m, char id[NLUT_ID_STR_SIZE])
{
	assert_int_equal(nlut_model_id(m, id), 0);
}

/* Same seed and config: the same model bit for bit, whatever the threads. */
static void test_reproducible(void **state)
{
	char id[3][NLUT_ID_STR_SIZE];
	static const char *const threads[] = { "1", "2", "2" };

	(void)state;
	need_digits();
	for (int i = 0; i < 3; i++) {
		struct nlut_train_config c;
		nlut_model *m = NULL;
		nlut_trainer *t;

		tiny_config(&c);
		nlut_train_config_set(&c, "epochs", "2", NULL);
		nlut_train_config_set(&c, "threads", threads[i], NULL);
		if (i == 2)
			nlut_train_config_set(&c, "seed", "2", NULL);
		t = train_digits(&c, &m);
		model_id(m, id[i]);
		nlut_model_free(m);
		nlut_trainer_free(t);
	}
	assert_string_equal(id[0], id[1]);
	assert_string_not_equal(id[0], id[2]);
}

/* A raised stop flag ends training after one batch with a usable model. */
static void test_stop(void **state)
{
	struct nlut_train_config c;
	nlut_trainer *t = NULL;
	nlut_model *m = NULL;
	volatile sig_atomic_t stop = 1;
	uint32_t epoch = 99;

	(void)state;
	need_digits();
	tiny_config(&c);
	assert_int_equal(nlut_trainer_new(&c, digits_train, &t), 0);
	assert_int_equal(nlut_trainer_run(t, NULL, NULL, &stop), NLUT_ERROR_INTERRUPTED);
	assert_non_null(strstr(nlut_train_error_detail(), "stopped"));
	nlut_trainer_best_val(t, &epoch);
	assert_int_equal(epoch, 0);
	assert_int_equal(nlut_trainer_compile(t, &m), 0);
	check_equal_trained(t, m, "stopped");
	nlut_model_free(m);
	nlut_trainer_free(t);
}

/* Input codes come from nlut_quant_code with quantisers fitted on the
 * training rows: the fitted range spans the data. */
static void test_quantisers(void **state)
{
	struct nlut_train_config c;
	nlut_trainer *t = NULL;
	nlut_model *m = NULL;
	const struct nlut_quant *q;
	unsigned hit_max = 0;

	(void)state;
	need_digits();
	tiny_config(&c);
	nlut_train_config_set(&c, "epochs", "0", NULL);
	nlut_train_config_set(&c, "in_bits", "3", NULL);
	nlut_train_config_set(&c, "fan_in", "3", NULL);
	assert_int_equal(nlut_trainer_new(&c, digits_train, &t), 0);
	assert_int_equal(nlut_trainer_run(t, NULL, NULL, NULL), 0);
	assert_int_equal(nlut_trainer_compile(t, &m), 0);
	q = nlut_model_quant(m);
	assert_int_equal(nlut_model_num_inputs(m), 64);
	for (uint32_t j = 0; j < 64; j++) {
		assert_int_equal(q[j].bits, 3);
		assert_true(nlut_quant_code(&q[j], 0.0f) == 0);
		hit_max += nlut_quant_code(&q[j], 16.0f) == 7;
	}
	assert_int_equal(hit_max, 64); /* global fit: pixels 0..16 */
	nlut_model_free(m);
	nlut_trainer_free(t);
}

/*
 * PolyLUT and adder neurons (PolyLUT-Add / SparseLUT): the trained
 * quantised pass equals the golden model of the file on every test sample,
 * each neuron compiled to the kind the config asks for, and the network
 * learnt something.
 */
static void test_adder_poly_equal_trained(void **state)
{
	static const struct {
		const char *name, *kv[12];
		uint8_t kind;
		uint32_t n_sub;
		double min_acc;
	} cases[] = {
		{ "poly", { "neuron", "poly", "degree", "2", "fan_in", "4", NULL }, 0, 0, 0.6 },
		{ "poly3", { "neuron", "poly", "degree", "3", "fan_in", "3", "hidden_bits", "3",
			     NULL }, 0, 0, 0.6 },
		{ "adder_poly", { "neuron", "poly", "degree", "2", "fan_in", "3", "adder", "2",
				  "sub_bits", "3", NULL }, 1, 2, 0.6 },
		{ "adder_net", { "adder", "3", "fan_in", "2", "sub_bits", "4", "out_bits", "5",
				 NULL }, 1, 3, 0.6 },
		/* 1-bit sub-neurons: codes -1 and 0. */
		{ "adder_sub1", { "neuron", "poly", "fan_in", "2", "adder", "4", "sub_bits", "1",
				  NULL }, 1, 4, 0.3 },
	};

	(void)state;
	need_digits();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct nlut_train_config c;
		nlut_model *m = NULL;
		nlut_trainer *t;
		double acc;

		tiny_config(&c);
		nlut_train_config_set(&c, "epochs", "6", NULL);
		for (int k = 0; cases[i].kv[k]; k += 2)
			assert_int_equal(nlut_train_config_set(&c, cases[i].kv[k], cases[i].kv[k + 1],
							       NULL), 0);
		t = train_digits(&c, &m);
		for (uint32_t l = 0; l < nlut_model_num_layers(m); l++) {
			const struct nlut_neuron *nr = &nlut_model_layer(m, l)->neurons[0];

			assert_int_equal(nr->kind, cases[i].kind);
			if (cases[i].kind == NLUT_NEURON_ADDER) {
				assert_int_equal(nr->n_sub, cases[i].n_sub);
				assert_int_equal(nr->fan_in, cases[i].n_sub * nr->sub[0].n_in);
			}
		}
		check_equal_trained(t, m, cases[i].name);
		acc = accuracy(m);
		print_message("%s digits model: test accuracy %.4f, %llu table entries\n",
			      cases[i].name, acc, (unsigned long long)nlut_model_table_entries(m));
		assert_true(acc > cases[i].min_acc);
		nlut_model_free(m);
		nlut_trainer_free(t);
	}
}

/*
 * SparseLUT connectivity training: with prune = 2 the neurons read other
 * sources than the same seed's fixed random connectivity, still fan_in
 * distinct ones each, and the tables still equal the trained pass.
 */
static void test_prune_regrow(void **state)
{
	nlut_model *m[2] = { NULL, NULL };
	nlut_trainer *t[2] = { NULL, NULL };
	uint32_t moved = 0, total = 0;

	(void)state;
	need_digits();
	for (int k = 0; k < 2; k++) {
		struct nlut_train_config c;

		tiny_config(&c);
		nlut_train_config_set(&c, "fan_in", "3", NULL);
		nlut_train_config_set(&c, "epochs", "8", NULL);
		nlut_train_config_set(&c, "prune", k ? "2" : "0", NULL);
		/* Adder neurons: their sub-neurons keep disjoint inputs. */
		nlut_train_config_set(&c, "adder", "2", NULL);
		t[k] = train_digits(&c, &m[k]);
		check_equal_trained(t[k], m[k], k ? "pruned" : "unpruned");
	}
	for (uint32_t l = 0; l < nlut_model_num_layers(m[1]); l++) {
		const struct nlut_layer *L = nlut_model_layer(m[1], l);
		const struct nlut_layer *L0 = nlut_model_layer(m[0], l);

		for (uint32_t j = 0; j < L->n_neurons; j++) {
			const struct nlut_neuron *nr = &L->neurons[j];

			assert_int_equal(nr->fan_in, 6);
			for (uint32_t i = 0; i < nr->fan_in; i++) {
				for (uint32_t k = 0; k < i; k++)
					assert_int_not_equal(nr->src[i], nr->src[k]);
				moved += nr->src[i] != L0->neurons[j].src[i];
				total++;
			}
		}
	}
	print_message("prune = 2: %u of %u inputs moved (%s)\n", moved, total,
		      nlut_model_meta(m[1], "train.connectivity"));
	assert_true(moved > 0);
	assert_non_null(strstr(nlut_model_meta(m[1], "train.connectivity"), "2 rounds"));
	assert_null(nlut_model_meta(m[0], "train.connectivity"));
	for (int k = 0; k < 2; k++) {
		nlut_model_free(m[k]);
		nlut_trainer_free(t[k]);
	}
}

static int group_setup(void **state)
{
	struct nlut_train_config c;

	(void)state;
	nlut_train_config_init(&c);
	nlut_train_config_set(&c, "train", DIGITS, "test");
	nlut_train_config_set(&c, "test_rows", "360", "test");
	return digits_load(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_file),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_tables_equal_trained),
		cmocka_unit_test(test_tables_equal_trained_shapes),
		cmocka_unit_test(test_reproducible),
		cmocka_unit_test(test_stop),
		cmocka_unit_test(test_quantisers),
		cmocka_unit_test(test_adder_poly_equal_trained),
		cmocka_unit_test(test_prune_regrow),
	};

	return cmocka_run_group_tests(tests, group_setup, digits_free);
}
