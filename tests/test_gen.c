/* test_gen.c - the generators: RTL structure and banners, stage policies and
 * latency, Verilator lint of random models, the LogicNets-style round trip
 * through `nlut import` (adder neurons included) and the importer's errors. */
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

#include <nlut/nlut.h>

#include "nlut_gen.h"
#include "random_model.h"
#include "ref_eval.h"
#include "test_seed.h"

static uint64_t seed;
static int have_verilator, have_ghdl;

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void sh(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	assert_int_equal(system(cmd), 0);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void spit(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void fresh_dir(char *out, size_t len, const char *name)
{
	snprintf(out, len, "%s/gen_%s", NLUT_TEST_TMPDIR, name);
	sh("rm -rf '%s'", out);
}

/* Small random table-only model for the error paths: 6 features x 2 bits,
 * layers of 4 and 3 neurons, fan-in 3 (6-bit tables). */
static nlut_model *small_model(void)
{
	struct rm_spec sp = { .n_inputs = 6, .in_bits = 2, .n_layers = 2, .width = { 4, 3 },
			      .fan_in = { 3, 3 }, .out_bits = { 2, 2 } };
	nlut_model *m = rm_build(&sp, 42);

	assert_non_null(m);
	return m;
}

static void test_stage_policies(void **state)
{
	struct nlut_stages s;
	char buf[32];

	assert_int_equal(nlut_stages_parse("layer", &s), 0);
	assert_int_equal(s.policy, NLUT_STAGES_EVERY);
	assert_int_equal(s.k, 1);
	nlut_stages_format(&s, buf, sizeof(buf));
	assert_string_equal(buf, "layer");
	assert_int_equal(nlut_stages_parse("every:3", &s), 0);
	assert_int_equal(s.k, 3);
	assert_int_equal(nlut_stages_parse("levels:5", &s), 0);
	assert_int_equal(s.policy, NLUT_STAGES_LEVELS);
	nlut_stages_format(&s, buf, sizeof(buf));
	assert_string_equal(buf, "levels:5");
	assert_int_equal(nlut_stages_parse("levels:4,nosplit", &s), 0);
	assert_int_equal(s.policy, NLUT_STAGES_LEVELS);
	assert_int_equal(s.k, 4);
	assert_true(s.no_split);
	nlut_stages_format(&s, buf, sizeof(buf));
	assert_string_equal(buf, "levels:4,nosplit");
	assert_int_equal(nlut_stages_parse("default", &s), 0);
	assert_int_equal(s.k, NLUT_STAGES_DEFAULT_LEVELS);
	assert_false(s.no_split);
	const char *bad[] = { "", "every", "every:0", "every:x", "levels:", "levels:-1", "layers",
			      "every:2x", "levels:100000", "levels:3,", "levels:3,split",
			      "every:2,nosplit", "levels:0,nosplit" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(nlut_stages_parse(bad[i], &s), NLUT_ERROR_INVALID_PARAM);
		assert_non_null(strstr(nlut_gen_error_detail(), "bad stage policy"));
	}
	/* A target clock: the whole levels of 700 ps (amd) or of ps:N in one
	 * period, and back to text. */
	const struct {
		const char *in, *out;
		unsigned k, split;
	} fm[] = {
		{ "fmax:240", "fmax:240,amd", 5, 1 },     /* 4.167 ns / 0.7 = 5.95 */
		{ "fmax:360,amd", "fmax:360,amd", 3, 1 }, /* 2.778 / 0.7 = 3.97 */
		{ "fmax:238", "fmax:238,amd", 6, 1 },     /* 4.202 / 0.7 = 6.002 */
		{ "fmax:300,ps:500,nosplit", "fmax:300,ps:500,nosplit", 6, 0 },
		{ "fmax:1000,ps:1000", "fmax:1000,ps:1000", 1, 1 },
	};

	for (size_t i = 0; i < sizeof(fm) / sizeof(fm[0]); i++) {
		assert_int_equal(nlut_stages_parse(fm[i].in, &s), 0);
		assert_int_equal(s.policy, NLUT_STAGES_LEVELS);
		assert_int_equal(s.k, fm[i].k);
		assert_int_equal(!s.no_split, fm[i].split);
		nlut_stages_format(&s, buf, sizeof(buf));
		assert_string_equal(buf, fm[i].out);
	}
	assert_int_equal(nlut_family_level_ps("amd"), 700);
	assert_int_equal(nlut_family_level_ps("lattice"), 0);
	/* levels:N after fmax forgets the clock. */
	assert_int_equal(nlut_stages_parse("levels:2", &s), 0);
	nlut_stages_format(&s, buf, sizeof(buf));
	assert_string_equal(buf, "levels:2");
	const char *badf[] = { "fmax:", "fmax:0", "fmax:1001", "fmax:300,xilinx", "fmax:300,ps:0",
			       "fmax:1000,ps:1001", "fmax:300,", "fmax:x" };

	for (size_t i = 0; i < sizeof(badf) / sizeof(badf[0]); i++)
		assert_int_equal(nlut_stages_parse(badf[i], &s), NLUT_ERROR_INVALID_PARAM);

	/* The level model only grows with the address width. */
	for (unsigned n = 1; n < 24; n++)
		assert_true(nlut_table_levels(n + 1) >= nlut_table_levels(n));
	assert_int_equal(nlut_table_levels(6), 1);
}

/* Latency = registered boundaries; every policy's placement checked. */
static void test_plans(void **state)
{
	unsigned splits = 0;

	for (unsigned r = 0; r < 40; r++) {
		struct rm_spec sp;
		struct nlut_plan p;
		struct nlut_stages s;

		rm_random_spec(&sp, seed + r);
		nlut_model *m = rm_build(&sp, seed + r);

		assert_non_null(m);
		uint32_t L = nlut_model_num_layers(m);

		/* layer: every boundary registered. */
		nlut_stages_parse("layer", &s);
		assert_int_equal(nlut_plan_make(m, &s, &p), 0);
		assert_int_equal(p.n_units, L + 2);
		assert_int_equal(p.latency, L + 3);
		for (uint32_t u = 0; u < p.n_units; u++)
			assert_int_equal(p.unit_cycle[u], u + 1);

		/* every:k: registers at multiples of k and around the argmax. */
		for (unsigned k = 2; k <= 3; k++) {
			s.policy = NLUT_STAGES_EVERY;
			s.k = k;
			assert_int_equal(nlut_plan_make(m, &s, &p), 0);
			uint32_t want = 1 + (L - 1) / k + 3;

			assert_int_equal(p.latency, want);
			for (uint32_t b = 1; b < L; b++)
				assert_int_equal(p.reg[b], b % k == 0);
		}
		/* levels:N: no stage of several parts over budget. With
		 * splitting and N >= 3 not even one part, but a lone adder
		 * layer, argmax unit or table above NLUT_GEN_MAX_TABLE_BITS. A split
		 * layer's cofactor tables end a stage, its muxes open the next. */
		for (unsigned n = 1; n <= 6; n++) {
			for (int ns = 0; ns <= 1; ns++) {
				s.policy = NLUT_STAGES_LEVELS;
				s.k = n;
				s.no_split = ns;
				assert_int_equal(nlut_plan_make(m, &s, &p), 0);
				unsigned acc = 0, parts = 0, regs = 0;
				int lone_ok = 0;

#define CLOSE_STAGE()                                                                        \
	do {                                                                                  \
		regs++;                                                                       \
		if (parts > 1 || (parts == 1 && n >= 3 && !ns && !lone_ok))                   \
			assert_true(acc <= n);                                                \
		acc = parts = 0;                                                              \
	} while (0)
				for (uint32_t u = 0; u <= p.n_units; u++) {
					if (p.reg[u])
						CLOSE_STAGE();
					if (u == p.n_units)
						break;
					if (p.split[u]) {
						assert_false(ns);
						assert_true(u < L);
						assert_true(p.unit_levels[u] > n);
						assert_true(p.split_levels[u] < p.unit_levels[u]);
						assert_true(p.mux_levels[u] >= 1);
						splits++;
						acc += p.split_levels[u];
						parts++;
						/* unsplit adders, or wider than the generator
						 * renders (k runs out) */
						lone_ok = 0;
						for (uint32_t j = 0; j < nlut_model_layer(m, u)->n_neurons; j++) {
							const struct nlut_neuron *nj =
								&nlut_model_layer(m, u)->neurons[j];

							lone_ok |= nj->kind == NLUT_NEURON_ADDER ||
								   nj->addr_bits > NLUT_GEN_MAX_TABLE_BITS;
						}
						CLOSE_STAGE();
						acc = p.mux_levels[u];
						parts = 1;
						assert_int_equal(p.unit_cycle[u], regs);
						continue;
					}
					lone_ok = u >= L;
					for (uint32_t j = 0; u < L && j < nlut_model_layer(m, u)->n_neurons;
					     j++)
						lone_ok |= nlut_model_layer(m, u)->neurons[j].kind ==
							   NLUT_NEURON_ADDER;
					acc += p.unit_levels[u];
					parts++;
					assert_int_equal(p.unit_cycle[u], regs);
				}
#undef CLOSE_STAGE
				assert_int_equal(p.latency, regs);
				assert_int_equal(p.n_stages, regs - 1);
				assert_true(p.reg[0] && p.reg[p.n_units]);
			}
		}
		nlut_model_free(m);
	}
	assert_true(splits > 0);
}

/* 12- and 16-bit tables: split under the default policy (1 and 5 select
 * bits), a 6-bit layer between them unsplit; -Wall lint clean; the split
 * register named split<l>_*, the mux module in the filelist. */
static void test_split(void **state)
{
	struct rm_spec sp = { .n_inputs = 10, .in_bits = 2, .n_layers = 3, .width = { 8, 6, 4 },
			      .fan_in = { 6, 3, 8 }, .out_bits = { 2, 2, 3 } };
	nlut_model *m = rm_build(&sp, seed);
	struct nlut_gen_opts o;
	struct nlut_plan p;
	char dir[512], path[1024];

	assert_non_null(m);
	assert_int_equal(nlut_split_bits(&nlut_model_layer(m, 0)->neurons[0], 3), 1);
	assert_int_equal(nlut_split_bits(&nlut_model_layer(m, 0)->neurons[0], 2), 3); /* 9 bits */
	assert_int_equal(nlut_split_bits(&nlut_model_layer(m, 1)->neurons[0], 3), 0);
	assert_int_equal(nlut_split_bits(&nlut_model_layer(m, 2)->neurons[0], 3), 5);
	fresh_dir(dir, sizeof(dir), "split");
	nlut_gen_opts_init(&o);
	assert_int_equal(nlut_gen_write(m, &o, dir, &p), 0);
	assert_true(p.split[0] && !p.split[1] && p.split[2]);
	assert_int_equal(p.split_levels[0], 3);
	assert_int_equal(p.mux_levels[0], 1);
	assert_int_equal(p.mux_levels[2], 3);
	/* in | layer 0 tables | mux + layer 1 | layer 2 tables | muxes | cmp,
	 * sel: cycles of the layers' outputs 2, 2 (no register before layer
	 * 1: 1 + 1 levels) and 4. */
	assert_int_equal(p.unit_cycle[0], 2);
	assert_int_equal(p.unit_cycle[1], 2);
	assert_int_equal(p.unit_cycle[2], 4);
	snprintf(path, sizeof(path), "%s/nlut_core.f", dir);
	char *fl = slurp(path);

	assert_non_null(strstr(fl, "nlut_layer0.v\nnlut_layer0_sel.v\nnlut_layer1.v\nnlut_layer2.v\n"
				   "nlut_layer2_sel.v\n"));
	free(fl);
	snprintf(path, sizeof(path), "%s/nlut_core.v", dir);
	char *core = slurp(path);

	assert_non_null(strstr(core, "reg  [31:0] split0_cof_reg;"));  /* 8 x 2 cofactors x 2 bits */
	assert_non_null(strstr(core, "reg  [7:0] split0_sel_reg;"));
	assert_non_null(strstr(core, "reg  [383:0] split2_cof_reg;")); /* 4 x 32 x 3 bits */
	free(core);
	if (have_verilator)
		sh("cd '%s' && verilator --lint-only -Wall -F nlut_core.f --top-module nlut_core", dir);
	/* nosplit: the old placement, no split register. */
	nlut_stages_parse("levels:3,nosplit", &o.stages);
	fresh_dir(dir, sizeof(dir), "nosplit");
	assert_int_equal(nlut_gen_write(m, &o, dir, &p), 0);
	assert_true(!p.split[0] && !p.split[1] && !p.split[2]);
	snprintf(path, sizeof(path), "%s/nlut_core.v", dir);
	core = slurp(path);
	assert_null(strstr(core, "split0"));
	free(core);
	nlut_model_free(m);
}

static void check_banner(const char *dir, const char *file, const char *id)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	char *t = slurp(path);

	assert_non_null(t);
	assert_non_null(strstr(t, NLUT_GEN_VERSION));
	assert_non_null(strstr(t, id));
	assert_non_null(strstr(t, "Do not edit"));
	free(t);
}

static void test_structure(void **state)
{
	nlut_model *m = small_model();
	struct nlut_gen_opts o;
	struct nlut_plan p;
	char dir[512], id[NLUT_ID_STR_SIZE], path[1024], want[128];

	nlut_model_id(m, id);
	fresh_dir(dir, sizeof(dir), "structure");
	nlut_gen_opts_init(&o);
	assert_int_equal(nlut_gen_write(m, &o, dir, &p), 0);
	const char *files[] = { "nlut_core.v", "nlut_layer0.v", "nlut_layer1.v", "nlut_argmax_cmp.v",
				"nlut_argmax_sel.v", "nlut_core_params.vh", "nlut_core_params.h",
				"nlut_core.f" };

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		check_banner(dir, files[i], id);
	snprintf(path, sizeof(path), "%s/nlut_core.v", dir);
	char *core = slurp(path);

	assert_non_null(strstr(core, "module nlut_core ("));
	assert_non_null(strstr(core, "`default_nettype none"));
	snprintf(want, sizeof(want), "localparam LATENCY = %u;", p.latency);
	assert_non_null(strstr(core, want));
	snprintf(want, sizeof(want), "localparam [255:0] MODEL_HASH = 256'h%s;", id);
	assert_non_null(strstr(core, want));
	/* 6 x 2 input bits, 3 x 2 score bits, 2 class bits. */
	assert_non_null(strstr(core, "input  wire [11:0] in_codes"));
	assert_non_null(strstr(core, "output wire [5:0] out_scores"));
	assert_non_null(strstr(core, "output wire [1:0] out_class"));
	assert_non_null(strstr(core, "dbg_acts /*verilator public_flat_rd*/"));
	free(core);
	snprintf(path, sizeof(path), "%s/nlut_core_params.h", dir);
	char *hdr = slurp(path);

	snprintf(want, sizeof(want), "#define NLUT_CORE_LATENCY %uu", p.latency);
	assert_non_null(strstr(hdr, want));
	free(hdr);
	snprintf(path, sizeof(path), "%s/nlut_core.f", dir);
	char *fl = slurp(path);

	assert_non_null(strstr(fl, "nlut_layer0.v\nnlut_layer1.v\nnlut_argmax_cmp.v\n"
				   "nlut_argmax_sel.v\nnlut_core.v\n"));
	free(fl);

	/* LogicNets style: a module per neuron, registers per layer. */
	fresh_dir(dir, sizeof(dir), "structure_ln");
	o.style = NLUT_GEN_STYLE_LOGICNETS;
	assert_int_equal(nlut_gen_write(m, &o, dir, NULL), 0);
	check_banner(dir, "logicnet.v", id);
	check_banner(dir, "layer1_N2.v", id);
	snprintf(path, sizeof(path), "%s/layer0_N0.v", dir);
	char *n0 = slurp(path);

	/* Lines in offset-binary order: the first key is 10 10 10, not 0. */
	assert_non_null(strstr(n0, "case (M0)\n\t\t\t6'b101010: M1r = 2'b"));
	free(n0);
	/* A missing directory parent is a clear I/O error. */
	assert_int_equal(nlut_gen_write(m, &o, "/nonexistent/x/y", NULL), NLUT_ERROR_IO);
	assert_non_null(strstr(nlut_gen_error_detail(), "/nonexistent/x/y"));
	nlut_model_free(m);
}

/* Random shapes (adders, one class, 1-bit codes) lint clean under -Wall. */
static void test_lint_random(void **state)
{
	if (!have_verilator)
		skip();
	for (unsigned r = 0; r < 6; r++) {
		struct rm_spec sp;
		struct nlut_gen_opts o;
		char dir[512], name[32];

		rm_random_spec(&sp, seed * 7 + r);
		if (r == 0) {
			sp.width[sp.n_layers - 1] = 1; /* one class */
			sp.out_bits[sp.n_layers - 1] = 1;
		}
		sp.adder_pct = 30;
		nlut_model *m = rm_build(&sp, seed + r);

		assert_non_null(m);
		snprintf(name, sizeof(name), "lint%u", r);
		fresh_dir(dir, sizeof(dir), name);
		nlut_gen_opts_init(&o);
		if (r & 1)
			nlut_stages_parse("layer", &o.stages);
		assert_int_equal(nlut_gen_write(m, &o, dir, NULL), 0);
		sh("cd '%s' && verilator --lint-only -Wall -F nlut_core.f --top-module nlut_core", dir);
		nlut_model_free(m);
	}
}

static void test_import_roundtrip(void **state)
{
	unsigned adders = 0;

	for (unsigned r = 0; r < 12; r++) {
		struct rm_spec sp;
		struct nlut_gen_opts o;
		struct nlut_import_opts io;
		char dir[512], name[32], a[NLUT_ID_STR_SIZE], b[NLUT_ID_STR_SIZE];
		nlut_model *back = NULL;

		rm_random_spec(&sp, seed * 3 + r);
		sp.adder_pct = 35;
		nlut_model *m = rm_build(&sp, seed + 100 + r);

		assert_non_null(m);
		for (uint32_t l = 0; l < nlut_model_num_layers(m); l++) {
			const struct nlut_layer *L = nlut_model_layer(m, l);

			for (uint32_t j = 0; j < L->n_neurons; j++)
				adders += L->neurons[j].kind == NLUT_NEURON_ADDER;
		}
		snprintf(name, sizeof(name), "rt%u", r);
		fresh_dir(dir, sizeof(dir), name);
		nlut_gen_opts_init(&o);
		o.style = NLUT_GEN_STYLE_LOGICNETS;
		assert_int_equal(nlut_gen_write(m, &o, dir, NULL), 0);
		memset(&io, 0, sizeof(io));
		io.quant_from = m;
		int rc = nlut_import_dir(dir, &io, &back);

		if (rc)
			print_error("import: %s\n", nlut_gen_error_detail());
		assert_int_equal(rc, 0);
		nlut_model_id(m, a);
		nlut_model_id(back, b);
		assert_string_equal(a, b);
		nlut_model_free(back);
		nlut_model_free(m);
	}
	assert_true(adders > 0);
}

/* Identity quantisers by default; feature widths from the bit selects. */
static void test_import_identity(void **state)
{
	struct nlut_quant q[8];
	nlut_model *m, *back;
	uint16_t t[64];
	uint64_t s = seed;
	char dir[512], a[NLUT_ID_STR_SIZE], b[NLUT_ID_STR_SIZE];
	struct nlut_gen_opts o;

	for (int i = 0; i < 8; i++)
		q[i] = (struct nlut_quant){ 3, 0.0f, 1.0f };
	assert_int_equal(nlut_model_new(8, q, &m), 0);
	assert_int_equal(nlut_model_add_layer(m, 8), 0);
	assert_int_equal(nlut_model_add_layer(m, 3), 1);
	for (uint32_t j = 0; j < 8; j++) {
		uint32_t src[2] = { j, (j + 3) % 8 };

		for (int k = 0; k < 64; k++)
			t[k] = (uint16_t)rm_below(&s, 4);
		assert_int_equal(nlut_model_set_neuron(m, 0, j, 2, src, 2, t), 0);
	}
	for (uint32_t j = 0; j < 3; j++) {
		uint32_t src[3] = { j, j + 2, j + 4 };

		for (int k = 0; k < 64; k++)
			t[k] = (uint16_t)rm_below(&s, 8);
		assert_int_equal(nlut_model_set_neuron(m, 1, j, 3, src, 3, t), 0);
	}
	fresh_dir(dir, sizeof(dir), "identity");
	nlut_gen_opts_init(&o);
	o.style = NLUT_GEN_STYLE_LOGICNETS;
	assert_int_equal(nlut_gen_write(m, &o, dir, NULL), 0);
	assert_int_equal(nlut_import_dir(dir, NULL, &back), 0);
	nlut_model_id(m, a);
	nlut_model_id(back, b);
	assert_string_equal(a, b);
	nlut_model_free(back);
	nlut_model_free(m);
}

/* ---- self-test data (nlut_bist.hex, docs/shell.md) ---- */

/* Features of 1, 3, 16, 7 and 9 bits (36: two input words, codes across the
 * word boundary) and scores of 16, 16 and 5 bits (37: two score words). */
static nlut_model *ragged_model(uint64_t s)
{
	static const uint8_t bits[5] = { 1, 3, 16, 7, 9 };
	static const uint32_t src0[2] = { 0, 1 }, src1[1] = { 2 }, src2[2] = { 3, 4 };
	struct nlut_quant q[5];
	uint16_t *t = malloc(65536 * sizeof(*t));
	nlut_model *m;

	assert_non_null(t);
	for (int i = 0; i < 5; i++)
		q[i] = (struct nlut_quant){ bits[i], 0.0f, 1.0f };
	assert_int_equal(nlut_model_new(5, q, &m), 0);
	assert_int_equal(nlut_model_add_layer(m, 3), 0);
	for (int k = 0; k < 16; k++)
		t[k] = (uint16_t)rm_next(&s);
	assert_int_equal(nlut_model_set_neuron(m, 0, 0, 2, src0, 16, t), 0);
	for (int k = 0; k < 65536; k++)
		t[k] = (uint16_t)rm_next(&s);
	assert_int_equal(nlut_model_set_neuron(m, 0, 1, 1, src1, 16, t), 0);
	for (int k = 0; k < 65536; k++)
		t[k] = (uint16_t)rm_below(&s, 32);
	assert_int_equal(nlut_model_set_neuron(m, 0, 2, 2, src2, 5, t), 0);
	free(t);
	return m;
}

static uint32_t get_bits(const uint32_t *w, uint32_t off, uint32_t width)
{
	uint32_t v = 0;

	for (uint32_t b = 0; b < width; b++)
		v |= (w[(off + b) / 32] >> ((off + b) % 32) & 1u) << b;
	return v;
}

/* Parse dir/nlut_bist.hex as $readmemh would; returns the word count. */
static size_t read_bist_hex(const char *dir, uint32_t **out)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/nlut_bist.hex", dir);
	char *text = slurp(path), *line, *save = NULL;
	size_t n = 0, cap = 1024;
	uint32_t *w = malloc(cap * sizeof(*w));

	assert_non_null(text);
	assert_non_null(w);
	/* The data sits at 0x8000_4000: word 0x1000 of the boot RAM. */
	assert_memory_equal(text, "@00001000\n", 10);
	for (line = strtok_r(text + 10, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *end;

		assert_int_equal(strlen(line), 8);
		unsigned long v = strtoul(line, &end, 16);

		assert_true(*end == '\0');
		if (n == cap) {
			cap *= 2;
			w = realloc(w, cap * sizeof(*w));
			assert_non_null(w);
		}
		w[n++] = (uint32_t)v;
	}
	free(text);
	*out = w;
	return n;
}

/* Everything docs/shell.md promises about the block of model m, n vectors:
 * header, identity, CRC, zero and maximum codes, and every expectation
 * equal to the golden model's. */
static void check_bist_block(const nlut_model *m, const char *dir, uint32_t n)
{
	const struct nlut_quant *q = nlut_model_quant(m);
	const struct nlut_layer *last = nlut_model_layer(m, nlut_model_num_layers(m) - 1);
	uint32_t ni = nlut_model_num_inputs(m), nc = nlut_model_num_classes(m);
	uint32_t in_bits = 0, sc_bits = 0, *w, cls;
	uint8_t hash[NLUT_HASH_SIZE];
	nlut_golden *g;

	for (uint32_t f = 0; f < ni; f++)
		in_bits += q[f].bits;
	for (uint32_t k = 0; k < nc; k++)
		sc_bits += last->neurons[k].out_bits;
	uint32_t iw = (in_bits + 31) / 32, sw = (sc_bits + 31) / 32, per = iw + 1 + sw;
	size_t words = read_bist_hex(dir, &w);

	assert_int_equal(words, 16 + (size_t)n * per);
	assert_true(words * 4 <= 0x80010000u - NLUT_FW_BIST_BASE);
	assert_int_equal(w[0], NLUT_FW_BIST_MAGIC);
	assert_int_equal(w[1], 1);
	assert_int_equal(w[2], n);
	assert_int_equal(w[3], iw);
	assert_int_equal(w[4], sw);
	assert_int_equal(nlut_model_hash(m, hash), 0);
	for (uint32_t k = 0; k < NLUT_HASH_WORDS; k++)
		assert_int_equal(w[5 + k], (uint32_t)hash[4 * k] | (uint32_t)hash[4 * k + 1] << 8 |
						   (uint32_t)hash[4 * k + 2] << 16 |
						   (uint32_t)hash[4 * k + 3] << 24);
	assert_int_equal(w[14], 0);
	assert_int_equal(w[15], 0);
	uint32_t crc = 0;

	for (size_t k = 16; k < words; k++) {
		uint8_t b[4] = { (uint8_t)w[k], (uint8_t)(w[k] >> 8), (uint8_t)(w[k] >> 16),
				 (uint8_t)(w[k] >> 24) };

		crc = nlut_wire_crc32(crc, b, 4);
	}
	assert_int_equal(w[13], crc);

	uint16_t *codes = calloc(ni, sizeof(*codes)), *scores = calloc(nc, sizeof(*scores));

	assert_non_null(codes);
	assert_non_null(scores);
	assert_int_equal(nlut_golden_new(m, &g), 0);
	for (uint32_t v = 0; v < n; v++) {
		const uint32_t *p = w + 16 + (size_t)v * per, *ps = p + iw + 1;
		uint32_t off = 0;

		for (uint32_t f = 0; f < ni; f++) {
			codes[f] = (uint16_t)get_bits(p, off, q[f].bits);
			off += q[f].bits;
			if (v < 2)
				assert_int_equal(codes[f], v ? (1u << q[f].bits) - 1u : 0);
		}
		if (in_bits % 32)
			assert_int_equal(p[iw - 1] >> (in_bits % 32), 0);
		assert_int_equal(nlut_golden_eval(g, codes, scores, &cls), 0);
		assert_int_equal(p[iw], cls);
		off = 0;
		for (uint32_t k = 0; k < nc; k++) {
			assert_int_equal(get_bits(ps, off, last->neurons[k].out_bits), scores[k]);
			off += last->neurons[k].out_bits;
		}
		if (sc_bits % 32)
			assert_int_equal(ps[sw - 1] >> (sc_bits % 32), 0);
	}
	nlut_golden_free(g);
	free(codes);
	free(scores);
	free(w);
}

static void test_bist_data(void **state)
{
	for (unsigned r = 0; r < 8; r++) {
		struct rm_spec sp;
		char dir[512], name[32];
		nlut_model *m;
		uint32_t n = 2 + (uint32_t)((seed + r) % 90);

		if (r == 0) {
			m = ragged_model(seed);
		} else {
			rm_random_spec(&sp, seed * 5 + r);
			sp.adder_pct = 25;
			m = rm_build(&sp, seed + 200 + r);
		}
		assert_non_null(m);
		snprintf(name, sizeof(name), "bist%u", r);
		fresh_dir(dir, sizeof(dir), name);
		assert_int_equal(nlut_gen_write_bist(m, n, dir), 0);
		check_bist_block(m, dir, n);
		/* The codes come from the identity alone: the same file again. */
		char path[1024], *a, *b;

		snprintf(path, sizeof(path), "%s/nlut_bist.hex", dir);
		a = slurp(path);
		assert_int_equal(nlut_gen_write_bist(m, n, dir), 0);
		b = slurp(path);
		assert_string_equal(a, b);
		free(a);
		free(b);
		nlut_model_free(m);
	}
}

/* The 48 KiB limit: the most that fit are written, one more is refused
 * with the limit named; nlut_gen_write checks before writing anything. */
static void test_bist_limits(void **state)
{
	nlut_model *m = ragged_model(seed);
	struct nlut_gen_opts o;
	char dir[512], path[1024], want[64];
	uint32_t max = nlut_gen_bist_max_vectors(m);
	struct stat st;

	/* 36 input bits, 37 score bits: 2 + 1 + 2 words a vector. */
	assert_int_equal(max, (0xC000 / 4 - 16) / 5);
	fresh_dir(dir, sizeof(dir), "bist_max");
	assert_int_equal(nlut_gen_write_bist(m, max, dir), 0);
	check_bist_block(m, dir, max);
	assert_int_equal(nlut_gen_write_bist(m, max + 1, dir), NLUT_ERROR_TOO_LARGE);
	assert_non_null(strstr(nlut_gen_error_detail(), "49152 bytes"));
	snprintf(want, sizeof(want), "at most %u vectors fit", max);
	assert_non_null(strstr(nlut_gen_error_detail(), want));
	assert_int_equal(nlut_gen_write_bist(m, 0, dir), NLUT_ERROR_INVALID_PARAM);

	/* Through nlut_gen_write: default 64, none with 0, none for LogicNets. */
	nlut_gen_opts_init(&o);
	assert_int_equal(o.bist_vectors, NLUT_GEN_BIST_VECTORS);
	fresh_dir(dir, sizeof(dir), "bist_gen");
	assert_int_equal(nlut_gen_write(m, &o, dir, NULL), 0);
	check_bist_block(m, dir, NLUT_GEN_BIST_VECTORS);
	o.bist_vectors = max + 1;
	fresh_dir(dir, sizeof(dir), "bist_gen_big");
	assert_int_equal(nlut_gen_write(m, &o, dir, NULL), NLUT_ERROR_TOO_LARGE);
	assert_int_equal(stat(dir, &st), -1);
	o.bist_vectors = 0;
	fresh_dir(dir, sizeof(dir), "bist_gen_none");
	assert_int_equal(nlut_gen_write(m, &o, dir, NULL), 0);
	snprintf(path, sizeof(path), "%s/nlut_bist.hex", dir);
	assert_int_equal(stat(path, &st), -1);
	o.bist_vectors = NLUT_GEN_BIST_VECTORS;
	o.style = NLUT_GEN_STYLE_LOGICNETS;
	fresh_dir(dir, sizeof(dir), "bist_gen_ln");
	assert_int_equal(nlut_gen_write(m, &o, dir, NULL), 0);
	snprintf(path, sizeof(path), "%s/nlut_bist.hex", dir);
	assert_int_equal(stat(path, &st), -1);
	nlut_model_free(m);

	/* Wider than FW_BIST_IN (256 words): refused, pointing at 0 vectors. */
	struct nlut_quant q[520];
	uint16_t *t = calloc(65536, sizeof(*t));
	uint32_t src = 0;

	assert_non_null(t);
	for (int i = 0; i < 520; i++)
		q[i] = (struct nlut_quant){ 16, 0.0f, 1.0f };
	assert_int_equal(nlut_model_new(520, q, &m), 0);
	assert_int_equal(nlut_model_add_layer(m, 1), 0);
	assert_int_equal(nlut_model_set_neuron(m, 0, 0, 1, &src, 1, t), 0);
	free(t);
	assert_int_equal(nlut_gen_bist_max_vectors(m), 0);
	fresh_dir(dir, sizeof(dir), "bist_wide");
	assert_int_equal(nlut_gen_write_bist(m, 1, dir), NLUT_ERROR_UNSUPPORTED);
	assert_non_null(strstr(nlut_gen_error_detail(), "FW_BIST_IN"));
	assert_non_null(strstr(nlut_gen_error_detail(), "0 vectors"));
	nlut_model_free(m);
}

/* Edit one generated file, import, expect err and a detail with `what`. */
static void expect_reject(const char *name, const char *file, const char *from, const char *to,
			  int err, const char *what)
{
	nlut_model *m = small_model(), *back = NULL;
	struct nlut_gen_opts o;
	char dir[512], path[1024];

	fresh_dir(dir, sizeof(dir), name);
	nlut_gen_opts_init(&o);
	o.style = NLUT_GEN_STYLE_LOGICNETS;
	assert_int_equal(nlut_gen_write(m, &o, dir, NULL), 0);
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (!from) {
		assert_int_equal(unlink(path), 0);
	} else {
		char *t = slurp(path), *p;

		assert_non_null(t);
		p = strstr(t, from);
		assert_non_null(p);
		size_t n = strlen(t) + strlen(to) + 1;
		char *u = malloc(n);

		assert_non_null(u);
		snprintf(u, n, "%.*s%s%s", (int)(p - t), t, to, p + strlen(from));
		spit(path, u);
		free(u);
		free(t);
	}
	int rc = nlut_import_dir(dir, NULL, &back);

	if (rc != err || !strstr(nlut_gen_error_detail(), what))
		print_error("%s: got %d '%s'\n", name, rc, nlut_gen_error_detail());
	assert_int_equal(rc, err);
	assert_null(back);
	assert_non_null(strstr(nlut_gen_error_detail(), what));
	nlut_model_free(m);
}

static void test_import_errors(void **state)
{
	/* Missing neuron module, missing layer instance, missing layer. */
	expect_reject("miss_mod", "layer0_N1.v", NULL, NULL, NLUT_ERROR_NOT_FOUND,
		      "missing module layer0_N1");
	expect_reject("miss_inst", "layer1.v", "layer1_N1 layer1_N1_inst", "// layer1_N1 layer1_N1_inst",
		      NLUT_ERROR_INCONSISTENT, "expected M1[2] (neuron outputs overlap or leave a gap)");
	/* Neurons are taken in the order of their output slices, whatever
	 * their names: two driving the same slice is an error. */
	expect_reject("twice", "layer1.v", "layer1_N1_wire), .M1(M1[3:2])",
		      "layer1_N1_wire), .M1(M1[1:0])", NLUT_ERROR_INCONSISTENT,
		      "(neuron outputs overlap or leave a gap)");
	expect_reject("miss_layer0", "layer0.v", NULL, NULL, NLUT_ERROR_NOT_FOUND,
		      "missing module layer0");
	/* Bad case key: a digit that is not binary, and one too wide. */
	expect_reject("bad_key", "layer0_N2.v", "6'b101010:", "6'b101210:", NLUT_ERROR_MALFORMED,
		      "layer0_N2.v:");
	expect_reject("bad_key2", "layer0_N2.v", "6'b101010:", "6'b1101010:", NLUT_ERROR_MALFORMED,
		      "bad case key");
	/* Duplicate key, then a missing one. */
	expect_reject("dup_key", "layer1_N0.v", "6'b101011:", "6'b101010:", NLUT_ERROR_INCONSISTENT,
		      "duplicate key 42");
	expect_reject("miss_key", "layer1_N0.v", "\t\t\t6'b101011: M1r", "\t\t\t// M1r",
		      NLUT_ERROR_INCONSISTENT, "missing key 43");
	/* Width mismatch: keys wider than the wire, values wider than M1. */
	expect_reject("width_key", "layer0_N3.v", "input [5:0] M0", "input [6:0] M0",
		      NLUT_ERROR_INCONSISTENT, "width mismatch");
	expect_reject("width_out", "layer0.v", "output [7:0] M1", "output [8:0] M1",
		      NLUT_ERROR_INCONSISTENT, "width mismatch");
	expect_reject("width_src", "layer1.v", "wire [5:0] layer1_N0_wire = {M0[",
		      "wire [5:0] layer1_N0_wire = {M0[7], M0[", NLUT_ERROR_INCONSISTENT,
		      "width mismatch");
	/* Not Verilog at all. */
	expect_reject("garbage", "layer1_N1.v", "module", "modle", NLUT_ERROR_MALFORMED,
		      "expected 'module'");
}

/* Hex digit values of the number at *p (advancing past it) into bits
 * [0, 4 * digits) of w, most significant digit first. */
static size_t parse_hex(const char **p, uint32_t *w, size_t words)
{
	const char *s = *p, *e;
	size_t digits;

	while (*s == ' ')
		s++;
	for (e = s; (*e >= '0' && *e <= '9') || (*e >= 'a' && *e <= 'f'); e++)
		;
	digits = (size_t)(e - s);
	memset(w, 0, words * sizeof(*w));
	for (size_t d = 0; d < digits; d++) {
		char c = s[digits - 1 - d];
		uint32_t v = (uint32_t)(c <= '9' ? c - '0' : c - 'a' + 10);

		assert_true(d / 8 < words);
		w[d / 8] |= v << (4 * (d % 8));
	}
	*p = e;
	return digits;
}

/* nlut vectors: every line of nlut_in.hex unpacks to the codes given, every
 * line of nlut_out.hex holds the reference evaluator's class and scores
 * (ref_eval shares no code with the golden model that wrote them), in the
 * widths of the core's ports; a code too wide is refused. */
static void test_vectors(void **state)
{
	for (unsigned r = 0; r < 6; r++) {
		struct rm_spec sp;
		struct nlut_vectors_opts vo = { .fixed_latency = (int)(r & 1) };
		char dir[512], name[32], path[1024];
		size_t n = 50 + r * 40;

		rm_random_spec(&sp, seed * 11 + r);
		sp.adder_pct = 30;
		if (r == 2) {
			sp.width[sp.n_layers - 1] = 1; /* one class: 1-bit out_class */
			sp.out_bits[sp.n_layers - 1] = 3;
		}
		nlut_model *m = r == 0 ? ragged_model(seed) : rm_build(&sp, seed + 300 + r);

		assert_non_null(m);
		uint32_t n_in = nlut_model_num_inputs(m), n_cls = nlut_model_num_classes(m);
		const struct nlut_quant *q = nlut_model_quant(m);
		const struct nlut_layer *last = nlut_model_layer(m, nlut_model_num_layers(m) - 1);
		uint16_t *codes = calloc(n * n_in, sizeof(*codes));
		uint16_t *scores = calloc(n_cls, sizeof(*scores));
		uint32_t in_w = 0, sc_w = 0, w[512];

		assert_non_null(codes);
		assert_non_null(scores);
		for (uint32_t f = 0; f < n_in; f++)
			in_w += q[f].bits;
		for (uint32_t k = 0; k < n_cls; k++)
			sc_w += last->neurons[k].out_bits;
		assert_true(in_w <= 32 * 512 && sc_w <= 32 * 512);
		rm_codes(m, seed + r, n, codes);
		snprintf(name, sizeof(name), "vectors%u", r);
		fresh_dir(dir, sizeof(dir), name);
		assert_int_equal(nlut_vectors_write(m, codes, n, &vo, dir), 0);

		snprintf(path, sizeof(path), "%s/nlut_in.hex", dir);
		char *in = slurp(path), *ip = in;
		snprintf(path, sizeof(path), "%s/nlut_out.hex", dir);
		char *out = slurp(path), *op = out;

		assert_non_null(in);
		assert_non_null(out);
		for (size_t v = 0; v < n; v++) {
			const char *c = ip;

			assert_int_equal(parse_hex(&c, w, 512), (in_w + 3) / 4);
			assert_int_equal(*c, '\n');
			ip = (char *)c + 1;
			for (uint32_t f = 0, off = 0; f < n_in; off += q[f].bits, f++)
				assert_int_equal(get_bits(w, off, q[f].bits), codes[v * n_in + f]);
			/* Nothing above the input width. */
			assert_int_equal(get_bits(w, in_w, 4 * ((in_w + 3) / 4) - in_w), 0);

			uint32_t cls = ref_eval(m, &codes[v * n_in], scores);

			c = op;
			assert_int_equal(parse_hex(&c, w, 512), (nlut_vectors_class_width(m) + 3) / 4);
			assert_int_equal(w[0], cls);
			assert_int_equal(parse_hex(&c, w, 512), (sc_w + 3) / 4);
			assert_int_equal(*c, '\n');
			op = (char *)c + 1;
			for (uint32_t k = 0, off = 0; k < n_cls; off += last->neurons[k].out_bits, k++)
				assert_int_equal(get_bits(w, off, last->neurons[k].out_bits), scores[k]);
		}
		assert_int_equal(*ip, '\0');
		assert_int_equal(*op, '\0');
		free(in);
		free(out);
		/* The testbenches match the core's mode. */
		snprintf(path, sizeof(path), "%s/nlut_vectors_tb.vhd", dir);
		char *tb = slurp(path);

		assert_non_null(tb);
		assert_non_null(strstr(tb, vo.fixed_latency ? "NLUT_CORE_FIXED_LATENCY = true"
							    : "NLUT_CORE_FIXED_LATENCY = false"));
		assert_int_equal(strstr(tb, "ce => ce") == NULL, vo.fixed_latency);
		free(tb);
		/* A code wider than its feature: refused, naming it. */
		codes[(n - 1) * n_in + n_in - 1] = (uint16_t)(1u << q[n_in - 1].bits);
		assert_int_equal(nlut_vectors_write(m, codes, n, &vo, dir), NLUT_ERROR_INVALID_PARAM);
		assert_non_null(strstr(nlut_gen_error_detail(), "is wider than"));
		free(codes);
		free(scores);
		nlut_model_free(m);
	}
}

/* The VHDL core of random shapes (adders, one class, splits, group sums),
 * with a clock enable and with a fixed latency: its ports and package, and
 * GHDL analyses and elaborates it as VHDL-93 and VHDL-2008. The Verilog
 * fixed-latency core has no ce port and lints clean. */
static void test_vhdl_random(void **state)
{
	for (unsigned r = 0; r < 9; r++) {
		struct rm_spec sp;
		struct nlut_gen_opts o;
		struct nlut_plan p;
		char dir[512], name[32], path[1024], want[128];

		rm_random_spec(&sp, seed * 13 + r);
		if (r == 0) {
			sp.width[sp.n_layers - 1] = 1; /* one class */
			sp.out_bits[sp.n_layers - 1] = 1;
		}
		sp.adder_pct = 30;
		/* r >= 6: group sums (format 1.1) of 2 to 4 classes. */
		uint32_t gsum = r >= 6 ? 2 + (uint32_t)(seed + r) % 3 : 0, scores_w = 0;

		if (gsum) {
			sp.width[sp.n_layers - 1] = gsum * (3 + (uint32_t)(seed * 7 + r) % 10);
			sp.out_bits[sp.n_layers - 1] = (uint8_t)(1 + r % 3);
		}
		nlut_model *m = rm_build(&sp, seed + 400 + r);

		assert_non_null(m);
		if (gsum)
			assert_int_equal(nlut_model_set_group_sum(m, gsum), 0);
		for (uint32_t c = 0; c < nlut_model_num_classes(m); c++)
			scores_w += nlut_model_score_bits(m, c);
		snprintf(name, sizeof(name), "vhdl%u", r);
		fresh_dir(dir, sizeof(dir), name);
		nlut_gen_opts_init(&o);
		o.hdl = NLUT_GEN_HDL_VHDL;
		o.fixed_latency = (int)(r & 1);
		/* levels:1 splits every table over one LUT level. */
		nlut_stages_parse(r % 3 == 2 ? "levels:1" : r % 3 ? "layer" : "default", &o.stages);
		assert_int_equal(nlut_gen_write(m, &o, dir, &p), 0);
		snprintf(path, sizeof(path), "%s/nlut_core.vhd", dir);
		char *core = slurp(path);

		assert_non_null(core);
		assert_non_null(strstr(core, "entity nlut_core is"));
		assert_int_equal(strstr(core, "ce         : in  std_logic") == NULL, o.fixed_latency);
		snprintf(want, sizeof(want), "out_scores : out std_logic_vector(%u downto 0)",
			 scores_w - 1);
		assert_non_null(strstr(core, want));
		/* One group-sum unit per stage of the plan, as in the Verilog. */
		assert_int_equal(p.n_sum > 0, gsum > 0);
		for (uint32_t s = 0; s < p.n_sum; s++) {
			snprintf(want, sizeof(want), "u_gsum%u : entity work.nlut_gsum%u", s, s);
			assert_non_null(strstr(core, want));
		}
		free(core);
		snprintf(path, sizeof(path), "%s/nlut_core_params.vhd", dir);
		char *pkg = slurp(path);

		snprintf(want, sizeof(want), "constant NLUT_CORE_LATENCY      : natural := %u;",
			 p.latency);
		assert_non_null(strstr(pkg, want));
		assert_non_null(strstr(pkg, o.fixed_latency ? "FIXED_LATENCY : boolean := true"
							    : "FIXED_LATENCY : boolean := false"));
		free(pkg);
		snprintf(path, sizeof(path), "%s/nlut_core.v", dir);
		assert_int_equal(access(path, F_OK), -1); /* VHDL only */
		snprintf(path, sizeof(path), "%s/nlut_bist.hex", dir);
		assert_int_equal(access(path, F_OK), -1); /* the shell's, Verilog */
		if (have_ghdl)
			sh("cd '%s' && for std in 93c 08; do mkdir -p lib$std && for f in "
			   "$(grep -v '^#' nlut_core_vhdl.f); do ghdl -a --std=$std --workdir=lib$std $f "
			   "|| exit 1; done && ghdl -e --std=$std --workdir=lib$std nlut_core || exit 1; "
			   "done", dir);

		/* The Verilog fixed-latency core: no ce port, lint clean. */
		if (o.fixed_latency) {
			snprintf(name, sizeof(name), "fixedv%u", r);
			fresh_dir(dir, sizeof(dir), name);
			o.hdl = NLUT_GEN_HDL_VERILOG;
			assert_int_equal(nlut_gen_write(m, &o, dir, NULL), 0);
			snprintf(path, sizeof(path), "%s/nlut_core.v", dir);
			core = slurp(path);
			assert_null(strstr(core, "input  wire         ce,"));
			free(core);
			snprintf(path, sizeof(path), "%s/nlut_core_params.vh", dir);
			pkg = slurp(path);
			assert_non_null(strstr(pkg, "`define NLUT_CORE_FIXED_LATENCY 1"));
			free(pkg);
			if (have_verilator)
				sh("cd '%s' && verilator --lint-only -Wall -F nlut_core.f "
				   "--top-module nlut_core", dir);
		}
		nlut_model_free(m);
	}
	/* The LogicNets style has no VHDL form. */
	nlut_model *m = small_model();
	struct nlut_gen_opts o;
	char dir[512];

	fresh_dir(dir, sizeof(dir), "vhdl_ln");
	nlut_gen_opts_init(&o);
	o.style = NLUT_GEN_STYLE_LOGICNETS;
	o.hdl = NLUT_GEN_HDL_VHDL;
	assert_int_equal(nlut_gen_write(m, &o, dir, NULL), NLUT_ERROR_INVALID_PARAM);
	assert_non_null(strstr(nlut_gen_error_detail(), "Verilog only"));
	nlut_model_free(m);
	if (!have_ghdl)
		skip();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stage_policies),
		cmocka_unit_test(test_plans),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_structure),
		cmocka_unit_test(test_lint_random),
		cmocka_unit_test(test_import_roundtrip),
		cmocka_unit_test(test_import_identity),
		cmocka_unit_test(test_import_errors),
		cmocka_unit_test(test_bist_data),
		cmocka_unit_test(test_bist_limits),
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_vhdl_random),
	};

	seed = test_seed("gen");
	have_verilator = system("verilator --version >/dev/null 2>&1") == 0;
	have_ghdl = system("ghdl --version >/dev/null 2>&1") == 0;
	mkdir(NLUT_TEST_TMPDIR, 0777);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
