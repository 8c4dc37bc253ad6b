/* Pure engine functions: the condition language, JSON locating, text
 * placeholders, LED animation sampling. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "expr.h"
#include "json_loc.h"
#include "kb.h"
#include "kbfix.h"
#include "led.h"
#include "text.h"

/* A tiny fact world for expressions: ids 0..4. */
static const char *const names[] = {"device.wifi", "device.gen", "led.pattern", "probe.mode",
				    "device.radio_variants"};
static const enum fv_type types[] = {FV_BOOL, FV_NUMBER, FV_STRING, FV_STRING, FV_LIST};
static struct fact_value world[5];

static int w_resolve(void *ctx, const char *name, enum fv_type *type)
{
	(void)ctx;
	for (int i = 0; i < 5; i++)
		if (!strcmp(name, names[i])) {
			*type = types[i];
			return i;
		}
	return -1;
}

static bool w_value_ok(void *ctx, int id, const char *v, char *sug, size_t n)
{
	(void)ctx;
	if (id == 2 && strcmp(v, "blinking") && strcmp(v, "breathing")) {
		snprintf(sug, n, "blinking");
		return false;
	}
	return true;
}

static const struct fact_value *w_get(void *ctx, int id)
{
	(void)ctx;
	return world[id].type == FV_NONE ? NULL : &world[id];
}

static enum tri eval(const char *src)
{
	struct expr *e = NULL;
	struct expr_error err;
	struct expr_env env = {w_resolve, w_value_ok, NULL};
	assert_int_equal(expr_parse(src, &e, &err), 0);
	assert_int_equal(expr_bind(e, &env, &err), 0);
	enum tri t = expr_eval(e, w_get, NULL);
	expr_free(e);
	return t;
}

static void bind_fails(const char *src, const char *msg, size_t pos)
{
	struct expr *e = NULL;
	struct expr_error err;
	struct expr_env env = {w_resolve, w_value_ok, NULL};
	int rc = expr_parse(src, &e, &err);
	if (rc == 0)
		rc = expr_bind(e, &env, &err);
	expr_free(e);
	assert_true(rc < 0);
	if (!strstr(err.msg, msg))
		fprintf(stderr, "got \"%s\" for \"%s\"\n", err.msg, src);
	assert_non_null(strstr(err.msg, msg));
	if (pos != (size_t)-1)
		assert_int_equal(err.pos, pos);
}

static void test_expr_three_valued(void **state)
{
	(void)state;
	for (int i = 0; i < 5; i++)
		fv_free(&world[i]);
	fv_set_bool(&world[0], true);
	fv_set_number(&world[1], 3);
	fv_set_string(&world[2], "blinking");
	const char *radios[] = {"a", "b"};
	fv_set_list(&world[4], radios, 2);
	assert_int_equal(eval("device.wifi"), TRI_TRUE);
	assert_int_equal(eval("not device.wifi"), TRI_FALSE);
	assert_int_equal(eval("device.gen >= 3 and device.gen < 4"), TRI_TRUE);
	assert_int_equal(eval("device.gen == 2 or led.pattern == 'blinking'"), TRI_TRUE);
	assert_int_equal(eval("led.pattern in ['breathing', \"blinking\"]"), TRI_TRUE);
	assert_int_equal(eval("device.radio_variants has 'b'"), TRI_TRUE);
	assert_int_equal(eval("device.radio_variants has 'c'"), TRI_FALSE);
	/* probe.mode is unknown */
	assert_int_equal(eval("probe.mode == 'dfu'"), TRI_UNKNOWN);
	assert_int_equal(eval("probe.mode == 'dfu' and device.gen == 2"), TRI_FALSE);
	assert_int_equal(eval("probe.mode == 'dfu' or device.wifi"), TRI_TRUE);
	assert_int_equal(eval("probe.mode == 'dfu' or not device.wifi"), TRI_UNKNOWN);
	assert_int_equal(eval("not (probe.mode == 'dfu')"), TRI_UNKNOWN);
	assert_int_equal(eval("known(probe.mode)"), TRI_FALSE);
	assert_int_equal(eval("known(device.gen) and (true)"), TRI_TRUE);
	assert_int_equal(eval("false or device.gen != 3"), TRI_FALSE);
}

static void test_expr_errors(void **state)
{
	(void)state;
	bind_fails("device.wifii", "unknown fact 'device.wifii'", 0);
	bind_fails("led.pattern == 'blinkin'", "can never be 'blinkin' (did you mean 'blinking'?)", 15);
	bind_fails("device.gen == 'three'", "compare it with a value of that type", (size_t)-1);
	bind_fails("led.pattern < 'blinking'", "need numbers", (size_t)-1);
	bind_fails("device.radio_variants == 'a'", "use 'device.radio_variants has VALUE'", (size_t)-1);
	bind_fails("device.gen has 'x'", "needs a list fact", (size_t)-1);
	bind_fails("(device.wifi", "expected ')'", 12);
	bind_fails("device.wifi and", "the condition ends here", 15);
	bind_fails("device.wifi device.gen", "expected 'and', 'or' or the end", 12);
	bind_fails("'unterminated", "unterminated string", (size_t)-1);
	bind_fails("", "empty condition", 0);
	bind_fails("x in [", "expected a value", (size_t)-1);
	bind_fails("and", "expected a fact name", 0);
	/* Deep nesting is refused, not a stack overflow. */
	char deep[600];
	memset(deep, '(', 300);
	deep[300] = '\0';
	bind_fails(deep, "nests too deeply", (size_t)-1);
	char nots[800] = "";
	for (int i = 0; i < 100; i++)
		strcat(nots, "not ");
	strcat(nots, "device.wifi");
	bind_fails(nots, "nests too deeply", (size_t)-1);
}

static void test_json_locate(void **state)
{
	(void)state;
	const char *j = "{\n  \"nodes\": [\n    {\"id\": \"a\"},\n    {\"id\": \"b\", \"next\": \"c\"}\n  ]\n}";
	size_t len = strlen(j), off;
	int line, col;
	struct json_seg p[] = {JSON_SEG_KEY("nodes"), JSON_SEG_IDX(1), JSON_SEG_KEY("next")};
	assert_true(json_locate(j, len, p, 3, &off));
	json_line_col(j, len, off, &line, &col);
	assert_int_equal(line, 4);
	assert_int_equal(col, 25);
	assert_true(json_locate_key(j, len, p, 3, &off));
	json_line_col(j, len, off, &line, &col);
	assert_int_equal(col, 17);
	/* A path that goes nowhere stops at the deepest value found. */
	struct json_seg q[] = {JSON_SEG_KEY("nodes"), JSON_SEG_IDX(7)};
	assert_false(json_locate(j, len, q, 2, &off));
	json_line_col(j, len, off, &line, &col);
	assert_int_equal(line, 2);
	/* Escaped quotes and nested containers are skipped correctly. */
	const char *k = "{\"a\": \"x\\\"}\", \"b\": [1, {\"c\": [2]}], \"d\": true}";
	struct json_seg r[] = {JSON_SEG_KEY("d")};
	assert_true(json_locate(k, strlen(k), r, 1, &off));
	assert_int_equal(strncmp(k + off, "true", 4), 0);
}

static int dup_count;
static void dup_cb(void *ctx, size_t off, const char *key, size_t n)
{
	(void)ctx;
	(void)off;
	assert_int_equal(strncmp(key, "x", n), 0);
	dup_count++;
}

static void test_json_duplicates(void **state)
{
	(void)state;
	const char *j = "{\"x\": 1, \"y\": {\"x\": 2, \"x\": 3}, \"x\": [ {\"x\":1,\"x\":2} ]}";
	dup_count = 0;
	assert_int_equal(json_find_duplicate_keys(j, strlen(j), dup_cb, NULL), 3);
	assert_int_equal(dup_count, 3);
	assert_int_equal(json_find_duplicate_keys("{\"a\": ", 6, NULL, NULL), -1);
	/* Truncated input at every length is handled without reading past it. */
	for (size_t n = 0; n < strlen(j); n++) {
		char *copy = malloc(n + 1);
		memcpy(copy, j, n);
		json_find_duplicate_keys(copy, n, NULL, NULL);
		size_t off;
		struct json_seg p[] = {JSON_SEG_KEY("y"), JSON_SEG_KEY("x")};
		json_locate(copy, n, p, 2, &off);
		assert_true(off <= n);
		free(copy);
	}
}

static const struct fact_value *t_lookup(void *ctx, const char *name, size_t len)
{
	(void)ctx;
	if (len == 11 && !strncmp(name, "device.name", len))
		return &world[2];
	if (len == 21 && !strncmp(name, "device.radio_variants", len))
		return &world[4];
	return NULL;
}

static void test_text_placeholders(void **state)
{
	(void)state;
	assert_int_equal(text_each_placeholder("plain", NULL, NULL), 0);
	assert_int_equal(text_each_placeholder("{a.b} and {c}", NULL, NULL), 2);
	assert_int_equal(text_each_placeholder("{{literal}}", NULL, NULL), 0);
	assert_int_equal(text_each_placeholder("oops {a", NULL, NULL), -1 - 5);
	assert_int_equal(text_each_placeholder("{}", NULL, NULL), -1);
	assert_int_equal(text_each_placeholder("a } b", NULL, NULL), -1 - 2);
	fv_set_string(&world[2], "Boron");
	struct strbuf sb = STRBUF_INIT;
	text_render(&sb, "Your {device.name} {{ok}} {nope}.", t_lookup, NULL);
	assert_string_equal(strbuf_str(&sb), "Your Boron {ok} (unknown).");
	strbuf_reset(&sb);
	text_render(&sb, "Models:\n{device.radio_variants}", t_lookup, NULL);
	assert_string_equal(strbuf_str(&sb), "Models:\n- a\n- b");
	strbuf_free(&sb);
}

static void test_led_animation_timing(void **state)
{
	(void)state;
	char *dir = kbfix_make(FIXTURE_DIR, SHIPPED_DIR);
	struct diag d = {0};
	struct kb *kb = kb_load(dir, &d);
	assert_int_equal(d.errors, 0);
	const struct kb_led *sos2 = kb_led_find(kb, "sos-1");
	assert_non_null(sos2);
	/* 3x(150+100) + 3x(300+100) + 3x(150+100) + 900 + 1x(300+300) + 800 */
	assert_int_equal(led_anim_cycle_ms(kb, &sos2->anim), 750 + 1200 + 750 + 900 + 600 + 800);
	struct led_sample s;
	led_anim_sample(kb, &sos2->anim, 10, &s);
	assert_string_equal(s.color, "red");
	led_anim_sample(kb, &sos2->anim, 160, &s);
	assert_string_equal(s.color, "off");
	led_anim_sample(kb, &sos2->anim, 750 + 10, &s); /* first long flash */
	assert_string_equal(s.color, "red");
	led_anim_sample(kb, &sos2->anim, 750 + 310, &s); /* gap after it */
	assert_string_equal(s.color, "off");
	led_anim_sample(kb, &sos2->anim, 2700 + 900 + 10, &s); /* the counted blink */
	assert_string_equal(s.color, "red");
	led_anim_sample(kb, &sos2->anim, 2700 + 900 + 310, &s);
	assert_string_equal(s.color, "off");
	const struct kb_led *breathe = kb_led_find(kb, "connected");
	led_anim_sample(kb, &breathe->anim, 0, &s);
	double low = s.level;
	led_anim_sample(kb, &breathe->anim, 1500, &s);
	assert_true(s.level > 0.95 && low < 0.1);
	const struct kb_led *alt = kb_led_find(kb, "bad-keys");
	led_anim_sample(kb, &alt->anim, 100, &s);
	assert_string_equal(s.color, "cyan");
	led_anim_sample(kb, &alt->anim, 400, &s);
	assert_string_equal(s.color, "red");
	/* Matching and closest statuses. */
	const struct kb_device *photon = kb_device_find(kb, "Photon");
	const struct kb_device *electron = kb_device_find(kb, "electron");
	struct led_report r = {"green", "blinking", -1, NULL};
	const struct kb_led *m[4];
	assert_int_equal(led_match(kb, photon, &r, m, 4), 1);
	assert_int_equal(led_match(kb, electron, &r, m, 4), 2);
	struct led_report none = {"green", "solid", -1, NULL};
	assert_int_equal(led_match(kb, photon, &none, m, 4), 0);
	assert_true(led_closest(kb, photon, &none, m, 4) >= 1);
	assert_string_equal(m[0]->id, "looking-for-internet");
	/* SOS 15 is only on rtl872x devices. */
	struct led_report s15 = {"red", "sos", 15, NULL};
	assert_int_equal(led_match(kb, photon, &s15, m, 4), 0);
	assert_int_equal(led_match(kb, kb_device_find(kb, "photon 2"), &s15, m, 4), 1);
	kb_free(kb);
	diag_free(&d);
	kbfix_remove(dir);
	free(dir);
}

static int teardown(void **state)
{
	(void)state;
	for (int i = 0; i < 5; i++)
		fv_free(&world[i]);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expr_three_valued),
		cmocka_unit_test(test_expr_errors),
		cmocka_unit_test(test_json_locate),
		cmocka_unit_test(test_json_duplicates),
		cmocka_unit_test(test_text_placeholders),
		cmocka_unit_test(test_led_animation_timing),
	};
	return cmocka_run_group_tests(tests, NULL, teardown);
}
