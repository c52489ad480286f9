/* vlayout.c - models as the Verilog folders LogicNets-family generators
 * write (vlayout.h). */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vlayout.h"

static int failed; /* a write or allocation failed */

static void put(const char *dir, const char *file, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "w");
	if (!f || !text || fputs(text, f) < 0)
		failed = 1;
	if (f && fclose(f))
		failed = 1;
}

/* A growable string. */
struct str {
	char *s;
	size_t n, cap;
};

static void sp(struct str *b, const char *fmt, ...)
{
	va_list ap;
	int k;

	for (;;) {
		va_start(ap, fmt);
		k = vsnprintf(b->s ? b->s + b->n : NULL, b->s ? b->cap - b->n : 0, fmt, ap);
		va_end(ap);
		if (k < 0) {
			failed = 1;
			return;
		}
		if (b->s && b->n + (size_t)k < b->cap)
			break;
		b->cap = (b->cap + (size_t)k + 1) * 2;
		char *ns = realloc(b->s, b->cap);

		if (!ns) {
			failed = 1;
			return;
		}
		b->s = ns;
	}
	b->n += (size_t)k;
}

static void bin(struct str *b, uint32_t v, unsigned w)
{
	for (unsigned i = w; i-- > 0;)
		sp(b, "%c", (v >> i & 1u) ? '1' : '0');
}

/* Module name of layer l's neuron j. */
static void neuron_name(const struct vl_style *st, uint32_t l, uint32_t j, char *out, size_t n)
{
	if (!st->polyadd)
		snprintf(out, n, "%slayer%u_N%u", st->pfx, l, j);
	else if (l % 2 == 0)
		snprintf(out, n, "%slayer%u_N%u_E%u", st->pfx, l / 2, j / 2, j % 2);
	else
		snprintf(out, n, "%sadder%u_N%u", st->pfx, l / 2, j);
}

static void layer_name(const struct vl_style *st, uint32_t l, char *out, size_t n)
{
	if (!st->polyadd)
		snprintf(out, n, "%slayer%u", st->pfx, l);
	else
		snprintf(out, n, "%s%s%u", st->pfx, l % 2 ? "adder" : "layer", l / 2);
}

static uint32_t out_width(const nlut_model *m, uint32_t l)
{
	const struct nlut_layer *L = nlut_model_layer(m, l);
	uint32_t w = 0;

	for (uint32_t j = 0; j < L->n_neurons; j++)
		w += L->neurons[j].out_bits;
	return w;
}

static uint32_t in_width(const nlut_model *m, uint32_t l)
{
	uint32_t w = 0;

	if (l)
		return out_width(m, l - 1);
	for (uint32_t i = 0; i < nlut_model_num_inputs(m); i++)
		w += nlut_model_quant(m)[i].bits;
	return w;
}

/* Bit offset of every source of layer l. */
static uint32_t *src_off(const nlut_model *m, uint32_t l)
{
	uint32_t n = l ? nlut_model_layer(m, l - 1)->n_neurons : nlut_model_num_inputs(m);
	uint32_t *off = calloc(n + 1, sizeof(*off));

	if (!off)
		return NULL;
	for (uint32_t i = 0; i < n; i++)
		off[i + 1] = off[i] + (l ? nlut_model_layer(m, l - 1)->neurons[i].out_bits
					 : nlut_model_quant(m)[i].bits);
	return off;
}

int vl_write(const nlut_model *m, const char *dir, const struct vl_style *st)
{
	uint32_t L = nlut_model_num_layers(m);
	struct str top = { 0 };
	char nm[96], ln[96], file[128];

	for (uint32_t l = 0; l < L; l++) {
		const struct nlut_layer *Ly = nlut_model_layer(m, l);
		uint32_t *off = src_off(m, l), obit = 0;
		struct str lay = { 0 };

		if (!off)
			return -1;

		layer_name(st, l, ln, sizeof(ln));
		sp(&lay, "module %s (input [%u:0] M0, output [%u:0] M1);\n\n", ln, in_width(m, l) - 1,
		   out_width(m, l) - 1);
		for (uint32_t j = 0; j < Ly->n_neurons; j++) {
			const struct nlut_neuron *n = &Ly->neurons[j];
			struct str neu = { 0 };
			uint32_t entries = 1u << n->addr_bits;

			if (n->kind != NLUT_NEURON_TABLE)
				failed = 1;
			neuron_name(st, l, j, nm, sizeof(nm));
			/* LogicNets: fan-in input 0 first, i.e. in the high bits. */
			sp(&lay, "wire [%u:0] %s_wire = {", n->addr_bits - 1, nm);
			for (uint32_t k = 0; k < n->fan_in; k++)
				for (unsigned b = n->src_bits[k]; b-- > 0;)
					sp(&lay, "%sM0[%u]", k || b + 1 < n->src_bits[k] ? ", " : "",
					   off[n->src[k]] + b);
			sp(&lay, "};\n%s %s_inst (.%s(%s_wire), .%s(M1[%u:%u]));\n\n", nm, nm, st->pin,
			   nm, st->pout, obit + n->out_bits - 1, obit);
			obit += n->out_bits;

			sp(&neu, "module %s ( input [%u:0] %s, output [%u:0] %s );\n\n", nm,
			   n->addr_bits - 1, st->pin, n->out_bits - 1, st->pout);
			sp(&neu, "\t(*rom_style = \"distributed\" *) reg [%u:0] %sr;\n\tassign %s = %sr;\n",
			   n->out_bits - 1, st->pout, st->pout, st->pout);
			sp(&neu, "\talways @ (%s) begin\n\t\tcase (%s)\n", st->pin, st->pin);
			for (uint32_t i = 0; i < entries; i++) {
				/* Counter i, fields from the high bits (input 0 first);
				 * each field's digit d is the code (d + 2^(w-1)) mod 2^w:
				 * LogicNets' signed order. key_v = the Verilog key,
				 * key_m = the model's address of the same codes. */
				uint32_t key_v = 0, key_m = 0, sh_v = n->addr_bits, sh_m = 0;

				for (uint32_t k = 0; k < n->fan_in; k++) {
					uint32_t w = n->src_bits[k];
					uint32_t d = (i >> (sh_v - w)) & ((1u << w) - 1u);
					uint32_t c = (d + (1u << (w - 1))) & ((1u << w) - 1u);

					sh_v -= w;
					key_v |= c << sh_v;
					key_m |= c << sh_m;
					sh_m += w;
				}
				sp(&neu, "\t\t\t%u'b", n->addr_bits);
				bin(&neu, key_v, n->addr_bits);
				sp(&neu, ": %sr = %u'b", st->pout, n->out_bits);
				bin(&neu, n->table[key_m], n->out_bits);
				sp(&neu, ";\n");
			}
			sp(&neu, "\n\t\tendcase\n\tend\nendmodule\n");
			snprintf(file, sizeof(file), "%s.v", nm);
			put(dir, file, neu.s);
			free(neu.s);
		}
		sp(&lay, "endmodule");
		snprintf(file, sizeof(file), "%s.v", ln);
		put(dir, file, lay.s);
		free(lay.s);
		free(off);
	}
	put(dir, "myreg.v", "module myreg #(parameter DataWidth=16) (\n"
			    "    input [DataWidth-1:0] data_in,\n    input wire clk,\n"
			    "    input wire rst,\n    output reg [DataWidth-1:0] data_out\n    );\n"
			    "    always@(posedge clk) begin\n    if(!rst)\n        data_out<=data_in;\n"
			    "    else\n        data_out<=0;\n    end\nendmodule\n\n");
	sp(&top, "module %s (input [%u:0] M0, input clk, input rst, output[%u:0] M%u);\n", st->top,
	   in_width(m, 0) - 1, out_width(m, L - 1) - 1, L);
	for (uint32_t l = 0; l < L; l++) {
		layer_name(st, l, ln, sizeof(ln));
		sp(&top, "wire [%u:0] M%uw;\n", in_width(m, l) - 1, l);
		if (st->alias_odd && l % 2)
			sp(&top, "assign M%uw = M%u;\n", l, l);
		else
			sp(&top, "myreg #(.DataWidth(%u)) %s_reg (.data_in(M%u), .clk(clk), .rst(rst), "
				 ".data_out(M%uw));\n", in_width(m, l), ln, l, l);
		if (l + 1 < L)
			sp(&top, "wire [%u:0] M%u;\n", out_width(m, l) - 1, l + 1);
		sp(&top, "%s %s_inst (.M0(M%uw), .M1(M%u));\n", ln, ln, l, l + 1);
	}
	sp(&top, "\nendmodule\n");
	snprintf(file, sizeof(file), "%s.v", st->top);
	put(dir, file, top.s);
	free(top.s);
	int ret = failed ? -1 : 0;

	failed = 0;
	return ret;
}

