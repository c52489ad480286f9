/* bench_golden.c - golden model throughput on a JSC-2L-sized network
 * (16 inputs of 4 bits; 32 hidden neurons, fan-in 3; 5 outputs, fan-in 3),
 * against the naive reference evaluator in the same run; then on a
 * DWN-shaped group-sum network (format 1.1: 784 one-bit inputs, 1000 and
 * 500 one-bit LUT6 neurons, popcount group sums of 50 into 10 classes) and
 * a network of adder neurons (PolyLUT-Add, SparseLUT), one of LUT-Dense
 * neurons (HGQ-LUT), each checked
 * against the reference evaluator: the golden model's speed per kind.
 * Usage: bench_golden [VECTORS] [RUNS] */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <nlut/nlut.h>

#include "random_model.h"
#include "ref_eval.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b);

/*
 * One neuron kind: inferences/s of a random model of that shape on one
 * thread (median of runs), checked against the reference evaluator on the
 * first 2000 vectors. Returns the mismatches (or 1 if it cannot run).
 */
static size_t bench_kind(const char *what, const struct rm_spec *sp, uint64_t seed, uint32_t groups,
			 size_t n, int runs)
{
	nlut_model *m = rm_build(sp, seed);
	nlut_golden *g = NULL;
	double t[100];
	size_t bad = 0;

	if (!m || (groups && nlut_model_set_group_sum(m, groups)) || nlut_golden_new(m, &g)) {
		fprintf(stderr, "bench_golden: cannot build the model (%s): %s\n", what,
			nlut_error_detail());
		nlut_model_free(m);
		return 1;
	}
	uint32_t ni = nlut_model_num_inputs(m);
	uint16_t *codes = malloc(n * ni * sizeof(*codes));
	uint32_t *cls = malloc(n * sizeof(*cls));

	if (!codes || !cls) {
		fprintf(stderr, "bench_golden: out of memory\n");
		bad = 1;
		goto out;
	}
	rm_codes(m, seed + 1, n, codes);
	for (int r = 0; r < runs; r++) {
		double t0 = now();

		nlut_golden_eval_batch(g, n, codes, NULL, cls, 1);
		t[r] = now() - t0;
	}
	for (size_t v = 0; v < n && v < 2000; v++)
		bad += ref_eval(m, codes + v * ni, NULL) != cls[v];
	qsort(t, (size_t)runs, sizeof(double), cmp_double);
	printf("%s: %.2f M inferences/s on 1 thread (%zu vectors, %zu mismatches in the first 2000)\n",
	       what, (double)n / t[runs / 2] / 1e6, n, bad);
out:
	free(codes);
	free(cls);
	nlut_golden_free(g);
	nlut_model_free(m);
	return bad;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoull(argv[1], NULL, 0) : 2000000;
	int runs = argc > 2 ? atoi(argv[2]) : 5;
	struct rm_spec sp;
	nlut_model *m;
	nlut_golden *g;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1 || runs < 1 || runs > 100) {
		fprintf(stderr, "usage: bench_golden [VECTORS >= 1] [RUNS 1..100]\n");
		return 2;
	}
	rm_jsc2l_spec(&sp);
	m = rm_build(&sp, 1);
	if (!m || nlut_golden_new(m, &g)) {
		fprintf(stderr, "bench_golden: cannot build the model: %s\n", nlut_error_detail());
		return 1;
	}
	uint16_t *codes = malloc(n * 16 * sizeof(*codes));
	uint32_t *cls = malloc(n * sizeof(*cls)), *ref = malloc(n * sizeof(*ref));

	if (!codes || !cls || !ref)
		return 1;
	rm_codes(m, 2, n, codes);

	double t_one[100], t_all[100], t_ref[100];
	size_t n_ref = n < 200000 ? n : 200000;

	for (int r = 0; r < runs; r++) {
		double t0 = now();

		nlut_golden_eval_batch(g, n, codes, NULL, cls, 1);
		t_one[r] = now() - t0;
		t0 = now();
		nlut_golden_eval_batch(g, n, codes, NULL, cls, 0);
		t_all[r] = now() - t0;
		t0 = now();
		for (size_t v = 0; v < n_ref; v++)
			ref[v] = ref_eval(m, codes + v * 16, NULL);
		t_ref[r] = now() - t0;
	}
	size_t bad = 0;

	for (size_t v = 0; v < n_ref; v++)
		bad += ref[v] != cls[v];
	qsort(t_one, (size_t)runs, sizeof(double), cmp_double);
	qsort(t_all, (size_t)runs, sizeof(double), cmp_double);
	qsort(t_ref, (size_t)runs, sizeof(double), cmp_double);
	double one = (double)n / t_one[runs / 2], all = (double)n / t_all[runs / 2];
	double rf = (double)n_ref / t_ref[runs / 2];

	printf("network     JSC-2L-sized: 16 x 4-bit inputs, 32 x fan-in 3 (4-bit), 5 x fan-in 3\n");
	printf("vectors     %zu per run, %d runs, median reported\n", n, runs);
	printf("golden      %.1f M inferences/s on 1 thread\n", one / 1e6);
	printf("golden      %.1f M inferences/s on %ld threads (%.1f M per core)\n", all / 1e6, cpus,
	       all / 1e6 / (double)cpus);
	printf("reference   %.2f M inferences/s (naive evaluator, 1 thread, %zu vectors)\n", rf / 1e6,
	       n_ref);
	printf("speed-up    %.1fx over the reference per core\n", one / rf);
	printf("agreement   %zu mismatches against the reference\n", bad);
	free(codes);
	free(cls);
	free(ref);
	nlut_golden_free(g);
	nlut_model_free(m);

	size_t nk = n / 20 ? n / 20 : 1, bad_k = 0;

	/* The group-sum kind (DWN). */
	struct rm_spec dw = { .n_inputs = 784, .in_bits = 1, .n_layers = 2, .width = { 1000, 500 },
			      .fan_in = { 6, 6 }, .out_bits = { 1, 1 } };

	bad_k += bench_kind("group sum   DWN-shaped 784 x 1-bit, 1000 + 500 LUT6 neurons, 10 groups of 50",
			    &dw, 3, 10, nk, runs);
	/* The adder kind (PolyLUT-Add, SparseLUT): every neuron 2-3 sub-tables. */
	struct rm_spec ad = { .n_inputs = 64, .in_bits = 2, .n_layers = 2, .width = { 64, 10 },
			      .fan_in = { 6, 6 }, .out_bits = { 2, 4 }, .adder_pct = 100 };

	bad_k += bench_kind("adder       64 x 2-bit, 64 + 10 adder neurons of fan-in 6 (2-3 sub-tables)",
			    &ad, 5, 0, n / 4 ? n / 4 : 1, runs);
	/* The LUT-Dense kind (HGQ-LUT, format 1.3): an edge table per input. */
	struct rm_spec de = { .n_inputs = 196, .in_bits = 2, .n_layers = 2, .width = { 64, 10 },
			      .fan_in = { 1, 1 }, .out_bits = { 3, 5 }, .dense_pct = 100,
			      .dense_fan_in = 196 };

	bad_k += bench_kind("LUT-Dense   196 x 2-bit, 64 + 10 LUT-Dense neurons of 1-196 edges",
			    &de, 7, 0, n / 8 ? n / 8 : 1, runs);
	return bad || bad_k ? 1 : 0;
}
