/* dense.c - HGQ-LUT's LUT-Dense layers: every edge j <- i carries
 * f(u) = a u + c (u^2 - 1/3) of the value u its source's code has at the
 * edge's read bits r (learned as a real beta, r = round(beta), 0 = pruned),
 * tabulated in fixed point with F fraction bits; a neuron sums its edges and
 * a bias and quantises the sum to its output code (a hard tanh, offset
 * binary). The loss adds lut_cost x the estimated LUTs of the network. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dense.h"
#include "loop.h"

#define EVAL_CHUNK 256u
#define DN_LOGIT 8.0f            /* logit = 8 x the class score's value in (-1, 1) */
#define DN_MAX_ENTRY 32767       /* entries fit 16-bit two's complement */
#define DN_MAX_BIAS (1 << 29)
/* beta is stored divided by this: Adam moves a parameter by about lr per
 * step, and a read width must be able to move by bits within an epoch. */
#define DN_BETA_SCALE 8.0f

struct dn_layer {
	uint32_t n, m;           /* neurons; inputs = the previous layer's width */
	uint32_t B, ob;          /* width of the input codes, of the outputs */
	size_t a, c, beta, bias; /* offsets into the parameters: [n][m] x 3, [n] */
	size_t e_off;            /* first edge (global edge index, j * m + i) */
	size_t s_off;            /* first table slot */
};

/* Per-worker scratch of a ghost batch of g samples. */
struct dn_ws {
	uint16_t *q[NLUT_MAX_LAYERS + 1]; /* [width][g]: q[0] inputs, q[l + 1] layer l's codes */
	float *z[NLUT_MAX_LAYERS];        /* [n][g] sums */
	float *dz[NLUT_MAX_LAYERS];       /* [n][g] dL/dz */
	float *dlogit;                    /* [classes] */
	uint16_t *qs;                     /* augment_shift: one shifted image */
};

struct nt_dense {
	uint32_t n_layers, classes, F, n_in;
	struct dn_layer layer[NLUT_MAX_LAYERS];
	size_t n_params, n_edges, n_slots; /* slots: sum over edges of 2^B */
	float *w, *keep;      /* parameters; the kept (best validation) ones */
	uint8_t *decay;       /* weight decay on a and c only */
	float *grads;         /* [n_ghost][n_params] */
	/* Per-step tables over every edge's 2^B input codes: */
	float *tv;            /* the entry the edge adds, / 2^F */
	float *tu, *tu2;      /* u at the read bits, and u^2 - 1/3 */
	float *td;            /* the entry minus the full-width entry */
	float *tp;            /* f'(u) at the read bits (0 when pruned) */
	double *g_loss;
	uint32_t *g_correct;
	struct dn_ws *ws;
	unsigned n_ws;
	uint32_t g;
};

/* First table slot of edge j <- i of layer Y: each edge has 2^B slots. */
static inline size_t slot_of(const struct dn_layer *Y, uint32_t j, uint32_t i)
{
	return Y->s_off + (((size_t)j * Y->m + i) << Y->B);
}

void nt_dense_free(struct nt_dense *D)
{
	if (!D)
		return;
	for (unsigned k = 0; D->ws && k < D->n_ws; k++) {
		struct dn_ws *w = &D->ws[k];

		for (uint32_t l = 0; l <= D->n_layers; l++)
			free(w->q[l]);
		for (uint32_t l = 0; l < D->n_layers; l++) {
			free(w->z[l]);
			free(w->dz[l]);
		}
		free(w->dlogit);
		free(w->qs);
	}
	free(D->ws);
	free(D->w);
	free(D->keep);
	free(D->decay);
	free(D->grads);
	free(D->tv);
	free(D->tu);
	free(D->tu2);
	free(D->td);
	free(D->tp);
	free(D->g_loss);
	free(D->g_correct);
	free(D);
}

/* Read bits of a stored width parameter p (beta = p x DN_BETA_SCALE) of a
 * B-bit source: round(beta), 0 .. B. */
static inline uint32_t read_bits(float p, uint32_t B)
{
	float r = floorf(p * DN_BETA_SCALE + 0.5f);

	return r <= 0.0f ? 0u : r >= (float)B ? B : (uint32_t)r;
}

/* The value of read code v of r bits: the middle of its bin of (-1, 1). */
static inline float u_of(uint32_t v, uint32_t r)
{
	return (float)(2u * v + 1u) / (float)(1u << r) - 1.0f;
}

/*
 * The one definition of an edge's integer entry (fixed point, F fraction
 * bits) at read code v of r bits: the exact pass, the tables and the
 * compiled model all call it, so they agree by construction. Not inlined,
 * so that no caller's contraction or vectorisation can round it apart.
 */
__attribute__((noinline)) static int32_t dn_entry(float a, float c, uint32_t v, uint32_t r,
						   uint32_t F)
{
	float u = u_of(v, r);
	float q = u * u;
	float f = a * u;
	float g = c * (q - 1.0f / 3.0f);
	float s = (f + g) * (float)(1u << F);

	if (!(s == s))
		return 0;
	if (s > (float)DN_MAX_ENTRY)
		return DN_MAX_ENTRY;
	if (s < (float)-DN_MAX_ENTRY)
		return -DN_MAX_ENTRY;
	return (int32_t)floorf(s + 0.5f);
}

__attribute__((noinline)) static int32_t dn_bias(float b, uint32_t F)
{
	float s = b * (float)(1u << F);

	if (!(s == s))
		return 0;
	if (s > (float)DN_MAX_BIAS)
		return DN_MAX_BIAS;
	if (s < (float)-DN_MAX_BIAS)
		return -DN_MAX_BIAS;
	return (int32_t)floorf(s + 0.5f);
}

/* ---- set-up ---- */

int nt_dense_setup(nlut_trainer *t)
{
	const struct nlut_train_config *c = &t->c;
	struct nt_dense *D = calloc(1, sizeof(*D));
	struct nt_rng r;
	uint32_t prev = t->n_in, prev_b = c->in_bits;
	int rc;

	if (!D)
		return nt_fail(NLUT_ERROR_NO_MEM, "LUT-Dense network");
	t->dense = D;
	D->n_layers = c->n_layers;
	D->classes = t->n_classes;
	D->F = c->dense_frac;
	D->n_in = t->n_in;
	if (c->width[c->n_layers - 1] != t->n_classes)
		return nt_fail(NLUT_ERROR_INVALID_PARAM,
			       "layers: the last layer has %u neurons but the data has %u classes",
			       c->width[c->n_layers - 1], t->n_classes);
	if (t->n_in > NLUT_MAX_DENSE_FAN_IN)
		return nt_fail(NLUT_ERROR_INVALID_PARAM,
			       "neuron = dense: %u input features; a LUT-Dense neuron reads at most %u (pool the images)",
			       t->n_in, NLUT_MAX_DENSE_FAN_IN);
	for (uint32_t l = 0; l < D->n_layers; l++) {
		struct dn_layer *Y = &D->layer[l];

		Y->n = c->width[l];
		Y->m = prev;
		Y->B = prev_b;
		Y->ob = l + 1 == D->n_layers ? c->out_bits : c->hidden_bits;
		Y->a = D->n_params;
		Y->c = Y->a + (size_t)Y->n * Y->m;
		Y->beta = Y->c + (size_t)Y->n * Y->m;
		Y->bias = Y->beta + (size_t)Y->n * Y->m;
		D->n_params = Y->bias + Y->n;
		Y->e_off = D->n_edges;
		D->n_edges += (size_t)Y->n * Y->m;
		Y->s_off = D->n_slots;
		D->n_slots += ((size_t)Y->n * Y->m) << Y->B;
		prev = Y->n;
		prev_b = Y->ob;
	}
	D->g = t->ghost;
	D->w = calloc(D->n_params, sizeof(float));
	D->keep = calloc(D->n_params, sizeof(float));
	D->decay = calloc(D->n_params, 1);
	D->grads = malloc((size_t)t->n_ghost * D->n_params * sizeof(float));
	D->tv = malloc(D->n_slots * sizeof(float));
	D->tu = malloc(D->n_slots * sizeof(float));
	D->tu2 = malloc(D->n_slots * sizeof(float));
	D->td = malloc(D->n_slots * sizeof(float));
	D->tp = malloc(D->n_slots * sizeof(float));
	D->g_loss = calloc(t->n_ghost, sizeof(double));
	D->g_correct = calloc(t->n_ghost, sizeof(uint32_t));
	D->n_ws = t->pool_threads;
	D->ws = calloc(D->n_ws, sizeof(*D->ws));
	if (!D->w || !D->keep || !D->decay || !D->grads || !D->tv || !D->tu || !D->tu2 || !D->td ||
	    !D->tp || !D->g_loss || !D->g_correct || !D->ws)
		return nt_fail(NLUT_ERROR_NO_MEM, "LUT-Dense network of %zu parameters", D->n_params);
	for (unsigned k = 0; k < D->n_ws; k++) {
		struct dn_ws *w = &D->ws[k];

		w->q[0] = malloc((size_t)t->n_in * D->g * sizeof(uint16_t));
		w->dlogit = malloc(D->classes * sizeof(float));
		if (!w->q[0] || !w->dlogit)
			return nt_fail(NLUT_ERROR_NO_MEM, "LUT-Dense scratch");
		if ((c->augment_shift || c->augment_flip) && !(w->qs = malloc(t->n_in * sizeof(uint16_t))))
			return nt_fail(NLUT_ERROR_NO_MEM, "LUT-Dense scratch");
		for (uint32_t l = 0; l < D->n_layers; l++) {
			size_t n = (size_t)D->layer[l].n * D->g;

			w->q[l + 1] = malloc(n * sizeof(uint16_t));
			w->z[l] = malloc(n * sizeof(float));
			w->dz[l] = malloc(n * sizeof(float));
			if (!w->q[l + 1] || !w->z[l] || !w->dz[l])
				return nt_fail(NLUT_ERROR_NO_MEM, "LUT-Dense scratch");
		}
	}
	/* a uniform with the variance of 1/m per edge (so a neuron's sum starts
	 * near unit scale), c small, every edge reading all its bits. */
	nt_rng_seed(&r, c->seed, 11);
	for (uint32_t l = 0; l < D->n_layers; l++) {
		const struct dn_layer *Y = &D->layer[l];
		float lim = sqrtf(3.0f / (float)Y->m);

		for (size_t e = 0; e < (size_t)Y->n * Y->m; e++) {
			D->w[Y->a + e] = (2.0f * nt_rng_float(&r) - 1.0f) * lim;
			D->w[Y->c + e] = (2.0f * nt_rng_float(&r) - 1.0f) * lim * 0.25f;
			D->w[Y->beta + e] = (float)Y->B / DN_BETA_SCALE;
			D->decay[Y->a + e] = D->decay[Y->c + e] = 1;
		}
	}
	memcpy(D->keep, D->w, D->n_params * sizeof(float));
	if ((rc = nt_adam_init(&t->adam, D->n_params)))
		return rc;
	return NLUT_SUCCESS;
}

/* ---- the per-step tables ---- */

struct tab_ctx {
	struct nt_dense *D;
	uint32_t per;
};

static void tab_task(void *arg, uint32_t task, unsigned worker)
{
	struct tab_ctx *x = arg;
	struct nt_dense *D = x->D;
	size_t from = (size_t)task * x->per, to = from + x->per;

	(void)worker;
	for (uint32_t l = 0; l < D->n_layers; l++) {
		const struct dn_layer *Y = &D->layer[l];
		size_t ne = (size_t)Y->n * Y->m, lo = Y->e_off, hi = Y->e_off + ne;
		float sc = 1.0f / (float)(1u << D->F);

		for (size_t ge = from > lo ? from : lo; ge < to && ge < hi; ge++) {
			size_t e = ge - lo, s = Y->s_off + (e << Y->B);
			float a = D->w[Y->a + e], c = D->w[Y->c + e];
			uint32_t r = read_bits(D->w[Y->beta + e], Y->B);

			for (uint32_t q = 0; q < 1u << Y->B; q++) {
				float full = (float)dn_entry(a, c, q, Y->B, D->F) * sc;

				if (!r) {
					D->tv[s + q] = D->tu[s + q] = D->tu2[s + q] = D->tp[s + q] = 0.0f;
					D->td[s + q] = -full;
					continue;
				}
				uint32_t v = q >> (Y->B - r);
				float u = u_of(v, r), val = (float)dn_entry(a, c, v, r, D->F) * sc;

				D->tv[s + q] = val;
				D->tu[s + q] = u;
				D->tu2[s + q] = u * u - 1.0f / 3.0f;
				D->td[s + q] = val - full;
				D->tp[s + q] = a + 2.0f * c * u;
			}
		}
	}
}

static void make_tables(nlut_trainer *t)
{
	struct tab_ctx x = { t->dense, 2048 };

	nt_pool_run(&t->pool, tab_task, &x, (uint32_t)((t->dense->n_edges + x.per - 1) / x.per));
}

/* ---- one step ---- */

struct step_ctx {
	nlut_trainer *t;
	const uint32_t *rows;
	float scale; /* 1 / batch */
};

/* Output code of a sum z (training pass): floor(z 2^(b-1)) + 2^(b-1), clamped. */
static inline uint16_t out_code(float z, uint32_t b)
{
	float h = (float)(1u << (b - 1)), k = floorf(z * h) + h, top = (float)((1u << b) - 1u);

	return (uint16_t)(k < 0.0f ? 0.0f : k > top ? top : k);
}

static void forward(const struct nt_dense *D, struct dn_ws *w, uint32_t g)
{
	for (uint32_t l = 0; l < D->n_layers; l++) {
		const struct dn_layer *Y = &D->layer[l];

		for (uint32_t j = 0; j < Y->n; j++) {
			float *z = w->z[l] + (size_t)j * g;
			float b0 = D->w[Y->bias + j];

			for (uint32_t b = 0; b < g; b++)
				z[b] = b0;
			for (uint32_t i = 0; i < Y->m; i++) {
				const float *T = D->tv + slot_of(Y, j, i);
				const uint16_t *q = w->q[l] + (size_t)i * g;

				if (!read_bits(D->w[Y->beta + (size_t)j * Y->m + i], Y->B))
					continue; /* pruned: adds 0 */
				for (uint32_t b = 0; b < g; b++)
					z[b] += T[q[b]];
			}
			uint16_t *o = w->q[l + 1] + (size_t)j * g;

			for (uint32_t b = 0; b < g; b++)
				o[b] = out_code(z[b], Y->ob);
		}
	}
}

static void ghost_task(void *arg, uint32_t gi, unsigned worker)
{
	struct step_ctx *s = arg;
	nlut_trainer *t = s->t;
	struct nt_dense *D = t->dense;
	struct dn_ws *w = &D->ws[worker];
	uint32_t g = t->ghost, C = D->classes, last = D->n_layers - 1;
	const uint32_t *rows = s->rows + (size_t)gi * g;
	float *grad = D->grads + (size_t)gi * D->n_params;
	double loss = 0.0;
	uint32_t correct = 0;
	const struct dn_layer *YL = &D->layer[last];
	float hl = (float)(1u << (YL->ob - 1));

	for (uint32_t b = 0; b < g; b++) {
		const uint16_t *q = t->codes + (size_t)rows[b] * t->n_in;

		if (w->qs) {
			nt_shift_codes(t, q, (uint64_t)gi * g + b, w->qs);
			q = w->qs;
		}
		for (uint32_t i = 0; i < t->n_in; i++)
			w->q[0][(size_t)i * g + b] = q[i];
	}
	forward(D, w, g);
	/* Softmax cross-entropy of DN_LOGIT x the scores' values. */
	for (uint32_t b = 0; b < g; b++) {
		uint32_t label = (uint32_t)t->labels[rows[b]], best = 0;
		float mx = -INFINITY, zs = 0.0f;
		uint16_t best_q = 0;

		for (uint32_t c = 0; c < C; c++) {
			uint16_t q = w->q[last + 1][(size_t)c * g + b];
			float lg = DN_LOGIT * ((float)q + 0.5f - hl) / hl;

			if (c == 0 || q > best_q) {
				best = c;
				best_q = q;
			}
			w->dlogit[c] = lg;
			mx = lg > mx ? lg : mx;
		}
		for (uint32_t c = 0; c < C; c++) {
			w->dlogit[c] = expf(w->dlogit[c] - mx);
			zs += w->dlogit[c];
		}
		loss -= log((double)w->dlogit[label] / zs);
		correct += best == label;
		for (uint32_t c = 0; c < C; c++) {
			float p = w->dlogit[c] / zs, z = w->z[last][(size_t)c * g + b];
			float d = (p - (c == label)) * s->scale * DN_LOGIT;

			/* straight through the quantiser inside its range */
			w->dz[last][(size_t)c * g + b] = z >= -1.0f && z < 1.0f ? d : 0.0f;
		}
	}
	memset(grad, 0, D->n_params * sizeof(float));
	for (uint32_t l = last + 1; l-- > 0;) {
		const struct dn_layer *Y = &D->layer[l];
		float *dprev = l ? w->dz[l - 1] : NULL;
		float hist[1u << NT_DENSE_MAX_BITS];
		uint32_t S = 1u << Y->B;

		if (dprev)
			memset(dprev, 0, (size_t)Y->m * g * sizeof(float));
		for (uint32_t j = 0; j < Y->n; j++) {
			const float *dz = w->dz[l] + (size_t)j * g;
			float sb = 0.0f;

			for (uint32_t b = 0; b < g; b++)
				sb += dz[b];
			grad[Y->bias + j] += sb;
			if (sb == 0.0f) {
				int any = 0;

				for (uint32_t b = 0; b < g && !any; b++)
					any = dz[b] != 0.0f;
				if (!any)
					continue;
			}
			for (uint32_t i = 0; i < Y->m; i++) {
				size_t e = (size_t)j * Y->m + i, so = slot_of(Y, j, i);
				const uint16_t *q = w->q[l] + (size_t)i * g;
				float ga = 0.0f, gc = 0.0f, gb = 0.0f;

				memset(hist, 0, S * sizeof(float));
				for (uint32_t b = 0; b < g; b++)
					hist[q[b]] += dz[b];
				for (uint32_t k = 0; k < S; k++) {
					ga += hist[k] * D->tu[so + k];
					gc += hist[k] * D->tu2[so + k];
					gb += hist[k] * D->td[so + k];
				}
				grad[Y->a + e] += ga;
				grad[Y->c + e] += gc;
				/* HGQ's surrogate: the error of r bits shrinks by 2 per
				 * bit, d(error)/d(beta) = -ln 2 x error. */
				grad[Y->beta + e] += -0.69314718f * DN_BETA_SCALE * gb;
				if (!dprev || !read_bits(D->w[Y->beta + e], Y->B))
					continue;
				const float *tp = D->tp + so;
				float *dx = dprev + (size_t)i * g;

				for (uint32_t b = 0; b < g; b++)
					dx[b] += dz[b] * tp[q[b]];
			}
		}
		if (dprev) {
			const struct dn_layer *P = &D->layer[l - 1];

			for (size_t k = 0; k < (size_t)P->n * g; k++) {
				float z = w->z[l - 1][k];

				dprev[k] = z >= -1.0f && z < 1.0f ? dprev[k] : 0.0f;
			}
		}
	}
	D->g_loss[gi] = loss;
	D->g_correct[gi] = correct;
}

static void train_step(nlut_trainer *t, const uint32_t *rows, double lr, double *loss,
		       uint32_t *correct)
{
	struct nt_dense *D = t->dense;
	struct step_ctx s = { t, rows, 1.0f / (float)t->batch };
	float pen = (float)(t->c.lut_cost * NT_DENSE_LUTS_PER_BIT);

	make_tables(t);
	nt_pool_run(&t->pool, ghost_task, &s, t->n_ghost);
	for (uint32_t gi = 1; gi < t->n_ghost; gi++) {
		const float *gs = D->grads + (size_t)gi * D->n_params;

		for (size_t i = 0; i < D->n_params; i++)
			D->grads[i] += gs[i];
	}
	/* The surrogate: lut_cost x LUTS_PER_BIT x the bits every live edge
	 * reads; its gradient on beta is constant while the edge lives. */
	for (uint32_t l = 0; l < D->n_layers; l++) {
		const struct dn_layer *Y = &D->layer[l];

		for (size_t e = 0; e < (size_t)Y->n * Y->m; e++)
			if (read_bits(D->w[Y->beta + e], Y->B))
				D->grads[Y->beta + e] += pen * DN_BETA_SCALE;
	}
	nt_adam_step(&t->adam, D->w, D->grads, D->decay, lr, t->c.weight_decay);
	for (uint32_t l = 0; l < D->n_layers; l++) {
		const struct dn_layer *Y = &D->layer[l];

		for (size_t e = 0; e < (size_t)Y->n * Y->m; e++) {
			float *b = &D->w[Y->beta + e];

			float hi = (float)Y->B / DN_BETA_SCALE;

			*b = *b < 0.0f ? 0.0f : *b > hi ? hi : *b;
		}
	}
	for (uint32_t gi = 0; gi < t->n_ghost; gi++) {
		*loss += D->g_loss[gi];
		*correct += D->g_correct[gi];
	}
	t->step++;
}

/* ---- the exact pass (validation, prediction, the tables) ---- */

/* Integer tables of parameters p: every edge's entry at each of its
 * source's 2^B codes (0 when pruned), and per neuron the model's bias. */
struct dn_frozen {
	int32_t *t;    /* [slots] */
	uint8_t *r;    /* [edges] read bits */
	int32_t *bias; /* [neurons]: dn_bias + 2^F (the output's offset) */
	uint32_t n_neurons;
};

static void frozen_free(struct dn_frozen *fz)
{
	free(fz->t);
	free(fz->r);
	free(fz->bias);
}

static int freeze(const struct nt_dense *D, const float *p, struct dn_frozen *fz)
{
	uint32_t nn = 0;

	for (uint32_t l = 0; l < D->n_layers; l++)
		nn += D->layer[l].n;
	fz->n_neurons = nn;
	fz->t = malloc(D->n_slots * sizeof(int32_t));
	fz->r = malloc(D->n_edges);
	fz->bias = malloc(nn * sizeof(int32_t));
	if (!fz->t || !fz->r || !fz->bias) {
		frozen_free(fz);
		return nt_fail(NLUT_ERROR_NO_MEM, "LUT-Dense tables");
	}
	nn = 0;
	for (uint32_t l = 0; l < D->n_layers; l++) {
		const struct dn_layer *Y = &D->layer[l];

		for (uint32_t j = 0; j < Y->n; j++, nn++) {
			fz->bias[nn] = dn_bias(p[Y->bias + j], D->F) + (1 << D->F);
			for (uint32_t i = 0; i < Y->m; i++) {
				size_t e = (size_t)j * Y->m + i, so = slot_of(Y, j, i);
				uint32_t r = read_bits(p[Y->beta + e], Y->B);

				fz->r[Y->e_off + e] = (uint8_t)r;
				for (uint32_t q = 0; q < 1u << Y->B; q++)
					fz->t[so + q] = r ? dn_entry(p[Y->a + e], p[Y->c + e],
								     q >> (Y->B - r), r, D->F) : 0;
			}
		}
	}
	return NLUT_SUCCESS;
}

/* Scores of one sample: integer sums, the format's shift and clamp. */
static uint32_t exact_forward(const struct nt_dense *D, const struct dn_frozen *fz,
			      const uint16_t *x, uint16_t *act, uint16_t *scores)
{
	const uint16_t *prev = x;
	uint16_t *cur = act;
	uint32_t nn = 0;

	for (uint32_t l = 0; l < D->n_layers; l++) {
		const struct dn_layer *Y = &D->layer[l];
		uint32_t shift = D->F - (Y->ob - 1), top = (1u << Y->ob) - 1u;

		for (uint32_t j = 0; j < Y->n; j++, nn++) {
			int32_t acc = fz->bias[nn];

			for (uint32_t i = 0; i < Y->m; i++)
				acc += fz->t[slot_of(Y, j, i) + prev[i]];
			int32_t v = acc >> shift;

			cur[j] = (uint16_t)(v < 0 ? 0 : (uint32_t)v > top ? top : (uint32_t)v);
		}
		prev = cur;
		cur += Y->n;
	}
	uint32_t best = 0;

	for (uint32_t c = 0; c < D->classes; c++) {
		if (scores)
			scores[c] = prev[c];
		if (prev[c] > prev[best])
			best = c;
	}
	return best;
}

struct eval_ctx {
	const nlut_trainer *t;
	const struct dn_frozen *fz;
	size_t n;
	const uint32_t *rows;  /* rows of t->codes, or NULL: */
	const uint16_t *codes; /* row-major codes */
	uint16_t *scores;
	uint32_t *cls;
	uint16_t **act;
};

static void eval_task(void *arg, uint32_t task, unsigned worker)
{
	struct eval_ctx *e = arg;
	const nlut_trainer *t = e->t;
	size_t from = (size_t)task * EVAL_CHUNK, to = from + EVAL_CHUNK < e->n ? from + EVAL_CHUNK : e->n;

	for (size_t i = from; i < to; i++) {
		const uint16_t *q = e->rows ? t->codes + (size_t)e->rows[i] * t->n_in :
				    e->codes + i * t->n_in;
		uint32_t c = exact_forward(t->dense, e->fz, q, e->act[worker],
					   e->scores ? e->scores + i * t->dense->classes : NULL);

		if (e->cls)
			e->cls[i] = c;
	}
}

static int run_eval(nlut_trainer *t, const float *p, struct eval_ctx *e)
{
	uint16_t *act[256] = { 0 };
	struct dn_frozen fz;
	int rc = freeze(t->dense, p, &fz);

	if (rc)
		return rc;
	e->t = t;
	e->fz = &fz;
	e->act = act;
	for (unsigned i = 0; i < t->pool_threads; i++)
		if (!(act[i] = malloc(fz.n_neurons * sizeof(uint16_t))))
			rc = nt_fail(NLUT_ERROR_NO_MEM, "evaluation buffer");
	if (!rc)
		nt_pool_run(&t->pool, eval_task, e, (uint32_t)((e->n + EVAL_CHUNK - 1) / EVAL_CHUNK));
	for (unsigned i = 0; i < t->pool_threads; i++)
		free(act[i]);
	frozen_free(&fz);
	e->act = NULL;
	return rc;
}

static int validate(nlut_trainer *t, const float *p, double *acc)
{
	struct eval_ctx e = { 0 };
	size_t ok = 0;
	int rc;

	if (!t->n_val) {
		*acc = -1.0;
		return NLUT_SUCCESS;
	}
	e.cls = malloc(t->n_val * sizeof(uint32_t));
	if (!e.cls)
		return nt_fail(NLUT_ERROR_NO_MEM, "validation");
	e.n = t->n_val;
	e.rows = t->val_idx;
	rc = run_eval(t, p, &e);
	for (uint32_t i = 0; !rc && i < t->n_val; i++)
		ok += e.cls[i] == (uint32_t)t->labels[t->val_idx[i]];
	*acc = (double)ok / (double)t->n_val;
	free(e.cls);
	return rc;
}

int nt_dense_run(nlut_trainer *t, nlut_train_progress_fn fn, void *user,
		 const volatile sig_atomic_t *stop)
{
	const struct nlut_train_config *c = &t->c;
	struct nt_dense *D = t->dense;
	struct nt_loop lp;
	int rc, kept = t->best_val >= 0 || t->epochs_done;

	if ((rc = nt_loop_init(&lp, t, train_step, fn, user, stop)))
		return rc;
	for (uint32_t ep = t->epochs_done; ep < c->epochs; ep++) {
		double val;

		if ((rc = nt_loop_epoch(&lp, ep)))
			break;
		if ((rc = validate(t, D->w, &val)))
			break;
		t->epochs_done = ep + 1;
		/* Ties go to the later epoch: with a LUT cost the later network
		 * is as accurate and smaller. With a LUT cost the network keeps
		 * shrinking, so only the second half's epochs are candidates (a
		 * first-epoch network would win on accuracy at the size the cost
		 * was meant to remove). */
		int cand = !c->lut_cost || 2 * (ep + 1) > c->epochs;

		if (val < 0.0 ||
		    (cand && (val >= t->best_val || (c->lut_cost && t->best_epoch * 2 <= c->epochs))) ||
		    !kept) {
			memcpy(D->keep, D->w, D->n_params * sizeof(float));
			t->best_val = val;
			t->best_epoch = ep + 1;
			kept = 1;
		}
		nt_loop_epoch_end(&lp, val);
	}
	if (!kept) {
		memcpy(D->keep, D->w, D->n_params * sizeof(float));
		int rc2 = validate(t, D->keep, &t->best_val);

		t->best_epoch = t->epochs_done;
		if (rc2)
			rc = rc2;
	}
	nt_loop_free(&lp);
	if (rc == NLUT_ERROR_INTERRUPTED)
		return nt_loop_stopped(&lp);
	return rc;
}

int nt_dense_bench_steps(nlut_trainer *t, uint32_t steps, double *sps)
{
	return nt_bench_steps(t, train_step, steps, sps);
}

int nt_dense_predict(nlut_trainer *t, size_t n, const uint16_t *codes, uint16_t *scores,
		     uint32_t *cls)
{
	struct eval_ctx e = { 0 };

	e.n = n;
	e.codes = codes;
	e.scores = scores;
	e.cls = cls;
	return run_eval(t, t->dense->keep, &e);
}

/* ---- compilation ---- */

/* Two's complement width that holds v. */
static unsigned width_of(int32_t v)
{
	unsigned w = 1;

	while (v < -(1 << (w - 1)) || v > (1 << (w - 1)) - 1)
		w++;
	return w;
}

/*
 * Every neuron becomes a LUT-Dense neuron (format 1.3) of its live edges:
 * edge table entries are the frozen integers at read codes v (the frozen
 * table at code v << (B - r)), bias = the frozen bias, shift = F - (b - 1).
 * A neuron with no live edge is a constant: one edge reading 1 bit of
 * source 0 through zeros (docs/model-format.md).
 */
int nt_dense_compile(nlut_trainer *t, nlut_model **out)
{
	struct nt_dense *D = t->dense;
	struct dn_frozen fz;
	nlut_model *m = NULL;
	uint32_t *src = NULL;
	uint8_t *rb = NULL;
	uint16_t **tabs = NULL, *pool = NULL;
	uint32_t maxm = 0, nn = 0;
	int rc;

	*out = NULL;
	if ((rc = freeze(D, D->keep, &fz)))
		return rc;
	for (uint32_t l = 0; l < D->n_layers; l++)
		maxm = D->layer[l].m > maxm ? D->layer[l].m : maxm;
	src = malloc(maxm * sizeof(uint32_t));
	rb = malloc(maxm);
	tabs = malloc(maxm * sizeof(*tabs));
	pool = malloc(((size_t)maxm << NT_DENSE_MAX_BITS) * sizeof(uint16_t));
	if (!src || !rb || !tabs || !pool) {
		rc = nt_fail(NLUT_ERROR_NO_MEM, "compile");
		goto out;
	}
	if ((rc = nlut_model_new(t->n_in, t->quant, &m)))
		goto fail;
	for (uint32_t l = 0; l < D->n_layers; l++) {
		const struct dn_layer *Y = &D->layer[l];

		if ((rc = nlut_model_add_layer(m, Y->n)) < 0)
			goto fail;
		for (uint32_t j = 0; j < Y->n; j++, nn++) {
			uint32_t ne = 0;
			unsigned sb = 1;
			size_t used = 0;

			for (uint32_t i = 0; i < Y->m; i++) {
				size_t e = (size_t)j * Y->m + i, so = slot_of(Y, j, i);
				uint32_t r = fz.r[Y->e_off + e];

				if (!r)
					continue;
				src[ne] = i;
				rb[ne] = (uint8_t)r;
				tabs[ne] = pool + used;
				for (uint32_t v = 0; v < 1u << r; v++) {
					int32_t x = fz.t[so + ((size_t)v << (Y->B - r))];
					unsigned wd = width_of(x);

					sb = wd > sb ? wd : sb;
					pool[used + v] = (uint16_t)x; /* masked below */
				}
				used += 1u << r;
				ne++;
			}
			if (!ne) {
				src[0] = 0;
				rb[0] = 1;
				tabs[0] = pool;
				pool[0] = pool[1] = 0;
				ne = 1;
			}
			for (size_t k = 0; k < (used ? used : 2); k++)
				pool[k] &= (uint16_t)((1u << sb) - 1u);
			if ((rc = nlut_model_set_neuron_dense(m, l, j, ne, src, rb, (uint8_t)Y->ob,
							      (uint8_t)sb, (const uint16_t *const *)tabs,
							      fz.bias[nn],
							      (uint8_t)(D->F - (Y->ob - 1)))))
				goto fail;
		}
	}
	{
		uint64_t edges;
		char buf[64];
		double est = nt_dense_lut_estimate(t, &edges);

		snprintf(buf, sizeof(buf), "%.0f", est);
		if ((rc = nlut_model_set_meta(m, "train.lut_estimate", buf)))
			goto fail;
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)edges);
		if ((rc = nlut_model_set_meta(m, "train.edges", buf)))
			goto fail;
	}
	if ((rc = nt_compile_meta(t, m)))
		goto out;
	if ((rc = nlut_model_validate(m)))
		goto fail;
	*out = m;
	m = NULL;
	goto out;
fail:
	rc = nt_pass(rc < 0 ? rc : NLUT_ERROR_INCONSISTENT, "compiled model");
out:
	nlut_model_free(m);
	frozen_free(&fz);
	free(src);
	free(rb);
	free(tabs);
	free(pool);
	return rc;
}

double nt_dense_lut_estimate(const nlut_trainer *t, uint64_t *edges)
{
	const struct nt_dense *D = t->dense;
	uint64_t bits = 0, live = 0;

	for (uint32_t l = 0; l < D->n_layers; l++) {
		const struct dn_layer *Y = &D->layer[l];

		for (size_t e = 0; e < (size_t)Y->n * Y->m; e++) {
			uint32_t r = read_bits(D->keep[Y->beta + e], Y->B);

			bits += r;
			live += r > 0;
		}
	}
	if (edges)
		*edges = live;
	return (double)bits * NT_DENSE_LUTS_PER_BIT;
}

uint64_t nt_dense_table_entries(const nlut_trainer *t)
{
	return t->dense->n_slots;
}

uint64_t nt_dense_num_params(const nlut_trainer *t)
{
	return t->dense->n_params;
}
