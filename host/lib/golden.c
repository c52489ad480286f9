/* golden.c - the golden model: a model compiled into flat tables and
 * evaluated block by block in structure-of-arrays form. */
#include <stdlib.h>
#include <string.h>

#include "golden_internal.h"
#include "internal.h"
#include "quant_rule.h"

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
	g->group = nlut_model_group_size(m);
	if (nlut_model_threshold(m, &g->thr_signed, &g->thr_t)) {
		const struct nlut_layer *LL = nlut_model_layer(m, g->n_layers - 1);

		g->thr = 1;
		g->thr_w = LL->neurons[0].out_bits;
	}

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
			if (n->kind == NLUT_NEURON_ADDER)
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
			if (n->kind == NLUT_NEURON_DENSE) {
				gn->bias = n->bias;
				gn->shift = n->shift;
				gn->out_max = (uint16_t)((1u << n->out_bits) - 1u);
				for (uint32_t e = 0; e < n->fan_in; e++) {
					struct g_lookup *lk = &g->subs[c.subs++];

					add_inputs(g, &c, lk, n, n->sub[e].in, 1, prev_first);
					g->in_shift[lk->in_first] =
						(uint8_t)(n->src_bits[e] - n->sub[e].addr_bits);
					add_lookup(g, &c, lk, n->sub[e].table, n->sub[e].addr_bits,
						   n->sub_bits);
				}
				continue;
			}
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

/*
 * The kernels are compiled twice, for AVX2 and for the baseline, and chosen
 * at load time; the arithmetic is integer, so every clone gives the same bits.
 */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_ADDRESS__)
#define KERNEL __attribute__((target_clones("avx2", "default")))
#else
#define KERNEL
#endif
#define INLINE static inline __attribute__((always_inline))

/* addr[b] = concatenation of the lookup's inputs, one pass over the rows. */
INLINE void gather_addr(const nlut_golden *g, const struct g_lookup *lk, const uint16_t *act,
			uint32_t *restrict addr)
{
	const uint32_t *src = g->in_src + lk->in_first;
	const uint8_t *sh = g->in_shift + lk->in_first;
	const uint16_t *a0 = act + (size_t)src[0] * B;

	switch (lk->n_in) {
	case 1:
		for (unsigned b = 0; b < B; b++)
			addr[b] = a0[b];
		return;
	case 2: {
		const uint16_t *a1 = act + (size_t)src[1] * B;
		unsigned s1 = sh[1];

		for (unsigned b = 0; b < B; b++)
			addr[b] = (uint32_t)a0[b] | (uint32_t)a1[b] << s1;
		return;
	}
	case 3: {
		const uint16_t *a1 = act + (size_t)src[1] * B, *a2 = act + (size_t)src[2] * B;
		unsigned s1 = sh[1], s2 = sh[2];

		for (unsigned b = 0; b < B; b++)
			addr[b] = (uint32_t)a0[b] | (uint32_t)a1[b] << s1 | (uint32_t)a2[b] << s2;
		return;
	}
	case 4: {
		const uint16_t *a1 = act + (size_t)src[1] * B, *a2 = act + (size_t)src[2] * B;
		const uint16_t *a3 = act + (size_t)src[3] * B;
		unsigned s1 = sh[1], s2 = sh[2], s3 = sh[3];

		for (unsigned b = 0; b < B; b++)
			addr[b] = (uint32_t)a0[b] | (uint32_t)a1[b] << s1 | (uint32_t)a2[b] << s2 |
				  (uint32_t)a3[b] << s3;
		return;
	}
	default:
		for (unsigned b = 0; b < B; b++)
			addr[b] = a0[b];
		for (uint32_t k = 1; k < lk->n_in; k++) {
			const uint16_t *ak = act + (size_t)src[k] * B;
			unsigned s = sh[k];

			for (unsigned b = 0; b < B; b++)
				addr[b] |= (uint32_t)ak[b] << s;
		}
	}
}

INLINE void lookup(const nlut_golden *g, const struct g_lookup *lk, const uint32_t *restrict addr,
		   uint16_t *restrict out)
{
	if (lk->wide) {
		const uint16_t *t = g->tab16 + lk->table;

		for (unsigned b = 0; b < B; b++)
			out[b] = t[addr[b]];
	} else {
		const uint8_t *t = g->tab8 + lk->table;

		for (unsigned b = 0; b < B; b++)
			out[b] = t[addr[b]];
	}
}

/* LUT-Dense: each edge's entry at its source's top bits, sign-extended and
 * summed with the bias (exact in 32 bits by the format's limits), then
 * shifted (arithmetic) and clamped to the output code. */
INLINE void dense_neuron(const nlut_golden *g, const struct g_neuron *gn, const uint16_t *act,
			 uint16_t *restrict out)
{
	int32_t acc[B];
	int32_t sign = 1 << (gn->sub_bits - 1);

	for (unsigned b = 0; b < B; b++)
		acc[b] = gn->bias;
	for (uint32_t e = 0; e < gn->n_sub; e++) {
		const struct g_lookup *lk = &g->subs[gn->sub_first + e];
		const uint16_t *a = act + (size_t)g->in_src[lk->in_first] * B;
		unsigned rs = g->in_shift[lk->in_first];

		if (lk->wide) {
			const uint16_t *t = g->tab16 + lk->table;

			for (unsigned b = 0; b < B; b++)
				acc[b] += ((int32_t)t[a[b] >> rs] ^ sign) - sign;
		} else {
			const uint8_t *t = g->tab8 + lk->table;

			for (unsigned b = 0; b < B; b++)
				acc[b] += ((int32_t)t[a[b] >> rs] ^ sign) - sign;
		}
	}
	for (unsigned b = 0; b < B; b++) {
		int32_t v = acc[b] >> gn->shift; /* gcc, clang: arithmetic */

		out[b] = (uint16_t)(v < 0 ? 0 : v > gn->out_max ? gn->out_max : v);
	}
}

KERNEL void nlut_golden_block(const nlut_golden *g, uint16_t *act)
{
	uint32_t addr[B], sum[B];
	uint16_t part[B];
	uint16_t *out = act + (size_t)g->n_inputs * B;

	for (uint32_t i = 0; i < g->n_neurons; i++, out += B) {
		const struct g_neuron *gn = &g->neurons[i];

		if (gn->kind == NLUT_NEURON_TABLE) {
			gather_addr(g, &gn->out, act, addr);
			lookup(g, &gn->out, addr, out);
			continue;
		}
		if (gn->kind == NLUT_NEURON_DENSE) {
			dense_neuron(g, gn, act, out);
			continue;
		}
		/* Adder: sign-extend each sub_bits-wide entry and sum modulo
		 * 2^addr_bits, which is the output table's address. */
		uint32_t sign = 1u << (gn->sub_bits - 1);
		uint32_t mask = (uint32_t)((1ull << gn->out.addr_bits) - 1u);

		memset(sum, 0, sizeof(sum));
		for (uint32_t s = 0; s < gn->n_sub; s++) {
			const struct g_lookup *lk = &g->subs[gn->sub_first + s];

			gather_addr(g, lk, act, addr);
			lookup(g, lk, addr, part);
			for (unsigned b = 0; b < B; b++)
				sum[b] += (part[b] ^ sign) - sign;
		}
		for (unsigned b = 0; b < B; b++)
			addr[b] = sum[b] & mask;
		lookup(g, &gn->out, addr, out);
	}
}

/* The kernels always run a whole block: give unused lanes code 0, which is
 * valid for every input, so their table addresses stay in range. */
static void pad_tail(const nlut_golden *g, uint16_t *act, unsigned n)
{
	if (n < B)
		for (uint32_t i = 0; i < g->n_inputs; i++)
			memset(act + (size_t)i * B + n, 0, (B - n) * sizeof(*act));
}

static int bad_code(const nlut_golden *g, const uint16_t *codes, unsigned n, size_t first_index)
{
	for (unsigned b = 0; b < n; b++)
		for (uint32_t i = 0; i < g->n_inputs; i++)
			if (codes[(size_t)b * g->n_inputs + i] > g->in_max[i])
				return nlut_fail(NLUT_ERROR_INVALID_PARAM,
						 "vector %zu feature %u: code %u exceeds the %u-bit input",
						 first_index + b, i, codes[(size_t)b * g->n_inputs + i],
						 g->quant[i].bits);
	return NLUT_SUCCESS;
}

KERNEL int nlut_golden_load_codes(const nlut_golden *g, uint16_t *act, const uint16_t *codes,
				  unsigned n, size_t first_index)
{
	uint16_t over = 0;

	/* Transpose to slot-major, one input row at a time: the stores are
	 * contiguous and the range check folds into the same pass; the culprit
	 * is named only on the slow path. */
	for (uint32_t i = 0; i < g->n_inputs; i++) {
		uint16_t *a = act + (size_t)i * B;
		const uint16_t *c = codes + i;
		uint16_t max = g->in_max[i];
		size_t stride = g->n_inputs;

		for (unsigned b = 0; b < n; b++) {
			uint16_t v = c[b * stride];

			a[b] = v;
			over |= (uint16_t)(v > max);
		}
	}
	pad_tail(g, act, n);
	return over ? bad_code(g, codes, n, first_index) : NLUT_SUCCESS;
}

void nlut_golden_load_floats(const nlut_golden *g, uint16_t *act, const float *x, unsigned n)
{
	for (unsigned b = 0; b < n; b++) {
		const float *row = x + (size_t)b * g->n_inputs;

		for (uint32_t i = 0; i < g->n_inputs; i++)
			act[(size_t)i * B + b] = nlut_quant_rule(&g->quant[i], row[i]);
	}
	pad_tail(g, act, n);
}

NLUT_API uint32_t nlut_argmax(const uint16_t *scores, uint32_t n)
{
	uint32_t best = 0;

	for (uint32_t c = 1; c < n; c++)
		if (scores[c] > scores[best])
			best = c;
	return best;
}

/* Group sums of the last layer, in place: class c's sum goes to row c,
 * which belongs to group c / G <= c, already read (row 0 is its own group's
 * first row). The model guarantees every sum fits 16 bits. */
INLINE void group_sums(const nlut_golden *g, uint16_t *last)
{
	for (uint32_t c = 0; c < g->n_classes; c++) {
		const uint16_t *v = last + (size_t)c * g->group * B;
		uint16_t *s = last + (size_t)c * B;

		if (c)
			memcpy(s, v, B * sizeof(*s));
		for (uint32_t k = 1; k < g->group; k++)
			for (unsigned b = 0; b < B; b++)
				s[b] = (uint16_t)(s[b] + v[(size_t)k * B + b]);
	}
}

KERNEL void nlut_golden_store(const nlut_golden *g, uint16_t *act, unsigned n,
			      uint16_t *scores, uint32_t *cls)
{
	uint16_t *last = act + (size_t)g->layer_first[g->n_layers - 1] * B;
	uint32_t nc = g->n_classes;
	uint16_t best_v[B];
	uint32_t best_c[B];

	if (g->thr) {
		/* Threshold: one code per vector, one-hot scores. */
		uint32_t sign = g->thr_signed ? 1u << (g->thr_w - 1) : 0u;

		for (unsigned b = 0; b < n; b++) {
			int32_t v = (int32_t)(((uint32_t)last[b] ^ sign)) - (int32_t)sign;
			uint32_t d = v >= g->thr_t;

			if (cls)
				cls[b] = d;
			if (scores) {
				scores[(size_t)b * 2] = (uint16_t)!d;
				scores[(size_t)b * 2 + 1] = (uint16_t)d;
			}
		}
		return;
	}
	if (g->group > 1)
		group_sums(g, last);
	/* Class-outer so the comparisons run across the block; strict > keeps
	 * the lowest index on ties. */
	memcpy(best_v, last, sizeof(best_v));
	memset(best_c, 0, sizeof(best_c));
	for (uint32_t c = 1; c < nc; c++) {
		const uint16_t *v = last + (size_t)c * B;

		for (unsigned b = 0; b < B; b++) {
			int gt = v[b] > best_v[b];

			best_v[b] = gt ? v[b] : best_v[b];
			best_c[b] = gt ? c : best_c[b];
		}
	}
	if (cls)
		memcpy(cls, best_c, n * sizeof(*cls));
	if (scores)
		for (unsigned b = 0; b < n; b++)
			for (uint32_t c = 0; c < nc; c++)
				scores[(size_t)b * nc + c] = last[(size_t)c * B + b];
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
		nlut_golden_block(g, act);
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
		nlut_golden_block(g, act);
		for (uint32_t i = 0; i < g->n_neurons; i++)
			acts[i] = act[((size_t)g->n_inputs + i) * B];
	}
	free(act);
	return err;
}
