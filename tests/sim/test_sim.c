/* test_sim.c - the sim transport without Verilator: a fake build script and
 * a mock board (the golden board behind nlut_simboard.h) exercise the cache
 * key, the cache folders, concurrent builders, progress and error reporting,
 * the checks after loading, and clocking results out in slices. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <ftw.h>
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <nlut/nlut.h>

#include "random_model.h"
#include "test_seed.h"

static uint64_t seed;
static char root[512], cache[600], boards[600], model_path[600], model2_path[600];
static nlut_model *model, *model2;

static void path(char *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void path(char *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out, 700, fmt, ap);
	va_end(ap);
}

static void write_file(const char *rel, const char *content)
{
	char p[700];
	FILE *f;

	path(p, "%s/%s", root, rel);
	assert_non_null(f = fopen(p, "w"));
	fputs(content, f);
	assert_int_equal(fclose(f), 0);
}

static void make_dir(const char *rel)
{
	char p[700];

	path(p, "%s/%s", root, rel);
	assert_true(mkdir(p, 0755) == 0 || errno == EEXIST);
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	return remove(p);
}

static void rm_rf(const char *p)
{
	nftw(p, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void setenv_rel(const char *key, const char *rel)
{
	char p[700];

	path(p, "%s/%s", root, rel);
	setenv(key, p, 1);
}

/* Build-script runs so far (one line each in the log). */
static int builds(void)
{
	char p[700], line[4096];
	int n = 0;
	FILE *f;

	path(p, "%s/build-runs.log", root);
	if (!(f = fopen(p, "r")))
		return 0;
	while (fgets(line, sizeof(line), f))
		n++;
	fclose(f);
	return n;
}

static int count_glob(const char *pattern)
{
	glob_t g;
	int n = 0;

	if (!glob(pattern, 0, NULL, &g))
		n = (int)g.gl_pathc;
	globfree(&g);
	return n;
}

struct progress_log {
	int n;
	char step[16][64];
	double fraction[16];
};

static void on_progress(void *user, const char *step, double fraction)
{
	struct progress_log *l = user;

	if (l->n < 16) {
		snprintf(l->step[l->n], sizeof(l->step[0]), "%s", step);
		l->fraction[l->n++] = fraction;
	}
}

static int open_sim(const char *board, const nlut_model *m, struct progress_log *l, unsigned timeout,
		    nlut_device **d)
{
	struct nlut_device_opts o;

	nlut_device_opts_init(&o);
	o.boards_dir = boards;
	o.timeout_ms = timeout;
	if (l) {
		memset(l, 0, sizeof(*l));
		o.progress = on_progress;
		o.progress_user = l;
	}
	return nlut_device_open(board, m, &o, d);
}

/* Open and close again; the error code. */
static int open_close(const char *board, const nlut_model *m)
{
	nlut_device *d = NULL;
	int err = open_sim(board, m, NULL, 0, &d);

	nlut_device_close(d);
	return err;
}

static void assert_detail_has(const char *s)
{
	if (!strstr(nlut_error_detail(), s))
		fail_msg("detail '%s' lacks '%s'", nlut_error_detail(), s);
}

/* ---- fixture: a fake source tree, firmware, program, boards, models ---- */

static int group_setup(void **state)
{
	struct rm_spec sp;

	seed = test_seed("sim");
	snprintf(root, sizeof(root), "%s/sim-%d", NLUT_TEST_TMPDIR, (int)getpid());
	rm_rf(root);
	if (mkdir(root, 0755))
		return -1;
	path(cache, "%s/cache", root);
	path(boards, "%s/boards", root);
	path(model_path, "%s/model.nlut", root);
	path(model2_path, "%s/model2.nlut", root);
	rm_jsc2l_spec(&sp);
	model = rm_build(&sp, seed);
	model2 = rm_build(&sp, seed + 1);
	if (!model || !model2 || nlut_model_save(model, model_path) || nlut_model_save(model2, model2_path))
		return -1;
	setenv("NLUT_SIM_BUILD", NLUT_FAKE_SIM_BUILD, 1);
	setenv("FAKE_SIMBOARD_SO", NLUT_MOCK_SIMBOARD, 1);
	setenv_rel("FAKE_SIM_LOG", "build-runs.log");
	setenv_rel("NLUT_SRC", "src");
	setenv_rel("NLUT_FW_HEX", "fw.hex");
	setenv_rel("NLUT", "nlut");
	setenv_rel("NLUT_INCLUDE", "include");
	return 0;
}

static int group_teardown(void **state)
{
	nlut_model_free(model);
	nlut_model_free(model2);
	rm_rf(root);
	return 0;
}

/* Every test starts from an empty cache and the baseline inputs. */
static int setup(void **state)
{
	char p[700];

	rm_rf(cache);
	path(p, "%s/build-runs.log", root);
	unlink(p);
	path(p, "%s/src", root);
	rm_rf(p);
	make_dir("src");
	make_dir("src/rtl");
	make_dir("src/rtl/shell");
	make_dir("src/sim");
	make_dir("src/sim/system");
	make_dir("src/sim/common");
	make_dir("src/docs");
	write_file("src/rtl/shell/nlut_shell.v", "module nlut_shell; endmodule\n");
	write_file("src/rtl/.nlut_shell.v.swp", "editor state 1\n");
	write_file("src/sim/system/board.cpp", "int main() {}\n");
	write_file("src/sim/common/nlut_tb.h", "/* harness */\n");
	write_file("src/docs/shell.md", "# docs are not build inputs\n");
	write_file("fw.hex", "@0\n00000013\n");
	write_file("nlut", "nlut program v1\n");
	make_dir("include");
	make_dir("include/nlut");
	write_file("include/nlut/regs.h", "#define NLUT_MAGIC 1\n");
	make_dir("boards");
	make_dir("boards/sim");
	make_dir("boards/sim4");
	write_file("boards/sim/board.def", "name = sim\ntransport = sim\nboard_id = 0x0051\n"
					   "s_bytes = 8\nm_bytes = 8\nscores = 1\n");
	write_file("boards/sim4/board.def", "name = sim4\ntransport = sim\nboard_id = 0x0051\n"
					    "s_bytes = 4\nm_bytes = 8\nscores = 1\n");
	setenv("NLUT_SIM_CACHE", cache, 1);
	setenv("NLUT_FAKE_SIMBOARD_MODEL", model_path, 1);
	unsetenv("NLUT_FAKE_SIMBOARD_SHAPE");
	unsetenv("NLUT_FAKE_SIMBOARD_ABI");
	unsetenv("NLUT_FAKE_SIMBOARD_MODE");
	unsetenv("FAKE_SIM_MODE");
	unsetenv("NLUT_SIM_STALL");
	unsetenv("NLUT_SIM_TRACE");
	unsetenv("NLUT_SIM_CXX");
	return 0;
}

/* ---- tests ---- */

static void builds_once_then_cached(void **state)
{
	struct progress_log l;
	nlut_device *d;
	nlut_golden *g;
	size_t n = 1500;
	uint32_t nc = nlut_model_num_classes(model), ni = nlut_model_num_inputs(model);
	uint16_t *codes = malloc(n * ni * sizeof(*codes)), *sc = malloc(n * nc * sizeof(*sc)),
		 *gsc = malloc(n * nc * sizeof(*gsc));
	uint32_t *cls = malloc(n * sizeof(*cls)), *gcls = malloc(n * sizeof(*gcls));
	char p[700], log[4096];
	FILE *f;

	assert_int_equal(open_sim("sim", model, &l, 0, &d), NLUT_SUCCESS);
	assert_int_equal(builds(), 1);
	/* Steps as they start, then done; chatter is not progress. */
	assert_int_equal(l.n, 4);
	assert_string_equal(l.step[0], "generating the core");
	assert_string_equal(l.step[1], "verilating");
	assert_string_equal(l.step[2], "compiling");
	assert_string_equal(l.step[3], "built");
	assert_true(l.fraction[0] == 0.0 && l.fraction[1] > 0.33 && l.fraction[1] < 0.34 &&
		    l.fraction[2] > 0.66 && l.fraction[2] < 0.67 && l.fraction[3] == 1.0);
	/* The script got the board's parameters and where the inputs are. */
	path(p, "%s/build-runs.log", root);
	assert_non_null(f = fopen(p, "r"));
	assert_non_null(fgets(log, sizeof(log), f));
	fclose(f);
	assert_non_null(strstr(log, "--s-bytes 8 --m-bytes 8 --scores 1 --board-id 81 --jobs "));
	path(p, "src=%s/src fw=%s/fw.hex nlut=%s/nlut include=%s/include", root, root, root, root);
	assert_non_null(strstr(log, p));
	path(p, "%s/*/BUILD_OK", cache);
	assert_int_equal(count_glob(p), 1);
	path(p, "%s/*/nlut_simboard.so", cache);
	assert_int_equal(count_glob(p), 1);
	path(p, "%s/*/model.nlut", cache);
	assert_int_equal(count_glob(p), 1);

	/* Results clocked out a record at a time equal the golden model's. */
	rm_codes(model, seed, n, codes);
	assert_int_equal(nlut_device_infer(d, n, codes, cls, sc), NLUT_SUCCESS);
	assert_int_equal(nlut_golden_new(model, &g), NLUT_SUCCESS);
	assert_int_equal(nlut_golden_eval_batch(g, n, codes, gsc, gcls, 1), NLUT_SUCCESS);
	assert_memory_equal(cls, gcls, n * sizeof(*cls));
	assert_memory_equal(sc, gsc, n * nc * sizeof(*sc));
	nlut_golden_free(g);
	nlut_device_close(d);

	/* Second open: from the cache, no build, no progress. */
	assert_int_equal(open_sim("sim", model, &l, 0, &d), NLUT_SUCCESS);
	assert_int_equal(builds(), 1);
	assert_int_equal(l.n, 0);
	nlut_device_close(d);
	free(codes);
	free(sc);
	free(gsc);
	free(cls);
	free(gcls);
}

static void key_follows_every_input(void **state)
{
	assert_int_equal(open_close("sim", model), NLUT_SUCCESS);
	assert_int_equal(builds(), 1);
	/* Not inputs: hidden files, folders outside rtl/ and sim/. */
	write_file("src/rtl/.nlut_shell.v.swp", "editor state 2\n");
	write_file("src/docs/shell.md", "# changed\n");
	assert_int_equal(open_close("sim", model), NLUT_SUCCESS);
	assert_int_equal(builds(), 1);

	/* Each input changed on its own makes a new board. */
	write_file("src/rtl/shell/nlut_shell.v", "module nlut_shell; wire a; endmodule\n");
	assert_int_equal(open_close("sim", model), NLUT_SUCCESS);
	assert_int_equal(builds(), 2);
	write_file("src/sim/common/extra.h", "/* new */\n");
	assert_int_equal(open_close("sim", model), NLUT_SUCCESS);
	assert_int_equal(builds(), 3);
	write_file("src/sim/system/board.cpp", "int main() { return 0; }\n");
	assert_int_equal(open_close("sim", model), NLUT_SUCCESS);
	assert_int_equal(builds(), 4);
	write_file("fw.hex", "@0\n00000033\n");
	assert_int_equal(open_close("sim", model), NLUT_SUCCESS);
	assert_int_equal(builds(), 5);
	write_file("nlut", "nlut program v2\n");
	assert_int_equal(open_close("sim", model), NLUT_SUCCESS);
	assert_int_equal(builds(), 6);
	write_file("include/nlut/regs.h", "#define NLUT_MAGIC 2\n");
	assert_int_equal(open_close("sim", model), NLUT_SUCCESS);
	assert_int_equal(builds(), 7);
	setenv("NLUT_FAKE_SIMBOARD_SHAPE", "4,8,1", 1);
	assert_int_equal(open_close("sim4", model), NLUT_SUCCESS);
	assert_int_equal(builds(), 8);
	unsetenv("NLUT_FAKE_SIMBOARD_SHAPE");
	setenv("NLUT_FAKE_SIMBOARD_MODEL", model2_path, 1);
	assert_int_equal(open_close("sim", model2), NLUT_SUCCESS);
	assert_int_equal(builds(), 9);
	/* Each of those is cached now. */
	assert_int_equal(open_close("sim", model2), NLUT_SUCCESS);
	assert_int_equal(builds(), 9);
	setenv("NLUT_FAKE_SIMBOARD_MODEL", model_path, 1);
	assert_int_equal(open_close("sim", model), NLUT_SUCCESS);
	assert_int_equal(builds(), 9);
	/* The board's compiler, chosen by the environment, is an input too. */
	setenv("NLUT_SIM_CXX", "g++", 1);
	assert_int_equal(open_close("sim", model), NLUT_SUCCESS);
	assert_int_equal(builds(), 10);
	unsetenv("NLUT_SIM_CXX");
	assert_int_equal(open_close("sim", model), NLUT_SUCCESS);
	assert_int_equal(builds(), 10);

	/* Back to the first inputs: the first board, from the cache. */
	write_file("src/rtl/shell/nlut_shell.v", "module nlut_shell; endmodule\n");
	write_file("src/sim/system/board.cpp", "int main() {}\n");
	write_file("fw.hex", "@0\n00000013\n");
	write_file("nlut", "nlut program v1\n");
	write_file("include/nlut/regs.h", "#define NLUT_MAGIC 1\n");
	char p[700];

	path(p, "%s/src/sim/common/extra.h", root);
	unlink(p);
	assert_int_equal(open_close("sim", model), NLUT_SUCCESS);
	assert_int_equal(builds(), 10);
	path(p, "%s/*/BUILD_OK", cache);
	assert_int_equal(count_glob(p), 10);
}

static void failed_build_names_step_and_log(void **state)
{
	char p[700], log[700];

	setenv("FAKE_SIM_MODE", "fail", 1);
	assert_int_equal(open_close("sim", model), NLUT_ERROR_OTHER);
	/* The script's own line (it names the step and its log), then the
	 * first error of the log; not the tool chatter before. */
	assert_detail_has("simulated board: the build failed: nlut-sim-build: step 2/3 (verilating) failed; see ");
	assert_detail_has("/log/verilator.log [%Error: nlut_shell.v:12: syntax error]");
	assert_null(strstr(nlut_error_detail(), "chatter"));
	/* The log named is kept; no board was added to the cache. */
	const char *at = strstr(nlut_error_detail(), "see ") + 4;

	snprintf(log, sizeof(log), "%.*s", (int)(strstr(at, " [") - at), at);
	assert_true(access(log, R_OK) == 0);
	path(p, "%s/*/BUILD_OK", cache);
	assert_int_equal(count_glob(p), 0);

	/* A message between steps: the last step started is named. */
	setenv("FAKE_SIM_MODE", "die", 1);
	assert_int_equal(open_close("sim", model), NLUT_ERROR_OTHER);
	assert_detail_has("the build failed at step 1/3 (generating the core): nlut-sim-build: cannot find the "
			  "Verilator runtime: is verilator installed?");

	/* A working build afterwards replaces the failed one's folder. */
	setenv("FAKE_SIM_MODE", "ok", 1);
	assert_int_equal(open_close("sim", model), NLUT_SUCCESS);
	assert_int_equal(access(log, F_OK), -1);
	path(p, "%s/*/BUILD_OK", cache);
	assert_int_equal(count_glob(p), 1);
	assert_int_equal(builds(), 3);
}

static void script_without_board_is_an_error(void **state)
{
	setenv("FAKE_SIM_MODE", "noso", 1);
	assert_int_equal(open_close("sim", model), NLUT_ERROR_OTHER);
	assert_detail_has("succeeded but wrote no ");
	assert_detail_has("nlut_simboard.so");
}

static void missing_inputs_are_named(void **state)
{
	char p[700];

	setenv("NLUT_SIM_BUILD", "/nonexistent/nlut-sim-build", 1);
	assert_int_equal(open_close("sim", model), NLUT_ERROR_NOT_FOUND);
	assert_detail_has("build script /nonexistent/nlut-sim-build is missing or not executable");
	write_file("noexec.sh", "#!/bin/sh\n");
	setenv_rel("NLUT_SIM_BUILD", "noexec.sh");
	assert_int_equal(open_close("sim", model), NLUT_ERROR_NOT_FOUND);
	assert_detail_has("noexec.sh is missing or not executable");
	setenv("NLUT_SIM_BUILD", NLUT_FAKE_SIM_BUILD, 1);

	setenv_rel("NLUT_FW_HEX", "nofw.hex");
	assert_int_equal(open_close("sim", model), NLUT_ERROR_NOT_FOUND);
	assert_detail_has("no firmware image ");
	setenv_rel("NLUT_FW_HEX", "fw.hex");
	setenv_rel("NLUT", "nonlut");
	assert_int_equal(open_close("sim", model), NLUT_ERROR_NOT_FOUND);
	assert_detail_has("no nlut program at ");
	setenv_rel("NLUT", "nlut");
	setenv_rel("NLUT_INCLUDE", "src");
	assert_int_equal(open_close("sim", model), NLUT_ERROR_NOT_FOUND);
	assert_detail_has("no nlut/regs.h in ");
	setenv_rel("NLUT_INCLUDE", "include");
	setenv_rel("NLUT_SRC", "nosrc");
	assert_int_equal(open_close("sim", model), NLUT_ERROR_NOT_FOUND);
	assert_detail_has("no nlut sources at ");
	setenv_rel("NLUT_SRC", "src");
	/* A source tree without one of the input folders. */
	path(p, "%s/src/sim/common", root);
	rm_rf(p);
	assert_int_equal(open_close("sim", model), NLUT_ERROR_NOT_FOUND);
	assert_detail_has("sim/common");
	make_dir("src/sim/common");
	/* A cache folder that cannot be made. */
	setenv_rel("NLUT_SIM_CACHE", "fw.hex/cache");
	assert_int_equal(open_close("sim", model), NLUT_ERROR_IO);
	assert_detail_has("cannot create the cache folder ");
	setenv("NLUT_SIM_CACHE", cache, 1);
	assert_int_equal(builds(), 0);
	assert_int_equal(open_close("sim", model), NLUT_SUCCESS);
}

static void default_cache_folders(void **state)
{
	const char *home = getenv("HOME");
	char *saved_home = home ? strdup(home) : NULL, p[700];

	unsetenv("NLUT_SIM_CACHE");
	setenv_rel("XDG_CACHE_HOME", "xdg");
	assert_int_equal(open_close("sim", model), NLUT_SUCCESS);
	path(p, "%s/xdg/nlut/sim/*/BUILD_OK", root);
	assert_int_equal(count_glob(p), 1);
	unsetenv("XDG_CACHE_HOME");
	setenv_rel("HOME", "home");
	assert_int_equal(open_close("sim", model), NLUT_SUCCESS);
	path(p, "%s/home/.cache/nlut/sim/*/BUILD_OK", root);
	assert_int_equal(count_glob(p), 1);
	unsetenv("HOME");
	assert_int_equal(open_close("sim", model), NLUT_ERROR_NOT_FOUND);
	assert_detail_has("set NLUT_SIM_CACHE");
	if (saved_home)
		setenv("HOME", saved_home, 1);
	free(saved_home);
}

static void wrong_board_is_refused(void **state)
{
	char a[NLUT_ID_STR_SIZE], b[NLUT_ID_STR_SIZE];

	assert_int_equal(open_close("sim", model), NLUT_SUCCESS);
	/* The cached board claims to hold another model. */
	setenv("NLUT_FAKE_SIMBOARD_MODEL", model2_path, 1);
	assert_int_equal(open_close("sim", model), NLUT_ERROR_MODEL_MISMATCH);
	nlut_model_id(model, a);
	nlut_model_id(model2, b);
	assert_detail_has(a);
	assert_detail_has(b);
	setenv("NLUT_FAKE_SIMBOARD_MODEL", model_path, 1);
	setenv("NLUT_FAKE_SIMBOARD_SHAPE", "64,64,1", 1);
	assert_int_equal(open_close("sim", model), NLUT_ERROR_MODEL_MISMATCH);
	assert_detail_has("has s_bytes 64, m_bytes 64, scores 1; board sim asks for 8, 8, 1");
	unsetenv("NLUT_FAKE_SIMBOARD_SHAPE");
	setenv("NLUT_FAKE_SIMBOARD_ABI", "2", 1);
	assert_int_equal(open_close("sim", model), NLUT_ERROR_VERSION);
	assert_detail_has("speaks interface version 2, this libnlut 1");
	unsetenv("NLUT_FAKE_SIMBOARD_ABI");
	setenv("NLUT_FAKE_SIMBOARD_MODE", "fail-new", 1);
	assert_int_equal(open_close("sim", model), NLUT_ERROR_NO_DEVICE);
	assert_detail_has("did not start: firmware did not boot in 1000000 cycles");
	unsetenv("NLUT_FAKE_SIMBOARD_MODE");
	assert_int_equal(open_close("sim", model), NLUT_SUCCESS);
	assert_int_equal(builds(), 1);
}

static void silent_board_times_out(void **state)
{
	uint16_t codes[16 * 10];
	uint32_t cls[10];
	nlut_device *d;
	struct timespec t0, t1;

	setenv("NLUT_FAKE_SIMBOARD_MODE", "mute", 1);
	assert_int_equal(open_sim("sim", model, NULL, 300, &d), NLUT_SUCCESS);
	rm_codes(model, seed, 10, codes);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(nlut_device_infer(d, 10, codes, cls, NULL), NLUT_ERROR_TIMEOUT);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;

	assert_true(s >= 0.3 && s < 5.0);
	assert_detail_has("bytes wanted, 0 came; none in the last 300 ms");
	nlut_device_close(d);
}

/* Two devices on one board file: one shared object, two boards. */
static void two_devices_on_one_board(void **state)
{
	size_t n = 300;
	uint16_t *codes = malloc(n * 16 * sizeof(*codes));
	uint32_t *c1 = malloc(n * sizeof(*c1)), *c2 = malloc(n * sizeof(*c2)), *ref = malloc(n * sizeof(*ref));
	nlut_device *d1, *d2;
	nlut_golden *g;

	rm_codes(model, seed, n, codes);
	assert_int_equal(nlut_golden_new(model, &g), NLUT_SUCCESS);
	assert_int_equal(nlut_golden_eval_batch(g, n, codes, NULL, ref, 1), NLUT_SUCCESS);
	nlut_golden_free(g);
	assert_int_equal(open_sim("sim", model, NULL, 0, &d1), NLUT_SUCCESS);
	assert_int_equal(open_sim("sim", model, NULL, 0, &d2), NLUT_SUCCESS);
	assert_int_equal(builds(), 1);
	assert_int_equal(nlut_device_submit(d1, n / 2, codes, c1, NULL, NULL), NLUT_SUCCESS);
	assert_int_equal(nlut_device_submit(d2, n, codes, c2, NULL, NULL), NLUT_SUCCESS);
	assert_int_equal(nlut_device_submit(d1, n - n / 2, codes + n / 2 * 16, c1 + n / 2, NULL, NULL),
			 NLUT_SUCCESS);
	assert_int_equal(nlut_device_collect(d2, NULL), NLUT_SUCCESS);
	assert_int_equal(nlut_device_collect(d1, NULL), NLUT_SUCCESS);
	/* Closing one leaves the other working. */
	nlut_device_close(d2);
	assert_int_equal(nlut_device_collect(d1, NULL), NLUT_SUCCESS);
	assert_memory_equal(c1, ref, n * sizeof(*c1));
	assert_memory_equal(c2, ref, n * sizeof(*c2));
	nlut_device_close(d1);
	free(codes);
	free(c1);
	free(c2);
	free(ref);
}

static void concurrent_builders_build_once(void **state)
{
	pid_t kids[3];
	int status;

	setenv("FAKE_SIM_MODE", "slow", 1);
	for (int i = 0; i < 3; i++) {
		kids[i] = fork();
		assert_true(kids[i] >= 0);
		if (!kids[i])
			_exit(open_close("sim", model) ? 1 : 0);
	}
	for (int i = 0; i < 3; i++) {
		assert_int_equal(waitpid(kids[i], &status, 0), kids[i]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	assert_int_equal(builds(), 1);
}

/* A waveform needs a board built with tracing: its own cache entry. */
static void trace_builds_a_tracing_board(void **state)
{
	char p[700], log[4096];
	FILE *f;

	assert_int_equal(open_close("sim", model), NLUT_SUCCESS);
	setenv_rel("NLUT_SIM_TRACE", "wave.fst");
	assert_int_equal(open_close("sim", model), NLUT_SUCCESS);
	assert_int_equal(open_close("sim", model), NLUT_SUCCESS);
	unsetenv("NLUT_SIM_TRACE");
	assert_int_equal(builds(), 2);
	path(p, "%s/build-runs.log", root);
	assert_non_null(f = fopen(p, "r"));
	assert_non_null(fgets(log, sizeof(log), f));
	assert_null(strstr(log, "--trace"));
	assert_non_null(fgets(log, sizeof(log), f));
	assert_non_null(strstr(log, " --trace "));
	fclose(f);
}

/* Damage to a cache entry (issue 15): a truncated shared object (SIGBUS when
 * loaded), a changed boot RAM image, an entry without digests: each is
 * found before loading and built again. */
static void damaged_entry_is_rebuilt(void **state)
{
	struct progress_log l;
	nlut_device *d;
	char p[700], so[700], ram[700], ok[700];
	struct stat st;
	glob_t g;
	FILE *f;

	assert_int_equal(open_close("sim", model), NLUT_SUCCESS);
	assert_int_equal(builds(), 1);
	path(p, "%s/*/nlut_simboard.so", cache);
	assert_int_equal(glob(p, 0, NULL, &g), 0);
	path(so, "%s", g.gl_pathv[0]);
	globfree(&g);
	snprintf(ram, sizeof(ram), "%.*s/ram.hex", (int)(strrchr(so, '/') - so), so);
	snprintf(ok, sizeof(ok), "%.*s/BUILD_OK", (int)(strrchr(so, '/') - so), so);
	assert_int_equal(stat(so, &st), 0);
	assert_int_equal(truncate(so, st.st_size / 2), 0);
	assert_int_equal(open_sim("sim", model, &l, 0, &d), NLUT_SUCCESS);
	nlut_device_close(d);
	assert_int_equal(builds(), 2);
	assert_string_equal(l.step[0], "the cached board is damaged: building it again");
	/* Same size, other bytes: the boot RAM image. */
	assert_non_null(f = fopen(ram, "r+"));
	fputs("@1", f);
	fclose(f);
	assert_int_equal(open_close("sim", model), NLUT_SUCCESS);
	assert_int_equal(builds(), 3);
	assert_int_equal(open_close("sim", model), NLUT_SUCCESS);
	assert_int_equal(builds(), 3); /* whole again: from the cache */
	/* An entry without the digests (written before they were). */
	assert_non_null(f = fopen(ok, "w"));
	fputs("model x\n", f);
	fclose(f);
	assert_int_equal(open_close("sim", model), NLUT_SUCCESS);
	assert_int_equal(builds(), 4);
}

/* A process that is gone, or a zombie nobody reaped. */
static int gone(pid_t pid)
{
	char p[64], st[256];
	FILE *f;

	if (kill(pid, 0) && errno == ESRCH)
		return 1;
	snprintf(p, sizeof(p), "/proc/%d/stat", (int)pid);
	if (!(f = fopen(p, "r")))
		return 1;
	st[0] = '\0';
	if (!fgets(st, sizeof(st), f))
		st[0] = '\0';
	fclose(f);
	const char *e = strrchr(st, ')');

	return e && e[1] == ' ' && e[2] == 'Z';
}

/* An opener killed while its board builds (not by a terminal's Ctrl-C to
 * the whole group) takes the build along: the script and what it started
 * end, and the next opener builds the board afresh (issue 15: they ran on
 * as orphans writing into the folder the next build deleted). */
static void killed_opener_takes_its_build_along(void **state)
{
	char pidfile[700];
	int script = 0, child = 0;
	pid_t c;
	FILE *f;

	path(pidfile, "%s/build.pids", root);
	unlink(pidfile);
	setenv("FAKE_SIM_PIDFILE", pidfile, 1);
	setenv("FAKE_SIM_MODE", "hang", 1);
	c = fork();
	assert_true(c >= 0);
	if (c == 0) {
		open_close("sim", model);
		_exit(0);
	}
	for (int i = 0; i < 1000 && !(f = fopen(pidfile, "r")); i++)
		usleep(10000);
	assert_non_null(f);
	assert_int_equal(fscanf(f, "%d %d", &script, &child), 2);
	fclose(f);
	assert_false(gone(script) || gone(child));
	kill(c, SIGKILL);
	waitpid(c, NULL, 0);
	for (int i = 0; i < 500 && !(gone(script) && gone(child)); i++)
		usleep(10000);
	assert_true(gone(script));
	assert_true(gone(child));
	unsetenv("FAKE_SIM_PIDFILE");
	unsetenv("FAKE_SIM_MODE");
	assert_int_equal(open_close("sim", model), NLUT_SUCCESS);
	assert_int_equal(builds(), 2);
}

static void stall_setting_is_checked(void **state)
{
	setenv("NLUT_SIM_STALL", "lots", 1);
	assert_int_equal(open_close("sim", model), NLUT_ERROR_INVALID_PARAM);
	assert_detail_has("NLUT_SIM_STALL='lots'");
	setenv("NLUT_SIM_STALL", "100,0", 1);
	assert_int_equal(open_close("sim", model), NLUT_ERROR_INVALID_PARAM);
	setenv("NLUT_SIM_STALL", "20,30", 1);
	assert_int_equal(open_close("sim", model), NLUT_SUCCESS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(builds_once_then_cached, setup),
		cmocka_unit_test_setup(key_follows_every_input, setup),
		cmocka_unit_test_setup(failed_build_names_step_and_log, setup),
		cmocka_unit_test_setup(script_without_board_is_an_error, setup),
		cmocka_unit_test_setup(missing_inputs_are_named, setup),
		cmocka_unit_test_setup(default_cache_folders, setup),
		cmocka_unit_test_setup(wrong_board_is_refused, setup),
		cmocka_unit_test_setup(silent_board_times_out, setup),
		cmocka_unit_test_setup(two_devices_on_one_board, setup),
		cmocka_unit_test_setup(concurrent_builders_build_once, setup),
		cmocka_unit_test_setup(trace_builds_a_tracing_board, setup),
		cmocka_unit_test_setup(stall_setting_is_checked, setup),
		cmocka_unit_test_setup(damaged_entry_is_rebuilt, setup),
		cmocka_unit_test_setup(killed_opener_takes_its_build_along, setup),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
