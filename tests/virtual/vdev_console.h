/* vdev_console.h - Device OS listening-mode serial console (protocols.md
 * 2.3, 2.5, 2.6) as a pure state machine: bytes in, reply text and events
 * out.  It knows nothing about ttys, timing or faults (vdev_io.c does). */
#ifndef VDEV_CONSOLE_H
#define VDEV_CONSOLE_H

#include <glib.h>

#include "vdev.h"

/* What the console reports about the device; borrowed strings. */
struct vdev_console_info {
	const struct vdev_platform *plat;
	const char *device_id;
	const char *os_version;
	const char *mac;
	bool claimed;
	/* `i` key/values; NULL or "" when the device has none. */
	const char *imei, *iccid, *cell_fw, *serial_number, *device_secret;
	const char *describe_json;    /* `s` body */
	const char *diagnostics_json; /* `d` body */
	bool wifi_save_fails;
};

enum vdev_console_event {
	VDEV_CON_NONE = 0,
	VDEV_CON_LEAVE_LISTENING, /* `x`, or Wi-Fi credentials saved */
	VDEV_CON_SAFE_RESET,      /* `L`: reset into safe mode, back in listening */
	VDEV_CON_CLAIMED,         /* `C` set a claim code */
};

struct vdev_console;

struct vdev_console *vdev_console_new(void);
void vdev_console_free(struct vdev_console *c);
/* Forgets any dialog in progress (a new listening session). */
void vdev_console_reset(struct vdev_console *c);

/* Feeds one received byte.  Appends the reply (if any) to reply; sets
 * *is_describe when it is the `s` JSON; fills *wifi when a `w` dialog ended.
 * Returns an enum vdev_console_event. */
int vdev_console_feed(struct vdev_console *c, const struct vdev_console_info *info, char ch,
		      GString *reply, bool *is_describe, struct vdev_wifi_creds *wifi);

#endif
