/* quant_rule.h - the float -> code rule of the input quantisers
 * (docs/model-format.md), inline for the loops that quantise whole rows. */
#ifndef NLUT_QUANT_RULE_H
#define NLUT_QUANT_RULE_H

#include <float.h>
#include <stdint.h>

#include <nlut/model.h>

/* The rule is defined on binary32 arithmetic (docs/model-format.md). */
#if !defined(FLT_EVAL_METHOD) || FLT_EVAL_METHOD != 0
#error "nlut quantisers need FLT_EVAL_METHOD == 0 (binary32 float arithmetic)"
#endif

/*
 * t = (x - offset) * scale, each step rounded to binary32; the code is t
 * rounded half to even, 0 for NaN and below, 2^bits - 1 above. Without
 * branches on the data: t is clamped to [0, max] (a NaN fails `t > 0` and
 * becomes 0), then t + 2^23 lands in [2^23, 2^24), where binary32 steps are
 * 1, so the addition rounds t half to even (2^23 is even) in the default
 * rounding mode, and subtracting 2^23 again is exact.
 */
static inline uint16_t nlut_quant_rule(const struct nlut_quant *q, float x)
{
	float t = (x - q->offset) * q->scale;
	float max = (float)((1u << q->bits) - 1u);

	t = t > 0.0f ? t : 0.0f;
	t = t < max ? t : max;
	t = (t + 8388608.0f) - 8388608.0f;
	return (uint16_t)t;
}

#endif /* NLUT_QUANT_RULE_H */
