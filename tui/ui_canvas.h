/* ui_canvas.h - the virtual screen the guided session draws into.
 *
 * Screens never talk to curses: they put text, swatches and boxes into a
 * canvas of cells, say where the cursor belongs (the focused item, for
 * screen readers) and which cells a mouse click selects.  ui_term.c copies
 * the canvas to the terminal; ui_dump.c writes it as plain text for golden
 * tests.  Pure: no curses, no clock, no locale calls.
 *
 * Text is UTF-8.  With `ascii` set (a terminal whose locale is not UTF-8),
 * every character outside ASCII is written as an ASCII stand-in (dashes,
 * quotes, "...", '?'), and glyphs (borders, shades, marks) use their ASCII
 * forms, so nothing is lost on a plain terminal.
 */
#ifndef BD_UI_CANVAS_H
#define BD_UI_CANVAS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum ui_style {
	UI_NORMAL,
	UI_DIM,    /* hints, secondary text */
	UI_TITLE,  /* headings */
	UI_FOCUS,  /* the focused item */
	UI_BAR,    /* header and footer bars */
	UI_KEY,    /* key names */
	UI_OK,
	UI_WARN,
	UI_ERR,
	UI_SWATCH, /* an LED swatch cell: colour from the cell's rgb */
};

/* Glyphs with a Unicode and an ASCII form. */
enum ui_glyph {
	G_HLINE, G_VLINE, G_TL, G_TR, G_BL, G_BR,
	G_FOCUS,     /* marker before the focused item */
	G_BULLET,
	G_ELLIPSIS,
	G_SHADE0, G_SHADE1, G_SHADE2, G_SHADE3, G_SHADE4, /* off .. full */
	G_BAR_FULL, G_BAR_EMPTY, /* progress bar */
	G_SEP,       /* separator in the header */
	G_COUNT_
};

struct ui_cell {
	uint32_t ch;     /* code point; 0 = continuation of a wide character */
	uint8_t style;   /* enum ui_style */
	uint32_t rgb;    /* UI_SWATCH: 0xRRGGBB already scaled by brightness */
};

#define UI_MAX_HITS 128
struct ui_hit {
	int y, x, w;
	int id;
};

struct ui_canvas {
	int w, h;
	struct ui_cell *c;
	bool ascii;
	int cur_y, cur_x;    /* where the terminal cursor goes; -1: hidden */
	struct ui_hit hits[UI_MAX_HITS];
	int nhits;
};

/* Allocates a w x h canvas (blank).  Returns 0 or -1 on OOM. */
int cv_init(struct ui_canvas *cv, int w, int h, bool ascii);
void cv_free(struct ui_canvas *cv);
/* Blanks every cell, forgets hits, hides the cursor. */
void cv_clear(struct ui_canvas *cv);
struct ui_cell *cv_at(struct ui_canvas *cv, int y, int x);

/* The code point of a glyph in this canvas's character set. */
uint32_t cv_glyph(const struct ui_canvas *cv, enum ui_glyph g);
/* Shade glyph for a brightness 0..1. */
enum ui_glyph cv_shade(double level);

/* Writes text at (y, x), at most maxw columns (clipped at the edge too).
 * Control characters are skipped.  Returns the columns written. */
int cv_put(struct ui_canvas *cv, int y, int x, int maxw, const char *text, int style);
int cv_putf(struct ui_canvas *cv, int y, int x, int maxw, int style, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* Writes text clipped to maxw columns, ending in an ellipsis when cut. */
int cv_put_clip(struct ui_canvas *cv, int y, int x, int maxw, const char *text, int style);
void cv_fill(struct ui_canvas *cv, int y, int x, int w, uint32_t ch, int style);
void cv_style(struct ui_canvas *cv, int y, int x, int w, int style);
void cv_hline(struct ui_canvas *cv, int y, int x, int w, int style);
void cv_box(struct ui_canvas *cv, int y, int x, int h, int w, int style);
/* One swatch cell run: shade glyph for level, coloured rgb scaled by level. */
void cv_swatch(struct ui_canvas *cv, int y, int x, int w, double level, uint32_t rgb);

void cv_cursor(struct ui_canvas *cv, int y, int x);
/* Marks cells a mouse click selects; cv_hit_at returns the id or -1. */
void cv_hit(struct ui_canvas *cv, int y, int x, int w, int id);
int cv_hit_at(const struct ui_canvas *cv, int y, int x);

/* Display width of UTF-8 text in this character set. */
int ui_text_width(const char *text, bool ascii);
/* Decodes one UTF-8 character at *s (advancing it); invalid bytes give
 * U+FFFD.  Returns 0 at the end. */
uint32_t ui_utf8_next(const char **s);
/* Columns a code point takes (0 combining, 2 wide, else 1). */
int ui_cp_width(uint32_t cp);
/* ASCII stand-in for a code point (never NULL; "" for combining marks). */
const char *ui_ascii_for(uint32_t cp);

/* Word-wraps text to width columns.  "\n" starts a new line, blank lines
 * are kept, a line starting with "- " or "N. " continues indented under its
 * text.  Calls line(ctx, start, bytes, indent) for each output line and
 * returns the number of lines. */
int ui_wrap(const char *text, int width, bool ascii,
	    void (*line)(void *ctx, const char *s, size_t len, int indent), void *ctx);
/* Wraps text into the canvas from (y, x) in w columns, skipping the first
 * `skip` lines and writing at most maxlines; returns the lines written. */
int cv_wrap(struct ui_canvas *cv, int y, int x, int w, int maxlines, int skip, const char *text,
	    int style);
/* Lines text needs at width w. */
int ui_wrap_count(const char *text, int w, bool ascii);

/* Writes the canvas as plain text (trailing blanks trimmed), one line per
 * row. */
void cv_write_text(const struct ui_canvas *cv, FILE *f);

#endif
