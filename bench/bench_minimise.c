/* bench_minimise.c - minimiser throughput (table entries/s) and cube
 * reduction on a trained model: examples/digits-jsc2l.nlut by default, with
 * its training split (examples/digits-jsc2l.cfg) as care data. Figures
 * only: nothing here is checked. Usage: bench_minimise [THREADS] [MODEL CFG] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <nlut/nlut.h>
#include <nlut/minimise.h>
#include <nlut/train.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void row(const char *what, const struct nlut_min_stats *st, double secs)
{
	const struct nlut_min_layer_stats *t = &st->total;

	printf("%-34s %8.3f s %8.2f M entries/s  dc %5.1f%%  cubes %7llu -> %7llu (%5.1f%%)"
	       "  literals %8llu -> %8llu\n",
	       what, secs, (double)t->entries / secs * 1e-6,
	       100.0 * (double)t->dont_care / (double)t->entries,
	       (unsigned long long)t->cubes_before, (unsigned long long)t->cubes_after,
	       100.0 * (double)t->cubes_after / (double)(t->cubes_before ? t->cubes_before : 1),
	       (unsigned long long)t->literals_before, (unsigned long long)t->literals_after);
}

int main(int argc, char **argv)
{
	unsigned threads = argc > 1 ? (unsigned)atoi(argv[1]) : 1;
	const char *model = argc > 3 ? argv[2] : NLUT_SOURCE_DIR "/examples/digits-jsc2l.nlut";
	const char *cfg = argc > 3 ? argv[3] : NLUT_SOURCE_DIR "/examples/digits-jsc2l.cfg";
	struct nlut_train_config c;
	struct nlut_dataset *train = NULL, *test = NULL;
	nlut_model *m = NULL, *nm;
	nlut_min_care *care = NULL;
	struct nlut_min_opts o;
	struct nlut_min_stats st;
	uint16_t *codes = NULL;
	char what[64];
	double t0;
	int err;

	if ((err = nlut_model_load(model, &m))) {
		fprintf(stderr, "%s: %s\n", model, nlut_error_detail());
		return 1;
	}
	nlut_train_config_init(&c);
	if (nlut_train_config_load(&c, cfg) ||
	    (argc <= 3 && nlut_train_config_set(&c, "train", NLUT_SHARED_DATA_DIR "/digits.csv.gz",
						   "bench_minimise")) ||
	    nlut_train_load_data(&c, &train, &test)) {
		fprintf(stderr, "%s: %s\n", cfg, nlut_train_error_detail());
		return 1;
	}
	uint32_t ni = nlut_model_num_inputs(m);

	codes = malloc(train->n_rows * ni * sizeof(*codes));
	if (!codes || train->n_features != ni)
		return 1;
	for (size_t r = 0; r < train->n_rows; r++)
		nlut_model_quantize(m, train->x + r * ni, codes + r * ni);
	printf("model %s: %llu table entries, care data %zu training rows, %u thread(s)\n",
	       model, (unsigned long long)nlut_model_table_entries(m), train->n_rows, threads);

	nlut_min_opts_init(&o);
	o.threads = threads;
	for (unsigned effort = 0; effort <= 4; effort += 4) {
		o.effort = effort;
		t0 = now();
		if ((err = nlut_minimise_model(m, NULL, &o, &nm, &st)))
			goto fail;
		snprintf(what, sizeof(what), "no don't-cares, effort %u", effort);
		row(what, &st, now() - t0);
		nlut_model_free(nm);
	}
	t0 = now();
	if ((err = nlut_min_care_new(m, &care)) ||
	    (err = nlut_min_care_add_codes(care, train->n_rows, codes, threads)))
		goto fail;
	printf("%-34s %8.3f s\n", "counting addresses", now() - t0);
	o.effort = 4;
	for (unsigned radius = 0; radius <= 2; radius++) {
		for (int all = 0; all < 2; all++) {
			o.radius = radius;
			o.layers = all ? UINT64_MAX : 0;
			t0 = now();
			if ((err = nlut_minimise_model(m, care, &o, &nm, &st)))
				goto fail;
			snprintf(what, sizeof(what), "care data, radius %u, %s", radius,
				 all ? "all layers" : "last kept");
			row(what, &st, now() - t0);
			nlut_model_free(nm);
		}
	}
	nlut_min_care_free(care);
	nlut_data_free(train);
	nlut_data_free(test);
	free(codes);
	nlut_model_free(m);
	return 0;
fail:
	fprintf(stderr, "bench_minimise: %s\n", nlut_min_error_detail());
	return 1;
}
