/* kb-lint on broken copies of the fixture: every kind of problem is found
 * and located (file, line, node, message, hint). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kb.h"
#include "kb_lint.h"
#include "kbfix.h"

/* Loads and lints dir; returns the diagnostics. */
static struct diag lint_dir(const char *dir)
{
	struct diag d = {0};
	struct kb *kb = kb_load(dir, &d);
	if (kb && kb_node_count(kb))
		kb_lint(kb, &d);
	kb_free(kb);
	return d;
}

/* Asserts some problem mentions msg (and, when given, is at file suffix
 * `file`, line `line`, node `node`). */
static void expect(const struct diag *d, const char *file, int line, const char *node,
		   const char *msg)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct diag_item *it = &d->v[i];
		if (!strstr(it->msg, msg))
			continue;
		if (file && (!it->file || !strstr(it->file, file)))
			continue;
		if (line && it->line != line)
			continue;
		if (node && (!it->node || strcmp(it->node, node)))
			continue;
		return;
	}
	fprintf(stderr, "expected problem \"%s\" at %s:%d [%s]; got:\n", msg, file ? file : "?",
		line, node ? node : "-");
	for (size_t i = 0; i < d->n; i++)
		fprintf(stderr, "  %s:%d:%d [%s] %s\n", d->v[i].file ? d->v[i].file : "-", d->v[i].line,
			d->v[i].col, d->v[i].node ? d->v[i].node : "-", d->v[i].msg);
	fail();
}

/* Breaks a fresh fixture copy by replacing old with new in rel, lints, and
 * checks the expected problem at the line where marker then sits. */
static void broken(const char *rel, const char *old, const char *new_text, const char *marker,
		   const char *node, const char *msg)
{
	char *dir = kbfix_make(FIXTURE_DIR, SHIPPED_DIR);
	assert_non_null(dir);
	assert_true(kbfix_replace(dir, rel, old, new_text));
	int line = marker ? kbfix_line_of(dir, rel, marker) : 0;
	struct diag d = lint_dir(dir);
	assert_true(d.errors > 0);
	expect(&d, rel, line, node, msg);
	diag_free(&d);
	kbfix_remove(dir);
	free(dir);
}

static void test_clean_fixture(void **state)
{
	(void)state;
	char *dir = kbfix_make(FIXTURE_DIR, SHIPPED_DIR);
	struct diag d = lint_dir(dir);
	assert_int_equal(d.errors, 0);
	diag_free(&d);
	kbfix_remove(dir);
	free(dir);
}

static void test_malformed_json(void **state)
{
	(void)state;
	/* A missing comma: reported at the line/column where parsing failed. */
	broken("tree/a.json", "\"title\": \"Cyan doing what?\", \"fact\"",
	       "\"title\": \"Cyan doing what?\" \"fact\"", "\"Cyan doing what?\" \"fact\"", NULL,
	       "malformed JSON");
	broken("leds.json", "\"schema\": 1,", "\"schema\": 1,,", "\"schema\": 1,,", NULL,
	       "malformed JSON");
}

static void test_duplicate_id_and_key(void **state)
{
	(void)state;
	broken("tree/a.json", "{\"id\": \"c-healthy\"", "{\"id\": \"c-antenna\"",
	       "\"outcome\": \"problem\", \"title\": \"Antenna\"", "c-antenna",
	       "duplicate node id \"c-antenna\"");
	broken("tree/a.json", "\"title\": \"Fixed\",", "\"title\": \"Fixed\", \"title\": \"Again\",",
	       "\"title\": \"Again\"", NULL, "key \"title\" appears twice");
}

static void test_dangling_next_with_suggestion(void **state)
{
	(void)state;
	broken("tree/a.json", "\"next\": \"cold-boot\"", "\"next\": \"cold-bot\"", "cold-bot",
	       "cell-antenna", "option \"attached\" points to unknown node \"cold-bot\"");
	char *dir = kbfix_make(FIXTURE_DIR, SHIPPED_DIR);
	kbfix_replace(dir, "tree/a.json", "\"next\": \"cold-boot\"", "\"next\": \"cold-bot\"");
	struct diag d = lint_dir(dir);
	bool hinted = false;
	for (size_t i = 0; i < d.n; i++)
		hinted |= d.v[i].hint && strstr(d.v[i].hint, "did you mean \"cold-boot\"");
	assert_true(hinted);
	diag_free(&d);
	kbfix_remove(dir);
	free(dir);
	broken("tree/a.json", "\"procedure\": \"proc-cold-boot\"", "\"procedure\": \"proc-nope\"",
	       NULL, "cold-boot", "points to unknown node \"proc-nope\"");
}

static void test_unreachable_node(void **state)
{
	(void)state;
	broken("tree/a.json", "{\"id\": \"c-healthy\"",
	       "{\"id\": \"orphan\", \"type\": \"conclusion\", \"outcome\": \"info\", \"title\": \"x\", "
	       "\"cause\": \"y\"},\n    {\"id\": \"c-healthy\"",
	       "\"orphan\"", "orphan", "unreachable");
}

static void test_loop_without_exit(void **state)
{
	(void)state;
	/* retry can only go back to the antenna check, which can only go to the
	 * cold boot, which goes to retry: no way out. */
	char *dir = kbfix_make(FIXTURE_DIR, SHIPPED_DIR);
	assert_true(kbfix_replace(dir, "tree/a.json", "{\"value\": \"fixed\", \"label\": \"Yes\", \"next\": \"c-healthy\"},", ""));
	assert_true(kbfix_replace(dir, "tree/a.json", ",\n       {\"value\": \"give-up\", \"label\": \"Give up\", \"next\": \"c-ticket\"}", ""));
	assert_true(kbfix_replace(dir, "tree/a.json", "{\"value\": \"missing\", \"label\": \"No\", \"next\": \"c-antenna\"}",
				  "{\"value\": \"missing\", \"label\": \"No\", \"next\": \"cold-boot\"}"));
	struct diag d = lint_dir(dir);
	expect(&d, "tree/a.json", 0, NULL, "loop with no way out");
	diag_free(&d);
	kbfix_remove(dir);
	free(dir);
}

static void test_dead_end_and_missing_parts(void **state)
{
	(void)state;
	/* An instruction without next, an action without its unavailable result,
	 * a conclusion without outcome. */
	broken("tree/a.json", "\"steps\": [\"Wait a minute.\"], \"next\": \"retry\"",
	       "\"steps\": [\"Wait a minute.\"]", NULL, "cold-boot", "missing field \"next\"");
	broken("tree/a.json", ",\n       {\"value\": \"unavailable\", \"next\": \"c-ticket\"}", "", NULL,
	       "act-identify", "action has no \"unavailable\" option");
	broken("tree/a.json", "\"type\": \"conclusion\", \"outcome\": \"healthy\", \"title\": \"Fixed\"",
	       "\"type\": \"conclusion\", \"title\": \"Fixed\"", NULL, "c-healthy",
	       "missing field \"outcome\"");
	/* A conditional next with no default could leave the walk stuck. */
	broken("tree/a.json", "{\"when\": \"device.cellular\", \"next\": \"cell-antenna\"},\n          {\"next\": \"act-identify\"}",
	       "{\"when\": \"device.cellular\", \"next\": \"cell-antenna\"}", NULL, "s-looking",
	       "has no default entry");
}

static void test_unknown_facts_and_values(void **state)
{
	(void)state;
	broken("tree/a.json", "\"when\": \"device.firmware_reset\"", "\"when\": \"device.firmware_rest\"",
	       "device.firmware_rest", "green-which", "unknown fact 'device.firmware_rest'");
	broken("tree/a.json", "\"when\": \"device.cellular\"", "\"when\": \"device.platform == 'boronn'\"",
	       "boronn", "s-looking", "'device.platform' can never be 'boronn' (did you mean 'boron'?)");
	broken("tree/a.json", "\"when\": \"device.cellular\"", "\"when\": \"led.status == 'sos-99'\"",
	       "sos-99", "s-looking", "can never be 'sos-99'");
	broken("tree/a.json", "\"when\": \"device.cellular\"", "\"when\": \"device.gen == 'three'\"",
	       "three", "s-looking", "compare it with a value of that type");
	broken("tree/a.json", "\"when\": \"device.cellular\"", "\"when\": \"device.cellular and\"",
	       NULL, "s-looking", "expected a fact name");
	broken("tree/a.json", "Unplug the USB cable of your {device.name}.",
	       "Unplug the USB cable of your {device.nmae}.", "device.nmae", "proc-cold-boot",
	       "unknown fact {device.nmae}");
	broken("tree/a.json", "\"led\": \"connected\"", "\"led\": \"conected\"", "conected",
	       "s-connected", "unknown LED status \"conected\"");
	broken("tree/a.json", "\"title\": \"Fixed\"", "\"titel\": \"Fixed\"", "titel", "c-healthy",
	       "unknown field \"titel\"");
}

static void test_led_status_unreachable_for_device(void **state)
{
	(void)state;
	/* Remove the firmware-reset route: the Electron shows that status but
	 * the tree can no longer reach it. */
	char *dir = kbfix_make(FIXTURE_DIR, SHIPPED_DIR);
	assert_true(kbfix_replace(dir, "tree/a.json", "\"when\": \"device.firmware_reset\",\n        \"next\": \"s-fw-reset\"",
				  "\"when\": \"device.firmware_reset\",\n        \"next\": \"s-looking\""));
	struct diag d = lint_dir(dir);
	expect(&d, "leds.json", kbfix_line_of(dir, "leds.json", "{\"id\": \"firmware-reset\""),
	       "firmware-reset", "Electron shows this status, but the tree never reaches it");
	diag_free(&d);
	kbfix_remove(dir);
	free(dir);

	/* A route that sends a report to a status that looks different. */
	dir = kbfix_make(FIXTURE_DIR, SHIPPED_DIR);
	assert_true(kbfix_replace(dir, "tree/a.json", "{\"value\": \"breathing\", \"label\": \"Breathing\", \"next\": \"s-connected\"}",
				  "{\"value\": \"breathing\", \"label\": \"Breathing\", \"next\": \"s-bad-keys\"}"));
	d = lint_dir(dir);
	expect(&d, "leds.json", 0, "bad-keys", "reaches status bad-keys, which does not look like that");
	diag_free(&d);
	kbfix_remove(dir);
	free(dir);
}

static void test_option_empty_for_device(void **state)
{
	(void)state;
	broken("tree/a.json", "{\"value\": \"normal\", \"label\": \"On its own\", \"next\": \"s-looking\"}",
	       "{\"value\": \"normal\", \"label\": \"On its own\", \"when\": \"device.cellular\", \"next\": \"s-looking\"}",
	       NULL, "green-which", "no option of this question applies");
}

static void test_device_and_status_records(void **state)
{
	(void)state;
	broken("leds.json", "\"pattern\": \"breathing\"}]", "\"pattern\": \"breething\"}]", "breething",
	       "connected", "unknown pattern \"breething\"");
	broken("leds.json", "\"pattern\": \"alternating\", \"color2\": \"red\"",
	       "\"pattern\": \"alternating\"", NULL, "bad-keys", "needs \"color2\"");
	broken("sos.json", "\"code\": 15", "\"code\": 1", NULL, NULL, "SOS code 1 is listed twice");
	broken("devices.json", "\"safe_mode\": true", "\"safe_mod\": true", "\"safe_mod\": true", NULL,
	       "feature \"safe_mod\" is not declared");
	broken("devices.json", "\"normal\": \"2b04:c006\"", "\"normal\": \"2b04-c006\"", "2b04-c006",
	       "photon", "bad USB id");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_fixture),
		cmocka_unit_test(test_malformed_json),
		cmocka_unit_test(test_duplicate_id_and_key),
		cmocka_unit_test(test_dangling_next_with_suggestion),
		cmocka_unit_test(test_unreachable_node),
		cmocka_unit_test(test_loop_without_exit),
		cmocka_unit_test(test_dead_end_and_missing_parts),
		cmocka_unit_test(test_unknown_facts_and_values),
		cmocka_unit_test(test_led_status_unreachable_for_device),
		cmocka_unit_test(test_option_empty_for_device),
		cmocka_unit_test(test_device_and_status_records),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
