/* random_model.c - seeded random models and codes for tests and benchmarks. */
#include <stdlib.h>

#include "random_model.h"

uint64_t rm_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

uint32_t rm_below(uint64_t *s, uint32_t n)
{
	return (uint32_t)((rm_next(s) >> 32) * n >> 32);
}

static uint16_t *random_table(uint64_t *s, unsigned addr_bits, unsigned w)
{
	size_t n = (size_t)1 << addr_bits;
	uint16_t *t = malloc(n * sizeof(*t));

	for (size_t a = 0; t && a < n; a++)
		t[a] = (uint16_t)(rm_next(s) & ((1u << w) - 1u));
	return t;
}

/* A LUT-Dense neuron: random edges, read widths, entries, bias and shift
 * (the bias within the range that keeps some outputs unclamped). */
static int add_dense(nlut_model *m, uint64_t *s, const struct rm_spec *sp, uint32_t l,
		     uint32_t j, uint32_t prev, unsigned prev_bits)
{
	uint32_t maxf = sp->dense_fan_in ? sp->dense_fan_in : 40;
	uint32_t fan = 1 + rm_below(s, maxf);
	uint32_t *src = malloc(fan * sizeof(*src));
	uint8_t *rb = malloc(fan);
	uint16_t **tabs = calloc(fan, sizeof(*tabs));
	uint8_t sub_bits = (uint8_t)(1 + rm_below(s, rm_below(s, 4) ? 6 : 16));
	unsigned w = sp->out_bits[l];
	uint8_t shift = (uint8_t)rm_below(s, sub_bits + 3);
	int32_t bias = (int32_t)rm_below(s, 1u << (sub_bits + 2)) - (1 << (sub_bits + 1));
	int ret = NLUT_ERROR_NO_MEM;

	if (!src || !rb || !tabs)
		goto out;
	for (uint32_t e = 0; e < fan; e++) {
		src[e] = rm_below(s, prev);
		rb[e] = (uint8_t)(1 + rm_below(s, prev_bits));
		if (!(tabs[e] = random_table(s, rb[e], sub_bits)))
			goto out;
	}
	ret = nlut_model_set_neuron_dense(m, l, j, fan, src, rb, (uint8_t)w, sub_bits,
					  (const uint16_t *const *)tabs, bias, shift);
out:
	for (uint32_t e = 0; tabs && e < fan; e++)
		free(tabs[e]);
	free(tabs);
	free(src);
	free(rb);
	return ret;
}

/* A neuron whose address bits stay within budget: fan-in is cut until it fits. */
static int add_neuron(nlut_model *m, uint64_t *s, const struct rm_spec *sp, uint32_t l,
		      uint32_t j, uint32_t prev, unsigned prev_bits)
{
	uint32_t fan = sp->fan_in[l], src[NLUT_MAX_FAN_IN];
	unsigned w = sp->out_bits[l];
	int ret;

	if (sp->dense_pct && rm_below(s, 100) < sp->dense_pct)
		return add_dense(m, s, sp, l, j, prev, prev_bits);
	while (fan > 1 && fan * prev_bits > 16)
		fan--;
	for (uint32_t k = 0; k < fan; k++)
		src[k] = rm_below(s, prev);
	if (fan >= 2 && rm_below(s, 100) < sp->adder_pct) {
		/* Split the fan-in into 2 or 3 sub-tables, last one may be shared. */
		uint32_t n_sub = fan >= 3 ? 2 + rm_below(s, 2) : 2, sub_n[3], sub_in[NLUT_MAX_FAN_IN * 3];
		uint16_t *tabs[3] = { 0 }, *out;
		uint8_t sub_bits = (uint8_t)(2 + rm_below(s, 4));
		uint32_t p = 0;

		for (uint32_t t = 0; t < n_sub; t++) {
			sub_n[t] = 1 + rm_below(s, fan);
			unsigned bits = 0;

			for (uint32_t k = 0; k < sub_n[t]; k++) {
				sub_in[p + k] = rm_below(s, fan);
				bits += prev_bits;
			}
			p += sub_n[t];
			tabs[t] = random_table(s, bits, sub_bits);
		}
		unsigned ab = sub_bits + (n_sub > 2 ? 2 : 1);

		out = random_table(s, ab, w);
		ret = nlut_model_set_neuron_adder(m, l, j, fan, src, (uint8_t)w, sub_bits, n_sub, sub_n,
						  sub_in, (const uint16_t *const *)tabs, out);
		for (uint32_t t = 0; t < n_sub; t++)
			free(tabs[t]);
		free(out);
		return ret;
	}
	uint16_t *t = random_table(s, fan * prev_bits, w);

	ret = nlut_model_set_neuron(m, l, j, fan, src, (uint8_t)w, t);
	free(t);
	return ret;
}

nlut_model *rm_build(const struct rm_spec *sp, uint64_t seed)
{
	uint64_t s = seed;
	struct nlut_quant *q = calloc(sp->n_inputs, sizeof(*q));
	nlut_model *m = NULL;

	if (!q)
		return NULL;
	for (uint32_t i = 0; i < sp->n_inputs; i++) {
		q[i].bits = sp->in_bits;
		q[i].offset = (float)rm_below(&s, 5) - 2.0f;
		q[i].scale = 0.5f + (float)rm_below(&s, 8);
	}
	if (nlut_model_new(sp->n_inputs, q, &m)) {
		free(q);
		return NULL;
	}
	free(q);
	uint32_t prev = sp->n_inputs;
	unsigned prev_bits = sp->in_bits;

	for (uint32_t l = 0; l < sp->n_layers; l++) {
		if (nlut_model_add_layer(m, sp->width[l]) < 0)
			goto fail;
		for (uint32_t j = 0; j < sp->width[l]; j++)
			if (add_neuron(m, &s, sp, l, j, prev, prev_bits))
				goto fail;
		prev = sp->width[l];
		prev_bits = sp->out_bits[l];
	}
	return m;
fail:
	nlut_model_free(m);
	return NULL;
}

void rm_random_spec(struct rm_spec *sp, uint64_t seed)
{
	uint64_t s = seed ^ 0x5EEDull;

	sp->n_inputs = 1 + rm_below(&s, 24);
	sp->in_bits = (uint8_t)(1 + rm_below(&s, 6));
	sp->n_layers = 1 + rm_below(&s, 4);
	for (uint32_t l = 0; l < sp->n_layers; l++) {
		sp->width[l] = 1 + rm_below(&s, 20);
		sp->fan_in[l] = 1 + rm_below(&s, 6);
		sp->out_bits[l] = (uint8_t)(1 + rm_below(&s, rm_below(&s, 4) ? 6 : 12));
	}
	sp->adder_pct = rm_below(&s, 3) ? 20 : 0;
	sp->dense_pct = 0;
	sp->dense_fan_in = 0;
}

void rm_jsc2l_spec(struct rm_spec *sp)
{
	*sp = (struct rm_spec){ .n_inputs = 16, .in_bits = 4, .n_layers = 2,
				.width = { 32, 5 }, .fan_in = { 3, 3 }, .out_bits = { 4, 4 } };
}

void rm_codes(const nlut_model *m, uint64_t seed, size_t n, uint16_t *codes)
{
	uint64_t s = seed;
	uint32_t ni = nlut_model_num_inputs(m);
	const struct nlut_quant *q = nlut_model_quant(m);

	for (size_t r = 0; r < n; r++)
		for (uint32_t i = 0; i < ni; i++)
			codes[r * ni + i] = (uint16_t)(rm_next(&s) & ((1u << q[i].bits) - 1u));
}
