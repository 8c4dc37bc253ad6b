/* usb_backend.h - the libusb backend's ops table (contract: backend.h).
 * The dispatcher registers it when BLINKDOC_HAVE_USB is defined; tests may
 * call it directly. */
#ifndef BD_USB_BACKEND_H
#define BD_USB_BACKEND_H

#include "backend.h"

extern const struct bd_backend_ops bd_backend_usb;

#endif
