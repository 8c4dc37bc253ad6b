/* ui_screen_node.c - the walk: questions and checks (options with the
 * device's own words, or a number), instructions as checklists with
 * tickable steps; actions and conclusions are drawn by their own files.
 * Everything shown is rendered from the session each frame. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"
#include "ui_app.h"

#define MAX_OPTS 32
#define MAX_STEPS 64

/* ---- shared ---- */

/* The LED status this node explains, as a swatch and its title. */
static int led_line(struct ui_app *a, struct ui_canvas *cv, const struct kb_node *n, int y,
		    struct ui_area r)
{
	const struct kb_led *l = n->led ? session_led_status(a->s) : NULL;
	if (!l)
		return 0;
	ui_swatch(a, cv, y, r.x, 8, &l->anim, ui_anim_now(a));
	char buf[200];
	snprintf(buf, sizeof buf, "%s: %s", l->title, l->name);
	cv_put_clip(cv, y, r.x + 10, r.w - 10, buf, UI_DIM);
	return 2;
}

/* ---- questions and checks ---- */

/* A swatch for options that are LED colours or patterns. */
static bool option_anim(struct ui_app *a, const struct kb_node *n, const struct kb_option *o,
			struct picker_anim *pa)
{
	if (!n->fact)
		return false;
	struct led_report r = {NULL, NULL, -1, NULL};
	if (!strcmp(n->fact, "led.color") && kb_color_find(a->kb, o->value)) {
		r.color = kb_color_find(a->kb, o->value)->id;
		r.pattern = strcmp(r.color, "off") ? "solid" : "off";
	} else if (!strcmp(n->fact, "led.pattern") && kb_pattern_find(a->kb, o->value)) {
		const struct fact_value *c = session_fact(a->s, "led.color");
		r.color = c && c->type == FV_STRING ? c->str : "white";
		r.pattern = kb_pattern_find(a->kb, o->value)->id;
		if (picker_pattern_counted(r.pattern))
			r.count = 3;
	} else {
		return false;
	}
	return picker_anim_for(a->kb, &r, NULL, pa) == 0;
}

/* One option as drawn: its text (label, and its hint when both fit on one
 * row), the hint on rows of its own otherwise, and the rows it takes. */
struct opt_rows {
	char *label, *hint;
	bool swatch, hint_below;
	int rows;
};

static void opt_measure(struct ui_app *a, const struct kb_node *n, const struct kb_option *o,
			int w, struct opt_rows *r)
{
	char *label = ui_render(a, &o->label);
	r->hint = ui_render(a, &o->hint);
	r->label = *label ? label : (free(label), strdup(o->value));
	struct picker_anim pa;
	r->swatch = option_anim(a, n, o, &pa);
	if (r->swatch)
		picker_anim_free(&pa);
	int tw = w - (r->swatch ? 11 : 2);
	int lw = ui_text_width(r->label, a->ascii);
	r->hint_below = *r->hint && lw + 2 + ui_text_width(r->hint, a->ascii) > tw;
	r->rows = ui_wrap_count(r->label, tw, a->ascii) +
		  (r->hint_below ? ui_wrap_count(r->hint, tw - 2, a->ascii) : 0);
}

static void opt_free(struct opt_rows *r)
{
	free(r->label);
	free(r->hint);
}

/* Draws option idx at y (at most maxrows rows); returns the rows used. */
static int opt_draw(struct ui_app *a, struct ui_canvas *cv, const struct kb_node *n,
		    const struct kb_option *o, const struct opt_rows *m, int idx, bool focus, int y,
		    int x, int w, int maxrows)
{
	int tx = x + (m->swatch ? 11 : 2), tw = w - (m->swatch ? 11 : 2);
	if (focus)
		cv_fill(cv, y, x, 1, cv_glyph(cv, G_FOCUS), UI_TITLE);
	if (m->swatch) {
		struct picker_anim pa;
		if (option_anim(a, n, o, &pa)) {
			ui_swatch(a, cv, y, x + 2, 8, &pa.a, ui_anim_now(a));
			picker_anim_free(&pa);
		}
	}
	int h = cv_wrap(cv, y, tx, tw, maxrows, 0, m->label, focus ? UI_FOCUS : UI_NORMAL);
	if (*m->hint && !m->hint_below) {
		int lw = ui_text_width(m->label, a->ascii);
		cv_put_clip(cv, y, tx + lw + 2, tw - lw - 2, m->hint, UI_DIM);
	} else if (*m->hint && h < maxrows) {
		h += cv_wrap(cv, y + h, tx + 2, tw - 2, maxrows - h, 0, m->hint, UI_DIM);
	}
	for (int k = 0; k < h; k++)
		cv_hit(cv, y + k, x, w, idx);
	if (focus)
		cv_cursor(cv, y, tx);
	return h;
}

static void question_draw(struct ui_app *a, struct ui_canvas *cv, const struct kb_node *n,
			  struct ui_area r)
{
	const struct kb_option *opts[MAX_OPTS];
	size_t no = n->has_input ? 0 : session_visible_options(a->s, n, opts, MAX_OPTS);
	if (no > MAX_OPTS)
		no = MAX_OPTS;
	int y = r.y + led_line(a, cv, n, r.y, r);
	struct ui_list *l = &a->list[SCR_NODE];
	if (n->has_input) {
		char *text = ui_render(a, &n->text);
		int room = r.y + r.h - y - 3;
		if (*text && room > 0)
			y += cv_wrap(cv, y, r.x, r.w, room, 0, text, UI_NORMAL) + 1;
		free(text);
		char field[96];
		snprintf(field, sizeof field, "Your answer: [%-3s]  (a whole number from %g to %g)",
			 a->number, n->in_min, n->in_max);
		cv_put(cv, y, r.x, r.w, field, UI_TITLE);
		cv_cursor(cv, y, r.x + 14 + (int)strlen(a->number));
		cv_put(cv, y + 2, r.x, r.w, "Counting is hard: press t and tap along, blinkdoc counts.",
		       UI_DIM);
		return;
	}
	/* Long labels wrap (nothing is cut); when the options do not all fit,
	 * they scroll and leave a margin for the "more" marks. */
	struct opt_rows m[MAX_OPTS];
	int total = 0;
	for (size_t i = 0; i < no; i++) {
		opt_measure(a, n, opts[i], r.w, &m[i]);
		total += m[i].rows;
	}
	char *text = ui_render(a, &n->text);
	int need = (total < 8 ? total : 8) + 1;
	int room = r.y + r.h - y - need;
	if (*text && room > 0)
		y += cv_wrap(cv, y, r.x, r.w, room, 0, text, UI_NORMAL) + 1;
	free(text);
	int avail = r.y + r.h - y;
	int w = r.w;
	if (total > avail) {
		w = r.w - 9;
		total = 0;
		for (size_t i = 0; i < no; i++) {
			opt_free(&m[i]);
			opt_measure(a, n, opts[i], w, &m[i]);
			total += m[i].rows;
		}
	}
	if (l->focus >= (int)no)
		l->focus = (int)no - 1;
	if (l->focus < 0)
		l->focus = 0;
	if (l->top > l->focus)
		l->top = l->focus;
	for (;;) {
		int h = 0;
		for (int i = l->top; i <= l->focus; i++)
			h += m[i].rows;
		if (h <= avail || l->top >= l->focus)
			break;
		l->top++;
	}
	int yy = y;
	bool cut = false;
	int k = l->top;
	for (; k < (int)no && yy < r.y + r.h; k++) {
		int h = opt_draw(a, cv, n, opts[k], &m[k], k, l->focus == k, yy, r.x, w,
				 r.y + r.h - yy);
		cut |= h < m[k].rows;
		yy += h;
	}
	if (l->top > 0)
		cv_put(cv, y, r.x + r.w - 8, 8, "(more ^)", UI_DIM);
	if (cut || k < (int)no)
		cv_put(cv, r.y + r.h - 1, r.x + r.w - 8, 8, "(more v)", UI_DIM);
	for (size_t i = 0; i < no; i++)
		opt_free(&m[i]);
}

static int question_key(struct ui_app *a, const struct kb_node *n, enum ui_cmd cmd, int key)
{
	struct bd_error err = {0};
	if (n->has_input) {
		size_t len = strlen(a->number);
		switch (cmd) {
		case CMD_DIGIT:
			if (len < 3) {
				a->number[len] = (char)key;
				a->number[len + 1] = '\0';
			}
			return UI_REDRAW;
		case CMD_BACK:
			if (len && key != 27) {
				a->number[len - 1] = '\0';
				return UI_REDRAW;
			}
			return ui_session_back(a);
		case CMD_TAP:
			ui_tap_open(a, TAP_FOR_COUNT);
			return UI_REDRAW;
		case CMD_SELECT:
			if (session_answer(a->s, a->number, &err) < 0) {
				ui_message(a, UI_WARN, "%s", err.msg);
				return UI_REDRAW;
			}
			a->number[0] = '\0';
			a->list[SCR_NODE] = (struct ui_list){0, 0};
			return UI_REDRAW | UI_SAVE;
		default:
			return 0;
		}
	}
	const struct kb_option *opts[MAX_OPTS];
	size_t no = session_visible_options(a->s, n, opts, MAX_OPTS);
	if (no > MAX_OPTS)
		no = MAX_OPTS;
	struct ui_list *l = &a->list[SCR_NODE];
	switch (cmd) {
	case CMD_BACK:
		return ui_session_back(a);
	case CMD_SELECT:
		if (l->focus < 0 || l->focus >= (int)no)
			return 0;
		if (session_answer(a->s, opts[l->focus]->value, &err) < 0) {
			ui_message(a, UI_WARN, "%s", err.msg);
			return UI_REDRAW;
		}
		a->list[SCR_NODE] = (struct ui_list){0, 0};
		a->number[0] = '\0';
		return UI_REDRAW | UI_SAVE;
	default:
		return ui_list_key(l, cmd, (int)no, 5);
	}
}

/* ---- instructions: a checklist ---- */

struct steps {
	char *v[MAX_STEPS];
	int n;
};

static void step_add(void *ctx, const char *text)
{
	struct steps *s = ctx;
	if (s->n < MAX_STEPS && (s->v[s->n] = strdup(text)))
		s->n++;
}

static void steps_free(struct steps *s)
{
	for (int i = 0; i < s->n; i++)
		free(s->v[i]);
}

static void ticks_for(struct ui_app *a, const struct kb_node *n)
{
	if (a->ticks_node != n) {
		memset(a->ticks, 0, sizeof a->ticks);
		a->ticks_node = n;
	}
}

static void instruction_draw(struct ui_app *a, struct ui_canvas *cv, const struct kb_node *n,
			     struct ui_area r)
{
	struct steps st = {0};
	session_render_instruction(a->s, n, step_add, &st);
	ticks_for(a, n);
	int y = r.y + led_line(a, cv, n, r.y, r);
	/* The text in full while the first steps still fit below it. */
	int steps_rows = 2;
	for (int i = 0; i < st.n && steps_rows < 8; i++)
		steps_rows += ui_wrap_count(st.v[i], r.w - 10, a->ascii);
	if (steps_rows > 8)
		steps_rows = 8;
	char *text = ui_render(a, &n->text);
	int text_rows = r.y + r.h - y - steps_rows - 1;
	if (text_rows < 4)
		text_rows = 4;
	if (*text)
		y += cv_wrap(cv, y, r.x, r.w, text_rows, 0, text, UI_NORMAL) + 1;
	free(text);
	struct ui_list *l = &a->list[SCR_NODE];
	int total = st.n + 1, tw = r.w - 10;
	/* Steps that do not all fit scroll, and leave a margin for the marks. */
	int all = 2;
	for (int i = 0; i < st.n; i++)
		all += ui_wrap_count(st.v[i], tw, a->ascii);
	if (all > r.y + r.h - y)
		tw -= 9;
	if (l->focus >= total)
		l->focus = total - 1;
	if (l->focus < 0)
		l->focus = 0;
	/* Scroll so that the focused step fits whole. */
	int bottom = r.y + r.h;
	if (l->top > l->focus)
		l->top = l->focus;
	for (;;) {
		int h = 0;
		for (int i = l->top; i <= l->focus && i < total; i++)
			h += i < st.n ? ui_wrap_count(st.v[i], tw, a->ascii) : 2;
		if (h <= bottom - y || l->top >= l->focus)
			break;
		l->top++;
	}
	if (l->top > 0)
		cv_put(cv, y - 1, r.x + r.w - 8, 8, "(more ^)", UI_DIM);
	for (int i = l->top; i < total && y < bottom; i++) {
		bool focus = l->focus == i;
		if (i == st.n) {
			char *c = n->confirm ? strdup(n->confirm) : strdup("Done");
			char label[160];
			snprintf(label, sizeof label, "[ %s ]", c ? c : "Done");
			ui_row(a, cv, y + (i > 0), r.x, r.w, focus, i, label, UI_TITLE);
			free(c);
			break;
		}
		char box[24];
		snprintf(box, sizeof box, "[%c] %d.", a->ticks[i] ? 'x' : ' ', i + 1);
		if (focus)
			cv_fill(cv, y, r.x, 1, cv_glyph(cv, G_FOCUS), UI_TITLE);
		cv_put(cv, y, r.x + 2, 7, box, focus ? UI_FOCUS : UI_NORMAL);
		int h = cv_wrap(cv, y, r.x + 10, tw, bottom - y, 0, st.v[i],
				a->ticks[i] ? UI_DIM : UI_NORMAL);
		for (int k = 0; k < h; k++)
			cv_hit(cv, y + k, r.x, r.w, i);
		if (focus)
			cv_cursor(cv, y, r.x + 2);
		y += h;
	}
	if (y >= bottom && l->focus < total - 1)
		cv_put(cv, bottom - 1, r.x + r.w - 8, 8, "(more v)", UI_DIM);
	steps_free(&st);
}

static int instruction_key(struct ui_app *a, const struct kb_node *n, enum ui_cmd cmd)
{
	struct steps st = {0};
	session_render_instruction(a->s, n, step_add, &st);
	int total = st.n + 1, nsteps = st.n;
	steps_free(&st);
	ticks_for(a, n);
	struct ui_list *l = &a->list[SCR_NODE];
	struct bd_error err = {0};
	switch (cmd) {
	case CMD_BACK:
		return ui_session_back(a);
	case CMD_SPACE:
		if (l->focus < nsteps)
			a->ticks[l->focus] = !a->ticks[l->focus];
		return UI_REDRAW;
	case CMD_SELECT:
		if (l->focus < nsteps) {
			a->ticks[l->focus] = true;
			l->focus++;
			return UI_REDRAW;
		}
		if (session_answer(a->s, "done", &err) < 0) {
			ui_message(a, UI_WARN, "%s", err.msg);
			return UI_REDRAW;
		}
		a->list[SCR_NODE] = (struct ui_list){0, 0};
		return UI_REDRAW | UI_SAVE;
	default:
		return ui_list_key(l, cmd, total, 3);
	}
}

/* ---- the screen ---- */

static void stuck_draw(struct ui_app *a, struct ui_canvas *cv, struct ui_area r)
{
	char buf[700];
	snprintf(buf, sizeof buf, "blinkdoc cannot go on from here: %s.\n\nBackspace goes back "
				  "so you can answer differently; w shows how you got here; r "
				  "starts over.", session_stuck_reason(a->s));
	cv_wrap(cv, r.y, r.x, r.w, r.h, 0, buf, UI_WARN);
	cv_cursor(cv, r.y, r.x);
}

static void node_draw(struct ui_app *a, struct ui_canvas *cv)
{
	const struct kb_node *n = session_current(a->s);
	char *title = n ? ui_render(a, &n->title) : strdup("");
	struct ui_area r = ui_frame(a, cv, title && *title ? title : n ? n->id : "");
	free(title);
	if (!n || session_state(a->s) == SESSION_STUCK) {
		stuck_draw(a, cv, r);
		return;
	}
	if (session_state(a->s) == SESSION_DONE) {
		ui_end_draw(a, cv, r);
		return;
	}
	switch (n->type) {
	case KB_ACTION: ui_action_draw(a, cv, r); break;
	case KB_INSTRUCTION: instruction_draw(a, cv, n, r); break;
	default: question_draw(a, cv, n, r); break;
	}
}

static int node_key(struct ui_app *a, enum ui_cmd cmd, int key)
{
	const struct kb_node *n = session_current(a->s);
	if (!n || session_state(a->s) == SESSION_STUCK)
		return cmd == CMD_BACK ? ui_session_back(a) : 0;
	if (session_state(a->s) == SESSION_DONE)
		return ui_end_key(a, cmd);
	switch (n->type) {
	case KB_ACTION: return ui_action_key(a, cmd, key);
	case KB_INSTRUCTION: return instruction_key(a, n, cmd);
	default: return question_key(a, n, cmd, key);
	}
}

static const enum ui_cmd node_footer[] = {CMD_UP, CMD_SELECT, CMD_BACK, CMD_WHY, CMD_HELP,
					  CMD_QUIT, CMD_NONE};
/* text_entry: an action's file field takes letters while it is edited. */
const struct ui_screen_ops ui_node_ops = {"node", node_draw, node_key, node_footer, true};
