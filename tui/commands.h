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

/* flash FILE, backup -o FILE, udev-rules [--install] */
int cmd_flash(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_udev(int argc, char **argv);

/* Progress of flash and backup (cmd_flash.c): a redrawn bar with ETA on a
 * terminal, one line every 10 % otherwise; transport log lines above it. */
#include <stdbool.h>
#include <stdio.h>

#include "flash_progress.h"
#include "transport.h"

struct cmd_progress {
	FILE *f;
	bool tty;          /* draw a bar with \r */
	bool bar_shown;    /* a bar is on the current line */
	bool verbose;      /* print every log line (else only rungs and results) */
	struct flash_progress p;
};

void cmd_progress_init(struct cmd_progress *cp, FILE *f);
/* A bd_op with this progress and log sink and a deadline of timeout_ms. */
struct bd_op cmd_progress_op(struct cmd_progress *cp, int64_t timeout_ms, bool verbose);
/* Ends a bar line (before other output). */
void cmd_progress_end(struct cmd_progress *cp);

#endif
