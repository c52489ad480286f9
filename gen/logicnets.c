/* logicnets.c - the LogicNets-style rendering of a model: one `case` module
 * per neuron, a module per layer wiring neuron inputs from M0 bit selects, a
 * register before every layer. The baseline of `nlut report --baseline` and
 * the format `nlut import` reads. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_private.h"

/* Binary digits of v, w wide. */
static void put_bin(struct sbuf *sb, uint32_t v, unsigned w)
{
	for (unsigned b = w; b-- > 0;)
		sb_putc(sb, (v >> b & 1u) ? '1' : '0');
}

/*
 * A case module over a table of n address bits and w-bit entries. As
 * LogicNets writes them, the lines follow the signed values of each input
 * (offset binary: 10, 11, 00, 01 for two bits), so keys are not in ascending
 * order: the code of every field starts at the middle of its range.
 */
static int write_case(const char *dir, const char *name, const char *id, const uint16_t *t,
		      unsigned n, unsigned w, const uint8_t *field, unsigned nf, int yosys)
{
	struct sbuf sb;
	char file[96], what[160];
	uint32_t entries = 1u << n;
	int ret;

	sb_init(&sb);
	snprintf(what, sizeof(what), "%s - LogicNets-style neuron table", name);
	ng_banner(&sb, "//", what, id);
	sb_printf(&sb, "module %s ( input [%u:0] M0, output [%u:0] M1 );\n\n", name, n - 1, w - 1);
	if (yosys) {
		/* The synthesis view of `nlut report --baseline`: the same
		 * table as LUT primitives (ng_yosys_table). */
		ng_yosys_table(&sb, "t", t, n, w, "M0", "M1", 0);
		sb_puts(&sb, "endmodule\n");
		goto write;
	}
	sb_printf(&sb, "\t(*rom_style = \"distributed\" *) reg [%u:0] M1r;\n", w - 1);
	sb_puts(&sb, "\tassign M1 = M1r;\n\talways @ (M0) begin\n\t\tcase (M0)\n");
	for (uint32_t i = 0; i < entries; i++) {
		/* Counter i, fields from the LSB; each field's digit d maps to
		 * the code (d + 2^(bits-1)) mod 2^bits. */
		uint32_t key = 0, shift = 0;

		for (unsigned f = 0; f < nf; f++) {
			uint32_t fw = field[f], d = (i >> shift) & ((1u << fw) - 1u);

			key |= ((d + (1u << (fw - 1))) & ((1u << fw) - 1u)) << shift;
			shift += fw;
		}
		sb_printf(&sb, "\t\t\t%u'b", n);
		put_bin(&sb, key, n);
		sb_printf(&sb, ": M1r = %u'b", w);
		put_bin(&sb, t[key], w);
		sb_puts(&sb, ";\n");
	}
	sb_puts(&sb, "\t\tendcase\n\tend\nendmodule\n");
write:
	snprintf(file, sizeof(file), "%s.v", name);
	ret = sb_write(&sb, dir, file);
	sb_free(&sb);
	return ret;
}

/* {M0[hi], ..., M0[lo]} bit by bit, last fan-in input first so that input 0
 * lands in the LSBs. */
static void put_fanin(struct sbuf *sb, const struct nlut_neuron *n, const uint32_t *off)
{
	int first = 1;

	for (uint32_t k = n->fan_in; k-- > 0;)
		for (unsigned b = n->src_bits[k]; b-- > 0;) {
			sb_printf(sb, "%sM0[%u]", first ? "" : ", ", off[n->src[k]] + b);
			first = 0;
		}
}

static int write_layer(const nlut_model *m, uint32_t l, const char *dir, const char *id,
		       int yosys)
{
	const struct nlut_layer *L = nlut_model_layer(m, l);
	uint32_t in_w = ng_layer_in_width(m, l), out_w = ng_layer_out_width(m, l), obit = 0;
	uint32_t *off = ng_src_offsets(m, l);
	struct sbuf sb;
	char name[64], file[64], what[96];
	uint8_t field[NLUT_MAX_FAN_IN * NLUT_MAX_SUBTABLES];
	int ret = 0;

	if (!off)
		return ng_fail(NLUT_ERROR_NO_MEM, "out of memory");
	sb_init(&sb);
	snprintf(what, sizeof(what), "layer%u.v - LogicNets-style layer", l);
	ng_banner(&sb, "//", what, id);
	sb_printf(&sb, "module layer%u (input [%u:0] M0, output [%u:0] M1);\n\n", l, in_w - 1,
		  out_w - 1);
	for (uint32_t j = 0; j < L->n_neurons && !ret; j++) {
		const struct nlut_neuron *n = &L->neurons[j];
		uint32_t fw = 0, *foff = NULL;

		snprintf(name, sizeof(name), "layer%u_N%u", l, j);
		for (uint32_t k = 0; k < n->fan_in; k++)
			fw += n->src_bits[k];
		sb_printf(&sb, "wire [%u:0] %s_wire = {", fw - 1, name);
		put_fanin(&sb, n, off);
		sb_puts(&sb, "};\n");
		if (n->kind != NLUT_NEURON_ADDER) {
			for (uint32_t k = 0; k < n->fan_in; k++)
				field[k] = n->src_bits[k];
			ret = write_case(dir, name, id, n->table, n->addr_bits, n->out_bits, field,
					 n->fan_in, yosys);
			sb_printf(&sb, "%s %s_inst (.M0(%s_wire), .M1(M1[%u:%u]));\n\n", name, name,
				  name, obit + n->out_bits - 1, obit);
			obit += n->out_bits;
			continue;
		}
		/* Adder neuron (nlut extension, after PolyLUT-Add): sub-table
		 * modules _S<s> read fan-in positions from the neuron's wire,
		 * their sign-extended sum addresses the neuron's own table. */
		foff = calloc(n->fan_in + 1, sizeof(*foff));
		if (!foff) {
			ret = ng_fail(NLUT_ERROR_NO_MEM, "out of memory");
			break;
		}
		for (uint32_t k = 0; k < n->fan_in; k++)
			foff[k + 1] = foff[k] + n->src_bits[k];
		for (uint32_t s = 0; s < n->n_sub && !ret; s++) {
			const struct nlut_subtable *st = &n->sub[s];
			char sn[80];

			snprintf(sn, sizeof(sn), "%s_S%u", name, s);
			sb_printf(&sb, "wire [%u:0] %s_wire = {", st->addr_bits - 1, sn);
			for (uint32_t i = st->n_in; i-- > 0;) {
				uint32_t k = st->in[i];

				sb_printf(&sb, "%s_wire[%u:%u]%s", name, foff[k] + n->src_bits[k] - 1,
					  foff[k], i ? ", " : "");
				field[i] = n->src_bits[k];
			}
			sb_puts(&sb, "};\n");
			sb_printf(&sb, "wire [%u:0] %s_out;\n", n->sub_bits - 1, sn);
			sb_printf(&sb, "%s %s_inst (.M0(%s_wire), .M1(%s_out));\n", sn, sn, sn, sn);
			ret = write_case(dir, sn, id, st->table, st->addr_bits, n->sub_bits, field,
					 st->n_in, yosys);
		}
		free(foff);
		unsigned ext = n->addr_bits - n->sub_bits;

		sb_printf(&sb, "wire [%u:0] %s_sum = ", n->addr_bits - 1, name);
		for (uint32_t s = 0; s < n->n_sub; s++) {
			if (ext)
				sb_printf(&sb, "%s{{%u{%s_S%u_out[%u]}}, %s_S%u_out}", s ? " + " : "", ext,
					  name, s, n->sub_bits - 1, name, s);
			else
				sb_printf(&sb, "%s%s_S%u_out", s ? " + " : "", name, s);
		}
		sb_puts(&sb, ";\n");
		sb_printf(&sb, "%s %s_inst (.M0(%s_sum), .M1(M1[%u:%u]));\n\n", name, name, name,
			  obit + n->out_bits - 1, obit);
		field[0] = (uint8_t)n->addr_bits;
		if (!ret)
			ret = write_case(dir, name, id, n->table, n->addr_bits, n->out_bits, field, 1,
					 yosys);
		obit += n->out_bits;
	}
	free(off);
	sb_puts(&sb, "endmodule\n");
	snprintf(file, sizeof(file), "layer%u.v", l);
	if (!ret)
		ret = sb_write(&sb, dir, file);
	sb_free(&sb);
	return ret;
}

int nlut_gen_logicnets(const nlut_model *m, const char *dir, const char *id, int yosys);

int nlut_gen_logicnets(const nlut_model *m, const char *dir, const char *id, int yosys)
{
	uint32_t L = nlut_model_num_layers(m);
	struct sbuf sb;
	int ret = 0;

	if (nlut_model_decoding(m) != NLUT_DECODE_ARGMAX)
		return ng_fail(NLUT_ERROR_UNSUPPORTED,
			       "the LogicNets style has %s: use the nlut style",
			       nlut_model_decoding(m) == NLUT_DECODE_THRESHOLD
			       ? "no threshold decoding (a format 1.2 threshold model)"
			       : "no group sums (a format 1.1 group-sum model)");
	for (uint32_t l = 0; l < L; l++)
		for (uint32_t j = 0; j < nlut_model_layer(m, l)->n_neurons; j++)
			if (nlut_model_layer(m, l)->neurons[j].kind == NLUT_NEURON_DENSE)
				return ng_fail(NLUT_ERROR_UNSUPPORTED,
					       "the LogicNets style has no LUT-Dense neurons (layer %u neuron %u, "
					       "format 1.3): use the nlut style", l, j);
	for (uint32_t l = 0; l < L && !ret; l++)
		ret = write_layer(m, l, dir, id, yosys);
	if (ret)
		return ret;
	sb_init(&sb);
	ng_banner(&sb, "//", "myreg.v - LogicNets-style register (reset to 0)", id);
	sb_puts(&sb, "module myreg #(parameter DataWidth=16) (\n"
		     "    input [DataWidth-1:0] data_in,\n"
		     "    input wire clk,\n"
		     "    input wire rst,\n"
		     "    output reg [DataWidth-1:0] data_out\n"
		     "    );\n"
		     "    always@(posedge clk) begin\n"
		     "    if(!rst)\n"
		     "        data_out<=data_in;\n"
		     "    else\n"
		     "        data_out<=0;\n"
		     "    end\n"
		     "endmodule\n");
	ret = sb_write(&sb, dir, "myreg.v");
	sb_free(&sb);
	if (ret)
		return ret;

	sb_init(&sb);
	ng_banner(&sb, "//", "logicnet.v - LogicNets-style top: a register before every layer", id);
	sb_printf(&sb, "module logicnet (input [%u:0] M0, input clk, input rst, output[%u:0] M%u);\n",
		  ng_layer_in_width(m, 0) - 1, ng_layer_out_width(m, L - 1) - 1, L);
	for (uint32_t l = 0; l < L; l++) {
		uint32_t iw = ng_layer_in_width(m, l), ow = ng_layer_out_width(m, l);

		sb_printf(&sb, "wire [%u:0] M%uw;\n", iw - 1, l);
		sb_printf(&sb, "myreg #(.DataWidth(%u)) layer%u_reg (.data_in(M%u), .clk(clk), "
			       ".rst(rst), .data_out(M%uw));\n", iw, l, l, l);
		if (l + 1 < L)
			sb_printf(&sb, "wire [%u:0] M%u;\n", ow - 1, l + 1);
		sb_printf(&sb, "layer%u layer%u_inst (.M0(M%uw), .M1(M%u));\n", l, l, l, l + 1);
	}
	sb_puts(&sb, "\nendmodule\n");
	ret = sb_write(&sb, dir, "logicnet.v");
	sb_free(&sb);
	if (ret)
		return ret;

	sb_init(&sb);
	ng_banner(&sb, "//", "logicnet.f - the sources, relative to this file (-F)", id);
	sb_puts(&sb, "myreg.v\n");
	for (uint32_t l = 0; l < L; l++) {
		const struct nlut_layer *Ly = nlut_model_layer(m, l);

		for (uint32_t j = 0; j < Ly->n_neurons; j++) {
			sb_printf(&sb, "layer%u_N%u.v\n", l, j);
			for (uint32_t s = 0; s < Ly->neurons[j].n_sub; s++)
				sb_printf(&sb, "layer%u_N%u_S%u.v\n", l, j, s);
		}
		sb_printf(&sb, "layer%u.v\n", l);
	}
	sb_puts(&sb, "logicnet.v\n");
	ret = sb_write(&sb, dir, "logicnet.f");
	sb_free(&sb);
	return ret;
}
