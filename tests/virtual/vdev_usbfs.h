/* vdev_usbfs.h - a generic usbdevfs engine for one /dev/bus/usb/BBB/DDD node.
 *
 * Answers the ioctls libusb-1.0 uses on Linux (GET_CAPABILITIES, CLAIM/
 * RELEASEINTERFACE, SETINTERFACE, SETCONFIGURATION, CONNECTINFO, GETDRIVER and
 * IOCTL (no kernel driver: ENODATA), CONTROL, SUBMITURB, REAPURB[NDELAY],
 * DISCARDURB, GET_SPEED, RESET, CLEAR_HALT).  Control transfers go first to
 * the device's USB model (struct vdev_usb_model), then to the standard
 * requests (GET_DESCRIPTOR incl. strings and language ids, GET_STATUS,
 * GET/SET_CONFIGURATION, GET/SET_INTERFACE, features); anything else stalls.
 * URBs to other endpoints stay pending until discarded (no data flows there).
 * Once the device left the bus every ioctl fails with ENODEV, after the
 * pending URBs were reaped with -ESHUTDOWN, as the kernel does.
 */
#ifndef VDEV_USBFS_H
#define VDEV_USBFS_H

#include "vdev_internal.h"

/* New engine for dev's personality side; desc is copied.  The result holds
 * a core reference; its handler is ready to attach. */
struct vdev_usbfs *vdev_usbfs_new(struct vdev_core *core, struct vdev_device *dev,
				  enum vdev_usb_side side, const struct vdev_usb_desc *desc,
				  unsigned devnum);
/* Borrowed handler object to attach to the node. */
UMockdevIoctlBase *vdev_usbfs_handler(struct vdev_usbfs *u);
/* The device left the bus (lock held): ENODEV from now on; tells the model. */
void vdev_usbfs_gone_locked(struct vdev_usbfs *u);
/* Current alt setting of iface (lock held). */
unsigned vdev_usbfs_alt_locked(const struct vdev_usbfs *u, unsigned iface);
void vdev_usbfs_unref(struct vdev_usbfs *u);

#endif
