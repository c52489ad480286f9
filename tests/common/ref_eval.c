/* ref_eval.c - the naive reference evaluator (see ref_eval.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ref_eval.h"

static uint32_t address(const struct nlut_neuron *n, const uint16_t *prev,
			const uint32_t *pos, uint32_t n_in)
{
	uint32_t addr = 0, shift = 0;

	for (uint32_t k = 0; k < n_in; k++) {
		uint32_t p = pos ? pos[k] : k;

		addr += (uint32_t)prev[n->src[p]] * (1u << shift);
		shift += n->src_bits[p];
	}
	return addr;
}

static uint16_t neuron(const struct nlut_neuron *n, const uint16_t *prev)
{
	if (n->kind == NLUT_NEURON_TABLE)
		return n->table[address(n, prev, NULL, n->fan_in)];
	long sum = 0;

	if (n->kind == NLUT_NEURON_DENSE) {
		/* floor((bias + sum) / 2^shift), clamped: written as division. */
		sum = n->bias;
		for (uint32_t e = 0; e < n->fan_in; e++) {
			unsigned drop = n->src_bits[e] - n->sub[e].addr_bits;
			long v = n->sub[e].table[prev[n->src[e]] / (1u << drop)];

			if (v >= (1L << (n->sub_bits - 1)))
				v -= 1L << n->sub_bits;
			sum += v;
		}
		long d = 1L << n->shift, q = sum >= 0 ? sum / d : -((-sum + d - 1) / d);
		long top = (1L << n->out_bits) - 1;

		return (uint16_t)(q < 0 ? 0 : q > top ? top : q);
	}

	for (uint32_t s = 0; s < n->n_sub; s++) {
		long v = n->sub[s].table[address(n, prev, n->sub[s].in, n->sub[s].n_in)];

		if (v >= (1L << (n->sub_bits - 1)))
			v -= 1L << n->sub_bits;
		sum += v;
	}
	long size = 1L << n->addr_bits;

	return n->table[((sum % size) + size) % size];
}

uint32_t ref_eval(const nlut_model *m, const uint16_t *codes, uint16_t *scores)
{
	uint32_t ni = nlut_model_num_inputs(m);
	uint16_t *prev = malloc(ni * sizeof(*prev)), *cur = NULL;

	memcpy(prev, codes, ni * sizeof(*prev));
	for (uint32_t l = 0; l < nlut_model_num_layers(m); l++) {
		const struct nlut_layer *L = nlut_model_layer(m, l);

		cur = malloc(L->n_neurons * sizeof(*cur));
		for (uint32_t j = 0; j < L->n_neurons; j++)
			cur[j] = neuron(&L->neurons[j], prev);
		free(prev);
		prev = cur;
	}
	uint32_t nc = nlut_model_num_classes(m), best = 0;
	int th_signed;
	int32_t th;

	/* Threshold (format 1.2): one neuron; class 1 iff its code, read as
	 * stated, >= T; scores one-hot. */
	if (nlut_model_threshold(m, &th_signed, &th)) {
		unsigned w = nlut_model_layer(m, nlut_model_num_layers(m) - 1)->neurons[0].out_bits;
		int64_t v = prev[0];

		if (th_signed && v >= (1ll << (w - 1)))
			v -= 1ll << w;
		best = v >= th;
		if (scores) {
			scores[0] = (uint16_t)(best == 0);
			scores[1] = (uint16_t)(best == 1);
		}
		free(prev);
		return best;
	}
	/* Group sum (format 1.1): class c's score adds neurons c*G .. c*G+G-1. */
	uint32_t G = nlut_model_layer(m, nlut_model_num_layers(m) - 1)->n_neurons / nc;
	uint32_t *sc = calloc(nc, sizeof(*sc));

	for (uint32_t c = 0; c < nc; c++) {
		for (uint32_t k = 0; k < G; k++)
			sc[c] += prev[c * G + k];
		if (scores)
			scores[c] = (uint16_t)sc[c];
		if (sc[c] > sc[best])
			best = c;
	}
	free(sc);
	free(prev);
	return best;
}

uint16_t ref_quant(const struct nlut_quant *q, float x)
{
	/* binary32 steps as the spec says, then rounding by the C library. */
	float d = x - q->offset;
	float t = d * q->scale;
	double max = (double)((1u << q->bits) - 1u);
	double r;

	if (isnan(t))
		return 0;
	r = rint((double)t); /* default rounding mode: nearest, ties to even */
	if (r < 0)
		r = 0;
	if (r > max)
		r = max;
	return (uint16_t)r;
}
