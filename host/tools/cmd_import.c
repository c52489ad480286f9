/* cmd_import.c - `nlut import DIR -o MODEL`: a LogicNets / NeuraLUT / PolyLUT
 * Verilog directory into a .nlut model with the same function. */
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nlut/nlut.h>

#include "commands.h"
#include "nlut_gen.h"
#include "tool_util.h"

static void help(const char *prog)
{
	printf("Usage: %s [OPTIONS] DIR -o MODEL\n\n"
	       "Read the Verilog that LogicNets, NeuraLUT, PolyLUT or PolyLUT-Add generate\n"
	       "(neuron modules holding `case` tables, layer modules wiring them from bit\n"
	       "selects of their input, a top wiring registers and layers; `nlut gen --style\n"
	       "logicnets` writes the same layout) and write a .nlut model computing the same\n"
	       "function. The layers are those on the top's path from its input to its output,\n"
	       "in that order. Every case key is parsed, in any order;\n"
	       "codes are taken as written (signed values in offset binary stay unsigned\n"
	       "codes). The input quantisers are not in the Verilog: they come from\n"
	       "--quant-from, or default to identity quantisers (offset 0, scale 1, widths\n"
	       "inferred from the bit selects).\n\n"
	       "  -o, --output MODEL   the .nlut file to write\n"
	       "  --quant-from REF     take the input quantisers from model REF\n"
	       "  --top NAME           top module (default: logicnet, else the only module with\n"
	       "                       a clock that nothing instantiates); must exist. An\n"
	       "                       ensemble writes one top per member (logicnet_0, ...):\n"
	       "                       name the member to import\n"
	       "  --threshold T        a binary classifier (one output neuron): class 1 iff\n"
	       "                       its code >= T (format 1.2 threshold decoding); needs\n"
	       "  --threshold-code FMT signed (w-bit two's complement) or unsigned. Without\n"
	       "                       them a one-neuron output is refused: argmax over one\n"
	       "                       class would always answer class 0\n"
	       "  --name NAME          metadata name of the model\n"
	       "  -h, --help           show this help\n",
	       prog);
}

int cmd_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "quant-from", required_argument, NULL, 'Q' },
		{ "top", required_argument, NULL, 't' },
		{ "name", required_argument, NULL, 'n' },
		{ "threshold", required_argument, NULL, 'T' },
		{ "threshold-code", required_argument, NULL, 'C' },
		TOOL_OPTS_HELP,
	};
	const char *prog = argv[0], *out = NULL, *qfrom = NULL, *name = NULL;
	struct nlut_import_opts o;
	nlut_model *ref = NULL, *m = NULL;
	char id[NLUT_ID_STR_SIZE];
	const char *code = NULL;
	int c, err;

	memset(&o, 0, sizeof(o));
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'Q':
			qfrom = optarg;
			break;
		case 't':
			o.top = optarg;
			break;
		case 'n':
			name = optarg;
			break;
		case 'T': {
			char *end;
			long v = strtol(optarg, &end, 0);

			if (!*optarg || *end || v < -65536 || v > 65536)
				return tool_usage_error(prog, "--threshold: expected an integer code");
			o.threshold_set = 1;
			o.threshold = (int32_t)v;
			break;
		}
		case 'C':
			code = optarg;
			break;
		default:
			return tool_opt_common(prog, c, NULL, help);
		}
	}
	if ((err = tool_check_args(prog, argc, 1, "expected one DIR argument", out, "MODEL")))
		return err;
	const char *dir = argv[optind];

	if (code && strcmp(code, "signed") && strcmp(code, "unsigned"))
		return tool_usage_error(prog, "--threshold-code: signed or unsigned");
	if (o.threshold_set != !!code)
		return tool_usage_error(prog, "--threshold T needs --threshold-code signed|unsigned, "
					"and the other way round");
	o.threshold_signed = code && !strcmp(code, "signed");

	if (qfrom && (err = nlut_model_load(qfrom, &ref)))
		return tool_fail(prog, err, "cannot load --quant-from model");
	o.quant_from = ref;
	/* Say which files are skipped on purpose. */
	DIR *dd = opendir(dir);

	for (struct dirent *de; dd && (de = readdir(dd));)
		if (nlut_import_skips(de->d_name))
			fprintf(stderr, "note: skipped %s/%s (a Vivado netlist, not the RTL)\n", dir,
				de->d_name);
	if (dd)
		closedir(dd);
	err = nlut_import_dir(dir, &o, &m);
	nlut_model_free(ref);
	if (err)
		return tool_fail_detail(prog, NULL, nlut_gen_error_detail(), err);
	if (nlut_model_num_classes(m) == 1) {
		fprintf(stderr, "%s: %s: the output layer has one neuron: a binary classifier? give "
			"--threshold T --threshold-code signed|unsigned (class 1 iff its code >= T); "
			"as argmax over one class it would always answer class 0\n", prog, dir);
		nlut_model_free(m);
		return NLUT_EXIT_FAIL;
	}
	nlut_model_set_meta(m, "generator", "nlut import");
	if (name)
		nlut_model_set_meta(m, "name", name);
	if ((err = nlut_model_save(m, out))) {
		nlut_model_free(m);
		return tool_fail(prog, err, "cannot write %s", out);
	}
	nlut_model_id(m, id);
	printf("imported %s: %u inputs, %u layers, %u classes -> %s\nidentity  %s\n", dir,
	       nlut_model_num_inputs(m), nlut_model_num_layers(m), nlut_model_num_classes(m), out, id);
	if (!qfrom)
		printf("note: identity input quantisers (offset 0, scale 1, %u bits per feature); "
		       "use --quant-from to take them from a model\n", nlut_model_quant(m)[0].bits);
	nlut_model_free(m);
	return NLUT_EXIT_OK;
}
