/* cmd_eval.c - `nlut eval MODEL DATA`: accuracy, confusion matrix and
 * throughput of the golden model on a dataset. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nlut/nlut.h>

#include "commands.h"
#include "tool_util.h"

static void help(const char *prog)
{
	printf("Usage: %s [OPTIONS] MODEL DATA\n\n"
	       "Evaluate MODEL with the golden model on every row of DATA (IDX, CSV or .npy,\n"
	       "gzip allowed) and print accuracy, the confusion matrix and throughput.\n\n"
	       "  --labels FILE     labels for IDX/.npy data (IDX: found beside the images\n"
	       "                    file when named *labels-idx1*)\n"
	       "  --label-col N     CSV column holding the label: N (0-based), 'last'\n"
	       "                    (default) or 'none'\n"
	       "  --header MODE     CSV header line: yes, no or auto (default)\n"
	       "  --codes           DATA holds input codes, not features to quantise\n"
	       "  --limit N         use the first N rows only\n"
	       "  --threads N       evaluation threads (default 0 = one per CPU)\n"
	       "  --repeat N        evaluate N times for a steadier throughput figure\n"
	       "  --json            print one JSON object\n"
	       "  -h, --help        show this help\n",
	       prog);
}

struct eval_opts {
	struct nlut_data_opts data;
	int codes, json;
	unsigned threads, repeat;
};

static int parse_args(int argc, char **argv, struct eval_opts *o, const char **model,
		      const char **data)
{
	static const struct option opts[] = {
		{ "labels", required_argument, NULL, 'L' },
		{ "label-col", required_argument, NULL, 'c' },
		{ "header", required_argument, NULL, 'H' },
		{ "codes", no_argument, NULL, 'C' },
		{ "limit", required_argument, NULL, 'n' },
		{ "threads", required_argument, NULL, 't' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *prog = argv[0];
	uint64_t v;
	int c;

	nlut_data_opts_init(&o->data);
	o->codes = o->json = 0;
	o->threads = 0;
	o->repeat = 1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'L':
			o->data.labels_path = optarg;
			break;
		case 'c':
			if (tool_opt_label_col(prog, optarg, &o->data.label_col))
				return NLUT_EXIT_USAGE;
			break;
		case 'H':
			if (tool_opt_header(prog, optarg, &o->data.header))
				return NLUT_EXIT_USAGE;
			break;
		case 'C':
			o->codes = 1;
			break;
		case 'n':
			if (tool_parse_u64(optarg, 1, SIZE_MAX, &v))
				return tool_usage_error(prog, "--limit '%s': expected a positive number", optarg);
			o->data.max_rows = (size_t)v;
			break;
		case 't':
			if (tool_parse_u64(optarg, 0, 256, &v))
				return tool_usage_error(prog, "--threads '%s': expected 0..256", optarg);
			o->threads = (unsigned)v;
			break;
		case 'r':
			if (tool_parse_u64(optarg, 1, 100000, &v))
				return tool_usage_error(prog, "--repeat '%s': expected 1..100000", optarg);
			o->repeat = (unsigned)v;
			break;
		case 'j':
			o->json = 1;
			break;
		case 'h':
			help(prog);
			return -1;
		default:
			return tool_usage_error(prog, "bad option");
		}
	}
	if (argc - optind != 2)
		return tool_usage_error(prog, "expected MODEL and DATA arguments");
	*model = argv[optind];
	*data = argv[optind + 1];
	return 0;
}

/* Data values as codes: each must be a whole number within its input's range. */
static int to_codes(const char *prog, const char *path, const struct nlut_dataset *d,
		    const nlut_model *m, uint16_t *codes)
{
	const struct nlut_quant *q = nlut_model_quant(m);

	for (size_t r = 0; r < d->n_rows; r++)
		for (size_t f = 0; f < d->n_features; f++) {
			float v = d->x[r * d->n_features + f];
			float max = (float)((1u << q[f].bits) - 1u);

			if (!(v >= 0.0f && v <= max) || v != floorf(v)) {
				fprintf(stderr, "%s: %s: row %zu feature %zu: %g is not a %u-bit code\n",
					prog, path, r, f, (double)v, q[f].bits);
				return NLUT_EXIT_FAIL;
			}
			codes[r * d->n_features + f] = (uint16_t)v;
		}
	return NLUT_EXIT_OK;
}

/* The confusion matrix is shown up to this many classes (a 64 x 64 table is
 * already wider than a terminal); beyond, accuracy alone. */
#define EVAL_CONFUSION_MAX 64u

static int report(const char *prog, const struct eval_opts *o, const char *model,
		  const char *data, const struct nlut_dataset *d, uint32_t nc, const uint32_t *cls,
		  double secs)
{
	size_t n = d->n_rows, correct = 0;
	uint64_t *conf = NULL;
	double rate = secs > 0 ? (double)n * o->repeat / secs : 0;
	char si[32];

	if (d->labels) {
		for (size_t r = 0; r < n; r++)
			correct += (uint32_t)d->labels[r] == cls[r];
	}
	if (d->labels && nc <= EVAL_CONFUSION_MAX) {
		conf = calloc((size_t)nc * nc, sizeof(*conf));
		if (!conf)
			return tool_fail(prog, NLUT_ERROR_NO_MEM, "confusion matrix of %u classes", nc);
		for (size_t r = 0; r < n; r++)
			conf[(size_t)d->labels[r] * nc + cls[r]]++;
	}
	if (o->json) {
		printf("{\"model\":");
		tool_json_string(model);
		printf(",\"data\":");
		tool_json_string(data);
		printf(",\"vectors\":%zu,\"threads\":%u,\"seconds\":%.6f,\"vectors_per_second\":%.0f",
		       n, o->threads, secs / o->repeat, rate);
		if (d->labels)
			printf(",\"correct\":%zu,\"accuracy\":%.6f", correct,
			       (double)correct / (double)n);
		if (conf) {
			printf(",\"confusion\":[");
			for (uint32_t t = 0; t < nc; t++) {
				printf("%s[", t ? "," : "");
				for (uint32_t p = 0; p < nc; p++)
					printf("%s%llu", p ? "," : "",
					       (unsigned long long)conf[(size_t)t * nc + p]);
				printf("]");
			}
			printf("]");
		}
		printf("}\n");
		free(conf);
		return NLUT_EXIT_OK;
	}
	printf("model       %s\n", model);
	printf("data        %s (%zu vectors, %zu features)\n", data, n, d->n_features);
	if (d->labels)
		printf("accuracy    %.2f%% (%zu of %zu)\n", 100.0 * (double)correct / (double)n,
		       correct, n);
	if (d->labels && !conf)
		printf("confusion   not shown: %u classes, more than %u\n", nc, EVAL_CONFUSION_MAX);
	if (conf) {
		printf("confusion   rows = true class, columns = predicted class\n");
		printf("       ");
		for (uint32_t p = 0; p < nc; p++)
			printf(" %6u", p);
		printf("\n");
		for (uint32_t t = 0; t < nc; t++) {
			printf("  %4u ", t);
			for (uint32_t p = 0; p < nc; p++)
				printf(" %6llu", (unsigned long long)conf[(size_t)t * nc + p]);
			printf("\n");
		}
	} else if (!d->labels) {
		printf("accuracy    (no labels)\n");
	}
	printf("throughput  %svectors/s (golden model, %s threads, %.3f ms per pass)\n",
	       tool_si(rate, si, sizeof(si)), o->threads ? "" : "all", 1e3 * secs / o->repeat);
	free(conf);
	return NLUT_EXIT_OK;
}

int cmd_eval(int argc, char **argv)
{
	const char *prog = argv[0], *model_path = NULL, *data_path = NULL;
	struct eval_opts o;
	int rc = parse_args(argc, argv, &o, &model_path, &data_path);

	if (rc)
		return rc < 0 ? NLUT_EXIT_OK : rc;

	nlut_model *m = NULL;
	nlut_golden *g = NULL;
	struct nlut_dataset *d = NULL;
	uint16_t *codes = NULL;
	uint32_t *cls = NULL;
	int err;

	if ((err = nlut_model_load(model_path, &m)))
		return tool_fail(prog, err, "cannot load model");
	if ((err = nlut_data_load(data_path, &o.data, &d))) {
		rc = tool_fail(prog, err, "cannot load data");
		goto out;
	}
	uint32_t nc = nlut_model_num_classes(m);

	if (d->n_features != nlut_model_num_inputs(m)) {
		fprintf(stderr, "%s: %s has %zu features per row, model %s expects %u\n", prog,
			data_path, d->n_features, model_path, nlut_model_num_inputs(m));
		rc = NLUT_EXIT_FAIL;
		goto out;
	}
	for (size_t r = 0; d->labels && r < d->n_rows; r++)
		if ((uint32_t)d->labels[r] >= nc) {
			fprintf(stderr, "%s: %s: row %zu has label %d but the model has %u classes\n",
				prog, data_path, r, d->labels[r], nc);
			rc = NLUT_EXIT_FAIL;
			goto out;
		}
	if ((err = nlut_golden_new(m, &g))) {
		rc = tool_fail(prog, err, "%s: cannot compile the golden model", model_path);
		goto out;
	}
	cls = malloc((d->n_rows ? d->n_rows : 1) * sizeof(*cls));
	if (o.codes)
		codes = malloc((d->n_rows * d->n_features + 1) * sizeof(*codes));
	if (!cls || (o.codes && !codes)) {
		rc = tool_fail(prog, NLUT_ERROR_NO_MEM, "%zu vectors", d->n_rows);
		goto out;
	}
	if (o.codes && (rc = to_codes(prog, data_path, d, m, codes)))
		goto out;

	double t0 = tool_now();

	for (unsigned r = 0; r < o.repeat && !err; r++)
		err = o.codes ? nlut_golden_eval_batch(g, d->n_rows, codes, NULL, cls, o.threads)
			      : nlut_golden_eval_float_batch(g, d->n_rows, d->x, NULL, cls, o.threads);
	double secs = tool_now() - t0;

	if (err) {
		rc = tool_fail(prog, err, "%s: evaluation failed", data_path);
		goto out;
	}
	rc = report(prog, &o, model_path, data_path, d, nc, cls, secs);
out:
	free(codes);
	free(cls);
	nlut_golden_free(g);
	nlut_data_free(d);
	nlut_model_free(m);
	return rc;
}
