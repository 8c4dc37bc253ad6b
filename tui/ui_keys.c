/* ui_keys.c - the key table (see ui_keys.h). */
#include <curses.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ui_keys.h"

#define CTRL(c) ((c) & 0x1f)

/* One row per key.  Rows of one command stay together: the help screen
 * joins their names. */
const struct ui_binding ui_bindings[] = {
	{KEY_UP, "Up", CMD_UP, "Up/Down move", "move to the previous item"},
	{'k', "k", CMD_UP, NULL, "move to the previous item"},
	{KEY_DOWN, "Down", CMD_DOWN, NULL, "move to the next item"},
	{'j', "j", CMD_DOWN, NULL, "move to the next item"},
	{KEY_PPAGE, "PgUp", CMD_PAGE_UP, NULL, "move one page up"},
	{KEY_NPAGE, "PgDn", CMD_PAGE_DOWN, NULL, "move one page down"},
	{KEY_HOME, "Home", CMD_HOME, NULL, "go to the first item"},
	{KEY_END, "End", CMD_END, NULL, "go to the last item"},
	{'\n', "Enter", CMD_SELECT, "Enter choose", "choose the focused item, tick a step, confirm"},
	{'\r', "Return", CMD_SELECT, NULL, "choose the focused item, tick a step, confirm"},
	{KEY_ENTER, "KpEnter", CMD_SELECT, NULL, "choose the focused item, tick a step, confirm"},
	{KEY_RIGHT, "Right", CMD_SELECT, NULL, "choose the focused item, tick a step, confirm"},
	{' ', "Space", CMD_SPACE, "Space tap", "tap along with each blink; tick a step"},
	{KEY_BACKSPACE, "Backspace", CMD_BACK, "Backspace back",
	 "go back: undo the last answer (at the first question: the LED picker, then the device)"},
	{127, "Del", CMD_BACK, NULL,
	 "go back: undo the last answer (at the first question: the LED picker, then the device)"},
	{CTRL('h'), "C-h", CMD_BACK, NULL,
	 "go back: undo the last answer (at the first question: the LED picker, then the device)"},
	{KEY_LEFT, "Left", CMD_BACK, NULL,
	 "go back: undo the last answer (at the first question: the LED picker, then the device)"},
	{27, "Esc", CMD_BACK, NULL, "close this screen, stop searching"},
	{'w', "w", CMD_WHY, "w why", "why am I here: the facts and answers that led here; change any of them"},
	{'t', "t", CMD_TAP, "t tap-along",
	 "tap along: press Space with each blink and blinkdoc tells the pattern or counts the blinks"},
	{'c', "c", CMD_CLEAR, "c count again", "tap-along: forget the taps and start counting again"},
	{CTRL('u'), "C-u", CMD_CLEAR, NULL, "clear the file name being typed"},
	{'/', "/", CMD_SEARCH, "/ search", "search the device types (\"Photon 2\", \"bsom\" ...)"},
	{'?', "?", CMD_HELP, "? help", "show this help"},
	{KEY_F(1), "F1", CMD_HELP, NULL, "show this help"},
	{'r', "r", CMD_RESTART, NULL, "start over (asks first)"},
	{'q', "q", CMD_QUIT, "q quit",
	 "quit; the session is saved and `blinkdoc --resume` continues it (asks first during an action)"},
	{'y', "y", CMD_YES, NULL, "yes, when blinkdoc asks"},
	{'n', "n", CMD_NO, NULL, "no, when blinkdoc asks"},
	{CTRL('l'), "C-l", CMD_REDRAW, NULL, "repaint the screen"},
	{UI_KEY_DIGITS, "0-9", CMD_DIGIT, NULL, "type a number (how many blinks)"},
	{UI_KEY_TEXT, "letters", CMD_TEXT, NULL, "type to search, after /"},
	{UI_KEY_CLICK, "click", CMD_CLICK, NULL, "choose what you click, where the terminal sends mouse clicks"},
	{UI_KEY_INTERRUPT, "C-c", CMD_INTERRUPT, NULL,
	 "leave at once: stops a running action, saves the session, restores the terminal"},
};
const size_t ui_nbindings = sizeof ui_bindings / sizeof ui_bindings[0];

static bool printable(int key)
{
	return key >= 0x20 && key < 0x7f;
}

enum ui_cmd ui_key_cmd(int key, int text_entry)
{
	if (text_entry && printable(key) && key != ' ')
		return CMD_TEXT;
	if (key >= '0' && key <= '9')
		return CMD_DIGIT;
	if (key == KEY_RESIZE)
		return CMD_REDRAW;
	for (size_t i = 0; i < ui_nbindings; i++)
		if (ui_bindings[i].key == key)
			return ui_bindings[i].cmd;
	return CMD_NONE;
}

int ui_key_from_name(const char *name)
{
	static const struct {
		const char *name;
		int key;
	} extra[] = {{"Tab", '\t'}, {"Resize", KEY_RESIZE}, {"Space", ' '}};
	if (!name || !*name)
		return -1;
	for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
		if (!strcasecmp(name, extra[i].name))
			return extra[i].key;
	for (size_t i = 0; i < ui_nbindings; i++)
		if (ui_bindings[i].key >= 0 && !strcmp(ui_bindings[i].name, name))
			return ui_bindings[i].key;
	if (!strcmp(name, "C-c"))
		return UI_KEY_INTERRUPT;
	if (name[1] == '\0' && printable((unsigned char)name[0]))
		return (unsigned char)name[0];
	return -1;
}

const char *ui_cmd_keys(enum ui_cmd cmd, char *buf, size_t size)
{
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < ui_nbindings && n < size; i++)
		if (ui_bindings[i].cmd == cmd)
			n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? ", " : "", ui_bindings[i].name);
	return buf;
}

const char *ui_cmd_hint(enum ui_cmd cmd)
{
	for (size_t i = 0; i < ui_nbindings; i++)
		if (ui_bindings[i].cmd == cmd && ui_bindings[i].hint)
			return ui_bindings[i].hint;
	return NULL;
}

size_t ui_help_each(void (*line)(void *ctx, const char *keys, const char *help), void *ctx)
{
	size_t n = 0;
	for (size_t i = 0; i < ui_nbindings; i++) {
		if (i && ui_bindings[i - 1].cmd == ui_bindings[i].cmd &&
		    !strcmp(ui_bindings[i - 1].help, ui_bindings[i].help))
			continue;
		/* Names of the following rows with the same command and help. */
		char keys[128];
		size_t k = 0;
		for (size_t j = i; j < ui_nbindings && ui_bindings[j].cmd == ui_bindings[i].cmd &&
				   !strcmp(ui_bindings[j].help, ui_bindings[i].help);
		     j++)
			k += (size_t)snprintf(keys + k, sizeof keys - k, "%s%s", k ? ", " : "",
					      ui_bindings[j].name);
		line(ctx, keys, ui_bindings[i].help);
		n++;
	}
	return n;
}
