/* Unit tests for the line-oriented console parsers: `i`, `m`, `v`, `c`.
 * Replies are reconstructed from the Device OS console formats
 * (protocols.md §2.3): CRLF line ends, the short and long `i` forms. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "console_parse.h"

#define S(lit) (lit), (sizeof(lit) - 1)

/* ---- i ---- */

static void identify_photon_short(void **state)
{
	(void)state;
	struct bd_identity id;
	struct bd_error err = {0};
	assert_int_equal(bd_console_parse_identify(S("Your device id is 3a0028000447343233323032\r\n"),
						   &id, &err),
			 0);
	assert_string_equal(id.device_id, "3a0028000447343233323032");
	assert_int_equal(id.platform_id, -1);
	assert_string_equal(id.imei, "");
	assert_string_equal(id.iccid, "");
}

static void identify_core_short_uppercase(void **state)
{
	(void)state;
	struct bd_identity id;
	assert_int_equal(bd_console_parse_identify(S("\r\nYour core id is 53FF6F065067544840160687\r\n"),
						   &id, NULL),
			 0);
	assert_string_equal(id.device_id, "53ff6f065067544840160687");
}

static void identify_boron_long(void **state)
{
	(void)state;
	static const char reply[] = "Device ID: e00fce68b1c2d3e4f5a6b7c8\r\n"
				    "Device Secret: ABCDEFGH12345678ZYXW\r\n"
				    "Serial Number: P046AK12345678\r\n"
				    "IMEI: 352753090012345\r\n"
				    "ICCID: 89014103211118510720\r\n"
				    "Cell Radio Version: L0.0.00.00.05.12\r\n";
	struct bd_identity id;
	struct bd_error err = {0};
	assert_int_equal(bd_console_parse_identify(S(reply), &id, &err), 0);
	assert_string_equal(id.device_id, "e00fce68b1c2d3e4f5a6b7c8");
	assert_string_equal(id.serial_number, "P046AK12345678");
	assert_string_equal(id.imei, "352753090012345");
	assert_string_equal(id.iccid, "89014103211118510720");
	assert_string_equal(id.radio_version, "L0.0.00.00.05.12");
}

static void identify_long_lf_and_noise(void **state)
{
	(void)state;
	static const char reply[] = "0000012345 [app] INFO: still alive\n"
				    "Device ID: E00FCE68B1C2D3E4F5A6B7C8\n"
				    "Unknown Key: whatever\n"
				    "Serial Number: P046AK12345678\n";
	struct bd_identity id;
	assert_int_equal(bd_console_parse_identify(S(reply), &id, NULL), 0);
	assert_string_equal(id.device_id, "e00fce68b1c2d3e4f5a6b7c8");
	assert_string_equal(id.serial_number, "P046AK12345678");
}

static void identify_rejects_garbage(void **state)
{
	(void)state;
	struct bd_identity id;
	struct bd_error err = {0};
	assert_int_equal(bd_console_parse_identify(S("\x01\x02garbage\xff"), &id, &err), BD_E_PARSE);
	assert_non_null(strstr(err.msg, "Your device id is"));
	assert_string_equal(id.device_id, "");
	assert_int_equal(bd_console_parse_identify(S(""), &id, &err), BD_E_PARSE);
}

static void identify_rejects_bad_ids(void **state)
{
	(void)state;
	struct bd_identity id;
	struct bd_error err = {0};
	/* 23 digits (truncated reply) */
	assert_int_equal(bd_console_parse_identify(S("Your device id is 3a002800044734323332303"),
						   &id, &err),
			 BD_E_PARSE);
	assert_non_null(strstr(err.msg, "23 characters"));
	/* 25 digits */
	assert_int_equal(bd_console_parse_identify(S("Device ID: 3a0028000447343233323032f\r\n"), &id,
						   &err),
			 BD_E_PARSE);
	/* not hex */
	assert_int_equal(bd_console_parse_identify(S("Your device id is 3a002800044734323332303g"),
						   &id, &err),
			 BD_E_PARSE);
	assert_non_null(strstr(err.msg, "not a hex digit"));
	assert_string_equal(id.device_id, "");
}

static void identify_embedded_nul(void **state)
{
	(void)state;
	static const char reply[] = "Your device id is 3a0028000447\0" "343233323032\r\n";
	struct bd_identity id;
	assert_int_equal(bd_console_parse_identify(reply, sizeof reply - 1, &id, NULL), BD_E_PARSE);
	static const char ok[] = "\0\0Your device id is 3a0028000447343233323032\0";
	assert_int_equal(bd_console_parse_identify(ok, sizeof ok - 1, &id, NULL), 0);
	assert_string_equal(id.device_id, "3a0028000447343233323032");
}

static void identify_bad_imei_clears_everything(void **state)
{
	(void)state;
	static const char reply[] = "Device ID: e00fce68b1c2d3e4f5a6b7c8\r\n"
				    "IMEI: 3527 5309\r\n";
	struct bd_identity id;
	struct bd_error err = {0};
	assert_int_equal(bd_console_parse_identify(S(reply), &id, &err), BD_E_PARSE);
	assert_non_null(strstr(err.msg, "IMEI"));
	assert_string_equal(id.device_id, "");
	static const char longer[] = "Device ID: e00fce68b1c2d3e4f5a6b7c8\r\n"
				     "ICCID: 8901410321111851072089014103211118510720\r\n";
	assert_int_equal(bd_console_parse_identify(S(longer), &id, &err), BD_E_PARSE);
	assert_non_null(strstr(err.msg, "ICCID"));
}

static void identify_long_text_is_cut(void **state)
{
	(void)state;
	static const char reply[] =
		"Device ID: e00fce68b1c2d3e4f5a6b7c8\r\n"
		"Cell Radio Version: SARA-R410M-02B-03 L0.0.00.00.05.12 A.02.04 extra\r\n";
	struct bd_identity id;
	assert_int_equal(bd_console_parse_identify(S(reply), &id, NULL), 0);
	assert_int_equal(strlen(id.radio_version), sizeof id.radio_version - 1);
	assert_memory_equal(id.radio_version, "SARA-R410M-02B-03", 17);
}

static void identify_invalid_args(void **state)
{
	(void)state;
	struct bd_identity id;
	assert_int_equal(bd_console_parse_identify(NULL, 3, &id, NULL), BD_E_INVALID);
	assert_int_equal(bd_console_parse_identify("abc", 3, NULL, NULL), BD_E_INVALID);
	assert_int_equal(bd_console_parse_identify("abc", BD_CONSOLE_REPLY_MAX + 1, &id, NULL),
			 BD_E_TOO_LARGE);
}

/* ---- m ---- */

static void mac_full(void **state)
{
	(void)state;
	struct bd_mac mac;
	assert_int_equal(bd_console_parse_mac(S("Your device MAC address is\r\n6c:0b:84:Aa:bb:cc\r\n"),
					      &mac, NULL),
			 0);
	assert_string_equal(mac.mac, "6c:0b:84:aa:bb:cc");
	assert_string_equal(mac.interface, "");
}

static void mac_short_usi_repair(void **state)
{
	(void)state;
	struct bd_mac mac;
	/* four bytes: padded to 00:00:84:... and the 6c:0b:84 OUI restored */
	assert_int_equal(bd_console_parse_mac(S("Your device MAC address is\r\n84:12:34:56\r\n"), &mac,
					      NULL),
			 0);
	assert_string_equal(mac.mac, "6c:0b:84:12:34:56");
	/* three bytes matching nothing: only padded */
	assert_int_equal(bd_console_parse_mac(S("Your device MAC address is\r\n12:34:56\r\n"), &mac,
					      NULL),
			 0);
	assert_string_equal(mac.mac, "00:00:00:12:34:56");
	/* five bytes where byte 1 is 39: the 44:39:c4 OUI */
	assert_int_equal(bd_console_parse_mac(S("Your device MAC address is\r\n39:c4:01:02:03\r\n"),
					      &mac, NULL),
			 0);
	assert_string_equal(mac.mac, "44:39:c4:01:02:03");
}

static void mac_ignores_noise_before_intro(void **state)
{
	(void)state;
	struct bd_mac mac;
	assert_int_equal(bd_console_parse_mac(S("12:34:56 log line\r\nYour device MAC address is\r\n"
						"a4:cf:12:00:11:22\r\n"),
					      &mac, NULL),
			 0);
	assert_string_equal(mac.mac, "a4:cf:12:00:11:22");
}

static void mac_rejects_garbage(void **state)
{
	(void)state;
	struct bd_mac mac;
	struct bd_error err = {0};
	assert_int_equal(bd_console_parse_mac(S("Your device MAC address is\r\n"), &mac, &err),
			 BD_E_PARSE);
	assert_non_null(strstr(err.msg, "MAC address"));
	assert_int_equal(bd_console_parse_mac(S("zz:zz"), &mac, &err), BD_E_PARSE);
	assert_string_equal(mac.mac, "");
	/* cut short right after the first byte */
	assert_int_equal(bd_console_parse_mac(S("Your device MAC address is\r\n6c"), &mac, &err),
			 BD_E_PARSE);
}

/* ---- v ---- */

static void version_variants(void **state)
{
	(void)state;
	struct bd_console_version v;
	assert_int_equal(bd_console_parse_version(S("system firmware version: 6.2.0\n\r\n"), &v, NULL),
			 0);
	assert_string_equal(v.version, "6.2.0");
	assert_false(v.minimal);
	assert_int_equal(bd_console_parse_version(S("system firmware version: 1.5.4-rc.1 minimal\n\r\n"),
						  &v, NULL),
			 0);
	assert_string_equal(v.version, "1.5.4-rc.1");
	assert_true(v.minimal);
	assert_int_equal(bd_console_parse_version(S("noise\rsystem firmware version:0.7.0"), &v, NULL),
			 0);
	assert_string_equal(v.version, "0.7.0");
}

static void version_rejects(void **state)
{
	(void)state;
	struct bd_console_version v;
	struct bd_error err = {0};
	assert_int_equal(bd_console_parse_version(S("system firmware version: \r\n"), &v, &err),
			 BD_E_PARSE);
	assert_int_equal(bd_console_parse_version(S("system firmware version: beta\r\n"), &v, &err),
			 BD_E_PARSE);
	assert_int_equal(bd_console_parse_version(S("Your device id is 3a0028000447343233323032"), &v,
						  &err),
			 BD_E_PARSE);
	assert_non_null(strstr(err.msg, "system firmware version"));
	assert_int_equal(bd_console_parse_version(S("system firmware version: "
						    "1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16"),
						  &v, &err),
			 BD_E_PARSE);
	assert_string_equal(v.version, "");
}

/* ---- c ---- */

static void claimed_yes_no(void **state)
{
	(void)state;
	bool claimed = false;
	assert_int_equal(bd_console_parse_claimed(S("Device claimed: yes\r\n"), &claimed, NULL), 0);
	assert_true(claimed);
	assert_int_equal(bd_console_parse_claimed(S("Device claimed: no\r\n"), &claimed, NULL), 0);
	assert_false(claimed);
	struct bd_error err = {0};
	assert_int_equal(bd_console_parse_claimed(S("Device claimed: nope\r\n"), &claimed, &err),
			 BD_E_PARSE);
	assert_int_equal(bd_console_parse_claimed(S("Device claimed: "), &claimed, &err), BD_E_PARSE);
	assert_non_null(strstr(err.msg, "Device claimed: yes"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(identify_photon_short),
		cmocka_unit_test(identify_core_short_uppercase),
		cmocka_unit_test(identify_boron_long),
		cmocka_unit_test(identify_long_lf_and_noise),
		cmocka_unit_test(identify_rejects_garbage),
		cmocka_unit_test(identify_rejects_bad_ids),
		cmocka_unit_test(identify_embedded_nul),
		cmocka_unit_test(identify_bad_imei_clears_everything),
		cmocka_unit_test(identify_long_text_is_cut),
		cmocka_unit_test(identify_invalid_args),
		cmocka_unit_test(mac_full),
		cmocka_unit_test(mac_short_usi_repair),
		cmocka_unit_test(mac_ignores_noise_before_intro),
		cmocka_unit_test(mac_rejects_garbage),
		cmocka_unit_test(version_variants),
		cmocka_unit_test(version_rejects),
		cmocka_unit_test(claimed_yes_no),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
