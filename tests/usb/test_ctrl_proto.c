/* Tests for transports/usb/ctrl_proto.c: setup packets, service replies,
 * every status and result code. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "usb/ctrl_proto.h"

static void expect_setup(const struct bd_ctrl_setup *s, uint8_t type, uint8_t req,
			 uint16_t value, uint16_t index, uint16_t length)
{
	assert_int_equal(s->bmRequestType, type);
	assert_int_equal(s->bRequest, req);
	assert_int_equal(s->wValue, value);
	assert_int_equal(s->wIndex, index);
	assert_int_equal(s->wLength, length);
}

static void test_setup_packets(void **state)
{
	(void)state;
	struct bd_ctrl_setup s;
	bd_ctrl_setup_vendor_in(BD_CTRL_VENDOR_DEVICE_ID, &s);
	expect_setup(&s, 0xC0, 0x50, 0, 20, 64);
	bd_ctrl_setup_vendor_in(BD_CTRL_VENDOR_SYSTEM_VERSION, &s);
	expect_setup(&s, 0xC0, 0x50, 0, 30, 64);
	bd_ctrl_setup_vendor_out(BD_CTRL_VENDOR_RESET, false, &s);
	expect_setup(&s, 0x40, 0x50, 0, 40, 0);
	bd_ctrl_setup_vendor_out(BD_CTRL_VENDOR_RESET, true, &s); /* rtl872x quirk */
	expect_setup(&s, 0x40, 0x50, 0, 40, 1);
	bd_ctrl_setup_vendor_out(BD_CTRL_VENDOR_CLOUD_DISCONNECT, false, &s);
	expect_setup(&s, 0x40, 0x50, 0, 302, 0);

	assert_int_equal(bd_ctrl_setup_init(BD_CTRL_GET_MODULE_INFO, 0, &s), 0);
	expect_setup(&s, 0xC0, 1, 0, 90, 64);
	assert_int_equal(bd_ctrl_setup_init(BD_CTRL_NETWORK_GET_INTERFACE, 2, &s), 0);
	expect_setup(&s, 0xC0, 1, 2, 401, 64);
	assert_int_equal(bd_ctrl_setup_init(1, 0xFFFF, &s), 0);
	assert_int_equal(s.wValue, 0xFFFF);
	assert_int_equal(bd_ctrl_setup_init(1, 0x10000, &s), BD_E_TOO_LARGE);
	bd_ctrl_setup_check(7, &s);
	expect_setup(&s, 0xC0, 2, 0, 7, 64);
	assert_int_equal(bd_ctrl_setup_send(7, 4096, &s), 0);
	expect_setup(&s, 0x40, 3, 0, 7, 4096);
	assert_int_equal(bd_ctrl_setup_send(7, 4097, &s), BD_E_TOO_LARGE);
	assert_int_equal(bd_ctrl_setup_send(7, 0, &s), BD_E_INVALID);
	assert_int_equal(bd_ctrl_setup_recv(9, 300, &s), 0);
	expect_setup(&s, 0xC0, 4, 0, 9, 300);
	assert_int_equal(bd_ctrl_setup_recv(9, 4097, &s), BD_E_TOO_LARGE);
	assert_int_equal(bd_ctrl_setup_recv(9, 0, &s), BD_E_INVALID);
	bd_ctrl_setup_reset(0, &s);
	expect_setup(&s, 0xC0, 5, 0, 0, 64);
	bd_ctrl_setup_reset(0xFFFF, &s);
	assert_int_equal(s.wIndex, 0xFFFF);
}

static size_t put_reply(uint8_t *b, uint32_t flags, uint16_t status, uint16_t id, uint32_t size,
			int32_t result)
{
	size_t n = 0;
	for (int i = 0; i < 4; i++)
		b[n++] = (uint8_t)(flags >> (8 * i));
	b[n++] = (uint8_t)status;
	b[n++] = (uint8_t)(status >> 8);
	if (flags & 2) {
		b[n++] = (uint8_t)id;
		b[n++] = (uint8_t)(id >> 8);
	}
	if (flags & 4)
		for (int i = 0; i < 4; i++)
			b[n++] = (uint8_t)(size >> (8 * i));
	if (flags & 8)
		for (int i = 0; i < 4; i++)
			b[n++] = (uint8_t)((uint32_t)result >> (8 * i));
	return n;
}

static void test_parse_reply(void **state)
{
	(void)state;
	uint8_t b[64] = {0};
	struct bd_ctrl_reply r;
	struct bd_error err = {0};

	size_t n = put_reply(b, 0x01, BD_CTRL_STATUS_PENDING, 0, 0, 0);
	assert_int_equal(n, 6);
	assert_int_equal(bd_ctrl_parse_reply(b, n, &r, &err), 0);
	assert_int_equal(r.status, BD_CTRL_STATUS_PENDING);
	assert_false(r.has_id || r.has_size || r.has_result);

	n = put_reply(b, 0x0F, BD_CTRL_STATUS_OK, 0x1234, 70000, -1801);
	assert_int_equal(n, 16);
	assert_int_equal(bd_ctrl_parse_reply(b, n, &r, &err), 0);
	assert_true(r.has_id && r.has_size && r.has_result);
	assert_int_equal(r.id, 0x1234);
	assert_int_equal(r.size, 70000);
	assert_int_equal(r.result, -1801);
	/* The whole 64-byte data stage is fine. */
	assert_int_equal(bd_ctrl_parse_reply(b, sizeof b, &r, &err), 0);
	assert_int_equal(r.result, -1801);

	/* id absent, result present: result follows status directly. */
	n = put_reply(b, 0x09, BD_CTRL_STATUS_OK, 0, 0, INT32_MIN);
	assert_int_equal(bd_ctrl_parse_reply(b, n, &r, &err), 0);
	assert_int_equal(r.result, INT32_MIN);
	n = put_reply(b, 0x09, BD_CTRL_STATUS_OK, 0, 0, INT32_MAX);
	assert_int_equal(bd_ctrl_parse_reply(b, n, &r, &err), 0);
	assert_int_equal(r.result, INT32_MAX);

	/* Malformed. */
	n = put_reply(b, 0x02, 0, 1, 0, 0);
	assert_int_equal(bd_ctrl_parse_reply(b, n, &r, &err), BD_E_PROTOCOL);
	assert_non_null(strstr(err.msg, "no status"));
	n = put_reply(b, 0x0F, 0, 1, 2, 3);
	assert_int_equal(bd_ctrl_parse_reply(b, n - 1, &r, &err), BD_E_PROTOCOL);
	assert_non_null(strstr(err.msg, "15 bytes, but its flags 0x0000000f announce 16"));
	assert_int_equal(bd_ctrl_parse_reply(b, 5, &r, &err), BD_E_PROTOCOL);
	assert_int_equal(bd_ctrl_parse_reply(NULL, 0, &r, &err), BD_E_PROTOCOL);
	assert_true(strlen(err.hint) > 0);
}

static void test_every_status(void **state)
{
	(void)state;
	static const struct {
		int status;
		const char *name;
		int code;
	} want[] = {
		{0, "OK", 0},
		{1, "ERROR", BD_E_PROTOCOL},
		{2, "PENDING", BD_E_BUSY},
		{3, "BUSY", BD_E_BUSY},
		{4, "NO_MEMORY", BD_E_DEVICE},
		{5, "NOT_FOUND", BD_E_CANCELLED},
		{6, "UNKNOWN", BD_E_PROTOCOL},
		{0xFFFF, "UNKNOWN", BD_E_PROTOCOL},
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		struct bd_error err = {0};
		assert_string_equal(bd_ctrl_status_name(want[i].status), want[i].name);
		assert_int_equal(bd_ctrl_status_to_err(want[i].status), want[i].code);
		int rc = bd_ctrl_status_error(want[i].status, BD_CTRL_GET_MODULE_INFO, &err);
		assert_int_equal(rc, want[i].code);
		if (rc == 0) {
			assert_int_equal(err.code, 0);
			continue;
		}
		char needle[64];
		snprintf(needle, sizeof needle, "GET_MODULE_INFO (90): %s (%d)", want[i].name,
			 want[i].status);
		if (!strstr(err.msg, needle))
			fail_msg("\"%s\" not in \"%s\"", needle, err.msg);
		assert_true(strlen(err.hint) > 0);
	}
}

static void test_every_result(void **state)
{
	(void)state;
	static const struct {
		int32_t result;
		const char *name;
		int code;
	} want[] = {
		{0, "OK", 0},
		{-100, "ERROR", BD_E_DEVICE},
		{-110, "BUSY", BD_E_BUSY},
		{-120, "NOT_SUPPORTED", BD_E_NOT_SUPPORTED},
		{-130, "NOT_ALLOWED", BD_E_ACCESS},
		{-140, "CANCELLED", BD_E_CANCELLED},
		{-150, "ABORTED", BD_E_CANCELLED},
		{-160, "TIMEOUT", BD_E_TIMEOUT},
		{-170, "NOT_FOUND", BD_E_NOT_FOUND},
		{-180, "ALREADY_EXISTS", BD_E_STATE},
		{-190, "TOO_LARGE", BD_E_TOO_LARGE},
		{-200, "LIMIT_EXCEEDED", BD_E_RANGE},
		{-210, "INVALID_STATE", BD_E_STATE},
		{-220, "IO_ERROR", BD_E_IO},
		{-230, "NETWORK_ERROR", BD_E_DEVICE},
		{-240, "PROTOCOL_ERROR", BD_E_PROTOCOL},
		{-250, "INTERNAL_ERROR", BD_E_DEVICE},
		{-260, "NO_MEMORY", BD_E_DEVICE},
		{-270, "INVALID_ARGUMENT", BD_E_INVALID},
		{-280, "BAD_DATA", BD_E_PARSE},
		{-290, "OUT_OF_RANGE", BD_E_RANGE},
		{-1801, "DEVICE_PROTECTED", BD_E_ACCESS},
		{-1802, "KEY_MISMATCH", BD_E_ACCESS},
		{-1803, "INVALID_SIGNATURE", BD_E_ACCESS},
		{-999, "UNKNOWN", BD_E_DEVICE},
		{INT32_MIN, "UNKNOWN", BD_E_DEVICE},
		{5, "UNKNOWN", 0},
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		struct bd_error err = {0};
		assert_string_equal(bd_ctrl_result_name(want[i].result), want[i].name);
		assert_int_equal(bd_ctrl_result_to_err(want[i].result), want[i].code);
		assert_non_null(bd_ctrl_result_text(want[i].result));
		int rc = bd_ctrl_result_error(want[i].result, BD_CTRL_CELLULAR_GET_ICCID, &err);
		assert_int_equal(rc, want[i].code);
		if (rc == 0) {
			assert_int_equal(err.code, 0);
			assert_string_equal(err.msg, "");
			continue;
		}
		char needle[96];
		snprintf(needle, sizeof needle, "the device refused CELLULAR_GET_ICCID (554): %s (%d) - ",
			 want[i].name, (int)want[i].result);
		if (!strstr(err.msg, needle))
			fail_msg("\"%s\" not in \"%s\"", needle, err.msg);
		assert_true(strlen(err.hint) > 0);
	}
	struct bd_error err = {0};
	bd_ctrl_result_error(BD_CTRL_RESULT_DEVICE_PROTECTED, BD_CTRL_GET_MODULE_INFO, &err);
	assert_non_null(strstr(err.hint, "Device-Protected"));
	bd_ctrl_result_error(BD_CTRL_RESULT_NOT_SUPPORTED, BD_CTRL_GET_MODULE_INFO, &err);
	assert_non_null(strstr(err.msg, "this Device OS version does not support the request"));
	assert_non_null(strstr(err.hint, "Update Device OS"));
}

static void test_type_names(void **state)
{
	(void)state;
	assert_string_equal(bd_ctrl_type_name(90), "GET_MODULE_INFO");
	assert_string_equal(bd_ctrl_type_name(400), "NETWORK_GET_INTERFACE_LIST");
	assert_string_equal(bd_ctrl_type_name(401), "NETWORK_GET_INTERFACE");
	assert_string_equal(bd_ctrl_type_name(554), "CELLULAR_GET_ICCID");
	assert_string_equal(bd_ctrl_type_name(72), "GET_DEVICE_MODE");
	assert_string_equal(bd_ctrl_type_name(12345), "UNKNOWN");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_setup_packets),
		cmocka_unit_test(test_parse_reply),
		cmocka_unit_test(test_every_status),
		cmocka_unit_test(test_every_result),
		cmocka_unit_test(test_type_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
