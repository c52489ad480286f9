/* quant.c - the exact float -> code rule of the input quantisers. */
#include <nlut/model.h>

#include "internal.h"
#include "quant_rule.h"

NLUT_API uint16_t nlut_quant_code(const struct nlut_quant *q, float x)
{
	return nlut_quant_rule(q, x);
}
