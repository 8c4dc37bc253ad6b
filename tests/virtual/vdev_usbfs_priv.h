/* vdev_usbfs_priv.h - what vdev_usbfs.c and vdev_usbfs_control.c share. */
#ifndef VDEV_USBFS_PRIV_H
#define VDEV_USBFS_PRIV_H

#include "vdev_usbfs.h"

struct vdev_usbfs {
	gatomicrefcount rc;
	struct vdev_core *core;
	struct vdev_device *dev; /* valid while !core->dead */
	enum vdev_usb_side side;
	struct vdev_usb_desc desc;
	unsigned devnum;
	bool gone;
	unsigned alt[VDEV_DESC_MAX_IFACES];
	UMockdevIoctlClient *claimed_by[VDEV_DESC_MAX_IFACES];
	UMockdevIoctlBase *handler;
	GList *clients; /* struct usbfs_client * */
};

/* One submitted URB: the client's URB and buffer as umockdev resolved them. */
struct urb {
	UMockdevIoctlData *urb; /* ref */
	UMockdevIoctlData *buf; /* ref or NULL */
	gulong client_addr;
	int status, actual;
	guint64 seq; /* identifies it for a late completion */
};

/* Per open file (per umockdev client). */
struct usbfs_client {
	struct vdev_usbfs *u;       /* ref */
	UMockdevIoctlClient *client; /* not a ref: the client owns this struct */
	GQueue done;                /* completed, not yet reaped */
	GList *flying;              /* submitted, not completed */
	bool reap_waiting;          /* a blocking REAPURB is outstanding */
	guint64 next_seq;
};

/* One control transfer: setup (8 raw bytes, little-endian), data area of
 * cap bytes.  Returns bytes transferred, -EPIPE (stall) or -ETIMEDOUT (the
 * device never answers); *delay_ms is how late the answer reaches the host.
 * Lock held. */
int vdev_usbfs_control(struct vdev_usbfs *u, const uint8_t *raw, uint8_t *data, size_t cap,
		       unsigned *delay_ms);
/* USBDEVFS_CONTROL (synchronous).  Returns the ioctl result or -errno;
 * *deferred when the client is completed later.  Lock held. */
int vdev_usbfs_sync_control(struct vdev_usbfs *u, UMockdevIoctlClient *client,
			    UMockdevIoctlData *arg, bool *deferred);

#endif
