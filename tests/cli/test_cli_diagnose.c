/* The blinkdoc binary, black-box: diagnose's JSON contract and exit codes,
 * usage errors, kb-lint exit codes.  Runs against the fixture knowledge so
 * that it tests the program, not the content. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "kbfix.h"
#include "runcmd.h"

static char *kbdir;

static int setup(void **state)
{
	(void)state;
	kbdir = kbfix_make(FIXTURE_DIR, SHIPPED_DIR);
	return kbdir ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	kbfix_remove(kbdir);
	free(kbdir);
	return 0;
}

/* Runs blinkdoc --knowledge <fixture> args... */
static struct run_result bd(const char *a0, ...)
{
	const char *argv[40] = {BLINKDOC_BIN, "--knowledge", kbdir};
	int n = 3;
	va_list ap;
	va_start(ap, a0);
	for (const char *a = a0; a && n < 39; a = va_arg(ap, const char *))
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	struct run_result r;
	assert_int_equal(run_cmd(argv, NULL, 30, &r), 0);
	return r;
}

static cJSON *json_of(struct run_result *r)
{
	cJSON *j = cJSON_Parse(r->out);
	if (!j)
		fprintf(stderr, "not JSON:\n%s\n%s\n", r->out, r->err);
	assert_non_null(j);
	return j;
}

static const char *jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	assert_true(cJSON_IsString(v));
	return v->valuestring;
}

static void test_help_and_usage(void **state)
{
	(void)state;
	struct run_result r = bd("--help", NULL);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "3  more answers needed"));
	assert_non_null(strstr(r.out, "diagnose"));
	run_result_free(&r);
	r = bd("frobnicate", NULL);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "unknown command \"frobnicate\""));
	run_result_free(&r);
	r = bd("diagnose", "--color", "cyan", NULL);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "--device is required"));
	run_result_free(&r);
	r = bd("diagnose", "--help", NULL);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "--answer NODE=VALUE"));
	run_result_free(&r);
}

/* flash and backup parse their own options: --device is held to the same
 * rule as the other device commands, before any device is looked for. */
static void test_device_id_checked_by_every_command(void **state)
{
	(void)state;
	static const char *const cmds[] = {"flash", "backup", "identify", "dfu"};
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		int flash = !strcmp(cmds[i], "flash"), backup = !strcmp(cmds[i], "backup");
		struct run_result r =
			flash ? bd("flash", "app.bin", "--device", "e00f", NULL)
			: backup ? bd("backup", "-o", "x.bin", "--device", "e00f", NULL)
				 : bd(cmds[i], "--device", "e00f", NULL);
		assert_int_equal(r.status, 2);
		assert_non_null(strstr(r.err, "\"e00f\" is too short"));
		run_result_free(&r);
		r = flash ? bd("flash", "app.bin", "--device", "boron-1", NULL)
		    : backup ? bd("backup", "-o", "x.bin", "--device", "boron-1", NULL)
			     : bd(cmds[i], "--device", "boron-1", NULL);
		assert_int_equal(r.status, 2);
		assert_non_null(strstr(r.err, "is not a device ID"));
		run_result_free(&r);
		r = flash ? bd("flash", "app.bin", "--port", "/dev/ttyACM0", "--device", "e00fce", NULL)
		    : backup ? bd("backup", "-o", "x.bin", "--port", "/dev/ttyACM0", "--device",
				  "e00fce", NULL)
			     : bd(cmds[i], "--port", "/dev/ttyACM0", "--device", "e00fce", NULL);
		assert_int_equal(r.status, 2);
		assert_non_null(strstr(r.err, "give --port or --device, not both"));
		run_result_free(&r);
	}
}

/* A file that is no module is refused on its own, exit 1, before any device
 * is looked for (these machines have none: it would be exit 4 otherwise). */
static void test_flash_refuses_a_bad_file_first(void **state)
{
	(void)state;
	char path[] = "/tmp/bd_cli_notmodule_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	static const char junk[] = "this is a shell script, not firmware\n";
	assert_int_equal(write(fd, junk, sizeof junk - 1), (ssize_t)(sizeof junk - 1));
	close(fd);
	struct run_result r = bd("flash", path, "--yes", NULL);
	unlink(path);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "not a Particle module"));
	assert_non_null(strstr(r.err, "Nothing was written"));
	assert_null(strstr(r.err, "no Particle device"));
	run_result_free(&r);
}

static void test_wrong_values_list_valid_ones(void **state)
{
	(void)state;
	struct run_result r = bd("diagnose", "--device", "photon", "--color", "teal", "--pattern", "solid", NULL);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "unknown colour \"teal\""));
	assert_non_null(strstr(r.err, "valid colours: cyan"));
	run_result_free(&r);
	r = bd("diagnose", "--device", "toaster", "--color", "cyan", "--pattern", "solid", NULL);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "valid devices: core photon"));
	run_result_free(&r);
	r = bd("diagnose", "--device", "tachyon", "--color", "cyan", "--pattern", "solid", NULL);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "Linux"));
	run_result_free(&r);
	r = bd("diagnose", "--device", "photon", "--color", "cyan", "--pattern", "wobbling", NULL);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "valid patterns: breathing blinking"));
	run_result_free(&r);
	r = bd("diagnose", "--device", "photon", "--color", "cyan", "--pattern", "breathing", "--count", "3", NULL);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "--count only goes with"));
	run_result_free(&r);
	r = bd("diagnose", "--device", "photon", "--color", "red", "--pattern", "sos", "--count", "x", NULL);
	assert_int_equal(r.status, 2);
	run_result_free(&r);
}

static void test_healthy_conclusion_json(void **state)
{
	(void)state;
	/* Case-insensitive device name, colour alias. */
	struct run_result r = bd("diagnose", "--device", "PHOTON", "--color", "Light Blue", "--pattern",
				 "breathing", "--json", NULL);
	assert_int_equal(r.status, 0);
	cJSON *j = json_of(&r);
	assert_string_equal(jstr(j, "device"), "photon");
	cJSON *led = cJSON_GetObjectItemCaseSensitive(j, "led_status");
	assert_string_equal(jstr(led, "id"), "connected");
	assert_string_equal(jstr(led, "title"), "Breathing cyan");
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(j, "sos")));
	assert_true(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(j, "explanation")));
	assert_true(cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(j, "steps")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(j, "next_question")));
	cJSON *c = cJSON_GetObjectItemCaseSensitive(j, "conclusion");
	assert_string_equal(jstr(c, "outcome"), "healthy");
	assert_string_equal(jstr(c, "cause"), "Your Photon is connected.");
	cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "transcript");
	assert_true(cJSON_GetArraySize(t) >= 3);
	assert_non_null(jstr(cJSON_GetArrayItem(t, 0), "time"));
	cJSON_Delete(j);
	run_result_free(&r);
}

static void test_more_answers_needed_then_answered(void **state)
{
	(void)state;
	struct run_result r = bd("diagnose", "--device", "boron", "--color", "lime", "--pattern",
				 "blinking", "--json", NULL);
	assert_int_equal(r.status, 3);
	cJSON *j = json_of(&r);
	cJSON *q = cJSON_GetObjectItemCaseSensitive(j, "next_question");
	assert_string_equal(jstr(q, "id"), "s-looking");
	assert_string_equal(jstr(q, "prompt"), "Does it stop after a while?");
	cJSON *opts = cJSON_GetObjectItemCaseSensitive(q, "options");
	assert_int_equal(cJSON_GetArraySize(opts), 2);
	assert_string_equal(jstr(cJSON_GetArrayItem(opts, 1), "value"), "no");
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(j, "conclusion")));
	assert_string_equal(jstr(j, "explanation"), "Your Boron looks for its cellular network.");
	cJSON_Delete(j);
	run_result_free(&r);

	r = bd("diagnose", "--device", "boron", "--color", "green", "--pattern", "blinking",
	       "--answer", "s-looking=no", "--answer", "cell-antenna=missing", "--json", NULL);
	assert_int_equal(r.status, 1);
	j = json_of(&r);
	cJSON *c = cJSON_GetObjectItemCaseSensitive(j, "conclusion");
	assert_string_equal(jstr(c, "id"), "c-antenna");
	assert_string_equal(jstr(c, "outcome"), "problem");
	cJSON_Delete(j);
	run_result_free(&r);

	/* The instruction's steps (with the procedure inlined, device wording)
	 * appear in steps. */
	r = bd("diagnose", "--device", "electron", "--color", "green", "--pattern", "blinking",
	       "--answer", "green-which=normal", "--answer", "s-looking=no", "--answer",
	       "cell-antenna=attached", "--json", NULL);
	assert_int_equal(r.status, 3);
	j = json_of(&r);
	cJSON *steps = cJSON_GetObjectItemCaseSensitive(j, "steps");
	assert_int_equal(cJSON_GetArraySize(steps), 3);
	assert_string_equal(cJSON_GetArrayItem(steps, 0)->valuestring,
			    "Unplug the USB cable of your Electron.");
	assert_string_equal(jstr(cJSON_GetObjectItemCaseSensitive(j, "next_question"), "id"), "retry");
	cJSON_Delete(j);
	run_result_free(&r);
}

static void test_bad_answers_are_usage_errors(void **state)
{
	(void)state;
	struct run_result r = bd("diagnose", "--device", "boron", "--color", "green", "--pattern",
				 "blinking", "--answer", "s-lookin=no", NULL);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "no node \"s-lookin\""));
	assert_non_null(strstr(r.err, "did you mean \"s-looking\"?"));
	run_result_free(&r);
	r = bd("diagnose", "--device", "boron", "--color", "green", "--pattern", "blinking",
	       "--answer", "s-looking=maybe", NULL);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "valid: yes, no"));
	run_result_free(&r);
	r = bd("diagnose", "--device", "boron", "--color", "green", "--pattern", "blinking",
	       "--answer", "novalue", NULL);
	assert_int_equal(r.status, 2);
	run_result_free(&r);
}

static void test_sos_and_no_match(void **state)
{
	(void)state;
	struct run_result r = bd("diagnose", "--device", "argon", "--color", "red", "--pattern", "sos",
				 "--count", "1", "--json", NULL);
	assert_int_equal(r.status, 1);
	cJSON *j = json_of(&r);
	cJSON *sos = cJSON_GetObjectItemCaseSensitive(j, "sos");
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(sos, "code")->valueint, 1);
	assert_string_equal(jstr(sos, "name"), "Hard fault");
	assert_string_equal(jstr(cJSON_GetObjectItemCaseSensitive(j, "led_status"), "id"), "sos-1");
	cJSON_Delete(j);
	run_result_free(&r);

	/* SOS without a count: the count question comes next. */
	r = bd("diagnose", "--device", "argon", "--color", "red", "--pattern", "sos", "--json", NULL);
	assert_int_equal(r.status, 3);
	j = json_of(&r);
	cJSON *q = cJSON_GetObjectItemCaseSensitive(j, "next_question");
	assert_string_equal(jstr(q, "id"), "red-count");
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(q, "input"), "max")->valueint, 15);
	cJSON_Delete(j);
	run_result_free(&r);

	/* No status looks like this: exit 1 and the closest ones. */
	r = bd("diagnose", "--device", "photon", "--color", "green", "--pattern", "solid", "--json", NULL);
	assert_int_equal(r.status, 1);
	j = json_of(&r);
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(j, "led_status")));
	cJSON *cl = cJSON_GetObjectItemCaseSensitive(j, "closest");
	assert_true(cJSON_GetArraySize(cl) >= 1);
	assert_string_equal(jstr(cJSON_GetArrayItem(cl, 0), "id"), "looking-for-internet");
	cJSON_Delete(j);
	run_result_free(&r);
	r = bd("diagnose", "--device", "photon", "--color", "green", "--pattern", "solid", NULL);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.out, "no known LED status looks like green solid"));
	assert_non_null(strstr(r.out, "looking-for-internet"));
	run_result_free(&r);
}

static void test_text_output(void **state)
{
	(void)state;
	struct run_result r = bd("diagnose", "--device", "electron", "--color", "green", "--pattern",
				 "blinking", NULL);
	assert_int_equal(r.status, 3);
	assert_non_null(strstr(r.out, "Next question [green-which]"));
	assert_non_null(strstr(r.out, "After holding MODE"));
	assert_non_null(strstr(r.out, "--answer green-which=VALUE"));
	run_result_free(&r);
}

static void test_kb_lint_exit_codes(void **state)
{
	(void)state;
	struct run_result r = bd("kb-lint", kbdir, NULL);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "OK"));
	run_result_free(&r);
	char *broken = kbfix_make(FIXTURE_DIR, SHIPPED_DIR);
	kbfix_replace(broken, "tree/a.json", "\"next\": \"retry\"", "\"next\": \"retyr\"");
	int line = kbfix_line_of(broken, "tree/a.json", "retyr");
	r = bd("kb-lint", broken, NULL);
	assert_int_equal(r.status, 1);
	char where[128];
	snprintf(where, sizeof where, "tree/a.json:%d:", line);
	assert_non_null(strstr(r.out, where));
	assert_non_null(strstr(r.out, "[cold-boot] \"next\" points to unknown node \"retyr\""));
	assert_non_null(strstr(r.out, "did you mean \"retry\"?"));
	run_result_free(&r);
	kbfix_remove(broken);
	free(broken);
	r = bd("kb-lint", "/nonexistent-dir", NULL);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.out, "not a knowledge directory"));
	run_result_free(&r);
	/* A diagnose against a broken knowledge base refuses, naming the problem. */
	const char *argv[] = {BLINKDOC_BIN, "diagnose", "--device", "photon", "--color", "cyan", "--pattern",
			"breathing", NULL};
	const char *env[] = {"BLINKDOC_KNOWLEDGE=/nonexistent-dir", NULL};
	assert_int_equal(run_cmd(argv, env, 30, &r), 0);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "cannot find the knowledge base"));
	run_result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_help_and_usage),
		cmocka_unit_test(test_device_id_checked_by_every_command),
		cmocka_unit_test(test_flash_refuses_a_bad_file_first),
		cmocka_unit_test(test_wrong_values_list_valid_ones),
		cmocka_unit_test(test_healthy_conclusion_json),
		cmocka_unit_test(test_more_answers_needed_then_answered),
		cmocka_unit_test(test_bad_answers_are_usage_errors),
		cmocka_unit_test(test_sos_and_no_match),
		cmocka_unit_test(test_text_output),
		cmocka_unit_test(test_kb_lint_exit_codes),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
