/* ui_keys.h - every key of the guided session, in one table.
 *
 * Keys map to commands; each row of the table carries the key's name (as
 * the help screen and key scripts spell it), its command, the short hint the
 * footer shows (on one row per command) and its help text.  The help screen
 * and the footers are generated from this table, and key scripts name keys
 * the same way, so nothing can drift apart.
 */
#ifndef BD_UI_KEYS_H
#define BD_UI_KEYS_H

#include <stddef.h>

enum ui_cmd {
	CMD_NONE,
	CMD_UP,
	CMD_DOWN,
	CMD_PAGE_UP,
	CMD_PAGE_DOWN,
	CMD_HOME,
	CMD_END,
	CMD_SELECT,   /* Enter: choose, tick, confirm */
	CMD_SPACE,    /* Space: tap along, tick a step */
	CMD_BACK,     /* undo the last answer / leave this screen */
	CMD_WHY,      /* why am I here */
	CMD_TAP,      /* open the tap-along counter */
	CMD_CLEAR,    /* start counting again */
	CMD_SEARCH,   /* filter the device list */
	CMD_HELP,
	CMD_RESTART,
	CMD_QUIT,
	CMD_YES,
	CMD_NO,
	CMD_REDRAW,
	CMD_DIGIT,    /* 0-9 in number fields */
	CMD_TEXT,     /* letters while searching */
	CMD_CLICK,    /* mouse click (the loop turns it into focus + select) */
	CMD_INTERRUPT,/* Ctrl-C */
	CMD_COUNT_
};

/* Key codes beyond curses' own, for rows that stand for a class of keys. */
#define UI_KEY_DIGITS (-2)
#define UI_KEY_TEXT (-3)
#define UI_KEY_CLICK (-4)
#define UI_KEY_INTERRUPT (-5)

struct ui_binding {
	int key;          /* curses key code, character, or UI_KEY_* */
	const char *name; /* "Up", "k", "Enter", "Space", "?" ... */
	enum ui_cmd cmd;
	const char *hint; /* footer text for this command, on one row only (else NULL) */
	const char *help; /* what it does, for the help screen */
};

extern const struct ui_binding ui_bindings[];
extern const size_t ui_nbindings;

/* The command for a key.  text_entry: printable letters are CMD_TEXT (while
 * searching) instead of their commands. */
enum ui_cmd ui_key_cmd(int key, int text_entry);
/* The key a script name stands for ("Down", "k", "Enter", "C-c", "a"), or
 * -1 when unknown. */
int ui_key_from_name(const char *name);
/* Joins the names of every key for cmd ("Up, k") into buf. */
const char *ui_cmd_keys(enum ui_cmd cmd, char *buf, size_t size);
/* The footer hint of cmd, or NULL. */
const char *ui_cmd_hint(enum ui_cmd cmd);
/* The help screen, generated: calls line(ctx, keys, help) once per command
 * in table order; returns the number of lines. */
size_t ui_help_each(void (*line)(void *ctx, const char *keys, const char *help), void *ctx);

#endif
