/* fuzz_model.c - libFuzzer target for the .nlut reader: any input must load
 * or fail cleanly; what loads must re-encode, reload identically and evaluate. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <nlut/nlut.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	nlut_model *m = NULL, *r = NULL;
	void *buf = NULL;
	size_t len = 0;

	if (nlut_model_load_mem(data, size, &m) != NLUT_SUCCESS) {
		if (m)
			abort(); /* a failed load must not hand out a model */
		return 0;
	}
	if (nlut_model_save_mem(m, &buf, &len) != NLUT_SUCCESS)
		abort();
	if (nlut_model_load_mem(buf, len, &r) != NLUT_SUCCESS)
		abort();
	uint8_t h1[NLUT_HASH_SIZE], h2[NLUT_HASH_SIZE];

	if (nlut_model_hash(m, h1) || nlut_model_hash(r, h2) || memcmp(h1, h2, sizeof(h1)))
		abort();
	/* Evaluate the all-zero vector: exercises every table's address path. */
	nlut_golden *g;

	if (nlut_golden_new(m, &g) == NLUT_SUCCESS) {
		uint16_t *codes = calloc(nlut_model_num_inputs(m), sizeof(*codes));
		uint32_t cls;

		if (codes && nlut_golden_eval(g, codes, NULL, &cls) == NLUT_SUCCESS &&
		    cls >= nlut_model_num_classes(m))
			abort();
		free(codes);
		nlut_golden_free(g);
	}
	free(buf);
	nlut_model_free(r);
	nlut_model_free(m);
	return 0;
}
