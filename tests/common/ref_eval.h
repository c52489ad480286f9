/* ref_eval.h - the naive reference evaluator: the format spec read literally,
 * one vector at a time, sharing no code with the golden model. */
#ifndef NLUT_TEST_REF_EVAL_H
#define NLUT_TEST_REF_EVAL_H

#include <stdint.h>

#include <nlut/model.h>

/* Evaluate one vector of codes; writes the class scores (may be NULL) and
 * returns the predicted class. */
uint32_t ref_eval(const nlut_model *m, const uint16_t *codes, uint16_t *scores);

/* The quantiser rule written with doubles and rint() under round-to-nearest,
 * as an independent check of nlut_quant_code. */
uint16_t ref_quant(const struct nlut_quant *q, float x);

#endif /* NLUT_TEST_REF_EVAL_H */
