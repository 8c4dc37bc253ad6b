/* Unit tests for libserialport error translation and the messages a person
 * sees: permission, busy (naming the holder), missing port, disconnects;
 * plus the console command table and failures that need no port. */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "serial_console.h"
#include "serial_port.h"

static void permission_denied_says_what_to_do(void **state)
{
	(void)state;
	struct bd_error err = {0};
	assert_int_equal(bd_serial_translate(SP_ERR_FAIL, EACCES, "opening", "/dev/ttyACM0", &err),
			 BD_E_ACCESS);
	assert_string_equal(err.msg, "permission denied opening /dev/ttyACM0");
	assert_non_null(strstr(err.hint, "sudo usermod -aG dialout $USER"));
	assert_non_null(strstr(err.hint, "log out and back in"));
	assert_non_null(strstr(err.hint, "blinkdoc udev-rules --install"));
}

static void busy_names_the_holder(void **state)
{
	(void)state;
	char path[] = "/tmp/bd_serial_busy_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	char pid[32];
	snprintf(pid, sizeof pid, "(pid %d)", (int)getpid());

	char holders[256];
	bool unsure;
	int n = bd_serial_port_holders(path, holders, sizeof holders, &unsure);
	assert_int_equal(n, 1);
	assert_non_null(strstr(holders, pid));

	struct bd_error err = {0};
	assert_int_equal(bd_serial_translate(SP_ERR_FAIL, EBUSY, "opening", path, &err),
			 BD_E_BUSY);
	assert_non_null(strstr(err.msg, pid));
	assert_non_null(strstr(err.msg, "has /tmp/bd_serial_busy_"));
	assert_non_null(strstr(err.hint, "kill <pid>"));
	close(fd);

	/* nobody holds it now: say how to find out */
	memset(&err, 0, sizeof err);
	assert_int_equal(bd_serial_translate(SP_ERR_FAIL, EBUSY, "opening", path, &err),
			 BD_E_BUSY);
	assert_non_null(strstr(err.msg, "is busy"));
	assert_non_null(strstr(err.hint, "fuser -v"));
	unlink(path);
}

static void modem_manager_advice(void **state)
{
	(void)state;
	char hint[512];
	bd_serial_holders_advice("/dev/ttyACM0", "ModemManager (pid 812)", 1, false, hint,
				 sizeof hint);
	assert_non_null(strstr(hint, "sudo systemctl stop ModemManager"));
	assert_non_null(strstr(hint, "blinkdoc udev-rules --install"));
}

static void other_codes(void **state)
{
	(void)state;
	struct bd_error err = {0};
	assert_int_equal(bd_serial_translate(SP_OK, 0, "opening", "/dev/ttyACM0", &err), 0);
	assert_int_equal(bd_serial_translate(SP_ERR_FAIL, ENOENT, "opening", "/dev/ttyACM0", &err),
			 BD_E_NO_DEVICE);
	assert_non_null(strstr(err.hint, "blinkdoc devices"));
	assert_int_equal(bd_serial_translate(SP_ERR_FAIL, EIO, "reading from", "/dev/ttyACM0", &err),
			 BD_E_DISCONNECTED);
	assert_non_null(strstr(err.msg, "disconnected while reading from /dev/ttyACM0"));
	assert_int_equal(bd_serial_translate(SP_ERR_FAIL, ENXIO, "opening", "/dev/ttyACM0", &err),
			 BD_E_DISCONNECTED);
	assert_int_equal(bd_serial_translate(SP_ERR_FAIL, ETIMEDOUT, "writing to", "/dev/ttyACM0",
					     &err),
			 BD_E_TIMEOUT);
	assert_int_equal(bd_serial_translate(SP_ERR_FAIL, EINVAL, "configuring", "/dev/ttyACM0",
					     &err),
			 BD_E_IO);
	assert_non_null(strstr(err.msg, strerror(EINVAL)));
	assert_int_equal(bd_serial_translate(SP_ERR_MEM, 0, "opening", "/dev/ttyACM0", &err),
			 BD_E_NOMEM);
	assert_int_equal(bd_serial_translate(SP_ERR_SUPP, 0, "setting 14400 baud on",
					     "/dev/ttyACM0", &err),
			 BD_E_NOT_SUPPORTED);
	assert_true(err.msg[0] != '\0');
	assert_int_equal(bd_serial_translate(SP_ERR_ARG, 0, "opening", "/dev/ttyACM0", &err),
			 BD_E_INVALID);
}

static void open_missing_port(void **state)
{
	(void)state;
	struct bd_serial_port *p = (struct bd_serial_port *)1;
	struct bd_error err = {0};
	assert_int_equal(bd_serial_port_open("/dev/ttyBLINKDOC_NONE", &p, &err), BD_E_NO_DEVICE);
	assert_null(p);
	assert_string_equal(err.msg, "no serial port /dev/ttyBLINKDOC_NONE");
	assert_non_null(strstr(err.hint, "blinkdoc devices"));
	/* a file that is not a serial port */
	char path[] = "/tmp/bd_serial_notaport_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(bd_serial_port_open(path, &p, &err), BD_E_NO_DEVICE);
	assert_non_null(strstr(err.msg, "not a serial port"));
	unlink(path);
	assert_int_equal(bd_serial_port_open("", &p, &err), BD_E_INVALID);
}

static void console_on_missing_port(void **state)
{
	(void)state;
	char buf[64];
	bool complete = true;
	struct bd_error err = {0};
	struct bd_op op = {bd_deadline_in(1000), NULL, NULL, NULL, NULL};
	assert_int_equal(bd_serial_console_run("/dev/ttyBLINKDOC_NONE", 'i', buf, sizeof buf,
					       &complete, &op, &err),
			 BD_E_NO_DEVICE);
	assert_false(complete);
	assert_int_equal(bd_serial_console_send("/dev/ttyBLINKDOC_NONE", 'x', &op, &err),
			 BD_E_NO_DEVICE);
	assert_int_equal(bd_serial_magic_baud("/dev/ttyBLINKDOC_NONE", 14400, &op, &err),
			 BD_E_NO_DEVICE);
}

static void command_table(void **state)
{
	(void)state;
	assert_int_equal(bd_serial_command_timeout_ms('i'), 20000);
	assert_int_equal(bd_serial_command_timeout_ms('s'), 20000);
	assert_int_equal(bd_serial_command_timeout_ms('v'), 2000);
	assert_int_equal(bd_serial_command_timeout_ms('c'), 500);
	assert_int_equal(bd_serial_command_timeout_ms('m'), 5000);
	assert_int_equal(bd_serial_command_timeout_ms('?'), 5000);
	assert_string_equal(bd_serial_command_name('i'), "identify");
	assert_string_equal(bd_serial_command_name('s'), "module info");
	assert_string_equal(bd_serial_command_name('?'), "command");
}

static void reply_error_adds_port_and_hint(void **state)
{
	(void)state;
	struct bd_error err = {0};
	bd_error_set(&err, BD_E_PARSE, "expected `system firmware version: <version>`");
	bd_serial_reply_error(&err, "/dev/ttyACM0", 'v', false);
	assert_int_equal(err.code, BD_E_PARSE);
	assert_string_equal(err.msg, "/dev/ttyACM0: expected `system firmware version: <version>`");
	assert_non_null(strstr(err.hint, "listening mode"));
	assert_non_null(strstr(err.hint, "kept sending"));
}

static void wipe_clears(void **state)
{
	(void)state;
	char buf[8] = "secret!";
	bd_serial_wipe(buf, sizeof buf);
	for (size_t i = 0; i < sizeof buf; i++)
		assert_int_equal(buf[i], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(permission_denied_says_what_to_do),
		cmocka_unit_test(busy_names_the_holder),
		cmocka_unit_test(modem_manager_advice),
		cmocka_unit_test(other_codes),
		cmocka_unit_test(open_missing_port),
		cmocka_unit_test(console_on_missing_port),
		cmocka_unit_test(command_table),
		cmocka_unit_test(reply_error_adds_port_and_hint),
		cmocka_unit_test(wipe_clears),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
