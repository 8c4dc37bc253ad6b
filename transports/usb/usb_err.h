/* usb_err.h - libusb's error codes become BD_E_* here and go no further
 * (style.md: translate at the boundary).  Only usb_*.c include libusb. */
#ifndef BD_USB_ERR_H
#define BD_USB_ERR_H

#include "common/bd_error.h"

/* LIBUSB_ERROR_* (or a libusb_transfer_status negated by the caller) ->
 * BD_E_*: PIPE -> STALL, NO_DEVICE -> DISCONNECTED, TIMEOUT -> TIMEOUT,
 * ACCESS -> ACCESS, BUSY -> BUSY, NOT_SUPPORTED -> NOT_SUPPORTED,
 * NO_MEM -> NOMEM, NOT_FOUND -> NO_DEVICE, others -> IO.  0 and positive
 * counts pass through. */
int bd_usb_code(int libusb_rc);

/* Records a libusb failure in err: "<what>: <libusb's own words>", plus a
 * hint for the codes a person can do something about (ACCESS: the udev rule
 * and `blinkdoc udev-rules --install`; BUSY: another program has the
 * device; NO_DEVICE: cable).  Returns bd_usb_code(libusb_rc). */
int bd_usb_error(struct bd_error *err, int libusb_rc, const char *what_fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The hint for a permission problem (also used by the list path). */
const char *bd_usb_access_hint(void);

#endif
