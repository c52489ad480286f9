/* nlut/golden.h - the bit-exact C evaluation of a model (the golden model). */
#ifndef NLUT_GOLDEN_H
#define NLUT_GOLDEN_H

#include <stddef.h>
#include <stdint.h>

#include <nlut/model.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * An evaluator compiled from a model. It copies what it needs, so the model
 * may be freed afterwards. One evaluator may be used from many threads at
 * once: evaluation only reads it.
 */
typedef struct nlut_golden nlut_golden;

int nlut_golden_new(const nlut_model *m, nlut_golden **out);
void nlut_golden_free(nlut_golden *g);

uint32_t nlut_golden_num_inputs(const nlut_golden *g);
uint32_t nlut_golden_num_classes(const nlut_golden *g);
/* Sum of neurons over all layers: the length of a trace. */
uint32_t nlut_golden_num_neurons(const nlut_golden *g);

/*
 * One vector of input codes (num_inputs entries, each < 2^bits of its
 * feature). scores (num_classes entries) and cls may each be NULL.
 * A code out of range is NLUT_ERROR_INVALID_PARAM, never a wrong answer.
 */
int nlut_golden_eval(const nlut_golden *g, const uint16_t *codes,
		     uint16_t *scores, uint32_t *cls);

/* Every neuron's output, layer after layer (num_neurons entries); used to
 * name the first differing layer and neuron when co-simulation disagrees. */
int nlut_golden_trace(const nlut_golden *g, const uint16_t *codes,
		      uint16_t *acts);

/*
 * n vectors, row-major codes[n][num_inputs]; scores[n][num_classes] and
 * cls[n] may each be NULL. threads: 1 = calling thread only, 0 = one per
 * online CPU. Results do not depend on the thread count.
 */
int nlut_golden_eval_batch(const nlut_golden *g, size_t n,
			   const uint16_t *codes, uint16_t *scores,
			   uint32_t *cls, unsigned threads);

/* Same from float features, quantised by the model's input quantisers. */
int nlut_golden_eval_float_batch(const nlut_golden *g, size_t n,
				 const float *x, uint16_t *scores,
				 uint32_t *cls, unsigned threads);

/* Argmax with ties to the lowest index: the output decoding rule. */
uint32_t nlut_argmax(const uint16_t *scores, uint32_t n);

#ifdef __cplusplus
}
#endif

#endif /* NLUT_GOLDEN_H */
