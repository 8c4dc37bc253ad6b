/* usb_backend.c - the libusb backend's ops table (backend.h): starts a
 * libusb context, follows arrivals and removals with hotplug where libusb
 * offers it (wait_change), and routes each operation to usb_list.c,
 * usb_ops.c (control requests) or usb_dfu.c (DFU). */
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "usb/usb_backend.h"
#include "usb/usb_err.h"
#include "usb/usb_internal.h"

static int LIBUSB_CALL bd_usb_hotplug_cb(libusb_context *ctx, libusb_device *d,
					 libusb_hotplug_event ev, void *user)
{
	(void)ctx;
	(void)d;
	(void)ev;
	struct bd_usb_state *s = user;
	s->changes++;
	return 0; /* stay registered */
}

static int bd_usb_open_backend(void **state, const struct bd_platforms *platforms,
			       struct bd_error *err)
{
	struct bd_usb_state *s = calloc(1, sizeof *s);
	if (!s)
		return bd_error_set(err, BD_E_NOMEM, "out of memory starting the USB backend");
	int rc = libusb_init(&s->ctx);
	if (rc != 0) {
		free(s);
		bd_usb_error(err, rc, "starting libusb");
		return BD_E_UNAVAILABLE;
	}
	s->platforms = platforms;
	if (libusb_has_capability(LIBUSB_CAP_HAS_HOTPLUG) &&
	    libusb_hotplug_register_callback(
		    s->ctx, LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED | LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT, 0,
		    LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY,
		    bd_usb_hotplug_cb, s, &s->hp) == LIBUSB_SUCCESS)
		s->hotplug = true;
	*state = s;
	return 0;
}

static void bd_usb_close_backend(void *state)
{
	struct bd_usb_state *s = state;
	if (!s)
		return;
	if (s->hotplug)
		libusb_hotplug_deregister_callback(s->ctx, s->hp);
	libusb_exit(s->ctx);
	free(s);
}

/* Hotplug where libusb has it; otherwise a plain pause (the dispatcher
 * polls list() between calls either way). */
static int bd_usb_wait_change(void *state, int timeout_ms)
{
	struct bd_usb_state *s = state;
	struct bd_deadline until = bd_deadline_in(timeout_ms);
	if (!s->hotplug) {
		bd_sleep_until(until, timeout_ms);
		return 0;
	}
	unsigned seen = s->changes;
	while (s->changes == seen) {
		int64_t left = bd_deadline_left_ms(until);
		if (left <= 0)
			return 0;
		struct timeval tv = {(time_t)(left / 1000), (suseconds_t)(left % 1000) * 1000};
		int done = 0;
		if (libusb_handle_events_timeout_completed(s->ctx, &tv, &done) < 0)
			bd_sleep_until(until, 10);
	}
	return 1;
}

const struct bd_backend_ops bd_backend_usb = {
	.name = "usb",
	.route = BD_ROUTE_USB,
	.open = bd_usb_open_backend,
	.close = bd_usb_close_backend,
	.list = bd_usb_list,
	.wait_change = bd_usb_wait_change,
	.identify = bd_usb_identify,
	.inspect = bd_usb_inspect,
	.mac = bd_usb_mac,
	.request_mode = bd_usb_request_mode,
	.reset = bd_usb_reset,
	.flash = bd_usb_flash,
	.read = bd_usb_read,
};
