/* usb_err.c - libusb error translation (see usb_err.h). */
#include "usb/usb_err.h"

#include <libusb.h>
#include <stdarg.h>
#include <stdio.h>

int bd_usb_code(int rc)
{
	if (rc >= 0)
		return rc;
	switch (rc) {
	case LIBUSB_ERROR_PIPE: return BD_E_STALL;
	case LIBUSB_ERROR_NO_DEVICE: return BD_E_DISCONNECTED;
	case LIBUSB_ERROR_TIMEOUT: return BD_E_TIMEOUT;
	case LIBUSB_ERROR_ACCESS: return BD_E_ACCESS;
	case LIBUSB_ERROR_BUSY: return BD_E_BUSY;
	case LIBUSB_ERROR_NOT_SUPPORTED: return BD_E_NOT_SUPPORTED;
	case LIBUSB_ERROR_NO_MEM: return BD_E_NOMEM;
	case LIBUSB_ERROR_NOT_FOUND: return BD_E_NO_DEVICE;
	case LIBUSB_ERROR_INVALID_PARAM: return BD_E_INVALID;
	case LIBUSB_ERROR_INTERRUPTED: return BD_E_CANCELLED;
	default: return BD_E_IO;
	}
}

const char *bd_usb_access_hint(void)
{
	return "Linux only lets root open USB devices until a udev rule allows it: run "
	       "`sudo blinkdoc udev-rules --install` once, then unplug the device and plug it in "
	       "again (or run `blinkdoc udev-rules` to see the rule).";
}

int bd_usb_error(struct bd_error *err, int rc, const char *what_fmt, ...)
{
	int code = bd_usb_code(rc);
	if (!err)
		return code;
	char what[BD_ERROR_MSG_MAX / 2];
	va_list ap;
	va_start(ap, what_fmt);
	vsnprintf(what, sizeof what, what_fmt, ap);
	va_end(ap);
	bd_error_set(err, code, "%s: %s (%s)", what, libusb_strerror(rc), libusb_error_name(rc));
	switch (rc) {
	case LIBUSB_ERROR_ACCESS:
		bd_error_hint(err, "%s", bd_usb_access_hint());
		break;
	case LIBUSB_ERROR_BUSY:
		bd_error_hint(err, "Another program is using the device (particle-cli, dfu-util, "
				   "a serial monitor?): close it and try again.");
		break;
	case LIBUSB_ERROR_NO_DEVICE:
		bd_error_hint(err, "The device left USB: check the cable and the LED, then run "
				   "`blinkdoc devices`.");
		break;
	default:
		break;
	}
	return code;
}
