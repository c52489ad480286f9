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

	if (!n) {
		/* CSV: the total is known at its end only. */
		fprintf(stderr, "\r%zu vectors  %svectors/s ", done,
			tool_si(el > 0 ? (double)done / el : 0, si, sizeof(si)));
		return;
	}
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

/* Results written as they come: FILE.csv or FILE.json. */
struct out_file {
	const char *path;
	FILE *f;
	int json, labels;
	uint32_t nc;
	size_t count;
};

static int out_open(struct out_file *o, const char *path, int labels, int scores, uint32_t nc)
{
	size_t pl = strlen(path);

	o->path = path;
	o->json = pl > 5 && !strcmp(path + pl - 5, ".json");
	o->labels = labels;
	o->nc = nc;
	o->count = 0;
	if (!(o->f = fopen(path, "w"))) {
		fprintf(stderr, PROG ": %s: cannot create: %s\n", path, strerror(errno));
		return NLUT_EXIT_FAIL;
	}
	if (o->json) {
		fputs("[\n", o->f);
		return NLUT_EXIT_OK;
	}
	fprintf(o->f, "index,sequence,class%s", labels ? ",label" : "");
	for (uint32_t c = 0; scores && c < nc; c++)
		fprintf(o->f, ",score%u", c);
	fputc('\n', o->f);
	return NLUT_EXIT_OK;
}

static void out_batch(struct out_file *o, size_t k, const uint32_t *cls, const uint16_t *scores,
		      const int32_t *labels)
{
	for (size_t i = 0; i < k; i++, o->count++) {
		size_t v = o->count;

		if (o->json) {
			fprintf(o->f, "%s  {\"index\":%zu,\"sequence\":%zu,\"class\":%u", v ? ",\n" : "",
				v, v, cls[i]);
			if (o->labels)
				fprintf(o->f, ",\"label\":%d", labels[i]);
			if (scores) {
				fputs(",\"scores\":[", o->f);
				for (uint32_t c = 0; c < o->nc; c++)
					fprintf(o->f, "%s%u", c ? "," : "", scores[i * o->nc + c]);
				fputc(']', o->f);
			}
			fputc('}', o->f);
			continue;
		}
		fprintf(o->f, "%zu,%zu,%u", v, v, cls[i]);
		if (o->labels)
			fprintf(o->f, ",%d", labels[i]);
		for (uint32_t c = 0; scores && c < o->nc; c++)
			fprintf(o->f, ",%u", scores[i * o->nc + c]);
		fputc('\n', o->f);
	}
}

/* Finish the file; a failed write removes it (a device or FIFO stays). */
static int out_close(struct out_file *o)
{
	if (!o->f)
		return NLUT_EXIT_OK;
	if (o->json)
		fputs(o->count ? "\n]\n" : "]\n", o->f);
	/* The error of the last write (a full disk: the final flush fails too). */
	int bad = fflush(o->f) != 0 || ferror(o->f), e = errno;

	if (fclose(o->f) && !bad) {
		bad = 1;
		e = errno;
	}
	o->f = NULL;
	if (bad) {
		struct stat st;

		fprintf(stderr, PROG ": %s: write failed: %s\n", o->path, strerror(e ? e : EIO));
		if (stat(o->path, &st) == 0 && S_ISREG(st.st_mode))
			unlink(o->path);
		return NLUT_EXIT_FAIL;
	}
	return NLUT_EXIT_OK;
}

/* One batch on its way: its codes (kept for the golden comparison), its
 * results and labels. */
struct slot {
	uint16_t *codes, *scores;
	uint32_t *cls, *ref;
	int32_t *labels;
	size_t k, base;
	int records;            /* sent as records: results read as records too */
	double t_sub;
};

struct run {
	const struct run_opts *o;
	nlut_model *m;
	nlut_device *d;
	nlut_golden *g;
	nlut_data_reader *rd;
	struct out_file out;
	struct slot *slots;
	float *x;
	uint32_t ni, nc;
	int scores, labels;
	size_t max_records;     /* largest batch packed straight into the board's buffer */
	size_t vectors, correct, mismatch, first_bad;
	uint32_t bad_cls, bad_ref;
	double *lat, t_read;
	size_t n_lat, lat_cap;
	char in_error[512];     /* why the input stopped early, if it did */
	char dev_error[256];    /* what was wrong with a batch's result records */
};

static void slots_free(struct run *r)
{
	for (unsigned i = 0; r->slots && i < r->o->inflight; i++) {
		struct slot *s = &r->slots[i];

		free(s->codes);
		free(s->scores);
		free(s->cls);
		free(s->ref);
		free(s->labels);
	}
	free(r->slots);
	free(r->x);
	free(r->lat);
}

static int slots_alloc(struct run *r)
{
	size_t b = r->o->batch;

	r->slots = calloc(r->o->inflight, sizeof(*r->slots));
	r->x = malloc(b * r->ni * sizeof(*r->x) + 1);
	if (!r->slots || !r->x)
		return -1;
	for (unsigned i = 0; i < r->o->inflight; i++) {
		struct slot *s = &r->slots[i];

		s->codes = malloc(b * r->ni * sizeof(*s->codes) + 1);
		s->cls = malloc(b * sizeof(*s->cls) + 1);
		s->labels = malloc(b * sizeof(*s->labels) + 1);
		s->ref = r->o->compare ? malloc(b * sizeof(*s->ref) + 1) : NULL;
		s->scores = r->scores && r->o->output ? malloc(b * r->nc * sizeof(*s->scores) + 1) : NULL;
		if (!s->codes || !s->cls || !s->labels || (r->o->compare && !s->ref) ||
		    (r->scores && r->o->output && !s->scores))
			return -1;
	}
	return 0;
}

/*
 * The next batch of the input into slot s, checked: labels the model can
 * answer, codes of the right widths. 0 with s->k = 0 at the end; -1 when the
 * input stops here (r->in_error says why).
 */
static int fill_slot(struct run *r, struct slot *s, size_t base)
{
	const struct run_opts *o = r->o;
	int err = nlut_data_read(r->rd, o->batch, r->x, s->labels, &s->k);

	s->base = base;
	if (err) {
		snprintf(r->in_error, sizeof(r->in_error), "cannot load input: %s (%s)",
			 nlut_error_detail(), nlut_strerror(err));
		return -1;
	}
	for (size_t i = 0; r->labels && i < s->k; i++)
		if ((uint32_t)s->labels[i] >= r->nc) {
			snprintf(r->in_error, sizeof(r->in_error),
				 "%s: row %zu has label %d but the model has %u classes", o->input,
				 base + i, s->labels[i], r->nc);
			return -1;
		}
	for (size_t v = 0; v < s->k; v++) {
		const float *x = r->x + v * r->ni;
		uint16_t *c = s->codes + v * r->ni;

		if (!o->codes) {
			nlut_model_quantize(r->m, x, c);
			continue;
		}
		for (uint32_t i = 0; i < r->ni; i++) {
			unsigned bits = nlut_model_quant(r->m)[i].bits;
			float max = (float)((1u << bits) - 1u);

			if (!(x[i] >= 0 && x[i] <= max) || x[i] != (float)(uint16_t)x[i]) {
				snprintf(r->in_error, sizeof(r->in_error),
					 "%s: row %zu feature %u: %g is not a %u-bit code", o->input,
					 base + v, i, (double)x[i], bits);
				return -1;
			}
			c[i] = (uint16_t)x[i];
		}
	}
	return 0;
}

/* A collected batch: latency, golden comparison, accuracy, output. */
static int finish_slot(struct run *r, struct slot *s)
{
	int err;

	if (r->n_lat == r->lat_cap) {
		size_t cap = r->lat_cap ? r->lat_cap * 2 : 256;
		double *l = realloc(r->lat, cap * sizeof(*l));

		if (!l)
			return tool_fail(PROG, NLUT_ERROR_NO_MEM, "batch timing");
		r->lat = l;
		r->lat_cap = cap;
	}
	r->lat[r->n_lat++] = tool_now() - s->t_sub;
	if (r->o->compare) {
		if ((err = nlut_golden_eval_batch(r->g, s->k, s->codes, NULL, s->ref, 0)))
			return tool_fail(PROG, err, "golden comparison failed");
		for (size_t v = 0; v < s->k; v++)
			if (s->ref[v] != s->cls[v] && !r->mismatch++) {
				r->first_bad = s->base + v;
				r->bad_cls = s->cls[v];
				r->bad_ref = s->ref[v];
			}
	}
	for (size_t v = 0; r->labels && v < s->k; v++)
		r->correct += (uint32_t)s->labels[v] == s->cls[v];
	if (r->out.f)
		out_batch(&r->out, s->k, s->cls, s->scores, s->labels);
	r->vectors += s->k;
	return NLUT_EXIT_OK;
}

/* Pack the batch straight into the board's input records (on zero-copy
 * boards the card's own buffer: no host copy) when it fits one acquire. */
static int submit_batch(struct run *r, struct slot *s)
{
	uint8_t *rec;
	size_t stride;
	int err;

	s->records = s->k <= r->max_records;
	if (!s->records)
		return nlut_device_submit(r->d, s->k, s->codes, s->cls, s->scores, NULL);
	if ((err = nlut_device_records_acquire(r->d, s->k, &rec, &stride)))
		return err;
	if ((err = nlut_device_pack(r->d, s->k, s->codes, rec, stride))) {
		nlut_device_records_submit(r->d, 0, NULL, NULL, NULL);
		return err;
	}
	return nlut_device_records_submit(r->d, s->k, NULL, NULL, NULL);
}

/* The oldest batch's results; records are read where the board left them
 * (zero-copy boards: the card's output buffer). The library checked the
 * first and last sequence tags; every one between must follow on. */
static int collect_batch(struct run *r, struct slot *s)
{
	const uint8_t *res;
	size_t n, stride;
	int err;

	if (!s->records)
		return nlut_device_collect(r->d, NULL);
	if ((err = nlut_device_records_collect(r->d, NULL, &res, &n, &stride)))
		return err;
	uint32_t first = nlut_result_seq(res);

	for (size_t v = 0; v < n; v++) {
		const uint8_t *rec = res + v * stride;

		if (nlut_result_seq(rec) != first + (uint32_t)v || nlut_result_class(rec) >= r->nc) {
			snprintf(r->dev_error, sizeof(r->dev_error),
				 "result %zu of the batch from row %zu has sequence tag %u (expected %u) and class %u",
				 v, s->base, nlut_result_seq(rec), first + (uint32_t)v, nlut_result_class(rec));
			return NLUT_ERROR_PROTOCOL;
		}
		s->cls[v] = nlut_result_class(rec);
		for (uint32_t c = 0; s->scores && c < r->nc; c++)
			s->scores[v * r->nc + c] = nlut_result_score(rec, c);
	}
	return NLUT_SUCCESS;
}

/*
 * Keep `inflight` batches queued, reading the input as it goes; latency =
 * submit to collect. Every batch submitted is collected and reported, also
 * when the input or an interrupt stops the run early.
 */
static int run_batches(struct run *r, size_t *batches, int *cut)
{
	const struct run_opts *o = r->o;
	int show = !o->quiet && isatty(2), in_end = 0, err = 0, rc;
	size_t n_total = nlut_data_reader_rows(r->rd), sub = 0, done = 0, read = 0;
	double t0 = tool_now(), last_bar = 0;

	while (1) {
		while (!in_end && !stop && sub - done < o->inflight) {
			struct slot *s = &r->slots[sub % o->inflight];

			double t = tool_now();
			int bad = fill_slot(r, s, read);

			r->t_read += tool_now() - t;
			if (bad) {
				in_end = 1;
				break;
			}
			if (!s->k) {
				in_end = 1;
				break;
			}
			read += s->k;
			s->t_sub = tool_now();
			if ((err = submit_batch(r, s)))
				break;
			sub++;
		}
		if (err || done == sub)
			break;
		if ((err = collect_batch(r, &r->slots[done % o->inflight])))
			break;
		if ((rc = finish_slot(r, &r->slots[done % o->inflight])))
			return rc;
		done++;
		if (show && tool_now() - last_bar > 0.1) {
			progress(r->vectors, n_total, t0);
			last_bar = tool_now();
		}
	}
	if (show)
		fprintf(stderr, "\r%*s\r", 80, "");
	*batches = done;
	if (err) {
		char what[64] = "";

		if (n_total)
			snprintf(what, sizeof(what), " of %zu", (n_total + o->batch - 1) / o->batch);
		if (r->dev_error[0])
			return tool_fail_detail(PROG, o->board, r->dev_error, err);
		return tool_fail(PROG, err, "board %s: inference failed after %zu%s batches (%zu vectors)",
				 o->board, done, what, r->vectors);
	}
	*cut = stop && !r->in_error[0] && (n_total ? r->vectors < n_total : !in_end);
	if (*cut)
		fprintf(stderr, PROG ": interrupted after %zu batches (%zu vectors)\n", done, r->vectors);
	return NLUT_EXIT_OK;
}

static void print_summary(struct run *r, double secs, size_t batches)
{
	const struct run_opts *o = r->o;
	char si[32], id[NLUT_ID_STR_SIZE];
	struct nlut_device_info info;
	struct nlut_counters c;
	size_t n = r->vectors, done = r->n_lat;

	nlut_device_get_info(r->d, &info);
	qsort(r->lat, done, sizeof(*r->lat), cmp_double);
	nlut_model_id(r->m, id);
	printf("board       %s (%s transport, board id 0x%04x, build 0x%08x)\n", info.board,
	       info.transport, info.board_id, info.build_id);
	printf("model       %s (%.16s…, %u inputs, %u classes, core latency %u cycles)\n", o->model, id,
	       r->ni, r->nc, info.latency_cycles);
	printf("vectors     %zu in %zu batches of up to %zu, %u in flight\n", n, batches, o->batch,
	       o->inflight);
	if (r->labels)
		printf("accuracy    %.2f%% (%zu of %zu)\n",
		       100.0 * (double)r->correct / (double)(n ? n : 1), r->correct, n);
	printf("throughput  %svectors/s (%.1f ms, of which reading the input %.1f ms)\n",
	       tool_si(secs > 0 ? (double)n / secs : 0, si, sizeof(si)), 1e3 * secs, 1e3 * r->t_read);
	if (done)
		printf("latency     per batch p50 %.3f ms, p99 %.3f ms\n", 1e3 * r->lat[done / 2],
		       1e3 * r->lat[(size_t)((double)(done - 1) * 0.99)]);
	if (!nlut_device_counters(r->d, &c))
		printf("counters    inputs %llu, results %llu, stall cycles %llu, errors %u (flags 0x%x)\n",
		       (unsigned long long)c.inputs, (unsigned long long)c.results,
		       (unsigned long long)c.stall_cycles, c.errors, c.error_flags);
	if (o->compare)
		printf("compare     golden: %zu mismatches in %zu vectors\n", r->mismatch, n);
}

/* Open the input and check its width against the model. */
static int open_input(struct run *r)
{
	const struct run_opts *o = r->o;
	int err = nlut_data_open(o->input, &o->data, &r->rd);

	if (err)
		return tool_fail(PROG, err, "cannot load input");
	if (nlut_data_reader_features(r->rd) != r->ni) {
		fprintf(stderr, PROG ": %s has %zu features per row, model %s expects %u\n", o->input,
			nlut_data_reader_features(r->rd), o->model, r->ni);
		return NLUT_EXIT_FAIL;
	}
	r->labels = nlut_data_reader_has_labels(r->rd);
	return NLUT_EXIT_OK;
}

static int open_board(struct run *r)
{
	const struct run_opts *o = r->o;
	struct nlut_device_opts dev = o->dev;
	struct open_bar bar = { .tty = isatty(2) };
	struct nlut_device_info info;
	int err;

	snprintf(bar.board, sizeof(bar.board), "%s", o->board);
	if (!o->quiet) {
		dev.progress = open_progress;
		dev.progress_user = &bar;
	}
	err = nlut_device_open(o->board, r->m, &dev, &r->d);
	if (bar.shown && bar.tty)
		fprintf(stderr, "\r%*s\r", 79, "");
	if (err)
		return tool_fail(PROG, err, "cannot open board %s", o->board);
	nlut_device_get_info(r->d, &info);
	r->scores = info.scores;
	r->max_records = info.max_records;
	if (!o->bist)
		return NLUT_EXIT_OK;

	struct nlut_bist_result br;

	if ((err = nlut_device_bist(r->d, &br)))
		return tool_fail(PROG, err, "board %s: self-test did not run", o->board);
	printf("self-test   %s (%u vectors%s)\n", br.pass ? "pass" : "FAIL", br.vectors,
	       br.pass ? "" : ", see first failing vector below");
	if (!br.pass) {
		printf("            first failing vector %u\n", br.first_fail);
		return NLUT_EXIT_FAIL;
	}
	return NLUT_EXIT_OK;
}

int main(int argc, char **argv)
{
	struct run_opts o;
	struct run r;
	int rc = parse(argc, argv, &o), err, cut = 0;
	size_t batches = 0;

	if (rc)
		return rc < 0 ? NLUT_EXIT_OK : rc;
	if (o.list)
		return list_boards(&o);
	memset(&r, 0, sizeof(r));
	r.o = &o;
	if ((err = nlut_model_load(o.model, &r.m)))
		return tool_fail(PROG, err, "cannot load model");
	r.ni = nlut_model_num_inputs(r.m);
	r.nc = nlut_model_num_classes(r.m);
	if ((rc = open_input(&r)) || (rc = open_board(&r)))
		goto out;
	if (o.compare && (err = nlut_golden_new(r.m, &r.g))) {
		rc = tool_fail(PROG, err, "golden comparison failed");
		goto out;
	}
	if (slots_alloc(&r)) {
		rc = tool_fail(PROG, NLUT_ERROR_NO_MEM, "%u batches of %zu vectors", o.inflight, o.batch);
		goto out;
	}
	if (o.output && (rc = out_open(&r.out, o.output, r.labels, r.scores, r.nc)))
		goto out;
	signal(SIGINT, on_signal);

	double t0 = tool_now();

	if ((rc = run_batches(&r, &batches, &cut)))
		goto out;
	double secs = tool_now() - t0;

	if ((rc = out_close(&r.out)))
		goto out;
	if (r.in_error[0]) {
		/* The vectors before the bad one have their results (above). */
		fprintf(stderr, PROG ": %s; stopped after %zu vectors\n", r.in_error, r.vectors);
		rc = NLUT_EXIT_FAIL;
		goto out;
	}
	print_summary(&r, secs, batches);
	if (r.mismatch) {
		fprintf(stderr, PROG ": board %s disagrees with the golden model on %zu vectors; "
				"first at vector %zu: board says class %u, golden model %u\n",
			o.board, r.mismatch, r.first_bad, r.bad_cls, r.bad_ref);
		rc = NLUT_EXIT_FAIL;
		goto out;
	}
	rc = cut ? NLUT_EXIT_FAIL : NLUT_EXIT_OK;
out:
	if (r.out.f) {
		/* Stopped by an error: what was written stays, unless it failed. */
		int orc = out_close(&r.out);

		rc = rc ? rc : orc;
	}
	nlut_device_close(r.d);
	nlut_golden_free(r.g);
	nlut_data_close(r.rd);
	nlut_model_free(r.m);
	slots_free(&r);
	return rc;
}
