/* serial_backend.c - the USB CDC serial backend (backend.h): lists Particle
 * devices by their serial ports and reaches the Device OS listening-mode
 * console; changes modes with the magic baud rates and the console's `L`
 * and `x`.  What this route cannot do (flash, read, reset) is left NULL in
 * the ops table, which the dispatcher treats as BD_E_NOT_SUPPORTED.
 *
 * The console only answers while the device is in listening mode (blinking
 * dark blue); every wait has the per-command deadline of serial_console.c,
 * cut to the operation's own. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console_parse.h"
#include "serial_backend.h"
#include "serial_console.h"
#include "serial_list.h"

struct bd_serial_state {
	const struct bd_platforms *platforms;
};

/* After a magic 28800, how long to keep asking whether listening mode
 * started. */
#define BD_SERIAL_LISTEN_WAIT_MS 4000
#define BD_SERIAL_LISTEN_POLL_MS 500

static int bd_serial_open(void **state, const struct bd_platforms *platforms,
			  struct bd_error *err)
{
	struct bd_serial_state *s = calloc(1, sizeof *s);
	if (!s)
		return bd_error_set(err, BD_E_NOMEM, "out of memory starting the serial backend");
	s->platforms = platforms;
	*state = s;
	return 0;
}

static void bd_serial_close(void *state)
{
	free(state);
}

static int bd_serial_list(void *state, struct bd_device_list *out, struct bd_error *err)
{
	struct bd_serial_state *s = state;
	return bd_serial_list_ports(s->platforms, out, err);
}

/* A reply buffer on the heap: console replies go up to 64 KiB. */
struct bd_serial_reply {
	char *buf;
	int len;
	bool complete;
};

/* Runs cmd on dev's port into r.  BD_E_NOT_SUPPORTED (no message) when the
 * device has no serial port: the dispatcher then tries another route. */
static int bd_serial_ask(const struct bd_device *dev, char cmd, struct bd_serial_reply *r,
			 struct bd_op *op, struct bd_error *err)
{
	r->buf = NULL;
	r->len = 0;
	if (!dev->port[0])
		return BD_E_NOT_SUPPORTED;
	r->buf = malloc(BD_CONSOLE_REPLY_MAX);
	if (!r->buf)
		return bd_error_set(err, BD_E_NOMEM, "out of memory for the reply to `%c`", cmd);
	r->len = bd_serial_console_run(dev->port, cmd, r->buf, BD_CONSOLE_REPLY_MAX, &r->complete,
				       op, err);
	return r->len < 0 ? r->len : 0;
}

static void bd_serial_reply_free(struct bd_serial_reply *r)
{
	if (r->buf) {
		bd_serial_wipe(r->buf, BD_CONSOLE_REPLY_MAX); /* `i` carries the device secret */
		free(r->buf);
	}
	r->buf = NULL;
}

/* The Device OS version over `v`; *version is "" when it could not be read. */
static int bd_serial_version(const struct bd_device *dev, struct bd_console_version *version,
			     struct bd_op *op, struct bd_error *err)
{
	memset(version, 0, sizeof *version);
	struct bd_serial_reply r;
	int rc = bd_serial_ask(dev, 'v', &r, op, err);
	if (rc == 0) {
		rc = bd_console_parse_version(r.buf, (size_t)r.len, version, err);
		if (rc < 0)
			bd_serial_reply_error(err, dev->port, 'v', r.complete);
	}
	bd_serial_reply_free(&r);
	return rc;
}

static int bd_serial_identify(void *state, const struct bd_device *dev, struct bd_identity *out,
			      struct bd_op *op, struct bd_error *err)
{
	(void)state;
	struct bd_serial_reply r;
	int rc = bd_serial_ask(dev, 'i', &r, op, err);
	if (rc == 0) {
		rc = bd_console_parse_identify(r.buf, (size_t)r.len, out, err);
		if (rc < 0)
			bd_serial_reply_error(err, dev->port, 'i', r.complete);
	}
	bd_serial_reply_free(&r);
	if (rc < 0)
		return rc;
	out->platform_id = dev->platform_id;
	out->route = BD_ROUTE_SERIAL;
	if (dev->device_id[0] && strcmp(dev->device_id, out->device_id) != 0)
		bd_op_logf(op, "serial %s: the console reports device %s, but the port belonged "
			       "to %s when listed",
			   dev->port, out->device_id, dev->device_id);

	/* identify = `i` then `v`; a missing version does not undo the identity. */
	struct bd_console_version v;
	struct bd_error verr = {0};
	if (bd_serial_version(dev, &v, op, &verr) == 0)
		memcpy(out->system_version, v.version, sizeof out->system_version);
	else
		bd_op_logf(op, "could not read the Device OS version: %s", verr.msg);
	return 0;
}

static int bd_serial_inspect(void *state, const struct bd_device *dev,
			     struct bd_module_table *out, struct bd_op *op, struct bd_error *err)
{
	(void)state;
	struct bd_serial_reply r;
	int rc = bd_serial_ask(dev, 's', &r, op, err);
	if (rc == 0) {
		rc = bd_console_parse_modules(r.buf, (size_t)r.len, out, err);
		if (rc < 0)
			bd_serial_reply_error(err, dev->port, 's', r.complete);
		else
			out->route = BD_ROUTE_SERIAL;
	}
	bd_serial_reply_free(&r);
	return rc;
}

static const struct bd_platform *bd_serial_platform(const struct bd_serial_state *s, int id)
{
	return id >= 0 ? bd_platform_by_id(s->platforms, id) : NULL;
}

static int bd_serial_mac(void *state, const struct bd_device *dev, struct bd_mac *out,
			 struct bd_op *op, struct bd_error *err)
{
	struct bd_serial_state *s = state;
	struct bd_serial_reply r;
	int rc = bd_serial_ask(dev, 'm', &r, op, err);
	if (rc == 0) {
		rc = bd_console_parse_mac(r.buf, (size_t)r.len, out, err);
		if (rc < 0)
			bd_serial_reply_error(err, dev->port, 'm', r.complete);
	}
	bd_serial_reply_free(&r);
	if (rc < 0)
		return rc;
	/* Device OS prints the Wi-Fi station MAC on Wi-Fi platforms. */
	const struct bd_platform *pl = bd_serial_platform(s, dev->platform_id);
	if (pl && (pl->conn & BD_CONN_WIFI))
		memcpy(out->interface, "wifi", sizeof "wifi");
	out->route = BD_ROUTE_SERIAL;
	return 0;
}

/* Whether the console answers (`v`), i.e. the device is in listening mode. */
static bool bd_serial_listening(const struct bd_device *dev, struct bd_op *op)
{
	struct bd_console_version v;
	struct bd_error e = {0};
	return bd_serial_version(dev, &v, op, &e) == 0;
}

/* "Device OS 6 and later ignore it" (from the platform data). */
static void bd_serial_ignored_from(const struct bd_platform *pl, char *buf, size_t size)
{
	if (pl->magic_baud_listen_below_major > 0)
		snprintf(buf, size, "Device OS %d and later ignore it",
			 pl->magic_baud_listen_below_major);
	else
		snprintf(buf, size, "newer Device OS versions ignore it");
}

static int bd_serial_enter_dfu(const struct bd_platform *pl, const struct bd_device *dev,
			       struct bd_op *op, struct bd_error *err)
{
	if (!pl || !pl->magic_baud_dfu)
		return BD_E_NOT_SUPPORTED;
	bd_op_logf(op, "serial %s: asking for DFU mode with the %u baud signal", dev->port,
		   pl->magic_baud_dfu);
	return bd_serial_magic_baud(dev->port, pl->magic_baud_dfu, op, err);
}

static int bd_serial_enter_listening(const struct bd_platform *pl, const struct bd_device *dev,
				     struct bd_op *op, struct bd_error *err)
{
	if (!pl || !pl->magic_baud_listen)
		return BD_E_NOT_SUPPORTED;
	/* No need to ask first: Device OS acts on 28800 only when it is not
	 * listening already, and the check below confirms either way. */
	char ignored[64];
	bd_serial_ignored_from(pl, ignored, sizeof ignored);
	bd_op_logf(op, "serial %s: asking for listening mode with the %u baud signal (%s)",
		   dev->port, pl->magic_baud_listen, ignored);
	int rc = bd_serial_magic_baud(dev->port, pl->magic_baud_listen, op, err);
	if (rc < 0)
		return rc;
	struct bd_deadline until = bd_deadline_in(BD_SERIAL_LISTEN_WAIT_MS);
	if (op)
		until = bd_deadline_min(until, op->deadline);
	while (bd_sleep_until(until, BD_SERIAL_LISTEN_POLL_MS)) {
		if (bd_op_cancelled(op))
			return bd_error_set(err, BD_E_CANCELLED, "stopped waiting for listening mode");
		if (bd_serial_listening(dev, op))
			return 0;
	}
	bd_error_set(err, BD_E_UNAVAILABLE,
		     "the device on %s did not start listening mode after the %u baud signal "
		     "(%s)",
		     dev->port, pl->magic_baud_listen, ignored);
	bd_error_hint(err, "Hold the %s button for about 3 seconds until the LED blinks dark "
			   "blue.", bd_platform_mode_button(pl));
	return BD_E_UNAVAILABLE;
}

/* `L` (safe mode) works only where the console answers. */
static int bd_serial_console_mode(const struct bd_platform *pl, const struct bd_device *dev,
				  char cmd, struct bd_op *op, struct bd_error *err)
{
	const char *mode_btn = bd_platform_mode_button(pl);
	if (!bd_serial_listening(dev, op)) {
		bd_error_set(err, BD_E_STATE,
			     "the console on %s does not answer, so the device is not in listening "
			     "mode; `%c` (%s) works only there",
			     dev->port, cmd, bd_serial_command_name(cmd));
		bd_error_hint(err, "Hold the %s button for about 3 seconds until the LED blinks "
				   "dark blue, then try again; or start safe mode with the "
				   "buttons: hold %s, tap %s, and let go of %s when the LED blinks "
				   "magenta.",
			      mode_btn, mode_btn, bd_platform_reset_button(pl), mode_btn);
		return BD_E_STATE;
	}
	return bd_serial_console_send(dev->port, cmd, op, err);
}

static int bd_serial_request_mode(void *state, const struct bd_device *dev, enum bd_mode mode,
				  struct bd_op *op, struct bd_error *err)
{
	struct bd_serial_state *s = state;
	if (!dev->port[0] || dev->mode == BD_MODE_DFU)
		return BD_E_NOT_SUPPORTED; /* no console: not this route */
	const struct bd_platform *pl = bd_serial_platform(s, dev->platform_id);
	switch (mode) {
	case BD_MODE_DFU:
		return bd_serial_enter_dfu(pl, dev, op, err);
	case BD_MODE_LISTENING:
		return bd_serial_enter_listening(pl, dev, op, err);
	case BD_MODE_SAFE:
		return bd_serial_console_mode(pl, dev, 'L', op, err);
	case BD_MODE_NORMAL:
		/* Leaving listening mode: a silent console means there is
		 * nothing to leave. */
		if (!bd_serial_listening(dev, op)) {
			bd_op_logf(op, "serial %s: the console is silent, so the device is not in "
				       "listening mode; nothing to leave", dev->port);
			return 0;
		}
		return bd_serial_console_send(dev->port, 'x', op, err);
	case BD_MODE_UNKNOWN:
		break;
	}
	return BD_E_NOT_SUPPORTED;
}

const struct bd_backend_ops bd_backend_serial = {
	.name = "serial",
	.route = BD_ROUTE_SERIAL,
	.open = bd_serial_open,
	.close = bd_serial_close,
	.list = bd_serial_list,
	.wait_change = NULL, /* no hotplug: the dispatcher polls list() */
	.identify = bd_serial_identify,
	.inspect = bd_serial_inspect,
	.mac = bd_serial_mac,
	.request_mode = bd_serial_request_mode,
	.reset = NULL, /* the console has no plain reset */
	.flash = NULL,
	.read = NULL,
};
