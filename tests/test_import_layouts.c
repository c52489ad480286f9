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

#ifndef NLUT_TEST_TMPDIR
#define NLUT_TEST_TMPDIR "/tmp"
#endif

struct style {
	const char *pfx;     /* module prefix: "" or "ens<e>_" */
	const char *top;     /* top module */
	const char *pin, *pout; /* neuron module ports */
	int polyadd;         /* layers alternate layer<k> (neurons _N<j>_E<a>, a < 2) and adder<k> */
	int alias_odd;       /* `assign` instead of a register before odd layers */
};

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

/* A growable string. */
struct str {
	char *s;
	size_t n, cap;
};

static void sp(struct str *b, const char *fmt, ...)
{
	va_list ap;
	int k;

	for (;;) {
		va_start(ap, fmt);
		k = vsnprintf(b->s ? b->s + b->n : NULL, b->s ? b->cap - b->n : 0, fmt, ap);
		va_end(ap);
		assert_true(k >= 0);
		if (b->s && b->n + (size_t)k < b->cap)
			break;
		b->cap = (b->cap + (size_t)k + 1) * 2;
		b->s = realloc(b->s, b->cap);
		assert_non_null(b->s);
	}
	b->n += (size_t)k;
}

static void bin(struct str *b, uint32_t v, unsigned w)
{
	for (unsigned i = w; i-- > 0;)
		sp(b, "%c", (v >> i & 1u) ? '1' : '0');
}

/* Module name of layer l's neuron j. */
static void neuron_name(const struct style *st, uint32_t l, uint32_t j, char *out, size_t n)
{
	if (!st->polyadd)
		snprintf(out, n, "%slayer%u_N%u", st->pfx, l, j);
	else if (l % 2 == 0)
		snprintf(out, n, "%slayer%u_N%u_E%u", st->pfx, l / 2, j / 2, j % 2);
	else
		snprintf(out, n, "%sadder%u_N%u", st->pfx, l / 2, j);
}

static void layer_name(const struct style *st, uint32_t l, char *out, size_t n)
{
	if (!st->polyadd)
		snprintf(out, n, "%slayer%u", st->pfx, l);
	else
		snprintf(out, n, "%s%s%u", st->pfx, l % 2 ? "adder" : "layer", l / 2);
}

static uint32_t out_width(const nlut_model *m, uint32_t l)
{
	const struct nlut_layer *L = nlut_model_layer(m, l);
	uint32_t w = 0;

	for (uint32_t j = 0; j < L->n_neurons; j++)
		w += L->neurons[j].out_bits;
	return w;
}

static uint32_t in_width(const nlut_model *m, uint32_t l)
{
	uint32_t w = 0;

	if (l)
		return out_width(m, l - 1);
	for (uint32_t i = 0; i < nlut_model_num_inputs(m); i++)
		w += nlut_model_quant(m)[i].bits;
	return w;
}

/* Bit offset of every source of layer l. */
static uint32_t *src_off(const nlut_model *m, uint32_t l)
{
	uint32_t n = l ? nlut_model_layer(m, l - 1)->n_neurons : nlut_model_num_inputs(m);
	uint32_t *off = calloc(n + 1, sizeof(*off));

	assert_non_null(off);
	for (uint32_t i = 0; i < n; i++)
		off[i + 1] = off[i] + (l ? nlut_model_layer(m, l - 1)->neurons[i].out_bits
					 : nlut_model_quant(m)[i].bits);
	return off;
}

/* Write model m (table neurons only) into dir in style st. */
static void write_layout(const nlut_model *m, const char *dir, const struct style *st)
{
	uint32_t L = nlut_model_num_layers(m);
	struct str top = { 0 };
	char nm[96], ln[96], file[128];

	for (uint32_t l = 0; l < L; l++) {
		const struct nlut_layer *Ly = nlut_model_layer(m, l);
		uint32_t *off = src_off(m, l), obit = 0;
		struct str lay = { 0 };

		layer_name(st, l, ln, sizeof(ln));
		sp(&lay, "module %s (input [%u:0] M0, output [%u:0] M1);\n\n", ln, in_width(m, l) - 1,
		   out_width(m, l) - 1);
		for (uint32_t j = 0; j < Ly->n_neurons; j++) {
			const struct nlut_neuron *n = &Ly->neurons[j];
			struct str neu = { 0 };
			uint32_t entries = 1u << n->addr_bits;

			assert_int_equal(n->kind, NLUT_NEURON_TABLE);
			neuron_name(st, l, j, nm, sizeof(nm));
			/* LogicNets: fan-in input 0 first, i.e. in the high bits. */
			sp(&lay, "wire [%u:0] %s_wire = {", n->addr_bits - 1, nm);
			for (uint32_t k = 0; k < n->fan_in; k++)
				for (unsigned b = n->src_bits[k]; b-- > 0;)
					sp(&lay, "%sM0[%u]", k || b + 1 < n->src_bits[k] ? ", " : "",
					   off[n->src[k]] + b);
			sp(&lay, "};\n%s %s_inst (.%s(%s_wire), .%s(M1[%u:%u]));\n\n", nm, nm, st->pin,
			   nm, st->pout, obit + n->out_bits - 1, obit);
			obit += n->out_bits;

			sp(&neu, "module %s ( input [%u:0] %s, output [%u:0] %s );\n\n", nm,
			   n->addr_bits - 1, st->pin, n->out_bits - 1, st->pout);
			sp(&neu, "\t(*rom_style = \"distributed\" *) reg [%u:0] %sr;\n\tassign %s = %sr;\n",
			   n->out_bits - 1, st->pout, st->pout, st->pout);
			sp(&neu, "\talways @ (%s) begin\n\t\tcase (%s)\n", st->pin, st->pin);
			for (uint32_t i = 0; i < entries; i++) {
				/* Counter i, fields from the high bits (input 0 first);
				 * each field's digit d is the code (d + 2^(w-1)) mod 2^w:
				 * LogicNets' signed order. key_v = the Verilog key,
				 * key_m = the model's address of the same codes. */
				uint32_t key_v = 0, key_m = 0, sh_v = n->addr_bits, sh_m = 0;

				for (uint32_t k = 0; k < n->fan_in; k++) {
					uint32_t w = n->src_bits[k];
					uint32_t d = (i >> (sh_v - w)) & ((1u << w) - 1u);
					uint32_t c = (d + (1u << (w - 1))) & ((1u << w) - 1u);

					sh_v -= w;
					key_v |= c << sh_v;
					key_m |= c << sh_m;
					sh_m += w;
				}
				sp(&neu, "\t\t\t%u'b", n->addr_bits);
				bin(&neu, key_v, n->addr_bits);
				sp(&neu, ": %sr = %u'b", st->pout, n->out_bits);
				bin(&neu, n->table[key_m], n->out_bits);
				sp(&neu, ";\n");
			}
			sp(&neu, "\n\t\tendcase\n\tend\nendmodule\n");
			snprintf(file, sizeof(file), "%s.v", nm);
			put(dir, file, neu.s);
			free(neu.s);
		}
		sp(&lay, "endmodule");
		snprintf(file, sizeof(file), "%s.v", ln);
		put(dir, file, lay.s);
		free(lay.s);
		free(off);
	}
	put(dir, "myreg.v", "module myreg #(parameter DataWidth=16) (\n"
			    "    input [DataWidth-1:0] data_in,\n    input wire clk,\n"
			    "    input wire rst,\n    output reg [DataWidth-1:0] data_out\n    );\n"
			    "    always@(posedge clk) begin\n    if(!rst)\n        data_out<=data_in;\n"
			    "    else\n        data_out<=0;\n    end\nendmodule\n\n");
	sp(&top, "module %s (input [%u:0] M0, input clk, input rst, output[%u:0] M%u);\n", st->top,
	   in_width(m, 0) - 1, out_width(m, L - 1) - 1, L);
	for (uint32_t l = 0; l < L; l++) {
		layer_name(st, l, ln, sizeof(ln));
		sp(&top, "wire [%u:0] M%uw;\n", in_width(m, l) - 1, l);
		if (st->alias_odd && l % 2)
			sp(&top, "assign M%uw = M%u;\n", l, l);
		else
			sp(&top, "myreg #(.DataWidth(%u)) %s_reg (.data_in(M%u), .clk(clk), .rst(rst), "
				 ".data_out(M%uw));\n", in_width(m, l), ln, l, l);
		if (l + 1 < L)
			sp(&top, "wire [%u:0] M%u;\n", out_width(m, l) - 1, l + 1);
		sp(&top, "%s %s_inst (.M0(M%uw), .M1(M%u));\n", ln, ln, l, l + 1);
	}
	sp(&top, "\nendmodule\n");
	snprintf(file, sizeof(file), "%s.v", st->top);
	put(dir, file, top.s);
	free(top.s);
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
	assert_int_equal(nlut_model_num_layers(b), nlut_model_num_layers(a));
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
	struct style s0 = { "ens0_", "logicnet_0", "M0", "M1", 0, 0 };
	struct style s1 = { "ens1_", "logicnet_1", "M0", "M1", 0, 0 };
	nlut_model *b = NULL;
	struct nlut_import_opts o;

	assert_non_null(m0);
	assert_non_null(m1);
	fresh_dir(dir, sizeof(dir), "ensemble");
	write_layout(m0, dir, &s0);
	write_layout(m1, dir, &s1);
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
	struct style st = { "", "logicnet", "address", "data", 0, 0 };

	assert_non_null(m);
	fresh_dir(dir, sizeof(dir), "address_data");
	write_layout(m, dir, &st);
	nlut_model *b = import(dir, NULL, m);

	assert_non_null(b);
	same_function(m, b, 5);
	nlut_model_free(b);
	nlut_model_free(m);
}

/* PolyLUT-Add: layer<k> holds two sub-tables per neuron (N<j>_E0, N<j>_E1,
 * outputs back to back), adder<k> one table per neuron over its two
 * sub-table codes; imported as two table layers per PolyLUT-Add layer. */
static void test_polylut_add(void **state)
{
	(void)state;
	char dir[512];
	const uint32_t w[] = { 8, 4, 4, 2 }, f[] = { 3, 2, 2, 2 };
	const uint8_t ob[] = { 2, 3, 2, 3 };
	nlut_model *m = table_model(8, 2, 4, w, f, ob, 31);
	struct style st = { "", "polylut_add", "M0", "M1", 1, 1 };

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
	write_layout(m, dir, &st);
	nlut_model *b = import(dir, NULL, m);

	assert_non_null(b);
	assert_int_equal(nlut_model_num_layers(b), 4);
	same_function(m, b, 6);
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
	struct style st = { "", "logicnet", "M0", "M1", 0, 0 };

	assert_non_null(m);
	fresh_dir(dir, sizeof(dir), "top_path");
	write_layout(m, dir, &st);
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
		cmocka_unit_test(test_top_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
