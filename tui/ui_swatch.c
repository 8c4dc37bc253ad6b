/* ui_swatch.c - LED animations on the screen: a live swatch (shade glyph,
 * coloured where the terminal has colour) and a text timeline of one cycle
 * that says the same thing without colour or motion (NO_COLOR, screen
 * readers, reduced motion). */
#include <stdio.h>
#include <string.h>

#include "ui_app.h"

/* A timeline never shows less than this much time (short blinks repeat). */
#define TIMELINE_MIN_MS 2000
/* Samples averaged per timeline cell. */
#define TIMELINE_SUB 8
/* Fewer cycles rather than fewer cells than this per cycle. */
#define TIMELINE_CELLS_PER_CYCLE 8
#define TIMELINE_MAX 200
/* Aim for at most this much time per timeline cell. */
#define TIMELINE_CELL_MS 100

uint32_t ui_color_rgb(const struct kb *kb, const char *color)
{
	if (!color || !strcmp(color, "off"))
		return 0;
	const struct kb_color *c = kb_color_find(kb, color);
	if (!c)
		return 0xFFFFFF;
	return (uint32_t)c->r << 16 | (uint32_t)c->g << 8 | c->b;
}

void ui_swatch(struct ui_app *a, struct ui_canvas *cv, int y, int x, int w,
	       const struct kb_anim *anim, int64_t t_ms)
{
	struct led_sample s;
	led_anim_sample(a->kb, anim, t_ms, &s);
	cv_put(cv, y, x, 1, "[", UI_DIM);
	cv_swatch(cv, y, x + 1, w - 2, s.level, ui_color_rgb(a->kb, s.color));
	cv_put(cv, y, x + w - 1, 1, "]", UI_DIM);
}

struct tl_cell {
	double level;
	const char *color; /* dominant colour, NULL when dark */
};

/* How many cells of n to use and the span they show: whole cycles, at
 * least TIMELINE_MIN_MS when that leaves TIMELINE_CELLS_PER_CYCLE cells per
 * cycle, and a whole number of cells per cycle so blinks line up. */
static int timeline_fit(const struct kb *kb, const struct kb_anim *anim, int n, int64_t *span)
{
	int64_t cycle = led_anim_cycle_ms(kb, anim);
	if (cycle <= 0) {
		*span = TIMELINE_MIN_MS;
		return n;
	}
	int64_t c = (TIMELINE_MIN_MS + cycle - 1) / cycle;
	if (c > n / TIMELINE_CELLS_PER_CYCLE)
		c = n / TIMELINE_CELLS_PER_CYCLE;
	if (c < 1)
		c = 1;
	*span = c * cycle;
	return (int)(n / c * c);
}

/* Samples n cells over span ms. */
static void timeline_cells(const struct kb *kb, const struct kb_anim *anim, int n, int64_t span,
			   struct tl_cell *out)
{
	for (int i = 0; i < n; i++) {
		double sum = 0;
		const char *names[TIMELINE_SUB];
		int votes[TIMELINE_SUB] = {0}, nn = 0;
		for (int k = 0; k < TIMELINE_SUB; k++) {
			int64_t t = (span * (i * TIMELINE_SUB + k)) / (n * TIMELINE_SUB);
			struct led_sample s;
			led_anim_sample(kb, anim, t, &s);
			sum += s.level;
			if (s.level < 0.06 || !s.color || !strcmp(s.color, "off"))
				continue;
			int j;
			for (j = 0; j < nn && strcmp(names[j], s.color); j++)
				;
			if (j == nn)
				names[nn++] = s.color;
			votes[j]++;
		}
		out[i].level = sum / TIMELINE_SUB;
		out[i].color = NULL;
		int best = 0;
		for (int j = 0; j < nn; j++)
			if (votes[j] > best) {
				best = votes[j];
				out[i].color = names[j];
			}
	}
}

/* Distinct colours in the cells (up to max). */
static int timeline_colors(const struct tl_cell *c, int n, const char **out, int max)
{
	int k = 0;
	for (int i = 0; i < n; i++) {
		if (!c[i].color)
			continue;
		int j;
		for (j = 0; j < k && strcmp(out[j], c[i].color); j++)
			;
		if (j == k && k < max)
			out[k++] = c[i].color;
	}
	return k;
}

static size_t put_utf8(char *buf, size_t at, size_t size, uint32_t cp)
{
	char tmp[4];
	size_t n;
	if (cp < 0x80) {
		tmp[0] = (char)cp;
		n = 1;
	} else {
		tmp[0] = (char)(0xE0 | cp >> 12);
		tmp[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		tmp[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	}
	if (at + n < size) {
		memcpy(buf + at, tmp, n);
		at += n;
	}
	buf[at < size ? at : size - 1] = '\0';
	return at;
}

void ui_timeline_text(const struct kb *kb, const struct kb_anim *anim, int w, bool ascii,
		      char *shade, char *colors, size_t size, int64_t *span_ms)
{
	struct tl_cell cells[TIMELINE_MAX];
	struct ui_canvas glyphs = {.ascii = ascii};
	if (w > TIMELINE_MAX)
		w = TIMELINE_MAX;
	int64_t span;
	w = timeline_fit(kb, anim, w, &span);
	timeline_cells(kb, anim, w, span, cells);
	if (span_ms)
		*span_ms = span;
	const char *names[8];
	int k = timeline_colors(cells, w, names, 8);
	size_t a = 0, b = 0;
	shade[0] = colors[0] = '\0';
	for (int i = 0; i < w; i++) {
		uint32_t g = cells[i].level < 0.06 ? (ascii ? '_' : 0x2581)
						   : cv_glyph(&glyphs, cv_shade(cells[i].level));
		a = put_utf8(shade, a, size, g);
		char c = cells[i].color && k > 1 && cells[i].level >= 0.06 ? cells[i].color[0] : ' ';
		b = put_utf8(colors, b, size, (unsigned char)c);
	}
	if (k <= 1)
		colors[0] = '\0';
}

int ui_timeline(struct ui_app *a, struct ui_canvas *cv, int y, int x, int w,
		const struct kb_anim *anim, int max_rows)
{
	char label[48];
	static struct tl_cell cells[TIMELINE_MAX * 3];
	int n = w - 10;
	if (n > TIMELINE_MAX)
		n = TIMELINE_MAX;
	if (n < 8 || max_rows < 1)
		return 0;
	/* Long single-colour cycles (an SOS with its count) wrap over up to
	 * three rows so that a cell stays near TIMELINE_CELL_MS. */
	int64_t cycle = led_anim_cycle_ms(a->kb, anim), span;
	int rows = 1;
	while (rows < max_rows && rows < 3 && cycle > (int64_t)rows * n * TIMELINE_CELL_MS)
		rows++;
	int used = timeline_fit(a->kb, anim, n * rows, &span);
	timeline_cells(a->kb, anim, used, span, cells);
	const char *names[8];
	int k = timeline_colors(cells, used, names, 8);
	if (k > 1 && rows > 1) {
		rows = 1;
		used = timeline_fit(a->kb, anim, n, &span);
		timeline_cells(a->kb, anim, used, span, cells);
	}
	snprintf(label, sizeof label, "%.1f s:", (double)span / 1000.0);
	cv_put(cv, y, x, 10, label, UI_DIM);
	int sx = x + 10;
	for (int i = 0; i < used; i++) {
		uint32_t rgb = ui_color_rgb(a->kb, cells[i].color);
		int cy = y + i / n, cx = sx + i % n;
		cv_swatch(cv, cy, cx, 1, cells[i].level, rgb ? rgb : 0xFFFFFF);
		if (cells[i].level < 0.06)
			cv_fill(cv, cy, cx, 1, cv->ascii ? '_' : 0x2581, UI_DIM);
	}
	if (k <= 1 || max_rows < 3)
		return rows;
	for (int i = 0; i < used && i < n; i++)
		if (cells[i].color && cells[i].level >= 0.06) {
			char c[2] = {cells[i].color[0], 0};
			cv_put(cv, y + 1, sx + i, 1, c, UI_NORMAL);
		}
	char legend[160] = "";
	size_t l = 0;
	for (int i = 0; i < k && l < sizeof legend; i++)
		l += (size_t)snprintf(legend + l, sizeof legend - l, "%s%c=%s", i ? " " : "", names[i][0],
				      names[i]);
	cv_put_clip(cv, y + 2, sx, n, legend, UI_DIM);
	return 3;
}
