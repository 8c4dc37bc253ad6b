/* commands.h - every blinkdoc subcommand: one function each, argv[0] is
 * the command name.  Each returns an exit code (cli.h). */
#ifndef BD_COMMANDS_H
#define BD_COMMANDS_H

int cmd_diagnose(int argc, char **argv);
int cmd_kb_lint(int argc, char **argv);
int cmd_devices(int argc, char **argv);
int cmd_identify(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_mac(int argc, char **argv);
/* listen, dfu, safe-mode, reset (by argv[0]) */
int cmd_mode(int argc, char **argv);

#endif
