/* nlut/minimise.h - two-level logic minimisation of truth tables and
 * dataset don't-cares: covers for the RTL generator, smaller models. */
#ifndef NLUT_MINIMISE_H
#define NLUT_MINIMISE_H

#include <stddef.h>
#include <stdint.h>

#include <nlut/error.h>
#include <nlut/model.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A product term over the address bits of a table: variable i (address bit
 * i) appears as a literal when bit i of mask is set, positive when bit i of
 * value is set, negated when it is clear. value has no bits outside mask.
 * The empty cube (mask 0) is the constant 1. A cube contains address a when
 * (a & mask) == value.
 */
struct nlut_cube {
	uint32_t mask;
	uint32_t value;
};

/* A sum of products (cover) of one output bit: the bit is 1 exactly at the
 * addresses some cube contains. No cubes = constant 0. */
struct nlut_cover {
	uint32_t n_vars;     /* address bits of the table */
	uint32_t n_cubes;
	uint64_t n_literals; /* sum over cubes of popcount(mask) */
	struct nlut_cube *cubes;
};

/* Don't-care fill of a table bit. */
enum nlut_min_fill {
	/* The value of the bit's minimised sum of products: fewest cubes. */
	NLUT_MIN_FILL_COVER = 0,
	/* Merge cofactors that agree wherever both matter, top variables
	 * first: few distinct sub-functions and a small support, which is
	 * what LUT mapping of a table (case statement) profits from. */
	NLUT_MIN_FILL_MERGE = 1
};

/* Minimiser settings; nlut_min_opts_init() gives the defaults. */
struct nlut_min_opts {
	/* Reduce/expand/irredundant rounds after the first irredundant prime
	 * cover; stops early when a round does not lower the cost. 0 = none. */
	unsigned effort;
	/* Model calls: worker threads over neurons, 0 = one per online CPU.
	 * Results do not depend on it. */
	unsigned threads;
	/* Model calls with care data: an address a neuron's table saw fewer
	 * than min_count times is a don't-care (1 = only unseen ones). */
	uint32_t min_count;
	/* Model calls with care data: addresses within this distance of a
	 * kept one are kept too; distance = sum over the table's inputs of
	 * the difference of the input codes (0 = keep only the counted
	 * ones). Adder output tables (addressed by a sum) keep only those. */
	unsigned radius;
	/* Model calls with care data: bit l set = layer l takes don't-cares.
	 * 0 = every layer but the last (the class scores, where a free entry
	 * changes argmax directly; see docs/minimise.md). */
	uint64_t layers;
	/* Model calls with care data: how don't-cares are filled (enum
	 * nlut_min_fill). */
	unsigned fill;
};

/* Defaults: effort 4, threads 0, min_count 1, radius 0, layers 0,
 * fill NLUT_MIN_FILL_MERGE. */
void nlut_min_opts_init(struct nlut_min_opts *o);

/*
 * Minimise bit `bit` of a table of 2^addr_bits entries (addr_bits <= 24).
 * care: one byte per address, non-zero = the address matters; NULL = all do.
 * The cover is 1 at every care address whose entry has the bit set and 0 at
 * every other care address (this is checked before it is returned); at
 * don't-care addresses it is whatever made it smaller. opts may be NULL.
 * Free *out with nlut_cover_free().
 */
int nlut_min_cover_table(const uint16_t *table, uint32_t addr_bits, unsigned bit,
			 const uint8_t *care, const struct nlut_min_opts *opts,
			 struct nlut_cover **out);

/* The same for a neuron's table: a table neuron's truth table, or an adder
 * neuron's output table (its address is then the sum, not the inputs). */
int nlut_min_cover(const struct nlut_neuron *n, unsigned bit, const uint8_t *care,
		   struct nlut_cover **out);

void nlut_cover_free(struct nlut_cover *c);

/* Value (0 or 1) of the cover at an address. */
int nlut_cover_eval(const struct nlut_cover *c, uint32_t addr);

/* ---- care data: which addresses each table of a model sees ---- */

typedef struct nlut_min_care nlut_min_care;

/* Empty counts (every address seen 0 times) for every table of m, sub-tables
 * of adder neurons included. The model must stay alive and unchanged while
 * the counts are in use. */
int nlut_min_care_new(const nlut_model *m, nlut_min_care **out);
void nlut_min_care_free(nlut_min_care *c);

/* Run n vectors of input codes (row-major, num_inputs each) through the
 * model and count, for every table, how often each address is read. Counts
 * saturate at 65535. The counting pass is checked against the golden model
 * (class scores of every vector); threads (0 = one per online CPU) serve
 * that check, the counting itself runs on the calling thread. */
int nlut_min_care_add_codes(nlut_min_care *c, size_t n, const uint16_t *codes,
			    unsigned threads);

/* Times the table `table` (0 = the neuron's table or an adder's output
 * table, 1 + s = sub-table s) of neuron `neuron` in layer `layer` read
 * address addr; 0 for anything out of range. */
uint32_t nlut_min_care_count(const nlut_min_care *c, uint32_t layer, uint32_t neuron,
			     uint32_t table, uint32_t addr);

/* ---- whole models ---- */

/* Figures of one layer; "tables" counts sub-tables and output tables of
 * adder neurons separately, cubes and literals are summed over all output
 * bits of all tables. */
struct nlut_min_layer_stats {
	uint32_t neurons;
	uint32_t adders;            /* adder neurons among them */
	uint64_t tables;
	uint64_t entries;           /* table entries */
	uint64_t dont_care;         /* entries treated as don't-care */
	uint64_t changed;           /* entries whose value changed */
	uint64_t cubes_before, literals_before; /* minimised original tables */
	uint64_t cubes_after, literals_after;   /* minimised new tables */
};

struct nlut_min_stats {
	uint32_t n_layers;
	struct nlut_min_layer_stats layer[NLUT_MAX_LAYERS];
	struct nlut_min_layer_stats total;
};

/*
 * A new model whose tables are the minimised functions. care NULL: no
 * don't-cares; the new model computes the same function and has the same
 * identity. With care data (counted on this same model): in the layers
 * opts->layers selects, per table and output bit, the addresses counted
 * fewer than opts->min_count times (and farther than opts->radius from one
 * that was) are don't-cares, the bit is minimised with them and every
 * don't-care address takes the cover's value. Every address counted at
 * least min_count times keeps its entry, so every vector counted has the
 * same class scores and every neuron the same outputs in both models. Metadata is copied; the
 * caller adds its own. stats may be NULL. opts may be NULL (defaults).
 */
int nlut_minimise_model(const nlut_model *m, const nlut_min_care *care,
			const struct nlut_min_opts *opts, nlut_model **out,
			struct nlut_min_stats *stats);

/* Detail of the last failure of an nlut_min_* / nlut_minimise_* call in
 * this thread; "" when none. Failures of libnlut calls are copied here. */
const char *nlut_min_error_detail(void);

#ifdef __cplusplus
}
#endif

#endif /* NLUT_MINIMISE_H */
