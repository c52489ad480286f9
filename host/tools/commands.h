/* commands.h - the subcommands of the nlut program. Each takes its own
 * argv (argv[0] = "nlut NAME") and returns an NLUT_EXIT_* code. */
#ifndef NLUT_COMMANDS_H
#define NLUT_COMMANDS_H

int cmd_info(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_gen(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_minimise(int argc, char **argv);
int cmd_vectors(int argc, char **argv);

#endif /* NLUT_COMMANDS_H */
