/* nlut_run.c - nlut-run: run a dataset through a board and report accuracy,
 * throughput, latency and the device's counters. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlut/nlut.h>

#include "tool_util.h"

#define PROG "nlut-run"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void help(void)
{
	printf("Usage: " PROG " [OPTIONS] --model MODEL --input DATA\n"
	       "       " PROG " --list-boards\n\n"
	       "Run every vector of DATA through a board holding MODEL and print accuracy\n"
	       "(when DATA has labels), throughput, per-batch latency and device counters.\n\n"
	       "  -b, --board NAME     board to use (default sim, built on first use; see\n"
	       "                       --list-boards)\n"
	       "  -m, --model FILE     the .nlut model the board must hold\n"
	       "  -i, --input FILE     data: IDX, CSV or .npy (gzip allowed)\n"
	       "      --labels FILE    labels for IDX/.npy data\n"
	       "      --label-col N    CSV label column: N, 'last' (default) or 'none'\n"
	       "      --codes          DATA holds input codes, not features to quantise\n"
	       "      --limit N        first N vectors only\n"
	       "  -o, --output FILE    write every result: FILE.csv or FILE.json\n"
	       "      --batch N        vectors per batch (default 4096)\n"
	       "      --inflight N     batches in flight (default 4, max 64)\n"
	       "      --compare golden check every result against the golden model\n"
	       "      --bist           run the board's self-test first\n"
	       "      --boards-dir DIR board descriptions (default: installed boards)\n"
	       "      --device SEL     which device of the board's kind (index, serial)\n"
	       "      --timeout MS     longest wait for the device (default 10000)\n"
	       "      --quiet          no progress bar, no board build steps\n"
	       "      --list-boards    list the boards and exit\n"
	       "  -h, --help           show this help\n\n"
	       "Exit status: 0 success, 1 failure (bad file, device error, mismatch), 2 usage.\n");
}

struct run_opts {
	const char *board, *model, *input, *output, *compare;
	struct nlut_data_opts data;
	struct nlut_device_opts dev;
	size_t batch;
	unsigned inflight;
	int codes, bist, quiet, list;
};

static int parse(int argc, char **argv, struct run_opts *o)
{
	static const struct option opts[] = {
		{ "board", required_argument, NULL, 'b' },
		{ "model", required_argument, NULL, 'm' },
		{ "input", required_argument, NULL, 'i' },
		{ "labels", required_argument, NULL, 'L' },
		{ "label-col", required_argument, NULL, 'c' },
		{ "codes", no_argument, NULL, 'C' },
		{ "limit", required_argument, NULL, 'n' },
		{ "output", required_argument, NULL, 'o' },
		{ "batch", required_argument, NULL, 'B' },
		{ "inflight", required_argument, NULL, 'F' },
		{ "compare", required_argument, NULL, 'G' },
		{ "bist", no_argument, NULL, 'T' },
		{ "boards-dir", required_argument, NULL, 'D' },
		{ "device", required_argument, NULL, 'V' },
		{ "timeout", required_argument, NULL, 'W' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "list-boards", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int c;

	memset(o, 0, sizeof(*o));
	o->board = "sim";
	o->batch = 4096;
	o->inflight = 4;
	nlut_data_opts_init(&o->data);
	nlut_device_opts_init(&o->dev);
	while ((c = getopt_long(argc, argv, "b:m:i:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'b': o->board = optarg; break;
		case 'm': o->model = optarg; break;
		case 'i': o->input = optarg; break;
		case 'L': o->data.labels_path = optarg; break;
		case 'c':
			if (tool_opt_label_col(PROG, optarg, &o->data.label_col))
				return NLUT_EXIT_USAGE;
			break;
		case 'C': o->codes = 1; break;
		case 'n':
			if (tool_parse_u64(optarg, 1, SIZE_MAX, &v))
				return tool_usage_error(PROG, "--limit '%s': expected a positive number", optarg);
			o->data.max_rows = (size_t)v;
			break;
		case 'o': o->output = optarg; break;
		case 'B':
			if (tool_parse_u64(optarg, 1, 1u << 24, &v))
				return tool_usage_error(PROG, "--batch '%s': expected 1..16777216", optarg);
			o->batch = (size_t)v;
			break;
		case 'F':
			if (tool_parse_u64(optarg, 1, NLUT_DEVICE_MAX_INFLIGHT, &v))
				return tool_usage_error(PROG, "--inflight '%s': expected 1..%u", optarg,
							NLUT_DEVICE_MAX_INFLIGHT);
			o->inflight = (unsigned)v;
			break;
		case 'G':
			if (strcmp(optarg, "golden"))
				return tool_usage_error(PROG, "--compare '%s': only 'golden' is known", optarg);
			o->compare = optarg;
			break;
		case 'T': o->bist = 1; break;
		case 'D': o->dev.boards_dir = optarg; break;
		case 'V': o->dev.device = optarg; break;
		case 'W':
			if (tool_parse_u64(optarg, 1, 3600000, &v))
				return tool_usage_error(PROG, "--timeout '%s': expected 1..3600000 ms", optarg);
			o->dev.timeout_ms = (unsigned)v;
			break;
		case 'q': o->quiet = 1; break;
		case 'l': o->list = 1; break;
		case 'h': help(); return -1;
		default: return tool_usage_error(PROG, "bad option");
		}
	}
	if (optind != argc)
		return tool_usage_error(PROG, "unexpected argument '%s'", argv[optind]);
	if (!o->list && (!o->model || !o->input))
		return tool_usage_error(PROG, "--model and --input are required");
	return 0;
}

static int list_boards(const struct run_opts *o)
{
	struct nlut_board_info *l;
	size_t n;
	int err = nlut_board_list(o->dev.boards_dir, &l, &n);

	if (err)
		return tool_fail(PROG, err, "cannot list boards");
	for (size_t i = 0; i < n; i++)
		printf("%-16s %-8s %s\n", l[i].name, l[i].transport, l[i].description);
	free(l);
	return NLUT_EXIT_OK;
}

static void progress(size_t done, size_t n, double t0)
{
	int width = 40, fill = n ? (int)((double)done / (double)n * width) : width;
	double el = tool_now() - t0;
	char si[32];

	fprintf(stderr, "\r[%.*s%*s] %zu/%zu  %svectors/s ", fill,
		"########################################", width - fill, "", done, n,
		tool_si(el > 0 ? (double)done / el : 0, si, sizeof(si)));
}

/* Progress of long device steps (building the simulated board): a bar on a
 * terminal, one line per step otherwise. */
struct open_bar {
	int tty, shown;
	char board[64];
	char step[128];
};

static void open_progress(void *user, const char *step, double fraction)
{
	struct open_bar *b = user;
	int width = 30, fill = (int)(fraction * width + 0.5);

	if (fill < 0)
		fill = 0;
	if (fill > width)
		fill = width;
	if (!b->tty) {
		if (strcmp(step, b->step))
			fprintf(stderr, PROG ": board %s: %s\n", b->board, step);
	} else {
		/* One line of at most 79 columns, redrawn in place. */
		fprintf(stderr, "\r[%.*s%*s] %.8s: %-35.35s", fill, "##############################",
			width - fill, "", b->board, step);
	}
	snprintf(b->step, sizeof(b->step), "%s", step);
	b->shown = 1;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int write_output(const char *path, size_t n, const uint32_t *cls, const uint16_t *scores,
			uint32_t nc, const int32_t *labels)
{
	size_t pl = strlen(path);
	int json = pl > 5 && !strcmp(path + pl - 5, ".json");
	FILE *f = fopen(path, "w");

	if (!f) {
		fprintf(stderr, PROG ": %s: cannot create: ", path);
		perror(NULL);
		return NLUT_EXIT_FAIL;
	}
	if (!json) {
		fprintf(f, "index,sequence,class%s", labels ? ",label" : "");
		for (uint32_t c = 0; scores && c < nc; c++)
			fprintf(f, ",score%u", c);
		fputc('\n', f);
	} else {
		fputs("[\n", f);
	}
	for (size_t v = 0; v < n; v++) {
		if (json) {
			fprintf(f, "  {\"index\":%zu,\"sequence\":%zu,\"class\":%u", v, v, cls[v]);
			if (labels)
				fprintf(f, ",\"label\":%d", labels[v]);
			if (scores) {
				fputs(",\"scores\":[", f);
				for (uint32_t c = 0; c < nc; c++)
					fprintf(f, "%s%u", c ? "," : "", scores[v * nc + c]);
				fputc(']', f);
			}
			fprintf(f, "}%s\n", v + 1 < n ? "," : "");
			continue;
		}
		fprintf(f, "%zu,%zu,%u", v, v, cls[v]);
		if (labels)
			fprintf(f, ",%d", labels[v]);
		for (uint32_t c = 0; scores && c < nc; c++)
			fprintf(f, ",%u", scores[v * nc + c]);
		fputc('\n', f);
	}
	if (json)
		fputs("]\n", f);
	/* The error of the last write (a full disk: the final flush fails too). */
	int bad = fflush(f) != 0 || ferror(f), e = errno;

	if (fclose(f) && !bad) {
		bad = 1;
		e = errno;
	}
	if (bad) {
		struct stat st;

		fprintf(stderr, PROG ": %s: write failed: %s\n", path, strerror(e ? e : EIO));
		/* No partial file left behind (a device or FIFO stays, of course). */
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			unlink(path);
		return NLUT_EXIT_FAIL;
	}
	return NLUT_EXIT_OK;
}

int main(int argc, char **argv)
{
	struct run_opts o;
	int rc = parse(argc, argv, &o), err;

	if (rc)
		return rc < 0 ? NLUT_EXIT_OK : rc;
	if (o.list)
		return list_boards(&o);

	nlut_model *m = NULL;
	nlut_device *d = NULL;
	nlut_golden *g = NULL;
	struct nlut_dataset *ds = NULL;
	uint16_t *codes = NULL, *scores = NULL;
	uint32_t *cls = NULL, *ref = NULL;
	double *lat = NULL, *t_sub = NULL;
	struct nlut_device_info info;

	if ((err = nlut_model_load(o.model, &m)))
		return tool_fail(PROG, err, "cannot load model");
	/* The width from the file's header or first line, before decoding it
	 * all (a large file of the wrong width used to be read whole first). */
	size_t peek_rows, peek_feat;
	struct stat in_st;

	err = stat(o.input, &in_st) == 0 && S_ISREG(in_st.st_mode) ?
	      nlut_data_peek(o.input, &o.data, &peek_rows, &peek_feat) : NLUT_ERROR_UNSUPPORTED;
	if (err && err != NLUT_ERROR_UNSUPPORTED) {
		rc = tool_fail(PROG, err, "cannot load input");
		goto out;
	}
	if (!err && peek_feat != nlut_model_num_inputs(m)) {
		fprintf(stderr, PROG ": %s has %zu features per row, model %s expects %u\n", o.input,
			peek_feat, o.model, nlut_model_num_inputs(m));
		rc = NLUT_EXIT_FAIL;
		goto out;
	}
	if ((err = nlut_data_load(o.input, &o.data, &ds))) {
		rc = tool_fail(PROG, err, "cannot load input");
		goto out;
	}
	uint32_t ni = nlut_model_num_inputs(m), nc = nlut_model_num_classes(m);
	size_t n = ds->n_rows;

	if (ds->n_features != ni) {
		fprintf(stderr, PROG ": %s has %zu features per row, model %s expects %u\n", o.input,
			ds->n_features, o.model, ni);
		rc = NLUT_EXIT_FAIL;
		goto out;
	}
	/* A label the model cannot answer would count as a wrong answer. */
	for (size_t v = 0; ds->labels && v < n; v++)
		if ((uint32_t)ds->labels[v] >= nc) {
			fprintf(stderr, PROG ": %s: row %zu has label %d but the model has %u classes\n",
				o.input, v, ds->labels[v], nc);
			rc = NLUT_EXIT_FAIL;
			goto out;
		}
	codes = malloc(n * ni * sizeof(*codes) + 1);
	cls = malloc(n * sizeof(*cls) + 1);
	if (!codes || !cls) {
		rc = tool_fail(PROG, NLUT_ERROR_NO_MEM, "%zu vectors", n);
		goto out;
	}
	for (size_t v = 0; v < n; v++) {
		const float *x = ds->x + v * ni;

		if (!o.codes) {
			nlut_model_quantize(m, x, codes + v * ni);
			continue;
		}
		for (uint32_t i = 0; i < ni; i++) {
			float max = (float)((1u << nlut_model_quant(m)[i].bits) - 1u);

			if (!(x[i] >= 0 && x[i] <= max) || x[i] != (float)(uint16_t)x[i]) {
				fprintf(stderr, PROG ": %s: row %zu feature %u: %g is not a %u-bit code\n",
					o.input, v, i, (double)x[i], nlut_model_quant(m)[i].bits);
				rc = NLUT_EXIT_FAIL;
				goto out;
			}
			codes[v * ni + i] = (uint16_t)x[i];
		}
	}

	struct open_bar bar = { .tty = isatty(2) };

	snprintf(bar.board, sizeof(bar.board), "%s", o.board);
	if (!o.quiet) {
		o.dev.progress = open_progress;
		o.dev.progress_user = &bar;
	}
	err = nlut_device_open(o.board, m, &o.dev, &d);
	if (bar.shown && bar.tty)
		fprintf(stderr, "\r%*s\r", 79, "");
	if (err) {
		rc = tool_fail(PROG, err, "cannot open board %s", o.board);
		goto out;
	}
	nlut_device_get_info(d, &info);
	if (info.scores && o.output)
		scores = malloc(n * nc * sizeof(*scores) + 1);
	if (o.bist) {
		struct nlut_bist_result br;

		if ((err = nlut_device_bist(d, &br))) {
			rc = tool_fail(PROG, err, "board %s: self-test did not run", o.board);
			goto out;
		}
		printf("self-test   %s (%u vectors%s)\n", br.pass ? "pass" : "FAIL", br.vectors,
		       br.pass ? "" : ", see first failing vector below");
		if (!br.pass) {
			printf("            first failing vector %u\n", br.first_fail);
			rc = NLUT_EXIT_FAIL;
			goto out;
		}
	}

	size_t nb = (n + o.batch - 1) / o.batch;

	lat = malloc((nb + 1) * sizeof(*lat));
	t_sub = malloc((nb + 1) * sizeof(*t_sub));
	if (!lat || !t_sub) {
		rc = tool_fail(PROG, NLUT_ERROR_NO_MEM, "batch timing");
		goto out;
	}
	signal(SIGINT, on_signal);
	int show = !o.quiet && isatty(2);
	double t0 = tool_now(), last_bar = 0;
	size_t sub = 0, done = 0;

	/* Keep `inflight` batches queued; latency = submit to collect. */
	while (done < nb && !stop) {
		while (sub < nb && sub - done < o.inflight) {
			size_t at = sub * o.batch, k = n - at < o.batch ? n - at : o.batch;

			t_sub[sub] = tool_now();
			if ((err = nlut_device_submit(d, k, codes + at * ni, cls + at,
						      scores ? scores + at * nc : NULL, NULL)))
				break;
			sub++;
		}
		if (err || (err = nlut_device_collect(d, NULL)))
			break;
		lat[done] = tool_now() - t_sub[done];
		done++;
		if (show && tool_now() - last_bar > 0.1) {
			progress(done * o.batch < n ? done * o.batch : n, n, t0);
			last_bar = tool_now();
		}
	}
	double secs = tool_now() - t0;

	if (show)
		fprintf(stderr, "\r%*s\r", 80, "");
	if (err) {
		rc = tool_fail(PROG, err, "board %s: inference failed after %zu of %zu batches", o.board,
			       done, nb);
		goto out;
	}
	/* An interrupt that came while the last batch ran stopped nothing. */
	int cut = stop && done < nb;

	if (cut) {
		while (nlut_device_inflight(d))
			nlut_device_collect(d, NULL);
		fprintf(stderr, PROG ": interrupted after %zu of %zu batches\n", done, nb);
		n = done * o.batch < n ? done * o.batch : n;
	}

	size_t mismatch = 0, first_bad = 0;

	if (o.compare) {
		ref = malloc(n * sizeof(*ref) + 1);
		if (!ref || (err = nlut_golden_new(m, &g)) ||
		    (err = nlut_golden_eval_batch(g, n, codes, NULL, ref, 0))) {
			rc = tool_fail(PROG, err ? err : NLUT_ERROR_NO_MEM, "golden comparison failed");
			goto out;
		}
		for (size_t v = n; v-- > 0;)
			if (ref[v] != cls[v]) {
				mismatch++;
				first_bad = v;
			}
	}
	if (o.output && (rc = write_output(o.output, n, cls, scores, nc, ds->labels)))
		goto out;

	size_t correct = 0;

	for (size_t v = 0; ds->labels && v < n; v++)
		correct += (uint32_t)ds->labels[v] == cls[v];
	qsort(lat, done, sizeof(*lat), cmp_double);

	char si[32], id[NLUT_ID_STR_SIZE];
	struct nlut_counters c;

	nlut_model_id(m, id);
	printf("board       %s (%s transport, board id 0x%04x, build 0x%08x)\n", info.board,
	       info.transport, info.board_id, info.build_id);
	printf("model       %s (%.16s…, %u inputs, %u classes, core latency %u cycles)\n", o.model, id,
	       ni, nc, info.latency_cycles);
	printf("vectors     %zu in %zu batches of up to %zu, %u in flight\n", n, done, o.batch, o.inflight);
	if (ds->labels)
		printf("accuracy    %.2f%% (%zu of %zu)\n", 100.0 * (double)correct / (double)(n ? n : 1),
		       correct, n);
	printf("throughput  %svectors/s (%.1f ms)\n", tool_si(secs > 0 ? (double)n / secs : 0, si, sizeof(si)),
	       1e3 * secs);
	if (done)
		printf("latency     per batch p50 %.3f ms, p99 %.3f ms\n", 1e3 * lat[done / 2],
		       1e3 * lat[(size_t)((double)(done - 1) * 0.99)]);
	if (!nlut_device_counters(d, &c))
		printf("counters    inputs %llu, results %llu, stall cycles %llu, errors %u (flags 0x%x)\n",
		       (unsigned long long)c.inputs, (unsigned long long)c.results,
		       (unsigned long long)c.stall_cycles, c.errors, c.error_flags);
	if (o.compare) {
		printf("compare     golden: %zu mismatches in %zu vectors\n", mismatch, n);
		if (mismatch) {
			fprintf(stderr, PROG ": board %s disagrees with the golden model on %zu vectors; "
					"first at vector %zu: board says class %u, golden model %u\n",
				o.board, mismatch, first_bad, cls[first_bad], ref[first_bad]);
			rc = NLUT_EXIT_FAIL;
			goto out;
		}
	}
	rc = cut ? NLUT_EXIT_FAIL : NLUT_EXIT_OK;
out:
	nlut_device_close(d);
	nlut_golden_free(g);
	nlut_data_free(ds);
	nlut_model_free(m);
	free(codes);
	free(scores);
	free(cls);
	free(ref);
	free(lat);
	free(t_sub);
	return rc;
}
