/* test_dfu_image.c - transports/dfu against an in-memory DfuSe device
 * (fake_dfuse.c) with the real memory maps of devices.json: write + verify
 * + leave on STM32F2, nRF52840 and rtl872x, read, safe mode, refusals that
 * send nothing, and every fault (stall, errWRITE, errERASE, endless
 * dfuDNBUSY, unplug mid-download). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "devices_fixture.h"
#include "dfu/dfu_image.h"
#include "fake_dfuse.h"

static struct devices_fixture fx;

struct rig {
	struct fake_dfuse f;
	struct bd_usb_xfer x;
	struct bd_dfu_target t;
	struct bd_op op;
	struct bd_error err;
};

static void rig_init(struct rig *r, const char *platform, int64_t deadline_ms)
{
	const struct bd_platform *pl = devices_fixture_get(&fx, platform);
	memset(r, 0, sizeof *r);
	assert_int_equal(fake_dfuse_init(&r->f, pl->dfu_alt[0], pl->dfu_transfer_size), 0);
	r->f.gen2 = (pl->quirks & BD_QUIRK_MANIFEST_AS_IDLE) != 0;
	r->x = fake_dfuse_xfer(&r->f);
	r->t.dfu.x = &r->x;
	r->t.dfu.transfer_size = pl->dfu_transfer_size;
	r->t.layout = &r->f.layout;
	r->t.quirks = pl->quirks;
	r->op.deadline = bd_deadline_in(deadline_ms);
}

static uint8_t *pattern(size_t n, unsigned seed)
{
	uint8_t *b = malloc(n);
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(i * 7 + seed + (i >> 8));
	return b;
}

static void write_verify_leave(const char *platform, uint32_t addr, size_t len,
			       unsigned want_erases, uint8_t want_leave_state)
{
	struct rig r;
	rig_init(&r, platform, 20000);
	/* Old content, so that a missing erase would show (NOR flash). */
	memset(fake_dfuse_at(&r.f, addr), 0x00, 16);
	uint8_t *img = pattern(len, 3);
	int rc = bd_dfu_write_image(&r.t, img, len, addr, true, &r.op, &r.err);
	assert_int_equal(rc, 0);
	assert_memory_equal(fake_dfuse_at(&r.f, addr), img, len);
	assert_int_equal(r.f.erases, want_erases);
	assert_int_equal(r.f.writes, (len + r.f.transfer_size - 1) / r.f.transfer_size);
	assert_true(r.f.uploads > 0); /* verified by reading back */
	assert_int_equal(bd_dfu_leave(&r.t, &r.op, &r.err), 0);
	assert_true(r.f.left);
	assert_int_equal(r.f.state, want_leave_state);
	free(img);
	fake_dfuse_free(&r.f);
}

static void test_write_stm32f2(void **s)
{
	(void)s; /* Photon user part: one 128 KB sector; Gen 2 leaves in DNLOAD-IDLE */
	write_verify_leave("photon", 0x080A0000, 9000, 1, 5);
}

static void test_write_electron(void **s)
{
	(void)s;
	write_verify_leave("electron", 0x08080000, 131072, 1, 5);
}

static void test_write_nrf52840(void **s)
{
	(void)s; /* Boron user part: 4 KB sectors; Gen 3 manifests */
	write_verify_leave("boron", 0xB4000, 10000, 3, 7);
}

static void test_write_argon(void **s)
{
	(void)s;
	write_verify_leave("argon", 0xB4000, 4096, 1, 7);
}

static void test_write_rtl872x(void **s)
{
	(void)s; /* P2 Tinker: 48 KB at 0x085F4000 */
	write_verify_leave("p2", 0x085F4000, 49152, 12, 7);
}

static void test_read(void **s)
{
	(void)s;
	struct rig r;
	rig_init(&r, "boron", 5000);
	uint8_t *img = pattern(9000, 9);
	memcpy(fake_dfuse_at(&r.f, 0xB4000), img, 9000);
	uint8_t buf[9000];
	assert_int_equal(bd_dfu_read_image(&r.t, 0xB4000, buf, sizeof buf, &r.op, &r.err), 0);
	assert_memory_equal(buf, img, sizeof buf);
	assert_int_equal(r.f.writes + r.f.erases, 0);
	free(img);
	fake_dfuse_free(&r.f);
}

static void test_refuse_read_only_sends_nothing(void **s)
{
	(void)s;
	struct rig r;
	rig_init(&r, "photon", 5000);
	uint8_t img[64] = {0};
	int rc = bd_dfu_write_image(&r.t, img, sizeof img, 0x08000000, true, &r.op, &r.err);
	assert_int_equal(rc, BD_E_ACCESS);
	assert_int_equal(r.f.requests, 0);
	rc = bd_dfu_write_image(&r.t, img, sizeof img, 0x09000000, true, &r.op, &r.err);
	assert_int_equal(rc, BD_E_RANGE);
	assert_int_equal(r.f.requests, 0);
	fake_dfuse_free(&r.f);
}

static void test_err_write(void **s)
{
	(void)s;
	struct rig r;
	rig_init(&r, "boron", 5000);
	r.f.err_write = true;
	r.f.err_write_addr = 0xB4000 + 5000;
	uint8_t *img = pattern(10000, 1);
	int rc = bd_dfu_write_image(&r.t, img, 10000, 0xB4000, true, &r.op, &r.err);
	assert_int_equal(rc, BD_E_DEVICE);
	assert_non_null(strstr(r.err.msg, "errWRITE"));
	assert_non_null(strstr(r.err.msg, "writing at 0x000b5000"));
	assert_non_null(strstr(r.err.msg, "dfuERROR"));
	free(img);
	fake_dfuse_free(&r.f);
}

static void test_err_erase(void **s)
{
	(void)s;
	struct rig r;
	rig_init(&r, "photon", 5000);
	r.f.err_erase = true;
	r.f.err_erase_addr = 0x080A0000;
	uint8_t img[100] = {1};
	int rc = bd_dfu_write_image(&r.t, img, sizeof img, 0x080A0000, true, &r.op, &r.err);
	assert_int_equal(rc, BD_E_DEVICE);
	assert_non_null(strstr(r.err.msg, "erasing the sector at 0x080a0000"));
	assert_non_null(strstr(r.err.msg, "errERASE"));
	assert_int_equal(r.f.writes, 0);
	fake_dfuse_free(&r.f);
}

static void test_stall_retried_then_given_up(void **s)
{
	(void)s;
	struct rig r;
	rig_init(&r, "boron", 10000);
	r.f.stall_cmd = 0x21;
	r.f.stall_times = 2; /* two stalls, then it works */
	uint8_t img[100] = {1};
	assert_int_equal(bd_dfu_write_image(&r.t, img, sizeof img, 0xB4000, false, &r.op, &r.err), 0);
	assert_int_equal(r.f.stalls, 2);
	fake_dfuse_free(&r.f);

	rig_init(&r, "boron", 10000);
	r.f.stall_cmd = 0x41;
	r.f.stall_times = 100;
	int rc = bd_dfu_write_image(&r.t, img, sizeof img, 0xB4000, false, &r.op, &r.err);
	assert_int_equal(rc, BD_E_STALL);
	assert_non_null(strstr(r.err.msg, "erasing the sector at 0x000b4000"));
	assert_int_equal(r.f.writes, 0);
	fake_dfuse_free(&r.f);
}

static void test_forever_busy_has_a_deadline(void **s)
{
	(void)s;
	struct rig r;
	rig_init(&r, "boron", 400);
	r.f.forever_busy = true;
	r.f.poll_ms = 60000; /* asks for a minute between polls */
	uint8_t img[100] = {1};
	int64_t t0 = bd_now_ms();
	int rc = bd_dfu_write_image(&r.t, img, sizeof img, 0xB4000, false, &r.op, &r.err);
	int64_t took = bd_now_ms() - t0;
	assert_true(rc == BD_E_TIMEOUT);
	assert_true(took < 2000);
	assert_non_null(strstr(r.err.msg, "dfuDNBUSY"));
	assert_non_null(strstr(r.err.msg, "60000 ms"));
	fake_dfuse_free(&r.f);
}

static void test_unplug_mid_download(void **s)
{
	(void)s;
	struct rig r;
	rig_init(&r, "p2", 5000);
	r.f.unplug_after_blocks = 3;
	uint8_t *img = pattern(40000, 2);
	int rc = bd_dfu_write_image(&r.t, img, 40000, 0x085F4000, true, &r.op, &r.err);
	assert_int_equal(rc, BD_E_DISCONNECTED);
	assert_non_null(strstr(r.err.msg, "writing at 0x085f7000"));
	free(img);
	fake_dfuse_free(&r.f);
}

static void test_leave_gone_is_success(void **s)
{
	(void)s;
	struct rig r;
	rig_init(&r, "boron", 5000);
	r.f.gone = true;
	/* Going idle already fails: the device is not there at all. */
	assert_int_equal(bd_dfu_leave(&r.t, &r.op, &r.err), BD_E_DISCONNECTED);
	fake_dfuse_free(&r.f);
}

static void test_safe_mode_from_dfu(void **s)
{
	(void)s;
	struct rig r;
	rig_init(&r, "boron", 5000);
	assert_int_equal(bd_dfu_safe_mode(&r.t, &r.op, &r.err), 0);
	assert_true(r.f.safe_mode);
	fake_dfuse_free(&r.f);
}

static void test_status_parse(void **s)
{
	(void)s;
	struct bd_dfu_status st;
	struct bd_error e = {0};
	const uint8_t ok[6] = {3, 0x10, 0x27, 0, 10, 0};
	assert_int_equal(bd_dfu_parse_status(ok, 6, &st, &e), 0);
	assert_int_equal(st.status, 3);
	assert_int_equal(st.poll_timeout_ms, 10000);
	assert_int_equal(st.state, 10);
	assert_int_equal(bd_dfu_parse_status(ok, 5, &st, &e), BD_E_PROTOCOL);
	assert_string_equal(bd_dfu_state_name(4), "dfuDNBUSY");
	assert_non_null(strstr(bd_dfu_status_text(4), "errERASE"));
	assert_int_equal(bd_dfuse_status_code(11), BD_E_ACCESS);
}

int main(void)
{
	if (devices_fixture_load(&fx) < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_stm32f2),
		cmocka_unit_test(test_write_electron),
		cmocka_unit_test(test_write_nrf52840),
		cmocka_unit_test(test_write_argon),
		cmocka_unit_test(test_write_rtl872x),
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_refuse_read_only_sends_nothing),
		cmocka_unit_test(test_err_write),
		cmocka_unit_test(test_err_erase),
		cmocka_unit_test(test_stall_retried_then_given_up),
		cmocka_unit_test(test_forever_busy_has_a_deadline),
		cmocka_unit_test(test_unplug_mid_download),
		cmocka_unit_test(test_leave_gone_is_success),
		cmocka_unit_test(test_safe_mode_from_dfu),
		cmocka_unit_test(test_status_parse),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	devices_fixture_free(&fx);
	return rc;
}
