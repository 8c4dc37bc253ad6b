/* LED picker candidates on the fixture knowledge base: one look per
 * distinct report, per device (shown_when), S-O-S collapsed, animations
 * borrowed or built, words. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kbfix.h"
#include "led.h"
#include "picker.h"

struct fx {
	char *dir;
	struct kb *kb;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	f->dir = kbfix_make(FIXTURE_DIR, SHIPPED_DIR);
	struct diag d = {0};
	f->kb = kb_load(f->dir, &d);
	assert_true(kb_usable(f->kb, &d));
	diag_free(&d);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	kb_free(f->kb);
	kbfix_remove(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

static const struct picker_look *find(const struct picker *p, const char *color,
				      const char *pattern)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->v[i].report.color, color) && !strcmp(p->v[i].report.pattern, pattern))
			return &p->v[i];
	return NULL;
}

static void test_boron_looks(void **state)
{
	struct fx *f = *state;
	struct picker p;
	assert_int_equal(picker_build(f->kb, kb_device_find(f->kb, "boron"), &p), 5);
	/* Catalogue order; S-O-S (generated last) at the end. */
	assert_string_equal(p.v[0].led->id, "connected");
	assert_string_equal(p.v[1].led->id, "looking-for-internet");
	assert_string_equal(p.v[2].led->id, "bad-keys");
	assert_string_equal(p.v[3].led->id, "no-led");
	const struct picker_look *sos = &p.v[4];
	assert_string_equal(sos->report.color, "red");
	assert_string_equal(sos->report.pattern, "sos");
	assert_int_equal(sos->report.count, -1);
	assert_true(sos->needs_count);
	/* sos-15 is rtl872x only: one status on a Boron. */
	assert_int_equal(sos->nstatuses, 1);
	assert_int_equal(sos->anim.a.type, KB_ANIM_SOS);
	/* Boron has no firmware reset: green blinking is one status. */
	assert_int_equal(find(&p, "green", "blinking")->nstatuses, 1);
	const struct picker_look *keys = find(&p, "cyan", "alternating");
	assert_non_null(keys);
	assert_string_equal(keys->report.color2, "red");
	assert_int_equal(keys->anim.a.type, KB_ANIM_ALTERNATE);
	assert_string_equal(keys->anim.a.colors[0], "cyan");
	assert_string_equal(keys->anim.a.colors[1], "red");
	const struct picker_look *c = find(&p, "cyan", "breathing");
	assert_int_equal(c->anim.a.type, KB_ANIM_BREATHE);
	assert_int_equal(c->anim.a.period_ms, 3000);
	struct led_sample s;
	led_anim_sample(f->kb, &c->anim.a, 1500, &s);
	assert_string_equal(s.color, "cyan");
	assert_true(s.level > 0.95);
	assert_false(find(&p, "cyan", "breathing")->needs_count);
	picker_free(&p);
	assert_int_equal(p.n, 0);
}

static void test_device_dependent(void **state)
{
	struct fx *f = *state;
	struct picker p;
	/* Electron: firmware reset shares "green blinking". */
	picker_build(f->kb, kb_device_find(f->kb, "electron"), &p);
	assert_int_equal(find(&p, "green", "blinking")->nstatuses, 2);
	assert_string_equal(find(&p, "green", "blinking")->led->id, "looking-for-internet");
	picker_free(&p);
	/* P2 (rtl872x) also shows S-O-S 15. */
	picker_build(f->kb, kb_device_find(f->kb, "p2"), &p);
	assert_int_equal(find(&p, "red", "sos")->nstatuses, 2);
	picker_free(&p);
	/* No device: every status. */
	assert_int_equal(picker_build(f->kb, NULL, &p), 5);
	assert_int_equal(find(&p, "red", "sos")->nstatuses, 2);
	picker_free(&p);
}

static void test_anim_built_from_report(void **state)
{
	struct fx *f = *state;
	struct picker_anim pa;
	/* A blink code nobody lends an animation to: blinks and a pause. */
	struct led_report code = {"red", "blink-code", 3, NULL};
	assert_int_equal(picker_anim_for(f->kb, &code, NULL, &pa), 0);
	assert_int_equal(pa.a.type, KB_ANIM_SEQUENCE);
	assert_int_equal(pa.a.nsteps, 7);
	assert_string_equal(pa.a.steps[0].color, "red");
	assert_string_equal(pa.a.steps[1].color, "off");
	assert_true(pa.a.repeat);
	struct led_sample s;
	led_anim_sample(f->kb, &pa.a, 100, &s);
	assert_string_equal(s.color, "red");
	led_anim_sample(f->kb, &pa.a, 2000, &s);
	assert_string_equal(s.color, "off");
	picker_anim_free(&pa);
	assert_null(pa.own);

	/* A status whose movement does not fit is not borrowed. */
	const struct kb_led *connected = kb_led_find(f->kb, "connected");
	struct led_report red_blink = {"red", "blinking", -1, NULL};
	picker_anim_for(f->kb, &red_blink, connected, &pa);
	assert_int_equal(pa.a.type, KB_ANIM_BLINK);
	assert_string_equal(pa.a.color, "red");
	assert_int_equal(pa.a.on_ms, 200);
	picker_anim_free(&pa);

	/* A fitting one is borrowed and recoloured, timing kept. */
	const struct kb_led *looking = kb_led_find(f->kb, "looking-for-internet");
	struct led_report white = {"white", "fast-blinking", -1, NULL};
	picker_anim_for(f->kb, &white, looking, &pa);
	assert_int_equal(pa.a.type, KB_ANIM_BLINK);
	assert_string_equal(pa.a.color, "white");
	assert_int_equal(pa.a.on_ms, 100);
	picker_anim_free(&pa);

	struct led_report off = {"off", "off", -1, NULL};
	picker_anim_for(f->kb, &off, NULL, &pa);
	assert_int_equal(pa.a.type, KB_ANIM_OFF);
	struct led_report sos = {"red", "sos", 4, NULL};
	picker_anim_for(f->kb, &sos, NULL, &pa);
	assert_int_equal(pa.a.type, KB_ANIM_SOS);
	assert_int_equal(pa.a.count, 4);
	struct led_report alt = {"green", "alternating", -1, "white"};
	picker_anim_for(f->kb, &alt, NULL, &pa);
	assert_int_equal(pa.a.type, KB_ANIM_ALTERNATE);
	assert_string_equal(pa.a.colors[1], "white");
}

static void words(struct fx *f, const char *color, const char *pattern, int count,
		  const char *color2, const char *want)
{
	struct led_report r = {color, pattern, count, color2};
	struct strbuf sb = STRBUF_INIT;
	picker_words(f->kb, &r, &sb);
	assert_string_equal(strbuf_str(&sb), want);
	strbuf_free(&sb);
}

static void short_words(struct fx *f, const char *color, const char *pattern, int count,
			const char *color2, const char *want)
{
	struct led_report r = {color, pattern, count, color2};
	struct strbuf sb = STRBUF_INIT;
	picker_short_words(f->kb, &r, &sb);
	assert_string_equal(strbuf_str(&sb), want);
	strbuf_free(&sb);
}

static void test_words(void **state)
{
	struct fx *f = *state;
	short_words(f, "cyan", "breathing", -1, NULL, "cyan, breathing");
	short_words(f, "lime", "fast-blinking", -1, NULL, "green, fast blinking");
	short_words(f, "red", "sos", -1, NULL, "red, SOS then a number of blinks");
	short_words(f, "red", "sos", 1, NULL, "red, SOS then 1 blink");
	short_words(f, "red", "blink-code", 2, NULL, "red, 2 blinks then a pause");
	short_words(f, "cyan", "alternating", -1, "red", "cyan and red, alternating");
	short_words(f, "off", "off", -1, NULL, "off (no light)");
	short_words(f, "blue", "breathing", -1, NULL, "dark blue, breathing");
	words(f, "cyan", "breathing", -1, NULL, "cyan (light blue), slowly fading in and out");
	words(f, "cyan", "alternating", -1, "red", "cyan (light blue) and red, two colours taking turns");
	words(f, "red", "sos", 3, NULL, "red, an SOS then a count (3 blinks)");
	words(f, "red", "blink-code", 1, NULL, "red, a few blinks, then a pause (1 blink)");
	words(f, "off", "off", -1, NULL, "off");
	words(f, "green", "off", -1, NULL, "off");
	assert_true(picker_pattern_counted("sos"));
	assert_true(picker_pattern_counted("blink-code"));
	assert_false(picker_pattern_counted("blinking"));
	assert_false(picker_pattern_counted(NULL));
	assert_true(picker_pattern_two_colors("alternating"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boron_looks),
		cmocka_unit_test(test_device_dependent),
		cmocka_unit_test(test_anim_built_from_report),
		cmocka_unit_test(test_words),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
