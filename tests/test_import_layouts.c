/* test_import_layouts.c - `nlut import` on the folder layouts LogicNets-family
 * generators write (issue 15): each folder is written here in the form the
 * generator writes it (LogicNets: first fan-in input in the high bits, keys in
 * offset-binary order, a register before every layer), imported, and the
 * model must compute the writer's function on random codes (golden model).
 *   - an ensemble: prefixed modules ens<e>_layer<k>[_N<j>], one top per
 *     member (logicnet_<e>), 1-bit outputs written [0:0];
 *   - neuron modules with `address` / `data` ports;
 *   - PolyLUT-Add: sub-tables layer<k>_N<j>_E<a>, adder tables adder<k>_N<j>,
 *     top polylut_add, `assign` instead of a register between some layers;
 *   - a stale, deeper layer file the top does not instantiate. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <nlut/golden.h>
#include <nlut/nlut.h>

#include "nlut_gen.h"
#include "random_model.h"
#include "vlayout.h"

#ifndef NLUT_TEST_TMPDIR
#define NLUT_TEST_TMPDIR "/tmp"
#endif

static void put(const char *dir, const char *file, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static void fresh_dir(char *dir, size_t n, const char *name)
{
	char cmd[600];

	mkdir(NLUT_TEST_TMPDIR, 0777);
	snprintf(dir, n, "%s/import_layouts_%s", NLUT_TEST_TMPDIR, name);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(mkdir(dir, 0777), 0);
}

/* a and b compute the same scores on random codes. */
static void same_function(const nlut_model *a, const nlut_model *b, uint64_t seed)
{
	nlut_golden *ga, *gb;
	uint32_t ni = nlut_model_num_inputs(a), nc = nlut_model_num_classes(a);
	enum { N = 300 };
	uint16_t *codes = malloc(N * ni * sizeof(*codes));
	uint16_t *sa = malloc(nc * sizeof(*sa)), *sb = malloc(nc * sizeof(*sb));

	assert_non_null(codes);
	assert_non_null(sa);
	assert_non_null(sb);
	assert_int_equal(nlut_model_num_inputs(b), ni);
	assert_int_equal(nlut_model_num_classes(b), nc);
	assert_int_equal(nlut_golden_new(a, &ga), 0);
	assert_int_equal(nlut_golden_new(b, &gb), 0);
	rm_codes(a, seed, N, codes);
	for (size_t i = 0; i < N; i++) {
		assert_int_equal(nlut_golden_eval(ga, codes + i * ni, sa, NULL), 0);
		assert_int_equal(nlut_golden_eval(gb, codes + i * ni, sb, NULL), 0);
		assert_memory_equal(sa, sb, nc * sizeof(*sa));
	}
	nlut_golden_free(ga);
	nlut_golden_free(gb);
	free(codes);
	free(sa);
	free(sb);
}

static nlut_model *table_model(uint32_t n_in, uint8_t in_bits, uint32_t L, const uint32_t *width,
			       const uint32_t *fan_in, const uint8_t *out_bits, uint64_t seed)
{
	struct rm_spec s;

	memset(&s, 0, sizeof(s));
	s.n_inputs = n_in;
	s.in_bits = in_bits;
	s.n_layers = L;
	for (uint32_t l = 0; l < L; l++) {
		s.width[l] = width[l];
		s.fan_in[l] = fan_in[l];
		s.out_bits[l] = out_bits[l];
	}
	s.adder_pct = 0;
	return rm_build(&s, seed);
}

static nlut_model *import(const char *dir, const char *top, const nlut_model *qref)
{
	struct nlut_import_opts o;
	nlut_model *m = NULL;

	memset(&o, 0, sizeof(o));
	o.top = top;
	o.quant_from = qref;
	if (nlut_import_dir(dir, &o, &m)) {
		print_error("import %s: %s\n", dir, nlut_gen_error_detail());
		return NULL;
	}
	return m;
}

/* Two members of 1-bit neurons (MNIST-style: [0:0] slices, 1-bit inputs),
 * prefixed ens0_ / ens1_, one top each. Without --top: refused, naming the
 * tops; with --top logicnet_1: member 1. */
static void test_ensemble(void **state)
{
	(void)state;
	char dir[512];
	const uint32_t w0[] = { 12, 6, 3 }, f0[] = { 4, 3, 2 };
	const uint8_t o0[] = { 1, 1, 2 };
	const uint32_t w1[] = { 10, 3 }, f1[] = { 5, 3 };
	const uint8_t o1[] = { 1, 2 };
	nlut_model *m0 = table_model(16, 1, 3, w0, f0, o0, 11);
	nlut_model *m1 = table_model(16, 1, 2, w1, f1, o1, 12);
	struct vl_style s0 = { "ens0_", "logicnet_0", "M0", "M1", 0, 0 };
	struct vl_style s1 = { "ens1_", "logicnet_1", "M0", "M1", 0, 0 };
	nlut_model *b = NULL;
	struct nlut_import_opts o;

	assert_non_null(m0);
	assert_non_null(m1);
	fresh_dir(dir, sizeof(dir), "ensemble");
	assert_int_equal(vl_write(m0, dir, &s0), 0);
	assert_int_equal(vl_write(m1, dir, &s1), 0);
	memset(&o, 0, sizeof(o));
	assert_int_not_equal(nlut_import_dir(dir, &o, &b), 0);
	assert_null(b);
	assert_non_null(strstr(nlut_gen_error_detail(), "logicnet_0, logicnet_1"));
	assert_non_null(strstr(nlut_gen_error_detail(), "--top"));
	b = import(dir, "logicnet_1", m1);
	assert_non_null(b);
	same_function(m1, b, 3);
	nlut_model_free(b);
	b = import(dir, "logicnet_0", NULL); /* identity quantisers: 1-bit features */
	assert_non_null(b);
	assert_int_equal(nlut_model_quant(b)[0].bits, 1);
	same_function(m0, b, 4);
	nlut_model_free(b);
	nlut_model_free(m0);
	nlut_model_free(m1);
}

/* Neuron modules with `address` / `data` ports. */
static void test_address_data(void **state)
{
	(void)state;
	char dir[512];
	const uint32_t w[] = { 6, 4 }, f[] = { 3, 2 };
	const uint8_t ob[] = { 2, 3 };
	nlut_model *m = table_model(8, 2, 2, w, f, ob, 21);
	struct vl_style st = { "", "logicnet", "address", "data", 0, 0 };

	assert_non_null(m);
	fresh_dir(dir, sizeof(dir), "address_data");
	assert_int_equal(vl_write(m, dir, &st), 0);
	nlut_model *b = import(dir, NULL, m);

	assert_non_null(b);
	same_function(m, b, 5);
	nlut_model_free(b);
	nlut_model_free(m);
}

/* PolyLUT-Add: layer<k> holds two sub-tables per neuron (N<j>_E0, N<j>_E1,
 * outputs back to back), adder<k> one table per neuron over its two
 * sub-table codes; with random adder tables (not functions of a sum),
 * imported as two table layers per PolyLUT-Add layer. */
static void test_polylut_add(void **state)
{
	(void)state;
	char dir[512];
	const uint32_t w[] = { 8, 4, 4, 2 }, f[] = { 3, 2, 2, 2 };
	const uint8_t ob[] = { 2, 3, 2, 3 };
	nlut_model *m = table_model(8, 2, 4, w, f, ob, 31);
	struct vl_style st = { "", "polylut_add", "M0", "M1", 1, 1 };

	assert_non_null(m);
	/* The adder layers read their own two sub-tables: neuron j <- 2j, 2j+1. */
	for (uint32_t l = 1; l < 4; l += 2) {
		const struct nlut_layer *Ly = nlut_model_layer(m, l);

		for (uint32_t j = 0; j < Ly->n_neurons; j++) {
			uint32_t src[2] = { 2 * j, 2 * j + 1 };
			const struct nlut_neuron *n = &Ly->neurons[j];

			assert_int_equal(nlut_model_set_neuron(m, l, j, 2, src, n->out_bits, n->table),
					 0);
		}
	}
	assert_int_equal(nlut_model_validate(m), 0);
	fresh_dir(dir, sizeof(dir), "polylut_add");
	assert_int_equal(vl_write(m, dir, &st), 0);
	nlut_model *b = import(dir, NULL, m);

	assert_non_null(b);
	assert_int_equal(nlut_model_num_layers(b), 4);
	same_function(m, b, 6);
	nlut_model_free(b);
	nlut_model_free(m);
}

/* PolyLUT-Add whose first adder layer's tables depend only on the two's
 * complement sum of their two codes (the mean of two signed values): that
 * pair imports as one layer of nlut adder neurons, the second pair (random
 * tables) as two table layers; the function is the same. */
static void test_polylut_add_folds(void **state)
{
	(void)state;
	char dir[512];
	const uint32_t w[] = { 8, 4, 4, 2 }, f[] = { 3, 2, 2, 2 };
	const uint8_t ob[] = { 3, 2, 2, 3 };
	nlut_model *m = table_model(8, 2, 4, w, f, ob, 32);
	struct vl_style st = { "", "polylut_add", "M0", "M1", 1, 0 };
	uint64_t rs = 99;

	assert_non_null(m);
	for (uint32_t l = 1; l < 4; l += 2) {
		const struct nlut_layer *Ly = nlut_model_layer(m, l);
		unsigned sw = nlut_model_layer(m, l - 1)->neurons[0].out_bits;

		for (uint32_t j = 0; j < Ly->n_neurons; j++) {
			uint32_t src[2] = { 2 * j, 2 * j + 1 }, n = 1u << (2 * sw);
			const struct nlut_neuron *nn = &Ly->neurons[j];
			uint16_t *t = malloc(n * sizeof(*t)), g[64];

			assert_non_null(t);
			for (uint32_t k = 0; k < 64; k++)
				g[k] = (uint16_t)rm_below(&rs, 1u << nn->out_bits);
			for (uint32_t c = 0; c < n; c++) {
				int32_t a = (int32_t)(c & ((1u << sw) - 1)), b = (int32_t)(c >> sw);

				a -= a >> (sw - 1) << sw;
				b -= b >> (sw - 1) << sw;
				/* layer 1: a function of the sum; layer 3: random. */
				t[c] = l == 1 ? g[(a + b) & 63] : nn->table[c];
			}
			assert_int_equal(nlut_model_set_neuron(m, l, j, 2, src, nn->out_bits, t), 0);
			free(t);
		}
	}
	assert_int_equal(nlut_model_validate(m), 0);
	fresh_dir(dir, sizeof(dir), "polylut_add_folds");
	assert_int_equal(vl_write(m, dir, &st), 0);
	nlut_model *b = import(dir, NULL, m);

	assert_non_null(b);
	assert_int_equal(nlut_model_num_layers(b), 3);
	const struct nlut_layer *L0 = nlut_model_layer(b, 0);

	assert_int_equal(L0->n_neurons, 4);
	for (uint32_t j = 0; j < 4; j++) {
		assert_int_equal(L0->neurons[j].kind, NLUT_NEURON_ADDER);
		assert_int_equal(L0->neurons[j].n_sub, 2);
		assert_int_equal(L0->neurons[j].addr_bits, 4); /* 3-bit codes summed */
	}
	assert_int_equal(nlut_model_layer(b, 1)->neurons[0].kind, NLUT_NEURON_TABLE);
	same_function(m, b, 8);
	nlut_model_free(b);
	nlut_model_free(m);
}

/* A stale deeper layer file of the same widths, not instantiated by the top,
 * and a top whose path does not reach its output. */
static void test_top_path(void **state)
{
	(void)state;
	char dir[512];
	const uint32_t w[] = { 4, 4 }, f[] = { 2, 2 };
	const uint8_t ob[] = { 2, 2 };
	nlut_model *m = table_model(8, 2, 2, w, f, ob, 41), *b;
	struct vl_style st = { "", "logicnet", "M0", "M1", 0, 0 };

	assert_non_null(m);
	fresh_dir(dir, sizeof(dir), "top_path");
	assert_int_equal(vl_write(m, dir, &st), 0);
	/* layer2.v: layer1 again (8 bits in, 8 out), from an earlier run. */
	put(dir, "layer2.v", "module layer2 (input [7:0] M0, output [7:0] M1);\n"
			     "layer1 l (.M0(M0), .M1(M1));\nendmodule\n");
	b = import(dir, NULL, m);
	assert_non_null(b);
	same_function(m, b, 7);
	nlut_model_free(b);
	b = NULL;
	/* A top whose last layer drives a wire nobody reads. */
	put(dir, "broken.v", "module broken (input [15:0] M0, input clk, input rst, output [7:0] M2);\n"
			     "wire [7:0] M1;\nwire [7:0] X;\nlayer0 a (.M0(M0), .M1(M1));\n"
			     "layer1 b (.M0(M1), .M1(X));\nendmodule\n");
	struct nlut_import_opts o;

	memset(&o, 0, sizeof(o));
	o.top = "broken";
	assert_int_not_equal(nlut_import_dir(dir, &o, &b), 0);
	assert_null(b);
	assert_non_null(strstr(nlut_gen_error_detail(), "does not reach the output M2"));
	nlut_model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ensemble),
		cmocka_unit_test(test_address_data),
		cmocka_unit_test(test_polylut_add),
		cmocka_unit_test(test_polylut_add_folds),
		cmocka_unit_test(test_top_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
