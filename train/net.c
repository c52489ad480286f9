/* net.c - the trained network: connectivity, parameters, initialisation,
 * folding into the frozen network, and THE exact neuron function. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "train.h"

#define BN_EPS 1e-5f

/* ---- connectivity ---- */

static int contains(const uint32_t *v, uint32_t n, uint32_t x)
{
	for (uint32_t i = 0; i < n; i++)
		if (v[i] == x)
			return 1;
	return 0;
}

/*
 * Random sparse: sources are dealt from shuffled decks of all n_prev
 * outputs, so every output feeds about n * f / n_prev neurons; a neuron
 * never reads one source twice.
 */
static int conn_random(struct nt_layer *L, struct nt_rng *r)
{
	size_t total = (size_t)L->n * L->f;
	uint32_t *deck = malloc(total * sizeof(uint32_t));

	if (!deck)
		return nt_fail(NLUT_ERROR_NO_MEM, "connectivity");
	for (size_t k = 0; k < total; k += L->n_prev) {
		size_t m = total - k < L->n_prev ? total - k : L->n_prev;
		uint32_t *perm = deck + k;

		if (m == L->n_prev) {
			for (uint32_t i = 0; i < L->n_prev; i++)
				perm[i] = i;
			nt_rng_shuffle(r, perm, L->n_prev);
		} else {
			/* Last partial deck: m distinct sources. */
			uint32_t *tmp = malloc(L->n_prev * sizeof(uint32_t));

			if (!tmp) {
				free(deck);
				return nt_fail(NLUT_ERROR_NO_MEM, "connectivity");
			}
			for (uint32_t i = 0; i < L->n_prev; i++)
				tmp[i] = i;
			nt_rng_shuffle(r, tmp, L->n_prev);
			memcpy(perm, tmp, m * sizeof(uint32_t));
			free(tmp);
		}
	}
	for (uint32_t j = 0; j < L->n; j++) {
		uint32_t *s = L->src + (size_t)j * L->f;

		for (uint32_t i = 0; i < L->f; i++) {
			size_t pos = (size_t)j * L->f + i;
			uint32_t x = deck[pos];

			if (contains(s, i, x)) {
				/* Swap in a later card this neuron does not hold yet. */
				size_t k;

				for (k = pos + 1; k < total; k++)
					if (!contains(s, i, deck[k]))
						break;
				if (k < total) {
					deck[pos] = deck[k];
					deck[k] = x;
					x = deck[pos];
				} else {
					do
						x = nt_rng_below(r, L->n_prev);
					while (contains(s, i, x));
				}
			}
			s[i] = x;
		}
	}
	free(deck);
	return NLUT_SUCCESS;
}

/* Local: each neuron reads f distinct pixels of a random win x win window. */
static void conn_local(struct nt_layer *L, struct nt_rng *r, uint32_t iw, uint32_t ih,
		       uint32_t win)
{
	if (win > iw)
		win = iw;
	if (win > ih)
		win = ih;
	while (win * win < L->f)
		win++;
	for (uint32_t j = 0; j < L->n; j++) {
		uint32_t *s = L->src + (size_t)j * L->f;
		uint32_t x0 = nt_rng_below(r, iw - (win < iw ? win : iw) + 1);
		uint32_t y0 = nt_rng_below(r, ih - (win < ih ? win : ih) + 1);

		for (uint32_t i = 0; i < L->f; i++) {
			uint32_t x;

			do {
				uint32_t dx = nt_rng_below(r, win), dy = nt_rng_below(r, win);
				uint32_t px = x0 + dx, py = y0 + dy;

				if (px >= iw)
					px = iw - 1;
				if (py >= ih)
					py = ih - 1;
				x = py * iw + px;
			} while (contains(s, i, x));
			s[i] = x;
		}
	}
}

/* ---- parameters ---- */

static void init_uniform(float *p, size_t n, float bound, struct nt_rng *r)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (2.0f * nt_rng_float(r) - 1.0f) * bound;
}

static void mark(uint8_t *decay, size_t from, size_t to)
{
	memset(decay + from, 1, to - from);
}

/* Monomials of degree 1..deg over fu inputs: index tuples i1 <= i2 <= ...,
 * degree 1 first (x0, x1, ...), then degree 2 (x0x0, x0x1, ...), and so on. */
static uint32_t list_monomials(uint8_t *mono, uint32_t fu, uint32_t deg)
{
	uint32_t n = 0, idx[NLUT_TRAIN_MAX_DEGREE];

	for (uint32_t k = 1; k <= deg; k++) {
		for (uint32_t i = 0; i < k; i++)
			idx[i] = 0;
		for (;;) {
			uint8_t *m = mono + (size_t)n * NLUT_TRAIN_MAX_DEGREE;

			memset(m, 0xff, NLUT_TRAIN_MAX_DEGREE);
			for (uint32_t i = 0; i < k; i++)
				m[i] = (uint8_t)idx[i];
			n++;
			/* Next non-decreasing tuple. */
			int32_t p = (int32_t)k - 1;

			while (p >= 0 && idx[p] == fu - 1)
				p--;
			if (p < 0)
				break;
			idx[p]++;
			for (uint32_t i = (uint32_t)p + 1; i < k; i++)
				idx[i] = idx[p];
		}
	}
	return n;
}

int nt_net_build(struct nt_net *net, const struct nlut_train_config *c,
		 uint32_t n_in, uint32_t n_classes)
{
	size_t off = 0;
	uint32_t first = 0, first_unit = 0;
	int poly = c->neuron == NLUT_TRAIN_NEURON_POLY;
	int rc;

	memset(net, 0, sizeof(*net));
	net->n_in = n_in;
	net->n_layers = c->n_layers;
	if (c->width[c->n_layers - 1] != n_classes)
		return nt_fail(NLUT_ERROR_INVALID_PARAM,
			       "layers: the last layer has %u neurons but the data has %u classes",
			       c->width[c->n_layers - 1], n_classes);
	for (uint32_t l = 0; l < c->n_layers; l++) {
		struct nt_layer *L = &net->layer[l];
		uint32_t n = c->width[l], fu = nt_fan_in(c, l), w = c->sub_width;
		uint32_t d = poly ? 0 : c->depth, a = c->adder ? c->adder : 1;
		uint32_t f = a * fu, nu = n * a;

		L->n = n;
		L->f = f;
		L->a = a;
		L->fu = fu;
		L->nu = nu;
		L->adder = c->adder != 0;
		L->sub_bits = c->sub_bits;
		L->d = d;
		L->w = d ? w : 0;
		L->skip = c->skip || d == 0;
		L->deg = poly ? c->degree : 0;
		L->nm = poly ? (uint32_t)nt_monomials(fu, c->degree) : fu;
		L->n_prev = l ? c->width[l - 1] : n_in;
		L->in_bits = l ? c->hidden_bits : c->in_bits;
		L->out_bits = l + 1 == c->n_layers ? c->out_bits : c->hidden_bits;
		L->first_unit = first_unit;
		first += n;
		first_unit += nu;
		if (f > L->n_prev)
			return nt_fail(NLUT_ERROR_INVALID_PARAM,
				       "fan_in: layer %u has fan-in %u but only %u inputs",
				       l, f, L->n_prev);
		if (n > net->max_n)
			net->max_n = n;
		w = L->w;
		L->p_a1 = off;
		off += (size_t)nu * w * fu;
		L->p_b1 = off;
		off += (size_t)nu * w;
		L->p_ak = off;
		off += d > 1 ? (size_t)nu * (d - 1) * w * w : 0;
		L->p_bk = off;
		off += d > 1 ? (size_t)nu * (d - 1) * w : 0;
		L->p_wout = off;
		off += (size_t)nu * w;
		L->p_wskip = off;
		off += (size_t)nu * L->nm;
		L->p_gamma = off;
		off += nu;
		L->p_beta = off;
		off += nu;
		L->p_step = off;
		off += n;
		L->p_sstep = off;
		off += L->adder ? n : 0;
		L->p_og = off;
		off += L->adder ? n : 0;
		L->p_ob = off;
		off += L->adder ? n : 0;
		L->p_end = off;
	}
	net->n_neurons = first;
	net->n_units = first_unit;
	if (n_in > net->max_n)
		net->max_n = n_in;
	net->n_params = off;
	net->p = calloc(off, sizeof(float));
	net->decay = calloc(off, 1);
	if (!net->p || !net->decay) {
		nt_net_free(net);
		return nt_fail(NLUT_ERROR_NO_MEM, "%zu parameters", off);
	}
	for (uint32_t l = 0; l < net->n_layers; l++) {
		struct nt_layer *L = &net->layer[l];
		struct nt_rng r;
		uint32_t fu = L->fu, w = L->w, d = L->d, nu = L->nu;

		L->src = malloc((size_t)L->n * L->f * sizeof(uint32_t));
		L->run_mean = calloc(nu, sizeof(float));
		L->run_var = malloc(nu * sizeof(float));
		L->mono = malloc((size_t)L->nm * NLUT_TRAIN_MAX_DEGREE + 1);
		if (!L->src || !L->run_mean || !L->run_var || !L->mono) {
			nt_net_free(net);
			return nt_fail(NLUT_ERROR_NO_MEM, "layer %u", l);
		}
		if (L->deg)
			list_monomials(L->mono, fu, L->deg);
		nt_rng_seed(&r, c->seed, 1 + l);
		if (l == 0 && c->conn == NLUT_CONN_LOCAL) {
			uint32_t iw = c->image_w / c->pool, ih = c->image_h / c->pool;

			if ((size_t)iw * ih != n_in) {
				nt_net_free(net);
				return nt_fail(NLUT_ERROR_INVALID_PARAM,
					       "connectivity = local: image %ux%u does not match %u inputs",
					       iw, ih, n_in);
			}
			conn_local(L, &r, iw, ih, c->window ? c->window :
				   (uint32_t)ceil(sqrt(2.0 * L->f)));
		} else {
			rc = conn_random(L, &r);
			if (rc) {
				nt_net_free(net);
				return rc;
			}
		}
		nt_rng_seed(&r, c->seed, 1000 + l);
		float *p = net->p;

		if (d) {
			init_uniform(p + L->p_a1, (size_t)nu * w * fu, sqrtf(6.0f / (float)fu), &r);
			init_uniform(p + L->p_ak, L->p_bk - L->p_ak, sqrtf(3.0f / (float)w), &r);
			init_uniform(p + L->p_wout, (size_t)nu * w, sqrtf(3.0f / (float)w), &r);
			mark(net->decay, L->p_a1, L->p_b1);
			mark(net->decay, L->p_ak, L->p_bk);
			mark(net->decay, L->p_wout, L->p_wskip);
		}
		if (L->skip) {
			init_uniform(p + L->p_wskip, (size_t)nu * L->nm, sqrtf(3.0f / (float)L->nm), &r);
			mark(net->decay, L->p_wskip, L->p_gamma);
		}
		/* Batch norm makes unit variance; the step then spans about
		 * +-2 standard deviations with 2^bits levels. */
		for (uint32_t u = 0; u < nu; u++) {
			p[L->p_gamma + u] = 1.0f;
			p[L->p_beta + u] = 0.0f;
			L->run_var[u] = 1.0f;
		}
		for (uint32_t j = 0; j < L->n; j++) {
			p[L->p_step + j] = L->out_bits == 1 ? 1.6f :
					   4.0f / (float)(1u << L->out_bits);
			if (L->adder) {
				/* The sum of a unit-variance values, back to
				 * unit variance. */
				p[L->p_sstep + j] = L->sub_bits == 1 ? 1.6f :
						    4.0f / (float)(1u << L->sub_bits);
				p[L->p_og + j] = 1.0f / sqrtf((float)L->a);
				p[L->p_ob + j] = 0.0f;
			}
		}
	}
	return NLUT_SUCCESS;
}

void nt_net_free(struct nt_net *net)
{
	for (uint32_t l = 0; l < net->n_layers; l++) {
		free(net->layer[l].src);
		free(net->layer[l].run_mean);
		free(net->layer[l].run_var);
		free(net->layer[l].mono);
		net->layer[l].mono = NULL;
		net->layer[l].src = NULL;
		net->layer[l].run_mean = net->layer[l].run_var = NULL;
	}
	free(net->p);
	free(net->decay);
	net->p = NULL;
	net->decay = NULL;
}

int nt_net_copy(struct nt_net *dst, const struct nt_net *src)
{
	*dst = *src;
	for (uint32_t l = 0; l < src->n_layers; l++) {
		dst->layer[l].src = NULL;
		dst->layer[l].run_mean = dst->layer[l].run_var = NULL;
		dst->layer[l].mono = NULL;
	}
	dst->p = malloc(src->n_params * sizeof(float));
	dst->decay = malloc(src->n_params);
	for (uint32_t l = 0; l < src->n_layers; l++) {
		const struct nt_layer *S = &src->layer[l];
		struct nt_layer *D = &dst->layer[l];

		D->src = malloc((size_t)S->n * S->f * sizeof(uint32_t));
		D->run_mean = malloc(S->nu * sizeof(float));
		D->run_var = malloc(S->nu * sizeof(float));
		D->mono = malloc((size_t)S->nm * NLUT_TRAIN_MAX_DEGREE + 1);
		if (!D->src || !D->run_mean || !D->run_var || !D->mono)
			goto oom;
		memcpy(D->src, S->src, (size_t)S->n * S->f * sizeof(uint32_t));
		memcpy(D->mono, S->mono, (size_t)S->nm * NLUT_TRAIN_MAX_DEGREE + 1);
	}
	if (!dst->p || !dst->decay)
		goto oom;
	memcpy(dst->decay, src->decay, src->n_params);
	nt_net_copy_values(dst, src);
	return NLUT_SUCCESS;
oom:
	nt_net_free(dst);
	return nt_fail(NLUT_ERROR_NO_MEM, "copy of the network");
}

/* Parameters, batch-norm statistics and connectivity (same shape). */
void nt_net_copy_values(struct nt_net *dst, const struct nt_net *src)
{
	memcpy(dst->p, src->p, src->n_params * sizeof(float));
	for (uint32_t l = 0; l < src->n_layers; l++) {
		memcpy(dst->layer[l].src, src->layer[l].src,
		       (size_t)src->layer[l].n * src->layer[l].f * sizeof(uint32_t));
		memcpy(dst->layer[l].run_mean, src->layer[l].run_mean,
		       src->layer[l].nu * sizeof(float));
		memcpy(dst->layer[l].run_var, src->layer[l].run_var,
		       src->layer[l].nu * sizeof(float));
	}
}

/* ---- the frozen network ---- */

void nt_frozen_free(struct nt_frozen *fz)
{
	for (uint32_t l = 0; l < fz->n_layers; l++) {
		struct nt_flayer *F = &fz->layer[l];

		free(F->in_a);
		free(F->in_b);
		free(F->a1);
		free(F->b1);
		free(F->ak);
		free(F->bk);
		free(F->wout);
		free(F->wskip);
		free(F->bias);
		free(F->oa);
		free(F->ob);
	}
	memset(fz, 0, sizeof(*fz));
}

static float *fdup(const float *p, size_t n)
{
	float *q = malloc((n ? n : 1) * sizeof(float));

	if (q && n)
		memcpy(q, p, n * sizeof(float));
	return q;
}

/* Input value of a first-layer code: codes spread over [-1/2, 1/2]. */
void nt_input_map(uint32_t in_bits, float *a, float *b)
{
	*a = 1.0f / (float)((1u << in_bits) - 1u);
	*b = -0.5f;
}

int nt_freeze(struct nt_frozen *fz, const struct nt_net *net, uint32_t in_bits)
{
	const float *p = net->p;

	memset(fz, 0, sizeof(*fz));
	fz->n_in = net->n_in;
	fz->n_layers = net->n_layers;
	fz->n_neurons = net->n_neurons;
	for (uint32_t l = 0; l < net->n_layers; l++) {
		const struct nt_layer *L = &net->layer[l];
		struct nt_flayer *F = &fz->layer[l];
		uint32_t n = L->n, f = L->f, w = L->w, d = L->d, nu = L->nu, nm = L->nm;

		F->n = n;
		F->f = f;
		F->d = d;
		F->w = w;
		F->a = L->a;
		F->fu = L->fu;
		F->nu = nu;
		F->adder = L->adder;
		F->sub_bits = L->sub_bits;
		F->deg = L->deg;
		F->nm = nm;
		F->mono = L->mono;
		F->in_bits = L->in_bits;
		F->out_bits = L->out_bits;
		F->src = L->src;
		F->in_a = malloc((size_t)n * f * sizeof(float));
		F->in_b = malloc((size_t)n * f * sizeof(float));
		F->a1 = fdup(p + L->p_a1, (size_t)nu * w * L->fu);
		F->b1 = fdup(p + L->p_b1, (size_t)nu * w);
		F->ak = fdup(p + L->p_ak, L->p_bk - L->p_ak);
		F->bk = fdup(p + L->p_bk, L->p_wout - L->p_bk);
		F->wout = malloc(((size_t)nu * w + 1) * sizeof(float));
		F->wskip = malloc(((size_t)nu * nm + 1) * sizeof(float));
		F->bias = malloc(nu * sizeof(float));
		F->oa = malloc(n * sizeof(float));
		F->ob = malloc(n * sizeof(float));
		if (!F->in_a || !F->in_b || !F->a1 || !F->b1 || !F->ak || !F->bk ||
		    !F->wout || !F->wskip || !F->bias || !F->oa || !F->ob) {
			fz->n_layers = l + 1;
			nt_frozen_free(fz);
			return nt_fail(NLUT_ERROR_NO_MEM, "frozen network");
		}
		for (size_t q = 0; q < (size_t)n * f; q++) {
			if (l == 0) {
				nt_input_map(in_bits, &F->in_a[q], &F->in_b[q]);
			} else {
				const struct nt_layer *P = &net->layer[l - 1];
				uint32_t m = L->src[q];
				float sm = p[P->p_step + m];
				float half = (float)(1u << (P->out_bits - 1));

				F->in_a[q] = sm;
				F->in_b[q] = (0.5f - half) * sm;
			}
		}
		for (uint32_t u = 0; u < nu; u++) {
			uint32_t j = u / L->a;
			/* Units quantise with the neuron's step, or the adder's
			 * shared sub-neuron step. */
			float s = L->adder ? p[L->p_sstep + j] : p[L->p_step + j];
			float k = p[L->p_gamma + u] / sqrtf(L->run_var[u] + BN_EPS);
			float c = p[L->p_beta + u] - k * L->run_mean[u];
			float fold = k / s;

			for (uint32_t i = 0; i < nm; i++) {
				size_t q = (size_t)u * nm + i;

				F->wskip[q] = L->skip ? p[L->p_wskip + q] * fold : 0.0f;
			}
			for (uint32_t k2 = 0; k2 < w; k2++)
				F->wout[(size_t)u * w + k2] = p[L->p_wout + (size_t)u * w + k2] * fold;
			F->bias[u] = c / s;
		}
		for (uint32_t j = 0; j < n; j++) {
			if (!L->adder) {
				F->oa[j] = F->ob[j] = 0.0f;
				continue;
			}
			/* V = ss (S + a/2); output quantiser input (og V + ob) / s. */
			float s = p[L->p_step + j], ss = p[L->p_sstep + j], og = p[L->p_og + j];

			F->oa[j] = og * ss / s;
			F->ob[j] = (og * ss * 0.5f * (float)L->a + p[L->p_ob + j]) / s;
		}
	}
	return NLUT_SUCCESS;
}

/* Pre-quantiser value of unit u (in steps) from its fu input codes. */
static float unit_value(const struct nt_flayer *L, uint32_t u, const uint16_t *codes)
{
	float x[NLUT_MAX_FAN_IN], h[NLUT_TRAIN_MAX_WIDTH], t[NLUT_TRAIN_MAX_WIDTH];
	uint32_t f = L->fu, w = L->w, d = L->d, nm = L->nm;
	const float *ia = L->in_a + (size_t)u * f, *ib = L->in_b + (size_t)u * f;
	const float *ws = L->wskip + (size_t)u * nm;
	float v = L->bias[u];

	for (uint32_t i = 0; i < f; i++)
		x[i] = (float)codes[i] * ia[i] + ib[i];
	if (L->deg) {
		for (uint32_t m = 0; m < nm; m++) {
			const uint8_t *mo = L->mono + (size_t)m * NLUT_TRAIN_MAX_DEGREE;
			float ph = x[mo[0]];

			for (uint32_t q = 1; q < NLUT_TRAIN_MAX_DEGREE && mo[q] != 0xff; q++)
				ph *= x[mo[q]];
			v += ws[m] * ph;
		}
	} else {
		for (uint32_t i = 0; i < f; i++)
			v += ws[i] * x[i];
	}
	if (d) {
		const float *a1 = L->a1 + (size_t)u * w * f, *b1 = L->b1 + (size_t)u * w;
		const float *wo = L->wout + (size_t)u * w;

		for (uint32_t k = 0; k < w; k++) {
			float z = b1[k];

			for (uint32_t i = 0; i < f; i++)
				z += a1[(size_t)k * f + i] * x[i];
			h[k] = z > 0.0f ? z : 0.0f;
		}
		for (uint32_t s = 1; s < d; s++) {
			const float *a = L->ak + ((size_t)u * (d - 1) + s - 1) * w * w;
			const float *b = L->bk + ((size_t)u * (d - 1) + s - 1) * w;

			for (uint32_t k = 0; k < w; k++) {
				float z = b[k];

				for (uint32_t m = 0; m < w; m++)
					z += a[(size_t)k * w + m] * h[m];
				t[k] = h[k] + (z > 0.0f ? z : 0.0f);
			}
			memcpy(h, t, w * sizeof(float));
		}
		for (uint32_t k = 0; k < w; k++)
			v += wo[k] * h[k];
	}
	return v;
}

/* Mid-rise quantiser in steps: k = clamp(floor(u)), code k + half. */
static uint16_t out_code(float u, uint32_t bits)
{
	int32_t half = 1 << (bits - 1);

	if (!(u >= (float)-half))
		return 0; /* also NaN */
	if (u >= (float)(half - 1))
		return (uint16_t)(2 * half - 1);
	return (uint16_t)((int32_t)floorf(u) + half);
}

int32_t nt_sub_code(const struct nt_flayer *L, uint32_t u, const uint16_t *codes)
{
	return (int32_t)out_code(unit_value(L, u, codes), L->sub_bits) -
	       (1 << (L->sub_bits - 1));
}

uint16_t nt_adder_code(const struct nt_flayer *L, uint32_t j, int32_t S)
{
	return out_code((float)S * L->oa[j] + L->ob[j], L->out_bits);
}

uint16_t nt_neuron_code(const struct nt_flayer *L, uint32_t j, const uint16_t *codes)
{
	int32_t S = 0;

	if (!L->adder)
		return out_code(unit_value(L, j, codes), L->out_bits);
	for (uint32_t a = 0; a < L->a; a++)
		S += nt_sub_code(L, j * L->a + a, codes + (size_t)a * L->fu);
	return nt_adder_code(L, j, S);
}

void nt_frozen_forward(const struct nt_frozen *fz, const uint16_t *in_codes,
		       uint16_t *act)
{
	uint16_t c[NLUT_MAX_FAN_IN];
	const uint16_t *prev = in_codes;
	uint16_t *out = act;

	for (uint32_t l = 0; l < fz->n_layers; l++) {
		const struct nt_flayer *F = &fz->layer[l];

		for (uint32_t j = 0; j < F->n; j++) {
			const uint32_t *s = F->src + (size_t)j * F->f;

			for (uint32_t i = 0; i < F->f; i++)
				c[i] = prev[s[i]];
			out[j] = nt_neuron_code(F, j, c);
		}
		prev = out;
		out += F->n;
	}
}
