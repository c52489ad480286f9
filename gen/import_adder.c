/* import_adder.c - PolyLUT-Add's layer pairs as nlut adder neurons. The
 * importer reads PolyLUT-Add's layer<k> (two sub-tables per neuron) and
 * adder<k> (one table per neuron over its two sub-tables' codes) as two table
 * layers; where every adder table depends only on the sum of its two codes
 * read as two's complement, the pair is one layer of nlut adder neurons
 * (format kind 1): the same function, one table of w + 1 address bits instead
 * of 2w per neuron, one layer less. */
#include <stdlib.h>
#include <string.h>

#include "gen_private.h"

/* Two's complement value of a w-bit code. */
static int32_t sext(uint32_t c, unsigned w)
{
	return (int32_t)(c ^ (1u << (w - 1))) - (int32_t)(1u << (w - 1));
}

/*
 * Can layer a (adder tables) of m fold into layer a - 1 (sub-tables)? Every
 * neuron of a: a table over two sources of a - 1 of one width w, each source
 * read by exactly one neuron, the table a function of sext(c0) + sext(c1);
 * the merged fan-in within the limit. out_tables[j] (2^(w+1) entries, index =
 * the sum's (w+1)-bit pattern, the one unreachable entry 0) on success.
 */
static int foldable(const nlut_model *m, uint32_t a, uint16_t **out_tables)
{
	const struct nlut_layer *A = nlut_model_layer(m, a), *S = nlut_model_layer(m, a - 1);
	uint8_t *used = calloc(S->n_neurons, 1);
	int ok = used != NULL;

	for (uint32_t j = 0; ok && j < A->n_neurons; j++) {
		const struct nlut_neuron *n = &A->neurons[j];

		if (n->kind != NLUT_NEURON_TABLE || n->fan_in != 2 || n->src_bits[0] != n->src_bits[1] ||
		    n->src_bits[0] >= NLUT_MAX_CODE_BITS)
			ok = 0;
		for (uint32_t k = 0; ok && k < 2; k++) {
			const struct nlut_neuron *s = &S->neurons[n->src[k]];

			if (used[n->src[k]]++ || s->kind != NLUT_NEURON_TABLE)
				ok = 0;
		}
		if (!ok)
			break;
		if (S->neurons[n->src[0]].fan_in + S->neurons[n->src[1]].fan_in > NLUT_MAX_FAN_IN)
			ok = 0;
		unsigned w = n->src_bits[0];
		uint32_t size = 1u << (w + 1);
		uint16_t *t = calloc(size, sizeof(*t));
		uint8_t *seen = calloc(size, 1);

		if (!t || !seen) {
			free(t);
			free(seen);
			ok = 0;
			break;
		}
		for (uint32_t c0 = 0; ok && c0 < (1u << w); c0++)
			for (uint32_t c1 = 0; ok && c1 < (1u << w); c1++) {
				uint32_t s = (uint32_t)(sext(c0, w) + sext(c1, w)) & (size - 1);
				uint16_t v = n->table[c0 | c1 << w];

				if (seen[s] && t[s] != v)
					ok = 0;
				seen[s] = 1;
				t[s] = v;
			}
		free(seen);
		out_tables[j] = t;
	}
	for (uint32_t i = 0; ok && i < S->n_neurons; i++)
		ok = used[i] == 1;
	free(used);
	return ok;
}

/* The layer of adder neurons replacing layers a - 1 and a of m, as layer l of
 * nm. */
static int add_folded(const nlut_model *m, uint32_t a, uint16_t *const *tabs, nlut_model *nm,
		      uint32_t l)
{
	const struct nlut_layer *A = nlut_model_layer(m, a), *S = nlut_model_layer(m, a - 1);
	int ret = 0;

	if (nlut_model_add_layer(nm, A->n_neurons) < 0)
		return ng_pass(NLUT_ERROR_INVALID_PARAM, "adder layer");
	for (uint32_t j = 0; j < A->n_neurons && !ret; j++) {
		const struct nlut_neuron *n = &A->neurons[j];
		const struct nlut_neuron *s0 = &S->neurons[n->src[0]], *s1 = &S->neurons[n->src[1]];
		uint32_t src[NLUT_MAX_FAN_IN], sub_in[NLUT_MAX_FAN_IN], sub_n[2] = { s0->fan_in, s1->fan_in };
		const uint16_t *subs[2] = { s0->table, s1->table };
		uint32_t f = 0;

		for (uint32_t k = 0; k < s0->fan_in; k++, f++) {
			src[f] = s0->src[k];
			sub_in[f] = f;
		}
		for (uint32_t k = 0; k < s1->fan_in; k++, f++) {
			src[f] = s1->src[k];
			sub_in[f] = f;
		}
		ret = nlut_model_set_neuron_adder(nm, l, j, f, src, n->out_bits, n->src_bits[0], 2, sub_n,
						  sub_in, subs, tabs[j]);
		if (ret)
			ret = ng_pass(ret, "adder neuron");
	}
	return ret;
}

static void free_tabs(uint16_t **t, uint32_t n)
{
	if (!t)
		return;
	for (uint32_t j = 0; j < n; j++)
		free(t[j]);
	free(t);
}

int ng_import_fold_adders(nlut_model **mp, const uint8_t *adder_layer)
{
	nlut_model *m = *mp, *nm = NULL;
	uint32_t L = nlut_model_num_layers(m), nl = 0, cnt[NLUT_MAX_LAYERS];
	uint16_t **tabs[NLUT_MAX_LAYERS] = { 0 };
	int any = 0, ret = 0;

	for (uint32_t l = 0; l < L; l++) {
		const struct nlut_layer *Ly = nlut_model_layer(m, l);

		cnt[l] = Ly->n_neurons;
		for (uint32_t j = 0; j < Ly->n_neurons; j++)
			if (Ly->neurons[j].kind != NLUT_NEURON_TABLE)
				return 0; /* not PolyLUT-Add's layout */
	}
	for (uint32_t a = 1; a < L && !ret; a++) {
		if (!adder_layer[a] || adder_layer[a - 1] || tabs[a - 1])
			continue;
		if (!(tabs[a] = calloc(cnt[a], sizeof(*tabs[a])))) {
			ret = ng_fail(NLUT_ERROR_NO_MEM, "out of memory");
		} else if (foldable(m, a, tabs[a])) {
			any = 1;
		} else {
			free_tabs(tabs[a], cnt[a]);
			tabs[a] = NULL;
		}
	}
	if (any && !ret && !(ret = nlut_model_new(nlut_model_num_inputs(m), nlut_model_quant(m), &nm))) {
		for (uint32_t l = 0; l < L && !ret; l++, nl++) {
			if (l + 1 < L && tabs[l + 1]) {
				ret = add_folded(m, l + 1, tabs[l + 1], nm, nl);
				l++;
				continue;
			}
			const struct nlut_layer *Ly = nlut_model_layer(m, l);

			if (nlut_model_add_layer(nm, Ly->n_neurons) < 0) {
				ret = ng_pass(NLUT_ERROR_INVALID_PARAM, "layer");
				break;
			}
			/* Sources of a layer after a folded pair index the adder
			 * layer's neurons, as before: unchanged. */
			for (uint32_t j = 0; j < Ly->n_neurons && !ret; j++) {
				const struct nlut_neuron *n = &Ly->neurons[j];

				if ((ret = nlut_model_set_neuron(nm, nl, j, n->fan_in, n->src, n->out_bits,
								 n->table)))
					ret = ng_pass(ret, "layer");
			}
		}
		if (ret) {
			/* Not expressible as adder neurons after all: the two
			 * table layers stand (they compute the same). */
			nlut_model_free(nm);
			if (ret != NLUT_ERROR_NO_MEM)
				ret = 0;
		} else {
			nlut_model_free(m);
			*mp = nm;
		}
	}
	for (uint32_t a = 0; a < L; a++)
		free_tabs(tabs[a], cnt[a]);
	return ret;
}
