/* cosim_model.c - write a seeded random model with adder neurons and uneven
 * widths for the co-simulation test: cosim_model OUT SEED. */
#include <stdio.h>
#include <stdlib.h>

#include <nlut/nlut.h>

#include "random_model.h"

int main(int argc, char **argv)
{
	struct rm_spec sp;
	uint64_t seed;

	if (argc != 3) {
		fprintf(stderr, "usage: cosim_model OUT SEED\n");
		return 2;
	}
	seed = strtoull(argv[2], NULL, 0);
	rm_random_spec(&sp, seed);
	sp.adder_pct = 40;
	nlut_model *m = rm_build(&sp, seed);

	if (!m || nlut_model_save(m, argv[1])) {
		fprintf(stderr, "cosim_model: %s\n", nlut_error_detail());
		nlut_model_free(m);
		return 1;
	}
	nlut_model_free(m);
	return 0;
}
