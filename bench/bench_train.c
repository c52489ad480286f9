/* bench_train.c - trainer throughput: training samples/s and truth-table
 * compile entries/s, on synthetic data shaped like Fashion-MNIST (784 inputs;
 * the examples/ Fashion network's shape, random connectivity) and like the
 * examples/ digits networks (64 and 16 inputs). Figures only: nothing here is
 * checked. Usage: bench_train [THREADS] [STEPS] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <nlut/nlut.h>
#include <nlut/train.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* rows x cols of pixel-like values 0..max; labels depend on the pixels so
 * the network has something to learn. */
static struct nlut_dataset *synthetic(size_t rows, size_t cols, float max, uint32_t classes)
{
	struct nlut_dataset *d = calloc(1, sizeof(*d));
	uint64_t s = 88172645463325252ull;

	if (!d)
		return NULL;
	d->n_rows = rows;
	d->n_features = cols;
	d->n_classes = classes;
	d->x = malloc(rows * cols * sizeof(float));
	d->labels = malloc(rows * sizeof(int32_t));
	if (!d->x || !d->labels) {
		nlut_data_free(d);
		return NULL;
	}
	for (size_t r = 0; r < rows; r++) {
		float acc = 0;

		for (size_t c = 0; c < cols; c++) {
			s ^= s << 13;
			s ^= s >> 7;
			s ^= s << 17;
			float v = (float)(s >> 40) / 16777216.0f * max;

			d->x[r * cols + c] = v;
			if (c % 7 == 0)
				acc += v;
		}
		d->labels[r] = (int32_t)((uint32_t)(acc / max) % classes);
	}
	return d;
}

struct shape {
	const char *name;
	size_t rows, cols;
	float max;
	const char *const *kv; /* key, value, ..., NULL */
};

static const char *const fashion_kv[] = {
	"layers", "512,256,128,10", "fan_in", "6", "in_bits", "2", "hidden_bits", "2",
	"out_bits", "4", "neuron_depth", "2", "neuron_width", "16", "batch", "256",
	"ghost", "64", NULL
};

static const char *const digits_kv[] = {
	"layers", "64,32,10", "fan_in", "5", "out_bits", "6", "neuron_depth", "2",
	"neuron_width", "16", "batch", "64", "ghost", "32", NULL
};

static const char *const jsc_kv[] = {
	"layers", "32,10", "fan_in", "3", "in_bits", "4", "hidden_bits", "4", "out_bits", "4",
	"neuron_depth", "2", "neuron_width", "16", "batch", "64", "ghost", "32", NULL
};

static const char *const linear_kv[] = {
	"layers", "512,256,128,10", "fan_in", "6", "neuron_depth", "0", "batch", "256",
	"ghost", "64", NULL
};

static int run(const struct shape *sh, const char *threads, uint32_t steps)
{
	struct nlut_train_config c;
	struct nlut_dataset *d = synthetic(sh->rows, sh->cols, sh->max, 10);
	nlut_trainer *t = NULL;
	nlut_model *m = NULL;
	double sps, t0, secs;
	int rc;

	if (!d)
		return 1;
	nlut_train_config_init(&c);
	nlut_train_config_set(&c, "train", "(synthetic)", NULL);
	nlut_train_config_set(&c, "threads", threads, NULL);
	nlut_train_config_set(&c, "epochs", "0", NULL);
	for (const char *const *kv = sh->kv; *kv; kv += 2)
		nlut_train_config_set(&c, kv[0], kv[1], NULL);
	rc = nlut_trainer_new(&c, d, &t);
	if (!rc)
		rc = nlut_trainer_bench_steps(t, 2, &sps); /* warm caches */
	if (!rc)
		rc = nlut_trainer_bench_steps(t, steps, &sps);
	if (!rc) {
		t0 = now();
		rc = nlut_trainer_compile(t, &m);
		secs = now() - t0;
	}
	if (rc) {
		fprintf(stderr, "bench_train: %s: %s\n", sh->name, nlut_train_error_detail());
		nlut_trainer_free(t);
		nlut_data_free(d);
		return 1;
	}
	uint64_t entries = nlut_model_table_entries(m);

	printf("%-28s %2u threads  train %8.0f samples/s   compile %6.2f M entries/s (%llu entries, %.2f s)\n",
	       sh->name, nlut_trainer_threads(t), sps, (double)entries / secs / 1e6,
	       (unsigned long long)entries, secs);
	nlut_model_free(m);
	nlut_trainer_free(t);
	nlut_data_free(d);
	return 0;
}

int main(int argc, char **argv)
{
	const char *threads = argc > 1 ? argv[1] : "0";
	uint32_t steps = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 10) : 20;
	static const struct shape shapes[] = {
		{ "fashion 512,256,128,10 d2w16", 4096, 784, 255.0f, fashion_kv },
		{ "fashion-shape linear (d0)", 4096, 784, 255.0f, linear_kv },
		{ "digits-tiny 64,32,10 d2w16", 1437, 64, 16.0f, digits_kv },
		{ "digits-jsc2l 32,10 d2w16", 1437, 16, 16.0f, jsc_kv },
	};
	int rc = 0;

	if (steps < 1) {
		fprintf(stderr, "usage: bench_train [THREADS (0 = all CPUs)] [STEPS >= 1]\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++)
		rc |= run(&shapes[i], threads, steps);
	return rc;
}
