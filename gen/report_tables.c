/* report_tables.c - nlut report's synthesis with the tables apart: every
 * table module of the yosys view (nlut_layer<L>_N<J>[_C<K>], gen/verilog.c) is
 * synthesised in one of `jobs` batches (one yosys process each, run side by
 * side) or taken from the cache, the rest of the core (the glue, tables as
 * blackboxes) in one more process at the same time; a last short yosys run
 * joins the netlists and writes hier.blif and flat.blif as the one-script
 * flow does. A table is a leaf module and synth_xilinx keeps the hierarchy,
 * so its netlist does not depend on what else is synthesised with it:
 * test_report_tables checks the figures equal to the one-script flow's.
 *
 * Cache: DIR/<sha256>.il, the table's mapped module (RTLIL) under the name
 * nlut_cached_table; the key hashes the table's text without its name, the
 * synthesis commands and `yosys -V`. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gen_private.h"
#include "internal.h" /* nlut_sha256 */

#define CACHED_NAME "nlut_cached_table"

/* The commands after synth_xilinx, shared with the one-script flow. */
const char *const ng_report_map_cmds = "opt_expr -mux_undef -noclkinv\n"
				       "abc -luts 2:2,3,6:5,10,20\n"
				       "clean\n"
				       "techmap -map +/xilinx/ff_map.v\n";

struct table {
	char name[96];
	char *text;   /* module ... endmodule */
	unsigned a, y; /* address and output widths */
	char key[65];
	char *il;     /* the mapped module, RTLIL, under its own name */
};

struct tables {
	struct table *t;
	size_t n, cap;
};

/* A table module (ng_yosys_table in a module of its own: a neuron's table
 * or a split table's cofactor) has this header, nothing else has. */
static int is_table(const char *line, unsigned *a, unsigned *y)
{
	char tail[4];

	return sscanf(line, "module nlut_layer%*[A-Za-z0-9_] (input wire [%u:0] a, output wire "
			    "[%u:0] y)%3[;]", a, y, tail) == 3;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) ||
	    !(p = malloc((size_t)n + 1)) || fread(p, 1, (size_t)n, f) != (size_t)n) {
		free(p);
		fclose(f);
		return NULL;
	}
	fclose(f);
	p[n] = '\0';
	if (len)
		*len = (size_t)n;
	return p;
}

static void tables_free(struct tables *ts)
{
	for (size_t i = 0; i < ts->n; i++) {
		free(ts->t[i].text);
		free(ts->t[i].il);
	}
	free(ts->t);
}

/* Move the table modules of rtl/file into ts; write the rest, each table
 * replaced by a blackbox of its ports, to glue/file. */
static int split_file(const char *rtl, const char *glue, const char *file, struct tables *ts)
{
	char path[4200];
	char *src, *line, *next;
	struct sbuf g;
	int ret;

	snprintf(path, sizeof(path), "%s/%s", rtl, file);
	if (!(src = slurp(path, NULL)))
		return ng_fail(NLUT_ERROR_IO, "%s: cannot read: %s", path, strerror(errno));
	sb_init(&g);
	for (line = src; *line; line = next) {
		char name[96];
		char *end = strchr(line, '\n');

		next = end ? end + 1 : line + strlen(line);
		unsigned a, y;

		if (sscanf(line, "module %95[A-Za-z0-9_]", name) != 1 || !is_table(line, &a, &y)) {
			sb_printf(&g, "%.*s", (int)(next - line), line);
			continue;
		}
		char *stop = strstr(line, "\nendmodule");
		struct table *t;

		if (!stop) {
			free(src);
			sb_free(&g);
			return ng_fail(NLUT_ERROR_MALFORMED, "%s: module %s has no endmodule", path, name);
		}
		stop += strlen("\nendmodule");
		if (ts->n == ts->cap) {
			size_t cap = ts->cap ? ts->cap * 2 : 256;
			struct table *nt = realloc(ts->t, cap * sizeof(*nt));

			if (!nt)
				goto oom;
			ts->t = nt;
			ts->cap = cap;
		}
		t = &ts->t[ts->n];
		memset(t, 0, sizeof(*t));
		snprintf(t->name, sizeof(t->name), "%s", name);
		t->a = a + 1;
		t->y = y + 1;
		if (!(t->text = strndup(line, (size_t)(stop - line))))
			goto oom;
		ts->n++;
		sb_printf(&g, "(* blackbox *)\n%.*s\nendmodule", (int)(end - line), line);
		next = stop;
	}
	free(src);
	ret = g.bad ? ng_fail(NLUT_ERROR_NO_MEM, "out of memory") : sb_write(&g, glue, file);
	sb_free(&g);
	return ret;
oom:
	free(src);
	sb_free(&g);
	return ng_fail(NLUT_ERROR_NO_MEM, "out of memory");
}

/* Run every argv (NULL-terminated list), at most jobs at once, output to
 * /dev/null. Returns 0, or the first failure's exit status (127: not found). */
static int run_all(char **argv[], size_t n, unsigned jobs)
{
	pid_t parent = getpid();
	size_t started = 0, running = 0;
	int first = 0;

	while (started < n || running) {
		if (started < n && running < jobs) {
			pid_t pid = fork();

			if (pid < 0)
				return -1;
			if (pid == 0) {
				int fd = open("/dev/null", O_WRONLY);

				if (prctl(PR_SET_PDEATHSIG, SIGTERM) || getppid() != parent)
					_exit(127);
				if (fd >= 0) {
					dup2(fd, 1);
					dup2(fd, 2);
				}
				execvp(argv[started][0], argv[started]);
				_exit(127);
			}
			started++;
			running++;
			continue;
		}
		int st;
		pid_t pid = waitpid(-1, &st, 0);

		if (pid < 0) {
			if (errno == EINTR)
				continue;
			return first ? first : -1;
		}
		running--;
		int code = WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : -1;

		if (code && !first)
			first = code;
	}
	return first;
}

/* `yosys -V`, for the cache key. */
static int yosys_version(const char *yosys, const char *workdir, char *out, size_t len)
{
	char path[4200];
	pid_t pid;
	int st;

	snprintf(path, sizeof(path), "%s/yosys_version.txt", workdir);
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);

		if (fd < 0 || prctl(PR_SET_PDEATHSIG, SIGTERM))
			_exit(126);
		dup2(fd, 1);
		execlp(yosys, yosys, "-V", (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	char *v = slurp(path, NULL);

	if (!v)
		return -1;
	snprintf(out, len, "%s", v);
	free(v);
	return 0;
}

static void table_key(struct table *t, const char *version, const char *script)
{
	struct nlut_sha256 s;
	uint8_t h[32];
	const char *nm = strstr(t->text, t->name);

	nlut_sha256_init(&s);
	nlut_sha256_update(&s, "nlut-report-table 1", 20);
	nlut_sha256_update(&s, version, strlen(version) + 1);
	nlut_sha256_update(&s, script, strlen(script) + 1);
	/* the text without the module's name: equal tables share an entry */
	nlut_sha256_update(&s, t->text, (size_t)(nm - t->text));
	nlut_sha256_update(&s, nm + strlen(t->name), strlen(nm + strlen(t->name)));
	nlut_sha256_final(&s, h);
	for (int i = 0; i < 32; i++)
		snprintf(t->key + 2 * i, 3, "%02x", h[i]);
}

/* A copy of module block il with its name line set to name. */
static char *rename_il(const char *il, const char *from, const char *to)
{
	char pat[128];
	const char *p;
	size_t n = strlen(il) + strlen(to) + 1;
	char *out;

	snprintf(pat, sizeof(pat), "module \\%s\n", from);
	if (!(p = strstr(il, pat)) || !(out = malloc(n)))
		return NULL;
	snprintf(out, n, "%.*smodule \\%s\n%s", (int)(p - il), il, to, p + strlen(pat));
	return out;
}

/* The module blocks of an RTLIL file (attributes, module ... end), by name:
 * found[i] = block of ts->t[i] when this file holds it. */
static int take_modules(const char *path, struct tables *ts)
{
	char *src = slurp(path, NULL), *blk, *p;

	if (!src)
		return ng_fail(NLUT_ERROR_IO, "%s: cannot read: %s", path, strerror(errno));
	for (blk = p = src; *p;) {
		char *eol = strchr(p, '\n');
		char *next = eol ? eol + 1 : p + strlen(p);

		if (p[0] == '#' || !strncmp(p, "autoidx", 7)) {
			blk = p = next;
			continue;
		}
		if (!strncmp(p, "end\n", 4) || !strcmp(p, "end")) {
			char name[96];
			const char *m = strstr(blk, "\nmodule \\");

			m = !strncmp(blk, "module \\", 8) ? blk : m ? m + 1 : NULL;
			if (m && m < p && sscanf(m, "module \\%95[A-Za-z0-9_]", name) == 1)
				for (size_t i = 0; i < ts->n; i++)
					if (!ts->t[i].il && !strcmp(ts->t[i].name, name)) {
						ts->t[i].il = strndup(blk, (size_t)(next - blk));
						if (!ts->t[i].il) {
							free(src);
							return ng_fail(NLUT_ERROR_NO_MEM, "out of memory");
						}
						break;
					}
			blk = next;
		}
		p = next;
	}
	free(src);
	return 0;
}

static void cache_load(struct table *t, const char *dir)
{
	char path[4200];
	char *il;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s.il", dir, t->key);
	if (!(il = slurp(path, &n)))
		return;
	/* a whole module block, else a miss (synthesised again) */
	if (n > 4 && !strcmp(il + n - 4, "end\n"))
		t->il = rename_il(il, CACHED_NAME, t->name);
	free(il);
}

static void cache_store(const struct table *t, const char *dir)
{
	char path[4200], tmp[4300];
	char *il = rename_il(t->il, t->name, CACHED_NAME);
	FILE *f;

	if (!il)
		return;
	snprintf(path, sizeof(path), "%s/%s.il", dir, t->key);
	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
	if ((f = fopen(tmp, "w"))) {
		int ok = fputs(il, f) >= 0;

		if (fclose(f) || !ok || rename(tmp, path))
			unlink(tmp);
	}
	free(il);
}

/* mkdir -p */
static int mkdirs(const char *dir)
{
	char p[4096];

	snprintf(p, sizeof(p), "%s", dir);
	for (char *s = p + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			if (mkdir(p, 0777) && errno != EEXIST)
				return -1;
			*s = '/';
		}
	return mkdir(p, 0777) && errno != EEXIST ? -1 : 0;
}

int ng_report_split(const char *rtl, const char *flist, const char *top,
		    const struct nlut_report_opts *o, const char *hier, const char *flat,
		    unsigned *n_tables, unsigned *n_cached)
{
	const char *yosys = o->yosys ? o->yosys : "yosys";
	unsigned jobs = o->jobs ? o->jobs : 1;
	char path[4200], glue[4200], line[512], version[256], log[4200], err[600] = "";
	struct tables ts = { 0 };
	struct sbuf ys, gl;
	char ***argv = NULL;
	char (*paths)[2][4200] = NULL;
	size_t n_batches = 0;
	int ret = 0;
	FILE *f;

	*n_tables = *n_cached = 0;
	snprintf(glue, sizeof(glue), "%s/glue", o->workdir);
	if (mkdirs(glue))
		return ng_fail(NLUT_ERROR_IO, "%s: cannot create: %s", glue, strerror(errno));
	snprintf(path, sizeof(path), "%s/%s", rtl, flist);
	if (!(f = fopen(path, "r")))
		return ng_fail(NLUT_ERROR_IO, "%s: cannot open: %s", path, strerror(errno));
	sb_init(&gl);
	while (!ret && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0] || !strncmp(line, "//", 2))
			continue;
		ret = split_file(rtl, glue, line, &ts);
		sb_printf(&gl, "read_verilog %s/%s\n", glue, line);
	}
	fclose(f);
	if (ret)
		goto out;
	int vst = yosys_version(yosys, o->workdir, version, sizeof(version));

	if (vst == 127 || vst < 0) {
		ret = ng_fail(NLUT_ERROR_NOT_FOUND, "cannot run %s (install yosys: scripts/deps.sh)",
			      yosys);
		goto out;
	}
	if (o->cache_dir && mkdirs(o->cache_dir)) {
		ret = ng_fail(NLUT_ERROR_IO, "%s: cannot create: %s", o->cache_dir, strerror(errno));
		goto out;
	}
	for (size_t i = 0; i < ts.n; i++) {
		table_key(&ts.t[i], version, ng_report_map_cmds);
		if (o->cache_dir)
			cache_load(&ts.t[i], o->cache_dir);
		*n_cached += ts.t[i].il != NULL;
	}
	*n_tables = (unsigned)ts.n;

	/* Scripts: the glue, then one per batch of the tables not cached. */
	size_t miss = ts.n - *n_cached;

	n_batches = 1 + (miss < jobs ? miss : jobs);
	argv = calloc(n_batches, sizeof(*argv));
	paths = calloc(n_batches, sizeof(*paths));
	if (!argv || !paths)
		goto oom;
	sb_printf(&gl, "synth_xilinx -family xcup -top %s -run begin:map_luts\n%swrite_rtlil %s/glue.il\n",
		  top, ng_report_map_cmds, o->workdir);
	if ((ret = sb_write(&gl, o->workdir, "glue.ys")))
		goto out;
	for (size_t b = 1; b < n_batches; b++) {
		struct sbuf v;
		unsigned ai = 0, yi = 0, k = 0;
		char name[64];

		sb_init(&v);
		sb_puts(&v, "`timescale 1ns / 1ps\n`default_nettype none\n\n");
		for (size_t i = 0; i < ts.n; i++)
			if (!ts.t[i].il && k++ % (n_batches - 1) == b - 1) {
				sb_printf(&v, "%s\n\n", ts.t[i].text);
				ai += ts.t[i].a;
				yi += ts.t[i].y;
			}
		sb_printf(&v, "module nlut_tables_top (input wire [%u:0] a, output wire [%u:0] y);\n",
			  ai - 1, yi - 1);
		ai = yi = k = 0;
		for (size_t i = 0; i < ts.n; i++)
			if (!ts.t[i].il && k++ % (n_batches - 1) == b - 1) {
				sb_printf(&v, "    %s u_%zu (.a(a[%u:%u]), .y(y[%u:%u]));\n", ts.t[i].name,
					  i, ai + ts.t[i].a - 1, ai, yi + ts.t[i].y - 1, yi);
				ai += ts.t[i].a;
				yi += ts.t[i].y;
			}
		sb_puts(&v, "endmodule\n");
		snprintf(name, sizeof(name), "tables%zu.v", b);
		ret = v.bad ? ng_fail(NLUT_ERROR_NO_MEM, "out of memory") : sb_write(&v, o->workdir, name);
		sb_free(&v);
		if (ret)
			goto out;
		sb_init(&v);
		sb_printf(&v, "read_verilog %s/%s\n"
			      "synth_xilinx -family xcup -top nlut_tables_top -run begin:map_luts\n"
			      "%swrite_rtlil %s/tables%zu.il\n",
			  o->workdir, name, ng_report_map_cmds, o->workdir, b);
		snprintf(name, sizeof(name), "tables%zu.ys", b);
		ret = sb_write(&v, o->workdir, name);
		sb_free(&v);
		if (ret)
			goto out;
	}
	for (size_t b = 0; b < n_batches; b++) {
		snprintf(paths[b][0], sizeof(paths[b][0]), "%s/%s%.0zu.log", o->workdir,
			 b ? "tables" : "glue", b);
		snprintf(paths[b][1], sizeof(paths[b][1]), "%s/%s%.0zu.ys", o->workdir,
			 b ? "tables" : "glue", b);
		char **a = calloc(7, sizeof(char *));

		if (!(argv[b] = a))
			goto oom;
		a[0] = (char *)yosys;
		a[1] = "-q";
		a[2] = "-l";
		a[3] = paths[b][0];
		a[4] = "-s";
		a[5] = paths[b][1];
	}
	/* The glue and the batches side by side: jobs + 1 processes at most. */
	int st = run_all(argv, n_batches, jobs + 1);

	if (st == 127 || st < 0) {
		ret = ng_fail(NLUT_ERROR_NOT_FOUND, "cannot run %s (install yosys: scripts/deps.sh)",
			      yosys);
		goto out;
	}
	if (st) {
		for (size_t b = 0; b < n_batches && !err[0]; b++)
			ng_log_error(paths[b][0], err, sizeof(err));
		ret = ng_fail(NLUT_ERROR_OTHER, "yosys failed (exit %d, logs in %s)%s", st, o->workdir,
			      err);
		goto out;
	}
	for (size_t b = 1; b < n_batches && !ret; b++) {
		snprintf(path, sizeof(path), "%s/tables%zu.il", o->workdir, b);
		ret = take_modules(path, &ts);
	}
	if (ret)
		goto out;

	/* Join: the glue, every table's netlist over its blackbox. */
	struct sbuf il;

	sb_init(&il);
	for (size_t i = 0; i < ts.n; i++) {
		if (!ts.t[i].il) {
			sb_free(&il);
			ret = ng_fail(NLUT_ERROR_OTHER, "yosys wrote no netlist of table %s", ts.t[i].name);
			goto out;
		}
		sb_puts(&il, ts.t[i].il);
		if (o->cache_dir)
			cache_store(&ts.t[i], o->cache_dir);
	}
	ret = il.bad ? ng_fail(NLUT_ERROR_NO_MEM, "out of memory") : sb_write(&il, o->workdir, "tables.il");
	sb_free(&il);
	if (ret)
		goto out;
	sb_init(&ys);
	sb_printf(&ys, "read_rtlil %s/glue.il\n"
		       "read_rtlil %s/tables.il\n"
		       "tee -o %s/stat.txt stat\n"
		       "write_blif -icells -cname %s\n"
		       "flatten\n"
		       "write_blif -icells -cname %s\n", o->workdir, o->workdir, o->workdir, hier, flat);
	ret = sb_write(&ys, o->workdir, "synth.ys");
	sb_free(&ys);
	if (ret)
		goto out;
	snprintf(path, sizeof(path), "%s/synth.ys", o->workdir);
	snprintf(log, sizeof(log), "%s/yosys.log", o->workdir);
	char *jv[] = { (char *)yosys, "-q", "-l", log, "-s", path, NULL };

	if ((st = ng_run_quiet(jv))) {
		ng_log_error(log, err, sizeof(err));
		ret = ng_fail(NLUT_ERROR_OTHER, "yosys failed (exit %d, log %s)%s", st, log, err);
	}
	goto out;
oom:
	ret = ng_fail(NLUT_ERROR_NO_MEM, "out of memory");
out:
	if (argv)
		for (size_t b = 0; b < n_batches; b++)
			free(argv[b]);
	free(argv);
	free(paths);
	sb_free(&gl);
	tables_free(&ts);
	return ret;
}
