/* ui_screen_led.c - the LED picker: every look this device can show as an
 * animated swatch with plain words, the focused one explained in full (the
 * status's own description and a text timeline of one cycle), plus
 * "something else", the tap-along counter and "not sure". */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"
#include "ui_app.h"

enum { EXTRA_OTHER, EXTRA_TAP, EXTRA_SKIP, EXTRAS };

static const char *const extra_text[EXTRAS] = {
	"Something else: choose the colour, then the pattern",
	"Tap along: press Space with each blink, blinkdoc works out the pattern",
	"Not sure: answer a few questions about the light instead",
};
static const char *const extra_detail[EXTRAS] = {
	"None of these? Say what you see in two steps: the colour first, then what the light "
	"does.",
	"Choose the colour, then press Space each time the light comes on. blinkdoc tells "
	"blinking from fast blinking and breathing, and counts SOS and red blink codes for you.",
	"blinkdoc asks about the colour and the pattern one question at a time.",
};

/* The look matching the current LED facts, or -1. */
static int current_look(struct ui_app *a)
{
	if (!a->started)
		return -1;
	const struct fact_value *c = session_fact(a->s, "led.color");
	const struct fact_value *p = session_fact(a->s, "led.pattern");
	if (!c || !p || c->type != FV_STRING || p->type != FV_STRING)
		return -1;
	for (size_t i = 0; i < a->picker.n; i++) {
		const struct led_report *r = &a->picker.v[i].report;
		if (!strcmp(r->color, c->str) && !strcmp(r->pattern, p->str))
			return (int)i;
	}
	return -1;
}

void ui_led_open(struct ui_app *a)
{
	if (a->picker_dev != a->dev || !a->picker.v) {
		picker_free(&a->picker);
		if (picker_build(a->kb, a->dev, &a->picker) < 0)
			ui_message(a, UI_ERR, "out of memory");
		a->picker_dev = a->dev;
		a->list[SCR_LED] = (struct ui_list){0, 0};
	}
	int cur = current_look(a);
	if (cur >= 0)
		a->list[SCR_LED].focus = cur;
	ui_goto(a, SCR_LED);
}

static void look_row(struct ui_app *a, struct ui_canvas *cv, int y, int x, int w, int i,
		     bool focus)
{
	const struct picker_look *lk = &a->picker.v[i];
	if (focus)
		cv_fill(cv, y, x, 1, cv_glyph(cv, G_FOCUS), UI_TITLE);
	ui_swatch(a, cv, y, x + 2, 8, &lk->anim.a, ui_anim_now(a));
	struct strbuf sb = STRBUF_INIT;
	picker_short_words(a->kb, &lk->report, &sb);
	if (lk->needs_count)
		strbuf_puts(&sb, " (you count them next)");
	cv_put_clip(cv, y, x + 11, w - 11, strbuf_str(&sb), focus ? UI_FOCUS : UI_NORMAL);
	strbuf_free(&sb);
	cv_hit(cv, y, x, w, i);
	if (focus)
		cv_cursor(cv, y, x + 11);
}

/* The status whose description fits a look: the first status on this
 * device with the look whose own animation shows its colour.  A status
 * that only lists the look because people mistake its colour for it
 * (breathing cyan seen as dark blue) would describe the other colour, and
 * is not used; NULL then. */
static const struct kb_led *describing_status(struct ui_app *a, const struct picker_look *lk)
{
	const struct led_report *r = &lk->report;
	for (size_t i = 0; i < kb_led_count(a->kb); i++) {
		const struct kb_led *l = kb_led_at(a->kb, i);
		if (a->dev && !led_shown_on(l, a->dev))
			continue;
		bool has = false;
		for (size_t k = 0; k < l->nmatch && !has; k++) {
			const struct kb_match *m = &l->match[k];
			const struct kb_color *c = kb_color_find(a->kb, m->color);
			has = c && !strcmp(c->id, r->color) && !strcmp(m->pattern, r->pattern) &&
			      (!r->color2 || (m->color2 && !strcmp(m->color2, r->color2))) &&
			      (r->count < 0 || m->count == r->count);
		}
		if (!has)
			continue;
		const struct kb_anim *an = &l->anim;
		bool one_colour = an->type == KB_ANIM_BREATHE || an->type == KB_ANIM_BLINK ||
				  an->type == KB_ANIM_SOLID;
		const struct kb_color *ac = one_colour ? kb_color_find(a->kb, an->color) : NULL;
		if (!one_colour || (ac && !strcmp(ac->id, r->color)))
			return l;
	}
	return NULL;
}

static void details(struct ui_app *a, struct ui_canvas *cv, struct ui_area d, int focus)
{
	int y = d.y;
	cv_hline(cv, y++, d.x, d.w, UI_DIM);
	int n = (int)a->picker.n;
	if (focus >= n) {
		cv_wrap(cv, y, d.x, d.w, d.h - 1, 0, extra_detail[focus - n], UI_NORMAL);
		return;
	}
	const struct picker_look *lk = &a->picker.v[focus];
	struct strbuf sb = STRBUF_INIT;
	picker_words(a->kb, &lk->report, &sb);
	strbuf_puts(&sb, ".");
	const struct kb_led *st = lk->needs_count ? NULL : describing_status(a, lk);
	char *desc = st ? ui_render(a, &st->describe) : NULL;
	int rows = d.y + d.h - y;
	int tl = lk->anim.a.type == KB_ANIM_SOLID || lk->anim.a.type == KB_ANIM_OFF ? 0 : 3;
	int wrows = ui_wrap_count(strbuf_str(&sb), d.w, a->ascii);
	if (wrows > 2)
		wrows = 2;
	/* The description is read in full; the timeline gives up its colour
	 * letters (the words name the colours) before the text is cut. */
	int drows = desc && *desc ? ui_wrap_count(desc, d.w, a->ascii) : 0;
	if (tl && wrows + drows + tl > rows)
		tl = rows - wrows - drows >= 1 ? rows - wrows - drows : 1;
	y += cv_wrap(cv, y, d.x, d.w, rows - tl > 2 ? 2 : rows - tl, 0, strbuf_str(&sb), UI_TITLE);
	if (desc && *desc && y < d.y + d.h - tl)
		y += cv_wrap(cv, y, d.x, d.w, d.y + d.h - tl - y, 0, desc, UI_NORMAL);
	if (tl && y < d.y + d.h)
		ui_timeline(a, cv, y, d.x, d.w, &lk->anim.a, d.y + d.h - y);
	free(desc);
	strbuf_free(&sb);
}

static void led_draw(struct ui_app *a, struct ui_canvas *cv)
{
	char title[160];
	snprintf(title, sizeof title, "What does the status LED on your %s look like?",
		 a->dev ? a->dev->name : "device");
	struct ui_area r = ui_frame(a, cv, title);
	struct ui_list *l = &a->list[SCR_LED];
	int n = (int)a->picker.n, total = n + EXTRAS;
	int y = r.y + cv_wrap(cv, r.y, r.x, r.w, 2, 0,
			      "Watch it for about ten seconds, then pick the one that looks the same.",
			      UI_DIM) + 1;
	int det_h = r.h >= 22 ? 8 : 7;
	int rows = r.y + r.h - det_h - y;
	ui_list_fix(l, total, rows);
	for (int i = 0; i < rows && l->top + i < total; i++) {
		int idx = l->top + i;
		bool focus = l->focus == idx;
		if (idx < n)
			look_row(a, cv, y + i, r.x, r.w, idx, focus);
		else
			ui_row(a, cv, y + i, r.x, r.w, focus, idx, extra_text[idx - n], UI_NORMAL);
	}
	if (l->top > 0)
		cv_put(cv, y, r.x + r.w - 8, 8, "(more ^)", UI_DIM);
	if (l->top + rows < total)
		cv_put(cv, y + rows - 1, r.x + r.w - 8, 8, "(more v)", UI_DIM);
	int cy = cv->cur_y, cx = cv->cur_x;
	details(a, cv, (struct ui_area){r.y + r.h - det_h, r.x, det_h, r.w}, l->focus);
	cv_cursor(cv, cy, cx);
}

static int led_key(struct ui_app *a, enum ui_cmd cmd, int key)
{
	(void)key;
	struct ui_list *l = &a->list[SCR_LED];
	int n = (int)a->picker.n;
	switch (cmd) {
	case CMD_SELECT:
		if (l->focus < n) {
			const struct picker_look *lk = &a->picker.v[l->focus];
			if (lk->needs_count) {
				a->draft = lk->report;
				a->draft_tap = false;
				a->number[0] = '\0';
				ui_push(a, SCR_COUNT);
				return UI_REDRAW;
			}
			return ui_led_commit(a, &lk->report);
		}
		a->draft = (struct led_report){NULL, NULL, -1, NULL};
		switch (l->focus - n) {
		case EXTRA_OTHER:
			a->draft_tap = false;
			a->list[SCR_COLOR] = (struct ui_list){0, 0};
			ui_push(a, SCR_COLOR);
			return UI_REDRAW;
		case EXTRA_TAP:
			a->draft_tap = true;
			a->list[SCR_COLOR] = (struct ui_list){0, 0};
			ui_push(a, SCR_COLOR);
			return UI_REDRAW;
		default:
			return ui_led_skip(a);
		}
	case CMD_TAP:
		a->draft = (struct led_report){NULL, NULL, -1, NULL};
		a->draft_tap = true;
		a->list[SCR_COLOR] = (struct ui_list){0, 0};
		ui_push(a, SCR_COLOR);
		return UI_REDRAW;
	case CMD_BACK:
		ui_goto(a, SCR_DEVICE);
		ui_devices_poll(a, true);
		return UI_REDRAW;
	default:
		return ui_list_key(l, cmd, n + EXTRAS, 8);
	}
}

static const enum ui_cmd led_footer[] = {CMD_UP, CMD_SELECT, CMD_TAP, CMD_BACK, CMD_HELP,
					 CMD_QUIT, CMD_NONE};
const struct ui_screen_ops ui_led_ops = {"led", led_draw, led_key, led_footer, false};
