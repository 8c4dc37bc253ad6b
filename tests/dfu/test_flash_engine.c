/* test_flash_engine.c - the pure parts of the flash pipeline: progress
 * rate / ETA / bar / lines, and what a backup keeps from a flash region. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "devices_fixture.h"
#include "flash.h"
#include "flash_progress.h"
#include "modbuild.h"

static struct devices_fixture fx;

static void test_eta_math(void **s)
{
	(void)s;
	struct flash_progress p;
	flash_progress_init(&p);
	assert_true(flash_progress_update(&p, "write", 0, 100000, 1000));
	assert_true(p.eta_s < 0); /* nothing done yet: unknown */
	assert_false(flash_progress_update(&p, "write", 25000, 100000, 2000));
	assert_true(p.rate > 24999 && p.rate < 25001);  /* 25000 bytes in 1 s */
	assert_true(p.eta_s > 2.99 && p.eta_s < 3.01);  /* 75000 left at 25000/s */
	assert_int_equal(p.percent, 25);
	char eta[16];
	flash_progress_eta_text(p.eta_s, eta, sizeof eta);
	assert_string_equal(eta, "0:03");
	flash_progress_eta_text(3725, eta, sizeof eta);
	assert_string_equal(eta, "1:02:05");
	flash_progress_eta_text(-1, eta, sizeof eta);
	assert_string_equal(eta, "--:--");
	/* A new phase restarts the clock. */
	assert_true(flash_progress_update(&p, "verify", 50000, 100000, 4000));
	assert_true(p.eta_s < 0);
	flash_progress_update(&p, "verify", 100000, 100000, 5000);
	assert_true(p.eta_s == 0);
	assert_int_equal(p.percent, 100);
}

static void test_bar(void **s)
{
	(void)s;
	struct flash_progress p;
	flash_progress_init(&p);
	flash_progress_update(&p, "write", 0, 1000, 0);
	flash_progress_update(&p, "write", 500, 1000, 1000);
	char line[256];
	flash_progress_bar(&p, 60, line, sizeof line);
	assert_true(strlen(line) <= 60);
	assert_non_null(strstr(line, "write  ["));
	assert_non_null(strstr(line, " 50%"));
	assert_non_null(strstr(line, "ETA 0:01"));
	assert_non_null(strstr(line, "0.5 KB/s"));
	/* Half the bar filled. */
	const char *b = strchr(line, '[');
	size_t hashes = strspn(b + 1, "#"), dots = strspn(b + 1 + hashes, ".");
	assert_true(hashes == dots || hashes + 1 == dots || hashes == dots + 1);
}

static void test_lines_every_ten_percent(void **s)
{
	(void)s;
	struct flash_progress p;
	flash_progress_init(&p);
	char line[256];
	int lines = 0;
	for (uint64_t d = 0; d <= 100; d++) {
		flash_progress_update(&p, "write", d * 1024, 100 * 1024, (int64_t)d * 10);
		if (flash_progress_line(&p, line, sizeof line))
			lines++;
	}
	assert_int_equal(lines, 11); /* 0 %, 10 %, ..., 100 % */
	assert_non_null(strstr(line, "write: 100% (100 of 100 KB"));
	/* Erase counts sectors. */
	flash_progress_update(&p, "erase", 1, 3, 2000);
	assert_true(flash_progress_line(&p, line, sizeof line));
	assert_non_null(strstr(line, "1 of 3 sectors"));
}

static uint8_t *user_part(uint32_t start, int platform, size_t body, size_t *len)
{
	struct modbuild b = {0};
	b.start = start;
	b.platform = (uint16_t)platform;
	b.func = 5;
	b.index = 1;
	b.version = 6;
	b.body_len = body;
	b.sha_seed = 7;
	return modbuild(&b, len);
}

static void test_backup_finds_module_at_region_start(void **s)
{
	(void)s;
	size_t mlen;
	uint8_t *m = user_part(0xB4000, 13, 5000, &mlen);
	size_t region = 262144;
	uint8_t *r = malloc(region);
	memset(r, 0xFF, region);
	memcpy(r, m, mlen);
	size_t off, len;
	assert_true(flash_backup_extract(r, region, 0xB4000, &fx.platforms, &off, &len));
	assert_int_equal(off, 0);
	assert_int_equal(len, mlen);
	free(r);
	free(m);
}

static void test_backup_finds_module_growing_down(void **s)
{
	(void)s; /* P2: the app ends at the top of the 1.5 MB region */
	size_t mlen;
	uint8_t *m = user_part(0x085F4000, 32, 40000, &mlen);
	uint32_t base = 0x08480000;
	size_t region = 0x08600000 - base;
	uint8_t *r = malloc(region);
	memset(r, 0xFF, region);
	memcpy(r + (0x085F4000 - base), m, mlen);
	size_t off, len;
	assert_true(flash_backup_extract(r, region, base, &fx.platforms, &off, &len));
	assert_int_equal(off, 0x085F4000 - base);
	assert_int_equal(len, mlen);
	free(r);
	free(m);
}

static void test_backup_damaged_module_is_raw_trimmed(void **s)
{
	(void)s;
	size_t mlen;
	uint8_t *m = user_part(0x080A0000, 6, 3000, &mlen);
	m[100] ^= 0x55; /* CRC no longer matches */
	size_t region = 131072;
	uint8_t *r = malloc(region);
	memset(r, 0xFF, region);
	memcpy(r, m, mlen);
	size_t off, len;
	assert_false(flash_backup_extract(r, region, 0x080A0000, &fx.platforms, &off, &len));
	assert_int_equal(off, 0);
	assert_true(len <= mlen && len > mlen - 8);
	memset(r, 0xFF, region);
	assert_false(flash_backup_extract(r, region, 0x080A0000, &fx.platforms, &off, &len));
	assert_int_equal(len, 0); /* erased: nothing to save */
	free(r);
	free(m);
}

int main(void)
{
	if (devices_fixture_load(&fx) < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_eta_math),
		cmocka_unit_test(test_bar),
		cmocka_unit_test(test_lines_every_ten_percent),
		cmocka_unit_test(test_backup_finds_module_at_region_start),
		cmocka_unit_test(test_backup_finds_module_growing_down),
		cmocka_unit_test(test_backup_damaged_module_is_raw_trimmed),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	devices_fixture_free(&fx);
	return rc;
}
