#include "usb/ctrl_proto.h"

#include <inttypes.h>
#include <string.h>

const char *bd_ctrl_type_name(int type)
{
	switch (type) {
	case BD_CTRL_DEVICE_ID: return "DEVICE_ID";
	case BD_CTRL_SERIAL_NUMBER: return "SERIAL_NUMBER";
	case BD_CTRL_SYSTEM_VERSION: return "SYSTEM_VERSION";
	case BD_CTRL_RESET: return "RESET";
	case BD_CTRL_FACTORY_RESET: return "FACTORY_RESET";
	case BD_CTRL_DFU_MODE: return "DFU_MODE";
	case BD_CTRL_SAFE_MODE: return "SAFE_MODE";
	case BD_CTRL_START_LISTENING: return "START_LISTENING";
	case BD_CTRL_STOP_LISTENING: return "STOP_LISTENING";
	case BD_CTRL_GET_DEVICE_MODE: return "GET_DEVICE_MODE";
	case BD_CTRL_GET_PROTECTED_STATE: return "GET_PROTECTED_STATE";
	case BD_CTRL_GET_MODULE_INFO: return "GET_MODULE_INFO";
	case BD_CTRL_GET_ASSET_INFO: return "GET_ASSET_INFO";
	case BD_CTRL_START_NYAN_SIGNAL: return "START_NYAN_SIGNAL";
	case BD_CTRL_STOP_NYAN_SIGNAL: return "STOP_NYAN_SIGNAL";
	case BD_CTRL_NETWORK_GET_INTERFACE_LIST: return "NETWORK_GET_INTERFACE_LIST";
	case BD_CTRL_NETWORK_GET_INTERFACE: return "NETWORK_GET_INTERFACE";
	case BD_CTRL_CELLULAR_GET_ICCID: return "CELLULAR_GET_ICCID";
	default: return "UNKNOWN";
	}
}

static void bd_ctrl_setup(struct bd_ctrl_setup *out, uint8_t type, uint8_t req, uint16_t value,
			  uint16_t index, uint16_t length)
{
	out->bmRequestType = type;
	out->bRequest = req;
	out->wValue = value;
	out->wIndex = index;
	out->wLength = length;
}

void bd_ctrl_setup_vendor_in(uint16_t what, struct bd_ctrl_setup *out)
{
	bd_ctrl_setup(out, BD_CTRL_REQTYPE_IN, BD_CTRL_VENDOR_P, 0, what, BD_CTRL_MIN_WLENGTH);
}

void bd_ctrl_setup_vendor_out(uint16_t what, bool needs_data_stage, struct bd_ctrl_setup *out)
{
	bd_ctrl_setup(out, BD_CTRL_REQTYPE_OUT, BD_CTRL_VENDOR_P, 0, what,
		      needs_data_stage ? 1 : 0);
}

int bd_ctrl_setup_init(uint16_t type, size_t payload_len, struct bd_ctrl_setup *out)
{
	if (payload_len > BD_CTRL_MAX_PAYLOAD)
		return BD_E_TOO_LARGE;
	bd_ctrl_setup(out, BD_CTRL_REQTYPE_IN, BD_CTRL_SVC_INIT, (uint16_t)payload_len, type,
		      BD_CTRL_MIN_WLENGTH);
	return 0;
}

void bd_ctrl_setup_check(uint16_t id, struct bd_ctrl_setup *out)
{
	bd_ctrl_setup(out, BD_CTRL_REQTYPE_IN, BD_CTRL_SVC_CHECK, 0, id, BD_CTRL_MIN_WLENGTH);
}

static int bd_ctrl_chunk_ok(size_t chunk)
{
	if (chunk == 0)
		return BD_E_INVALID;
	return chunk > BD_CTRL_MAX_CHUNK ? BD_E_TOO_LARGE : 0;
}

int bd_ctrl_setup_send(uint16_t id, size_t chunk, struct bd_ctrl_setup *out)
{
	int rc = bd_ctrl_chunk_ok(chunk);
	if (rc == 0)
		bd_ctrl_setup(out, BD_CTRL_REQTYPE_OUT, BD_CTRL_SVC_SEND, 0, id, (uint16_t)chunk);
	return rc;
}

int bd_ctrl_setup_recv(uint16_t id, size_t chunk, struct bd_ctrl_setup *out)
{
	int rc = bd_ctrl_chunk_ok(chunk);
	if (rc == 0)
		bd_ctrl_setup(out, BD_CTRL_REQTYPE_IN, BD_CTRL_SVC_RECV, 0, id, (uint16_t)chunk);
	return rc;
}

void bd_ctrl_setup_reset(uint16_t id, struct bd_ctrl_setup *out)
{
	bd_ctrl_setup(out, BD_CTRL_REQTYPE_IN, BD_CTRL_SVC_RESET, 0, id, BD_CTRL_MIN_WLENGTH);
}

int bd_ctrl_parse_reply(const uint8_t *buf, size_t len, struct bd_ctrl_reply *out,
			struct bd_error *err)
{
	memset(out, 0, sizeof *out);
	if (!buf || len < 6) {
		bd_error_set(err, BD_E_PROTOCOL,
			     "service reply from the device is %zu bytes; at least 6 expected", len);
		bd_error_hint(err, "The device may be running Device OS older than 0.8.0, which "
				   "does not answer control requests; use the serial console.");
		return BD_E_PROTOCOL;
	}
	out->flags = (uint32_t)buf[0] | (uint32_t)buf[1] << 8 | (uint32_t)buf[2] << 16 |
		     (uint32_t)buf[3] << 24;
	if (!(out->flags & BD_CTRL_F_STATUS)) {
		bd_error_set(err, BD_E_PROTOCOL,
			     "service reply from the device has no status (flags 0x%08" PRIx32 ")",
			     out->flags);
		bd_error_hint(err, "The device's reply is malformed; try again.");
		return BD_E_PROTOCOL;
	}
	size_t need = 6 + ((out->flags & BD_CTRL_F_ID) ? 2 : 0) +
		      ((out->flags & BD_CTRL_F_SIZE) ? 4 : 0) +
		      ((out->flags & BD_CTRL_F_RESULT) ? 4 : 0);
	if (len < need) {
		bd_error_set(err, BD_E_PROTOCOL,
			     "service reply from the device is %zu bytes, but its flags 0x%08" PRIx32
			     " announce %zu",
			     len, out->flags, need);
		bd_error_hint(err, "The device's reply is malformed; try again.");
		return BD_E_PROTOCOL;
	}
	size_t at = 4;
	out->status = (uint16_t)(buf[at] | buf[at + 1] << 8);
	at += 2;
	if (out->flags & BD_CTRL_F_ID) {
		out->has_id = true;
		out->id = (uint16_t)(buf[at] | buf[at + 1] << 8);
		at += 2;
	}
	if (out->flags & BD_CTRL_F_SIZE) {
		out->has_size = true;
		out->size = (uint32_t)buf[at] | (uint32_t)buf[at + 1] << 8 |
			    (uint32_t)buf[at + 2] << 16 | (uint32_t)buf[at + 3] << 24;
		at += 4;
	}
	if (out->flags & BD_CTRL_F_RESULT) {
		out->has_result = true;
		uint32_t u = (uint32_t)buf[at] | (uint32_t)buf[at + 1] << 8 |
			     (uint32_t)buf[at + 2] << 16 | (uint32_t)buf[at + 3] << 24;
		/* Two's complement without implementation-defined conversion. */
		out->result = u <= INT32_MAX ? (int32_t)u : -(int32_t)(~u) - 1;
	}
	return 0;
}

struct bd_ctrl_status_row {
	int status;
	const char *name, *text;
};

static const struct bd_ctrl_status_row bd_ctrl_status_rows[] = {
#define BD_X(name, value, text) {value, #name, text},
	BD_CTRL_STATUS_TABLE(BD_X)
#undef BD_X
};

static const struct bd_ctrl_status_row *bd_ctrl_status_row(int status)
{
	for (size_t i = 0; i < sizeof bd_ctrl_status_rows / sizeof bd_ctrl_status_rows[0]; i++)
		if (bd_ctrl_status_rows[i].status == status)
			return &bd_ctrl_status_rows[i];
	return NULL;
}

const char *bd_ctrl_status_name(int status)
{
	const struct bd_ctrl_status_row *row = bd_ctrl_status_row(status);
	return row ? row->name : "UNKNOWN";
}

int bd_ctrl_status_to_err(int status)
{
	switch (status) {
	case BD_CTRL_STATUS_OK: return 0;
	case BD_CTRL_STATUS_PENDING:
	case BD_CTRL_STATUS_BUSY: return BD_E_BUSY;
	case BD_CTRL_STATUS_NO_MEMORY: return BD_E_DEVICE;
	case BD_CTRL_STATUS_NOT_FOUND: return BD_E_CANCELLED;
	default: return BD_E_PROTOCOL;
	}
}

int bd_ctrl_status_error(int status, int type, struct bd_error *err)
{
	int code = bd_ctrl_status_to_err(status);
	if (code == 0)
		return 0;
	const struct bd_ctrl_status_row *row = bd_ctrl_status_row(status);
	bd_error_set(err, code, "the device could not handle %s (%d): %s (%d) - %s",
		     bd_ctrl_type_name(type), type, row ? row->name : "UNKNOWN", status,
		     row ? row->text : "an unknown service status");
	switch (status) {
	case BD_CTRL_STATUS_PENDING:
	case BD_CTRL_STATUS_BUSY:
		bd_error_hint(err, "Wait a few seconds and try again; close other programs "
				   "that talk to the device (Particle CLI, Workbench).");
		break;
	case BD_CTRL_STATUS_NO_MEMORY:
		bd_error_hint(err, "Reset the device and try again.");
		break;
	case BD_CTRL_STATUS_NOT_FOUND:
		bd_error_hint(err, "Another program may have reset the device's requests; try "
				   "again.");
		break;
	default:
		bd_error_hint(err, "Try again; if it persists, reset the device.");
		break;
	}
	return code;
}

struct bd_ctrl_result_row {
	int32_t result;
	int code;
	const char *name, *text;
};

static const struct bd_ctrl_result_row bd_ctrl_result_rows[] = {
#define BD_X(name, value, code, text) {value, code, #name, text},
	BD_CTRL_RESULT_TABLE(BD_X)
#undef BD_X
};

static const struct bd_ctrl_result_row *bd_ctrl_result_row(int32_t result)
{
	for (size_t i = 0; i < sizeof bd_ctrl_result_rows / sizeof bd_ctrl_result_rows[0]; i++)
		if (bd_ctrl_result_rows[i].result == result)
			return &bd_ctrl_result_rows[i];
	return NULL;
}

const char *bd_ctrl_result_name(int32_t result)
{
	const struct bd_ctrl_result_row *row = bd_ctrl_result_row(result);
	return row ? row->name : "UNKNOWN";
}

const char *bd_ctrl_result_text(int32_t result)
{
	const struct bd_ctrl_result_row *row = bd_ctrl_result_row(result);
	return row ? row->text : "the device reported an unknown error";
}

int bd_ctrl_result_to_err(int32_t result)
{
	if (result >= 0)
		return 0;
	const struct bd_ctrl_result_row *row = bd_ctrl_result_row(result);
	return row ? row->code : BD_E_DEVICE;
}

/* What to do next, by result. */
static const char *bd_ctrl_result_hint(int32_t result)
{
	switch (result) {
	case BD_CTRL_RESULT_BUSY:
	case BD_CTRL_RESULT_TIMEOUT:
		return "Wait a few seconds and try again.";
	case BD_CTRL_RESULT_NOT_SUPPORTED:
		return "Update Device OS (for example `particle update`), or use the serial "
		       "console in listening mode instead.";
	case BD_CTRL_RESULT_NOT_ALLOWED:
	case BD_CTRL_RESULT_INVALID_STATE:
		return "Put the device in the mode this needs (normal or listening) and try "
		       "again.";
	case BD_CTRL_RESULT_DEVICE_PROTECTED:
	case BD_CTRL_RESULT_KEY_MISMATCH:
	case BD_CTRL_RESULT_INVALID_SIGNATURE:
		return "This device is Device-Protected; its owner must put it in service mode "
		       "(Particle console or CLI) before blinkdoc can do this.";
	default:
		return "Try again; if it persists, reset the device.";
	}
}

int bd_ctrl_result_error(int32_t result, int type, struct bd_error *err)
{
	int code = bd_ctrl_result_to_err(result);
	if (code == 0)
		return 0;
	bd_error_set(err, code, "the device refused %s (%d): %s (%" PRId32 ") - %s",
		     bd_ctrl_type_name(type), type, bd_ctrl_result_name(result), result,
		     bd_ctrl_result_text(result));
	bd_error_hint(err, "%s", bd_ctrl_result_hint(result));
	return code;
}
