/* ui_term.c - curses lifecycle, colour degradation, canvas output, keys
 * (see ui_term.h). */
#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <term.h>
#include <termios.h>
#include <unistd.h>

#include "ui_keys.h"
#include "ui_term.h"

/* Pairs 1..3 are fixed; swatch colours get pairs from here on. */
enum { PAIR_OK = 1, PAIR_WARN = 2, PAIR_ERR = 3, PAIR_FIRST_DYN = 16 };
#define PAIR_CACHE 512

static SCREEN *scr;
static FILE *scr_in, *scr_out;
static enum ui_depth depth;
static int in_fd = -1, out_fd = -1;
static struct termios saved_tio;
static bool have_tio;
static char restore_seq[512];
static size_t restore_len;
static int npairs_max;

static struct {
	long color;
	int pair;
} pair_cache[PAIR_CACHE];
static int pair_next = PAIR_FIRST_DYN;

bool ui_term_no_color(void)
{
	const char *nc = getenv("NO_COLOR");
	const char *term = getenv("TERM");
	return (nc && *nc) || (term && !strcmp(term, "dumb"));
}

bool ui_term_ascii_locale(void)
{
	const char *cs = nl_langinfo(CODESET);
	return !(cs && (!strcasecmp(cs, "UTF-8") || !strcasecmp(cs, "utf8")));
}

bool ui_term_active(void)
{
	return scr != NULL;
}

enum ui_depth ui_term_depth(void)
{
	return depth;
}

static void add_restore(const char *s)
{
	if (!s || s == (char *)-1)
		return;
	size_t n = strlen(s);
	if (restore_len + n < sizeof restore_seq) {
		memcpy(restore_seq + restore_len, s, n);
		restore_len += n;
	}
}

/* What the user allows and the terminal can do. */
static enum ui_depth pick_depth(void)
{
	if (ui_term_no_color() || !has_colors())
		return UI_DEPTH_MONO;
	const char *want = getenv("BLINKDOC_COLORS");
	enum ui_depth cap = UI_DEPTH_MONO;
	if (COLORS >= 0x1000000 && tigetflag("RGB") > 0)
		cap = UI_DEPTH_TRUE;
	else if (COLORS >= 256)
		cap = UI_DEPTH_256;
	else if (COLORS >= 8)
		cap = UI_DEPTH_8;
	if (want && *want) {
		/* A way to try the lower depths on a capable terminal. */
		if (!strcmp(want, "mono"))
			return UI_DEPTH_MONO;
		if (!strcmp(want, "8") && cap != UI_DEPTH_MONO)
			return UI_DEPTH_8;
		if (!strcmp(want, "256") && (cap == UI_DEPTH_256 || cap == UI_DEPTH_TRUE))
			return UI_DEPTH_256;
	}
	return cap;
}

int ui_term_start(FILE *in, FILE *out, char *err, size_t errsize)
{
	if (scr)
		return 0;
	if (!isatty(fileno(in)) || !isatty(fileno(out))) {
		snprintf(err, errsize, "the guided session needs a terminal; in scripts and pipes use "
				       "`blinkdoc diagnose` (or --keys FILE --dump OUT to test it)");
		return -1;
	}
	in_fd = fileno(in);
	out_fd = fileno(out);
	have_tio = tcgetattr(in_fd, &saved_tio) == 0;
	const char *term = getenv("TERM");
	scr = newterm(term && *term ? term : "dumb", out, in);
	if (!scr) {
		snprintf(err, errsize, "cannot start the terminal screen (TERM=%s); try TERM=xterm, "
				       "or use `blinkdoc diagnose`", term && *term ? term : "(unset)");
		return -1;
	}
	scr_in = in;
	scr_out = out;
	set_term(scr);
	if (tigetstr("cup") == NULL || tigetstr("cup") == (char *)-1) {
		endwin();
		delscreen(scr);
		scr = NULL;
		snprintf(err, errsize, "this terminal (TERM=%s) cannot move the cursor", term ? term : "");
		return UI_TERM_NO_CURSOR;
	}
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	/* Home/End as screen and tmux send them, whatever the terminfo says. */
	define_key("\033[1~", KEY_HOME);
	define_key("\033[4~", KEY_END);
	define_key("\033[H", KEY_HOME);
	define_key("\033[F", KEY_END);
	depth = UI_DEPTH_MONO;
	if (!ui_term_no_color() && has_colors()) {
		start_color(); /* COLORS and COLOR_PAIRS are known from here on */
		use_default_colors();
		depth = pick_depth();
	}
	if (depth != UI_DEPTH_MONO) {
		init_pair(PAIR_OK, COLOR_GREEN, -1);
		init_pair(PAIR_WARN, COLOR_YELLOW, -1);
		init_pair(PAIR_ERR, COLOR_RED, -1);
		npairs_max = COLOR_PAIRS < 32767 ? COLOR_PAIRS : 32767;
	}
	mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	mouseinterval(0);
	restore_len = 0;
	add_restore("\033[?1000l\033[?1002l\033[?1006l");
	add_restore(tigetstr("sgr0"));
	add_restore(tigetstr("cnorm"));
	add_restore(tigetstr("rmkx"));
	add_restore(tigetstr("rmcup"));
	return 0;
}

void ui_term_stop(void)
{
	if (!scr)
		return;
	mousemask(0, NULL);
	curs_set(1);
	endwin();
	delscreen(scr);
	scr = NULL;
	fflush(scr_out);
	if (have_tio)
		tcsetattr(in_fd, TCSAFLUSH, &saved_tio);
}

void ui_term_emergency_restore(void)
{
	if (out_fd >= 0 && restore_len) {
		ssize_t w = write(out_fd, restore_seq, restore_len);
		(void)w;
	}
	if (have_tio)
		tcsetattr(in_fd, TCSANOW, &saved_tio);
}

void ui_term_size(int *h, int *w)
{
	getmaxyx(stdscr, *h, *w);
}

int ui_rgb_to_256(unsigned r, unsigned g, unsigned b)
{
	static const unsigned steps[6] = {0, 95, 135, 175, 215, 255};
	int idx[3];
	unsigned c[3] = {r, g, b};
	for (int i = 0; i < 3; i++) {
		int best = 0;
		for (int k = 1; k < 6; k++)
			if (abs((int)steps[k] - (int)c[i]) < abs((int)steps[best] - (int)c[i]))
				best = k;
		idx[i] = best;
	}
	long dc = 0;
	for (int i = 0; i < 3; i++)
		dc += ((long)steps[idx[i]] - c[i]) * ((long)steps[idx[i]] - c[i]);
	unsigned grey_avg = (r + g + b) / 3;
	int gi = grey_avg < 8 ? 0 : grey_avg > 238 ? 23 : (int)((grey_avg - 8) / 10);
	unsigned gv = 8 + 10 * (unsigned)gi;
	long dg = 0;
	for (int i = 0; i < 3; i++)
		dg += ((long)gv - c[i]) * ((long)gv - c[i]);
	if (dg < dc)
		return 232 + gi;
	return 16 + 36 * idx[0] + 6 * idx[1] + idx[2];
}

int ui_rgb_to_8(unsigned r, unsigned g, unsigned b)
{
	/* Compare hues: scale the brightest channel to full first, so a dim
	 * cyan is still cyan (brightness shows in the shade glyph). */
	unsigned m = r > g ? (r > b ? r : b) : (g > b ? g : b);
	if (m == 0)
		return COLOR_BLACK;
	r = r * 255 / m;
	g = g * 255 / m;
	b = b * 255 / m;
	static const struct {
		unsigned r, g, b;
		int c;
	} base[] = {
		{255, 0, 0, COLOR_RED},       {0, 255, 0, COLOR_GREEN},  {255, 255, 0, COLOR_YELLOW},
		{0, 0, 255, COLOR_BLUE},      {255, 0, 255, COLOR_MAGENTA}, {0, 255, 255, COLOR_CYAN},
		{255, 255, 255, COLOR_WHITE},
	};
	int best = COLOR_WHITE;
	long bd = -1;
	for (size_t i = 0; i < sizeof base / sizeof base[0]; i++) {
		long d = ((long)base[i].r - r) * ((long)base[i].r - r) +
			 ((long)base[i].g - g) * ((long)base[i].g - g) +
			 ((long)base[i].b - b) * ((long)base[i].b - b);
		if (bd < 0 || d < bd) {
			bd = d;
			best = base[i].c;
		}
	}
	return best;
}

/* A colour pair for a foreground colour number, cached. */
static int pair_for(long color)
{
	unsigned h = (unsigned)(color * 2654435761u) % PAIR_CACHE;
	for (int i = 0; i < PAIR_CACHE; i++) {
		unsigned k = (h + (unsigned)i) % PAIR_CACHE;
		if (pair_cache[k].pair && pair_cache[k].color == color)
			return pair_cache[k].pair;
		if (!pair_cache[k].pair) {
			if (pair_next >= npairs_max) {
				/* Out of pairs: start over (the screen is repainted fully). */
				memset(pair_cache, 0, sizeof pair_cache);
				pair_next = PAIR_FIRST_DYN;
				return pair_for(color);
			}
			int p = pair_next++;
			if (init_extended_pair(p, (int)color, -1) == ERR)
				return 0;
			pair_cache[k].color = color;
			pair_cache[k].pair = p;
			return p;
		}
	}
	memset(pair_cache, 0, sizeof pair_cache);
	pair_next = PAIR_FIRST_DYN;
	return 0;
}

static int swatch_pair(uint32_t rgb)
{
	unsigned r = rgb >> 16 & 0xFF, g = rgb >> 8 & 0xFF, b = rgb & 0xFF;
	switch (depth) {
	case UI_DEPTH_TRUE: return pair_for((long)rgb);
	case UI_DEPTH_256: return pair_for(ui_rgb_to_256(r, g, b));
	case UI_DEPTH_8: return pair_for(ui_rgb_to_8(r, g, b));
	case UI_DEPTH_MONO: break;
	}
	return 0;
}

static attr_t style_attr(int style, int *pair)
{
	*pair = 0;
	switch (style) {
	case UI_DIM: return A_DIM;
	case UI_TITLE: return A_BOLD;
	case UI_FOCUS: return A_REVERSE;
	case UI_BAR: return A_REVERSE;
	case UI_KEY: return A_BOLD;
	case UI_OK: *pair = depth ? PAIR_OK : 0; return A_BOLD;
	case UI_WARN: *pair = depth ? PAIR_WARN : 0; return A_BOLD;
	case UI_ERR: *pair = depth ? PAIR_ERR : 0; return A_BOLD;
	default: return A_NORMAL;
	}
}

void ui_term_present(const struct ui_canvas *cv)
{
	if (!scr)
		return;
	int h, w;
	getmaxyx(stdscr, h, w);
	for (int y = 0; y < cv->h && y < h; y++) {
		for (int x = 0; x < cv->w && x < w; x++) {
			const struct ui_cell *c = &cv->c[y * cv->w + x];
			if (c->ch == 0)
				continue;
			int pair = 0;
			attr_t at = style_attr(c->style, &pair);
			if (c->style == UI_SWATCH && depth)
				pair = swatch_pair(c->rgb);
			wchar_t wc[2] = {(wchar_t)c->ch, 0};
			cchar_t cc;
			setcchar(&cc, wc, at, 0, NULL);
			if (pair) {
				int ext = pair;
				setcchar(&cc, wc, at, 0, &ext);
			}
			mvwadd_wch(stdscr, y, x, &cc);
		}
	}
	if (cv->cur_y >= 0) {
		curs_set(1);
		move(cv->cur_y, cv->cur_x);
	} else {
		curs_set(0);
	}
	refresh();
}

int ui_term_key(int timeout_ms, int *y, int *x)
{
	if (!scr)
		return -1;
	wtimeout(stdscr, timeout_ms);
	wint_t wc;
	int r = wget_wch(stdscr, &wc);
	if (r == ERR)
		return -1;
	if (r == KEY_CODE_YES) {
		if (wc == KEY_MOUSE) {
			MEVENT ev;
			if (getmouse(&ev) != OK)
				return -1;
			if (ev.bstate & BUTTON4_PRESSED)
				return KEY_UP;
			if (ev.bstate & BUTTON5_PRESSED)
				return KEY_DOWN;
			if (ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)) {
				*y = ev.y;
				*x = ev.x;
				return UI_KEY_CLICK;
			}
			return -1;
		}
		return (int)wc;
	}
	/* Characters beyond ASCII only matter as search text. */
	return wc < 0x80 ? (int)wc : -1;
}
