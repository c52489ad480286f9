/* stages.c - pipeline register placement: the policies and the LUT-level cost
 * model they use. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_private.h"

void nlut_stages_default(struct nlut_stages *s)
{
	memset(s, 0, sizeof(*s));
	s->policy = NLUT_STAGES_LEVELS;
	s->k = NLUT_STAGES_DEFAULT_LEVELS;
}

/*
 * Delay of one LUT level, the LUT and the wiring around it, register
 * overhead spread in: what a clock period holds levels of. docs/core-
 * interface.md ("Stages from a target clock") cites each figure.
 */
static const struct {
	const char *name;
	unsigned ps;
} families[] = {
	/* AMD LUT6 families: MapBuf's characterisation of Vivado timing
	 * reports, 6 LUT levels in a 4.2 ns clock period. */
	{ "amd", 700 },
};

unsigned nlut_family_level_ps(const char *family)
{
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		if (!strcmp(family, families[i].name))
			return families[i].ps;
	return 0;
}

static int parse_count(const char *s, unsigned *out, const char *suffix);

/* "fmax:MHZ[,FAMILY|,ps:N][,nosplit]" into a level budget. */
static int parse_fmax(const char *t, struct nlut_stages *s)
{
	char buf[64], *tok, *save = NULL;
	unsigned mhz;

	snprintf(buf, sizeof(buf), "%s", t + 5);
	tok = strtok_r(buf, ",", &save);
	if (!tok || parse_count(tok, &mhz, NULL) || mhz > 1000 || strstr(t, ",,") ||
	    t[strlen(t) - 1] == ',' || strlen(t) >= sizeof(buf))
		return ng_fail(NLUT_ERROR_INVALID_PARAM, "bad stage policy '%s' (expected "
			       "fmax:MHZ[,FAMILY|,ps:N][,nosplit], MHZ 1-1000)", t);
	s->fmax_mhz = mhz;
	s->family = 0;
	s->level_ps = families[0].ps;
	while ((tok = strtok_r(NULL, ",", &save))) {
		unsigned ps;

		if (!strcmp(tok, "nosplit")) {
			s->no_split = 1;
		} else if (!strncmp(tok, "ps:", 3) && !parse_count(tok + 3, &ps, NULL)) {
			s->level_ps = ps;
			s->family = -1;
		} else if (nlut_family_level_ps(tok)) {
			s->level_ps = nlut_family_level_ps(tok);
			for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++)
				if (!strcmp(tok, families[i].name))
					s->family = (int)i;
		} else {
			return ng_fail(NLUT_ERROR_INVALID_PARAM, "bad stage policy '%s': '%s' is no "
				       "device family (amd) nor ps:N nor nosplit", t, tok);
		}
	}
	/* The most whole levels in one period: 10^6 / (MHz * ps). */
	s->k = (unsigned)(1000000u / (mhz * s->level_ps));
	if (s->k < 1)
		return ng_fail(NLUT_ERROR_INVALID_PARAM, "stage policy '%s': one LUT level (%u ps) "
			       "does not fit a period of %.3f ns", t, s->level_ps, 1000.0 / mhz);
	s->policy = NLUT_STAGES_LEVELS;
	return 0;
}

/* A count 1-1000 ending the text, or (suffix not NULL) followed by suffix. */
static int parse_count(const char *s, unsigned *out, const char *suffix)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -1;
	v = strtoul(s, &end, 10);
	if (suffix ? strcmp(end, suffix) : *end)
		return -1;
	if (v < 1 || v > 1000)
		return -1;
	*out = (unsigned)v;
	return 0;
}

int nlut_stages_parse(const char *t, struct nlut_stages *s)
{
	ng_clear_error();
	if (!t || !s)
		return ng_fail(NLUT_ERROR_INVALID_PARAM, "no stage policy");
	if (!strcmp(t, "default")) {
		nlut_stages_default(s);
		return 0;
	}
	s->no_split = 0;
	s->fmax_mhz = s->level_ps = 0;
	s->family = 0;
	if (!strncmp(t, "fmax:", 5))
		return parse_fmax(t, s);
	if (!strcmp(t, "layer")) {
		s->policy = NLUT_STAGES_EVERY;
		s->k = 1;
		return 0;
	}
	if (!strncmp(t, "every:", 6) && !parse_count(t + 6, &s->k, NULL)) {
		s->policy = NLUT_STAGES_EVERY;
		return 0;
	}
	if (!strncmp(t, "levels:", 7) && !parse_count(t + 7, &s->k, NULL)) {
		s->policy = NLUT_STAGES_LEVELS;
		return 0;
	}
	if (!strncmp(t, "levels:", 7) && !parse_count(t + 7, &s->k, ",nosplit")) {
		s->policy = NLUT_STAGES_LEVELS;
		s->no_split = 1;
		return 0;
	}
	return ng_fail(NLUT_ERROR_INVALID_PARAM,
		       "bad stage policy '%s' (expected layer, every:K, levels:N, levels:N,nosplit or "
		       "fmax:MHZ[,FAMILY|,ps:N][,nosplit]; K and N 1-1000)", t);
}

void nlut_stages_format(const struct nlut_stages *s, char *buf, size_t len)
{
	if (s->fmax_mhz && s->family >= 0)
		snprintf(buf, len, "fmax:%u,%s%s", s->fmax_mhz, families[s->family].name,
			 s->no_split ? ",nosplit" : "");
	else if (s->fmax_mhz)
		snprintf(buf, len, "fmax:%u,ps:%u%s", s->fmax_mhz, s->level_ps,
			 s->no_split ? ",nosplit" : "");
	else if (s->policy == NLUT_STAGES_EVERY && s->k == 1)
		snprintf(buf, len, "layer");
	else if (s->policy == NLUT_STAGES_EVERY)
		snprintf(buf, len, "every:%u", s->k);
	else
		snprintf(buf, len, "levels:%u%s", s->k, s->no_split ? ",nosplit" : "");
}

/*
 * LUT levels of one random table of n address bits, as yosys 0.23
 * synth_xilinx -family xcup maps it (abc -luts 2:2,3,6:5,10,20: LUT6, and
 * 7- and 8-input LUTs built with MUXF7/F8 inside one level), measured with
 * `nlut report --stages layer` on random tables (docs/core-interface.md).
 * Beyond 16 bits: one more level per 2 address bits.
 */
static const unsigned table_levels_measured[] = {
	/* 0..16 */ 0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4, 4, 4, 5, 5,
};

unsigned nlut_table_levels(unsigned n)
{
	const unsigned top = sizeof(table_levels_measured) / sizeof(table_levels_measured[0]) - 1;

	if (n <= top)
		return table_levels_measured[n];
	return table_levels_measured[top] + (n - top + 1) / 2;
}

/* ceil(log6(n)) for n >= 1: levels of an AND/OR tree of n inputs. */
static unsigned tree6(uint64_t n)
{
	unsigned l = 0;

	for (uint64_t c = 1; c < n; c *= 6)
		l++;
	return l;
}

unsigned nlut_dense_acc_bits(const struct nlut_neuron *n)
{
	int64_t lo = n->bias, hi = n->bias;
	unsigned w = 1;

	for (uint32_t e = 0; e < n->fan_in; e++) {
		const struct nlut_subtable *st = &n->sub[e];
		int64_t mn = INT64_MAX, mx = INT64_MIN, sign = 1ll << (n->sub_bits - 1);

		for (uint32_t a = 0; a < 1u << st->addr_bits; a++) {
			int64_t v = ((int64_t)st->table[a] ^ sign) - sign;

			mn = v < mn ? v : mn;
			mx = v > mx ? v : mx;
		}
		lo += mn;
		hi += mx;
	}
	while (lo < -(1ll << (w - 1)) || hi > (1ll << (w - 1)) - 1)
		w++;
	return w > n->shift + n->out_bits ? w : n->shift + n->out_bits + 1u;
}

static unsigned neuron_levels(const struct nlut_neuron *n)
{
	if (n->kind == NLUT_NEURON_DENSE) {
		unsigned sub = 0;

		for (uint32_t e = 0; e < n->fan_in; e++) {
			unsigned l = nlut_table_levels(n->sub[e].addr_bits);

			sub = l > sub ? l : sub;
		}
		/* a carry chain per adder-tree level, then the clamp */
		return sub + ng_clog2(n->fan_in + 1u) + 1u;
	}
	if (n->kind != NLUT_NEURON_ADDER)
		return nlut_table_levels(n->addr_bits);
	unsigned sub = 0, add;

	for (uint32_t s = 0; s < n->n_sub; s++) {
		unsigned l = nlut_table_levels(n->sub[s].addr_bits);

		if (l > sub)
			sub = l;
	}
	add = n->n_sub <= 1 ? 0 : ng_clog2(n->n_sub); /* a carry chain per adder level */
	return sub + add + nlut_table_levels(n->addr_bits);
}

static unsigned layer_levels(const struct nlut_layer *L)
{
	unsigned m = 0;

	for (uint32_t j = 0; j < L->n_neurons; j++) {
		unsigned l = neuron_levels(&L->neurons[j]);

		if (l > m)
			m = l;
	}
	return m;
}

/*
 * Levels a cofactor table is sized by: the measured estimate, but 10 bits
 * counted 3 (random 10-bit tables map to 2 levels, the 10-bit cofactors of
 * digits-jsc2l's 12-bit tables to 3): a split exists to meet the budget.
 */
static unsigned cofactor_levels(unsigned n)
{
	return n == 10 ? 3 : nlut_table_levels(n);
}

unsigned nlut_split_bits(const struct nlut_neuron *n, unsigned target)
{
	unsigned k;

	if (n->kind != NLUT_NEURON_TABLE || nlut_table_levels(n->addr_bits) <= target)
		return 0;
	for (k = 1; k < NLUT_SPLIT_MAX_BITS && k < n->addr_bits; k++)
		if (cofactor_levels(n->addr_bits - k) <= target)
			break;
	return k < n->addr_bits ? k : n->addr_bits - 1;
}

unsigned nlut_mux_levels(unsigned k)
{
	return (k + 1) / 2;
}

/* Layer L split to target: the levels of its first part (cofactor tables and
 * unsplit neurons) and of its muxes; the flip-flops of its split register. */
static uint64_t split_levels(const struct nlut_layer *L, unsigned target, unsigned *first,
			     unsigned *mux)
{
	uint64_t ffs = 1; /* valid */

	*first = *mux = 0;
	for (uint32_t j = 0; j < L->n_neurons; j++) {
		const struct nlut_neuron *n = &L->neurons[j];
		unsigned k = nlut_split_bits(n, target);
		unsigned f = k ? cofactor_levels(n->addr_bits - k) : neuron_levels(n);

		if (f > *first)
			*first = f;
		if (nlut_mux_levels(k) > *mux)
			*mux = nlut_mux_levels(k);
		ffs += ((uint64_t)n->out_bits << k) + k;
	}
	return ffs;
}

/*
 * Split layer u of a stage already acc levels deep, budget n: after a
 * register (returned 1 in *reg_before) to a target of n, or within the
 * current stage to what it has left when that fits and takes no more
 * flip-flops than the register (in_w bits) and the split to n together.
 * 0 when splitting does not lower the stage.
 */
static int plan_split(struct nlut_plan *p, const struct nlut_layer *Ly, uint32_t u, unsigned acc,
		      unsigned n, uint32_t in_w, int *reg_before)
{
	unsigned first, mux, first_in, mux_in;
	uint64_t ffs = split_levels(Ly, n, &first, &mux);

	*reg_before = 0;
	if (acc > 0 && acc < n) {
		uint64_t ffs_in = split_levels(Ly, n - acc, &first_in, &mux_in);

		if (acc + first_in <= n && mux_in <= n && ffs_in <= ffs + in_w) {
			p->split_target[u] = n - acc;
			first = first_in;
			mux = mux_in;
			goto take;
		}
	}
	if (first >= p->unit_levels[u] || mux >= p->unit_levels[u])
		return 0; /* past what NLUT_SPLIT_MAX_BITS can do: no gain */
	*reg_before = acc > 0;
	p->split_target[u] = n;
take:
	p->split[u] = 1;
	p->split_levels[u] = first;
	p->mux_levels[u] = mux;
	return 1;
}

int nlut_plan_make(const nlut_model *m, const struct nlut_stages *s, struct nlut_plan *p)
{
	uint32_t L = nlut_model_num_layers(m), N = nlut_model_num_classes(m);
	unsigned sw = 0;

	ng_clear_error();
	if (!s || s->k < 1)
		return ng_fail(NLUT_ERROR_INVALID_PARAM, "bad stage policy");
	memset(p, 0, sizeof(*p));
	p->n_layers = L;
	if (nlut_model_decoding(m) == NLUT_DECODE_GROUP_SUM) {
		struct ng_gsum gs;
		int ret = ng_gsum_plan(m, &gs);

		if (ret)
			return ret;
		p->n_sum = gs.n_stages + 1;
		for (uint32_t s2 = 0; s2 < p->n_sum; s2++)
			p->unit_levels[L + s2] = ng_gsum_levels(&gs, s2);
		ng_gsum_free(&gs);
	}
	p->n_units = L + p->n_sum + 2;
	for (uint32_t l = 0; l < L; l++)
		p->unit_levels[l] = layer_levels(nlut_model_layer(m, l));
	/* Widest score sets the comparator. */
	for (uint32_t c = 0; c < N; c++)
		if (nlut_model_score_bits(m, c) > sw)
			sw = nlut_model_score_bits(m, c);
	uint32_t A = L + p->n_sum; /* the argmax compare unit */

	p->unit_levels[A] = N > 1 ? nlut_table_levels(2 * sw) : 0;
	p->unit_levels[A + 1] = N > 1 ? tree6(N - 1) + tree6((N + 1) / 2) : 0;

	p->reg[0] = 1;
	p->reg[p->n_units] = 1;
	if (s->policy == NLUT_STAGES_EVERY) {
		for (uint32_t b = s->k; b < L; b += s->k)
			p->reg[b] = 1;
		/* The group sums: a register after every k stages. */
		for (uint32_t b = L; b < A; b += s->k)
			p->reg[b] = 1;
		p->reg[A] = 1;
		p->reg[A + 1] = 1;
	} else {
		unsigned acc = 0;

		for (uint32_t u = 0; u < p->n_units; u++) {
			int before;

			/* A layer above the budget even in a stage of its own:
			 * split it (the cofactors end one stage, the mux opens
			 * the next). */
			if (u < L && !s->no_split && acc + p->unit_levels[u] > s->k &&
			    p->unit_levels[u] > s->k &&
			    plan_split(p, nlut_model_layer(m, u), u, acc, s->k,
				       ng_layer_in_width(m, u), &before)) {
				p->reg[u] |= (uint8_t)before;
				acc = p->mux_levels[u];
				continue;
			}
			if (acc > 0 && acc + p->unit_levels[u] > s->k) {
				p->reg[u] = 1;
				acc = 0;
			}
			acc += p->unit_levels[u];
		}
	}
	uint32_t r = 0;

	for (uint32_t u = 0; u < p->n_units; u++) {
		r += p->reg[u] + p->split[u];
		p->unit_cycle[u] = r;
		p->unit_stage[u] = r;
	}
	p->latency = r + p->reg[p->n_units];
	p->n_stages = p->latency - 1;
	return 0;
}
