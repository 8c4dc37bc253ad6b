/* usb_ctrl.c - the Particle control-request client (see usb_ctrl.h). */
#define _POSIX_C_SOURCE 200809L
#include "usb/usb_ctrl.h"

#include <stdio.h>
#include <string.h>

#include "usb/ctrl_reply.h"

const unsigned bd_usb_check_backoff_ms[9] = {50, 50, 100, 100, 250, 250, 500, 500, 1000};

unsigned bd_usb_check_delay(unsigned i)
{
	unsigned n = sizeof bd_usb_check_backoff_ms / sizeof bd_usb_check_backoff_ms[0];
	return bd_usb_check_backoff_ms[i < n ? i : n - 1];
}

/* The per-transfer timeout: 5 s, never past the operation's deadline.
 * 0 means the deadline has passed. */
static unsigned bd_usb_timeout(const struct bd_op *op)
{
	if (!op)
		return BD_CTRL_TIMEOUT_MS;
	int64_t left = bd_deadline_left_ms(op->deadline);
	if (left <= 0)
		return 0;
	return left < BD_CTRL_TIMEOUT_MS ? (unsigned)left : BD_CTRL_TIMEOUT_MS;
}

static int bd_usb_transfer(const struct bd_usb_xfer *x, const struct bd_ctrl_setup *s,
			   uint8_t *data, struct bd_op *op, struct bd_error *err,
			   const char *what)
{
	unsigned ms = bd_usb_timeout(op);
	if (!ms)
	{
		bd_error_set(err, BD_E_TIMEOUT, "%s: the device did not finish the request in time",
			     what);
		bd_error_hint(err, "Its firmware may be too busy to answer USB requests (a "
				   "blocking loop in the app): start it in safe mode with its "
				   "buttons (breathing magenta; the guided session shows how) and "
				   "run the command again.");
		return BD_E_TIMEOUT;
	}
	int rc = x->control(x->ctx, s, data, ms);
	if (rc >= 0)
		return rc;
	bd_error_set(err, rc, "%s: %s", what, bd_strerror(rc));
	switch (rc) {
	case BD_E_TIMEOUT:
		bd_error_hint(err, "The device did not answer within %u ms. If its LED is frozen, "
				   "press RESET; then try again.", ms);
		break;
	case BD_E_DISCONNECTED:
		bd_error_hint(err, "The device left USB. Check the cable, then run `blinkdoc "
				   "devices`.");
		break;
	case BD_E_STALL:
		bd_error_hint(err, "The firmware on the device does not know this request "
				   "(Device OS older than 0.8.0, or not running).");
		break;
	default:
		break;
	}
	return rc;
}

int bd_usb_vendor_text(const struct bd_usb_xfer *x, uint16_t what, char *out, size_t cap,
		       struct bd_op *op, struct bd_error *err)
{
	struct bd_ctrl_setup s;
	uint8_t buf[BD_CTRL_MIN_WLENGTH];
	char name[64];
	snprintf(name, sizeof name, "vendor request 'P' %u", what);
	bd_ctrl_setup_vendor_in(what, &s);
	if (s.wLength > sizeof buf)
		s.wLength = sizeof buf;
	memset(buf, 0, sizeof buf);
	int n = bd_usb_transfer(x, &s, buf, op, err, name);
	if (n < 0)
		return n;
	return what == BD_CTRL_VENDOR_DEVICE_ID && cap > BD_DEVICE_ID_LEN
		       ? bd_ctrl_parse_vendor_device_id(buf, (size_t)n, out, err)
		       : bd_ctrl_parse_vendor_text(buf, (size_t)n, out, cap, err);
}

int bd_usb_vendor_out(const struct bd_usb_xfer *x, uint16_t what, bool needs_data_stage,
		      struct bd_op *op, struct bd_error *err)
{
	struct bd_ctrl_setup s;
	uint8_t zero[1] = {0};
	char name[64];
	snprintf(name, sizeof name, "vendor request 'P' %u", what);
	bd_ctrl_setup_vendor_out(what, needs_data_stage, &s);
	int n = bd_usb_transfer(x, &s, s.wLength ? zero : NULL, op, err, name);
	return n < 0 ? n : 0;
}

/* Sends a 64-byte IN service request and parses its reply. */
static int bd_usb_svc_in(const struct bd_usb_xfer *x, const struct bd_ctrl_setup *s,
			 struct bd_ctrl_reply *reply, struct bd_op *op, struct bd_error *err,
			 const char *what)
{
	uint8_t buf[BD_CTRL_MIN_WLENGTH];
	memset(buf, 0, sizeof buf);
	int n = bd_usb_transfer(x, s, buf, op, err, what);
	if (n < 0)
		return n;
	int rc = bd_ctrl_parse_reply(buf, (size_t)n, reply, err);
	if (rc < 0)
		bd_usb_err_prefix(err, "%s: unreadable reply", what);
	return rc;
}

int bd_usb_svc_init(const struct bd_usb_xfer *x, uint16_t type, size_t payload_len,
		    struct bd_ctrl_reply *reply, struct bd_op *op, struct bd_error *err)
{
	struct bd_ctrl_setup s;
	int rc = bd_ctrl_setup_init(type, payload_len, &s);
	if (rc < 0)
		return bd_error_set(err, rc, "%s (%u): the request payload of %zu bytes is too "
					     "large", bd_ctrl_type_name(type), type, payload_len);
	char what[96];
	snprintf(what, sizeof what, "starting %s (%u)", bd_ctrl_type_name(type), type);
	return bd_usb_svc_in(x, &s, reply, op, err, what);
}

int bd_usb_svc_check(const struct bd_usb_xfer *x, uint16_t id, int type_for_msg,
		     struct bd_ctrl_reply *reply, struct bd_op *op, struct bd_error *err)
{
	struct bd_ctrl_setup s;
	bd_ctrl_setup_check(id, &s);
	char what[96];
	snprintf(what, sizeof what, "checking on %s (%d)", bd_ctrl_type_name(type_for_msg),
		 type_for_msg);
	return bd_usb_svc_in(x, &s, reply, op, err, what);
}

int bd_usb_svc_send(const struct bd_usb_xfer *x, uint16_t id, int type_for_msg,
		    const uint8_t *payload, size_t len, struct bd_op *op, struct bd_error *err)
{
	char what[96];
	snprintf(what, sizeof what, "sending the payload of %s (%d)",
		 bd_ctrl_type_name(type_for_msg), type_for_msg);
	for (size_t off = 0; off < len;) {
		size_t chunk = len - off < BD_CTRL_MAX_CHUNK ? len - off : BD_CTRL_MAX_CHUNK;
		struct bd_ctrl_setup s;
		int rc = bd_ctrl_setup_send(id, chunk, &s);
		if (rc < 0)
			return bd_error_set(err, rc, "%s: bad chunk size %zu", what, chunk);
		rc = bd_usb_transfer(x, &s, (uint8_t *)(uintptr_t)(payload + off), op, err, what);
		if (rc < 0)
			return rc;
		if ((size_t)rc != chunk)
			return bd_error_set(err, BD_E_PROTOCOL, "%s: the device took %d of %zu bytes",
					    what, rc, chunk);
		off += chunk;
	}
	return 0;
}

int bd_usb_svc_recv(const struct bd_usb_xfer *x, uint16_t id, int type_for_msg, uint8_t *buf,
		    size_t len, struct bd_op *op, struct bd_error *err)
{
	char what[96];
	snprintf(what, sizeof what, "receiving the reply of %s (%d)",
		 bd_ctrl_type_name(type_for_msg), type_for_msg);
	for (size_t off = 0; off < len;) {
		size_t chunk = len - off < BD_CTRL_MAX_CHUNK ? len - off : BD_CTRL_MAX_CHUNK;
		struct bd_ctrl_setup s;
		int rc = bd_ctrl_setup_recv(id, chunk, &s);
		if (rc < 0)
			return bd_error_set(err, rc, "%s: bad chunk size %zu", what, chunk);
		rc = bd_usb_transfer(x, &s, buf + off, op, err, what);
		if (rc < 0)
			return rc;
		if ((size_t)rc != chunk)
			return bd_error_set(err, BD_E_PROTOCOL,
					    "%s: got %d bytes at offset %zu, expected %zu", what, rc,
					    off, chunk);
		off += chunk;
	}
	return 0;
}

int bd_usb_svc_reset(const struct bd_usb_xfer *x, uint16_t id, struct bd_op *op,
		     struct bd_error *err)
{
	struct bd_ctrl_setup s;
	struct bd_ctrl_reply reply;
	bd_ctrl_setup_reset(id, &s);
	char what[64];
	snprintf(what, sizeof what, "resetting %s", id ? "a pending request" : "stale requests");
	int rc = bd_usb_svc_in(x, &s, &reply, op, err, what);
	if (rc < 0)
		return rc;
	/* NOT_FOUND: nothing was pending, which is what RESET wants. */
	if (reply.status != BD_CTRL_STATUS_OK && reply.status != BD_CTRL_STATUS_NOT_FOUND)
		return bd_ctrl_status_error(reply.status, 0, err);
	return 0;
}

/* Waits the back-off pause for CHECK number *i; false when the deadline or
 * a cancel ends the wait. */
static bool bd_usb_backoff(const struct bd_usb_xfer *x, unsigned *i, struct bd_deadline until,
			   const struct bd_op *op)
{
	if (bd_op_cancelled(op))
		return false;
	int64_t left = bd_deadline_left_ms(until);
	if (left <= 0)
		return false;
	unsigned ms = bd_usb_check_delay((*i)++);
	bd_usb_xfer_sleep(x, left < ms ? (unsigned)left : ms);
	return !bd_op_cancelled(op);
}

/* Ends a request that did not finish: tells the device to drop it. */
static int bd_usb_abandon(const struct bd_usb_xfer *x, uint16_t id, int rc, struct bd_op *op)
{
	struct bd_op quick = {bd_deadline_in(1000), NULL, NULL, NULL, NULL};
	(void)op;
	struct bd_error ignore = {0};
	bd_usb_svc_reset(x, id, &quick, &ignore);
	return rc;
}

static int bd_usb_out_of_time(const struct bd_usb_request *r, const struct bd_op *op,
			      struct bd_error *err, const char *stage)
{
	if (bd_op_cancelled(op))
		return bd_error_set(err, BD_E_CANCELLED, "%s (%u) was cancelled %s",
				    bd_ctrl_type_name(r->type), r->type, stage);
	bd_error_set(err, BD_E_TIMEOUT, "the device did not finish %s (%u) in time (%s)",
		     bd_ctrl_type_name(r->type), r->type, stage);
	bd_error_hint(err, "The device is busy or its firmware is stuck: press RESET and try "
			   "again.");
	return BD_E_TIMEOUT;
}

/* INIT, re-queued while the device is BUSY and CHECKed while it allocates a
 * payload buffer (PENDING).  On success *id is the request id. */
static int bd_usb_start(const struct bd_usb_xfer *x, struct bd_usb_request *r, uint16_t *id,
			struct bd_deadline until, struct bd_op *op, struct bd_error *err)
{
	unsigned tries = 0;
	struct bd_ctrl_reply rep;
	for (;;) {
		int rc = bd_usb_svc_init(x, r->type, r->payload_len, &rep, op, err);
		if (rc < 0)
			return rc;
		if (rep.status != BD_CTRL_STATUS_BUSY)
			break;
		if (!bd_usb_backoff(x, &tries, until, op))
			return bd_usb_out_of_time(r, op, err, "waiting while the device was busy");
	}
	if (rep.status != BD_CTRL_STATUS_OK && rep.status != BD_CTRL_STATUS_PENDING)
		return bd_ctrl_status_error(rep.status, r->type, err);
	if (!rep.has_id)
		return bd_error_set(err, BD_E_PROTOCOL, "starting %s (%u): the reply has no "
							"request id",
				    bd_ctrl_type_name(r->type), r->type);
	*id = rep.id;
	if (rep.status == BD_CTRL_STATUS_PENDING) {
		if (!r->payload_len)
			return bd_error_set(err, BD_E_PROTOCOL, "starting %s (%u): PENDING without "
								"a payload",
					    bd_ctrl_type_name(r->type), r->type);
		tries = 0;
		do {
			if (!bd_usb_backoff(x, &tries, until, op))
				return bd_usb_abandon(x, *id, bd_usb_out_of_time(r, op, err,
						      "while it allocated the payload buffer"), op);
			int rc = bd_usb_svc_check(x, *id, r->type, &rep, op, err);
			if (rc < 0)
				return bd_usb_abandon(x, *id, rc, op);
		} while (rep.status == BD_CTRL_STATUS_PENDING);
		if (rep.status != BD_CTRL_STATUS_OK)
			return bd_ctrl_status_error(rep.status, r->type, err);
	}
	return 0;
}

int bd_usb_request(const struct bd_usb_xfer *x, struct bd_usb_request *r, struct bd_op *op,
		   struct bd_error *err)
{
	r->reply_len = 0;
	r->result = 0;
	struct bd_deadline until =
		bd_deadline_in(r->timeout_ms > 0 ? r->timeout_ms : BD_USB_REQUEST_TIMEOUT_MS);
	if (op)
		until = bd_deadline_min(until, op->deadline);
	struct bd_op sub = {until, op ? op->log : NULL, NULL, op ? op->ctx : NULL,
			    op ? op->cancel : NULL};
	uint16_t id = 0;
	int rc = bd_usb_start(x, r, &id, until, &sub, err);
	if (rc < 0)
		return rc;
	if (r->payload_len &&
	    (rc = bd_usb_svc_send(x, id, r->type, r->payload, r->payload_len, &sub, err)) < 0)
		return bd_usb_abandon(x, id, rc, op);
	struct bd_ctrl_reply rep;
	unsigned tries = 0;
	do {
		if (!bd_usb_backoff(x, &tries, until, &sub))
			return bd_usb_abandon(x, id, bd_usb_out_of_time(r, &sub, err,
								     "while it was pending"), op);
		if ((rc = bd_usb_svc_check(x, id, r->type, &rep, &sub, err)) < 0)
			return bd_usb_abandon(x, id, rc, op);
	} while (rep.status == BD_CTRL_STATUS_PENDING);
	if (rep.status != BD_CTRL_STATUS_OK)
		return bd_ctrl_status_error(rep.status, r->type, err);
	r->result = rep.has_result ? rep.result : 0;
	size_t size = rep.has_size ? rep.size : 0;
	if (size > r->reply_cap)
		return bd_usb_abandon(x, id,
				      bd_error_set(err, BD_E_TOO_LARGE,
						   "the reply to %s (%u) has %zu bytes; at most %zu "
						   "fit", bd_ctrl_type_name(r->type), r->type, size,
						   r->reply_cap), op);
	if (size && (rc = bd_usb_svc_recv(x, id, r->type, r->reply, size, &sub, err)) < 0)
		return bd_usb_abandon(x, id, rc, op);
	r->reply_len = size;
	return bd_ctrl_result_error(r->result, r->type, err);
}
