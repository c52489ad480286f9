/* cmd_vectors.c - `nlut vectors MODEL DATA -o DIR`: pattern files of input
 * words and the golden model's output words, and a testbench in Verilog and
 * VHDL that plays them (docs/integration.md). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nlut/nlut.h>

#include "commands.h"
#include "nlut_gen.h"
#include "tool_util.h"

static void help(const char *prog)
{
	printf("Usage: %s [OPTIONS] MODEL DATA -o DIR\n\n"
	       "Write pattern files for the regression of a design that holds nlut_core:\n"
	       "DIR/nlut_in.hex (one input word in_codes per line, hex) and DIR/nlut_out.hex\n"
	       "(the golden model's out_class and out_scores of the same line, hex, space\n"
	       "between), from the rows of DATA (quantised by the model; '-' for none) and\n"
	       "random codes, plus the testbenches nlut_vectors_tb.v and nlut_vectors_tb.vhd\n"
	       "that play them through the core of `nlut gen` and check every result and\n"
	       "its latency (docs/integration.md).\n\n"
	       "  -o, --output DIR   directory to write (created if missing)\n"
	       "  --random N         random code vectors after the data rows (default 0)\n"
	       "  --seed N           seed of the random codes (default 1)\n"
	       "  --limit N          use the first N rows of DATA only\n"
	       "  --codes            DATA holds input codes, not features to quantise\n"
	       "  --fixed-latency    testbenches for a core made with `nlut gen\n"
	       "                     --fixed-latency` (no ce)\n"
	       "  --labels FILE      labels file of IDX/.npy data (only the features are used)\n"
	       "  --label-col N      CSV column holding the label: N, 'last' (default), 'none'\n"
	       "  --header MODE      CSV header line: yes, no or auto (default)\n"
	       "  -q, --quiet        print nothing on success\n"
	       "  -h, --help         show this help\n",
	       prog);
}

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/* Rows of path as codes (quantised, or checked as codes) into *codes. */
static int load_rows(const char *prog, const char *path, const struct nlut_data_opts *dopt,
		     int as_codes, const nlut_model *m, uint16_t **codes, size_t *n)
{
	const struct nlut_quant *q = nlut_model_quant(m);
	uint32_t n_in = nlut_model_num_inputs(m);
	struct nlut_dataset *d;
	int err = nlut_data_load(path, dopt, &d);

	if (err)
		return tool_fail(prog, err, "cannot load %s", path);
	if (d->n_features != n_in) {
		fprintf(stderr, "%s: %s has %zu features, the model %u\n", prog, path, d->n_features,
			n_in);
		nlut_data_free(d);
		return NLUT_EXIT_FAIL;
	}
	*n = d->n_rows;
	*codes = malloc((d->n_rows ? d->n_rows : 1) * n_in * sizeof(**codes));
	if (!*codes) {
		nlut_data_free(d);
		return tool_fail(prog, NLUT_ERROR_NO_MEM, "%s", path);
	}
	for (size_t r = 0; r < d->n_rows; r++) {
		const float *x = &d->x[r * n_in];

		if (!as_codes) {
			nlut_model_quantize(m, x, &(*codes)[r * n_in]);
			continue;
		}
		for (uint32_t f = 0; f < n_in; f++) {
			float max = (float)((1u << q[f].bits) - 1u);

			if (!(x[f] >= 0.0f && x[f] <= max) || x[f] != (float)(uint32_t)x[f]) {
				fprintf(stderr, "%s: %s: row %zu feature %u: %g is not a %u-bit code\n",
					prog, path, r, f, (double)x[f], q[f].bits);
				nlut_data_free(d);
				free(*codes);
				*codes = NULL;
				return NLUT_EXIT_FAIL;
			}
			(*codes)[r * n_in + f] = (uint16_t)x[f];
		}
	}
	nlut_data_free(d);
	return NLUT_EXIT_OK;
}

int cmd_vectors(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "random", required_argument, NULL, 'r' },
		{ "seed", required_argument, NULL, 's' },
		{ "limit", required_argument, NULL, 'n' },
		{ "codes", no_argument, NULL, 'C' },
		{ "fixed-latency", no_argument, NULL, 'F' },
		{ "labels", required_argument, NULL, 'L' },
		{ "label-col", required_argument, NULL, 'c' },
		{ "header", required_argument, NULL, 'H' },
		TOOL_OPTS_QUIET_HELP,
	};
	const char *prog = argv[0], *out = NULL;
	struct nlut_vectors_opts vo;
	struct nlut_data_opts dopt;
	uint64_t n_random = 0, seed = 1, v;
	int c, rc, quiet = 0, as_codes = 0;

	memset(&vo, 0, sizeof(vo));
	nlut_data_opts_init(&dopt);
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'r':
			if (tool_parse_u64(optarg, 0, 100000000, &n_random))
				return tool_usage_error(prog, "--random '%s': expected 0..100000000",
							optarg);
			break;
		case 's':
			if (tool_parse_u64(optarg, 0, UINT64_MAX, &seed))
				return tool_usage_error(prog, "--seed '%s': expected a number", optarg);
			break;
		case 'n':
			if (tool_parse_u64(optarg, 1, SIZE_MAX, &v))
				return tool_usage_error(prog, "--limit '%s': expected a positive number",
							optarg);
			dopt.max_rows = (size_t)v;
			break;
		case 'C':
			as_codes = 1;
			break;
		case 'F':
			vo.fixed_latency = 1;
			break;
		case 'L':
			dopt.labels_path = optarg;
			break;
		case 'c':
			if (tool_opt_label_col(prog, optarg, &dopt.label_col))
				return NLUT_EXIT_USAGE;
			break;
		case 'H':
			if (tool_opt_header(prog, optarg, &dopt.header))
				return NLUT_EXIT_USAGE;
			break;
		default:
			if ((rc = tool_opt_common(prog, c, &quiet, help)) != TOOL_OPT_NEXT)
				return rc;
		}
	}
	if ((rc = tool_check_args(prog, argc, 2, "expected MODEL and DATA arguments ('-' for no data)",
				  out, "DIR")))
		return rc;
	const char *path = argv[optind], *data = argv[optind + 1];
	nlut_model *m;
	uint16_t *codes = NULL;
	size_t n_data = 0;
	int err = nlut_model_load(path, &m);

	if (err)
		return tool_fail(prog, err, "cannot load model");
	if (strcmp(data, "-")) {
		if ((rc = load_rows(prog, data, &dopt, as_codes, m, &codes, &n_data))) {
			nlut_model_free(m);
			return rc;
		}
	}
	const struct nlut_quant *q = nlut_model_quant(m);
	uint32_t n_in = nlut_model_num_inputs(m);
	size_t n = n_data + n_random;

	if (n == 0) {
		nlut_model_free(m);
		free(codes);
		return tool_usage_error(prog, "no vectors: give DATA rows or --random N");
	}
	uint16_t *all = realloc(codes, n * n_in * sizeof(*all));

	if (!all) {
		free(codes);
		nlut_model_free(m);
		return tool_fail(prog, NLUT_ERROR_NO_MEM, "vectors");
	}
	uint64_t rng = seed;

	for (size_t r = n_data; r < n; r++)
		for (uint32_t f = 0; f < n_in; f++)
			all[r * n_in + f] = (uint16_t)(splitmix64(&rng) >> 48 & ((1u << q[f].bits) - 1u));
	err = nlut_vectors_write(m, all, n, &vo, out);
	free(all);
	nlut_model_free(m);
	if (err)
		return tool_fail_detail(prog, path, nlut_gen_error_detail(), err);
	if (!quiet)
		printf("wrote %s/nlut_in.hex and nlut_out.hex: %zu vectors (%zu data rows, %llu random, "
		       "seed %llu); testbenches nlut_vectors_tb.v and .vhd for a core %s\n",
		       out, n, n_data, (unsigned long long)n_random, (unsigned long long)seed,
		       vo.fixed_latency ? "with a fixed latency" : "with ce");
	return NLUT_EXIT_OK;
}
