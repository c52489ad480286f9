/* random_model.h - seeded random models and codes for tests and benchmarks. */
#ifndef NLUT_TEST_RANDOM_MODEL_H
#define NLUT_TEST_RANDOM_MODEL_H

#include <stdint.h>

#include <nlut/model.h>

#define RM_MAX_LAYERS 8

/* Shape of a random model. */
struct rm_spec {
	uint32_t n_inputs;
	uint8_t in_bits;                 /* every feature */
	uint32_t n_layers;
	uint32_t width[RM_MAX_LAYERS];   /* neurons per layer */
	uint32_t fan_in[RM_MAX_LAYERS];
	uint8_t out_bits[RM_MAX_LAYERS];
	unsigned adder_pct;              /* chance (%) of an adder neuron */
	unsigned dense_pct;              /* chance (%) of a LUT-Dense neuron (format
					  * 1.3), fan-in up to dense_fan_in */
	uint32_t dense_fan_in;           /* 0: 40 */
};

/* Deterministic generator (splitmix64). */
uint64_t rm_next(uint64_t *state);
/* Uniform in [0, n). */
uint32_t rm_below(uint64_t *state, uint32_t n);

/* Build a model of that shape with random connections and tables.
 * Returns NULL on failure (a bad spec). */
nlut_model *rm_build(const struct rm_spec *spec, uint64_t seed);

/* A random small shape, adder neurons included. */
void rm_random_spec(struct rm_spec *spec, uint64_t seed);

/* The JSC-2L-sized network of the benchmarks: 16 inputs of 4 bits, 32
 * hidden neurons of fan-in 3 with 4-bit outputs, 5 outputs of fan-in 3. */
void rm_jsc2l_spec(struct rm_spec *spec);

/* n random code vectors valid for m, row-major. */
void rm_codes(const nlut_model *m, uint64_t seed, size_t n, uint16_t *codes);

#endif /* NLUT_TEST_RANDOM_MODEL_H */
