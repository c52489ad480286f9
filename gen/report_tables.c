/* report_tables.c - nlut report's synthesis with the tables apart (the
 * default, -j N >= 1): every table module of the yosys view
 * (nlut_layer<L>_N<J>[_C<K>], gen/verilog.c) is mapped to LUTs by a fixed
 * short script (ng_report_table_cmds) in a yosys process of its own, N at a
 * time, or taken from the cache; the rest of the core (the glue, tables as
 * blackboxes) is synthesised by synth_xilinx in one more process at the same
 * time, or taken from the cache too; a last short yosys run joins the
 * netlists and writes hier.blif and flat.blif as the one-script flow (-j 0)
 * does.
 *
 * A process per table, because inside one yosys process the order in which
 * yosys hands abc a table's gates depends on everything the process did
 * before (process-wide name counters and a recycled name table some passes
 * sort by), and abc's LUT count for the same table then varies by up to half
 * (docs/core-interface.md). In a fresh process a table's netlist depends on
 * its text alone, not on its name, the other tables or N: any -j N and a warm
 * or cold cache give the same figures (test report_tables).
 *
 * Cache: DIR/<sha256>.il, a table's mapped module (RTLIL) under the name
 * nlut_cached_table, the key hashing the table's text without its name, the
 * commands and `yosys -V`; DIR/glue-<sha256>.il, the glue's netlist, the key
 * hashing its files, top, commands and `yosys -V`. */
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

/* A table (plain logic: 2:1 muxes, constants) to LUTs: the same abc call as
 * above on its gates, after the few passes that turn the Verilog into gates
 * (synth_xilinx's would cost a second of CPU per table, most of it reading
 * its techmap libraries); then every cell must be a LUT. */
const char *const ng_report_table_cmds = "proc\n"
					 "opt_expr\n"
					 "opt_clean\n"
					 "simplemap\n"
					 "opt_expr -mux_undef -noclkinv\n"
					 "opt_clean\n"
					 "abc -luts 2:2,3,6:5,10,20\n"
					 "opt_clean\n"
					 "select -assert-none t:* t:$lut %d\n";

struct table {
	char name[96];
	char *text;   /* module ... endmodule */
	unsigned a, y; /* address and output widths */
	char key[65];
	char *il;     /* the mapped module, RTLIL, under its own name */
	long rep;     /* an earlier table of the same key whose netlist this takes, or -1 */
	size_t run;   /* 1.. when synthesised in this run (a yosys process of its own) */
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
static int split_file(const char *rtl, const char *glue, const char *file, struct tables *ts,
		      struct nlut_sha256 *gh)
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
	if (!g.bad) {
		nlut_sha256_update(gh, file, strlen(file) + 1);
		nlut_sha256_update(gh, g.p, g.len);
		nlut_sha256_update(gh, "", 1);
	}
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
	nlut_sha256_update(&s, "nlut-report-table 2", 20);
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

static void hex_digest(struct nlut_sha256 *s, char out[65])
{
	uint8_t h[32];

	nlut_sha256_final(s, h);
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", h[i]);
}

/* Copy file from to to (a cache entry in or out) by a temporary file and a
 * rename, so a reader never sees half of it; 0 or -1. */
static int copy_file(const char *from, const char *to)
{
	char tmp[4300];
	size_t n;
	char *p = slurp(from, &n);
	FILE *f;
	int ok = 0;

	if (!p)
		return -1;
	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", to, (long)getpid());
	if ((f = fopen(tmp, "w"))) {
		ok = fwrite(p, 1, n, f) == n;
		if (fclose(f) || !ok || rename(tmp, to)) {
			unlink(tmp);
			ok = 0;
		}
	}
	free(p);
	return ok ? 0 : -1;
}

/* A whole RTLIL file (its last line "end"), else a miss. */
static int is_whole_il(const char *path)
{
	size_t n;
	char *p = slurp(path, &n);
	int ok = p && n > 4 && !strcmp(p + n - 4, "end\n");

	free(p);
	return ok;
}

int ng_report_split(const char *rtl, const char *flist, const char *top,
		    const struct nlut_report_opts *o, const char *hier, const char *flat,
		    unsigned *n_tables, unsigned *n_cached)
{
	const char *yosys = o->yosys ? o->yosys : "yosys";
	unsigned jobs = o->jobs ? o->jobs : 1;
	char path[4400], glue[4200], tdir[4200], glue_il[4200], glue_cache[4300] = "", line[512],
		version[256], log[4200], err[600] = "", gkey[65];
	struct tables ts = { 0 };
	struct sbuf ys, gl;
	struct nlut_sha256 gh;
	char ***argv = NULL;
	char (*paths)[2][4400] = NULL;
	size_t n_runs = 0, n_tab_runs = 0;
	int ret = 0, glue_hit = 0;
	FILE *f;

	*n_tables = *n_cached = 0;
	snprintf(glue, sizeof(glue), "%s/glue", o->workdir);
	snprintf(glue_il, sizeof(glue_il), "%s/glue.il", o->workdir);
	snprintf(tdir, sizeof(tdir), "%s/tables", o->workdir);
	if (mkdirs(glue))
		return ng_fail(NLUT_ERROR_IO, "%s: cannot create: %s", glue, strerror(errno));
	snprintf(path, sizeof(path), "%s/%s", rtl, flist);
	if (!(f = fopen(path, "r")))
		return ng_fail(NLUT_ERROR_IO, "%s: cannot open: %s", path, strerror(errno));
	sb_init(&gl);
	nlut_sha256_init(&gh);
	nlut_sha256_update(&gh, "nlut-report-glue 1", 19);
	while (!ret && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0] || !strncmp(line, "//", 2))
			continue;
		ret = split_file(rtl, glue, line, &ts, &gh);
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
	nlut_sha256_update(&gh, version, strlen(version) + 1);
	nlut_sha256_update(&gh, top, strlen(top) + 1);
	nlut_sha256_update(&gh, ng_report_map_cmds, strlen(ng_report_map_cmds) + 1);
	hex_digest(&gh, gkey);
	if (o->cache_dir) {
		snprintf(glue_cache, sizeof(glue_cache), "%s/glue-%s.il", o->cache_dir, gkey);
		glue_hit = is_whole_il(glue_cache) && !copy_file(glue_cache, glue_il);
	}

	/* Tables: from the cache, else from an earlier table of the same text,
	 * else synthesised in a batch. */
	size_t miss = 0;

	for (size_t i = 0; i < ts.n; i++) {
		struct table *t = &ts.t[i];

		table_key(t, version, ng_report_table_cmds);
		t->rep = -1;
		if (o->cache_dir)
			cache_load(t, o->cache_dir);
		*n_cached += t->il != NULL;
		for (size_t k = 0; k < i && !t->il; k++)
			if (!strcmp(ts.t[k].key, t->key)) {
				t->rep = (long)k;
				break;
			}
		miss += !t->il && t->rep < 0;
	}
	*n_tables = (unsigned)ts.n;

	/* The glue (unless cached), then one process per table to synthesise. */
	argv = calloc(miss + 1, sizeof(*argv));
	paths = calloc(miss + 1, sizeof(*paths));
	if (!argv || !paths)
		goto oom;
	if (!glue_hit) {
		sb_printf(&gl, "synth_xilinx -family xcup -top %s -run begin:map_luts\n%swrite_rtlil %s\n",
			  top, ng_report_map_cmds, glue_il);
		if ((ret = sb_write(&gl, o->workdir, "glue.ys")))
			goto out;
		snprintf(paths[n_runs][0], sizeof(paths[0][0]), "%s/glue.log", o->workdir);
		snprintf(paths[n_runs][1], sizeof(paths[0][1]), "%s/glue.ys", o->workdir);
		n_runs++;
	}
	if (miss && mkdirs(tdir)) {
		ret = ng_fail(NLUT_ERROR_IO, "%s: cannot create: %s", tdir, strerror(errno));
		goto out;
	}
	for (size_t i = 0; i < ts.n; i++) {
		struct table *t = &ts.t[i];
		struct sbuf v;
		char name[128];

		if (t->il || t->rep >= 0)
			continue;
		t->run = ++n_tab_runs;
		sb_init(&v);
		sb_printf(&v, "`default_nettype none\n\n%s\n", t->text);
		snprintf(name, sizeof(name), "%s.v", t->name);
		ret = v.bad ? ng_fail(NLUT_ERROR_NO_MEM, "out of memory") : sb_write(&v, tdir, name);
		sb_free(&v);
		if (ret)
			goto out;
		sb_init(&v);
		sb_printf(&v, "read_verilog %s/%s.v\n%swrite_rtlil %s/%s.il\n", tdir, t->name,
			  ng_report_table_cmds, tdir, t->name);
		snprintf(name, sizeof(name), "%s.ys", t->name);
		ret = sb_write(&v, tdir, name);
		sb_free(&v);
		if (ret)
			goto out;
		snprintf(paths[n_runs][0], sizeof(paths[0][0]), "%s/%s.log", tdir, t->name);
		snprintf(paths[n_runs][1], sizeof(paths[0][1]), "%s/%s.ys", tdir, t->name);
		n_runs++;
	}
	for (size_t r = 0; r < n_runs; r++) {
		char **a = calloc(7, sizeof(char *));

		if (!(argv[r] = a))
			goto oom;
		a[0] = (char *)yosys;
		a[1] = "-q";
		a[2] = "-l";
		a[3] = paths[r][0];
		a[4] = "-s";
		a[5] = paths[r][1];
	}
	/* The glue and the tables side by side: jobs + 1 processes at most. */
	int st = run_all(argv, n_runs, jobs + 1);

	if (st == 127 || st < 0) {
		ret = ng_fail(NLUT_ERROR_NOT_FOUND, "cannot run %s (install yosys: scripts/deps.sh)",
			      yosys);
		goto out;
	}
	if (st) {
		for (size_t r = 0; r < n_runs && !err[0]; r++)
			ng_log_error(paths[r][0], err, sizeof(err));
		ret = ng_fail(NLUT_ERROR_OTHER, "yosys failed (exit %d, logs in %s)%s", st, o->workdir,
			      err);
		goto out;
	}
	if (!glue_hit && o->cache_dir)
		copy_file(glue_il, glue_cache);
	for (size_t i = 0; i < ts.n && !ret; i++)
		if (ts.t[i].run) {
			struct tables one = { &ts.t[i], 1, 1 };

			snprintf(path, sizeof(path), "%s/%s.il", tdir, ts.t[i].name);
			ret = take_modules(path, &one);
		}
	if (ret)
		goto out;

	/* Join: the glue, every table's netlist over its blackbox. */
	struct sbuf il;

	sb_init(&il);
	for (size_t i = 0; i < ts.n; i++) {
		struct table *t = &ts.t[i];

		if (!t->il && t->rep >= 0 && ts.t[t->rep].il &&
		    !(t->il = rename_il(ts.t[t->rep].il, ts.t[t->rep].name, t->name))) {
			sb_free(&il);
			goto oom;
		}
		if (!t->il) {
			sb_free(&il);
			ret = ng_fail(NLUT_ERROR_OTHER, "yosys wrote no netlist of table %s", t->name);
			goto out;
		}
		sb_puts(&il, t->il);
		if (o->cache_dir && t->run)
			cache_store(t, o->cache_dir);
	}
	ret = il.bad ? ng_fail(NLUT_ERROR_NO_MEM, "out of memory") : sb_write(&il, o->workdir, "tables.il");
	sb_free(&il);
	if (ret)
		goto out;
	sb_init(&ys);
	sb_printf(&ys, "read_rtlil %s\n"
		       "read_rtlil %s/tables.il\n"
		       "tee -o %s/stat.txt stat\n"
		       "write_blif -icells -cname %s\n"
		       "flatten\n"
		       "write_blif -icells -cname %s\n", glue_il, o->workdir, o->workdir, hier, flat);
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
		for (size_t r = 0; r < n_runs; r++)
			free(argv[r]);
	free(argv);
	free(paths);
	sb_free(&gl);
	tables_free(&ts);
	return ret;
}
