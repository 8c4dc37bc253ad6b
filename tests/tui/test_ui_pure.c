#define _POSIX_C_SOURCE 200809L
/* The guided session's pure parts: canvas (UTF-8, ASCII stand-ins,
 * clipping, hits, dump), wrapping, the key table and its generated help,
 * progress formatting, colour degradation and LED timelines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curses.h>

#include "kbfix.h"
#include "picker.h"
#include "ui_app.h"
#include "ui_canvas.h"
#include "ui_keys.h"
#include "ui_term.h"

static char *dump(const struct ui_canvas *cv)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	cv_write_text(cv, f);
	fclose(f);
	return buf;
}

static void test_canvas_put_and_clip(void **state)
{
	(void)state;
	struct ui_canvas cv;
	assert_int_equal(cv_init(&cv, 12, 3, false), 0);
	assert_int_equal(cv_put(&cv, 0, 0, 12, "hello", UI_NORMAL), 5);
	/* Clipped by maxw and by the edge. */
	assert_int_equal(cv_put(&cv, 1, 8, 20, "abcdefgh", UI_NORMAL), 4);
	/* Control characters are skipped, tabs become spaces. */
	assert_int_equal(cv_put(&cv, 2, 0, 12, "a\x01\tb", UI_NORMAL), 3);
	char *d = dump(&cv);
	assert_string_equal(d, "hello\n        abcd\na b\n");
	free(d);
	cv_clear(&cv);
	/* Ellipsis when cut. */
	cv_put_clip(&cv, 0, 0, 6, "abcdefghij", UI_NORMAL);
	d = dump(&cv);
	assert_string_equal(d, "abcde\xe2\x80\xa6\n\n\n");
	free(d);
	/* Wide characters take two cells; one that does not fit is left out. */
	cv_clear(&cv);
	assert_int_equal(cv_put(&cv, 0, 0, 3, "\xe4\xb8\xad\xe4\xb8\xad", UI_NORMAL), 2);
	assert_int_equal(cv_at(&cv, 0, 1)->ch, 0u);
	cv_free(&cv);
}

static void test_canvas_ascii(void **state)
{
	(void)state;
	struct ui_canvas cv;
	cv_init(&cv, 40, 2, true);
	cv_put(&cv, 0, 0, 40, "It\xe2\x80\x99s on \xe2\x80\x94 wait\xe2\x80\xa6 caf\xc3\xa9 \xe2\x86\x92 ok",
	       UI_NORMAL);
	cv_box(&cv, 1, 0, 2, 4, UI_NORMAL);
	cv_swatch(&cv, 1, 5, 2, 1.0, 0xff0000);
	cv_put_clip(&cv, 1, 10, 6, "abcdefghij", UI_NORMAL);
	char *d = dump(&cv);
	assert_string_equal(d, "It's on - wait... cafe -> ok\n+--+ ##   abc...\n");
	free(d);
	assert_int_equal(ui_text_width("\xe2\x80\xa6", true), 3);
	assert_int_equal(ui_text_width("\xe2\x80\xa6", false), 1);
	assert_int_equal(cv_glyph(&cv, G_FOCUS), (uint32_t)'>');
	cv_free(&cv);
}

static void test_canvas_hits_cursor(void **state)
{
	(void)state;
	struct ui_canvas cv;
	cv_init(&cv, 20, 5, false);
	cv_hit(&cv, 2, 4, 10, 7);
	cv_hit(&cv, 3, 0, 20, 8);
	assert_int_equal(cv_hit_at(&cv, 2, 4), 7);
	assert_int_equal(cv_hit_at(&cv, 2, 13), 7);
	assert_int_equal(cv_hit_at(&cv, 2, 14), -1);
	assert_int_equal(cv_hit_at(&cv, 3, 19), 8);
	assert_int_equal(cv.cur_y, -1);
	cv_cursor(&cv, 3, 2);
	assert_int_equal(cv.cur_y, 3);
	cv_cursor(&cv, 30, 2); /* off the canvas: ignored */
	assert_int_equal(cv.cur_y, 3);
	cv_clear(&cv);
	assert_int_equal(cv.nhits, 0);
	assert_int_equal(cv.cur_y, -1);
	cv_free(&cv);
}

static void test_utf8_decode(void **state)
{
	(void)state;
	const char *s = "a\xc3\xa9\xe2\x80\x94\xf0\x9f\x98\x80\xff" "b";
	assert_int_equal(ui_utf8_next(&s), 'a');
	assert_int_equal(ui_utf8_next(&s), 0xE9);
	assert_int_equal(ui_utf8_next(&s), 0x2014);
	assert_int_equal(ui_utf8_next(&s), 0x1F600);
	assert_int_equal(ui_utf8_next(&s), 0xFFFD);
	assert_int_equal(ui_utf8_next(&s), 'b');
	assert_int_equal(ui_utf8_next(&s), 0);
	const char *bad = "\xe2\x80";
	assert_int_equal(ui_utf8_next(&bad), 0xFFFD);
	assert_int_equal(ui_cp_width(0x301), 0);
	assert_int_equal(ui_cp_width(0x4E2D), 2);
	assert_int_equal(ui_cp_width('x'), 1);
}

struct lines {
	char v[16][64];
	int indent[16];
	int n;
};

static void collect(void *ctx, const char *s, size_t len, int indent)
{
	struct lines *l = ctx;
	if (l->n < 16) {
		snprintf(l->v[l->n], sizeof l->v[0], "%.*s", (int)len, s);
		l->indent[l->n++] = indent;
	}
}

static void test_wrap(void **state)
{
	(void)state;
	struct lines l = {0};
	assert_int_equal(ui_wrap("one two three four five", 10, false, collect, &l), 3);
	assert_string_equal(l.v[0], "one two");
	assert_string_equal(l.v[1], "three four");
	assert_string_equal(l.v[2], "five");
	memset(&l, 0, sizeof l);
	/* Blank lines stay, list lines hang under their text. */
	ui_wrap("intro\n\n- alpha beta gamma\n12. delta epsilon", 12, false, collect, &l);
	assert_int_equal(l.n, 6);
	assert_string_equal(l.v[1], "");
	assert_string_equal(l.v[2], "- alpha beta");
	assert_string_equal(l.v[3], "gamma");
	assert_int_equal(l.indent[3], 2);
	assert_string_equal(l.v[4], "12. delta");
	assert_string_equal(l.v[5], "epsilon");
	assert_int_equal(l.indent[5], 4);
	memset(&l, 0, sizeof l);
	/* A word longer than the line is split. */
	ui_wrap("abcdefghijkl", 5, false, collect, &l);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[2], "kl");
	/* ASCII stand-ins count with their own width. */
	assert_int_equal(ui_wrap_count("wait\xe2\x80\xa6 now", 9, false), 1);
	assert_int_equal(ui_wrap_count("wait\xe2\x80\xa6 now", 9, true), 2);
	assert_int_equal(ui_wrap_count("", 10, false), 1);
	assert_int_equal(ui_wrap_count("a\n", 10, false), 1);

	struct ui_canvas cv;
	cv_init(&cv, 10, 4, false);
	assert_int_equal(cv_wrap(&cv, 0, 0, 10, 2, 1, "one two three four five six", UI_NORMAL), 2);
	char *d = dump(&cv);
	assert_string_equal(d, "three four\nfive six\n\n\n");
	free(d);
	cv_free(&cv);
}

static void test_key_table(void **state)
{
	(void)state;
	assert_int_equal(ui_key_cmd(KEY_UP, 0), CMD_UP);
	assert_int_equal(ui_key_cmd('k', 0), CMD_UP);
	assert_int_equal(ui_key_cmd('j', 0), CMD_DOWN);
	assert_int_equal(ui_key_cmd('\n', 0), CMD_SELECT);
	assert_int_equal(ui_key_cmd('\r', 0), CMD_SELECT);
	assert_int_equal(ui_key_cmd(KEY_BACKSPACE, 0), CMD_BACK);
	assert_int_equal(ui_key_cmd(KEY_LEFT, 0), CMD_BACK);
	assert_int_equal(ui_key_cmd(127, 0), CMD_BACK);
	assert_int_equal(ui_key_cmd('?', 0), CMD_HELP);
	assert_int_equal(ui_key_cmd('q', 0), CMD_QUIT);
	assert_int_equal(ui_key_cmd('r', 0), CMD_RESTART);
	assert_int_equal(ui_key_cmd(' ', 0), CMD_SPACE);
	assert_int_equal(ui_key_cmd('7', 0), CMD_DIGIT);
	assert_int_equal(ui_key_cmd(KEY_RESIZE, 0), CMD_REDRAW);
	assert_int_equal(ui_key_cmd('%', 0), CMD_NONE);
	/* While searching, letters are text, not commands. */
	assert_int_equal(ui_key_cmd('q', 1), CMD_TEXT);
	assert_int_equal(ui_key_cmd('j', 1), CMD_TEXT);
	assert_int_equal(ui_key_cmd(KEY_UP, 1), CMD_UP);
	assert_int_equal(ui_key_cmd(' ', 1), CMD_SPACE);

	/* Every command a person can give is in the table (so in the help). */
	for (int c = CMD_NONE + 1; c < CMD_COUNT_; c++) {
		bool found = false;
		for (size_t i = 0; i < ui_nbindings; i++)
			found |= ui_bindings[i].cmd == (enum ui_cmd)c;
		if (!found)
			fail_msg("command %d has no key in the table", c);
	}
	/* No key twice, every row has help, one footer hint per command at most. */
	for (size_t i = 0; i < ui_nbindings; i++) {
		assert_non_null(ui_bindings[i].help);
		assert_non_null(ui_bindings[i].name);
		int hints = 0;
		for (size_t j = 0; j < ui_nbindings; j++) {
			if (i != j && ui_bindings[i].key == ui_bindings[j].key)
				fail_msg("key %s appears twice", ui_bindings[i].name);
			hints += ui_bindings[j].cmd == ui_bindings[i].cmd && ui_bindings[j].hint;
		}
		assert_true(hints <= 1);
		/* Script names give the row's key back. */
		if (ui_bindings[i].key >= 0 || ui_bindings[i].key == UI_KEY_INTERRUPT)
			assert_int_equal(ui_key_from_name(ui_bindings[i].name), ui_bindings[i].key);
	}
	assert_int_equal(ui_key_from_name("x"), 'x');
	assert_int_equal(ui_key_from_name("Nope"), -1);
	assert_int_equal(ui_key_from_name("Space"), ' ');
	char buf[64];
	assert_string_equal(ui_cmd_keys(CMD_UP, buf, sizeof buf), "Up, k");
	assert_string_equal(ui_cmd_hint(CMD_QUIT), "q quit");
	assert_null(ui_cmd_hint(CMD_YES));
}

struct help {
	int n;
	bool back, interrupt;
};

static void help_line(void *ctx, const char *keys, const char *text)
{
	struct help *h = ctx;
	h->n++;
	if (strstr(keys, "Backspace") && strstr(keys, "Left") && strstr(text, "undo"))
		h->back = true;
	if (!strcmp(keys, "C-c"))
		h->interrupt = true;
}

static void test_help_generated(void **state)
{
	(void)state;
	struct help h = {0};
	size_t n = ui_help_each(help_line, &h);
	assert_int_equal((int)n, h.n);
	assert_true(h.back);      /* Backspace and Left share one line */
	assert_true(h.interrupt);
	assert_true(n < ui_nbindings);
}

static void test_progress_format(void **state)
{
	(void)state;
	char buf[128];
	ui_progress_bar(buf, sizeof buf, 12, 50, 100, true);
	assert_string_equal(buf, "[#####.....]");
	ui_progress_bar(buf, sizeof buf, 12, 0, 0, true);
	assert_string_equal(buf, "[..........]");
	ui_progress_bar(buf, sizeof buf, 7, 900, 100, true);
	assert_string_equal(buf, "[#####]");
	ui_progress_bar(buf, sizeof buf, 5, 1, 2, false);
	assert_string_equal(buf, "[\xe2\x96\x88\xe2\x96\x91\xe2\x96\x91]");
	ui_fmt_duration(buf, sizeof buf, 25000);
	assert_string_equal(buf, "0:25");
	ui_fmt_duration(buf, sizeof buf, 61001);
	assert_string_equal(buf, "1:02");
	ui_fmt_duration(buf, sizeof buf, 3600000);
	assert_string_equal(buf, "1:00:00");
	ui_fmt_duration(buf, sizeof buf, -5);
	assert_string_equal(buf, "0:00");
	assert_int_equal(ui_eta_ms(25, 100, 1000), 3000);
	assert_int_equal(ui_eta_ms(0, 100, 1000), -1);
	assert_int_equal(ui_eta_ms(10, 0, 1000), -1);
}

static void test_colors(void **state)
{
	(void)state;
	assert_int_equal(ui_rgb_to_256(255, 0, 0), 196);
	assert_int_equal(ui_rgb_to_256(0, 0, 0), 16);
	assert_int_equal(ui_rgb_to_256(0, 0xe5, 0xff), 45);
	assert_int_equal(ui_rgb_to_256(128, 128, 128), 244);
	/* A dim colour keeps its hue in 8 colours. */
	assert_int_equal(ui_rgb_to_8(0, 60, 64), COLOR_CYAN);
	assert_int_equal(ui_rgb_to_8(0xff, 0, 0xff), COLOR_MAGENTA);
	assert_int_equal(ui_rgb_to_8(0xff, 0xe0, 0), COLOR_YELLOW);
	assert_int_equal(ui_rgb_to_8(0xff, 0x80, 0), COLOR_YELLOW); /* orange: no 8-colour match */
	assert_int_equal(ui_rgb_to_8(0, 0, 0), COLOR_BLACK);
}

static void test_timeline(void **state)
{
	(void)state;
	char *dir = kbfix_make(FIXTURE_DIR, SHIPPED_DIR);
	struct diag d = {0};
	struct kb *kb = kb_load(dir, &d);
	assert_true(kb_usable(kb, &d));
	char shade[800], colors[800];
	int64_t span;
	/* Green blinking 100/100 ms: whole cycles, a whole number of cells each,
	 * so every blink looks the same. */
	const struct kb_led *l = kb_led_find(kb, "looking-for-internet");
	ui_timeline_text(kb, &l->anim, 20, true, shade, colors, sizeof shade, &span);
	assert_int_equal(span, 400);
	assert_string_equal(shade, "#####_____#####_____");
	ui_timeline_text(kb, &l->anim, 83, true, shade, colors, sizeof shade, &span);
	assert_int_equal(span, 2000);
	assert_int_equal(strlen(shade), 80);
	assert_string_equal(colors, "");
	/* Alternating cyan and red: a colour strip says which is which. */
	l = kb_led_find(kb, "bad-keys");
	ui_timeline_text(kb, &l->anim, 16, false, shade, colors, sizeof shade, &span);
	assert_int_equal(span, 1200);
	assert_string_equal(colors, "ccccrrrrccccrrrr");
	/* Off is dark everywhere. */
	l = kb_led_find(kb, "no-led");
	ui_timeline_text(kb, &l->anim, 4, true, shade, colors, sizeof shade, &span);
	assert_string_equal(shade, "____");
	/* SOS 1: quick, long, quick, then one count blink. */
	struct led_report r = {"red", "sos", 1, NULL};
	struct picker_anim pa;
	picker_anim_for(kb, &r, NULL, &pa);
	ui_timeline_text(kb, &pa.a, 48, true, shade, colors, sizeof shade, &span);
	assert_int_equal(span, 5000);
	print_message("sos-1 timeline: %s\n", shade);
	assert_int_equal(shade[0], '#');
	assert_non_null(strstr(shade, "__________"));
	picker_anim_free(&pa);
	kb_free(kb);
	diag_free(&d);
	kbfix_remove(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canvas_put_and_clip),
		cmocka_unit_test(test_canvas_ascii),
		cmocka_unit_test(test_canvas_hits_cursor),
		cmocka_unit_test(test_utf8_decode),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_key_table),
		cmocka_unit_test(test_help_generated),
		cmocka_unit_test(test_progress_format),
		cmocka_unit_test(test_colors),
		cmocka_unit_test(test_timeline),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
