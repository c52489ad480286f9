/* train.h - internals of the trainer: network layout, workspaces, the
 * exact neuron function, thread pool, random numbers (not installed). */
#ifndef NLUT_TRAIN_INTERNAL_H
#define NLUT_TRAIN_INTERNAL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <nlut/train.h>

/* Record the detail of a failure (nlut_train_error_detail) and return err. */
int nt_fail(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Copy libnlut's detail of err into ours and return err. */
int nt_pass(int err, const char *what);
void nt_clear_error(void);

/* Fan-in of layer l under config c (config.c). */
uint32_t nt_fan_in(const struct nlut_train_config *c, uint32_t l);

/* ---- random numbers: xoshiro256** seeded by splitmix64 ---- */
struct nt_rng {
	uint64_t s[4];
};
void nt_rng_seed(struct nt_rng *r, uint64_t seed, uint64_t stream);
uint64_t nt_rng_next(struct nt_rng *r);
uint32_t nt_rng_below(struct nt_rng *r, uint32_t n);
float nt_rng_float(struct nt_rng *r); /* [0, 1) */
void nt_rng_shuffle(struct nt_rng *r, uint32_t *v, uint32_t n);

/* ---- thread pool: tasks 0..n-1, worker ids 0..threads-1 ---- */
typedef void (*nt_task_fn)(void *arg, uint32_t task, unsigned worker);

struct nt_pool {
	unsigned threads;
	pthread_t *th;
	pthread_mutex_t mu;
	pthread_cond_t cv_work, cv_done;
	nt_task_fn fn;
	void *arg;
	uint32_t n_tasks, next, done;
	unsigned busy;
	uint64_t gen;
	int quit;
};
int nt_pool_init(struct nt_pool *p, unsigned threads);
void nt_pool_destroy(struct nt_pool *p);
/* Run every task; the caller is worker 0. Returns when all are done. */
void nt_pool_run(struct nt_pool *p, nt_task_fn fn, void *arg, uint32_t n_tasks);

/* ---- the network being trained ---- */

/*
 * Layer l: n neurons of fan-in f; each a sub-network of depth d and width w
 * (d = 0: linear neuron) over its f inputs, then batch norm, then a learned
 * mid-rise quantiser of out_bits: k = clamp(floor(z / s), -2^(b-1),
 * 2^(b-1) - 1), value (k + 1/2) s, code k + 2^(b-1) (offset binary, so
 * codes order like values).
 *
 * Parameters of a layer, in the flat vector at offsets p_*:
 *   a1[n][w][f] b1[n][w] ak[n][d-1][w][w] bk[n][d-1][w] wout[n][w]
 *   wskip[n][f] gamma[n] beta[n] step[n]
 */
struct nt_layer {
	uint32_t n, f, d, w;
	uint32_t in_bits, out_bits;
	uint32_t n_prev;
	int skip;
	uint32_t *src;        /* [n][f] */
	size_t p_a1, p_b1, p_ak, p_bk, p_wout, p_wskip, p_gamma, p_beta, p_step;
	size_t p_end;
	float *run_mean, *run_var; /* [n] */
	uint32_t first_neuron;     /* index over all layers (for BN statistics) */
};

struct nt_net {
	uint32_t n_in, n_layers, n_neurons, max_n;
	struct nt_layer layer[NLUT_MAX_LAYERS];
	size_t n_params;
	float *p;
	uint8_t *decay;       /* weight decay applies to this parameter */
};

int nt_net_build(struct nt_net *net, const struct nlut_train_config *c,
		 uint32_t n_in, uint32_t n_classes);
void nt_net_free(struct nt_net *net);
int nt_net_copy(struct nt_net *dst, const struct nt_net *src);
void nt_net_copy_values(struct nt_net *dst, const struct nt_net *src);

/* ---- the frozen network: what is compiled into tables ---- */

/* One layer with batch norm and the quantiser step folded in. */
struct nt_flayer {
	uint32_t n, f, d, w, in_bits, out_bits;
	const uint32_t *src;  /* [n][f], borrowed from the nt_layer */
	float *in_a, *in_b;   /* [n][f]: input value = code * a + b */
	float *a1, *b1, *ak, *bk; /* as in nt_layer */
	float *wout, *wskip;  /* [n][w], [n][f]: folded, in quantiser steps */
	float *bias;          /* [n] */
};

struct nt_frozen {
	uint32_t n_in, n_layers, n_neurons;
	struct nt_flayer layer[NLUT_MAX_LAYERS];
};

/* First-layer input value of a code: code * a + b, over [-1/2, 1/2]. */
void nt_input_map(uint32_t in_bits, float *a, float *b);

/* Fold BN (running statistics) and quantiser steps of net into fz. */
int nt_freeze(struct nt_frozen *fz, const struct nt_net *net, uint32_t in_bits);
void nt_frozen_free(struct nt_frozen *fz);

/*
 * THE exact quantised function of neuron j of a layer: its f input codes
 * (input 0 first) to its output code. Used for the quantised evaluation
 * during and after training and for compiling the truth tables, so that the
 * tables reproduce training-time quantised predictions by construction.
 */
uint16_t nt_neuron_code(const struct nt_flayer *L, uint32_t j, const uint16_t *codes);

/* Exact forward pass of one sample of input codes; act holds n_neurons
 * codes afterwards (layer after layer), scores are the last layer's. */
void nt_frozen_forward(const struct nt_frozen *fz, const uint16_t *in_codes,
		       uint16_t *act);

/* ---- float training pass over a ghost batch (neuron.c) ---- */

/* Per-thread scratch for a ghost batch of at most g samples. */
struct nt_ws {
	uint32_t g;
	float *x0;               /* [n_in][g] */
	float *out[NLUT_MAX_LAYERS];   /* [n][g] quantised values */
	float *u[NLUT_MAX_LAYERS];     /* [n][g] z / s */
	float *yhat[NLUT_MAX_LAYERS];  /* [n][g] normalised pre-activation */
	float *z[NLUT_MAX_LAYERS];     /* [n][d][w][g] hidden pre-activations */
	float *h[NLUT_MAX_LAYERS];     /* [n][d][w][g] hidden outputs */
	float *istd[NLUT_MAX_LAYERS];  /* [n] */
	float *dout[NLUT_MAX_LAYERS];  /* [n][g] */
	float *xg, *dx, *dh, *dz, *y, *dy; /* single-neuron scratch */
};

int nt_ws_init(struct nt_ws *ws, const struct nt_net *net, uint32_t g);
void nt_ws_free(struct nt_ws *ws, const struct nt_net *net);

/* Forward layer l over g samples of ws; bn receives mean and variance of
 * each neuron ([n][2]). */
void nt_layer_forward(const struct nt_net *net, uint32_t l, struct nt_ws *ws,
		      uint32_t g, float *bn);
/* Backward through layer l: ws->dout[l] in, gradients added to grad,
 * ws->dout[l-1] filled (zeroed first) when l > 0. */
void nt_layer_backward(const struct nt_net *net, uint32_t l, struct nt_ws *ws,
		       uint32_t g, float *grad);

/* ---- Adam and the learning-rate schedule (adam.c) ---- */
struct nt_adam {
	size_t n;
	float *m, *v;
	uint64_t t;
	double beta1, beta2, eps;
};
int nt_adam_init(struct nt_adam *a, size_t n);
void nt_adam_free(struct nt_adam *a);
void nt_adam_step(struct nt_adam *a, float *p, const float *g,
		  const uint8_t *decay, double lr, double weight_decay);
double nt_lr_at(const struct nlut_train_config *c, uint64_t step, uint64_t total);

/* ---- data helpers (data.c) ---- */
int nt_fit_quant(const struct nlut_train_config *c, const float *x, size_t rows,
		 size_t cols, const uint32_t *rows_idx, size_t n_idx,
		 struct nlut_quant *q);

uint64_t nt_now_ns(void);

#endif /* NLUT_TRAIN_INTERNAL_H */
