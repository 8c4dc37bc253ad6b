/* ui_plain.c - the guided session on a terminal that cannot move the cursor
 * (TERM=dumb, an editor's shell buffer): the same screens, written as plain
 * text whenever they change, and keys typed as a line of the names the help
 * screen uses ("Down Down Enter", "q", "15"; an empty line is Enter).  No
 * colour, no escape sequences, nothing lost. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "common/clock.h"
#include "ui_app.h"
#include "ui_plain.h"

/* How long one wait for a line lasts before the loop looks at the action
 * worker again (the person has all the time they want). */
#define PLAIN_POLL_MS 500
/* A running action's progress is written again at most this often. */
#define PLAIN_PROGRESS_MS 3000

static char *screen_text(const struct ui_canvas *cv)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	cv_write_text(cv, f);
	fclose(f);
	return buf;
}

/* One line of keys; returns flags. */
static int do_line(struct ui_app *a, char *line)
{
	int fl = 0;
	line[strcspn(line, "\r\n")] = '\0';
	char *p = line;
	while (*p == ' ')
		p++;
	if (!*p)
		return ui_dispatch(a, '\n', 0, 0);
	for (char *w = strtok(p, " \t"); w && !(fl & UI_QUIT); w = strtok(NULL, " \t")) {
		int key = ui_key_from_name(w);
		if (key != -1) {
			fl |= ui_dispatch(a, key, 0, 0);
			continue;
		}
		/* Not a key name: its characters, one by one (numbers, search text). */
		for (const char *c = w; *c && !(fl & UI_QUIT); c++)
			fl |= ui_dispatch(a, (unsigned char)*c, 0, 0);
	}
	return fl;
}

int ui_plain_run(struct ui_app *a, volatile sig_atomic_t *interrupted)
{
	const char *cols = getenv("COLUMNS"), *rows = getenv("LINES");
	/* One column less than the terminal: a full line would wrap twice. */
	int w = cols && atoi(cols) > UI_MIN_W ? atoi(cols) - 1 : 79;
	int h = rows && atoi(rows) >= UI_MIN_H ? atoi(rows) : 24;
	if (cv_init(&a->cv, w, h, a->ascii) < 0)
		return BD_EXIT_DEVICE;
	a->clock0 = bd_now_ms();
	char *shown = NULL;
	int rc = BD_EXIT_OK;
	bool dirty = true;
	int64_t printed_at = 0;
	a->still = true; /* swatches hold still: a screen is printed only when it changes */
	printf("blinkdoc: this terminal cannot move the cursor (TERM=%s), so screens are written "
	       "as text. Type keys by name (Down, Up, Enter, Backspace, w, ?, q; several on one "
	       "line), then Enter; an empty line is Enter.\n",
	       getenv("TERM") ? getenv("TERM") : "");
	for (;;) {
		int fl = ui_tick(a);
		if (*interrupted) {
			rc = 128 + *interrupted;
			fl |= ui_dispatch(a, UI_KEY_INTERRUPT, 0, 0);
		}
		if (fl & UI_SAVE)
			ui_session_save(a);
		if (fl & UI_QUIT)
			break;
		/* Print after a key or an event; while an action runs, its progress
		 * at most every PLAIN_PROGRESS_MS. */
		if (fl || (a->w.running && bd_now_ms() - printed_at >= PLAIN_PROGRESS_MS))
			dirty = true;
		if (dirty) {
			ui_paint(a);
			char *now = screen_text(&a->cv);
			if (now && (!shown || strcmp(now, shown))) {
				fputs(now, stdout);
				printf("keys> ");
				fflush(stdout);
				free(shown);
				shown = now;
				printed_at = bd_now_ms();
			} else {
				free(now);
			}
			dirty = false;
		}
		struct pollfd pfd = {STDIN_FILENO, POLLIN, 0};
		int r = poll(&pfd, 1, PLAIN_POLL_MS);
		if (r <= 0)
			continue;
		char line[512];
		if (!fgets(line, sizeof line, stdin)) {
			/* End of input: leave as q would. */
			fl = ui_dispatch(a, 'q', 0, 0);
			if (!(fl & UI_QUIT))
				fl = ui_dispatch(a, 'y', 0, 0) | UI_QUIT | UI_SAVE;
		} else {
			fl = do_line(a, line);
		}
		free(shown);
		shown = NULL; /* after a key the screen is written again */
		dirty = true;
		if (fl & UI_SAVE)
			ui_session_save(a);
		if (fl & UI_QUIT)
			break;
	}
	free(shown);
	putchar('\n');
	return rc;
}
