/* cmd_train.c - `nlut train`: train an L-LUT network on a dataset and write
 * its truth tables as a .nlut model. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nlut/nlut.h>
#include <nlut/train.h>

#include "commands.h"
#include "tool_util.h"

#define EXIT_INTERRUPTED 130

static volatile sig_atomic_t stop_flag;

static void on_sigint(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static void help(const char *prog)
{
	printf("Usage: %s [-c CONFIG]... [--KEY VALUE]... [OPTIONS]\n\n"
	       "Train a network of L-LUT neurons (NeuraLUT-style sub-networks, or linear\n"
	       "LogicNets neurons with --neuron-depth 0) on a labelled dataset, compile every\n"
	       "neuron into its truth table and write the .nlut model. The config file holds\n"
	       "'key = value' lines; any key can also be given as --key VALUE (or\n"
	       "--key=VALUE, '-' and '_' alike), which overrides the files. docs/train-config.md\n"
	       "describes every key.\n\n"
	       "Data:\n"
	       "  --train FILE          training data: IDX (labels found beside it), CSV, .npy\n"
	       "  --test FILE           test data (else --test-rows of the training file)\n"
	       "  --test-rows N         N rows of the training file are the test set: the last\n"
	       "                        ones, or a seeded draw with --test-split random\n"
	       "  --val-percent P       held out of training for validation (default 10)\n"
	       "  --image WxH --pool P  average-pool images P x P\n"
	       "  --augment-shift N     train on images shifted by up to N pixels\n"
	       "Network:\n"
	       "  --layers A,B,..,C     neurons per layer; the last is the number of classes\n"
	       "  --fan-in F[,F..]      inputs per neuron, per layer (the last repeats)\n"
	       "  --in-bits B --hidden-bits B --out-bits B   code widths (2, 2, 4)\n"
	       "  --neuron-depth D --neuron-width W          sub-network per neuron (2, 16)\n"
	       "  --connectivity random|local, --skip 0|1\n"
	       "Training:\n"
	       "  --epochs N --batch N --ghost N --lr X --schedule cosine|step|const\n"
	       "  --weight-decay X --seed N --threads N (0 = one per CPU)\n"
	       "Output:\n"
	       "  -o, --output FILE     model file (default model.nlut)\n"
	       "  --name NAME           model name in the metadata\n"
	       "  --export-test FILE    write the preprocessed test set as CSV (label last)\n"
	       "  -q, --quiet           no progress line\n"
	       "  -c, --config FILE     read settings (several allowed, in order)\n"
	       "  -h, --help            show this help\n\n"
	       "Ctrl-C ends the current batch, writes the best model so far and exits 130.\n"
	       "The same config and seed give the same model whatever --threads is.\n",
	       prog);
}

struct progress_state {
	int tty, quiet;
	int open_line;
};

static void fmt_time(double s, char *buf, size_t len)
{
	unsigned long t = (unsigned long)(s + 0.5);

	if (t >= 3600)
		snprintf(buf, len, "%lu:%02lu:%02lu", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(buf, len, "%lu:%02lu", t / 60, t % 60);
}

static void progress(const struct nlut_train_progress *p, void *user)
{
	struct progress_state *ps = user;
	char el[32], eta[32], val[64];

	if (ps->quiet || (!p->end_of_epoch && !ps->tty))
		return;
	fmt_time(p->elapsed, el, sizeof(el));
	fmt_time(p->eta, eta, sizeof(eta));
	if (p->val_acc >= 0)
		snprintf(val, sizeof(val), "val %6.2f%% (best %.2f%% @%u)", 100 * p->val_acc,
			 100 * p->best_val_acc, p->best_epoch);
	else
		snprintf(val, sizeof(val), "val   -   ");
	fprintf(stderr, "%sepoch %3u/%u %s loss %.4f  train %6.2f%%  %s  lr %.2g  %s  left %s  %.0f samples/s%s",
		ps->tty ? "\r\033[K" : "", p->epoch, p->epochs,
		p->end_of_epoch ? "     " : "", p->loss, 100 * p->train_acc, val, p->lr, el, eta,
		p->samples_per_s, p->end_of_epoch || !ps->tty ? "\n" : "");
	if (!p->end_of_epoch && ps->tty) {
		char sb[32];

		snprintf(sb, sizeof(sb), " [%u/%u]", p->step, p->steps);
		fputs(sb, stderr);
	}
	ps->open_line = !p->end_of_epoch && ps->tty;
	fflush(stderr);
}

/* "--fan-in" -> "fan_in" */
static void key_of(const char *opt, char *key, size_t len)
{
	size_t i;

	for (i = 0; opt[i] && i + 1 < len; i++)
		key[i] = opt[i] == '-' ? '_' : opt[i];
	key[i] = '\0';
}

static int export_csv(const char *path, const struct nlut_dataset *d)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	for (size_t r = 0; r < d->n_rows; r++) {
		for (size_t j = 0; j < d->n_features; j++)
			fprintf(f, "%.9g,", (double)d->x[r * d->n_features + j]);
		fprintf(f, "%d\n", (int)d->labels[r]);
	}
	return fclose(f) ? -1 : 0;
}

static int train_fail(const char *prog, int err, const char *what)
{
	const char *d = nlut_train_error_detail();

	fprintf(stderr, "%s: %s: %s\n", prog, what, d[0] ? d : nlut_strerror(err));
	return NLUT_EXIT_FAIL;
}

static char *command_line(int argc, char **argv)
{
	size_t len = 16;
	char *s;

	for (int i = 1; i < argc; i++)
		len += strlen(argv[i]) + 3;
	s = malloc(len);
	if (!s)
		return NULL;
	strcpy(s, "nlut train");
	for (int i = 1; i < argc; i++) {
		strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

int cmd_train(int argc, char **argv)
{
	const char *prog = argv[0];
	struct nlut_train_config cfg;
	struct progress_state ps = { 0 };
	struct nlut_dataset *train = NULL, *test = NULL;
	nlut_trainer *t = NULL;
	nlut_model *m = NULL;
	const char *export_test = NULL;
	char key[128], where[160], buf[64];
	int rc, ret = NLUT_EXIT_FAIL, interrupted = 0;
	double t0 = tool_now(), t_setup = 0, t_train;

	nlut_train_config_init(&cfg);
	/* Pass 1: config files and --help, so flags override files. */
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			help(prog);
			return NLUT_EXIT_OK;
		}
		if (!strcmp(a, "-c") || !strcmp(a, "--config") || !strncmp(a, "--config=", 9)) {
			const char *path = a[1] == 'c' || a[8] == '\0' ? argv[++i] : a + 9;

			if (!path)
				return tool_usage_error(prog, "%s needs a FILE", a);
			if (nlut_train_config_load(&cfg, path))
				return tool_usage_error(prog, "%s", nlut_train_error_detail());
		}
	}
	/* Pass 2: every other flag, in order. */
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = NULL, *eq;

		if (!strcmp(a, "-c") || !strcmp(a, "--config")) {
			i++;
			continue;
		}
		if (!strncmp(a, "--config=", 9))
			continue;
		if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			ps.quiet = 1;
			continue;
		}
		if (!strcmp(a, "-o")) {
			a = "--output";
		} else if (strncmp(a, "--", 2) != 0) {
			return tool_usage_error(prog, "unexpected argument '%s'", a);
		}
		eq = strchr(a, '=');
		if (eq) {
			size_t n = (size_t)(eq - a - 2);

			if (n >= sizeof(key))
				return tool_usage_error(prog, "option '%s' too long", a);
			memcpy(buf, a + 2, n < sizeof(buf) ? n : sizeof(buf) - 1);
			buf[n < sizeof(buf) ? n : sizeof(buf) - 1] = '\0';
			key_of(buf, key, sizeof(key));
			val = eq + 1;
		} else {
			key_of(a + 2, key, sizeof(key));
			val = i + 1 < argc ? argv[i + 1] : NULL;
			if (val)
				i++;
		}
		snprintf(where, sizeof(where), "--%s", key);
		for (char *k = where + 2; *k; k++)
			if (*k == '_')
				*k = '-';
		if (!strcmp(key, "export_test")) {
			if (!val)
				return tool_usage_error(prog, "%s needs a FILE", where);
			export_test = val;
			continue;
		}
		if (!nlut_train_config_has_key(key))
			return tool_usage_error(prog, "unknown option '%s'", a);
		if (!val)
			return tool_usage_error(prog, "%s needs a value", where);
		if (nlut_train_config_set(&cfg, key, val, where))
			return tool_usage_error(prog, "%s", nlut_train_error_detail());
	}
	if (nlut_train_config_check(&cfg))
		return tool_usage_error(prog, "%s", nlut_train_error_detail());

	rc = nlut_train_load_data(&cfg, &train, &test);
	if (rc)
		return train_fail(prog, rc, "data");
	if (export_test && test && export_csv(export_test, test)) {
		fprintf(stderr, "%s: %s: %s\n", prog, export_test, strerror(errno));
		goto out;
	}
	rc = nlut_trainer_new(&cfg, train, &t);
	if (rc) {
		ret = train_fail(prog, rc, "setup");
		goto out;
	}
	ps.tty = isatty(STDERR_FILENO);
	if (!ps.quiet) {
		char si1[32], si2[32];

		fprintf(stderr, "data     %s: %zu rows x %zu features, %u classes; test %zu rows\n",
			cfg.train_path, train->n_rows, train->n_features, train->n_classes,
			test ? test->n_rows : (size_t)0);
		fprintf(stderr, "network  layers");
		for (uint32_t l = 0; l < cfg.n_layers; l++)
			fprintf(stderr, "%s%u", l ? "," : " ", cfg.width[l]);
		if (cfg.neuron == NLUT_TRAIN_NEURON_DENSE)
			fprintf(stderr, ", bits %u/%u/%u, LUT-Dense, lut_cost %g; %s edge table entries "
				"at full width, %sparameters; %u threads\n", cfg.in_bits, cfg.hidden_bits,
				cfg.out_bits, cfg.lut_cost,
				tool_si((double)nlut_trainer_table_entries(t), si1, sizeof(si1)),
				tool_si((double)nlut_trainer_num_params(t), si2, sizeof(si2)),
				nlut_trainer_threads(t));
		else
			fprintf(stderr, ", bits %u/%u/%u, neuron depth %u width %u; %stable entries, "
				"%sparameters; %u threads\n", cfg.in_bits, cfg.hidden_bits, cfg.out_bits,
				cfg.depth, cfg.sub_width,
				tool_si((double)nlut_trainer_table_entries(t), si1, sizeof(si1)),
				tool_si((double)nlut_trainer_num_params(t), si2, sizeof(si2)),
				nlut_trainer_threads(t));
	}
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	t_setup = tool_now() - t0;
	rc = nlut_trainer_run(t, progress, &ps, &stop_flag);
	signal(SIGINT, SIG_DFL);
	if (ps.open_line)
		fputc('\n', stderr);
	t_train = tool_now() - t0 - t_setup;
	if (rc == NLUT_ERROR_INTERRUPTED) {
		interrupted = 1;
		fprintf(stderr, "%s: interrupted: %s\n", prog, nlut_train_error_detail());
	} else if (rc) {
		ret = train_fail(prog, rc, "training");
		goto out;
	}

	double tc = tool_now();

	rc = nlut_trainer_compile(t, &m);
	if (rc) {
		ret = train_fail(prog, rc, "compile");
		goto out;
	}
	tc = tool_now() - tc;
	if (test) {
		/* The written tables must give the trained quantised pass's
		 * prediction on every test sample. */
		nlut_golden *g = NULL;
		uint32_t *cg = malloc(test->n_rows * sizeof(uint32_t));
		uint32_t *ct = malloc(test->n_rows * sizeof(uint32_t));
		size_t ok = 0, same = 0;

		rc = cg && ct ? nlut_golden_new(m, &g) : NLUT_ERROR_NO_MEM;
		if (!rc)
			rc = nlut_golden_eval_float_batch(g, test->n_rows, test->x, NULL, cg, 0);
		if (!rc)
			rc = nlut_trainer_predict(t, test->n_rows, test->x, NULL, ct);
		for (size_t i = 0; !rc && i < test->n_rows; i++) {
			ok += cg[i] == (uint32_t)test->labels[i];
			same += cg[i] == ct[i];
		}
		nlut_golden_free(g);
		free(cg);
		free(ct);
		if (rc) {
			ret = tool_fail(prog, rc, "test evaluation");
			goto out;
		}
		if (same != test->n_rows) {
			fprintf(stderr, "%s: BUG: the tables disagree with the trained network on %zu of %zu test samples\n",
				prog, test->n_rows - same, test->n_rows);
			goto out;
		}
		snprintf(buf, sizeof(buf), "%.4f", (double)ok / (double)test->n_rows);
		nlut_model_set_meta(m, "accuracy", buf);
		nlut_model_set_meta(m, "accuracy.dataset", cfg.test_path[0] ? cfg.test_path :
				    "last test_rows rows of the training file");
		fprintf(stderr, "test     accuracy %.2f%% (%zu of %zu); tables = trained quantised pass on all %zu\n",
			100.0 * (double)ok / (double)test->n_rows, ok, test->n_rows, test->n_rows);
	}
	char *cmd = command_line(argc, argv);

	if (cmd) {
		nlut_model_set_meta(m, "train.command", cmd);
		free(cmd);
	}
	snprintf(buf, sizeof(buf), "%.1f", t_train);
	nlut_model_set_meta(m, "train.seconds", buf);
	rc = nlut_model_save(m, cfg.output);
	if (rc) {
		ret = tool_fail(prog, rc, "%s", cfg.output);
		goto out;
	}
	{
		char id[NLUT_ID_STR_SIZE], si[32];
		uint32_t be;
		double bv = nlut_trainer_best_val(t, &be);

		char vs[48] = "no validation rows";

		if (bv >= 0)
			snprintf(vs, sizeof(vs), "val %.2f%%", 100 * bv);
		nlut_model_id(m, id);
		fprintf(stderr, "model    %s: %stable entries, epoch %u (%s)\n"
				"         data and setup %.1f s, training %.1f s, compiling %.2f s\n"
				"         id %s\n",
			cfg.output, tool_si((double)nlut_model_table_entries(m), si, sizeof(si)),
			be, vs, t_setup, t_train, tc, id);
	}
	ret = interrupted ? EXIT_INTERRUPTED : NLUT_EXIT_OK;
out:
	nlut_model_free(m);
	nlut_trainer_free(t);
	nlut_data_free(train);
	nlut_data_free(test);
	return ret;
}
