/* usb_ops.c - identify, inspect, mac, mode changes and reset over Particle
 * control requests (protocols.md §3.5, §3.7), for devices in normal or
 * listening mode.  Devices in DFU mode go to usb_dfu.c.  Each operation
 * opens the device, drops stale requests (RESET 0), does its requests and
 * closes the handle again: after 40/50/60 the device resets about a second
 * after acknowledging, and the dispatcher waits for the re-enumeration. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "usb/ctrl_reply.h"
#include "usb/pb_wire.h"
#include "usb/usb_ctrl.h"
#include "usb/usb_err.h"
#include "usb/usb_internal.h"

/* particle-usb's budgets for the optional requests. */
#define BD_USB_SHORT_MS 2000
#define BD_USB_LISTEN_POLL_MS 500
#define BD_USB_LISTEN_WAIT_MS 5000

static const struct bd_platform *bd_usb_dev_platform(struct bd_usb_state *s,
						     const struct bd_device *dev)
{
	return dev->platform_id >= 0 ? bd_platform_by_id(s->platforms, dev->platform_id) : NULL;
}

/* Control requests are not a route for this device: DFU mode, or a
 * platform without them (Core, Tachyon).  Returns BD_E_NOT_SUPPORTED with
 * no message (the dispatcher moves on quietly), after a log line. */
static int bd_usb_no_control(struct bd_usb_state *s, const struct bd_device *dev,
			     struct bd_op *op, const char *what)
{
	const struct bd_platform *pl = bd_usb_dev_platform(s, dev);
	if (!(dev->routes & BD_ROUTE_USB) || !dev->usb_bus)
		return BD_E_NOT_SUPPORTED;
	if (pl && (pl->quirks & BD_QUIRK_NO_CONTROL)) {
		bd_op_logf(op, "usb: the %s has no USB control requests, so it cannot %s over USB",
			   pl->name, what);
		return BD_E_NOT_SUPPORTED;
	}
	return 0;
}

/* Opens a normal-mode device for control requests and drops requests a
 * previous program may have left pending. */
static int bd_usb_open_ctrl(struct bd_usb_state *s, const struct bd_device *dev,
			    struct bd_usb_handle *h, struct bd_op *op, struct bd_error *err)
{
	int rc = bd_usb_open(s, dev, h, err);
	if (rc < 0)
		return rc;
	if (h->dfu) {
		bd_usb_close(h);
		return bd_error_set(err, BD_E_STATE, "the device is in DFU mode now");
	}
	struct bd_op quick = {bd_deadline_in(BD_USB_SHORT_MS), NULL, NULL, NULL, NULL};
	if (op)
		quick.deadline = bd_deadline_min(quick.deadline, op->deadline);
	struct bd_error e = {0};
	rc = bd_usb_svc_reset(&h->x, 0, &quick, &e);
	if (rc == BD_E_STALL) {
		/* Nothing on the device speaks the protocol: let the next
		 * route (the console) try. */
		bd_error_set(err, BD_E_NOT_SUPPORTED,
			     "the %s does not answer Particle control requests (it stalls them: "
			     "Device OS older than 0.8.0, or not running)", h->where);
		bd_usb_close(h);
		return BD_E_NOT_SUPPORTED;
	}
	if (rc == BD_E_ACCESS || rc == BD_E_DISCONNECTED) {
		if (err)
			*err = e;
		bd_usb_close(h);
		return rc;
	}
	return 0;
}

/* A request without payload whose reply goes into buf[cap]. */
static int bd_usb_simple(struct bd_usb_handle *h, uint16_t type, uint8_t *buf, size_t cap,
			 size_t *len, int64_t timeout_ms, struct bd_op *op, struct bd_error *err)
{
	struct bd_usb_request r = {.type = type, .reply = buf, .reply_cap = cap,
				   .timeout_ms = timeout_ms};
	int rc = bd_usb_request(&h->x, &r, op, err);
	if (len)
		*len = r.reply_len;
	return rc;
}

/* Adds "on <where>" to an error message. */
static int bd_usb_where(struct bd_error *err, int rc, const struct bd_usb_handle *h)
{
	if (!err || rc >= 0)
		return rc;
	bd_usb_err_prefix(err, "%s", h->where);
	return rc;
}

/* One string field (field 1) of a reply message, e.g. SerialNumberReply. */
static int bd_usb_decode_string1(const uint8_t *buf, size_t len, const char *msg, char *out,
				 size_t cap, struct bd_error *err)
{
	struct bd_pb_reader r;
	struct bd_pb_field f;
	int rc;
	out[0] = '\0';
	bd_pb_reader_init(&r, buf, len, msg);
	while ((rc = bd_pb_next(&r, &f, err)) == 1)
		if (f.num == 1 && (rc = bd_pb_string(&r, &f, out, cap, err)) < 0)
			return rc;
	return rc;
}

int bd_usb_list_query(struct bd_usb_handle *h, struct bd_device *row, struct bd_op *op,
		      struct bd_error *err)
{
	if (!row->device_id[0])
		bd_usb_vendor_text(&h->x, BD_CTRL_VENDOR_DEVICE_ID, row->device_id,
				   sizeof row->device_id, op, err);
	uint8_t buf[16];
	size_t len = 0;
	enum bd_mode mode = BD_MODE_NORMAL;
	int rc = bd_usb_simple(h, BD_CTRL_GET_DEVICE_MODE, buf, sizeof buf, &len,
			       BD_USB_SHORT_MS, op, err);
	if (rc == 0 && bd_ctrl_decode_device_mode(buf, len, &mode, err) == 0) {
		row->mode_reported = true;
		if (mode == BD_MODE_LISTENING)
			row->mode = BD_MODE_LISTENING;
	}
	return rc;
}

/* Identify in DFU mode: what the USB descriptors say (opening the device
 * proves it can be reached: a permission problem shows here). */
static int bd_usb_identify_dfu(struct bd_usb_state *s, const struct bd_device *dev,
			       struct bd_identity *out, struct bd_op *op, struct bd_error *err)
{
	struct bd_usb_handle h;
	int rc = bd_usb_open(s, dev, &h, err);
	if (rc < 0)
		return rc;
	struct libusb_device_descriptor desc;
	char serial[64] = "";
	if (libusb_get_device_descriptor(libusb_get_device(h.h), &desc) == 0)
		bd_usb_string(h.h, desc.iSerialNumber, serial, sizeof serial);
	if (!bd_usb_id_from_serial(serial, h.pl, out->device_id))
		memcpy(out->device_id, dev->device_id, sizeof out->device_id);
	bd_usb_close(&h);
	out->platform_id = dev->platform_id;
	out->route = BD_ROUTE_USB;
	bd_op_logf(op, "usb: the device is in DFU mode: the ID and platform come from its USB "
		       "descriptors; Device OS does not run, so its version is unknown");
	return 0;
}

int bd_usb_identify(void *state, const struct bd_device *dev, struct bd_identity *out,
		    struct bd_op *op, struct bd_error *err)
{
	struct bd_usb_state *s = state;
	if (dev->mode == BD_MODE_DFU && (dev->routes & BD_ROUTE_USB))
		return bd_usb_identify_dfu(s, dev, out, op, err);
	int rc = bd_usb_no_control(s, dev, op, "identify itself");
	if (rc < 0)
		return rc;
	struct bd_usb_handle h;
	if ((rc = bd_usb_open_ctrl(s, dev, &h, op, err)) < 0)
		return rc;
	rc = bd_usb_vendor_text(&h.x, BD_CTRL_VENDOR_DEVICE_ID, out->device_id,
				sizeof out->device_id, op, err);
	if (rc < 0) {
		/* Old Device OS: the serial string still names it. */
		if (!dev->device_id[0]) {
			bd_usb_where(err, rc, &h);
			goto out;
		}
		memcpy(out->device_id, dev->device_id, sizeof out->device_id);
		bd_error_clear(err);
	}
	out->platform_id = dev->platform_id;
	out->route = BD_ROUTE_USB;
	struct bd_error e = {0};
	if (bd_usb_vendor_text(&h.x, BD_CTRL_VENDOR_SYSTEM_VERSION, out->system_version,
			       sizeof out->system_version, op, &e) < 0)
		bd_op_logf(op, "usb: no Device OS version: %s", e.msg);
	uint8_t buf[256];
	size_t len = 0;
	bd_error_clear(&e);
	if (bd_usb_simple(&h, BD_CTRL_SERIAL_NUMBER, buf, sizeof buf, &len, BD_USB_SHORT_MS, op,
			  &e) == 0)
		bd_usb_decode_string1(buf, len, "SerialNumberReply", out->serial_number,
				      sizeof out->serial_number, &e);
	const struct bd_platform *pl = h.pl;
	if (pl->conn & BD_CONN_CELLULAR) {
		bd_error_clear(&e);
		int r = bd_usb_simple(&h, BD_CTRL_CELLULAR_GET_ICCID, buf, sizeof buf, &len,
				      BD_USB_SHORT_MS, op, &e);
		if (r == 0)
			r = bd_ctrl_decode_iccid(buf, len, out, &e);
		if (r < 0 && dev->mode == BD_MODE_LISTENING && dev->port[0]) {
			/* Device OS before 6.0: only the console tells. */
			rc = bd_error_set(err, BD_E_NOT_SUPPORTED,
					  "%s: no ICCID/IMEI over USB (%s); asking the console",
					  h.where, e.msg);
			goto out;
		}
		if (r < 0)
			bd_op_logf(op, "usb: no ICCID/IMEI over USB (%s); the listening-mode console "
				       "reports them on Device OS before 6.0", e.msg);
	}
	rc = 0;
out:
	bd_usb_close(&h);
	return rc;
}

#define BD_USB_MODINFO_MAX 16384

int bd_usb_inspect(void *state, const struct bd_device *dev, struct bd_module_table *out,
		   struct bd_op *op, struct bd_error *err)
{
	struct bd_usb_state *s = state;
	if (dev->mode == BD_MODE_DFU)
		return BD_E_NOT_SUPPORTED;
	int rc = bd_usb_no_control(s, dev, op, "report its modules");
	if (rc < 0)
		return rc;
	struct bd_usb_handle h;
	if ((rc = bd_usb_open_ctrl(s, dev, &h, op, err)) < 0)
		return rc;
	uint8_t *buf = malloc(BD_USB_MODINFO_MAX);
	size_t len = 0;
	rc = buf ? bd_usb_simple(&h, BD_CTRL_GET_MODULE_INFO, buf, BD_USB_MODINFO_MAX, &len, 5000,
				 op, err)
		 : bd_error_set(err, BD_E_NOMEM, "out of memory for the module table");
	if (rc == 0)
		rc = bd_ctrl_decode_module_info(buf, len, out, err);
	if (rc == 0) {
		out->platform_id = dev->platform_id;
		out->route = BD_ROUTE_USB;
	}
	free(buf);
	bd_usb_where(err, rc, &h);
	bd_usb_close(&h);
	return rc;
}

int bd_usb_mac(void *state, const struct bd_device *dev, struct bd_mac *out, struct bd_op *op,
	       struct bd_error *err)
{
	struct bd_usb_state *s = state;
	if (dev->mode == BD_MODE_DFU)
		return BD_E_NOT_SUPPORTED;
	int rc = bd_usb_no_control(s, dev, op, "report its MAC address");
	if (rc < 0)
		return rc;
	struct bd_usb_handle h;
	if ((rc = bd_usb_open_ctrl(s, dev, &h, op, err)) < 0)
		return rc;
	uint8_t buf[1024], req[16];
	size_t len = 0;
	struct bd_ctrl_iface_list l;
	rc = bd_usb_simple(&h, BD_CTRL_NETWORK_GET_INTERFACE_LIST, buf, sizeof buf, &len,
			   BD_USB_SHORT_MS, op, err);
	if (rc == 0)
		rc = bd_ctrl_decode_iface_list(buf, len, &l, err);
	int pick = rc == 0 ? bd_ctrl_iface_pick(&l, err) : rc;
	if (pick < 0) {
		rc = pick;
		goto out;
	}
	int rlen = bd_ctrl_encode_get_iface(l.v[pick].index, req, sizeof req);
	if (rlen < 0) {
		rc = bd_error_set(err, rlen, "interface index %u does not fit a request",
				  (unsigned)l.v[pick].index);
		goto out;
	}
	struct bd_usb_request r = {.type = BD_CTRL_NETWORK_GET_INTERFACE, .payload = req,
				   .payload_len = (size_t)rlen, .reply = buf,
				   .reply_cap = sizeof buf, .timeout_ms = BD_USB_SHORT_MS};
	rc = bd_usb_request(&h.x, &r, op, err);
	if (rc == 0)
		rc = bd_ctrl_decode_iface_mac(buf, r.reply_len, out, err);
	if (rc == 0)
		out->route = BD_ROUTE_USB;
out:
	bd_usb_where(err, rc, &h);
	bd_usb_close(&h);
	return rc;
}

/* 70 then GET_DEVICE_MODE every 500 ms until it says LISTENING (or, for
 * 71, NORMAL).  If 72 itself fails the request is taken as done. */
static int bd_usb_listen(struct bd_usb_handle *h, bool start, struct bd_op *op,
			 struct bd_error *err)
{
	uint16_t type = start ? BD_CTRL_START_LISTENING : BD_CTRL_STOP_LISTENING;
	int rc = bd_usb_simple(h, type, NULL, 0, NULL, 0, op, err);
	if (rc < 0)
		return rc;
	bd_op_logf(op, "usb: sent %s (%u) to the %s; confirming with GET_DEVICE_MODE (72)",
		   bd_ctrl_type_name(type), type, h->where);
	enum bd_mode want = start ? BD_MODE_LISTENING : BD_MODE_NORMAL;
	struct bd_deadline until = bd_deadline_in(BD_USB_LISTEN_WAIT_MS);
	if (op)
		until = bd_deadline_min(until, op->deadline);
	for (;;) {
		uint8_t buf[16];
		size_t len = 0;
		enum bd_mode mode = BD_MODE_UNKNOWN;
		struct bd_error e = {0};
		struct bd_op sub = {until, NULL, NULL, NULL, op ? op->cancel : NULL};
		int r = bd_usb_simple(h, BD_CTRL_GET_DEVICE_MODE, buf, sizeof buf, &len,
				      BD_USB_SHORT_MS, &sub, &e);
		if (r == 0)
			r = bd_ctrl_decode_device_mode(buf, len, &mode, &e);
		if (r < 0) {
			bd_op_logf(op, "usb: cannot confirm the mode (%s); assuming it changed", e.msg);
			return 0;
		}
		if (mode == want)
			return 0;
		if (!bd_sleep_until(until, BD_USB_LISTEN_POLL_MS) || bd_deadline_passed(until))
			break;
	}
	bd_error_set(err, BD_E_TIMEOUT, "the %s accepted %s but still reports %s mode after %d s",
		     h->where, bd_ctrl_type_name(type), start ? "normal" : "listening",
		     BD_USB_LISTEN_WAIT_MS / 1000);
	if (start)
		bd_error_hint(err, "Hold the %s button for about 3 seconds until the LED blinks "
				   "dark blue.", bd_platform_mode_button(h->pl));
	else
		bd_error_hint(err, "Press %s to restart the device normally.",
			      bd_platform_reset_button(h->pl));
	return BD_E_TIMEOUT;
}

/* 40/50/60: the device acknowledges, then resets about a second later. */
static int bd_usb_resetting_request(struct bd_usb_handle *h, uint16_t type, const char *then,
				    struct bd_op *op, struct bd_error *err)
{
	int rc = bd_usb_simple(h, type, NULL, 0, NULL, 0, op, err);
	if (rc < 0)
		return rc;
	bd_op_logf(op, "usb: sent %s (%u) to the %s; it accepted and %s in about a second",
		   bd_ctrl_type_name(type), type, h->where, then);
	return 0;
}

int bd_usb_request_mode(void *state, const struct bd_device *dev, enum bd_mode mode,
			struct bd_op *op, struct bd_error *err)
{
	struct bd_usb_state *s = state;
	if (!(dev->routes & BD_ROUTE_USB))
		return BD_E_NOT_SUPPORTED;
	if (dev->mode == BD_MODE_DFU) {
		switch (mode) {
		case BD_MODE_NORMAL:
			return bd_usb_dfu_leave(s, dev, op, err);
		case BD_MODE_SAFE:
			return bd_usb_dfu_safe_mode(s, dev, op, err);
		case BD_MODE_DFU:
			return 0;
		default:
			return bd_error_set(err, BD_E_STATE,
					    "the device is in DFU mode; leave it first "
					    "(`blinkdoc reset`), then ask for %s mode",
					    bd_mode_name(mode));
		}
	}
	int rc = bd_usb_no_control(s, dev, op, "change its mode");
	if (rc < 0)
		return rc;
	struct bd_usb_handle h;
	if ((rc = bd_usb_open_ctrl(s, dev, &h, op, err)) < 0)
		return rc;
	switch (mode) {
	case BD_MODE_DFU:
		rc = bd_usb_resetting_request(&h, BD_CTRL_DFU_MODE, "restarts in DFU mode", op,
					      err);
		break;
	case BD_MODE_SAFE:
		rc = bd_usb_resetting_request(&h, BD_CTRL_SAFE_MODE, "restarts in safe mode", op,
					      err);
		break;
	case BD_MODE_LISTENING:
		rc = bd_usb_listen(&h, true, op, err);
		break;
	case BD_MODE_NORMAL:
		rc = bd_usb_listen(&h, false, op, err);
		break;
	default:
		rc = BD_E_NOT_SUPPORTED;
		break;
	}
	bd_usb_where(err, rc, &h);
	bd_usb_close(&h);
	return rc;
}

int bd_usb_reset(void *state, const struct bd_device *dev, struct bd_op *op,
		 struct bd_error *err)
{
	struct bd_usb_state *s = state;
	if (!(dev->routes & BD_ROUTE_USB))
		return BD_E_NOT_SUPPORTED;
	if (dev->mode == BD_MODE_DFU)
		return bd_usb_dfu_leave(s, dev, op, err);
	int rc = bd_usb_no_control(s, dev, op, "restart");
	if (rc < 0)
		return rc;
	struct bd_usb_handle h;
	if ((rc = bd_usb_open_ctrl(s, dev, &h, op, err)) < 0)
		return rc;
	rc = bd_usb_resetting_request(&h, BD_CTRL_RESET, "restarts", op, err);
	if (rc == BD_E_NOT_SUPPORTED || rc == BD_E_STALL) {
		/* The raw 'P' 40 resets at once, without the framed protocol. */
		bd_op_logf(op, "usb: RESET (40) failed (%s); sending the immediate 'P' 40 reset",
			   err ? err->msg : "");
		bd_error_clear(err);
		rc = bd_usb_vendor_out(&h.x, BD_CTRL_VENDOR_RESET,
				       (h.pl->quirks & BD_QUIRK_OUT_NEEDS_DATA) != 0, op, err);
		/* It resets inside the transfer; losing the device is success. */
		if (rc == BD_E_DISCONNECTED || rc == BD_E_IO || rc == BD_E_TIMEOUT) {
			bd_error_clear(err);
			rc = 0;
		}
	}
	bd_usb_where(err, rc, &h);
	bd_usb_close(&h);
	return rc;
}
