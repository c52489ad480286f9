/* lutmap.h - the learned input mapping of binary LUT layers (DWN): input k
 * of neuron j reads the candidate source with the largest weight; the
 * weights learn from straight-through gradients (docs/train-config.md,
 * "Learned mapping"). Kernels on plain arrays; lutlayer.c holds the state. */
#ifndef NLUT_TRAIN_LUTMAP_H
#define NLUT_TRAIN_LUTMAP_H

#include <stddef.h>
#include <stdint.h>

/* Most inputs per neuron (NT_LUT_MAX_FAN_IN). */
#define NT_LMAP_K 8u

/*
 * Add to dw ([f][C]) one neuron's weight gradients over a ghost batch of g
 * samples: dw[k][c] += sum_b gk[k][b] * x_b(cand[c]), x_b(s) = +1 if bit s
 * of sample b is set, else -1, for c < cn. xb ([n_src][ceil(g / 8)]) holds
 * the bits of samples 8i..8i+7 of source s in byte xb[s][i], gk ([f][g])
 * the loss gradient at each of the neuron's inputs (f <= NT_LMAP_K).
 * tab: scratch of ceil(g / 8) * 256 * NT_LMAP_K floats, zeroed once (the
 * rows past f are read and ignored).
 */
void nt_lmap_grad(const uint8_t *xb, const uint32_t *cand, uint32_t cn, uint32_t f, uint32_t g,
		  const float *gk, float *tab, float *dw, uint32_t C);

/* src[k] = cand[argmax_c w[k][c]] over c < cn (ties: the lowest c), k < f. */
void nt_lmap_argmax(const float *w, const uint32_t *cand, uint32_t cn, uint32_t C, uint32_t f,
		    uint32_t *src);

#endif /* NLUT_TRAIN_LUTMAP_H */
