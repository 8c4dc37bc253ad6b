/* serial_console.c - one console exchange per call (serial_console.h). */
#define _GNU_SOURCE
#include "serial_console.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "serial_port.h"
#include "serial_reader.h"

static const struct {
	char cmd;
	const char *name;
	int timeout_ms;
} bd_serial_commands[] = {
	{'i', "identify", 20000},
	{'s', "module info", 20000},
	{'v', "version", 2000},
	{'c', "claim status", 500},
	{'m', "MAC address", 5000},
	{'d', "diagnostics", 5000},
	{'L', "safe mode", 5000},
	{'x', "exit listening mode", 5000},
};

#define BD_SERIAL_DEFAULT_TIMEOUT_MS 5000
/* How long a magic rate stays on the line before 9600 is restored. */
#define BD_SERIAL_MAGIC_HOLD_MS 200

int bd_serial_command_timeout_ms(char cmd)
{
	for (size_t i = 0; i < sizeof bd_serial_commands / sizeof bd_serial_commands[0]; i++)
		if (bd_serial_commands[i].cmd == cmd)
			return bd_serial_commands[i].timeout_ms;
	return BD_SERIAL_DEFAULT_TIMEOUT_MS;
}

const char *bd_serial_command_name(char cmd)
{
	for (size_t i = 0; i < sizeof bd_serial_commands / sizeof bd_serial_commands[0]; i++)
		if (bd_serial_commands[i].cmd == cmd)
			return bd_serial_commands[i].name;
	return "command";
}

void bd_serial_wipe(void *buf, size_t n)
{
	volatile unsigned char *p = buf;
	while (n--)
		*p++ = 0;
}

/* The command's own timeout cut to the operation's deadline.  *cut says
 * whether the operation's deadline is the shorter one. */
static struct bd_deadline bd_serial_deadline(char cmd, const struct bd_op *op, bool *cut)
{
	struct bd_deadline own = bd_deadline_in(bd_serial_command_timeout_ms(cmd));
	*cut = false;
	if (!op)
		return own;
	*cut = op->deadline.at_ms < own.at_ms;
	return bd_deadline_min(own, op->deadline);
}

/* The advice for a console that does not answer. */
static void bd_serial_silent_hint(struct bd_error *err, const char *path)
{
	char holders[256], also[BD_ERROR_HINT_MAX / 2] = "";
	bool unsure = false;
	int n = bd_serial_port_holders(path, holders, sizeof holders, &unsure);
	if (n > 0)
		snprintf(also, sizeof also, " Also, %s %s %s open and may be taking the reply%s",
			 holders, n == 1 ? "has" : "have", path,
			 strstr(holders, "ModemManager") ? ": stop it with `sudo systemctl stop "
							   "ModemManager`."
							 : "; close it.");
	bd_error_hint(err,
		      "The console answers only in listening mode: the LED must be blinking dark "
		      "blue. To get there, hold the MODE/SETUP button for about 3 seconds until "
		      "the LED blinks dark blue, then try again.%s",
		      also);
}

int bd_serial_console_run(const char *path, char cmd, char *buf, size_t cap, bool *complete,
			  struct bd_op *op, struct bd_error *err)
{
	*complete = false;
	bool cut;
	struct bd_deadline d = bd_serial_deadline(cmd, op, &cut);
	int64_t started = bd_now_ms();
	struct bd_serial_port *port;
	int rc = bd_serial_port_open(path, &port, err);
	if (rc < 0)
		return rc;
	if ((rc = bd_serial_port_flush_input(port, err)) < 0 ||
	    (rc = bd_serial_port_write(port, &cmd, 1, d, err)) < 0)
		goto out;
	struct bd_serial_collect_opts o = {d, BD_SERIAL_SILENCE_MS, op ? op->cancel : NULL};
	rc = bd_serial_collect(bd_serial_port_read, port, buf, cap, &o, complete, err);
out:
	bd_serial_port_close(port);
	double secs = (double)(bd_now_ms() - started) / 1000.0;
	/* A device that leaves mid-reply does not always hang the tty up
	 * first; a port that is gone after the reply means the reply is cut. */
	if ((rc >= 0 || rc == BD_E_TIMEOUT) && access(path, F_OK) != 0)
		rc = bd_error_set(err, BD_E_DISCONNECTED, "the port disappeared%s",
				  rc >= 0 ? " during the reply" : "");
	const char *name = bd_serial_command_name(cmd);
	if (rc >= 0) {
		bd_op_logf(op, "serial %s: `%c` (%s) answered with %d bytes in %.1f s%s", path, cmd,
			   name, rc, secs, *complete ? "" : " (still sending when time ran out)");
		return rc;
	}
	switch (rc) {
	case BD_E_TIMEOUT:
		bd_error_set(err, BD_E_TIMEOUT,
			     "no reply to `%c` (%s) on %s within %.1f s%s", cmd, name, path, secs,
			     cut ? " (the time left for this operation)" : "");
		bd_serial_silent_hint(err, path);
		break;
	case BD_E_TOO_LARGE:
		bd_error_set(err, BD_E_TOO_LARGE,
			     "the reply to `%c` (%s) on %s is longer than %zu bytes and did not end",
			     cmd, name, path, cap);
		bd_error_hint(err, "Something other than the console is sending on this port (an "
				   "app printing to USB serial?). Put the device in listening mode "
				   "(blinking dark blue) and try again.");
		break;
	case BD_E_DISCONNECTED: {
		char was[BD_ERROR_MSG_MAX];
		snprintf(was, sizeof was, "%s", err ? err->msg : "");
		bd_error_set(err, BD_E_DISCONNECTED,
			     "the device on %s went away while answering `%c` (%s): %s", path, cmd,
			     name, was);
		bd_error_hint(err, "Check the USB cable (a loose or charge-only cable drops out), "
				   "plug the device in again and run `blinkdoc devices`.");
		break;
	}
	default:
		break; /* open/flush/write errors already say what and where */
	}
	bd_op_logf(op, "serial %s: `%c` (%s) failed after %.1f s: %s", path, cmd, name, secs,
		   err ? err->msg : bd_strerror(rc));
	return rc;
}

int bd_serial_console_send(const char *path, char cmd, struct bd_op *op, struct bd_error *err)
{
	bool cut;
	struct bd_deadline d = bd_serial_deadline(cmd, op, &cut);
	struct bd_serial_port *port;
	int rc = bd_serial_port_open(path, &port, err);
	if (rc < 0)
		return rc;
	if ((rc = bd_serial_port_flush_input(port, err)) == 0)
		rc = bd_serial_port_write(port, &cmd, 1, d, err);
	bd_serial_port_close(port);
	bd_op_logf(op, "serial %s: sent `%c` (%s)%s", path, cmd, bd_serial_command_name(cmd),
		   rc < 0 ? ", failed" : "");
	return rc;
}

int bd_serial_magic_baud(const char *path, unsigned baud, struct bd_op *op,
			 struct bd_error *err)
{
	struct bd_serial_port *port;
	int rc = bd_serial_port_open(path, &port, err);
	if (rc < 0)
		return rc;
	rc = bd_serial_port_set_baud(port, baud, err);
	if (rc == 0) {
		bd_op_logf(op, "serial %s: set the line to %u baud", path, baud);
		/* Let the device act on it, then put the tty back to 9600 so the
		 * next program that opens it does not resend the magic rate.
		 * The device may already be gone: that is fine. */
		struct bd_deadline hold = bd_deadline_in(BD_SERIAL_MAGIC_HOLD_MS);
		if (op)
			hold = bd_deadline_min(hold, op->deadline);
		bd_sleep_until(hold, BD_SERIAL_MAGIC_HOLD_MS);
		struct bd_error ignored = {0};
		bd_serial_port_set_baud(port, BD_SERIAL_CONSOLE_BAUD, &ignored);
	}
	bd_serial_port_close(port);
	return rc;
}

void bd_serial_reply_error(struct bd_error *err, const char *path, char cmd, bool complete)
{
	if (!err)
		return;
	char was[BD_ERROR_MSG_MAX];
	snprintf(was, sizeof was, "%s", err->msg);
	bd_error_set(err, err->code, "%s: %s", path, was);
	bd_error_hint(err,
		      "The device answered `%c` (%s) with something other than the console's "
		      "reply%s. It is probably not in listening mode, or an app is printing to "
		      "USB serial: hold the MODE/SETUP button for about 3 seconds until the LED "
		      "blinks dark blue, then try again.",
		      cmd, bd_serial_command_name(cmd),
		      complete ? "" : ", and kept sending until time ran out");
}
