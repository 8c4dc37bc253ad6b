/* Unit tests for the JSON console parsers: `s` (module table) and `d`
 * (diagnostics).  The module replies follow Device OS's own writer
 * (module_info_to_json: s, l, vc, vv, [u], f, n, v, d) and the Photon
 * safe-mode describe from binary-version-reader's fixtures (protocols.md
 * §2.5). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "console_parse.h"

#define S(lit) (lit), (sizeof(lit) - 1)

/* Photon in safe mode: system part 2 v7 needs system part 1 v7, v6 is
 * installed; the user part is present; the factory slot is empty. */
static const char photon_safe_mode[] =
	"{\"p\":6,\"m\":["
	"{\"s\":16384,\"l\":\"m\",\"vc\":30,\"vv\":30,\"f\":\"b\",\"n\":\"0\",\"v\":4,\"d\":[]},"
	"{\"s\":262144,\"l\":\"m\",\"vc\":30,\"vv\":30,\"f\":\"s\",\"n\":\"1\",\"v\":6,\"d\":[]},"
	"{\"s\":262144,\"l\":\"m\",\"vc\":30,\"vv\":26,\"f\":\"s\",\"n\":\"2\",\"v\":7,"
	"\"d\":[{\"f\":\"s\",\"n\":\"1\",\"v\":7,\"_\":\"\"}]},"
	"{\"s\":131072,\"l\":\"m\",\"vc\":30,\"vv\":30,"
	"\"u\":\"2BA4E71E840F596B812003882AAE7CA6496F1590CA4A049310AF76EAF11C943A\","
	"\"f\":\"u\",\"n\":\"1\",\"v\":4,\"d\":[{\"f\":\"s\",\"n\":\"2\",\"v\":7}]},"
	"{\"s\":131072,\"l\":\"f\",\"vc\":30,\"vv\":0,\"d\":[]}"
	"]}\r\n";

/* Healthy Boron on 6.2.0 (cellular keys before "m", as the HAL adds them). */
static const char boron_healthy[] =
	"{\"p\":13,\"imei\":\"352753090012345\",\"iccid\":\"89014103211118510720\","
	"\"cellfw\":\"L0.0.00.00.05.12\",\"m\":[\r\n"
	"{\"s\":49152,\"l\":\"m\",\"vc\":30,\"vv\":30,\"f\":\"b\",\"n\":\"0\",\"v\":3001,\"d\":[]},\r\n"
	"{\"s\":192512,\"l\":\"m\",\"vc\":30,\"vv\":30,\"f\":\"a\",\"n\":\"0\",\"v\":202,\"d\":[]},\r\n"
	"{\"s\":786432,\"l\":\"m\",\"vc\":30,\"vv\":30,\"f\":\"s\",\"n\":\"1\",\"v\":6200,"
	"\"d\":[{\"f\":\"b\",\"n\":\"0\",\"v\":3001},{\"f\":\"a\",\"n\":\"0\",\"v\":202}]},\r\n"
	"{\"s\":262144,\"l\":\"m\",\"vc\":30,\"vv\":30,"
	"\"u\":\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\","
	"\"f\":\"u\",\"n\":\"2\",\"v\":6,\"d\":[{\"f\":\"s\",\"n\":\"1\",\"v\":6101}]}\r\n"
	"]}\r\n";

static void modules_photon_safe_mode(void **state)
{
	(void)state;
	struct bd_module_table t;
	struct bd_error err = {0};
	assert_int_equal(bd_console_parse_modules(S(photon_safe_mode), &t, &err), 0);
	assert_int_equal(t.platform_id, 6);
	assert_int_equal(t.n, 5);
	assert_false(t.truncated);
	assert_int_equal(t.m[0].func, BD_MODF_BOOTLOADER);
	assert_int_equal(t.m[0].version, 4);
	assert_int_equal(t.m[0].max_size, 16384);
	assert_int_equal(t.m[0].size, 0);
	assert_int_equal(t.m[0].store, BD_MODS_MAIN);
	assert_int_equal(t.m[2].func, BD_MODF_SYSTEM);
	assert_int_equal(t.m[2].index, 2);
	assert_int_equal(t.m[2].checked, 30);
	assert_int_equal(t.m[2].passed, 26);
	assert_int_equal(t.m[2].ndeps, 1);
	assert_int_equal(t.m[2].deps[0].func, BD_MODF_SYSTEM);
	assert_int_equal(t.m[2].deps[0].index, 1);
	assert_int_equal(t.m[2].deps[0].version, 7);
	assert_int_equal(t.m[3].func, BD_MODF_USER);
	assert_string_equal(t.m[3].hash,
			    "2ba4e71e840f596b812003882aae7ca6496f1590ca4a049310af76eaf11c943a");
	assert_int_equal(t.m[4].func, BD_MODF_NONE);
	assert_int_equal(t.m[4].store, BD_MODS_FACTORY);
	assert_int_equal(t.m[4].passed, 0);
	assert_int_equal(t.m[4].ndeps, 0);
}

static void modules_boron_crlf_and_extra_keys(void **state)
{
	(void)state;
	struct bd_module_table t;
	struct bd_error err = {0};
	assert_int_equal(bd_console_parse_modules(S(boron_healthy), &t, &err), 0);
	assert_int_equal(t.platform_id, 13);
	assert_int_equal(t.n, 4);
	assert_int_equal(t.m[1].func, BD_MODF_RADIO);
	assert_int_equal(t.m[2].ndeps, 2);
	assert_int_equal(t.m[2].deps[1].func, BD_MODF_RADIO);
	assert_int_equal(t.m[2].deps[1].version, 202);
}

static void modules_leading_noise(void **state)
{
	(void)state;
	char buf[4096];
	int n = snprintf(buf, sizeof buf, "0000123 [sys] {not json} INFO\r\n%s", photon_safe_mode);
	struct bd_module_table t;
	assert_int_equal(bd_console_parse_modules(buf, (size_t)n, &t, NULL), 0);
	assert_int_equal(t.n, 5);
}

static void modules_other_function_and_store(void **state)
{
	(void)state;
	static const char reply[] =
		"{\"p\":32,\"m\":[{\"s\":4096,\"l\":\"_\",\"vc\":0,\"vv\":0,\"f\":\"_\",\"n\":\"0\",\"v\":1}]}";
	struct bd_module_table t;
	assert_int_equal(bd_console_parse_modules(S(reply), &t, NULL), 0);
	assert_int_equal(t.m[0].func, BD_CONSOLE_MODF_OTHER);
	assert_int_equal(t.m[0].store, BD_CONSOLE_MODS_OTHER);
}

static void modules_no_platform(void **state)
{
	(void)state;
	struct bd_module_table t;
	assert_int_equal(bd_console_parse_modules(S("{\"m\":[]}"), &t, NULL), 0);
	assert_int_equal(t.platform_id, -1);
	assert_int_equal(t.n, 0);
}

static void expect_parse(const char *reply, const char *needle)
{
	struct bd_module_table t;
	struct bd_error err = {0};
	int rc = bd_console_parse_modules(reply, strlen(reply), &t, &err);
	if (rc != BD_E_PARSE || (needle && !strstr(err.msg, needle)))
		fail_msg("reply %s: rc %d, msg \"%s\", wanted \"%s\"", reply, rc, err.msg,
			 needle ? needle : "");
	assert_int_equal(t.n, 0);
	assert_int_equal(t.platform_id, -1);
}

static void modules_truncated_json(void **state)
{
	(void)state;
	/* every strict prefix of a good reply must fail cleanly */
	size_t len = strlen(photon_safe_mode);
	size_t end = len - 2; /* without the CRLF */
	for (size_t cut = 0; cut < end; cut++) {
		char *copy = malloc(cut ? cut : 1);
		memcpy(copy, photon_safe_mode, cut);
		struct bd_module_table t;
		int rc = bd_console_parse_modules(copy, cut, &t, NULL);
		free(copy);
		if (rc != BD_E_PARSE)
			fail_msg("prefix of %zu bytes: rc %d", cut, rc);
	}
}

static void modules_wrong_types(void **state)
{
	(void)state;
	expect_parse("{\"p\":\"6\",\"m\":[]}", "\"p\"");
	expect_parse("{\"p\":6,\"m\":{}}", "\"m\"");
	expect_parse("{\"p\":6,\"m\":[5]}", "module 1 is not an object");
	expect_parse("{\"m\":[{\"s\":\"16384\",\"l\":\"m\",\"vc\":30,\"vv\":30}]}", "\"s\"");
	expect_parse("{\"m\":[{\"s\":16384,\"l\":\"x\",\"vc\":30,\"vv\":30}]}", "\"l\"");
	expect_parse("{\"m\":[{\"s\":16384,\"l\":\"m\",\"vc\":30,\"vv\":30,\"f\":\"b\",\"n\":0,"
		     "\"v\":4}]}",
		     "\"n\"");
	expect_parse("{\"m\":[{\"s\":16384,\"l\":\"m\",\"vc\":30,\"vv\":30,\"f\":\"bb\",\"n\":\"0\","
		     "\"v\":4}]}",
		     "\"f\"");
	expect_parse("{\"m\":[{\"s\":16384,\"l\":\"m\",\"vc\":30,\"vv\":30,\"f\":\"b\",\"n\":\"0\","
		     "\"v\":4.5}]}",
		     "\"v\"");
	expect_parse("{\"m\":[{\"s\":16384,\"l\":\"m\",\"vc\":true,\"vv\":30}]}", "\"vc\"");
	expect_parse("{\"m\":[{\"s\":16384,\"l\":\"m\",\"vc\":30,\"vv\":30,\"u\":\"abc\"}]}", "\"u\"");
	expect_parse("{\"m\":[{\"s\":16384,\"l\":\"m\",\"vc\":30,\"vv\":30,\"d\":{}}]}", "\"d\"");
	expect_parse("{\"m\":[{\"s\":1,\"l\":\"m\",\"vc\":30,\"vv\":30,\"f\":\"s\",\"n\":\"1\",\"v\":1,"
		     "\"d\":[{\"f\":\"s\",\"n\":\"x\",\"v\":1}]}]}",
		     "dependency 1 of module 1");
	expect_parse("{\"m\":[{\"s\":1,\"l\":\"m\",\"vc\":30,\"vv\":30,\"f\":\"s\",\"n\":\"1\",\"v\":1,"
		     "\"d\":[\"s\"]}]}",
		     "dependency 1 of module 1 is not an object");
}

static void modules_missing_fields(void **state)
{
	(void)state;
	expect_parse("{\"p\":6}", "\"m\"");
	expect_parse("{\"m\":[{\"l\":\"m\",\"vc\":30,\"vv\":30}]}", "\"s\"");
	expect_parse("{\"m\":[{\"s\":1,\"vc\":30,\"vv\":30}]}", "\"l\"");
	expect_parse("{\"m\":[{\"s\":1,\"l\":\"m\",\"vv\":30}]}", "\"vc\"");
	expect_parse("{\"m\":[{\"s\":1,\"l\":\"m\",\"vc\":30,\"vv\":30,\"f\":\"s\",\"n\":\"1\"}]}",
		     "only some of");
	expect_parse("{\"m\":[{\"s\":1,\"l\":\"m\",\"vc\":30,\"vv\":30,\"f\":\"s\",\"n\":\"1\",\"v\":1,"
		     "\"d\":[{\"f\":\"s\",\"n\":\"1\"}]}]}",
		     "\"v\"");
}

static void modules_huge_numbers(void **state)
{
	(void)state;
	expect_parse("{\"m\":[{\"s\":4294967296,\"l\":\"m\",\"vc\":30,\"vv\":30}]}", "\"s\"");
	expect_parse("{\"m\":[{\"s\":-1,\"l\":\"m\",\"vc\":30,\"vv\":30}]}", "\"s\"");
	expect_parse("{\"m\":[{\"s\":1e300,\"l\":\"m\",\"vc\":30,\"vv\":30}]}", "\"s\"");
	expect_parse("{\"m\":[{\"s\":1,\"l\":\"m\",\"vc\":30,\"vv\":30,\"f\":\"s\",\"n\":\"1\","
		     "\"v\":65536}]}",
		     "\"v\"");
	expect_parse("{\"m\":[{\"s\":1,\"l\":\"m\",\"vc\":30,\"vv\":30,\"f\":\"s\",\"n\":\"256\","
		     "\"v\":1}]}",
		     "\"n\"");
	expect_parse("{\"p\":1e20,\"m\":[]}", "\"p\"");
	/* the largest legal values are fine */
	struct bd_module_table t;
	static const char max[] = "{\"p\":65535,\"m\":[{\"s\":4294967295,\"l\":\"m\",\"vc\":4294967295,"
				  "\"vv\":0,\"f\":\"s\",\"n\":\"255\",\"v\":65535}]}";
	assert_int_equal(bd_console_parse_modules(S(max), &t, NULL), 0);
	assert_int_equal(t.m[0].max_size, 4294967295u);
	assert_int_equal(t.m[0].index, 255);
}

static void modules_too_many_deps(void **state)
{
	(void)state;
	expect_parse("{\"m\":[{\"s\":1,\"l\":\"m\",\"vc\":30,\"vv\":30,\"f\":\"s\",\"n\":\"1\",\"v\":1,"
		     "\"d\":[{\"f\":\"s\",\"n\":\"1\",\"v\":1},{\"f\":\"s\",\"n\":\"1\",\"v\":1},"
		     "{\"f\":\"s\",\"n\":\"1\",\"v\":1},{\"f\":\"s\",\"n\":\"1\",\"v\":1},"
		     "{\"f\":\"s\",\"n\":\"1\",\"v\":1}]}]}",
		     "5 dependencies");
}

static void modules_too_many_modules(void **state)
{
	(void)state;
	char buf[8192];
	size_t n = 0;
	n += (size_t)snprintf(buf + n, sizeof buf - n, "{\"p\":6,\"m\":[");
	for (int i = 0; i < BD_MODULES_MAX + 3; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n,
				      "%s{\"s\":1,\"l\":\"m\",\"vc\":0,\"vv\":0}", i ? "," : "");
	n += (size_t)snprintf(buf + n, sizeof buf - n, "]}");
	struct bd_module_table t;
	assert_int_equal(bd_console_parse_modules(buf, n, &t, NULL), 0);
	assert_int_equal(t.n, BD_MODULES_MAX);
	assert_true(t.truncated);
}

static void modules_garbage_and_nul(void **state)
{
	(void)state;
	expect_parse("", NULL);
	expect_parse("\xff\xfe\x01garbage", "\"m\"");
	expect_parse("{{{{{{{{{{{{{{{{{{{{{{{{{{{{", NULL);
	/* A NUL inside a token breaks it; between tokens cJSON counts it as
	 * white space, which is harmless. */
	static const char nul[] = "{\"m\":[{\"s\":16\0" "384,\"l\":\"m\",\"vc\":30,\"vv\":30}]}";
	struct bd_module_table t;
	assert_int_equal(bd_console_parse_modules(nul, sizeof nul - 1, &t, NULL), BD_E_PARSE);
	static const char between[] = "{\"p\":6,\"m\":[\0]}";
	assert_int_equal(bd_console_parse_modules(between, sizeof between - 1, &t, NULL), 0);
	assert_int_equal(t.n, 0);
	assert_int_equal(bd_console_parse_modules("{}", BD_CONSOLE_REPLY_MAX + 1, &t, NULL),
			 BD_E_TOO_LARGE);
}

/* ---- d ---- */

static void diagnostics_values_and_errors(void **state)
{
	(void)state;
	static const char reply[] = "{\"sys:uptime\":1234,\"net:rssi\":-6400,"
				    "\"mem:used\":4294967295,\"cell:signal\":{\"err\":-210}}\r\n";
	struct bd_console_diags d;
	struct bd_error err = {0};
	assert_int_equal(bd_console_parse_diagnostics(S(reply), &d, &err), 0);
	assert_int_equal(d.n, 4);
	assert_string_equal(d.v[0].name, "sys:uptime");
	assert_int_equal(d.v[0].value, 1234);
	assert_int_equal(d.v[1].value, -6400);
	assert_int_equal(d.v[2].value, 4294967295LL);
	assert_true(d.v[3].failed);
	assert_int_equal(d.v[3].error, -210);
}

static void diagnostics_rejects(void **state)
{
	(void)state;
	struct bd_console_diags d;
	struct bd_error err = {0};
	assert_int_equal(bd_console_parse_diagnostics(S("{\"a\":\"1\"}"), &d, &err), BD_E_PARSE);
	assert_non_null(strstr(err.msg, "source 1"));
	assert_int_equal(bd_console_parse_diagnostics(S("{\"a\":1.5}"), &d, &err), BD_E_PARSE);
	assert_int_equal(bd_console_parse_diagnostics(S("{\"a\":1e30}"), &d, &err), BD_E_PARSE);
	assert_int_equal(bd_console_parse_diagnostics(S("{\"a\":{\"err\":1e12}}"), &d, &err),
			 BD_E_PARSE);
	assert_int_equal(bd_console_parse_diagnostics(S("{\"a\":1"), &d, &err), BD_E_PARSE);
	assert_int_equal(bd_console_parse_diagnostics(
				 S("{\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\":1}"), &d,
				 &err),
			 BD_E_PARSE);
	assert_int_equal(d.n, 0);
	assert_int_equal(bd_console_parse_diagnostics(S("[1,2]"), &d, &err), BD_E_PARSE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(modules_photon_safe_mode),
		cmocka_unit_test(modules_boron_crlf_and_extra_keys),
		cmocka_unit_test(modules_leading_noise),
		cmocka_unit_test(modules_other_function_and_store),
		cmocka_unit_test(modules_no_platform),
		cmocka_unit_test(modules_truncated_json),
		cmocka_unit_test(modules_wrong_types),
		cmocka_unit_test(modules_missing_fields),
		cmocka_unit_test(modules_huge_numbers),
		cmocka_unit_test(modules_too_many_deps),
		cmocka_unit_test(modules_too_many_modules),
		cmocka_unit_test(modules_garbage_and_nul),
		cmocka_unit_test(diagnostics_values_and_errors),
		cmocka_unit_test(diagnostics_rejects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
