/* ui_draw.c - what every screen shares: the frame (header, footer, message
 * line), list rows with focus and cursor, the yes/no box. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"
#include "ui_app.h"

static void header(struct ui_app *a, struct ui_canvas *cv)
{
	cv_fill(cv, 0, 0, cv->w, ' ', UI_BAR);
	struct strbuf sb = STRBUF_INIT;
	char sep[8];
	snprintf(sep, sizeof sep, "%s", a->ascii ? "|" : "\xc2\xb7");
	strbuf_puts(&sb, " blinkdoc");
	if (a->dev)
		strbuf_printf(&sb, " %s %s", sep, a->dev->name);
	/* The worker may be changing env.dev: read it only when none runs. */
	if (!a->w.running && a->env.have_dev && a->env.dev.device_id[0])
		strbuf_printf(&sb, " (%.8s%s)", a->env.dev.device_id, a->ascii ? "..." : "\xe2\x80\xa6");
	const struct fact_value *c = a->started ? session_fact(a->s, "led.color") : NULL;
	const struct fact_value *p = a->started ? session_fact(a->s, "led.pattern") : NULL;
	const struct fact_value *n = a->started ? session_fact(a->s, "led.count") : NULL;
	if (c && c->type == FV_STRING) {
		strbuf_printf(&sb, " %s LED: %s", sep, c->str);
		if (p && p->type == FV_STRING && strcmp(p->str, c->str))
			strbuf_printf(&sb, " %s", p->str);
		if (n && n->type == FV_NUMBER)
			strbuf_printf(&sb, " %g", n->num);
	}
	const char *right = "? help  q quit ";
	int rw = (int)strlen(right);
	cv_put_clip(cv, 0, 0, cv->w - rw - 1, strbuf_str(&sb), UI_BAR);
	cv_put(cv, 0, cv->w - rw, rw, right, UI_BAR);
	strbuf_free(&sb);
}

static void footer(struct ui_app *a, struct ui_canvas *cv)
{
	const struct ui_screen_ops *ops = ui_screen(a->screen);
	cv_fill(cv, cv->h - 1, 0, cv->w, ' ', UI_BAR);
	int x = 1;
	for (const enum ui_cmd *c = ops->footer; c && *c != CMD_NONE; c++) {
		const char *hint = ui_cmd_hint(*c);
		if (!hint)
			continue;
		int wd = ui_text_width(hint, a->ascii);
		if (x + wd >= cv->w)
			break;
		cv_put(cv, cv->h - 1, x, wd, hint, UI_BAR);
		x += wd + 3;
	}
}

struct ui_area ui_frame(struct ui_app *a, struct ui_canvas *cv, const char *title)
{
	header(a, cv);
	footer(a, cv);
	/* The message line above the footer; a long one (a path, a device's
	 * state after a fault) takes a second row from the content. */
	int mrows = 0;
	if (a->msg[0]) {
		mrows = ui_wrap_count(a->msg, cv->w - 4, a->ascii);
		if (mrows > 3)
			mrows = 3;
		if (mrows == 1 || cv->h < UI_MIN_H) {
			mrows = 1;
			cv_put_clip(cv, cv->h - 2, 2, cv->w - 4, a->msg, a->msg_style);
		} else {
			cv_wrap(cv, cv->h - 1 - mrows, 2, cv->w - 4, mrows, 0, a->msg, a->msg_style);
		}
	}
	if (title)
		cv_put_clip(cv, 1, 2, cv->w - 4, title, UI_TITLE);
	return (struct ui_area){3, 2, cv->h - 3 - 2 - (mrows > 1 ? mrows - 1 : 0), cv->w - 4};
}

void ui_row(struct ui_app *a, struct ui_canvas *cv, int y, int x, int w, bool focus, int id,
	    const char *text, int style)
{
	(void)a;
	if (focus)
		cv_fill(cv, y, x, 1, cv_glyph(cv, G_FOCUS), UI_TITLE);
	int n = cv_put_clip(cv, y, x + 2, w - 2, text, focus ? UI_FOCUS : style);
	(void)n;
	cv_hit(cv, y, x, w, id);
	if (focus)
		cv_cursor(cv, y, x + 2);
}

void ui_list_fix(struct ui_list *l, int n, int rows)
{
	if (rows < 1)
		rows = 1;
	if (l->focus >= n)
		l->focus = n - 1;
	if (l->focus < 0)
		l->focus = 0;
	if (l->focus < l->top)
		l->top = l->focus;
	if (l->focus >= l->top + rows)
		l->top = l->focus - rows + 1;
	if (l->top > n - rows)
		l->top = n - rows;
	if (l->top < 0)
		l->top = 0;
}

int ui_list_key(struct ui_list *l, enum ui_cmd cmd, int n, int page)
{
	int f = l->focus;
	if (page < 1)
		page = 1;
	switch (cmd) {
	case CMD_UP: f--; break;
	case CMD_DOWN: f++; break;
	case CMD_PAGE_UP: f -= page; break;
	case CMD_PAGE_DOWN: f += page; break;
	case CMD_HOME: f = 0; break;
	case CMD_END: f = n - 1; break;
	default: return 0;
	}
	if (f >= n)
		f = n - 1;
	if (f < 0)
		f = 0;
	if (f == l->focus)
		return 0;
	l->focus = f;
	return UI_REDRAW;
}

char *ui_render(struct ui_app *a, const struct kb_text *t)
{
	struct strbuf sb = STRBUF_INIT;
	session_render(a->s, t, &sb);
	char *s = strbuf_detach(&sb);
	return s ? s : strdup("");
}

void ui_draw_confirm(struct ui_app *a, struct ui_canvas *cv)
{
	const char *text = "";
	char buf[300];
	/* The action as the screen calls it ("Flash Tinker"). */
	char *title = a->w.node ? ui_render(a, &a->w.node->title) : NULL;
	const char *what = title && *title ? title : a->w.action[0] ? a->w.action : "the action";
	switch (a->confirm) {
	case CONFIRM_QUIT_ACTION:
		snprintf(buf, sizeof buf, "Stop \"%s\" and quit? The device may be left half-way; "
					  "blinkdoc --resume continues here later.", what);
		text = buf;
		break;
	case CONFIRM_BACK_ACTION:
		snprintf(buf, sizeof buf, "Stop \"%s\" and go back?", what);
		text = buf;
		break;
	case CONFIRM_RESTART:
		text = "Start over? Your answers so far are dropped.";
		break;
	case CONFIRM_NONE:
		free(title);
		return;
	}
	int w = cv->w - 8 < 60 ? cv->w - 8 : 60;
	int lines = ui_wrap_count(text, w - 4, a->ascii);
	int h = lines + 4;
	int y = (cv->h - h) / 2, x = (cv->w - w) / 2;
	for (int i = 0; i < h; i++)
		cv_fill(cv, y + i, x, w, ' ', UI_NORMAL);
	cv_box(cv, y, x, h, w, UI_TITLE);
	cv_wrap(cv, y + 1, x + 2, w - 4, lines, 0, text, UI_NORMAL);
	cv_put(cv, y + h - 2, x + 2, w - 4, "y = yes    n = no", UI_KEY);
	cv_cursor(cv, y + 1, x + 2);
	free(title);
}

const char *ui_how_words(enum session_how how)
{
	switch (how) {
	case HOW_USER: return "your answer";
	case HOW_PRESET: return "given in advance";
	case HOW_FACT: return "you reported it";
	case HOW_ONLY_OPTION: return "only choice here";
	case HOW_ACTION: return "action result";
	case HOW_AUTO: return "passed by blinkdoc";
	case HOW_NONE: break;
	}
	return "you are here";
}
