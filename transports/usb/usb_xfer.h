/* usb_xfer.h - one control transfer on endpoint 0, as a function pointer.
 *
 * The control-request client (usb_ctrl.c) and the DFU code (transports/dfu)
 * speak through this so that they can be unit-tested with a fake device
 * function and run for real through libusb (usb_open.c).  Nothing here
 * includes libusb.
 */
#ifndef BD_USB_XFER_H
#define BD_USB_XFER_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/clock.h"
#include "usb/ctrl_proto.h"

struct bd_usb_xfer {
	/* Performs one control transfer: IN (bmRequestType & 0x80) fills
	 * data[0..setup->wLength), OUT sends data[0..setup->wLength) (data may
	 * be NULL when wLength is 0).  Returns the bytes transferred (>= 0) or
	 * a negative BD_E_* code: BD_E_STALL (the device stalled: a protocol
	 * "no"), BD_E_TIMEOUT (no answer within timeout_ms), BD_E_DISCONNECTED
	 * (the device left the bus), BD_E_ACCESS, BD_E_IO.  Never blocks past
	 * timeout_ms. */
	int (*control)(void *ctx, const struct bd_ctrl_setup *setup, uint8_t *data,
		       unsigned timeout_ms);
	/* Optional: pauses ms milliseconds (tests record the back-off instead
	 * of sleeping).  NULL: a real sleep. */
	void (*sleep_ms)(void *ctx, unsigned ms);
	void *ctx;
};

/* Sleeps through x->sleep_ms, or for real. */
static inline void bd_usb_xfer_sleep(const struct bd_usb_xfer *x, unsigned ms)
{
	if (x->sleep_ms)
		x->sleep_ms(x->ctx, ms);
	else if (ms)
		bd_sleep_until(bd_deadline_in(ms), ms);
}

/* Puts "<prefix>: " in front of err's message, keeping its code and hint
 * (each layer adds where it was: device, step, address).  Returns the code. */
static inline int bd_usb_err_prefix(struct bd_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline int bd_usb_err_prefix(struct bd_error *err, const char *fmt, ...)
{
	if (!err)
		return 0;
	char head[BD_ERROR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(head, sizeof head, fmt, ap);
	va_end(ap);
	char inner[BD_ERROR_MSG_MAX];
	memcpy(inner, err->msg, sizeof inner);
	size_t n = strlen(head);
	if (n + 2 < sizeof err->msg) {
		memcpy(err->msg, head, n);
		err->msg[n] = ':';
		err->msg[n + 1] = ' ';
		size_t room = sizeof err->msg - n - 3;
		size_t k = 0;
		while (k < room && inner[k])
			k++;
		memcpy(err->msg + n + 2, inner, k);
		err->msg[n + 2 + k] = '\0';
	}
	return err->code;
}

#endif
