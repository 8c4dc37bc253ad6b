/* ui.h - the guided terminal session (ncurses).  The only part of blinkdoc
 * that includes <curses.h> is tui/ui_*.c; everything else is headless. */
#ifndef BD_UI_H
#define BD_UI_H

/* Runs the guided session.  argv holds the arguments after the program name
 * that belong to the session (e.g. --resume, --device ID).  Returns an exit
 * code (cli.h).  Always restores the terminal. */
int ui_run(int argc, char **argv);

#endif
