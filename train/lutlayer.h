/* lutlayer.h - binary LUT layers (LUTNet / DWN): thermometer bits, neurons
 * of up to 8 one-bit inputs with learned contents, popcount group sums.
 * The trainer object dispatches here when neuron = lut (docs/train-config.md). */
#ifndef NLUT_TRAIN_LUTLAYER_H
#define NLUT_TRAIN_LUTLAYER_H

#include "trainer.h"

/* Most inputs of one binary LUT neuron (one LUT6 needs at most 6). */
#define NT_LUT_MAX_FAN_IN 8u
/* Most thermometer thresholds per feature. */
#define NT_LUT_MAX_THRESH 255u

struct nt_lut;

/* After the split and the input codes are set up in t: mapping, tables,
 * optimiser, scratch. */
int nt_lut_setup(nlut_trainer *t);
void nt_lut_free(struct nt_lut *L);
int nt_lut_run(nlut_trainer *t, nlut_train_progress_fn fn, void *user,
	       const volatile sig_atomic_t *stop);
int nt_lut_predict(nlut_trainer *t, size_t n, const uint16_t *codes, uint16_t *scores,
		   uint32_t *cls);
int nt_lut_compile(nlut_trainer *t, nlut_model **out);
uint64_t nt_lut_table_entries(const nlut_trainer *t);
uint64_t nt_lut_num_params(const nlut_trainer *t);
int nt_lut_bench_steps(nlut_trainer *t, uint32_t steps, double *sps);

#endif /* NLUT_TRAIN_LUTLAYER_H */
