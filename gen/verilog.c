/* verilog.c - the nlut-style core: a module per layer, the argmax, the
 * pipelined top nlut_core, its parameter headers and filelist. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_private.h"

void nlut_gen_opts_init(struct nlut_gen_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->style = NLUT_GEN_STYLE_NLUT;
	nlut_stages_default(&o->stages);
	o->bist_vectors = NLUT_GEN_BIST_VECTORS;
}

static const char hexd[] = "0123456789abcdef";

/* The constant of bit b of every entry of table t (2^n entries), entry 0 in
 * the LSB: indexing it with the address gives output bit b. */
static void emit_hex(struct sbuf *sb, const uint16_t *t, unsigned n, unsigned b)
{
	uint64_t entries = 1ull << n, digits = (entries + 3) / 4;

	sb_printf(sb, "%llu'h", (unsigned long long)entries);
	for (uint64_t d = digits; d-- > 0;) {
		unsigned v = 0;

		for (unsigned k = 0; k < 4; k++) {
			uint64_t a = d * 4 + k;

			if (a < entries)
				v |= ((t[a] >> b) & 1u) << k;
		}
		sb_putc(sb, hexd[v]);
	}
}

/* How write_layer renders a table (emit_table). */
enum table_form {
	TABLE_ROM,   /* portable: bit constants, and a ROM array above 6 address bits */
	TABLE_BITS,  /* portable: bit constants only (nlut_gen_opts.table_bits) */
	TABLE_YOSYS, /* synthesis view for nlut report (nlut_gen_opts.yosys_luts) */
};

/*
 * Table t (n address bits, w-bit entries) looked up at addr into the bits
 * target[base + w - 1 : base]. Portable form: a localparam per output bit;
 * up to 6 address bits (a LUT6 per bit) each is indexed by the address.
 * Larger tables (TABLE_ROM) are also copied at time 0 into a ROM array of
 * whole entries read once per lookup: the same function, but a simulator
 * does one array read instead of w selects of 2^n-bit constants (Verilator:
 * about 1.5x the core's rate, bench_core); rom_style keeps it in LUTs on
 * Vivado, and yosys reads the initial block as the memory's contents. yosys
 * form (nlut report only): the table is a module of its own
 * (ng_yosys_table inside), appended to mods, so yosys runs abc once per
 * table: time linear in the number of tables, where one abc call over a
 * whole 512-neuron layer takes the better part of an hour; tables of at
 * most 6 address bits (a LUT6) stay inline in the layer.
 */
static void emit_table(struct sbuf *sb, struct sbuf *mods, enum table_form form,
		       const char *module, const char *prefix, const uint16_t *t, unsigned n,
		       unsigned w, const char *addr, const char *target, unsigned base)
{
	if (form == TABLE_YOSYS && n <= 6) {
		/* One LUT6 or less (binary LUT layers): inline, so abc runs once
		 * over the layer instead of paying a module's passes per table. */
		ng_yosys_table(sb, prefix, t, n, w, addr, target, base);
		return;
	}
	if (form == TABLE_YOSYS) {
		sb_printf(mods, "module %s_%s (input wire [%u:0] a, output wire [%u:0] y);\n",
			  module, prefix, n - 1, w - 1);
		ng_yosys_table(mods, "t", t, n, w, "a", "y", 0);
		sb_puts(mods, "endmodule\n\n");
		sb_printf(sb, "    %s_%s u_%s (.a(%s), .y(%s[%u:%u]));\n", module, prefix, prefix,
			  addr, target, base + w - 1, base);
		return;
	}
	int rom = form == TABLE_ROM && n > 6;

	for (unsigned b = 0; b < w; b++) {
		sb_printf(sb, "    localparam [%llu:0] %s_B%u = ", (1ull << n) - 1, prefix, b);
		emit_hex(sb, t, n, b);
		if (rom)
			sb_puts(sb, ";\n");
		else
			sb_printf(sb, ";\n    assign %s[%u] = %s_B%u[%s];\n", target, base + b, prefix,
				  b, addr);
	}
	if (!rom)
		return;
	sb_printf(sb, "    (* rom_style = \"distributed\" *) reg [%u:0] %s_R [0:%llu];\n"
		      "    integer %s_i;\n"
		      "    initial\n"
		      "        for (%s_i = 0; %s_i < %llu; %s_i = %s_i + 1)\n"
		      "            %s_R[%s_i] = {",
		  w - 1, prefix, (1ull << n) - 1, prefix, prefix, prefix, 1ull << n, prefix, prefix,
		  prefix, prefix);
	for (unsigned b = w; b-- > 0;)
		sb_printf(sb, "%s_B%u[%s_i]%s", prefix, b, prefix, b ? ", " : "};\n");
	sb_printf(sb, "    assign %s[%u:%u] = %s_R[%s];\n", target, base + w - 1, base, prefix, addr);
}

/*
 * Split neuron j in TABLE_ROM form, cofactors of lo > 6 address bits: the
 * per-bit constants of each cofactor c (Nj_Cc_Bb, as emit_table writes
 * them) and ONE ROM array Nj_R whose entry i holds every cofactor's entry i,
 * cofactor 0 in the low bits: the 2^k cofactors share the address nj_lo, so
 * one read gives the neuron's whole out_cof field, where one array per
 * cofactor took 2^k reads (Verilator's cost is the reads). The same
 * functions bit for bit: out_cof bit c*w+b is cofactor c's bit b.
 */
static void emit_cofactor_rom(struct sbuf *sb, uint32_t j, const struct nlut_neuron *n,
			      unsigned k, unsigned lo, const char *target, unsigned base)
{
	unsigned w = n->out_bits, nc = 1u << k;
	char pfx[64];

	for (unsigned c = 0; c < nc; c++) {
		snprintf(pfx, sizeof(pfx), "N%u_C%u", j, c);
		for (unsigned b = 0; b < w; b++) {
			sb_printf(sb, "    localparam [%llu:0] %s_B%u = ", (1ull << lo) - 1, pfx, b);
			emit_hex(sb, n->table + ((size_t)c << lo), lo, b);
			sb_puts(sb, ";\n");
		}
	}
	sb_printf(sb, "    (* rom_style = \"distributed\" *) reg [%u:0] N%u_R [0:%llu];\n"
		      "    integer N%u_i;\n"
		      "    initial\n"
		      "        for (N%u_i = 0; N%u_i < %llu; N%u_i = N%u_i + 1)\n"
		      "            N%u_R[N%u_i] = {",
		  nc * w - 1, j, (1ull << lo) - 1, j, j, j, 1ull << lo, j, j, j, j);
	for (unsigned c = nc; c-- > 0;)
		for (unsigned b = w; b-- > 0;)
			sb_printf(sb, "N%u_C%u_B%u[N%u_i]%s", j, c, b, j, c || b ? ", " : "};\n");
	sb_printf(sb, "    assign %s[%u:%u] = N%u_R[n%u_lo];\n", target, base + nc * w - 1, base, j, j);
}

/* {in[src[k-1]], ..., in[src[0]]}: the concatenation of the given fan-in
 * positions, the first one in the LSBs. */
static void emit_concat(struct sbuf *sb, const char *bus, const struct nlut_neuron *n,
			const uint32_t *pos, uint32_t np, const uint32_t *off)
{
	if (np > 1)
		sb_putc(sb, '{');
	for (uint32_t i = np; i-- > 0;) {
		uint32_t k = pos ? pos[i] : i, lo = off[n->src[k]], w = n->src_bits[k];

		if (w == 1)
			sb_printf(sb, "%s[%u]", bus, lo);
		else
			sb_printf(sb, "%s[%u:%u]", bus, lo + w - 1, lo);
		if (i)
			sb_puts(sb, ", ");
	}
	if (np > 1)
		sb_putc(sb, '}');
}

/*
 * LUT-Dense neuron j (format 1.3): a table per edge over its source's top
 * read bits, the sign-extended entries and the bias summed in acc_w bits
 * (wide enough for every reachable sum, by nlut_dense_acc_bits), then
 * bits [shift + out_bits - 1 : shift] of the sum, or 0 when it is
 * negative, or all ones when it is above them: the arithmetic shift and
 * clamp of the format.
 */
static void emit_dense(struct sbuf *sb, struct sbuf *mods, enum table_form form,
		       const char *module, uint32_t j, const struct nlut_neuron *n,
		       const uint32_t *off, const char *out, uint32_t obit)
{
	unsigned w = nlut_dense_acc_bits(n), sb_w = n->sub_bits, top = n->shift + n->out_bits;
	uint64_t bias = (uint64_t)(int64_t)n->bias & ((1ull << w) - 1u);
	char pfx[64], addr[64], tgt[64];

	sb_printf(sb, "; LUT-Dense, %u edges of %u-bit entries, bias %d, shift %u, %u-bit sum\n",
		  n->fan_in, sb_w, n->bias, n->shift, w);
	for (uint32_t e = 0; e < n->fan_in; e++) {
		unsigned rb = n->sub[e].addr_bits, hi = off[n->src[e]] + n->src_bits[e] - 1;

		if (rb == 1)
			sb_printf(sb, "    wire n%u_e%u_addr = in_codes[%u];\n", j, e, hi);
		else
			sb_printf(sb, "    wire [%u:0] n%u_e%u_addr = in_codes[%u:%u];\n", rb - 1, j, e,
				  hi, hi + 1 - rb);
		sb_printf(sb, "    wire [%u:0] n%u_e%u;\n", sb_w - 1, j, e);
		snprintf(pfx, sizeof(pfx), "N%u_E%u", j, e);
		snprintf(addr, sizeof(addr), "n%u_e%u_addr", j, e);
		snprintf(tgt, sizeof(tgt), "n%u_e%u", j, e);
		emit_table(sb, mods, form, module, pfx, n->sub[e].table, rb, sb_w, addr, tgt, 0);
	}
	if (n->shift) /* the bits below the shift are the rounding the format drops */
		sb_puts(sb, "    /* verilator lint_off UNUSED */\n");
	sb_printf(sb, "    wire [%u:0] n%u_acc = %u'h%llx", w - 1, j, w, (unsigned long long)bias);
	for (uint32_t e = 0; e < n->fan_in; e++) {
		if (w > sb_w)
			sb_printf(sb, "\n        + {{%u{n%u_e%u[%u]}}, n%u_e%u}", w - sb_w, j, e, sb_w - 1,
				  j, e);
		else
			sb_printf(sb, "\n        + n%u_e%u", j, e);
	}
	sb_puts(sb, ";\n");
	if (n->shift)
		sb_puts(sb, "    /* verilator lint_on UNUSED */\n");
	/* w > top by nlut_dense_acc_bits: bit w - 1 is the sign. */
	if (w - 1 > top)
		sb_printf(sb, "    wire n%u_over = |n%u_acc[%u:%u];\n", j, j, w - 2, top);
	else
		sb_printf(sb, "    wire n%u_over = 1'b0;\n", j);
	sb_printf(sb, "    assign %s[%u:%u] = n%u_acc[%u] ? %u'd0 : n%u_over ? {%u{1'b1}} : n%u_acc[%u:%u];\n",
		  out, obit + n->out_bits - 1, obit, j, w - 1, n->out_bits, j, n->out_bits, j,
		  top - 1, n->shift);
}

static void emit_header(struct sbuf *sb, const char *file, const char *what, const char *id)
{
	char line[256];

	snprintf(line, sizeof(line), "%s - %s", file, what);
	ng_banner(sb, "//", line, id);
	sb_puts(sb, "\n`resetall\n`timescale 1ns / 1ps\n`default_nettype none\n\n");
}

/* Widths of split layer l's cofactor bus and select bus (target levels t). */
static void split_widths(const struct nlut_layer *L, unsigned t, uint32_t *cw, uint32_t *sw)
{
	*cw = *sw = 0;
	for (uint32_t j = 0; j < L->n_neurons; j++) {
		unsigned k = nlut_split_bits(&L->neurons[j], t);

		*cw += L->neurons[j].out_bits << k;
		*sw += k;
	}
}

/*
 * Layer l, combinational. Unsplit: in_codes -> out_codes. Split (plan
 * p->split[l]): in_codes -> out_cof, every cofactor table's output (neuron
 * j's 2^k cofactors, cofactor 0 in the low bits; an unsplit neuron's output
 * as is), and out_sel, each split neuron's k top address bits; the core
 * registers both and nlut_layer<l>_sel muxes them.
 */
static int write_layer(const nlut_model *m, uint32_t l, const char *dir, const char *id,
		       enum table_form form, const struct nlut_plan *p)
{
	const struct nlut_layer *L = nlut_model_layer(m, l);
	uint32_t in_w = ng_layer_in_width(m, l), out_w = ng_layer_out_width(m, l);
	uint32_t *off = ng_src_offsets(m, l);
	uint8_t *used = calloc(in_w, 1);
	struct sbuf sb, mods, *tmods;
	char name[64], what[160], pfx[64], addr[64], tgt[64];
	int ret, all_used = 1, split = p->split[l];
	unsigned target = p->split_target[l];
	uint32_t cof_w = out_w, sel_w = 0;

	if (!off || !used) {
		free(off);
		free(used);
		return ng_fail(NLUT_ERROR_NO_MEM, "out of memory");
	}
	for (uint32_t j = 0; j < L->n_neurons; j++) {
		const struct nlut_neuron *n = &L->neurons[j];

		/* A LUT-Dense edge reads only its source's top read bits. */
		if (n->kind == NLUT_NEURON_DENSE) {
			for (uint32_t e = 0; e < n->fan_in; e++)
				memset(used + off[n->src[e]] + n->src_bits[e] - n->sub[e].addr_bits, 1,
				       n->sub[e].addr_bits);
			continue;
		}
		/* An adder reads only the fan-in positions its sub-tables name. */
		if (n->kind == NLUT_NEURON_ADDER) {
			for (uint32_t s = 0; s < n->n_sub; s++)
				for (uint32_t i = 0; i < n->sub[s].n_in; i++) {
					uint32_t k = n->sub[s].in[i];

					memset(used + off[n->src[k]], 1, n->src_bits[k]);
				}
			continue;
		}
		for (uint32_t k = 0; k < n->fan_in; k++)
			memset(used + off[n->src[k]], 1, n->src_bits[k]);
	}
	for (uint32_t i = 0; i < in_w; i++)
		all_used &= used[i];
	free(used);

	sb_init(&sb);
	sb_init(&mods);
	tmods = form == TABLE_YOSYS ? &mods : NULL;
	snprintf(name, sizeof(name), "nlut_layer%u", l);
	snprintf(what, sizeof(what), "layer %u of the LUT core: %u neurons, %u -> %u bits",
		 l, L->n_neurons, in_w, out_w);
	emit_header(&sb, name, what, id);
	sb_printf(&sb, "// Combinational. Each neuron reads its sources' codes from in_codes,\n"
		       "// the first fan-in input in the low address bits, and looks its\n"
		       "// output up in one constant per output bit%s.\n",
		  form == TABLE_ROM ? " (above 6 address bits:\n// in a ROM array filled from those constants at time 0)" : "");
	if (split) {
		split_widths(L, target, &cof_w, &sel_w);
		sb_printf(&sb, "// Split across two stages: a table above about %u LUT levels is cut\n"
			       "// into the 2^k Shannon cofactors of its k top address bits; out_cof\n"
			       "// holds every cofactor's output (cofactor 0 in the low bits) and the\n"
			       "// other neurons' outputs, out_sel the k bits of each split neuron.\n"
			       "%s"
			       "// nlut_core registers both; nlut_layer%u_sel picks the outputs.\n",
			  target,
			  form == TABLE_ROM ? "// A neuron's cofactors share its address bits: above 6 of them, one\n"
					      "// ROM array holds every cofactor's entry (cofactor 0 in the low bits).\n"
					    : "",
			  l);
	}
	sb_printf(&sb, "module %s (\n", name);
	if (!all_used)
		sb_puts(&sb, "    // Not every source is read (pruned connections).\n"
			     "    /* verilator lint_off UNUSED */\n");
	sb_printf(&sb, "    input  wire [%u:0] in_codes,  // %s, source 0 in the LSBs\n",
		  in_w - 1, l ? "previous layer's codes" : "feature codes");
	if (!all_used)
		sb_puts(&sb, "    /* verilator lint_on UNUSED */\n");
	if (split)
		sb_printf(&sb, "    output wire [%u:0] out_cof,   // cofactor outputs, neuron 0 in the LSBs\n"
			       "    output wire [%u:0] out_sel    // select bits, neuron 0 in the LSBs\n);\n",
			  cof_w - 1, sel_w - 1);
	else
		sb_printf(&sb, "    output wire [%u:0] out_codes  // neuron codes, neuron 0 in the LSBs\n);\n",
			  out_w - 1);

	uint32_t obit = 0, sbit = 0;
	const char *out = split ? "out_cof" : "out_codes";

	for (uint32_t j = 0; j < L->n_neurons; j++) {
		const struct nlut_neuron *n = &L->neurons[j];

		sb_printf(&sb, "\n    // neuron %u: fan-in", j);
		for (uint32_t k = 0; k < n->fan_in; k++)
			sb_printf(&sb, " %u", n->src[k]);
		if (n->kind == NLUT_NEURON_DENSE) {
			emit_dense(&sb, tmods, form, name, j, n, off, out, obit);
			obit += n->out_bits;
			continue;
		}
		if (n->kind == NLUT_NEURON_ADDER) {
			sb_printf(&sb, "; adder of %u sub-tables (%u-bit signed) -> %u-bit sum\n",
				  n->n_sub, n->sub_bits, n->addr_bits);
			for (uint32_t s = 0; s < n->n_sub; s++) {
				const struct nlut_subtable *st = &n->sub[s];

				sb_printf(&sb, "    wire [%u:0] n%u_s%u_addr = ", st->addr_bits - 1, j, s);
				emit_concat(&sb, "in_codes", n, st->in, st->n_in, off);
				sb_printf(&sb, ";\n    wire [%u:0] n%u_s%u;\n", n->sub_bits - 1, j, s);
				snprintf(pfx, sizeof(pfx), "N%u_S%u", j, s);
				snprintf(addr, sizeof(addr), "n%u_s%u_addr", j, s);
				snprintf(tgt, sizeof(tgt), "n%u_s%u", j, s);
				emit_table(&sb, tmods, form, name, pfx, st->table, st->addr_bits,
					   n->sub_bits, addr, tgt, 0);
			}
			/* Sign-extend every part to the sum width; the sum wraps
			 * modulo 2^addr_bits (it cannot overflow, by construction). */
			unsigned ext = n->addr_bits - n->sub_bits;

			sb_printf(&sb, "    wire [%u:0] n%u_sum = ", n->addr_bits - 1, j);
			for (uint32_t s = 0; s < n->n_sub; s++) {
				if (ext)
					sb_printf(&sb, "%s{{%u{n%u_s%u[%u]}}, n%u_s%u}", s ? " + " : "",
						  ext, j, s, n->sub_bits - 1, j, s);
				else
					sb_printf(&sb, "%sn%u_s%u", s ? " + " : "", j, s);
			}
			sb_puts(&sb, ";\n");
			snprintf(addr, sizeof(addr), "n%u_sum", j);
		} else {
			unsigned k = split ? nlut_split_bits(n, target) : 0, lo = n->addr_bits - k;

			sb_printf(&sb, " (%u address bits", n->addr_bits);
			if (k)
				sb_printf(&sb, "; %u cofactors of %u bits on the top %u", 1u << k, lo, k);
			sb_puts(&sb, ")\n");
			sb_printf(&sb, "    wire [%u:0] n%u_addr = ", n->addr_bits - 1, j);
			emit_concat(&sb, "in_codes", n, NULL, n->fan_in, off);
			sb_puts(&sb, ";\n");
			snprintf(addr, sizeof(addr), "n%u_addr", j);
			if (k) {
				/* Cofactor c: the entries whose top k address bits are c. */
				sb_printf(&sb, "    wire [%u:0] n%u_lo = n%u_addr[%u:0];\n", lo - 1, j, j,
					  lo - 1);
				sb_printf(&sb, "    assign out_sel[%u:%u] = n%u_addr[%u:%u];\n",
					  sbit + k - 1, sbit, j, n->addr_bits - 1, lo);
				snprintf(addr, sizeof(addr), "n%u_lo", j);
				if (form == TABLE_ROM && lo > 6) {
					emit_cofactor_rom(&sb, j, n, k, lo, out, obit);
					obit += n->out_bits << k;
					sbit += k;
					continue;
				}
				for (uint32_t c = 0; c < 1u << k; c++) {
					snprintf(pfx, sizeof(pfx), "N%u_C%u", j, c);
					emit_table(&sb, tmods, form, name, pfx,
						   n->table + ((size_t)c << lo), lo, n->out_bits,
						   addr, out, obit);
					obit += n->out_bits;
				}
				sbit += k;
				continue;
			}
		}
		snprintf(pfx, sizeof(pfx), "N%u", j);
		emit_table(&sb, tmods, form, name, pfx, n->table, n->addr_bits, n->out_bits, addr, out,
			   obit);
		obit += n->out_bits;
	}
	sb_printf(&sb, "\nendmodule\n\n");
	if (mods.len) {
		sb_puts(&sb, "// The tables (synthesis view for nlut report).\n");
		sb_puts(&sb, mods.p);
	}
	sb_puts(&sb, "`resetall\n");
	sb.bad |= mods.bad;
	free(off);
	char file[80];

	snprintf(file, sizeof(file), "nlut_layer%u.v", l);
	ret = sb_write(&sb, dir, file);
	sb_free(&sb);
	sb_free(&mods);
	return ret;
}

/* nlut_layer<l>_sel of split layer l: each split neuron's output bit b is
 * bit b of cofactor sel (a 2^k:1 mux), the others' pass through. TABLE_ROM:
 * one w-bit mux per neuron, the neuron's 2^k*w cofactor bits (a constant
 * part-select of cof) shifted right by sel * w, the low w bits kept: a
 * narrow word and a shift in Verilator's C++, no branch (the indexed
 * part-select cof[sel * w +: w] it replaced cost a variable shift of the wide
 * cof per neuron; ternaries on sel became branches under gcc: bench_core);
 * otherwise (and for nlut report) one mux per bit. */
static int write_layer_sel(const nlut_model *m, uint32_t l, const char *dir, const char *id,
			   enum table_form form, const struct nlut_plan *p)
{
	const struct nlut_layer *L = nlut_model_layer(m, l);
	unsigned target = p->split_target[l];
	uint32_t cof_w, sel_w, cbit = 0, sbit = 0, obit = 0;
	struct sbuf sb;
	char name[64], what[160];
	int ret;

	split_widths(L, target, &cof_w, &sel_w);
	sb_init(&sb);
	snprintf(name, sizeof(name), "nlut_layer%u_sel", l);
	snprintf(what, sizeof(what), "layer %u of the LUT core, second stage: cofactor muxes", l);
	emit_header(&sb, name, what, id);
	sb_printf(&sb, "// Combinational. Picks each split neuron's cofactor by its registered\n"
		       "// select bits (nlut_layer%u's out_cof and out_sel, one cycle later).\n"
		       "module %s (\n"
		       "    input  wire [%u:0] cof,       // registered out_cof of nlut_layer%u\n"
		       "    input  wire [%u:0] sel,       // registered out_sel of nlut_layer%u\n"
		       "    output wire [%u:0] out_codes  // neuron codes, neuron 0 in the LSBs\n);\n",
		  l, name, cof_w - 1, l, sel_w - 1, l, ng_layer_out_width(m, l) - 1);
	for (uint32_t j = 0; j < L->n_neurons; j++) {
		const struct nlut_neuron *n = &L->neurons[j];
		unsigned k = nlut_split_bits(n, target), w = n->out_bits;

		if (!k) {
			sb_printf(&sb, "\n    // neuron %u: not split\n", j);
			sb_printf(&sb, "    assign out_codes[%u:%u] = cof[%u:%u];\n", obit + w - 1, obit,
				  cbit + w - 1, cbit);
			cbit += w;
			obit += w;
			continue;
		}
		sb_printf(&sb, "\n    // neuron %u: %u cofactors on %u select bits\n", j, 1u << k, k);
		if (form == TABLE_ROM) {
			unsigned sa = 1, cw = w << k;

			while ((1u << sa) <= ((1u << k) - 1) * w) /* bits of the largest shift */
				sa++;
			sb_printf(&sb, "    wire [%u:0] n%u_sh = ", sa - 1, j);
			if (sa > k)
				sb_printf(&sb, "{%u'd0, sel[%u:%u]}", sa - k, sbit + k - 1, sbit);
			else
				sb_printf(&sb, "sel[%u:%u]", sbit + k - 1, sbit);
			sb_printf(&sb, " * %u'd%u;\n"
				       "    /* verilator lint_off UNUSED */\n"
				       "    wire [%u:0] n%u_s = cof[%u:%u] >> n%u_sh;  // bits above %u unread\n"
				       "    /* verilator lint_on UNUSED */\n"
				       "    assign out_codes[%u:%u] = n%u_s[%u:0];\n",
				  sa, w, cw - 1, j, cbit + cw - 1, cbit, j, w - 1, obit + w - 1, obit, j,
				  w - 1);
			cbit += w << k;
			sbit += k;
			obit += w;
			continue;
		}
		for (unsigned b = 0; b < w; b++) {
			sb_printf(&sb, "    wire [%u:0] n%u_b%u = {", (1u << k) - 1, j, b);
			for (uint32_t c = 1u << k; c-- > 0;)
				sb_printf(&sb, "cof[%u]%s", cbit + c * w + b, c ? ", " : "");
			sb_printf(&sb, "};\n    assign out_codes[%u] = n%u_b%u[sel[%u:%u]];\n", obit + b, j,
				  b, sbit + k - 1, sbit);
		}
		cbit += w << k;
		sbit += k;
		obit += w;
	}
	sb_puts(&sb, "\nendmodule\n\n`resetall\n");
	char file[80];

	snprintf(file, sizeof(file), "nlut_layer%u_sel.v", l);
	ret = sb_write(&sb, dir, file);
	sb_free(&sb);
	return ret;
}

/* Score k of the last layer: its width and offset in the scores bus. */
struct scores {
	uint32_t n, width, *off;
	uint8_t *w;
};

static unsigned class_width(uint32_t n)
{
	unsigned w = ng_clog2(n);

	return w ? w : 1;
}

static int write_argmax(const struct scores *sc, const char *dir, const char *id)
{
	struct sbuf sb;
	uint32_t N = sc->n, np = N * (N - 1) / 2, npw = np ? np : 1;
	unsigned cw = class_width(N);
	int ret;

	/* Pair (i, j), i < j, is bit pair_index(i, j) of ge. */
#define PAIR(i, j) ((i) * N - (i) * ((i) + 1) / 2 + ((j) - (i) - 1))
	sb_init(&sb);
	emit_header(&sb, "nlut_argmax_cmp", "argmax of the class scores, step 1: compare every pair",
		    id);
	sb_printf(&sb, "// ge[pair(i, j)] = score i >= score j for i < j, pairs in the order\n"
		       "// (0,1), (0,2), ..., (0,N-1), (1,2), ...\n"
		       "// %u classes.\n"
		       "module nlut_argmax_cmp #(\n"
		       "    parameter SW = %u  // scores bus width\n"
		       ") (\n", N, sc->width);
	if (np == 0)
		sb_puts(&sb, "    // One class: nothing to compare.\n    /* verilator lint_off UNUSED */\n");
	sb_puts(&sb, "    input  wire [SW-1:0] scores,  // class scores, class 0 in the LSBs\n");
	if (np == 0)
		sb_puts(&sb, "    /* verilator lint_on UNUSED */\n");
	sb_printf(&sb, "    output wire [%u:0] ge\n);\n\n", npw - 1);
	if (np == 0)
		sb_puts(&sb, "    assign ge = 1'b0;\n");
	for (uint32_t i = 0; i < N; i++)
		for (uint32_t j = i + 1; j < N; j++)
			sb_printf(&sb, "    assign ge[%u] = scores[%u:%u] >= scores[%u:%u];\n", PAIR(i, j),
				  sc->off[i] + sc->w[i] - 1, sc->off[i], sc->off[j] + sc->w[j] - 1,
				  sc->off[j]);
	sb_puts(&sb, "\nendmodule\n\n`resetall\n");
	ret = sb_write(&sb, dir, "nlut_argmax_cmp.v");
	sb_free(&sb);
	if (ret)
		return ret;

	sb_init(&sb);
	emit_header(&sb, "nlut_argmax_sel", "argmax of the class scores, step 2: pick the winner",
		    id);
	sb_printf(&sb, "// Class i wins when it is >= every later class and > every earlier one\n"
		       "// (ties go to the lowest index); exactly one class wins.\n"
		       "// %u classes.\n"
		       "module nlut_argmax_sel (\n", N);
	if (np == 0)
		sb_puts(&sb, "    /* verilator lint_off UNUSED */\n");
	sb_printf(&sb, "    input  wire [%u:0] ge,  // from nlut_argmax_cmp\n", npw - 1);
	if (np == 0)
		sb_puts(&sb, "    /* verilator lint_on UNUSED */\n");
	sb_printf(&sb, "    output wire [%u:0] cls  // index of the winning class\n);\n\n", cw - 1);
	if (N == 1) {
		sb_puts(&sb, "    assign cls = 1'b0;\n");
	} else {
		/* Class 0 is the index when no other class wins. */
		sb_printf(&sb, "    wire [%u:1] win;\n", N - 1);
		for (uint32_t i = 1; i < N; i++) {
			int first = 1;

			sb_printf(&sb, "    assign win[%u] = ", i);
			for (uint32_t j = 0; j < N; j++) {
				if (j == i)
					continue;
				sb_printf(&sb, "%s%sge[%u]", first ? "" : " & ", j < i ? "~" : "",
					  j < i ? PAIR(j, i) : PAIR(i, j));
				first = 0;
			}
			sb_puts(&sb, ";\n");
		}
		for (unsigned b = 0; b < cw; b++) {
			int first = 1;

			sb_printf(&sb, "    assign cls[%u] = ", b);
			for (uint32_t i = 0; i < N; i++)
				if (i >> b & 1u) {
					sb_printf(&sb, "%swin[%u]", first ? "" : " | ", i);
					first = 0;
				}
			sb_puts(&sb, ";\n");
		}
	}
	sb_puts(&sb, "\nendmodule\n\n`resetall\n");
	ret = sb_write(&sb, dir, "nlut_argmax_sel.v");
	sb_free(&sb);
	return ret;
#undef PAIR
}

/* One pipeline boundary: NAME_next is the value, NAME_reg its register when
 * the boundary is registered; `wire NAME` is what the next unit reads. */
static void emit_boundary(struct sbuf *sb, int reg, const char *name, uint32_t w,
			  const char *value, int is_valid)
{
	char range[32] = "";

	if (w > 1)
		snprintf(range, sizeof(range), "[%u:0] ", w - 1);
	if (!reg) {
		sb_printf(sb, "    wire %s%s = %s;\n", range, name, value);
		return;
	}
	sb_printf(sb, "    wire %s%s_next = %s;\n", range, name, value);
	sb_printf(sb, "    reg  %s%s_reg;\n", range, name);
	if (is_valid)
		sb_printf(sb, "    always @(posedge clk) begin\n"
			      "        if (rst)\n"
			      "            %s_reg <= 1'b0;\n"
			      "        else if (ce)\n"
			      "            %s_reg <= %s_next;\n"
			      "    end\n", name, name, name);
	else
		sb_printf(sb, "    always @(posedge clk) begin\n"
			      "        if (ce)\n"
			      "            %s_reg <= %s_next;\n"
			      "    end\n", name, name);
	sb_printf(sb, "    wire %s%s = %s_reg;\n", range, name, name);
}

/* Unit b, a split layer: its cofactor tables, their register split<b>_*
 * (with its valid bit, same ce discipline as a boundary), then the muxes. */
static void emit_split_unit(struct sbuf *sb, const nlut_model *m, const struct nlut_plan *p,
			    uint32_t b)
{
	uint32_t cw, sw, w = ng_layer_out_width(m, b);
	char nm[64], val[64];

	split_widths(nlut_model_layer(m, b), p->split_target[b], &cw, &sw);
	sb_printf(sb, "layer %u, split: cofactor tables (about %u LUT levels), register,\n"
		      "    // muxes (about %u LUT levels)\n", b, p->split_levels[b], p->mux_levels[b]);
	sb_printf(sb, "    wire [%u:0] u%u_cof;\n    wire [%u:0] u%u_sel;\n", cw - 1, b, sw - 1, b);
	sb_printf(sb, "    nlut_layer%u u_layer%u (\n"
		      "        .in_codes(pipe%u_codes),\n"
		      "        .out_cof(u%u_cof),\n"
		      "        .out_sel(u%u_sel)\n    );\n", b, b, b, b, b);
	sb_printf(sb, "    // split register of layer %u (registered)\n", b);
	snprintf(nm, sizeof(nm), "split%u_valid", b);
	snprintf(val, sizeof(val), "pipe%u_valid", b);
	emit_boundary(sb, 1, nm, 1, val, 1);
	snprintf(nm, sizeof(nm), "split%u_cof", b);
	snprintf(val, sizeof(val), "u%u_cof", b);
	emit_boundary(sb, 1, nm, cw, val, 0);
	snprintf(nm, sizeof(nm), "split%u_sel", b);
	snprintf(val, sizeof(val), "u%u_sel", b);
	emit_boundary(sb, 1, nm, sw, val, 0);
	sb_printf(sb, "    wire u%u_valid = split%u_valid;\n", b, b);
	sb_printf(sb, "    wire [%u:0] u%u_codes;\n", w - 1, b);
	sb_printf(sb, "    nlut_layer%u_sel u_layer%u_sel (\n"
		      "        .cof(split%u_cof),\n"
		      "        .sel(split%u_sel),\n"
		      "        .out_codes(u%u_codes)\n    );\n\n", b, b, b, b, b);
}

struct shape {
	uint32_t in_w, acts_w, n_classes, class_w, np;
	struct scores sc;
	struct ng_gsum gs; /* group-sum models */
};

/* Width of the codes bus at boundary b: the features, a layer's outputs,
 * or the bits between group-sum stages (the last: the scores). */
static uint32_t bus_width(const nlut_model *m, const struct nlut_plan *p, const struct shape *sh,
			  uint32_t b)
{
	if (b == 0)
		return sh->in_w;
	if (b <= p->n_layers)
		return ng_layer_out_width(m, b - 1);
	return ng_gsum_width(&sh->gs, b - p->n_layers);
}

static int write_core(const nlut_model *m, const struct nlut_plan *p, const struct shape *sh,
		      const char *dir, const char *id, const char *policy, int fixed)
{
	uint32_t L = p->n_layers, A = L + p->n_sum; /* A: the argmax compare unit */
	uint32_t tflip = 0, tt = 0;
	unsigned tw = 0;
	struct sbuf sb;
	char nm[64], val[256];
	int ret;

	sb_init(&sb);
	emit_header(&sb, "nlut_core", p->n_sum ? "the LUT core: layers, group sums, argmax, pipeline registers" :
		    "the LUT core: layers, argmax, pipeline registers", id);
	if (fixed)
		sb_puts(&sb, "// One sample per clock (II = 1), fixed latency: no clock enable. A\n"
			     "// sample is accepted at every rising edge with in_valid high; its\n"
			     "// result is on out_* (out_valid high) after exactly LATENCY rising\n"
			     "// edges, every clock.");
	else
		sb_puts(&sb, "// One sample per clock (II = 1). A sample is accepted at a rising edge\n"
			     "// with ce and in_valid high; its result is on out_* (out_valid high)\n"
			     "// after LATENCY rising edges with ce high. ce low holds every register\n"
			     "// (a stall).");
	sb_printf(&sb, " rst clears the valid bits only. docs/core-interface.md.\n"
		       "// Stage policy %s: %u register ranks (boundaries and layer splits).\n"
		       "module nlut_core (\n"
		       "    input  wire         clk,         // core clock\n"
		       "    input  wire         rst,         // synchronous, active high\n"
		       "%s"
		       "    input  wire         in_valid,    // in_codes holds a sample\n"
		       "    input  wire [%u:0] in_codes,    // feature codes, feature 0 in the LSBs\n"
		       "    output wire         out_valid,   // out_scores and out_class hold a result\n"
		       "    output wire [%u:0] out_scores,  // class scores, class 0 in the LSBs\n"
		       "    output wire [%u:0] out_class    // argmax of out_scores, ties to the lowest\n"
		       ");\n\n",
		  policy, p->latency,
		  fixed ? "" : "    input  wire         ce,          // clock enable: low = stall\n",
		  sh->in_w - 1, sh->sc.width - 1, sh->class_w - 1);
	if (fixed)
		sb_puts(&sb, "    // Fixed latency: every register updates at every clock.\n"
			     "    wire ce = 1'b1;\n\n");
	sb_puts(&sb, "    // Read by the shell (nlut_core_params.vh carries the same values),\n"
		     "    // not by the core itself.\n"
		     "    /* verilator lint_off UNUSEDPARAM */\n");
	sb_printf(&sb, "    localparam LATENCY = %u;  // enabled clock edges from input to output\n",
		  p->latency);
	sb_printf(&sb, "    localparam [255:0] MODEL_HASH = 256'h%s;  // model identity (SHA-256)\n",
		  id);
	sb_puts(&sb, "    /* verilator lint_on UNUSEDPARAM */\n\n");

	/* Boundary b feeds unit b; unit outputs are unit<u>_*. */
	for (uint32_t b = 0; b <= p->n_units; b++) {
		const char *pv = b ? NULL : "in_valid";
		char vsrc[32];

		if (b)
			snprintf(vsrc, sizeof(vsrc), "u%u_valid", b - 1);
		sb_printf(&sb, "    // boundary %u%s\n", b, p->reg[b] ? " (registered)" : "");
		snprintf(nm, sizeof(nm), "pipe%u_valid", b);
		emit_boundary(&sb, p->reg[b], nm, 1, pv ? pv : vsrc, 1);
		if (b <= A) {
			snprintf(nm, sizeof(nm), "pipe%u_codes", b);
			if (b == 0)
				snprintf(val, sizeof(val), "in_codes");
			else
				snprintf(val, sizeof(val), "u%u_codes", b - 1);
			emit_boundary(&sb, p->reg[b], nm, bus_width(m, p, sh, b), val, 0);
		} else {
			snprintf(nm, sizeof(nm), "pipe%u_scores", b);
			snprintf(val, sizeof(val), "u%u_scores", b - 1);
			emit_boundary(&sb, p->reg[b], nm, sh->sc.width, val, 0);
			snprintf(nm, sizeof(nm), "pipe%u_%s", b, b == A + 1 ? "ge" : "class");
			snprintf(val, sizeof(val), "u%u_%s", b - 1, b == A + 1 ? "ge" : "class");
			emit_boundary(&sb, p->reg[b], nm, b == A + 1 ? (sh->np ? sh->np : 1) : sh->class_w,
				      val, 0);
		}
		if (b == p->n_units)
			break;
		/* unit b */
		sb_printf(&sb, "\n    // unit %u: ", b);
		if (b < L) {
			uint32_t w = ng_layer_out_width(m, b);

			if (p->split[b]) {
				emit_split_unit(&sb, m, p, b);
				continue;
			}
			sb_printf(&sb, "layer %u (about %u LUT levels)\n", b, p->unit_levels[b]);
			sb_printf(&sb, "    wire u%u_valid = pipe%u_valid;\n", b, b);
			sb_printf(&sb, "    wire [%u:0] u%u_codes;\n", w - 1, b);
			sb_printf(&sb, "    nlut_layer%u u_layer%u (\n"
				       "        .in_codes(pipe%u_codes),\n"
				       "        .out_codes(u%u_codes)\n    );\n\n", b, b, b, b);
		} else if (b < A) {
			uint32_t st = b - L;

			sb_printf(&sb, "group sums, stage %u of %u (about %u LUT levels)\n", st + 1,
				  p->n_sum, p->unit_levels[b]);
			sb_printf(&sb, "    wire u%u_valid = pipe%u_valid;\n", b, b);
			sb_printf(&sb, "    wire [%u:0] u%u_codes;\n", bus_width(m, p, sh, b + 1) - 1, b);
			sb_printf(&sb, "    nlut_gsum%u u_gsum%u (\n"
				       "        .in_bits(pipe%u_codes),\n"
				       "        .out_bits(u%u_codes)\n    );\n\n", st, st, b, b);
		} else if (b == A && ng_threshold_cmp(m, &tw, &tflip, &tt)) {
			sb_printf(&sb, "threshold compare (about %u LUT levels)\n", p->unit_levels[b]);
			sb_printf(&sb, "    // class 1 iff the last neuron's %s code >= %d: one unsigned\n"
				       "    // compare (a signed code's sign bit flipped, the threshold\n"
				       "    // offset by 2^%u); one-hot 1-bit scores, class 0 in the LSB.\n",
				  tflip ? "signed" : "unsigned", (int)((int64_t)tt - tflip), tw - 1);
			sb_printf(&sb, "    wire u%u_valid = pipe%u_valid;\n", b, b);
			sb_printf(&sb, "    wire u%u_t = {1'b0, pipe%u_codes ^ %u'd%u} >= %u'd%u;\n", b, b, tw,
				  tflip, tw + 1, tt);
			sb_printf(&sb, "    wire [1:0] u%u_scores = {u%u_t, ~u%u_t};\n", b, b, b);
			sb_printf(&sb, "    wire [0:0] u%u_ge;\n", b);
			sb_printf(&sb, "    nlut_argmax_cmp u_argmax_cmp (\n"
				       "        .scores(u%u_scores),\n"
				       "        .ge(u%u_ge)\n    );\n\n", b, b);
		} else if (b == A) {
			sb_printf(&sb, "argmax compare (about %u LUT levels)\n", p->unit_levels[b]);
			sb_printf(&sb, "    wire u%u_valid = pipe%u_valid;\n", b, b);
			sb_printf(&sb, "    wire [%u:0] u%u_scores = pipe%u_codes;\n", sh->sc.width - 1, b,
				  b);
			sb_printf(&sb, "    wire [%u:0] u%u_ge;\n", (sh->np ? sh->np : 1) - 1, b);
			sb_printf(&sb, "    nlut_argmax_cmp u_argmax_cmp (\n"
				       "        .scores(pipe%u_codes),\n"
				       "        .ge(u%u_ge)\n    );\n\n", b, b);
		} else {
			sb_printf(&sb, "argmax select (about %u LUT levels)\n", p->unit_levels[b]);
			sb_printf(&sb, "    wire u%u_valid = pipe%u_valid;\n", b, b);
			sb_printf(&sb, "    wire [%u:0] u%u_scores = pipe%u_scores;\n", sh->sc.width - 1,
				  b, b);
			sb_printf(&sb, "    wire [%u:0] u%u_class;\n", sh->class_w - 1, b);
			sb_printf(&sb, "    nlut_argmax_sel u_argmax_sel (\n"
				       "        .ge(pipe%u_ge),\n"
				       "        .cls(u%u_class)\n    );\n\n", b, b);
		}
	}
	uint32_t U = p->n_units;

	sb_printf(&sb, "\n    assign out_valid = pipe%u_valid;\n"
		       "    assign out_scores = pipe%u_scores;\n"
		       "    assign out_class = pipe%u_class;\n\n", U, U, U);
	/* Every layer's output, for co-simulation: the harness reads layer l's
	 * slice unit_cycle[l] enabled edges after a sample was accepted. */
	sb_puts(&sb, "    // Debug view for co-simulation (no logic): every layer's outputs,\n"
		     "    // layer 0 in the LSBs. Read by the Verilator harness only.\n"
		     "    /* verilator lint_off UNUSED */\n");
	sb_printf(&sb, "    wire [%u:0] dbg_acts /*verilator public_flat_rd*/;\n", sh->acts_w - 1);
	sb_puts(&sb, "    /* verilator lint_on UNUSED */\n    assign dbg_acts = {");
	for (uint32_t l = L; l-- > 0;)
		sb_printf(&sb, "u%u_codes%s", l, l ? ", " : "");
	sb_puts(&sb, "};\n\nendmodule\n\n`resetall\n");
	ret = sb_write(&sb, dir, "nlut_core.v");
	sb_free(&sb);
	return ret;
}

static void emit_list(struct sbuf *sb, const char *name, const uint32_t *v, uint32_t n)
{
	sb_printf(sb, "#define %s {", name);
	for (uint32_t i = 0; i < n; i++)
		sb_printf(sb, "%s%u", i ? ", " : " ", v[i]);
	sb_puts(sb, " }\n");
}

static int write_params(const nlut_model *m, const struct nlut_plan *p, const struct shape *sh,
			const char *dir, const char *id, const char *policy,
			const struct nlut_gen_opts *o)
{
	uint32_t L = p->n_layers, lw[NLUT_MAX_LAYERS], lc[NLUT_MAX_LAYERS];
	struct sbuf sb;
	int ret;

	for (uint32_t l = 0; l < L; l++) {
		lw[l] = ng_layer_out_width(m, l);
		lc[l] = p->unit_cycle[l];
	}
	sb_init(&sb);
	ng_banner(&sb, "//", "nlut_core_params.vh - parameters of the generated nlut_core", id);
	sb_puts(&sb, "\n`ifndef NLUT_CORE_PARAMS_VH\n`define NLUT_CORE_PARAMS_VH\n\n");
	sb_printf(&sb, "`define NLUT_CORE_IN_WIDTH %u      // in_codes bits\n", sh->in_w);
	sb_printf(&sb, "`define NLUT_CORE_N_INPUTS %u      // features\n", nlut_model_num_inputs(m));
	sb_printf(&sb, "`define NLUT_CORE_SCORES_WIDTH %u  // out_scores bits\n", sh->sc.width);
	sb_printf(&sb, "`define NLUT_CORE_N_CLASSES %u     // classes\n", sh->n_classes);
	sb_printf(&sb, "`define NLUT_CORE_CLASS_WIDTH %u   // out_class bits\n", sh->class_w);
	sb_printf(&sb, "`define NLUT_CORE_LATENCY %u       // cycles, input to output (%s)\n",
		  p->latency, o->fixed_latency ? "clock edges" : "rising edges with ce high");
	if (o->fixed_latency)
		sb_puts(&sb, "`define NLUT_CORE_FIXED_LATENCY 1 // no ce port: latency fixed to the clock\n");
	sb_printf(&sb, "`define NLUT_CORE_MODEL_HASH 256'h%s\n", id);
	/* Each class's score width, 8 bits per class, class 0 in the LSBs:
	 * the shell widens every score to 16 bits in the result record. */
	sb_printf(&sb, "`define NLUT_CORE_SCORE_WIDTHS %u'h", 8 * sh->n_classes);
	for (uint32_t j = sh->n_classes; j-- > 0;)
		sb_printf(&sb, "%02x", sh->sc.w[j]);
	sb_puts(&sb, "\n");
	sb_puts(&sb, "\n`endif\n");
	ret = o->hdl == NLUT_GEN_HDL_VERILOG ? sb_write(&sb, dir, "nlut_core_params.vh") : 0;
	sb_free(&sb);
	if (ret)
		return ret;

	sb_init(&sb);
	ng_banner(&sb, "/*", "nlut_core_params.h - parameters of the generated nlut_core", id);
	sb_puts(&sb, "\n#ifndef NLUT_CORE_PARAMS_H\n#define NLUT_CORE_PARAMS_H\n\n");
	sb_printf(&sb, "#define NLUT_CORE_GEN_VERSION \"%s\"\n", NLUT_GEN_VERSION);
	sb_printf(&sb, "#define NLUT_CORE_MODEL_ID \"%s\"\n", id);
	sb_printf(&sb, "#define NLUT_CORE_STAGES \"%s\"\n", policy);
	sb_printf(&sb, "#define NLUT_CORE_IN_WIDTH %uu\n", sh->in_w);
	sb_printf(&sb, "#define NLUT_CORE_N_INPUTS %uu\n", nlut_model_num_inputs(m));
	sb_printf(&sb, "#define NLUT_CORE_SCORES_WIDTH %uu\n", sh->sc.width);
	sb_printf(&sb, "#define NLUT_CORE_N_CLASSES %uu\n", sh->n_classes);
	sb_printf(&sb, "#define NLUT_CORE_CLASS_WIDTH %uu\n", sh->class_w);
	sb_printf(&sb, "#define NLUT_CORE_LATENCY %uu /* cycles, input to output */\n", p->latency);
	sb_printf(&sb, "#define NLUT_CORE_FIXED_LATENCY %u /* 1: no ce port, latency in clocks */\n",
		  o->fixed_latency ? 1 : 0);
	sb_printf(&sb, "#define NLUT_CORE_N_LAYERS %uu\n", L);
	sb_printf(&sb, "#define NLUT_CORE_ACTS_WIDTH %uu /* dbg_acts bits */\n", sh->acts_w);
	sb_puts(&sb, "/* Per layer: output bits, and the enabled edges after acceptance at\n"
		     " * which dbg_acts shows that layer's outputs of the sample. */\n");
	emit_list(&sb, "NLUT_CORE_LAYER_WIDTH_INIT", lw, L);
	emit_list(&sb, "NLUT_CORE_LAYER_CYCLE_INIT", lc, L);
	sb_puts(&sb, "/* Per class: score bits (out_scores packs them, class 0 in the LSBs). */\n");
	sb_puts(&sb, "#define NLUT_CORE_SCORE_WIDTH_INIT {");
	for (uint32_t j = 0; j < sh->n_classes; j++)
		sb_printf(&sb, "%s%u", j ? ", " : " ", sh->sc.w[j]);
	sb_puts(&sb, " }\n");
	sb_puts(&sb, "\n#endif /* NLUT_CORE_PARAMS_H */\n");
	ret = sb_write(&sb, dir, "nlut_core_params.h");
	sb_free(&sb);
	return ret;
}

static int write_nlut(const nlut_model *m, const struct nlut_gen_opts *o, const char *dir,
		      const char *id, struct nlut_plan *p)
{
	uint32_t L = nlut_model_num_layers(m);
	const struct nlut_layer *last = nlut_model_layer(m, L - 1);
	struct shape sh;
	struct sbuf sb;
	char policy[32];
	int ret;

	for (uint32_t l = 0; l < L; l++) {
		const struct nlut_layer *Ly = nlut_model_layer(m, l);

		for (uint32_t j = 0; j < Ly->n_neurons; j++) {
			const struct nlut_neuron *n = &Ly->neurons[j];
			uint32_t mx = n->addr_bits;

			for (uint32_t s = 0; s < n->n_sub; s++)
				if (n->sub[s].addr_bits > mx)
					mx = n->sub[s].addr_bits;
			if (mx > NLUT_GEN_MAX_TABLE_BITS)
				return ng_fail(NLUT_ERROR_UNSUPPORTED,
					       "layer %u neuron %u: a %u-bit table is wider than the "
					       "generator renders (%u bits)", l, j, mx,
					       NLUT_GEN_MAX_TABLE_BITS);
		}
	}
	if ((ret = nlut_plan_make(m, &o->stages, p)))
		return ret;
	nlut_stages_format(&o->stages, policy, sizeof(policy));
	memset(&sh, 0, sizeof(sh));
	sh.in_w = ng_layer_in_width(m, 0);
	sh.n_classes = nlut_model_num_classes(m);
	(void)last;
	if (p->n_sum && (ret = ng_gsum_plan(m, &sh.gs)))
		return ret;
	sh.class_w = class_width(sh.n_classes);
	sh.np = sh.n_classes * (sh.n_classes - 1) / 2;
	for (uint32_t l = 0; l < L; l++)
		sh.acts_w += ng_layer_out_width(m, l);
	sh.sc.n = sh.n_classes;
	sh.sc.off = calloc(sh.sc.n, sizeof(*sh.sc.off));
	sh.sc.w = calloc(sh.sc.n, 1);
	if (!sh.sc.off || !sh.sc.w) {
		ret = ng_fail(NLUT_ERROR_NO_MEM, "out of memory");
		goto out;
	}
	for (uint32_t j = 0; j < sh.sc.n; j++) {
		sh.sc.off[j] = sh.sc.width;
		sh.sc.w[j] = (uint8_t)nlut_model_score_bits(m, j);
		sh.sc.width += sh.sc.w[j];
	}
	if (o->hdl == NLUT_GEN_HDL_VHDL) {
		if (!(ret = ng_vhdl_write(m, p, &sh.gs, o, dir, id, policy)))
			ret = write_params(m, p, &sh, dir, id, policy, o);
		goto out;
	}
	enum table_form form = o->yosys_luts ? TABLE_YOSYS : o->table_bits ? TABLE_BITS : TABLE_ROM;

	for (uint32_t l = 0; l < L && !ret; l++) {
		ret = write_layer(m, l, dir, id, form, p);
		if (!ret && p->split[l])
			ret = write_layer_sel(m, l, dir, id, form, p);
	}
	if (!ret && p->n_sum)
		ret = ng_gsum_write(&sh.gs, dir, id);
	if (!ret)
		ret = write_argmax(&sh.sc, dir, id);
	if (!ret)
		ret = write_core(m, p, &sh, dir, id, policy, o->fixed_latency);
	if (!ret)
		ret = write_params(m, p, &sh, dir, id, policy, o);
	if (ret)
		goto out;
	sb_init(&sb);
	ng_banner(&sb, "//", "nlut_core.f - the core's sources, relative to this file (-F)", id);
	for (uint32_t l = 0; l < L; l++) {
		sb_printf(&sb, "nlut_layer%u.v\n", l);
		if (p->split[l])
			sb_printf(&sb, "nlut_layer%u_sel.v\n", l);
	}
	for (uint32_t st = 0; st < p->n_sum; st++)
		sb_printf(&sb, "nlut_gsum%u.v\n", st);
	sb_puts(&sb, "nlut_argmax_cmp.v\nnlut_argmax_sel.v\nnlut_core.v\n");
	ret = sb_write(&sb, dir, "nlut_core.f");
	sb_free(&sb);
out:
	ng_gsum_free(&sh.gs);
	free(sh.sc.off);
	free(sh.sc.w);
	return ret;
}

int nlut_gen_logicnets(const nlut_model *m, const char *dir, const char *id, int yosys);

int nlut_gen_write(const nlut_model *m, const struct nlut_gen_opts *o, const char *dir,
		   struct nlut_plan *plan)
{
	char id[NLUT_ID_STR_SIZE];
	struct nlut_plan local;
	int ret;

	ng_clear_error();
	if (!m || !o || !dir)
		return ng_fail(NLUT_ERROR_INVALID_PARAM, "no model, options or directory");
	if ((ret = nlut_model_id(m, id)))
		return ng_pass(ret, "model identity");
	if (o->style != NLUT_GEN_STYLE_NLUT && (o->hdl != NLUT_GEN_HDL_VERILOG || o->fixed_latency))
		return ng_fail(NLUT_ERROR_INVALID_PARAM,
			       "the LogicNets style is Verilog only and has no fixed-latency form");
	/* The self-test data belongs to the shell (Verilog, with a clock
	 * enable), which wraps the nlut style. */
	int bist = o->style == NLUT_GEN_STYLE_NLUT && o->hdl == NLUT_GEN_HDL_VERILOG &&
		   !o->fixed_latency && o->bist_vectors;

	if (bist && (ret = ng_bist_check(m, o->bist_vectors)))
		return ret;
	if ((ret = ng_mkdir(dir)))
		return ret;
	if (o->style == NLUT_GEN_STYLE_LOGICNETS)
		return nlut_gen_logicnets(m, dir, id, o->yosys_luts);
	if ((ret = write_nlut(m, o, dir, id, plan ? plan : &local)))
		return ret;
	return bist ? ng_write_bist(m, o->bist_vectors, dir) : 0;
}
