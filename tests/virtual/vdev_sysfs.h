/* vdev_sysfs.h - umockdev device descriptions (P:/N:/E:/A:/H:/L: text) of a
 * virtual device's USB device, its interfaces and its CDC-ACM tty. */
#ifndef VDEV_SYSFS_H
#define VDEV_SYSFS_H

#include <glib.h>

#include "vdev_desc.h"

#define VDEV_SYSFS_HUB "/devices/pci0000:00/0000:00:14.0/usb1"

struct vdev_sysfs_spec {
	unsigned port;     /* hub port: device 1-<port> */
	unsigned busnum, devnum;
	const struct vdev_usb_desc *desc;
	int tty_index;     /* -1: no tty (DFU mode) */
	/* Interface classes, one per interface of desc (class, sub, proto). */
	const char *iface_driver[VDEV_DESC_MAX_IFACES]; /* "cdc_acm" or NULL */
};

/* Appends the whole description (device, interfaces, tty) to out and fills
 * syspaths (with the /sys prefix umockdev uses) in removal order: tty first,
 * then interfaces, the USB device last.  Returns the number of syspaths. */
size_t vdev_sysfs_describe(const struct vdev_sysfs_spec *s, GString *out, char (*syspaths)[192],
			   size_t max);

#endif
