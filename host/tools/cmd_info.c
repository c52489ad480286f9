/* cmd_info.c - `nlut info MODEL`: shape, widths, table sizes, identity, metadata. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <nlut/nlut.h>

#include "commands.h"
#include "tool_util.h"

static void help(const char *prog)
{
	printf("Usage: %s [--json] MODEL\n\n"
	       "Show a model's inputs, layers (neurons, fan-in, bit widths, table sizes),\n"
	       "output decoding, identity (SHA-256 of its function) and metadata.\n\n"
	       "  --json     print one JSON object instead of text\n"
	       "  -h, --help show this help\n",
	       prog);
}

/* Range of a per-neuron quantity over a layer, printed as "3" or "2-4". */
struct range {
	uint64_t lo, hi;
};

static void widen(struct range *r, uint64_t v, int first)
{
	if (first || v < r->lo)
		r->lo = v;
	if (first || v > r->hi)
		r->hi = v;
}

static void print_range(char *buf, size_t len, struct range r)
{
	if (r.lo == r.hi)
		snprintf(buf, len, "%llu", (unsigned long long)r.lo);
	else
		snprintf(buf, len, "%llu-%llu", (unsigned long long)r.lo, (unsigned long long)r.hi);
}

struct layer_stats {
	struct range fan_in, in_bits, addr_bits, out_bits;
	uint64_t entries;
	uint32_t adders, dense;
};

static void layer_stats(const struct nlut_layer *L, struct layer_stats *s)
{
	memset(s, 0, sizeof(*s));
	for (uint32_t j = 0; j < L->n_neurons; j++) {
		const struct nlut_neuron *n = &L->neurons[j];
		uint64_t in = 0, e = n->table ? 1ull << n->addr_bits : 0;

		/* in bits: what the neuron reads (a LUT-Dense edge: its read bits) */
		for (uint32_t k = 0; k < n->fan_in; k++)
			in += n->kind == NLUT_NEURON_DENSE ? n->sub[k].addr_bits : n->src_bits[k];
		for (uint32_t t = 0; t < n->n_sub; t++)
			e += 1ull << n->sub[t].addr_bits;
		widen(&s->fan_in, n->fan_in, j == 0);
		widen(&s->in_bits, in, j == 0);
		widen(&s->addr_bits, n->addr_bits, j == 0);
		widen(&s->out_bits, n->out_bits, j == 0);
		s->entries += e;
		s->adders += n->kind == NLUT_NEURON_ADDER;
		s->dense += n->kind == NLUT_NEURON_DENSE;
	}
}

static void print_json(const char *path, const nlut_model *m, const char *id)
{
	unsigned major, minor;
	const struct nlut_quant *q = nlut_model_quant(m);

	nlut_model_version(m, &major, &minor);
	printf("{\"model\":");
	tool_json_string(path);
	printf(",\"format\":\"%u.%u\",\"identity\":\"%s\",\"inputs\":%u,\"input_bits\":[",
	       major, minor, id, nlut_model_num_inputs(m));
	for (uint32_t i = 0; i < nlut_model_num_inputs(m); i++)
		printf("%s%u", i ? "," : "", q[i].bits);
	printf("],\"layers\":[");
	for (uint32_t l = 0; l < nlut_model_num_layers(m); l++) {
		const struct nlut_layer *L = nlut_model_layer(m, l);
		struct layer_stats s;

		layer_stats(L, &s);
		printf("%s{\"neurons\":%u,\"fan_in_max\":%llu,\"in_bits_max\":%llu,"
		       "\"out_bits_max\":%llu,\"adder_neurons\":%u,\"dense_neurons\":%u,"
		       "\"table_entries\":%llu}",
		       l ? "," : "", L->n_neurons, (unsigned long long)s.fan_in.hi,
		       (unsigned long long)s.in_bits.hi, (unsigned long long)s.out_bits.hi, s.adders,
		       s.dense,
		       (unsigned long long)s.entries);
	}
	int th_s;
	int32_t th_t;

	printf("],\"classes\":%u,\"decoding\":\"%s\",", nlut_model_num_classes(m),
	       nlut_model_decoding(m) == NLUT_DECODE_GROUP_SUM ? "group_sum"
	       : nlut_model_decoding(m) == NLUT_DECODE_THRESHOLD ? "threshold" : "argmax");
	if (nlut_model_threshold(m, &th_s, &th_t))
		printf("\"threshold\":%d,\"threshold_signed\":%s,", th_t, th_s ? "true" : "false");
	if (nlut_model_decoding(m) == NLUT_DECODE_GROUP_SUM)
		printf("\"group_size\":%u,\"score_bits\":%u,", nlut_model_group_size(m),
		       nlut_model_score_bits(m, 0));
	printf("\"table_entries\":%llu,\"metadata\":{", (unsigned long long)nlut_model_table_entries(m));
	for (uint32_t i = 0; i < nlut_model_meta_count(m); i++) {
		const char *k, *v;

		nlut_model_meta_at(m, i, &k, &v);
		printf("%s", i ? "," : "");
		tool_json_string(k);
		putchar(':');
		tool_json_string(v);
	}
	printf("}}\n");
}

static void print_text(const char *path, const nlut_model *m, const char *id)
{
	unsigned major, minor;
	const struct nlut_quant *q = nlut_model_quant(m);
	struct range in_bits = { 0, 0 };
	char a[32], b[32], c[32], d[32];

	nlut_model_version(m, &major, &minor);
	for (uint32_t i = 0; i < nlut_model_num_inputs(m); i++)
		widen(&in_bits, q[i].bits, i == 0);
	print_range(a, sizeof(a), in_bits);
	printf("model     %s\n", path);
	printf("format    %u.%u\n", major, minor);
	printf("identity  %s\n", id);
	printf("inputs    %u features, %s bits each\n", nlut_model_num_inputs(m), a);
	printf("layers    %u\n", nlut_model_num_layers(m));
	printf("          %5s %8s %7s %8s %8s %9s %14s\n", "layer", "neurons", "fan-in", "in bits",
	       "out bits", "addr bits", "table entries");
	for (uint32_t l = 0; l < nlut_model_num_layers(m); l++) {
		const struct nlut_layer *L = nlut_model_layer(m, l);
		struct layer_stats s;

		layer_stats(L, &s);
		print_range(a, sizeof(a), s.fan_in);
		print_range(b, sizeof(b), s.in_bits);
		print_range(c, sizeof(c), s.out_bits);
		print_range(d, sizeof(d), s.addr_bits);
		printf("          %5u %8u %7s %8s %8s %9s %14llu%s\n", l, L->n_neurons, a, b, c, d,
		       (unsigned long long)s.entries,
		       s.dense ? "  (LUT-Dense neurons)" : s.adders ? "  (adder neurons)" : "");
	}
	int th_s;
	int32_t th_t;

	if (nlut_model_threshold(m, &th_s, &th_t))
		printf("classes   2 (threshold: class 1 iff the last neuron's %s code >= %d)\n",
		       th_s ? "signed" : "unsigned", th_t);
	else if (nlut_model_decoding(m) == NLUT_DECODE_GROUP_SUM)
		printf("classes   %u (argmax of the sums of %u last-layer outputs each, %u-bit scores, "
		       "ties to the lowest index)\n", nlut_model_num_classes(m), nlut_model_group_size(m),
		       nlut_model_score_bits(m, 0));
	else
		printf("classes   %u (argmax of the last layer, ties to the lowest index)\n",
		       nlut_model_num_classes(m));
	printf("tables    %llu entries in all\n", (unsigned long long)nlut_model_table_entries(m));
	if (nlut_model_meta_count(m))
		printf("metadata\n");
	for (uint32_t i = 0; i < nlut_model_meta_count(m); i++) {
		const char *k, *v;

		nlut_model_meta_at(m, i, &k, &v);
		char pad[24];

		/* Continuation lines of multi-line values line up under the first. */
		snprintf(pad, sizeof(pad), "  %-16s ", "");
		fputs("  ", stdout);
		tool_print_text(k, NULL);
		printf("%*s ", strlen(k) < 16 ? (int)(16 - strlen(k)) : 0, "");
		tool_print_text(v, pad);
		putchar('\n');
	}
}

int cmd_info(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *prog = argv[0];
	int json = 0, c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 'h':
			help(prog);
			return NLUT_EXIT_OK;
		default:
			return tool_usage_error(prog, "bad option");
		}
	}
	if (argc - optind != 1)
		return tool_usage_error(prog, "expected one MODEL argument");
	const char *path = argv[optind];
	nlut_model *m;
	char id[NLUT_ID_STR_SIZE];
	int err = nlut_model_load(path, &m);

	if (err)
		return tool_fail(prog, err, "cannot load model");
	if ((err = nlut_model_id(m, id))) {
		nlut_model_free(m);
		return tool_fail(prog, err, "%s: cannot compute identity", path);
	}
	if (json)
		print_json(path, m, id);
	else
		print_text(path, m, id);
	nlut_model_free(m);
	return NLUT_EXIT_OK;
}
