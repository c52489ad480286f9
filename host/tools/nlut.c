/* nlut.c - the nlut program: dispatches to its subcommands. */
#include <stdio.h>
#include <string.h>

#include <nlut/version.h>

#include "commands.h"
#include "tool_util.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "info", cmd_info, "show a model's shape, widths, table sizes, identity and metadata" },
	{ "eval", cmd_eval, "evaluate a model on a dataset: accuracy, confusion matrix, throughput" },
	{ "train", cmd_train, "train a LUT network on a dataset and compile it into a .nlut model" },
	{ "gen", cmd_gen, "write the Verilog or VHDL core of a model (nlut_core and its layers)" },
	{ "vectors", cmd_vectors, "pattern files and testbenches for the core (inputs, golden outputs)" },
	{ "report", cmd_report, "synthesise the core with yosys: LUTs, FFs, LUT levels, latency" },
	{ "import", cmd_import, "read LogicNets/NeuraLUT/PolyLUT Verilog into a .nlut model" },
	{ "minimise", cmd_minimise, "minimise every table (sum of products), with don't-cares from data" },
	{ "minimize", cmd_minimise, "same as minimise" },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	fprintf(f, "Usage: nlut COMMAND [OPTIONS] [ARGS]\n\n"
		   "LUT neural networks: models, golden evaluation, RTL.\n\nCommands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'nlut COMMAND --help' describes a command.\n"
		   "Exit status: 0 success, 1 failure, 2 usage error.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return NLUT_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		if (argc > 2 && strcmp(argv[1], "help") == 0) {
			char name[64], opt[] = "--help";
			char *sub[] = { name, opt, NULL };

			snprintf(name, sizeof(name), "nlut %s", argv[2]);
			for (size_t i = 0; i < N_COMMANDS; i++)
				if (!strcmp(commands[i].name, argv[2]))
					return commands[i].run(2, sub);
			return tool_usage_error("nlut", "unknown command '%s'", argv[2]);
		}
		usage(stdout);
		return NLUT_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("nlut %s\n", NLUT_VERSION_STRING);
		return NLUT_EXIT_OK;
	}
	for (size_t i = 0; i < N_COMMANDS; i++) {
		if (strcmp(commands[i].name, argv[1]) != 0)
			continue;
		char name[64];

		snprintf(name, sizeof(name), "nlut %s", commands[i].name);
		argv[1] = name;
		return commands[i].run(argc - 1, argv + 1);
	}
	return tool_usage_error("nlut", "unknown command '%s'", argv[1]);
}
