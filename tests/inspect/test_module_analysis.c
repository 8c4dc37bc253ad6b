/* Unit tests for module_analysis: healthy tables, the Photon safe-mode
 * dependency case, each failure kind, empty factory slots, ordering. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "console_parse.h"
#include "module_analysis.h"

static const struct bd_platform test_platform_rows[] = {
	{.id = 0, .key = "core", .name = "Core", .gen = 1},
	{.id = 6, .key = "photon", .name = "Photon", .gen = 2},
	{.id = 12, .key = "argon", .name = "Argon", .gen = 3},
	{.id = 13, .key = "boron", .name = "Boron", .gen = 3},
};
static const struct bd_platforms test_platforms = {test_platform_rows, 4};

#define ALL_CHECKS 30u /* integrity | dependencies | range | platform */

static struct bd_module *add(struct bd_module_table *t, int func, int index, int version,
			     int store, uint32_t max, uint32_t vc, uint32_t vv)
{
	struct bd_module *m = &t->m[t->n++];
	memset(m, 0, sizeof *m);
	m->func = func;
	m->index = index;
	m->version = version;
	m->store = store;
	m->max_size = max;
	m->checked = vc;
	m->passed = vv;
	return m;
}

static void dep(struct bd_module *m, int func, int index, int version)
{
	m->deps[m->ndeps].func = func;
	m->deps[m->ndeps].index = index;
	m->deps[m->ndeps].version = version;
	m->ndeps++;
}

static void boron_healthy(struct bd_module_table *t)
{
	memset(t, 0, sizeof *t);
	t->platform_id = 13;
	add(t, BD_MODF_BOOTLOADER, 0, 3001, BD_MODS_MAIN, 49152, 30, 30);
	add(t, BD_MODF_RADIO, 0, 202, BD_MODS_MAIN, 192512, 30, 30);
	struct bd_module *s = add(t, BD_MODF_SYSTEM, 1, 6200, BD_MODS_MAIN, 786432, 30, 30);
	dep(s, BD_MODF_BOOTLOADER, 0, 3001);
	dep(s, BD_MODF_RADIO, 0, 202);
	struct bd_module *u = add(t, BD_MODF_USER, 2, 6, BD_MODS_MAIN, 262144, 30, 30);
	dep(u, BD_MODF_SYSTEM, 1, 6101);
}

static void photon_safe_mode(struct bd_module_table *t)
{
	memset(t, 0, sizeof *t);
	t->platform_id = 6;
	add(t, BD_MODF_BOOTLOADER, 0, 4, BD_MODS_MAIN, 16384, 30, 30);
	add(t, BD_MODF_SYSTEM, 1, 6, BD_MODS_MAIN, 262144, 30, 30);
	struct bd_module *p2 = add(t, BD_MODF_SYSTEM, 2, 7, BD_MODS_MAIN, 262144, 30, 26);
	dep(p2, BD_MODF_SYSTEM, 1, 7);
	struct bd_module *u = add(t, BD_MODF_USER, 1, 4, BD_MODS_MAIN, 131072, 30, 30);
	dep(u, BD_MODF_SYSTEM, 2, 7);
	add(t, BD_MODF_NONE, 0, 0, BD_MODS_FACTORY, 131072, 30, 0);
}

static size_t count_id(const struct bd_inspect_report *r, enum bd_inspect_finding_id id)
{
	size_t n = 0;
	for (size_t i = 0; i < r->nfindings; i++)
		n += r->findings[i].id == id;
	return n;
}

static const struct bd_inspect_finding *first_id(const struct bd_inspect_report *r,
						 enum bd_inspect_finding_id id)
{
	for (size_t i = 0; i < r->nfindings; i++)
		if (r->findings[i].id == id)
			return &r->findings[i];
	return NULL;
}

static struct bd_module_table table;
static struct bd_inspect_report report;

static void healthy_gen3(void **state)
{
	(void)state;
	boron_healthy(&table);
	assert_int_equal(bd_inspect_analyse(&table, &test_platforms, 13, &report), 0);
	assert_int_equal(report.nfindings, 1);
	const struct bd_inspect_finding *f = bd_inspect_most_important(&report);
	assert_int_equal(f->id, BD_FINDING_NONE);
	assert_string_equal(bd_inspect_finding_name(f->id), "none");
	assert_int_equal(f->severity, BD_SEVERITY_INFO);
	assert_string_equal(f->message, "All 4 installed modules passed every check the device ran.");
	assert_true(report.healthy);
	assert_false(report.explains_safe_mode);
	assert_int_equal(report.platform_id, 13);
	assert_int_equal(report.nmodules, 4);
	const struct bd_inspect_module *s = &report.modules[2];
	assert_string_equal(s->function, "system part");
	assert_string_equal(s->location, "main");
	assert_int_equal(s->max_size, 786432);
	assert_string_equal(bd_inspect_check_name(s->integrity), "pass");
	assert_string_equal(bd_inspect_check_name(s->address_range), "pass");
	assert_string_equal(bd_inspect_check_name(s->platform), "pass");
	assert_string_equal(bd_inspect_check_name(s->dependencies), "pass");
	assert_int_equal(s->ndeps, 2);
	assert_true(s->deps[0].satisfied);
	assert_int_equal(s->deps[1].installed_version, 202);
	assert_string_equal(report.modules[1].function, "radio stack");
	assert_string_equal(report.modules[3].function, "user part");
	assert_true(report.modules[3].deps[0].satisfied); /* 6200 >= 6101 */
}

static void safe_mode_dependency(void **state)
{
	(void)state;
	photon_safe_mode(&table);
	assert_int_equal(bd_inspect_analyse(&table, &test_platforms, 6, &report), 0);
	assert_int_equal(report.nfindings, 1);
	const struct bd_inspect_finding *f = bd_inspect_most_important(&report);
	assert_string_equal(bd_inspect_finding_name(f->id), "dependency-failed");
	assert_string_equal(bd_inspect_severity_name(f->severity), "error");
	assert_string_equal(f->message,
			    "System part 2 (version 7) needs system part 1 version 7, but version 6 "
			    "is installed. The device therefore starts in safe mode (breathing "
			    "magenta). Updating Device OS over USB fixes this.");
	assert_int_equal(f->module, 2);
	assert_true(f->causes_safe_mode);
	assert_true(report.explains_safe_mode);
	assert_false(report.healthy);
	const struct bd_inspect_module *p2 = &report.modules[2];
	assert_string_equal(bd_inspect_check_name(p2->dependencies), "fail");
	assert_string_equal(bd_inspect_check_name(p2->integrity), "pass");
	assert_false(p2->deps[0].satisfied);
	assert_int_equal(p2->deps[0].installed_version, 6);
	/* the empty factory slot is normal */
	const struct bd_inspect_module *fs = &report.modules[4];
	assert_true(fs->empty);
	assert_string_equal(fs->function, "empty slot");
	assert_string_equal(fs->location, "factory");
	assert_int_equal(fs->max_size, 131072);
	assert_string_equal(bd_inspect_check_name(fs->integrity), "not-checked");
	assert_string_equal(bd_inspect_check_name(fs->dependencies), "not-checked");
}

/* The same case straight from the console reply, as the CLI's fixture has
 * it (with its odd second "system part 1" entry in the user slot). */
static void safe_mode_from_console_reply(void **state)
{
	(void)state;
	static const char reply[] =
		"{\"f\":[],\"v\":{},\"p\":6,\"m\":["
		"{\"s\":16384,\"l\":\"m\",\"vc\":30,\"vv\":30,\"f\":\"b\",\"n\":\"0\",\"v\":4,\"d\":[]},"
		"{\"s\":262144,\"l\":\"m\",\"vc\":30,\"vv\":30,\"f\":\"s\",\"n\":\"1\",\"v\":6,\"d\":[]},"
		"{\"s\":262144,\"l\":\"m\",\"vc\":30,\"vv\":26,\"f\":\"s\",\"n\":\"2\",\"v\":7,"
		"\"d\":[{\"f\":\"s\",\"n\":\"1\",\"v\":7,\"_\":\"\"}]},"
		"{\"s\":131072,\"l\":\"m\",\"vc\":30,\"vv\":30,\"f\":\"s\",\"n\":\"1\",\"v\":6,\"d\":[]},"
		"{\"s\":131072,\"l\":\"f\",\"vc\":30,\"vv\":0,\"d\":[]}]}\r\n";
	assert_int_equal(bd_console_parse_modules(reply, sizeof reply - 1, &table, NULL), 0);
	assert_int_equal(bd_inspect_analyse(&table, &test_platforms, -1, &report), 0);
	assert_int_equal(bd_inspect_most_important(&report)->id, BD_FINDING_DEPENDENCY_FAILED);
	assert_true(report.explains_safe_mode);
	/* no user part in that table: reported too, but less important */
	assert_int_equal(count_id(&report, BD_FINDING_NO_USER_PART), 1);
	assert_int_equal(report.platform_id, 6);
}

static void integrity_failed(void **state)
{
	(void)state;
	boron_healthy(&table);
	table.m[2].passed = ALL_CHECKS & ~BD_MODV_INTEGRITY;
	assert_int_equal(bd_inspect_analyse(&table, &test_platforms, 13, &report), 0);
	const struct bd_inspect_finding *f = bd_inspect_most_important(&report);
	assert_int_equal(f->id, BD_FINDING_INTEGRITY_FAILED);
	assert_int_equal(f->severity, BD_SEVERITY_ERROR);
	assert_non_null(strstr(f->message, "System part 1 (version 6200) is damaged"));
	assert_non_null(strstr(f->message, "Updating Device OS over USB"));
	assert_string_equal(bd_inspect_check_name(report.modules[2].integrity), "fail");
	assert_false(report.healthy);
}

static void integrity_before_dependency(void **state)
{
	(void)state;
	photon_safe_mode(&table);
	table.m[1].passed = ALL_CHECKS & ~BD_MODV_INTEGRITY; /* part 1 damaged too */
	assert_int_equal(bd_inspect_analyse(&table, &test_platforms, 6, &report), 0);
	assert_int_equal(count_id(&report, BD_FINDING_DEPENDENCY_FAILED), 1);
	assert_int_equal(bd_inspect_most_important(&report)->id, BD_FINDING_INTEGRITY_FAILED);
	assert_true(report.explains_safe_mode);
}

static void platform_mismatch(void **state)
{
	(void)state;
	boron_healthy(&table);
	table.m[3].passed = ALL_CHECKS & ~BD_MODV_PLATFORM; /* an app for another device */
	assert_int_equal(bd_inspect_analyse(&table, &test_platforms, 13, &report), 0);
	const struct bd_inspect_finding *f = bd_inspect_most_important(&report);
	assert_int_equal(f->id, BD_FINDING_PLATFORM_MISMATCH);
	assert_true(f->causes_safe_mode);
	assert_non_null(strstr(f->message, "The app (user part, version 6)"));
	assert_non_null(strstr(f->message, "Flash an app built for Boron."));
	assert_true(report.explains_safe_mode);
}

static void table_platform_differs_from_device(void **state)
{
	(void)state;
	boron_healthy(&table);
	assert_int_equal(bd_inspect_analyse(&table, &test_platforms, 12, &report), 0);
	const struct bd_inspect_finding *f = first_id(&report, BD_FINDING_PLATFORM_MISMATCH);
	assert_non_null(f);
	assert_int_equal(f->module, -1);
	assert_non_null(strstr(f->message, "platform 13 (Boron)"));
	assert_non_null(strstr(f->message, "platform 12 (Argon)"));
	assert_false(report.explains_safe_mode);
}

static void address_range_failed(void **state)
{
	(void)state;
	boron_healthy(&table);
	table.m[1].passed = ALL_CHECKS & ~BD_MODV_RANGE;
	assert_int_equal(bd_inspect_analyse(&table, &test_platforms, 13, &report), 0);
	const struct bd_inspect_finding *f = bd_inspect_most_important(&report);
	assert_int_equal(f->id, BD_FINDING_ADDRESS_RANGE_FAILED);
	assert_non_null(strstr(f->message, "Radio stack (version 202)"));
}

static void missing_user_part(void **state)
{
	(void)state;
	boron_healthy(&table);
	table.n = 3; /* drop the user part */
	assert_int_equal(bd_inspect_analyse(&table, &test_platforms, 13, &report), 0);
	assert_int_equal(report.nfindings, 1);
	const struct bd_inspect_finding *f = bd_inspect_most_important(&report);
	assert_string_equal(bd_inspect_finding_name(f->id), "no-user-part");
	assert_int_equal(f->severity, BD_SEVERITY_WARNING);
	assert_true(report.explains_safe_mode);
	assert_non_null(strstr(f->message, "Tinker"));
}

static void user_part_invalid(void **state)
{
	(void)state;
	boron_healthy(&table);
	table.m[3].passed = ALL_CHECKS & ~BD_MODV_INTEGRITY;
	assert_int_equal(bd_inspect_analyse(&table, &test_platforms, 13, &report), 0);
	const struct bd_inspect_finding *f = bd_inspect_most_important(&report);
	assert_string_equal(bd_inspect_finding_name(f->id), "user-part-invalid");
	assert_non_null(strstr(f->message, "failed its integrity check"));
	assert_true(report.explains_safe_mode);
	assert_int_equal(count_id(&report, BD_FINDING_INTEGRITY_FAILED), 0);
}

static void system_part_missing(void **state)
{
	(void)state;
	/* an Electron-style app needing system part 3, which is not there */
	photon_safe_mode(&table);
	table.m[2].passed = 30;
	table.m[3].deps[0].index = 3;
	table.m[3].passed = ALL_CHECKS & ~BD_MODV_DEPENDENCIES;
	assert_int_equal(bd_inspect_analyse(&table, &test_platforms, 6, &report), 0);
	const struct bd_inspect_finding *f = bd_inspect_most_important(&report);
	assert_string_equal(bd_inspect_finding_name(f->id), "system-part-missing");
	assert_non_null(strstr(f->message, "but no system part 3 is installed"));
	assert_true(report.explains_safe_mode);
	assert_int_equal(count_id(&report, BD_FINDING_DEPENDENCY_FAILED), 0);
}

static void no_system_part_at_all(void **state)
{
	(void)state;
	memset(&table, 0, sizeof table);
	table.platform_id = 12;
	add(&table, BD_MODF_BOOTLOADER, 0, 3001, BD_MODS_MAIN, 49152, 30, 30);
	add(&table, BD_MODF_USER, 1, 6, BD_MODS_MAIN, 262144, 30, 30);
	assert_int_equal(bd_inspect_analyse(&table, &test_platforms, 12, &report), 0);
	assert_int_equal(bd_inspect_most_important(&report)->id, BD_FINDING_SYSTEM_PART_MISSING);
}

static void empty_factory_slot_is_normal(void **state)
{
	(void)state;
	boron_healthy(&table);
	add(&table, BD_MODF_NONE, 0, 0, BD_MODS_FACTORY, 262144, 30, 0);
	/* a damaged backup copy is reported but is not what runs */
	add(&table, BD_MODF_SYSTEM, 1, 5, BD_MODS_BACKUP, 786432, 30, 0);
	assert_int_equal(bd_inspect_analyse(&table, &test_platforms, 13, &report), 0);
	assert_true(report.healthy);
	assert_int_equal(report.nfindings, 1);
	assert_string_equal(report.modules[5].location, "backup");
	assert_string_equal(bd_inspect_check_name(report.modules[5].integrity), "fail");
}

static void unchecked_dependency_is_a_warning(void **state)
{
	(void)state;
	photon_safe_mode(&table);
	table.m[2].checked = ALL_CHECKS & ~BD_MODV_DEPENDENCIES;
	table.m[2].passed = table.m[2].checked;
	assert_int_equal(bd_inspect_analyse(&table, &test_platforms, 6, &report), 0);
	const struct bd_inspect_finding *f = bd_inspect_most_important(&report);
	assert_int_equal(f->id, BD_FINDING_DEPENDENCY_FAILED);
	assert_int_equal(f->severity, BD_SEVERITY_WARNING);
	assert_false(f->causes_safe_mode);
	assert_string_equal(bd_inspect_check_name(report.modules[2].dependencies), "not-checked");
}

static void monolithic_core(void **state)
{
	(void)state;
	memset(&table, 0, sizeof table);
	table.platform_id = 0;
	add(&table, BD_MODF_MONO, 0, 1, BD_MODS_MAIN, 110592, 30, 30);
	assert_int_equal(bd_inspect_analyse(&table, &test_platforms, 0, &report), 0);
	assert_true(report.healthy);
	assert_string_equal(report.modules[0].function, "monolithic firmware");
}

static void empty_table_and_args(void **state)
{
	(void)state;
	memset(&table, 0, sizeof table);
	table.platform_id = -1;
	assert_int_equal(bd_inspect_analyse(&table, NULL, -1, &report), 0);
	assert_int_equal(report.nfindings, 1);
	assert_non_null(strstr(report.findings[0].message, "no modules"));
	assert_int_equal(bd_inspect_analyse(NULL, NULL, -1, &report), BD_E_INVALID);
	assert_int_equal(bd_inspect_analyse(&table, NULL, -1, NULL), BD_E_INVALID);
}

static void names(void **state)
{
	(void)state;
	static const char *const ids[] = {"none",
					  "dependency-failed",
					  "integrity-failed",
					  "platform-mismatch",
					  "address-range-failed",
					  "no-user-part",
					  "user-part-invalid",
					  "system-part-missing"};
	for (int i = 0; i <= BD_FINDING_SYSTEM_PART_MISSING; i++)
		assert_string_equal(bd_inspect_finding_name((enum bd_inspect_finding_id)i), ids[i]);
	assert_string_equal(bd_inspect_function_name(BD_MODF_NCP), "network co-processor firmware");
	assert_string_equal(bd_inspect_function_name(BD_MODF_ASSET), "asset");
	assert_string_equal(bd_inspect_function_name(BD_MODF_BOOTLOADER), "bootloader");
	assert_string_equal(bd_inspect_function_name(-1), "unknown module");
	assert_string_equal(bd_inspect_location_name(BD_MODS_SCRATCH), "scratchpad");
	assert_string_equal(bd_inspect_location_name(-1), "unknown");
	assert_string_equal(bd_inspect_severity_name(BD_SEVERITY_WARNING), "warning");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(healthy_gen3),
		cmocka_unit_test(safe_mode_dependency),
		cmocka_unit_test(safe_mode_from_console_reply),
		cmocka_unit_test(integrity_failed),
		cmocka_unit_test(integrity_before_dependency),
		cmocka_unit_test(platform_mismatch),
		cmocka_unit_test(table_platform_differs_from_device),
		cmocka_unit_test(address_range_failed),
		cmocka_unit_test(missing_user_part),
		cmocka_unit_test(user_part_invalid),
		cmocka_unit_test(system_part_missing),
		cmocka_unit_test(no_system_part_at_all),
		cmocka_unit_test(empty_factory_slot_is_normal),
		cmocka_unit_test(unchecked_dependency_is_a_warning),
		cmocka_unit_test(monolithic_core),
		cmocka_unit_test(empty_table_and_args),
		cmocka_unit_test(names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
