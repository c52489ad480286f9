/* trainer.c - the training loop: ghost batches over threads, Adam,
 * validation with the exact quantised pass, best checkpoint, stop flag. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nlut/golden.h>

#include "dense.h"
#include "lutlayer.h"
#include "loop.h"
#include "trainer.h"

/* Rows per validation / prediction task. */
#define EVAL_CHUNK 256u

void nlut_trainer_free(nlut_trainer *t)
{
	if (!t)
		return;
	if (t->pool.th)
		nt_pool_destroy(&t->pool);
	nt_lut_free(t->lut);
	nt_dense_free(t->dense);
	if (t->ws) {
		for (unsigned i = 0; i < t->threads; i++)
			nt_ws_free(&t->ws[i], &t->net);
		free(t->ws);
	}
	nt_adam_free(&t->adam);
	nt_net_free(&t->best);
	nt_net_free(&t->net);
	free(t->codes);
	free(t->labels);
	free(t->train_idx);
	free(t->val_idx);
	free(t->quant);
	free(t->grads);
	free(t->bn);
	free(t->g_loss);
	free(t->g_correct);
	free(t->conn_born);
	free(t);
}

static unsigned online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 256 ? 256 : (unsigned)n;
}

int nlut_trainer_new(const struct nlut_train_config *c,
		     const struct nlut_dataset *d, nlut_trainer **out)
{
	nlut_trainer *t;
	struct nt_rng r;
	uint32_t *perm = NULL;
	int rc;

	nt_clear_error();
	*out = NULL;
	rc = nlut_train_config_check(c);
	if (rc)
		return rc;
	if (!d->labels || !d->n_rows || !d->n_features)
		return nt_fail(NLUT_ERROR_DATA, "training data is empty or has no labels");
	if (d->n_rows > UINT32_MAX || d->n_features > NLUT_MAX_INPUTS)
		return nt_fail(NLUT_ERROR_TOO_LARGE, "training data: %zu rows x %zu features",
			       d->n_rows, d->n_features);
	if ((c->augment_shift || c->augment_flip) &&
	    (size_t)(c->image_w / c->pool) * (c->image_h / c->pool) != d->n_features)
		return nt_fail(NLUT_ERROR_INVALID_PARAM,
			       "%s: image %ux%u pooled by %u does not match %zu features",
			       c->augment_shift ? "augment_shift" : "augment_flip", c->image_w,
			       c->image_h, c->pool, d->n_features);
	t = calloc(1, sizeof(*t));
	if (!t)
		return nt_fail(NLUT_ERROR_NO_MEM, "trainer");
	t->c = *c;
	t->n_in = (uint32_t)d->n_features;
	t->n_classes = d->n_classes;
	t->n_rows = (uint32_t)d->n_rows;
	t->best_val = -1.0;

	/* Seeded split: the first n_val rows of a permutation validate. */
	perm = malloc(t->n_rows * sizeof(uint32_t));
	if (!perm)
		goto oom;
	for (uint32_t i = 0; i < t->n_rows; i++)
		perm[i] = i;
	nt_rng_seed(&r, c->seed, 3);
	nt_rng_shuffle(&r, perm, t->n_rows);
	t->n_val = c->val_rows ? c->val_rows :
		   (uint32_t)floor((double)t->n_rows * c->val_percent / 100.0 + 0.5);
	if (t->n_val >= t->n_rows) {
		rc = nt_fail(NLUT_ERROR_INVALID_PARAM, "val_rows: %u of %u rows leaves none to train on",
			     t->n_val, t->n_rows);
		goto fail;
	}
	t->n_train = t->n_rows - t->n_val;
	t->val_idx = malloc((t->n_val ? t->n_val : 1) * sizeof(uint32_t));
	t->train_idx = malloc(t->n_train * sizeof(uint32_t));
	if (!t->val_idx || !t->train_idx)
		goto oom;
	memcpy(t->val_idx, perm, t->n_val * sizeof(uint32_t));
	memcpy(t->train_idx, perm + t->n_val, t->n_train * sizeof(uint32_t));
	free(perm);
	perm = NULL;

	/* Input quantisers fitted on the training rows; every code comes
	 * from nlut_quant_code, as the golden model computes it. */
	t->quant = malloc(t->n_in * sizeof(struct nlut_quant));
	t->codes = malloc((size_t)t->n_rows * t->n_in * sizeof(uint16_t));
	t->labels = malloc(t->n_rows * sizeof(int32_t));
	if (!t->quant || !t->codes || !t->labels)
		goto oom;
	rc = nt_fit_quant(c, d->x, d->n_rows, d->n_features, t->train_idx, t->n_train, t->quant);
	if (rc)
		goto fail;
	for (size_t i = 0; i < (size_t)t->n_rows; i++) {
		const float *x = d->x + i * t->n_in;
		uint16_t *q = t->codes + i * t->n_in;

		for (uint32_t j = 0; j < t->n_in; j++)
			q[j] = nlut_quant_code(&t->quant[j], x[j]);
		t->labels[i] = d->labels[i];
	}

	if (c->neuron != NLUT_TRAIN_NEURON_LUT && c->neuron != NLUT_TRAIN_NEURON_DENSE) {
		rc = nt_net_build(&t->net, c, t->n_in, t->n_classes);
		if (rc)
			goto fail;
		rc = nt_adam_init(&t->adam, t->net.n_params);
		if (rc)
			goto fail;
	}

	/* Ghost batches: batch norm statistics and gradients per fixed
	 * slice of the batch, summed in slice order, so neither depends on
	 * the number of threads. */
	t->ghost = c->ghost < c->batch ? c->ghost : c->batch;
	t->batch = c->batch;
	if (t->batch > t->n_train)
		t->batch = t->n_train / t->ghost * t->ghost;
	if (t->batch < t->ghost) {
		t->ghost = t->n_train;
		t->batch = t->n_train;
	}
	if (t->ghost < 2) {
		rc = nt_fail(NLUT_ERROR_DATA, "only %u training rows", t->n_train);
		goto fail;
	}
	t->n_ghost = t->batch / t->ghost;
	t->steps_per_epoch = t->n_train / t->batch;
	rc = nt_pool_init(&t->pool, c->threads ? c->threads : online_cpus());
	if (rc)
		goto fail;
	t->pool_threads = t->pool.threads;
	t->ws = calloc(t->pool_threads, sizeof(*t->ws));
	if (!t->ws)
		goto oom;
	t->threads = t->pool_threads;
	if (c->neuron == NLUT_TRAIN_NEURON_LUT || c->neuron == NLUT_TRAIN_NEURON_DENSE) {
		/* Binary LUT layers, LUT-Dense layers: their own tables and
		 * scratch (lutlayer.c, dense.c). */
		free(t->ws);
		t->ws = NULL;
		rc = c->neuron == NLUT_TRAIN_NEURON_LUT ? nt_lut_setup(t) : nt_dense_setup(t);
		if (rc)
			goto fail;
		nt_rng_seed(&t->shuffle_rng, c->seed, 7);
		*out = t;
		return NLUT_SUCCESS;
	}
	for (unsigned i = 0; i < t->threads; i++) {
		rc = nt_ws_init(&t->ws[i], &t->net, t->ghost);
		if (rc)
			goto fail;
	}
	t->grads = malloc((size_t)t->n_ghost * t->net.n_params * sizeof(float));
	t->bn = malloc((size_t)t->n_ghost * t->net.n_units * 2 * sizeof(float));
	t->g_loss = calloc(t->n_ghost, sizeof(double));
	t->g_correct = calloc(t->n_ghost, sizeof(uint32_t));
	if (!t->grads || !t->bn || !t->g_loss || !t->g_correct)
		goto oom;
	nt_rng_seed(&t->shuffle_rng, c->seed, 7);
	*out = t;
	return NLUT_SUCCESS;
oom:
	rc = nt_fail(NLUT_ERROR_NO_MEM, "trainer for %u rows x %u features", t->n_rows, t->n_in);
fail:
	free(perm);
	nlut_trainer_free(t);
	return rc;
}

/* ---- one step ---- */

struct step_ctx {
	nlut_trainer *t;
	const uint32_t *rows; /* batch rows */
};

/*
 * Augmentation: the image moved by a random (dx, dy) within +-augment_shift
 * pixels, code 0 (the bottom of the fitted range) shifted in, and with
 * augment_flip mirrored left to right with probability 1/2. Both are drawn
 * from (seed, step, position in the batch), from separate streams (the
 * shifts are those drawn without augment_flip): independent of threads.
 */
static void shift_draw(const nlut_trainer *t, uint64_t pos, int32_t *dx, int32_t *dy,
		       int *flip)
{
	int32_t s = (int32_t)t->c.augment_shift, span = 2 * s + 1;
	uint64_t k = t->c.seed ^ (t->step * 0x9e3779b97f4a7c15ull);
	struct nt_rng r;

	*dx = *dy = 0;
	*flip = 0;
	if (s) {
		nt_rng_seed(&r, k, 1000003 + pos);
		*dx = (int32_t)nt_rng_below(&r, (uint32_t)span) - s;
		*dy = (int32_t)nt_rng_below(&r, (uint32_t)span) - s;
	}
	if (t->c.augment_flip) {
		nt_rng_seed(&r, k, 2000003 + pos);
		*flip = (int)nt_rng_below(&r, 2);
	}
}

/* Code of pixel (x, y) of the iw x ih image q moved by (dx, dy), then
 * mirrored when flip (x read from iw - 1 - x). */
static inline uint16_t shift_code(const uint16_t *q, uint32_t iw, uint32_t ih, int32_t dx,
				  int32_t dy, int flip, uint32_t x, uint32_t y)
{
	int32_t sx = (int32_t)(flip ? iw - 1 - x : x) - dx, sy = (int32_t)y - dy;

	if (sx >= 0 && sy >= 0 && sx < (int32_t)iw && sy < (int32_t)ih)
		return q[(uint32_t)sy * iw + (uint32_t)sx];
	return 0;
}

void nt_shift_codes(const nlut_trainer *t, const uint16_t *q, uint64_t pos, uint16_t *out)
{
	uint32_t iw = t->c.image_w / t->c.pool, ih = t->c.image_h / t->c.pool;
	int32_t dx, dy;
	int flip;

	shift_draw(t, pos, &dx, &dy, &flip);
	for (uint32_t y = 0; y < ih; y++)
		for (uint32_t x = 0; x < iw; x++)
			out[y * iw + x] = shift_code(q, iw, ih, dx, dy, flip, x, y);
}

static void shifted(const nlut_trainer *t, const uint16_t *q, float *x0, uint32_t g,
		    float a, float b, uint64_t pos)
{
	uint32_t iw = t->c.image_w / t->c.pool, ih = t->c.image_h / t->c.pool;
	int32_t dx, dy;
	int flip;

	shift_draw(t, pos, &dx, &dy, &flip);
	for (uint32_t y = 0; y < ih; y++)
		for (uint32_t x = 0; x < iw; x++)
			x0[(size_t)(y * iw + x) * g] =
				(float)shift_code(q, iw, ih, dx, dy, flip, x, y) * a + b;
}

static void ghost_task(void *arg, uint32_t gi, unsigned worker)
{
	struct step_ctx *s = arg;
	nlut_trainer *t = s->t;
	const struct nt_net *net = &t->net;
	struct nt_ws *ws = &t->ws[worker];
	uint32_t g = t->ghost, n_in = t->n_in, last = net->n_layers - 1;
	const uint32_t *rows = s->rows + (size_t)gi * g;
	float *grad = t->grads + (size_t)gi * net->n_params;
	float *bn = t->bn + (size_t)gi * net->n_units * 2;
	float a, b;

	nt_input_map(t->c.in_bits, &a, &b);
	for (uint32_t k = 0; k < g; k++) {
		const uint16_t *q = t->codes + (size_t)rows[k] * n_in;

		if (t->c.augment_shift || t->c.augment_flip) {
			shifted(t, q, ws->x0 + k, g, a, b, (uint64_t)gi * g + k);
			continue;
		}
		for (uint32_t i = 0; i < n_in; i++)
			ws->x0[(size_t)i * g + k] = (float)q[i] * a + b;
	}
	for (uint32_t l = 0; l < net->n_layers; l++)
		nt_layer_forward(net, l, ws, g, bn + 2 * (size_t)net->layer[l].first_unit);

	/* Softmax cross-entropy, mean over the whole batch. */
	uint32_t C = net->layer[last].n;
	const float *o = ws->out[last];
	float *dO = ws->dout[last];
	float scale = 1.0f / (float)t->batch;
	double loss = 0.0;
	uint32_t correct = 0;

	for (uint32_t k = 0; k < g; k++) {
		int32_t y = t->labels[rows[k]];
		float mx = o[k];
		uint32_t best = 0;
		double z = 0.0;

		for (uint32_t c = 1; c < C; c++)
			if (o[(size_t)c * g + k] > mx) {
				mx = o[(size_t)c * g + k];
				best = c;
			}
		correct += best == (uint32_t)y;
		for (uint32_t c = 0; c < C; c++) {
			float e = expf(o[(size_t)c * g + k] - mx);

			dO[(size_t)c * g + k] = e;
			z += e;
		}
		loss += log(z) - (double)(o[(size_t)y * g + k] - mx);
		float iz = (float)(1.0 / z);

		for (uint32_t c = 0; c < C; c++)
			dO[(size_t)c * g + k] = (dO[(size_t)c * g + k] * iz -
						 (c == (uint32_t)y ? 1.0f : 0.0f)) * scale;
	}
	t->g_loss[gi] = loss;
	t->g_correct[gi] = correct;

	memset(grad, 0, net->n_params * sizeof(float));
	for (uint32_t l = net->n_layers; l-- > 0;)
		nt_layer_backward(net, l, ws, g, grad);
}

int nt_score_sources(nlut_trainer *t, float **score, uint32_t n_ghosts)
{
	struct step_ctx s = { t, t->train_idx };
	struct nt_ws *ws = &t->ws[0];

	if (n_ghosts * t->ghost > t->n_train)
		n_ghosts = t->n_train / t->ghost;
	for (uint32_t l = 0; l < t->net.n_layers; l++)
		ws->score[l] = score[l];
	/* Ghost batches of the first training rows, one after another on
	 * this thread: the scores do not depend on the threads. */
	for (uint32_t gi = 0; gi < n_ghosts; gi++) {
		s.rows = t->train_idx + (size_t)gi * t->ghost;
		ghost_task(&s, 0, 0);
	}
	for (uint32_t l = 0; l < t->net.n_layers; l++)
		ws->score[l] = NULL;
	return NLUT_SUCCESS;
}

struct reduce_ctx {
	nlut_trainer *t;
	size_t chunk;
};

/* Sum ghost gradients into ghost 0's, in ghost order, over a slice. */
static void reduce_task(void *arg, uint32_t task, unsigned worker)
{
	struct reduce_ctx *r = arg;
	nlut_trainer *t = r->t;
	size_t n = t->net.n_params, from = (size_t)task * r->chunk;
	size_t to = from + r->chunk < n ? from + r->chunk : n;
	float *g0 = t->grads;

	(void)worker;
	for (uint32_t gi = 1; gi < t->n_ghost; gi++) {
		const float *gg = t->grads + (size_t)gi * n;

		for (size_t i = from; i < to; i++)
			g0[i] += gg[i];
	}
}

static void train_step(nlut_trainer *t, const uint32_t *rows, double lr,
		       double *loss, uint32_t *correct)
{
	struct step_ctx s = { t, rows };
	struct nt_net *net = &t->net;
	float m = (float)t->c.bn_momentum;
	float unbias = (float)t->ghost / (float)(t->ghost - 1);

	nt_pool_run(&t->pool, ghost_task, &s, t->n_ghost);
	if (t->n_ghost > 1) {
		struct reduce_ctx r = { t, 1 << 16 };

		nt_pool_run(&t->pool, reduce_task, &r,
			    (uint32_t)((net->n_params + r.chunk - 1) / r.chunk));
	}
	nt_adam_step(&t->adam, net->p, t->grads, net->decay, lr, t->c.weight_decay);
	for (uint32_t l = 0; l < net->n_layers; l++) {
		struct nt_layer *L = &net->layer[l];

		for (uint32_t j = 0; j < L->n; j++) {
			float *st = &net->p[L->p_step + j];

			if (!(*st > 1e-4f))
				*st = 1e-4f;
			st = &net->p[L->p_sstep + j];
			if (L->adder && !(*st > 1e-4f))
				*st = 1e-4f;
		}
	}
	for (uint32_t gi = 0; gi < t->n_ghost; gi++) {
		const float *bn = t->bn + (size_t)gi * net->n_units * 2;

		for (uint32_t l = 0; l < net->n_layers; l++) {
			struct nt_layer *L = &net->layer[l];
			const float *b = bn + 2 * (size_t)L->first_unit;

			for (uint32_t j = 0; j < L->nu; j++) {
				L->run_mean[j] = (1.0f - m) * L->run_mean[j] + m * b[2 * j];
				L->run_var[j] = (1.0f - m) * L->run_var[j] +
						m * b[2 * j + 1] * unbias;
			}
		}
		*loss += t->g_loss[gi];
		*correct += t->g_correct[gi];
	}
	t->step++;
}

/* ---- exact quantised evaluation ---- */

struct eval_ctx {
	const nlut_trainer *t;
	const struct nt_frozen *fz;
	size_t n;
	const uint32_t *rows;  /* rows of t->codes, or NULL: */
	const uint16_t *codes; /* row-major codes of n samples */
	uint16_t *scores;
	uint32_t *cls;
	uint16_t **act;        /* per worker */
};

static void eval_task(void *arg, uint32_t task, unsigned worker)
{
	struct eval_ctx *e = arg;
	const struct nt_frozen *fz = e->fz;
	uint32_t n_in = fz->n_in, C = fz->layer[fz->n_layers - 1].n;
	size_t from = (size_t)task * EVAL_CHUNK;
	size_t to = from + EVAL_CHUNK < e->n ? from + EVAL_CHUNK : e->n;
	uint16_t *act = e->act[worker];
	const uint16_t *sc = act + fz->n_neurons - C;

	for (size_t i = from; i < to; i++) {
		const uint16_t *q = e->rows ? e->t->codes + (size_t)e->rows[i] * n_in :
				    e->codes + i * n_in;

		nt_frozen_forward(fz, q, act);
		if (e->scores)
			memcpy(e->scores + i * C, sc, C * sizeof(uint16_t));
		if (e->cls)
			e->cls[i] = nlut_argmax(sc, C);
	}
}

static int run_eval(nlut_trainer *t, const struct nt_frozen *fz, struct eval_ctx *e)
{
	uint16_t *act[256] = { 0 };
	int rc = NLUT_SUCCESS;

	e->t = t;
	e->fz = fz;
	e->act = act;
	for (unsigned i = 0; i < t->pool_threads; i++) {
		act[i] = malloc(fz->n_neurons * sizeof(uint16_t));
		if (!act[i])
			rc = nt_fail(NLUT_ERROR_NO_MEM, "evaluation buffer");
	}
	if (!rc)
		nt_pool_run(&t->pool, eval_task, e,
			    (uint32_t)((e->n + EVAL_CHUNK - 1) / EVAL_CHUNK));
	for (unsigned i = 0; i < t->pool_threads; i++)
		free(act[i]);
	e->act = NULL;
	return rc;
}

/* Accuracy of net's exact quantised pass on the validation rows. */
static int validate(nlut_trainer *t, const struct nt_net *net, double *acc)
{
	struct nt_frozen fz;
	struct eval_ctx e = { 0 };
	uint32_t *cls;
	size_t ok = 0;
	int rc;

	if (!t->n_val) {
		*acc = -1.0;
		return NLUT_SUCCESS;
	}
	cls = malloc(t->n_val * sizeof(uint32_t));
	if (!cls)
		return nt_fail(NLUT_ERROR_NO_MEM, "validation");
	rc = nt_freeze(&fz, net, t->c.in_bits);
	if (rc) {
		free(cls);
		return rc;
	}
	e.n = t->n_val;
	e.rows = t->val_idx;
	e.cls = cls;
	rc = run_eval(t, &fz, &e);
	for (uint32_t i = 0; !rc && i < t->n_val; i++)
		ok += cls[i] == (uint32_t)t->labels[t->val_idx[i]];
	*acc = (double)ok / (double)t->n_val;
	nt_frozen_free(&fz);
	free(cls);
	return rc;
}

static int keep_best(nlut_trainer *t, double val, uint32_t epoch)
{
	int rc;

	if (!t->best.p) {
		rc = nt_net_copy(&t->best, &t->net);
		if (rc)
			return rc;
	} else {
		nt_net_copy_values(&t->best, &t->net);
	}
	t->best_val = val;
	t->best_epoch = epoch;
	return NLUT_SUCCESS;
}

int nlut_trainer_run(nlut_trainer *t, nlut_train_progress_fn fn, void *user,
		     const volatile sig_atomic_t *stop)
{
	const struct nlut_train_config *c = &t->c;
	struct nt_loop lp;
	int rc;

	nt_clear_error();
	if (t->lut)
		return nt_lut_run(t, fn, user, stop);
	if (t->dense)
		return nt_dense_run(t, fn, user, stop);
	if ((rc = nt_loop_init(&lp, t, train_step, fn, user, stop)))
		return rc;
	for (uint32_t ep = t->epochs_done; ep < c->epochs; ep++) {
		double val;

		if ((rc = nt_loop_epoch(&lp, ep)))
			break;
		/* Connectivity training in the first half of the epochs. */
		if (c->prune && (ep + 1) % c->prune == 0 && 2 * (ep + 1) <= c->epochs) {
			uint32_t dropped;

			rc = nt_prune_regrow(t, ++t->prune_rounds, &dropped);
			if (rc)
				break;
			t->prune_dropped += dropped;
		}
		rc = validate(t, &t->net, &val);
		if (rc)
			break;
		t->epochs_done = ep + 1;
		if (val < 0.0 || val > t->best_val) {
			rc = keep_best(t, val, ep + 1);
			if (rc)
				break;
		}
		nt_loop_epoch_end(&lp, val);
	}
	nt_loop_free(&lp);
	if (!t->best.p) {
		/* Stopped before the first epoch ended: keep what there is. */
		double val;
		int rc2 = validate(t, &t->net, &val);

		if (!rc2)
			rc2 = keep_best(t, val, t->epochs_done);
		if (rc2)
			return rc2;
	}
	if (rc == NLUT_ERROR_INTERRUPTED)
		return nt_loop_stopped(&lp);
	return rc;
}

int nlut_trainer_bench_steps(nlut_trainer *t, uint32_t steps, double *sps)
{
	if (t->lut)
		return nt_lut_bench_steps(t, steps, sps);
	if (t->dense)
		return nt_dense_bench_steps(t, steps, sps);
	return nt_bench_steps(t, train_step, steps, sps);
}

/* ---- the kept network ---- */

static const struct nt_net *kept(const nlut_trainer *t)
{
	return t->best.p ? &t->best : &t->net;
}

int nlut_trainer_predict(nlut_trainer *t, size_t n, const float *x,
			 uint16_t *scores, uint32_t *cls)
{
	struct nt_frozen fz;
	struct eval_ctx e = { 0 };
	uint16_t *codes;
	int rc;

	nt_clear_error();
	codes = malloc((n ? n : 1) * t->n_in * sizeof(uint16_t));
	if (!codes)
		return nt_fail(NLUT_ERROR_NO_MEM, "codes of %zu samples", n);
	for (size_t i = 0; i < n; i++)
		for (uint32_t j = 0; j < t->n_in; j++)
			codes[i * t->n_in + j] = nlut_quant_code(&t->quant[j],
								 x[i * t->n_in + j]);
	/* Binary LUT and LUT-Dense networks: their own exact pass. */
	if (t->lut || t->dense) {
		rc = t->lut ? nt_lut_predict(t, n, codes, scores, cls)
			    : nt_dense_predict(t, n, codes, scores, cls);
		free(codes);
		return rc;
	}
	rc = nt_freeze(&fz, kept(t), t->c.in_bits);
	if (rc) {
		free(codes);
		return rc;
	}
	e.n = n;
	e.codes = codes;
	e.scores = scores;
	e.cls = cls;
	rc = run_eval(t, &fz, &e);
	nt_frozen_free(&fz);
	free(codes);
	return rc;
}

uint32_t nlut_trainer_num_inputs(const nlut_trainer *t)
{
	return t->n_in;
}

uint32_t nlut_trainer_num_classes(const nlut_trainer *t)
{
	return t->n_classes;
}

uint64_t nlut_trainer_table_entries(const nlut_trainer *t)
{
	uint64_t s = 0;

	if (t->lut)
		return nt_lut_table_entries(t);
	if (t->dense)
		return nt_dense_table_entries(t);
	for (uint32_t l = 0; l < t->net.n_layers; l++) {
		const struct nt_layer *L = &t->net.layer[l];

		if (L->adder)
			s += (uint64_t)L->n * (((uint64_t)L->a << (L->fu * L->in_bits)) +
					       (1ull << (L->sub_bits + nt_ceil_log2(L->a))));
		else
			s += (uint64_t)L->n << (L->f * L->in_bits);
	}
	return s;
}

uint64_t nlut_trainer_num_params(const nlut_trainer *t)
{
	if (t->lut)
		return nt_lut_num_params(t);
	if (t->dense)
		return nt_dense_num_params(t);
	return t->net.n_params;
}

double nlut_trainer_best_val(const nlut_trainer *t, uint32_t *epoch)
{
	if (epoch)
		*epoch = t->best_epoch;
	return t->best_val;
}

unsigned nlut_trainer_threads(const nlut_trainer *t)
{
	return t->pool_threads;
}
