/* ui_screen_device.c - the first screens: "continue where you left off?"
 * and "which device?" (connected devices, live, or the device type chosen
 * by hand with a search over names and aliases). */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "common/strbuf.h"
#include "ui_app.h"

/* ---- resume ---- */

static void resume_draw(struct ui_app *a, struct ui_canvas *cv)
{
	struct ui_area r = ui_frame(a, cv, "Welcome back");
	const struct kb_device *d = session_device(a->resume);
	const struct kb_node *n = session_current(a->resume);
	char *title = NULL;
	if (n) {
		struct strbuf sb = STRBUF_INIT;
		session_render(a->resume, &n->title, &sb);
		title = strbuf_detach(&sb);
	}
	char text[600];
	snprintf(text, sizeof text,
		 "You have an unfinished session from %s (UTC): %s, at \"%s\". If your device or "
		 "this computer restarted, you can carry on from there.",
		 a->resume_saved[0] ? a->resume_saved : "earlier", d ? d->name : "a device",
		 title && *title ? title : n ? n->id : "the start");
	free(title);
	int y = r.y + cv_wrap(cv, r.y, r.x, r.w, 6, 0, text, UI_NORMAL) + 1;
	static const char *const items[] = {"Continue where you left off", "Start a new session"};
	ui_list_fix(&a->list[SCR_RESUME], 2, 2);
	for (int i = 0; i < 2; i++)
		ui_row(a, cv, y + i, r.x, r.w, a->list[SCR_RESUME].focus == i, i, items[i], UI_NORMAL);
}

static int resume_key(struct ui_app *a, enum ui_cmd cmd, int key)
{
	(void)key;
	struct ui_list *l = &a->list[SCR_RESUME];
	if (cmd == CMD_SELECT) {
		if (l->focus == 0)
			return ui_session_resume(a);
		session_free(a->resume);
		a->resume = NULL;
		ui_session_forget(a);
		ui_goto(a, SCR_DEVICE);
		ui_devices_poll(a, true);
		return UI_REDRAW;
	}
	return ui_list_key(l, cmd, 2, 1);
}

static const enum ui_cmd resume_footer[] = {CMD_UP, CMD_SELECT, CMD_HELP, CMD_QUIT, CMD_NONE};
const struct ui_screen_ops ui_resume_ops = {"resume", resume_draw, resume_key, resume_footer, false};

/* ---- device ---- */

void ui_devices_poll(struct ui_app *a, bool force)
{
	if (!force && a->devs_at && ui_now(a) - a->devs_at < UI_DEVICE_POLL_MS)
		return;
	bool first = a->devs_at == 0;
	a->devs_at = ui_now(a) ? ui_now(a) : 1;
	int before = a->devs_rc > 0 ? (int)a->devs.n : 0;
	bd_device_list_free(&a->devs);
	if (!a->t || a->no_transports[0]) {
		a->devs_rc = BD_E_UNAVAILABLE;
		snprintf(a->devs_why, sizeof a->devs_why, "%s", a->no_transports);
	} else {
		struct bd_error err = {0};
		a->devs_rc = bd_transports_list(a->t, &a->devs, &err);
		if (a->devs_rc < 0)
			snprintf(a->devs_why, sizeof a->devs_why, "%s", err.msg);
	}
	/* Keep the focus on the same device type when rows come and go. */
	struct ui_list *l = &a->list[SCR_DEVICE];
	int now_n = a->devs_rc > 0 ? (int)a->devs.n : 0;
	if (before == 0 && now_n > 0 && l->focus == 0)
		l->focus = 0; /* a device arrived while nothing was chosen: offer it */
	else if (!first && l->focus >= before)
		l->focus += now_n - before;
}

static bool contains_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; hay && *hay; hay++)
		if (!strncasecmp(hay, needle, n))
			return true;
	return !*needle;
}

static bool type_matches(const struct kb_device *d, const char *f)
{
	if (!*f || contains_ci(d->id, f) || contains_ci(d->name, f))
		return true;
	for (size_t i = 0; i < d->naliases; i++)
		if (contains_ci(d->aliases[i], f))
			return true;
	char pid[24];
	snprintf(pid, sizeof pid, "platform %d", d->platform_id);
	return contains_ci(pid, f);
}

/* The device types the filter keeps. */
static int types(struct ui_app *a, const struct kb_device **out, int max)
{
	int n = 0;
	for (size_t i = 0; i < kb_device_count(a->kb) && n < max; i++)
		if (type_matches(kb_device_at(a->kb, i), a->filter))
			out[n++] = kb_device_at(a->kb, i);
	return n;
}

static void connected_row(struct ui_app *a, const struct bd_device *d, char *buf, size_t size)
{
	const struct kb_device *k = kb_device_by_platform(a->kb, d->platform_id);
	char plat[32];
	if (k)
		snprintf(plat, sizeof plat, "%s", k->name);
	else
		snprintf(plat, sizeof plat, "platform %d?", d->platform_id);
	snprintf(buf, size, "%-12s %-10s %-24s  %s", plat, bd_device_mode_name(d),
		 d->device_id[0] ? d->device_id : "(no device ID)",
		 d->port[0] ? d->port : d->usb_path[0] ? d->usb_path : "");
}

static void device_draw(struct ui_app *a, struct ui_canvas *cv)
{
	struct ui_area r = ui_frame(a, cv, "Which device needs help?");
	struct ui_list *l = &a->list[SCR_DEVICE];
	const struct kb_device *tv[64];
	int nt = types(a, tv, 64);
	int nc = a->devs_rc > 0 ? (int)a->devs.n : 0;
	int y = r.y;
	char buf[1200];
	ui_list_fix(l, nc + nt, 1);
	if (a->devs_rc < 0) {
		snprintf(buf, sizeof buf, "blinkdoc cannot look for devices on this computer: %s. "
					  "Choose your device type below; what a machine could do "
					  "for you, you will be shown how to do by hand.", a->devs_why);
		y += cv_wrap(cv, y, r.x, r.w, 4, 0, buf, UI_WARN);
	} else if (nc == 0) {
		y += cv_wrap(cv, y, r.x, r.w, 3, 0,
			     "No Particle device found on USB or serial. Plug it in with a USB data "
			     "cable (some cables only charge); it shows up here by itself.",
			     UI_NORMAL);
	} else {
		cv_put(cv, y++, r.x, r.w, "Connected now (the list follows plugging and unplugging):",
		       UI_NORMAL);
		for (int i = 0; i < nc && i < 4; i++) {
			connected_row(a, &a->devs.v[i], buf, sizeof buf);
			ui_row(a, cv, y++, r.x, r.w, l->focus == i, i, buf, UI_NORMAL);
		}
	}
	y++;
	if (a->searching || a->filter[0])
		snprintf(buf, sizeof buf, "Or choose your device type - search: %s%s", a->filter,
			 a->searching ? "_" : "");
	else
		snprintf(buf, sizeof buf, "Or choose your device type (/ searches):");
	int search_y = y, search_x = r.x + ui_text_width(buf, a->ascii) - 1;
	cv_put(cv, y++, r.x, r.w, buf, UI_TITLE);
	int rows = r.y + r.h - y;
	struct ui_list tl = {l->focus - nc, l->top};
	ui_list_fix(&tl, nt, rows);
	if (l->focus >= nc)
		l->top = tl.top;
	if (nt == 0)
		cv_put(cv, y, r.x + 2, r.w - 2, "No device type matches; Backspace removes letters.",
		       UI_DIM);
	for (int i = 0; i < rows && l->top + i < nt; i++) {
		const struct kb_device *d = tv[l->top + i];
		int idx = nc + l->top + i;
		struct strbuf sb = STRBUF_INIT;
		strbuf_printf(&sb, "%-14s platform %-3d", d->name, d->platform_id);
		for (size_t k = 0; k < d->naliases && k < 3; k++)
			strbuf_printf(&sb, "%s%s", k ? ", " : "  also: ", d->aliases[k]);
		ui_row(a, cv, y + i, r.x, r.w, l->focus == idx, idx, strbuf_str(&sb), UI_NORMAL);
		strbuf_free(&sb);
	}
	if (a->searching)
		cv_cursor(cv, search_y, search_x); /* typing goes to the search field */
}

static int choose(struct ui_app *a, int idx)
{
	int nc = a->devs_rc > 0 ? (int)a->devs.n : 0;
	if (idx < nc) {
		const struct bd_device *d = &a->devs.v[idx];
		const struct kb_device *k = kb_device_by_platform(a->kb, d->platform_id);
		if (!k) {
			ui_message(a, UI_WARN, "blinkdoc does not know platform %d; choose the device "
					       "type below.", d->platform_id);
			return UI_REDRAW;
		}
		a->env.dev = *d;
		a->env.have_dev = true;
		return ui_choose_device(a, k);
	}
	const struct kb_device *tv[64];
	int nt = types(a, tv, 64);
	if (idx - nc >= nt || idx < nc)
		return 0;
	a->env.have_dev = false;
	return ui_choose_device(a, tv[idx - nc]);
}

static int device_key(struct ui_app *a, enum ui_cmd cmd, int key)
{
	struct ui_list *l = &a->list[SCR_DEVICE];
	int nc = a->devs_rc > 0 ? (int)a->devs.n : 0;
	const struct kb_device *tv[64];
	int nt = types(a, tv, 64);
	size_t fl = strlen(a->filter);
	if (a->searching) {
		switch (cmd) {
		case CMD_SPACE:
			key = ' ';
			/* fall through */
		case CMD_TEXT:
			if (fl + 1 < sizeof a->filter) {
				a->filter[fl] = (char)tolower(key);
				a->filter[fl + 1] = '\0';
			}
			l->focus = nc;
			return UI_REDRAW;
		case CMD_BACK:
			if (key == 27 || fl == 0)
				a->searching = false;
			else
				a->filter[fl - 1] = '\0';
			l->focus = nc;
			return UI_REDRAW;
		case CMD_SELECT:
			a->searching = false;
			if (nt > 0)
				return choose(a, l->focus);
			return UI_REDRAW;
		default:
			break;
		}
	}
	switch (cmd) {
	case CMD_SEARCH:
		/* A new search: what was typed before (maybe long ago, before
		 * "why am I here" brought the person back) does not stick. */
		a->searching = true;
		a->filter[0] = '\0';
		l->focus = nc;
		return UI_REDRAW;
	case CMD_SELECT:
		return choose(a, l->focus);
	case CMD_BACK:
		if (a->filter[0]) {
			a->filter[0] = '\0';
			return UI_REDRAW;
		}
		ui_message(a, UI_DIM, "This is the first screen.");
		return UI_REDRAW;
	default:
		return ui_list_key(l, cmd, nc + nt, 10);
	}
}

static const enum ui_cmd device_footer[] = {CMD_UP, CMD_SELECT, CMD_SEARCH, CMD_HELP, CMD_QUIT,
					    CMD_NONE};
const struct ui_screen_ops ui_device_ops = {"device", device_draw, device_key, device_footer, true};

/* ---- --device ---- */

static bool looks_like_id(const char *s)
{
	size_t n = strlen(s);
	if (n < 6 || n > BD_DEVICE_ID_LEN)
		return false;
	for (; *s; s++)
		if (!isxdigit((unsigned char)*s))
			return false;
	return true;
}

int ui_device_arg(struct ui_app *a, const char *name)
{
	if (a->t && !a->no_transports[0] && looks_like_id(name)) {
		struct bd_target tg = {NULL, name};
		struct bd_device d;
		struct bd_error err = {0};
		if (bd_transports_find(a->t, &tg, &d, &err) == 0) {
			const struct kb_device *k = kb_device_by_platform(a->kb, d.platform_id);
			if (k) {
				a->env.dev = d;
				a->env.have_dev = true;
				ui_choose_device(a, k);
				return 0;
			}
		}
	}
	const struct kb_device *k = kb_device_find(a->kb, name);
	if (k) {
		ui_choose_device(a, k);
		return 0;
	}
	const struct kb_not_covered *nc = kb_not_covered_find(a->kb, name);
	if (nc) {
		fprintf(stderr, "blinkdoc: %s\n", nc->why);
		return BD_EXIT_USAGE;
	}
	cli_usage_error(NULL, "no connected device and no device type \"%s\"", name);
	fprintf(stderr, "  device types:");
	for (size_t i = 0; i < kb_device_count(a->kb); i++)
		fprintf(stderr, " %s", kb_device_at(a->kb, i)->id);
	fprintf(stderr, "\n");
	return BD_EXIT_USAGE;
}
