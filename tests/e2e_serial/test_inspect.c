/* `blinkdoc inspect [--json]` against virtual devices: a healthy module
 * table (exit 0, every check passes), the safe-mode dependency case of
 * binary-version-reader's describe (exit 1, finding dependency-failed in
 * plain words), the generated Gen 3 variant, and the JSON contract:
 * modules[] with function, index, version, location, size and a checks
 * object {integrity, address_range, platform, dependencies}; findings[]
 * with id, severity, message.  The module tables come over the console
 * (--route serial): the scenarios' modules_json is the console's `s` reply
 * (the virtual devices' USB GET_MODULE_INFO reports a generated table);
 * safe_mode_dependency_default_route uses every route on a device without
 * control requests. */
#include <stdio.h>
#include <string.h>

#include "e2e.h"

#define PHOTON_ID "3a0028000447343233323032"

static const char *const check_names[] = {"integrity", "address_range", "platform",
					  "dependencies", NULL};

/* The JSON shape every inspect report has; returns the modules array. */
static const cJSON *report_shape(const cJSON *j)
{
	e2e_jkeys(j, E2E_KEYS("device_id", "platform", "platform_id", "healthy", "modules",
			      "findings"));
	const cJSON *mods = e2e_jget(j, "modules");
	assert_true(cJSON_IsArray(mods));
	assert_true(cJSON_GetArraySize(mods) > 0);
	const cJSON *m;
	cJSON_ArrayForEach(m, mods) {
		bool user = !strcmp(e2e_jstr(m, "function"), "user part");
		if (user && cJSON_GetObjectItemCaseSensitive(m, "hash"))
			e2e_jkeys(m, E2E_KEYS("function", "index", "version", "location", "size",
					      "max_size", "checks", "depends_on", "hash"));
		else
			e2e_jkeys(m, E2E_KEYS("function", "index", "version", "location", "size",
					      "max_size", "checks", "depends_on"));
		e2e_jnum(m, "index");
		e2e_jnum(m, "version");
		e2e_jstr(m, "location");
		e2e_jnull(m, "size"); /* the console does not report bytes used */
		e2e_jkeys(e2e_jget(m, "checks"), check_names);
	}
	const cJSON *fs = e2e_jget(j, "findings"), *f;
	assert_true(cJSON_IsArray(fs));
	assert_true(cJSON_GetArraySize(fs) > 0);
	cJSON_ArrayForEach(f, fs) {
		e2e_jkeys(f, E2E_KEYS("id", "severity", "message"));
		assert_true(strlen(e2e_jstr(f, "message")) > 20);
	}
	return mods;
}

/* Module i (in the device's order). */
static const cJSON *module_at(const cJSON *mods, int i)
{
	const cJSON *m = cJSON_GetArrayItem(mods, i);
	assert_non_null(m);
	return m;
}

static void expect_checks(const cJSON *m, const char *integ, const char *range,
			  const char *platform, const char *deps)
{
	const cJSON *c = e2e_jget(m, "checks");
	assert_string_equal(e2e_jstr(c, "integrity"), integ);
	assert_string_equal(e2e_jstr(c, "address_range"), range);
	assert_string_equal(e2e_jstr(c, "platform"), platform);
	assert_string_equal(e2e_jstr(c, "dependencies"), deps);
}

static void healthy_table(void **state)
{
	(void)state;
	struct e2e_run r;
	E2E_BD(&r, "photon-listening", "inspect", "--route", "serial", "--json");
	expect_status(&r, 0);
	cJSON *j = e2e_json(&r);
	const cJSON *mods = report_shape(j);
	assert_string_equal(e2e_jstr(j, "device_id"), PHOTON_ID);
	assert_string_equal(e2e_jstr(j, "platform"), "photon");
	assert_true(e2e_jbool(j, "healthy"));
	/* Every installed module passes every check; the empty factory slot
	 * is not checked at all. */
	int installed = 0;
	const cJSON *m;
	cJSON_ArrayForEach(m, mods) {
		if (!strcmp(e2e_jstr(m, "function"), "empty slot")) {
			expect_checks(m, "not-checked", "not-checked", "not-checked", "not-checked");
			continue;
		}
		expect_checks(m, "pass", "pass", "pass", "pass");
		installed++;
	}
	assert_int_equal(installed, 4); /* bootloader, system parts 1-2, user part */
	assert_string_equal(e2e_jstr(module_at(mods, 0), "function"), "bootloader");
	assert_string_equal(e2e_jstr(module_at(mods, 1), "function"), "system part");
	assert_int_equal((int)e2e_jnum(module_at(mods, 1), "index"), 1);
	assert_int_equal((int)e2e_jnum(module_at(mods, 1), "version"), 2301); /* 2.3.1 */
	assert_string_equal(e2e_jstr(module_at(mods, 1), "location"), "main");
	const cJSON *f = cJSON_GetArrayItem(e2e_jget(j, "findings"), 0);
	assert_string_equal(e2e_jstr(f, "severity"), "info");
	cJSON_Delete(j);
	e2e_run_free(&r);

	E2E_BD(&r, "photon-listening", "inspect", "--route", "serial");
	expect_status(&r, 0);
	expect_out(&r, "system part 2, version 2301, main");
	expect_out(&r, "integrity pass, address range pass, platform pass, dependencies pass");
	expect_no_out(&r, "fail");
	expect_out(&r, "All 4 installed modules passed every check");
	e2e_run_free(&r);
}

static void healthy_gen3(void **state)
{
	(void)state;
	struct e2e_run r;
	E2E_BD(&r, "boron-listening", "inspect", "--route", "serial", "--json");
	expect_status(&r, 0);
	cJSON *j = e2e_json(&r);
	const cJSON *mods = report_shape(j);
	assert_true(e2e_jbool(j, "healthy"));
	assert_string_equal(e2e_jstr(j, "platform"), "boron");
	const cJSON *m;
	cJSON_ArrayForEach(m, mods)
		expect_checks(m, "pass", "pass", "pass", "pass");
	cJSON_Delete(j);
	e2e_run_free(&r);
}

static const char dependency_message[] =
	"System part 2 (version 7) needs system part 1 version 7, but version 6 is installed. "
	"The device therefore starts in safe mode (breathing magenta). Updating Device OS over "
	"USB fixes this.";

static void safe_mode_dependency_json(void **state)
{
	(void)state;
	struct e2e_run r;
	E2E_BD(&r, "photon-safe-mode-modules", "inspect", "--route", "serial", "--json");
	expect_status(&r, 1); /* a problem was found */
	cJSON *j = e2e_json(&r);
	const cJSON *mods = report_shape(j);
	assert_false(e2e_jbool(j, "healthy"));
	assert_int_equal(cJSON_GetArraySize(mods), 5);
	const cJSON *part1 = module_at(mods, 1), *part2 = module_at(mods, 2);
	assert_string_equal(e2e_jstr(part1, "function"), "system part");
	assert_int_equal((int)e2e_jnum(part1, "version"), 6);
	expect_checks(part1, "pass", "pass", "pass", "pass");
	assert_int_equal((int)e2e_jnum(part2, "index"), 2);
	assert_int_equal((int)e2e_jnum(part2, "version"), 7);
	/* vc 30, vv 26: the dependency bit (0x04) was checked and failed. */
	expect_checks(part2, "pass", "pass", "pass", "fail");
	const cJSON *dep = cJSON_GetArrayItem(e2e_jget(part2, "depends_on"), 0);
	assert_non_null(dep);
	e2e_jkeys(dep, E2E_KEYS("function", "index", "version", "installed_version", "satisfied"));
	assert_string_equal(e2e_jstr(dep, "function"), "system part");
	assert_int_equal((int)e2e_jnum(dep, "index"), 1);
	assert_int_equal((int)e2e_jnum(dep, "version"), 7);
	assert_int_equal((int)e2e_jnum(dep, "installed_version"), 6);
	assert_false(e2e_jbool(dep, "satisfied"));
	expect_checks(module_at(mods, 3), "pass", "pass", "pass", "pass"); /* user part */
	assert_string_equal(e2e_jstr(module_at(mods, 3), "hash"),
			    "3fe3d246ab659dc01c4cfe030b89ee23ffbf54edbaa402957cbc47078e631341");

	const cJSON *fs = e2e_jget(j, "findings");
	assert_int_equal(cJSON_GetArraySize(fs), 1);
	const cJSON *f = cJSON_GetArrayItem(fs, 0);
	assert_string_equal(e2e_jstr(f, "id"), "dependency-failed");
	assert_string_equal(e2e_jstr(f, "severity"), "error");
	assert_string_equal(e2e_jstr(f, "message"), dependency_message);
	cJSON_Delete(j);
	e2e_run_free(&r);
}

static void safe_mode_dependency_text(void **state)
{
	(void)state;
	struct e2e_run r;
	E2E_BD(&r, "photon-safe-mode-modules", "inspect", "--route", "serial");
	expect_status(&r, 1);
	expect_out(&r, "system part 2, version 7, main integrity pass, address range pass, "
		       "platform pass, dependencies fail");
	expect_out(&r, "needs system part 1 version 7 (installed: 6) NOT MET");
	expect_out(&r, "[error]");
	expect_out(&r, dependency_message);
	e2e_run_free(&r);
}

static void safe_mode_dependency_gen3(void **state)
{
	(void)state;
	struct e2e_run r;
	E2E_BD(&r, "argon-safe-mode-generated", "inspect", "--route", "serial", "--json");
	expect_status(&r, 1);
	cJSON *j = e2e_json(&r);
	report_shape(j);
	const cJSON *f = cJSON_GetArrayItem(e2e_jget(j, "findings"), 0);
	assert_string_equal(e2e_jstr(f, "id"), "dependency-failed");
	assert_non_null(strstr(e2e_jstr(f, "message"), "needs bootloader version 1510, but "
							"version 1509 is installed"));
	assert_non_null(strstr(e2e_jstr(f, "message"), "safe mode (breathing magenta)"));
	cJSON_Delete(j);
	e2e_run_free(&r);
}

static void safe_mode_dependency_default_route(void **state)
{
	(void)state;
	struct e2e_run r;
	/* The example with no --route, as a person runs it, on a device
	 * that behaves like the real Device OS 0.4.7 on USB: no control
	 * requests (they stall; 0.8.0 brought them), so the console must
	 * answer.  FAILS since 1f1ab14 (USB backend): the dispatcher treats the
	 * stall as final (it falls through only on NOT_SUPPORTED, UNAVAILABLE,
	 * TIMEOUT, PROTOCOL) and inspect exits 5.  Fix in
	 * transports/transport.c bd_first_route(): fall through on BD_E_STALL. */
	E2E_BD(&r, "photon-safe-mode-old-usb", "inspect", "--json");
	expect_status(&r, 1);
	cJSON *j = e2e_json(&r);
	const cJSON *f = cJSON_GetArrayItem(e2e_jget(j, "findings"), 0);
	assert_string_equal(e2e_jstr(f, "id"), "dependency-failed");
	assert_string_equal(e2e_jstr(f, "message"), dependency_message);
	cJSON_Delete(j);
	e2e_run_free(&r);
}

int main(int argc, char **argv)
{
	(void)argc;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(healthy_table),
		cmocka_unit_test(healthy_gen3),
		cmocka_unit_test(safe_mode_dependency_json),
		cmocka_unit_test(safe_mode_dependency_text),
		cmocka_unit_test(safe_mode_dependency_gen3),
		cmocka_unit_test(safe_mode_dependency_default_route),
	};
	return e2e_main(argv, "e2e_serial_inspect", tests, sizeof tests / sizeof tests[0]);
}
