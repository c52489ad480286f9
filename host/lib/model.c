/* model.c - model lifetime and read-only accessors. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "model_internal.h"
#include "quant_rule.h"

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
	m->ver_minor = 0; /* raised to what the content needs, see nlut_model_version */
	m->decode = NLUT_DECODE_ARGMAX;
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

	if (index >= L->n_neurons || !nlut_neuron_is_set(&L->neurons[index]))
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
	if (m->decode == NLUT_DECODE_GROUP_SUM)
		return m->n_classes;
	if (m->decode == NLUT_DECODE_THRESHOLD)
		return 2;
	return m->n_layers ? m->layers[m->n_layers - 1].n_neurons : 0;
}

NLUT_API unsigned nlut_model_decoding(const nlut_model *m)
{
	return m->decode;
}

NLUT_API uint32_t nlut_model_group_size(const nlut_model *m)
{
	if (m->decode != NLUT_DECODE_GROUP_SUM || !m->n_classes || !m->n_layers)
		return 1;
	return m->layers[m->n_layers - 1].n_neurons / m->n_classes;
}

NLUT_API unsigned nlut_model_score_bits(const nlut_model *m, uint32_t c)
{
	if (!m->n_layers || c >= nlut_model_num_classes(m))
		return 0;
	const struct nlut_layer *L = &m->layers[m->n_layers - 1];
	uint32_t g = nlut_model_group_size(m);
	uint64_t max = 0;

	if (m->decode == NLUT_DECODE_THRESHOLD)
		return 1; /* one-hot: the score of the decided class is 1 */
	if (m->decode != NLUT_DECODE_GROUP_SUM)
		return L->neurons[c].out_bits;
	for (uint32_t j = c * g; j < c * g + g && j < L->n_neurons; j++)
		max += (1ull << L->neurons[j].out_bits) - 1u;
	unsigned w = 1;

	while (w < 64 && (max >> w))
		w++;
	return w;
}

unsigned nlut_model_min_minor(const nlut_model *m)
{
	for (uint32_t l = 0; l < m->n_layers; l++)
		for (uint32_t j = 0; j < m->layers[l].n_neurons; j++)
			if (m->layers[l].neurons[j].kind == NLUT_NEURON_DENSE)
				return 3u;
	return m->decode == NLUT_DECODE_THRESHOLD ? 2u : m->decode == NLUT_DECODE_GROUP_SUM ? 1u : 0u;
}

NLUT_API int nlut_model_threshold(const nlut_model *m, int *is_signed, int32_t *threshold)
{
	if (!m || m->decode != NLUT_DECODE_THRESHOLD)
		return 0;
	if (is_signed)
		*is_signed = m->th_signed;
	if (threshold)
		*threshold = m->threshold;
	return 1;
}

int nlut_model_check_decode(const nlut_model *m, const char *where)
{
	if (m->decode == NLUT_DECODE_ARGMAX)
		return NLUT_SUCCESS;
	if (m->decode == NLUT_DECODE_THRESHOLD) {
		const struct nlut_layer *L = m->n_layers ? &m->layers[m->n_layers - 1] : NULL;

		if (!L || L->n_neurons != 1)
			return nlut_fail(NLUT_ERROR_INCONSISTENT,
					 "%s: a threshold decodes a last layer of one neuron, not %u",
					 where, L ? L->n_neurons : 0);
		if (m->th_signed != 0 && m->th_signed != 1)
			return nlut_fail(NLUT_ERROR_INCONSISTENT, "%s: threshold signedness %d (0 or 1)",
					 where, m->th_signed);
		unsigned w = L->neurons[0].out_bits;

		if (!w) /* neuron not set yet: nlut_model_validate checks it */
			return NLUT_SUCCESS;
		int64_t lo = m->th_signed ? -(1ll << (w - 1)) : 0;
		int64_t hi = m->th_signed ? (1ll << (w - 1)) : (1ll << w);

		if (m->threshold < lo || m->threshold > hi)
			return nlut_fail(NLUT_ERROR_INCONSISTENT,
					 "%s: threshold %d outside %lld .. %lld for a %u-bit %s code",
					 where, m->threshold, (long long)lo, (long long)hi, w,
					 m->th_signed ? "signed" : "unsigned");
		return NLUT_SUCCESS;
	}
	if (m->decode != NLUT_DECODE_GROUP_SUM)
		return nlut_fail(NLUT_ERROR_UNSUPPORTED, "%s: unknown output decoding %u", where,
				 m->decode);
	uint32_t n = m->n_layers ? m->layers[m->n_layers - 1].n_neurons : 0;

	if (m->n_classes < 1 || n % m->n_classes)
		return nlut_fail(NLUT_ERROR_INCONSISTENT,
				 "%s: group sum of %u classes over a last layer of %u neurons (must divide it)",
				 where, m->n_classes, n);
	for (uint32_t c = 0; c < m->n_classes; c++)
		if (nlut_model_score_bits(m, c) > NLUT_MAX_CODE_BITS)
			return nlut_fail(NLUT_ERROR_INCONSISTENT,
					 "%s: class %u's group sum needs %u bits, more than %u",
					 where, c, nlut_model_score_bits(m, c), NLUT_MAX_CODE_BITS);
	return NLUT_SUCCESS;
}

NLUT_API uint64_t nlut_model_table_entries(const nlut_model *m)
{
	uint64_t total = 0;

	for (uint32_t l = 0; l < m->n_layers; l++) {
		const struct nlut_layer *L = &m->layers[l];

		for (uint32_t j = 0; j < L->n_neurons; j++) {
			const struct nlut_neuron *n = &L->neurons[j];

			if (!nlut_neuron_is_set(n))
				continue;
			if (n->table)
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
		*minor = m->ver_minor > nlut_model_min_minor(m) ? m->ver_minor : nlut_model_min_minor(m);
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
		codes[i] = nlut_quant_rule(&m->quant[i], x[i]);
}
