/* transport_sim.c - the `sim` transport: the Verilated nlut shell (core,
 * shell, controller running the firmware) as a shared object built on
 * demand by sim/system/nlut-sim-build, cached under a key over everything it
 * is built from, and loaded at run time (sim/system/nlut_simboard.h).
 *
 * Where the build inputs come from, each overridden by its environment
 * variable: NLUT_SRC (source root holding rtl/, sim/system/, sim/common/),
 * NLUT_FW_HEX (firmware image), NLUT (the nlut program, for `nlut gen`),
 * NLUT_INCLUDE (folder holding nlut/regs.h), NLUT_SIM_BUILD (the build
 * script, default $NLUT_SRC/sim/system/nlut-sim-build). Without them: the
 * build tree's files when the running libnlut lies inside the build tree it
 * was compiled in, the installed files (<datadir>/nlut/src,
 * <datadir>/nlut/firmware/nlut_fw.hex, <bindir>/nlut, <includedir>)
 * otherwise.
 *
 * Cache: $NLUT_SIM_CACHE, else $XDG_CACHE_HOME/nlut/sim, else
 * $HOME/.cache/nlut/sim; one folder <key>/ per board. The board reads its
 * boot RAM image from the folder it was built in, so it is built in place:
 * builders of one key serialise on <key>.lock (flock), and the folder counts
 * only once BUILD_OK is written, after nlut_simboard.so. A failed build
 * leaves its folder, logs included, until the next attempt.
 *
 * Two devices open on one board are two instances of the model in one
 * process: the shared object is loaded once, but each nlut_simboard has its
 * own VerilatedContext and no state is global (tests/sim/sim_two.c runs two
 * side by side). Boards of different models are different files, loaded
 * separately with RTLD_LOCAL.
 *
 * Debugging: NLUT_SIM_STALL=IDLE,STALL runs the board with that percentage
 * of idle input cycles and stalled output cycles; NLUT_SIM_TRACE=FILE
 * writes an FST waveform of the whole run (a board built with tracing, a
 * cache entry of its own).
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <nlut_simboard.h>

#include "internal.h"
#include "transport.h"

#define SO_NAME "nlut_simboard.so"
#define KEY_VERSION "nlut-sim-key 2\n"
#define RECV_SLICE_CYCLES 200000u

extern char **environ;

/* The shared object's entry points, typed by nlut_simboard.h. */
struct simboard_api {
	__typeof__(&nlut_simboard_abi) abi;
	__typeof__(&nlut_simboard_get_info) get_info;
	__typeof__(&nlut_simboard_new) new_board;
	__typeof__(&nlut_simboard_free) free_board;
	__typeof__(&nlut_simboard_read32) read32;
	__typeof__(&nlut_simboard_write32) write32;
	__typeof__(&nlut_simboard_send) send;
	__typeof__(&nlut_simboard_recv) recv;
	__typeof__(&nlut_simboard_cycles) cycles;
	__typeof__(&nlut_simboard_queued_in) queued_in;
};

struct sim_dev {
	void *lib;
	struct simboard_api f;
	struct nlut_simboard *b;
	char board[64];
};

/* What a board is built with: the board description's stream shape and
 * identity, and waveform tracing (NLUT_SIM_TRACE). */
struct sim_params {
	unsigned long s_bytes, m_bytes, scores, board_id;
	int trace;
};

/* Where a board is built from. */
struct sim_inputs {
	char src[PATH_MAX], fw[PATH_MAX], nlut[PATH_MAX], include[PATH_MAX], script[PATH_MAX];
};

static int is_file(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static int is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int path_fmt(char *out, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int path_fmt(char *out, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len)
		return nlut_fail(NLUT_ERROR_TOO_LARGE, "path too long: %.200s...", out);
	return NLUT_SUCCESS;
}

/* ---- where the build inputs are ---- */

/*
 * Is the running libnlut the one in the build tree? The object holding
 * this code is the shared libnlut, or the program libnlut was linked into.
 */
static int running_from_build_tree(void)
{
#ifdef NLUT_BUILD_TREE_DIR
	char self[PATH_MAX], tree[PATH_MAX];
	const char *obj = NULL;
	Dl_info info;

	if (dladdr((void *)&nlut_transport_sim, &info) && info.dli_fname &&
	    strstr(info.dli_fname, ".so"))
		obj = info.dli_fname;
	if (!obj) {
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

		if (n <= 0)
			return 0;
		self[n] = '\0';
	} else if (!realpath(obj, self)) {
		return 0;
	}
	if (!realpath(NLUT_BUILD_TREE_DIR, tree))
		return 0;
	size_t tl = strlen(tree);

	return !strncmp(self, tree, tl) && self[tl] == '/';
#else
	return 0;
#endif
}

static int pick(char *out, const char *env, const char *build_tree, const char *installed,
		int in_tree)
{
	const char *v = getenv(env);

	if (!v || !*v)
		v = in_tree ? build_tree : installed;
	return path_fmt(out, PATH_MAX, "%s", v);
}

#ifndef NLUT_SIM_SRC_BUILD /* (set by host/CMakeLists.txt) */
#define NLUT_SIM_SRC_BUILD "."
#define NLUT_SIM_FW_BUILD "firmware/nlut_fw.hex"
#define NLUT_SIM_NLUT_BUILD "nlut"
#define NLUT_SIM_INCLUDE_BUILD "host/include"
#endif
#ifndef NLUT_SIM_SRC_INSTALL
#define NLUT_SIM_SRC_INSTALL "/usr/local/share/nlut/src"
#define NLUT_SIM_FW_INSTALL "/usr/local/share/nlut/firmware/nlut_fw.hex"
#define NLUT_SIM_NLUT_INSTALL "/usr/local/bin/nlut"
#define NLUT_SIM_INCLUDE_INSTALL "/usr/local/include"
#endif

static int find_inputs(struct sim_inputs *in)
{
	int tree = running_from_build_tree();
	const char *where = getenv("NLUT_SRC") && *getenv("NLUT_SRC") ? "from NLUT_SRC"
			    : tree ? "the build tree's" : "the installed copy";
	const char *script = getenv("NLUT_SIM_BUILD");
	int err;

	if ((err = pick(in->src, "NLUT_SRC", NLUT_SIM_SRC_BUILD, NLUT_SIM_SRC_INSTALL, tree)) ||
	    (err = pick(in->fw, "NLUT_FW_HEX", NLUT_SIM_FW_BUILD, NLUT_SIM_FW_INSTALL, tree)) ||
	    (err = pick(in->nlut, "NLUT", NLUT_SIM_NLUT_BUILD, NLUT_SIM_NLUT_INSTALL, tree)) ||
	    (err = pick(in->include, "NLUT_INCLUDE", NLUT_SIM_INCLUDE_BUILD, NLUT_SIM_INCLUDE_INSTALL,
			tree)))
		return err;
	if (script && *script)
		err = path_fmt(in->script, sizeof(in->script), "%s", script);
	else
		err = path_fmt(in->script, sizeof(in->script), "%s/sim/system/nlut-sim-build", in->src);
	if (err)
		return err;
	if (!is_dir(in->src))
		return nlut_fail(NLUT_ERROR_NOT_FOUND, "simulated board: no nlut sources at %s (%s; set NLUT_SRC)",
				 in->src, where);
	if (!is_file(in->fw))
		return nlut_fail(NLUT_ERROR_NOT_FOUND,
				 "simulated board: no firmware image %s (build the firmware, or set NLUT_FW_HEX)",
				 in->fw);
	if (!is_file(in->nlut))
		return nlut_fail(NLUT_ERROR_NOT_FOUND,
				 "simulated board: no nlut program at %s (build it, or set NLUT)", in->nlut);
	char regs[PATH_MAX];

	if ((err = path_fmt(regs, sizeof(regs), "%s/nlut/regs.h", in->include)))
		return err;
	if (!is_file(regs))
		return nlut_fail(NLUT_ERROR_NOT_FOUND,
				 "simulated board: no nlut/regs.h in %s (set NLUT_INCLUDE)", in->include);
	if (!is_file(in->script) || access(in->script, X_OK))
		return nlut_fail(NLUT_ERROR_NOT_FOUND,
				 "simulated board: build script %s is missing or not executable (set NLUT_SIM_BUILD)",
				 in->script);
	return NLUT_SUCCESS;
}

/* ---- the cache key ---- */

static int hash_file(struct nlut_sha256 *s, const char *name, const char *path)
{
	uint8_t buf[8192], len[8];
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0 || fstat(fd, &st)) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		return nlut_fail(NLUT_ERROR_IO, "simulated board: cannot read %s: %s", path, strerror(e));
	}
	/* Name, size, content: no two trees hash alike by moving bytes. */
	nlut_sha256_update(s, name, strlen(name) + 1);
	nlut_wr64(len, (uint64_t)st.st_size);
	nlut_sha256_update(s, len, sizeof(len));
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		nlut_sha256_update(s, buf, (size_t)n);
	close(fd);
	if (n < 0)
		return nlut_fail(NLUT_ERROR_IO, "simulated board: cannot read %s: %s", path, strerror(errno));
	return NLUT_SUCCESS;
}

/* SHA-256 of a file's bytes as 64 hex digits; "none" when there is no such
 * file. Returns -1 when it exists but cannot be read. */
static int file_digest(const char *path, char out[65])
{
	struct nlut_sha256 s;
	uint8_t buf[65536], h[32];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0) {
		snprintf(out, 65, "none");
		return errno == ENOENT ? 0 : -1;
	}
	nlut_sha256_init(&s);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		nlut_sha256_update(&s, buf, (size_t)n);
	close(fd);
	if (n < 0)
		return -1;
	nlut_sha256_final(&s, h);
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", h[i]);
	return 0;
}

struct name_list {
	char **v;
	size_t n, cap;
};

static int list_add(struct name_list *l, const char *name)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		char **v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return nlut_fail(NLUT_ERROR_NO_MEM, "file list");
		l->v = v;
		l->cap = cap;
	}
	if (!(l->v[l->n] = strdup(name)))
		return nlut_fail(NLUT_ERROR_NO_MEM, "file list");
	l->n++;
	return NLUT_SUCCESS;
}

static void list_free(struct name_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

/* Every regular file under root/rel (paths relative to root); hidden
 * files and folders (editor droppings, .git) are not build inputs. */
static int list_tree(const char *root, const char *rel, struct name_list *l)
{
	char dir[PATH_MAX], sub[PATH_MAX], full[PATH_MAX];
	struct dirent *e;
	int err = NLUT_SUCCESS;
	DIR *d;

	if ((err = path_fmt(dir, sizeof(dir), "%s/%s", root, rel)))
		return err;
	if (!(d = opendir(dir)))
		return nlut_fail(NLUT_ERROR_NOT_FOUND, "simulated board: cannot read sources in %s: %s", dir,
				 strerror(errno));
	while (!err && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if ((err = path_fmt(sub, sizeof(sub), "%s/%s", rel, e->d_name)) ||
		    (err = path_fmt(full, sizeof(full), "%s/%s", root, sub)))
			break;
		if (is_dir(full))
			err = list_tree(root, sub, l);
		else if (is_file(full))
			err = list_add(l, sub);
	}
	closedir(d);
	return err;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whether prog is an executable in a folder of $PATH. */
static int on_path(const char *prog)
{
	const char *p = getenv("PATH");
	char full[PATH_MAX];

	while (p && *p) {
		size_t n = strcspn(p, ":");

		if (n && (size_t)snprintf(full, sizeof(full), "%.*s/%s", (int)n, p, prog) < sizeof(full) &&
		    access(full, X_OK) == 0)
			return 1;
		p += n + (p[n] == ':');
	}
	return 0;
}

/* The tools the build script chooses by the environment: a board built by
 * another compiler or Verilator is another board. */
static void hash_tools(struct nlut_sha256 *s)
{
	static const char *const vars[] = { "NLUT_SIM_CXX", "CXX", "VERILATOR" };
	char line[PATH_MAX + 32];

	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		const char *v = getenv(vars[i]);

		snprintf(line, sizeof(line), "%s=%s\n", vars[i], v ? v : "");
		nlut_sha256_update(s, line, strlen(line));
	}
	snprintf(line, sizeof(line), "clang++ on PATH %d\n", on_path("clang++"));
	nlut_sha256_update(s, line, strlen(line));
}

static int cache_key(const nlut_model *m, const struct sim_params *par, const struct sim_inputs *in,
		     char hex[65])
{
	static const char *const trees[] = { "rtl", "sim/system", "sim/common" };
	struct name_list files = { 0 };
	struct nlut_sha256 s;
	uint8_t h[NLUT_HASH_SIZE];
	char line[160], full[PATH_MAX];
	int err;

	if ((err = nlut_model_hash(m, h)))
		return err;
	nlut_sha256_init(&s);
	nlut_sha256_update(&s, KEY_VERSION, strlen(KEY_VERSION));
	nlut_sha256_update(&s, h, sizeof(h));
	snprintf(line, sizeof(line), "s_bytes %lu m_bytes %lu scores %lu board_id %lu trace %d abi %d\n",
		 par->s_bytes, par->m_bytes, par->scores, par->board_id, par->trace, NLUT_SIMBOARD_ABI);
	nlut_sha256_update(&s, line, strlen(line));
	hash_tools(&s);
	for (size_t t = 0; !err && t < sizeof(trees) / sizeof(trees[0]); t++)
		err = list_tree(in->src, trees[t], &files);
	if (!err)
		qsort(files.v, files.n, sizeof(*files.v), cmp_str);
	for (size_t i = 0; !err && i < files.n; i++)
		if (!(err = path_fmt(full, sizeof(full), "%s/%s", in->src, files.v[i])))
			err = hash_file(&s, files.v[i], full);
	list_free(&files);
	/* The public headers the board includes (nlut/regs.h), as @include/... */
	memset(&files, 0, sizeof(files));
	if (!err && !(err = list_tree(in->include, "nlut", &files)))
		qsort(files.v, files.n, sizeof(*files.v), cmp_str);
	for (size_t i = 0; !err && i < files.n; i++)
		if (!(err = path_fmt(full, sizeof(full), "%s/%s", in->include, files.v[i])) &&
		    !(err = path_fmt(line, sizeof(line), "@include/%.140s", files.v[i])))
			err = hash_file(&s, line, full);
	list_free(&files);
	if (err || (err = hash_file(&s, "@firmware", in->fw)) ||
	    (err = hash_file(&s, "@nlut", in->nlut)) || (err = hash_file(&s, "@script", in->script)))
		return err;
	nlut_sha256_final(&s, h);
	for (unsigned i = 0; i < NLUT_HASH_SIZE; i++)
		snprintf(hex + 2 * i, 3, "%02x", h[i]);
	return NLUT_SUCCESS;
}

/* ---- the cache folder ---- */

static int mkdir_p(const char *path)
{
	char p[PATH_MAX];

	if (path_fmt(p, sizeof(p), "%s", path))
		return -1;
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) && errno != EEXIST)
			return -1;
		*s = '/';
	}
	if (mkdir(p, 0755) && errno != EEXIST)
		return -1;
	return is_dir(p) ? 0 : -1;
}

static int cache_dir(char *out)
{
	const char *v = getenv("NLUT_SIM_CACHE"), *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	int err;

	if (v && *v)
		err = path_fmt(out, PATH_MAX, "%s", v);
	else if (x && *x == '/')
		err = path_fmt(out, PATH_MAX, "%s/nlut/sim", x);
	else if (home && *home)
		err = path_fmt(out, PATH_MAX, "%s/.cache/nlut/sim", home);
	else
		return nlut_fail(NLUT_ERROR_NOT_FOUND,
				 "simulated board: no cache folder (set NLUT_SIM_CACHE, XDG_CACHE_HOME or HOME)");
	if (err)
		return err;
	if (mkdir_p(out))
		return nlut_fail(NLUT_ERROR_IO, "simulated board: cannot create the cache folder %s: %s", out,
				 strerror(errno));
	return NLUT_SUCCESS;
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	return remove(p);
}

static void rm_rf(const char *p)
{
	nftw(p, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- building ---- */

struct build_run {
	const struct nlut_device_opts *o;
	unsigned step, steps;    /* last "step K/N" seen, 0 before the first */
	char what[128];          /* its description */
	/* stderr: the script's own last message (an unindented line), and
	 * the first line saying "error" in the log excerpt indented below it */
	char said[400], error[200];
	char out[512], errb[512];
	size_t out_len, err_len;
};

static void on_out_line(struct build_run *r, char *line)
{
	unsigned k, n;
	int at = 0;

	if (sscanf(line, "step %u/%u: %n", &k, &n, &at) != 2 || !at || !n || k < 1 || k > n)
		return;
	r->step = k;
	r->steps = n;
	snprintf(r->what, sizeof(r->what), "%s", line + at);
	if (r->o->progress)
		r->o->progress(r->o->progress_user, r->what, (double)(k - 1) / n);
}

static void on_err_line(struct build_run *r, char *line)
{
	if (!*line)
		return;
	if (*line != ' ' && *line != '\t') {
		snprintf(r->said, sizeof(r->said), "%.399s", line);
		r->error[0] = '\0';
		return;
	}
	while (*line == ' ' || *line == '\t')
		line++;
	if (!r->error[0] && strcasestr(line, "error"))
		snprintf(r->error, sizeof(r->error), "%.199s", line);
}

/* Append bytes read from one pipe and hand on each complete line (and the
 * unterminated rest at end of file); a line longer than the buffer is cut. */
static void take(struct build_run *r, int is_err, const char *p, size_t n, int eof)
{
	char *buf = is_err ? r->errb : r->out;
	size_t *len = is_err ? &r->err_len : &r->out_len, cap = is_err ? sizeof(r->errb) : sizeof(r->out);

	for (size_t i = 0; i < n || (eof && i == n && *len); i++) {
		if (i < n && p[i] != '\n' && p[i] != '\r') {
			if (*len < cap - 1)
				buf[(*len)++] = p[i];
			continue;
		}
		buf[*len] = '\0';
		if (is_err)
			on_err_line(r, buf);
		else
			on_out_line(r, buf);
		*len = 0;
	}
}

/* The build script's environment: ours with the build inputs, and
 * NLUT_SIM_BUILD_GROUP=1 telling it that it leads a process group of its
 * own (which it takes down whole when it is told to stop). */
#define CHILD_VARS 5

static char **child_env(const struct sim_inputs *in)
{
	size_t n = 0;

	while (environ[n])
		n++;
	char **env = calloc(n + CHILD_VARS + 1, sizeof(*env));
	char *v[CHILD_VARS] = { NULL };
	size_t k = 0;

	if (!env || asprintf(&v[0], "NLUT_SRC=%s", in->src) < 0 ||
	    asprintf(&v[1], "NLUT_FW_HEX=%s", in->fw) < 0 || asprintf(&v[2], "NLUT=%s", in->nlut) < 0 ||
	    asprintf(&v[3], "NLUT_INCLUDE=%s", in->include) < 0 ||
	    asprintf(&v[4], "NLUT_SIM_BUILD_GROUP=1") < 0) {
		free(env);
		for (int i = 0; i < CHILD_VARS; i++)
			free(v[i]);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "NLUT_SRC=", 9) && strncmp(environ[i], "NLUT_FW_HEX=", 12) &&
		    strncmp(environ[i], "NLUT=", 5) && strncmp(environ[i], "NLUT_INCLUDE=", 13) &&
		    strncmp(environ[i], "NLUT_SIM_BUILD_GROUP=", 21))
			env[k++] = environ[i];
	for (int i = 0; i < CHILD_VARS; i++)
		env[k++] = v[i];
	return env;
}

static void child_env_free(char **env)
{
	size_t k = 0;

	if (!env)
		return;
	while (env[k])
		k++;
	for (size_t i = k - CHILD_VARS; i < k; i++)
		free(env[i]);
	free(env);
}

/*
 * Start the build script: in a process group of its own, sent SIGTERM
 * should this thread die (nlut-run killed: the script then ends its whole
 * build rather than leave Verilator, make and compilers behind), and
 * holding the cache entry's lock (lock_fd) with every process it starts,
 * so nobody rebuilds the folder while one of them might still write there.
 * Only async-signal-safe calls between fork and exec.
 */
static int spawn_script(const char *script, char **argv, char **env, int out_fd, int err_fd,
			int lock_fd, pid_t *pid)
{
	pid_t parent = getpid(), p = fork();

	if (p < 0)
		return errno;
	if (p == 0) {
		int nul = open("/dev/null", O_RDONLY);
		static const char msg[] = "nlut: cannot start the simulated-board build script\n";

		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(126); /* the parent died already */
		if (nul < 0 || dup2(nul, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0)
			_exit(126);
		if (lock_fd >= 0)
			fcntl(lock_fd, F_SETFD, 0);
		execve(script, argv, env);
		if (write(2, msg, sizeof(msg) - 1) < 0)
			_exit(127);
		_exit(127);
	}
	*pid = p;
	return 0;
}

/* Run the build script into outdir, reading its progress and errors. */
static int run_script(const struct sim_inputs *in, const struct sim_params *par, const char *model_file,
		      const char *outdir, const struct nlut_device_opts *o, int lock_fd)
{
	char a[5][24];
	char *argv[] = { (char *)in->script, "--s-bytes", a[0], "--m-bytes", a[1], "--scores", a[2],
			 "--board-id", a[3], "--jobs", a[4], (char *)model_file, (char *)outdir, NULL, NULL };
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int pout[2] = { -1, -1 }, perr[2] = { -1, -1 }, status, rc, err = NLUT_SUCCESS;
	struct build_run r = { .o = o };
	char **env = child_env(in);
	pid_t pid = -1;

	snprintf(a[0], sizeof(a[0]), "%lu", par->s_bytes);
	snprintf(a[1], sizeof(a[1]), "%lu", par->m_bytes);
	snprintf(a[2], sizeof(a[2]), "%lu", par->scores);
	snprintf(a[3], sizeof(a[3]), "%lu", par->board_id);
	snprintf(a[4], sizeof(a[4]), "%ld", cpus < 1 ? 1 : cpus > 16 ? 16 : cpus);
	if (par->trace) {
		/* Options before the operands. */
		memmove(&argv[12], &argv[11], 2 * sizeof(*argv));
		argv[11] = "--trace";
	}
	if (!env)
		return nlut_fail(NLUT_ERROR_NO_MEM, "environment of the build script");
	if (pipe2(pout, O_CLOEXEC) || pipe2(perr, O_CLOEXEC)) {
		err = nlut_fail(NLUT_ERROR_IO, "simulated board: pipe: %s", strerror(errno));
		goto out;
	}
	rc = spawn_script(in->script, argv, env, pout[1], perr[1], lock_fd, &pid);
	close(pout[1]);
	close(perr[1]);
	pout[1] = perr[1] = -1;
	if (rc) {
		err = nlut_fail(NLUT_ERROR_IO, "simulated board: cannot run %s: %s", in->script, strerror(rc));
		goto out;
	}
	struct pollfd pf[2] = { { pout[0], POLLIN, 0 }, { perr[0], POLLIN, 0 } };
	int open_fds = 2;

	while (open_fds) {
		char buf[4096];

		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < 2; i++) {
			if (pf[i].fd < 0 || !(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			ssize_t n = read(pf[i].fd, buf, sizeof(buf));

			if (n < 0 && errno == EINTR)
				continue;
			take(&r, i, buf, n > 0 ? (size_t)n : 0, n <= 0);
			if (n <= 0) {
				pf[i].fd = -1;
				open_fds--;
			}
		}
	}
	/* Closed before waiting: should poll have failed, a script still
	 * writing gets EPIPE instead of blocking us both. */
	close(pout[0]);
	close(perr[0]);
	pout[0] = perr[0] = -1;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			err = nlut_fail(NLUT_ERROR_IO, "simulated board: waiting for %s: %s", in->script,
					strerror(errno));
			goto out;
		}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		goto out;
	char at[200], why[40], extra[220];

	/* The script's message names its step when it failed inside one. */
	if (r.said[0] && strstr(r.said, "step "))
		at[0] = '\0';
	else if (r.step)
		snprintf(at, sizeof(at), " at step %u/%u (%s)", r.step, r.steps, r.what);
	else
		snprintf(at, sizeof(at), " before its first step");
	why[0] = '\0';
	if (WIFSIGNALED(status))
		snprintf(why, sizeof(why), " (killed by signal %d)", WTERMSIG(status));
	extra[0] = '\0';
	if (r.error[0])
		snprintf(extra, sizeof(extra), " [%s]", r.error);
	err = nlut_fail(NLUT_ERROR_OTHER, "simulated board: the build failed%s%s: %s%s", at, why,
			r.said[0] ? r.said : "(nothing on stderr)", extra);
out:
	for (int i = 0; i < 2; i++) {
		if (pout[i] >= 0)
			close(pout[i]);
		if (perr[i] >= 0)
			close(perr[i]);
	}
	child_env_free(env);
	return err;
}

/* BUILD_OK, written last (atomically, over the script's own): what the
 * board was built from, for whoever looks into the cache. */
static int write_stamp(const char *dir, const nlut_model *m, const struct sim_params *par,
		       const struct sim_inputs *in)
{
	char tmp[PATH_MAX], ok[PATH_MAX], id[NLUT_ID_STR_SIZE];
	FILE *f;

	char so[PATH_MAX], ram[PATH_MAX], so_sum[65], ram_sum[65];

	if (path_fmt(so, sizeof(so), "%s/" SO_NAME, dir) || path_fmt(ram, sizeof(ram), "%s/ram.hex", dir) ||
	    file_digest(so, so_sum) || file_digest(ram, ram_sum))
		return nlut_fail(NLUT_ERROR_IO, "simulated board: cannot read the board built in %s", dir);
	if (path_fmt(tmp, sizeof(tmp), "%s/BUILD_OK.tmp", dir) ||
	    path_fmt(ok, sizeof(ok), "%s/BUILD_OK", dir) || !(f = fopen(tmp, "w")))
		return nlut_fail(NLUT_ERROR_IO, "simulated board: cannot write %s/BUILD_OK", dir);
	nlut_model_id(m, id);
	/* What the board loads and reads at run time, checked before each use. */
	fprintf(f, "so_sha256 %s\nram_sha256 %s\n", so_sum, ram_sum);
	fprintf(f, "model %s\ns_bytes %lu\nm_bytes %lu\nscores %lu\nboard_id %lu\ntrace %d\n"
		   "src %s\nfirmware %s\nnlut %s\ninclude %s\nscript %s\nbuilt %lld\n",
		id, par->s_bytes, par->m_bytes, par->scores, par->board_id, par->trace, in->src, in->fw,
		in->nlut, in->include, in->script, (long long)time(NULL));
	if (fclose(f) || rename(tmp, ok))
		return nlut_fail(NLUT_ERROR_IO, "simulated board: cannot write %s: %s", ok, strerror(errno));
	return NLUT_SUCCESS;
}

/* Build the board into dir (<cache>/<key>), the lock held. */
static int build(const char *dir, const nlut_model *m, const struct sim_params *par,
		 const struct sim_inputs *in, const struct nlut_device_opts *o, int lock_fd)
{
	char model[PATH_MAX], so[PATH_MAX];
	int err;

	if ((err = path_fmt(model, sizeof(model), "%s/model.nlut", dir)) ||
	    (err = path_fmt(so, sizeof(so), "%s/" SO_NAME, dir)))
		return err;
	/* Whatever an earlier, failed build left. */
	rm_rf(dir);
	if (mkdir(dir, 0755))
		return nlut_fail(NLUT_ERROR_IO, "simulated board: cannot create %s: %s", dir, strerror(errno));
	if ((err = nlut_model_save(m, model))) {
		char d[256];

		snprintf(d, sizeof(d), "%s", nlut_error_detail());
		return nlut_fail(err, "simulated board: cannot write the model for the build: %s", d);
	}
	if ((err = run_script(in, par, model, dir, o, lock_fd)))
		return err;
	if (!is_file(so))
		return nlut_fail(NLUT_ERROR_OTHER, "simulated board: %s succeeded but wrote no %s",
				 in->script, so);
	if ((err = write_stamp(dir, m, par, in)))
		return err;
	if (o->progress)
		o->progress(o->progress_user, "built", 1.0);
	return NLUT_SUCCESS;
}

/* Is the cache entry in dir whole: BUILD_OK there, and the shared object and
 * boot RAM image it names unchanged? A truncated .so would kill the process
 * with SIGBUS when loaded, a damaged ram.hex stop the simulation with
 * Verilator's abort; either is rebuilt instead. */
static int entry_ok(const char *dir)
{
	char ok[PATH_MAX], so[PATH_MAX], ram[PATH_MAX], line[128], want_so[65] = "", want_ram[65] = "";
	char have[65];
	FILE *f;

	if (path_fmt(ok, sizeof(ok), "%s/BUILD_OK", dir) || path_fmt(so, sizeof(so), "%s/" SO_NAME, dir) ||
	    path_fmt(ram, sizeof(ram), "%s/ram.hex", dir) || !(f = fopen(ok, "r")))
		return 0;
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "so_sha256 %64s", want_so);
		sscanf(line, "ram_sha256 %64s", want_ram);
	}
	fclose(f);
	if (!want_so[0] || !want_ram[0])
		return 0; /* an entry from before the digests: build it again */
	return !file_digest(so, have) && !strcmp(have, want_so) && !file_digest(ram, have) &&
	       !strcmp(have, want_ram);
}

/* Find the board of this key in the cache, or build it; its .so path. */
static int find_or_build(const nlut_model *m, const struct sim_params *par,
			 const struct nlut_device_opts *o, char *so)
{
	struct sim_inputs in;
	char cache[PATH_MAX], hex[65], dir[PATH_MAX], ok[PATH_MAX], lock[PATH_MAX];
	int err, fd;

	if ((err = find_inputs(&in)) || (err = cache_key(m, par, &in, hex)) || (err = cache_dir(cache)) ||
	    (err = path_fmt(dir, sizeof(dir), "%s/%s", cache, hex)) ||
	    (err = path_fmt(so, PATH_MAX, "%s/%s/" SO_NAME, cache, hex)) ||
	    (err = path_fmt(ok, sizeof(ok), "%s/%s/BUILD_OK", cache, hex)) ||
	    (err = path_fmt(lock, sizeof(lock), "%s/%s.lock", cache, hex)))
		return err;
	if (entry_ok(dir))
		return NLUT_SUCCESS;
	if ((fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0)
		return nlut_fail(NLUT_ERROR_IO, "simulated board: cannot create %s: %s", lock, strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		if (o->progress)
			o->progress(o->progress_user, "waiting for another process building this board", 0.0);
		while (flock(fd, LOCK_EX))
			if (errno != EINTR) {
				err = nlut_fail(NLUT_ERROR_IO, "simulated board: cannot lock %s: %s", lock,
						strerror(errno));
				goto out;
			}
	}
	if (!entry_ok(dir)) {
		if (is_file(ok) && o->progress)
			o->progress(o->progress_user, "the cached board is damaged: building it again", 0.0);
		err = build(dir, m, par, &in, o, fd);
	}
out:
	close(fd); /* releases the lock */
	return err;
}

/* ---- the device ---- */

static void hex_str(const uint8_t *h, char *out)
{
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", h[i]);
}

static int load(struct sim_dev *d, const char *so)
{
	d->lib = dlopen(so, RTLD_NOW | RTLD_LOCAL);
	if (!d->lib) {
		const char *e = dlerror();

		return nlut_fail(NLUT_ERROR_NO_DEVICE,
				 "simulated board: cannot load %s: %s (remove its folder to rebuild it)", so,
				 e ? e : "dlopen failed");
	}
#define SYM(field, name)                                                                      \
	do {                                                                                  \
		*(void **)&d->f.field = dlsym(d->lib, #name);                                 \
		if (!d->f.field)                                                              \
			return nlut_fail(NLUT_ERROR_NO_DEVICE, "simulated board %s lacks %s", so, #name); \
	} while (0)
	SYM(abi, nlut_simboard_abi);
	SYM(get_info, nlut_simboard_get_info);
	SYM(new_board, nlut_simboard_new);
	SYM(free_board, nlut_simboard_free);
	SYM(read32, nlut_simboard_read32);
	SYM(write32, nlut_simboard_write32);
	SYM(send, nlut_simboard_send);
	SYM(recv, nlut_simboard_recv);
	SYM(cycles, nlut_simboard_cycles);
	SYM(queued_in, nlut_simboard_queued_in);
#undef SYM
	int abi = d->f.abi();

	if (abi != NLUT_SIMBOARD_ABI)
		return nlut_fail(NLUT_ERROR_VERSION,
				 "simulated board %s speaks interface version %d, this libnlut %d (remove its folder to rebuild it)",
				 so, abi, NLUT_SIMBOARD_ABI);
	return NLUT_SUCCESS;
}

/* NLUT_SIM_STALL=IDLE,STALL: percentages of idle input and stalled output
 * cycles. */
static int stall_config(struct nlut_simboard_config *c)
{
	const char *v = getenv("NLUT_SIM_STALL");
	unsigned a, b;
	int at = 0;

	if (!v || !*v)
		return NLUT_SUCCESS;
	if (sscanf(v, "%u,%u%n", &a, &b, &at) != 2 || v[at] || a > 99 || b > 99)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM,
				 "NLUT_SIM_STALL='%s': expected IDLE,STALL percentages 0..99, e.g. 20,30", v);
	c->in_idle_pct = a;
	c->out_stall_pct = b;
	return NLUT_SUCCESS;
}

static void s_close(void *priv)
{
	struct sim_dev *d = priv;

	if (!d)
		return;
	if (d->b)
		d->f.free_board(d->b);
	if (d->lib)
		dlclose(d->lib);
	free(d);
}

static int s_open(const struct nlut_board *b, const nlut_model *m, const struct nlut_device_opts *o,
		  void **priv)
{
	struct nlut_simboard_config cfg = { .seed = 1 };
	struct nlut_simboard_info info;
	uint8_t want[NLUT_HASH_SIZE];
	struct sim_params par = { 0 };
	char so[PATH_MAX], e[256];
	int err;

	if ((err = nlut_board_get_uint(b, "s_bytes", 8, &par.s_bytes)) ||
	    (err = nlut_board_get_uint(b, "m_bytes", 8, &par.m_bytes)) ||
	    (err = nlut_board_get_uint(b, "scores", 1, &par.scores)) || (err = stall_config(&cfg)) ||
	    (err = nlut_model_hash(m, want)))
		return err;
	par.board_id = b->board_id;
	cfg.trace_file = getenv("NLUT_SIM_TRACE");
	if (cfg.trace_file && !*cfg.trace_file)
		cfg.trace_file = NULL;
	par.trace = cfg.trace_file != NULL;
	if ((err = find_or_build(m, &par, o, so)))
		return err;
	struct sim_dev *d = calloc(1, sizeof(*d));

	if (!d)
		return nlut_fail(NLUT_ERROR_NO_MEM, "simulated board");
	snprintf(d->board, sizeof(d->board), "%s", b->name);
	if ((err = load(d, so)))
		goto fail;
	memset(&info, 0, sizeof(info));
	d->f.get_info(&info);
	if (memcmp(info.model_hash, want, NLUT_HASH_SIZE)) {
		char a[65], h[65];

		hex_str(info.model_hash, a);
		hex_str(want, h);
		err = nlut_fail(NLUT_ERROR_MODEL_MISMATCH,
				"simulated board %s was built for model %s but the model given is %s", so, a, h);
		goto fail;
	}
	if (info.s_bytes != par.s_bytes || info.m_bytes != par.m_bytes || info.scores != (par.scores != 0)) {
		err = nlut_fail(NLUT_ERROR_MODEL_MISMATCH,
				"simulated board %s has s_bytes %u, m_bytes %u, scores %u; board %s asks for %lu, %lu, %lu",
				so, info.s_bytes, info.m_bytes, info.scores, b->name, par.s_bytes, par.m_bytes,
				par.scores);
		goto fail;
	}
	e[0] = '\0';
	if (!(d->b = d->f.new_board(&cfg, e, sizeof(e)))) {
		e[sizeof(e) - 1] = '\0';
		err = nlut_fail(NLUT_ERROR_NO_DEVICE, "simulated board %s did not start: %s", so,
				e[0] ? e : "no reason given");
		goto fail;
	}
	*priv = d;
	return NLUT_SUCCESS;
fail:
	s_close(d);
	return err;
}

static int s_read32(void *priv, uint32_t off, uint32_t *v)
{
	struct sim_dev *d = priv;

	if (d->f.read32(d->b, off, v))
		return nlut_fail(NLUT_ERROR_IO,
				 "board %s: register read at 0x%x: error response or no answer in 100000 cycles",
				 d->board, off);
	return NLUT_SUCCESS;
}

static int s_write32(void *priv, uint32_t off, uint32_t v)
{
	struct sim_dev *d = priv;

	if (d->f.write32(d->b, off, v))
		return nlut_fail(NLUT_ERROR_IO,
				 "board %s: register write at 0x%x: error response or no answer in 100000 cycles",
				 d->board, off);
	return NLUT_SUCCESS;
}

static int s_send(void *priv, const uint8_t *buf, size_t len)
{
	struct sim_dev *d = priv;

	if (d->f.send(d->b, buf, len))
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "board %s: %zu bytes is not a whole number of input records",
				 d->board, len);
	return NLUT_SUCCESS;
}

/* Clock the board in slices until the results are out; the timeout counts
 * wall-clock time without a single result byte, so a large batch on a
 * slow simulation is not cut short while it makes progress. */
static int s_recv(void *priv, uint8_t *buf, size_t len, unsigned timeout_ms)
{
	struct sim_dev *d = priv;
	double last = nlut_now_ms();
	size_t got = 0;

	while (got < len) {
		size_t k = d->f.recv(d->b, buf + got, len - got, RECV_SLICE_CYCLES);

		got += k;
		if (k) {
			last = nlut_now_ms();
			continue;
		}
		if (nlut_now_ms() - last >= timeout_ms)
			return nlut_fail(NLUT_ERROR_TIMEOUT,
					 "board %s: %zu result bytes wanted, %zu came; none in the last %u ms (%llu cycles run, %zu input bytes not taken)",
					 d->board, len, got, timeout_ms,
					 (unsigned long long)d->f.cycles(d->b), d->f.queued_in(d->b));
	}
	return NLUT_SUCCESS;
}

const struct nlut_transport_ops nlut_transport_sim = {
	.name = "sim",
	.open = s_open,
	.close = s_close,
	.read32 = s_read32,
	.write32 = s_write32,
	.send = s_send,
	.recv = s_recv,
};
