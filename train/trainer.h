/* trainer.h - the trainer object, shared by trainer.c and compile.c. */
#ifndef NLUT_TRAINER_INTERNAL_H
#define NLUT_TRAINER_INTERNAL_H

#include "train.h"

struct nlut_trainer {
	struct nlut_train_config c;
	uint32_t n_in, n_classes, n_rows;
	uint16_t *codes;          /* [n_rows][n_in] quantised features */
	int32_t *labels;
	uint32_t *train_idx, n_train;
	uint32_t *val_idx, n_val;
	struct nlut_quant *quant; /* [n_in] */
	struct nt_net net;        /* being trained */
	struct nt_net best;       /* kept: best validation accuracy */
	double best_val;
	uint32_t best_epoch, epochs_done;
	struct nt_adam adam;
	struct nt_pool pool;
	unsigned threads, pool_threads;
	struct nt_ws *ws;         /* per worker */
	uint32_t batch, ghost, n_ghost, steps_per_epoch;
	float *grads;             /* [n_ghost][n_params] */
	float *bn;                /* [n_ghost][n_neurons][2] */
	double *g_loss;
	uint32_t *g_correct;
	struct nt_rng shuffle_rng;
	uint64_t step, samples_done;
	struct nt_lut *lut;       /* neuron = lut: the binary LUT network (lutlayer.c) */
};

/* Metadata of a compiled model: name, dataset, train.* and generator. */
int nt_compile_meta(nlut_trainer *t, nlut_model *m);
/* augment_shift: the codes q of one image moved by the random shift drawn
 * for (seed, step, pos), code 0 shifted in; out holds the n_in codes. */
void nt_shift_codes(const nlut_trainer *t, const uint16_t *q, uint64_t pos, uint16_t *out);

#endif /* NLUT_TRAINER_INTERNAL_H */
