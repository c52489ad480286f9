/* dense.h - HGQ-LUT's LUT-Dense layers (neuron = dense): a learned
 * univariate function on every edge, tabulated over the bits the edge reads,
 * learned per-edge bit widths with zero-bit pruning, a LUT surrogate in the
 * loss. The trainer object dispatches here (docs/train-config.md). */
#ifndef NLUT_TRAIN_DENSE_H
#define NLUT_TRAIN_DENSE_H

#include "trainer.h"

/* Widest input code a LUT-Dense layer tabulates (per-edge tables of 2^B). */
#define NT_DENSE_MAX_BITS 8u
/* Surrogate: estimated LUTs per bit an edge reads (docs/train-config.md). */
#define NT_DENSE_LUTS_PER_BIT 8.0

struct nt_dense;

/* After the split and the input codes are set up in t: parameters,
 * optimiser, scratch. */
int nt_dense_setup(nlut_trainer *t);
void nt_dense_free(struct nt_dense *D);
int nt_dense_run(nlut_trainer *t, nlut_train_progress_fn fn, void *user,
		 const volatile sig_atomic_t *stop);
int nt_dense_predict(nlut_trainer *t, size_t n, const uint16_t *codes, uint16_t *scores,
		     uint32_t *cls);
int nt_dense_compile(nlut_trainer *t, nlut_model **out);
uint64_t nt_dense_table_entries(const nlut_trainer *t);
uint64_t nt_dense_num_params(const nlut_trainer *t);
int nt_dense_bench_steps(nlut_trainer *t, uint32_t steps, double *sps);
/* The kept network's surrogate: estimated LUTs, and the edges left. */
double nt_dense_lut_estimate(const nlut_trainer *t, uint64_t *edges);

#endif /* NLUT_TRAIN_DENSE_H */
