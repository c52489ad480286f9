/* cosim_model.c - write a seeded random model with adder neurons and uneven
 * widths for the co-simulation test: cosim_model OUT SEED [gsum]. With
 * "gsum", the last layer is decoded by group sums (format 1.1) of 3 to 14
 * neurons of 1 to 3 bits per class. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nlut/nlut.h>

#include "random_model.h"

int main(int argc, char **argv)
{
	struct rm_spec sp;
	uint64_t seed;

	if (argc != 3 && !(argc == 4 && !strcmp(argv[3], "gsum"))) {
		fprintf(stderr, "usage: cosim_model OUT SEED [gsum]\n");
		return 2;
	}
	seed = strtoull(argv[2], NULL, 0);
	rm_random_spec(&sp, seed);
	sp.adder_pct = 40;
	uint32_t classes = 2 + (uint32_t)(seed % 4), last = sp.n_layers - 1;

	if (argc == 4) {
		sp.width[last] = classes * (3 + (uint32_t)(seed % 12));
		sp.out_bits[last] = (uint8_t)(1 + seed % 3);
	}
	nlut_model *m = rm_build(&sp, seed);

	if (m && argc == 4 && nlut_model_set_group_sum(m, classes)) {
		nlut_model_free(m);
		m = NULL;
	}
	if (!m || nlut_model_save(m, argv[1])) {
		fprintf(stderr, "cosim_model: %s\n", nlut_error_detail());
		nlut_model_free(m);
		return 1;
	}
	nlut_model_free(m);
	return 0;
}
