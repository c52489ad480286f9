/* quant.c - the exact float -> code rule of the input quantisers. */
#include <float.h>
#include <math.h>

#include <nlut/model.h>

#include "internal.h"

/* The rule is defined on binary32 arithmetic (docs/model-format.md). */
#if !defined(FLT_EVAL_METHOD) || FLT_EVAL_METHOD != 0
#error "nlut quantisers need FLT_EVAL_METHOD == 0 (binary32 float arithmetic)"
#endif

NLUT_API uint16_t nlut_quant_code(const struct nlut_quant *q, float x)
{
	float d = x - q->offset;
	float t = d * q->scale;
	float max = (float)((1u << q->bits) - 1u);

	if (isnan(t) || t <= 0.5f)
		return 0;
	if (t >= max)
		return (uint16_t)max;
	uint32_t n = (uint32_t)t;
	float f = t - (float)n;

	if (f > 0.5f || (f == 0.5f && (n & 1u)))
		n++;
	return (uint16_t)n;
}
