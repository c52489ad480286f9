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

/* Fan-in of layer l under config c (config.c): of a sub-neuron when the
 * neurons are adders. */
uint32_t nt_fan_in(const struct nlut_train_config *c, uint32_t l);
uint32_t nt_ceil_log2(uint32_t n);
/* Monomials of f variables of degree 1..d. */
uint64_t nt_monomials(uint32_t f, uint32_t d);

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
 * Layer l: n neurons of fan-in f. Each neuron is a units (sub-neurons) of
 * fan-in fu = f / a over disjoint slices of its inputs (a = 1 without an
 * adder). A unit is a sub-network of depth d and width w (d = 0: linear)
 * plus a linear "skip" term over its nm features: the fu inputs
 * themselves, or (deg > 0, PolyLUT) the nm monomials of degree 1..deg
 * listed in mono. Batch norm per unit follows. Without an adder the unit is
 * the neuron and a learned mid-rise quantiser of out_bits with step s
 * gives k = clamp(floor(z / s), -2^(b-1), 2^(b-1) - 1), value (k + 1/2) s,
 * code k + 2^(b-1) (offset binary, so codes order like values). With an
 * adder each unit is quantised alike to sub_bits with the neuron's shared
 * step ss (its code is k, two's complement), the values are summed,
 * V = ss (S + a/2) with S the integer sum of the codes, and the neuron's
 * output quantiser reads og V + ob.
 *
 * Parameters of a layer, in the flat vector at offsets p_* (nu = n a):
 *   a1[nu][w][fu] b1[nu][w] ak[nu][d-1][w][w] bk[nu][d-1][w] wout[nu][w]
 *   wskip[nu][nm] gamma[nu] beta[nu] step[n]; adder: sstep[n] og[n] ob[n]
 */
struct nt_layer {
	uint32_t n, f, d, w;
	uint32_t a, fu, nu, adder, sub_bits;
	uint32_t deg, nm;
	uint8_t *mono;        /* [nm][NLUT_TRAIN_MAX_DEGREE] input indices, 0xff unused */
	uint32_t in_bits, out_bits;
	uint32_t n_prev;
	int skip;
	uint32_t *src;        /* [n][f] = [nu][fu] */
	size_t p_a1, p_b1, p_ak, p_bk, p_wout, p_wskip, p_gamma, p_beta, p_step;
	size_t p_sstep, p_og, p_ob;
	size_t p_end;
	float *run_mean, *run_var; /* [nu] */
	uint32_t first_unit;       /* index over all layers (for BN statistics) */
};

struct nt_net {
	uint32_t n_in, n_layers, n_neurons, n_units, max_n;
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
	uint32_t a, fu, nu, adder, sub_bits, deg, nm;
	const uint8_t *mono;  /* borrowed from the nt_layer */
	const uint32_t *src;  /* [n][f], borrowed from the nt_layer */
	float *in_a, *in_b;   /* [n][f]: input value = code * a + b */
	float *a1, *b1, *ak, *bk; /* as in nt_layer */
	float *wout, *wskip;  /* [nu][w], [nu][nm]: folded, in quantiser steps */
	float *bias;          /* [nu] */
	float *oa, *ob;       /* adder [n]: output quantiser input = S oa + ob */
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
/* Adder neurons: the two's complement code (as a signed value) of unit u
 * from its fu input codes, and the output code of neuron j for the sum S of
 * its units' codes. nt_neuron_code composes the two. */
int32_t nt_sub_code(const struct nt_flayer *L, uint32_t u, const uint16_t *codes);
uint16_t nt_adder_code(const struct nt_flayer *L, uint32_t j, int32_t S);

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
	float *us[NLUT_MAX_LAYERS];    /* adder: [nu][g] unit z / ss */
	float *v[NLUT_MAX_LAYERS];     /* adder: [n][g] sum of unit values */
	float *u[NLUT_MAX_LAYERS];     /* [n][g] z / s */
	float *yhat[NLUT_MAX_LAYERS];  /* [nu][g] normalised pre-activation */
	float *z[NLUT_MAX_LAYERS];     /* [nu][d][w][g] hidden pre-activations */
	float *h[NLUT_MAX_LAYERS];     /* [nu][d][w][g] hidden outputs */
	float *istd[NLUT_MAX_LAYERS];  /* [nu] */
	float *dout[NLUT_MAX_LAYERS];  /* [n][g] */
	float *xg, *dx, *dh, *dz, *y, *dy; /* single-unit scratch */
	float *phi, *pt, *dv, *du;     /* monomials [nm][g]; [g] each */
	/* When set (connectivity training): [nu][n_prev] += the gradient of a
	 * unit's pre-activation's loss times every source of the layer below,
	 * summed over the batch (RigL's regrowth score). */
	float *score[NLUT_MAX_LAYERS];
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
