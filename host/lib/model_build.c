/* model_build.c - building models in memory and the one set of consistency
 * rules that both the builder and the reader apply. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "model_internal.h"

static int check_quant(const struct nlut_quant *q, uint32_t i)
{
	if (q->bits < 1 || q->bits > NLUT_MAX_CODE_BITS)
		return nlut_fail(NLUT_ERROR_INCONSISTENT,
				 "input %u: quantiser width %u not in 1..%u", i,
				 q->bits, NLUT_MAX_CODE_BITS);
	if (!isfinite(q->offset) || !isfinite(q->scale) || !(q->scale > 0.0f))
		return nlut_fail(NLUT_ERROR_INCONSISTENT,
				 "input %u: quantiser offset %g / scale %g must be finite with scale > 0",
				 i, (double)q->offset, (double)q->scale);
	return NLUT_SUCCESS;
}

static int check_entries(const uint16_t *t, uint32_t addr_bits, unsigned w,
			 uint32_t layer, uint32_t j, const char *what)
{
	uint64_t n = 1ull << addr_bits;

	for (uint64_t a = 0; a < n; a++)
		if (t[a] >> w)
			return nlut_fail(NLUT_ERROR_INCONSISTENT,
					 "layer %u neuron %u: %s entry %llu = %u does not fit %u bits",
					 layer, j, what, (unsigned long long)a, t[a], w);
	return NLUT_SUCCESS;
}

/* The rules of a LUT-Dense neuron's own part (docs/model-format.md). */
static int check_dense(const struct nlut_neuron *n, uint32_t layer, uint32_t j)
{
	if (n->sub_bits < 1 || n->sub_bits > NLUT_MAX_CODE_BITS)
		return nlut_fail(NLUT_ERROR_INCONSISTENT, "layer %u neuron %u: edge table width %u not in 1..%u",
				 layer, j, n->sub_bits, NLUT_MAX_CODE_BITS);
	if (n->shift > NLUT_MAX_DENSE_SHIFT)
		return nlut_fail(NLUT_ERROR_INCONSISTENT, "layer %u neuron %u: output shift %u exceeds %u",
				 layer, j, n->shift, NLUT_MAX_DENSE_SHIFT);
	if (n->bias < -NLUT_MAX_DENSE_BIAS || n->bias > NLUT_MAX_DENSE_BIAS)
		return nlut_fail(NLUT_ERROR_INCONSISTENT,
				 "layer %u neuron %u: bias %d outside -2^30 .. 2^30", layer, j, n->bias);
	if (n->table || n->addr_bits || n->n_sub != n->fan_in || !n->sub)
		return nlut_fail(NLUT_ERROR_INCONSISTENT,
				 "layer %u neuron %u: a LUT-Dense neuron has one table per edge and no output table",
				 layer, j);
	for (uint32_t e = 0; e < n->fan_in; e++) {
		const struct nlut_subtable *st = &n->sub[e];

		if (st->n_in != 1 || !st->in || st->in[0] != e)
			return nlut_fail(NLUT_ERROR_INCONSISTENT,
					 "layer %u neuron %u: edge %u's table must read edge %u alone",
					 layer, j, e, e);
		if (st->addr_bits < 1 || st->addr_bits > n->src_bits[e])
			return nlut_fail(NLUT_ERROR_INCONSISTENT,
					 "layer %u neuron %u: edge %u reads %u bits of a %u-bit source (1..%u)",
					 layer, j, e, st->addr_bits, n->src_bits[e], n->src_bits[e]);
		int err = check_entries(st->table, st->addr_bits, n->sub_bits, layer, j, "edge table");

		if (err)
			return err;
	}
	return NLUT_SUCCESS;
}

/* All rules of one neuron at (layer, j) against the model's earlier layers. */
static int check_neuron(const nlut_model *m, uint32_t layer, uint32_t j,
			const struct nlut_neuron *n)
{
	int prev = (int)layer - 1;
	uint32_t prev_count = prev < 0 ? m->n_inputs : m->layers[prev].n_neurons;
	uint32_t sum = 0;

	uint32_t max_fan_in = n->kind == NLUT_NEURON_DENSE ? NLUT_MAX_DENSE_FAN_IN : NLUT_MAX_FAN_IN;

	if (n->kind != NLUT_NEURON_TABLE && n->kind != NLUT_NEURON_ADDER &&
	    n->kind != NLUT_NEURON_DENSE)
		return nlut_fail(NLUT_ERROR_UNSUPPORTED, "layer %u neuron %u: unknown neuron kind %u",
				 layer, j, n->kind);
	if (n->out_bits < 1 || n->out_bits > NLUT_MAX_CODE_BITS)
		return nlut_fail(NLUT_ERROR_INCONSISTENT, "layer %u neuron %u: output width %u not in 1..%u",
				 layer, j, n->out_bits, NLUT_MAX_CODE_BITS);
	if (n->fan_in < 1)
		return nlut_fail(NLUT_ERROR_INCONSISTENT, "layer %u neuron %u: fan-in is 0", layer, j);
	if (n->fan_in > max_fan_in)
		return nlut_fail(NLUT_ERROR_TOO_LARGE, "layer %u neuron %u: fan-in %u exceeds %u",
				 layer, j, n->fan_in, max_fan_in);
	for (uint32_t k = 0; k < n->fan_in; k++) {
		if (n->src[k] >= prev_count)
			return nlut_fail(NLUT_ERROR_INCONSISTENT,
					 "layer %u neuron %u: input %u reads %s %u of %u",
					 layer, j, k, prev < 0 ? "feature" : "neuron",
					 n->src[k], prev_count);
		unsigned w = nlut_model_src_width(m, prev, n->src[k]);

		if (n->src_bits[k] != w)
			return nlut_fail(NLUT_ERROR_INCONSISTENT,
					 "layer %u neuron %u: input %u declared %u bits but its source is %u bits",
					 layer, j, k, n->src_bits[k], w);
		sum += w;
	}
	if (n->kind == NLUT_NEURON_TABLE) {
		if (sum > NLUT_MAX_TABLE_BITS)
			return nlut_fail(NLUT_ERROR_TOO_LARGE,
					 "layer %u neuron %u: %u address bits exceed %u",
					 layer, j, sum, NLUT_MAX_TABLE_BITS);
		if (n->addr_bits != sum || n->n_sub || n->sub_bits)
			return nlut_fail(NLUT_ERROR_INCONSISTENT,
					 "layer %u neuron %u: table neuron with %u address bits, expected %u",
					 layer, j, n->addr_bits, sum);
		return check_entries(n->table, n->addr_bits, n->out_bits, layer, j, "table");
	}
	if (n->kind == NLUT_NEURON_DENSE)
		return check_dense(n, layer, j);
	if (n->sub_bits < 1 || n->sub_bits > NLUT_MAX_CODE_BITS)
		return nlut_fail(NLUT_ERROR_INCONSISTENT, "layer %u neuron %u: sub-table width %u not in 1..%u",
				 layer, j, n->sub_bits, NLUT_MAX_CODE_BITS);
	if (n->n_sub < 1 || n->n_sub > NLUT_MAX_SUBTABLES)
		return nlut_fail(n->n_sub ? NLUT_ERROR_TOO_LARGE : NLUT_ERROR_INCONSISTENT,
				 "layer %u neuron %u: %u sub-tables (1..%u allowed)",
				 layer, j, n->n_sub, NLUT_MAX_SUBTABLES);
	unsigned ab = n->sub_bits + nlut_ceil_log2(n->n_sub);

	if (ab > NLUT_MAX_TABLE_BITS)
		return nlut_fail(NLUT_ERROR_TOO_LARGE, "layer %u neuron %u: sum of %u bits exceeds %u",
				 layer, j, ab, NLUT_MAX_TABLE_BITS);
	if (n->addr_bits != ab)
		return nlut_fail(NLUT_ERROR_INCONSISTENT,
				 "layer %u neuron %u: adder output table has %u address bits, expected %u",
				 layer, j, n->addr_bits, ab);
	for (uint32_t s = 0; s < n->n_sub; s++) {
		const struct nlut_subtable *st = &n->sub[s];
		uint32_t sb = 0;

		if (st->n_in < 1 || st->n_in > n->fan_in)
			return nlut_fail(NLUT_ERROR_INCONSISTENT,
					 "layer %u neuron %u: sub-table %u reads %u inputs (1..%u)",
					 layer, j, s, st->n_in, n->fan_in);
		for (uint32_t k = 0; k < st->n_in; k++) {
			if (st->in[k] >= n->fan_in)
				return nlut_fail(NLUT_ERROR_INCONSISTENT,
						 "layer %u neuron %u: sub-table %u input %u is position %u of %u",
						 layer, j, s, k, st->in[k], n->fan_in);
			sb += n->src_bits[st->in[k]];
		}
		if (sb > NLUT_MAX_TABLE_BITS)
			return nlut_fail(NLUT_ERROR_TOO_LARGE,
					 "layer %u neuron %u: sub-table %u has %u address bits (max %u)",
					 layer, j, s, sb, NLUT_MAX_TABLE_BITS);
		if (st->addr_bits != sb)
			return nlut_fail(NLUT_ERROR_INCONSISTENT,
					 "layer %u neuron %u: sub-table %u has %u address bits, expected %u",
					 layer, j, s, st->addr_bits, sb);
		int err = check_entries(st->table, sb, n->sub_bits, layer, j, "sub-table");

		if (err)
			return err;
	}
	return check_entries(n->table, n->addr_bits, n->out_bits, layer, j, "output table");
}

static int check_meta_text(const char *s, int is_key)
{
	size_t len = strlen(s);

	if (is_key && len == 0)
		return nlut_fail(NLUT_ERROR_INCONSISTENT, "metadata key is empty");
	if (len > NLUT_MAX_META_LEN)
		return nlut_fail(NLUT_ERROR_TOO_LARGE, "metadata %s of %zu bytes exceeds %u",
				 is_key ? "key" : "value", len, NLUT_MAX_META_LEN);
	return NLUT_SUCCESS;
}

NLUT_API int nlut_model_validate(const nlut_model *m)
{
	int err;

	if (!m)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "model is NULL");
	if (m->n_inputs < 1)
		return nlut_fail(NLUT_ERROR_INCONSISTENT, "model has no inputs");
	if (m->n_inputs > NLUT_MAX_INPUTS)
		return nlut_fail(NLUT_ERROR_TOO_LARGE, "%u inputs exceed %u", m->n_inputs, NLUT_MAX_INPUTS);
	for (uint32_t i = 0; i < m->n_inputs; i++)
		if ((err = check_quant(&m->quant[i], i)))
			return err;
	if (m->n_layers < 1)
		return nlut_fail(NLUT_ERROR_INCONSISTENT, "model has no layers");
	for (uint32_t l = 0; l < m->n_layers; l++) {
		const struct nlut_layer *L = &m->layers[l];

		if (L->n_neurons < 1)
			return nlut_fail(NLUT_ERROR_INCONSISTENT, "layer %u has no neurons", l);
		for (uint32_t j = 0; j < L->n_neurons; j++) {
			if (!nlut_neuron_is_set(&L->neurons[j]))
				return nlut_fail(NLUT_ERROR_INCONSISTENT,
						 "layer %u neuron %u is not set", l, j);
			if ((err = check_neuron(m, l, j, &L->neurons[j])))
				return err;
		}
	}
	if ((err = nlut_model_check_decode(m, "output decoding")))
		return err;
	for (uint32_t i = 0; i < m->n_meta; i++) {
		if ((err = check_meta_text(m->meta[i].key, 1)) ||
		    (err = check_meta_text(m->meta[i].value, 0)))
			return err;
		for (uint32_t k = 0; k < i; k++)
			if (strcmp(m->meta[k].key, m->meta[i].key) == 0)
				return nlut_fail(NLUT_ERROR_INCONSISTENT,
						 "metadata key '%s' appears twice", m->meta[i].key);
	}
	return NLUT_SUCCESS;
}

NLUT_API int nlut_model_set_threshold(nlut_model *m, int is_signed, int32_t threshold)
{
	if (!m)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "model is NULL");
	if (!m->n_layers)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "threshold: the model has no layer yet");
	uint32_t d = m->decode, n = m->n_classes;
	int s = m->th_signed;
	int32_t t = m->threshold;

	m->decode = NLUT_DECODE_THRESHOLD;
	m->n_classes = 0;
	m->th_signed = is_signed;
	m->threshold = threshold;
	int err = nlut_model_check_decode(m, "threshold");

	if (err) {
		m->decode = d;
		m->n_classes = n;
		m->th_signed = s;
		m->threshold = t;
	}
	return err;
}

NLUT_API int nlut_model_set_group_sum(nlut_model *m, uint32_t n_classes)
{
	if (!m)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "model is NULL");
	if (!m->n_layers)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "group sum: the model has no layer yet");
	if (!n_classes) {
		m->decode = NLUT_DECODE_ARGMAX;
		m->n_classes = 0;
		return NLUT_SUCCESS;
	}
	if (m->layers[m->n_layers - 1].n_neurons % n_classes)
		return nlut_fail(NLUT_ERROR_INCONSISTENT,
				 "group sum: %u classes do not divide the last layer's %u neurons",
				 n_classes, m->layers[m->n_layers - 1].n_neurons);
	m->decode = NLUT_DECODE_GROUP_SUM;
	m->n_classes = n_classes;
	return NLUT_SUCCESS;
}

NLUT_API int nlut_model_new(uint32_t n_inputs, const struct nlut_quant *quant,
			    nlut_model **out)
{
	if (!out)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "out is NULL");
	*out = NULL;
	if (n_inputs < 1 || !quant)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "a model needs at least one input and its quantisers");
	if (n_inputs > NLUT_MAX_INPUTS)
		return nlut_fail(NLUT_ERROR_TOO_LARGE, "%u inputs exceed %u", n_inputs, NLUT_MAX_INPUTS);
	for (uint32_t i = 0; i < n_inputs; i++) {
		int err = check_quant(&quant[i], i);

		if (err)
			return err;
	}
	nlut_model *m = nlut_model_alloc(n_inputs);

	if (!m)
		return nlut_fail(NLUT_ERROR_NO_MEM, "model of %u inputs", n_inputs);
	memcpy(m->quant, quant, n_inputs * sizeof(*quant));
	*out = m;
	return NLUT_SUCCESS;
}

NLUT_API int nlut_model_add_layer(nlut_model *m, uint32_t n_neurons)
{
	if (!m || n_neurons < 1)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "a layer needs at least one neuron");
	if (m->n_layers >= NLUT_MAX_LAYERS)
		return nlut_fail(NLUT_ERROR_TOO_LARGE, "more than %u layers", NLUT_MAX_LAYERS);
	if (n_neurons > NLUT_MAX_NEURONS)
		return nlut_fail(NLUT_ERROR_TOO_LARGE, "%u neurons exceed %u", n_neurons, NLUT_MAX_NEURONS);
	struct nlut_layer *L = &m->layers[m->n_layers];

	L->neurons = calloc(n_neurons, sizeof(*L->neurons));
	if (!L->neurons)
		return nlut_fail(NLUT_ERROR_NO_MEM, "layer of %u neurons", n_neurons);
	L->n_neurons = n_neurons;
	return (int)m->n_layers++;
}

static uint16_t *dup_table(const uint16_t *t, uint32_t bits)
{
	size_t n = (size_t)1 << bits;
	uint16_t *c = malloc(n * sizeof(*c));

	if (c)
		memcpy(c, t, n * sizeof(*c));
	return c;
}

/* Common front half of both setters: where, and the fan-in. */
static int start_neuron_max(nlut_model *m, uint32_t layer, uint32_t index,
			    uint32_t fan_in, const uint32_t *src, uint8_t out_bits,
			    struct nlut_neuron *n, uint32_t max_fan_in)
{
	memset(n, 0, sizeof(*n));
	if (!m || layer >= m->n_layers || index >= m->layers[layer].n_neurons)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "no neuron %u in layer %u", index, layer);
	if (fan_in < 1 || fan_in > max_fan_in || !src)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "layer %u neuron %u: fan-in %u not in 1..%u",
				 layer, index, fan_in, max_fan_in);
	n->out_bits = out_bits;
	n->fan_in = fan_in;
	n->src = malloc(fan_in * sizeof(*n->src));
	n->src_bits = malloc(fan_in);
	if (!n->src || !n->src_bits)
		return nlut_fail(NLUT_ERROR_NO_MEM, "neuron fan-in");
	for (uint32_t k = 0; k < fan_in; k++) {
		unsigned w = nlut_model_src_width(m, (int)layer - 1, src[k]);

		if (!w)
			return nlut_fail(NLUT_ERROR_INVALID_PARAM,
					 "layer %u neuron %u: input %u reads %u, which does not exist or is not set",
					 layer, index, k, src[k]);
		n->src[k] = src[k];
		n->src_bits[k] = (uint8_t)w;
		n->addr_bits += w;
	}
	return NLUT_SUCCESS;
}

static int start_neuron(nlut_model *m, uint32_t layer, uint32_t index,
			uint32_t fan_in, const uint32_t *src, uint8_t out_bits,
			struct nlut_neuron *n)
{
	return start_neuron_max(m, layer, index, fan_in, src, out_bits, n, NLUT_MAX_FAN_IN);
}

static int finish_neuron(nlut_model *m, uint32_t layer, uint32_t index,
			 struct nlut_neuron *n)
{
	int err = check_neuron(m, layer, index, n);

	if (err) {
		nlut_neuron_release(n);
		return err;
	}
	nlut_neuron_release(&m->layers[layer].neurons[index]);
	m->layers[layer].neurons[index] = *n;
	return NLUT_SUCCESS;
}

NLUT_API int nlut_model_set_neuron(nlut_model *m, uint32_t layer, uint32_t index,
				   uint32_t fan_in, const uint32_t *src,
				   uint8_t out_bits, const uint16_t *table)
{
	struct nlut_neuron n;
	int err = start_neuron(m, layer, index, fan_in, src, out_bits, &n);

	if (!err && n.addr_bits > NLUT_MAX_TABLE_BITS)
		err = nlut_fail(NLUT_ERROR_TOO_LARGE, "layer %u neuron %u: %u address bits exceed %u",
				layer, index, n.addr_bits, NLUT_MAX_TABLE_BITS);
	if (!err && !table)
		err = nlut_fail(NLUT_ERROR_INVALID_PARAM, "layer %u neuron %u: table is NULL", layer, index);
	if (!err && !(n.table = dup_table(table, n.addr_bits)))
		err = nlut_fail(NLUT_ERROR_NO_MEM, "table of 2^%u entries", n.addr_bits);
	if (err) {
		nlut_neuron_release(&n);
		return err;
	}
	n.kind = NLUT_NEURON_TABLE;
	return finish_neuron(m, layer, index, &n);
}

NLUT_API int nlut_model_set_neuron_adder(nlut_model *m, uint32_t layer, uint32_t index,
					 uint32_t fan_in, const uint32_t *src,
					 uint8_t out_bits, uint8_t sub_bits, uint32_t n_sub,
					 const uint32_t *sub_n_in, const uint32_t *sub_in,
					 const uint16_t *const *sub_tables,
					 const uint16_t *out_table)
{
	struct nlut_neuron n;
	int err = start_neuron(m, layer, index, fan_in, src, out_bits, &n);

	if (err)
		goto fail;
	n.kind = NLUT_NEURON_ADDER;
	n.sub_bits = sub_bits;
	if (n_sub < 1 || n_sub > NLUT_MAX_SUBTABLES || !sub_n_in || !sub_in || !sub_tables ||
	    !out_table || sub_bits < 1 || sub_bits > NLUT_MAX_CODE_BITS) {
		err = nlut_fail(NLUT_ERROR_INVALID_PARAM,
				"layer %u neuron %u: adder needs 1..%u sub-tables of 1..%u bits and all tables",
				layer, index, NLUT_MAX_SUBTABLES, NLUT_MAX_CODE_BITS);
		goto fail;
	}
	n.sub = calloc(n_sub, sizeof(*n.sub));
	if (!n.sub) {
		err = nlut_fail(NLUT_ERROR_NO_MEM, "sub-tables");
		goto fail;
	}
	n.n_sub = n_sub;
	for (uint32_t s = 0, pos = 0; s < n_sub; pos += sub_n_in[s], s++) {
		struct nlut_subtable *st = &n.sub[s];

		if (sub_n_in[s] < 1 || sub_n_in[s] > fan_in) {
			err = nlut_fail(NLUT_ERROR_INVALID_PARAM,
					"layer %u neuron %u: sub-table %u reads %u inputs (1..%u)",
					layer, index, s, sub_n_in[s], fan_in);
			goto fail;
		}
		st->n_in = sub_n_in[s];
		st->in = malloc(st->n_in * sizeof(*st->in));
		if (!st->in) {
			err = nlut_fail(NLUT_ERROR_NO_MEM, "sub-table inputs");
			goto fail;
		}
		for (uint32_t k = 0; k < st->n_in; k++) {
			st->in[k] = sub_in[pos + k];
			if (st->in[k] >= fan_in) {
				err = nlut_fail(NLUT_ERROR_INVALID_PARAM,
						"layer %u neuron %u: sub-table %u input %u is position %u of %u",
						layer, index, s, k, st->in[k], fan_in);
				goto fail;
			}
			st->addr_bits += n.src_bits[st->in[k]];
		}
		if (st->addr_bits > NLUT_MAX_TABLE_BITS) {
			err = nlut_fail(NLUT_ERROR_TOO_LARGE, "layer %u neuron %u: sub-table %u has %u address bits",
					layer, index, s, st->addr_bits);
			goto fail;
		}
		if (!(st->table = dup_table(sub_tables[s], st->addr_bits))) {
			err = nlut_fail(NLUT_ERROR_NO_MEM, "sub-table of 2^%u entries", st->addr_bits);
			goto fail;
		}
	}
	n.addr_bits = sub_bits + nlut_ceil_log2(n_sub);
	if (n.addr_bits > NLUT_MAX_TABLE_BITS) {
		err = nlut_fail(NLUT_ERROR_TOO_LARGE, "layer %u neuron %u: sum of %u bits", layer, index,
				n.addr_bits);
		goto fail;
	}
	if (!(n.table = dup_table(out_table, n.addr_bits))) {
		err = nlut_fail(NLUT_ERROR_NO_MEM, "output table of 2^%u entries", n.addr_bits);
		goto fail;
	}
	return finish_neuron(m, layer, index, &n);
fail:
	nlut_neuron_release(&n);
	return err;
}

NLUT_API int nlut_model_set_neuron_dense(nlut_model *m, uint32_t layer, uint32_t index,
					 uint32_t fan_in, const uint32_t *src,
					 const uint8_t *read_bits, uint8_t out_bits,
					 uint8_t sub_bits, const uint16_t *const *edge_tables,
					 int32_t bias, uint8_t shift)
{
	struct nlut_neuron n;
	int err = start_neuron_max(m, layer, index, fan_in, src, out_bits, &n,
				   NLUT_MAX_DENSE_FAN_IN);

	if (err)
		goto fail;
	n.kind = NLUT_NEURON_DENSE;
	n.addr_bits = 0;
	n.sub_bits = sub_bits;
	n.bias = bias;
	n.shift = shift;
	if (!read_bits || !edge_tables) {
		err = nlut_fail(NLUT_ERROR_INVALID_PARAM,
				"layer %u neuron %u: LUT-Dense neuron without read widths or edge tables",
				layer, index);
		goto fail;
	}
	n.sub = calloc(fan_in, sizeof(*n.sub));
	if (!n.sub) {
		err = nlut_fail(NLUT_ERROR_NO_MEM, "edge tables");
		goto fail;
	}
	n.n_sub = fan_in;
	for (uint32_t e = 0; e < fan_in; e++) {
		struct nlut_subtable *st = &n.sub[e];

		if (read_bits[e] < 1 || read_bits[e] > n.src_bits[e] || !edge_tables[e]) {
			err = nlut_fail(NLUT_ERROR_INVALID_PARAM,
					"layer %u neuron %u: edge %u reads %u bits of a %u-bit source (1..%u)",
					layer, index, e, read_bits[e], n.src_bits[e], n.src_bits[e]);
			goto fail;
		}
		st->n_in = 1;
		st->addr_bits = read_bits[e];
		st->in = malloc(sizeof(*st->in));
		st->table = dup_table(edge_tables[e], read_bits[e]);
		if (!st->in || !st->table) {
			err = nlut_fail(NLUT_ERROR_NO_MEM, "edge table");
			goto fail;
		}
		st->in[0] = e;
	}
	return finish_neuron(m, layer, index, &n);
fail:
	nlut_neuron_release(&n);
	return err;
}

NLUT_API int nlut_model_set_meta(nlut_model *m, const char *key, const char *value)
{
	int err;

	if (!m || !key)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "metadata key is NULL");
	if ((err = check_meta_text(key, 1)) || (value && (err = check_meta_text(value, 0))))
		return err;
	for (uint32_t i = 0; i < m->n_meta; i++) {
		if (strcmp(m->meta[i].key, key) != 0)
			continue;
		if (!value) {
			free(m->meta[i].key);
			free(m->meta[i].value);
			memmove(&m->meta[i], &m->meta[i + 1], (m->n_meta - i - 1) * sizeof(*m->meta));
			m->n_meta--;
			return NLUT_SUCCESS;
		}
		char *v = strdup(value);

		if (!v)
			return nlut_fail(NLUT_ERROR_NO_MEM, "metadata value");
		free(m->meta[i].value);
		m->meta[i].value = v;
		return NLUT_SUCCESS;
	}
	if (!value)
		return NLUT_SUCCESS;
	if (m->n_meta >= NLUT_MAX_META)
		return nlut_fail(NLUT_ERROR_TOO_LARGE, "more than %u metadata entries", NLUT_MAX_META);
	char *k = strdup(key), *v = strdup(value);

	if (!k || !v) {
		free(k);
		free(v);
		return nlut_fail(NLUT_ERROR_NO_MEM, "metadata entry");
	}
	m->meta[m->n_meta].key = k;
	m->meta[m->n_meta].value = v;
	m->n_meta++;
	return NLUT_SUCCESS;
}

NLUT_API int nlut_model_clone(const nlut_model *m, nlut_model **out)
{
	struct nlut_encoding e;
	int err;

	if (!m || !out)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "model or out is NULL");
	*out = NULL;
	if ((err = nlut_model_encode(m, &e)))
		return err;
	err = nlut_model_load_mem(e.buf, e.len, out);
	nlut_encoding_free(&e);
	return err;
}
