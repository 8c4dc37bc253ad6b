/* ui_script.h - the headless session: a key script drives the guided
 * session on a virtual screen of fixed size with a fixed clock, and the
 * screens it asks for are written as plain text (tig-style golden tests).
 *
 * Script lines (one command each; '#' starts a comment):
 *   key NAME...      keys by the names of the key table (Up, Down, Enter,
 *                    Backspace, Left, Space, Esc, q, ?, w, t, C-c, ...)
 *   type TEXT        each character of TEXT as a key
 *   sleep MS         the fixed clock moves on MS milliseconds
 *   tap MS...        Space, then sleep MS, for each MS (tap-along rhythms)
 *   resize W H       the screen becomes W x H (a terminal resize)
 *   click ROW COL    a mouse click on that cell (0-based)
 *   dump [LABEL]     write the screen (and where the cursor is) to the output
 *   wait             wait for a running action to finish (bounded by its deadline)
 *   async on|off     off (default): a key that starts an action waits for it
 * The final screen is always written at the end, labelled "end".
 */
#ifndef BD_UI_SCRIPT_H
#define BD_UI_SCRIPT_H

#include <stdio.h>

struct ui_app;

/* Runs the script at keys_path; dumps go to dump_path ("-" = stdout).
 * Returns an exit code (cli.h); a bad script line is a usage error naming
 * FILE:LINE. */
int ui_script_run(struct ui_app *a, const char *keys_path, const char *dump_path, int w, int h);
/* Writes the current screen with a header line. */
void ui_dump_screen(struct ui_app *a, FILE *f, const char *label);

#endif
