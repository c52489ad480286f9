/* bench_device.c - device API throughput on a board, with a batch-size
 * sweep: the whole host path (packing, transport, tags, unpacking).
 * Usage: bench_device [BOARD] [VECTORS] [RUNS]   (default golden 1000000 3;
 * on the simulated board `sim` 100000 vectors, after building the board of
 * the benchmark's model on first use) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <nlut/nlut.h>

#include "random_model.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void on_progress(void *user, const char *step, double fraction)
{
	fprintf(stderr, "bench_device: building board %s: %3.0f%% %s\n", (const char *)user,
		100 * fraction, step);
}

int main(int argc, char **argv)
{
	const char *board = argc > 1 ? argv[1] : "golden";
	int sim = !strcmp(board, "sim");
	size_t n = argc > 2 ? strtoull(argv[2], NULL, 0) : sim ? 100000 : 1000000;
	int runs = argc > 3 ? atoi(argv[3]) : 3;
	static const size_t batches[] = { 16, 256, 4096, 65536 };
	struct nlut_device_opts o;
	struct rm_spec sp;
	nlut_device *d;

	if (!n || runs < 1) {
		fprintf(stderr, "usage: bench_device [BOARD] [VECTORS >= 1] [RUNS >= 1]\n");
		return 2;
	}
	rm_jsc2l_spec(&sp);
	nlut_model *m = rm_build(&sp, 1);
	nlut_device_opts_init(&o);
	o.progress = on_progress;
	o.progress_user = (void *)board;
	double t_open = now();
	int err = nlut_device_open(board, m, &o, &d);

	if (err) {
		fprintf(stderr, "bench_device: %s: %s\n", board, nlut_error_detail());
		return 1;
	}
	uint16_t *codes = malloc(n * 16 * sizeof(*codes));
	uint32_t *cls = malloc(n * sizeof(*cls));

	rm_codes(m, 2, n, codes);
	printf("board %s (opened in %.1f s), JSC-2L-sized model, %zu vectors per run, best of %d runs, "
	       "4 batches in flight\n", board, now() - t_open, n, runs);
	printf("%10s %16s\n", "batch", "vectors/s");
	for (size_t b = 0; b < sizeof(batches) / sizeof(batches[0]); b++) {
		double best = 1e30;

		for (int r = 0; r < runs; r++) {
			double t0 = now();
			size_t sub = 0, done = 0, nb = (n + batches[b] - 1) / batches[b];

			while (done < nb) {
				while (sub < nb && sub - done < 4) {
					size_t at = sub * batches[b];
					size_t k = n - at < batches[b] ? n - at : batches[b];

					if ((err = nlut_device_submit(d, k, codes + at * 16, cls + at, NULL, NULL)))
						goto fail;
					sub++;
				}
				if ((err = nlut_device_collect(d, NULL)))
					goto fail;
				done++;
			}
			double t = now() - t0;

			if (t < best)
				best = t;
		}
		printf("%10zu %16.0f\n", batches[b], (double)n / best);
	}
	free(codes);
	free(cls);
	nlut_device_close(d);
	nlut_model_free(m);
	return 0;
fail:
	fprintf(stderr, "bench_device: %s\n", nlut_error_detail());
	return 1;
}
