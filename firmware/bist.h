/* bist.h - the built-in self-test: the stored vectors through the core. */
#ifndef NLUT_FW_BIST_H
#define NLUT_FW_BIST_H

#include <stdint.h>

/* What the boot RAM holds at NLUT_FW_BIST_BASE (DATA10 of OP_IDENTITY). */
enum bist_data_state {
	BIST_DATA_NONE = 0,        /* no block: bad magic, format or sizes, or no RAM there */
	BIST_DATA_OK = 1,          /* the hardware's model, CRC good */
	BIST_DATA_OTHER_MODEL = 2, /* a block for another model (hash differs) */
	BIST_DATA_BAD_CRC = 3      /* the hardware's model, but the vectors are corrupt */
};

struct bist_data {
	const uint32_t *vec;  /* the first vector */
	uint32_t n;           /* vectors */
	uint32_t in_words;    /* i */
	uint32_t score_words; /* s */
};

struct bist_result {
	uint32_t pass;       /* 1: every vector matched */
	uint32_t first_fail; /* index of the first failing vector, NLUT_BIST_NONE if none */
	uint32_t vectors;    /* vectors that matched before the first failure */
};

/* Check the block (header, model hash against ID_MODEL_HASH, CRC). d is
 * filled unless the state is BIST_DATA_NONE. */
enum bist_data_state bist_data_check(struct bist_data *d);

/* Run the self-test and publish it in BIST_VECTORS, BIST_FIRST_FAIL and
 * BIST_STATUS (which also clears FW_STATUS.BIST_REQ). */
void bist_run(struct bist_result *r);

#endif /* NLUT_FW_BIST_H */
