/* ui_screen_end.c - where a walk ends: the cause, the fix, what to do if it
 * did not help; then the support offer.  The support bundle itself is a
 * later piece of work: until bundle_create() is wired to it, the offer saves
 * the session transcript and shows the tree's support-ticket checklist. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/strbuf.h"
#include "transcript.h"
#include "ui_app.h"

/* THE HOOK for the support bundle: when the bundle writer exists, call it
 * here (it gets the session and writes the archive), return 0 and put its
 * path in out.  Until then it says plainly that it is not there. */
static int bundle_create(struct ui_app *a, char *out, size_t size)
{
	(void)a;
	snprintf(out, size, "the support bundle command is not available in this blinkdoc yet");
	return BD_E_NOT_SUPPORTED;
}

/* Where "it did not help" leads: the conclusion's next as the facts decide
 * it (a Core goes to its factory reset, other devices to the recovery). */
static const struct kb_node *next_node(struct ui_app *a, const struct kb_node *n)
{
	return n->next.n ? session_next_of(a->s, &n->next) : NULL;
}

/* Numbers the step lines of a list: "1. ...". */
struct numbered {
	struct strbuf *sb;
	int n;
};

static void numbered_cb(void *ctx, const char *step)
{
	struct numbered *nb = ctx;
	size_t len = strlen(step);
	/* Sub-items and headings ("Causes:") are not numbered. */
	if (step[0] == '-' && step[1] == ' ')
		strbuf_printf(nb->sb, "   %s\n", step);
	else if (len && step[len - 1] == ':')
		strbuf_printf(nb->sb, "%s\n", step);
	else
		strbuf_printf(nb->sb, "%d. %s\n", ++nb->n, step);
}

static char *body_text(struct ui_app *a, const struct kb_node *n)
{
	struct strbuf sb = STRBUF_INIT;
	char *text = ui_render(a, &n->text);
	if (*text)
		strbuf_printf(&sb, "%s\n\n", text);
	free(text);
	char *cause = ui_render(a, &n->cause);
	if (*cause)
		strbuf_printf(&sb, "%s\n\n", cause);
	free(cause);
	if (n->fix.n) {
		strbuf_puts(&sb, "What to do:\n");
		struct numbered nb = {&sb, 0};
		session_render_steps(a->s, &n->fix, numbered_cb, &nb);
		strbuf_puts(&sb, "\n");
	}
	const struct kb_node *nx = next_node(a, n);
	if (nx) {
		char *t = ui_render(a, &nx->title);
		strbuf_printf(&sb, "If this does not help, blinkdoc goes on with: %s.", *t ? t : nx->id);
		free(t);
	}
	char *s = strbuf_detach(&sb);
	return s ? s : strdup("");
}

static int end_items(struct ui_app *a, const struct kb_node *n, const char **items)
{
	int k = 0;
	if (next_node(a, n))
		items[k++] = "It did not help: go on";
	items[k++] = "Get help from Particle support (support bundle)";
	items[k++] = "Start over";
	items[k++] = "Quit";
	return k;
}

static void scroll_body(struct ui_app *a, struct ui_canvas *cv, const char *body, int y, int x,
			int w, int rows, int *scroll)
{
	int total = ui_wrap_count(body, w, a->ascii);
	/* Text that scrolls leaves a margin for the marks, so none is hidden. */
	int tw = total > rows ? w - 10 : w;
	if (tw != w)
		total = ui_wrap_count(body, tw, a->ascii);
	if (*scroll > total - rows)
		*scroll = total - rows;
	if (*scroll < 0)
		*scroll = 0;
	cv_wrap(cv, y, x, tw, rows, *scroll, body, UI_NORMAL);
	if (*scroll > 0)
		cv_put(cv, y, x + w - 9, 9, "(PgUp ^)", UI_DIM);
	if (*scroll + rows < total)
		cv_put(cv, y + rows - 1, x + w - 9, 9, "(PgDn v)", UI_DIM);
}

void ui_end_draw(struct ui_app *a, struct ui_canvas *cv, struct ui_area r)
{
	const struct kb_node *n = session_current(a->s);
	static const char *const outcome[] = {"", "Nothing is wrong", "Cause found", "Good to know"};
	static const int outcome_style[] = {UI_NORMAL, UI_OK, UI_ERR, UI_TITLE};
	int y = r.y;
	cv_put(cv, y, r.x, r.w, outcome[n->outcome], outcome_style[n->outcome]);
	const struct kb_led *l = n->led ? session_led_status(a->s) : NULL;
	if (l) {
		ui_swatch(a, cv, y, r.x + 20, 8, &l->anim, ui_anim_now(a));
		cv_put_clip(cv, y, r.x + 30, r.w - 30, l->title, UI_DIM);
	}
	y += 2;
	const char *items[4];
	int ni = end_items(a, n, items);
	char *body = body_text(a, n);
	int rows = r.y + r.h - y - ni - 1;
	scroll_body(a, cv, body, y, r.x, r.w, rows, &a->list[SCR_NODE].top);
	free(body);
	y += rows + 1;
	struct ui_list *lst = &a->list[SCR_NODE];
	if (lst->focus >= ni)
		lst->focus = ni - 1;
	for (int i = 0; i < ni; i++)
		ui_row(a, cv, y + i, r.x, r.w, lst->focus == i, i, items[i], UI_NORMAL);
}

int ui_end_key(struct ui_app *a, enum ui_cmd cmd)
{
	const struct kb_node *n = session_current(a->s);
	const char *items[4];
	int ni = end_items(a, n, items);
	struct ui_list *l = &a->list[SCR_NODE];
	switch (cmd) {
	case CMD_PAGE_UP:
		l->top -= 5;
		return UI_REDRAW;
	case CMD_PAGE_DOWN:
		l->top += 5;
		return UI_REDRAW;
	case CMD_UP:
	case CMD_DOWN:
	case CMD_HOME:
	case CMD_END: {
		int top = l->top;
		int fl = ui_list_key(l, cmd, ni, 1);
		l->top = top;
		return fl;
	}
	case CMD_BACK:
		return ui_session_back(a);
	case CMD_SELECT:
		break;
	default:
		return 0;
	}
	const char *it = items[l->focus];
	if (!strncmp(it, "It did not help", 15)) {
		const struct kb_node *nx = next_node(a, n);
		return nx ? ui_session_go_on(a, nx) : 0;
	}
	if (!strncmp(it, "Get help", 8)) {
		a->support_saved[0] = '\0';
		a->list[SCR_SUPPORT] = (struct ui_list){0, 0};
		ui_push(a, SCR_SUPPORT);
		return UI_REDRAW;
	}
	if (!strncmp(it, "Start over", 10)) {
		a->confirm = CONFIRM_RESTART;
		return UI_REDRAW;
	}
	return UI_QUIT | UI_SAVE;
}

/* ---- support ---- */

/* The tree's support-ticket checklist: by its usual id, else a root node
 * named like it. */
static const struct kb_node *ticket_node(struct ui_app *a)
{
	const struct kb_node *n = kb_node_find(a->kb, "support-ticket");
	for (size_t i = 0; !n && i < kb_node_count(a->kb); i++) {
		const struct kb_node *c = kb_node_at(a->kb, i);
		if (c->root && (strstr(c->id, "ticket") || strstr(c->id, "support")))
			n = c;
	}
	return n;
}

static char *ticket_text(struct ui_app *a, const struct kb_node *n)
{
	struct strbuf sb = STRBUF_INIT;
	char *t = ui_render(a, &n->title);
	char *x = ui_render(a, &n->text);
	strbuf_printf(&sb, "%s\n", t);
	if (*x)
		strbuf_printf(&sb, "%s\n", x);
	free(t);
	free(x);
	struct numbered nb = {&sb, 0};
	if (n->type == KB_INSTRUCTION) {
		session_render_instruction(a->s, n, numbered_cb, &nb);
	} else if (n->type == KB_CONCLUSION) {
		char *c = ui_render(a, &n->cause);
		if (*c)
			strbuf_printf(&sb, "%s\n", c);
		free(c);
		session_render_steps(a->s, &n->fix, numbered_cb, &nb);
	}
	char *s = strbuf_detach(&sb);
	return s ? s : strdup("");
}

enum { SUP_SAVE, SUP_WALK, SUP_BUNDLE, SUP_BACK, SUP_N };
static const char *const support_items[SUP_N] = {
	"Save this session to a file for support",
	"Go through the support checklist (blinkdoc reads the device for you)",
	"Create the support bundle", "Back"};

static void support_draw(struct ui_app *a, struct ui_canvas *cv)
{
	struct ui_area r = ui_frame(a, cv, "Getting help from Particle support");
	int y = r.y;
	y += cv_wrap(cv, y, r.x, r.w, 3, 0,
		     "The support bundle command is not available in this blinkdoc yet. Until "
		     "it is, save this session (it lists every answer and what blinkdoc did) and "
		     "use the checklist below when you contact support.",
		     UI_WARN) + 1;
	if (a->support_saved[0])
		y += cv_wrap(cv, y, r.x, r.w, 2, 0, a->support_saved, UI_OK);
	struct ui_list *l = &a->list[SCR_SUPPORT];
	if (l->focus > SUP_N - 1)
		l->focus = SUP_N - 1;
	int rows = r.y + r.h - y - SUP_N - 1;
	const struct kb_node *tn = ticket_node(a);
	if (tn && rows > 1) {
		char *body = ticket_text(a, tn);
		scroll_body(a, cv, body, y, r.x, r.w, rows, &a->list[SCR_SUPPORT].top);
		free(body);
	}
	y = r.y + r.h - SUP_N;
	for (int i = 0; i < SUP_N; i++)
		ui_row(a, cv, y + i, r.x, r.w, l->focus == i, i, support_items[i], UI_NORMAL);
}

static int save_copy(struct ui_app *a)
{
	if (!a->state_dir[0]) {
		ui_message(a, UI_ERR, "No state directory to save to (set HOME or XDG_STATE_HOME).");
		return UI_REDRAW;
	}
	char name[64] = "blinkdoc-support.json";
	if (!a->headless) {
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(name, sizeof name, "blinkdoc-support-%Y%m%d-%H%M%S.json", &tm);
	}
	char path[PATH_MAX + 64];
	snprintf(path, sizeof path, "%s/%s", a->state_dir, name);
	struct bd_error err = {0};
	if (transcript_save(a->s, path, &err) < 0) {
		ui_message(a, UI_ERR, "Could not save: %s", err.msg);
		return UI_REDRAW;
	}
	snprintf(a->support_saved, sizeof a->support_saved, "Saved: %s", path);
	return UI_REDRAW;
}

static int support_key(struct ui_app *a, enum ui_cmd cmd, int key)
{
	(void)key;
	struct ui_list *l = &a->list[SCR_SUPPORT];
	switch (cmd) {
	case CMD_BACK:
		ui_pop(a);
		return UI_REDRAW;
	case CMD_PAGE_UP:
		l->top -= 5;
		return UI_REDRAW;
	case CMD_PAGE_DOWN:
		l->top += 5;
		return UI_REDRAW;
	case CMD_SELECT:
		break;
	default: {
		int top = l->top;
		int fl = ui_list_key(l, cmd, SUP_N, 1);
		l->top = top;
		return fl;
	}
	}
	if (l->focus == SUP_SAVE)
		return save_copy(a);
	if (l->focus == SUP_WALK) {
		const struct kb_node *tn = ticket_node(a);
		if (!tn) {
			ui_message(a, UI_ERR, "the tree has no support checklist");
			return UI_REDRAW;
		}
		/* Backspace at its first step returns to the conclusion. */
		return ui_session_go_on(a, tn);
	}
	if (l->focus == SUP_BUNDLE) {
		char why[200];
		if (bundle_create(a, why, sizeof why) < 0)
			ui_message(a, UI_WARN, "Not yet: %s. Save the session instead.", why);
		else
			snprintf(a->support_saved, sizeof a->support_saved, "Bundle written: %s", why);
		return UI_REDRAW;
	}
	ui_pop(a);
	return UI_REDRAW;
}

static const enum ui_cmd support_footer[] = {CMD_UP, CMD_SELECT, CMD_BACK, CMD_HELP, CMD_QUIT,
					     CMD_NONE};
const struct ui_screen_ops ui_support_ops = {"support", support_draw, support_key, support_footer,
					     false};
