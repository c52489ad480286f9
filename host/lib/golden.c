/* golden.c - the golden model: a model compiled into flat tables and
 * evaluated block by block in structure-of-arrays form. */
#include <stdlib.h>
#include <string.h>

#include "golden_internal.h"
#include "internal.h"

#define B NLUT_GOLDEN_BLOCK

NLUT_API void nlut_golden_free(nlut_golden *g)
{
	if (!g)
		return;
	free(g->in_max);
	free(g->layer_first);
	free(g->layer_size);
	free(g->neurons);
	free(g->subs);
	free(g->in_src);
	free(g->in_shift);
	free(g->tab8);
	free(g->tab16);
	free(g->quant);
	free(g);
}

struct counts {
	size_t inputs, subs, n8, n16;
};

static void count_lookup(struct counts *c, uint32_t n_in, uint32_t addr_bits, unsigned w)
{
	c->inputs += n_in;
	if (w <= 8)
		c->n8 += (size_t)1 << addr_bits;
	else
		c->n16 += (size_t)1 << addr_bits;
}

/* Copy a table into the pool of its width and describe the lookup. */
static void add_lookup(nlut_golden *g, struct counts *c, struct g_lookup *lk,
		       const uint16_t *t, uint32_t addr_bits, unsigned w)
{
	size_t n = (size_t)1 << addr_bits;

	lk->addr_bits = addr_bits;
	lk->wide = w > 8;
	if (lk->wide) {
		lk->table = c->n16;
		memcpy(g->tab16 + c->n16, t, n * sizeof(*t));
		c->n16 += n;
	} else {
		lk->table = c->n8;
		for (size_t a = 0; a < n; a++)
			g->tab8[c->n8 + a] = (uint8_t)t[a];
		c->n8 += n;
	}
}

static void add_inputs(nlut_golden *g, struct counts *c, struct g_lookup *lk,
		       const struct nlut_neuron *n, const uint32_t *pos, uint32_t n_in,
		       uint32_t prev_first)
{
	unsigned shift = 0;

	lk->n_in = n_in;
	lk->in_first = (uint32_t)c->inputs;
	for (uint32_t k = 0; k < n_in; k++) {
		uint32_t p = pos ? pos[k] : k;

		g->in_src[c->inputs] = prev_first + n->src[p];
		g->in_shift[c->inputs] = (uint8_t)shift;
		shift += n->src_bits[p];
		c->inputs++;
	}
}

NLUT_API int nlut_golden_new(const nlut_model *m, nlut_golden **out)
{
	struct counts c = { 0 };
	int err;

	if (!m || !out)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "model or out is NULL");
	*out = NULL;
	if ((err = nlut_model_validate(m)))
		return err;
	nlut_golden *g = calloc(1, sizeof(*g));

	if (!g)
		return nlut_fail(NLUT_ERROR_NO_MEM, "golden model");
	g->n_inputs = nlut_model_num_inputs(m);
	g->n_layers = nlut_model_num_layers(m);
	g->n_classes = nlut_model_num_classes(m);

	/* First pass: sizes. */
	for (uint32_t l = 0; l < g->n_layers; l++) {
		const struct nlut_layer *L = nlut_model_layer(m, l);

		g->n_neurons += L->n_neurons;
		for (uint32_t j = 0; j < L->n_neurons; j++) {
			const struct nlut_neuron *n = &L->neurons[j];

			if (n->kind == NLUT_NEURON_TABLE) {
				count_lookup(&c, n->fan_in, n->addr_bits, n->out_bits);
				continue;
			}
			c.subs += n->n_sub;
			for (uint32_t s = 0; s < n->n_sub; s++)
				count_lookup(&c, n->sub[s].n_in, n->sub[s].addr_bits, n->sub_bits);
			count_lookup(&c, 0, n->addr_bits, n->out_bits);
		}
	}
	g->in_max = malloc(g->n_inputs * sizeof(*g->in_max));
	g->quant = malloc(g->n_inputs * sizeof(*g->quant));
	g->layer_first = malloc(g->n_layers * sizeof(uint32_t));
	g->layer_size = malloc(g->n_layers * sizeof(uint32_t));
	g->neurons = calloc(g->n_neurons, sizeof(*g->neurons));
	g->subs = calloc(c.subs ? c.subs : 1, sizeof(*g->subs));
	g->in_src = malloc((c.inputs ? c.inputs : 1) * sizeof(*g->in_src));
	g->in_shift = malloc(c.inputs ? c.inputs : 1);
	g->tab8 = malloc(c.n8 ? c.n8 : 1);
	g->tab16 = malloc((c.n16 ? c.n16 : 1) * sizeof(uint16_t));
	if (!g->in_max || !g->quant || !g->layer_first || !g->layer_size || !g->neurons ||
	    !g->subs || !g->in_src || !g->in_shift || !g->tab8 || !g->tab16) {
		nlut_golden_free(g);
		return nlut_fail(NLUT_ERROR_NO_MEM, "golden model tables");
	}
	memcpy(g->quant, nlut_model_quant(m), g->n_inputs * sizeof(*g->quant));
	for (uint32_t i = 0; i < g->n_inputs; i++)
		g->in_max[i] = (uint16_t)((1u << g->quant[i].bits) - 1u);

	/* Second pass: fill. */
	memset(&c, 0, sizeof(c));
	uint32_t slot = g->n_inputs, prev_first = 0, ni = 0;

	for (uint32_t l = 0; l < g->n_layers; l++) {
		const struct nlut_layer *L = nlut_model_layer(m, l);

		g->layer_first[l] = slot;
		g->layer_size[l] = L->n_neurons;
		for (uint32_t j = 0; j < L->n_neurons; j++, ni++) {
			const struct nlut_neuron *n = &L->neurons[j];
			struct g_neuron *gn = &g->neurons[ni];

			gn->kind = n->kind;
			if (n->kind == NLUT_NEURON_TABLE) {
				add_inputs(g, &c, &gn->out, n, NULL, n->fan_in, prev_first);
				add_lookup(g, &c, &gn->out, n->table, n->addr_bits, n->out_bits);
				continue;
			}
			gn->sub_bits = n->sub_bits;
			gn->n_sub = n->n_sub;
			gn->sub_first = (uint32_t)c.subs;
			for (uint32_t s = 0; s < n->n_sub; s++) {
				struct g_lookup *lk = &g->subs[c.subs++];

				add_inputs(g, &c, lk, n, n->sub[s].in, n->sub[s].n_in, prev_first);
				add_lookup(g, &c, lk, n->sub[s].table, n->sub[s].addr_bits, n->sub_bits);
			}
			add_lookup(g, &c, &gn->out, n->table, n->addr_bits, n->out_bits);
		}
		prev_first = slot;
		slot += L->n_neurons;
	}
	*out = g;
	return NLUT_SUCCESS;
}

NLUT_API uint32_t nlut_golden_num_inputs(const nlut_golden *g)
{
	return g->n_inputs;
}

NLUT_API uint32_t nlut_golden_num_classes(const nlut_golden *g)
{
	return g->n_classes;
}

NLUT_API uint32_t nlut_golden_num_neurons(const nlut_golden *g)
{
	return g->n_neurons;
}

/* addr[b] = concatenation of the lookup's inputs for each of n vectors. */
static inline void gather_addr(const nlut_golden *g, const struct g_lookup *lk,
			       const uint16_t *act, uint32_t *addr, unsigned n)
{
	const uint32_t *src = g->in_src + lk->in_first;
	const uint8_t *sh = g->in_shift + lk->in_first;
	const uint16_t *a0 = act + (size_t)src[0] * B;

	for (unsigned b = 0; b < n; b++)
		addr[b] = a0[b];
	for (uint32_t k = 1; k < lk->n_in; k++) {
		const uint16_t *ak = act + (size_t)src[k] * B;
		unsigned s = sh[k];

		for (unsigned b = 0; b < n; b++)
			addr[b] |= (uint32_t)ak[b] << s;
	}
}

static inline void lookup(const nlut_golden *g, const struct g_lookup *lk,
			  const uint32_t *addr, uint16_t *out, unsigned n)
{
	if (lk->wide) {
		const uint16_t *t = g->tab16 + lk->table;

		for (unsigned b = 0; b < n; b++)
			out[b] = t[addr[b]];
	} else {
		const uint8_t *t = g->tab8 + lk->table;

		for (unsigned b = 0; b < n; b++)
			out[b] = t[addr[b]];
	}
}

void nlut_golden_block(const nlut_golden *g, uint16_t *act, unsigned n)
{
	uint32_t addr[B], sum[B];
	uint16_t part[B];
	uint16_t *out = act + (size_t)g->n_inputs * B;

	for (uint32_t i = 0; i < g->n_neurons; i++, out += B) {
		const struct g_neuron *gn = &g->neurons[i];

		if (gn->kind == NLUT_NEURON_TABLE) {
			gather_addr(g, &gn->out, act, addr, n);
			lookup(g, &gn->out, addr, out, n);
			continue;
		}
		/* Adder: sign-extend each sub_bits-wide entry and sum modulo
		 * 2^addr_bits, which is the output table's address. */
		uint32_t sign = 1u << (gn->sub_bits - 1);
		uint32_t mask = (uint32_t)((1ull << gn->out.addr_bits) - 1u);

		memset(sum, 0, n * sizeof(*sum));
		for (uint32_t s = 0; s < gn->n_sub; s++) {
			const struct g_lookup *lk = &g->subs[gn->sub_first + s];

			gather_addr(g, lk, act, addr, n);
			lookup(g, lk, addr, part, n);
			for (unsigned b = 0; b < n; b++)
				sum[b] += (part[b] ^ sign) - sign;
		}
		for (unsigned b = 0; b < n; b++)
			addr[b] = sum[b] & mask;
		lookup(g, &gn->out, addr, out, n);
	}
}

int nlut_golden_load_codes(const nlut_golden *g, uint16_t *act, const uint16_t *codes,
			   unsigned n, size_t first_index)
{
	for (unsigned b = 0; b < n; b++) {
		const uint16_t *row = codes + (size_t)b * g->n_inputs;

		for (uint32_t i = 0; i < g->n_inputs; i++) {
			if (row[i] > g->in_max[i])
				return nlut_fail(NLUT_ERROR_INVALID_PARAM,
						 "vector %zu feature %u: code %u exceeds the %u-bit input",
						 first_index + b, i, row[i], g->quant[i].bits);
			act[(size_t)i * B + b] = row[i];
		}
	}
	return NLUT_SUCCESS;
}

void nlut_golden_load_floats(const nlut_golden *g, uint16_t *act, const float *x, unsigned n)
{
	for (unsigned b = 0; b < n; b++) {
		const float *row = x + (size_t)b * g->n_inputs;

		for (uint32_t i = 0; i < g->n_inputs; i++)
			act[(size_t)i * B + b] = nlut_quant_code(&g->quant[i], row[i]);
	}
}

NLUT_API uint32_t nlut_argmax(const uint16_t *scores, uint32_t n)
{
	uint32_t best = 0;

	for (uint32_t c = 1; c < n; c++)
		if (scores[c] > scores[best])
			best = c;
	return best;
}

void nlut_golden_store(const nlut_golden *g, const uint16_t *act, unsigned n,
		       uint16_t *scores, uint32_t *cls)
{
	const uint16_t *last = act + (size_t)g->layer_first[g->n_layers - 1] * B;
	uint32_t nc = g->n_classes;

	for (unsigned b = 0; b < n; b++) {
		uint32_t best = 0;
		uint16_t bv = last[b];

		for (uint32_t c = 0; c < nc; c++) {
			uint16_t v = last[(size_t)c * B + b];

			if (scores)
				scores[(size_t)b * nc + c] = v;
			if (v > bv) {
				bv = v;
				best = c;
			}
		}
		if (cls)
			cls[b] = best;
	}
}

static uint16_t *scratch(const nlut_golden *g)
{
	return malloc(((size_t)g->n_inputs + g->n_neurons) * B * sizeof(uint16_t));
}

NLUT_API int nlut_golden_eval(const nlut_golden *g, const uint16_t *codes, uint16_t *scores,
			      uint32_t *cls)
{
	if (!g || !codes)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "golden model or codes is NULL");
	uint16_t *act = scratch(g);

	if (!act)
		return nlut_fail(NLUT_ERROR_NO_MEM, "evaluation buffer");
	int err = nlut_golden_load_codes(g, act, codes, 1, 0);

	if (!err) {
		nlut_golden_block(g, act, 1);
		nlut_golden_store(g, act, 1, scores, cls);
	}
	free(act);
	return err;
}

NLUT_API int nlut_golden_trace(const nlut_golden *g, const uint16_t *codes, uint16_t *acts)
{
	if (!g || !codes || !acts)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "golden model, codes or acts is NULL");
	uint16_t *act = scratch(g);

	if (!act)
		return nlut_fail(NLUT_ERROR_NO_MEM, "evaluation buffer");
	int err = nlut_golden_load_codes(g, act, codes, 1, 0);

	if (!err) {
		nlut_golden_block(g, act, 1);
		for (uint32_t i = 0; i < g->n_neurons; i++)
			acts[i] = act[((size_t)g->n_inputs + i) * B];
	}
	free(act);
	return err;
}
