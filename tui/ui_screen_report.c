/* ui_screen_report.c - "something else": the LED report put together step
 * by step (colour, pattern, how many blinks, the second colour), and the
 * closest known statuses when nothing on this device looks like it. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"
#include "ui_app.h"

#define NOMATCH_MAX 4

int ui_draft_commit(struct ui_app *a)
{
	const struct kb_led *m[1];
	if (a->draft.color && a->draft.pattern && led_match(a->kb, a->dev, &a->draft, m, 1) == 0) {
		a->list[SCR_NOMATCH] = (struct ui_list){0, 0};
		ui_push(a, SCR_NOMATCH);
		return UI_REDRAW;
	}
	return ui_led_commit(a, &a->draft);
}

/* ---- colour (and the second colour of an alternating light) ---- */

static int colors(struct ui_app *a, bool second, const struct kb_color **out, int max)
{
	int n = 0;
	for (size_t i = 0; i < kb_color_count(a->kb) && n < max; i++) {
		const struct kb_color *c = kb_color_at(a->kb, i);
		if (second && (!strcmp(c->id, "off") || (a->draft.color && !strcmp(c->id, a->draft.color))))
			continue;
		out[n++] = c;
	}
	return n;
}

static void color_list_draw(struct ui_app *a, struct ui_canvas *cv, bool second)
{
	enum ui_screen_id id = second ? SCR_COLOR2 : SCR_COLOR;
	struct ui_area r = ui_frame(a, cv, second ? "Which other colour does it take turns with?"
						  : "Which colour is the light?");
	const struct kb_color *cs[32];
	int n = colors(a, second, cs, 32);
	struct ui_list *l = &a->list[id];
	int y = r.y;
	if (!second && a->draft_tap)
		y += cv_wrap(cv, y, r.x, r.w, 2, 0, "First the colour; then you tap along with it.",
			     UI_DIM) + 1;
	ui_list_fix(l, n, r.y + r.h - y);
	for (int i = 0; i + l->top < n && y + i < r.y + r.h; i++) {
		int idx = l->top + i;
		bool focus = l->focus == idx;
		if (focus)
			cv_fill(cv, y + i, r.x, 1, cv_glyph(cv, G_FOCUS), UI_TITLE);
		cv_put(cv, y + i, r.x + 2, 1, "[", UI_DIM);
		cv_swatch(cv, y + i, r.x + 3, 6, strcmp(cs[idx]->id, "off") ? 1.0 : 0.0,
			  ui_color_rgb(a->kb, cs[idx]->id));
		cv_put(cv, y + i, r.x + 9, 1, "]", UI_DIM);
		cv_put_clip(cv, y + i, r.x + 11, r.w - 11, cs[idx]->words,
			    focus ? UI_FOCUS : UI_NORMAL);
		cv_hit(cv, y + i, r.x, r.w, idx);
		if (focus)
			cv_cursor(cv, y + i, r.x + 11);
	}
}

static void color_draw(struct ui_app *a, struct ui_canvas *cv)
{
	color_list_draw(a, cv, false);
}

static void color2_draw(struct ui_app *a, struct ui_canvas *cv)
{
	color_list_draw(a, cv, true);
}

static int color_list_key(struct ui_app *a, enum ui_cmd cmd, bool second)
{
	enum ui_screen_id id = second ? SCR_COLOR2 : SCR_COLOR;
	const struct kb_color *cs[32];
	int n = colors(a, second, cs, 32);
	struct ui_list *l = &a->list[id];
	if (cmd == CMD_BACK) {
		ui_pop(a);
		return UI_REDRAW;
	}
	if (cmd != CMD_SELECT || l->focus >= n)
		return ui_list_key(l, cmd, n, 8);
	if (second) {
		a->draft.color2 = cs[l->focus]->id;
		return ui_draft_commit(a);
	}
	a->draft.color = cs[l->focus]->id;
	a->draft.count = -1;
	a->draft.color2 = NULL;
	if (!strcmp(a->draft.color, "off")) {
		a->draft.pattern = "off";
		return ui_draft_commit(a);
	}
	if (a->draft_tap) {
		ui_tap_open(a, TAP_FOR_PATTERN);
		return UI_REDRAW;
	}
	a->list[SCR_PATTERN] = (struct ui_list){0, 0};
	ui_push(a, SCR_PATTERN);
	return UI_REDRAW;
}

static int color_key(struct ui_app *a, enum ui_cmd cmd, int key)
{
	(void)key;
	return color_list_key(a, cmd, false);
}

static int color2_key(struct ui_app *a, enum ui_cmd cmd, int key)
{
	(void)key;
	return color_list_key(a, cmd, true);
}

static const enum ui_cmd list_footer[] = {CMD_UP, CMD_SELECT, CMD_BACK, CMD_HELP, CMD_QUIT,
					  CMD_NONE};
const struct ui_screen_ops ui_color_ops = {"color", color_draw, color_key, list_footer, false};
const struct ui_screen_ops ui_color2_ops = {"color2", color2_draw, color2_key, list_footer, false};

/* ---- pattern ---- */

static int patterns(struct ui_app *a, const struct kb_pattern **out, int max)
{
	int n = 0;
	for (size_t i = 0; i < kb_pattern_count(a->kb) && n < max; i++)
		if (strcmp(kb_pattern_at(a->kb, i)->id, "off"))
			out[n++] = kb_pattern_at(a->kb, i);
	return n;
}

static void pattern_draw(struct ui_app *a, struct ui_canvas *cv)
{
	const struct kb_color *c = kb_color_find(a->kb, a->draft.color);
	char title[160];
	snprintf(title, sizeof title, "What is the %s light doing?", c ? c->id : "");
	struct ui_area r = ui_frame(a, cv, title);
	const struct kb_pattern *ps[32];
	int n = patterns(a, ps, 32), total = n + 1;
	struct ui_list *l = &a->list[SCR_PATTERN];
	ui_list_fix(l, total, r.h - 4);
	int y = r.y;
	for (int i = 0; i + l->top < total && i < r.h - 4; i++) {
		int idx = l->top + i;
		bool focus = l->focus == idx;
		if (idx == n) {
			ui_row(a, cv, y + i, r.x, r.w, focus, idx,
			       "Not sure: tap along with it and blinkdoc works it out", UI_NORMAL);
			continue;
		}
		struct led_report rep = {a->draft.color, ps[idx]->id,
					 picker_pattern_counted(ps[idx]->id) ? 3 : -1, NULL};
		struct picker_anim pa;
		if (focus)
			cv_fill(cv, y + i, r.x, 1, cv_glyph(cv, G_FOCUS), UI_TITLE);
		if (picker_anim_for(a->kb, &rep, NULL, &pa) == 0)
			ui_swatch(a, cv, y + i, r.x + 2, 8, &pa.a, ui_anim_now(a));
		picker_anim_free(&pa);
		cv_put_clip(cv, y + i, r.x + 11, r.w - 11, ps[idx]->words, focus ? UI_FOCUS : UI_NORMAL);
		cv_hit(cv, y + i, r.x, r.w, idx);
		if (focus)
			cv_cursor(cv, y + i, r.x + 11);
	}
}

static int pattern_key(struct ui_app *a, enum ui_cmd cmd, int key)
{
	(void)key;
	const struct kb_pattern *ps[32];
	int n = patterns(a, ps, 32);
	struct ui_list *l = &a->list[SCR_PATTERN];
	if (cmd == CMD_BACK) {
		ui_pop(a);
		return UI_REDRAW;
	}
	if (cmd == CMD_TAP || (cmd == CMD_SELECT && l->focus == n)) {
		ui_tap_open(a, TAP_FOR_PATTERN);
		return UI_REDRAW;
	}
	if (cmd != CMD_SELECT)
		return ui_list_key(l, cmd, n + 1, 8);
	a->draft.pattern = ps[l->focus]->id;
	if (picker_pattern_counted(a->draft.pattern)) {
		a->number[0] = '\0';
		ui_push(a, SCR_COUNT);
		return UI_REDRAW;
	}
	if (picker_pattern_two_colors(a->draft.pattern)) {
		a->list[SCR_COLOR2] = (struct ui_list){0, 0};
		ui_push(a, SCR_COLOR2);
		return UI_REDRAW;
	}
	return ui_draft_commit(a);
}

static const enum ui_cmd pattern_footer[] = {CMD_UP, CMD_SELECT, CMD_TAP, CMD_BACK, CMD_HELP,
					     CMD_QUIT, CMD_NONE};
const struct ui_screen_ops ui_pattern_ops = {"pattern", pattern_draw, pattern_key, pattern_footer,
					     false};

/* ---- how many blinks ---- */

static void count_draw(struct ui_app *a, struct ui_canvas *cv)
{
	bool sos = a->draft.pattern && !strcmp(a->draft.pattern, "sos");
	struct ui_area r = ui_frame(a, cv, sos ? "How many blinks come after the SOS?"
					       : "How many blinks come between the pauses?");
	int y = r.y;
	y += cv_wrap(cv, y, r.x, r.w, 3, 0,
		     sos ? "After three short, three long and three short flashes, the light pauses "
			   "and then blinks slower a number of times. Count those slower blinks, "
			   "or press t and tap along: blinkdoc counts for you."
			 : "Count the blinks between two pauses, or press t and tap along: blinkdoc "
			   "counts for you.",
		     UI_NORMAL) + 1;
	char field[64];
	snprintf(field, sizeof field, "Blinks: [%-3s]  (type the number, then Enter)", a->number);
	cv_put(cv, y, r.x, r.w, field, UI_TITLE);
	cv_cursor(cv, y, r.x + 9 + (int)strlen(a->number));
	y += 2;
	int count = atoi(a->number);
	if (count > 0) {
		struct led_report rep = a->draft;
		rep.count = count;
		struct picker_anim pa;
		if (picker_anim_for(a->kb, &rep, NULL, &pa) == 0) {
			struct strbuf sb = STRBUF_INIT;
			picker_words(a->kb, &rep, &sb);
			ui_swatch(a, cv, y, r.x, 8, &pa.a, ui_anim_now(a));
			cv_put_clip(cv, y++, r.x + 10, r.w - 10, strbuf_str(&sb), UI_NORMAL);
			strbuf_free(&sb);
			ui_timeline(a, cv, y + 1, r.x, r.w, &pa.a, 3);
		}
		picker_anim_free(&pa);
	}
}

static int count_key(struct ui_app *a, enum ui_cmd cmd, int key)
{
	size_t n = strlen(a->number);
	switch (cmd) {
	case CMD_DIGIT:
		if (n < 2 && !(n == 0 && key == '0')) {
			a->number[n] = (char)key;
			a->number[n + 1] = '\0';
		}
		return UI_REDRAW;
	case CMD_BACK:
		if (n && key != 27)
			a->number[n - 1] = '\0';
		else
			ui_pop(a);
		return UI_REDRAW;
	case CMD_TAP:
		ui_tap_open(a, TAP_FOR_COUNT);
		return UI_REDRAW;
	case CMD_SELECT:
		if (!n) {
			ui_message(a, UI_WARN, "Type how many blinks you count (1 to 99), or press t.");
			return UI_REDRAW;
		}
		a->draft.count = atoi(a->number);
		return ui_draft_commit(a);
	default:
		return 0;
	}
}

static const enum ui_cmd count_footer[] = {CMD_SELECT, CMD_TAP, CMD_BACK, CMD_HELP, CMD_QUIT,
					   CMD_NONE};
const struct ui_screen_ops ui_count_ops = {"count", count_draw, count_key, count_footer, false};

/* ---- nothing matches ---- */

static int closest(struct ui_app *a, const struct kb_led **out)
{
	return (int)led_closest(a->kb, a->dev, &a->draft, out, NOMATCH_MAX);
}

static void nomatch_draw(struct ui_app *a, struct ui_canvas *cv)
{
	struct ui_area r = ui_frame(a, cv, "blinkdoc does not know that look");
	struct strbuf sb = STRBUF_INIT;
	strbuf_printf(&sb, "On %s, no status blinkdoc knows looks like: ",
		      a->dev ? a->dev->name : "this device");
	picker_words(a->kb, &a->draft, &sb);
	strbuf_puts(&sb, ". Watch the light once more; if one of these fits, choose it.");
	int y = r.y + cv_wrap(cv, r.y, r.x, r.w, 4, 0, strbuf_str(&sb), UI_NORMAL) + 1;
	strbuf_free(&sb);
	const struct kb_led *c[NOMATCH_MAX];
	int n = closest(a, c);
	struct ui_list *l = &a->list[SCR_NOMATCH];
	ui_list_fix(l, n + 2, n + 2);
	for (int i = 0; i < n; i++) {
		bool focus = l->focus == i;
		if (focus)
			cv_fill(cv, y + i, r.x, 1, cv_glyph(cv, G_FOCUS), UI_TITLE);
		ui_swatch(a, cv, y + i, r.x + 2, 8, &c[i]->anim, ui_anim_now(a));
		cv_put_clip(cv, y + i, r.x + 11, r.w - 11, c[i]->title, focus ? UI_FOCUS : UI_NORMAL);
		cv_hit(cv, y + i, r.x, r.w, i);
		if (focus)
			cv_cursor(cv, y + i, r.x + 11);
	}
	ui_row(a, cv, y + n, r.x, r.w, l->focus == n, n,
	       "Keep my answer anyway (blinkdoc asks more questions)", UI_NORMAL);
	ui_row(a, cv, y + n + 1, r.x, r.w, l->focus == n + 1, n + 1, "Choose again", UI_NORMAL);
}

static int nomatch_key(struct ui_app *a, enum ui_cmd cmd, int key)
{
	(void)key;
	const struct kb_led *c[NOMATCH_MAX];
	int n = closest(a, c);
	struct ui_list *l = &a->list[SCR_NOMATCH];
	if (cmd == CMD_BACK) {
		ui_pop(a);
		return UI_REDRAW;
	}
	if (cmd != CMD_SELECT)
		return ui_list_key(l, cmd, n + 2, 4);
	if (l->focus < n && c[l->focus]->nmatch) {
		const struct kb_match *m = &c[l->focus]->match[0];
		struct led_report r = {m->color, m->pattern, m->count, m->color2};
		return ui_led_commit(a, &r);
	}
	if (l->focus == n)
		return ui_led_commit(a, &a->draft);
	ui_led_open(a);
	a->list[SCR_COLOR] = (struct ui_list){0, 0};
	ui_push(a, SCR_COLOR);
	return UI_REDRAW;
}

const struct ui_screen_ops ui_nomatch_ops = {"nomatch", nomatch_draw, nomatch_key, list_footer,
					     false};
