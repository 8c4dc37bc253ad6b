/* ui_term.h - the terminal: curses started lazily with newterm() on the
 * streams the caller chooses, colour depth, copying a canvas to the screen,
 * keys and mouse clicks, and restoring the terminal on every way out.
 * ui_term.c is the only file that includes <curses.h> besides the key
 * table (which needs curses' key codes). */
#ifndef BD_UI_TERM_H
#define BD_UI_TERM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "ui_canvas.h"

enum ui_depth {
	UI_DEPTH_MONO = 0,   /* NO_COLOR, TERM=dumb, or no colours */
	UI_DEPTH_8 = 8,
	UI_DEPTH_256 = 256,
	UI_DEPTH_TRUE = 24,  /* direct colour (terminfo RGB) */
};

/* Whether the user asked for no colour: NO_COLOR set to anything non-empty,
 * or TERM=dumb. */
bool ui_term_no_color(void);
/* Whether text should be ASCII only (the locale's character set is not
 * UTF-8).  Call after setlocale(). */
bool ui_term_ascii_locale(void);

/* Starts curses on in/out (which must be terminals).  On failure returns -1
 * with a reason in err, or UI_TERM_NO_CURSOR when the terminal cannot move
 * the cursor (TERM=dumb: use the plain-text session); the terminal is left
 * as it was. */
#define UI_TERM_NO_CURSOR (-2)
int ui_term_start(FILE *in, FILE *out, char *err, size_t errsize);
/* Ends curses and restores the terminal; safe to call twice. */
void ui_term_stop(void);
bool ui_term_active(void);
enum ui_depth ui_term_depth(void);
void ui_term_size(int *h, int *w);
/* Shows the canvas, with the cursor where the canvas says. */
void ui_term_present(const struct ui_canvas *cv);
/* The next key within timeout_ms (curses key code or character), -1 when
 * none came.  A mouse click returns UI_KEY_CLICK with its cell in *y, *x. */
int ui_term_key(int timeout_ms, int *y, int *x);
/* Restores the terminal from a signal handler: only write() and
 * tcsetattr(), with sequences prepared at start. */
void ui_term_emergency_restore(void);

/* Nearest xterm-256 colour and nearest of the 8 basic colours (pure). */
int ui_rgb_to_256(unsigned r, unsigned g, unsigned b);
int ui_rgb_to_8(unsigned r, unsigned g, unsigned b);

#endif
