/* ui_main.c - placeholder entry for the guided session until the ncurses
 * front-end lands (issue 5).  It says so plainly instead of pretending. */
#include <stdio.h>

#include "cli.h"
#include "ui.h"

int ui_run(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "blinkdoc: the guided session is not built yet; use `blinkdoc diagnose` "
			"(see `blinkdoc --help`).\n");
	return BD_EXIT_USAGE;
}
