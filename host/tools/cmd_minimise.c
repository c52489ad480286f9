/* cmd_minimise.c - `nlut minimise MODEL -o OUT`: two-level minimisation of
 * every table, with don't-cares from a dataset, into a new model. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nlut/nlut.h>
#include <nlut/minimise.h>

#include "commands.h"
#include "tool_util.h"

static void help(const char *prog)
{
	printf("Usage: %s [OPTIONS] MODEL -o OUT\n\n"
	       "Minimise every output bit of every table of MODEL as a sum of products and\n"
	       "write the result to OUT. With --care-data, the table addresses a neuron never\n"
	       "reads on that data (or reads fewer than --min-count times) are don't-cares:\n"
	       "they take the values that make the covers smallest. Every neuron's output on\n"
	       "every care vector is kept, so the care data's predictions do not change.\n\n"
	       "  -o, --output FILE    the new model (required)\n"
	       "  --care-data FILE     data whose table addresses must be kept (the training\n"
	       "                       data; IDX, CSV or .npy, gzip allowed)\n"
	       "  --care-labels FILE   labels for IDX/.npy care data\n"
	       "  --min-count N        addresses read fewer than N times are don't-cares\n"
	       "                       (default 1: only unseen ones)\n"
	       "  --radius N           also keep the addresses within N input code steps of a\n"
	       "                       kept one (sum over inputs of |code difference|;\n"
	       "                       default 0)\n"
	       "  --layers LIST        layers that take don't-cares: comma-separated indices\n"
	       "                       or 'all' (default: all but the last, the class scores)\n"
	       "  --test-data FILE     measure accuracy before and after on this data\n"
	       "  --test-labels FILE   labels for IDX/.npy test data\n"
	       "  --label-col N        CSV column holding the label: N, 'last' (default), 'none'\n"
	       "  --header MODE        CSV header line: yes, no or auto (default)\n"
	       "  --codes              data files hold input codes, not features to quantise\n"
	       "  --fill MODE          don't-care fill: 'merge' (merged cofactors: fewer LUTs\n"
	       "                       for case tables; default) or 'cover' (fewest cubes)\n"
	       "  --effort N           reduce/expand rounds per cover (default 4)\n"
	       "  --threads N          worker threads (default 0 = one per CPU)\n"
	       "  --json               print one JSON object\n"
	       "  -h, --help           show this help\n\n"
	       "'minimize' is accepted as the same command.\n",
	       prog);
}

struct min_args {
	const char *model, *output, *care, *care_labels, *test, *test_labels;
	struct nlut_data_opts data;
	struct nlut_min_opts min;
	int codes, json, layers_set;
	char layer_list[NLUT_MAX_LAYERS * 3 + 1]; /* the layers taking don't-cares */
};

/* "all" or "0,2,3" into a layer mask. */
static int parse_layers(const char *s, uint64_t *mask)
{
	*mask = 0;
	if (!strcmp(s, "all")) {
		*mask = UINT64_MAX;
		return 0;
	}
	while (*s) {
		char num[16];
		size_t len = strcspn(s, ",");
		uint64_t v;

		if (len == 0 || len >= sizeof(num))
			return -1;
		memcpy(num, s, len);
		num[len] = '\0';
		if (tool_parse_u64(num, 0, NLUT_MAX_LAYERS - 1, &v))
			return -1;
		*mask |= 1ull << v;
		s += len;
		if (*s == ',' && !*++s)
			return -1;
	}
	return *mask ? 0 : -1;
}

static int parse_args(int argc, char **argv, struct min_args *a)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "care-data", required_argument, NULL, 'd' },
		{ "care-labels", required_argument, NULL, 'D' },
		{ "min-count", required_argument, NULL, 'm' },
		{ "radius", required_argument, NULL, 'r' },
		{ "layers", required_argument, NULL, 'l' },
		{ "test-data", required_argument, NULL, 't' },
		{ "test-labels", required_argument, NULL, 'T' },
		{ "label-col", required_argument, NULL, 'c' },
		{ "header", required_argument, NULL, 'H' },
		{ "codes", no_argument, NULL, 'C' },
		{ "effort", required_argument, NULL, 'e' },
		{ "fill", required_argument, NULL, 'f' },
		{ "threads", required_argument, NULL, 'j' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *prog = argv[0];
	uint64_t v;
	int c;

	memset(a, 0, sizeof(*a));
	nlut_data_opts_init(&a->data);
	nlut_min_opts_init(&a->min);
	optind = 1;
	while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			a->output = optarg;
			break;
		case 'd':
			a->care = optarg;
			break;
		case 'D':
			a->care_labels = optarg;
			break;
		case 't':
			a->test = optarg;
			break;
		case 'T':
			a->test_labels = optarg;
			break;
		case 'm':
			if (tool_parse_u64(optarg, 1, 65535, &v))
				return tool_usage_error(prog, "--min-count '%s': expected 1..65535", optarg);
			a->min.min_count = (uint32_t)v;
			break;
		case 'r':
			if (tool_parse_u64(optarg, 0, 1000, &v))
				return tool_usage_error(prog, "--radius '%s': expected 0..1000", optarg);
			a->min.radius = (unsigned)v;
			break;
		case 'l':
			if (parse_layers(optarg, &a->min.layers))
				return tool_usage_error(prog, "--layers '%s': expected 'all' or layer indices 0..%u separated by commas",
							optarg, NLUT_MAX_LAYERS - 1);
			a->layers_set = 1;
			break;
		case 'c':
			if (tool_opt_label_col(prog, optarg, &a->data.label_col))
				return NLUT_EXIT_USAGE;
			break;
		case 'H':
			if (tool_opt_header(prog, optarg, &a->data.header))
				return NLUT_EXIT_USAGE;
			break;
		case 'C':
			a->codes = 1;
			break;
		case 'f':
			if (!strcmp(optarg, "cover"))
				a->min.fill = NLUT_MIN_FILL_COVER;
			else if (!strcmp(optarg, "merge"))
				a->min.fill = NLUT_MIN_FILL_MERGE;
			else
				return tool_usage_error(prog, "--fill '%s': expected cover or merge", optarg);
			break;
		case 'e':
			if (tool_parse_u64(optarg, 0, 100, &v))
				return tool_usage_error(prog, "--effort '%s': expected 0..100", optarg);
			a->min.effort = (unsigned)v;
			break;
		case 'j':
			if (tool_parse_u64(optarg, 0, 256, &v))
				return tool_usage_error(prog, "--threads '%s': expected 0..256", optarg);
			a->min.threads = (unsigned)v;
			break;
		case 'J':
			a->json = 1;
			break;
		case 'h':
			help(prog);
			return -1;
		default:
			return tool_usage_error(prog, "bad option");
		}
	}
	if (argc - optind != 1)
		return tool_usage_error(prog, "expected one MODEL argument");
	if (!a->output)
		return tool_usage_error(prog, "-o OUT is required");
	if ((a->min.min_count > 1 || a->min.radius || a->layers_set) && !a->care)
		return tool_usage_error(prog, "--min-count, --radius and --layers need --care-data");
	a->model = argv[optind];
	return 0;
}

static int min_fail(const char *prog, int err, const char *what)
{
	const char *d = nlut_min_error_detail();

	fprintf(stderr, "%s: %s: %s\n", prog, what, d[0] ? d : nlut_strerror(err));
	return NLUT_EXIT_FAIL;
}

/* A dataset as input codes of m: quantised features, or checked codes. */
struct coded {
	struct nlut_dataset *d;
	uint16_t *codes;
};

static int load_coded(const char *prog, const struct min_args *a, const char *path,
		      const char *labels, const nlut_model *m, struct coded *out)
{
	struct nlut_data_opts o = a->data;
	uint32_t ni = nlut_model_num_inputs(m);
	const struct nlut_quant *q = nlut_model_quant(m);
	int err;

	o.labels_path = labels;
	if ((err = nlut_data_load(path, &o, &out->d)))
		return tool_fail(prog, err, "cannot load %s", path);
	struct nlut_dataset *d = out->d;

	if (d->n_features != ni) {
		fprintf(stderr, "%s: %s has %zu features per row, the model expects %u\n", prog,
			path, d->n_features, ni);
		return NLUT_EXIT_FAIL;
	}
	for (size_t r = 0; d->labels && r < d->n_rows; r++)
		if ((uint32_t)d->labels[r] >= nlut_model_num_classes(m)) {
			fprintf(stderr, "%s: %s: row %zu has label %d but the model has %u classes\n",
				prog, path, r, d->labels[r], nlut_model_num_classes(m));
			return NLUT_EXIT_FAIL;
		}
	out->codes = malloc((d->n_rows * ni + 1) * sizeof(*out->codes));
	if (!out->codes)
		return tool_fail(prog, NLUT_ERROR_NO_MEM, "%s: %zu rows", path, d->n_rows);
	for (size_t r = 0; r < d->n_rows; r++) {
		const float *x = d->x + r * ni;
		uint16_t *c = out->codes + r * ni;

		if (!a->codes) {
			nlut_model_quantize(m, x, c);
			continue;
		}
		for (uint32_t f = 0; f < ni; f++) {
			float max = (float)((1u << q[f].bits) - 1u);

			if (!(x[f] >= 0.0f && x[f] <= max) || x[f] != floorf(x[f])) {
				fprintf(stderr, "%s: %s: row %zu feature %u: %g is not a %u-bit code\n",
					prog, path, r, f, (double)x[f], q[f].bits);
				return NLUT_EXIT_FAIL;
			}
			c[f] = (uint16_t)x[f];
		}
	}
	return NLUT_EXIT_OK;
}

static void coded_free(struct coded *c)
{
	nlut_data_free(c->d);
	free(c->codes);
}

/* Predictions of m on c; *correct counts the labelled hits. */
static int predict(const char *prog, const nlut_model *m, const struct coded *c,
		   unsigned threads, uint32_t *cls, size_t *correct)
{
	nlut_golden *g;
	int err;

	if ((err = nlut_golden_new(m, &g)))
		return tool_fail(prog, err, "cannot compile the golden model");
	err = nlut_golden_eval_batch(g, c->d->n_rows, c->codes, NULL, cls, threads);
	nlut_golden_free(g);
	if (err)
		return tool_fail(prog, err, "evaluation failed");
	*correct = 0;
	for (size_t r = 0; c->d->labels && r < c->d->n_rows; r++)
		*correct += (uint32_t)c->d->labels[r] == cls[r];
	return NLUT_EXIT_OK;
}

/* Before/after predictions on one dataset. */
struct compare {
	size_t rows, differ, correct0, correct1;
	int labelled;
};

static int compare_on(const char *prog, const nlut_model *m0, const nlut_model *m1,
		      const struct coded *c, unsigned threads, struct compare *out)
{
	size_t n = c->d->n_rows;
	uint32_t *c0 = malloc((n + 1) * sizeof(*c0)), *c1 = malloc((n + 1) * sizeof(*c1));
	int rc = NLUT_EXIT_FAIL;

	memset(out, 0, sizeof(*out));
	if (!c0 || !c1) {
		tool_fail(prog, NLUT_ERROR_NO_MEM, "%zu predictions", n);
		goto done;
	}
	if ((rc = predict(prog, m0, c, threads, c0, &out->correct0)) ||
	    (rc = predict(prog, m1, c, threads, c1, &out->correct1)))
		goto done;
	out->rows = n;
	out->labelled = c->d->labels != NULL;
	for (size_t r = 0; r < n; r++)
		out->differ += c0[r] != c1[r];
done:
	free(c0);
	free(c1);
	return rc;
}

static const char *fill_name(unsigned fill)
{
	return fill == NLUT_MIN_FILL_COVER ? "cover" : "merge";
}

static double pct(uint64_t a, uint64_t b)
{
	return b ? 100.0 * (double)a / (double)b : 0.0;
}

static void print_text(const struct min_args *a, const char *id0, const char *id1,
		       const struct nlut_min_stats *st, const struct compare *care,
		       const struct compare *test, double secs)
{
	printf("model       %s\n            %s\n", a->model, id0);
	if (a->care)
		printf("care data   %s (%zu vectors)\n"
		       "            kept: addresses read %u+ times and those within %u code steps;\n"
		       "            don't-cares in layers %s, filled by %s\n", a->care, care->rows,
		       a->min.min_count, a->min.radius, a->layer_list, fill_name(a->min.fill));
	else
		printf("care data   none: every address is kept (the function does not change)\n");
	printf("\n  layer  neurons   entries  don't-care  changed     cubes before -> after"
	       "      literals before -> after\n");
	for (uint32_t l = 0; l <= st->n_layers; l++) {
		const struct nlut_min_layer_stats *s = l < st->n_layers ? &st->layer[l] : &st->total;

		if (l < st->n_layers)
			printf("  %5u", l);
		else
			printf("  total");
		printf(" %8u %9llu %10.1f%% %7.1f%% %9llu -> %-9llu %6.1f%% %9llu -> %-9llu\n",
		       s->neurons, (unsigned long long)s->entries, pct(s->dont_care, s->entries),
		       pct(s->changed, s->entries), (unsigned long long)s->cubes_before,
		       (unsigned long long)s->cubes_after,
		       s->cubes_before ? 100.0 * (double)s->cubes_after / (double)s->cubes_before : 100.0,
		       (unsigned long long)s->literals_before, (unsigned long long)s->literals_after);
	}
	if (st->total.adders)
		printf("  (%u adder neurons: sub-tables and output tables minimised alike)\n",
		       st->total.adders);
	printf("\n");
	if (a->care) {
		printf("care data   predictions identical on %zu of %zu vectors", care->rows - care->differ,
		       care->rows);
		if (care->labelled)
			printf("; accuracy %.2f%% -> %.2f%%", pct(care->correct0, care->rows),
			       pct(care->correct1, care->rows));
		printf("\n");
	}
	if (a->test) {
		printf("test data   %s: ", a->test);
		if (test->labelled)
			printf("accuracy %.2f%% -> %.2f%% (%zu vectors, ", pct(test->correct0, test->rows),
			       pct(test->correct1, test->rows), test->rows);
		else
			printf("(no labels; %zu vectors, ", test->rows);
		printf("%zu predictions changed)\n", test->differ);
	}
	printf("output      %s\n            %s%s\n", a->output, id1,
	       strcmp(id0, id1) ? "" : " (same function)");
	printf("time        %.2f s\n", secs);
}

static void json_stats(const struct nlut_min_layer_stats *s)
{
	printf("{\"neurons\":%u,\"adders\":%u,\"tables\":%llu,\"entries\":%llu,"
	       "\"dont_care\":%llu,\"changed\":%llu,\"cubes_before\":%llu,\"cubes_after\":%llu,"
	       "\"literals_before\":%llu,\"literals_after\":%llu}",
	       s->neurons, s->adders, (unsigned long long)s->tables,
	       (unsigned long long)s->entries, (unsigned long long)s->dont_care,
	       (unsigned long long)s->changed, (unsigned long long)s->cubes_before,
	       (unsigned long long)s->cubes_after, (unsigned long long)s->literals_before,
	       (unsigned long long)s->literals_after);
}

static void json_compare(const char *key, const char *path, const struct compare *c)
{
	printf(",\"%s\":{\"path\":", key);
	tool_json_string(path);
	printf(",\"vectors\":%zu,\"predictions_changed\":%zu", c->rows, c->differ);
	if (c->labelled)
		printf(",\"accuracy_before\":%.6f,\"accuracy_after\":%.6f",
		       (double)c->correct0 / (double)(c->rows ? c->rows : 1),
		       (double)c->correct1 / (double)(c->rows ? c->rows : 1));
	printf("}");
}

static void print_json(const struct min_args *a, const char *id0, const char *id1,
		       const struct nlut_min_stats *st, const struct compare *care,
		       const struct compare *test, double secs)
{
	printf("{\"model\":");
	tool_json_string(a->model);
	printf(",\"identity\":\"%s\",\"output\":", id0);
	tool_json_string(a->output);
	printf(",\"output_identity\":\"%s\",\"min_count\":%u,\"radius\":%u,\"effort\":%u,"
	       "\"layers\":[", id1, a->min.min_count, a->min.radius, a->min.effort);
	for (uint32_t l = 0; l < st->n_layers; l++) {
		printf("%s", l ? "," : "");
		json_stats(&st->layer[l]);
	}
	printf("],\"total\":");
	json_stats(&st->total);
	if (a->care) {
		printf(",\"dont_care_layers\":\"%s\",\"fill\":\"%s\"", a->layer_list,
		       fill_name(a->min.fill));
		json_compare("care_data", a->care, care);
	}
	if (a->test)
		json_compare("test_data", a->test, test);
	printf(",\"seconds\":%.3f}\n", secs);
}

/* The effective layer mask as "0,1,2" (or "none"). */
static void layer_list(struct min_args *a, uint32_t n_layers)
{
	uint64_t mask = a->min.layers ? a->min.layers : (1ull << (n_layers - 1)) - 1u;
	size_t len = 0;

	a->layer_list[0] = '\0';
	for (uint32_t l = 0; l < n_layers; l++)
		if (mask >> l & 1)
			len += (size_t)snprintf(a->layer_list + len, sizeof(a->layer_list) - len,
						"%s%u", len ? "," : "", l);
	if (!len)
		snprintf(a->layer_list, sizeof(a->layer_list), "none");
}

static int set_meta(nlut_model *m, const char *key, const char *value)
{
	int err = nlut_model_set_meta(m, key, value);

	if (err)
		fprintf(stderr, "metadata %s: %s\n", key, nlut_error_detail());
	return err;
}

int cmd_minimise(int argc, char **argv)
{
	const char *prog = argv[0];
	struct min_args a;
	int rc = parse_args(argc, argv, &a);

	if (rc)
		return rc < 0 ? NLUT_EXIT_OK : rc;

	nlut_model *m = NULL, *nm = NULL;
	nlut_min_care *care = NULL;
	struct coded cd = { 0 }, td = { 0 };
	struct compare cc = { 0 }, tc = { 0 };
	struct nlut_min_stats st;
	char id0[NLUT_ID_STR_SIZE], id1[NLUT_ID_STR_SIZE], buf[64];
	double t0 = tool_now();
	int err;

	rc = NLUT_EXIT_FAIL;
	if ((err = nlut_model_load(a.model, &m))) {
		tool_fail(prog, err, "cannot load model");
		goto out;
	}
	if ((err = nlut_model_id(m, id0))) {
		tool_fail(prog, err, "model identity");
		goto out;
	}
	layer_list(&a, nlut_model_num_layers(m));
	if (a.care) {
		if ((rc = load_coded(prog, &a, a.care, a.care_labels, m, &cd)))
			goto out;
		rc = NLUT_EXIT_FAIL;
		if ((err = nlut_min_care_new(m, &care)) ||
		    (err = nlut_min_care_add_codes(care, cd.d->n_rows, cd.codes, a.min.threads))) {
			min_fail(prog, err, "counting table addresses");
			goto out;
		}
	}
	if (a.test) {
		if ((rc = load_coded(prog, &a, a.test, a.test_labels, m, &td)))
			goto out;
		rc = NLUT_EXIT_FAIL;
	}
	if ((err = nlut_minimise_model(m, care, &a.min, &nm, &st))) {
		min_fail(prog, err, "minimising");
		goto out;
	}
	if ((a.care && (rc = compare_on(prog, m, nm, &cd, a.min.threads, &cc))) ||
	    (a.test && (rc = compare_on(prog, m, nm, &td, a.min.threads, &tc))))
		goto out;
	rc = NLUT_EXIT_FAIL;
	/* The guarantee, checked: with min_count 1 no care vector may move. */
	if (a.care && a.min.min_count == 1 && cc.differ) {
		fprintf(stderr, "%s: BUG: %zu care vectors changed prediction\n", prog, cc.differ);
		goto out;
	}
	if ((err = nlut_model_id(nm, id1))) {
		tool_fail(prog, err, "new model identity");
		goto out;
	}
	int changed = strcmp(id0, id1) != 0;

	if (set_meta(nm, "minimised-from", id0) ||
	    set_meta(nm, "generator", "nlut minimise " NLUT_VERSION_STRING))
		goto out;
	snprintf(buf, sizeof(buf), "%u", a.min.min_count);
	if (a.care && (set_meta(nm, "minimise.care-data", a.care) ||
		       set_meta(nm, "minimise.min-count", buf)))
		goto out;
	snprintf(buf, sizeof(buf), "%u", a.min.radius);
	if (a.care && (set_meta(nm, "minimise.radius", buf) ||
		       set_meta(nm, "minimise.layers", a.layer_list) ||
		       set_meta(nm, "minimise.fill", fill_name(a.min.fill))))
		goto out;
	snprintf(buf, sizeof(buf), "%llu -> %llu", (unsigned long long)st.total.cubes_before,
		 (unsigned long long)st.total.cubes_after);
	if (set_meta(nm, "minimise.cubes", buf))
		goto out;
	if (a.test && tc.labelled) {
		snprintf(buf, sizeof(buf), "%.4f", (double)tc.correct1 / (double)(tc.rows ? tc.rows : 1));
		if (set_meta(nm, "accuracy", buf) || set_meta(nm, "accuracy.dataset", a.test))
			goto out;
		snprintf(buf, sizeof(buf), "%.4f", (double)tc.correct0 / (double)(tc.rows ? tc.rows : 1));
		if (set_meta(nm, "minimise.accuracy-before", buf))
			goto out;
	} else if (changed) {
		/* The old figure was measured on another function. */
		nlut_model_set_meta(nm, "accuracy", NULL);
		nlut_model_set_meta(nm, "accuracy.dataset", NULL);
	}
	if ((err = nlut_model_save(nm, a.output))) {
		tool_fail(prog, err, "cannot write %s", a.output);
		goto out;
	}
	if (a.json)
		print_json(&a, id0, id1, &st, &cc, &tc, tool_now() - t0);
	else
		print_text(&a, id0, id1, &st, &cc, &tc, tool_now() - t0);
	rc = NLUT_EXIT_OK;
out:
	coded_free(&cd);
	coded_free(&td);
	nlut_min_care_free(care);
	nlut_model_free(nm);
	nlut_model_free(m);
	return rc;
}
