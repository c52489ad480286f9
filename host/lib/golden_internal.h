/* golden_internal.h - the compiled evaluation plan of the golden model. */
#ifndef NLUT_GOLDEN_INTERNAL_H
#define NLUT_GOLDEN_INTERNAL_H

#include <nlut/golden.h>

/* Vectors evaluated together, in structure-of-arrays form. */
#define NLUT_GOLDEN_BLOCK 128u

/* One table lookup: address = sum of act[src[k]] << shift[k]. */
struct g_lookup {
	uint32_t n_in;
	uint32_t in_first;   /* into g->in_src / g->in_shift */
	uint32_t addr_bits;
	uint8_t wide;        /* entries are uint16_t, else uint8_t */
	size_t table;        /* offset into tab8 or tab16 */
};

struct g_neuron {
	uint8_t kind;        /* enum nlut_neuron_kind */
	uint8_t sub_bits;
	uint32_t n_sub;
	uint32_t sub_first;  /* ADDER, DENSE: into g->subs (DENSE: one per edge,
			      * its in_shift the right shift to its read bits) */
	struct g_lookup out; /* TABLE: over act slots; ADDER: over the sum */
	int32_t bias;        /* DENSE */
	uint8_t shift;       /* DENSE */
	uint16_t out_max;    /* DENSE: 2^out_bits - 1 */
};

struct nlut_golden {
	uint32_t n_inputs, n_classes, n_neurons, n_layers;
	uint32_t group;        /* last-layer neurons per class score: 1 = argmax
				* of the outputs, else their group sums */
	int thr;               /* threshold decoding (format 1.2): class 1 iff the
				* one last-layer code >= thr_t, read as thr_w-bit
				* two's complement when thr_signed */
	int thr_signed;
	int32_t thr_t;
	unsigned thr_w;
	uint16_t *in_max;      /* per feature: 2^bits - 1 */
	uint32_t *layer_first; /* slot of each layer's first neuron; inputs are slots 0.. */
	uint32_t *layer_size;
	struct g_neuron *neurons;
	struct g_lookup *subs;
	uint32_t *in_src;      /* activation slot (global: features first) */
	uint8_t *in_shift;
	uint8_t *tab8;
	uint16_t *tab16;
	struct nlut_quant *quant;
};

/*
 * Evaluate one block of NLUT_GOLDEN_BLOCK vectors. act is a scratch buffer of
 * (n_inputs + n_neurons) * NLUT_GOLDEN_BLOCK uint16_t whose first n_inputs
 * rows the loaders have filled (slot-major: act[slot * BLOCK + b]).
 */
void nlut_golden_block(const struct nlut_golden *g, uint16_t *act);

/* Fill the input rows of act with n vectors from row-major codes (checked)
 * or floats (quantised), and code 0 in the unused lanes. Returns an error
 * naming the vector on an out-of-range code. */
int nlut_golden_load_codes(const struct nlut_golden *g, uint16_t *act,
			   const uint16_t *codes, unsigned n, size_t first_index);
void nlut_golden_load_floats(const struct nlut_golden *g, uint16_t *act,
			     const float *x, unsigned n);
/* Copy results of n vectors out of act (a group-sum model overwrites the
 * last layer's rows with its class sums). */
void nlut_golden_store(const struct nlut_golden *g, uint16_t *act, unsigned n,
		       uint16_t *scores, uint32_t *cls);

#endif /* NLUT_GOLDEN_INTERNAL_H */
