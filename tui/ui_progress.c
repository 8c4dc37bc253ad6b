/* ui_progress.c - actions on a worker thread so the screen keeps
 * repainting (the pieces of a progress display are in ui_format.c).
 *
 * The worker only calls actions_run() with the action environment; the
 * session is touched on the main thread alone, once the worker is done:
 * its log lines become transcript notes and its outcome the node's answer.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/clock.h"
#include "ui_app.h"

static void w_log(void *ctx, const char *line)
{
	struct ui_worker *w = ctx;
	pthread_mutex_lock(&w->mu);
	snprintf(w->log[w->nlog % UI_LOG_KEEP], sizeof w->log[0], "%s", line);
	w->nlog++;
	pthread_mutex_unlock(&w->mu);
}

static void w_progress(void *ctx, const char *phase, uint64_t done, uint64_t total)
{
	struct ui_worker *w = ctx;
	pthread_mutex_lock(&w->mu);
	/* Each phase (erase, write, verify) has its own pace: the estimate
	 * starts again with it. */
	if (!w->progress_ms || strcmp(w->phase, phase ? phase : ""))
		w->progress_ms = bd_now_ms();
	snprintf(w->phase, sizeof w->phase, "%s", phase ? phase : "");
	w->pdone = done;
	w->ptotal = total;
	pthread_mutex_unlock(&w->mu);
}

static void *w_main(void *arg)
{
	struct ui_app *a = arg;
	actions_run(&a->env, a->w.action, &a->w.out);
	pthread_mutex_lock(&a->w.mu);
	a->w.done = true;
	pthread_mutex_unlock(&a->w.mu);
	return NULL;
}

int ui_worker_start(struct ui_app *a, const struct kb_node *n)
{
	struct ui_worker *w = &a->w;
	if (w->running)
		return -1;
	memset(w, 0, sizeof *w);
	pthread_mutex_init(&w->mu, NULL);
	w->node = n;
	snprintf(w->action, sizeof w->action, "%s", n->action ? n->action : "");
	w->deadline_ms = actions_deadline_ms(w->action);
	w->started_ms = bd_now_ms();
	a->env.log = w_log;
	a->env.progress = w_progress;
	a->env.ctx = w;
	a->env.cancel = &w->cancel;
	a->env.s = NULL;
	if (pthread_create(&w->th, NULL, w_main, a) != 0) {
		pthread_mutex_destroy(&w->mu);
		return -1;
	}
	w->running = true;
	return 0;
}

bool ui_worker_done(struct ui_app *a)
{
	if (!a->w.running)
		return false;
	pthread_mutex_lock(&a->w.mu);
	bool d = a->w.done;
	pthread_mutex_unlock(&a->w.mu);
	return d;
}

bool ui_worker_wait(struct ui_app *a, int64_t ms)
{
	struct bd_deadline d = bd_deadline_in(ms);
	while (a->w.running && !ui_worker_done(a)) {
		if (bd_deadline_passed(d))
			return false;
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	return true;
}

/* A mode change's result in words ("DFU mode (blinking yellow)"), or NULL. */
static const char *mode_words(const struct ui_worker *w)
{
	static const struct {
		const char *mode, *words;
	} m[] = {{"dfu", "DFU mode (blinking yellow)"},
		 {"listening", "listening mode (blinking dark blue)"},
		 {"safe-mode", "safe mode (breathing magenta once it is online)"},
		 {"normal", "normal mode"}};
	if (strncmp(w->action, "enter-", 6) && strcmp(w->action, "exit-listening") &&
	    strcmp(w->action, "reset"))
		return NULL;
	for (size_t i = 0; i < w->out.nfacts; i++) {
		const struct session_fact_set *f = &w->out.facts[i];
		if (strcmp(f->name, "probe.mode") || f->value.type != FV_STRING)
			continue;
		for (size_t k = 0; k < sizeof m / sizeof m[0]; k++)
			if (!strcmp(m[k].mode, f->value.str))
				return m[k].words;
	}
	return NULL;
}

int ui_worker_finish(struct ui_app *a)
{
	struct ui_worker *w = &a->w;
	if (!w->running || !ui_worker_done(a))
		return 0;
	pthread_join(w->th, NULL);
	pthread_mutex_destroy(&w->mu);
	w->running = false;
	size_t first = w->nlog > UI_LOG_KEEP ? w->nlog - UI_LOG_KEEP : 0;
	if (first)
		session_note(a->s, w->node->id, "(earlier transport lines were not kept)");
	for (size_t i = first; i < w->nlog; i++)
		session_note(a->s, w->node->id, w->log[i % UI_LOG_KEEP]);
	if (w->cancelled) {
		session_note(a->s, w->node->id, "stopped by the person before it finished");
		action_outcome_free(&w->out);
		a->act = ACT_OFFER;
		ui_message(a, UI_WARN, "Stopped.");
		if (a->quit_after_cancel)
			return UI_QUIT | UI_SAVE;
		if (a->back_after_cancel) {
			a->back_after_cancel = false;
			return ui_session_back(a);
		}
		return UI_REDRAW | UI_SAVE;
	}
	if (!strcmp(w->out.result, "ok")) {
		struct bd_error err = {0};
		char detail[sizeof w->out.detail];
		snprintf(detail, sizeof detail, "%s", w->out.detail);
		if (session_action_result(a->s, "ok", w->out.facts, w->out.nfacts, w->out.detail,
					  &err) < 0)
			ui_message(a, UI_ERR, "%s", err.msg);
		else if (!strcmp(w->action, "backup") && a->env.backup_path)
			ui_message(a, UI_OK, "Done: the copy of the app is in %s", a->env.backup_path);
		else if (mode_words(w))
			ui_message(a, UI_OK, "Done: the device is in %s.", mode_words(w));
		else
			ui_message(a, UI_OK, "Done: %s", detail);
		action_outcome_free(&w->out);
		a->act = ACT_OFFER;
		a->list[SCR_NODE] = (struct ui_list){0, 0};
		a->ticks_node = NULL;
		return UI_REDRAW | UI_SAVE;
	}
	/* failed or unavailable: the person sees why and chooses what next. */
	a->act = ACT_RESULT;
	a->list[SCR_NODE] = (struct ui_list){0, 0};
	return UI_REDRAW | UI_SAVE;
}
