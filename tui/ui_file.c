/* ui_file.c - the file an action node needs, chosen on its screen: the
 * firmware module "flash" writes, or where "backup" saves the app.
 *
 * The person types a path (~ for the home folder, Tab completes, Ctrl-U
 * clears); Enter checks it at once, before anything touches the device: a
 * module file is read and checked against the device's platform with the
 * same pure checks `blinkdoc flash` makes (a file for another platform, a
 * damaged one, one that does not fit is refused, with why); a backup path
 * must be in a folder that exists and can be written.  Only a file that
 * passed can be run. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "flash.h"
#include "ui_app.h"

/* The largest file read to check it (as engine/flash.c). */
#define FILE_CHECK_MAX (16u * 1024u * 1024u)

bool ui_file_wanted(const struct kb_node *n)
{
	return n && n->type == KB_ACTION && n->action &&
	       (!strcmp(n->action, "flash") || !strcmp(n->action, "backup"));
}

static bool is_flash(const struct ui_file *f)
{
	return f->node && !strcmp(f->node->action, "flash");
}

/* The platform the file must fit: the connected device's, else the type's. */
static int platform_id(const struct ui_app *a)
{
	if (a->env.have_dev)
		return a->env.dev.platform_id;
	return a->dev ? a->dev->platform_id : -1;
}

static void note(struct ui_file *f, int style, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void note(struct ui_file *f, int style, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->note, sizeof f->note, fmt, ap);
	va_end(ap);
	f->note_style = style;
}

/* "~/x" -> "$HOME/x". */
static void expand(const char *text, char *out, size_t size)
{
	const char *home = getenv("HOME");
	if (text[0] == '~' && (text[1] == '/' || !text[1]) && home && *home)
		snprintf(out, size, "%s%s", home, text + 1);
	else
		snprintf(out, size, "%s", text);
}

static void default_backup(struct ui_app *a, struct ui_file *f)
{
	const char *id = a->env.have_dev && a->env.dev.device_id[0] ? a->env.dev.device_id
			 : a->dev ? a->dev->id : "device";
	char stamp[32] = "";
	if (!a->headless) {
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(stamp, sizeof stamp, "-%Y%m%d-%H%M%S", &tm);
	}
	if (a->state_dir[0])
		snprintf(f->text, sizeof f->text, "%.3000s/backup-%.64s%s.bin", a->state_dir, id, stamp);
	else
		snprintf(f->text, sizeof f->text, "backup-%.64s%s.bin", id, stamp);
}

void ui_file_sync(struct ui_app *a, const struct kb_node *n)
{
	struct ui_file *f = &a->file;
	if (f->node == n)
		return;
	memset(f, 0, sizeof *f);
	if (!ui_file_wanted(n))
		return;
	f->node = n;
	if (!is_flash(f)) {
		default_backup(a, f);
		ui_file_check(a);
	}
}

static void check_module(struct ui_app *a, struct ui_file *f)
{
	FILE *in = fopen(f->path, "rb");
	if (!in) {
		note(f, UI_WARN, "Cannot open %s: %s. Type the whole path of the .bin file.", f->path,
		     strerror(errno));
		return;
	}
	uint8_t *buf = malloc(FILE_CHECK_MAX + 1);
	size_t len = buf ? fread(buf, 1, FILE_CHECK_MAX + 1, in) : 0;
	bool bad = !buf || ferror(in);
	fclose(in);
	if (bad || len > FILE_CHECK_MAX) {
		note(f, UI_WARN, "%s is %s: not a firmware module.", f->path,
		     bad ? "not readable" : "larger than 16 MB");
		free(buf);
		return;
	}
	const struct bd_platforms *pl = kb_platforms(a->kb);
	struct bd_modfile mf;
	struct bd_modfile_report rep;
	struct bd_error err = {0};
	memset(&rep, 0, sizeof rep);
	int rc = bd_modfile_parse(buf, len, pl, &mf, &err);
	if (rc == 0)
		rc = bd_modfile_check(&mf, pl, platform_id(a), NULL, &rep, &err);
	free(buf);
	if (rc < 0) {
		note(f, UI_WARN, "Refused: %s.%s%s Nothing was written; choose another file.", err.msg,
		     err.hint[0] ? " " : "", err.hint);
		return;
	}
	char warn[BD_MODFILE_WARN_LEN + 16] = "";
	if (rep.nwarn)
		snprintf(warn, sizeof warn, " Warning: %s", rep.warn[0]);
	note(f, rep.nwarn ? UI_WARN : UI_OK,
	     "Fits this %s: %s %d, version %d, %zu bytes, written at 0x%08x.%s",
	     a->dev ? a->dev->name : "device", rep.func_name, rep.index, rep.version, rep.size,
	     (unsigned)rep.write_addr, warn);
	f->ok = true;
}

static void check_backup(struct ui_file *f)
{
	struct stat st;
	if (stat(f->path, &st) == 0 && S_ISDIR(st.st_mode)) {
		note(f, UI_WARN, "%s is a folder; add a file name (backup.bin).", f->path);
		return;
	}
	char dir[sizeof f->path];
	snprintf(dir, sizeof dir, "%s", f->path);
	char *slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if (access(dir, W_OK) != 0) {
		note(f, UI_WARN, "Cannot write to the folder %s: %s.", dir, strerror(errno));
		return;
	}
	bool exists = access(f->path, F_OK) == 0;
	note(f, exists ? UI_WARN : UI_OK, "%s", exists ? "That file exists; the copy replaces it."
					       : "The copy goes there.");
	f->ok = true;
}

void ui_file_check(struct ui_app *a)
{
	struct ui_file *f = &a->file;
	f->ok = false;
	f->checked = true;
	expand(f->text, f->path, sizeof f->path);
	if (!f->path[0]) {
		f->checked = false;
		f->note[0] = '\0';
		return;
	}
	if (is_flash(f))
		check_module(a, f);
	else
		check_backup(f);
}

/* Tab: the longest completion of the text's last path component. */
static void complete(struct ui_file *f)
{
	char pat[sizeof f->path + 2];
	expand(f->text, pat, sizeof pat - 1);
	strcat(pat, "*");
	glob_t g;
	if (glob(pat, GLOB_MARK, NULL, &g) != 0)
		return;
	const char *first = g.gl_pathv[0];
	size_t common = strlen(first);
	for (size_t i = 1; i < g.gl_pathc; i++) {
		size_t k = 0;
		while (k < common && g.gl_pathv[i][k] == first[k])
			k++;
		common = k;
	}
	/* Keep "~/" as typed: only add what the match has beyond the text. */
	char typed[sizeof f->path];
	expand(f->text, typed, sizeof typed);
	size_t tl = strlen(typed), n = strlen(f->text);
	if (common > tl && n + (common - tl) < sizeof f->text) {
		memcpy(f->text + n, first + tl, common - tl);
		f->text[n + common - tl] = '\0';
	}
	globfree(&g);
}

static void edited(struct ui_file *f)
{
	f->checked = false;
	f->ok = false;
	f->note[0] = '\0';
}

int ui_file_key(struct ui_app *a, enum ui_cmd cmd, int key)
{
	struct ui_file *f = &a->file;
	size_t n = strlen(f->text);
	if (!f->editing) {
		/* On the field: Enter edits; a character that is no command
		 * starts the path ("/", "~", ".", letters). */
		if (cmd == CMD_SELECT) {
			f->editing = true;
			return UI_REDRAW;
		}
		if (cmd == CMD_CLEAR && key != 'c') {
			f->text[0] = '\0';
			edited(f);
			f->editing = true;
			return UI_REDRAW;
		}
		bool starts = key > 0x20 && key < 0x7f &&
			      (cmd == CMD_NONE || cmd == CMD_SEARCH || cmd == CMD_DIGIT ||
			       cmd == CMD_TAP || cmd == CMD_CLEAR || cmd == CMD_YES || cmd == CMD_NO);
		if (!starts)
			return -1;
		f->editing = true;
		cmd = CMD_TEXT;
	}
	switch (cmd) {
	case CMD_SPACE:
		key = ' ';
		/* fall through */
	case CMD_TEXT:
		if (n + 1 < sizeof f->text) {
			f->text[n] = (char)key;
			f->text[n + 1] = '\0';
		}
		edited(f);
		return UI_REDRAW;
	case CMD_CLEAR:
		f->text[0] = '\0';
		edited(f);
		return UI_REDRAW;
	case CMD_BACK:
		if (key == 27) {
			f->editing = false;
			return UI_REDRAW;
		}
		if (n)
			f->text[n - 1] = '\0';
		edited(f);
		return UI_REDRAW;
	case CMD_SELECT:
		f->editing = false;
		ui_file_check(a);
		return UI_REDRAW;
	case CMD_NONE:
		if (key == '\t') {
			complete(f);
			edited(f);
			return UI_REDRAW;
		}
		return 0;
	case CMD_UP:
	case CMD_DOWN:
	case CMD_PAGE_UP:
	case CMD_PAGE_DOWN:
	case CMD_HOME:
	case CMD_END:
		f->editing = false;
		ui_file_check(a);
		return -1; /* the list moves too */
	default:
		return 0;
	}
}

/* The line under the field: what the check found, or how to use it. */
static const char *under_field(const struct ui_file *f, int *style)
{
	if (f->editing || !f->checked) {
		*style = UI_DIM;
		return f->editing ? "Type the path (~ is your home folder), Tab completes, Ctrl-U "
				    "clears, Enter checks it; Esc stops typing."
		       : is_flash(f) ? "Press Enter and type the path of the file. blinkdoc checks "
				       "that it fits before anything is written."
				     : "Press Enter to change it.";
	}
	*style = f->note_style;
	return f->note;
}

int ui_file_rows(struct ui_app *a, int w)
{
	int style;
	int n = ui_wrap_count(under_field(&a->file, &style), w - 2, a->ascii);
	return 2 + (n < 4 ? n : 4);
}

int ui_file_draw(struct ui_app *a, struct ui_canvas *cv, int y, struct ui_area r, bool focus,
		 int note_max)
{
	struct ui_file *f = &a->file;
	int y0 = y;
	cv_put(cv, y++, r.x, r.w,
	       is_flash(f) ? "The firmware file to write (.bin):" : "Where the copy goes:", UI_TITLE);
	/* The field: the end of a long path stays visible. */
	int inner = r.w - 6;
	const char *shown = f->text;
	bool cut = false;
	while (ui_text_width(shown, a->ascii) > inner - 2 && *shown) {
		ui_utf8_next(&shown);
		cut = true;
	}
	char field[sizeof f->text + 16];
	const char *more = cut ? (a->ascii ? "..." : "\xe2\x80\xa6") : "";
	int pad = inner - ui_text_width(shown, a->ascii) - ui_text_width(more, a->ascii);
	snprintf(field, sizeof field, "[%s%s%*s]", more, shown, pad > 0 ? pad : 0, "");
	if (focus)
		cv_fill(cv, y, r.x, 1, cv_glyph(cv, G_FOCUS), UI_TITLE);
	cv_put_clip(cv, y, r.x + 2, r.w - 2, field, focus && !f->editing ? UI_FOCUS : UI_NORMAL);
	cv_hit(cv, y, r.x, r.w, 0);
	if (focus)
		cv_cursor(cv, y, r.x + 3 +
				   (f->editing ? ui_text_width(more, a->ascii) +
							 ui_text_width(shown, a->ascii)
					       : 0));
	y++;
	int style;
	const char *text = under_field(f, &style);
	y += cv_wrap(cv, y, r.x + 2, r.w - 2, note_max < 4 ? note_max : 4, 0, text, style);
	return y - y0;
}
