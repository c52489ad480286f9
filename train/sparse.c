/* sparse.c - SparseLUT-style connectivity training: every few epochs of the
 * first half of training, each neuron drops the inputs that matter least to
 * it and reads other sources instead; the fan-in (and so the tables and the
 * area) never changes. docs/train-config.md, "Connectivity training". */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "trainer.h"

/* An input is dropped when its significance is below this fraction of the
 * mean significance of its sub-neuron's inputs. */
#define DROP_FRACTION 0.5f
/* Ghost batches of training rows that score the candidate sources. */
#define SCORE_GHOSTS 8u

/* Significance of input i of unit u: how strongly the unit's pre-activation
 * depends on it, from the weights that read it, times the input's scale. */
static float significance(const struct nt_net *net, uint32_t l, uint32_t u, uint32_t i)
{
	const struct nt_layer *L = &net->layer[l];
	const float *p = net->p;
	uint32_t fu = L->fu, w = L->w, nm = L->nm;
	float sig = 0.0f;

	if (L->deg) {
		for (uint32_t m = 0; m < nm; m++) {
			const uint8_t *mo = L->mono + (size_t)m * NLUT_TRAIN_MAX_DEGREE;

			for (uint32_t q = 0; q < NLUT_TRAIN_MAX_DEGREE && mo[q] != 0xff; q++)
				if (mo[q] == i)
					sig += fabsf(p[L->p_wskip + (size_t)u * nm + m]);
		}
	} else if (L->skip) {
		sig = fabsf(p[L->p_wskip + (size_t)u * nm + i]);
	}
	if (L->d) {
		/* The hidden path: |column i of the first layer| |output weights|
		 * / sqrt(w), the typical gain through w ReLU units. */
		float col = 0.0f, out = 0.0f;

		for (uint32_t k = 0; k < w; k++) {
			float a = p[L->p_a1 + ((size_t)u * w + k) * fu + i];
			float o = p[L->p_wout + (size_t)u * w + k];

			col += a * a;
			out += o * o;
		}
		sig += sqrtf(col * out / (float)w);
	}
	if (l) {
		/* Inputs of later layers are (k + 1/2) s of the source's step. */
		const struct nt_layer *P = &net->layer[l - 1];

		sig *= p[P->p_step + L->src[(size_t)u * fu + i]];
	}
	return sig;
}

/* Input i of unit u starts from zero weights (and optimiser state): it has
 * to earn its significance before the next round. */
static void reset_input(nlut_trainer *t, uint32_t l, uint32_t u, uint32_t i)
{
	struct nt_net *net = &t->net;
	const struct nt_layer *L = &net->layer[l];
	uint32_t fu = L->fu, w = L->w, nm = L->nm;
	size_t q;

#define ZERO(idx) (q = (idx), net->p[q] = t->adam.m[q] = t->adam.v[q] = 0.0f)
	if (L->deg) {
		for (uint32_t m = 0; m < nm; m++) {
			const uint8_t *mo = L->mono + (size_t)m * NLUT_TRAIN_MAX_DEGREE;

			for (uint32_t r = 0; r < NLUT_TRAIN_MAX_DEGREE && mo[r] != 0xff; r++)
				if (mo[r] == i)
					ZERO(L->p_wskip + (size_t)u * nm + m);
		}
	} else if (L->skip) {
		ZERO(L->p_wskip + (size_t)u * nm + i);
	}
	for (uint32_t k = 0; k < w; k++)
		ZERO(L->p_a1 + ((size_t)u * w + k) * fu + i);
#undef ZERO
}

int nt_prune_regrow(nlut_trainer *t, uint32_t round, uint32_t *dropped)
{
	struct nt_net *net = &t->net;
	size_t total = 0;

	*dropped = 0;
	for (uint32_t l = 0; l < net->n_layers; l++)
		total += (size_t)net->layer[l].n * net->layer[l].f;
	if (!t->conn_born) {
		/* Round in which each connection was made: 0 = at the start. */
		t->conn_born = calloc(total ? total : 1, sizeof(uint32_t));
		if (!t->conn_born)
			return nt_fail(NLUT_ERROR_NO_MEM, "connectivity training");
	}
	uint32_t *born = t->conn_born;
	float *score[NLUT_MAX_LAYERS] = { 0 };
	int rc = NLUT_SUCCESS;

	for (uint32_t l = 0; l < net->n_layers; l++) {
		const struct nt_layer *L = &net->layer[l];

		score[l] = calloc((size_t)L->nu * L->n_prev, sizeof(float));
		if (!score[l]) {
			rc = nt_fail(NLUT_ERROR_NO_MEM, "connectivity training scores");
			goto out;
		}
	}
	rc = nt_score_sources(t, score, SCORE_GHOSTS);
	if (rc)
		goto out;
	for (uint32_t l = 0; l < net->n_layers; l++) {
		struct nt_layer *L = &net->layer[l];
		struct nt_rng r;
		float sig[NLUT_MAX_FAN_IN];

		nt_rng_seed(&r, t->c.seed, 5000 + 64ull * round + l);
		for (uint32_t u = 0; u < L->nu; u++) {
			uint32_t *src = L->src + (size_t)u * L->fu;
			const uint32_t *nsrc = L->src + (size_t)(u / L->a) * L->f;
			uint32_t *b = born + (size_t)u * L->fu, dropped_here = 0;
			float mean = 0.0f;

			for (uint32_t i = 0; i < L->fu; i++) {
				sig[i] = significance(net, l, u, i);
				mean += sig[i];
			}
			mean /= (float)L->fu;
			for (uint32_t i = 0; i < L->fu; i++) {
				/* Not greedy: no fixed number is dropped, only inputs
				 * clearly below the unit's mean, at most half of them,
				 * and never one made in the last two rounds (it
				 * starts from zero and needs time to grow). */
				if ((b[i] && round - b[i] < 2) || !(sig[i] < DROP_FRACTION * mean) ||
				    2 * (dropped_here + 1) > L->fu || L->f >= L->n_prev)
					continue;
				/* Regrow: the source the neuron does not read whose
				 * values correlate most with the gradient of the
				 * sub-neuron's pre-activation (RigL); ties and zero
				 * scores go to a random start of the scan. */
				const float *sc = score[l] + (size_t)u * L->n_prev;
				uint32_t x = UINT32_MAX, start = nt_rng_below(&r, L->n_prev);
				float best = -1.0f;

				for (uint32_t k = 0; k < L->n_prev; k++) {
					uint32_t m = (start + k) % L->n_prev, clash = m == src[i];

					for (uint32_t q = 0; q < L->f; q++)
						clash |= nsrc[q] == m;
					if (!clash && fabsf(sc[m]) > best) {
						best = fabsf(sc[m]);
						x = m;
					}
				}
				if (x == UINT32_MAX)
					continue;
				src[i] = x;
				b[i] = round;
				reset_input(t, l, u, i);
				dropped_here++;
			}
			*dropped += dropped_here;
		}
	}
out:
	for (uint32_t l = 0; l < net->n_layers; l++)
		free(score[l]);
	return rc;
}
