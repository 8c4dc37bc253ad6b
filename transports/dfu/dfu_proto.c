/* dfu_proto.c - DFU class requests (see dfu_proto.h). */
#include "dfu/dfu_proto.h"

#include <stdio.h>

#define BD_DFU_OUT 0x21u /* host-to-device, class, interface */
#define BD_DFU_IN 0xA1u  /* device-to-host, class, interface */

const char *bd_dfu_state_name(int state)
{
	switch (state) {
#define BD_X(name, v, text) case v: return text;
	BD_DFU_STATE_TABLE(BD_X)
#undef BD_X
	default: return "unknown state";
	}
}

const char *bd_dfu_status_text(int status)
{
	switch (status) {
#define BD_X(name, v, text) case v: return text;
	BD_DFU_STATUS_TABLE(BD_X)
#undef BD_X
	default: return "the device reported an error code outside DFU 1.1";
	}
}

int bd_dfu_parse_status(const uint8_t *buf, size_t len, struct bd_dfu_status *out,
			struct bd_error *err)
{
	if (len < 6)
		return bd_error_set(err, BD_E_PROTOCOL,
				    "the DFU status reply has %zu bytes instead of 6", len);
	out->status = buf[0];
	out->poll_timeout_ms = (uint32_t)buf[1] | (uint32_t)buf[2] << 8 | (uint32_t)buf[3] << 16;
	out->state = buf[4];
	out->istring = buf[5];
	return 0;
}

static const char *bd_dfu_request_name(uint8_t req)
{
	static const char *const names[] = {"DETACH",   "DNLOAD",   "UPLOAD", "GETSTATUS",
					    "CLRSTATUS", "GETSTATE", "ABORT"};
	return req < sizeof names / sizeof names[0] ? names[req] : "request";
}

static int bd_dfu_xfer(const struct bd_dfu *d, uint8_t type, uint8_t req, uint16_t value,
		       uint8_t *data, size_t len, struct bd_error *err)
{
	unsigned ms = BD_DFU_TIMEOUT_MS;
	if (d->op) {
		int64_t left = bd_deadline_left_ms(d->op->deadline);
		if (left <= 0)
			return bd_error_set(err, BD_E_TIMEOUT,
					    "DFU %s: the operation ran out of time",
					    bd_dfu_request_name(req));
		/* Keep the full 5 s where the deadline allows: a short timeout
		 * on a GETSTATUS that blocks through an erase would abort a
		 * healthy write. */
		if (left < ms)
			ms = (unsigned)left;
	}
	if (bd_op_cancelled(d->op))
		return bd_error_set(err, BD_E_CANCELLED, "DFU %s: cancelled",
				    bd_dfu_request_name(req));
	if (len > 0xFFFF)
		return bd_error_set(err, BD_E_TOO_LARGE, "DFU %s: %zu bytes is too much for one "
							 "transfer", bd_dfu_request_name(req), len);
	struct bd_ctrl_setup s = {type, req, value, d->iface, (uint16_t)len};
	int rc = d->x->control(d->x->ctx, &s, data, ms);
	if (rc < 0)
		bd_error_set(err, rc, "DFU %s (block %u): %s", bd_dfu_request_name(req), value,
			     rc == BD_E_STALL ? "the device stalled the request"
					      : bd_strerror(rc));
	return rc;
}

int bd_dfu_detach(const struct bd_dfu *d, uint16_t timeout_ms, struct bd_error *err)
{
	return bd_dfu_xfer(d, BD_DFU_OUT, BD_DFU_DETACH, timeout_ms, NULL, 0, err);
}

int bd_dfu_dnload(const struct bd_dfu *d, uint16_t block, const uint8_t *data, size_t len,
		  struct bd_error *err)
{
	return bd_dfu_xfer(d, BD_DFU_OUT, BD_DFU_DNLOAD, block, (uint8_t *)(uintptr_t)data, len,
			   err);
}

int bd_dfu_upload(const struct bd_dfu *d, uint16_t block, uint8_t *buf, size_t len,
		  struct bd_error *err)
{
	return bd_dfu_xfer(d, BD_DFU_IN, BD_DFU_UPLOAD, block, buf, len, err);
}

int bd_dfu_get_status(const struct bd_dfu *d, struct bd_dfu_status *out, struct bd_error *err)
{
	uint8_t buf[6] = {0};
	int rc = bd_dfu_xfer(d, BD_DFU_IN, BD_DFU_GETSTATUS, 0, buf, sizeof buf, err);
	if (rc < 0)
		return rc;
	return bd_dfu_parse_status(buf, (size_t)rc, out, err);
}

int bd_dfu_clr_status(const struct bd_dfu *d, struct bd_error *err)
{
	return bd_dfu_xfer(d, BD_DFU_OUT, BD_DFU_CLRSTATUS, 0, NULL, 0, err);
}

int bd_dfu_get_state(const struct bd_dfu *d, uint8_t *state, struct bd_error *err)
{
	uint8_t buf[1] = {0};
	int rc = bd_dfu_xfer(d, BD_DFU_IN, BD_DFU_GETSTATE, 0, buf, sizeof buf, err);
	if (rc < 0)
		return rc;
	if (rc < 1)
		return bd_error_set(err, BD_E_PROTOCOL, "DFU GETSTATE: empty reply");
	*state = buf[0];
	return 0;
}

int bd_dfu_abort(const struct bd_dfu *d, struct bd_error *err)
{
	return bd_dfu_xfer(d, BD_DFU_OUT, BD_DFU_ABORT, 0, NULL, 0, err);
}
