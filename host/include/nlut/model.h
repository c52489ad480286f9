/* nlut/model.h - the LUT-network model: building, reading, writing, identity. */
#ifndef NLUT_MODEL_H
#define NLUT_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include <nlut/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Limits enforced by the reader and the builder (docs/model-format.md). */
#define NLUT_MAX_INPUTS 65536u      /* input features */
#define NLUT_MAX_LAYERS 64u         /* LUT layers */
#define NLUT_MAX_NEURONS 65536u     /* neurons in one layer */
#define NLUT_MAX_FAN_IN 32u         /* inputs of one neuron */
#define NLUT_MAX_CODE_BITS 16u      /* width of any code */
#define NLUT_MAX_TABLE_BITS 24u     /* address width of one table */
#define NLUT_MAX_SUBTABLES 16u      /* sub-tables of an adder neuron */
#define NLUT_MAX_DENSE_FAN_IN 1024u /* edges of a LUT-Dense neuron (format 1.3) */
#define NLUT_MAX_DENSE_BIAS (1 << 30) /* |bias| of a LUT-Dense neuron */
#define NLUT_MAX_DENSE_SHIFT 30u    /* output shift of a LUT-Dense neuron */
#define NLUT_MAX_FILE_SIZE (512u << 20) /* bytes */
#define NLUT_MAX_META 256u          /* metadata entries */
#define NLUT_MAX_META_LEN 65536u    /* bytes in one key or value */

#define NLUT_HASH_SIZE 32u          /* SHA-256 */
#define NLUT_ID_STR_SIZE 65u        /* 64 hex digits + NUL */

typedef struct nlut_model nlut_model;

/*
 * Input quantiser of one feature (docs/model-format.md, "Quantisers"):
 *   t    = (x - offset) * scale          in IEEE-754 binary32, no FMA
 *   code = round-half-to-even(t), clamped to [0, 2^bits - 1]; NaN -> 0
 */
struct nlut_quant {
	uint8_t bits;  /* 1..16 */
	float offset;
	float scale;   /* finite, > 0 */
};

enum nlut_neuron_kind {
	NLUT_NEURON_TABLE = 0, /* one truth table over the concatenated inputs */
	NLUT_NEURON_ADDER = 1, /* sub-tables summed, then an output table */
	NLUT_NEURON_DENSE = 2  /* format 1.3, HGQ-LUT's LUT-Dense: one table per
				* edge over the top bits of its source, summed
				* with a bias, shifted and clamped */
};

/* One sub-table of an adder neuron. */
struct nlut_subtable {
	uint32_t n_in;     /* inputs of the neuron it reads */
	uint32_t *in;      /* positions (0..fan_in-1) in the neuron's fan-in */
	uint32_t addr_bits;/* sum of those inputs' bit widths */
	uint16_t *table;   /* 2^addr_bits entries: sub_bits-bit two's complement */
};

/*
 * One L-LUT neuron. Table address = input 0's code in the low bits, input 1's
 * code above it, and so on (input k shifted by the widths of inputs 0..k-1).
 */
struct nlut_neuron {
	uint8_t kind;       /* enum nlut_neuron_kind */
	uint8_t out_bits;   /* 1..16 */
	uint32_t fan_in;    /* 1..NLUT_MAX_FAN_IN */
	uint32_t *src;      /* fan_in indices into the previous layer's outputs */
	uint8_t *src_bits;  /* width of each input = its source's width */
	uint32_t addr_bits; /* TABLE: sum of src_bits; ADDER: sum width */
	uint16_t *table;    /* 2^addr_bits entries, each < 2^out_bits */
	/* ADDER only: the sum of n_sub sub_bits-wide signed values is taken
	 * modulo 2^addr_bits (addr_bits = sub_bits + ceil(log2(n_sub))) and
	 * indexes `table` as an addr_bits-bit two's complement pattern. */
	uint8_t sub_bits;
	uint32_t n_sub;
	struct nlut_subtable *sub;
	/* DENSE only (table NULL, addr_bits 0): n_sub = fan_in edge tables,
	 * sub[e] reading input e alone (n_in 1, in[0] = e) at its top
	 * sub[e].addr_bits bits (1..src_bits[e]); out = clamp((bias + sum of
	 * the sign-extended entries) >> shift, 0, 2^out_bits - 1). */
	int32_t bias;
	uint8_t shift;
};

struct nlut_layer {
	uint32_t n_neurons;
	struct nlut_neuron *neurons;
};

/* Output decoding (docs/model-format.md, "OUTP"). */
enum nlut_decode {
	NLUT_DECODE_ARGMAX = 1,    /* class scores = the last layer's outputs */
	NLUT_DECODE_GROUP_SUM = 2, /* format 1.1: class c's score = the unsigned sum
				    * of the last layer's outputs c*G .. c*G+G-1,
				    * G = neurons / classes (DWN's popcount) */
	NLUT_DECODE_THRESHOLD = 3  /* format 1.2: one last-layer neuron; class 1 iff
				    * its code, read unsigned or as two's
				    * complement, is >= a threshold (binary
				    * classifiers); scores one-hot, 1 bit each */
};

/* ---- reading and writing ---- */

/* Load and fully validate a .nlut file. On failure *out is NULL and
 * nlut_error_detail() says what and where. */
int nlut_model_load(const char *path, nlut_model **out);
int nlut_model_load_mem(const void *buf, size_t len, nlut_model **out);

/* Validate, then write the canonical encoding. save_mem returns a malloc'd
 * buffer that the caller frees with free(). */
int nlut_model_save(const nlut_model *m, const char *path);
int nlut_model_save_mem(const nlut_model *m, void **buf, size_t *len);

void nlut_model_free(nlut_model *m);

/* ---- building (trainer, importer, tests) ---- */

/* New model with n_inputs features and one quantiser each. */
int nlut_model_new(uint32_t n_inputs, const struct nlut_quant *quant,
		   nlut_model **out);

/* Append a layer of n_neurons unset neurons; returns its index (>= 0) or
 * a negative error. */
int nlut_model_add_layer(nlut_model *m, uint32_t n_neurons);

/* Set a plain table neuron. src_bits are taken from the sources, which must
 * already be set. table has 2^(sum of src_bits) entries; it is copied. */
int nlut_model_set_neuron(nlut_model *m, uint32_t layer, uint32_t index,
			  uint32_t fan_in, const uint32_t *src,
			  uint8_t out_bits, const uint16_t *table);

/* Set an adder neuron: sub-table s reads sub_n_in[s] inputs whose fan-in
 * positions follow each other in sub_in; sub_tables[s] has
 * 2^(their widths) entries; out_table has 2^(sub_bits + ceil(log2 n_sub)). */
int nlut_model_set_neuron_adder(nlut_model *m, uint32_t layer,
				uint32_t index, uint32_t fan_in,
				const uint32_t *src, uint8_t out_bits,
				uint8_t sub_bits, uint32_t n_sub,
				const uint32_t *sub_n_in, const uint32_t *sub_in,
				const uint16_t *const *sub_tables,
				const uint16_t *out_table);

/* Set a LUT-Dense neuron (format 1.3): edge e reads the top read_bits[e]
 * bits (1..its source's width) of source src[e]; edge_tables[e] has
 * 2^read_bits[e] sub_bits-bit two's complement entries; the output is
 * clamp((bias + sum) >> shift, 0, 2^out_bits - 1), the shift arithmetic. */
int nlut_model_set_neuron_dense(nlut_model *m, uint32_t layer, uint32_t index,
				uint32_t fan_in, const uint32_t *src,
				const uint8_t *read_bits, uint8_t out_bits,
				uint8_t sub_bits, const uint16_t *const *edge_tables,
				int32_t bias, uint8_t shift);

/* Decode the last layer by group sums into n_classes classes (the last
 * layer must already exist; its neurons may be unset until validation, which
 * checks that they split evenly and that every class score fits 16 bits).
 * n_classes = 0 goes back to argmax. */
int nlut_model_set_group_sum(nlut_model *m, uint32_t n_classes);

/* Decode the last layer (one neuron of w bits) by a threshold: class 1 iff
 * its code >= threshold, the code read as unsigned (is_signed = 0, threshold
 * in 0 .. 2^w) or as w-bit two's complement (is_signed = 1, threshold in
 * -2^(w-1) .. 2^(w-1)); two classes. Checked again by validation. */
int nlut_model_set_threshold(nlut_model *m, int is_signed, int32_t threshold);
/* The threshold decoding's parameters (0 when the model has none). */
int nlut_model_threshold(const nlut_model *m, int *is_signed, int32_t *threshold);

/* Set, replace (value != NULL) or remove (value == NULL) a metadata entry.
 * Keys and values are UTF-8 without NUL; order of insertion is kept. */
int nlut_model_set_meta(nlut_model *m, const char *key, const char *value);

/* Full consistency check (every neuron set, widths, ranges, limits). */
int nlut_model_validate(const nlut_model *m);

/* Deep copy. */
int nlut_model_clone(const nlut_model *m, nlut_model **out);

/* ---- inspecting ---- */

uint32_t nlut_model_num_inputs(const nlut_model *m);
const struct nlut_quant *nlut_model_quant(const nlut_model *m);
uint32_t nlut_model_num_layers(const nlut_model *m);
const struct nlut_layer *nlut_model_layer(const nlut_model *m, uint32_t i);
/* Number of classes: the last layer's neurons (argmax), the groups, or 2
 * (threshold). */
uint32_t nlut_model_num_classes(const nlut_model *m);
/* enum nlut_decode of the model. */
unsigned nlut_model_decoding(const nlut_model *m);
/* Last-layer neurons summed into one class score (1 for argmax). */
uint32_t nlut_model_group_size(const nlut_model *m);
/* Bits of class c's score: the neuron's out_bits (argmax) or the width of
 * the largest sum its group can reach (group sum); 0 for a bad c. */
unsigned nlut_model_score_bits(const nlut_model *m, uint32_t c);
/* Total table entries over all neurons and sub-tables. */
uint64_t nlut_model_table_entries(const nlut_model *m);
/* Format version the model was read with (or will be written with). */
void nlut_model_version(const nlut_model *m, unsigned *major, unsigned *minor);

/* Model identity: SHA-256 of the canonical function content (quantisers,
 * layers, output decoding; not metadata). The model must validate. */
int nlut_model_hash(const nlut_model *m, uint8_t out[NLUT_HASH_SIZE]);
/* Same, as 64 lower-case hex digits. */
int nlut_model_id(const nlut_model *m, char out[NLUT_ID_STR_SIZE]);

/* Metadata value for key, or NULL. */
const char *nlut_model_meta(const nlut_model *m, const char *key);
uint32_t nlut_model_meta_count(const nlut_model *m);
int nlut_model_meta_at(const nlut_model *m, uint32_t i, const char **key,
		       const char **value);

/* ---- quantisers ---- */

/* The exact float -> code rule of one quantiser. */
uint16_t nlut_quant_code(const struct nlut_quant *q, float x);
/* Quantise one feature vector (n_inputs floats) into codes. */
void nlut_model_quantize(const nlut_model *m, const float *x, uint16_t *codes);

#ifdef __cplusplus
}
#endif

#endif /* NLUT_MODEL_H */
