/* ctrl_proto.h - the Particle USB control-request protocol, framing only
 * (protocols.md §3.2, §3.3, §3.5): setup packets for raw 'P' vendor
 * requests and for the INIT/CHECK/SEND/RECV/RESET service requests, the
 * service reply layout, and the status and result codes with their names,
 * blinkdoc error codes and human messages.
 *
 * Pure: nothing here performs a transfer.  The libusb backend fills a
 * libusb setup packet from struct bd_ctrl_setup and hands the IN data of
 * INIT/CHECK/RESET to bd_ctrl_parse_reply().  Payload decoding is in
 * ctrl_reply.h.
 */
#ifndef BD_CTRL_PROTO_H
#define BD_CTRL_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/bd_error.h"

/* Request type ids (ctrl_request_type, wIndex of INIT) that blinkdoc uses. */
enum bd_ctrl_type {
	BD_CTRL_DEVICE_ID = 20,
	BD_CTRL_SERIAL_NUMBER = 21,
	BD_CTRL_SYSTEM_VERSION = 30,
	BD_CTRL_RESET = 40,
	BD_CTRL_FACTORY_RESET = 41,
	BD_CTRL_DFU_MODE = 50,
	BD_CTRL_SAFE_MODE = 60,
	BD_CTRL_START_LISTENING = 70,
	BD_CTRL_STOP_LISTENING = 71,
	BD_CTRL_GET_DEVICE_MODE = 72,
	BD_CTRL_GET_PROTECTED_STATE = 76,
	BD_CTRL_GET_MODULE_INFO = 90,
	BD_CTRL_GET_ASSET_INFO = 91,
	BD_CTRL_START_NYAN_SIGNAL = 230,
	BD_CTRL_STOP_NYAN_SIGNAL = 231,
	BD_CTRL_NETWORK_GET_INTERFACE_LIST = 400,
	BD_CTRL_NETWORK_GET_INTERFACE = 401,
	BD_CTRL_CELLULAR_GET_ICCID = 554,
};
/* "GET_MODULE_INFO" etc.; "UNKNOWN" for ids not listed above.  Never NULL. */
const char *bd_ctrl_type_name(int type);

/* One USB control setup packet (host byte order). */
struct bd_ctrl_setup {
	uint8_t bmRequestType;
	uint8_t bRequest;
	uint16_t wValue;
	uint16_t wIndex;
	uint16_t wLength;
};

#define BD_CTRL_REQTYPE_OUT 0x40u /* host-to-device, vendor, device */
#define BD_CTRL_REQTYPE_IN 0xC0u  /* device-to-host, vendor, device */
#define BD_CTRL_VENDOR_P 0x50u    /* 'P': raw vendor requests */
#define BD_CTRL_MIN_WLENGTH 64u   /* INIT/CHECK/RESET data stage; devices refuse less */
#define BD_CTRL_MAX_CHUNK 4096u   /* per SEND/RECV transfer */
#define BD_CTRL_MAX_PAYLOAD 0xFFFFu /* INIT carries the size in wValue */
#define BD_CTRL_TIMEOUT_MS 5000   /* per control transfer, as particle-usb */

/* Raw 'P' requests (wIndex). */
enum bd_ctrl_vendor {
	BD_CTRL_VENDOR_DEVICE_ID = 20,     /* IN: 24 hex chars */
	BD_CTRL_VENDOR_SYSTEM_VERSION = 30, /* IN: "6.2.0", NUL-padded */
	BD_CTRL_VENDOR_RESET = 40,         /* OUT: immediate hard reset */
	BD_CTRL_VENDOR_CLOUD_DISCONNECT = 302,
};

enum bd_ctrl_service {
	BD_CTRL_SVC_INIT = 1,
	BD_CTRL_SVC_CHECK = 2,
	BD_CTRL_SVC_SEND = 3,
	BD_CTRL_SVC_RECV = 4,
	BD_CTRL_SVC_RESET = 5,
};

/* Raw IN request (20, 30): bmRequestType 0xC0, bRequest 'P', wIndex
 * what, wValue 0, wLength 64. */
void bd_ctrl_setup_vendor_in(uint16_t what, struct bd_ctrl_setup *out);
/* Raw OUT request (40, 302): 0x40, 'P', wIndex what, wValue 0.  wLength 0,
 * or 1 when needs_data_stage (rtl872x, BD_QUIRK_OUT_NEEDS_DATA: an OUT
 * transfer without data never completes; send one zero byte). */
void bd_ctrl_setup_vendor_out(uint16_t what, bool needs_data_stage, struct bd_ctrl_setup *out);

/* INIT: 0xC0, 1, wIndex type, wValue payload size, wLength 64.
 * BD_E_TOO_LARGE when payload_len > BD_CTRL_MAX_PAYLOAD. */
int bd_ctrl_setup_init(uint16_t type, size_t payload_len, struct bd_ctrl_setup *out);
/* CHECK: 0xC0, 2, wIndex id, wValue 0, wLength 64. */
void bd_ctrl_setup_check(uint16_t id, struct bd_ctrl_setup *out);
/* SEND: 0x40, 3, wIndex id, wValue 0, wLength chunk (1..4096, else
 * BD_E_INVALID / BD_E_TOO_LARGE). */
int bd_ctrl_setup_send(uint16_t id, size_t chunk, struct bd_ctrl_setup *out);
/* RECV: 0xC0, 4, wIndex id, wValue 0, wLength chunk (1..4096). */
int bd_ctrl_setup_recv(uint16_t id, size_t chunk, struct bd_ctrl_setup *out);
/* RESET: 0xC0, 5, wIndex id (0 = every request), wValue 0, wLength 64. */
void bd_ctrl_setup_reset(uint16_t id, struct bd_ctrl_setup *out);

/* Service status (u16 in every service reply). */
#define BD_CTRL_STATUS_TABLE(X)                                                        \
	X(OK, 0, "the request was accepted")                                           \
	X(ERROR, 1, "the device rejected the service request")                         \
	X(PENDING, 2, "the device is still working on the request")                    \
	X(BUSY, 3, "the device has too many requests in progress")                     \
	X(NO_MEMORY, 4, "the device has no memory for the request")                    \
	X(NOT_FOUND, 5, "the device no longer knows the request (it was cancelled)")

enum bd_ctrl_status {
#define BD_X(name, value, text) BD_CTRL_STATUS_##name = value,
	BD_CTRL_STATUS_TABLE(BD_X)
#undef BD_X
};

/* Reply field flags. */
#define BD_CTRL_F_STATUS 0x01u
#define BD_CTRL_F_ID 0x02u
#define BD_CTRL_F_SIZE 0x04u
#define BD_CTRL_F_RESULT 0x08u

struct bd_ctrl_reply {
	uint32_t flags;       /* BD_CTRL_F_* as sent */
	uint16_t status;      /* enum bd_ctrl_status */
	bool has_id, has_size, has_result;
	uint16_t id;
	uint32_t size;        /* reply payload bytes to RECV */
	int32_t result;       /* device result code (bd_ctrl_result_*) */
};

/* Parses the IN data of INIT/CHECK/RESET: u32 flags, u16 status (flag
 * 0x01, mandatory), then u16 id, u32 size, i32 result as flagged, all
 * little-endian.  Returns 0, or BD_E_PROTOCOL when the status flag is
 * missing or the data is shorter than the flags announce.  Trailing
 * bytes (the 64-byte data stage) are ignored. */
int bd_ctrl_parse_reply(const uint8_t *buf, size_t len, struct bd_ctrl_reply *out,
			struct bd_error *err);

/* "PENDING"; "UNKNOWN" when not in the table.  Never NULL. */
const char *bd_ctrl_status_name(int status);
/* OK -> 0; PENDING, BUSY -> BD_E_BUSY (callers poll on PENDING before
 * mapping); ERROR -> BD_E_PROTOCOL; NO_MEMORY -> BD_E_DEVICE (the device's
 * memory, not ours); NOT_FOUND -> BD_E_CANCELLED; unknown -> BD_E_PROTOCOL. */
int bd_ctrl_status_to_err(int status);
/* Records a failed status for request type in err ("the device could not
 * start GET_MODULE_INFO (90): BUSY - the device has too many requests in
 * progress") with a hint; returns the code of bd_ctrl_status_to_err(). */
int bd_ctrl_status_error(int status, int type, struct bd_error *err);

/* Result codes (i32 result of a completed request). */
#define BD_CTRL_RESULT_TABLE(X)                                                                \
	X(OK, 0, BD_E_OK, "success")                                                           \
	X(ERROR, -100, BD_E_DEVICE, "the device reported an unspecified error")               \
	X(BUSY, -110, BD_E_BUSY, "the device is busy")                                        \
	X(NOT_SUPPORTED, -120, BD_E_NOT_SUPPORTED,                                             \
	  "this Device OS version does not support the request")                              \
	X(NOT_ALLOWED, -130, BD_E_ACCESS, "the device does not allow this now")               \
	X(CANCELLED, -140, BD_E_CANCELLED, "the request was cancelled")                       \
	X(ABORTED, -150, BD_E_CANCELLED, "the request was aborted")                           \
	X(TIMEOUT, -160, BD_E_TIMEOUT, "the device timed out")                                \
	X(NOT_FOUND, -170, BD_E_NOT_FOUND, "the device did not find what was asked for")      \
	X(ALREADY_EXISTS, -180, BD_E_STATE, "it already exists on the device")                \
	X(TOO_LARGE, -190, BD_E_TOO_LARGE, "the data is too large for the device")            \
	X(LIMIT_EXCEEDED, -200, BD_E_RANGE, "a device limit was exceeded")                    \
	X(INVALID_STATE, -210, BD_E_STATE, "the device is in the wrong state for this")       \
	X(IO_ERROR, -220, BD_E_IO, "the device had an input/output error")                    \
	X(NETWORK_ERROR, -230, BD_E_DEVICE, "the device had a network error")                 \
	X(PROTOCOL_ERROR, -240, BD_E_PROTOCOL, "the device reported a protocol error")        \
	X(INTERNAL_ERROR, -250, BD_E_DEVICE, "the device had an internal error")              \
	X(NO_MEMORY, -260, BD_E_DEVICE, "the device ran out of memory")                       \
	X(INVALID_ARGUMENT, -270, BD_E_INVALID, "the device rejected the request's argument") \
	X(BAD_DATA, -280, BD_E_PARSE, "the device could not read the request's data")         \
	X(OUT_OF_RANGE, -290, BD_E_RANGE, "a value was out of range for the device")          \
	X(DEVICE_PROTECTED, -1801, BD_E_ACCESS, "the device has Device Protection enabled")   \
	X(KEY_MISMATCH, -1802, BD_E_ACCESS, "the device's protection key does not match")     \
	X(INVALID_SIGNATURE, -1803, BD_E_ACCESS, "the device rejected a signature")

enum bd_ctrl_result {
#define BD_X(name, value, code, text) BD_CTRL_RESULT_##name = value,
	BD_CTRL_RESULT_TABLE(BD_X)
#undef BD_X
};

/* "NOT_SUPPORTED"; "UNKNOWN" when not in the table.  Never NULL. */
const char *bd_ctrl_result_name(int32_t result);
/* The table's human text; "the device reported an unknown error" for
 * results not in the table.  Never NULL. */
const char *bd_ctrl_result_text(int32_t result);
/* 0 for OK and any result >= 0; the table's BD_E_* code; BD_E_DEVICE for
 * unknown negative results. */
int bd_ctrl_result_to_err(int32_t result);
/* Records a failed result for request type in err ("the device refused
 * GET_MODULE_INFO (90): NOT_SUPPORTED (-120) - this Device OS version does
 * not support the request") with a hint saying what to do next; returns
 * bd_ctrl_result_to_err(result) (0, and err untouched, for success). */
int bd_ctrl_result_error(int32_t result, int type, struct bd_error *err);

#endif
