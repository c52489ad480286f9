/* model.c - model lifetime and read-only accessors. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "model_internal.h"

const uint8_t nlut_magic[8] = { 0x89, 'N', 'L', 'T', '\r', '\n', 0x1A, '\n' };

nlut_model *nlut_model_alloc(uint32_t n_inputs)
{
	nlut_model *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->n_inputs = n_inputs;
	m->quant = calloc(n_inputs ? n_inputs : 1, sizeof(*m->quant));
	m->layers = calloc(NLUT_MAX_LAYERS, sizeof(*m->layers));
	m->meta = calloc(NLUT_MAX_META, sizeof(*m->meta));
	m->ver_major = NLUT_FMT_MAJOR;
	m->ver_minor = NLUT_FMT_MINOR;
	if (!m->quant || !m->layers || !m->meta) {
		nlut_model_free(m);
		return NULL;
	}
	return m;
}

void nlut_neuron_release(struct nlut_neuron *n)
{
	free(n->src);
	free(n->src_bits);
	free(n->table);
	for (uint32_t s = 0; n->sub && s < n->n_sub; s++) {
		free(n->sub[s].in);
		free(n->sub[s].table);
	}
	free(n->sub);
	memset(n, 0, sizeof(*n));
}

NLUT_API void nlut_model_free(nlut_model *m)
{
	if (!m)
		return;
	for (uint32_t l = 0; m->layers && l < m->n_layers; l++) {
		struct nlut_layer *L = &m->layers[l];

		for (uint32_t j = 0; L->neurons && j < L->n_neurons; j++)
			nlut_neuron_release(&L->neurons[j]);
		free(L->neurons);
	}
	for (uint32_t i = 0; m->meta && i < m->n_meta; i++) {
		free(m->meta[i].key);
		free(m->meta[i].value);
	}
	free(m->meta);
	free(m->layers);
	free(m->quant);
	free(m);
}

unsigned nlut_ceil_log2(uint32_t n)
{
	unsigned b = 0;

	while ((1ull << b) < n)
		b++;
	return b;
}

unsigned nlut_model_src_width(const nlut_model *m, int layer, uint32_t index)
{
	if (layer < 0)
		return index < m->n_inputs ? m->quant[index].bits : 0;
	const struct nlut_layer *L = &m->layers[layer];

	if (index >= L->n_neurons || !L->neurons[index].table)
		return 0;
	return L->neurons[index].out_bits;
}

NLUT_API uint32_t nlut_model_num_inputs(const nlut_model *m)
{
	return m->n_inputs;
}

NLUT_API const struct nlut_quant *nlut_model_quant(const nlut_model *m)
{
	return m->quant;
}

NLUT_API uint32_t nlut_model_num_layers(const nlut_model *m)
{
	return m->n_layers;
}

NLUT_API const struct nlut_layer *nlut_model_layer(const nlut_model *m, uint32_t i)
{
	return i < m->n_layers ? &m->layers[i] : NULL;
}

NLUT_API uint32_t nlut_model_num_classes(const nlut_model *m)
{
	return m->n_layers ? m->layers[m->n_layers - 1].n_neurons : 0;
}

NLUT_API uint64_t nlut_model_table_entries(const nlut_model *m)
{
	uint64_t total = 0;

	for (uint32_t l = 0; l < m->n_layers; l++) {
		const struct nlut_layer *L = &m->layers[l];

		for (uint32_t j = 0; j < L->n_neurons; j++) {
			const struct nlut_neuron *n = &L->neurons[j];

			if (!n->table)
				continue;
			total += 1ull << n->addr_bits;
			for (uint32_t s = 0; s < n->n_sub; s++)
				total += 1ull << n->sub[s].addr_bits;
		}
	}
	return total;
}

NLUT_API void nlut_model_version(const nlut_model *m, unsigned *major, unsigned *minor)
{
	if (major)
		*major = m->ver_major;
	if (minor)
		*minor = m->ver_minor;
}

NLUT_API const char *nlut_model_meta(const nlut_model *m, const char *key)
{
	for (uint32_t i = 0; key && i < m->n_meta; i++)
		if (strcmp(m->meta[i].key, key) == 0)
			return m->meta[i].value;
	return NULL;
}

NLUT_API uint32_t nlut_model_meta_count(const nlut_model *m)
{
	return m->n_meta;
}

NLUT_API int nlut_model_meta_at(const nlut_model *m, uint32_t i, const char **key,
				const char **value)
{
	if (i >= m->n_meta)
		return nlut_fail(NLUT_ERROR_NOT_FOUND, "metadata entry %u of %u", i, m->n_meta);
	if (key)
		*key = m->meta[i].key;
	if (value)
		*value = m->meta[i].value;
	return NLUT_SUCCESS;
}

NLUT_API void nlut_model_quantize(const nlut_model *m, const float *x, uint16_t *codes)
{
	for (uint32_t i = 0; i < m->n_inputs; i++)
		codes[i] = nlut_quant_code(&m->quant[i], x[i]);
}
