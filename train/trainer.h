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
	uint32_t *conn_born;      /* prune: round each connection was made ([n][f] per layer) */
	uint32_t prune_rounds, prune_dropped;
	struct nt_lut *lut;       /* neuron = lut: the binary LUT network (lutlayer.c) */
	struct nt_dense *dense;   /* neuron = dense: the LUT-Dense network (dense.c) */
};

/* SparseLUT connectivity training, round 1, 2, ... (sparse.c): drops the
 * least significant inputs of every neuron and regrows them elsewhere. */
int nt_prune_regrow(nlut_trainer *t, uint32_t round, uint32_t *dropped);
/* Add to score[l] ([nu][n_prev] per layer) the regrowth scores of n_ghosts
 * ghost batches of training rows (trainer.c). */
int nt_score_sources(nlut_trainer *t, float **score, uint32_t n_ghosts);

/* Metadata of a compiled model: name, dataset, train.* and generator. */
int nt_compile_meta(nlut_trainer *t, nlut_model *m);
/* augment_shift: the codes q of one image moved by the random shift drawn
 * for (seed, step, pos), code 0 shifted in; out holds the n_in codes. */
void nt_shift_codes(const nlut_trainer *t, const uint16_t *q, uint64_t pos, uint16_t *out);

#endif /* NLUT_TRAINER_INTERNAL_H */
