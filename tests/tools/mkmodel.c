/* mkmodel.c - write a seeded random model for tests, fuzz seeds and
 * benchmarks: mkmodel OUT SHAPE SEED [KEY=VALUE...], SHAPE = "jsc2l" or
 * "INPUTSxBITS:WIDTH/FANIN/OUTBITS,..." (e.g. 64x2:32/4/2,10/4/4), optionally
 * followed by "+gsN": group-sum decoding into N classes (format 1.1), or
 * "+thuT" / "+thsT": threshold decoding of a one-neuron last layer, class 1
 * iff its unsigned / signed code >= T (format 1.2), and/or "+dP": P% of
 * the neurons LUT-Dense (format 1.3, up to 40 edges); each
 * KEY=VALUE is a metadata entry more. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nlut/nlut.h>

#include "random_model.h"

static int parse_shape(const char *s, struct rm_spec *sp, unsigned *gs, int *th, int *th_t)
{
	int used = 0;
	unsigned n, b;

	memset(sp, 0, sizeof(*sp));
	if (!strcmp(s, "jsc2l")) {
		rm_jsc2l_spec(sp);
		return 0;
	}
	if (sscanf(s, "%ux%u:%n", &n, &b, &used) != 2 || !used)
		return -1;
	sp->n_inputs = n;
	sp->in_bits = (uint8_t)b;
	s += used;
	while (*s && sp->n_layers < RM_MAX_LAYERS) {
		unsigned w, f, o;

		if (sscanf(s, "%u/%u/%u%n", &w, &f, &o, &used) != 3)
			return -1;
		sp->width[sp->n_layers] = w;
		sp->fan_in[sp->n_layers] = f;
		sp->out_bits[sp->n_layers] = (uint8_t)o;
		sp->n_layers++;
		s += used;
		if (*s == ',')
			s++;
		if (sscanf(s, "+gs%u%n", gs, &used) == 1 && *gs)
			s += used;
		else if (sscanf(s, "+thu%d%n", th_t, &used) == 1)
			*th = 1, s += used;
		else if (sscanf(s, "+ths%d%n", th_t, &used) == 1)
			*th = 2, s += used;
		if (sscanf(s, "+d%u%n", &sp->dense_pct, &used) == 1)
			s += used;
	}
	return *s || !sp->n_layers ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct rm_spec sp;
	unsigned gs = 0;
	int th = 0, th_t = 0;

	if (argc < 4 || parse_shape(argv[2], &sp, &gs, &th, &th_t)) {
		fprintf(stderr, "usage: mkmodel OUT SHAPE SEED [KEY=VALUE...]  (SHAPE: jsc2l or "
			"64x2:32/4/2,10/4/4[+gsN|+thuT|+thsT])\n");
		return 2;
	}
	nlut_model *m = rm_build(&sp, strtoull(argv[3], NULL, 0));

	if (m && ((gs && nlut_model_set_group_sum(m, gs)) ||
		  (th && nlut_model_set_threshold(m, th == 2, th_t)))) {
		nlut_model_free(m);
		m = NULL;
	}
	if (!m) {
		fprintf(stderr, "mkmodel: cannot build %s: %s\n", argv[2], nlut_error_detail());
		return 1;
	}
	nlut_model_set_meta(m, "name", argv[2]);
	nlut_model_set_meta(m, "generator", "tests/tools/mkmodel (random tables)");
	for (int a = 4; a < argc; a++) {
		char *eq = strchr(argv[a], '=');

		if (!eq || (*eq = '\0', nlut_model_set_meta(m, argv[a], eq + 1))) {
			fprintf(stderr, "mkmodel: metadata '%s': %s\n", argv[a],
				eq ? nlut_error_detail() : "expected KEY=VALUE");
			nlut_model_free(m);
			return 2;
		}
	}
	int err = nlut_model_save(m, argv[1]);

	nlut_model_free(m);
	if (err) {
		fprintf(stderr, "mkmodel: %s\n", nlut_error_detail());
		return 1;
	}
	return 0;
}
