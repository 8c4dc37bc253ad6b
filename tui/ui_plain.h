/* ui_plain.h - the guided session as plain text for terminals that cannot
 * move the cursor (TERM=dumb). */
#ifndef BD_UI_PLAIN_H
#define BD_UI_PLAIN_H

#include <signal.h>

struct ui_app;

/* Runs the session writing screens as text and reading keys as lines from
 * stdin; returns an exit code.  interrupted is set by the SIGINT handler. */
int ui_plain_run(struct ui_app *a, volatile sig_atomic_t *interrupted);

#endif
