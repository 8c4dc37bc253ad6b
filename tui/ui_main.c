/* ui_main.c - the guided session's entry: options, the knowledge base and
 * transports, the terminal's lifecycle (signals, crash handler), and the one
 * loop that reads keys, dispatches them and repaints. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

#include "cli.h"
#include "common/clock.h"
#include "paths.h"
#include "ui.h"
#include "ui_app.h"
#include "ui_plain.h"
#include "ui_script.h"
#include "ui_term.h"

static const struct ui_screen_ops *const screens[SCR_COUNT_] = {
	[SCR_RESUME] = &ui_resume_ops,   [SCR_DEVICE] = &ui_device_ops,
	[SCR_LED] = &ui_led_ops,         [SCR_COLOR] = &ui_color_ops,
	[SCR_PATTERN] = &ui_pattern_ops, [SCR_COUNT] = &ui_count_ops,
	[SCR_COLOR2] = &ui_color2_ops,   [SCR_NOMATCH] = &ui_nomatch_ops,
	[SCR_TAP] = &ui_tap_ops,         [SCR_NODE] = &ui_node_ops,
	[SCR_WHY] = &ui_why_ops,         [SCR_CHANGE] = &ui_change_ops,
	[SCR_SUPPORT] = &ui_support_ops, [SCR_HELP] = &ui_help_ops,
};

const struct ui_screen_ops *ui_screen(enum ui_screen_id id)
{
	return screens[id];
}

int64_t ui_now(const struct ui_app *a)
{
	return a->headless ? a->vclock : bd_now_ms() - a->clock0;
}

int64_t ui_anim_now(const struct ui_app *a)
{
	return a->still ? 0 : ui_now(a);
}

void ui_push(struct ui_app *a, enum ui_screen_id s)
{
	if (a->depth < (int)(sizeof a->stack / sizeof a->stack[0]))
		a->stack[a->depth++] = a->screen;
	a->screen = s;
}

void ui_pop(struct ui_app *a)
{
	a->screen = a->depth ? a->stack[--a->depth] : SCR_DEVICE;
}

void ui_goto(struct ui_app *a, enum ui_screen_id s)
{
	a->depth = 0;
	a->screen = s;
}

void ui_message(struct ui_app *a, int style, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(a->msg, sizeof a->msg, fmt, ap);
	va_end(ap);
	a->msg_style = style;
}

/* ---- signals: Ctrl-C quits cleanly; a crash, a sanitizer report or an
 * exit() from deep inside restores the terminal ---- */

static volatile sig_atomic_t got_signal;

static void on_quit_signal(int sig)
{
	if (got_signal) {
		/* A second one: the loop is not answering; leave now. */
		ui_term_emergency_restore();
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	got_signal = sig;
}

static void on_crash(int sig)
{
	ui_term_emergency_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

static const int quit_signals[] = {SIGINT, SIGTERM, SIGHUP};
static const int crash_signals[] = {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL, SIGQUIT};

/* Any exit() while the screen is up (a library's fatal path) restores the
 * terminal too; after ui_term_stop() this does nothing. */
static void restore_at_exit(void)
{
	if (ui_term_active())
		ui_term_emergency_restore();
}

#if defined(__SANITIZE_ADDRESS__)
/* The ASan+UBSan build: a sanitizer report ends the process without a
 * signal.  ASan calls this before it prints, so the report lands on the
 * normal screen; UBSan's end goes through the death callback. */
void __asan_on_error(void)
{
	restore_at_exit();
}
#endif

static void watch_exit(void)
{
	static bool done;
	if (done)
		return;
	done = true;
	atexit(restore_at_exit);
#if defined(__SANITIZE_ADDRESS__)
	__sanitizer_set_death_callback(restore_at_exit);
#endif
}

static void install_signals(bool on)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof quit_signals / sizeof quit_signals[0]; i++) {
		sa.sa_handler = on ? on_quit_signal : SIG_DFL;
		sa.sa_flags = 0; /* no SA_RESTART: the key wait returns at once */
		sigaction(quit_signals[i], &sa, NULL);
	}
	for (size_t i = 0; i < sizeof crash_signals / sizeof crash_signals[0]; i++) {
		sa.sa_handler = on ? on_crash : SIG_DFL;
		sa.sa_flags = SA_RESETHAND | SA_NODEFER;
		sigaction(crash_signals[i], &sa, NULL);
	}
}

/* ---- dispatch ---- */

static int confirm_key(struct ui_app *a, enum ui_cmd cmd)
{
	if (cmd == CMD_NO || cmd == CMD_BACK || cmd == CMD_QUIT) {
		a->confirm = CONFIRM_NONE;
		return UI_REDRAW;
	}
	if (cmd != CMD_YES && cmd != CMD_SELECT)
		return 0;
	enum ui_confirm kind = a->confirm;
	a->confirm = CONFIRM_NONE;
	switch (kind) {
	case CONFIRM_QUIT_ACTION:
	case CONFIRM_BACK_ACTION:
		if (!a->w.running)
			return kind == CONFIRM_QUIT_ACTION ? UI_QUIT | UI_SAVE : ui_session_back(a);
		a->w.cancel = 1;
		a->w.cancelled = true;
		a->w.deadline_ms = bd_now_ms() - a->w.started_ms + UI_CANCEL_WAIT_MS;
		if (kind == CONFIRM_QUIT_ACTION)
			a->quit_after_cancel = true;
		else
			a->back_after_cancel = true;
		ui_message(a, UI_WARN, "Stopping the action...");
		return UI_REDRAW;
	case CONFIRM_RESTART:
		return ui_session_restart(a);
	case CONFIRM_NONE:
		break;
	}
	return UI_REDRAW;
}

static bool too_small(const struct ui_app *a)
{
	return a->cv.w < UI_MIN_W || a->cv.h < UI_MIN_H;
}

/* A text field (the device search, an action's file) takes the letters. */
static bool typing(const struct ui_app *a)
{
	return a->searching || a->file.editing;
}

int ui_dispatch(struct ui_app *a, int key, int click_y, int click_x)
{
	const struct ui_screen_ops *ops = ui_screen(a->screen);
	enum ui_cmd cmd = ui_key_cmd(key, ops->text_entry && typing(a));
	if (cmd == CMD_INTERRUPT) {
		if (a->w.running) {
			a->w.cancel = 1;
			a->w.cancelled = true;
			ui_worker_wait(a, UI_CANCEL_WAIT_MS);
			ui_worker_finish(a);
		}
		return UI_QUIT | UI_SAVE;
	}
	if (cmd == CMD_REDRAW)
		return UI_REDRAW;
	if (a->confirm != CONFIRM_NONE)
		return confirm_key(a, cmd);
	if (too_small(a))
		return cmd == CMD_QUIT && !a->w.running ? UI_QUIT | UI_SAVE : 0;
	if (cmd == CMD_CLICK) {
		int id = cv_hit_at(&a->cv, click_y, click_x);
		if (id < 0)
			return 0;
		a->list[a->screen].focus = id;
		cmd = CMD_SELECT;
	}
	if (a->msg[0] && cmd != CMD_NONE)
		a->msg[0] = '\0';
	switch (cmd) {
	case CMD_HELP:
		if (a->screen != SCR_HELP) {
			a->list[SCR_HELP] = (struct ui_list){0, 0};
			ui_push(a, SCR_HELP);
		}
		return UI_REDRAW;
	case CMD_QUIT:
		if (typing(a))
			break;
		if (a->w.running) {
			a->confirm = CONFIRM_QUIT_ACTION;
			return UI_REDRAW;
		}
		return UI_QUIT | UI_SAVE;
	case CMD_RESTART:
		if (typing(a))
			break;
		if (a->w.running) {
			ui_message(a, UI_WARN, "An action is running; stop it first (q or Backspace).");
			return UI_REDRAW;
		}
		a->confirm = CONFIRM_RESTART;
		return UI_REDRAW;
	case CMD_WHY:
		if (a->started && !a->w.running &&
		    (a->screen == SCR_NODE || a->screen == SCR_SUPPORT)) {
			a->list[SCR_WHY] = (struct ui_list){0, 0};
			ui_push(a, SCR_WHY);
			return UI_REDRAW;
		}
		break;
	default:
		break;
	}
	return ops->key(a, cmd, key);
}

/* ---- painting ---- */

void ui_paint(struct ui_app *a)
{
	struct ui_canvas *cv = &a->cv;
	cv_clear(cv);
	if (too_small(a)) {
		char text[300];
		snprintf(text, sizeof text,
			 "This terminal is %dx%d. blinkdoc needs at least %dx%d: please make the "
			 "window larger. Nothing is lost; the screen comes back as soon as it fits. "
			 "q quits.",
			 cv->w, cv->h, UI_MIN_W, UI_MIN_H);
		cv_wrap(cv, 0, 0, cv->w, cv->h, 0, text, UI_NORMAL);
		cv_cursor(cv, 0, 0);
		return;
	}
	ui_screen(a->screen)->draw(a, cv);
	if (a->confirm != CONFIRM_NONE)
		ui_draw_confirm(a, cv);
}

int ui_tick(struct ui_app *a)
{
	int fl = 0;
	if (a->w.running) {
		if (ui_worker_done(a))
			fl |= ui_worker_finish(a);
		else if (a->w.cancel && a->quit_after_cancel &&
			 bd_now_ms() - a->w.started_ms > a->w.deadline_ms)
			fl |= UI_QUIT | UI_SAVE; /* it does not stop: leave anyway */
	}
	if (a->screen == SCR_DEVICE && !a->w.running)
		ui_devices_poll(a, false);
	return fl;
}

static bool animated(const struct ui_app *a)
{
	return a->w.running || a->screen == SCR_LED || a->screen == SCR_TAP ||
	       a->screen == SCR_PATTERN || a->screen == SCR_COLOR || a->screen == SCR_NODE ||
	       a->screen == SCR_DEVICE;
}

static int run_terminal(struct ui_app *a)
{
	char err[300];
	install_signals(true);
	watch_exit();
	int started = ui_term_start(stdin, stdout, err, sizeof err);
	if (started == UI_TERM_NO_CURSOR) {
		int prc = ui_plain_run(a, &got_signal);
		install_signals(false);
		return prc;
	}
	if (started < 0) {
		install_signals(false);
		fprintf(stderr, "blinkdoc: %s\n", err);
		return BD_EXIT_USAGE;
	}
	a->clock0 = bd_now_ms();
	int h, w, rc = BD_EXIT_OK;
	ui_term_size(&h, &w);
	if (cv_init(&a->cv, w, h, a->ascii) < 0) {
		ui_term_stop();
		install_signals(false);
		fprintf(stderr, "blinkdoc: out of memory\n");
		return BD_EXIT_DEVICE;
	}
	for (;;) {
		int fl = ui_tick(a);
		if (got_signal) {
			rc = 128 + got_signal;
			fl |= ui_dispatch(a, UI_KEY_INTERRUPT, 0, 0);
		}
		if (fl & UI_SAVE)
			ui_session_save(a);
		if (fl & UI_QUIT)
			break;
		ui_paint(a);
		ui_term_present(&a->cv);
		int y = 0, x = 0;
		/* Every wait is bounded: a frame while something moves, else a second. */
		int key = ui_term_key(animated(a) ? UI_TICK_MS : 1000, &y, &x);
		if (key == -1)
			continue;
		if (ui_key_cmd(key, 0) == CMD_REDRAW) {
			ui_term_size(&h, &w);
			if (h != a->cv.h || w != a->cv.w) {
				cv_free(&a->cv);
				cv_init(&a->cv, w, h, a->ascii);
			}
		}
		fl = ui_dispatch(a, key, y, x);
		if (fl & UI_SAVE)
			ui_session_save(a);
		if (fl & UI_QUIT)
			break;
	}
	ui_term_stop();
	install_signals(false);
	return rc;
}

/* ---- start-up ---- */

struct ui_opts {
	bool resume;
	const char *device, *keys, *dump;
	int w, h;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: blinkdoc [--resume] [--device ID|TYPE]\n"
		   "       blinkdoc --keys FILE --dump OUT [--size WxH] [--resume] [--device TYPE]\n\n"
		   "Starts the guided session in the terminal.\n\n"
		   "  --resume         continue the saved session (after the device or the computer\n"
		   "                   restarted); it is kept in $XDG_STATE_HOME/blinkdoc/session.json\n"
		   "  --device ID      start with this device: a connected device's ID (or its first\n"
		   "                   6+ characters) or a device type (boron, \"Photon 2\", ...)\n"
		   "  --keys FILE      run headless: read keys from FILE (see tests/tui/README.md)\n"
		   "  --dump OUT       write the screens the key script asks for to OUT (- = stdout)\n"
		   "  --size WxH       size of the headless screen (default 80x24)\n\n"
		   "Environment: NO_COLOR (any value) turns colour off; BLINKDOC_COLORS=mono|8|256\n"
		   "limits colours; BLINKDOC_UI_TRANSPORTS=off acts as if no USB or serial backend\n"
		   "were present.\n");
}

static int parse_opts(int argc, char **argv, struct ui_opts *o)
{
	o->w = 80;
	o->h = 24;
	for (int i = 0; i < argc; i++) {
		const char *s = argv[i];
		const char **val = NULL;
		if (!strcmp(s, "--resume")) {
			o->resume = true;
			continue;
		}
		if (cli_is_help(s)) {
			usage(stdout);
			return -1;
		}
		if (!strncmp(s, "--device=", 9)) {
			o->device = s + 9;
			continue;
		}
		if (!strcmp(s, "--device"))
			val = &o->device;
		else if (!strcmp(s, "--keys"))
			val = &o->keys;
		else if (!strcmp(s, "--dump"))
			val = &o->dump;
		else if (!strcmp(s, "--size")) {
			if (i + 1 >= argc || sscanf(argv[i + 1], "%dx%d", &o->w, &o->h) != 2 ||
			    o->w < 10 || o->h < 5 || o->w > 500 || o->h > 200)
				return cli_usage_error(NULL, "--size takes WxH, e.g. 80x24");
			i++;
			continue;
		} else
			return cli_usage_error(NULL, "unknown option \"%s\" for the guided session", s);
		if (i + 1 >= argc)
			return cli_usage_error(NULL, "%s needs a value", s);
		*val = argv[++i];
	}
	if (o->dump && !o->keys)
		return cli_usage_error(NULL, "--dump goes with --keys FILE");
	return 0;
}

static void open_transports(struct ui_app *a)
{
	const char *off = getenv("BLINKDOC_UI_TRANSPORTS");
	if (off && !strcmp(off, "off")) {
		snprintf(a->no_transports, sizeof a->no_transports,
			 "device access is switched off (BLINKDOC_UI_TRANSPORTS=off)");
		return;
	}
	struct bd_error err = {0};
	a->t = bd_transports_new(kb_platforms(a->kb), &err);
	if (!a->t) {
		snprintf(a->no_transports, sizeof a->no_transports, "%s", err.msg);
		return;
	}
	if (!*bd_transports_backends(a->t)) {
		struct bd_device_list l = {0};
		bd_error_clear(&err);
		bd_transports_list(a->t, &l, &err);
		bd_device_list_free(&l);
		snprintf(a->no_transports, sizeof a->no_transports, "%s",
			 err.msg[0] ? err.msg : "this blinkdoc has no USB or serial backend");
	}
}

static void app_free(struct ui_app *a)
{
	if (a->w.running) {
		a->w.cancel = 1;
		a->w.cancelled = true;
		ui_worker_wait(a, UI_CANCEL_WAIT_MS);
		if (!ui_worker_done(a))
			return; /* still inside a transport call that uses all of this;
				 * the process ends now, its own deadline bounds it */
		ui_worker_finish(a);
	}
	action_outcome_free(&a->w.out);
	ui_session_cont_clear(a);
	session_free(a->s);
	session_free(a->resume);
	picker_free(&a->picker);
	bd_device_list_free(&a->devs);
	bd_transports_free(a->t);
	kb_free(a->kb);
	cv_free(&a->cv);
	free(a);
}

int ui_run(int argc, char **argv)
{
	struct ui_opts o = {0};
	int rc = parse_opts(argc, argv, &o);
	if (rc)
		return rc < 0 ? BD_EXIT_OK : rc;
	setlocale(LC_ALL, "");
	struct ui_app *a = calloc(1, sizeof *a);
	if (!a)
		return BD_EXIT_DEVICE;
	a->ascii = ui_term_ascii_locale();
	a->headless = o.keys != NULL;
	a->interrupted = &got_signal;
	a->want_resume = o.resume;
	a->want_device = o.device;
	/* Everything that can fail loudly happens before the terminal is taken. */
	a->kb = cli_load_kb();
	if (!a->kb) {
		free(a);
		return BD_EXIT_PROBLEM;
	}
	if (!(a->s = session_new(a->kb))) {
		app_free(a);
		return BD_EXIT_DEVICE;
	}
	open_transports(a);
	a->env.t = a->t;
	a->env.kb = a->kb;
	if (paths_state_dir(a->state_dir, sizeof a->state_dir) == 0)
		snprintf(a->session_path, sizeof a->session_path, "%s/session.json", a->state_dir);
	a->screen = SCR_DEVICE;
	ui_session_check_saved(a);
	if (a->want_resume && a->screen != SCR_NODE) {
		fprintf(stderr, "blinkdoc: %s\n",
			a->msg[0] ? a->msg : "there is no saved session to resume");
		app_free(a);
		return BD_EXIT_USAGE;
	}
	if (a->want_device && a->screen == SCR_DEVICE) {
		rc = ui_device_arg(a, a->want_device);
		if (rc) {
			app_free(a);
			return rc;
		}
	}
	if (a->headless)
		rc = ui_script_run(a, o.keys, o.dump ? o.dump : "-", o.w, o.h);
	else
		rc = run_terminal(a);
	app_free(a);
	return rc;
}
