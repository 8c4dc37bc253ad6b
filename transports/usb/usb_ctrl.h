/* usb_ctrl.h - the Particle control-request client (protocols.md §3.2,
 * §3.3): raw 'P' vendor requests and the framed service protocol
 * INIT / CHECK / SEND / RECV / RESET, over a struct bd_usb_xfer.
 *
 * One small function per service request; bd_usb_request() strings them
 * together the way particle-usb does.  Every transfer has a 5 s timeout cut
 * to the operation's deadline; no call blocks past op->deadline.
 */
#ifndef BD_USB_CTRL_H
#define BD_USB_CTRL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "transport.h"
#include "usb/ctrl_proto.h"
#include "usb/usb_xfer.h"

/* Pauses between CHECKs while a request is pending: 50, 50, 100, 100, 250,
 * 250, 500, 500, then 1000 ms for every later one (particle-usb). */
extern const unsigned bd_usb_check_backoff_ms[9];
/* The pause before CHECK number i (0-based). */
unsigned bd_usb_check_delay(unsigned i);

/* Default overall budget of one service request (particle-usb: 60 s). */
#define BD_USB_REQUEST_TIMEOUT_MS 60000

/* Raw IN request 'P' what (20 device ID, 30 Device OS version): the reply
 * text into out[cap] (bd_ctrl_parse_vendor_text rules).  Returns 0 or a
 * BD_E_* code with err set. */
int bd_usb_vendor_text(const struct bd_usb_xfer *x, uint16_t what, char *out, size_t cap,
		       struct bd_op *op, struct bd_error *err);
/* Raw OUT request 'P' what (40 reset, 302 cloud disconnect); with
 * needs_data_stage one zero byte is sent (BD_QUIRK_OUT_NEEDS_DATA). */
int bd_usb_vendor_out(const struct bd_usb_xfer *x, uint16_t what, bool needs_data_stage,
		      struct bd_op *op, struct bd_error *err);

/* The single service requests.  Each returns 0 with *reply parsed, or a
 * BD_E_* code (transfer failure or unparsable reply) with err set.
 * type_for_msg names the request in messages. */
int bd_usb_svc_init(const struct bd_usb_xfer *x, uint16_t type, size_t payload_len,
		    struct bd_ctrl_reply *reply, struct bd_op *op, struct bd_error *err);
int bd_usb_svc_check(const struct bd_usb_xfer *x, uint16_t id, int type_for_msg,
		     struct bd_ctrl_reply *reply, struct bd_op *op, struct bd_error *err);
/* Sends payload in chunks of at most BD_CTRL_MAX_CHUNK. */
int bd_usb_svc_send(const struct bd_usb_xfer *x, uint16_t id, int type_for_msg,
		    const uint8_t *payload, size_t len, struct bd_op *op, struct bd_error *err);
/* Receives exactly len bytes in chunks (each chunk must arrive whole). */
int bd_usb_svc_recv(const struct bd_usb_xfer *x, uint16_t id, int type_for_msg, uint8_t *buf,
		    size_t len, struct bd_op *op, struct bd_error *err);
/* RESET of request id, or of every request when id is 0 (done when a
 * handle is opened, to drop requests a previous program left behind). */
int bd_usb_svc_reset(const struct bd_usb_xfer *x, uint16_t id, struct bd_op *op,
		     struct bd_error *err);

/* One complete service request. */
struct bd_usb_request {
	uint16_t type;            /* enum bd_ctrl_type */
	const uint8_t *payload;   /* request message (may be NULL) */
	size_t payload_len;
	uint8_t *reply;           /* where the reply message goes (may be NULL when reply_cap 0) */
	size_t reply_cap;
	int64_t timeout_ms;       /* overall budget; 0 = BD_USB_REQUEST_TIMEOUT_MS */
	/* out */
	size_t reply_len;
	int32_t result;           /* the device's result code */
};

/* INIT (re-queued while BUSY, CHECKed while PENDING), SEND, CHECK with the
 * back-off until done, RECV.  Returns 0 when the device's result is OK
 * (>= 0); a failed result becomes its BD_E_* code with err saying which
 * request and why (bd_ctrl_result_error): NOT_SUPPORTED (-120) ->
 * BD_E_NOT_SUPPORTED, so the dispatcher falls back to the console.  On
 * timeout or cancel the request is RESET on the device.  BD_E_TOO_LARGE
 * when the reply does not fit reply_cap. */
int bd_usb_request(const struct bd_usb_xfer *x, struct bd_usb_request *r, struct bd_op *op,
		   struct bd_error *err);

#endif
