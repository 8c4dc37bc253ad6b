/* ui_session.c - the guided session's glue to the walk: device and LED
 * report as base facts, back, restart, saving after every answer and
 * resuming a saved session. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "transcript.h"
#include "ui_app.h"

int ui_session_save(struct ui_app *a)
{
	if (!a->started || !a->session_path[0])
		return 0;
	struct bd_error err = {0};
	if (transcript_save(a->s, a->session_path, &err) < 0) {
		ui_message(a, UI_WARN, "Could not save the session: %s", err.msg);
		return -1;
	}
	return 0;
}

void ui_session_forget(struct ui_app *a)
{
	if (a->session_path[0])
		unlink(a->session_path);
}

/* A new walk begins on the node screen with nothing focused or ticked. */
static void node_fresh(struct ui_app *a)
{
	a->list[SCR_NODE] = (struct ui_list){0, 0};
	a->ticks_node = NULL;
	a->act = ACT_OFFER;
	a->act_node = NULL;
}

void ui_session_cont_clear(struct ui_app *a)
{
	for (int i = 0; i < a->ncont; i++)
		free(a->cont[i].saved);
	a->ncont = 0;
}

static void adopt(struct ui_app *a, struct session *s)
{
	ui_session_cont_clear(a);
	session_free(a->s);
	a->s = s;
	a->started = true;
	a->dev = session_device(s);
	a->env.have_dev = false;
	node_fresh(a);
	if (!a->dev) {
		a->started = false;
		ui_goto(a, SCR_DEVICE);
		return;
	}
	ui_goto(a, SCR_NODE);
	ui_message(a, UI_OK, "Welcome back: continuing where you left off.");
}

void ui_session_check_saved(struct ui_app *a)
{
	if (!a->session_path[0]) {
		if (a->want_resume)
			ui_message(a, UI_WARN, "no state directory (set HOME or XDG_STATE_HOME)");
		return;
	}
	if (access(a->session_path, R_OK) != 0) {
		if (a->want_resume)
			ui_message(a, UI_WARN, "there is no saved session to resume (%s)", a->session_path);
		return;
	}
	struct bd_error err = {0};
	struct session *s = transcript_load(a->kb, a->session_path, &err);
	if (!s) {
		ui_message(a, UI_WARN, "The saved session could not be read: %s", err.msg);
		return;
	}
	if (a->want_resume) {
		adopt(a, s);
		return;
	}
	if (session_state(s) == SESSION_DONE || !session_device(s)) {
		session_free(s);
		return;
	}
	size_t n = session_event_count(s);
	snprintf(a->resume_saved, sizeof a->resume_saved, "%.16s",
		 n ? session_event_at(s, n - 1)->time : "");
	for (char *p = a->resume_saved; *p; p++)
		if (*p == 'T')
			*p = ' ';
	a->resume = s;
	a->screen = SCR_RESUME;
}

int ui_session_resume(struct ui_app *a)
{
	if (!a->resume)
		return 0;
	adopt(a, a->resume);
	a->resume = NULL;
	return UI_REDRAW;
}

int ui_choose_device(struct ui_app *a, const struct kb_device *dev)
{
	struct bd_error err = {0};
	if (a->dev != dev && session_set_device(a->s, dev, &err) < 0) {
		ui_message(a, UI_ERR, "%s", err.msg);
		return UI_REDRAW;
	}
	bool changed = a->dev != dev;
	a->dev = dev;
	if (a->started) {
		/* Changed from "why am I here": the walk goes on with the new device. */
		if (changed) {
			/* After "go on" from a conclusion: the conclusion may not
			 * hold for this device, so the walk starts over with it. */
			if (a->ncont || strcmp(session_root(a->s), "start")) {
				ui_session_cont_clear(a);
				session_start(a->s, NULL, &err);
			}
			ui_session_prune(a);
			ui_message(a, UI_OK, "Device changed to %s; answers that no longer apply were "
					     "dropped.", dev->name);
		}
		node_fresh(a);
		ui_goto(a, SCR_NODE);
		return UI_REDRAW | UI_SAVE;
	}
	ui_led_open(a);
	return UI_REDRAW;
}

static int set_or_clear(struct ui_app *a, const char *fact, const char *value, struct bd_error *err)
{
	if (value)
		return session_set_fact_text(a->s, fact, value, err);
	if (!session_fact_is_base(a->s, kb_fact_id(a->kb, fact)))
		return 0;
	return session_set_fact(a->s, fact, NULL, err);
}

static int begin_walk(struct ui_app *a)
{
	struct bd_error err = {0};
	/* A new LED report after going on from a conclusion: the walk starts
	 * from the beginning again, not where the old report led. */
	if (a->started && (a->ncont || strcmp(session_root(a->s), "start"))) {
		ui_session_cont_clear(a);
		a->started = false;
	}
	if (!a->started) {
		if (session_start(a->s, NULL, &err) < 0) {
			ui_message(a, UI_ERR, "%s", err.msg);
			return UI_REDRAW;
		}
		a->started = true;
	} else {
		ui_session_prune(a);
	}
	node_fresh(a);
	ui_goto(a, SCR_NODE);
	return UI_REDRAW | UI_SAVE;
}

int ui_led_commit(struct ui_app *a, const struct led_report *r)
{
	struct bd_error err = {0};
	char count[16];
	snprintf(count, sizeof count, "%d", r->count);
	if (set_or_clear(a, "led.color", r->color, &err) < 0 ||
	    set_or_clear(a, "led.pattern", r->pattern, &err) < 0 ||
	    set_or_clear(a, "led.count", r->count >= 0 ? count : NULL, &err) < 0 ||
	    set_or_clear(a, "led.color2", r->color2, &err) < 0) {
		ui_message(a, UI_ERR, "%s", err.msg);
		return UI_REDRAW;
	}
	return begin_walk(a);
}

int ui_led_skip(struct ui_app *a)
{
	struct led_report none = {NULL, NULL, -1, NULL};
	return ui_led_commit(a, &none);
}

void ui_session_prune(struct ui_app *a)
{
	session_prune(a->s);
}

int ui_session_go_on(struct ui_app *a, const struct kb_node *next)
{
	struct bd_error err = {0};
	if (a->ncont == UI_CONT_MAX) {
		free(a->cont[0].saved);
		memmove(a->cont, a->cont + 1, sizeof a->cont[0] * (UI_CONT_MAX - 1));
		a->ncont--;
	}
	cJSON *j = transcript_to_json(a->s);
	char *saved = j ? cJSON_PrintUnformatted(j) : NULL;
	cJSON_Delete(j);
	if (!saved) {
		ui_message(a, UI_ERR, "out of memory");
		return UI_REDRAW;
	}
	const struct kb_node *from = session_current(a->s);
	size_t nev = session_event_count(a->s);
	char *title = ui_render(a, &from->title);
	if (session_start(a->s, next->id, &err) < 0) {
		free(saved);
		free(title);
		ui_message(a, UI_ERR, "%s", err.msg);
		return UI_REDRAW;
	}
	/* The old walk's answers stay in the saved copy; the new walk keeps
	 * only those it uses. */
	session_prune(a->s);
	struct ui_cont *c = &a->cont[a->ncont++];
	*c = (struct ui_cont){saved, from, "", session_answer_count(a->s), nev};
	snprintf(c->title, sizeof c->title, "%s", *title ? title : from->id);
	free(title);
	node_fresh(a);
	ui_goto(a, SCR_NODE);
	return UI_REDRAW | UI_SAVE;
}

int ui_session_return(struct ui_app *a)
{
	if (!a->ncont)
		return 0;
	struct ui_cont *c = &a->cont[a->ncont - 1];
	struct bd_error err = {0};
	struct session *s = transcript_parse(a->kb, c->saved, strlen(c->saved), &err);
	if (!s) {
		ui_message(a, UI_ERR, "Cannot go back to \"%s\": %s", c->conclusion->id, err.msg);
		return UI_REDRAW;
	}
	/* The log keeps what happened after the conclusion too. */
	for (size_t i = c->nevents; i < session_event_count(a->s); i++)
		session_push_event(s, session_event_at(a->s, i));
	session_note(s, c->conclusion->id, "back to this conclusion");
	session_free(a->s);
	a->s = s;
	free(c->saved);
	a->ncont--;
	node_fresh(a);
	ui_goto(a, SCR_NODE);
	return UI_REDRAW | UI_SAVE;
}

int ui_session_back(struct ui_app *a)
{
	/* At the first node after "go on": back to the conclusion. */
	if (a->ncont && session_answer_count(a->s) <= a->cont[a->ncont - 1].nanswers)
		return ui_session_return(a);
	if (session_back(a->s) == 0) {
		node_fresh(a);
		ui_goto(a, SCR_NODE);
		return UI_REDRAW | UI_SAVE;
	}
	/* Nothing left to undo: back to the LED picker (then the device). */
	ui_led_open(a);
	return UI_REDRAW;
}

int ui_session_restart(struct ui_app *a)
{
	struct session *s = session_new(a->kb);
	if (!s) {
		ui_message(a, UI_ERR, "out of memory");
		return UI_REDRAW;
	}
	ui_session_cont_clear(a);
	session_free(a->s);
	a->s = s;
	a->started = false;
	a->dev = NULL;
	a->env.have_dev = false;
	a->filter[0] = '\0';
	a->searching = false;
	node_fresh(a);
	ui_session_forget(a);
	memset(a->list, 0, sizeof a->list);
	ui_goto(a, SCR_DEVICE);
	ui_devices_poll(a, true);
	ui_message(a, UI_OK, "Started over.");
	return UI_REDRAW;
}
