/* nlut_gen.h - the generators: model -> Verilog core (nlut and LogicNets
 * styles), pipeline stage planning, synthesis reports, and the importer of
 * LogicNets-style Verilog. The library behind `nlut gen`, `nlut report` and
 * `nlut import`; it never prints. */
#ifndef NLUT_GEN_H
#define NLUT_GEN_H

#include <stddef.h>
#include <stdint.h>

#include <nlut/error.h>
#include <nlut/model.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Version of the generated RTL's structure; printed in every banner. */
#define NLUT_GEN_VERSION "nlut-gen 1.0"

/* Widest table the generator renders (2^16 entries per output bit). */
#define NLUT_GEN_MAX_TABLE_BITS 16u

/* Detail of the last failure of an nlut_gen call in this thread ("" if none). */
const char *nlut_gen_error_detail(void);

/* ---- pipeline stages ---- */

enum nlut_stage_policy {
	NLUT_STAGES_EVERY = 1,  /* a register after every k layers ("layer" = k 1) */
	NLUT_STAGES_LEVELS = 2  /* registers where estimated LUT levels exceed a budget */
};

struct nlut_stages {
	enum nlut_stage_policy policy;
	unsigned k; /* EVERY: layers per stage; LEVELS: LUT levels per stage */
	/* LEVELS: never split a layer across two stages (",nosplit"); a layer
	 * above the budget then gets a stage of its own that exceeds it. */
	int no_split;
	/* LEVELS set from a target clock ("fmax:MHZ[,FAMILY|,ps:N]"): the
	 * frequency, and the delay of one LUT level with its wiring (register
	 * overhead included) that k was derived from: k = the most levels whose
	 * delay fits one period. 0 when k was given directly. */
	unsigned fmax_mhz;
	unsigned level_ps;
	int family;  /* index into the family table of stages.c; -1: ps:N given */
};

/* Delay of one LUT level of a device family ("amd"; docs/core-interface.md
 * cites the figure), or 0 for an unknown name. */
unsigned nlut_family_level_ps(const char *family);

/* The default policy: a budget of 3 LUT levels per stage. */
#define NLUT_STAGES_DEFAULT_LEVELS 3u
void nlut_stages_default(struct nlut_stages *s);

/* Parse "layer", "every:K", "levels:N", "levels:N,nosplit" or
 * "fmax:MHZ[,FAMILY|,ps:N][,nosplit]" (also "default"). */
int nlut_stages_parse(const char *text, struct nlut_stages *s);

/* Print a policy as the text nlut_stages_parse reads. */
void nlut_stages_format(const struct nlut_stages *s, char *buf, size_t len);

/*
 * The pipeline is a chain of units: the layers, then (group-sum models
 * only) the n_sum stages of the group sums (bit-heap counters, then one
 * adder per class), then the argmax compare (every pair of scores) and the
 * argmax select (one-hot -> index). Boundary b
 * sits before unit b; boundary 0 (input) and the last boundary (output) are
 * always registered. Every registered boundary is one cycle of latency.
 *
 * The levels policy may also split a layer whose tables exceed the budget
 * (docs/core-interface.md, "Splitting a layer"): each table above
 * split_levels[u] levels is cut into 2^k Shannon cofactors on its k top
 * address bits (the fewest that bring a cofactor within split_levels[u],
 * at most NLUT_SPLIT_MAX_BITS), the cofactors and the k select bits are
 * registered inside the unit (one more cycle), and a 2^k:1 mux after that
 * register gives the layer's outputs; the mux's levels open the next stage.
 */
/* Most stages of the group sums of a group-sum model (format 1.1): each
 * halves the columns of the bit heaps, so 24 cover any 16-bit score. */
#define NLUT_GSUM_MAX_STAGES 24u
#define NLUT_PLAN_MAX_UNITS (NLUT_MAX_LAYERS + NLUT_GSUM_MAX_STAGES + 2u)
/* Stages of any plan: a registered boundary and a split per unit. */
#define NLUT_PLAN_MAX_STAGES (2u * NLUT_PLAN_MAX_UNITS)
/* Most select bits of a split table (a 64:1 mux: 3 LUT levels). */
#define NLUT_SPLIT_MAX_BITS 6u

struct nlut_plan {
	uint32_t n_layers;
	uint32_t n_sum;                              /* group-sum units, 0 for argmax models */
	uint32_t n_units;                            /* n_layers + n_sum + 2 */
	uint8_t reg[NLUT_PLAN_MAX_UNITS + 1];        /* boundary b registered */
	unsigned unit_levels[NLUT_PLAN_MAX_UNITS];   /* estimated LUT levels */
	uint32_t latency;                            /* registered boundaries */
	uint32_t n_stages;                           /* latency - 1 */
	/* Cycles (enabled clock edges) after acceptance at which unit u's
	 * combinational output shows the sample: registered boundaries <= u. */
	uint32_t unit_cycle[NLUT_PLAN_MAX_UNITS];
	/* Stage (1..n_stages) that unit u belongs to (a split layer: the stage
	 * of its mux, which gives its outputs). */
	uint32_t unit_stage[NLUT_PLAN_MAX_UNITS];
	/* Layer u is split: a register of its tables' cofactors inside it. */
	uint8_t split[NLUT_PLAN_MAX_UNITS];
	/* Split layer u: estimated levels its cofactor tables may take (the
	 * target of nlut_split_bits), their estimated levels, and the levels
	 * of its muxes (in the stage after the split register). */
	unsigned split_target[NLUT_PLAN_MAX_UNITS];
	unsigned split_levels[NLUT_PLAN_MAX_UNITS];
	unsigned mux_levels[NLUT_PLAN_MAX_UNITS];
};

/* Estimated LUT levels (xcup LUT6 + MUXF7/8/9) of one table of that many
 * address bits; measured with yosys synth_xilinx (docs/core-interface.md). */
unsigned nlut_table_levels(unsigned addr_bits);

/* Select bits k of a split neuron: 0 for adder neurons and tables within
 * target levels, else the fewest top address bits whose cofactor tables are
 * within it (NLUT_SPLIT_MAX_BITS when none is). */
unsigned nlut_split_bits(const struct nlut_neuron *n, unsigned target);
/* Width of a LUT-Dense neuron's sum in the RTL: two's complement bits that
 * hold every sum its tables and bias can reach, and at least shift +
 * out_bits + 1 so the clamp reads a sign bit above the output bits. */
unsigned nlut_dense_acc_bits(const struct nlut_neuron *n);

/* Estimated LUT levels of the 2^k:1 mux of k select bits (4:1 per LUT6). */
unsigned nlut_mux_levels(unsigned k);

/* Place the pipeline registers of model m by policy s. */
int nlut_plan_make(const nlut_model *m, const struct nlut_stages *s, struct nlut_plan *p);

/* ---- Verilog generation ---- */

enum nlut_gen_style {
	NLUT_GEN_STYLE_NLUT = 0,      /* nlut_core: module per layer, ce, valid, argmax */
	NLUT_GEN_STYLE_LOGICNETS = 1  /* LogicNets layout: a case module per neuron */
};

enum nlut_gen_hdl {
	NLUT_GEN_HDL_VERILOG = 0,  /* Verilog-2005 (every style) */
	NLUT_GEN_HDL_VHDL = 1      /* VHDL-93, nlut style only (gen/vhdl.c) */
};

struct nlut_gen_opts {
	enum nlut_gen_style style;
	struct nlut_stages stages;  /* nlut style only */
	/* Tables as reduced BDDs of 2:1 muxes instead of portable constants,
	 * nlut style with one module per table: the synthesis view `nlut
	 * report` uses (yosys maps it in seconds per table, the portable form
	 * in minutes); not meant for Vivado or Verilator. */
	int yosys_luts;
	/* nlut style, Verilog: every table as one constant per output bit
	 * indexed by the address, the form before the ROM arrays (tables above
	 * 6 address bits are otherwise also copied into a ROM array, one read
	 * per lookup; docs/core-interface.md). For comparisons (bench_core). */
	int table_bits;
	/* nlut style: vectors in nlut_bist.hex, the self-test data of the
	 * shell's boot RAM; 0 writes no such file. */
	uint32_t bist_vectors;
	/* nlut style: the language of the core (VHDL writes no nlut_bist.hex:
	 * the shell that reads it is Verilog). */
	enum nlut_gen_hdl hdl;
	/* nlut style: no ce port; every register updates at every clock, so a
	 * result appears exactly LATENCY clocks after its input. */
	int fixed_latency;
};

void nlut_gen_opts_init(struct nlut_gen_opts *o);

/*
 * Write the RTL of model m into directory dir (created if missing). nlut
 * style: nlut_core.v, nlut_layer<L>.v, nlut_argmax_cmp.v, nlut_argmax_sel.v,
 * the parameter headers nlut_core_params.vh and nlut_core_params.h, the
 * filelist nlut_core.f (file names relative to dir, top last) and, unless
 * o->bist_vectors is 0, the self-test data nlut_bist.hex (checked to fit
 * before any file is written; see nlut_gen_write_bist). LogicNets style:
 * logicnet.v, myreg.v, layer<L>.v, layer<L>_N<J>.v (+ adder
 * sub-tables layer<L>_N<J>_S<S>.v) and logicnet.f. Every file starts with a
 * banner naming NLUT_GEN_VERSION and the model identity, but nlut_bist.hex,
 * which starts with its @ address and holds the identity in its header. If
 * plan is not NULL
 * it receives the pipeline plan used (nlut style).
 */
int nlut_gen_write(const nlut_model *m, const struct nlut_gen_opts *o, const char *dir,
		   struct nlut_plan *plan);

/* ---- pattern files (`nlut vectors`, docs/integration.md) ---- */

struct nlut_vectors_opts {
	int fixed_latency; /* testbenches for a core without ce */
};

/*
 * Write into dir (created if missing): nlut_in.hex, one line per vector of
 * codes (n rows of num_inputs codes), the packed in_codes word in hex, most
 * significant digit first; nlut_out.hex, the golden model's out_class and
 * out_scores of the same vector, in hex, separated by a space; and the
 * testbenches nlut_vectors_tb.v and nlut_vectors_tb.vhd that play them
 * through nlut_core. A code wider than its feature is
 * NLUT_ERROR_INVALID_PARAM.
 */
int nlut_vectors_write(const nlut_model *m, const uint16_t *codes, size_t n,
		       const struct nlut_vectors_opts *o, const char *dir);

/* out_class bits of model m's core: max(1, ceil(log2 classes)). */
uint32_t nlut_vectors_class_width(const nlut_model *m);

/* ---- self-test data (docs/shell.md, "Self-test data in the boot RAM") ---- */

/* Vectors nlut_gen_opts_init asks for. */
#define NLUT_GEN_BIST_VECTORS 64u

/*
 * Write dir/nlut_bist.hex (dir created if missing): a $readmemh fragment
 * placing the self-test data at NLUT_FW_BIST_BASE in the shell's boot RAM.
 * n vectors: all codes zero, all codes maximum, then pseudo-random codes
 * seeded by the model identity; each with the golden model's class and
 * scores packed as the core's out_class and out_scores. Fails with
 * NLUT_ERROR_TOO_LARGE when n vectors do not fit the 48 KiB from
 * NLUT_FW_BIST_BASE to the end of the 64 KiB boot RAM, and with
 * NLUT_ERROR_UNSUPPORTED when the model is wider than the shell's self-test
 * registers (FW_BIST_IN, FW_BIST_SCORES).
 */
int nlut_gen_write_bist(const nlut_model *m, uint32_t n, const char *dir);

/* Most vectors nlut_gen_write_bist takes for model m (0: none, too wide). */
uint32_t nlut_gen_bist_max_vectors(const nlut_model *m);

/* ---- synthesis report (yosys synth_xilinx -family xcup) ---- */

#define NLUT_REPORT_MAX_ROWS (NLUT_MAX_LAYERS + 3u)

struct nlut_report_row {
	char name[32];    /* "input", "layer0", ..., ["groupsum",] "argmax" */
	/* What the row holds: "input" (the input register), "encoder" (a
	 * layer of fan-in-1 one-bit neurons: thresholds such as a thermometer
	 * encoder), "lut" (any other layer), "group_sum" (the adder trees of
	 * a group-sum model), "argmax". */
	char kind[16];
	uint64_t luts;    /* LUT1..LUT6 cells */
	uint64_t ffs;     /* flip-flops */
	uint64_t muxes;   /* MUXF7/8/9 */
	uint64_t carries; /* CARRY4/8 */
};

struct nlut_report {
	uint32_t n_rows;
	struct nlut_report_row row[NLUT_REPORT_MAX_ROWS];
	struct nlut_report_row total;
	uint32_t n_stages;
	unsigned stage_levels[NLUT_PLAN_MAX_STAGES]; /* measured, per stage (0-based) */
	unsigned max_levels;
	uint32_t latency;  /* cycles */
	unsigned tables, tables_cached; /* jobs >= 1: table modules, of them from the cache */
};

struct nlut_report_opts {
	struct nlut_gen_opts gen;  /* style chooses nlut or the LogicNets baseline */
	const char *yosys;         /* program; NULL = "yosys" */
	const char *workdir;       /* where RTL, scripts and logs go (must exist) */
	/* 0: one yosys script for the whole core. N >= 1 (nlut style): the
	 * table modules synthesised apart, in N batches side by side with the
	 * rest of the core (same figures; docs/core-interface.md). */
	unsigned jobs;
	const char *cache_dir;     /* jobs >= 1: tables' netlists by content; NULL = none */
};

/* Generate, synthesise with yosys and measure. The yosys log is left in
 * workdir/yosys.log. */
int nlut_report_run(const nlut_model *m, const struct nlut_report_opts *o, struct nlut_report *r);

/* ---- size of the shell and controller around a core ---- */

struct nlut_shell_part {
	uint64_t luts;    /* LUT1..LUT6 */
	uint64_t ffs;     /* flip-flops */
	uint64_t lutram;  /* distributed-RAM cells (RAM32M16, RAM64M8, ...) */
	uint64_t bram36;  /* RAMB36E2 (a RAMB18E2 counts one half) */
	uint64_t bram18;
	uint64_t carries; /* CARRY4/8 */
};

struct nlut_shell_report {
	struct nlut_shell_part ctrl;  /* nlut_ctrl: CPU, bus, boot RAM, timer */
	struct nlut_shell_part shell; /* the rest of nlut_shell, core excluded */
	unsigned s_bytes, m_bytes, scores, ram_addr_bits;
};

struct nlut_shell_report_opts {
	const char *rtl_dir;   /* the rtl/ folder of the sources */
	const char *yosys;     /* program; NULL = "yosys" */
	const char *workdir;   /* must exist */
	unsigned s_bytes, m_bytes, scores; /* 0, 0, 0 -> 8, 8, 1 */
};

/* yosys synth_xilinx -family xcup -flatten of nlut_shell for model m with
 * nlut_core as a black box, and of nlut_ctrl alone; shell = the first minus
 * the second. The log is workdir/yosys-shell.log. */
int nlut_report_shell(const nlut_model *m, const struct nlut_shell_report_opts *o,
		      struct nlut_shell_report *r);

/* ---- import of LogicNets / NeuraLUT / PolyLUT Verilog ---- */

struct nlut_import_opts {
	/* Quantisers (and so feature count and widths) from this model; NULL =
	 * identity quantisers (offset 0, scale 1) with widths read from the
	 * Verilog. */
	const nlut_model *quant_from;
	const char *top;  /* top module name; NULL = "logicnet", else the only top */
	/* Threshold decoding of a one-neuron last layer (format 1.2): class 1
	 * iff its code (two's complement when threshold_signed) >= threshold. */
	int threshold_set, threshold_signed;
	int32_t threshold;
};

/* Read directory dir and build the model. Every failure names the file, line
 * and problem in nlut_gen_error_detail(). */
int nlut_import_dir(const char *dir, const struct nlut_import_opts *o, nlut_model **out);

/* Does the importer skip this file name? Vivado netlists written beside the
 * RTL (*_post_synth.v, *_post_route.v, *_funcsim.v, ...) define the same
 * modules again, flattened: they are not read. */
int nlut_import_skips(const char *file_name);

#ifdef __cplusplus
}
#endif

#endif /* NLUT_GEN_H */
