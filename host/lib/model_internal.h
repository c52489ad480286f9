/* model_internal.h - the in-memory model shared by the model sources. */
#ifndef NLUT_MODEL_INTERNAL_H
#define NLUT_MODEL_INTERNAL_H

#include <nlut/model.h>

#define NLUT_FMT_MAJOR 1u
#define NLUT_FMT_MINOR 3u /* highest minor this code reads and writes */
#define NLUT_HEADER_SIZE 32u
#define NLUT_SECTION_OVERHEAD 20u /* tag, flags, length, crc */
#define NLUT_SECTION_CRITICAL 1u

#define NLUT_LAYER_KIND_LUT 1u
#define NLUT_QUANT_KIND_AFFINE 1u

extern const uint8_t nlut_magic[8];

struct nlut_meta_entry {
	char *key;
	char *value;
};

struct nlut_model {
	uint32_t n_inputs;
	struct nlut_quant *quant;
	uint32_t n_layers;
	struct nlut_layer *layers; /* NLUT_MAX_LAYERS slots */
	uint32_t n_meta;
	struct nlut_meta_entry *meta; /* NLUT_MAX_META slots */
	unsigned ver_major, ver_minor;
	/* Output decoding: NLUT_DECODE_ARGMAX (the last layer's outputs are the
	 * scores) or NLUT_DECODE_GROUP_SUM (n_classes contiguous groups of the
	 * last layer, each summed). */
	uint32_t decode;
	uint32_t n_classes; /* GROUP_SUM only */
	int th_signed;      /* THRESHOLD only: the code read as two's complement */
	int32_t threshold;  /* THRESHOLD only: class 1 iff code >= threshold */
};

/* Whether a neuron has been set (a LUT-Dense neuron has no output table). */
static inline int nlut_neuron_is_set(const struct nlut_neuron *n)
{
	return n->table != NULL || (n->kind == NLUT_NEURON_DENSE && n->sub != NULL);
}

/* Lowest minor version of format 1 that holds m's content. */
unsigned nlut_model_min_minor(const nlut_model *m);
/* GROUP_SUM: the rules of docs/model-format.md, "OUTP" (with where naming
 * the origin in the detail). */
int nlut_model_check_decode(const nlut_model *m, const char *where);

/* Empty model shell (no layers). */
nlut_model *nlut_model_alloc(uint32_t n_inputs);
void nlut_neuron_release(struct nlut_neuron *n);
/* Width of output `index` of layer `layer` (layer < 0: the features);
 * 0 when that neuron is not set yet. */
unsigned nlut_model_src_width(const nlut_model *m, int layer, uint32_t index);
/* ceil(log2(n)) for n >= 1. */
unsigned nlut_ceil_log2(uint32_t n);
/* Bytes per stored entry of a w-bit table. */
static inline unsigned nlut_entry_bytes(unsigned w)
{
	return w <= 8 ? 1u : 2u;
}

/* Canonical encoding. When sec_off/sec_len are given they receive the start
 * and the framed length (16 + payload, no CRC) of each of the first
 * `max_sec` sections. */
struct nlut_encoding {
	uint8_t *buf;
	size_t len;
	uint32_t n_sec;
	size_t *sec_off;
	size_t *sec_len;
};
int nlut_model_encode(const nlut_model *m, struct nlut_encoding *e);
void nlut_encoding_free(struct nlut_encoding *e);

#endif /* NLUT_MODEL_INTERNAL_H */
