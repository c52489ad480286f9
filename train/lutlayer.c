/* lutlayer.c - binary LUT layers as in DWN: thermometer bits of the feature
 * codes, neurons of up to 8 one-bit inputs whose 2^f table entries are
 * learned (forward: the addressed entry's sign; backward: straight through
 * to that entry, Extended Finite Difference to the inputs), class scores
 * as popcount group sums, softmax cross-entropy at temperature tau. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <nlut/golden.h>

#include "lutlayer.h"
#include "loop.h"
#include "lutmap.h"

#define EVAL_CHUNK 256u

struct lut_layer {
	uint32_t n, f, n_prev;
	uint32_t *src;  /* [n][f]: layer 0: thermometer bit i*T + t; else a neuron */
	uint32_t *ksrc; /* the kept network's mapping (rewiring changes src) */
	size_t p_off;   /* first entry in w: neuron j's table at p_off + (j << f) */
	/* learn_map: row r of neuron j picks cand[j C + argmax_c mw[m_off +
	 * (j rows + r) C + c]] over its cn[j] candidates; C = 0: a fixed
	 * mapping. A row is one input (per = 1), or with lut_input = code one
	 * whole feature, inputs r per .. r per + per - 1 (per = in_bits). */
	uint32_t C, rows, per;
	uint32_t *cand, *cn;
	size_t m_off;
};

/* Per-worker scratch of a ghost batch of g samples. */
struct lut_ws {
	uint8_t *x0;                     /* [n_bits][g] thermometer bits */
	uint16_t *qs;                    /* augment_shift: one shifted image's codes */
	uint8_t *y[NLUT_MAX_LAYERS];     /* [n][g] outputs */
	uint8_t *addr[NLUT_MAX_LAYERS];  /* [n][g] table addresses */
	float *dy[NLUT_MAX_LAYERS];      /* [n][g] dL/d output */
	float *dlogit;                   /* [classes][g] */
	uint32_t *hist;                  /* rewire: addresses seen, [n_params] */
	uint8_t *xb;                     /* learn_map: a layer's input bits, 8 samples a byte, [n_prev][g/8] */
	float *tab;                      /* learn_map: sums of gradients over 8 samples, [g/8][256][8] */
	float *gk;                       /* learn_map: dL/d input of one neuron, [f][g] */
	float *gk2;                      /* learn_map, code: one bit of every row, [rows][g] */
	uint32_t *cand2;                 /* learn_map, code: that bit of every candidate, [C] */
};

struct nt_lut {
	uint32_t T, n_bits;
	int code;                        /* lut_input = code: bit s is bit s % T of code s / T */
	uint16_t th[NT_LUT_MAX_THRESH];  /* thresholds on the codes, increasing */
	uint32_t n_layers, n_neurons, classes, group;
	struct lut_layer layer[NLUT_MAX_LAYERS];
	size_t n_params;
	float *w;        /* table entries, real, kept in [-1, 1] */
	uint8_t *keep;   /* kept network: entry > 0, [n_params] */
	uint8_t *decay;  /* no weight decay on table entries */
	float *efd;      /* [n_params][f]: input gradients per address */
	float *grads;    /* [n_ghost][n_params] */
	double *g_loss;
	uint32_t *g_correct;
	float tau;
	/* lut_blocks: K members, each trained on its own group sums (G / K of
	 * each class's neurons) at temperature tau_m; K = 1: one network. */
	uint32_t blocks;
	float tau_m;
	/* EFD weights by fan-in f: wm[f][a][m] = 1 / (H(a, m) + 1) over the
	 * 2^(f-1) addresses of the other inputs. */
	float *wm[NT_LUT_MAX_FAN_IN + 1];
	uint8_t *varies;  /* [n_bits]: the bit varies over the training rows */
	uint32_t rewired; /* inputs rewired so far */
	/* learn_map: mapping weights of every learned layer, their gradients
	 * per ghost batch and optimiser; centre[j]: layer-0 neuron j's pixel. */
	size_t n_mw;
	int map_frozen;   /* map_epochs reached: no layer learns its mapping any more */
	float *mw, *mgrads;
	struct nt_adam madam;
	uint32_t *centre;
	struct lut_ws *ws;
	unsigned n_ws;
	uint32_t g;
};

static void ws_free(struct lut_ws *w, uint32_t layers)
{
	free(w->x0);
	free(w->qs);
	for (uint32_t l = 0; l < layers; l++) {
		free(w->y[l]);
		free(w->addr[l]);
		free(w->dy[l]);
	}
	free(w->dlogit);
	free(w->hist);
	free(w->xb);
	free(w->tab);
	free(w->gk);
	free(w->gk2);
	free(w->cand2);
}

void nt_lut_free(struct nt_lut *L)
{
	if (!L)
		return;
	for (uint32_t l = 0; l < L->n_layers; l++) {
		free(L->layer[l].src);
		free(L->layer[l].ksrc);
		free(L->layer[l].cand);
		free(L->layer[l].cn);
	}
	free(L->mw);
	free(L->mgrads);
	free(L->centre);
	nt_adam_free(&L->madam);
	free(L->varies);
	for (unsigned i = 0; L->ws && i < L->n_ws; i++)
		ws_free(&L->ws[i], L->n_layers);
	free(L->ws);
	free(L->w);
	free(L->keep);
	free(L->decay);
	free(L->efd);
	free(L->grads);
	free(L->g_loss);
	free(L->g_correct);
	for (uint32_t f = 0; f <= NT_LUT_MAX_FAN_IN; f++)
		free(L->wm[f]);
	free(L);
}

/* Input bit s of a code row: thermometer bit (feature s / T, threshold
 * s % T), or with lut_input = code bit s % T of feature s / T's code. */
static inline uint8_t therm(const struct nt_lut *L, const uint16_t *q, uint32_t s)
{
	if (L->code)
		return (uint8_t)(q[s / L->T] >> (s % L->T) & 1u);
	return q[s / L->T] >= L->th[s % L->T];
}

/* ---- input mapping ---- */

/* f distinct values of cand[0..nc) dealt from a deck reshuffled when used
 * up, so every candidate is read about equally often. */
static void deal(struct nt_rng *r, uint32_t *deck, uint32_t nc, uint32_t *pos, uint32_t f,
		 uint32_t *out)
{
	for (uint32_t k = 0; k < f; k++) {
		for (;;) {
			if (*pos == nc) {
				nt_rng_shuffle(r, deck, nc);
				*pos = 0;
			}
			uint32_t s = deck[(*pos)++], dup = 0;

			for (uint32_t i = 0; i < k; i++)
				dup |= out[i] == s;
			if (!dup) {
				out[k] = s;
				break;
			}
		}
	}
}

/* Bits that vary over the training rows (a constant bit carries nothing);
 * all bits when fewer than f vary. */
static uint32_t varying_bits(const nlut_trainer *t, const struct nt_lut *L, uint32_t f,
			     uint32_t *cand)
{
	uint16_t *lo = malloc(t->n_in * sizeof(uint16_t)), *hi = malloc(t->n_in * sizeof(uint16_t));
	uint32_t nc = 0;

	if (!lo || !hi) {
		free(lo);
		free(hi);
		return 0;
	}
	for (uint32_t i = 0; i < t->n_in; i++) {
		lo[i] = UINT16_MAX;
		hi[i] = 0;
	}
	for (uint32_t r = 0; r < t->n_train; r++) {
		const uint16_t *q = t->codes + (size_t)t->train_idx[r] * t->n_in;

		for (uint32_t i = 0; i < t->n_in; i++) {
			lo[i] = q[i] < lo[i] ? q[i] : lo[i];
			hi[i] = q[i] > hi[i] ? q[i] : hi[i];
		}
	}
	for (uint32_t s = 0; s < L->n_bits; s++) {
		uint32_t i = s / L->T, th = L->th[s % L->T];

		if (lo[i] < th && th <= hi[i])
			cand[nc++] = s;
	}
	if (nc < f)
		for (nc = 0; nc < L->n_bits; nc++)
			cand[nc] = nc;
	free(lo);
	free(hi);
	return nc;
}

/* The varying bits of the pixels in a win x win window around pixel c
 * (the window grows until it holds at least f; every bit once it covers
 * the image), in pixel and threshold order; returns how many. */
static uint32_t window_bits(const nlut_trainer *t, const struct nt_lut *L, const uint8_t *varies,
			    uint32_t c, uint32_t win, uint32_t f, uint32_t *cand)
{
	uint32_t iw = t->c.image_w / t->c.pool, ih = t->c.image_h / t->c.pool;
	uint32_t cx = c % iw, cy = c / iw, nc = 0;

	for (uint32_t w = win; nc < f; w += 2) {
		int32_t h0 = -(int32_t)(w / 2), h1 = h0 + (int32_t)w;

		nc = 0;
		for (int32_t dy = h0; dy < h1; dy++)
			for (int32_t dx = h0; dx < h1; dx++) {
				int32_t x = (int32_t)cx + dx, y = (int32_t)cy + dy;

				if (x < 0 || y < 0 || x >= (int32_t)iw || y >= (int32_t)ih)
					continue;
				for (uint32_t k = 0; k < L->T; k++) {
					uint32_t s = ((uint32_t)y * iw + (uint32_t)x) * L->T + k;

					if (varies[s] || w > iw + ih)
						cand[nc++] = s;
				}
			}
	}
	return nc;
}

/* Layer 0, local: neuron j reads f distinct varying bits of the pixels in a
 * win x win window around a random pixel that has a varying bit (the window
 * grows until it holds f). */
static int map_local(const nlut_trainer *t, struct nt_lut *L, struct nt_rng *r,
		     const uint8_t *varies, uint32_t *cand)
{
	struct lut_layer *Y = &L->layer[0];
	uint32_t win = t->c.window ? t->c.window : (uint32_t)ceil(sqrt(2.0 * Y->f));
	uint32_t *centres = malloc(t->n_in * sizeof(uint32_t)), nce = 0;

	if (!centres)
		return nt_fail(NLUT_ERROR_NO_MEM, "mapping");
	for (uint32_t i = 0; i < t->n_in; i++) {
		uint32_t any = 0;

		for (uint32_t k = 0; k < L->T; k++)
			any |= varies[i * L->T + k];
		if (any)
			centres[nce++] = i;
	}
	if (!nce)
		for (; nce < t->n_in; nce++)
			centres[nce] = nce;
	for (uint32_t j = 0; j < Y->n; j++) {
		uint32_t c = centres[nt_rng_below(r, nce)], nc;

		if (L->centre)
			L->centre[j] = c;
		nc = window_bits(t, L, varies, c, win, Y->f, cand);
		/* f distinct of the nc candidates: a partial shuffle. */
		for (uint32_t k = 0; k < Y->f; k++) {
			uint32_t p = k + nt_rng_below(r, nc - k), tmp = cand[k];

			cand[k] = cand[p];
			cand[p] = tmp;
			Y->src[(size_t)j * Y->f + k] = cand[k];
		}
	}
	free(centres);
	return NLUT_SUCCESS;
}

/*
 * lut_input = code: layer-0 neuron j reads p = f / T whole features, input k
 * being bit k % T of its (k / T)-th feature's code: p distinct features
 * that vary over the training rows, dealt from a deck (random) or drawn
 * from a window x window patch around a random varying pixel (local; the
 * window grows until it holds p). varies[] marks the bits of those features.
 */
static int map_code(const nlut_trainer *t, struct nt_lut *L, struct nt_rng *r, uint8_t *varies)
{
	struct lut_layer *Y = &L->layer[0];
	uint32_t p = Y->f / L->T, n = t->n_in, nv = 0, pos;
	uint32_t iw = t->c.image_w / t->c.pool, ih = t->c.image_h / t->c.pool;
	uint32_t win = t->c.window ? t->c.window : (uint32_t)ceil(sqrt(2.0 * p));
	uint16_t *lo = malloc(n * sizeof(uint16_t)), *hi = malloc(n * sizeof(uint16_t));
	uint32_t *feat = malloc(n * sizeof(uint32_t)), *cand = malloc(n * sizeof(uint32_t));
	uint8_t *var = calloc(n, 1);
	uint32_t pick[NT_LUT_MAX_FAN_IN];

	if (!lo || !hi || !feat || !cand || !var) {
		free(lo);
		free(hi);
		free(feat);
		free(cand);
		free(var);
		return nt_fail(NLUT_ERROR_NO_MEM, "mapping");
	}
	for (uint32_t i = 0; i < n; i++) {
		lo[i] = UINT16_MAX;
		hi[i] = 0;
	}
	for (uint32_t row = 0; row < t->n_train; row++) {
		const uint16_t *q = t->codes + (size_t)t->train_idx[row] * n;

		for (uint32_t i = 0; i < n; i++) {
			lo[i] = q[i] < lo[i] ? q[i] : lo[i];
			hi[i] = q[i] > hi[i] ? q[i] : hi[i];
		}
	}
	for (uint32_t i = 0; i < n; i++)
		if (lo[i] < hi[i]) {
			var[i] = 1;
			feat[nv++] = i;
		}
	if (nv < p) { /* too few vary: every feature is a candidate */
		for (nv = 0; nv < n; nv++) {
			var[nv] = 1;
			feat[nv] = nv;
		}
	}
	pos = nv;
	for (uint32_t j = 0; j < Y->n; j++) {
		if (t->c.conn != NLUT_CONN_LOCAL) {
			deal(r, feat, nv, &pos, p, pick);
		} else {
			uint32_t c = feat[nt_rng_below(r, nv)], cx = c % iw, cy = c / iw, nc = 0;

			if (L->centre)
				L->centre[j] = c;

			for (uint32_t w = win; nc < p; w += 2) {
				int32_t h0 = -(int32_t)(w / 2), h1 = h0 + (int32_t)w;

				nc = 0;
				for (int32_t dy = h0; dy < h1; dy++)
					for (int32_t dx = h0; dx < h1; dx++) {
						int32_t x = (int32_t)cx + dx, y = (int32_t)cy + dy;
						uint32_t i = (uint32_t)y * iw + (uint32_t)x;

						if (x < 0 || y < 0 || x >= (int32_t)iw || y >= (int32_t)ih)
							continue;
						if (var[i] || w > iw + ih)
							cand[nc++] = i;
					}
			}
			for (uint32_t k = 0; k < p; k++) {
				uint32_t q = k + nt_rng_below(r, nc - k), tmp = cand[k];

				cand[k] = cand[q];
				cand[q] = tmp;
				pick[k] = cand[k];
			}
		}
		for (uint32_t k = 0; k < Y->f; k++)
			Y->src[(size_t)j * Y->f + k] = pick[k / L->T] * L->T + k % L->T;
	}
	for (uint32_t s = 0; s < L->n_bits; s++)
		varies[s] = var[s / L->T];
	free(lo);
	free(hi);
	free(feat);
	free(cand);
	free(var);
	return NLUT_SUCCESS;
}

/* lut_blocks: the member neuron j of layer l belongs to: contiguous blocks
 * of a hidden layer, and in the last layer the m-th K-th of every class's
 * group (so each member has G / K neurons of every class). */
static uint32_t block_of(const struct nt_lut *L, uint32_t l, uint32_t j)
{
	if (l + 1 == L->n_layers)
		return (j % L->group) / (L->group / L->blocks);
	return (uint32_t)((uint64_t)j * L->blocks / L->layer[l].n);
}

static int map_inputs(const nlut_trainer *t, struct nt_lut *L)
{
	struct nt_rng r;
	uint32_t nmax = L->n_bits;
	int rc = NLUT_SUCCESS;

	for (uint32_t l = 1; l < L->n_layers; l++)
		nmax = L->layer[l - 1].n > nmax ? L->layer[l - 1].n : nmax;
	uint32_t *cand = malloc(nmax * sizeof(uint32_t));
	uint8_t *varies = calloc(L->n_bits, 1);

	if (!cand || !varies) {
		free(cand);
		free(varies);
		return nt_fail(NLUT_ERROR_NO_MEM, "mapping");
	}
	nt_rng_seed(&r, t->c.seed, 11);
	for (uint32_t l = 0; l < L->n_layers && !rc; l++) {
		struct lut_layer *Y = &L->layer[l];
		uint32_t nc, pos;

		if (l == 0 && L->code) {
			rc = map_code(t, L, &r, varies);
			continue;
		}
		if (l == 0) {
			nc = varying_bits(t, L, Y->f, cand);
			if (!nc) {
				rc = nt_fail(NLUT_ERROR_NO_MEM, "mapping");
				break;
			}
			for (uint32_t k = 0; k < nc; k++)
				varies[cand[k]] = 1;
			if (t->c.conn == NLUT_CONN_LOCAL) {
				rc = map_local(t, L, &r, varies, cand);
				continue;
			}
		} else {
			/* lut_blocks: block m's neurons read block m's neurons below. */
			for (uint32_t m = 0; m < L->blocks; m++) {
				nc = Y->n_prev / L->blocks;
				for (uint32_t k = 0; k < nc; k++)
					cand[k] = m * nc + k;
				pos = nc;
				for (uint32_t j = 0; j < Y->n; j++)
					if (block_of(L, l, j) == m)
						deal(&r, cand, nc, &pos, Y->f, Y->src + (size_t)j * Y->f);
			}
			continue;
		}
		pos = nc;
		for (uint32_t j = 0; j < Y->n; j++)
			deal(&r, cand, nc, &pos, Y->f, Y->src + (size_t)j * Y->f);
	}
	free(cand);
	L->varies = varies;
	return rc;
}

/* ---- learned mapping (learn_map) ---- */

/* Neuron j's sources from its weights' argmax (a whole feature per row
 * with lut_input = code). */
static void learn_pick(const struct nt_lut *L, const struct lut_layer *Y, uint32_t j)
{
	uint32_t pick[NT_LUT_MAX_FAN_IN], *src = Y->src + (size_t)j * Y->f;

	nt_lmap_argmax(L->mw + Y->m_off + (size_t)j * Y->rows * Y->C, Y->cand + (size_t)j * Y->C,
		       Y->cn[j], Y->C, Y->rows, pick);
	for (uint32_t k = 0; k < Y->f; k++)
		src[k] = pick[k / Y->per] * Y->per + k % Y->per;
}

/*
 * Candidates and weights of the first learn_map layers: layer 0's are the
 * varying bits (whole varying features with lut_input = code; all of them,
 * or with map_window those of a map_window x map_window patch around the
 * neuron's centre), a later layer's every neuron below. The weights start
 * small and random, the fixed mapping's source of each row ahead by 0.1, so
 * training starts from that mapping.
 */
static int learn_setup(const nlut_trainer *t, struct nt_lut *L)
{
	struct nt_rng r;
	uint32_t nv = 0, per0 = L->code ? L->T : 1, n0 = L->n_bits / per0;
	uint32_t *tmp = malloc(L->n_bits * sizeof(uint32_t));

	if (!tmp)
		return nt_fail(NLUT_ERROR_NO_MEM, "mapping candidates");
	/* Layer 0's candidates: bits, or features (their first bit varies
	 * with the feature, map_code). */
	for (uint32_t s = 0; s < n0; s++)
		nv += L->varies[s * per0];
	if (nv < L->layer[0].f / per0)
		nv = n0; /* as the fixed mapping: too few vary, every one */
	for (uint32_t l = 0; l < t->c.learn_map; l++) {
		struct lut_layer *Y = &L->layer[l];
		int window = l == 0 && t->c.map_window;

		Y->per = l ? 1 : per0;
		Y->rows = Y->f / Y->per;
		Y->C = l ? Y->n_prev : nv;
		/* A window's candidates: the most any neuron has (edges clip). */
		for (uint32_t j = 0; window && j < Y->n; j++) {
			uint32_t nc = window_bits(t, L, L->varies, L->centre[j], t->c.map_window, Y->f,
						  tmp) / Y->per;

			Y->C = j == 0 || nc > Y->C ? nc : Y->C;
		}
		Y->m_off = L->n_mw;
		L->n_mw += (size_t)Y->n * Y->rows * Y->C;
		Y->cand = malloc((size_t)Y->n * Y->C * sizeof(uint32_t));
		Y->cn = malloc((size_t)Y->n * sizeof(uint32_t));
		if (!Y->cand || !Y->cn) {
			free(tmp);
			return nt_fail(NLUT_ERROR_NO_MEM, "mapping candidates");
		}
		for (uint32_t j = 0; j < Y->n; j++) {
			uint32_t *c = Y->cand + (size_t)j * Y->C;

			Y->cn[j] = 0;
			if (window) {
				uint32_t nb = window_bits(t, L, L->varies, L->centre[j], t->c.map_window,
							  Y->f, tmp);

				for (uint32_t i = 0; i < nb; i++)
					if (tmp[i] % Y->per == 0)
						c[Y->cn[j]++] = tmp[i] / Y->per;
			} else if (l == 0) {
				for (uint32_t s = 0; s < n0; s++)
					if (nv == n0 || L->varies[s * per0])
						c[Y->cn[j]++] = s;
			} else {
				for (uint32_t s = 0; s < Y->C; s++)
					c[Y->cn[j]++] = s;
			}
		}
	}
	free(tmp);
	L->mw = malloc(L->n_mw * sizeof(float));
	L->mgrads = malloc((size_t)t->n_ghost * L->n_mw * sizeof(float));
	if (!L->mw || !L->mgrads)
		return nt_fail(NLUT_ERROR_NO_MEM, "mapping weights (%zu)", L->n_mw);
	nt_rng_seed(&r, t->c.seed, 19);
	for (uint32_t l = 0; l < t->c.learn_map; l++) {
		struct lut_layer *Y = &L->layer[l];

		for (uint32_t j = 0; j < Y->n; j++)
			for (uint32_t k = 0; k < Y->rows; k++) {
				float *w = L->mw + Y->m_off + ((size_t)j * Y->rows + k) * Y->C;
				const uint32_t *c = Y->cand + (size_t)j * Y->C;
				uint32_t s0 = Y->src[(size_t)j * Y->f + k * Y->per] / Y->per;

				for (uint32_t i = 0; i < Y->C; i++)
					w[i] = i < Y->cn[j] ? 0.1f * nt_rng_float(&r) +
							       (c[i] == s0 ? 0.1f : 0.0f) : -INFINITY;
			}
		for (uint32_t j = 0; j < Y->n; j++)
			learn_pick(L, Y, j);
	}
	return nt_adam_init(&L->madam, L->n_mw);
}

/*
 * One step of the mapping weights, NEURONS neurons a task: the ghost
 * batches' gradients summed in ghost order, Adam (as nt_adam_step, no
 * decay), then every learned input reads its largest weight's source.
 */
#define MAP_TASK_NEURONS 32u

struct map_ctx {
	struct nt_lut *L;
	uint32_t n_ghost;
	float lr, c1, c2;
};

static void map_task(void *arg, uint32_t task, unsigned worker)
{
	struct map_ctx *e = arg;
	struct nt_lut *L = e->L;
	struct nt_adam *a = &L->madam;
	uint32_t l = 0, j0 = task * MAP_TASK_NEURONS;
	float b1 = (float)a->beta1, b2 = (float)a->beta2, eps = (float)a->eps;

	(void)worker;
	while (j0 >= (L->layer[l].n + MAP_TASK_NEURONS - 1) / MAP_TASK_NEURONS * MAP_TASK_NEURONS) {
		j0 -= (L->layer[l].n + MAP_TASK_NEURONS - 1) / MAP_TASK_NEURONS * MAP_TASK_NEURONS;
		l++;
	}
	struct lut_layer *Y = &L->layer[l];
	uint32_t j1 = j0 + MAP_TASK_NEURONS < Y->n ? j0 + MAP_TASK_NEURONS : Y->n;
	size_t from = Y->m_off + (size_t)j0 * Y->rows * Y->C;
	size_t to = Y->m_off + (size_t)j1 * Y->rows * Y->C;

	for (uint32_t gi = 1; gi < e->n_ghost; gi++) {
		const float *gs = L->mgrads + (size_t)gi * L->n_mw;

		for (size_t i = from; i < to; i++)
			L->mgrads[i] += gs[i];
	}
	for (size_t i = from; i < to; i++) {
		float g = L->mgrads[i];

		a->m[i] = b1 * a->m[i] + (1.0f - b1) * g;
		a->v[i] = b2 * a->v[i] + (1.0f - b2) * g * g;
		L->mw[i] -= e->lr * (a->m[i] * e->c1) / (sqrtf(a->v[i] * e->c2) + eps);
	}
	for (uint32_t j = j0; j < j1; j++)
		learn_pick(L, Y, j);
}

static void map_step(nlut_trainer *t, double lr)
{
	struct nt_lut *L = t->lut;
	struct nt_adam *a = &L->madam;
	struct map_ctx e = { L, t->n_ghost, (float)lr, 0.0f, 0.0f };
	uint32_t n_tasks = 0;

	a->t++;
	e.c1 = (float)(1.0 / (1.0 - pow(a->beta1, (double)a->t)));
	e.c2 = (float)(1.0 / (1.0 - pow(a->beta2, (double)a->t)));
	for (uint32_t l = 0; l < L->n_layers && L->layer[l].C; l++)
		n_tasks += (L->layer[l].n + MAP_TASK_NEURONS - 1) / MAP_TASK_NEURONS;
	nt_pool_run(&t->pool, map_task, &e, n_tasks);
}

/*
 * map_epochs: the mapping stops learning. Every learned input keeps the
 * source its weights chose last (already in src); with C = 0 the layer
 * trains as a fixed mapping from here on, at its cost.
 */
static void map_freeze(struct nt_lut *L)
{
	for (uint32_t l = 0; l < L->n_layers; l++)
		L->layer[l].C = 0;
	L->map_frozen = 1;
}

/* ---- setup ---- */

static int efd_weights(struct nt_lut *L, uint32_t f);

int nt_lut_setup(nlut_trainer *t)
{
	const struct nlut_train_config *c = &t->c;
	struct nt_lut *L = calloc(1, sizeof(*L));
	uint32_t levels = (1u << c->in_bits) - 1u;
	struct nt_rng r;
	int rc;

	if (!L)
		return nt_fail(NLUT_ERROR_NO_MEM, "LUT network");
	t->lut = L;
	L->code = c->lut_code;
	L->T = L->code ? c->in_bits : c->thermometer;
	if (!L->code && L->T > levels)
		return nt_fail(NLUT_ERROR_INVALID_PARAM,
			       "thermometer: %u thresholds on %u-bit codes (at most %u)", L->T,
			       c->in_bits, levels);
	/* Thresholds spread evenly over the codes: th_k = round(k 2^b / (T+1)). */
	for (uint32_t k = 0; k < L->T && !L->code; k++) {
		uint32_t th = (uint32_t)floor((double)(k + 1) * (levels + 1) / (L->T + 1) + 0.5);

		if (th < 1)
			th = 1;
		if (k && th <= L->th[k - 1])
			th = L->th[k - 1] + 1u;
		L->th[k] = (uint16_t)th;
	}
	L->n_bits = t->n_in * L->T;
	L->n_layers = c->n_layers;
	L->classes = t->n_classes;
	if (c->width[c->n_layers - 1] % t->n_classes)
		return nt_fail(NLUT_ERROR_INVALID_PARAM,
			       "layers: the last layer's %u neurons do not split into %u classes",
			       c->width[c->n_layers - 1], t->n_classes);
	L->group = c->width[c->n_layers - 1] / t->n_classes;
	if (L->group > 65535u)
		return nt_fail(NLUT_ERROR_INVALID_PARAM, "layers: %u neurons per class exceed 65535",
			       L->group);
	L->tau = c->tau > 0 ? (float)c->tau : sqrtf((float)L->group);
	L->blocks = c->lut_blocks > 1 ? c->lut_blocks : 1;
	L->tau_m = L->blocks > 1 ? L->tau / sqrtf((float)L->blocks) : L->tau;
	if (L->group % L->blocks)
		return nt_fail(NLUT_ERROR_INVALID_PARAM,
			       "lut_blocks: %u neurons per class do not split into %u members",
			       L->group, L->blocks);
	for (uint32_t l = 0; l + 1 < c->n_layers && L->blocks > 1; l++)
		if (c->width[l] % L->blocks || c->width[l] / L->blocks < nt_fan_in(c, l + 1))
			return nt_fail(NLUT_ERROR_INVALID_PARAM,
				       "lut_blocks: layer %u's %u neurons do not split into %u members of at least fan_in = %u",
				       l, c->width[l], L->blocks, nt_fan_in(c, l + 1));
	for (uint32_t l = 0; l < L->n_layers; l++) {
		struct lut_layer *Y = &L->layer[l];

		Y->n = c->width[l];
		Y->f = nt_fan_in(c, l);
		Y->n_prev = l ? c->width[l - 1] : L->n_bits;
		if (Y->f > Y->n_prev)
			return nt_fail(NLUT_ERROR_INVALID_PARAM, "fan_in: layer %u reads %u of %u %s", l,
				       Y->f, Y->n_prev, l ? "neurons" : "thermometer bits");
		if ((rc = efd_weights(L, Y->f)))
			return rc;
		Y->p_off = L->n_params;
		L->n_params += (size_t)Y->n << Y->f;
		L->n_neurons += Y->n;
		Y->src = malloc((size_t)Y->n * Y->f * sizeof(uint32_t));
		Y->ksrc = malloc((size_t)Y->n * Y->f * sizeof(uint32_t));
		if (!Y->src || !Y->ksrc)
			return nt_fail(NLUT_ERROR_NO_MEM, "mapping");
	}
	if (c->learn_map && c->map_window && !(L->centre = malloc(c->width[0] * sizeof(uint32_t))))
		return nt_fail(NLUT_ERROR_NO_MEM, "mapping");
	if ((rc = map_inputs(t, L)))
		return rc;
	if (c->learn_map && (rc = learn_setup(t, L)))
		return rc;
	if (c->map_epochs && t->epochs_done >= c->map_epochs)
		map_freeze(L);
	for (uint32_t l = 0; l < L->n_layers; l++)
		memcpy(L->layer[l].ksrc, L->layer[l].src, (size_t)L->layer[l].n * L->layer[l].f * sizeof(uint32_t));
	L->w = malloc(L->n_params * sizeof(float));
	L->keep = malloc(L->n_params);
	L->decay = calloc(L->n_params, 1);
	L->efd = calloc(L->n_params * NT_LUT_MAX_FAN_IN, sizeof(float));
	L->grads = malloc((size_t)t->n_ghost * L->n_params * sizeof(float));
	L->g_loss = calloc(t->n_ghost, sizeof(double));
	L->g_correct = calloc(t->n_ghost, sizeof(uint32_t));
	if (!L->w || !L->keep || !L->decay || !L->efd || !L->grads || !L->g_loss || !L->g_correct)
		return nt_fail(NLUT_ERROR_NO_MEM, "LUT tables (%zu entries)", L->n_params);
	nt_rng_seed(&r, c->seed, 13);
	for (size_t i = 0; i < L->n_params; i++)
		L->w[i] = 2.0f * nt_rng_float(&r) - 1.0f;
	for (size_t i = 0; i < L->n_params; i++)
		L->keep[i] = L->w[i] > 0.0f;
	if ((rc = nt_adam_init(&t->adam, L->n_params)))
		return rc;
	L->g = t->ghost;
	L->n_ws = t->pool_threads;
	L->ws = calloc(L->n_ws, sizeof(*L->ws));
	if (!L->ws)
		return nt_fail(NLUT_ERROR_NO_MEM, "scratch");
	for (unsigned i = 0; i < L->n_ws; i++) {
		struct lut_ws *w = &L->ws[i];

		w->x0 = malloc((size_t)L->n_bits * L->g);
		if ((c->augment_shift || c->augment_flip) && !(w->qs = malloc(t->n_in * sizeof(uint16_t))))
			return nt_fail(NLUT_ERROR_NO_MEM, "scratch");
		w->dlogit = malloc((size_t)L->blocks * L->classes * L->g * sizeof(float));
		w->hist = c->rewire ? calloc(L->n_params, sizeof(uint32_t)) : NULL;
		if (!w->x0 || !w->dlogit || (c->rewire && !w->hist))
			return nt_fail(NLUT_ERROR_NO_MEM, "scratch");
		if (c->learn_map) {
			size_t np = 0, nch = (L->g + 7) / 8;

			for (uint32_t l = 0; l < c->learn_map; l++)
				np = L->layer[l].n_prev > np ? L->layer[l].n_prev : np;
			w->xb = malloc(np * nch);
			w->tab = calloc((size_t)NT_LMAP_K * nch * 256, sizeof(float));
			w->gk = malloc((size_t)NT_LUT_MAX_FAN_IN * L->g * sizeof(float));
			w->gk2 = malloc((size_t)NT_LUT_MAX_FAN_IN * L->g * sizeof(float));
			w->cand2 = malloc((L->layer[0].C ? L->layer[0].C : 1) * sizeof(uint32_t));
			if (!w->xb || !w->tab || !w->gk || !w->gk2 || !w->cand2)
				return nt_fail(NLUT_ERROR_NO_MEM, "scratch");
		}
		for (uint32_t l = 0; l < L->n_layers; l++) {
			size_t n = (size_t)L->layer[l].n * L->g;

			w->y[l] = malloc(n);
			w->addr[l] = malloc(n);
			w->dy[l] = malloc(n * sizeof(float));
			if (!w->y[l] || !w->addr[l] || !w->dy[l])
				return nt_fail(NLUT_ERROR_NO_MEM, "scratch");
		}
	}
	return NLUT_SUCCESS;
}

/* ---- Extended Finite Difference ---- */

/*
 * dy/dx_k at address a = sum over the 2^(f-1) addresses m of the other
 * inputs of (A(m, x_k = 1) - A(m, x_k = 0)) / (H(m, a without k) + 1), with A
 * the entries clamped to [-1, 1] and H the Hamming distance (DWN's EFD:
 * every entry contributes, the nearer ones more).
 */
struct efd_ctx {
	struct nt_lut *L;
	uint32_t *task_layer, *task_first, per;
};

static int efd_weights(struct nt_lut *L, uint32_t f)
{
	uint32_t half = 1u << (f - 1);

	if (L->wm[f])
		return NLUT_SUCCESS;
	L->wm[f] = malloc((size_t)half * half * sizeof(float));
	if (!L->wm[f])
		return nt_fail(NLUT_ERROR_NO_MEM, "EFD weights");
	for (uint32_t a = 0; a < half; a++)
		for (uint32_t m = 0; m < half; m++)
			L->wm[f][a * half + m] = 1.0f / (float)(__builtin_popcount(a ^ m) + 1);
	return NLUT_SUCCESS;
}

static void efd_neuron(struct nt_lut *L, const struct lut_layer *Y, uint32_t j)
{
	uint32_t f = Y->f, half = 1u << (f - 1);
	const float *w = L->w + Y->p_off + ((size_t)j << f);
	const float *wm = L->wm[f];
	float *out = L->efd + (Y->p_off + ((size_t)j << f)) * NT_LUT_MAX_FAN_IN;
	float diff[1u << (NT_LUT_MAX_FAN_IN - 1)];
	float g[1u << (NT_LUT_MAX_FAN_IN - 1)];

	for (uint32_t k = 0; k < f; k++) {
		uint32_t lo = (1u << k) - 1u;

		/* m: the other f-1 bits, bit k squeezed out. */
		for (uint32_t m = 0; m < half; m++) {
			uint32_t a0 = (m & lo) | (m & ~lo) << 1, a1 = a0 | 1u << k;
			float v0 = w[a0] < -1.0f ? -1.0f : w[a0] > 1.0f ? 1.0f : w[a0];
			float v1 = w[a1] < -1.0f ? -1.0f : w[a1] > 1.0f ? 1.0f : w[a1];

			diff[m] = v1 - v0;
		}
		for (uint32_t a = 0; a < half; a++) {
			const float *row = wm + (size_t)a * half;
			float s = 0.0f;

			for (uint32_t m = 0; m < half; m++)
				s += diff[m] * row[m];
			g[a] = s;
		}
		for (uint32_t a = 0; a < (1u << f); a++) {
			uint32_t m = (a & lo) | (a >> 1 & ~lo);

			out[(size_t)a * NT_LUT_MAX_FAN_IN + k] = g[m];
		}
	}
}

static void efd_task(void *arg, uint32_t task, unsigned worker)
{
	struct efd_ctx *e = arg;
	const struct lut_layer *Y = &e->L->layer[e->task_layer[task]];
	uint32_t j0 = e->task_first[task], j1 = j0 + e->per < Y->n ? j0 + e->per : Y->n;

	(void)worker;
	for (uint32_t j = j0; j < j1; j++)
		efd_neuron(e->L, Y, j);
}

/* ---- one training step ---- */

struct step_ctx {
	nlut_trainer *t;
	const uint32_t *rows;
	float scale; /* 1 / batch */
};

static void forward_ghost(const struct nt_lut *L, struct lut_ws *w, uint32_t g)
{
	for (uint32_t l = 0; l < L->n_layers; l++) {
		const struct lut_layer *Y = &L->layer[l];
		const uint8_t *in = l ? w->y[l - 1] : w->x0;

		for (uint32_t j = 0; j < Y->n; j++) {
			const uint32_t *src = Y->src + (size_t)j * Y->f;
			const float *tab = L->w + Y->p_off + ((size_t)j << Y->f);
			uint8_t *ad = w->addr[l] + (size_t)j * g, *y = w->y[l] + (size_t)j * g;

			memset(ad, 0, g);
			for (uint32_t k = 0; k < Y->f; k++) {
				const uint8_t *x = in + (size_t)src[k] * g;

				for (uint32_t b = 0; b < g; b++)
					ad[b] |= (uint8_t)(x[b] << k);
			}
			for (uint32_t b = 0; b < g; b++)
				y[b] = tab[ad[b]] > 0.0f;
		}
	}
}

static void ghost_task(void *arg, uint32_t gi, unsigned worker)
{
	struct step_ctx *s = arg;
	nlut_trainer *t = s->t;
	struct nt_lut *L = t->lut;
	struct lut_ws *w = &L->ws[worker];
	uint32_t g = t->ghost, C = L->classes, G = L->group, last = L->n_layers - 1;
	const uint32_t *rows = s->rows + (size_t)gi * g;
	float *grad = L->grads + (size_t)gi * L->n_params;
	double loss = 0.0;
	uint32_t correct = 0;

	for (uint32_t b = 0; b < g; b++) {
		const uint16_t *q = t->codes + (size_t)rows[b] * t->n_in;

		if (w->qs) {
			nt_shift_codes(t, q, (uint64_t)gi * g + b, w->qs);
			q = w->qs;
		}
		for (uint32_t s2 = 0; s2 < L->n_bits; s2++)
			w->x0[(size_t)s2 * g + b] = therm(L, q, s2);
	}
	forward_ghost(L, w, g);
	if (w->hist)
		for (uint32_t l = 0; l < L->n_layers; l++) {
			const struct lut_layer *Y = &L->layer[l];

			for (uint32_t j = 0; j < Y->n; j++) {
				uint32_t *h = w->hist + Y->p_off + ((size_t)j << Y->f);
				const uint8_t *ad = w->addr[l] + (size_t)j * g;

				for (uint32_t b = 0; b < g; b++)
					h[ad[b]]++;
			}
		}

	/* Group sums, softmax cross-entropy at temperature tau; with lut_blocks
	 * one per member, over its own G / K neurons of each class at tau_m
	 * (the decision is the whole group's sum, as the model decides). */
	uint32_t K = L->blocks, GK = G / K;

	for (uint32_t b = 0; b < g; b++) {
		uint32_t best = 0, best_s = 0, label = (uint32_t)t->labels[rows[b]];

		/* Each member's sums (its logits), and the whole group's. */
		for (uint32_t c = 0; c < C; c++) {
			uint32_t sum = 0;

			for (uint32_t m = 0; m < K; m++) {
				uint32_t ms = 0;

				for (uint32_t k = m * GK; k < (m + 1) * GK; k++)
					ms += w->y[last][(size_t)(c * G + k) * g + b];
				w->dlogit[((size_t)m * C + c) * g + b] = (float)ms / L->tau_m;
				sum += ms;
			}
			if (c == 0 || sum > best_s) { /* ties to the lowest class */
				best = c;
				best_s = sum;
			}
		}
		correct += best == label;
		for (uint32_t m = 0; m < K; m++) {
			float *dl = w->dlogit + (size_t)m * C * g, mx = -INFINITY, z = 0.0f;

			for (uint32_t c = 0; c < C; c++)
				mx = dl[(size_t)c * g + b] > mx ? dl[(size_t)c * g + b] : mx;
			for (uint32_t c = 0; c < C; c++) {
				float e = expf(dl[(size_t)c * g + b] - mx);

				dl[(size_t)c * g + b] = e;
				z += e;
			}
			loss -= log((double)dl[(size_t)label * g + b] / z) / K;
			for (uint32_t c = 0; c < C; c++) {
				float p = dl[(size_t)c * g + b] / z;

				dl[(size_t)c * g + b] = (p - (c == label)) * s->scale / L->tau_m;
			}
		}
	}
	for (uint32_t c = 0; c < C; c++)
		for (uint32_t k = 0; k < G; k++)
			memcpy(w->dy[last] + (size_t)(c * G + k) * g,
			       w->dlogit + ((size_t)(k / GK) * C + c) * g, g * sizeof(float));

	memset(grad, 0, L->n_params * sizeof(float));
	if (L->n_mw && !L->map_frozen)
		memset(L->mgrads + (size_t)gi * L->n_mw, 0, L->n_mw * sizeof(float));
	for (uint32_t l = last + 1; l-- > 0;) {
		const struct lut_layer *Y = &L->layer[l];
		float *dprev = l ? w->dy[l - 1] : NULL;

		if (dprev)
			memset(dprev, 0, (size_t)Y->n_prev * g * sizeof(float));
		if (Y->C) /* the layer's input bits, 8 samples a byte */
			for (uint32_t s2 = 0; s2 < Y->n_prev; s2++) {
				const uint8_t *x = (l ? w->y[l - 1] : w->x0) + (size_t)s2 * g;
				uint8_t *o = w->xb + (size_t)s2 * ((g + 7) / 8);

				memset(o, 0, (g + 7) / 8);
				for (uint32_t b = 0; b < g; b++)
					o[b / 8] |= (uint8_t)(x[b] << (b % 8));
			}
		for (uint32_t j = 0; j < Y->n; j++) {
			const uint32_t *src = Y->src + (size_t)j * Y->f;
			size_t base = Y->p_off + ((size_t)j << Y->f);
			const uint8_t *ad = w->addr[l] + (size_t)j * g;
			const float *dy = w->dy[l] + (size_t)j * g;

			for (uint32_t b = 0; b < g; b++)
				grad[base + ad[b]] += dy[b];
			if (!dprev && !Y->C)
				continue;
			for (uint32_t k = 0; k < Y->f; k++) {
				const float *e = L->efd + base * NT_LUT_MAX_FAN_IN + k;

				if (dprev) {
					float *dx = dprev + (size_t)src[k] * g;

					for (uint32_t b = 0; b < g; b++)
						dx[b] += dy[b] * e[(size_t)ad[b] * NT_LUT_MAX_FAN_IN];
				}
				for (uint32_t b = 0; Y->C && b < g; b++)
					w->gk[(size_t)k * g + b] = dy[b] * e[(size_t)ad[b] * NT_LUT_MAX_FAN_IN];
			}
			/* Straight through the argmax: input k's gradient reaches
			 * the weight of every candidate by that candidate's bit. */
			float *dw = L->mgrads + (size_t)gi * L->n_mw + Y->m_off +
				    (size_t)j * Y->rows * Y->C;

			if (Y->C && Y->per == 1)
				nt_lmap_grad(w->xb, Y->cand + (size_t)j * Y->C, Y->cn[j], Y->f, g, w->gk,
					     w->tab, dw, Y->C);
			/* Whole features: bit t of each row against bit t of each
			 * candidate, summed over t. */
			for (uint32_t tb = 0; Y->C && Y->per > 1 && tb < Y->per; tb++) {
				for (uint32_t k = 0; k < Y->rows; k++)
					memcpy(w->gk2 + (size_t)k * g, w->gk + (size_t)(k * Y->per + tb) * g,
					       g * sizeof(float));
				for (uint32_t c = 0; c < Y->cn[j]; c++)
					w->cand2[c] = Y->cand[(size_t)j * Y->C + c] * Y->per + tb;
				nt_lmap_grad(w->xb, w->cand2, Y->cn[j], Y->rows, g, w->gk2, w->tab, dw,
					     Y->C);
			}
		}
	}
	L->g_loss[gi] = loss;
	L->g_correct[gi] = correct;
}

static void train_step(nlut_trainer *t, const uint32_t *rows, double lr, double *loss,
		       uint32_t *correct)
{
	struct nt_lut *L = t->lut;
	struct step_ctx s = { t, rows, 1.0f / (float)t->batch };
	uint32_t per = 64, n_tasks = 0;
	uint32_t tl[4096], tf[4096];

	/* EFD of every layer that passes gradients back (layer 0's inputs
	 * are thermometer bits: only a learned mapping needs them). */
	for (uint32_t l = L->layer[0].C ? 0 : 1; l < L->n_layers; l++) {
		uint32_t n = L->layer[l].n;

		while ((n + per - 1) / per + n_tasks > 4096)
			per *= 2;
		for (uint32_t j = 0; j < n; j += per) {
			tl[n_tasks] = l;
			tf[n_tasks++] = j;
		}
	}
	if (n_tasks) {
		struct efd_ctx e = { L, tl, tf, per };

		nt_pool_run(&t->pool, efd_task, &e, n_tasks);
	}
	nt_pool_run(&t->pool, ghost_task, &s, t->n_ghost);
	/* Gradients summed in ghost order: independent of the threads. */
	for (uint32_t gi = 1; gi < t->n_ghost; gi++) {
		const float *gs = L->grads + (size_t)gi * L->n_params;

		for (size_t i = 0; i < L->n_params; i++)
			L->grads[i] += gs[i];
	}
	nt_adam_step(&t->adam, L->w, L->grads, L->decay, lr, 0.0);
	for (size_t i = 0; i < L->n_params; i++)
		L->w[i] = L->w[i] < -1.0f ? -1.0f : L->w[i] > 1.0f ? 1.0f : L->w[i];
	if (L->n_mw && !L->map_frozen)
		map_step(t, lr);
	for (uint32_t gi = 0; gi < t->n_ghost; gi++) {
		*loss += L->g_loss[gi];
		*correct += L->g_correct[gi];
	}
	t->step++;
}

/* ---- the exact pass (validation, prediction, the check of the tables) ---- */

/*
 * Scores of one sample of input codes under tables tab (entry bits): the
 * same bits as the training pass computes, since every value in it is a
 * bit; act holds n_neurons bits.
 */
static uint32_t exact_forward(const struct nt_lut *L, const uint8_t *tab, int kept,
			      const uint16_t *q, uint8_t *act, uint16_t *scores)
{
	uint8_t *prev = NULL, *cur = act;

	for (uint32_t l = 0; l < L->n_layers; l++) {
		const struct lut_layer *Y = &L->layer[l];

		for (uint32_t j = 0; j < Y->n; j++) {
			const uint32_t *src = (kept ? Y->ksrc : Y->src) + (size_t)j * Y->f;
			uint32_t a = 0;

			for (uint32_t k = 0; k < Y->f; k++)
				a |= (uint32_t)(l ? prev[src[k]] : therm(L, q, src[k])) << k;
			cur[j] = tab[Y->p_off + ((size_t)j << Y->f) + a];
		}
		prev = cur;
		cur += Y->n;
	}
	uint32_t best = 0, best_s = 0;

	for (uint32_t c = 0; c < L->classes; c++) {
		uint32_t s = 0;

		for (uint32_t k = 0; k < L->group; k++)
			s += prev[c * L->group + k];
		if (scores)
			scores[c] = (uint16_t)s;
		if (c == 0 || s > best_s) {
			best = c;
			best_s = s;
		}
	}
	return best;
}

struct eval_ctx {
	const nlut_trainer *t;
	const uint8_t *tab;
	int kept;              /* the kept mapping, else the current one */
	size_t n;
	const uint32_t *rows;  /* rows of t->codes, or NULL: */
	const uint16_t *codes; /* row-major codes */
	uint16_t *scores;
	uint32_t *cls;
	uint8_t **act;
};

static void eval_task(void *arg, uint32_t task, unsigned worker)
{
	struct eval_ctx *e = arg;
	const nlut_trainer *t = e->t;
	size_t from = (size_t)task * EVAL_CHUNK, to = from + EVAL_CHUNK < e->n ? from + EVAL_CHUNK : e->n;
	uint32_t C = t->lut->classes;

	for (size_t i = from; i < to; i++) {
		const uint16_t *q = e->rows ? t->codes + (size_t)e->rows[i] * t->n_in :
				    e->codes + i * t->n_in;
		uint32_t c = exact_forward(t->lut, e->tab, e->kept, q, e->act[worker],
					   e->scores ? e->scores + i * C : NULL);

		if (e->cls)
			e->cls[i] = c;
	}
}

static int run_eval(nlut_trainer *t, struct eval_ctx *e)
{
	uint8_t *act[256] = { 0 };
	int rc = NLUT_SUCCESS;

	e->t = t;
	e->act = act;
	for (unsigned i = 0; i < t->pool_threads; i++)
		if (!(act[i] = malloc(t->lut->n_neurons)))
			rc = nt_fail(NLUT_ERROR_NO_MEM, "evaluation buffer");
	if (!rc)
		nt_pool_run(&t->pool, eval_task, e, (uint32_t)((e->n + EVAL_CHUNK - 1) / EVAL_CHUNK));
	for (unsigned i = 0; i < t->pool_threads; i++)
		free(act[i]);
	e->act = NULL;
	return rc;
}

static int validate(nlut_trainer *t, const uint8_t *tab, int kept, double *acc)
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
	e.tab = tab;
	e.kept = kept;
	e.n = t->n_val;
	e.rows = t->val_idx;
	rc = run_eval(t, &e);
	for (uint32_t i = 0; !rc && i < t->n_val; i++)
		ok += e.cls[i] == (uint32_t)t->labels[t->val_idx[i]];
	*acc = (double)ok / (double)t->n_val;
	free(e.cls);
	return rc;
}

static void keep_mapping(struct nt_lut *L)
{
	for (uint32_t l = 0; l < L->n_layers; l++)
		memcpy(L->layer[l].ksrc, L->layer[l].src,
		       (size_t)L->layer[l].n * L->layer[l].f * sizeof(uint32_t));
}

/*
 * Rewiring (prune and regrow at no area cost): an input that flipped its
 * neuron's output on fewer than 1% of the training samples since the last
 * rewiring is moved to another source: layer 0, a varying bit near one of
 * the neuron's other inputs (local) or anywhere (random); later layers, a
 * random neuron below. The table is kept; training goes on from it.
 */
#define REWIRE_MIN 0.01

static int has_src(const uint32_t *src, uint32_t f, uint32_t s)
{
	for (uint32_t k = 0; k < f; k++)
		if (src[k] == s)
			return 1;
	return 0;
}

static uint32_t near_bit(const nlut_trainer *t, const struct nt_lut *L, struct nt_rng *r,
			 uint32_t s0)
{
	uint32_t iw = t->c.image_w / t->c.pool, ih = t->c.image_h / t->c.pool;
	uint32_t win = t->c.window ? t->c.window : (uint32_t)ceil(sqrt(2.0 * L->layer[0].f));
	uint32_t p = s0 / L->T;
	int32_t x = (int32_t)(p % iw) + (int32_t)nt_rng_below(r, win) - (int32_t)(win / 2);
	int32_t y = (int32_t)(p / iw) + (int32_t)nt_rng_below(r, win) - (int32_t)(win / 2);

	x = x < 0 ? 0 : x >= (int32_t)iw ? (int32_t)iw - 1 : x;
	y = y < 0 ? 0 : y >= (int32_t)ih ? (int32_t)ih - 1 : y;
	return ((uint32_t)y * iw + (uint32_t)x) * L->T + nt_rng_below(r, L->T);
}

static void rewire(nlut_trainer *t)
{
	struct nt_lut *L = t->lut;
	struct nt_rng r;

	nt_rng_seed(&r, t->c.seed ^ t->step, 17);
	for (unsigned i = 1; i < L->n_ws; i++)
		for (size_t a = 0; a < L->n_params; a++)
			L->ws[0].hist[a] += L->ws[i].hist[a];
	/* lut_input = code: layer 0 reads whole codes, it is not rewired. */
	for (uint32_t l = L->code ? 1 : 0; l < L->n_layers; l++) {
		struct lut_layer *Y = &L->layer[l];

		for (uint32_t j = 0; j < Y->n; j++) {
			size_t base = Y->p_off + ((size_t)j << Y->f);
			const uint32_t *h = L->ws[0].hist + base;
			uint32_t *src = Y->src + (size_t)j * Y->f;
			uint64_t total = 0;

			for (uint32_t a = 0; a < (1u << Y->f); a++)
				total += h[a];
			for (uint32_t k = 0; k < Y->f && total; k++) {
				uint64_t flips = 0;

				for (uint32_t a = 0; a < (1u << Y->f); a++)
					flips += (uint64_t)h[a] * ((L->w[base + a] > 0.0f) !=
								   (L->w[base + (a ^ 1u << k)] > 0.0f));
				if ((double)flips >= REWIRE_MIN * (double)total)
					continue;
				for (int tries = 0; tries < 32; tries++) {
					uint32_t s2;

					if (l > 0)
						s2 = nt_rng_below(&r, Y->n_prev);
					else if (t->c.conn == NLUT_CONN_LOCAL)
						s2 = near_bit(t, L, &r, src[nt_rng_below(&r, Y->f)]);
					else
						s2 = nt_rng_below(&r, L->n_bits);
					if ((l > 0 || L->varies[s2]) && !has_src(src, Y->f, s2)) {
						src[k] = s2;
						L->rewired++;
						break;
					}
				}
			}
		}
	}
	for (unsigned i = 0; i < L->n_ws; i++)
		memset(L->ws[i].hist, 0, L->n_params * sizeof(uint32_t));
}

/* ---- the loop ---- */

int nt_lut_run(nlut_trainer *t, nlut_train_progress_fn fn, void *user,
	       const volatile sig_atomic_t *stop)
{
	const struct nlut_train_config *c = &t->c;
	struct nt_lut *L = t->lut;
	uint8_t *cur = malloc(L->n_params);
	struct nt_loop lp;
	int rc, kept = t->best_val >= 0 || t->epochs_done;

	if (!cur)
		return nt_fail(NLUT_ERROR_NO_MEM, "epoch tables");
	if ((rc = nt_loop_init(&lp, t, train_step, fn, user, stop))) {
		free(cur);
		return rc;
	}
	for (uint32_t ep = t->epochs_done; ep < c->epochs; ep++) {
		double val;

		if ((rc = nt_loop_epoch(&lp, ep)))
			break;
		for (size_t i = 0; i < L->n_params; i++)
			cur[i] = L->w[i] > 0.0f;
		if ((rc = validate(t, cur, 0, &val)))
			break;
		t->epochs_done = ep + 1;
		if (val < 0.0 || val > t->best_val || !kept) {
			memcpy(L->keep, cur, L->n_params);
			keep_mapping(L);
			t->best_val = val;
			t->best_epoch = ep + 1;
			kept = 1;
		}
		nt_loop_epoch_end(&lp, val);
		if (c->map_epochs && ep + 1 == c->map_epochs)
			map_freeze(L);
		if (c->rewire && (ep + 1) % c->rewire == 0 && ep + 1 < c->epochs)
			rewire(t);
	}
	if (!kept) {
		/* Stopped before the first epoch ended: keep what there is. */
		for (size_t i = 0; i < L->n_params; i++)
			L->keep[i] = L->w[i] > 0.0f;
		keep_mapping(L);
		int rc2 = validate(t, L->keep, 1, &t->best_val);

		t->best_epoch = t->epochs_done;
		if (rc2)
			rc = rc2;
	}
	if (!rc && t->n_val) {
		/* The kept tables with the kept mapping are the network that was
		 * validated (rewiring moves inputs after it was kept). */
		double again;

		if (!(rc = validate(t, L->keep, 1, &again)) && again != t->best_val)
			rc = nt_fail(NLUT_ERROR_OTHER, "kept network validates at %.6f, recorded %.6f",
				     again, t->best_val);
	}
	nt_loop_free(&lp);
	free(cur);
	if (rc == NLUT_ERROR_INTERRUPTED)
		return nt_loop_stopped(&lp);
	return rc;
}

int nt_lut_bench_steps(nlut_trainer *t, uint32_t steps, double *sps)
{
	return nt_bench_steps(t, train_step, steps, sps);
}

int nt_lut_predict(nlut_trainer *t, size_t n, const uint16_t *codes, uint16_t *scores,
		   uint32_t *cls)
{
	struct eval_ctx e = { 0 };

	e.tab = t->lut->keep;
	e.kept = 1;
	e.n = n;
	e.codes = codes;
	e.scores = scores;
	e.cls = cls;
	return run_eval(t, &e);
}

/* ---- compilation ---- */

/*
 * Thermometer bits are a first layer of fan-in-1 table neurons (code >=
 * threshold), one per bit that layer 0 reads, in bit order; with 1-bit codes
 * and one threshold the bit is the code and layer 0 reads the features.
 */
int nt_lut_compile(nlut_trainer *t, nlut_model **out)
{
	struct nt_lut *L = t->lut;
	int encoder = !L->code && !(L->T == 1 && t->c.in_bits == 1);
	uint32_t *enc = NULL, n_enc = 0, *remap = NULL, *src = NULL;
	uint16_t tab[1u << NT_LUT_MAX_FAN_IN], *etab = NULL;
	nlut_model *m = NULL;
	int rc;

	*out = NULL;
	if ((rc = nlut_model_new(t->n_in, t->quant, &m)))
		return nt_pass(rc, "model");
	if (encoder) {
		const struct lut_layer *Y = &L->layer[0];
		uint8_t *used = calloc(L->n_bits, 1);

		remap = malloc(L->n_bits * sizeof(uint32_t));
		enc = malloc(L->n_bits * sizeof(uint32_t));
		etab = malloc(((size_t)1 << t->c.in_bits) * sizeof(uint16_t));
		if (!used || !remap || !enc || !etab) {
			free(used);
			rc = nt_fail(NLUT_ERROR_NO_MEM, "encoder");
			goto out;
		}
		for (size_t k = 0; k < (size_t)Y->n * Y->f; k++)
			used[Y->ksrc[k]] = 1;
		for (uint32_t s = 0; s < L->n_bits; s++)
			if (used[s]) {
				remap[s] = n_enc;
				enc[n_enc++] = s;
			}
		free(used);
		if ((rc = nlut_model_add_layer(m, n_enc)) < 0)
			goto fail;
		for (uint32_t e = 0; e < n_enc; e++) {
			uint32_t feat = enc[e] / L->T, th = L->th[enc[e] % L->T];

			for (uint32_t q = 0; q < (1u << t->c.in_bits); q++)
				etab[q] = q >= th;
			if ((rc = nlut_model_set_neuron(m, 0, e, 1, &feat, 1, etab)))
				goto fail;
		}
	}
	src = malloc(NT_LUT_MAX_FAN_IN * sizeof(uint32_t));
	if (!src) {
		rc = nt_fail(NLUT_ERROR_NO_MEM, "compile");
		goto out;
	}
	for (uint32_t l = 0; l < L->n_layers; l++) {
		const struct lut_layer *Y = &L->layer[l];
		uint32_t ml = (uint32_t)encoder + l;

		if ((rc = nlut_model_add_layer(m, Y->n)) < 0)
			goto fail;
		/* lut_input = code: input k is bit k % T of feature k / T, so the
		 * address is the features' codes side by side, as the format
		 * addresses a neuron reading f / T features of T bits. */
		uint32_t fan = l == 0 && L->code ? Y->f / L->T : Y->f;

		for (uint32_t j = 0; j < Y->n; j++) {
			for (uint32_t k = 0; k < fan; k++) {
				uint32_t s = Y->ksrc[(size_t)j * Y->f + k * (Y->f / fan)];

				src[k] = l == 0 && encoder ? remap[s] : l == 0 && L->code ? s / L->T : s;
			}
			for (uint32_t a = 0; a < (1u << Y->f); a++)
				tab[a] = L->keep[Y->p_off + ((size_t)j << Y->f) + a];
			if ((rc = nlut_model_set_neuron(m, ml, j, fan, src, 1, tab)))
				goto fail;
		}
	}
	if ((rc = nlut_model_set_group_sum(m, L->classes)))
		goto fail;
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
	free(enc);
	free(remap);
	free(etab);
	free(src);
	return rc;
}

uint64_t nt_lut_table_entries(const nlut_trainer *t)
{
	return t->lut->n_params;
}

uint64_t nt_lut_num_params(const nlut_trainer *t)
{
	return t->lut->n_params;
}
