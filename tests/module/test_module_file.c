/* Tests for bd_modfile_parse() and bd_modfile_payload(): real-shaped
 * module files for several platforms, prefix/suffix variants, damaged and
 * foreign files, and the examples of protocols.md §5.3. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "devices_fixture.h"
#include "modbuild.h"
#include "module/crc32.h"
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

static void parse_ok(const uint8_t *buf, size_t len, struct bd_modfile *mf)
{
	struct bd_error err = {0};
	int rc = bd_modfile_parse(buf, len, &devs.platforms, mf, &err);
	if (rc != 0)
		fail_msg("parse: %s", err.msg);
}

static void test_crc32_vectors(void **state)
{
	(void)state;
	const uint8_t *check = (const uint8_t *)"123456789";
	assert_int_equal(bd_crc32(0, check, 9), 0xCBF43926u);
	assert_int_equal(bd_crc32(0, NULL, 0), 0);
	assert_int_equal(bd_crc32(bd_crc32(0, check, 4), check + 4, 5), 0xCBF43926u);
	const uint8_t *fox = (const uint8_t *)"The quick brown fox jumps over the lazy dog";
	assert_int_equal(bd_crc32(0, fox, 43), 0x414FA339u);
	uint8_t zeros[32] = {0};
	assert_int_equal(bd_crc32(0, zeros, 32), 0x190A55ADu);
}

/* Photon user part: prefix at 0, legacy 40-byte suffix, non-product. */
static void test_photon_user_part(void **state)
{
	(void)state;
	struct modbuild b = {.start = 0x080A0000, .version = 6, .platform = 6, .func = 5,
			     .index = 1, .dep_func = {4}, .dep_index = {2}, .dep_version = {2300},
			     .body_len = 4000, .legacy_product = 1, .product_id = 6,
			     .product_version = 0xFFFF, .sha_seed = 0x10};
	size_t len;
	uint8_t *f = modbuild(&b, &len);
	struct bd_modfile mf;
	parse_ok(f, len, &mf);
	assert_int_equal(mf.prefix_offset, 0);
	assert_int_equal(mf.prefix_size, 24);
	assert_int_equal(mf.prefix_score, 7);
	assert_int_equal(mf.start_addr, 0x080A0000);
	assert_int_equal(mf.end_addr, 0x080A0000 + len - 4);
	assert_int_equal(mf.platform_id, 6);
	assert_int_equal(mf.func, BD_MODF_USER);
	assert_int_equal(mf.index, 1);
	assert_int_equal(mf.version, 6);
	assert_int_equal(mf.ndeps, 1);
	assert_int_equal(mf.deps[0].func, BD_MODF_SYSTEM);
	assert_int_equal(mf.deps[0].index, 2);
	assert_int_equal(mf.deps[0].version, 2300);
	assert_true(mf.crc_ok);
	assert_int_equal(mf.crc_offset, len - 4);
	assert_int_equal(mf.trailing, 0);
	assert_true(mf.suffix_ok);
	assert_int_equal(mf.suffix_size, 40);
	assert_false(mf.has_product); /* product id == platform id */
	assert_int_equal(mf.product_id, 6);
	assert_string_equal(mf.sha256_hex,
			    "101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f");
	assert_false(mf.truncated);
	free(f);
}

/* Argon system part: prefix after the 0x200-byte vector table. */
static void test_argon_system_part_at_0x200(void **state)
{
	(void)state;
	struct modbuild b = {.start = 0x30000, .prefix_offset = 0x200, .version = 4100,
			     .platform = 12, .func = 4, .index = 1, .dep_func = {8, 2},
			     .dep_index = {0, 0}, .dep_version = {202, 1200}, .body_len = 20000};
	size_t len;
	uint8_t *f = modbuild(&b, &len);
	struct bd_modfile mf;
	parse_ok(f, len, &mf);
	assert_int_equal(mf.prefix_offset, 0x200);
	assert_int_equal(mf.func, BD_MODF_SYSTEM);
	assert_int_equal(mf.version, 4100);
	assert_int_equal(mf.ndeps, 2);
	assert_int_equal(mf.deps[0].func, BD_MODF_RADIO);
	assert_int_equal(mf.deps[0].version, 202);
	assert_int_equal(mf.deps[1].func, BD_MODF_BOOTLOADER);
	assert_int_equal(mf.deps[1].version, 1200);
	assert_true(mf.crc_ok);
	assert_int_equal(mf.suffix_size, 36);
	assert_string_equal(mf.sha256_hex, ""); /* all-zero hash */
	free(f);
}

/* Every preferred offset, and one only the scan finds. */
static void test_prefix_offsets(void **state)
{
	(void)state;
	static const size_t offsets[] = {0, 0x200, 0x184, 0xC0, 0x10C, 0x20, 0x300, 0x1FFC};
	for (size_t i = 0; i < sizeof offsets / sizeof offsets[0]; i++) {
		struct modbuild b = {.start = 0x08020000, .prefix_offset = offsets[i], .platform = 10,
				     .func = 4, .index = 1, .version = 2300, .body_len = 300};
		size_t len;
		uint8_t *f = modbuild(&b, &len);
		struct bd_modfile mf;
		parse_ok(f, len, &mf);
		assert_int_equal(mf.prefix_offset, offsets[i]);
		assert_true(mf.crc_ok);
		free(f);
	}
	/* Beyond 8 KB nobody looks. */
	struct modbuild b = {.start = 0x08020000, .prefix_offset = 0x2004, .platform = 10,
			     .func = 4, .index = 1, .body_len = 300};
	size_t len;
	uint8_t *f = modbuild(&b, &len);
	struct bd_modfile mf;
	struct bd_error err = {0};
	assert_int_equal(bd_modfile_parse(f, len, &devs.platforms, &mf, &err), BD_E_PARSE);
	assert_non_null(strstr(err.msg, "no module prefix found"));
	free(f);
}

/* Boron user part 0xB4000; P2 user part growing down to 0x08600000 with
 * suffix extensions (dynamic location + product data, 62-byte suffix). */
static void test_boron_and_p2_user_parts(void **state)
{
	(void)state;
	struct modbuild b = {.start = 0xB4000, .version = 6, .platform = 13, .func = 5,
			     .index = 2, .dep_func = {4}, .dep_index = {1}, .dep_version = {6101},
			     .body_len = 6000, .legacy_product = 1, .product_id = 13,
			     .product_version = 3};
	size_t len;
	uint8_t *f = modbuild(&b, &len);
	struct bd_modfile mf;
	parse_ok(f, len, &mf);
	assert_int_equal(mf.start_addr, 0xB4000);
	assert_int_equal(mf.index, 2);
	assert_int_equal(mf.deps[0].version, 6101);
	free(f);

	uint8_t ext[26], *p = ext;
	p = modbuild_tlv(p, BD_MODFILE_EXT_DYNAMIC_LOCATION, 16);
	memset(p, 0x11, 12);
	p += 12;
	p = modbuild_tlv(p, BD_MODFILE_EXT_PRODUCT_DATA, 10);
	memcpy(p, "\xff\xff\x20\x00\x04\x00", 6); /* non-product: 0xFFFF, platform 32 */
	size_t body = 0xC000 - 4 - 24 - 62;
	struct modbuild p2 = {.start = 0x085F4000, .version = 6, .platform = 32, .func = 5,
			      .index = 1, .dep_func = {4}, .dep_index = {1},
			      .dep_version = {5301}, .body_len = body, .suffix_ext = ext,
			      .suffix_ext_len = sizeof ext, .sha_seed = 1};
	f = modbuild(&p2, &len);
	assert_int_equal(len, 49152);
	parse_ok(f, len, &mf);
	assert_int_equal(mf.start_addr, 0x085F4000);
	assert_int_equal(mf.end_addr + 4, 0x08600000);
	assert_int_equal(mf.suffix_size, 62);
	assert_true(mf.suffix_ok);
	assert_false(mf.suffix_ext_bad);
	assert_int_equal(mf.product_id, 32);
	assert_int_equal(mf.product_version, 4);
	assert_false(mf.has_product);
	free(f);

	/* A real product in the extension. */
	memcpy(ext + 16 + 4, "\xff\xff\xf2\x1f\x0d\x00", 6); /* 8178 v13 */
	f = modbuild(&p2, &len);
	parse_ok(f, len, &mf);
	assert_true(mf.has_product);
	assert_int_equal(mf.product_id, 8178);
	assert_int_equal(mf.product_version, 13);
	free(f);

	/* Tracker style: extensions, END, then the bare product id/version
	 * pair below the reserved field (190-byte suffixes in the wild). */
	uint8_t tail[20 + 4 + 4];
	p = modbuild_tlv(tail, BD_MODFILE_EXT_ASSET_DEPENDENCY, 20);
	memset(p, 0x77, 16);
	p = modbuild_tlv(p + 16, BD_MODFILE_EXT_END, 4);
	memcpy(p, "\xf2\x1f\x0d\x00", 4);
	struct modbuild tr = {.start = 0xB4000, .platform = 26, .func = 5, .index = 2,
			      .body_len = 700, .suffix_ext = tail, .suffix_ext_len = sizeof tail};
	f = modbuild(&tr, &len);
	parse_ok(f, len, &mf);
	assert_int_equal(mf.suffix_size, 36 + sizeof tail);
	assert_false(mf.suffix_ext_bad);
	assert_true(mf.has_product);
	assert_int_equal(mf.product_id, 8178);
	assert_int_equal(mf.product_version, 13);
	free(f);

	/* A suffix extension list that runs out of bounds. */
	modbuild_tlv(ext, BD_MODFILE_EXT_DYNAMIC_LOCATION, 200);
	f = modbuild(&p2, &len);
	parse_ok(f, len, &mf);
	assert_true(mf.suffix_ext_bad);
	assert_true(mf.crc_ok);
	free(f);
}

static void test_legacy_product_and_bad_suffix(void **state)
{
	(void)state;
	struct modbuild b = {.start = 0x08080000, .platform = 10, .func = 5, .index = 1,
			     .body_len = 500, .legacy_product = 1, .product_id = 8178,
			     .product_version = 13};
	size_t len;
	uint8_t *f = modbuild(&b, &len);
	struct bd_modfile mf;
	parse_ok(f, len, &mf);
	assert_true(mf.has_product);
	assert_int_equal(mf.product_id, 8178);
	assert_int_equal(mf.product_version, 13);
	/* Suffix size 0xFFFF (erased flash padding): no suffix, CRC still fine. */
	f[len - 6] = 0xFF;
	f[len - 5] = 0xFF;
	modbuild_fix_crc(f, len - 4);
	parse_ok(f, len, &mf);
	assert_false(mf.suffix_ok);
	assert_true(mf.crc_ok);
	assert_false(mf.has_product);
	/* Suffix size below 36. */
	f[len - 6] = 10;
	f[len - 5] = 0;
	modbuild_fix_crc(f, len - 4);
	parse_ok(f, len, &mf);
	assert_false(mf.suffix_ok);
	free(f);
}

static void test_prefix_extensions(void **state)
{
	(void)state;
	uint8_t ext[64], *p = ext;
	p = modbuild_tlv(p, BD_MODFILE_EXT_DEPENDENCY, 12);
	memcpy(p, "\x04\x01\xd5\x17\x00\x00\x00\x00", 8); /* system part 1 v6101 */
	p += 8;
	p = modbuild_tlv(p, BD_MODFILE_EXT_NAME, 4 + 7);
	memcpy(p, "cat.jpg", 7);
	p += 7;
	p = modbuild_tlv(p, BD_MODFILE_EXT_END, 5); /* END padded by one byte */
	*p++ = 0;
	struct modbuild b = {.start = 0x085F3F90, .platform = 32, .func = 5, .index = 1,
			     .flags = BD_MODFILE_F_PREFIX_EXTENSIONS, .dep_func = {4},
			     .dep_index = {1}, .dep_version = {5300}, .prefix_ext = ext,
			     .prefix_ext_len = (size_t)(p - ext), .body_len = 1000};
	size_t len;
	uint8_t *f = modbuild(&b, &len);
	struct bd_modfile mf;
	parse_ok(f, len, &mf);
	assert_int_equal(mf.prefix_size, 24 + 12 + 11 + 5);
	assert_int_equal(mf.ndeps, 2);
	assert_int_equal(mf.deps[1].func, BD_MODF_SYSTEM);
	assert_int_equal(mf.deps[1].version, 6101);
	assert_string_equal(mf.name, "cat.jpg");
	free(f);

	/* No END marker within the module. */
	struct bd_error err = {0};
	b.prefix_ext_len = 12 + 11;
	b.body_len = 0;
	f = modbuild(&b, &len);
	memset(f + 24 + 23, 0x22, len - 4 - 36 - 24 - 23); /* no zero type anywhere */
	modbuild_fix_crc(f, len - 4);
	assert_int_equal(bd_modfile_parse(f, len, &devs.platforms, &mf, &err), BD_E_PARSE);
	assert_non_null(strstr(err.msg, "extensions"));
	free(f);
	/* A length below the 4-byte header. */
	modbuild_tlv(ext, BD_MODFILE_EXT_DEPENDENCY, 3);
	b.prefix_ext_len = (size_t)(p - ext);
	b.body_len = 100;
	f = modbuild(&b, &len);
	assert_int_equal(bd_modfile_parse(f, len, &devs.platforms, &mf, &err), BD_E_PARSE);
	free(f);
	/* Five dependencies: one more than fit. */
	uint8_t many[3 * 12 + 4];
	p = many;
	for (int i = 0; i < 3; i++) {
		p = modbuild_tlv(p, BD_MODFILE_EXT_DEPENDENCY, 12);
		memcpy(p, "\x04\x01\x01\x00\x00\x00\x00\x00", 8);
		p += 8;
	}
	modbuild_tlv(p, BD_MODFILE_EXT_END, 4);
	struct modbuild m = {.start = 0xB4000, .platform = 13, .func = 5, .index = 2,
			     .flags = BD_MODFILE_F_PREFIX_EXTENSIONS, .dep_func = {4, 2},
			     .dep_index = {1, 0}, .dep_version = {1, 1}, .prefix_ext = many,
			     .prefix_ext_len = sizeof many, .body_len = 100};
	f = modbuild(&m, &len);
	parse_ok(f, len, &mf);
	assert_int_equal(mf.ndeps, BD_MODULE_DEPS_MAX);
	assert_int_equal(mf.deps_dropped, 1);
	free(f);
}

static void test_crc_and_padding(void **state)
{
	(void)state;
	struct modbuild b = {.start = 0x080A0000, .platform = 6, .func = 5, .index = 1,
			     .body_len = 1000};
	size_t len;
	uint8_t *f = modbuild(&b, &len);
	struct bd_modfile mf;
	f[100] ^= 0x01;
	parse_ok(f, len, &mf);
	assert_false(mf.crc_ok);
	assert_int_equal(mf.crc_computed, bd_crc32(0, f, len - 4));
	assert_int_not_equal(mf.crc_computed, mf.crc_stored);
	f[100] ^= 0x01;
	assert_int_equal(mf.crc_stored, bd_crc32(0, f, len - 4));

	/* Padded after the CRC: CRC found at the module end, padding counted. */
	uint8_t *g = malloc(len + 100);
	memcpy(g, f, len);
	memset(g + len, 0xFF, 100);
	parse_ok(g, len + 100, &mf);
	assert_true(mf.crc_ok);
	assert_int_equal(mf.crc_offset, len - 4);
	assert_int_equal(mf.trailing, 100);
	assert_int_equal(mf.prefix_score, 6); /* size not exact */
	/* Old bootloader style: CRC over the whole padded file at its end. */
	g[len - 4] ^= 0xFF;
	modbuild_fix_crc(g, len + 100 - 4);
	parse_ok(g, len + 100, &mf);
	assert_true(mf.crc_ok);
	assert_int_equal(mf.crc_offset, len + 96);
	assert_int_equal(mf.trailing, 0);
	/* Neither matches: the module-end CRC is reported. */
	g[len + 99] ^= 0xFF;
	parse_ok(g, len + 100, &mf);
	assert_false(mf.crc_ok);
	assert_int_equal(mf.crc_offset, len - 4);
	free(g);
	free(f);
}

static void test_truncated(void **state)
{
	(void)state;
	struct modbuild b = {.start = 0xB4000, .platform = 13, .func = 5, .index = 2,
			     .dep_func = {4}, .dep_index = {1}, .dep_version = {6101},
			     .body_len = 5000};
	size_t len;
	uint8_t *f = modbuild(&b, &len);
	struct bd_modfile mf;
	parse_ok(f, 3000, &mf);
	assert_true(mf.truncated);
	assert_int_equal(mf.expected_len, len);
	assert_int_equal(mf.file_len, 3000);
	assert_int_equal(mf.func, BD_MODF_USER);
	assert_false(mf.crc_ok);
	/* The payload helper refuses truncated files. */
	const uint8_t *data;
	size_t dlen;
	uint32_t addr;
	assert_int_equal(bd_modfile_payload(f, 3000, &mf, &data, &dlen, &addr), BD_E_INVALID);
	free(f);
}

static void test_not_a_module(void **state)
{
	(void)state;
	struct bd_modfile mf;
	struct bd_error err = {0};
	uint8_t junk[4096];
	for (size_t i = 0; i < sizeof junk; i++)
		junk[i] = (uint8_t)(i * 131 + 7);
	assert_int_equal(bd_modfile_parse(junk, sizeof junk, &devs.platforms, &mf, &err),
			 BD_E_PARSE);
	assert_non_null(strstr(err.msg, "not a Particle module"));
	assert_true(strlen(err.hint) > 0);
	memcpy(junk, "PK\x03\x04", 4);
	bd_modfile_parse(junk, sizeof junk, &devs.platforms, &mf, &err);
	assert_non_null(strstr(err.msg, ".zip"));
	memcpy(junk, "\x7f" "ELF", 4);
	bd_modfile_parse(junk, sizeof junk, &devs.platforms, &mf, &err);
	assert_non_null(strstr(err.msg, "ELF"));
	memcpy(junk, ":10000000", 9);
	bd_modfile_parse(junk, sizeof junk, &devs.platforms, &mf, &err);
	assert_non_null(strstr(err.msg, "Intel HEX"));
	assert_int_equal(bd_modfile_parse(junk, 63, &devs.platforms, &mf, &err), BD_E_PARSE);
	assert_non_null(strstr(err.msg, "63 bytes"));
	assert_int_equal(bd_modfile_parse(NULL, 0, &devs.platforms, &mf, &err), BD_E_PARSE);
	memset(junk, 0, sizeof junk);
	assert_int_equal(bd_modfile_parse(junk, sizeof junk, NULL, &mf, &err), BD_E_PARSE);
	memset(junk, 0xFF, sizeof junk);
	assert_int_equal(bd_modfile_parse(junk, sizeof junk, NULL, &mf, &err), BD_E_PARSE);
}

/* Unknown platform and function still parse (one check fails), so that
 * bd_modfile_check() can say what is wrong. */
static void test_unknown_values_parse(void **state)
{
	(void)state;
	struct modbuild b = {.start = 0xB4000, .platform = 99, .func = 5, .index = 2,
			     .body_len = 100};
	size_t len;
	uint8_t *f = modbuild(&b, &len);
	struct bd_modfile mf;
	parse_ok(f, len, &mf);
	assert_int_equal(mf.platform_id, 99);
	assert_int_equal(mf.prefix_score, 6);
	struct bd_error err = {0};
	assert_int_equal(bd_modfile_parse(f, len, NULL, &mf, &err), 0);
	assert_int_equal(mf.prefix_score, 7);
	free(f);
	b.platform = 13;
	b.func = 12;
	f = modbuild(&b, &len);
	parse_ok(f, len, &mf);
	assert_int_equal(mf.func, 12);
	free(f);
	/* Two unknowns: not plausible any more. */
	b.platform = 99;
	f = modbuild(&b, &len);
	assert_int_equal(bd_modfile_parse(f, len, &devs.platforms, &mf, &err), BD_E_PARSE);
	free(f);
}

static void test_payload(void **state)
{
	(void)state;
	const uint8_t *data;
	size_t dlen;
	uint32_t addr;
	struct bd_modfile mf;
	/* Argon radio stack (SoftDevice): DROP_MODULE_INFO, start 0x1000. */
	struct modbuild b = {.start = 0x1000, .version = 182, .platform = 12, .func = 8,
			     .flags = BD_MODFILE_F_DROP_MODULE_INFO, .dep_func = {4, 2},
			     .dep_index = {1, 0}, .dep_version = {1300, 311}, .body_len = 3000};
	size_t len;
	uint8_t *f = modbuild(&b, &len);
	parse_ok(f, len, &mf);
	assert_int_equal(bd_modfile_payload(f, len, &mf, &data, &dlen, &addr), 0);
	assert_ptr_equal(data, f + 24);
	assert_int_equal(dlen, len - 24);
	assert_int_equal(addr, 0x1000);
	assert_int_equal(bd_modfile_payload(f, len - 1, &mf, &data, &dlen, &addr), BD_E_INVALID);
	assert_int_equal(bd_modfile_payload(NULL, len, &mf, &data, &dlen, &addr), BD_E_INVALID);
	free(f);
	b.flags = 0;
	b.func = 5;
	b.start = 0xB4000;
	f = modbuild(&b, &len);
	parse_ok(f, len, &mf);
	assert_int_equal(bd_modfile_payload(f, len, &mf, &data, &dlen, &addr), 0);
	assert_ptr_equal(data, f);
	assert_int_equal(dlen, len);
	assert_int_equal(addr, 0xB4000);
	assert_int_equal(bd_modfile_payload(f, len, &mf, NULL, NULL, NULL), 0);
	free(f);
}

/* The parsed-fixture examples of protocols.md §5.3, rebuilt in their shape. */
static void test_section_5_3_examples(void **state)
{
	(void)state;
	struct bd_modfile mf;
	size_t len;
	/* Argon tinker 6.2.0: platform 12, user part index 2, needs system
	 * part 1 v6101, starts at 0xB4000. */
	struct modbuild tinker = {.start = 0xB4000, .version = 6, .platform = 12, .func = 5,
				  .index = 2, .dep_func = {4}, .dep_index = {1},
				  .dep_version = {6101}, .body_len = 6800, .legacy_product = 1,
				  .product_id = 12, .product_version = 6, .sha_seed = 0x42};
	uint8_t *f = modbuild(&tinker, &len);
	parse_ok(f, len, &mf);
	assert_int_equal(mf.platform_id, 12);
	assert_int_equal(mf.func, BD_MODF_USER);
	assert_int_equal(mf.index, 2);
	assert_int_equal(mf.deps[0].func, BD_MODF_SYSTEM);
	assert_int_equal(mf.deps[0].index, 1);
	assert_int_equal(mf.deps[0].version, 6101);
	assert_int_equal(mf.start_addr, 0xB4000);
	free(f);
	/* Argon system part 4.1.0: function 4 index 1 v4100, needs radio
	 * stack (8,0,202) and bootloader (2,0,1200); prefix after vectors. */
	struct modbuild sys = {.start = 0x30000, .prefix_offset = 0x200, .version = 4100,
			       .platform = 12, .func = 4, .index = 1, .dep_func = {8, 2},
			       .dep_version = {202, 1200}, .body_len = 60000};
	f = modbuild(&sys, &len);
	parse_ok(f, len, &mf);
	assert_int_equal(mf.version, 4100);
	assert_int_equal(mf.deps[0].func, BD_MODF_RADIO);
	assert_int_equal(mf.deps[1].func, BD_MODF_BOOTLOADER);
	free(f);
	/* Argon bootloader 6.2.0: function 2 v3001, prefix at 0x200, 0xF4000. */
	struct modbuild boot = {.start = 0xF4000, .prefix_offset = 0x200, .version = 3001,
				.platform = 12, .func = 2, .body_len = 40000};
	f = modbuild(&boot, &len);
	parse_ok(f, len, &mf);
	assert_int_equal(mf.prefix_offset, 0x200);
	assert_int_equal(mf.func, BD_MODF_BOOTLOADER);
	assert_int_equal(mf.version, 3001);
	assert_int_equal(mf.start_addr, 0xF4000);
	free(f);
}

static void test_func_names(void **state)
{
	(void)state;
	assert_string_equal(bd_modfile_func_name(BD_MODF_USER), "user part");
	assert_string_equal(bd_modfile_func_name(BD_MODF_SYSTEM), "system part");
	assert_string_equal(bd_modfile_func_name(BD_MODF_RADIO), "radio stack");
	assert_string_equal(bd_modfile_func_name(42), "unknown");
	assert_string_equal(bd_modfile_func_name(-1), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc32_vectors),
		cmocka_unit_test(test_photon_user_part),
		cmocka_unit_test(test_argon_system_part_at_0x200),
		cmocka_unit_test(test_prefix_offsets),
		cmocka_unit_test(test_boron_and_p2_user_parts),
		cmocka_unit_test(test_legacy_product_and_bad_suffix),
		cmocka_unit_test(test_prefix_extensions),
		cmocka_unit_test(test_crc_and_padding),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_not_a_module),
		cmocka_unit_test(test_unknown_values_parse),
		cmocka_unit_test(test_payload),
		cmocka_unit_test(test_section_5_3_examples),
		cmocka_unit_test(test_func_names),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
