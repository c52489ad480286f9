/* neuron.c - float forward and backward passes of a layer of sub-network
 * neurons over a ghost batch, with straight-through quantisers. Arrays are
 * neuron-major with the batch innermost ([unit][g]) so the loops over the
 * batch vectorise. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "train.h"

#define BN_EPS 1e-5f

static float *falloc(size_t n)
{
	return malloc((n ? n : 1) * sizeof(float));
}

int nt_ws_init(struct nt_ws *ws, const struct nt_net *net, uint32_t g)
{
	uint32_t fmax = 1, wmax = 1, nmmax = 1;

	memset(ws, 0, sizeof(*ws));
	ws->g = g;
	ws->x0 = falloc((size_t)net->n_in * g);
	if (!ws->x0)
		goto oom;
	for (uint32_t l = 0; l < net->n_layers; l++) {
		const struct nt_layer *L = &net->layer[l];
		size_t ng = (size_t)L->n * g, nug = (size_t)L->nu * g, hid = nug * L->d * L->w;

		ws->out[l] = falloc(ng);
		ws->u[l] = falloc(ng);
		ws->us[l] = falloc(L->adder ? nug : 0);
		ws->v[l] = falloc(L->adder ? ng : 0);
		ws->yhat[l] = falloc(nug);
		ws->dout[l] = falloc(ng);
		ws->z[l] = falloc(hid);
		ws->h[l] = falloc(hid);
		ws->istd[l] = falloc(L->nu);
		if (!ws->out[l] || !ws->u[l] || !ws->us[l] || !ws->v[l] || !ws->yhat[l] ||
		    !ws->dout[l] || !ws->z[l] || !ws->h[l] || !ws->istd[l])
			goto oom;
		if (L->fu > fmax)
			fmax = L->fu;
		if (L->w > wmax)
			wmax = L->w;
		if (L->nm > nmmax)
			nmmax = L->nm;
	}
	ws->xg = falloc((size_t)fmax * g);
	ws->dx = falloc((size_t)fmax * g);
	ws->dh = falloc((size_t)wmax * g);
	ws->dz = falloc((size_t)wmax * g);
	ws->y = falloc(g);
	ws->dy = falloc(g);
	ws->phi = falloc((size_t)nmmax * g);
	ws->pt = falloc(g);
	ws->dv = falloc(g);
	ws->du = falloc(g);
	if (!ws->xg || !ws->dx || !ws->dh || !ws->dz || !ws->y || !ws->dy || !ws->phi ||
	    !ws->pt || !ws->dv || !ws->du)
		goto oom;
	return NLUT_SUCCESS;
oom:
	nt_ws_free(ws, net);
	return nt_fail(NLUT_ERROR_NO_MEM, "training workspace (ghost batch %u)", g);
}

void nt_ws_free(struct nt_ws *ws, const struct nt_net *net)
{
	free(ws->x0);
	for (uint32_t l = 0; l < net->n_layers; l++) {
		free(ws->out[l]);
		free(ws->u[l]);
		free(ws->us[l]);
		free(ws->v[l]);
		free(ws->yhat[l]);
		free(ws->dout[l]);
		free(ws->z[l]);
		free(ws->h[l]);
		free(ws->istd[l]);
	}
	free(ws->xg);
	free(ws->dx);
	free(ws->dh);
	free(ws->dz);
	free(ws->y);
	free(ws->dy);
	free(ws->phi);
	free(ws->pt);
	free(ws->dv);
	free(ws->du);
	memset(ws, 0, sizeof(*ws));
}

/* The fu inputs of unit u. */
static void gather(const struct nt_layer *L, uint32_t u, const float *prev,
		   float *restrict x, uint32_t g)
{
	const uint32_t *src = L->src + (size_t)u * L->fu;

	for (uint32_t i = 0; i < L->fu; i++)
		memcpy(x + (size_t)i * g, prev + (size_t)src[i] * g, g * sizeof(float));
}

/* y[b] += a * x[b] */
static inline void axpy(float *restrict y, float a, const float *restrict x, uint32_t g)
{
	for (uint32_t b = 0; b < g; b++)
		y[b] += a * x[b];
}

static inline float dot(const float *restrict a, const float *restrict x, uint32_t g)
{
	float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
	uint32_t b = 0;

	for (; b + 4 <= g; b += 4) {
		s0 += a[b] * x[b];
		s1 += a[b + 1] * x[b + 1];
		s2 += a[b + 2] * x[b + 2];
		s3 += a[b + 3] * x[b + 3];
	}
	for (; b < g; b++)
		s0 += a[b] * x[b];
	return (s0 + s1) + (s2 + s3);
}

static inline float sum(const float *restrict x, uint32_t g)
{
	float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
	uint32_t b = 0;

	for (; b + 4 <= g; b += 4) {
		s0 += x[b];
		s1 += x[b + 1];
		s2 += x[b + 2];
		s3 += x[b + 3];
	}
	for (; b < g; b++)
		s0 += x[b];
	return (s0 + s1) + (s2 + s3);
}

/* The skip term's features of a unit: its inputs, or their monomials. */
static const float *features(const struct nt_layer *L, struct nt_ws *ws, const float *X,
			     uint32_t g)
{
	if (!L->deg)
		return X;
	for (uint32_t m = 0; m < L->nm; m++) {
		const uint8_t *mo = L->mono + (size_t)m * NLUT_TRAIN_MAX_DEGREE;
		float *restrict ph = ws->phi + (size_t)m * g;

		memcpy(ph, X + (size_t)mo[0] * g, g * sizeof(float));
		for (uint32_t q = 1; q < NLUT_TRAIN_MAX_DEGREE && mo[q] != 0xff; q++) {
			const float *restrict xq = X + (size_t)mo[q] * g;

			for (uint32_t b = 0; b < g; b++)
				ph[b] *= xq[b];
		}
	}
	return ws->phi;
}

/* Unit u of layer l over the ghost batch: sub-network, skip term, batch
 * norm. Leaves gamma t + beta in ws->y (t the normalised value in yhat). */
static void unit_forward(const struct nt_net *net, uint32_t l, struct nt_ws *ws,
			 uint32_t u, uint32_t g, float *bn)
{
	const struct nt_layer *L = &net->layer[l];
	const float *P = l ? ws->out[l - 1] : ws->x0;
	const float *p = net->p;
	uint32_t f = L->fu, w = L->w, d = L->d, nm = L->nm;
	float *restrict X = ws->xg, *restrict y = ws->y;

	gather(L, u, P, X, g);
	memset(y, 0, g * sizeof(float));
	if (L->skip) {
		const float *phi = features(L, ws, X, g);

		for (uint32_t i = 0; i < nm; i++)
			axpy(y, p[L->p_wskip + (size_t)u * nm + i], phi + (size_t)i * g, g);
	}
	if (d) {
		float *Z = ws->z[l] + (size_t)u * d * w * g;
		float *H = ws->h[l] + (size_t)u * d * w * g;
		const float *a1 = p + L->p_a1 + (size_t)u * w * f;
		const float *b1 = p + L->p_b1 + (size_t)u * w;

		for (uint32_t k = 0; k < w; k++) {
			float *restrict zk = Z + (size_t)k * g, *restrict hk = H + (size_t)k * g;

			for (uint32_t b = 0; b < g; b++)
				zk[b] = b1[k];
			for (uint32_t i = 0; i < f; i++)
				axpy(zk, a1[(size_t)k * f + i], X + (size_t)i * g, g);
			for (uint32_t b = 0; b < g; b++)
				hk[b] = zk[b] > 0.0f ? zk[b] : 0.0f;
		}
		for (uint32_t s = 1; s < d; s++) {
			const float *a = p + L->p_ak + ((size_t)u * (d - 1) + s - 1) * w * w;
			const float *bb = p + L->p_bk + ((size_t)u * (d - 1) + s - 1) * w;
			float *Zs = Z + (size_t)s * w * g, *Hs = H + (size_t)s * w * g;
			const float *Hp = H + (size_t)(s - 1) * w * g;

			for (uint32_t k = 0; k < w; k++) {
				float *restrict zk = Zs + (size_t)k * g;
				float *restrict hk = Hs + (size_t)k * g;
				const float *restrict hp = Hp + (size_t)k * g;

				for (uint32_t b = 0; b < g; b++)
					zk[b] = bb[k];
				for (uint32_t m = 0; m < w; m++)
					axpy(zk, a[(size_t)k * w + m], Hp + (size_t)m * g, g);
				for (uint32_t b = 0; b < g; b++)
					hk[b] = hp[b] + (zk[b] > 0.0f ? zk[b] : 0.0f);
			}
		}
		const float *Hd = H + (size_t)(d - 1) * w * g;

		for (uint32_t k = 0; k < w; k++)
			axpy(y, p[L->p_wout + (size_t)u * w + k], Hd + (size_t)k * g, g);
	}
	/* Batch norm over the ghost batch. */
	float mean = sum(y, g) / (float)g, var = 0.0f;

	for (uint32_t b = 0; b < g; b++) {
		float t = y[b] - mean;

		var += t * t;
	}
	var /= (float)g;
	float istd = 1.0f / sqrtf(var + BN_EPS);
	float gamma = p[L->p_gamma + u], beta = p[L->p_beta + u];
	float *restrict yh = ws->yhat[l] + (size_t)u * g;

	ws->istd[l][u] = istd;
	bn[2 * u] = mean;
	bn[2 * u + 1] = var;
	for (uint32_t b = 0; b < g; b++) {
		float t = (y[b] - mean) * istd;

		yh[b] = t;
		y[b] = gamma * t + beta;
	}
}

/* Mid-rise quantiser of z with step s over [lo, hi] levels: u = z / s into
 * U, the value (k + 1/2) s into O (or added to it). */
static void quantise(const float *restrict z, float s, float lo, float hi,
		     float *restrict U, float *restrict O, int add, uint32_t g)
{
	float inv_s = 1.0f / s;

	for (uint32_t b = 0; b < g; b++) {
		float u = z[b] * inv_s;
		float k = floorf(u);

		k = k < lo ? lo : k > hi ? hi : k;
		U[b] = u;
		O[b] = (add ? O[b] : 0.0f) + (k + 0.5f) * s;
	}
}

void nt_layer_forward(const struct nt_net *net, uint32_t l, struct nt_ws *ws,
		      uint32_t g, float *bn)
{
	const struct nt_layer *L = &net->layer[l];
	const float *p = net->p;
	float lo = -(float)(1u << (L->out_bits - 1)), hi = -lo - 1.0f;
	float slo = -(float)(1u << (L->sub_bits - 1)), shi = -slo - 1.0f;

	for (uint32_t j = 0; j < L->n; j++) {
		float *U = ws->u[l] + (size_t)j * g, *O = ws->out[l] + (size_t)j * g;

		if (!L->adder) {
			unit_forward(net, l, ws, j, g, bn);
			quantise(ws->y, p[L->p_step + j], lo, hi, U, O, 0, g);
			continue;
		}
		float *restrict V = ws->v[l] + (size_t)j * g, *restrict z = ws->y;
		float og = p[L->p_og + j], ob = p[L->p_ob + j];

		memset(V, 0, g * sizeof(float));
		for (uint32_t a = 0; a < L->a; a++) {
			uint32_t u = j * L->a + a;

			unit_forward(net, l, ws, u, g, bn);
			quantise(ws->y, p[L->p_sstep + j], slo, shi, ws->us[l] + (size_t)u * g,
				 V, 1, g);
		}
		for (uint32_t b = 0; b < g; b++)
			z[b] = og * V[b] + ob;
		quantise(z, p[L->p_step + j], lo, hi, U, O, 0, g);
	}
}

/* Straight-through estimator of a quantiser: dO (gradient of its value) to
 * dz (of its input z = u s), and the LSQ gradient of the step returned
 * (level - u inside the range, the end level outside). */
static float quant_backward(const float *restrict dO, const float *restrict U, float lo,
			    float hi, float *restrict dz, uint32_t g)
{
	float ds = 0.0f;

	for (uint32_t b = 0; b < g; b++) {
		float u = U[b], k = floorf(u);

		if (k < lo) {
			dz[b] = 0.0f;
			ds += dO[b] * (lo + 0.5f);
		} else if (k > hi) {
			dz[b] = 0.0f;
			ds += dO[b] * (hi + 0.5f);
		} else {
			dz[b] = dO[b];
			ds += dO[b] * (k + 0.5f - u);
		}
	}
	return ds;
}

/* Backward through unit u: dzz is the gradient of gamma t + beta. */
static void unit_backward(const struct nt_net *net, uint32_t l, struct nt_ws *ws,
			  uint32_t u, const float *restrict dzz, uint32_t g, float *grad)
{
	const struct nt_layer *L = &net->layer[l];
	const float *P = l ? ws->out[l - 1] : ws->x0;
	float *dP = l ? ws->dout[l - 1] : NULL;
	const float *p = net->p;
	uint32_t f = L->fu, w = L->w, d = L->d, nm = L->nm;
	float *restrict X = ws->xg, *restrict dx = ws->dx;
	float *restrict dy = ws->dy;
	float *restrict dh = ws->dh, *restrict dz = ws->dz;
	float inv_g = 1.0f / (float)g;
	const float *yh = ws->yhat[l] + (size_t)u * g;
	float gamma = p[L->p_gamma + u], istd = ws->istd[l][u];
	float dgamma = dot(dzz, yh, g), dbeta = sum(dzz, g);

	grad[L->p_gamma + u] += dgamma;
	grad[L->p_beta + u] += dbeta;
	float m1 = gamma * dbeta * inv_g, m2 = gamma * dgamma * inv_g;

	for (uint32_t b = 0; b < g; b++)
		dy[b] = istd * (gamma * dzz[b] - m1 - yh[b] * m2);

	if (ws->score[l]) {
		float *sc = ws->score[l] + (size_t)u * L->n_prev;

		for (uint32_t m = 0; m < L->n_prev; m++)
			sc[m] += dot(dy, P + (size_t)m * g, g);
	}
	gather(L, u, P, X, g);
	if (dP)
		memset(dx, 0, (size_t)f * g * sizeof(float));
	if (L->skip) {
		const float *wsk = p + L->p_wskip + (size_t)u * nm;
		float *gw = grad + L->p_wskip + (size_t)u * nm;
		const float *phi = features(L, ws, X, g);

		for (uint32_t i = 0; i < nm; i++) {
			gw[i] += dot(dy, phi + (size_t)i * g, g);
			if (!dP)
				continue;
			if (!L->deg) {
				axpy(dx + (size_t)i * g, wsk[i], dy, g);
				continue;
			}
			/* d(x_i1 ... x_ik)/dx: at each position, the product
			 * of the others. */
			const uint8_t *mo = L->mono + (size_t)i * NLUT_TRAIN_MAX_DEGREE;
			float *restrict pt = ws->pt;

			for (uint32_t q = 0; q < NLUT_TRAIN_MAX_DEGREE && mo[q] != 0xff; q++) {
				for (uint32_t b = 0; b < g; b++)
					pt[b] = wsk[i] * dy[b];
				for (uint32_t r = 0; r < NLUT_TRAIN_MAX_DEGREE && mo[r] != 0xff; r++) {
					const float *restrict xr = X + (size_t)mo[r] * g;

					if (r == q)
						continue;
					for (uint32_t b = 0; b < g; b++)
						pt[b] *= xr[b];
				}
				axpy(dx + (size_t)mo[q] * g, 1.0f, pt, g);
			}
		}
	}
	if (d) {
		const float *Z = ws->z[l] + (size_t)u * d * w * g;
		const float *H = ws->h[l] + (size_t)u * d * w * g;
		const float *Hd = H + (size_t)(d - 1) * w * g;
		const float *wo = p + L->p_wout + (size_t)u * w;
		float *gwo = grad + L->p_wout + (size_t)u * w;

		for (uint32_t k = 0; k < w; k++) {
			float *restrict dhk = dh + (size_t)k * g;

			gwo[k] += dot(dy, Hd + (size_t)k * g, g);
			for (uint32_t b = 0; b < g; b++)
				dhk[b] = dy[b] * wo[k];
		}
		for (uint32_t s = d - 1; s >= 1; s--) {
			size_t blk = (size_t)u * (d - 1) + s - 1;
			const float *a = p + L->p_ak + blk * w * w;
			float *ga = grad + L->p_ak + blk * w * w;
			float *gb = grad + L->p_bk + blk * w;
			const float *Zs = Z + (size_t)s * w * g;
			const float *Hp = H + (size_t)(s - 1) * w * g;

			for (uint32_t k = 0; k < w; k++) {
				const float *restrict zk = Zs + (size_t)k * g;
				const float *restrict dhk = dh + (size_t)k * g;
				float *restrict dzk = dz + (size_t)k * g;

				for (uint32_t b = 0; b < g; b++)
					dzk[b] = zk[b] > 0.0f ? dhk[b] : 0.0f;
				gb[k] += sum(dzk, g);
				for (uint32_t m = 0; m < w; m++)
					ga[(size_t)k * w + m] += dot(dzk, Hp + (size_t)m * g, g);
			}
			/* The residual path keeps dh; the branch adds A^T dz. */
			for (uint32_t k = 0; k < w; k++)
				for (uint32_t m = 0; m < w; m++)
					axpy(dh + (size_t)m * g, a[(size_t)k * w + m],
					     dz + (size_t)k * g, g);
		}
		const float *a1 = p + L->p_a1 + (size_t)u * w * f;
		float *ga1 = grad + L->p_a1 + (size_t)u * w * f;
		float *gb1 = grad + L->p_b1 + (size_t)u * w;

		for (uint32_t k = 0; k < w; k++) {
			const float *restrict zk = Z + (size_t)k * g;
			const float *restrict dhk = dh + (size_t)k * g;
			float *restrict dzk = dz + (size_t)k * g;

			for (uint32_t b = 0; b < g; b++)
				dzk[b] = zk[b] > 0.0f ? dhk[b] : 0.0f;
			gb1[k] += sum(dzk, g);
			for (uint32_t i = 0; i < f; i++) {
				ga1[(size_t)k * f + i] += dot(dzk, X + (size_t)i * g, g);
				if (dP)
					axpy(dx + (size_t)i * g, a1[(size_t)k * f + i], dzk, g);
			}
		}
	}
	if (dP) {
		const uint32_t *src = L->src + (size_t)u * f;

		for (uint32_t i = 0; i < f; i++)
			axpy(dP + (size_t)src[i] * g, 1.0f, dx + (size_t)i * g, g);
	}
}

void nt_layer_backward(const struct nt_net *net, uint32_t l, struct nt_ws *ws,
		       uint32_t g, float *grad)
{
	const struct nt_layer *L = &net->layer[l];
	float *dP = l ? ws->dout[l - 1] : NULL;
	const float *p = net->p;
	float lo = -(float)(1u << (L->out_bits - 1)), hi = -lo - 1.0f;
	float slo = -(float)(1u << (L->sub_bits - 1)), shi = -slo - 1.0f;
	float *restrict dzz = ws->y;

	if (dP)
		memset(dP, 0, (size_t)L->n_prev * g * sizeof(float));
	for (uint32_t j = 0; j < L->n; j++) {
		const float *dO = ws->dout[l] + (size_t)j * g;
		const float *U = ws->u[l] + (size_t)j * g;

		grad[L->p_step + j] += quant_backward(dO, U, lo, hi, dzz, g);
		if (!L->adder) {
			unit_backward(net, l, ws, j, dzz, g, grad);
			continue;
		}
		/* z = og V + ob; V = sum of the units' quantised values. */
		const float *V = ws->v[l] + (size_t)j * g;
		float og = p[L->p_og + j], dss = 0.0f;
		float *restrict dV = ws->dv, *restrict du = ws->du;

		grad[L->p_og + j] += dot(dzz, V, g);
		grad[L->p_ob + j] += sum(dzz, g);
		for (uint32_t b = 0; b < g; b++)
			dV[b] = og * dzz[b];
		for (uint32_t a = 0; a < L->a; a++) {
			uint32_t u = j * L->a + a;

			dss += quant_backward(dV, ws->us[l] + (size_t)u * g, slo, shi, du, g);
			unit_backward(net, l, ws, u, du, g, grad);
		}
		grad[L->p_sstep + j] += dss;
	}
}
