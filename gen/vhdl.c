/* vhdl.c - the nlut-style core in VHDL: the same entities, ports, widths,
 * pipeline plan and latency as the Verilog of verilog.c, for trigger
 * firmware written in VHDL. Synthesisable VHDL-93 (it also analyses as
 * VHDL-2008): ieee.std_logic_1164 and ieee.numeric_std only.
 *
 * A neuron kind is rendered by one function of the table `neuron_kinds`
 * (table, adder); a new kind adds a function there. The group sums of a
 * group-sum model are write_gsum, from groupsum.c's plan of the bit heap.
 * The output decoding (argmax compare and select) is write_argmax. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_private.h"

static const char hexd[] = "0123456789abcdef";

/* What every VHDL file of one core shares. */
struct vh {
	const nlut_model *m;
	const struct nlut_plan *p;
	const struct ng_gsum *gs;      /* group sums (p->n_sum stages), else NULL */
	const char *dir, *id, *policy;
	int fixed;                     /* no clock enable */
	uint32_t in_w, acts_w, n_cls, class_w, np, scores_w;
	uint32_t *sc_off;              /* per class: offset in out_scores */
	uint8_t *sc_w;                 /* per class: score bits */
};

static void header(struct sbuf *sb, const struct vh *v, const char *unit, const char *what)
{
	char line[256];

	snprintf(line, sizeof(line), "%s - %s", unit, what);
	ng_banner(sb, "--", line, v->id);
	sb_puts(sb, "\nlibrary ieee;\nuse ieee.std_logic_1164.all;\nuse ieee.numeric_std.all;\n\n");
}

static void slv(struct sbuf *sb, uint32_t w)
{
	sb_printf(sb, "std_logic_vector(%u downto 0)", w - 1);
}

/* Bit b of every entry of table t (2^n entries), entry 0 rightmost: a
 * constant indexed by the address. Hex literals in lines of 64 digits joined
 * by &; fewer than 4 entries as a binary literal. */
static void table_const(struct sbuf *sb, const uint16_t *t, unsigned n, unsigned b)
{
	uint64_t entries = 1ull << n;

	if (entries < 4) {
		sb_putc(sb, '"');
		for (uint64_t a = entries; a-- > 0;)
			sb_putc(sb, (t[a] >> b & 1u) ? '1' : '0');
		sb_putc(sb, '"');
		return;
	}
	uint64_t digits = entries / 4;

	for (uint64_t d = digits; d-- > 0;) {
		unsigned v = 0;

		if ((digits - 1 - d) % 64 == 0)
			sb_printf(sb, "%sx\"", d + 1 == digits ? "" : "\"\n        & ");
		for (unsigned k = 0; k < 4; k++)
			v |= ((t[d * 4 + k] >> b) & 1u) << k;
		sb_putc(sb, hexd[v]);
	}
	sb_putc(sb, '"');
}

/* A layer file under construction: declarations and statements. */
struct lay {
	struct sbuf decl, body;
	const uint32_t *off;   /* bit offsets of the sources in in_codes */
	const char *out;       /* out_codes, or out_cof of a split layer */
	uint32_t obit, sbit;   /* next bit of out / out_sel */
	unsigned target;       /* split layer: cofactor target levels (else 0) */
};

/* Table t (n address bits, w-bit entries) at signal addr into
 * target(base + w - 1 downto base): a constant per output bit. */
static void table(struct lay *c, const char *prefix, const uint16_t *t, unsigned n, unsigned w,
		  const char *addr, const char *target, uint32_t base)
{
	for (unsigned b = 0; b < w; b++) {
		sb_printf(&c->decl, "    constant %s_B%u : std_logic_vector(%llu downto 0) :=\n        ",
			  prefix, b, (1ull << n) - 1);
		table_const(&c->decl, t, n, b);
		sb_puts(&c->decl, ";\n");
		sb_printf(&c->body, "    %s(%u) <= %s_B%u(to_integer(unsigned(%s)));\n", target, base + b,
			  prefix, b, addr);
	}
}

/* in_codes(..) & ... & in_codes(..): the given fan-in positions, the first
 * in the low bits (rightmost). */
static void concat(struct sbuf *sb, const struct nlut_neuron *n, const uint32_t *pos, uint32_t np,
		   const uint32_t *off)
{
	for (uint32_t i = np; i-- > 0;) {
		uint32_t k = pos ? pos[i] : i, lo = off[n->src[k]], w = n->src_bits[k];

		sb_printf(sb, "in_codes(%u downto %u)%s", lo + w - 1, lo, i ? " & " : "");
	}
}

/* Table neuron j: one table over the concatenated inputs; in a split layer,
 * the 2^k cofactors of its k top address bits and those bits on out_sel. */
static int neuron_table(struct lay *c, uint32_t j, const struct nlut_neuron *n)
{
	unsigned k = c->target ? nlut_split_bits(n, c->target) : 0, lo = n->addr_bits - k;
	char pfx[48], addr[48];

	sb_printf(&c->body, " (%u address bits", n->addr_bits);
	if (k)
		sb_printf(&c->body, "; %u cofactors of %u bits on the top %u", 1u << k, lo, k);
	sb_puts(&c->body, ")\n");
	sb_printf(&c->decl, "    signal n%u_addr : ", j);
	slv(&c->decl, n->addr_bits);
	sb_puts(&c->decl, ";\n");
	sb_printf(&c->body, "    n%u_addr <= ", j);
	concat(&c->body, n, NULL, n->fan_in, c->off);
	sb_puts(&c->body, ";\n");
	if (!k) {
		snprintf(pfx, sizeof(pfx), "N%u", j);
		snprintf(addr, sizeof(addr), "n%u_addr", j);
		table(c, pfx, n->table, n->addr_bits, n->out_bits, addr, c->out, c->obit);
		c->obit += n->out_bits;
		return 0;
	}
	/* Cofactor cf: the entries whose top k address bits are cf. */
	sb_printf(&c->decl, "    signal n%u_lo : ", j);
	slv(&c->decl, lo);
	sb_puts(&c->decl, ";\n");
	sb_printf(&c->body, "    n%u_lo <= n%u_addr(%u downto 0);\n", j, j, lo - 1);
	sb_printf(&c->body, "    out_sel(%u downto %u) <= n%u_addr(%u downto %u);\n",
		  c->sbit + k - 1, c->sbit, j, n->addr_bits - 1, lo);
	snprintf(addr, sizeof(addr), "n%u_lo", j);
	for (uint32_t cf = 0; cf < 1u << k; cf++) {
		snprintf(pfx, sizeof(pfx), "N%u_C%u", j, cf);
		table(c, pfx, n->table + ((size_t)cf << lo), lo, n->out_bits, addr, c->out, c->obit);
		c->obit += n->out_bits;
	}
	c->sbit += k;
	return 0;
}

/* Adder neuron j: sub-tables (signed), sign-extended and summed modulo
 * 2^addr_bits, the sum indexing the output table. Never split. */
static int neuron_adder(struct lay *c, uint32_t j, const struct nlut_neuron *n)
{
	char pfx[48], addr[48], tgt[48];

	sb_printf(&c->body, "; adder of %u sub-tables (%u-bit signed) -> %u-bit sum\n", n->n_sub,
		  n->sub_bits, n->addr_bits);
	for (uint32_t s = 0; s < n->n_sub; s++) {
		const struct nlut_subtable *st = &n->sub[s];

		sb_printf(&c->decl, "    signal n%u_s%u_addr : ", j, s);
		slv(&c->decl, st->addr_bits);
		sb_printf(&c->decl, ";\n    signal n%u_s%u : ", j, s);
		slv(&c->decl, n->sub_bits);
		sb_puts(&c->decl, ";\n");
		sb_printf(&c->body, "    n%u_s%u_addr <= ", j, s);
		concat(&c->body, n, st->in, st->n_in, c->off);
		sb_puts(&c->body, ";\n");
		snprintf(pfx, sizeof(pfx), "N%u_S%u", j, s);
		snprintf(addr, sizeof(addr), "n%u_s%u_addr", j, s);
		snprintf(tgt, sizeof(tgt), "n%u_s%u", j, s);
		table(c, pfx, st->table, st->addr_bits, n->sub_bits, addr, tgt, 0);
	}
	sb_printf(&c->decl, "    signal n%u_sum : ", j);
	slv(&c->decl, n->addr_bits);
	sb_puts(&c->decl, ";\n");
	sb_printf(&c->body, "    n%u_sum <= std_logic_vector(", j);
	for (uint32_t s = 0; s < n->n_sub; s++)
		sb_printf(&c->body, "%sunsigned(resize(signed(n%u_s%u), %u))", s ? "\n        + " : "",
			  j, s, n->addr_bits);
	sb_puts(&c->body, ");\n");
	snprintf(pfx, sizeof(pfx), "N%u", j);
	snprintf(addr, sizeof(addr), "n%u_sum", j);
	table(c, pfx, n->table, n->addr_bits, n->out_bits, addr, c->out, c->obit);
	c->obit += n->out_bits;
	return 0;
}

/* How each neuron kind is rendered: add a kind here. */
static const struct {
	uint8_t kind;
	int (*emit)(struct lay *c, uint32_t j, const struct nlut_neuron *n);
} neuron_kinds[] = {
	{ NLUT_NEURON_TABLE, neuron_table },
	{ NLUT_NEURON_ADDER, neuron_adder },
};

static int emit_neuron(struct lay *c, uint32_t l, uint32_t j, const struct nlut_neuron *n)
{
	sb_printf(&c->body, "\n    -- neuron %u: fan-in", j);
	for (uint32_t k = 0; k < n->fan_in; k++)
		sb_printf(&c->body, " %u", n->src[k]);
	for (size_t i = 0; i < sizeof(neuron_kinds) / sizeof(neuron_kinds[0]); i++)
		if (neuron_kinds[i].kind == n->kind)
			return neuron_kinds[i].emit(c, j, n);
	return ng_fail(NLUT_ERROR_UNSUPPORTED, "layer %u neuron %u: neuron kind %u%s has no VHDL "
			"rendering (use --hdl verilog)", l, j, n->kind,
			n->kind == NLUT_NEURON_DENSE ? " (LUT-Dense, format 1.3)" : "");
}

/* Widths of split layer l's cofactor bus and select bus. */
static void split_widths(const struct nlut_layer *L, unsigned t, uint32_t *cw, uint32_t *sw)
{
	*cw = *sw = 0;
	for (uint32_t j = 0; j < L->n_neurons; j++) {
		unsigned k = nlut_split_bits(&L->neurons[j], t);

		*cw += L->neurons[j].out_bits << k;
		*sw += k;
	}
}

static int write_file(struct sbuf *sb, const struct vh *v, const char *name)
{
	int ret = sb_write(sb, v->dir, name);

	sb_free(sb);
	return ret;
}

/* Entity nlut_layer<l>: combinational, as nlut_layer<l> of the Verilog. */
static int write_layer(const struct vh *v, uint32_t l)
{
	const struct nlut_layer *L = nlut_model_layer(v->m, l);
	uint32_t in_w = ng_layer_in_width(v->m, l), out_w = ng_layer_out_width(v->m, l);
	uint32_t *off = ng_src_offsets(v->m, l), cw = 0, sw = 0;
	int split = v->p->split[l], ret = 0;
	struct lay c;
	struct sbuf sb;
	char name[48], what[160];

	if (!off)
		return ng_fail(NLUT_ERROR_NO_MEM, "out of memory");
	memset(&c, 0, sizeof(c));
	sb_init(&c.decl);
	sb_init(&c.body);
	c.off = off;
	c.out = split ? "out_cof" : "out_codes";
	c.target = split ? v->p->split_target[l] : 0;
	for (uint32_t j = 0; j < L->n_neurons && !ret; j++)
		ret = emit_neuron(&c, l, j, &L->neurons[j]);
	free(off);
	if (ret) {
		sb_free(&c.decl);
		sb_free(&c.body);
		return ret;
	}
	snprintf(name, sizeof(name), "nlut_layer%u", l);
	snprintf(what, sizeof(what), "layer %u of the LUT core: %u neurons, %u -> %u bits", l,
		 L->n_neurons, in_w, out_w);
	sb_init(&sb);
	header(&sb, v, name, what);
	sb_puts(&sb, "-- Combinational. Each neuron reads its sources' codes from in_codes,\n"
		     "-- the first fan-in input in the low address bits, and looks its\n"
		     "-- output up in one constant per output bit.\n");
	if (split) {
		split_widths(L, c.target, &cw, &sw);
		sb_printf(&sb, "-- Split across two stages: a table above about %u LUT levels is cut\n"
			       "-- into the 2^k Shannon cofactors of its k top address bits; out_cof\n"
			       "-- holds every cofactor's output (cofactor 0 in the low bits) and the\n"
			       "-- other neurons' outputs, out_sel the k bits of each split neuron.\n"
			       "-- nlut_core registers both; nlut_layer%u_sel picks the outputs.\n",
			  c.target, l);
	}
	sb_printf(&sb, "entity %s is\n    port (\n        in_codes  : in  ", name);
	slv(&sb, in_w);
	sb_printf(&sb, ";  -- %s, source 0 in the LSBs\n", l ? "previous layer's codes" : "feature codes");
	if (split) {
		sb_puts(&sb, "        out_cof   : out ");
		slv(&sb, cw);
		sb_puts(&sb, ";  -- cofactor outputs, neuron 0 in the LSBs\n        out_sel   : out ");
		slv(&sb, sw);
		sb_puts(&sb, "   -- select bits, neuron 0 in the LSBs\n");
	} else {
		sb_puts(&sb, "        out_codes : out ");
		slv(&sb, out_w);
		sb_puts(&sb, "   -- neuron codes, neuron 0 in the LSBs\n");
	}
	sb_printf(&sb, "    );\nend entity %s;\n\narchitecture rtl of %s is\n", name, name);
	sb_puts(&sb, c.decl.p ? c.decl.p : "");
	sb_puts(&sb, "begin\n");
	sb_puts(&sb, c.body.p ? c.body.p : "");
	sb_puts(&sb, "end architecture rtl;\n");
	sb.bad |= c.decl.bad | c.body.bad;
	sb_free(&c.decl);
	sb_free(&c.body);
	snprintf(name, sizeof(name), "nlut_layer%u.vhd", l);
	return write_file(&sb, v, name);
}

/* Entity nlut_layer<l>_sel of split layer l: the 2^k:1 cofactor muxes. */
static int write_layer_sel(const struct vh *v, uint32_t l)
{
	const struct nlut_layer *L = nlut_model_layer(v->m, l);
	unsigned target = v->p->split_target[l];
	uint32_t cw, sw, cbit = 0, sbit = 0, obit = 0;
	struct sbuf sb, decl, body;
	char name[48], what[160];

	split_widths(L, target, &cw, &sw);
	sb_init(&sb);
	sb_init(&decl);
	sb_init(&body);
	snprintf(name, sizeof(name), "nlut_layer%u_sel", l);
	snprintf(what, sizeof(what), "layer %u of the LUT core, second stage: cofactor muxes", l);
	header(&sb, v, name, what);
	sb_printf(&sb, "-- Combinational. Picks each split neuron's cofactor by its registered\n"
		       "-- select bits (nlut_layer%u's out_cof and out_sel, one cycle later).\n"
		       "entity %s is\n    port (\n        cof       : in  ", l, name);
	slv(&sb, cw);
	sb_printf(&sb, ";  -- registered out_cof of nlut_layer%u\n        sel       : in  ", l);
	slv(&sb, sw);
	sb_printf(&sb, ";  -- registered out_sel of nlut_layer%u\n        out_codes : out ", l);
	slv(&sb, ng_layer_out_width(v->m, l));
	sb_printf(&sb, "   -- neuron codes, neuron 0 in the LSBs\n    );\nend entity %s;\n\n", name);
	for (uint32_t j = 0; j < L->n_neurons; j++) {
		const struct nlut_neuron *n = &L->neurons[j];
		unsigned k = nlut_split_bits(n, target), w = n->out_bits;

		if (!k) {
			sb_printf(&body, "\n    -- neuron %u: not split\n", j);
			sb_printf(&body, "    out_codes(%u downto %u) <= cof(%u downto %u);\n",
				  obit + w - 1, obit, cbit + w - 1, cbit);
			cbit += w;
			obit += w;
			continue;
		}
		sb_printf(&body, "\n    -- neuron %u: %u cofactors on %u select bits\n", j, 1u << k, k);
		for (unsigned b = 0; b < w; b++) {
			sb_printf(&decl, "    signal n%u_b%u : ", j, b);
			slv(&decl, 1u << k);
			sb_puts(&decl, ";\n");
			sb_printf(&body, "    n%u_b%u <= ", j, b);
			for (uint32_t cf = 1u << k; cf-- > 0;)
				sb_printf(&body, "cof(%u)%s", cbit + cf * w + b, cf ? " & " : ";\n");
			sb_printf(&body, "    out_codes(%u) <= n%u_b%u(to_integer(unsigned(sel(%u downto %u))));\n",
				  obit + b, j, b, sbit + k - 1, sbit);
		}
		cbit += w << k;
		sbit += k;
		obit += w;
	}
	sb_printf(&sb, "architecture rtl of %s is\n%sbegin\n%send architecture rtl;\n", name,
		  decl.p ? decl.p : "", body.p ? body.p : "");
	sb.bad |= decl.bad | body.bad;
	sb_free(&decl);
	sb_free(&body);
	snprintf(name, sizeof(name), "nlut_layer%u_sel.vhd", l);
	return write_file(&sb, v, name);
}

/* One group-sum stage under construction (ng_gsum_walk's callbacks). */
struct gsw {
	struct sbuf decl, body;
};

static void g_counter(void *ctx, uint32_t c, uint32_t k, uint32_t i, const uint32_t *in,
		      uint32_t t, uint32_t no, uint32_t nk, uint32_t out)
{
	struct gsw *g = ctx;

	sb_printf(&g->decl, "    signal c%u_k%u_n%u : unsigned(%u downto 0);\n", c, k, i, no - 1);
	sb_printf(&g->body, "    -- class %u column %u: %u bits counted\n    c%u_k%u_n%u <= ", c, k, t,
		  c, k, i);
	for (uint32_t q = 0; q < t; q++)
		sb_printf(&g->body, "%sbit_u(in_bits(%u), %u)", q ? " + " : "", in[q], no);
	sb_puts(&g->body, ";\n");
	for (uint32_t o = 0; o < nk; o++)
		sb_printf(&g->body, "    out_bits(%u) <= c%u_k%u_n%u(%u);\n", out + o, c, k, i, o);
	if (nk < no)
		sb_printf(&g->body, "    -- c%u_k%u_n%u(%u downto %u): above the score width, always 0\n",
			  c, k, i, no - 1, nk);
}

static void g_pass(void *ctx, uint32_t in, uint32_t out)
{
	sb_printf(&((struct gsw *)ctx)->body, "    out_bits(%u) <= in_bits(%u);\n", out, in);
}

static void g_rows(void *ctx, uint32_t c, uint32_t w)
{
	sb_printf(&((struct gsw *)ctx)->decl, "    signal c%u_a, c%u_b : unsigned(%u downto 0);\n", c,
		  c, w - 1);
}

static void g_row_bit(void *ctx, uint32_t c, uint32_t k, int64_t a, int64_t b)
{
	struct gsw *g = ctx;

	sb_printf(&g->body, "    c%u_a(%u) <= ", c, k);
	if (a >= 0)
		sb_printf(&g->body, "in_bits(%u);\n", (uint32_t)a);
	else
		sb_puts(&g->body, "'0';\n");
	sb_printf(&g->body, "    c%u_b(%u) <= ", c, k);
	if (b >= 0)
		sb_printf(&g->body, "in_bits(%u);\n", (uint32_t)b);
	else
		sb_puts(&g->body, "'0';\n");
}

static void g_add(void *ctx, uint32_t c, uint32_t w, uint32_t out)
{
	sb_printf(&((struct gsw *)ctx)->body, "    out_bits(%u downto %u) <= std_logic_vector(c%u_a + "
		  "c%u_b);\n\n", out + w - 1, out, c, c);
}

static const struct ng_gsum_ops vhdl_gsum_ops = { g_counter, g_pass, g_rows, g_row_bit, g_add };

/* Entity nlut_gsum<s>: group-sum stage s, as nlut_gsum<s> of the Verilog. */
static int write_gsum(const struct vh *v, uint32_t s)
{
	const struct ng_gsum *gs = v->gs;
	struct gsw g;
	struct sbuf sb;
	char name[48];
	int ret;

	sb_init(&g.decl);
	sb_init(&g.body);
	if ((ret = ng_gsum_walk(gs, s, &vhdl_gsum_ops, &g))) {
		sb_free(&g.decl);
		sb_free(&g.body);
		return ret;
	}
	snprintf(name, sizeof(name), "nlut_gsum%u", s);
	sb_init(&sb);
	header(&sb, v, name, s < gs->n_stages ? "group sums: 6:3 counters" :
	       "group sums: the final adders");
	if (s < gs->n_stages)
		sb_printf(&sb, "-- Combinational. Group sums, stage %u of %u: 6:3 counters over the\n"
			       "-- columns of each class's bit heap (an input bit of column k weighs\n"
			       "-- 2^k); about 1 LUT level.\n", s + 1, gs->n_stages + 1);
	else
		sb_printf(&sb, "-- Combinational. Group sums, stage %u of %u: each class's two rows\n"
			       "-- added; the scores, class 0 in the LSBs.\n", s + 1, gs->n_stages + 1);
	sb_printf(&sb, "entity %s is\n    port (\n        in_bits  : in  ", name);
	slv(&sb, ng_gsum_width(gs, s));
	sb_puts(&sb, ";  -- heap bits (the last layer's outputs at stage 0)\n        out_bits : out ");
	slv(&sb, ng_gsum_width(gs, s + 1));
	sb_printf(&sb, "   -- %s\n    );\nend entity %s;\n\narchitecture rtl of %s is\n",
		  s < gs->n_stages ? "heap bits of the next stage" : "class scores", name, name);
	if (s < gs->n_stages)
		sb_puts(&sb, "    -- Bit b as a w-bit count.\n"
			     "    function bit_u(b : std_logic; w : positive) return unsigned is\n"
			     "        variable r : unsigned(w - 1 downto 0) := (others => '0');\n"
			     "    begin\n        r(0) := b;\n        return r;\n    end function bit_u;\n");
	sb_puts(&sb, g.decl.p ? g.decl.p : "");
	sb_puts(&sb, "begin\n");
	sb_puts(&sb, g.body.p ? g.body.p : "");
	if (s < gs->n_stages && !gs->bus_n[s + 1])
		sb_puts(&sb, "    out_bits(0) <= '0';\n");
	sb_puts(&sb, "end architecture rtl;\n");
	sb.bad |= g.decl.bad | g.body.bad;
	sb_free(&g.decl);
	sb_free(&g.body);
	snprintf(name, sizeof(name), "nlut_gsum%u.vhd", s);
	return write_file(&sb, v, name);
}

/* The output decoding: argmax compare (every pair) and select (ties to the
 * lowest index), as nlut_argmax_cmp / nlut_argmax_sel of the Verilog. */
static int write_argmax(const struct vh *v)
{
	uint32_t N = v->n_cls, npw = v->np ? v->np : 1;
	struct sbuf sb;
	int ret;

#define PAIR(i, j) ((i) * N - (i) * ((i) + 1) / 2 + ((j) - (i) - 1))
	sb_init(&sb);
	header(&sb, v, "nlut_argmax_cmp", "argmax of the class scores, step 1: compare every pair");
	sb_printf(&sb, "-- ge(pair(i, j)) = score i >= score j for i < j, pairs in the order\n"
		       "-- (0,1), (0,2), ..., (0,N-1), (1,2), ...\n-- %u classes.\n"
		       "entity nlut_argmax_cmp is\n    port (\n        scores : in  ", N);
	slv(&sb, v->scores_w);
	sb_puts(&sb, ";  -- class scores, class 0 in the LSBs\n        ge     : out ");
	slv(&sb, npw);
	sb_puts(&sb, "\n    );\nend entity nlut_argmax_cmp;\n\n"
		     "architecture rtl of nlut_argmax_cmp is\nbegin\n");
	if (v->np == 0)
		sb_puts(&sb, "    ge(0) <= '0';  -- one class: nothing to compare\n");
	for (uint32_t i = 0; i < N; i++)
		for (uint32_t j = i + 1; j < N; j++)
			sb_printf(&sb, "    ge(%u) <= '1' when unsigned(scores(%u downto %u)) >= "
				       "unsigned(scores(%u downto %u)) else '0';\n", PAIR(i, j),
				  v->sc_off[i] + v->sc_w[i] - 1, v->sc_off[i],
				  v->sc_off[j] + v->sc_w[j] - 1, v->sc_off[j]);
	sb_puts(&sb, "end architecture rtl;\n");
	if ((ret = write_file(&sb, v, "nlut_argmax_cmp.vhd")))
		return ret;

	sb_init(&sb);
	header(&sb, v, "nlut_argmax_sel", "argmax of the class scores, step 2: pick the winner");
	sb_printf(&sb, "-- Class i wins when it is >= every later class and > every earlier one\n"
		       "-- (ties go to the lowest index); exactly one class wins.\n-- %u classes.\n"
		       "entity nlut_argmax_sel is\n    port (\n        ge  : in  ", N);
	slv(&sb, npw);
	sb_puts(&sb, ";  -- from nlut_argmax_cmp\n        cls : out ");
	slv(&sb, v->class_w);
	sb_puts(&sb, "   -- index of the winning class\n    );\nend entity nlut_argmax_sel;\n\n"
		     "architecture rtl of nlut_argmax_sel is\n");
	if (N == 1) {
		sb_puts(&sb, "begin\n    cls(0) <= '0';\n");
	} else {
		/* Class 0 is the index when no other class wins. */
		sb_printf(&sb, "    signal win : std_logic_vector(%u downto 1);\nbegin\n", N - 1);
		for (uint32_t i = 1; i < N; i++) {
			sb_printf(&sb, "    win(%u) <= ", i);
			for (uint32_t j = 0, first = 1; j < N; j++) {
				if (j == i)
					continue;
				sb_printf(&sb, "%s%sge(%u)", first ? "" : " and ", j < i ? "not " : "",
					  j < i ? PAIR(j, i) : PAIR(i, j));
				first = 0;
			}
			sb_puts(&sb, ";\n");
		}
		for (unsigned b = 0; b < v->class_w; b++) {
			sb_printf(&sb, "    cls(%u) <= ", b);
			for (uint32_t i = 0, first = 1; i < N; i++)
				if (i >> b & 1u) {
					sb_printf(&sb, "%swin(%u)", first ? "" : " or ", i);
					first = 0;
				}
			sb_puts(&sb, ";\n");
		}
	}
	sb_puts(&sb, "end architecture rtl;\n");
	return write_file(&sb, v, "nlut_argmax_sel.vhd");
#undef PAIR
}

/* The core's two buffers: declarations and statements. */
struct core {
	struct sbuf decl, body;
	int fixed;
};

static void signal(struct core *c, const char *name, uint32_t w)
{
	sb_printf(&c->decl, "    signal %s : ", name);
	if (w == 0)
		sb_puts(&c->decl, "std_logic");
	else
		slv(&c->decl, w);
	sb_puts(&c->decl, ";\n");
}

/* One pipeline boundary, as emit_boundary of verilog.c: NAME is what the
 * next unit reads; registered, NAME_reg holds it. w == 0: a valid bit
 * (std_logic, cleared by rst). */
static void boundary(struct core *c, int reg, const char *name, uint32_t w, const char *value)
{
	signal(c, name, w);
	if (!reg) {
		sb_printf(&c->body, "    %s <= %s;\n", name, value);
		return;
	}
	char r[80];

	snprintf(r, sizeof(r), "%s_reg", name);
	signal(c, r, w);
	sb_printf(&c->body, "    process (clk)\n    begin\n        if rising_edge(clk) then\n");
	if (w == 0 && c->fixed)
		sb_printf(&c->body, "            if rst = '1' then\n"
				    "                %s <= '0';\n"
				    "            else\n"
				    "                %s <= %s;\n"
				    "            end if;\n", r, r, value);
	else if (w == 0)
		sb_printf(&c->body, "            if rst = '1' then\n"
				    "                %s <= '0';\n"
				    "            elsif ce = '1' then\n"
				    "                %s <= %s;\n"
				    "            end if;\n", r, r, value);
	else if (c->fixed)
		sb_printf(&c->body, "            %s <= %s;\n", r, value);
	else
		sb_printf(&c->body, "            if ce = '1' then\n"
				    "                %s <= %s;\n"
				    "            end if;\n", r, value);
	sb_printf(&c->body, "        end if;\n    end process;\n    %s <= %s;\n", name, r);
}

/* Unit b, a split layer: cofactor tables, the split register, the muxes. */
static void split_unit(struct core *c, const struct vh *v, uint32_t b)
{
	uint32_t cw, sw;
	char nm[64], val[64];

	split_widths(nlut_model_layer(v->m, b), v->p->split_target[b], &cw, &sw);
	sb_printf(&c->body, "layer %u, split: cofactor tables (about %u LUT levels), register,\n"
			    "    -- muxes (about %u LUT levels)\n", b, v->p->split_levels[b],
		  v->p->mux_levels[b]);
	snprintf(nm, sizeof(nm), "u%u_cof", b);
	signal(c, nm, cw);
	snprintf(nm, sizeof(nm), "u%u_sel", b);
	signal(c, nm, sw);
	sb_printf(&c->body, "    u_layer%u : entity work.nlut_layer%u\n"
			    "        port map (in_codes => pipe%u_codes, out_cof => u%u_cof, "
			    "out_sel => u%u_sel);\n", b, b, b, b, b);
	sb_printf(&c->body, "    -- split register of layer %u (registered)\n", b);
	snprintf(nm, sizeof(nm), "split%u_valid", b);
	snprintf(val, sizeof(val), "pipe%u_valid", b);
	boundary(c, 1, nm, 0, val);
	snprintf(nm, sizeof(nm), "split%u_cof", b);
	snprintf(val, sizeof(val), "u%u_cof", b);
	boundary(c, 1, nm, cw, val);
	snprintf(nm, sizeof(nm), "split%u_sel", b);
	snprintf(val, sizeof(val), "u%u_sel", b);
	boundary(c, 1, nm, sw, val);
	snprintf(nm, sizeof(nm), "u%u_valid", b);
	signal(c, nm, 0);
	snprintf(nm, sizeof(nm), "u%u_codes", b);
	signal(c, nm, ng_layer_out_width(v->m, b));
	sb_printf(&c->body, "    u%u_valid <= split%u_valid;\n", b, b);
	sb_printf(&c->body, "    u_layer%u_sel : entity work.nlut_layer%u_sel\n"
			    "        port map (cof => split%u_cof, sel => split%u_sel, "
			    "out_codes => u%u_codes);\n\n", b, b, b, b, b);
}

/* Width of the codes bus at boundary b, as bus_width of verilog.c: the
 * features, a layer's outputs, or the bits between group-sum stages. */
static uint32_t bus_width(const struct vh *v, uint32_t b)
{
	if (b == 0)
		return v->in_w;
	if (b <= v->p->n_layers)
		return ng_layer_out_width(v->m, b - 1);
	return ng_gsum_width(v->gs, b - v->p->n_layers);
}

/* Entity nlut_core: the ports of docs/core-interface.md (no ce when fixed). */
static int write_core(const struct vh *v)
{
	const struct nlut_plan *p = v->p;
	uint32_t L = p->n_layers, U = p->n_units, A = L + p->n_sum; /* A: argmax compare */
	uint32_t tflip = 0, tt = 0;
	unsigned tw = 0;
	struct core c;
	struct sbuf sb;
	char nm[64], val[64];

	memset(&c, 0, sizeof(c));
	c.fixed = v->fixed;
	sb_init(&c.decl);
	sb_init(&c.body);
	for (uint32_t b = 0; b <= U; b++) {
		sb_printf(&c.body, "    -- boundary %u%s\n", b, p->reg[b] ? " (registered)" : "");
		snprintf(nm, sizeof(nm), "pipe%u_valid", b);
		if (b)
			snprintf(val, sizeof(val), "u%u_valid", b - 1);
		boundary(&c, p->reg[b], nm, 0, b ? val : "in_valid");
		if (b <= A) {
			snprintf(nm, sizeof(nm), "pipe%u_codes", b);
			if (b)
				snprintf(val, sizeof(val), "u%u_codes", b - 1);
			boundary(&c, p->reg[b], nm, bus_width(v, b), b ? val : "in_codes");
		} else {
			const char *what = b == A + 1 ? "ge" : "class";

			snprintf(nm, sizeof(nm), "pipe%u_scores", b);
			snprintf(val, sizeof(val), "u%u_scores", b - 1);
			boundary(&c, p->reg[b], nm, v->scores_w, val);
			snprintf(nm, sizeof(nm), "pipe%u_%s", b, what);
			snprintf(val, sizeof(val), "u%u_%s", b - 1, what);
			boundary(&c, p->reg[b], nm, b == A + 1 ? (v->np ? v->np : 1) : v->class_w, val);
		}
		if (b == U)
			break;
		sb_printf(&c.body, "\n    -- unit %u: ", b);
		snprintf(nm, sizeof(nm), "u%u_valid", b);
		if (b < L && p->split[b]) {
			split_unit(&c, v, b);
			continue;
		}
		signal(&c, nm, 0);
		if (b >= L && b < A)
			sb_printf(&c.body, "group sums, stage %u of %u", b - L + 1, p->n_sum);
		else
			sb_puts(&c.body, b < L ? "layer" : b == A ? "argmax compare" : "argmax select");
		sb_printf(&c.body, " (about %u LUT levels)\n    u%u_valid <= pipe%u_valid;\n",
			  p->unit_levels[b], b, b);
		if (b < L) {
			snprintf(nm, sizeof(nm), "u%u_codes", b);
			signal(&c, nm, ng_layer_out_width(v->m, b));
			sb_printf(&c.body, "    u_layer%u : entity work.nlut_layer%u\n"
					   "        port map (in_codes => pipe%u_codes, out_codes => "
					   "u%u_codes);\n\n", b, b, b, b);
		} else if (b < A) {
			snprintf(nm, sizeof(nm), "u%u_codes", b);
			signal(&c, nm, bus_width(v, b + 1));
			sb_printf(&c.body, "    u_gsum%u : entity work.nlut_gsum%u\n"
					   "        port map (in_bits => pipe%u_codes, out_bits => "
					   "u%u_codes);\n\n", b - L, b - L, b, b);
		} else if (b == A && ng_threshold_cmp(v->m, &tw, &tflip, &tt)) {
			/* Threshold: one unsigned compare (see gen_private.h), one-hot
			 * 1-bit scores {t, not t}, class 0 in the LSB. */
			snprintf(nm, sizeof(nm), "u%u_scores", b);
			signal(&c, nm, 2);
			snprintf(nm, sizeof(nm), "u%u_ge", b);
			signal(&c, nm, 1);
			sb_printf(&c.body, "    -- class 1 iff the last neuron's %s code >= %d\n"
					   "    u%u_scores(1) <= '1' when unsigned('0' & (pipe%u_codes xor "
					   "std_logic_vector(to_unsigned(%u, %u)))) >= to_unsigned(%u, %u) "
					   "else '0';\n"
					   "    u%u_scores(0) <= not u%u_scores(1);\n"
					   "    u_argmax_cmp : entity work.nlut_argmax_cmp\n"
					   "        port map (scores => u%u_scores, ge => u%u_ge);\n\n",
				  tflip ? "signed" : "unsigned", (int)((int64_t)tt - tflip), b, b, tflip,
				  tw, tt, tw + 1, b, b, b, b);
		} else if (b == A) {
			snprintf(nm, sizeof(nm), "u%u_scores", b);
			signal(&c, nm, v->scores_w);
			snprintf(nm, sizeof(nm), "u%u_ge", b);
			signal(&c, nm, v->np ? v->np : 1);
			sb_printf(&c.body, "    u%u_scores <= pipe%u_codes;\n"
					   "    u_argmax_cmp : entity work.nlut_argmax_cmp\n"
					   "        port map (scores => pipe%u_codes, ge => u%u_ge);\n\n",
				  b, b, b, b);
		} else {
			snprintf(nm, sizeof(nm), "u%u_scores", b);
			signal(&c, nm, v->scores_w);
			snprintf(nm, sizeof(nm), "u%u_class", b);
			signal(&c, nm, v->class_w);
			sb_printf(&c.body, "    u%u_scores <= pipe%u_scores;\n"
					   "    u_argmax_sel : entity work.nlut_argmax_sel\n"
					   "        port map (ge => pipe%u_ge, cls => u%u_class);\n\n",
				  b, b, b, b);
		}
	}
	sb_printf(&c.body, "\n    out_valid <= pipe%u_valid;\n    out_scores <= pipe%u_scores;\n"
			   "    out_class <= pipe%u_class;\n", U, U, U);

	sb_init(&sb);
	header(&sb, v, "nlut_core", p->n_sum ? "the LUT core: layers, group sums, argmax, pipeline "
	       "registers" : "the LUT core: layers, argmax, pipeline registers");
	if (v->fixed)
		sb_puts(&sb, "-- One sample per clock (II = 1), fixed latency: no clock enable. A\n"
			     "-- sample is accepted at every rising edge with in_valid high; its\n"
			     "-- result is on out_* (out_valid high) after exactly LATENCY rising\n"
			     "-- edges, every clock.");
	else
		sb_puts(&sb, "-- One sample per clock (II = 1). A sample is accepted at a rising edge\n"
			     "-- with ce and in_valid high; its result is on out_* (out_valid high)\n"
			     "-- after LATENCY rising edges with ce high. ce low holds every register\n"
			     "-- (a stall).");
	sb_printf(&sb, " rst clears the valid bits only. docs/core-interface.md.\n"
		       "-- Stage policy %s: %u register ranks (boundaries and layer splits);\n"
		       "-- LATENCY = %u (package nlut_core_params).\n"
		       "entity nlut_core is\n    port (\n"
		       "        clk        : in  std_logic;  -- core clock\n"
		       "        rst        : in  std_logic;  -- synchronous, active high\n",
		  v->policy, p->latency, p->latency);
	if (!v->fixed)
		sb_puts(&sb, "        ce         : in  std_logic;  -- clock enable: low = stall\n");
	sb_puts(&sb, "        in_valid   : in  std_logic;  -- in_codes holds a sample\n"
		     "        in_codes   : in  ");
	slv(&sb, v->in_w);
	sb_puts(&sb, ";  -- feature codes, feature 0 in the LSBs\n"
		     "        out_valid  : out std_logic;  -- out_scores and out_class hold a result\n"
		     "        out_scores : out ");
	slv(&sb, v->scores_w);
	sb_puts(&sb, ";  -- class scores, class 0 in the LSBs\n        out_class  : out ");
	slv(&sb, v->class_w);
	sb_puts(&sb, "   -- argmax of out_scores, ties to the lowest\n    );\n"
		     "end entity nlut_core;\n\narchitecture rtl of nlut_core is\n");
	sb_puts(&sb, c.decl.p ? c.decl.p : "");
	sb_puts(&sb, "begin\n");
	sb_puts(&sb, c.body.p ? c.body.p : "");
	sb_puts(&sb, "end architecture rtl;\n");
	sb.bad |= c.decl.bad | c.body.bad;
	sb_free(&c.decl);
	sb_free(&c.body);
	return write_file(&sb, v, "nlut_core.vhd");
}

static void nat_array(struct sbuf *sb, const char *name, const uint32_t *a, uint32_t n,
		      const char *what)
{
	sb_printf(sb, "    -- %s\n    constant %s : nlut_natural_array(0 to %u) := (", what, name,
		  n - 1);
	for (uint32_t i = 0; i < n; i++)
		sb_printf(sb, "%s%u => %u", i ? ", " : "", i, a[i]);
	sb_puts(sb, ");\n");
}

/* Package nlut_core_params: what nlut_core_params.vh gives Verilog users. */
static int write_package(const struct vh *v)
{
	uint32_t L = v->p->n_layers, lw[NLUT_MAX_LAYERS], lc[NLUT_MAX_LAYERS], sw[256];
	struct sbuf sb;

	for (uint32_t l = 0; l < L; l++) {
		lw[l] = ng_layer_out_width(v->m, l);
		lc[l] = v->p->unit_cycle[l];
	}
	sb_init(&sb);
	ng_banner(&sb, "--", "nlut_core_params.vhd - parameters of the generated nlut_core", v->id);
	sb_puts(&sb, "\nlibrary ieee;\nuse ieee.std_logic_1164.all;\n\npackage nlut_core_params is\n"
		     "    type nlut_natural_array is array (natural range <>) of natural;\n");
	sb_printf(&sb, "    constant NLUT_CORE_IN_WIDTH     : natural := %u;  -- in_codes bits\n",
		  v->in_w);
	sb_printf(&sb, "    constant NLUT_CORE_N_INPUTS     : natural := %u;  -- features\n",
		  nlut_model_num_inputs(v->m));
	sb_printf(&sb, "    constant NLUT_CORE_SCORES_WIDTH : natural := %u;  -- out_scores bits\n",
		  v->scores_w);
	sb_printf(&sb, "    constant NLUT_CORE_N_CLASSES    : natural := %u;  -- classes\n", v->n_cls);
	sb_printf(&sb, "    constant NLUT_CORE_CLASS_WIDTH  : natural := %u;  -- out_class bits\n",
		  v->class_w);
	sb_printf(&sb, "    -- Cycles from input to output: %s\n"
		       "    constant NLUT_CORE_LATENCY      : natural := %u;\n",
		  v->fixed ? "clock edges (no clock enable)" : "rising edges with ce high", v->p->latency);
	sb_printf(&sb, "    -- The core has no ce port; its latency is fixed to the clock.\n"
		       "    constant NLUT_CORE_FIXED_LATENCY : boolean := %s;\n",
		  v->fixed ? "true" : "false");
	sb_printf(&sb, "    constant NLUT_CORE_N_LAYERS     : natural := %u;\n", L);
	sb_printf(&sb, "    constant NLUT_CORE_STAGES       : string := \"%s\";\n", v->policy);
	sb_printf(&sb, "    -- Model identity (SHA-256)\n"
		       "    constant NLUT_CORE_MODEL_HASH   : std_logic_vector(255 downto 0) :=\n"
		       "        x\"%s\";\n", v->id);
	for (uint32_t j = 0; j < v->n_cls && j < 256; j++)
		sw[j] = v->sc_w[j];
	nat_array(&sb, "NLUT_CORE_SCORE_WIDTH", sw, v->n_cls,
		  "per class: score bits (out_scores packs them, class 0 in the LSBs)");
	nat_array(&sb, "NLUT_CORE_LAYER_WIDTH", lw, L, "per layer: output bits");
	nat_array(&sb, "NLUT_CORE_LAYER_CYCLE", lc, L,
		  "per layer: cycles after acceptance at which its outputs show the sample");
	sb_puts(&sb, "end package nlut_core_params;\n");
	return write_file(&sb, v, "nlut_core_params.vhd");
}

int ng_vhdl_write(const nlut_model *m, const struct nlut_plan *p, const struct ng_gsum *gs,
		  const struct nlut_gen_opts *o, const char *dir, const char *id, const char *policy)
{
	struct vh v;
	struct sbuf sb;
	int ret = 0;

	if (o->yosys_luts)
		return ng_fail(NLUT_ERROR_UNSUPPORTED, "the yosys synthesis view is Verilog only");
	memset(&v, 0, sizeof(v));
	v.m = m;
	v.p = p;
	v.gs = p->n_sum ? gs : NULL;
	v.dir = dir;
	v.id = id;
	v.policy = policy;
	v.fixed = o->fixed_latency;
	v.in_w = ng_layer_in_width(m, 0);
	v.n_cls = nlut_model_num_classes(m);
	v.class_w = ng_clog2(v.n_cls) ? ng_clog2(v.n_cls) : 1;
	v.np = v.n_cls * (v.n_cls - 1) / 2;
	if (v.n_cls > 256)
		return ng_fail(NLUT_ERROR_UNSUPPORTED, "%u classes: the VHDL package lists at most 256",
			       v.n_cls);
	v.sc_off = calloc(v.n_cls, sizeof(*v.sc_off));
	v.sc_w = calloc(v.n_cls, 1);
	if (!v.sc_off || !v.sc_w) {
		ret = ng_fail(NLUT_ERROR_NO_MEM, "out of memory");
		goto out;
	}
	for (uint32_t j = 0; j < v.n_cls; j++) {
		v.sc_off[j] = v.scores_w;
		v.sc_w[j] = (uint8_t)nlut_model_score_bits(m, j);
		v.scores_w += v.sc_w[j];
	}
	for (uint32_t l = 0; l < p->n_layers && !ret; l++) {
		ret = write_layer(&v, l);
		if (!ret && p->split[l])
			ret = write_layer_sel(&v, l);
	}
	for (uint32_t s = 0; s < p->n_sum && !ret; s++)
		ret = write_gsum(&v, s);
	if (!ret)
		ret = write_argmax(&v);
	if (!ret)
		ret = write_core(&v);
	if (!ret)
		ret = write_package(&v);
	if (ret)
		goto out;
	/* Analysis order: the package, then every entity before its user. */
	sb_init(&sb);
	ng_banner(&sb, "#", "nlut_core_vhdl.f - the core's VHDL sources in analysis order, "
		  "relative to this file", id);
	sb_puts(&sb, "nlut_core_params.vhd\n");
	for (uint32_t l = 0; l < p->n_layers; l++) {
		sb_printf(&sb, "nlut_layer%u.vhd\n", l);
		if (p->split[l])
			sb_printf(&sb, "nlut_layer%u_sel.vhd\n", l);
	}
	for (uint32_t s = 0; s < p->n_sum; s++)
		sb_printf(&sb, "nlut_gsum%u.vhd\n", s);
	sb_puts(&sb, "nlut_argmax_cmp.vhd\nnlut_argmax_sel.vhd\nnlut_core.vhd\n");
	ret = write_file(&sb, &v, "nlut_core_vhdl.f");
out:
	free(v.sc_off);
	free(v.sc_w);
	return ret;
}
