/* `blinkdoc mac`, `listen` and `dfu` (serial route) against virtual
 * devices: the Wi-Fi MAC, listening mode by the 28800 baud signal (and the
 * clear refusal plus button steps on Device OS 6, which ignores it), and DFU
 * mode by the 14400 baud signal with a deadline on the wait for the
 * DFU-mode device (which comes back, or never does).  --route serial pins
 * the console and the magic baud rates; dfu_default_route uses the ladder. */
#include <stdio.h>
#include <string.h>

#include "e2e.h"

#define PHOTON_ID "3a0028000447343233323032"
#define BORON_ID "e00fce68b2f4a1c3d5e6f708"

static void mac_wifi(void **state)
{
	(void)state;
	struct e2e_run r;
	E2E_BD(&r, "photon-listening", "mac", "--route", "serial");
	expect_status(&r, 0);
	assert_string_equal(r.out, "6c:0b:84:0a:0b:0c\n");
	e2e_run_free(&r);

	E2E_BD(&r, "photon-listening", "mac", "--route", "serial", "--json");
	expect_status(&r, 0);
	cJSON *j = e2e_json(&r);
	e2e_jkeys(j, E2E_KEYS("mac", "interface"));
	assert_string_equal(e2e_jstr(j, "mac"), "6c:0b:84:0a:0b:0c");
	assert_string_equal(e2e_jstr(j, "interface"), "wifi");
	cJSON_Delete(j);
	e2e_run_free(&r);
}

static void mac_not_wifi(void **state)
{
	(void)state;
	struct e2e_run r;
	/* A Boron has no Wi-Fi: Device OS prints the MAC of its interface 0,
	 * and the JSON must not call that a Wi-Fi MAC. */
	E2E_BD(&r, "boron-listening", "mac", "--route", "serial", "--json");
	expect_status(&r, 0);
	cJSON *j = e2e_json(&r);
	e2e_jkeys(j, E2E_KEYS("mac", "interface"));
	assert_string_equal(e2e_jstr(j, "mac"), "6c:0b:84:0d:00:01");
	e2e_jnull(j, "interface");
	cJSON_Delete(j);
	e2e_run_free(&r);
}

static void listen_by_baud(void **state)
{
	(void)state;
	struct e2e_run r;
	/* After `listen`, the console answers: identify works in the same bed. */
	e2e_vrun_run(&r, "photon-normal", 60,
		     E2E_ARGS("/bin/sh", "-c", "\"$0\" listen --route serial; echo \"listen-exit=$?\"; "
				       "\"$0\" identify --route serial",
			      e2e_blinkdoc()));
	expect_status(&r, 0);
	expect_out(&r, "Photon " PHOTON_ID ": in listening mode (the LED should be blinking dark blue).");
	expect_out(&r, "listen-exit=0");
	expect_err(&r, "asking for listening mode with the 28800 baud signal");
	expect_err(&r, "rung 1 (serial): request accepted");
	expect_out(&r, "Device ID: " PHOTON_ID); /* identify's answer */
	e2e_run_free(&r);
}

static void listen_os6_ignored(void **state)
{
	(void)state;
	struct e2e_run r;
	E2E_BD(&r, "boron-os6", "listen", "--route", "serial");
	expect_status(&r, 5);
	assert_string_equal(r.out, "");
	expect_err(&r, "did not start listening mode after the 28800 baud signal (Device OS 6 and "
		       "later ignore it)");
	expect_err(&r, "Do it with the buttons instead:");
	/* The Boron's own button names, from devices.json. */
	expect_err(&r, "1. Press and hold MODE.");
	expect_err(&r, "Let go when the light blinks dark blue.");
	expect_no_err(&r, "(unknown)");
	e2e_run_free(&r);
}

static void dfu_by_baud(void **state)
{
	(void)state;
	if (!e2e_have_tool("dfu-util"))
		e2e_skip("dfu-util is not installed (Debian: dfu-util)");
	struct e2e_run r;
	/* The serial route only: blinkdoc asks with 14400 baud, then waits (30 s
	 * deadline) until the device shows up in DFU mode - over USB, since a
	 * DFU-mode device has no serial port.  dfu-util then shows it too. */
	e2e_vrun_run(&r, "boron-normal", 90,
		     E2E_ARGS("/bin/sh", "-c",
			      "\"$0\" dfu --route serial; echo \"dfu-exit=$?\"; dfu-util -l",
			      e2e_blinkdoc()));
	expect_err(&r, "asking for DFU mode with the 14400 baud signal");
	expect_err(&r, "set the line to 14400 baud");
	expect_err(&r, "rung 1 (serial): request accepted");
	expect_err(&r, "device is back in dfu mode");
	expect_out(&r, "Boron " BORON_ID ": in DFU mode (the LED should be blinking yellow).");
	expect_out(&r, "dfu-exit=0");
	expect_out(&r, "Found DFU: [2b04:d00d]");
	assert_true(r.secs < 20);
	e2e_run_free(&r);
}

static void dfu_default_route(void **state)
{
	(void)state;
	struct e2e_run r;
	/* No --route: the ladder tries USB first (control request 50), then
	 * the 14400 baud signal; either gets there. */
	E2E_BD(&r, "boron-normal", "dfu");
	expect_status(&r, 0);
	expect_out(&r, "Boron " BORON_ID ": in DFU mode (the LED should be blinking yellow).");
	expect_err(&r, "rung 1 (usb)");
	expect_err(&r, "request accepted");
	expect_err(&r, "device is back in dfu mode");
	e2e_run_free(&r);
}

static void dfu_never_returns(void **state)
{
	(void)state;
	struct e2e_run r;
	/* The request is sent, the device leaves the bus and never comes back:
	 * the wait ends at its deadline with what to look at and the buttons. */
	E2E_BD(&r, "fault-never-returns", "dfu", "--route", "serial");
	expect_status(&r, 5);
	expect_err(&r, "set the line to 14400 baud");
	expect_err(&r, "did not come back in dfu mode within");
	expect_err(&r, "blinkdoc sent the request, but did not see the device in DFU mode within "
		       "30 s");
	expect_err(&r, "If the LED is blinking yellow");
	expect_err(&r, "Do it with the buttons instead:");
	expect_err(&r, "Press and hold MODE and RESET together.");
	expect_no_err(&r, "(unknown)");
	assert_true(r.secs > 25 && r.secs < 60);
	e2e_run_free(&r);
}

/* The console's `L` restarts the device in safe mode - and in listening
 * mode, so the wait accepts any mode (it waited for "normal" for 30 s and
 * then called the success a failure). */
static void safe_mode_by_console(void **state)
{
	(void)state;
	struct e2e_run r;
	E2E_BD(&r, "photon-listening", "safe-mode", "--route", "serial");
	expect_status(&r, 0);
	expect_out(&r, "Photon " PHOTON_ID ": in safe mode (the LED should be breathing magenta");
	expect_err(&r, "sent `L` (safe mode)");
	expect_no_err(&r, "did not come back");
	assert_true(r.secs < 20);
	e2e_run_free(&r);
}

int main(int argc, char **argv)
{
	(void)argc;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mac_wifi),
		cmocka_unit_test(mac_not_wifi),
		cmocka_unit_test(listen_by_baud),
		cmocka_unit_test(listen_os6_ignored),
		cmocka_unit_test(dfu_by_baud),
		cmocka_unit_test(dfu_default_route),
		cmocka_unit_test(dfu_never_returns),
		cmocka_unit_test(safe_mode_by_console),
	};
	return e2e_main(argv, "e2e_serial_modes", tests, sizeof tests / sizeof tests[0]);
}
