/* ui_script.c - the headless session driven by a key script (see
 * ui_script.h). */
#define _POSIX_C_SOURCE 200809L
#include <curses.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ui_app.h"
#include "ui_script.h"

/* Longest a `wait` may take beyond the action's own deadline. */
#define SCRIPT_WAIT_SLACK_MS 5000

struct script {
	struct ui_app *a;
	FILE *out;
	const char *path;
	int line;
	bool async, quit;
	int rc;
};

static int fail(struct script *sc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct script *sc, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s:%d: ", sc->path, sc->line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return BD_EXIT_USAGE;
}

static void after(struct script *sc, int fl)
{
	struct ui_app *a = sc->a;
	if (a->w.running && !sc->async) {
		ui_worker_wait(a, a->w.deadline_ms + SCRIPT_WAIT_SLACK_MS);
		fl |= ui_tick(a);
	}
	fl |= ui_tick(a);
	if (fl & UI_SAVE)
		ui_session_save(a);
	if (fl & UI_QUIT)
		sc->quit = true;
	/* Paint after every step: clicks hit what is on the screen now. */
	ui_paint(a);
}

static void press(struct script *sc, int key, int y, int x)
{
	after(sc, ui_dispatch(sc->a, key, y, x));
}

static int do_line(struct script *sc, char *s)
{
	struct ui_app *a = sc->a;
	char *cmd = strtok(s, " \t");
	char *rest = strtok(NULL, "");
	if (!cmd)
		return 0;
	if (!strcmp(cmd, "key")) {
		for (char *k = strtok(rest, " \t"); k && !sc->quit; k = strtok(NULL, " \t")) {
			int key = ui_key_from_name(k);
			if (key == -1)
				return fail(sc, "unknown key \"%s\" (names as on the help screen)", k);
			press(sc, key, 0, 0);
		}
		return 0;
	}
	if (!strcmp(cmd, "type")) {
		for (const char *p = rest ? rest : ""; *p && !sc->quit; p++)
			press(sc, (unsigned char)*p, 0, 0);
		return 0;
	}
	if (!strcmp(cmd, "sleep") || !strcmp(cmd, "tap")) {
		bool tap = cmd[0] == 't';
		for (char *v = strtok(rest, " \t"); v && !sc->quit; v = strtok(NULL, " \t")) {
			char *end;
			long ms = strtol(v, &end, 10);
			if (*end || ms < 0 || ms > 3600000)
				return fail(sc, "\"%s\" is not a time in milliseconds", v);
			if (tap)
				press(sc, ' ', 0, 0);
			a->vclock += ms;
			after(sc, 0);
		}
		return 0;
	}
	if (!strcmp(cmd, "resize")) {
		int w, h;
		if (!rest || sscanf(rest, "%d %d", &w, &h) != 2 || w < 1 || h < 1 || w > 500 || h > 200)
			return fail(sc, "resize takes W H");
		cv_free(&a->cv);
		cv_init(&a->cv, w, h, a->ascii);
		press(sc, KEY_RESIZE, 0, 0);
		return 0;
	}
	if (!strcmp(cmd, "click")) {
		int y, x;
		if (!rest || sscanf(rest, "%d %d", &y, &x) != 2)
			return fail(sc, "click takes ROW COL");
		press(sc, UI_KEY_CLICK, y, x);
		return 0;
	}
	if (!strcmp(cmd, "dump")) {
		ui_paint(a);
		ui_dump_screen(a, sc->out, rest ? rest : "");
		return 0;
	}
	if (!strcmp(cmd, "wait")) {
		if (a->w.running)
			ui_worker_wait(a, a->w.deadline_ms + SCRIPT_WAIT_SLACK_MS);
		after(sc, 0);
		return 0;
	}
	if (!strcmp(cmd, "async")) {
		if (!rest || (strcmp(rest, "on") && strcmp(rest, "off")))
			return fail(sc, "async takes on or off");
		sc->async = !strcmp(rest, "on");
		return 0;
	}
	return fail(sc, "unknown command \"%s\" (key, type, sleep, tap, resize, click, dump, wait, "
			"async)", cmd);
}

void ui_dump_screen(struct ui_app *a, FILE *f, const char *label)
{
	fprintf(f, "--- %s%s(%dx%d, cursor %d,%d) ---\n", label, *label ? " " : "", a->cv.w,
		a->cv.h, a->cv.cur_y, a->cv.cur_x);
	cv_write_text(&a->cv, f);
}

int ui_script_run(struct ui_app *a, const char *keys_path, const char *dump_path, int w, int h)
{
	struct script sc = {a, NULL, keys_path, 0, false, false, 0};
	FILE *in = fopen(keys_path, "r");
	if (!in) {
		fprintf(stderr, "blinkdoc: cannot read key script %s: %s\n", keys_path, strerror(errno));
		return BD_EXIT_USAGE;
	}
	sc.out = strcmp(dump_path, "-") ? fopen(dump_path, "w") : stdout;
	if (!sc.out) {
		fprintf(stderr, "blinkdoc: cannot write %s: %s\n", dump_path, strerror(errno));
		fclose(in);
		return BD_EXIT_USAGE;
	}
	if (cv_init(&a->cv, w, h, a->ascii) < 0) {
		fclose(in);
		if (sc.out != stdout)
			fclose(sc.out);
		return BD_EXIT_DEVICE;
	}
	after(&sc, 0);
	char buf[1024];
	int rc = 0;
	while (!sc.quit && fgets(buf, sizeof buf, in)) {
		sc.line++;
		buf[strcspn(buf, "\r\n")] = '\0';
		char *s = buf;
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '#')
			continue;
		if ((rc = do_line(&sc, s)) != 0)
			break;
	}
	fclose(in);
	if (a->w.running)
		ui_worker_wait(a, a->w.deadline_ms + SCRIPT_WAIT_SLACK_MS);
	ui_paint(a);
	ui_dump_screen(a, sc.out, "end");
	if (sc.out != stdout)
		fclose(sc.out);
	else
		fflush(stdout);
	return rc;
}
