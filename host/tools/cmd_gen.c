/* cmd_gen.c - `nlut gen MODEL -o DIR`: write the model's Verilog core and
 * the self-test data of the shell. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <nlut/nlut.h>
#include <nlut/regs.h>

#include "commands.h"
#include "nlut_gen.h"
#include "tool_util.h"

static void help(const char *prog)
{
	printf("Usage: %s [OPTIONS] MODEL -o DIR\n\n"
	       "Write the Verilog core of a model into DIR: nlut_core.v (top), one module per\n"
	       "layer, the argmax, the parameter headers nlut_core_params.vh/.h, the filelist\n"
	       "nlut_core.f (docs/core-interface.md) and nlut_bist.hex, the self-test vectors\n"
	       "and golden results the shell's firmware checks the core with (docs/shell.md).\n"
	       "Generated files carry a banner with the generator version and the model\n"
	       "identity (nlut_bist.hex holds it in its header); do not commit them.\n\n"
	       "  -o, --output DIR     directory to write (created if missing)\n"
	       "  --stages POLICY      pipeline registers: layer (after every layer),\n"
	       "                       every:K (after every K layers), levels:N (a LUT-level\n"
	       "                       budget of N per stage; a layer over it alone is split\n"
	       "                       across two stages by cofactors), levels:N,nosplit\n"
	       "                       (never split), fmax:MHZ[,FAMILY|,ps:N][,nosplit] (the\n"
	       "                       levels one LUT level's delay lets fit a clock of MHZ:\n"
	       "                       family amd, 700 ps, or ps:N your own figure); default\n"
	       "                       levels:%u\n"
	       "  --style STYLE        nlut (default) or logicnets (a case module per neuron,\n"
	       "                       the layout `nlut import` reads)\n"
	       "  --hdl LANG           verilog (default) or vhdl: the same core as VHDL-93,\n"
	       "                       package nlut_core_params in nlut_core_params.vhd, the\n"
	       "                       analysis-order list nlut_core_vhdl.f (no nlut_bist.hex)\n"
	       "  --tables FORM        rom (default): a table above 6 address bits is also\n"
	       "                       copied into a ROM array read once per lookup (the\n"
	       "                       same logic; simulators run it faster); bits: one\n"
	       "                       constant per output bit only, the earlier form\n"
	       "  --fixed-latency      no ce port: every register updates at every clock, a\n"
	       "                       result appears exactly LATENCY clocks after its input\n"
	       "                       (trigger paths; no nlut_bist.hex: the shell needs ce)\n"
	       "  --bist-vectors N     self-test vectors in nlut_bist.hex: all-zero codes,\n"
	       "                       all-maximum codes, then pseudo-random ones from the\n"
	       "                       model identity (default %u; 0 = no file); they must\n"
	       "                       fit the 48 KiB of boot RAM at 0x8000_4000-0x8000_FFFF\n"
	       "  -q, --quiet          print nothing on success\n"
	       "  -h, --help           show this help\n",
	       prog, NLUT_STAGES_DEFAULT_LEVELS, NLUT_GEN_BIST_VECTORS);
}

int cmd_gen(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "stages", required_argument, NULL, 's' },
		{ "style", required_argument, NULL, 'S' },
		{ "bist-vectors", required_argument, NULL, 'B' },
		{ "hdl", required_argument, NULL, 'H' },
		{ "fixed-latency", no_argument, NULL, 'F' },
		{ "tables", required_argument, NULL, 'T' },
		TOOL_OPTS_QUIET_HELP,
	};
	const char *prog = argv[0], *out = NULL;
	struct nlut_gen_opts o;
	struct nlut_plan plan;
	int c, rc, quiet = 0;

	nlut_gen_opts_init(&o);
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 's':
			if (nlut_stages_parse(optarg, &o.stages))
				return tool_usage_error(prog, "--stages: %s", nlut_gen_error_detail());
			break;
		case 'S':
			if (!strcmp(optarg, "nlut"))
				o.style = NLUT_GEN_STYLE_NLUT;
			else if (!strcmp(optarg, "logicnets"))
				o.style = NLUT_GEN_STYLE_LOGICNETS;
			else
				return tool_usage_error(prog, "--style '%s': expected nlut or logicnets",
							optarg);
			break;
		case 'H':
			if (!strcmp(optarg, "verilog"))
				o.hdl = NLUT_GEN_HDL_VERILOG;
			else if (!strcmp(optarg, "vhdl"))
				o.hdl = NLUT_GEN_HDL_VHDL;
			else
				return tool_usage_error(prog, "--hdl '%s': expected verilog or vhdl",
							optarg);
			break;
		case 'F':
			o.fixed_latency = 1;
			break;
		case 'T':
			if (!strcmp(optarg, "rom") || !strcmp(optarg, "bits"))
				o.table_bits = !strcmp(optarg, "bits");
			else
				return tool_usage_error(prog, "--tables '%s': expected rom or bits",
							optarg);
			break;
		case 'B': {
			uint64_t n;

			if (tool_parse_u64(optarg, 0, UINT32_MAX, &n))
				return tool_usage_error(prog, "--bist-vectors '%s': expected a count",
							optarg);
			o.bist_vectors = (uint32_t)n;
			break;
		}
		default:
			if ((rc = tool_opt_common(prog, c, &quiet, help)) != TOOL_OPT_NEXT)
				return rc;
		}
	}
	if ((rc = tool_check_args(prog, argc, 1, "expected one MODEL argument", out, "DIR")))
		return rc;
	const char *path = argv[optind];
	nlut_model *m;
	int err = nlut_model_load(path, &m);

	if (err)
		return tool_fail(prog, err, "cannot load model");
	/* The shell around the nlut core reports its shape in 16-bit fields. */
	if (o.style == NLUT_GEN_STYLE_NLUT && (nlut_model_num_inputs(m) > NLUT_ID_SHAPE_N_INPUTS_MASK ||
					       nlut_model_num_classes(m) > NLUT_ID_SHAPE_N_CLASSES_MASK)) {
		fprintf(stderr, "%s: %s: %u inputs and %u classes; the nlut shell carries at most %u of each (ID_SHAPE, docs/register-map.md)\n",
			prog, path, nlut_model_num_inputs(m), nlut_model_num_classes(m),
			(unsigned)NLUT_ID_SHAPE_N_CLASSES_MASK);
		nlut_model_free(m);
		return NLUT_EXIT_FAIL;
	}
	err = nlut_gen_write(m, &o, out, &plan);
	nlut_model_free(m);
	if (err)
		return tool_fail_detail(prog, path, nlut_gen_error_detail(), err);
	if (!quiet && o.style == NLUT_GEN_STYLE_NLUT) {
		char pol[32];

		nlut_stages_format(&o.stages, pol, sizeof(pol));
		printf("wrote %s/nlut_core.%s and %u layer %s: latency %u cycles%s (stages %s)\n",
		       out, o.hdl == NLUT_GEN_HDL_VHDL ? "vhd" : "v", plan.n_layers,
		       o.hdl == NLUT_GEN_HDL_VHDL ? "entities" : "modules", plan.latency,
		       o.fixed_latency ? ", fixed (no ce)" : "", pol);
		if (o.stages.fmax_mhz) {
			printf("at %u MHz: latency %u cycles = %.2f ns; a stage holds %u LUT levels of "
			       "%u ps (estimated, docs/core-interface.md)\n", o.stages.fmax_mhz,
			       plan.latency, plan.latency * 1000.0 / o.stages.fmax_mhz, o.stages.k,
			       o.stages.level_ps);
		}
		if (o.bist_vectors && o.hdl == NLUT_GEN_HDL_VERILOG && !o.fixed_latency)
			printf("wrote %s/nlut_bist.hex: %u self-test vectors\n", out, o.bist_vectors);
	} else if (!quiet) {
		printf("wrote %s/logicnet.v (LogicNets style)\n", out);
	}
	return NLUT_EXIT_OK;
}
