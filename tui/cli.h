/* cli.h - what every blinkdoc command shares: exit codes, error printing,
 * loading the knowledge base, terminal width. */
#ifndef BD_CLI_H
#define BD_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "common/bd_error.h"
#include "kb.h"

/* Exit codes, the same for every command (README, --help). */
enum bd_exit {
	BD_EXIT_OK = 0,          /* done */
	BD_EXIT_PROBLEM = 1,     /* a problem was found / no known LED status matches */
	BD_EXIT_USAGE = 2,       /* wrong command line */
	BD_EXIT_NEED_ANSWER = 3, /* more answers are needed */
	BD_EXIT_NO_DEVICE = 4,   /* no device found */
	BD_EXIT_DEVICE = 5,      /* device or transport error */
};

/* Options every command accepts. */
struct cli_global {
	const char *knowledge; /* --knowledge DIR, or NULL */
	int verbose;
};
extern struct cli_global cli_global;

/* Prints "blinkdoc: <msg>" and the hint to stderr. */
void cli_print_error(const struct bd_error *err);
/* Prints a usage error with a hint; returns BD_EXIT_USAGE. */
int cli_usage_error(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The exit code for a transport error code. */
int cli_exit_for(int code);

/* Loads the knowledge base (from --knowledge, BLINKDOC_KNOWLEDGE or the
 * installed copy); on problems prints them and returns NULL. */
struct kb *cli_load_kb(void);
/* Prints located problems "file:line:col: error: ..." to f. */
void cli_print_diag(FILE *f, const struct diag *d);

/* Width to wrap text to: the terminal's, $COLUMNS, or 80 (40..160). */
int cli_width(FILE *f);
/* Writes text to f wrapped at width, the first line prefixed by first and
 * later lines by rest (for bullets and indentation). Keeps blank lines and
 * "- " list lines of the text. */
void cli_wrap(FILE *f, const char *text, int width, const char *first, const char *rest);

/* Shared option parsing helper: true if arg is "-h" or "--help". */
bool cli_is_help(const char *arg);

#endif
