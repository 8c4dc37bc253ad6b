/* `blinkdoc devices [--json]` against virtual devices: one device, two at
 * once, none, a Core (no device ID from USB), a device in listening mode.
 * The JSON field names are a contract (issue 3): platform, mode, device_id,
 * port (plus platform_id, usb, usb_id). */
#include <stdio.h>
#include <string.h>

#include "e2e.h"

#define PHOTON_ID "3a0028000447343233323032"
#define ARGON_ID "e00fce6800000000000000a1"

static const char *const device_keys[] = {"platform", "platform_id", "mode", "device_id",
					  "port", "usb", "usb_id", NULL};

/* Row i of a `devices --json` array. */
static const cJSON *row(const cJSON *arr, int i)
{
	assert_true(cJSON_IsArray(arr));
	const cJSON *o = cJSON_GetArrayItem(arr, i);
	assert_non_null(o);
	e2e_jkeys(o, device_keys);
	return o;
}

/* The row of the device with this ID (the order of rows is not a contract). */
static const cJSON *row_with_id(const cJSON *arr, const char *id)
{
	const cJSON *o;
	cJSON_ArrayForEach(o, arr) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "device_id");
		if (cJSON_IsString(v) && !strcmp(v->valuestring, id)) {
			e2e_jkeys(o, device_keys);
			return o;
		}
	}
	fail_msg("no row with device_id %s", id);
	return NULL;
}

static void one_device_text(void **state)
{
	(void)state;
	struct e2e_run r;
	E2E_BD(&r, "photon-normal", "devices");
	expect_status(&r, 0);
	expect_out(&r, "PLATFORM MODE DEVICE ID PORT");
	expect_out(&r, "photon normal " PHOTON_ID " /dev/ttyACM0");
	e2e_run_free(&r);
}

static void one_device_json(void **state)
{
	(void)state;
	struct e2e_run r;
	E2E_BD(&r, "photon-normal", "devices", "--json");
	expect_status(&r, 0);
	cJSON *j = e2e_json(&r);
	assert_int_equal(cJSON_GetArraySize(j), 1);
	const cJSON *o = row(j, 0);
	assert_string_equal(e2e_jstr(o, "platform"), "photon");
	assert_int_equal((int)e2e_jnum(o, "platform_id"), 6);
	assert_string_equal(e2e_jstr(o, "device_id"), PHOTON_ID);
	assert_string_equal(e2e_jstr(o, "port"), "/dev/ttyACM0");
	assert_string_equal(e2e_jstr(o, "usb_id"), "2b04:c006");
	assert_string_equal(e2e_jstr(o, "usb"), "001:002");
	assert_string_equal(e2e_jstr(o, "mode"), "normal");
	cJSON_Delete(j);
	e2e_run_free(&r);
}

static void two_devices(void **state)
{
	(void)state;
	struct e2e_run r;
	E2E_BD(&r, "two-devices", "devices", "--json");
	expect_status(&r, 0);
	cJSON *j = e2e_json(&r);
	assert_int_equal(cJSON_GetArraySize(j), 2);
	const cJSON *p = row_with_id(j, PHOTON_ID), *a = row_with_id(j, ARGON_ID);
	assert_string_equal(e2e_jstr(p, "platform"), "photon");
	assert_string_equal(e2e_jstr(p, "port"), "/dev/ttyACM0");
	assert_string_equal(e2e_jstr(a, "platform"), "argon");
	assert_int_equal((int)e2e_jnum(a, "platform_id"), 12);
	assert_string_equal(e2e_jstr(a, "port"), "/dev/ttyACM1");
	assert_string_equal(e2e_jstr(a, "usb_id"), "2b04:c00c");
	/* Each device on its own USB address. */
	assert_string_not_equal(e2e_jstr(p, "usb"), e2e_jstr(a, "usb"));
	cJSON_Delete(j);
	e2e_run_free(&r);

	E2E_BD(&r, "two-devices", "devices");
	expect_status(&r, 0);
	expect_out(&r, "photon listening " PHOTON_ID " /dev/ttyACM0");
	expect_out(&r, "argon normal " ARGON_ID " /dev/ttyACM1");
	e2e_run_free(&r);
}

static void no_device_text(void **state)
{
	(void)state;
	struct e2e_run r;
	E2E_BD(&r, "no-devices", "devices");
	expect_status(&r, 4);
	assert_string_equal(r.out, "");
	expect_err(&r, "No Particle device found");
	/* What was looked for: serial ports with Particle's USB vendor IDs. */
	expect_err(&r, "looked for a Particle USB vendor ID (");
	expect_err(&r, "2b04"); /* from devices.json: Particle */
	expect_err(&r, "1d50"); /* the Core's (OpenMoko) */
	expect_err(&r, "(backends: "); /* which backends looked */
	expect_err(&r, "serial)");
	expect_err(&r, "USB cable that carries data");
	e2e_run_free(&r);
}

static void no_device_json(void **state)
{
	(void)state;
	struct e2e_run r;
	E2E_BD(&r, "no-devices", "devices", "--json");
	expect_status(&r, 4);
	cJSON *j = e2e_json(&r);
	assert_true(cJSON_IsArray(j));
	assert_int_equal(cJSON_GetArraySize(j), 0);
	cJSON_Delete(j);
	/* stdout stays pure JSON; the explanation goes to stderr. */
	expect_err(&r, "No Particle device found");
	e2e_run_free(&r);
}

static void core_without_id(void **state)
{
	(void)state;
	struct e2e_run r;
	E2E_BD(&r, "core-listening", "devices", "--json");
	expect_status(&r, 0);
	cJSON *j = e2e_json(&r);
	assert_int_equal(cJSON_GetArraySize(j), 1);
	const cJSON *o = row(j, 0);
	assert_string_equal(e2e_jstr(o, "platform"), "core");
	assert_int_equal((int)e2e_jnum(o, "platform_id"), 0);
	assert_string_equal(e2e_jstr(o, "usb_id"), "1d50:607d");
	e2e_jnull(o, "device_id"); /* 00000000050C is not the device ID */
	assert_string_equal(e2e_jstr(o, "port"), "/dev/ttyACM0");
	cJSON_Delete(j);
	e2e_run_free(&r);

	E2E_BD(&r, "core-listening", "devices");
	expect_status(&r, 0);
	/* No control requests, a console that is silent outside listening
	 * mode: the mode is not known, and `devices` says so. */
	expect_out(&r, "core unknown (unknown) /dev/ttyACM0");
	e2e_run_free(&r);
}

static void listening_device(void **state)
{
	(void)state;
	struct e2e_run r;
	E2E_BD(&r, "photon-listening", "devices", "--json");
	expect_status(&r, 0);
	cJSON *j = e2e_json(&r);
	const cJSON *o = row(j, 0);
	assert_string_equal(e2e_jstr(o, "device_id"), PHOTON_ID);
	/* A serial port looks the same in normal and in listening mode; the USB
	 * route asks the device (control request 72, GET_DEVICE_MODE). */
	assert_string_equal(e2e_jstr(o, "mode"), "listening");
	cJSON_Delete(j);
	e2e_run_free(&r);

	/* Without control requests (old firmware) nothing reports the mode:
	 * "unknown", not a guess. */
	E2E_BD(&r, "photon-listening-old-usb", "devices", "--json");
	expect_status(&r, 0);
	j = e2e_json(&r);
	o = row(j, 0);
	assert_string_equal(e2e_jstr(o, "mode"), "unknown");
	cJSON_Delete(j);
	e2e_run_free(&r);
}

int main(int argc, char **argv)
{
	(void)argc;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_device_text),
		cmocka_unit_test(one_device_json),
		cmocka_unit_test(two_devices),
		cmocka_unit_test(no_device_text),
		cmocka_unit_test(no_device_json),
		cmocka_unit_test(core_without_id),
		cmocka_unit_test(listening_device),
	};
	return e2e_main(argv, "e2e_serial_devices", tests, sizeof tests / sizeof tests[0]);
}
