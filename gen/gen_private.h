/* gen_private.h - helpers shared by the generator sources (not installed). */
#ifndef NLUT_GEN_PRIVATE_H
#define NLUT_GEN_PRIVATE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "nlut_gen.h"

/* Record the failure detail and return err. */
int ng_fail(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Record "what: libnlut's detail" and return err. */
int ng_pass(int err, const char *what);
void ng_clear_error(void);

/* A growable text buffer; on allocation failure it stays marked bad. */
struct sbuf {
	char *p;
	size_t len, cap;
	int bad;
};

void sb_init(struct sbuf *b);
void sb_free(struct sbuf *b);
void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_puts(struct sbuf *b, const char *s);
void sb_putc(struct sbuf *b, char c);

/* Write b to dir/name; NLUT_ERROR_NO_MEM if b went bad, NLUT_ERROR_IO. */
int sb_write(const struct sbuf *b, const char *dir, const char *name);

/* mkdir -p of one level (parent must exist). */
int ng_mkdir(const char *dir);

/* The banner every generated file starts with ("// " or "# " comments). */
void ng_banner(struct sbuf *b, const char *comment, const char *what, const char *id);

/* Self-test data (bist.c): whether n vectors of model m fit, and the
 * writer of dir/nlut_bist.hex (which checks again). */
int ng_bist_check(const nlut_model *m, uint32_t n);
int ng_write_bist(const nlut_model *m, uint32_t n, const char *dir);

struct ng_gsum;
/* The VHDL core (vhdl.c) of model m by plan p: nlut_core.vhd, the layers,
 * the group sums by gs (when p->n_sum), argmax, package nlut_core_params
 * (nlut_core_params.vhd) and the analysis-order list nlut_core_vhdl.f. */
int ng_vhdl_write(const nlut_model *m, const struct nlut_plan *p, const struct ng_gsum *gs,
		  const struct nlut_gen_opts *o, const char *dir, const char *id, const char *policy);

/* Total width of layer l's outputs, and of its input bus (l = 0: features). */
uint32_t ng_layer_out_width(const nlut_model *m, uint32_t l);
uint32_t ng_layer_in_width(const nlut_model *m, uint32_t l);
/* A threshold-decoded model (format 1.2) as one unsigned comparison: class
 * 1 iff {1'b0, code ^ *flip} >= *t over *w + 1 bits (*flip = the sign bit
 * for a signed code, *t = threshold + 2^(w-1) then). 0: not such a model. */
int ng_threshold_cmp(const nlut_model *m, unsigned *w, uint32_t *flip, uint32_t *t);
/* Import: fold each PolyLUT-Add pair (table layer l - 1, adder_layer[l] set)
 * whose adder tables depend only on the two's complement sum of their two
 * codes into one layer of adder neurons; *m is replaced when any folds. */
int ng_import_fold_adders(nlut_model **m, const uint8_t *adder_layer);
/* Bit offsets of the sources in layer l's input bus: n + 1 entries (the last
 * is the bus width), malloc'd; NULL when out of memory. */
uint32_t *ng_src_offsets(const nlut_model *m, uint32_t l);
unsigned ng_clog2(uint64_t v);

/*
 * The synthesis view of table t (n address bits, w-bit entries) at address
 * wire addr into target[base + w - 1 : base], for yosys only: the reduced
 * ordered BDD of the output bits as 2:1 muxes, which yosys reads as plain
 * logic for abc to optimise, in seconds, where a wide constant or $lut cells
 * take minutes (its techmap derives one template per table).
 */
void ng_yosys_table(struct sbuf *sb, const char *prefix, const uint16_t *t, unsigned n,
		    unsigned w, const char *addr, const char *target, unsigned base);

/* Run argv with stdout and stderr to /dev/null; the exit status, 127 when
 * the program cannot be run, 128 + the signal when one killed it, or -1
 * when no process could be started. */
int ng_run_quiet(char *const argv[]);
/* The first line of a yosys log with "ERROR" as ": <line>", or "". */
void ng_log_error(const char *log, char *out, size_t len);
/* report_tables.c: the commands after synth_xilinx -run begin:map_luts, and
 * the synthesis with the tables apart (writes hier and flat as the one
 * script does). */
extern const char *const ng_report_map_cmds;
extern const char *const ng_report_table_cmds;
int ng_report_split(const char *rtl, const char *flist, const char *top,
		    const struct nlut_report_opts *o, const char *hier, const char *flat,
		    unsigned *n_tables, unsigned *n_cached);

/* ---- group sums (groupsum.c) ---- */

/* A bit of a class's bit heap: its class and column (weight 2^col). */
struct ng_gsum_bit {
	uint32_t cls;
	uint32_t col;
};

/*
 * The group sums of a group-sum model as n_stages stages of 6:3 counters
 * (one LUT level each) and a final stage adding each class's two rows.
 * bus[s] (bus_n[s] bits) enters stage s; bus[0] is the last layer's output
 * bus; stage n_stages outputs the scores (scores_w bits, class 0 in the
 * LSBs, score_w[c] bits each).
 */
struct ng_gsum {
	uint32_t n_classes, n_stages, scores_w;
	uint32_t *score_w;
	struct ng_gsum_bit **bus;
	size_t *bus_n;
};

int ng_gsum_plan(const nlut_model *m, struct ng_gsum *gs);
void ng_gsum_free(struct ng_gsum *gs);
/* Width of the bus entering stage s (s = n_stages + 1: the scores). */
uint32_t ng_gsum_width(const struct ng_gsum *gs, uint32_t s);
/* Estimated LUT levels of stage s. */
unsigned ng_gsum_levels(const struct ng_gsum *gs, uint32_t s);
/*
 * The logic of stage s, in bus order, as calls of ops (ctx passed through):
 * s < n_stages: per class and column, counter() for each counter of t bits
 * (inputs in[0..t-1], bus indices; no outputs, of which the low nk are
 * kept, on out .. out + nk - 1; i: its first bit's place in the column) and
 * pass() for each bit passed through; s == n_stages: per class rows(), then
 * row_bit() per column k (the bus indices of rows A and B, -1 for 0), then
 * add() (the sum of the rows on out .. out + w - 1).
 */
struct ng_gsum_ops {
	void (*counter)(void *ctx, uint32_t c, uint32_t k, uint32_t i, const uint32_t *in,
			uint32_t t, uint32_t no, uint32_t nk, uint32_t out);
	void (*pass)(void *ctx, uint32_t in, uint32_t out);
	void (*rows)(void *ctx, uint32_t c, uint32_t w);
	void (*row_bit)(void *ctx, uint32_t c, uint32_t k, int64_t a, int64_t b);
	void (*add)(void *ctx, uint32_t c, uint32_t w, uint32_t out);
};

int ng_gsum_walk(const struct ng_gsum *gs, uint32_t s, const struct ng_gsum_ops *ops, void *ctx);
/* nlut_gsum<s>.v for s = 0 .. n_stages. */
int ng_gsum_write(const struct ng_gsum *gs, const char *dir, const char *id);
/* Bits of out_scores: every class's score width. */
uint32_t ng_scores_width(const nlut_model *m);

#endif /* NLUT_GEN_PRIVATE_H */
