/* ui_canvas.c - the virtual screen: cells, UTF-8, ASCII stand-ins,
 * wrapping, hit regions (see ui_canvas.h). */
#include "ui_canvas.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int cv_init(struct ui_canvas *cv, int w, int h, bool ascii)
{
	memset(cv, 0, sizeof *cv);
	if (w < 1)
		w = 1;
	if (h < 1)
		h = 1;
	cv->c = calloc((size_t)w * (size_t)h, sizeof *cv->c);
	if (!cv->c)
		return -1;
	cv->w = w;
	cv->h = h;
	cv->ascii = ascii;
	cv_clear(cv);
	return 0;
}

void cv_free(struct ui_canvas *cv)
{
	free(cv->c);
	cv->c = NULL;
	cv->w = cv->h = 0;
}

void cv_clear(struct ui_canvas *cv)
{
	for (int i = 0; i < cv->w * cv->h; i++)
		cv->c[i] = (struct ui_cell){' ', UI_NORMAL, 0};
	cv->nhits = 0;
	cv->cur_y = cv->cur_x = -1;
}

struct ui_cell *cv_at(struct ui_canvas *cv, int y, int x)
{
	if (y < 0 || x < 0 || y >= cv->h || x >= cv->w)
		return NULL;
	return &cv->c[y * cv->w + x];
}

static const struct {
	uint32_t uni;
	char ascii;
} glyphs[G_COUNT_] = {
	[G_HLINE] = {0x2500, '-'},     [G_VLINE] = {0x2502, '|'},
	[G_TL] = {0x250C, '+'},        [G_TR] = {0x2510, '+'},
	[G_BL] = {0x2514, '+'},        [G_BR] = {0x2518, '+'},
	[G_FOCUS] = {0x203A, '>'},     [G_BULLET] = {0x2022, '*'},
	[G_ELLIPSIS] = {0x2026, '~'},  [G_SHADE0] = {' ', ' '},
	[G_SHADE1] = {0x2591, '.'},    [G_SHADE2] = {0x2592, ':'},
	[G_SHADE3] = {0x2593, '+'},    [G_SHADE4] = {0x2588, '#'},
	[G_BAR_FULL] = {0x2588, '#'},  [G_BAR_EMPTY] = {0x2591, '.'},
	[G_SEP] = {0x00B7, '|'},
};

uint32_t cv_glyph(const struct ui_canvas *cv, enum ui_glyph g)
{
	if ((unsigned)g >= G_COUNT_)
		return '?';
	return cv->ascii ? (uint32_t)glyphs[g].ascii : glyphs[g].uni;
}

enum ui_glyph cv_shade(double level)
{
	if (level < 0.06)
		return G_SHADE0;
	if (level < 0.3)
		return G_SHADE1;
	if (level < 0.55)
		return G_SHADE2;
	if (level < 0.8)
		return G_SHADE3;
	return G_SHADE4;
}

uint32_t ui_utf8_next(const char **sp)
{
	const unsigned char *s = (const unsigned char *)*sp;
	if (!*s)
		return 0;
	uint32_t cp;
	int n;
	if (s[0] < 0x80) {
		*sp += 1;
		return s[0];
	} else if ((s[0] & 0xE0) == 0xC0) {
		cp = s[0] & 0x1F;
		n = 1;
	} else if ((s[0] & 0xF0) == 0xE0) {
		cp = s[0] & 0x0F;
		n = 2;
	} else if ((s[0] & 0xF8) == 0xF0) {
		cp = s[0] & 0x07;
		n = 3;
	} else {
		*sp += 1;
		return 0xFFFD;
	}
	for (int i = 1; i <= n; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*sp += i;
			return 0xFFFD;
		}
		cp = cp << 6 | (s[i] & 0x3F);
	}
	*sp += n + 1;
	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0xFFFD;
	return cp;
}

int ui_cp_width(uint32_t cp)
{
	if ((cp >= 0x300 && cp <= 0x36F) || cp == 0x200B || (cp >= 0xFE00 && cp <= 0xFE0F))
		return 0;
	if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
	    (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
	    (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
	    (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1FAFF) ||
	    (cp >= 0x20000 && cp <= 0x3FFFD))
		return 2;
	return 1;
}

const char *ui_ascii_for(uint32_t cp)
{
	static const struct {
		uint32_t cp;
		const char *s;
	} map[] = {
		{0x00A0, " "},   {0x00AB, "\""},  {0x00BB, "\""},  {0x00B0, "o"},
		{0x00B7, "."},   {0x00D7, "x"},   {0x2010, "-"},   {0x2011, "-"},
		{0x2012, "-"},   {0x2013, "-"},   {0x2014, "-"},   {0x2015, "-"},
		{0x2018, "'"},   {0x2019, "'"},   {0x201A, "'"},   {0x201C, "\""},
		{0x201D, "\""},  {0x201E, "\""},  {0x2022, "*"},   {0x2026, "..."},
		{0x2032, "'"},   {0x203A, ">"},   {0x2039, "<"},   {0x2190, "<-"},
		{0x2191, "^"},   {0x2192, "->"},  {0x2193, "v"},   {0x2212, "-"},
		{0x2713, "v"},   {0x2714, "v"},   {0x2717, "x"},   {0x2718, "x"},
		{0x2264, "<="},  {0x2265, ">="},  {0x2248, "~"},   {0x00B1, "+/-"},
	};
	static const char latin[] = /* U+00C0 .. U+00FF */
		"AAAAAAACEEEEIIIIDNOOOOOxOUUUUYTs"
		"aaaaaaaceeeeiiiidnooooo/ouuuuyty";
	static char one[2];
	if (cp < 0x80) {
		one[0] = (char)cp;
		one[1] = '\0';
		return one;
	}
	if (ui_cp_width(cp) == 0)
		return "";
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (map[i].cp == cp)
			return map[i].s;
	if (cp >= 0xC0 && cp <= 0xFF) {
		one[0] = latin[cp - 0xC0];
		one[1] = '\0';
		return one;
	}
	if (cp >= 0x2500 && cp <= 0x257F)
		return (cp == 0x2502 || cp == 0x2503) ? "|" : (cp <= 0x2501) ? "-" : "+";
	if (cp >= 0x2580 && cp <= 0x259F)
		return "#";
	return "?";
}

static int cp_cols(uint32_t cp, bool ascii)
{
	if (ascii && cp >= 0x80)
		return (int)strlen(ui_ascii_for(cp));
	if (cp == '\t')
		return 1;
	if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
		return 0;
	return ui_cp_width(cp);
}

int ui_text_width(const char *text, bool ascii)
{
	int w = 0;
	uint32_t cp;
	while ((cp = ui_utf8_next(&text)))
		w += cp_cols(cp, ascii);
	return w;
}

/* Puts one code point; returns columns used (0 when it did not fit). */
static int put_cp(struct ui_canvas *cv, int y, int x, int room, uint32_t cp, int style)
{
	if (cp == '\t')
		cp = ' ';
	if (cv->ascii && cp >= 0x80) {
		const char *a = ui_ascii_for(cp);
		int n = (int)strlen(a);
		if (n > room)
			return 0;
		for (int i = 0; i < n; i++) {
			struct ui_cell *c = cv_at(cv, y, x + i);
			if (c)
				*c = (struct ui_cell){(unsigned char)a[i], (uint8_t)style, 0};
		}
		return n;
	}
	int w = cp_cols(cp, false);
	if (w == 0 || w > room)
		return 0;
	struct ui_cell *c = cv_at(cv, y, x);
	if (c)
		*c = (struct ui_cell){cp, (uint8_t)style, 0};
	if (w == 2 && (c = cv_at(cv, y, x + 1)))
		*c = (struct ui_cell){0, (uint8_t)style, 0};
	return w;
}

int cv_put(struct ui_canvas *cv, int y, int x, int maxw, const char *text, int style)
{
	if (y < 0 || y >= cv->h || !text)
		return 0;
	if (x < 0)
		x = 0;
	if (maxw > cv->w - x)
		maxw = cv->w - x;
	int used = 0;
	uint32_t cp;
	while (used < maxw && (cp = ui_utf8_next(&text))) {
		if (cp_cols(cp, cv->ascii) == 0)
			continue;
		int n = put_cp(cv, y, x + used, maxw - used, cp, style);
		if (n == 0)
			break;
		used += n;
	}
	return used;
}

int cv_putf(struct ui_canvas *cv, int y, int x, int maxw, int style, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return cv_put(cv, y, x, maxw, buf, style);
}

int cv_put_clip(struct ui_canvas *cv, int y, int x, int maxw, const char *text, int style)
{
	if (maxw <= 0)
		return 0;
	if (ui_text_width(text, cv->ascii) <= maxw)
		return cv_put(cv, y, x, maxw, text, style);
	int ell = cv->ascii ? 3 : 1;
	if (maxw <= ell)
		return cv_put(cv, y, x, maxw, text, style);
	int n = cv_put(cv, y, x, maxw - ell, text, style);
	if (cv->ascii)
		n += cv_put(cv, y, x + n, ell, "...", style);
	else
		n += put_cp(cv, y, x + n, ell, cv_glyph(cv, G_ELLIPSIS), style);
	return n;
}

void cv_fill(struct ui_canvas *cv, int y, int x, int w, uint32_t ch, int style)
{
	for (int i = 0; i < w; i++) {
		struct ui_cell *c = cv_at(cv, y, x + i);
		if (c)
			*c = (struct ui_cell){ch, (uint8_t)style, 0};
	}
}

void cv_style(struct ui_canvas *cv, int y, int x, int w, int style)
{
	for (int i = 0; i < w; i++) {
		struct ui_cell *c = cv_at(cv, y, x + i);
		if (c && c->style != UI_SWATCH)
			c->style = (uint8_t)style;
	}
}

void cv_hline(struct ui_canvas *cv, int y, int x, int w, int style)
{
	cv_fill(cv, y, x, w, cv_glyph(cv, G_HLINE), style);
}

void cv_box(struct ui_canvas *cv, int y, int x, int h, int w, int style)
{
	if (h < 2 || w < 2)
		return;
	cv_hline(cv, y, x + 1, w - 2, style);
	cv_hline(cv, y + h - 1, x + 1, w - 2, style);
	for (int i = 1; i < h - 1; i++) {
		cv_fill(cv, y + i, x, 1, cv_glyph(cv, G_VLINE), style);
		cv_fill(cv, y + i, x + w - 1, 1, cv_glyph(cv, G_VLINE), style);
	}
	cv_fill(cv, y, x, 1, cv_glyph(cv, G_TL), style);
	cv_fill(cv, y, x + w - 1, 1, cv_glyph(cv, G_TR), style);
	cv_fill(cv, y + h - 1, x, 1, cv_glyph(cv, G_BL), style);
	cv_fill(cv, y + h - 1, x + w - 1, 1, cv_glyph(cv, G_BR), style);
}

void cv_swatch(struct ui_canvas *cv, int y, int x, int w, double level, uint32_t rgb)
{
	if (level < 0)
		level = 0;
	if (level > 1)
		level = 1;
	uint32_t r = (uint32_t)((double)(rgb >> 16 & 0xFF) * level + 0.5);
	uint32_t g = (uint32_t)((double)(rgb >> 8 & 0xFF) * level + 0.5);
	uint32_t b = (uint32_t)((double)(rgb & 0xFF) * level + 0.5);
	uint32_t ch = cv_glyph(cv, cv_shade(level));
	for (int i = 0; i < w; i++) {
		struct ui_cell *c = cv_at(cv, y, x + i);
		if (c)
			*c = (struct ui_cell){ch, UI_SWATCH, r << 16 | g << 8 | b};
	}
}

void cv_cursor(struct ui_canvas *cv, int y, int x)
{
	if (y >= 0 && y < cv->h && x >= 0 && x < cv->w) {
		cv->cur_y = y;
		cv->cur_x = x;
	}
}

void cv_hit(struct ui_canvas *cv, int y, int x, int w, int id)
{
	if (cv->nhits < UI_MAX_HITS && y >= 0 && y < cv->h)
		cv->hits[cv->nhits++] = (struct ui_hit){y, x, w, id};
}

int cv_hit_at(const struct ui_canvas *cv, int y, int x)
{
	for (int i = cv->nhits - 1; i >= 0; i--) {
		const struct ui_hit *h = &cv->hits[i];
		if (h->y == y && x >= h->x && x < h->x + h->w)
			return h->id;
	}
	return -1;
}

/* Hanging indent of a list line: "- " or "12. ". */
static int list_indent(const char *s, const char *end)
{
	if (end - s >= 2 && s[0] == '-' && s[1] == ' ')
		return 2;
	const char *p = s;
	while (p < end && p - s < 3 && *p >= '0' && *p <= '9')
		p++;
	if (p > s && p + 1 < end && p[0] == '.' && p[1] == ' ')
		return (int)(p - s) + 2;
	return 0;
}

static void emit(void (*line)(void *, const char *, size_t, int), void *ctx, const char *s,
		 const char *e, int indent)
{
	while (e > s && e[-1] == ' ')
		e--;
	line(ctx, s, (size_t)(e - s), indent);
}

static int wrap_para(const char *s, const char *end, int width, bool ascii,
		     void (*line)(void *, const char *, size_t, int), void *ctx)
{
	int indent = list_indent(s, end), lines = 0;
	bool first = true;
	if (indent >= width)
		indent = 0;
	while (s < end) {
		int avail = first ? width : width - indent;
		if (!first)
			while (s < end && *s == ' ')
				s++;
		if (s >= end)
			break;
		const char *q = s, *brk = NULL;
		int w = 0;
		while (q < end) {
			const char *before = q;
			uint32_t cp = ui_utf8_next(&q);
			int cw = cp_cols(cp, ascii);
			if (w + cw > avail) {
				q = before;
				break;
			}
			w += cw;
			if (cp == ' ')
				brk = before;
		}
		if (q < end && *q == ' ')
			brk = q; /* the line is full exactly at a space */
		if (q >= end) {
			emit(line, ctx, s, end, first ? 0 : indent);
			lines++;
			break;
		}
		if (brk && brk > s) {
			emit(line, ctx, s, brk, first ? 0 : indent);
			s = brk + 1;
		} else {
			if (q == s) /* a character wider than the line */
				ui_utf8_next(&q);
			emit(line, ctx, s, q, first ? 0 : indent);
			s = q;
		}
		lines++;
		first = false;
	}
	return lines;
}

int ui_wrap(const char *text, int width, bool ascii,
	    void (*line)(void *ctx, const char *s, size_t len, int indent), void *ctx)
{
	if (width < 1)
		width = 1;
	int lines = 0;
	const char *p = text ? text : "";
	for (;;) {
		const char *end = strchr(p, '\n');
		if (!end)
			end = p + strlen(p);
		if (end == p) {
			if (*end || lines == 0) {
				line(ctx, p, 0, 0);
				lines++;
			}
		} else {
			lines += wrap_para(p, end, width, ascii, line, ctx);
		}
		if (!*end || !end[1])
			break;
		p = end + 1;
	}
	return lines;
}

static void count_line(void *ctx, const char *s, size_t len, int indent)
{
	(void)s;
	(void)len;
	(void)indent;
	(*(int *)ctx)++;
}

int ui_wrap_count(const char *text, int w, bool ascii)
{
	int n = 0;
	ui_wrap(text, w, ascii, count_line, &n);
	return n;
}

struct wrap_ctx {
	struct ui_canvas *cv;
	int y, x, w, maxlines, skip, style, n, seen;
};

static void put_line(void *ctx, const char *s, size_t len, int indent)
{
	struct wrap_ctx *c = ctx;
	if (c->seen++ < c->skip || c->n >= c->maxlines)
		return;
	char buf[1024];
	if (len >= sizeof buf)
		len = sizeof buf - 1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	cv_put(c->cv, c->y + c->n, c->x + indent, c->w - indent, buf, c->style);
	c->n++;
}

int cv_wrap(struct ui_canvas *cv, int y, int x, int w, int maxlines, int skip, const char *text,
	    int style)
{
	struct wrap_ctx c = {cv, y, x, w, maxlines, skip, style, 0, 0};
	if (maxlines <= 0 || w <= 0)
		return 0;
	ui_wrap(text, w, cv->ascii, put_line, &c);
	return c.n;
}

static size_t utf8_encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

void cv_write_text(const struct ui_canvas *cv, FILE *f)
{
	char *line = malloc((size_t)cv->w * 4 + 2);
	if (!line)
		return;
	for (int y = 0; y < cv->h; y++) {
		size_t n = 0, keep = 0;
		for (int x = 0; x < cv->w; x++) {
			uint32_t ch = cv->c[y * cv->w + x].ch;
			if (ch == 0)
				continue;
			n += utf8_encode(ch, line + n);
			if (ch != ' ')
				keep = n;
		}
		fwrite(line, 1, keep, f);
		fputc('\n', f);
	}
	free(line);
}
