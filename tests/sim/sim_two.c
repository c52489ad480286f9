/* sim_two.c - two devices on the real simulated board of one model in one
 * process (one shared object, two Verilated instances), fed interleaved,
 * one of them with idle and stall cycles: both give the golden results.
 * Usage: sim_two MODEL DATA   (the board is built or taken from the cache
 * as by nlut-run; exit 0 when both agree with the golden model) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nlut/nlut.h>

static int fail(const char *what, int err)
{
	fprintf(stderr, "sim_two: %s: %s: %s\n", what, nlut_strerror(err), nlut_error_detail());
	return 1;
}

int main(int argc, char **argv)
{
	struct nlut_data_opts dopt;
	struct nlut_dataset *ds;
	nlut_device *d[2] = { NULL, NULL };
	nlut_golden *g;
	nlut_model *m;
	int err;

	if (argc != 3) {
		fprintf(stderr, "usage: sim_two MODEL DATA\n");
		return 2;
	}
	nlut_data_opts_init(&dopt);
	if ((err = nlut_model_load(argv[1], &m)))
		return fail(argv[1], err);
	if ((err = nlut_data_load(argv[2], &dopt, &ds)))
		return fail(argv[2], err);
	uint32_t ni = nlut_model_num_inputs(m), nc = nlut_model_num_classes(m);
	size_t n = ds->n_rows, half = n / 2;
	uint16_t *codes = malloc(n * ni * sizeof(*codes)), *sc[2], *gsc = malloc(n * nc * sizeof(*gsc));
	uint32_t *cls[2], *gcls = malloc(n * sizeof(*gcls));

	for (int k = 0; k < 2; k++) {
		cls[k] = malloc(n * sizeof(*cls[k]));
		sc[k] = malloc(n * nc * sizeof(*sc[k]));
	}
	for (size_t v = 0; v < n; v++)
		nlut_model_quantize(m, ds->x + v * ni, codes + v * ni);
	if ((err = nlut_golden_new(m, &g)) || (err = nlut_golden_eval_batch(g, n, codes, gsc, gcls, 1)))
		return fail("golden model", err);
	if ((err = nlut_device_open("sim", m, NULL, &d[0])))
		return fail("first device", err);
	setenv("NLUT_SIM_STALL", "25,50", 1);
	if ((err = nlut_device_open("sim", m, NULL, &d[1])))
		return fail("second device", err);
	/* Interleaved: first half on 0, everything on 1, second half on 0. */
	if ((err = nlut_device_submit(d[0], half, codes, cls[0], sc[0], NULL)) ||
	    (err = nlut_device_submit(d[1], n, codes, cls[1], sc[1], NULL)) ||
	    (err = nlut_device_submit(d[0], n - half, codes + half * ni, cls[0] + half, sc[0] + half * nc,
				      NULL)) ||
	    (err = nlut_device_collect(d[1], NULL)) || (err = nlut_device_collect(d[0], NULL)) ||
	    (err = nlut_device_collect(d[0], NULL)))
		return fail("inference", err);
	for (int k = 0; k < 2; k++)
		if (memcmp(cls[k], gcls, n * sizeof(*gcls)) || memcmp(sc[k], gsc, n * nc * sizeof(*gsc))) {
			fprintf(stderr, "sim_two: device %d disagrees with the golden model\n", k);
			return 1;
		}
	printf("sim_two: two devices on one simulated board, %zu vectors each: golden results\n", n);
	nlut_device_close(d[0]);
	nlut_device_close(d[1]);
	nlut_golden_free(g);
	nlut_data_free(ds);
	nlut_model_free(m);
	for (int k = 0; k < 2; k++) {
		free(cls[k]);
		free(sc[k]);
	}
	free(codes);
	free(gsc);
	free(gcls);
	return 0;
}
