/* `blinkdoc identify [--port PATH | --device ID] [--json]` against virtual
 * devices: the short form of `i` (Photon), the long form with IMEI/ICCID
 * (Boron, Electron) - over the console, `--route serial` - choosing a device
 * by port, by full ID and by prefix, ambiguous and unknown selections,
 * --route itself, the default route's contract (ICCID/IMEI on a cellular
 * device), and the device secret that `i` prints never coming out of any
 * command. */
#include <stdio.h>
#include <string.h>

#include "e2e.h"

#define PHOTON_ID "3a0028000447343233323032"
#define PHOTON2_ID "3a00281b0b47343432313031"
#define ARGON_ID "e00fce6800000000000000a1"
#define BORON_ID "e00fce68b2f4a1c3d5e6f708"
#define ELECTRON_ID "2f003b000f51353532343635"

static void short_form_photon(void **state)
{
	(void)state;
	struct e2e_run r;
	E2E_BD(&r, "photon-listening", "identify", "--route", "serial", "--json");
	expect_status(&r, 0);
	cJSON *j = e2e_json(&r);
	/* A Wi-Fi device: no iccid/imei members at all. */
	e2e_jkeys(j, E2E_KEYS("device_id", "platform", "platform_id", "system_version", "route"));
	assert_string_equal(e2e_jstr(j, "device_id"), PHOTON_ID);
	assert_string_equal(e2e_jstr(j, "platform"), "photon");
	assert_int_equal((int)e2e_jnum(j, "platform_id"), 6);
	assert_string_equal(e2e_jstr(j, "system_version"), "2.3.1");
	assert_string_equal(e2e_jstr(j, "route"), "serial");
	cJSON_Delete(j);
	e2e_run_free(&r);

	E2E_BD(&r, "photon-listening", "identify", "--route", "serial");
	expect_status(&r, 0);
	expect_out(&r, "Device ID: " PHOTON_ID);
	expect_out(&r, "Platform: Photon (6)");
	expect_out(&r, "Device OS: 2.3.1");
	expect_no_out(&r, "ICCID");
	expect_no_out(&r, "IMEI");
	e2e_run_free(&r);
}

static void long_form_boron(void **state)
{
	(void)state;
	struct e2e_run r;
	E2E_BD(&r, "boron-listening", "identify", "--route", "serial", "--json");
	expect_status(&r, 0);
	cJSON *j = e2e_json(&r);
	e2e_jkeys(j, E2E_KEYS("device_id", "platform", "platform_id", "system_version", "iccid",
			      "imei", "serial_number", "route"));
	assert_string_equal(e2e_jstr(j, "device_id"), BORON_ID);
	assert_string_equal(e2e_jstr(j, "platform"), "boron");
	assert_int_equal((int)e2e_jnum(j, "platform_id"), 13);
	assert_string_equal(e2e_jstr(j, "system_version"), "5.9.0");
	assert_string_equal(e2e_jstr(j, "iccid"), "89014103211118510720");
	assert_string_equal(e2e_jstr(j, "imei"), "352753090123456");
	assert_string_equal(e2e_jstr(j, "serial_number"), "B40KAB812345");
	cJSON_Delete(j);
	e2e_run_free(&r);

	E2E_BD(&r, "boron-listening", "identify", "--route", "serial");
	expect_status(&r, 0);
	expect_out(&r, "Device ID: " BORON_ID);
	expect_out(&r, "Platform: Boron (13)");
	expect_out(&r, "ICCID: 89014103211118510720");
	expect_out(&r, "IMEI: 352753090123456");
	e2e_run_free(&r);
}

static void long_form_electron(void **state)
{
	(void)state;
	struct e2e_run r;
	E2E_BD(&r, "electron-listening", "identify", "--route", "serial", "--json");
	expect_status(&r, 0);
	cJSON *j = e2e_json(&r);
	e2e_jkeys(j, E2E_KEYS("device_id", "platform", "platform_id", "system_version", "iccid",
			      "imei", "route"));
	assert_string_equal(e2e_jstr(j, "device_id"), ELECTRON_ID);
	assert_string_equal(e2e_jstr(j, "platform"), "electron");
	assert_int_equal((int)e2e_jnum(j, "platform_id"), 10);
	assert_string_equal(e2e_jstr(j, "system_version"), "2.3.1");
	assert_string_equal(e2e_jstr(j, "iccid"), "8934076500002587657");
	assert_string_equal(e2e_jstr(j, "imei"), "353162071234567");
	cJSON_Delete(j);
	e2e_run_free(&r);
}

static void by_port(void **state)
{
	(void)state;
	struct e2e_run r;
	E2E_BD(&r, "two-devices", "identify", "--port", "/dev/ttyACM0", "--json");
	expect_status(&r, 0);
	cJSON *j = e2e_json(&r);
	assert_string_equal(e2e_jstr(j, "device_id"), PHOTON_ID);
	assert_string_equal(e2e_jstr(j, "platform"), "photon");
	cJSON_Delete(j);
	e2e_run_free(&r);

	/* A port nothing is on: exit 4, saying what was looked for. */
	E2E_BD(&r, "two-devices", "identify", "--port", "/dev/ttyACM7");
	expect_status(&r, 4);
	expect_err(&r, "no Particle device on port /dev/ttyACM7");
	expect_err(&r, "2 other Particle device(s) connected");
	e2e_run_free(&r);
}

static void by_device_id(void **state)
{
	(void)state;
	struct e2e_run r;
	E2E_BD(&r, "two-devices", "identify", "--device", PHOTON_ID, "--json");
	expect_status(&r, 0);
	cJSON *j = e2e_json(&r);
	assert_string_equal(e2e_jstr(j, "device_id"), PHOTON_ID);
	cJSON_Delete(j);
	e2e_run_free(&r);

	/* IDs are matched without regard to case. */
	E2E_BD(&r, "two-devices", "identify", "--device", "3A0028000447343233323032", "--json");
	expect_status(&r, 0);
	j = e2e_json(&r);
	assert_string_equal(e2e_jstr(j, "device_id"), PHOTON_ID);
	cJSON_Delete(j);
	e2e_run_free(&r);

	E2E_BD(&r, "two-devices", "identify", "--device", "ffffff");
	expect_status(&r, 4);
	expect_err(&r, "no Particle device with ID ffffff");
	e2e_run_free(&r);
}

static void by_device_prefix(void **state)
{
	(void)state;
	struct e2e_run r;
	/* Six characters, the shortest prefix allowed. */
	E2E_BD(&r, "two-devices", "identify", "--device", "3a0028", "--json");
	expect_status(&r, 0);
	cJSON *j = e2e_json(&r);
	assert_string_equal(e2e_jstr(j, "device_id"), PHOTON_ID);
	cJSON_Delete(j);
	e2e_run_free(&r);

	/* A longer prefix tells two similar IDs apart. */
	E2E_BD(&r, "two-photons-listening", "identify", "--device", "3a00281b", "--route", "serial",
	       "--json");
	expect_status(&r, 0);
	j = e2e_json(&r);
	assert_string_equal(e2e_jstr(j, "device_id"), PHOTON2_ID);
	assert_string_equal(e2e_jstr(j, "system_version"), "1.5.2");
	cJSON_Delete(j);
	e2e_run_free(&r);
}

static void prefix_too_short(void **state)
{
	(void)state;
	struct e2e_run r;
	/* transport.h: "a unique prefix of at least 6"; shorter is a usage
	 * error even when it happens to match one device. */
	E2E_BD(&r, "two-devices", "identify", "--device", "3a0");
	expect_status(&r, 2);
	expect_err(&r, "--device");
	expect_err(&r, "is too short: give the device ID (24 hex digits) or at least its first 6");
	assert_string_equal(r.out, "");
	e2e_run_free(&r);

	E2E_BD(&r, "two-devices", "identify", "--device", "3a0028-not-hex");
	expect_status(&r, 2);
	expect_err(&r, "is not a device ID: give its 24 hex digits");
	e2e_run_free(&r);
}

static void ambiguous(void **state)
{
	(void)state;
	struct e2e_run r;
	E2E_BD(&r, "two-devices", "identify");
	expect_status(&r, 2);
	expect_err(&r, "2 devices match");
	expect_err(&r, "Photon " PHOTON_ID);
	expect_err(&r, "/dev/ttyACM0");
	expect_err(&r, "Argon " ARGON_ID);
	expect_err(&r, "/dev/ttyACM1");
	expect_err(&r, "Choose one with --device ID or --port PATH");
	assert_string_equal(r.out, "");
	e2e_run_free(&r);

	/* A prefix both IDs share is ambiguous too. */
	E2E_BD(&r, "two-photons-listening", "identify", "--device", "3a0028", "--json");
	expect_status(&r, 2);
	expect_err(&r, "2 devices match");
	expect_err(&r, PHOTON_ID);
	expect_err(&r, PHOTON2_ID);
	assert_string_equal(r.out, "");
	e2e_run_free(&r);
}

/* Every device command, with -v where it takes it (so that every transport
 * log line is printed too), against a device whose `i` prints a secret. */
static void secret_absent_from(const char *scenario, const char *secret)
{
	static const char *const cmds[][6] = {
		{"devices"},
		{"devices", "--json"},
		{"identify", "-v"},
		{"identify", "--json", "-v"},
		{"identify", "--route", "serial", "-v"},
		{"identify", "--route", "serial", "--json", "-v"},
		{"inspect", "-v"},
		{"inspect", "--route", "serial", "--json", "-v"},
		{"mac", "--route", "serial", "-v"},
		{"mac", "--route", "serial", "--json", "-v"},
		{"listen", "-v"},
		{"safe-mode", "-v"},
	};
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		struct e2e_run r;
		E2E_BD(&r, scenario, cmds[i][0], cmds[i][1], cmds[i][2], cmds[i][3], cmds[i][4],
		       cmds[i][5]);
		if (strstr(r.out, secret) || strstr(r.err, secret)) {
			e2e_expect_lacks(&r, r.out, secret, __FILE__, __LINE__);
			e2e_expect_lacks(&r, r.err, secret, __FILE__, __LINE__);
		}
		/* The console runs of identify did read `i` (the reply with the
		 * secret), so the secret was dropped, not never asked for. */
		if (!strcmp(cmds[i][0], "identify") && cmds[i][1] && !strcmp(cmds[i][1], "--route")) {
			expect_status(&r, 0);
			expect_err(&r, "`i` (identify) answered with");
		}
		e2e_run_free(&r);
	}
}

static void secret_never_shown(void **state)
{
	(void)state;
	secret_absent_from("boron-listening", "NU3WXMFHAPZX96K");
	secret_absent_from("electron-listening", "ELECTRONSECRET42X");
}

static void route_option(void **state)
{
	(void)state;
	struct e2e_run r;
	E2E_BD(&r, "photon-listening", "identify", "--route", "usb", "--json");
	expect_status(&r, 0);
	cJSON *j = e2e_json(&r);
	assert_string_equal(e2e_jstr(j, "route"), "usb");
	assert_string_equal(e2e_jstr(j, "device_id"), PHOTON_ID);
	cJSON_Delete(j);
	e2e_run_free(&r);

	E2E_BD(&r, "photon-listening", "identify", "--route", "console");
	expect_status(&r, 2);
	expect_err(&r, "--route takes usb (control requests) or serial (the listening-mode "
		       "console), not \"console\"");
	e2e_run_free(&r);

	/* The Core has no USB control requests. */
	E2E_BD(&r, "core-listening", "identify", "--route", "usb");
	expect_status(&r, 5);
	expect_err(&r, "cannot identify the device");
	e2e_run_free(&r);
}

static void default_route_cellular(void **state)
{
	(void)state;
	struct e2e_run r;
	/* The contract, whatever the route: identify gives iccid and imei on a
	 * cellular device.  USB is tried first; the virtual Boron answers
	 * CELLULAR_GET_ICCID (554) on any Device OS.  (particle-cli asks 554
	 * only from Device OS 6.0 and reads older devices' `i`; if real 5.x
	 * firmware does not answer 554, the dispatcher must complete the
	 * identity from the console - see the e2e report.) */
	E2E_BD(&r, "boron-listening", "identify", "--json");
	expect_status(&r, 0);
	cJSON *j = e2e_json(&r);
	assert_string_equal(e2e_jstr(j, "device_id"), BORON_ID);
	assert_string_equal(e2e_jstr(j, "iccid"), "89014103211118510720");
	assert_string_equal(e2e_jstr(j, "imei"), "352753090123456");
	cJSON_Delete(j);
	e2e_run_free(&r);
}

int main(int argc, char **argv)
{
	(void)argc;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(short_form_photon),
		cmocka_unit_test(long_form_boron),
		cmocka_unit_test(long_form_electron),
		cmocka_unit_test(by_port),
		cmocka_unit_test(by_device_id),
		cmocka_unit_test(by_device_prefix),
		cmocka_unit_test(prefix_too_short),
		cmocka_unit_test(ambiguous),
		cmocka_unit_test(route_option),
		cmocka_unit_test(default_route_cellular),
		cmocka_unit_test(secret_never_shown),
	};
	return e2e_main(argv, "e2e_serial_identify", tests, sizeof tests / sizeof tests[0]);
}
