/* Faults, each its own test, run through the real blinkdoc binary: a
 * console that never answers, garbage bytes, a truncated `s` JSON, slow
 * replies (in time, and later than the command's deadline), a device that
 * leaves the bus in the middle of a reply, a port another process holds,
 * and a port the user may not open.  Each asserts the exit code and the
 * message a person acts on (issue 3: say which command, how long, what to
 * look at on the LED, which process, which command fixes permissions).
 * They are faults of the console, so every run pins it: --route serial. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "e2e.h"

#define BORON_ID "e00fce68b2f4a1c3d5e6f708"

static void silent_console(void **state)
{
	(void)state;
	struct e2e_run r;
	E2E_BD(&r, "fault-silent", "identify", "--route", "serial");
	expect_status(&r, 5);
	assert_string_equal(r.out, "");
	/* Which command, where, how long (i may take 20 s: an LTE modem can
	 * need ~18 s to power up). */
	expect_err(&r, "no reply to `i` (identify) on /dev/ttyACM0 within 20.0 s");
	expect_err(&r, "The console answers only in listening mode: the LED must be blinking dark "
		       "blue.");
	expect_err(&r, "hold the MODE/SETUP button for about 3 seconds");
	assert_true(r.secs >= 19.5);
	assert_true(r.secs < 40);
	e2e_run_free(&r);
}

static void garbage_bytes(void **state)
{
	(void)state;
	struct e2e_run r;
	E2E_BD(&r, "fault-garbage", "identify", "--json", "--route", "serial");
	expect_status(&r, 5);
	assert_string_equal(r.out, ""); /* no half JSON on stdout */
	expect_err(&r, "/dev/ttyACM0: expected `Your device id is <24 hex digits>` or a "
		       "`Device ID: <24 hex digits>` line in the reply to `i`");
	expect_err(&r, "The device answered `i` (identify) with something other than the "
		       "console's reply");
	expect_err(&r, "blinks dark blue");
	e2e_run_free(&r);

	E2E_BD(&r, "fault-garbage", "inspect", "--route", "serial");
	expect_status(&r, 5);
	expect_err(&r, "expected a JSON object with \"m\" in the reply to `s`");
	e2e_run_free(&r);
}

static void truncated_json(void **state)
{
	(void)state;
	struct e2e_run r;
	E2E_BD(&r, "fault-truncated-json", "inspect", "--json", "--route", "serial");
	expect_status(&r, 5);
	assert_string_equal(r.out, "");
	/* A parse error that says what was expected. */
	expect_err(&r, "/dev/ttyACM0: expected a JSON object with \"m\" in the reply to `s`, but "
		       "none of its");
	expect_err(&r, "(cut short or garbled?)");
	expect_err(&r, "The device answered `s` (module info)");
	e2e_run_free(&r);

	/* Only `s` is cut: identify on the same device still works. */
	E2E_BD(&r, "fault-truncated-json", "identify", "--json", "--route", "serial");
	expect_status(&r, 0);
	cJSON *j = e2e_json(&r);
	assert_string_equal(e2e_jstr(j, "device_id"), "e00fce6800000000000000a1");
	cJSON_Delete(j);
	e2e_run_free(&r);
}

static void slow_reply_in_time(void **state)
{
	(void)state;
	struct e2e_run r;
	/* Every reply starts 3 s late and trickles 2 ms per byte: `s` may take
	 * 20 s, `m` 5 s, so both still succeed. */
	E2E_BD(&r, "fault-slow-reply", "inspect", "--json", "--route", "serial");
	expect_status(&r, 0);
	cJSON *j = e2e_json(&r);
	assert_true(e2e_jbool(j, "healthy"));
	assert_true(cJSON_GetArraySize(e2e_jget(j, "modules")) >= 4);
	cJSON_Delete(j);
	assert_true(r.secs >= 3.0);
	e2e_run_free(&r);

	E2E_BD(&r, "fault-slow-reply", "mac", "--json", "--route", "serial");
	expect_status(&r, 0);
	j = e2e_json(&r);
	assert_string_equal(e2e_jstr(j, "mac"), "6c:0b:84:0d:00:01");
	cJSON_Delete(j);
	e2e_run_free(&r);

	/* identify = `i` (20 s: in time) then `v`, which may take only 2 s as
	 * particle-cli allows: the identity stands, the version is unknown and
	 * -v says why. */
	E2E_BD(&r, "fault-slow-reply", "identify", "--json", "-v", "--route", "serial");
	expect_status(&r, 0);
	j = e2e_json(&r);
	assert_string_equal(e2e_jstr(j, "device_id"), BORON_ID);
	assert_string_equal(e2e_jstr(j, "imei"), "352753090000001");
	e2e_jnull(j, "system_version");
	cJSON_Delete(j);
	expect_err(&r, "could not read the Device OS version: no reply to `v` (version) on "
		       "/dev/ttyACM0 within 2.0 s");
	e2e_run_free(&r);
}

static void slow_reply_past_deadline(void **state)
{
	(void)state;
	struct e2e_run r;
	/* The reply would start after 7 s; `m` may take 5 s. */
	E2E_BD(&r, "boron-slower-than-deadline", "mac", "--route", "serial");
	expect_status(&r, 5);
	expect_err(&r, "no reply to `m` (MAC address) on /dev/ttyACM0 within 5.0 s");
	expect_err(&r, "blinking dark blue");
	assert_true(r.secs >= 4.5);
	assert_true(r.secs < 15);
	e2e_run_free(&r);
}

static void disconnect_mid_reply(void **state)
{
	(void)state;
	struct e2e_run r;
	E2E_BD(&r, "fault-disconnect-mid-reply", "identify", "--route", "serial");
	expect_status(&r, 5);
	assert_string_equal(r.out, "");
	expect_err(&r, "the device on /dev/ttyACM0 went away while answering `i` (identify)");
	expect_err(&r, "disconnected");
	expect_err(&r, "Check the USB cable");
	e2e_run_free(&r);

	E2E_BD(&r, "fault-disconnect-mid-reply", "inspect", "--json", "--route", "serial");
	expect_status(&r, 5);
	assert_string_equal(r.out, "");
	expect_err(&r, "went away while answering `s` (module info)");
	e2e_run_free(&r);
}

static void port_busy(void **state)
{
	(void)state;
	struct e2e_run r;
	/* bd-vhold holds the port (open + TIOCEXCL), as a serial monitor
	 * would; the message names it by its program name and pid. */
	E2E_BD(&r, "fault-port-busy", "identify", "--route", "serial");
	expect_status(&r, 5);
	assert_string_equal(r.out, "");
	expect_err(&r, "bd-vhold (pid ");
	expect_err(&r, "/dev/ttyACM0 open, so blinkdoc cannot use it");
	expect_err(&r, "(a serial monitor such as `particle serial monitor`, screen or minicom)");
	/* (The bed's own process, bd-vrun, shown as "exe", keeps the pty open
	 * too and is named as well; real systems have no such process.) */
	expect_err(&r, "kill <pid>");
	e2e_run_free(&r);
}

static void permission_denied(void **state)
{
	(void)state;
	/* Needs root to hand the bed to another user and to drop to it. */
	if (geteuid() != 0)
		e2e_skip("not root: cannot run blinkdoc as another user");
	if (!e2e_have_tool("setpriv"))
		e2e_skip("setpriv (util-linux) is not installed");
	/* Make the bed usable by `nobody` (umockdev's ioctl sockets must be
	 * reachable: its preload exits when it cannot connect), but leave the
	 * pty behind /dev/ttyACM0 root's alone (0600), then run blinkdoc as
	 * nobody - what a user outside the dialout group meets.  The binary and
	 * the knowledge go into the bed first: the checkout may sit in a
	 * directory only root can enter (a fresh clone under mktemp -d). */
	static const char script[] =
		"chmod 755 \"$UMOCKDEV_DIR\" && chmod -R a+rwX \"$UMOCKDEV_DIR/ioctl\" && "
		"pty=$(readlink \"$UMOCKDEV_DIR/dev/ttyACM0\") && chmod 600 \"$pty\" && "
		"cp \"$0\" \"$UMOCKDEV_DIR/bd\" && cp -r \"$1\" \"$UMOCKDEV_DIR/kb\" && "
		"chmod -R a+rX \"$UMOCKDEV_DIR/bd\" \"$UMOCKDEV_DIR/kb\" && "
		"exec setpriv --reuid=nobody --regid=nogroup --clear-groups \"$UMOCKDEV_DIR/bd\" "
		"--knowledge \"$UMOCKDEV_DIR/kb\" identify --route serial";
	struct e2e_run r;
	e2e_vrun_run(&r, "photon-listening", 60,
		     E2E_ARGS("/bin/sh", "-c", script, e2e_blinkdoc(), e2e_knowledge()));
	expect_status(&r, 5);
	assert_string_equal(r.out, "");
	expect_err(&r, "permission denied opening /dev/ttyACM0");
	expect_err(&r, "Add yourself to the `dialout` group: `sudo usermod -aG dialout $USER`, "
		       "then log out and back in");
	expect_err(&r, "udev rule");
	expect_err(&r, "`sudo blinkdoc udev-rules --install`");
	e2e_run_free(&r);

	/* The udev alternative is a command that exists and must run as root
	 * (it writes /etc/udev/rules.d). */
	E2E_BD(&r, "no-devices", "udev-rules", "--help");
	expect_status(&r, 0);
	expect_out(&r, "usage: blinkdoc udev-rules [--install");
	e2e_run_free(&r);
}

int main(int argc, char **argv)
{
	(void)argc;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(silent_console),
		cmocka_unit_test(garbage_bytes),
		cmocka_unit_test(truncated_json),
		cmocka_unit_test(slow_reply_in_time),
		cmocka_unit_test(slow_reply_past_deadline),
		cmocka_unit_test(disconnect_mid_reply),
		cmocka_unit_test(port_busy),
		cmocka_unit_test(permission_denied),
	};
	return e2e_main(argv, "e2e_serial_faults", tests, sizeof tests / sizeof tests[0]);
}
