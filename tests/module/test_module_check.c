/* Tests for bd_modfile_check(): every refusal and warning, against the
 * real device data in knowledge/devices.json. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices_fixture.h"
#include "modbuild.h"
#include "module/module_file.h"

static struct devices_fixture devs;

static int setup(void **state)
{
	(void)state;
	return devices_fixture_load(&devs);
}

static int teardown(void **state)
{
	(void)state;
	devices_fixture_free(&devs);
	return 0;
}

/* Builds, parses and checks one module. */
struct checked {
	int rc;
	struct bd_modfile mf;
	struct bd_modfile_report r;
	struct bd_error err;
};

static struct checked *check_built(const struct modbuild *b, int device_platform,
				   const struct bd_module_table *installed)
{
	static struct checked c;
	size_t len;
	uint8_t *f = modbuild(b, &len);
	memset(&c, 0, sizeof c);
	struct bd_error perr = {0};
	if (bd_modfile_parse(f, len, &devs.platforms, &c.mf, &perr) != 0)
		fail_msg("parse: %s", perr.msg);
	c.rc = bd_modfile_check(&c.mf, &devs.platforms, device_platform, installed, &c.r,
				&c.err);
	free(f);
	return &c;
}

static void expect_refused(const struct checked *c, int code, const char *needle)
{
	if (c->rc != code)
		fail_msg("expected %s, got %s: %s", bd_errname(code), bd_errname(c->rc), c->err.msg);
	assert_int_equal(c->err.code, code);
	if (!strstr(c->err.msg, needle))
		fail_msg("\"%s\" not in \"%s\"", needle, c->err.msg);
	assert_true(strlen(c->err.hint) > 0);
}

static void expect_ok(const struct checked *c)
{
	if (c->rc != 0)
		fail_msg("refused: %s", c->err.msg);
}

static bool has_warning(const struct bd_modfile_report *r, const char *needle)
{
	for (size_t i = 0; i < r->nwarn; i++)
		if (strstr(r->warn[i], needle))
			return true;
	return false;
}

static void add_module(struct bd_module_table *t, int func, int index, int version,
		       uint32_t max_size)
{
	struct bd_module *m = &t->m[t->n++];
	memset(m, 0, sizeof *m);
	m->func = func;
	m->index = index;
	m->version = version;
	m->max_size = max_size;
}

static const struct modbuild photon_user = {
	.start = 0x080A0000, .version = 6, .platform = 6, .func = 5, .index = 1,
	.dep_func = {4}, .dep_index = {2}, .dep_version = {2300}, .body_len = 4000,
	.legacy_product = 1, .product_id = 6, .sha_seed = 0x30};

static const struct modbuild boron_user = {
	.start = 0xB4000, .version = 6, .platform = 13, .func = 5, .index = 2,
	.dep_func = {4}, .dep_index = {1}, .dep_version = {6101}, .body_len = 7000};

static void test_photon_user_part_ok(void **state)
{
	(void)state;
	struct bd_module_table t = {.platform_id = 6};
	add_module(&t, BD_MODF_SYSTEM, 1, 2300, 262144);
	add_module(&t, BD_MODF_SYSTEM, 2, 2300, 262144);
	add_module(&t, BD_MODF_USER, 1, 6, 131072);
	struct checked *c = check_built(&photon_user, 6, &t);
	expect_ok(c);
	assert_int_equal(c->r.nwarn, 0);
	assert_int_equal(c->r.platform_id, 6);
	assert_string_equal(c->r.platform_name, "Photon");
	assert_string_equal(c->r.func_name, "user part");
	assert_int_equal(c->r.func, BD_MODF_USER);
	assert_int_equal(c->r.index, 1);
	assert_int_equal(c->r.version, 6);
	assert_int_equal(c->r.start_addr, 0x080A0000);
	assert_int_equal(c->r.end_addr, 0x080A0000 + c->mf.file_len - 4);
	assert_int_equal(c->r.size, c->mf.file_len);
	assert_int_equal(c->r.write_addr, 0x080A0000);
	assert_int_equal(c->r.write_len, c->mf.file_len);
	assert_int_equal(c->r.ndeps, 1);
	assert_int_equal(c->r.deps[0].version, 2300);
	assert_false(c->r.compressed || c->r.encrypted || c->r.drop_module_info || c->r.combined);
	assert_false(c->r.has_product);
	assert_int_equal(strlen(c->r.sha256), 64);
	/* The report is optional. */
	size_t len;
	uint8_t *f = modbuild(&photon_user, &len);
	struct bd_modfile mf;
	assert_int_equal(bd_modfile_parse(f, len, &devs.platforms, &mf, NULL), 0);
	assert_int_equal(bd_modfile_check(&mf, &devs.platforms, 6, &t, NULL, NULL), 0);
	free(f);
}

static void test_platform_mismatch(void **state)
{
	(void)state;
	struct checked *c = check_built(&boron_user, 6, NULL);
	expect_refused(c, BD_E_MISMATCH, "this file is for Boron (13); the device is a Photon (6)");
	assert_non_null(strstr(c->err.hint, "photon"));
	/* The report is filled in anyway. */
	assert_int_equal(c->r.platform_id, 13);
	assert_string_equal(c->r.platform_name, "Boron");
	struct modbuild argon = boron_user;
	argon.platform = 12;
	c = check_built(&argon, 10, NULL);
	expect_refused(c, BD_E_MISMATCH, "this file is for Argon (12); the device is an Electron (10)");
	struct modbuild alien = boron_user;
	alien.platform = 99;
	c = check_built(&alien, 13, NULL);
	expect_refused(c, BD_E_MISMATCH,
		       "this file is for platform 99 (not in knowledge/devices.json); the device "
		       "is a Boron (13)");
	assert_null(c->r.platform_name);
}

static void test_crc_mismatch(void **state)
{
	(void)state;
	size_t len;
	uint8_t *f = modbuild(&photon_user, &len);
	f[1000] ^= 0x40;
	struct bd_modfile mf;
	struct bd_modfile_report r;
	struct bd_error err = {0};
	assert_int_equal(bd_modfile_parse(f, len, &devs.platforms, &mf, &err), 0);
	assert_int_equal(bd_modfile_check(&mf, &devs.platforms, 6, NULL, &r, &err), BD_E_VERIFY);
	char want[96];
	snprintf(want, sizeof want, "the file is damaged: CRC-32 is %08X, the file says %08X",
		 (unsigned)mf.crc_computed, (unsigned)mf.crc_stored);
	assert_string_equal(err.msg, want);
	assert_true(strlen(err.hint) > 0);
	free(f);
}

static void test_truncated(void **state)
{
	(void)state;
	size_t len;
	uint8_t *f = modbuild(&boron_user, &len);
	struct bd_modfile mf;
	struct bd_error err = {0};
	assert_int_equal(bd_modfile_parse(f, len / 2, &devs.platforms, &mf, &err), 0);
	assert_int_equal(bd_modfile_check(&mf, &devs.platforms, 13, NULL, NULL, &err), BD_E_PARSE);
	assert_non_null(strstr(err.msg, "the file is truncated"));
	char want[64];
	snprintf(want, sizeof want, "it has %zu bytes", len / 2);
	assert_non_null(strstr(err.msg, want));
	snprintf(want, sizeof want, "which takes %zu bytes", len);
	assert_non_null(strstr(err.msg, want));
	free(f);
}

static void test_unknown_function(void **state)
{
	(void)state;
	struct modbuild b = boron_user;
	b.func = 12;
	b.dep_func[0] = 0;
	b.dep_index[0] = 0;
	b.dep_version[0] = 0;
	struct checked *c = check_built(&b, 13, NULL);
	expect_refused(c, BD_E_PARSE, "module function 12 is unknown");
	assert_string_equal(c->r.func_name, "unknown");
}

static void test_not_over_dfu(void **state)
{
	(void)state;
	/* Gen 3 bootloader, NCP firmware, asset (any platform). */
	struct modbuild boot = {.start = 0xF4000, .prefix_offset = 0x200, .version = 3001,
				.platform = 13, .func = 2, .body_len = 30000};
	expect_refused(check_built(&boot, 13, NULL), BD_E_NOT_SUPPORTED,
		       "this bootloader cannot be flashed in DFU mode");
	struct modbuild ncp = {.start = 0, .version = 5, .platform = 12, .func = 7,
			       .body_len = 3000};
	expect_refused(check_built(&ncp, 12, NULL), BD_E_NOT_SUPPORTED, "NCP firmware");
	struct modbuild asset = {.start = 0, .platform = 0, .func = 9, .body_len = 300};
	expect_refused(check_built(&asset, 32, NULL), BD_E_NOT_SUPPORTED, "asset");
	struct modbuild comp = boron_user;
	comp.flags = BD_MODFILE_F_COMPRESSED;
	struct checked *c = check_built(&comp, 13, NULL);
	expect_refused(c, BD_E_NOT_SUPPORTED, "compressed");
	assert_true(c->r.compressed);
	struct modbuild enc = {.start = 0x08014000, .platform = 32, .func = 2, .index = 1,
			       .flags = BD_MODFILE_F_ENCRYPTED, .body_len = 3000};
	c = check_built(&enc, 32, NULL);
	expect_refused(c, BD_E_NOT_SUPPORTED, "bootloader");
	assert_true(c->r.encrypted);
	struct modbuild enc_user = boron_user;
	enc_user.flags = BD_MODFILE_F_ENCRYPTED;
	expect_refused(check_built(&enc_user, 13, NULL), BD_E_NOT_SUPPORTED, "encrypted");
}

static void test_not_writable(void **state)
{
	(void)state;
	/* Photon monolithic image over the read-only bootloader sectors. */
	struct modbuild mono = {.start = 0x08000000, .platform = 6, .func = 3, .body_len = 60000};
	struct checked *c = check_built(&mono, 6, NULL);
	expect_refused(c, BD_E_ACCESS, "on a Photon 0x08000000-0x0800bfff (49152 bytes) of "
				       "\"Internal Flash\" is not writable");
	assert_non_null(strstr(c->err.msg, "would be written to 0x08000000-"));
	/* Boron system part over the MBR page. */
	struct modbuild sys = {.start = 0x0, .prefix_offset = 0x200, .platform = 13, .func = 4,
			       .index = 1, .body_len = 9000};
	expect_refused(check_built(&sys, 13, NULL), BD_E_ACCESS, "read-only");
	/* A user part past the end of the Boron's internal flash. */
	struct modbuild far = boron_user;
	far.start = 0x100000;
	expect_refused(check_built(&far, 13, NULL), BD_E_RANGE, "outside the DFU memory map");
	/* A system part running into the Gen 3 bootloader's read-only pages. */
	struct modbuild big = {.start = 0xF0000, .prefix_offset = 0x200, .platform = 13,
			       .func = 4, .index = 1, .body_len = 0x9000};
	expect_refused(check_built(&big, 13, NULL), BD_E_ACCESS, "0x000f8000-");
}

static void test_too_large(void **state)
{
	(void)state;
	/* Photon user part of 128 KB + 1: inside flash, too big for its slot. */
	struct modbuild b = photon_user;
	b.body_len = 131072 - 24 - 40 - 4 + 1;
	struct checked *c = check_built(&b, 6, NULL);
	expect_refused(c, BD_E_TOO_LARGE, "this user part is 131073 bytes; a Photon holds at most "
					  "131072 bytes (128 KB)");
	/* Exactly 128 KB is fine. */
	b.body_len--;
	expect_ok(check_built(&b, 6, NULL));
	/* A Boron user part at the system part's address: outside the slot. */
	struct modbuild low = boron_user;
	low.start = 0x30000;
	expect_refused(check_built(&low, 13, NULL), BD_E_RANGE, "outside the Boron's user-part "
								"area 0x000b4000-0x000f3fff");
	/* The device says its system part 1 slot is smaller than the file. */
	struct bd_module_table t = {.platform_id = 12};
	add_module(&t, BD_MODF_SYSTEM, 1, 4100, 16384);
	struct modbuild sys = {.start = 0x30000, .prefix_offset = 0x200, .version = 4100,
			       .platform = 12, .func = 4, .index = 1, .body_len = 20000};
	expect_refused(check_built(&sys, 12, &t), BD_E_TOO_LARGE,
		       "the device says its system part 1 slot holds at most 16384 bytes");
}

static void test_p2_grows_down(void **state)
{
	(void)state;
	struct modbuild p2 = {.start = 0x085F4000, .version = 6, .platform = 32, .func = 5,
			      .index = 1, .dep_func = {4}, .dep_index = {1},
			      .dep_version = {5301}, .body_len = 0xC000 - 4 - 24 - 36};
	struct checked *c = check_built(&p2, 32, NULL);
	expect_ok(c);
	assert_int_equal(c->r.end_addr + 4, 0x08600000);
	assert_true(has_warning(&c->r, "dependencies were not checked"));
	/* One byte more runs past the user-part area into the file system. */
	p2.body_len++;
	expect_refused(check_built(&p2, 32, NULL), BD_E_RANGE, "user-part area");
	/* A 1.5 MB application at the bottom of the area fits. */
	struct modbuild big = p2;
	big.start = 0x08480000;
	big.body_len = 1572864 - 4 - 24 - 36;
	expect_ok(check_built(&big, 32, NULL));
}

static void test_dependency_warnings(void **state)
{
	(void)state;
	struct bd_module_table t = {.platform_id = 13};
	add_module(&t, BD_MODF_BOOTLOADER, 0, 1200, 0);
	add_module(&t, BD_MODF_SYSTEM, 1, 4100, 0);
	struct checked *c = check_built(&boron_user, 13, &t);
	expect_ok(c);
	assert_int_equal(c->r.nwarn, 1);
	assert_string_equal(c->r.warn[0],
			    "the user part needs system part 1 version 6101 or newer, but the "
			    "device has 4100: it would start in safe mode (breathing magenta); "
			    "update Device OS first (for example `particle update`)");
	/* Up to date: no warning. */
	t.m[1].version = 6101;
	c = check_built(&boron_user, 13, &t);
	expect_ok(c);
	assert_int_equal(c->r.nwarn, 0);
	/* Missing system part. */
	t.n = 1;
	c = check_built(&boron_user, 13, &t);
	assert_true(has_warning(&c->r, "the device reports no system part 1"));
	/* Backup-store copies do not count as the installed module... unless
	 * there is nothing else. */
	add_module(&t, BD_MODF_SYSTEM, 1, 4100, 0);
	t.m[1].store = BD_MODS_BACKUP;
	add_module(&t, BD_MODF_SYSTEM, 1, 6200, 0);
	c = check_built(&boron_user, 13, &t);
	assert_int_equal(c->r.nwarn, 0);
	/* Same application already on the device. */
	struct modbuild same = boron_user;
	same.sha_seed = 0x55;
	add_module(&t, BD_MODF_USER, 2, 6, 262144);
	c = check_built(&same, 13, &t);
	strcpy(t.m[t.n - 1].hash, c->mf.sha256_hex);
	c = check_built(&same, 13, &t);
	expect_ok(c);
	assert_true(has_warning(&c->r, "already runs this exact application"));
}

static void test_flag_and_padding_warnings(void **state)
{
	(void)state;
	struct modbuild b = boron_user;
	b.flags = BD_MODFILE_F_COMBINED;
	struct checked *c = check_built(&b, 13, NULL);
	expect_ok(c);
	assert_true(c->r.combined);
	assert_true(has_warning(&c->r, "COMBINED"));
	/* Unknown flag bits and a malformed suffix. */
	size_t len;
	uint8_t *f = modbuild(&boron_user, &len);
	f[9] = 0x40;
	f[len - 6] = 0xFF;
	f[len - 5] = 0xFF;
	modbuild_fix_crc(f, len - 4);
	struct bd_modfile mf;
	struct bd_modfile_report r;
	struct bd_error err = {0};
	assert_int_equal(bd_modfile_parse(f, len, &devs.platforms, &mf, &err), 0);
	assert_int_equal(bd_modfile_check(&mf, &devs.platforms, 13, NULL, &r, &err), 0);
	assert_true(has_warning(&r, "flags 0x40"));
	assert_true(has_warning(&r, "suffix is missing or malformed"));
	free(f);
	/* Padding after the CRC is written too: say so. */
	f = modbuild(&boron_user, &len);
	uint8_t *g = calloc(1, len + 16);
	memcpy(g, f, len);
	assert_int_equal(bd_modfile_parse(g, len + 16, &devs.platforms, &mf, &err), 0);
	assert_int_equal(bd_modfile_check(&mf, &devs.platforms, 13, NULL, &r, &err), 0);
	assert_true(has_warning(&r, "16 bytes after the module's CRC"));
	assert_int_equal(r.write_len, len + 16);
	free(g);
	free(f);
}

static void test_extension_warnings(void **state)
{
	(void)state;
	/* Five dependencies (two in the prefix, three as extensions). */
	uint8_t ext[3 * 12 + 4], *p = ext;
	for (int i = 0; i < 3; i++) {
		p = modbuild_tlv(p, BD_MODFILE_EXT_DEPENDENCY, 12);
		memcpy(p, "\x04\x01\x01\x00\x00\x00\x00\x00", 8);
		p += 8;
	}
	modbuild_tlv(p, BD_MODFILE_EXT_END, 4);
	struct modbuild b = boron_user;
	b.flags = BD_MODFILE_F_PREFIX_EXTENSIONS;
	b.dep_func[1] = 2;
	b.dep_version[1] = 1;
	b.prefix_ext = ext;
	b.prefix_ext_len = sizeof ext;
	struct checked *c = check_built(&b, 13, NULL);
	expect_ok(c);
	assert_true(has_warning(&c->r, "1 more dependencies than blinkdoc checks"));
	assert_int_equal(c->r.ndeps, BD_MODULE_DEPS_MAX);
	/* Suffix extensions that cannot be read. */
	uint8_t bad[8];
	modbuild_tlv(bad, BD_MODFILE_EXT_PRODUCT_DATA, 400);
	memset(bad + 4, 0, 4);
	struct modbuild s = boron_user;
	s.suffix_ext = bad;
	s.suffix_ext_len = sizeof bad;
	c = check_built(&s, 13, NULL);
	expect_ok(c);
	assert_true(has_warning(&c->r, "some module suffix extensions could not be read"));
}

static void test_radio_stack_drop_module_info(void **state)
{
	(void)state;
	struct modbuild sd = {.start = 0x1000, .version = 182, .platform = 12, .func = 8,
			      .flags = BD_MODFILE_F_DROP_MODULE_INFO, .dep_func = {4, 2},
			      .dep_index = {1, 0}, .dep_version = {1300, 311}, .body_len = 150000};
	struct bd_module_table t = {.platform_id = 12};
	add_module(&t, BD_MODF_SYSTEM, 1, 1300, 0);
	add_module(&t, BD_MODF_BOOTLOADER, 0, 311, 0);
	struct checked *c = check_built(&sd, 12, &t);
	expect_ok(c);
	assert_true(c->r.drop_module_info);
	assert_int_equal(c->r.write_addr, 0x1000);
	assert_int_equal(c->r.write_len, c->mf.file_len - 24);
	assert_int_equal(c->r.nwarn, 0);
}

static void test_other_platforms_ok(void **state)
{
	(void)state;
	/* Core monolithic firmware, prefix after the 0x10C vector table. */
	struct modbuild core = {.start = 0x08005000, .prefix_offset = 0x10C, .platform = 0,
				.func = 3, .body_len = 80000, .legacy_product = 1};
	expect_ok(check_built(&core, 0, NULL));
	/* Electron user part and system part 1 (0x184 prefix, at 0x08060000). */
	struct modbuild eu = {.start = 0x08080000, .platform = 10, .func = 5, .index = 1,
			      .dep_func = {4}, .dep_index = {3}, .dep_version = {2300},
			      .body_len = 9000};
	expect_ok(check_built(&eu, 10, NULL));
	struct modbuild es = {.start = 0x08060000, .prefix_offset = 0x184, .platform = 10,
			      .func = 4, .index = 1, .version = 2300, .body_len = 100000};
	expect_ok(check_built(&es, 10, NULL));
	/* Argon system part at 0x30000 (prefix at 0x200). */
	struct modbuild as = {.start = 0x30000, .prefix_offset = 0x200, .version = 4100,
			      .platform = 12, .func = 4, .index = 1, .dep_func = {8, 2},
			      .dep_version = {202, 1200}, .body_len = 500000};
	expect_ok(check_built(&as, 12, NULL));
}

static void test_bad_device_data(void **state)
{
	(void)state;
	size_t len;
	uint8_t *f = modbuild(&boron_user, &len);
	struct bd_modfile mf;
	struct bd_error err = {0};
	assert_int_equal(bd_modfile_parse(f, len, &devs.platforms, &mf, &err), 0);
	/* Unknown device platform. */
	assert_int_equal(bd_modfile_check(&mf, &devs.platforms, 77, NULL, NULL, &err),
			 BD_E_INVALID);
	assert_non_null(strstr(err.msg, "77"));
	/* A platform without a DFU memory map, and one with a broken one. */
	struct bd_platform p = *devices_fixture_get(&devs, "boron");
	struct bd_platforms one = {&p, 1};
	p.ndfu_alt = 0;
	assert_int_equal(bd_modfile_check(&mf, &one, 13, NULL, NULL, &err), BD_E_NOT_SUPPORTED);
	assert_non_null(strstr(err.msg, "no DFU memory map"));
	p.ndfu_alt = 1;
	p.dfu_alt[0] = "@Internal Flash/0x0/1*4Kq";
	assert_int_equal(bd_modfile_check(&mf, &one, 13, NULL, NULL, &err), BD_E_KNOWLEDGE);
	assert_non_null(strstr(err.msg, "knowledge/devices.json, Boron, dfu.alts[0]"));
	assert_int_equal(bd_modfile_check(NULL, &one, 13, NULL, NULL, &err), BD_E_INVALID);
	/* A platform without a display name falls back to its key. */
	p.dfu_alt[0] = devices_fixture_get(&devs, "boron")->dfu_alt[0];
	p.name = NULL;
	assert_int_equal(bd_modfile_check(&mf, &one, 13, NULL, NULL, &err), 0);
	p.id = 6;
	assert_int_equal(bd_modfile_check(&mf, &one, 6, NULL, NULL, &err), BD_E_MISMATCH);
	assert_non_null(strstr(err.msg, "the device is a boron (6)"));
	free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_photon_user_part_ok),
		cmocka_unit_test(test_platform_mismatch),
		cmocka_unit_test(test_crc_mismatch),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_unknown_function),
		cmocka_unit_test(test_not_over_dfu),
		cmocka_unit_test(test_not_writable),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_p2_grows_down),
		cmocka_unit_test(test_dependency_warnings),
		cmocka_unit_test(test_flag_and_padding_warnings),
		cmocka_unit_test(test_extension_warnings),
		cmocka_unit_test(test_radio_stack_drop_module_info),
		cmocka_unit_test(test_other_platforms_ok),
		cmocka_unit_test(test_bad_device_data),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
