/* Tests for transports/dfu/dfuse_layout.c: every alt string in
 * knowledge/devices.json, the lookups, and malformed descriptors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "devices_fixture.h"
#include "dfu/dfuse_layout.h"

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

static void parse_ok(const char *s, struct bd_dfuse_layout *l)
{
	struct bd_error err = {0};
	int rc = bd_dfuse_parse(s, strlen(s), l, &err);
	if (rc != 0)
		fail_msg("\"%s\": %s", s, err.msg);
}

static int parse_fails(const char *s, size_t len, struct bd_error *err)
{
	struct bd_dfuse_layout l;
	bd_error_clear(err);
	int rc = bd_dfuse_parse(s, len, &l, err);
	assert_true(rc < 0);
	assert_int_equal(err->code, rc);
	assert_true(strlen(err->msg) > 0);
	return rc;
}

static void expect_seg(const struct bd_dfuse_segment *s, uint64_t start, uint64_t end,
		       uint32_t sector, char props)
{
	assert_int_equal(s->start, start);
	assert_int_equal(s->end, end);
	assert_int_equal(s->sector_size, sector);
	assert_int_equal(s->props, props);
	unsigned bits = (unsigned)(props - 'a' + 1);
	assert_int_equal(s->readable, (bits & 1) != 0);
	assert_int_equal(s->erasable, (bits & 2) != 0);
	assert_int_equal(s->writable, (bits & 4) != 0);
}

/* Every alt string of every platform parses, into contiguous runs. */
static void test_every_devices_json_alt(void **state)
{
	(void)state;
	size_t seen = 0;
	for (size_t i = 0; i < devs.platforms.n; i++) {
		const struct bd_platform *p = &devs.platforms.v[i];
		for (size_t a = 0; a < p->ndfu_alt; a++) {
			struct bd_dfuse_layout l;
			parse_ok(p->dfu_alt[a], &l);
			assert_true(l.n > 0);
			assert_true(strlen(l.name) > 0);
			for (size_t s = 1; s < l.n; s++)
				assert_int_equal(l.seg[s].start, l.seg[s - 1].end);
			seen++;
		}
	}
	assert_true(seen >= 30);
}

static void test_stm32f2_alts(void **state)
{
	(void)state;
	struct bd_dfuse_layout l;
	const struct bd_platform *photon = devices_fixture_get(&devs, "photon");
	parse_ok(photon->dfu_alt[0], &l);
	assert_string_equal(l.name, "Internal Flash");
	assert_int_equal(l.n, 4);
	expect_seg(&l.seg[0], 0x08000000, 0x0800C000, 16384, 'a');
	expect_seg(&l.seg[1], 0x0800C000, 0x08010000, 16384, 'g');
	expect_seg(&l.seg[2], 0x08010000, 0x08020000, 65536, 'g');
	expect_seg(&l.seg[3], 0x08020000, 0x08100000, 131072, 'g');
	assert_int_equal(l.seg[3].sectors, 7);
	parse_ok(photon->dfu_alt[1], &l);
	assert_string_equal(l.name, "DCT Flash");
	expect_seg(&l.seg[0], 0, 16384, 16384, 'g');
	/* Electron and P1 share the layout. */
	assert_string_equal(devices_fixture_get(&devs, "electron")->dfu_alt[0], photon->dfu_alt[0]);
}

static void test_nrf52840_alts(void **state)
{
	(void)state;
	struct bd_dfuse_layout l;
	const struct bd_platform *boron = devices_fixture_get(&devs, "boron");
	parse_ok(boron->dfu_alt[0], &l);
	assert_int_equal(l.n, 6);
	expect_seg(&l.seg[0], 0x00000, 0x01000, 4096, 'a');
	expect_seg(&l.seg[1], 0x01000, 0x30000, 4096, 'g');
	expect_seg(&l.seg[2], 0x30000, 0xF0000, 4096, 'g');
	expect_seg(&l.seg[3], 0xF0000, 0xF4000, 4096, 'g');
	expect_seg(&l.seg[4], 0xF4000, 0xF8000, 4096, 'g');
	expect_seg(&l.seg[5], 0xF8000, 0x100000, 4096, 'a');
	parse_ok(boron->dfu_alt[1], &l);
	expect_seg(&l.seg[0], 0, 16384, 16384, 'e');
	parse_ok(boron->dfu_alt[2], &l);
	assert_string_equal(l.name, "External Flash");
	expect_seg(&l.seg[0], 0x80000000u, 0x80400000u, 4096, 'g');
	/* 8 MB external flash on the B5-SoM. */
	parse_ok(devices_fixture_get(&devs, "b5som")->dfu_alt[2], &l);
	expect_seg(&l.seg[0], 0x80000000u, 0x80800000u, 4096, 'g');
}

static void test_rtl872x_and_core_alts(void **state)
{
	(void)state;
	struct bd_dfuse_layout l;
	parse_ok(devices_fixture_get(&devs, "p2")->dfu_alt[0], &l);
	assert_int_equal(l.n, 1);
	expect_seg(&l.seg[0], 0x08000000, 0x08800000, 4096, 'g');
	assert_int_equal(l.seg[0].sectors, 2048);
	const struct bd_platform *core = devices_fixture_get(&devs, "core");
	parse_ok(core->dfu_alt[0], &l);
	expect_seg(&l.seg[0], 0x08000000, 0x08005000, 1024, 'a');
	expect_seg(&l.seg[1], 0x08005000, 0x08020000, 1024, 'g');
	parse_ok(core->dfu_alt[1], &l);
	assert_string_equal(l.name, "SPI Flash : SST25x");
	expect_seg(&l.seg[0], 0, 2 * 1024 * 1024, 4096, 'g');
}

static void test_grammar_variants(void **state)
{
	(void)state;
	struct bd_dfuse_layout l;
	/* Units: space, B, K, M; whitespace between tokens; trailing comma. */
	parse_ok("@F/0x0/4*512 g", &l);
	expect_seg(&l.seg[0], 0, 2048, 512, 'g');
	parse_ok("@F/0x0/4*512Bg", &l);
	expect_seg(&l.seg[0], 0, 2048, 512, 'g');
	parse_ok("@F/0x0/4*512g", &l);
	expect_seg(&l.seg[0], 0, 2048, 512, 'g');
	parse_ok("@F/0x0/2*1Mc", &l);
	expect_seg(&l.seg[0], 0, 2 << 20, 1 << 20, 'c');
	parse_ok("  @ Name with  spaces   / 0x10 / 1 * 16 K b , 2*1Kd ,", &l);
	assert_string_equal(l.name, "Name with  spaces");
	expect_seg(&l.seg[0], 0x10, 0x4010, 16384, 'b');
	expect_seg(&l.seg[1], 0x4010, 0x4810, 1024, 'd');
	/* Several address groups (ST style), hex in either case. */
	parse_ok("@Internal Flash/0x08000000/2*4Kg/0x1FFF0000/1*30Ka,/0xabcDEF00/1*1Kf", &l);
	assert_int_equal(l.n, 3);
	expect_seg(&l.seg[1], 0x1FFF0000, 0x1FFF0000 + 30 * 1024, 30 * 1024, 'a');
	expect_seg(&l.seg[2], 0xABCDEF00u, 0xABCDF300u, 1024, 'f');
	/* A NUL ends the descriptor even if len says more. */
	static const char with_nul[] = "@F/0x0/1*4Kg\0garbage";
	struct bd_error err = {0};
	assert_int_equal(bd_dfuse_parse(with_nul, sizeof with_nul, &l, &err), 0);
	assert_int_equal(l.n, 1);
	/* A map ending exactly at 4 GiB is fine. */
	parse_ok("@F/0xFFFFF000/1*4Kg", &l);
	assert_int_equal(l.seg[0].end, 0x100000000ull);
}

static void test_malformed(void **state)
{
	(void)state;
	struct bd_error err;
	static const char *const bad[] = {
		"",
		"Internal Flash/0x0/1*4Kg",
		"@Flash",
		"@F/",
		"@F/0x/1*4Kg",
		"@F/08000000/1*4Kg",
		"@F/0x123456789/1*4Kg",
		"@F/0x0/1*4Kz",
		"@F/0x0/1*4KG",
		"@F/0x0/*4Kg",
		"@F/0x0/1*Kg",
		"@F/0x0/1*4K",
		"@F/0x0/0*4Kg",
		"@F/0x0/1*0Kg",
		"@F/0x0/1*4Kg;",
		"@F/0x0/1*4Kg x",
		"@F/0x0/1*4Kg,,2*4Kg",
		"@F/0x0/99999999999*4Kg",
		"@F/0x0 1*4Kg",
		"@F/0x0/1*4Kg/",
		"@F/0x0/2*4Kg/0x1000/1*4Kg",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int rc = parse_fails(bad[i], strlen(bad[i]), &err);
		if (rc != BD_E_PARSE)
			fail_msg("\"%s\": %d %s", bad[i], rc, err.msg);
	}
	parse_fails(NULL, 5, &err);
	/* Where and what. */
	parse_fails("@F/0x0/1x4Kg", 12, &err);
	assert_non_null(strstr(err.msg, "column 9: expected '*' after the sector count, found 'x'"));
	assert_true(strlen(err.hint) > 0);
	parse_fails("@F/0x0/1*4Kg\x01", 13, &err);
	assert_non_null(strstr(err.msg, "found byte 0x01"));
	assert_null(strchr(err.msg, '\x01'));
	parse_fails("@F/0x0/2*4Kg/0x1000/1*4Kg", 25, &err);
	assert_non_null(strstr(err.msg, "overlap"));
	/* Too large. */
	assert_int_equal(parse_fails("@F/0xFFFFF000/2*4Kg", 19, &err), BD_E_TOO_LARGE);
	assert_int_equal(parse_fails("@F/0x0/4294967295*4294967295Mg", 30, &err), BD_E_TOO_LARGE);
	char many[512] = "@F/0x0/";
	for (int i = 0; i < BD_DFUSE_MAX_SEGMENTS + 1; i++)
		strcat(many, i ? ",1*1Kg" : "1*1Kg");
	assert_int_equal(parse_fails(many, strlen(many), &err), BD_E_TOO_LARGE);
}

static void test_segment_at(void **state)
{
	(void)state;
	struct bd_dfuse_layout l;
	parse_ok(devices_fixture_get(&devs, "argon")->dfu_alt[0], &l);
	assert_ptr_equal(bd_dfuse_segment_at(&l, 0), &l.seg[0]);
	assert_ptr_equal(bd_dfuse_segment_at(&l, 0xFFF), &l.seg[0]);
	assert_ptr_equal(bd_dfuse_segment_at(&l, 0x1000), &l.seg[1]);
	assert_ptr_equal(bd_dfuse_segment_at(&l, 0xFFFFF), &l.seg[5]);
	assert_null(bd_dfuse_segment_at(&l, 0x100000));
	assert_null(bd_dfuse_segment_at(NULL, 0));
}

static void test_erase_sectors(void **state)
{
	(void)state;
	struct bd_dfuse_layout l;
	struct bd_error err = {0};
	uint32_t s[16];

	/* Photon user part: one 128 KB sector. */
	parse_ok(devices_fixture_get(&devs, "photon")->dfu_alt[0], &l);
	assert_int_equal(bd_dfuse_erase_sectors(&l, 0x080A0000, 4752, s, 16, &err), 1);
	assert_int_equal(s[0], 0x080A0000);
	/* Bootloader + DCT: the read-only 16 KB sectors are skipped. */
	assert_int_equal(bd_dfuse_erase_sectors(&l, 0x08000000, 0x10000, s, 16, &err), 1);
	assert_int_equal(s[0], 0x0800C000);
	/* A range straddling 16 KB / 64 KB / 128 KB sectors. */
	assert_int_equal(bd_dfuse_erase_sectors(&l, 0x0800FFFF, 0x10002, s, 16, &err), 3);
	assert_int_equal(s[0], 0x0800C000);
	assert_int_equal(s[1], 0x08010000);
	assert_int_equal(s[2], 0x08020000);
	/* Gen 3 bootloader region: 4 writable pages, the rest read-only. */
	parse_ok(devices_fixture_get(&devs, "boron")->dfu_alt[0], &l);
	assert_int_equal(bd_dfuse_erase_sectors(&l, 0xF4000, 0xC000, s, 16, &err), 4);
	assert_int_equal(s[3], 0xF7000);
	/* P2 tinker: 48 KB = 12 pages; only 5 asked for, count still 12. */
	parse_ok(devices_fixture_get(&devs, "p2")->dfu_alt[0], &l);
	memset(s, 0, sizeof s);
	assert_int_equal(bd_dfuse_erase_sectors(&l, 0x085F4000, 49152, s, 5, &err), 12);
	assert_int_equal(s[4], 0x085F8000);
	assert_int_equal(s[5], 0);
	assert_int_equal(bd_dfuse_erase_sectors(&l, 0x085F4000, 49152, NULL, 0, &err), 12);
	assert_int_equal(bd_dfuse_erase_sectors(&l, 0x085F4000, 0, s, 16, &err), 0);
	/* Outside the map. */
	assert_int_equal(bd_dfuse_erase_sectors(&l, 0x087FF000, 0x2000, s, 16, &err), BD_E_RANGE);
	assert_non_null(strstr(err.msg, "0x08800000"));
	assert_int_equal(bd_dfuse_erase_sectors(&l, 0xFFFFFFFF, 2, s, 16, &err), BD_E_RANGE);
	/* Huge maps are counted, not walked. */
	parse_ok("@F/0x0/4294967295*1 g", &l);
	assert_int_equal(bd_dfuse_erase_sectors(&l, 0, 0x7FFFFFFF, s, 16, &err), 0x7FFFFFFF);
	assert_int_equal(s[15], 15);
	assert_int_equal(bd_dfuse_erase_sectors(&l, 0, 0xFFFFFFFF, s, 16, &err), BD_E_TOO_LARGE);
}

static void test_check_writable(void **state)
{
	(void)state;
	struct bd_dfuse_layout l;
	struct bd_error err = {0};
	uint64_t bs = 0, be = 0;

	parse_ok(devices_fixture_get(&devs, "boron")->dfu_alt[0], &l);
	assert_int_equal(bd_dfuse_check_writable(&l, 0xB4000, 0x40000, &bs, &be, &err), 0);
	assert_int_equal(bd_dfuse_check_writable(&l, 0xB4000, 0, &bs, &be, &err), 0);
	/* Gen 3 bootloader: the top 32 KB are read-only. */
	assert_int_equal(bd_dfuse_check_writable(&l, 0xF4000, 0xA000, &bs, &be, &err), BD_E_ACCESS);
	assert_int_equal(bs, 0xF8000);
	assert_int_equal(be, 0xFE000);
	assert_non_null(strstr(err.msg, "0x000f8000-0x000fdfff"));
	assert_non_null(strstr(err.msg, "read-only"));
	assert_true(strlen(err.hint) > 0);
	/* MBR page. */
	assert_int_equal(bd_dfuse_check_writable(&l, 0, 0x2000, &bs, &be, &err), BD_E_ACCESS);
	assert_int_equal(bs, 0);
	assert_int_equal(be, 0x1000);
	/* Past the end of flash. */
	assert_int_equal(bd_dfuse_check_writable(&l, 0xFF000, 0x3000, &bs, &be, &err), BD_E_ACCESS);
	assert_int_equal(bd_dfuse_check_writable(&l, 0x100000, 0x3000, &bs, &be, &err), BD_E_RANGE);
	assert_int_equal(bs, 0x100000);
	assert_int_equal(be, 0x103000);
	assert_non_null(strstr(err.msg, "outside"));
	assert_int_equal(bd_dfuse_check_writable(&l, 0xFFFFFFFF, 2, NULL, NULL, &err), BD_E_RANGE);
	/* Photon: bootloader sectors. */
	parse_ok(devices_fixture_get(&devs, "photon")->dfu_alt[0], &l);
	assert_int_equal(bd_dfuse_check_writable(&l, 0x08000000, 0x4000, &bs, &be, &err),
			 BD_E_ACCESS);
	assert_int_equal(be, 0x08004000);
	/* A gap between two groups. */
	parse_ok("@F/0x0/1*4Kg/0x2000/1*4Kg", &l);
	assert_int_equal(bd_dfuse_check_writable(&l, 0, 0x3000, &bs, &be, &err), BD_E_RANGE);
	assert_int_equal(bs, 0x1000);
	assert_int_equal(be, 0x2000);
}

static void test_protected(void **state)
{
	(void)state;
	struct bd_dfuse_layout l;
	struct bd_error err = {0};
	parse_ok("@Internal Flash   /0x00000000/1*004Kb,47*004Kb,192*004Kb", &l);
	assert_true(bd_dfuse_looks_protected(&l));
	assert_int_equal(bd_dfuse_check_writable(&l, 0x30000, 16, NULL, NULL, &err), BD_E_ACCESS);
	assert_non_null(strstr(err.hint, "Device-Protected"));
	parse_ok(devices_fixture_get(&devs, "boron")->dfu_alt[0], &l);
	assert_false(bd_dfuse_looks_protected(&l));
	assert_false(bd_dfuse_looks_protected(NULL));
	for (char c = 'a'; c <= 'g'; c++)
		assert_string_not_equal(bd_dfuse_props_text(c), "invalid");
	assert_string_equal(bd_dfuse_props_text('h'), "invalid");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_devices_json_alt),
		cmocka_unit_test(test_stm32f2_alts),
		cmocka_unit_test(test_nrf52840_alts),
		cmocka_unit_test(test_rtl872x_and_core_alts),
		cmocka_unit_test(test_grammar_variants),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_segment_at),
		cmocka_unit_test(test_erase_sectors),
		cmocka_unit_test(test_check_writable),
		cmocka_unit_test(test_protected),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
