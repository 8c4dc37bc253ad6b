/* ui_screen_action.c - action nodes: what blinkdoc would do, asked before
 * it touches the device; live progress while it runs (bar with ETA, time
 * limit, the LED the person should see meanwhile, transport log); and when
 * it cannot, why, with the manual way. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "ui_app.h"

#define LOG_LINES 4
#define CONSENT_TEXT "This changes the device, so blinkdoc runs it only when you say so."

static const struct {
	const char *action, *words;
} action_words[] = {
	{"list-devices", "look for Particle devices on USB and serial"},
	{"identify", "read the device ID, platform and Device OS version (and the SIM's ICCID on "
		     "cellular devices)"},
	{"inspect", "read the firmware module table and check every module"},
	{"mac", "read the Wi-Fi MAC address"},
	{"enter-dfu", "put the device in DFU mode (blinking yellow)"},
	{"enter-listening", "put the device in listening mode (blinking dark blue)"},
	{"enter-safe-mode", "restart the device in safe mode (breathing magenta)"},
	{"exit-listening", "take the device out of listening mode"},
	{"reset", "restart the device"},
	{"flash", "write a firmware file to the device and check it"},
	{"backup", "save the app that is on the device to a file"},
};

static const char *words_for(const char *action)
{
	for (size_t i = 0; i < sizeof action_words / sizeof action_words[0]; i++)
		if (!strcmp(action_words[i].action, action))
			return action_words[i].words;
	return action;
}

static void sync_state(struct ui_app *a, const struct kb_node *n)
{
	if (a->act_node != n && !a->w.running) {
		if (a->act == ACT_RESULT)
			action_outcome_free(&a->w.out);
		a->act = ACT_OFFER;
		a->act_node = n;
		ui_file_sync(a, n);
		/* A file still to choose gets the focus; else "run it". */
		a->list[SCR_NODE].focus = a->file.node && !a->file.ok ? 0 : a->file.node ? 1 : 0;
	}
}

/* Offer rows: the file field (when the action needs one), run, by hand. */
static int first_choice(const struct ui_app *a)
{
	return a->file.node ? 1 : 0;
}

static const char *run_label(const struct kb_node *n)
{
	if (!strcmp(n->action, "flash"))
		return "Write this file to the device now";
	if (!strcmp(n->action, "backup"))
		return "Save the copy now";
	return "Run it now";
}

static bool reachable(const struct ui_app *a)
{
	return a->t && !a->no_transports[0];
}

/* What the offer shows above its choices, and how many rows each part
 * may take: everything fits the screen, the choices always show, and on a
 * small screen the node's prose gives way first, then the LED line (it
 * shows again while the action runs), the consent and device lines, and
 * the result of the file check last. */
struct offer_rows {
	int text, consent, device, led, gap, note;
};

static int min_i(int a, int b)
{
	return a < b ? a : b;
}

static void offer_budget(struct ui_app *a, struct ui_area r, const char *text, const char *dev,
			 const char *led, const char *why, bool consent, struct offer_rows *o)
{
	int w = r.w;
	o->text = min_i(5, ui_wrap_count(text, w, a->ascii));
	o->consent = consent ? min_i(2, ui_wrap_count(CONSENT_TEXT, w, a->ascii)) : 0;
	o->device = min_i(2, ui_wrap_count(dev, w, a->ascii));
	o->led = *led ? min_i(3, ui_wrap_count(led, w, a->ascii)) : 0;
	o->gap = 1;
	int bottom;
	if (why) {
		o->note = min_i(3, ui_wrap_count(why, w, a->ascii));
		bottom = o->note + 1 + 1;
	} else {
		o->note = a->file.node ? ui_file_rows(a, w) - 2 : 0;
		bottom = (a->file.node ? 2 + o->note + 1 : 0) + 2;
	}
	int *give[] = {&o->text, &o->led, &o->consent, &o->device, &o->note};
	for (size_t i = 0; i < sizeof give / sizeof give[0]; i++) {
		int over = o->text + o->consent + o->device + o->led + o->gap + bottom - r.h;
		if (over <= 0)
			return;
		int spare = *give[i] - 1;
		int cut = min_i(over, spare > 0 ? spare : 0);
		*give[i] -= cut;
		if (give[i] == &o->note)
			bottom -= cut;
	}
	if (o->text + o->consent + o->device + o->led + o->gap + bottom > r.h)
		o->gap = 0;
}

static void offer_draw(struct ui_app *a, struct ui_canvas *cv, const struct kb_node *n,
		       struct ui_area r)
{
	int y = r.y;
	/* The node says what the action is for; without a text, say what it does. */
	char *text = ui_render(a, &n->text);
	char buf[1200], dev[400], lim[16], led[1200] = "", why[1200];
	if (*text)
		snprintf(buf, sizeof buf, "%s", text);
	else
		snprintf(buf, sizeof buf, "blinkdoc can %s for you.", words_for(n->action));
	free(text);
	ui_fmt_duration(lim, sizeof lim, actions_deadline_ms(n->action));
	if (a->env.have_dev)
		snprintf(dev, sizeof dev, "Device: %s %s. Time limit: %s.", a->dev ? a->dev->name : "",
			 a->env.dev.device_id[0] ? a->env.dev.device_id : a->env.dev.port, lim);
	else
		snprintf(dev, sizeof dev, "Device: your %s. Time limit: %s.",
			 a->dev ? a->dev->name : "device", lim);
	char *expect = ui_render(a, &n->expect);
	if (*expect)
		snprintf(led, sizeof led, "Your LED meanwhile: %s", expect);
	free(expect);
	bool ok = reachable(a);
	if (!ok)
		snprintf(why, sizeof why, "Not possible here: %s. You can do it by hand; the next "
					  "screen shows how.", a->no_transports);
	struct offer_rows o;
	offer_budget(a, r, buf, dev, led, ok ? NULL : why, n->consent, &o);
	y += cv_wrap(cv, y, r.x, r.w, o.text, 0, buf, UI_NORMAL);
	if (n->consent)
		y += cv_wrap(cv, y, r.x, r.w, o.consent, 0, CONSENT_TEXT, UI_TITLE);
	y += cv_wrap(cv, y, r.x, r.w, o.device, 0, dev, UI_NORMAL);
	if (*led)
		y += cv_wrap(cv, y, r.x, r.w, o.led, 0, led, UI_TITLE);
	y += o.gap;
	struct ui_list *l = &a->list[SCR_NODE];
	if (!ok) {
		y += cv_wrap(cv, y, r.x, r.w, o.note, 0, why, UI_WARN) + 1;
		l->focus = 0;
		ui_row(a, cv, y, r.x, r.w, true, 0, "Continue the manual way", UI_NORMAL);
		return;
	}
	int k = first_choice(a);
	ui_list_fix(l, k + 2, k + 2);
	if (k)
		y += ui_file_draw(a, cv, y, r, l->focus == 0, o.note) + 1;
	ui_row(a, cv, y, r.x, r.w, l->focus == k, k, run_label(n), UI_NORMAL);
	ui_row(a, cv, y + 1, r.x, r.w, l->focus == k + 1, k + 1, "Do it by hand instead", UI_NORMAL);
	if (a->file.editing)
		cv_cursor(cv, cv->cur_y, cv->cur_x); /* stays in the field */
}

/* The DFU phases in words. */
static const char *phase_words(const char *phase)
{
	static const struct {
		const char *phase, *words;
	} w[] = {{"erase", "erasing"}, {"write", "writing"}, {"verify", "checking"},
		 {"read", "reading"}, {"backup", "saving the copy"}};
	for (size_t i = 0; i < sizeof w / sizeof w[0]; i++)
		if (!strcmp(w[i].phase, phase))
			return w[i].words;
	return phase;
}

static void running_draw(struct ui_app *a, struct ui_canvas *cv, const struct kb_node *n,
			 struct ui_area r)
{
	struct ui_worker *w = &a->w;
	int64_t elapsed = bd_now_ms() - w->started_ms;
	static const char spin[] = "|/-\\";
	int y = r.y;
	char buf[1200], e[16], lim[16], left[16];
	pthread_mutex_lock(&w->mu);
	uint64_t done = w->pdone, total = w->ptotal;
	char phase[32];
	snprintf(phase, sizeof phase, "%s", w->phase);
	char log[LOG_LINES][200];
	size_t nlog = w->nlog, first = nlog > LOG_LINES ? nlog - LOG_LINES : 0;
	for (size_t i = first; i < nlog; i++)
		snprintf(log[i - first], sizeof log[0], "%s", w->log[i % UI_LOG_KEEP]);
	int64_t since = w->progress_ms ? bd_now_ms() - w->progress_ms : 0;
	pthread_mutex_unlock(&w->mu);
	snprintf(buf, sizeof buf, "%c Working: %s...", spin[(elapsed / UI_TICK_MS) % 4],
		 words_for(n->action));
	y += cv_wrap(cv, y, r.x, r.w, 2, 0, buf, UI_TITLE) + 1;
	if (total) {
		char bar[400];
		ui_progress_bar(bar, sizeof bar, r.w > 60 ? 40 : r.w - 20, done, total, a->ascii);
		int64_t eta = ui_eta_ms(done, total, since);
		char etas[48] = "";
		if (eta >= 0) {
			char d[16];
			ui_fmt_duration(d, sizeof d, eta);
			snprintf(etas, sizeof etas, "  about %s left", d);
		}
		snprintf(buf, sizeof buf, "%s %3d%%  %s%s", bar,
			 (int)(100.0 * (double)(done > total ? total : done) / (double)total),
			 phase_words(phase), etas);
		cv_put_clip(cv, y++, r.x, r.w, buf, UI_NORMAL);
	}
	ui_fmt_duration(e, sizeof e, elapsed / 1000 * 1000); /* whole seconds gone, rounded down */
	ui_fmt_duration(lim, sizeof lim, w->deadline_ms);
	ui_fmt_duration(left, sizeof left, w->deadline_ms - elapsed);
	snprintf(buf, sizeof buf, "Elapsed %s of at most %s (%s left).", e, lim, left);
	cv_put_clip(cv, y++, r.x, r.w, buf, UI_NORMAL);
	char *expect = ui_render(a, &n->expect);
	if (*expect) {
		snprintf(buf, sizeof buf, "Your LED meanwhile: %s", expect);
		y += 1 + cv_wrap(cv, y + 1, r.x, r.w, 3, 0, buf, UI_TITLE);
	}
	free(expect);
	y++;
	/* The newest transport lines that fit above the last row. */
	size_t room = y < r.y + r.h - 1 ? (size_t)(r.y + r.h - 1 - y) : 0;
	for (size_t i = nlog - first > room ? nlog - first - room : 0; i < nlog - first; i++)
		cv_put_clip(cv, y++, r.x + 2, r.w - 2, log[i], UI_DIM);
	cv_put(cv, r.y + r.h - 1, r.x, r.w, w->cancel ? "Stopping..." : "q stops it (asks first).",
	       UI_DIM);
	cv_cursor(cv, r.y, r.x);
}

static void result_draw(struct ui_app *a, struct ui_canvas *cv, const struct kb_node *n,
			struct ui_area r)
{
	const struct action_outcome *o = &a->w.out;
	bool manual = !strcmp(o->result, "unavailable");
	char buf[1800];
	snprintf(buf, sizeof buf, "blinkdoc could not %s: %s", words_for(n->action),
		 o->detail[0] ? o->detail : bd_strerror(o->code));
	int y = r.y + cv_wrap(cv, r.y, r.x, r.w, 6, 0, buf, UI_WARN) + 1;
	y += cv_wrap(cv, y, r.x, r.w, 2, 0,
		     manual ? "You can do it by hand; the next screen shows how."
			    : "Continue to see what that means, or try again.",
		     UI_NORMAL) + 1;
	struct ui_list *l = &a->list[SCR_NODE];
	ui_list_fix(l, 2, 2);
	ui_row(a, cv, y, r.x, r.w, l->focus == 0, 0, manual ? "Continue the manual way" : "Continue",
	       UI_NORMAL);
	ui_row(a, cv, y + 1, r.x, r.w, l->focus == 1, 1,
	       a->file.node ? (!strcmp(n->action, "flash") ? "Choose the file again"
							  : "Choose where the copy goes again")
			    : "Try again",
	       UI_NORMAL);
}

void ui_action_draw(struct ui_app *a, struct ui_canvas *cv, struct ui_area r)
{
	const struct kb_node *n = session_current(a->s);
	sync_state(a, n);
	if (a->w.running)
		running_draw(a, cv, n, r);
	else if (a->act == ACT_RESULT)
		result_draw(a, cv, n, r);
	else
		offer_draw(a, cv, n, r);
}

static int record(struct ui_app *a, const char *result, const struct session_fact_set *facts,
		  size_t nfacts, const char *detail)
{
	struct bd_error err = {0};
	if (session_action_result(a->s, result, facts, nfacts, detail, &err) < 0) {
		ui_message(a, UI_ERR, "%s", err.msg);
		return UI_REDRAW;
	}
	a->list[SCR_NODE] = (struct ui_list){0, 0};
	return UI_REDRAW | UI_SAVE;
}

static int start(struct ui_app *a, const struct kb_node *n)
{
	struct ui_list *l = &a->list[SCR_NODE];
	if (a->file.node && !a->file.ok) {
		ui_message(a, UI_WARN, "%s", !strcmp(n->action, "flash")
					       ? "Choose the firmware file first: Enter on the file line, "
						 "then type its path."
					       : "Choose where the copy goes first.");
		l->focus = 0;
		return UI_REDRAW;
	}
	/* Only this action gets the file. */
	a->env.flash_file = a->file.node && !strcmp(n->action, "flash") ? a->file.path : NULL;
	a->env.backup_path = a->file.node && !strcmp(n->action, "backup") ? a->file.path : NULL;
	if (ui_worker_start(a, n) < 0) {
		ui_message(a, UI_ERR, "Could not start the action.");
		return UI_REDRAW;
	}
	a->act = ACT_RUNNING;
	return UI_REDRAW;
}

int ui_action_key(struct ui_app *a, enum ui_cmd cmd, int key)
{
	const struct kb_node *n = session_current(a->s);
	sync_state(a, n);
	struct ui_list *l = &a->list[SCR_NODE];
	if (a->w.running) {
		if (cmd == CMD_BACK) {
			a->confirm = CONFIRM_BACK_ACTION;
			return UI_REDRAW;
		}
		return 0;
	}
	if (a->act == ACT_RESULT) {
		if (cmd == CMD_BACK) {
			action_outcome_free(&a->w.out);
			a->act = ACT_OFFER;
			return UI_REDRAW;
		}
		if (cmd != CMD_SELECT)
			return ui_list_key(l, cmd, 2, 1);
		struct action_outcome o = a->w.out;
		a->act = ACT_OFFER;
		if (l->focus == 1) {
			action_outcome_free(&a->w.out);
			if (a->file.node) {
				/* Back to the file: check it again, run from there. */
				ui_file_check(a);
				l->focus = a->file.ok ? 1 : 0;
				return UI_REDRAW;
			}
			return start(a, n);
		}
		int fl = record(a, o.result, o.facts, o.nfacts, o.detail);
		action_outcome_free(&a->w.out);
		return fl;
	}
	if (!reachable(a)) {
		if (cmd == CMD_BACK)
			return ui_session_back(a);
		if (cmd != CMD_SELECT)
			return 0;
		char detail[1200];
		snprintf(detail, sizeof detail, "not possible here: %s", a->no_transports);
		return record(a, "unavailable", NULL, 0, detail);
	}
	int k = first_choice(a);
	if (k && l->focus == 0) {
		int fl = ui_file_key(a, cmd, key);
		if (fl >= 0) {
			/* A file that passed: on to "run it". */
			if (cmd == CMD_SELECT && !a->file.editing && a->file.ok)
				l->focus = 1;
			return fl;
		}
	}
	if (cmd == CMD_BACK)
		return ui_session_back(a);
	if (cmd != CMD_SELECT)
		return ui_list_key(l, cmd, k + 2, 1);
	if (l->focus == k)
		return start(a, n);
	if (l->focus == 0 && k)
		return ui_file_key(a, cmd, key);
	return record(a, "unavailable", NULL, 0, "the person chose to do it by hand");
}
