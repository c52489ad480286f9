/* groupsum.c - the group sums of a group-sum model (format 1.1, OUTP kind 2)
 * as a pipelined bit-heap compressor: stages of 6:3 counters (one LUT6 per
 * output bit, one LUT level each), then one adder of two rows per class. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_private.h"

/* Bus of each stage boundary: bits[0] is the last layer's output bus. */
static int grow(struct ng_gsum_bit **v, size_t *cap, size_t n)
{
	if (n < *cap)
		return 0;
	size_t c = *cap ? *cap * 2 : 256;
	struct ng_gsum_bit *p = realloc(*v, c * sizeof(*p));

	if (!p)
		return -1;
	*v = p;
	*cap = c;
	return 0;
}

void ng_gsum_free(struct ng_gsum *gs)
{
	for (uint32_t s = 0; s <= gs->n_stages && gs->bus; s++)
		free(gs->bus[s]);
	free(gs->bus);
	free(gs->bus_n);
	free(gs->score_w);
	memset(gs, 0, sizeof(*gs));
}

/* Columns of class c at or above the score width are always 0 (the sum is
 * below 2^w), so they are dropped. */
static int keep(const struct ng_gsum *gs, uint32_t c, uint32_t col)
{
	return col < gs->score_w[c];
}

/* Indices of the bus bits of class c in column k, in bus order. */
static uint32_t column(const struct ng_gsum_bit *bus, size_t n, uint32_t c, uint32_t k, uint32_t *idx)
{
	uint32_t m = 0;

	for (size_t i = 0; i < n; i++)
		if (bus[i].cls == c && bus[i].col == k)
			idx[m++] = (uint32_t)i;
	return m;
}

/* Height of the tallest column. */
static uint32_t tallest(const struct ng_gsum *gs, const struct ng_gsum_bit *bus, size_t n, uint32_t *idx)
{
	uint32_t h = 0;

	for (uint32_t c = 0; c < gs->n_classes; c++)
		for (uint32_t k = 0; k < gs->score_w[c]; k++) {
			uint32_t m = column(bus, n, c, k, idx);

			h = m > h ? m : h;
		}
	return h;
}

/*
 * The counters of one stage over a column of m bits: 6:3 counters while 6
 * remain, one counter of the last 3..5, fewer than 3 pass through (the
 * loops of ng_gsum_plan and ng_gsum_walk). A counter of k bits has this
 * many outputs.
 */
static uint32_t counter_outs(uint32_t k)
{
	return k >= 4 ? 3u : k == 3 ? 2u : k;
}

int ng_gsum_plan(const nlut_model *m, struct ng_gsum *gs)
{
	uint32_t L = nlut_model_num_layers(m);
	const struct nlut_layer *last = nlut_model_layer(m, L - 1);
	uint32_t G = nlut_model_group_size(m);
	size_t cap = 0, n = 0;
	struct ng_gsum_bit *bus = NULL;
	uint32_t *idx = NULL;
	int ret = NLUT_ERROR_NO_MEM;

	memset(gs, 0, sizeof(*gs));
	gs->n_classes = nlut_model_num_classes(m);
	gs->score_w = calloc(gs->n_classes, sizeof(uint32_t));
	gs->bus = calloc(NLUT_GSUM_MAX_STAGES + 1, sizeof(*gs->bus));
	gs->bus_n = calloc(NLUT_GSUM_MAX_STAGES + 1, sizeof(*gs->bus_n));
	if (!gs->score_w || !gs->bus || !gs->bus_n)
		goto fail;
	for (uint32_t c = 0; c < gs->n_classes; c++) {
		gs->score_w[c] = nlut_model_score_bits(m, c);
		gs->scores_w += gs->score_w[c];
	}
	for (uint32_t j = 0; j < last->n_neurons; j++)
		for (uint32_t b = 0; b < last->neurons[j].out_bits; b++) {
			if (grow(&bus, &cap, n + 1))
				goto fail;
			bus[n++] = (struct ng_gsum_bit){ j / G, b };
		}
	idx = malloc((n + 1) * sizeof(uint32_t));
	if (!idx)
		goto fail;
	gs->bus[0] = bus;
	gs->bus_n[0] = n;
	bus = NULL;
	cap = 0;
	/* Compress until every column holds at most two bits. */
	while (tallest(gs, gs->bus[gs->n_stages], gs->bus_n[gs->n_stages], idx) > 2) {
		const struct ng_gsum_bit *in = gs->bus[gs->n_stages];
		size_t nin = gs->bus_n[gs->n_stages];

		if (gs->n_stages == NLUT_GSUM_MAX_STAGES) {
			ret = ng_fail(NLUT_ERROR_UNSUPPORTED, "group sums need more than %u stages",
				      NLUT_GSUM_MAX_STAGES);
			goto fail;
		}
		n = 0;
		for (uint32_t c = 0; c < gs->n_classes; c++)
			for (uint32_t k = 0; k < gs->score_w[c]; k++) {
				uint32_t h = column(in, nin, c, k, idx), i = 0;

				while (h - i >= 3) {
					uint32_t t = h - i >= 6 ? 6 : h - i;

					for (uint32_t o = 0; o < counter_outs(t); o++)
						if (keep(gs, c, k + o)) {
							if (grow(&bus, &cap, n + 1))
								goto fail;
							bus[n++] = (struct ng_gsum_bit){ c, k + o };
						}
					i += t;
				}
				for (; i < h; i++) {
					if (grow(&bus, &cap, n + 1))
						goto fail;
					bus[n++] = (struct ng_gsum_bit){ c, k };
				}
			}
		gs->n_stages++;
		gs->bus[gs->n_stages] = bus;
		gs->bus_n[gs->n_stages] = n;
		bus = NULL;
		cap = 0;
	}
	free(idx);
	return 0;
fail:
	free(bus);
	free(idx);
	ng_gsum_free(gs);
	return ret == NLUT_ERROR_NO_MEM ? ng_fail(ret, "out of memory") : ret;
}

uint32_t ng_gsum_width(const struct ng_gsum *gs, uint32_t s)
{
	if (s > gs->n_stages)
		return gs->scores_w; /* after the final adder: the scores */
	return gs->bus_n[s] ? (uint32_t)gs->bus_n[s] : 1u;
}

unsigned ng_gsum_levels(const struct ng_gsum *gs, uint32_t s)
{
	if (s < gs->n_stages)
		return 1; /* every counter output is a function of <= 6 bits */
	/* The final adder of two rows: a LUT level and the carry chain; just
	 * wires when no column holds two bits. */
	for (size_t i = 0; i < gs->bus_n[s]; i++)
		for (size_t k = i + 1; k < gs->bus_n[s]; k++)
			if (gs->bus[s][i].cls == gs->bus[s][k].cls && gs->bus[s][i].col == gs->bus[s][k].col)
				return 2;
	return 0;
}

int ng_gsum_walk(const struct ng_gsum *gs, uint32_t s, const struct ng_gsum_ops *ops, void *ctx)
{
	const struct ng_gsum_bit *in = gs->bus[s];
	size_t nin = gs->bus_n[s];
	uint32_t *idx = malloc((nin + 1) * sizeof(uint32_t)), out = 0;

	if (!idx)
		return ng_fail(NLUT_ERROR_NO_MEM, "out of memory");
	for (uint32_t c = 0; c < gs->n_classes; c++) {
		uint32_t w = gs->score_w[c];

		if (s == gs->n_stages) {
			/* Row A takes each column's first bit, row B its second. */
			ops->rows(ctx, c, w);
			for (uint32_t k = 0; k < w; k++) {
				uint32_t h = column(in, nin, c, k, idx);

				ops->row_bit(ctx, c, k, h > 0 ? (int64_t)idx[0] : -1,
					     h > 1 ? (int64_t)idx[1] : -1);
			}
			ops->add(ctx, c, w, out);
			out += w;
			continue;
		}
		for (uint32_t k = 0; k < w; k++) {
			uint32_t h = column(in, nin, c, k, idx), i = 0;

			while (h - i >= 3) {
				uint32_t t = h - i >= 6 ? 6 : h - i, no = counter_outs(t), nk = 0;

				for (uint32_t o = 0; o < no; o++)
					nk += keep(gs, c, k + o);
				/* keep() drops the top outputs only: outputs 0 .. nk-1 */
				ops->counter(ctx, c, k, i, idx + i, t, no, nk, out);
				out += nk;
				i += t;
			}
			for (; i < h; i++)
				ops->pass(ctx, idx[i], out++);
		}
	}
	free(idx);
	return 0;
}

/* The Verilog of one stage (ng_gsum_walk's callbacks). */
static void v_rows(void *ctx, uint32_t c, uint32_t w)
{
	sb_printf(ctx, "    wire [%u:0] c%u_a, c%u_b;\n", w - 1, c, c);
}

static void v_row_bit(void *ctx, uint32_t c, uint32_t k, int64_t a, int64_t b)
{
	sb_printf(ctx, "    assign c%u_a[%u] = ", c, k);
	if (a >= 0)
		sb_printf(ctx, "in_bits[%u];\n", (uint32_t)a);
	else
		sb_puts(ctx, "1'b0;\n");
	sb_printf(ctx, "    assign c%u_b[%u] = ", c, k);
	if (b >= 0)
		sb_printf(ctx, "in_bits[%u];\n", (uint32_t)b);
	else
		sb_puts(ctx, "1'b0;\n");
}

static void v_add(void *ctx, uint32_t c, uint32_t w, uint32_t out)
{
	sb_printf(ctx, "    assign out_bits[%u:%u] = c%u_a + c%u_b;\n\n", out + w - 1, out, c, c);
}

static void v_counter(void *ctx, uint32_t c, uint32_t k, uint32_t i, const uint32_t *in,
		      uint32_t t, uint32_t no, uint32_t nk, uint32_t out)
{
	sb_printf(ctx, "    // class %u column %u: %u bits counted\n", c, k, t);
	sb_printf(ctx, "    wire [%u:0] c%u_k%u_n%u = ", no - 1, c, k, i);
	for (uint32_t q = 0; q < t; q++)
		sb_printf(ctx, "%s{%u'b0, in_bits[%u]}", q ? " + " : "", no - 1, in[q]);
	sb_puts(ctx, ";\n");
	for (uint32_t o = 0; o < nk; o++)
		sb_printf(ctx, "    assign out_bits[%u] = c%u_k%u_n%u[%u];\n", out + o, c, k, i, o);
	if (nk < no)
		sb_printf(ctx, "    /* verilator lint_off UNUSED */\n"
			       "    wire c%u_k%u_n%u_hi = |c%u_k%u_n%u[%u:%u]; // above the score width: 0\n"
			       "    /* verilator lint_on UNUSED */\n",
			  c, k, i, c, k, i, no - 1, nk);
}

static void v_pass(void *ctx, uint32_t in, uint32_t out)
{
	sb_printf(ctx, "    assign out_bits[%u] = in_bits[%u];\n", out, in);
}

static const struct ng_gsum_ops verilog_ops = { v_counter, v_pass, v_rows, v_row_bit, v_add };

/* Stage s < n_stages: counters; s == n_stages: the final adders. */
static int write_stage(const struct ng_gsum *gs, uint32_t s, const char *dir, const char *id)
{
	struct sbuf sb;
	char name[64], file[80];
	int ret;

	snprintf(name, sizeof(name), "nlut_gsum%u", s);
	sb_init(&sb);
	ng_banner(&sb, "//", name, id);
	sb_puts(&sb, "\n`resetall\n`timescale 1ns / 1ps\n`default_nettype none\n\n");
	if (s < gs->n_stages)
		sb_printf(&sb, "// Group sums, stage %u of %u: 6:3 counters over the columns of each\n"
			       "// class's bit heap (an input bit of column k weighs 2^k); about 1 LUT level.\n",
			  s + 1, gs->n_stages + 1);
	else
		sb_printf(&sb, "// Group sums, stage %u of %u: each class's two rows added; the scores,\n"
			       "// class 0 in the LSBs.\n", s + 1, gs->n_stages + 1);
	sb_printf(&sb, "module %s (\n"
		       "    input  wire [%u:0] in_bits,  // heap bits (the last layer's outputs at stage 0)\n"
		       "    output wire [%u:0] out_bits  // %s\n);\n\n",
		  name, ng_gsum_width(gs, s) - 1, ng_gsum_width(gs, s + 1) - 1,
		  s < gs->n_stages ? "heap bits of the next stage" : "class scores");
	ret = ng_gsum_walk(gs, s, &verilog_ops, &sb);
	if (ret) {
		sb_free(&sb);
		return ret;
	}
	if (s < gs->n_stages && !gs->bus_n[s + 1])
		sb_puts(&sb, "    assign out_bits = 1'b0;\n");
	sb_puts(&sb, "\nendmodule\n\n`resetall\n");
	snprintf(file, sizeof(file), "%s.v", name);
	ret = sb_write(&sb, dir, file);
	sb_free(&sb);
	return ret;
}

int ng_gsum_write(const struct ng_gsum *gs, const char *dir, const char *id)
{
	for (uint32_t s = 0; s <= gs->n_stages; s++) {
		int ret = write_stage(gs, s, dir, id);

		if (ret)
			return ret;
	}
	return 0;
}
