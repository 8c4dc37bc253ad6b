/* ui_screen_tap.c - the tap-along counter: the person presses Space with
 * each blink; engine/tap.c says what that rhythm is (solid, breathing,
 * blinking, fast blinking, SOS + N, a blink code) and the result becomes the
 * pattern of the LED report or the number a question asks for. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>

#include "ui_app.h"

/* How long the tap indicator stays lit after a press. */
#define TAP_FLASH_MS 150
/* The rhythm strip shows this much of the past. */
#define TAP_STRIP_MS 8000

void ui_tap_open(struct ui_app *a, enum ui_tap_purpose purpose)
{
	tap_reset(&a->tap, ui_now(a));
	a->tap_purpose = purpose;
	a->tap_flash_at = -TAP_FLASH_MS;
	a->list[SCR_TAP] = (struct ui_list){0, 0};
	ui_push(a, SCR_TAP);
}

static bool usable(const struct ui_app *a, const struct tap_result *r)
{
	if (a->tap_purpose == TAP_FOR_COUNT)
		return r->count > 0;
	return r->pattern != NULL;
}

static void tap_draw(struct ui_app *a, struct ui_canvas *cv)
{
	char title[160];
	const struct kb_color *c = a->draft.color ? kb_color_find(a->kb, a->draft.color) : NULL;
	if (a->tap_purpose == TAP_FOR_COUNT)
		snprintf(title, sizeof title, "Tap along: blinkdoc counts the blinks");
	else
		snprintf(title, sizeof title, "Tap along with the %s light", c ? c->id : "");
	struct ui_area r = ui_frame(a, cv, title);
	int64_t now = ui_now(a);
	const char *how = a->tap_purpose == TAP_FOR_COUNT
				  ? "Press Space with every blink, the quick SOS ones too; blinkdoc "
				    "counts the blinks between the pauses. c starts again; Enter uses "
				    "the count."
				  : "Press Space each time the light comes on. Too fast to follow? Hold "
				    "Space down. Never changes? Just wait five seconds. c starts again; "
				    "Enter uses the result.";
	int y = r.y + cv_wrap(cv, r.y, r.x, r.w, 4, 0, how, UI_NORMAL) + 1;
	/* The indicator: lit right after each press, so the person sees it landed. */
	bool lit = now - a->tap_flash_at < TAP_FLASH_MS;
	cv_box(cv, y, r.x + 2, 3, 10, UI_DIM);
	if (lit)
		cv_swatch(cv, y + 1, r.x + 3, 8, 1.0, c ? ui_color_rgb(a->kb, c->id) : 0xFFFFFF);
	cv_putf(cv, y + 1, r.x + 15, r.w - 15, UI_TITLE, "%zu tap%s", a->tap.n,
		a->tap.n == 1 ? "" : "s");
	y += 4;
	/* Rhythm strip: one mark per press over the last seconds. */
	int sw = r.w - 12;
	cv_putf(cv, y, r.x, 11, UI_DIM, "Last %d s:", TAP_STRIP_MS / 1000);
	cv_fill(cv, y, r.x + 11, sw, cv->ascii ? '.' : 0x00B7, UI_DIM);
	for (size_t i = 0; i < a->tap.n; i++) {
		int64_t age = now - a->tap.t[i];
		if (age < 0 || age >= TAP_STRIP_MS)
			continue;
		int x = r.x + 11 + sw - 1 - (int)(age * sw / TAP_STRIP_MS);
		cv_fill(cv, y, x, 1, '|', UI_TITLE);
	}
	y += 2;
	struct tap_result res;
	tap_classify(&a->tap, now, &res);
	y += cv_wrap(cv, y, r.x, r.w, 2, 0, res.words, res.sure ? UI_OK : UI_NORMAL) + 1;
	struct ui_list *l = &a->list[SCR_TAP];
	l->focus = 0;
	if (usable(a, &res)) {
		char use[96];
		const char *s = res.count == 1 ? "" : "s";
		if (a->tap_purpose == TAP_FOR_COUNT)
			snprintf(use, sizeof use, "Use this count: %d", res.count);
		else if (res.verdict == TAP_SOS)
			snprintf(use, sizeof use, "Use this: SOS, then %d blink%s", res.count, s);
		else if (res.verdict == TAP_CODE)
			snprintf(use, sizeof use, "Use this: %d blink%s, then a pause", res.count, s);
		else
			snprintf(use, sizeof use, "Use this: %s", tap_verdict_name(res.verdict));
		ui_row(a, cv, y, r.x, r.w, true, 0, use, UI_NORMAL);
	} else {
		cv_cursor(cv, y - 2, r.x);
	}
}

static int tap_key(struct ui_app *a, enum ui_cmd cmd, int key)
{
	(void)key;
	int64_t now = ui_now(a);
	struct tap_result res;
	switch (cmd) {
	case CMD_SPACE:
		tap_press(&a->tap, now);
		a->tap_flash_at = now;
		return UI_REDRAW;
	case CMD_CLEAR:
		tap_reset(&a->tap, now);
		return UI_REDRAW;
	case CMD_BACK:
		ui_pop(a);
		return UI_REDRAW;
	case CMD_SELECT:
		tap_classify(&a->tap, now, &res);
		if (!usable(a, &res)) {
			ui_message(a, UI_WARN, "Not sure yet: %s", res.words);
			return UI_REDRAW;
		}
		if (a->tap_purpose == TAP_FOR_COUNT) {
			snprintf(a->number, sizeof a->number, "%d", res.count > 99 ? 99 : res.count);
			ui_pop(a);
			return UI_REDRAW;
		}
		a->draft.pattern = res.pattern;
		a->draft.count = picker_pattern_counted(res.pattern) ? res.count : -1;
		if (picker_pattern_two_colors(res.pattern)) {
			ui_push(a, SCR_COLOR2);
			return UI_REDRAW;
		}
		return ui_draft_commit(a);
	default:
		return 0;
	}
}

static const enum ui_cmd tap_footer[] = {CMD_SPACE, CMD_SELECT, CMD_CLEAR, CMD_BACK, CMD_HELP,
					 CMD_QUIT, CMD_NONE};
const struct ui_screen_ops ui_tap_ops = {"tap", tap_draw, tap_key, tap_footer, false};
