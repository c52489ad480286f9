/* cmd_import.c - `nlut import DIR -o MODEL`: a LogicNets / NeuraLUT / PolyLUT
 * Verilog directory into a .nlut model with the same function. */
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <nlut/nlut.h>

#include "commands.h"
#include "nlut_gen.h"
#include "tool_util.h"

static void help(const char *prog)
{
	printf("Usage: %s [OPTIONS] DIR -o MODEL\n\n"
	       "Read the Verilog that LogicNets, NeuraLUT or PolyLUT generate (neuron modules\n"
	       "layer<i>_N<j> holding `case (M0)` tables, layer modules wiring them from M0 bit\n"
	       "selects; `nlut gen --style logicnets` writes the same layout) and write a .nlut\n"
	       "model computing the same function. Every case key is parsed, in any order;\n"
	       "codes are taken as written (signed values in offset binary stay unsigned\n"
	       "codes). The input quantisers are not in the Verilog: they come from\n"
	       "--quant-from, or default to identity quantisers (offset 0, scale 1, widths\n"
	       "inferred from the bit selects).\n\n"
	       "  -o, --output MODEL   the .nlut file to write\n"
	       "  --quant-from REF     take the input quantisers from model REF\n"
	       "  --top NAME           top module (default logicnet): the layers are those it\n"
	       "                       instantiates; must exist when given\n"
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
		TOOL_OPTS_HELP,
	};
	const char *prog = argv[0], *out = NULL, *qfrom = NULL, *name = NULL;
	struct nlut_import_opts o;
	nlut_model *ref = NULL, *m = NULL;
	char id[NLUT_ID_STR_SIZE];
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
		default:
			return tool_opt_common(prog, c, NULL, help);
		}
	}
	if ((err = tool_check_args(prog, argc, 1, "expected one DIR argument", out, "MODEL")))
		return err;
	const char *dir = argv[optind];

	if (qfrom && (err = nlut_model_load(qfrom, &ref)))
		return tool_fail(prog, err, "cannot load --quant-from model");
	o.quant_from = ref;
	/* Say which files are skipped on purpose. */
	DIR *dd = opendir(dir);

	for (struct dirent *de; dd && (de = readdir(dd));)
		if (nlut_import_skips(de->d_name))
			printf("note: skipped %s/%s (a Vivado netlist, not the RTL)\n", dir, de->d_name);
	if (dd)
		closedir(dd);
	err = nlut_import_dir(dir, &o, &m);
	nlut_model_free(ref);
	if (err)
		return tool_fail_detail(prog, NULL, nlut_gen_error_detail(), err);
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
