/* regmap.c - the register map generator: one spec (rtl/shell/nlut_regs.def)
 * becomes the Verilog include, the C header and the documentation table.
 * Usage: nlut-regmap SPEC VH_OUT H_OUT MD_OUT */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ITEMS 256
#define MAX_FIELDS 32

struct field {
	char name[32], access[8], desc[160];
	unsigned lsb, width;
};

struct reg {
	char name[32], access[8], desc[160];
	unsigned offset, count;
	unsigned n_fields;
	struct field fields[MAX_FIELDS];
};

struct cnst {
	char name[32], desc[160];
	unsigned long value;
};

struct spec {
	char prefix[16], title[160];
	unsigned major, minor;
	unsigned n_regs, n_consts;
	struct reg regs[MAX_ITEMS];
	struct cnst consts[MAX_ITEMS];
};

static const char *spec_path;
static unsigned line_no;

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "nlut-regmap: %s:%u: ", spec_path, line_no);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* Next whitespace-separated token, or a "quoted string". */
static char *token(char **p, int quoted)
{
	char *s = *p, *t;

	while (isspace((unsigned char)*s))
		s++;
	if (!*s)
		return NULL;
	if (quoted) {
		if (*s != '"')
			die("expected a \"description\"");
		t = strchr(s + 1, '"');
		if (!t)
			die("unterminated description");
		*t = '\0';
		*p = t + 1;
		return s + 1;
	}
	t = s;
	while (*t && !isspace((unsigned char)*t))
		t++;
	if (*t)
		*t++ = '\0';
	*p = t;
	return s;
}

static unsigned long number(const char *s, const char *what)
{
	char *end;
	unsigned long v;

	if (!s)
		die("missing %s", what);
	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || !isdigit((unsigned char)*s))
		die("%s '%s' is not a number", what, s);
	return v;
}

static void name_ok(const char *s)
{
	if (!s || !*s || strlen(s) >= 32)
		die("missing or too long name");
	for (const char *c = s; *c; c++)
		if (!isupper((unsigned char)*c) && !isdigit((unsigned char)*c) && *c != '_')
			die("name '%s' must be UPPER_CASE", s);
}

static void access_ok(const char *a, int field)
{
	static const char *ok[] = { "ro", "rw", "wo", "w1c", "ws" };

	for (size_t i = 0; a && i < 5; i++)
		if (!strcmp(a, ok[i]) && (field || strcmp(a, "ws")))
			return;
	die("bad access '%s'", a ? a : "");
}

static void copy(char *dst, size_t n, const char *src)
{
	if (strlen(src) >= n)
		die("'%.20s...' is too long", src);
	strcpy(dst, src);
}

static void parse(FILE *f, struct spec *s)
{
	char line[512];
	struct reg *cur = NULL;

	memset(s, 0, sizeof(*s));
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *kw, *q;

		line_no++;
		/* A '#' outside a quoted description starts a comment. */
		for (q = line; *q && *q != '"'; q++)
			if (*q == '#') {
				*q = '\0';
				break;
			}
		if (!(kw = token(&p, 0)))
			continue;
		if (!strcmp(kw, "map")) {
			char *pre = token(&p, 0);

			name_ok(pre);
			copy(s->prefix, sizeof(s->prefix), pre);
			s->major = (unsigned)number(token(&p, 0), "major version");
			s->minor = (unsigned)number(token(&p, 0), "minor version");
			copy(s->title, sizeof(s->title), token(&p, 1));
		} else if (!strcmp(kw, "const")) {
			struct cnst *c;
			char *n;

			if (s->n_consts >= MAX_ITEMS)
				die("too many constants");
			c = &s->consts[s->n_consts++];
			n = token(&p, 0);
			name_ok(n);
			copy(c->name, sizeof(c->name), n);
			c->value = number(token(&p, 0), "value");
			if (c->value > 0xFFFFFFFFul)
				die("constant %s does not fit 32 bits", c->name);
			copy(c->desc, sizeof(c->desc), token(&p, 1));
		} else if (!strcmp(kw, "reg")) {
			char *n, *br;

			if (s->n_regs >= MAX_ITEMS)
				die("too many registers");
			cur = &s->regs[s->n_regs++];
			cur->offset = (unsigned)number(token(&p, 0), "offset");
			n = token(&p, 0);
			if (n && (br = strchr(n, '['))) {
				*br = '\0';
				char *end = strchr(br + 1, ']');

				if (!end || end[1])
					die("bad array '%s['", n);
				*end = '\0';
				cur->count = (unsigned)number(br + 1, "count");
				if (cur->count < 2 || cur->count > 256)
					die("array count %u not in 2..256", cur->count);
			} else {
				cur->count = 1;
			}
			name_ok(n);
			copy(cur->name, sizeof(cur->name), n);
			n = token(&p, 0);
			access_ok(n, 0);
			copy(cur->access, sizeof(cur->access), n);
			copy(cur->desc, sizeof(cur->desc), token(&p, 1));
			if (cur->offset % 4)
				die("register %s at 0x%x is not 32-bit aligned", cur->name, cur->offset);
		} else if (!strcmp(kw, "field")) {
			struct field *fl;
			char *n;

			if (!cur)
				die("field before any register");
			if (cur->count > 1)
				die("register array %s cannot have fields", cur->name);
			if (cur->n_fields >= MAX_FIELDS)
				die("too many fields in %s", cur->name);
			fl = &cur->fields[cur->n_fields++];
			n = token(&p, 0);
			name_ok(n);
			copy(fl->name, sizeof(fl->name), n);
			fl->lsb = (unsigned)number(token(&p, 0), "lsb");
			fl->width = (unsigned)number(token(&p, 0), "width");
			n = token(&p, 0);
			access_ok(n, 1);
			copy(fl->access, sizeof(fl->access), n);
			copy(fl->desc, sizeof(fl->desc), token(&p, 1));
			if (fl->width < 1 || fl->lsb + fl->width > 32)
				die("field %s.%s bits %u+%u outside 31:0", cur->name, fl->name, fl->lsb,
				    fl->width);
		} else {
			die("unknown keyword '%s'", kw);
		}
		if (token(&p, 0))
			die("unexpected text after the description");
	}
	if (!s->prefix[0])
		die("no 'map' line");
}

/* Overlapping registers or fields, duplicate names. */
static void check(const struct spec *s)
{
	line_no = 0;
	for (unsigned i = 0; i < s->n_regs; i++) {
		const struct reg *a = &s->regs[i];

		for (unsigned j = 0; j < i; j++) {
			const struct reg *b = &s->regs[j];

			if (a->offset < b->offset + 4 * b->count && b->offset < a->offset + 4 * a->count)
				die("registers %s and %s overlap", a->name, b->name);
			if (!strcmp(a->name, b->name))
				die("register %s defined twice", a->name);
		}
		for (unsigned f = 0; f < a->n_fields; f++)
			for (unsigned g = 0; g < f; g++) {
				const struct field *x = &a->fields[f], *y = &a->fields[g];

				if (x->lsb < y->lsb + y->width && y->lsb < x->lsb + x->width)
					die("fields %s.%s and %s.%s overlap", a->name, x->name, a->name, y->name);
				if (!strcmp(x->name, y->name))
					die("field %s.%s defined twice", a->name, x->name);
			}
	}
	for (unsigned i = 0; i < s->n_consts; i++)
		for (unsigned j = 0; j < i; j++)
			if (!strcmp(s->consts[i].name, s->consts[j].name))
				die("constant %s defined twice", s->consts[i].name);
}

static unsigned addr_bits(const struct spec *s)
{
	unsigned end = 0, bits = 2;

	for (unsigned i = 0; i < s->n_regs; i++)
		if (s->regs[i].offset + 4 * s->regs[i].count > end)
			end = s->regs[i].offset + 4 * s->regs[i].count;
	while ((1u << bits) < end)
		bits++;
	return bits;
}

static const char banner[] = "Generated by gen/regmap from rtl/shell/nlut_regs.def: do not edit.";

static void emit_h(FILE *o, const struct spec *s)
{
	const char *P = s->prefix;

	fprintf(o, "/* nlut/regs.h - %s. %s */\n", s->title, banner);
	fprintf(o, "#ifndef %s_REGS_H\n#define %s_REGS_H\n\n", P, P);
	fprintf(o, "#define %s_MAP_VERSION_MAJOR %uu\n#define %s_MAP_VERSION_MINOR %uu\n", P, s->major,
		P, s->minor);
	fprintf(o, "#define %s_REG_ADDR_BITS %uu\n#define %s_REG_SPACE_SIZE 0x%xu\n\n", P,
		addr_bits(s), P, 1u << addr_bits(s));
	for (unsigned i = 0; i < s->n_consts; i++)
		fprintf(o, s->consts[i].value < 0x10000 ? "#define %s_%s %luu /* %s */\n"
							: "#define %s_%s 0x%lxu /* %s */\n",
			P, s->consts[i].name, s->consts[i].value, s->consts[i].desc);
	for (unsigned i = 0; i < s->n_regs; i++) {
		const struct reg *r = &s->regs[i];

		fprintf(o, "\n/* %s (%s): %s */\n", r->name, r->access, r->desc);
		if (r->count > 1) {
			fprintf(o, "#define %s_%s_REG_OFFSET(i) (0x%03xu + 4u * (unsigned)(i))\n", P,
				r->name, r->offset);
			fprintf(o, "#define %s_%s_COUNT %uu\n", P, r->name, r->count);
		} else {
			fprintf(o, "#define %s_%s_REG_OFFSET 0x%03xu\n", P, r->name, r->offset);
		}
		for (unsigned f = 0; f < r->n_fields; f++) {
			const struct field *fl = &r->fields[f];
			unsigned long mask = fl->width == 32 ? 0xFFFFFFFFul : (1ul << fl->width) - 1;

			if (fl->width == 1)
				fprintf(o, "#define %s_%s_%s_BIT %uu /* %s */\n", P, r->name, fl->name,
					fl->lsb, fl->desc);
			else
				fprintf(o, "#define %s_%s_%s_OFFSET %uu /* %s */\n#define %s_%s_%s_MASK 0x%lxu\n",
					P, r->name, fl->name, fl->lsb, fl->desc, P, r->name, fl->name, mask);
		}
	}
	fprintf(o, "\n#endif /* %s_REGS_H */\n", P);
}

static void emit_vh(FILE *o, const struct spec *s)
{
	const char *P = s->prefix;
	unsigned ab = addr_bits(s);

	fprintf(o, "// nlut_regs.vh - %s. %s\n", s->title, banner);
	fprintf(o, "// `include inside a module body: localparams only.\n\n");
	fprintf(o, "localparam integer %s_MAP_VERSION_MAJOR = %u;\nlocalparam integer %s_MAP_VERSION_MINOR = %u;\n",
		P, s->major, P, s->minor);
	fprintf(o, "localparam integer %s_REG_ADDR_BITS = %u;\n\n", P, ab);
	for (unsigned i = 0; i < s->n_consts; i++)
		fprintf(o, "localparam [31:0] %s_%s = 32'h%08lx; // %s\n", P, s->consts[i].name,
			s->consts[i].value, s->consts[i].desc);
	for (unsigned i = 0; i < s->n_regs; i++) {
		const struct reg *r = &s->regs[i];

		fprintf(o, "\n// %s (%s): %s\n", r->name, r->access, r->desc);
		fprintf(o, "localparam [%u:0] %s_%s_REG_OFFSET = %u'h%03x;\n", ab - 1, P, r->name, ab,
			r->offset);
		if (r->count > 1)
			fprintf(o, "localparam integer %s_%s_COUNT = %u;\n", P, r->name, r->count);
		for (unsigned f = 0; f < r->n_fields; f++) {
			const struct field *fl = &r->fields[f];

			fprintf(o, "localparam integer %s_%s_%s_%s = %u; // %s\n", P, r->name, fl->name,
				fl->width == 1 ? "BIT" : "OFFSET", fl->lsb, fl->desc);
			if (fl->width > 1)
				fprintf(o, "localparam integer %s_%s_%s_WIDTH = %u;\n", P, r->name, fl->name,
					fl->width);
		}
	}
}

static void emit_md(FILE *o, const struct spec *s)
{
	const char *P = s->prefix;

	fprintf(o, "# Register map, version %u.%u\n\n<!-- %s -->\n\n", s->major, s->minor, banner);
	fprintf(o, "%s: 32-bit registers on an AXI4-Lite slave, byte offsets, %u address bits. "
		   "C names are `%s_<REG>_REG_OFFSET`, `%s_<REG>_<FIELD>_BIT` (1-bit fields) or "
		   "`_OFFSET`/`_MASK`; Verilog localparams have the same names.\n\n",
		s->title, addr_bits(s), P, P);
	fprintf(o, "| offset | register | access | description |\n|---|---|---|---|\n");
	for (unsigned i = 0; i < s->n_regs; i++) {
		const struct reg *r = &s->regs[i];

		if (r->count > 1)
			fprintf(o, "| 0x%03X–0x%03X | `%s[%u]` | %s | %s |\n", r->offset,
				r->offset + 4 * (r->count - 1), r->name, r->count, r->access, r->desc);
		else
			fprintf(o, "| 0x%03X | `%s` | %s | %s |\n", r->offset, r->name, r->access, r->desc);
	}
	fprintf(o, "\n## Fields\n\n| register | bits | field | access | description |\n|---|---|---|---|---|\n");
	for (unsigned i = 0; i < s->n_regs; i++)
		for (unsigned f = 0; f < s->regs[i].n_fields; f++) {
			const struct field *fl = &s->regs[i].fields[f];

			if (fl->width == 1)
				fprintf(o, "| `%s` | %u | `%s` | %s | %s |\n", s->regs[i].name, fl->lsb,
					fl->name, fl->access, fl->desc);
			else
				fprintf(o, "| `%s` | %u:%u | `%s` | %s | %s |\n", s->regs[i].name,
					fl->lsb + fl->width - 1, fl->lsb, fl->name, fl->access, fl->desc);
		}
	fprintf(o, "\n## Constants\n\n| name | value | meaning |\n|---|---|---|\n");
	for (unsigned i = 0; i < s->n_consts; i++)
		fprintf(o, "| `%s_%s` | 0x%lX | %s |\n", P, s->consts[i].name, s->consts[i].value,
			s->consts[i].desc);
}

static void write_out(const char *path, void (*emit)(FILE *, const struct spec *),
		      const struct spec *s)
{
	FILE *o = fopen(path, "w");

	if (!o) {
		fprintf(stderr, "nlut-regmap: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	emit(o, s);
	if (fclose(o)) {
		fprintf(stderr, "nlut-regmap: %s: write failed\n", path);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	static struct spec s;
	FILE *f;

	if (argc != 5) {
		fprintf(stderr, "usage: nlut-regmap SPEC VH_OUT H_OUT MD_OUT\n");
		return 2;
	}
	spec_path = argv[1];
	if (!(f = fopen(spec_path, "r"))) {
		fprintf(stderr, "nlut-regmap: %s: %s\n", spec_path, strerror(errno));
		return 1;
	}
	parse(f, &s);
	fclose(f);
	check(&s);
	write_out(argv[2], emit_vh, &s);
	write_out(argv[3], emit_h, &s);
	write_out(argv[4], emit_md, &s);
	return 0;
}
