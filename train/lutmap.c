/* lutmap.c - the learned input mapping's kernels (lutmap.h). */
#include "lutmap.h"

/*
 * sum_b d_b x_b = 2 sum_{b: bit set} d_b - sum_b d_b, and the first sum
 * over 8 samples at a time is a look-up: tab[k][i][m] is the sum of
 * gk[k][8i + t] over the bits t set in m (Four Russians), so a candidate
 * costs ceil(g / 8) look-ups per input instead of g multiply-adds.
 */
void nt_lmap_grad(const uint8_t *xb, const uint32_t *cand, uint32_t cn, uint32_t f, uint32_t g,
		  const float *gk, float *tab, float *dw, uint32_t C)
{
	uint32_t nch = (g + 7) / 8;

	for (uint32_t k = 0; k < f; k++) {
		const float *d = gk + (size_t)k * g;
		float *row = dw + (size_t)k * C, total = 0.0f;

		for (uint32_t i = 0; i < nch; i++) {
			float *t = tab + ((size_t)k * nch + i) * 256;

			t[0] = 0.0f;
			for (uint32_t m = 1; m < 256; m++) {
				uint32_t low = (uint32_t)__builtin_ctz(m), b = 8 * i + low;

				t[m] = t[m & (m - 1)] + (b < g ? d[b] : 0.0f);
			}
		}
		for (uint32_t b = 0; b < g; b++)
			total += d[b];
		for (uint32_t c = 0; c < cn; c++) {
			const uint8_t *x = xb + (size_t)cand[c] * nch;
			const float *t = tab + (size_t)k * nch * 256;
			float s = 0.0f;

			for (uint32_t i = 0; i < nch; i++)
				s += t[(size_t)i * 256 + x[i]];
			row[c] += 2.0f * s - total;
		}
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
