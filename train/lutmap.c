/* lutmap.c - the learned input mapping's kernels (lutmap.h). */
#include "lutmap.h"

/*
 * sum_b d_b x_b = 2 sum_{b: bit set} d_b - sum_b d_b, and the first sum
 * over 8 samples at a time is a look-up: tab[i][m][k] is the sum of
 * gk[k][8i + t] over the bits t set in m (Four Russians), so a candidate
 * costs ceil(g / 8) look-ups of all f inputs' sums at once instead of f * g
 * multiply-adds.
 */
void nt_lmap_grad(const uint8_t *xb, const uint32_t *cand, uint32_t cn, uint32_t f, uint32_t g,
		  const float *gk, float *tab, float *dw, uint32_t C)
{
	enum { K = NT_LMAP_K };
	uint32_t nch = (g + 7) / 8;
	float total[K] = { 0 };

	for (uint32_t i = 0; i < nch; i++) {
		float *t = tab + (size_t)i * 256 * K;

		for (uint32_t k = 0; k < K; k++)
			t[k] = 0.0f;
		/* Only the f rows in use (the others keep what they held: the
		 * look-ups below read them and ignore them). */
		for (uint32_t bit = 0; bit < 8; bit++) {
			uint32_t b = 8 * i + bit, half = 1u << bit;
			float d[K];

			for (uint32_t k = 0; k < f; k++)
				d[k] = b < g ? gk[(size_t)k * g + b] : 0.0f;
			if (f == K)
				for (uint32_t m = 0; m < half; m++)
					for (uint32_t k = 0; k < K; k++)
						t[(size_t)(m + half) * K + k] = t[(size_t)m * K + k] + d[k];
			else
				for (uint32_t m = 0; m < half; m++)
					for (uint32_t k = 0; k < f; k++)
						t[(size_t)(m + half) * K + k] = t[(size_t)m * K + k] + d[k];
		}
	}
	for (uint32_t k = 0; k < f; k++)
		for (uint32_t b = 0; b < g; b++)
			total[k] += gk[(size_t)k * g + b];
	for (uint32_t c = 0; c < cn; c++) {
		const uint8_t *x = xb + (size_t)cand[c] * nch;
		float s[K] = { 0 };

		for (uint32_t i = 0; i < nch; i++) {
			const float *e = tab + ((size_t)i * 256 + x[i]) * K;

			for (uint32_t k = 0; k < K; k++)
				s[k] += e[k];
		}
		for (uint32_t k = 0; k < f; k++)
			dw[(size_t)k * C + c] += 2.0f * s[k] - total[k];
	}
}

void nt_lmap_argmax(const float *w, const uint32_t *cand, uint32_t cn, uint32_t C, uint32_t f,
		    uint32_t *src)
{
	for (uint32_t k = 0; k < f; k++) {
		const float *row = w + (size_t)k * C;
		uint32_t best = 0;

		for (uint32_t c = 1; c < cn; c++)
			if (row[c] > row[best])
				best = c;
		src[k] = cand[best];
	}
}
