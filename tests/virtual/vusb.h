/* vusb.h - libusb helpers shared by the phase-2 self-tests (control
 * requests, DFU) and the peer tests: a bed plus a libusb context as a
 * cmocka fixture, opening a virtual device by its bus address, and a
 * hotplug log. */
#ifndef VUSB_H
#define VUSB_H

#include <libusb.h>

#include "vtest.h"

#define VUSB_TIMEOUT_MS 2000

struct vusb {
	struct vdev_bed *bed;
	libusb_context *ctx;
};

/* cmocka setup/teardown: *state becomes a struct vusb * (bed + context). */
int vusb_setup(void **state);
int vusb_teardown(void **state);

/* Adds a device with quick resets (request/manifest 50 ms, enumerate
 * 50 ms) unless o says otherwise; fails the test on error. */
struct vdev_device *vusb_add(struct vusb *f, const char *platform, enum vdev_mode mode);
/* Opens dev where it is on the bus now; fails the test if it is not there. */
libusb_device_handle *vusb_open(struct vusb *f, struct vdev_device *dev);
/* Waits (handling libusb events) until dev is present in mode (or absent
 * when mode < 0); fails the test after timeout_ms. */
void vusb_wait(struct vusb *f, struct vdev_device *dev, int mode, unsigned timeout_ms);

/* Waits until dev appeared on the bus again after `before` enumerations
 * (vdev_device_enumerations) and is in mode; fails after timeout_ms. */
void vusb_wait_back(struct vusb *f, struct vdev_device *dev, unsigned before, int mode,
		    unsigned timeout_ms);

struct vusb_hotplug {
	int arrived, left;
	uint16_t arrived_pid, left_pid;
	libusb_hotplug_callback_handle cb;
};
void vusb_hotplug_start(struct vusb *f, struct vusb_hotplug *log);
void vusb_hotplug_stop(struct vusb *f, struct vusb_hotplug *log);

#endif
