/* ui_screen_why.c - "why am I here": the device, the LED report and every
 * answer on the path to the current node, each with how it was given; any
 * of them can be changed, and answers that depended on it are dropped
 * (session_set_answer with pruning).  Also the help screen, generated from
 * the key table. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"
#include "ui_app.h"

#define MAX_ROWS 128

/* Row 0 the device, row 1 the LED report, row 2 the conclusion this walk
 * went on from (if it did), then path steps with a value. */
static int why_fixed(const struct ui_app *a)
{
	return a->ncont ? 3 : 2;
}

static int why_rows(struct ui_app *a, const struct session_step **steps, int max)
{
	int n = 0;
	for (size_t i = 0; i < session_path_len(a->s) && n < max; i++) {
		const struct session_step *st = session_path_at(a->s, i);
		if (st->how != HOW_NONE)
			steps[n++] = st;
	}
	return n + why_fixed(a);
}

/* The label of the option a value stands for, rendered. */
static char *value_label(struct ui_app *a, const struct kb_node *n, const char *value)
{
	for (size_t i = 0; i < n->nopts; i++)
		if (!strcmp(n->opts[i].value, value)) {
			char *l = ui_render(a, &n->opts[i].label);
			if (*l)
				return l;
			free(l);
		}
	return strdup(value);
}

static void led_words(struct ui_app *a, struct strbuf *sb)
{
	struct led_report r;
	if (!session_led_report(a->s, &r)) {
		strbuf_puts(sb, "not given (the questions ask)");
		return;
	}
	picker_words(a->kb, &r, sb);
}

static void why_draw(struct ui_app *a, struct ui_canvas *cv)
{
	struct ui_area r = ui_frame(a, cv, "Why am I here?");
	const struct session_step *steps[MAX_ROWS];
	int n = why_rows(a, steps, MAX_ROWS);
	const struct kb_node *cur = session_current(a->s);
	char *here = cur ? ui_render(a, &cur->title) : strdup("");
	char buf[600];
	snprintf(buf, sizeof buf, "You are at \"%s\". These facts and answers led here. Choose one "
				  "and press Enter to change it; answers that depended on it are "
				  "dropped.", here && *here ? here : cur ? cur->id : "");
	free(here);
	int y = r.y + cv_wrap(cv, r.y, r.x, r.w, 3, 0, buf, UI_NORMAL) + 1;
	struct ui_list *l = &a->list[SCR_WHY];
	int rows = r.y + r.h - y;
	ui_list_fix(l, n, rows);
	int tw = r.w * 40 / 100;
	for (int i = 0; i < rows && l->top + i < n; i++) {
		int idx = l->top + i;
		struct strbuf left = STRBUF_INIT, right = STRBUF_INIT;
		if (idx == 0) {
			strbuf_puts(&left, "Device");
			strbuf_printf(&right, "%s  (%s)", a->dev ? a->dev->name : "?",
				      a->env.have_dev ? "found connected" : "you chose it");
		} else if (idx == 1) {
			strbuf_puts(&left, "The LED you reported");
			led_words(a, &right);
		} else if (idx < why_fixed(a)) {
			strbuf_puts(&left, "You went on from");
			strbuf_printf(&right, "%s  (it did not help)", a->cont[a->ncont - 1].title);
		} else {
			const struct session_step *st = steps[idx - why_fixed(a)];
			char *t = ui_render(a, &st->node->title);
			char *v = value_label(a, st->node, st->value);
			strbuf_puts(&left, *t ? t : st->node->id);
			strbuf_printf(&right, "%s  (%s)", v, ui_how_words(st->how));
			free(t);
			free(v);
		}
		bool focus = l->focus == idx;
		ui_row(a, cv, y + i, r.x, tw, focus, idx, strbuf_str(&left), UI_NORMAL);
		cv_put_clip(cv, y + i, r.x + tw + 1, r.w - tw - 1, strbuf_str(&right),
			    focus ? UI_TITLE : UI_DIM);
		cv_hit(cv, y + i, r.x, r.w, idx);
		strbuf_free(&left);
		strbuf_free(&right);
	}
}

static int why_key(struct ui_app *a, enum ui_cmd cmd, int key)
{
	(void)key;
	const struct session_step *steps[MAX_ROWS];
	int n = why_rows(a, steps, MAX_ROWS);
	struct ui_list *l = &a->list[SCR_WHY];
	if (cmd == CMD_BACK || cmd == CMD_WHY) {
		ui_pop(a);
		return UI_REDRAW;
	}
	if (cmd != CMD_SELECT)
		return ui_list_key(l, cmd, n, 8);
	if (l->focus == 0) {
		ui_goto(a, SCR_DEVICE);
		ui_devices_poll(a, true);
		return UI_REDRAW;
	}
	if (l->focus == 1) {
		ui_led_open(a);
		return UI_REDRAW;
	}
	if (l->focus < why_fixed(a))
		return ui_session_return(a);
	int k = l->focus - why_fixed(a);
	const struct kb_node *node = steps[k]->node;
	if ((node->type == KB_QUESTION || node->type == KB_CHECK) && (node->nopts || node->has_input)) {
		a->change_node = node;
		a->number[0] = '\0';
		a->list[SCR_CHANGE] = (struct ui_list){0, 0};
		/* Start on the answer given now. */
		const struct kb_option *opts[64];
		size_t no = session_visible_options(a->s, node, opts, 64);
		for (size_t i = 0; i < no && i < 64; i++)
			if (!strcmp(opts[i]->value, steps[k]->value))
				a->list[SCR_CHANGE].focus = (int)i;
		ui_push(a, SCR_CHANGE);
		return UI_REDRAW;
	}
	ui_message(a, UI_WARN, node->type == KB_ACTION
				       ? "An action's result cannot be edited; go back (Backspace) to run it again."
				       : "This step has no answer to change.");
	return UI_REDRAW;
}

static const enum ui_cmd why_footer[] = {CMD_UP, CMD_SELECT, CMD_BACK, CMD_HELP, CMD_QUIT,
					 CMD_NONE};
const struct ui_screen_ops ui_why_ops = {"why", why_draw, why_key, why_footer, false};

/* ---- change one answer ---- */

static const char *current_value(struct ui_app *a, const struct kb_node *n)
{
	for (size_t i = 0; i < session_path_len(a->s); i++) {
		const struct session_step *st = session_path_at(a->s, i);
		if (st->node == n)
			return st->value;
	}
	return "";
}

static void change_draw(struct ui_app *a, struct ui_canvas *cv)
{
	const struct kb_node *n = a->change_node;
	char *t = ui_render(a, &n->title);
	char title[300];
	snprintf(title, sizeof title, "Change your answer: %s", *t ? t : n->id);
	free(t);
	struct ui_area r = ui_frame(a, cv, title);
	const char *cur = current_value(a, n);
	int y = r.y;
	if (n->has_input) {
		char field[200];
		snprintf(field, sizeof field, "New answer: [%-3s]  (now: %s; %g to %g)", a->number, cur,
			 n->in_min, n->in_max);
		cv_put(cv, y, r.x, r.w, field, UI_TITLE);
		cv_cursor(cv, y, r.x + 13 + (int)strlen(a->number));
		return;
	}
	const struct kb_option *opts[64];
	size_t no = session_visible_options(a->s, n, opts, 64);
	if (no > 64)
		no = 64;
	struct ui_list *l = &a->list[SCR_CHANGE];
	ui_list_fix(l, (int)no, r.h);
	for (int i = 0; i < r.h && l->top + i < (int)no; i++) {
		int idx = l->top + i;
		char *label = ui_render(a, &opts[idx]->label);
		char row[300];
		snprintf(row, sizeof row, "%s%s", *label ? label : opts[idx]->value,
			 strcmp(opts[idx]->value, cur) ? "" : "  (your answer now)");
		ui_row(a, cv, y + i, r.x, r.w, l->focus == idx, idx, row, UI_NORMAL);
		free(label);
	}
}

static int apply(struct ui_app *a, const char *value)
{
	struct bd_error err = {0};
	if (session_set_answer(a->s, a->change_node->id, value, HOW_USER, true, &err) < 0) {
		ui_message(a, UI_WARN, "%s", err.msg);
		return UI_REDRAW;
	}
	a->number[0] = '\0';
	a->list[SCR_NODE] = (struct ui_list){0, 0};
	a->ticks_node = NULL;
	ui_goto(a, SCR_NODE);
	ui_message(a, UI_OK, "Changed. Answers that depended on the old one were dropped.");
	return UI_REDRAW | UI_SAVE;
}

static int change_key(struct ui_app *a, enum ui_cmd cmd, int key)
{
	const struct kb_node *n = a->change_node;
	size_t len = strlen(a->number);
	if (cmd == CMD_BACK && (!n->has_input || !len || key == 27)) {
		ui_pop(a);
		return UI_REDRAW;
	}
	if (n->has_input) {
		if (cmd == CMD_DIGIT && len < 3) {
			a->number[len] = (char)key;
			a->number[len + 1] = '\0';
		} else if (cmd == CMD_BACK) {
			a->number[len - 1] = '\0';
		} else if (cmd == CMD_SELECT) {
			return apply(a, a->number);
		}
		return UI_REDRAW;
	}
	const struct kb_option *opts[64];
	size_t no = session_visible_options(a->s, n, opts, 64);
	if (no > 64)
		no = 64;
	struct ui_list *l = &a->list[SCR_CHANGE];
	if (cmd == CMD_SELECT && l->focus < (int)no)
		return apply(a, opts[l->focus]->value);
	return ui_list_key(l, cmd, (int)no, 8);
}

const struct ui_screen_ops ui_change_ops = {"change", change_draw, change_key, why_footer, false};

/* ---- help, generated from the key table ---- */

struct help_ctx {
	struct ui_app *a;
	struct ui_canvas *cv;
	int y, x, w, skip, seen, bottom, kw;
};

/* Lines one command takes: its keys on a line of their own when they do
 * not fit the key column. */
static int help_lines(struct help_ctx *h, const char *keys, const char *help)
{
	return ui_wrap_count(help, h->w - h->kw, h->a->ascii) +
	       (ui_text_width(keys, h->a->ascii) > h->kw - 1);
}

static void help_line(void *ctx, const char *keys, const char *help)
{
	struct help_ctx *h = ctx;
	bool own = ui_text_width(keys, h->a->ascii) > h->kw - 1;
	int lines = help_lines(h, keys, help);
	for (int i = 0; i < lines; i++, h->seen++) {
		if (h->seen < h->skip || h->y >= h->bottom)
			continue;
		if (i == 0)
			cv_put_clip(h->cv, h->y, h->x, own ? h->w : h->kw - 1, keys, UI_KEY);
		if (!own || i > 0)
			cv_wrap(h->cv, h->y, h->x + h->kw, h->w - h->kw, 1, i - own, help, UI_NORMAL);
		h->y++;
	}
}

static void help_count(void *ctx, const char *keys, const char *help)
{
	struct help_ctx *h = ctx;
	h->seen += help_lines(h, keys, help);
}

static void help_draw(struct ui_app *a, struct ui_canvas *cv)
{
	struct ui_area r = ui_frame(a, cv, "Help: keys");
	int y = r.y + cv_wrap(cv, r.y, r.x, r.w, 3, 0,
			      "blinkdoc walks you from your device and its LED to the cause and the "
			      "fix. Every answer is saved as you go: `blinkdoc --resume` continues "
			      "after a restart.",
			      UI_NORMAL) + 1;
	struct help_ctx h = {a, cv, y, r.x, r.w, 0, 0, r.y + r.h, 24};
	struct help_ctx count = h;
	ui_help_each(help_count, &count);
	struct ui_list *l = &a->list[SCR_HELP];
	int rows = r.y + r.h - y;
	if (l->top > count.seen - rows)
		l->top = count.seen - rows;
	if (l->top < 0)
		l->top = 0;
	h.skip = l->top;
	ui_help_each(help_line, &h);
	if (l->top + rows < count.seen)
		cv_put(cv, r.y + r.h - 1, r.x + r.w - 10, 10, "(more v)", UI_DIM);
	cv_cursor(cv, y, r.x);
}

static int help_key(struct ui_app *a, enum ui_cmd cmd, int key)
{
	(void)key;
	struct ui_list *l = &a->list[SCR_HELP];
	switch (cmd) {
	case CMD_UP: l->top--; return UI_REDRAW;
	case CMD_DOWN: l->top++; return UI_REDRAW;
	case CMD_PAGE_UP: l->top -= 10; return UI_REDRAW;
	case CMD_PAGE_DOWN: l->top += 10; return UI_REDRAW;
	case CMD_HOME: l->top = 0; return UI_REDRAW;
	case CMD_BACK:
	case CMD_SELECT:
	case CMD_HELP:
		ui_pop(a);
		return UI_REDRAW;
	default:
		return 0;
	}
}

static const enum ui_cmd help_footer[] = {CMD_UP, CMD_BACK, CMD_QUIT, CMD_NONE};
const struct ui_screen_ops ui_help_ops = {"help", help_draw, help_key, help_footer, false};
