/* consumer.c - a program outside the tree, built against an installed libnlut:
 * prints a model's identity and its class for the all-zero code vector. */
#include <stdio.h>
#include <stdlib.h>

#include <nlut/nlut.h>

int main(int argc, char **argv)
{
	nlut_model *m;
	nlut_golden *g;
	char id[NLUT_ID_STR_SIZE];
	uint32_t cls;

	if (argc != 2)
		return 2;
	int err = nlut_model_load(argv[1], &m);

	if (err) {
		fprintf(stderr, "%s: %s\n", nlut_error_name(err), nlut_error_detail());
		return 1;
	}
	uint16_t *codes = calloc(nlut_model_num_inputs(m), sizeof(*codes));

	if (nlut_model_id(m, id) || nlut_golden_new(m, &g) || nlut_golden_eval(g, codes, NULL, &cls))
		return 1;
	printf("%s %u %s\n", id, cls, NLUT_VERSION_STRING);
	free(codes);
	nlut_golden_free(g);
	nlut_model_free(m);
	return 0;
}
