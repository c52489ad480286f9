/* import.c - read a LogicNets / NeuraLUT / PolyLUT / PolyLUT-Add Verilog
 * directory into a model: the layers are the layer modules on the top's path
 * from its input to its output (registers and aliases pass it on), a layer's
 * neurons the instances driving slices of its output (`case` tables over
 * bit selects of its input, any port names). Also reads nlut's own
 * adder-neuron extension (sub-tables layer<i>_N<j>_S<s> summed into the
 * neuron's table); import_adder.c folds PolyLUT-Add's layer pairs. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_private.h"

/* ---- an arena: everything parsed lives until the import ends ---- */

struct arena {
	struct chunk {
		struct chunk *next;
		size_t used, cap;
		char data[];
	} *head;
	int oom;
};

static void *a_alloc(struct arena *a, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	if (!a->head || a->head->used + n > a->head->cap) {
		size_t cap = n > (1u << 20) ? n : (1u << 20);
		struct chunk *c = malloc(sizeof(*c) + cap);

		if (!c) {
			a->oom = 1;
			return NULL;
		}
		c->next = a->head;
		c->used = 0;
		c->cap = cap;
		a->head = c;
	}
	void *p = a->head->data + a->head->used;

	a->head->used += n;
	memset(p, 0, n);
	return p;
}

static char *a_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = a_alloc(a, n + 1);

	if (p)
		memcpy(p, s, n);
	return p;
}

static void a_free(struct arena *a)
{
	while (a->head) {
		struct chunk *c = a->head;

		a->head = c->next;
		free(c);
	}
}

/* A growable array in the arena (old storage is abandoned on growth). */
#define PUSH(a, arr, n, cap, val)                                                        \
	do {                                                                             \
		if ((n) == (cap)) {                                                      \
			size_t nc_ = (cap) ? (cap) * 2 : 8;                              \
			void *np_ = a_alloc((a), nc_ * sizeof(*(arr)));                  \
			if (!np_)                                                        \
				break;                                                   \
			if (n)                                                           \
				memcpy(np_, (arr), (n) * sizeof(*(arr)));                \
			(arr) = np_;                                                     \
			(cap) = nc_;                                                     \
		}                                                                        \
		(arr)[(n)++] = (val);                                                    \
	} while (0)

/* ---- the parsed form ---- */

struct bitref {
	const char *sig; /* NULL: constant */
	int32_t bit;     /* bit index, or the constant's value */
};

struct bits {
	uint32_t n, cap;
	struct bitref *b; /* LSB first */
};

struct expr {
	uint32_t n_terms, cap;
	struct bits *terms; /* more than one: a sum */
};

struct conn {
	const char *port;
	struct expr *e;
};

struct inst {
	const char *type, *name;
	int line;
	uint32_t n, cap;
	struct conn *c;
};

struct wire {
	const char *name;
	int32_t msb, lsb;
	struct expr *init;
	int line;
	int out; /* ports: an output */
};

struct entry {
	uint32_t key, val;
	int line;
};

struct vmod {
	const char *name, *file;
	int line;
	uint32_t n_ports, cap_ports;
	struct wire *ports;
	uint32_t n_wires, cap_wires;
	struct wire *wires;
	uint32_t n_insts, cap_insts;
	struct inst *insts;
	int has_case, has_default, case_line;
	uint32_t default_val;
	int32_t key_w, val_w;
	uint32_t n_entries, cap_entries;
	struct entry *entries;
};

struct parser {
	struct arena *a;
	const char *file, *p, *end;
	int line;
	/* current token */
	int tok; /* 'i' ident, 'n' number, or the character */
	const char *ts;
	size_t tl;
	int tline;
	/* number token */
	int32_t nwidth; /* -1 unsized */
	uint64_t nval;
	int nbad;
	int err;
};

struct db {
	struct arena a;
	uint32_t n_mods, cap_mods;
	struct vmod **mods;
};

static int perr(struct parser *ps, const char *what)
{
	if (!ps->err)
		ps->err = ng_fail(NLUT_ERROR_MALFORMED, "%s:%d: %s", ps->file, ps->tline, what);
	return ps->err;
}

static void next(struct parser *ps)
{
	const char *p = ps->p;

	for (;;) {
		while (p < ps->end && isspace((unsigned char)*p)) {
			if (*p == '\n')
				ps->line++;
			p++;
		}
		if (p + 1 < ps->end && p[0] == '/' && p[1] == '/') {
			while (p < ps->end && *p != '\n')
				p++;
		} else if (p + 1 < ps->end && p[0] == '/' && p[1] == '*') {
			p += 2;
			while (p + 1 < ps->end && !(p[0] == '*' && p[1] == '/')) {
				if (*p == '\n')
					ps->line++;
				p++;
			}
			p += 2;
		} else if (p + 1 < ps->end && p[0] == '(' && p[1] == '*' && !(p + 2 < ps->end && p[2] == ')')) {
			/* attribute (* ... *) */
			p += 2;
			while (p + 1 < ps->end && !(p[0] == '*' && p[1] == ')')) {
				if (*p == '\n')
					ps->line++;
				p++;
			}
			p += 2;
		} else if (p < ps->end && *p == '`') {
			while (p < ps->end && *p != '\n')
				p++;
		} else {
			break;
		}
	}
	if (p > ps->end)
		p = ps->end;
	ps->tline = ps->line;
	ps->ts = p;
	if (p >= ps->end) {
		ps->tok = 0;
		ps->tl = 0;
		ps->p = p;
		return;
	}
	if (isalpha((unsigned char)*p) || *p == '_' || *p == '$' || *p == '\\') {
		const char *s = p;

		if (*p == '\\') {
			p++;
			s = p;
			while (p < ps->end && !isspace((unsigned char)*p))
				p++;
		} else {
			while (p < ps->end && (isalnum((unsigned char)*p) || *p == '_' || *p == '$'))
				p++;
		}
		ps->tok = 'i';
		ps->ts = s;
		ps->tl = (size_t)(p - s);
		ps->p = p;
		return;
	}
	if (isdigit((unsigned char)*p) || *p == '\'') {
		uint64_t v = 0;

		ps->nwidth = -1;
		ps->nbad = 0;
		while (p < ps->end && (isdigit((unsigned char)*p) || *p == '_')) {
			if (*p != '_')
				v = v * 10 + (uint64_t)(*p - '0');
			if (v > 0xffffffffu)
				ps->nbad = 1;
			p++;
		}
		if (p < ps->end && *p == '\'') {
			unsigned base = 10;

			ps->nwidth = p == ps->ts ? 32 : (int32_t)v;
			p++;
			if (p < ps->end && (*p == 's' || *p == 'S'))
				p++;
			if (p < ps->end) {
				char c = (char)tolower((unsigned char)*p);

				base = c == 'b' ? 2 : c == 'h' ? 16 : c == 'o' ? 8 : c == 'd' ? 10 : 0;
				p++;
			}
			v = 0;
			if (!base)
				ps->nbad = 1;
			const char *ds = p;

			while (p < ps->end && (isxdigit((unsigned char)*p) || *p == '_' || *p == 'x' ||
					       *p == 'z' || *p == 'X' || *p == 'Z' || *p == '?')) {
				int d;

				if (*p == '_') {
					p++;
					continue;
				}
				d = isdigit((unsigned char)*p) ? *p - '0'
				    : isxdigit((unsigned char)*p) ? tolower((unsigned char)*p) - 'a' + 10
				    : 99;
				if (!base || d >= (int)base)
					ps->nbad = 1;
				else
					v = v * base + (uint64_t)d;
				if (v >> 40)
					ps->nbad = 1;
				p++;
			}
			if (p == ds)
				ps->nbad = 1;
			if (ps->nwidth < 64 && ps->nwidth >= 0 && (v >> ps->nwidth))
				ps->nbad = 1;
		}
		ps->nval = v;
		ps->tok = 'n';
		ps->tl = (size_t)(p - ps->ts);
		ps->p = p;
		return;
	}
	ps->tok = *p;
	ps->tl = 1;
	ps->p = p + 1;
}

static int is(struct parser *ps, const char *kw)
{
	return ps->tok == 'i' && ps->tl == strlen(kw) && !strncmp(ps->ts, kw, ps->tl);
}

static int expect(struct parser *ps, int c)
{
	char msg[64];

	if (ps->tok == c) {
		next(ps);
		return 0;
	}
	snprintf(msg, sizeof(msg), "expected '%c'", c);
	return perr(ps, msg);
}

static const char *ident(struct parser *ps)
{
	const char *s;

	if (ps->tok != 'i') {
		perr(ps, "expected an identifier");
		return NULL;
	}
	s = a_strndup(ps->a, ps->ts, ps->tl);
	next(ps);
	return s;
}

static int number(struct parser *ps, int64_t *v)
{
	if (ps->tok != 'n' || ps->nbad)
		return perr(ps, "expected a number");
	*v = (int64_t)ps->nval;
	next(ps);
	return 0;
}

/* [msb:lsb] or [bit]; absent: *msb = *lsb = 0 and *present = 0. */
static int range(struct parser *ps, int32_t *msb, int32_t *lsb, int *present)
{
	int64_t a = 0, b = 0;

	*present = 0;
	*msb = *lsb = 0;
	if (ps->tok != '[')
		return 0;
	next(ps);
	if (ps->tok != 'n') {
		/* A parameterised range: not a module nlut reads; width unknown. */
		while (ps->tok && ps->tok != ']')
			next(ps);
		*msb = -1;
		*lsb = 0;
		*present = 1;
		return expect(ps, ']');
	}
	if (number(ps, &a))
		return ps->err;
	b = a;
	if (ps->tok == ':') {
		next(ps);
		if (number(ps, &b))
			return ps->err;
	}
	if (expect(ps, ']'))
		return ps->err;
	if (a > 1 << 24 || b > 1 << 24)
		return perr(ps, "range too wide");
	*msb = (int32_t)a;
	*lsb = (int32_t)b;
	*present = 1;
	return 0;
}

static void bits_push(struct parser *ps, struct bits *b, const char *sig, int32_t bit)
{
	struct bitref r = { sig, bit };

	PUSH(ps->a, b->b, b->n, b->cap, r);
}

/* Append bits of `src` to `dst`, LSB first. */
static void bits_cat(struct parser *ps, struct bits *dst, const struct bits *src)
{
	for (uint32_t i = 0; i < src->n; i++)
		bits_push(ps, dst, src->b[i].sig, src->b[i].bit);
}

static int primary(struct parser *ps, struct bits *out);

/* Inside '{': a concatenation or a replication; items are MSB first. */
static int concat(struct parser *ps, struct bits *out)
{
	struct bits items[4096];
	uint32_t n = 0;

	if (ps->tok == 'n') {
		/* replication {N{...}} */
		int64_t k = 0;
		struct bits one = { 0, 0, NULL };

		if (number(ps, &k) || k < 1 || k > 64)
			return perr(ps, "bad replication count");
		if (expect(ps, '{'))
			return ps->err;
		if (concat(ps, &one))
			return ps->err;
		for (int64_t i = 0; i < k; i++)
			bits_cat(ps, out, &one);
		return expect(ps, '}');
	}
	for (;;) {
		if (n == 4096)
			return perr(ps, "concatenation too long");
		memset(&items[n], 0, sizeof(items[n]));
		if (primary(ps, &items[n]))
			return ps->err;
		n++;
		if (ps->tok != ',')
			break;
		next(ps);
	}
	if (expect(ps, '}'))
		return ps->err;
	for (uint32_t i = n; i-- > 0;)
		bits_cat(ps, out, &items[i]);
	return 0;
}

/* A signal (whole, bit or part select) or a concatenation. A whole signal
 * without a declared range is recorded as bit -1 (resolved later). */
static int primary(struct parser *ps, struct bits *out)
{
	if (ps->tok == '{') {
		next(ps);
		return concat(ps, out);
	}
	if (ps->tok == 'n')
		return perr(ps, "constants are not supported in connections");
	const char *s = ident(ps);
	int32_t msb, lsb;
	int present;

	if (!s || range(ps, &msb, &lsb, &present))
		return ps->err;
	if (!present) {
		bits_push(ps, out, s, -1);
		return 0;
	}
	if (msb < lsb)
		return perr(ps, "ascending part selects are not supported");
	for (int32_t i = lsb; i <= msb; i++)
		bits_push(ps, out, s, i);
	return 0;
}

static struct expr *expression(struct parser *ps)
{
	struct expr *e = a_alloc(ps->a, sizeof(*e));

	if (!e)
		return NULL;
	for (;;) {
		struct bits t = { 0, 0, NULL };

		if (primary(ps, &t))
			return NULL;
		PUSH(ps->a, e->terms, e->n_terms, e->cap, t);
		if (ps->tok != '+')
			break;
		next(ps);
	}
	return e;
}

static int skip_to(struct parser *ps, int c)
{
	while (ps->tok && ps->tok != c)
		next(ps);
	return expect(ps, c);
}

/* always @ (...) begin case (M0) KEY: M1r = VAL; ... endcase end */
static int parse_always(struct parser *ps, struct vmod *m)
{
	/* Blocks without a case (registers) are skipped to the module's end. */
	while (ps->tok && !is(ps, "case") && !is(ps, "endmodule"))
		next(ps);
	if (!ps->tok)
		return perr(ps, "missing endmodule");
	if (is(ps, "endmodule"))
		return 0;
	if (m->has_case)
		return perr(ps, "a second case table in one module");
	m->has_case = 1;
	m->case_line = ps->tline;
	m->key_w = m->val_w = -1;
	next(ps);
	if (expect(ps, '(') || skip_to(ps, ')'))
		return ps->err;
	while (ps->tok && !is(ps, "endcase")) {
		struct entry e;
		int64_t k = 0, v = 0;
		int is_def = is(ps, "default");
		int32_t kw = -1;

		e.line = ps->tline;
		if (is_def) {
			next(ps);
		} else {
			if (ps->tok != 'n' || ps->nbad) {
				if (ps->tok == 'n')
					return perr(ps, "bad case key");
				return perr(ps, "bad case key (expected a sized binary literal)");
			}
			kw = ps->nwidth;
			number(ps, &k);
		}
		if (expect(ps, ':') || !ident(ps) || expect(ps, '='))
			return ps->err;
		int32_t vw = ps->tok == 'n' ? ps->nwidth : -1;

		if (ps->tok == 'n' && ps->nbad)
			return perr(ps, "bad case value");
		if (number(ps, &v) || expect(ps, ';'))
			return ps->err;
		if (is_def) {
			m->has_default = 1;
			m->default_val = (uint32_t)v;
			if (vw != m->val_w && m->val_w >= 0)
				return perr(ps, "case value width differs from the other lines (width mismatch)");
			continue;
		}
		if (kw < 0 || vw < 0)
			return perr(ps, "case keys and values must be sized literals");
		if (m->key_w < 0) {
			m->key_w = kw;
			m->val_w = vw;
		} else if (kw != m->key_w || vw != m->val_w) {
			return perr(ps, "case key or value width differs from the first line (width mismatch)");
		}
		e.key = (uint32_t)k;
		e.val = (uint32_t)v;
		PUSH(ps->a, m->entries, m->n_entries, m->cap_entries, e);
	}
	if (!ps->tok)
		return perr(ps, "missing endcase");
	next(ps);
	if (is(ps, "end"))
		next(ps);
	return 0;
}

static int parse_module(struct parser *ps, struct vmod *m)
{
	int out = 0;
	int32_t msb = 0, lsb = 0;
	int present = 0;

	m->file = ps->file;
	m->line = ps->tline;
	next(ps);
	if (!(m->name = ident(ps)))
		return ps->err;
	if (ps->tok == '#') {
		next(ps);
		if (expect(ps, '('))
			return ps->err;
		for (int depth = 1; ps->tok && depth;) {
			depth += ps->tok == '(';
			depth -= ps->tok == ')';
			next(ps);
		}
	}
	if (expect(ps, '('))
		return ps->err;
	while (ps->tok && ps->tok != ')') {
		if (is(ps, "input") || is(ps, "output")) {
			out = is(ps, "output");
			next(ps);
			if (is(ps, "wire") || is(ps, "reg"))
				next(ps);
			if (range(ps, &msb, &lsb, &present))
				return ps->err;
		}
		struct wire w = { NULL, msb, lsb, NULL, ps->tline, out };

		if (!(w.name = ident(ps)))
			return ps->err;
		PUSH(ps->a, m->ports, m->n_ports, m->cap_ports, w);
		if (ps->tok == ',')
			next(ps);
		else if (ps->tok != ')')
			return perr(ps, "bad port list");
	}
	if (expect(ps, ')') || expect(ps, ';'))
		return ps->err;
	while (ps->tok && !is(ps, "endmodule")) {
		if (is(ps, "wire") || is(ps, "reg")) {
			int reg = is(ps, "reg");

			next(ps);
			if (range(ps, &msb, &lsb, &present))
				return ps->err;
			for (;;) {
				struct wire w = { NULL, msb, lsb, NULL, ps->tline, 0 };

				if (!(w.name = ident(ps)))
					return ps->err;
				if (ps->tok == '=') {
					next(ps);
					if (!(w.init = expression(ps)))
						return ps->err;
				}
				if (!reg)
					PUSH(ps->a, m->wires, m->n_wires, m->cap_wires, w);
				if (ps->tok != ',')
					break;
				next(ps);
			}
			if (expect(ps, ';'))
				return ps->err;
		} else if (is(ps, "assign")) {
			next(ps);
			const char *lhs = ident(ps);
			int32_t a, b;

			if (!lhs || range(ps, &a, &b, &present))
				return ps->err;
			if (expect(ps, '='))
				return ps->err;
			struct expr *e = expression(ps);

			if (!e || expect(ps, ';'))
				return ps->err;
			/* assign W = expr on a declared whole wire: its value. */
			for (uint32_t i = 0; i < m->n_wires && !present; i++)
				if (!strcmp(m->wires[i].name, lhs) && !m->wires[i].init)
					m->wires[i].init = e;
		} else if (is(ps, "always")) {
			if (parse_always(ps, m))
				return ps->err;
		} else if (is(ps, "localparam") || is(ps, "parameter") || is(ps, "integer") ||
			   is(ps, "genvar")) {
			if (skip_to(ps, ';'))
				return ps->err;
		} else if (ps->tok == 'i') {
			struct inst in;

			memset(&in, 0, sizeof(in));
			in.line = ps->tline;
			in.type = ident(ps);
			if (ps->tok == '#') {
				next(ps);
				if (expect(ps, '('))
					return ps->err;
				for (int depth = 1; ps->tok && depth;) {
					depth += ps->tok == '(';
					depth -= ps->tok == ')';
					next(ps);
				}
			}
			if (!(in.name = ident(ps)) || expect(ps, '('))
				return ps->err;
			while (ps->tok == '.') {
				struct conn c;

				next(ps);
				if (!(c.port = ident(ps)) || expect(ps, '('))
					return ps->err;
				if (!(c.e = expression(ps)) || expect(ps, ')'))
					return ps->err;
				PUSH(ps->a, in.c, in.n, in.cap, c);
				if (ps->tok == ',')
					next(ps);
			}
			if (expect(ps, ')') || expect(ps, ';'))
				return ps->err;
			PUSH(ps->a, m->insts, m->n_insts, m->cap_insts, in);
		} else {
			return perr(ps, "unexpected text in module");
		}
		if (ps->a->oom)
			return perr(ps, "out of memory");
	}
	if (!ps->tok)
		return perr(ps, "missing endmodule");
	next(ps);
	return 0;
}

static struct vmod *find_mod(struct db *db, const char *name)
{
	for (uint32_t i = 0; i < db->n_mods; i++)
		if (!strcmp(db->mods[i]->name, name))
			return db->mods[i];
	return NULL;
}

static int parse_file(struct db *db, const char *path, const char *shown)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;
	struct parser ps;

	if (!f)
		return ng_fail(NLUT_ERROR_IO, "%s: cannot open: %s", path, strerror(errno));
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return ng_fail(NLUT_ERROR_IO, "%s: cannot read", path);
	}
	if (n > (256l << 20)) {
		fclose(f);
		return ng_fail(NLUT_ERROR_TOO_LARGE, "%s: larger than 256 MiB", path);
	}
	buf = a_alloc(&db->a, (size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		return ng_fail(buf ? NLUT_ERROR_IO : NLUT_ERROR_NO_MEM, "%s: cannot read", path);
	}
	fclose(f);
	memset(&ps, 0, sizeof(ps));
	ps.a = &db->a;
	ps.file = a_strndup(&db->a, shown, strlen(shown));
	ps.p = buf;
	ps.end = buf + n;
	ps.line = 1;
	next(&ps);
	while (ps.tok && !ps.err) {
		if (!is(&ps, "module")) {
			perr(&ps, "expected 'module'");
			break;
		}
		struct vmod *m = a_alloc(&db->a, sizeof(*m));

		if (!m)
			return ng_fail(NLUT_ERROR_NO_MEM, "out of memory");
		if (parse_module(&ps, m))
			break;
		struct vmod *old = find_mod(db, m->name);

		if (old)
			return ng_fail(NLUT_ERROR_MALFORMED, "%s:%d: module %s already defined at %s:%d",
				       m->file, m->line, m->name, old->file, old->line);
		PUSH(&db->a, db->mods, db->n_mods, db->cap_mods, m);
	}
	return ps.err;
}

/* ---- from modules to a model ---- */

static struct wire *find_port(struct vmod *m, const char *name, int out)
{
	for (uint32_t i = 0; i < m->n_ports; i++)
		if (!strcmp(m->ports[i].name, name) && m->ports[i].out == out)
			return &m->ports[i];
	return NULL;
}

/* Clock, reset and enable inputs of a top or register: not data. */
static int is_control(const char *name)
{
	static const char *const ctl[] = { "clk", "clock", "rst", "reset", "rst_n", "resetn",
					   "aresetn", "ce", "en" };

	for (size_t i = 0; i < sizeof(ctl) / sizeof(ctl[0]); i++)
		if (!strcmp(name, ctl[i]))
			return 1;
	return 0;
}

/* The one data input (out = 0) or output (out = 1) port of m, whatever its
 * name (LogicNets: M0 / M1; other writers: address / data, ...); NULL when
 * m has none or several. */
static struct wire *io_port(struct vmod *m, int out)
{
	struct wire *w = NULL;

	for (uint32_t i = 0; i < m->n_ports; i++) {
		if (m->ports[i].out != out || (!out && is_control(m->ports[i].name)))
			continue;
		if (w)
			return NULL;
		w = &m->ports[i];
	}
	return w;
}

static struct wire *find_wire(struct vmod *m, const char *name)
{
	for (uint32_t i = 0; i < m->n_wires; i++)
		if (!strcmp(m->wires[i].name, name))
			return &m->wires[i];
	return NULL;
}

static int32_t width(const struct wire *w)
{
	return w->msb - w->lsb + 1;
}

static struct expr *conn_of(struct inst *in, const char *port)
{
	for (uint32_t i = 0; i < in->n; i++)
		if (!strcmp(in->c[i].port, port))
			return in->c[i].e;
	return NULL;
}

/*
 * Bits of term t, LSB first, with wires replaced by their values until only
 * signals in `stop` (a port or a wire without a value) remain; whole-signal
 * references are expanded by their declared range. depth limits substitution
 * (0 = expand whole-signal refs only).
 */
static int resolve(struct arena *a, struct vmod *m, const struct bits *t, int depth,
		   struct bits *out, const char **why)
{
	for (uint32_t i = 0; i < t->n; i++) {
		const struct bitref *r = &t->b[i];
		struct wire *w = find_wire(m, r->sig);
		struct wire *p = w ? NULL : find_port(m, r->sig, 0);

		if (!p)
			p = w ? NULL : find_port(m, r->sig, 1);
		if (!w && !p) {
			*why = r->sig;
			return -1;
		}
		struct wire *d = w ? w : p;
		int32_t lo = r->bit < 0 ? d->lsb : r->bit, hi = r->bit < 0 ? d->msb : r->bit;

		if (lo < d->lsb || hi > d->msb) {
			*why = r->sig;
			return -2;
		}
		for (int32_t b = lo; b <= hi; b++) {
			if (w && w->init && depth > 0 && w->init->n_terms == 1) {
				struct bits one = { 0, 0, NULL };
				struct bits sub = { 0, 0, NULL };
				struct bitref br = { NULL, 0 };
				int rc = resolve(a, m, &w->init->terms[0], depth - 1, &sub, why);

				if (rc)
					return rc;
				if ((int32_t)sub.n != width(w)) {
					*why = w->name;
					return -3;
				}
				br = sub.b[b - w->lsb];
				(void)one;
				PUSH(a, out->b, out->n, out->cap, br);
			} else {
				struct bitref br = { d->name, b };

				PUSH(a, out->b, out->n, out->cap, br);
			}
		}
	}
	return a->oom ? -4 : 0;
}

struct layer_in {
	const char *sig; /* the layer's input port */
	uint32_t n;     /* sources */
	uint32_t *off;  /* n + 1 offsets */
};

/* Group resolved bits (all M0[x]) into whole sources, LSB first. */
static int group_sources(const struct bits *b, const struct layer_in *li, uint32_t *src,
			 uint8_t *srcw, uint32_t *n_src, const char *what)
{
	const char *in = li->sig;

	uint32_t p = 0, k = 0;

	while (p < b->n) {
		if (!b->b[p].sig || strcmp(b->b[p].sig, in))
			return ng_fail(NLUT_ERROR_INCONSISTENT, "%s: input bit %u is not from %s", what, p,
				       in);
		uint32_t x = (uint32_t)b->b[p].bit, lo = 0, hi = li->n;

		while (hi - lo > 1) {
			uint32_t mid = (lo + hi) / 2;

			if (li->off[mid] <= x)
				lo = mid;
			else
				hi = mid;
		}
		uint32_t w = li->off[lo + 1] - li->off[lo];

		if (x >= li->off[li->n] || li->off[lo] != x || p + w > b->n)
			goto bad;
		for (uint32_t i = 1; i < w; i++)
			if (!b->b[p + i].sig || strcmp(b->b[p + i].sig, in) ||
			    (uint32_t)b->b[p + i].bit != x + i)
				goto bad;
		if (k == NLUT_MAX_FAN_IN)
			return ng_fail(NLUT_ERROR_TOO_LARGE, "%s: more than %u inputs", what,
				       NLUT_MAX_FAN_IN);
		src[k] = lo;
		srcw[k] = (uint8_t)w;
		k++;
		p += w;
		continue;
bad:
		return ng_fail(NLUT_ERROR_INCONSISTENT,
			       "%s: input bits from %s[%u] do not cover one whole source of the "
			       "previous layer, LSB first (width mismatch)", what, in, x);
	}
	*n_src = k;
	return 0;
}

/* The table of a case module: 2^key_w entries, every key once. */
static int case_table(struct vmod *nm, uint32_t addr_bits, uint32_t out_bits, uint16_t **out)
{
	uint32_t n = 1u << addr_bits;
	uint16_t *t;
	int *seen;

	if (!nm->has_case)
		return ng_fail(NLUT_ERROR_MALFORMED, "%s:%d: module %s has no case table", nm->file,
			       nm->line, nm->name);
	struct wire *m0 = io_port(nm, 0), *m1 = io_port(nm, 1);

	if (!m0 || !m1)
		return ng_fail(NLUT_ERROR_MALFORMED, "%s:%d: module %s has not one input and one "
			       "output port", nm->file, nm->line, nm->name);
	if ((uint32_t)width(m0) != addr_bits || (nm->key_w >= 0 && (uint32_t)nm->key_w != addr_bits))
		return ng_fail(NLUT_ERROR_INCONSISTENT,
			       "%s:%d: %s: table keys are %d bits, M0 %d bits, its inputs %u bits "
			       "(width mismatch)", nm->file, nm->case_line, nm->name, nm->key_w,
			       width(m0), addr_bits);
	if ((uint32_t)width(m1) != out_bits || (nm->val_w >= 0 && (uint32_t)nm->val_w != out_bits))
		return ng_fail(NLUT_ERROR_INCONSISTENT,
			       "%s:%d: %s: values are %d bits, M1 %d bits, its output slice %u bits "
			       "(width mismatch)", nm->file, nm->case_line, nm->name, nm->val_w,
			       width(m1), out_bits);
	if (addr_bits > NLUT_MAX_TABLE_BITS)
		return ng_fail(NLUT_ERROR_TOO_LARGE, "%s:%d: %s: %u-bit table", nm->file, nm->line,
			       nm->name, addr_bits);
	t = calloc(n, sizeof(*t));
	seen = calloc(n, sizeof(*seen));
	if (!t || !seen) {
		free(t);
		free(seen);
		return ng_fail(NLUT_ERROR_NO_MEM, "out of memory");
	}
	for (uint32_t i = 0; i < nm->n_entries; i++) {
		const struct entry *e = &nm->entries[i];

		if (seen[e->key]) {
			int l0 = seen[e->key];

			free(t);
			free(seen);
			return ng_fail(NLUT_ERROR_INCONSISTENT, "%s:%d: %s: duplicate key %u (first at line %d)",
				       nm->file, e->line, nm->name, e->key, l0);
		}
		seen[e->key] = e->line;
		t[e->key] = (uint16_t)e->val;
	}
	for (uint32_t k = 0; k < n; k++)
		if (!seen[k]) {
			if (nm->has_default) {
				t[k] = (uint16_t)nm->default_val;
				continue;
			}
			free(t);
			free(seen);
			return ng_fail(NLUT_ERROR_INCONSISTENT,
				       "%s:%d: %s: missing key %u of %u (no default line)", nm->file,
				       nm->case_line, nm->name, k, n);
		}
	free(seen);
	*out = t;
	return 0;
}

/* The connection of instance in to port `port` of its module. */
static struct expr *conn_to(struct inst *in, const struct wire *port)
{
	return port ? conn_of(in, port->name) : NULL;
}

/* Is e the whole signal `sig` (no select)? */
static int is_whole(const struct expr *e, const char *sig)
{
	return e && e->n_terms == 1 && e->terms[0].n == 1 && e->terms[0].b[0].sig &&
	       e->terms[0].b[0].bit < 0 && (!sig || !strcmp(e->terms[0].b[0].sig, sig));
}

static unsigned gcd_u(unsigned a, unsigned b)
{
	while (b) {
		unsigned t = a % b;

		a = b;
		b = t;
	}
	return a;
}

struct nr {
	struct inst *in;
	uint32_t lo, w;
};

static int build_layer(struct db *db, nlut_model *m, uint32_t l, struct vmod *Lm,
		       struct layer_in *li, struct layer_in *lo_out);

static int infer_widths(struct db *db, struct vmod *L0, const char *in_sig, uint32_t in_w,
			uint32_t *fw)
{
	unsigned g = in_w;

	for (uint32_t i = 0; i < L0->n_insts; i++) {
		struct inst *in = &L0->insts[i];
		struct vmod *nm = find_mod(db, in->type);
		struct expr *e = nm ? conn_to(in, io_port(nm, 0)) : NULL;
		struct bits b = { 0, 0, NULL };
		const char *why = "";

		if (!e || e->n_terms != 1)
			continue;
		if (resolve(&db->a, L0, &e->terms[0], 8, &b, &why))
			continue;
		for (uint32_t p = 0; p < b.n;) {
			uint32_t q = p + 1;

			if (!b.b[p].sig || strcmp(b.b[p].sig, in_sig)) {
				p++;
				continue;
			}
			while (q < b.n && b.b[q].sig && !strcmp(b.b[q].sig, in_sig) &&
			       b.b[q].bit == b.b[q - 1].bit + 1)
				q++;
			g = gcd_u(g, (unsigned)b.b[p].bit);
			g = gcd_u(g, q - p);
			p = q;
		}
	}
	while (g > NLUT_MAX_CODE_BITS) {
		unsigned d = 2;

		while (g % d)
			d++;
		g /= d;
	}
	*fw = g ? g : 1;
	return 0;
}

int nlut_import_skips(const char *name)
{
	static const char *const netlists[] = { "_post_synth.v", "_post_opt.v", "_post_place.v",
						"_post_route.v", "_funcsim.v", "_timesim.v" };
	size_t n = strlen(name);

	for (size_t i = 0; i < sizeof(netlists) / sizeof(netlists[0]); i++) {
		size_t k = strlen(netlists[i]);

		if (n > k && !strcmp(name + n - k, netlists[i]))
			return 1;
	}
	return 0;
}

/* The declaration (port or wire) of signal name in m, or NULL. */
static struct wire *sig_decl(struct vmod *m, const char *name)
{
	struct wire *w = find_wire(m, name);

	if (!w)
		w = find_port(m, name, 0);
	if (!w)
		w = find_port(m, name, 1);
	return w;
}

/* The port of `in` connected to the whole signal sig. */
static const char *conn_port_name(struct inst *in, const char *sig)
{
	for (uint32_t c = 0; c < in->n; c++)
		if (is_whole(in->c[c].e, sig))
			return in->c[c].port;
	return "";
}

/* File names in byte order (qsort over char *). */
static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Is module m instantiated by any module? */
static int instantiated(struct db *db, const struct vmod *m)
{
	for (uint32_t i = 0; i < db->n_mods; i++)
		for (uint32_t k = 0; k < db->mods[i]->n_insts; k++)
			if (!strcmp(db->mods[i]->insts[k].type, m->name))
				return 1;
	return 0;
}

/* Does m have a clock input (a top or a register)? */
static int has_clock(const struct vmod *m)
{
	for (uint32_t i = 0; i < m->n_ports; i++)
		if (!m->ports[i].out && (!strcmp(m->ports[i].name, "clk") ||
					 !strcmp(m->ports[i].name, "clock")))
			return 1;
	return 0;
}

/*
 * The top: `name` (which must exist), else `logicnet`, else the one module
 * with a clock, one data input and one output that nothing instantiates and
 * that instantiates modules. An
 * ensemble writes one such top per member (logicnet_0, logicnet_1, ...) with
 * nothing stating how their outputs combine: the user picks one member.
 * *top = NULL: no top at all (a folder of layer modules).
 */
static int pick_top(struct db *db, const char *name, const char *dir, struct vmod **top)
{
	char list[256] = "";
	size_t used = 0;
	unsigned n = 0;

	*top = NULL;
	if (name) {
		if (!(*top = find_mod(db, name)))
			return ng_fail(NLUT_ERROR_NOT_FOUND, "--top %s: no module %s in %s", name, name,
				       dir);
		return 0;
	}
	if ((*top = find_mod(db, "logicnet")))
		return 0;
	for (uint32_t i = 0; i < db->n_mods; i++) {
		struct vmod *m = db->mods[i];

		/* A LogicNets-style top: a clock, one data input, one output
		 * (an nlut_core has valid and enable ports too: not one). */
		if (!m->n_insts || !has_clock(m) || !io_port(m, 0) || !io_port(m, 1) ||
		    instantiated(db, m))
			continue;
		if (!n++)
			*top = m;
		if (used < sizeof(list) - 1)
			used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s",
						 n > 1 ? ", " : "", m->name);
	}
	if (n > 1) {
		*top = NULL;
		return ng_fail(NLUT_ERROR_UNSUPPORTED,
			       "%s: %u top modules (%s): an ensemble's members? nothing in the "
			       "Verilog states how they combine, so import one member with --top NAME",
			       dir, n, list);
	}
	return 0;
}

/*
 * Follow the top from its data input to its output: registers (modules
 * without instances and without a table: myreg) and aliases (`wire W = X;`,
 * `assign W = X;`) pass the signal on, layer modules (modules with
 * instances) are the layers, in that order. Every instance of the top must
 * be on that path.
 */
static int walk_top(struct db *db, struct vmod *tm, struct vmod **layers, uint32_t *L)
{
	struct wire *tin = io_port(tm, 0), *tout = io_port(tm, 1);
	uint8_t *used;
	const char *cur;
	uint32_t n = 0, steps = 0;
	int ret = 0;

	if (!tin || !tout)
		return ng_fail(NLUT_ERROR_MALFORMED, "%s:%d: top %s has not one data input and one "
			       "output port", tm->file, tm->line, tm->name);
	used = calloc(tm->n_insts + 1, 1);
	if (!used)
		return ng_fail(NLUT_ERROR_NO_MEM, "out of memory");
	for (uint32_t i = 0; i < tm->n_insts && !ret; i++)
		if (!find_mod(db, tm->insts[i].type))
			ret = ng_fail(NLUT_ERROR_NOT_FOUND, "%s:%d: instance %s of missing module %s",
				      tm->file, tm->insts[i].line, tm->insts[i].name, tm->insts[i].type);
	for (cur = tin->name; !ret && strcmp(cur, tout->name); steps++) {
		struct inst *in = NULL;
		struct vmod *im = NULL;
		uint32_t k = 0;

		if (steps > tm->n_insts + tm->n_wires) {
			ret = ng_fail(NLUT_ERROR_MALFORMED, "%s:%d: %s: the path from %s loops",
				      tm->file, tm->line, tm->name, tin->name);
			break;
		}
		for (uint32_t i = 0; i < tm->n_insts; i++) {
			struct vmod *m = find_mod(db, tm->insts[i].type);

			for (uint32_t c = 0; c < tm->insts[i].n; c++) {
				struct wire *p;

				if (!is_whole(tm->insts[i].c[c].e, cur) ||
				    !(p = find_port(m, tm->insts[i].c[c].port, 0)) || is_control(p->name))
					continue;
				if (in && in != &tm->insts[i]) {
					ret = ng_fail(NLUT_ERROR_UNSUPPORTED,
						      "%s:%d: %s feeds both %s and %s: not a chain of "
						      "layers", tm->file, tm->insts[i].line, cur, in->name,
						      tm->insts[i].name);
					goto out;
				}
				in = &tm->insts[i];
				im = m;
				k = i;
			}
		}
		if (!in) {
			/* wire W = cur; or assign W = cur; */
			const char *next_sig = NULL;

			for (uint32_t i = 0; i < tm->n_wires && !next_sig; i++)
				if (tm->wires[i].init && is_whole(tm->wires[i].init, cur))
					next_sig = tm->wires[i].name;
			if (!next_sig) {
				ret = ng_fail(NLUT_ERROR_MALFORMED, "%s:%d: %s: nothing reads %s, so the path "
					      "from %s does not reach the output %s", tm->file, tm->line,
					      tm->name, cur, tin->name, tout->name);
				break;
			}
			cur = next_sig;
			continue;
		}
		if (used[k]) {
			ret = ng_fail(NLUT_ERROR_MALFORMED, "%s:%d: %s: the path from %s loops",
				      tm->file, in->line, tm->name, tin->name);
			break;
		}
		used[k] = 1;
		if (im->has_case) {
			ret = ng_fail(NLUT_ERROR_UNSUPPORTED, "%s:%d: %s: a table (%s) in the top, not in "
				      "a layer module", tm->file, in->line, tm->name, im->name);
			break;
		}
		struct expr *oe = conn_to(in, io_port(im, 1));
		struct wire *ip = find_port(im, conn_port_name(in, cur), 0);
		struct wire *cw = sig_decl(tm, cur);

		if (ip && cw && width(ip) > 0 && width(ip) != width(cw)) {
			ret = ng_fail(NLUT_ERROR_INCONSISTENT, "%s:%d: %s: %s is %d bits, input %s of %s "
				      "%d bits (width mismatch)", tm->file, in->line, tm->name, cur,
				      width(cw), ip->name, im->name, width(ip));
			break;
		}
		if (oe && is_whole(oe, NULL) && (cw = sig_decl(tm, oe->terms[0].b[0].sig)) &&
		    width(io_port(im, 1)) > 0 && width(io_port(im, 1)) != width(cw)) {
			ret = ng_fail(NLUT_ERROR_INCONSISTENT, "%s:%d: %s: %s is %d bits, output %s of %s "
				      "%d bits (width mismatch)", tm->file, in->line, tm->name,
				      cw->name, width(cw), io_port(im, 1)->name, im->name,
				      width(io_port(im, 1)));
			break;
		}
		if (!oe || !is_whole(oe, NULL)) {
			ret = ng_fail(NLUT_ERROR_MALFORMED, "%s:%d: %s: the output of %s must connect to a "
				      "whole wire", tm->file, in->line, tm->name, in->name);
			break;
		}
		if (im->n_insts) {
			if (n == NLUT_MAX_LAYERS) {
				ret = ng_fail(NLUT_ERROR_TOO_LARGE, "%s: more than %u layers", tm->name,
					      NLUT_MAX_LAYERS);
				break;
			}
			layers[n++] = im;
		}
		cur = oe->terms[0].b[0].sig;
	}
	for (uint32_t i = 0; i < tm->n_insts && !ret; i++)
		if (!used[i])
			ret = ng_fail(NLUT_ERROR_UNSUPPORTED, "%s:%d: %s: instance %s is not on the path "
				      "from %s to %s", tm->file, tm->insts[i].line, tm->name,
				      tm->insts[i].name, tin->name, tout->name);
	if (!ret && !n)
		ret = ng_fail(NLUT_ERROR_MALFORMED, "%s:%d: %s instantiates no layer module",
			      tm->file, tm->line, tm->name);
out:
	free(used);
	*L = n;
	return ret;
}

int nlut_import_dir(const char *dir, const struct nlut_import_opts *o, nlut_model **out)
{
	struct db db;
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t n_names = 0, cap_names = 0;
	int ret = 0;
	nlut_model *m = NULL;
	struct nlut_quant *q = NULL;

	ng_clear_error();
	if (!dir || !out)
		return ng_fail(NLUT_ERROR_INVALID_PARAM, "no directory or output");
	*out = NULL;
	memset(&db, 0, sizeof(db));
	if (!(d = opendir(dir)))
		return ng_fail(NLUT_ERROR_IO, "%s: cannot open directory: %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);

		if (n < 3 || strcmp(de->d_name + n - 2, ".v") || nlut_import_skips(de->d_name))
			continue;
		if (n_names == cap_names) {
			size_t nc = cap_names ? cap_names * 2 : 64;
			char **nn = realloc(names, nc * sizeof(*nn));

			if (!nn) {
				ret = ng_fail(NLUT_ERROR_NO_MEM, "out of memory");
				break;
			}
			names = nn;
			cap_names = nc;
		}
		if (!(names[n_names] = strdup(de->d_name))) {
			ret = ng_fail(NLUT_ERROR_NO_MEM, "out of memory");
			break;
		}
		n_names++;
	}
	closedir(d);
	qsort(names, n_names, sizeof(*names), cmp_name);
	/* A file that does not parse (a testbench, other RTL) matters only if
	 * a module the model needs is then missing. */
	char perr_detail[512] = "";
	int perr_code = 0;

	for (size_t i = 0; i < n_names && !ret; i++) {
		char path[4096];
		int rc;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		rc = parse_file(&db, path, path);
		if (rc == NLUT_ERROR_MALFORMED) {
			if (!perr_code) {
				perr_code = rc;
				snprintf(perr_detail, sizeof(perr_detail), "%s", nlut_gen_error_detail());
			}
		} else {
			ret = rc;
		}
	}
	for (size_t i = 0; i < n_names; i++)
		free(names[i]);
	free(names);
	if (ret)
		goto out;

	/* The layers are the layer modules on the top's path from its data
	 * input to its output, in the order it wires them. LogicNets never
	 * cleans its folder, so a layer<k>.v of an earlier, deeper run may sit
	 * there unused: it is not part of this network. */
	uint32_t L = 0;
	struct vmod *layers[NLUT_MAX_LAYERS], *tm = NULL;

	if ((ret = pick_top(&db, o ? o->top : NULL, dir, &tm)))
		goto out;
	if (tm) {
		if ((ret = walk_top(&db, tm, layers, &L)))
			goto out;
	} else {
		/* No top at all: the layers by name, layer0 upwards. */
		while (L < NLUT_MAX_LAYERS) {
			char nm[32];

			snprintf(nm, sizeof(nm), "layer%u", L);
			if (!(layers[L] = find_mod(&db, nm)))
				break;
			L++;
		}
	}
	if (!L) {
		ret = ng_fail(NLUT_ERROR_NOT_FOUND, "%s: no top module and no module layer0 (missing "
			      "module)", dir);
		goto out;
	}
	struct vmod *L0 = layers[0];
	struct wire *m0 = io_port(L0, 0);

	if (!m0 || !io_port(L0, 1)) {
		ret = ng_fail(NLUT_ERROR_MALFORMED, "%s:%d: layer module %s has not one input and one "
			      "output port", L0->file, L0->line, L0->name);
		goto out;
	}
	if (width(m0) < 1) {
		/* [0:5] or [N-1:0]: nlut reads [msb:lsb] with numbers. */
		ret = ng_fail(NLUT_ERROR_MALFORMED,
			      "%s:%d: layer0 input M0 has no width nlut can read (an ascending or parameterised range)",
			      L0->file, L0->line);
		goto out;
	}
	uint32_t in_w = (uint32_t)width(m0), n_in;

	if (o && o->quant_from) {
		const nlut_model *ref = o->quant_from;
		uint32_t w = 0;

		n_in = nlut_model_num_inputs(ref);
		for (uint32_t i = 0; i < n_in; i++)
			w += nlut_model_quant(ref)[i].bits;
		if (w != in_w) {
			ret = ng_fail(NLUT_ERROR_INCONSISTENT,
				      "%s:%d: %s input %s is %u bits, the reference model's "
				      "features %u bits (width mismatch)", L0->file, L0->line, L0->name,
				      m0->name, in_w, w);
			goto out;
		}
		q = malloc(n_in * sizeof(*q));
		if (q)
			memcpy(q, nlut_model_quant(ref), n_in * sizeof(*q));
	} else {
		uint32_t fw;

		infer_widths(&db, L0, m0->name, in_w, &fw);
		n_in = in_w / fw;
		q = malloc(n_in * sizeof(*q));
		for (uint32_t i = 0; q && i < n_in; i++) {
			q[i].bits = (uint8_t)fw;
			q[i].offset = 0.0f;
			q[i].scale = 1.0f;
		}
	}
	if (!q) {
		ret = ng_fail(NLUT_ERROR_NO_MEM, "out of memory");
		goto out;
	}
	if ((ret = nlut_model_new(n_in, q, &m))) {
		ret = ng_pass(ret, "model");
		goto out;
	}
	struct layer_in li, lo;

	li.n = n_in;
	li.off = malloc((n_in + 1) * sizeof(*li.off));
	if (!li.off) {
		ret = ng_fail(NLUT_ERROR_NO_MEM, "out of memory");
		goto out;
	}
	li.off[0] = 0;
	for (uint32_t i = 0; i < n_in; i++)
		li.off[i + 1] = li.off[i] + q[i].bits;
	for (uint32_t l = 0; l < L && !ret; l++) {
		ret = build_layer(&db, m, l, layers[l], &li, &lo);
		free(li.off);
		li = lo;
		if (ret) {
			free(lo.off);
			li.off = NULL;
		}
	}
	free(li.off);
	/* PolyLUT-Add: layer<k> then adder<k>, as nlut adder neurons where the
	 * adder tables are functions of the sum. */
	uint8_t adder_layer[NLUT_MAX_LAYERS] = { 0 };

	for (uint32_t l = 0; l < L; l++)
		adder_layer[l] = !strncmp(layers[l]->name, "adder", 5) &&
				 isdigit((unsigned char)layers[l]->name[5]);
	if (!ret)
		ret = ng_import_fold_adders(&m, adder_layer);
	if (!ret && o && o->threshold_set &&
	    (ret = nlut_model_set_threshold(m, o->threshold_signed, o->threshold)))
		ret = ng_pass(ret, "--threshold");
	if (!ret && (ret = nlut_model_validate(m)))
		ret = ng_pass(ret, "imported model");
out:
	free(q);
	a_free(&db.a);
	if (ret == NLUT_ERROR_NOT_FOUND && perr_code) {
		char why[1024];

		snprintf(why, sizeof(why), "%s", nlut_gen_error_detail());
		ret = ng_fail(perr_code, "%s (so: %s)", perr_detail, why);
	}
	if (ret) {
		nlut_model_free(m);
		return ret;
	}
	*out = m;
	return 0;
}

static int build_neuron(struct db *db, nlut_model *m, uint32_t l, uint32_t j, struct vmod *Lm,
			struct inst *in, uint32_t out_bits, const struct layer_in *li)
{
	char what[160], nm[64];
	struct vmod *nmod = find_mod(db, in->type);
	struct expr *e = conn_to(in, io_port(nmod, 0));
	uint32_t src[NLUT_MAX_FAN_IN], n_src;
	uint8_t srcw[NLUT_MAX_FAN_IN];
	const char *why = "";
	int ret;

	snprintf(what, sizeof(what), "%s:%d: %s", Lm->file, in->line, in->type);
	if (!e)
		return ng_fail(NLUT_ERROR_MALFORMED, "%s: its input port is not connected (or the "
			       "module has not one input and one output)", what);
	/* An adder neuron's M0 is a wire holding a sum. */
	struct wire *sw = e->n_terms == 1 && e->terms[0].n == 1 && e->terms[0].b[0].bit < 0
				  ? find_wire(Lm, e->terms[0].b[0].sig) : NULL;

	if (!sw || !sw->init || sw->init->n_terms == 1) {
		struct bits b = { 0, 0, NULL };
		uint16_t *t;

		if (e->n_terms != 1)
			return ng_fail(NLUT_ERROR_UNSUPPORTED, "%s: arithmetic on the inputs", what);
		int rc = resolve(&db->a, Lm, &e->terms[0], 16, &b, &why);

		if (rc == -3)
			return ng_fail(NLUT_ERROR_INCONSISTENT, "%s: the value of wire %s has another "
				       "width than its declaration (width mismatch)", what, why);
		if (rc == -4)
			return ng_fail(NLUT_ERROR_NO_MEM, "out of memory");
		if (rc)
			return ng_fail(NLUT_ERROR_INCONSISTENT, "%s: %s %s", what,
				       rc == -1 ? "undeclared signal" : "bit select out of range", why);
		if ((ret = group_sources(&b, li, src, srcw, &n_src, what)))
			return ret;
		if ((ret = case_table(nmod, b.n, out_bits, &t)))
			return ret;
		ret = nlut_model_set_neuron(m, l, j, n_src, src, (uint8_t)out_bits, t);
		free(t);
		return ret ? ng_pass(ret, what) : 0;
	}
	/* Adder: sum of sub-table outputs, each sign-extended. */
	uint32_t n_sub = sw->init->n_terms, sub_n[NLUT_MAX_SUBTABLES];
	uint32_t sub_in[NLUT_MAX_FAN_IN * NLUT_MAX_SUBTABLES], np = 0, sub_bits = 0;
	uint16_t *tabs[NLUT_MAX_SUBTABLES] = { 0 }, *outt = NULL;
	const char *fan_wire = NULL;
	uint32_t foff[NLUT_MAX_FAN_IN + 1];

	if (n_sub > NLUT_MAX_SUBTABLES)
		return ng_fail(NLUT_ERROR_TOO_LARGE, "%s: more than %u sub-tables", what,
			       NLUT_MAX_SUBTABLES);
	ret = 0;
	for (uint32_t s = 0; s < n_sub && !ret; s++) {
		const struct bits *t = &sw->init->terms[s];
		const char *x = t->n ? t->b[0].sig : NULL;
		struct inst *sub = NULL;
		struct wire *xw = x ? find_wire(Lm, x) : NULL;
		uint32_t sb = 0;

		/* term = {{e{X[msb]}}, X}: X whole, then copies of its MSB */
		struct bits tb = { 0, 0, NULL };

		if (!xw || resolve(&db->a, Lm, t, 0, &tb, &why)) {
			ret = ng_fail(NLUT_ERROR_MALFORMED, "%s: sum term %u is not a wire", what, s);
			break;
		}
		sb = (uint32_t)width(xw);
		for (uint32_t i = 0; i < tb.n && !ret; i++) {
			int32_t want = xw->lsb + (int32_t)(i < sb ? i : sb - 1);

			if (!tb.b[i].sig || strcmp(tb.b[i].sig, x) || tb.b[i].bit != want || tb.n < sb)
				ret = ng_fail(NLUT_ERROR_UNSUPPORTED,
					      "%s: sum term %u is not a sign-extended sub-table output",
					      what, s);
		}
		if (ret)
			break;
		if (!sub_bits)
			sub_bits = sb;
		else if (sb != sub_bits)
			ret = ng_fail(NLUT_ERROR_INCONSISTENT, "%s: sub-table widths differ (width mismatch)",
				      what);
		for (uint32_t i = 0; i < Lm->n_insts && !sub; i++) {
			struct vmod *im = find_mod(db, Lm->insts[i].type);
			struct expr *oe = im ? conn_to(&Lm->insts[i], io_port(im, 1)) : NULL;

			if (oe && oe->n_terms == 1 && oe->terms[0].n == 1 &&
			    !strcmp(oe->terms[0].b[0].sig, x))
				sub = &Lm->insts[i];
		}
		if (!sub) {
			ret = ng_fail(NLUT_ERROR_MALFORMED, "%s: no sub-table drives %s", what, x);
			break;
		}
		struct vmod *smod = find_mod(db, sub->type);

		if (!smod) {
			ret = ng_fail(NLUT_ERROR_NOT_FOUND, "%s:%d: instance %s of missing module %s",
				      Lm->file, sub->line, sub->name, sub->type);
			break;
		}
		/* Sub inputs: slices of the neuron's fan-in wire. */
		struct expr *se = conn_to(sub, io_port(smod, 0));
		struct bits sbits = { 0, 0, NULL };

		if (!se || se->n_terms != 1 || resolve(&db->a, Lm, &se->terms[0], 1, &sbits, &why)) {
			ret = ng_fail(NLUT_ERROR_MALFORMED, "%s: bad sub-table input", what);
			break;
		}
		if (!fan_wire) {
			struct wire *fw;
			struct bits fb = { 0, 0, NULL };

			fan_wire = sbits.n ? sbits.b[0].sig : NULL;
			fw = fan_wire ? find_wire(Lm, fan_wire) : NULL;
			if (!fw || !fw->init || fw->init->n_terms != 1 ||
			    resolve(&db->a, Lm, &fw->init->terms[0], 16, &fb, &why)) {
				ret = ng_fail(NLUT_ERROR_MALFORMED, "%s: no fan-in wire", what);
				break;
			}
			if ((ret = group_sources(&fb, li, src, srcw, &n_src, what)))
				break;
			foff[0] = 0;
			for (uint32_t k = 0; k < n_src; k++)
				foff[k + 1] = foff[k] + srcw[k];
		}
		uint32_t p = 0, k0 = np;

		while (p < sbits.n && !ret) {
			uint32_t x0 = (uint32_t)sbits.b[p].bit, k = 0;

			if (!sbits.b[p].sig || strcmp(sbits.b[p].sig, fan_wire)) {
				ret = ng_fail(NLUT_ERROR_UNSUPPORTED, "%s: sub-tables read different wires",
					      what);
				break;
			}
			while (k < n_src && foff[k] != x0)
				k++;
			if (k == n_src || p + srcw[k] > sbits.n) {
				ret = ng_fail(NLUT_ERROR_INCONSISTENT,
					      "%s: sub-table input is not a whole fan-in input (width mismatch)",
					      what);
				break;
			}
			for (uint32_t i = 1; i < srcw[k]; i++)
				if ((uint32_t)sbits.b[p + i].bit != x0 + i)
					ret = ng_fail(NLUT_ERROR_INCONSISTENT,
						      "%s: sub-table input is not a whole fan-in input "
						      "(width mismatch)", what);
			if (np == NLUT_MAX_FAN_IN * NLUT_MAX_SUBTABLES)
				ret = ng_fail(NLUT_ERROR_TOO_LARGE, "%s: too many sub-table inputs", what);
			if (ret)
				break;
			sub_in[np++] = k;
			p += srcw[k];
		}
		sub_n[s] = np - k0;
		if (!ret)
			ret = case_table(smod, sbits.n, sub_bits, &tabs[s]);
	}
	if (!ret) {
		snprintf(nm, sizeof(nm), "%s", in->type);
		ret = case_table(nmod, (uint32_t)width(sw), out_bits, &outt);
	}
	if (!ret) {
		ret = nlut_model_set_neuron_adder(m, l, j, n_src, src, (uint8_t)out_bits,
						  (uint8_t)sub_bits, n_sub, sub_n, sub_in,
						  (const uint16_t *const *)tabs, outt);
		if (ret)
			ret = ng_pass(ret, what);
	}
	for (uint32_t s = 0; s < n_sub; s++)
		free(tabs[s]);
	free(outt);
	return ret;
}

static int cmp_nr(const void *a, const void *b)
{
	const struct nr *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/*
 * Layer l from layer module Lm: its neurons are the instances driving slices
 * of its output port, in the order of those slices (neuron names do not
 * matter: layer<k>_N<j>, ens<e>_layer<k>_N<j>, PolyLUT-Add's layer<k>_N<j>_E<a>
 * and adder<k>_N<j>); instances driving inner wires are adder sub-tables.
 */
static int build_layer(struct db *db, nlut_model *m, uint32_t l, struct vmod *Lm,
		       struct layer_in *li, struct layer_in *lo_out)
{
	const char *nm = Lm->name;
	struct wire *m0, *m1;
	struct nr *nr = NULL;
	uint32_t n = 0;
	int ret = 0;

	lo_out->off = NULL;
	m0 = io_port(Lm, 0);
	m1 = io_port(Lm, 1);
	if (!m0 || !m1)
		return ng_fail(NLUT_ERROR_MALFORMED, "%s:%d: layer module %s has not one input and "
			       "one output port", Lm->file, Lm->line, nm);
	if ((uint32_t)width(m0) != li->off[li->n])
		return ng_fail(NLUT_ERROR_INCONSISTENT,
			       "%s:%d: %s input %s is %d bits, the previous layer gives %u (width "
			       "mismatch)", Lm->file, Lm->line, nm, m0->name, width(m0), li->off[li->n]);
	li->sig = m0->name;
	nr = calloc(Lm->n_insts + 1, sizeof(*nr));
	if (!nr)
		return ng_fail(NLUT_ERROR_NO_MEM, "out of memory");
	for (uint32_t i = 0; i < Lm->n_insts; i++) {
		struct inst *in = &Lm->insts[i];
		struct vmod *im = find_mod(db, in->type);

		if (!im) {
			ret = ng_fail(NLUT_ERROR_NOT_FOUND, "%s:%d: instance %s of missing module %s",
				      Lm->file, in->line, in->name, in->type);
			goto out;
		}
		struct wire *ip = io_port(im, 0), *op = io_port(im, 1);
		struct expr *oe = conn_to(in, op);

		if (!ip || !op || !oe) {
			ret = ng_fail(NLUT_ERROR_MALFORMED, "%s:%d: %s: module %s has not one input and "
				      "one output port, both connected", Lm->file, in->line, in->name,
				      in->type);
			goto out;
		}
		/* Not a slice of the output: an adder sub-table (checked by its
		 * neuron). */
		if (oe->n_terms != 1 || !oe->terms[0].n || !oe->terms[0].b[0].sig ||
		    strcmp(oe->terms[0].b[0].sig, m1->name))
			continue;
		const struct bits *ob = &oe->terms[0];
		uint32_t lo = ob->b[0].bit < 0 ? (uint32_t)m1->lsb : (uint32_t)ob->b[0].bit;
		uint32_t w = ob->b[0].bit < 0 ? (uint32_t)width(m1) : ob->n;

		for (uint32_t k = 1; k < ob->n; k++)
			if (ob->b[k].bit != ob->b[k - 1].bit + 1 || !ob->b[k].sig ||
			    strcmp(ob->b[k].sig, m1->name)) {
				ret = ng_fail(NLUT_ERROR_MALFORMED, "%s:%d: %s: its output must connect "
					      "to one slice of %s", Lm->file, in->line, in->name,
					      m1->name);
				goto out;
			}
		nr[n].in = in;
		nr[n].lo = lo;
		nr[n].w = w;
		n++;
	}
	if (!n) {
		ret = ng_fail(NLUT_ERROR_MALFORMED, "%s:%d: %s has no neuron instances", Lm->file,
			      Lm->line, nm);
		goto out;
	}
	if (n > NLUT_MAX_NEURONS) {
		ret = ng_fail(NLUT_ERROR_TOO_LARGE, "%s:%d: %s: %u neurons", Lm->file, Lm->line, nm, n);
		goto out;
	}
	/* Neurons in the order of their output slices, back to back. */
	qsort(nr, n, sizeof(*nr), cmp_nr);
	for (uint32_t j = 0, off = (uint32_t)m1->lsb; j < n; off += nr[j].w, j++)
		if (nr[j].lo != off) {
			ret = ng_fail(NLUT_ERROR_INCONSISTENT, "%s:%d: %s drives %s[%u] onwards, "
				      "expected %s[%u] (neuron outputs overlap or leave a gap)", Lm->file,
				      nr[j].in->line, nr[j].in->name, m1->name, nr[j].lo, m1->name, off);
			goto out;
		}
	if (nlut_model_add_layer(m, n) < 0) {
		ret = ng_pass(NLUT_ERROR_INVALID_PARAM, nm);
		goto out;
	}
	for (uint32_t j = 0; j < n && !ret; j++)
		ret = build_neuron(db, m, l, j, Lm, nr[j].in, nr[j].w, li);
	if (ret)
		goto out;
	lo_out->n = n;
	lo_out->off = malloc((n + 1) * sizeof(*lo_out->off));
	if (!lo_out->off) {
		ret = ng_fail(NLUT_ERROR_NO_MEM, "out of memory");
		goto out;
	}
	lo_out->off[0] = 0;
	for (uint32_t j = 0; j < n; j++)
		lo_out->off[j + 1] = lo_out->off[j] + nr[j].w;
	if (lo_out->off[n] != (uint32_t)width(m1))
		ret = ng_fail(NLUT_ERROR_INCONSISTENT, "%s:%d: %s output %s is %d bits, its neurons "
			      "drive %u (width mismatch)", Lm->file, Lm->line, nm, m1->name, width(m1),
			      lo_out->off[n]);
out:
	free(nr);
	return ret;
}
