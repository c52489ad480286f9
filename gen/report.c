/* report.c - synthesis estimates of a generated core: yosys synth_xilinx
 * -family xcup, then LUT/FF counts per layer from the hierarchical netlist and
 * LUT levels per pipeline stage from the flattened one (both BLIF). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gen_private.h"

/* ---- a small BLIF reader: .model, .inputs/.outputs, .names, .subckt, .cname ---- */

struct pin {
	char *name; /* pin name, "I0", "O[3]" */
	int net;    /* net index */
};

struct cell {
	char *type;
	char *cname; /* instance name (.cname), or NULL */
	uint32_t n_pins;
	struct pin *pins;
};

struct model {
	char *name;
	uint32_t n_cells, cap_cells;
	struct cell *cells;
	uint32_t n_outputs;
	int *outputs; /* nets of .outputs */
	/* nets of this model */
	uint32_t n_nets, cap_nets;
	char **nets;
	/* open-addressing index of net names */
	uint32_t hcap;
	int *hash;
};

struct netlist {
	uint32_t n_models;
	struct model *models;
};

static uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static int net_index(struct model *m, const char *name)
{
	if (m->n_nets * 2 + 2 > m->hcap) {
		uint32_t cap = m->hcap ? m->hcap * 2 : 1024;
		int *h = malloc(cap * sizeof(*h));

		if (!h)
			return -1;
		memset(h, -1, cap * sizeof(*h));
		for (uint32_t i = 0; i < m->n_nets; i++) {
			uint32_t k = hash_str(m->nets[i]) & (cap - 1);

			while (h[k] >= 0)
				k = (k + 1) & (cap - 1);
			h[k] = (int)i;
		}
		free(m->hash);
		m->hash = h;
		m->hcap = cap;
	}
	uint32_t k = hash_str(name) & (m->hcap - 1);

	while (m->hash[k] >= 0) {
		if (!strcmp(m->nets[m->hash[k]], name))
			return m->hash[k];
		k = (k + 1) & (m->hcap - 1);
	}
	if (m->n_nets == m->cap_nets) {
		uint32_t cap = m->cap_nets ? m->cap_nets * 2 : 1024;
		char **n = realloc(m->nets, cap * sizeof(*n));

		if (!n)
			return -1;
		m->nets = n;
		m->cap_nets = cap;
	}
	m->nets[m->n_nets] = strdup(name);
	if (!m->nets[m->n_nets])
		return -1;
	m->hash[k] = (int)m->n_nets;
	return (int)m->n_nets++;
}

static void netlist_free(struct netlist *nl)
{
	for (uint32_t i = 0; i < nl->n_models; i++) {
		struct model *m = &nl->models[i];

		for (uint32_t c = 0; c < m->n_cells; c++) {
			for (uint32_t p = 0; p < m->cells[c].n_pins; p++)
				free(m->cells[c].pins[p].name);
			free(m->cells[c].pins);
			free(m->cells[c].type);
			free(m->cells[c].cname);
		}
		for (uint32_t n = 0; n < m->n_nets; n++)
			free(m->nets[n]);
		free(m->cells);
		free(m->nets);
		free(m->hash);
		free(m->outputs);
		free(m->name);
	}
	free(nl->models);
	memset(nl, 0, sizeof(*nl));
}

static struct cell *new_cell(struct model *m, const char *type)
{
	if (m->n_cells == m->cap_cells) {
		uint32_t cap = m->cap_cells ? m->cap_cells * 2 : 256;
		struct cell *c = realloc(m->cells, cap * sizeof(*c));

		if (!c)
			return NULL;
		m->cells = c;
		m->cap_cells = cap;
	}
	struct cell *c = &m->cells[m->n_cells];

	memset(c, 0, sizeof(*c));
	c->type = strdup(type);
	if (!c->type)
		return NULL;
	m->n_cells++;
	return c;
}

static int add_pin(struct model *m, struct cell *c, const char *pin, const char *net)
{
	struct pin *p = realloc(c->pins, (c->n_pins + 1) * sizeof(*p));
	int n = net_index(m, net);

	if (!p || n < 0) {
		free(p == c->pins ? NULL : p);
		return -1;
	}
	c->pins = p;
	p[c->n_pins].name = strdup(pin);
	p[c->n_pins].net = n;
	if (!p[c->n_pins].name)
		return -1;
	c->n_pins++;
	return 0;
}

/* Read one logical line (joining '\' continuations) into *buf. */
static ssize_t read_line(FILE *f, char **buf, size_t *cap)
{
	size_t len = 0;
	int c;

	for (;;) {
		c = fgetc(f);
		if (c == EOF && !len)
			return -1;
		if (c == EOF || c == '\n') {
			if (len && (*buf)[len - 1] == '\\') {
				len--;
				if (c == EOF)
					break;
				continue;
			}
			break;
		}
		if (len + 2 > *cap) {
			size_t nc = *cap ? *cap * 2 : 1024;
			char *nb = realloc(*buf, nc);

			if (!nb)
				return -2;
			*buf = nb;
			*cap = nc;
		}
		(*buf)[len++] = (char)c;
	}
	if (!*buf) {
		*buf = malloc(1);
		if (!*buf)
			return -2;
		*cap = 1;
	}
	(*buf)[len] = '\0';
	return (ssize_t)len;
}

static int read_blif(const char *path, struct netlist *nl)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, *save;
	size_t cap = 0;
	struct model *m = NULL;
	struct cell *last = NULL;
	ssize_t n;
	int ret = 0;

	memset(nl, 0, sizeof(*nl));
	if (!f)
		return ng_fail(NLUT_ERROR_IO, "%s: cannot open: %s", path, strerror(errno));
	while ((n = read_line(f, &line, &cap)) >= 0) {
		char *tok = strtok_r(line, " \t\r", &save);

		if (!tok || tok[0] == '#')
			continue;
		if (!strcmp(tok, ".model")) {
			struct model *nm = realloc(nl->models, (nl->n_models + 1) * sizeof(*nm));

			if (!nm)
				goto oom;
			nl->models = nm;
			m = &nl->models[nl->n_models++];
			memset(m, 0, sizeof(*m));
			tok = strtok_r(NULL, " \t\r", &save);
			m->name = strdup(tok ? tok : "");
			if (!m->name)
				goto oom;
			last = NULL;
		} else if (!m) {
			continue;
		} else if (!strcmp(tok, ".outputs")) {
			while ((tok = strtok_r(NULL, " \t\r", &save))) {
				int *o = realloc(m->outputs, (m->n_outputs + 1) * sizeof(*o));
				int k = net_index(m, tok);

				if (!o || k < 0) {
					free(o == m->outputs ? NULL : o);
					goto oom;
				}
				m->outputs = o;
				o[m->n_outputs++] = k;
			}
		} else if (!strcmp(tok, ".names")) {
			/* A buffer or constant: inputs then the output, weight 0. */
			char *nets[64];
			int k = 0;

			while ((tok = strtok_r(NULL, " \t\r", &save)) && k < 64)
				nets[k++] = tok;
			if (!(last = new_cell(m, "$names")))
				goto oom;
			for (int i = 0; i < k; i++)
				if (add_pin(m, last, i == k - 1 ? "O" : "I", nets[i]))
					goto oom;
		} else if (!strcmp(tok, ".subckt")) {
			tok = strtok_r(NULL, " \t\r", &save);
			if (!tok || !(last = new_cell(m, tok)))
				goto oom;
			while ((tok = strtok_r(NULL, " \t\r", &save))) {
				char *eq = strchr(tok, '=');

				if (!eq)
					continue;
				*eq = '\0';
				if (add_pin(m, last, tok, eq + 1))
					goto oom;
			}
		} else if (!strcmp(tok, ".cname") && last) {
			tok = strtok_r(NULL, " \t\r", &save);
			free(last->cname);
			last->cname = tok ? strdup(tok) : NULL;
		} else if (!strcmp(tok, ".end")) {
			m = NULL;
		}
	}
	if (n == -2)
		goto oom;
	free(line);
	fclose(f);
	return ret;
oom:
	free(line);
	fclose(f);
	netlist_free(nl);
	return ng_fail(NLUT_ERROR_NO_MEM, "%s: out of memory", path);
}

/* ---- cell classes ---- */

static int is_lut(const char *t)
{
	return (!strncmp(t, "LUT", 3) && t[3] >= '1' && t[3] <= '6' && !t[4]) || !strcmp(t, "INV") ||
	       !strcmp(t, "$lut");
}

/* Cells a LUT becomes on LUT6 fabric: abc's $lut of 7 or 8 inputs is two or
 * four LUT6 and one or three MUXF7/F8 (as synth_xilinx's lut_map.v maps it). */
static void lut_cost(const struct cell *c, struct nlut_report_row *r)
{
	uint32_t w = 0;

	if (strcmp(c->type, "$lut")) {
		r->luts++;
		return;
	}
	for (uint32_t p = 0; p < c->n_pins; p++)
		w += !strncmp(c->pins[p].name, "A", 1);
	r->luts += w <= 6 ? 1 : w == 7 ? 2 : 4;
	r->muxes += w <= 6 ? 0 : w == 7 ? 1 : 3;
}

static int is_ff(const char *t)
{
	return !strcmp(t, "FDRE") || !strcmp(t, "FDSE") || !strcmp(t, "FDCE") || !strcmp(t, "FDPE");
}

static int is_mux(const char *t)
{
	return !strcmp(t, "MUXF7") || !strcmp(t, "MUXF8") || !strcmp(t, "MUXF9");
}

static int is_carry(const char *t)
{
	return !strcmp(t, "CARRY4") || !strcmp(t, "CARRY8");
}

static int is_output_pin(const char *p)
{
	return !strcmp(p, "O") || !strncmp(p, "O[", 2) || !strcmp(p, "CO") || !strncmp(p, "CO[", 3) ||
	       !strcmp(p, "Y") ||
	       !strcmp(p, "Q") || !strcmp(p, "G") || !strcmp(p, "P");
}

static struct model *find_model(struct netlist *nl, const char *name)
{
	for (uint32_t i = 0; i < nl->n_models; i++)
		if (!strcmp(nl->models[i].name, name))
			return &nl->models[i];
	return NULL;
}

static void row_add(struct nlut_report_row *a, const struct nlut_report_row *b)
{
	a->luts += b->luts;
	a->ffs += b->ffs;
	a->muxes += b->muxes;
	a->carries += b->carries;
}

/* Cells of model m and everything below it. */
static void model_total(struct netlist *nl, struct model *m, struct nlut_report_row *r, int depth)
{
	for (uint32_t c = 0; c < m->n_cells && depth < 32; c++) {
		const char *t = m->cells[c].type;
		struct model *sub;

		if (is_lut(t))
			lut_cost(&m->cells[c], r);
		else if (is_ff(t))
			r->ffs++;
		else if (is_mux(t))
			r->muxes++;
		else if (is_carry(t))
			r->carries++;
		else if ((sub = find_model(nl, t)))
			model_total(nl, sub, r, depth + 1);
	}
}

/* The number after prefix at the start of s (or -1). */
static long num_after(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);

	if (strncmp(s, prefix, n) || !isdigit((unsigned char)s[n]))
		return -1;
	return strtol(s + n, NULL, 10);
}

/* Slot of the register a flip-flop's Q net belongs to, or -1. nlut: slot 2b
 * for boundary b (pipe<b>_*), 2u + 1 for the split register inside layer u
 * (split<u>_*); LogicNets: slot i for M<i>w (the register before layer i). */
static long ff_boundary(const char *q, enum nlut_gen_style style)
{
	long b;

	if (style == NLUT_GEN_STYLE_NLUT) {
		if ((b = num_after(q, "pipe")) >= 0)
			return 2 * b;
		if ((b = num_after(q, "split")) >= 0)
			return 2 * b + 1;
		return -1;
	}
	b = num_after(q, "M");

	if (b >= 0) {
		const char *p = q + 1;

		while (isdigit((unsigned char)*p))
			p++;
		if (*p == 'w')
			return b;
	}
	b = num_after(q, "layer");
	if (b >= 0 && strstr(q, "_reg"))
		return b;
	return -1;
}

/* Row of a hierarchical cell of the top: by instance name. S: 1 when the
 * model has group sums (their row is L + 1, the argmax's L + 1 + S). */
static int row_of_instance(const char *cname, enum nlut_gen_style style, uint32_t L, uint32_t S)
{
	long l;

	if (!cname)
		return -1;
	if (style == NLUT_GEN_STYLE_NLUT) {
		if ((l = num_after(cname, "u_layer")) >= 0 && (uint32_t)l < L)
			return (int)l + 1;
		if (S && !strncmp(cname, "u_gsum", 6))
			return (int)L + 1;
		if (!strncmp(cname, "u_argmax", 8))
			return (int)(L + 1 + S);
		return -1;
	}
	if ((l = num_after(cname, "layer")) >= 0 && (uint32_t)l < L) {
		if (strstr(cname, "_reg"))
			return (int)l; /* register before layer l = after layer l-1 */
		return (int)l + 1;
	}
	return -1;
}

/* ---- LUT levels ---- */

struct depth_ctx {
	struct model *m;
	int *driver;     /* net -> cell index, -1 = none (input/constant) */
	int *depth;      /* net -> levels, -1 unknown, -2 in progress */
};

static int net_depth(struct depth_ctx *d, int net, int guard)
{
	if (d->depth[net] >= 0)
		return d->depth[net];
	if (d->depth[net] == -2 || guard > 100000)
		return 0; /* combinational loop: should not happen */
	int c = d->driver[net], best = 0;

	if (c < 0) {
		d->depth[net] = 0;
		return 0;
	}
	struct cell *cell = &d->m->cells[c];

	if (is_ff(cell->type)) {
		d->depth[net] = 0;
		return 0;
	}
	d->depth[net] = -2;
	for (uint32_t p = 0; p < cell->n_pins; p++) {
		if (is_output_pin(cell->pins[p].name) && strcmp(cell->type, "$names"))
			continue;
		if (!strcmp(cell->type, "$names") && !strcmp(cell->pins[p].name, "O"))
			continue;
		int v = net_depth(d, cell->pins[p].net, guard + 1);

		if (v > best)
			best = v;
	}
	d->depth[net] = best + (is_lut(cell->type) ? 1 : 0);
	return d->depth[net];
}

static int measure_levels(struct model *m, enum nlut_gen_style style, const uint8_t *reg,
			  uint32_t n_bound, struct nlut_report *r)
{
	struct depth_ctx d = { m, NULL, NULL };
	uint32_t stage_of[NLUT_PLAN_MAX_STAGES + 2];
	uint32_t k = 0;

	/* Stage of the logic ending in register slot b: registered slots before b. */
	for (uint32_t b = 0; b < n_bound; b++) {
		stage_of[b] = k;
		k += reg[b];
	}
	d.driver = malloc(m->n_nets * sizeof(int));
	d.depth = malloc(m->n_nets * sizeof(int));
	if (!d.driver || !d.depth) {
		free(d.driver);
		free(d.depth);
		return ng_fail(NLUT_ERROR_NO_MEM, "out of memory");
	}
	memset(d.driver, -1, m->n_nets * sizeof(int));
	memset(d.depth, -1, m->n_nets * sizeof(int));
	for (uint32_t c = 0; c < m->n_cells; c++) {
		struct cell *cell = &m->cells[c];

		for (uint32_t p = 0; p < cell->n_pins; p++) {
			int out = !strcmp(cell->type, "$names") ? !strcmp(cell->pins[p].name, "O")
								 : is_output_pin(cell->pins[p].name);
			if (out)
				d.driver[cell->pins[p].net] = (int)c;
		}
	}
	for (uint32_t c = 0; c < m->n_cells; c++) {
		struct cell *cell = &m->cells[c];
		int dnet = -1, qnet = -1;

		if (!is_ff(cell->type))
			continue;
		for (uint32_t p = 0; p < cell->n_pins; p++) {
			if (!strcmp(cell->pins[p].name, "D"))
				dnet = cell->pins[p].net;
			else if (!strcmp(cell->pins[p].name, "Q"))
				qnet = cell->pins[p].net;
		}
		if (dnet < 0 || qnet < 0)
			continue;
		int v = net_depth(&d, dnet, 0);
		long b = ff_boundary(m->nets[qnet], style);
		uint32_t s = b >= 0 && (uint32_t)b < n_bound ? stage_of[b] : 0;

		if (b < 0 || s == 0) {
			/* input registers (or unnamed): logic before the core */
			if (v > (int)r->max_levels)
				r->max_levels = (unsigned)v;
			continue;
		}
		if ((unsigned)v > r->stage_levels[s - 1])
			r->stage_levels[s - 1] = (unsigned)v;
	}
	/* Combinational outputs (LogicNets: the last layer) end the last stage. */
	for (uint32_t o = 0; o < m->n_outputs; o++) {
		int v = net_depth(&d, m->outputs[o], 0);

		if (r->n_stages && (unsigned)v > r->stage_levels[r->n_stages - 1])
			r->stage_levels[r->n_stages - 1] = (unsigned)v;
	}
	for (uint32_t s = 0; s < r->n_stages; s++)
		if (r->stage_levels[s] > r->max_levels)
			r->max_levels = r->stage_levels[s];
	free(d.driver);
	free(d.depth);
	return 0;
}

/* Counts and levels from the two netlists: reg[] and n_stages come from the
 * plan (nlut) or the LogicNets layout (a register before each layer). */
static int parse_with(const char *hier, const char *flat, const char *top,
		      enum nlut_gen_style style, const nlut_model *m, uint32_t n_sum,
		      const uint8_t *reg, uint32_t n_bound, struct nlut_report *r)
{
	struct netlist nl;
	struct model *tm;
	uint32_t L = nlut_model_num_layers(m), S = n_sum ? 1 : 0, last = L + 1 + S;
	int ret;

	r->n_rows = L + 2 + S;
	snprintf(r->row[0].name, sizeof(r->row[0].name), "input");
	snprintf(r->row[0].kind, sizeof(r->row[0].kind), "input");
	for (uint32_t l = 0; l < L; l++) {
		const struct nlut_layer *Ly = nlut_model_layer(m, l);
		int enc = 1, dense = 1;

		for (uint32_t j = 0; j < Ly->n_neurons; j++) {
			enc &= Ly->neurons[j].fan_in == 1 && Ly->neurons[j].out_bits == 1 &&
			       Ly->neurons[j].kind == NLUT_NEURON_TABLE;
			dense &= Ly->neurons[j].kind == NLUT_NEURON_DENSE;
		}
		snprintf(r->row[l + 1].name, sizeof(r->row[l + 1].name), "layer%u", l);
		snprintf(r->row[l + 1].kind, sizeof(r->row[l + 1].kind), "%s",
			 enc ? "encoder" : dense ? "lut_dense" : "lut");
	}
	if (S) {
		snprintf(r->row[L + 1].name, sizeof(r->row[L + 1].name), "groupsum");
		snprintf(r->row[L + 1].kind, sizeof(r->row[L + 1].kind), "group_sum");
	}
	/* A threshold model's last row: its comparator (glue logic in the
	 * top) and the two-class argmax after it. */
	const char *dec = nlut_model_decoding(m) == NLUT_DECODE_THRESHOLD ? "threshold" : "argmax";

	snprintf(r->row[last].name, sizeof(r->row[last].name), "%s", dec);
	snprintf(r->row[last].kind, sizeof(r->row[last].kind), "%s", dec);
	snprintf(r->total.name, sizeof(r->total.name), "total");

	if ((ret = read_blif(hier, &nl)))
		return ret;
	if (!(tm = find_model(&nl, top))) {
		netlist_free(&nl);
		return ng_fail(NLUT_ERROR_MALFORMED, "%s: no model %s", hier, top);
	}
	for (uint32_t c = 0; c < tm->n_cells; c++) {
		struct cell *cell = &tm->cells[c];
		struct model *sub = find_model(&nl, cell->type);
		struct nlut_report_row one = { "", "", 0, 0, 0, 0 };
		int row;

		if (sub) {
			model_total(&nl, sub, &one, 0);
			row = row_of_instance(cell->cname, style, L, S);
		} else {
			const char *t = cell->type;

			if (is_lut(t))
				lut_cost(cell, &one);
			one.ffs = is_ff(t);
			one.muxes = is_mux(t);
			one.carries = is_carry(t);
			row = (int)last; /* glue logic in the top */
			if (is_ff(t)) {
				for (uint32_t p = 0; p < cell->n_pins; p++)
					if (!strcmp(cell->pins[p].name, "Q")) {
						long b = ff_boundary(tm->nets[cell->pins[p].net], style);

						/* nlut: boundary b (after layer b - 1) and
						 * the split of layer u, rows b and u + 1;
						 * after a group-sum stage: that row. */
						if (b >= 0 && style == NLUT_GEN_STYLE_NLUT)
							b = b / 2 + b % 2;
						row = b < 0 ? (int)last : b <= (long)L ? (int)b :
						      b <= (long)(L + n_sum) ? (int)L + 1 : (int)last;
					}
			}
		}
		if (row < 0 || row > (int)last)
			row = (int)last;
		row_add(&r->row[row], &one);
		row_add(&r->total, &one);
	}
	netlist_free(&nl);

	if ((ret = read_blif(flat, &nl)))
		return ret;
	if (!(tm = find_model(&nl, top))) {
		netlist_free(&nl);
		return ng_fail(NLUT_ERROR_MALFORMED, "%s: no model %s", flat, top);
	}
	ret = measure_levels(tm, style, reg, n_bound, r);
	netlist_free(&nl);
	return ret;
}

/* Run argv with stdout and stderr to /dev/null; the exit status or -1. */
int ng_run_quiet(char *const argv[])
{
	pid_t parent = getpid(), pid = fork();
	int st;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		/* A yosys run can take most of an hour: when the tool is killed,
		 * its synthesis goes too instead of running on orphaned. */
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) || getppid() != parent)
			_exit(127);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	/* Killed by a signal: 128 + its number, as a shell reports it. */
	return WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : -1;
}

/* The first line of the log with "ERROR", for the failure detail. */
void ng_log_error(const char *log, char *out, size_t len)
{
	FILE *f = fopen(log, "r");
	char line[512];

	out[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "ERROR")) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(out, len, ": %s", line);
			break;
		}
	fclose(f);
}

int nlut_report_run(const nlut_model *m, const struct nlut_report_opts *o, struct nlut_report *r)
{
	char rtl[4096], path[4200], log[4200], hier[4200], flat[4200], line[512], err[600];
	const char *top, *flist;
	struct nlut_plan plan;
	struct sbuf ys;
	uint8_t reg[NLUT_PLAN_MAX_STAGES + 2]; /* by register slot (ff_boundary) */
	uint32_t L = nlut_model_num_layers(m), n_bound;
	int ret;
	FILE *f;

	ng_clear_error();
	if (!m || !o || !o->workdir || !r)
		return ng_fail(NLUT_ERROR_INVALID_PARAM, "no model, options or report");
	memset(r, 0, sizeof(*r));
	struct nlut_gen_opts go = o->gen;

	go.yosys_luts = 1;
	go.bist_vectors = 0; /* synthesis only: no self-test data */
	snprintf(rtl, sizeof(rtl), "%s/rtl", o->workdir);
	if ((ret = nlut_gen_write(m, &go, rtl, &plan)))
		return ret;
	memset(reg, 0, sizeof(reg));
	if (o->gen.style == NLUT_GEN_STYLE_NLUT) {
		top = "nlut_core";
		flist = "nlut_core.f";
		for (uint32_t b = 0; b <= plan.n_units; b++)
			reg[2 * b] = plan.reg[b];
		for (uint32_t u = 0; u < plan.n_units; u++)
			reg[2 * u + 1] = plan.split[u];
		n_bound = 2 * plan.n_units + 1;
		r->n_stages = plan.n_stages;
		r->latency = plan.latency;
	} else {
		/* A register before every layer, the last layer unregistered. */
		top = "logicnet";
		flist = "logicnet.f";
		for (uint32_t b = 0; b < L; b++)
			reg[b] = 1;
		reg[L] = 1; /* the outputs: counted as the end of the last stage */
		n_bound = L + 1;
		r->n_stages = L;
		r->latency = L;
	}
	snprintf(path, sizeof(path), "%s/%s", rtl, flist);
	snprintf(log, sizeof(log), "%s/yosys.log", o->workdir);
	snprintf(hier, sizeof(hier), "%s/hier.blif", o->workdir);
	snprintf(flat, sizeof(flat), "%s/flat.blif", o->workdir);
	if (o->jobs && o->gen.style == NLUT_GEN_STYLE_NLUT) {
		if ((ret = ng_report_split(rtl, flist, top, o, hier, flat, &r->tables,
					   &r->tables_cached)))
			return ret;
		return parse_with(hier, flat, top, o->gen.style, m, plan.n_sum, reg, n_bound, r);
	}
	if (!(f = fopen(path, "r")))
		return ng_fail(NLUT_ERROR_IO, "%s: cannot open: %s", path, strerror(errno));
	sb_init(&ys);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0] || !strncmp(line, "//", 2))
			continue;
		sb_printf(&ys, "read_verilog %s/%s\n", rtl, line);
	}
	fclose(f);
	/* synth_xilinx up to its LUT mapping, then that step's abc call; the
	 * one-to-one techmap of abc's LUTs into LUT1-6/MUXF cells is left out
	 * (it derives a template per distinct LUT, minutes on 10k LUTs) and
	 * counted by lut_cost() instead. */
	sb_printf(&ys, "synth_xilinx -family xcup -top %s -run begin:map_luts\n"
		       "%s"
		       "tee -o %s/stat.txt stat\n"
		       "write_blif -icells -cname %s\n"
		       "flatten\n"
		       "write_blif -icells -cname %s\n", top, ng_report_map_cmds, o->workdir, hier, flat);
	if ((ret = sb_write(&ys, o->workdir, "synth.ys"))) {
		sb_free(&ys);
		return ret;
	}
	sb_free(&ys);
	snprintf(path, sizeof(path), "%s/synth.ys", o->workdir);
	char *argv[] = { (char *)(o->yosys ? o->yosys : "yosys"), "-q", "-l", log, "-s", path, NULL };
	int st = ng_run_quiet(argv);

	if (st == 127 || st < 0)
		return ng_fail(NLUT_ERROR_NOT_FOUND, "cannot run %s (install yosys: scripts/deps.sh)",
			       argv[0]);
	if (st) {
		ng_log_error(log, err, sizeof(err));
		return ng_fail(NLUT_ERROR_OTHER, "yosys failed (exit %d, log %s)%s", st, log, err);
	}
	return parse_with(hier, flat, top, o->gen.style, m,
			  o->gen.style == NLUT_GEN_STYLE_NLUT ? plan.n_sum : 0, reg, n_bound, r);
}
