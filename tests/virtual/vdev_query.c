/* vdev_query.c - inspection and small runtime settings of a virtual device
 * (all hook-safe except vdev_device_wait). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vdev_internal.h"
#include "vdev_tty.h"
#include "vdev_usbfs.h"

#define LOCK(dev) VDEV_LOCK((dev)->bed->core)
#define UNLOCK(dev) VDEV_UNLOCK((dev)->bed->core)

const struct vdev_platform *vdev_device_platform(const struct vdev_device *dev)
{
	return dev->plat;
}

const char *vdev_device_id(const struct vdev_device *dev)
{
	return dev->id;
}

const char *vdev_device_os_version(const struct vdev_device *dev)
{
	return dev->os_version;
}

enum vdev_mode vdev_device_mode(struct vdev_device *dev)
{
	enum vdev_mode m;

	LOCK(dev);
	m = dev->mode;
	UNLOCK(dev);
	return m;
}

bool vdev_device_safe_mode(struct vdev_device *dev)
{
	bool s;

	LOCK(dev);
	s = dev->safe_mode;
	UNLOCK(dev);
	return s;
}

bool vdev_device_present(struct vdev_device *dev)
{
	bool p;

	LOCK(dev);
	p = dev->present;
	UNLOCK(dev);
	return p;
}

unsigned vdev_device_enumerations(struct vdev_device *dev)
{
	unsigned n;

	LOCK(dev);
	n = dev->enumerations;
	UNLOCK(dev);
	return n;
}

static int copy_node(struct vdev_device *dev, const char *node, char *buf, size_t len)
{
	int rc = -ENODEV;

	LOCK(dev);
	if (dev->present && node[0]) {
		snprintf(buf, len, "%s", node);
		rc = 0;
	}
	UNLOCK(dev);
	return rc;
}

int vdev_device_tty(struct vdev_device *dev, char *buf, size_t len)
{
	return copy_node(dev, dev->tty_node, buf, len);
}

int vdev_device_usb_node(struct vdev_device *dev, char *buf, size_t len)
{
	return copy_node(dev, dev->usb_node, buf, len);
}

int vdev_device_usb_address(struct vdev_device *dev, unsigned *busnum, unsigned *devnum)
{
	int rc = -ENODEV;

	LOCK(dev);
	if (dev->present) {
		*busnum = VDEV_BUSNUM;
		*devnum = dev->devnum;
		rc = 0;
	}
	UNLOCK(dev);
	return rc;
}

int vdev_device_usb_serial(struct vdev_device *dev, char *buf, size_t len)
{
	char path[256], *text = NULL;
	int rc = -ENODEV;

	LOCK(dev);
	if (dev->present) {
		snprintf(path, sizeof(path), "%s%s/serial", dev->bed->root, dev->usb_syspath);
		if (g_file_get_contents(path, &text, NULL, NULL)) {
			g_strchomp(text);
			snprintf(buf, len, "%s", text);
			g_free(text);
			rc = 0;
		} else {
			rc = -EIO;
		}
	}
	UNLOCK(dev);
	return rc;
}

unsigned vdev_device_baud(struct vdev_device *dev)
{
	unsigned b = 0;

	LOCK(dev);
	if (dev->tty)
		b = vdev_tty_baud(dev->tty);
	UNLOCK(dev);
	return b;
}

unsigned vdev_device_last_set_baud(struct vdev_device *dev)
{
	unsigned b;

	LOCK(dev);
	b = dev->last_set_baud;
	UNLOCK(dev);
	return b;
}

size_t vdev_device_console_input(struct vdev_device *dev, char *buf, size_t len)
{
	size_t total;

	LOCK(dev);
	total = dev->rx_log->len;
	if (len)
		snprintf(buf, len, "%.*s", (int)(total < len ? total : len - 1), dev->rx_log->str);
	UNLOCK(dev);
	return total;
}

int vdev_device_wifi_creds(struct vdev_device *dev, struct vdev_wifi_creds *out)
{
	int rc = -ENOENT;

	LOCK(dev);
	if (dev->has_wifi) {
		*out = dev->wifi;
		rc = 0;
	}
	UNLOCK(dev);
	return rc;
}

int vdev_device_wait(struct vdev_device *dev, bool present, int mode, unsigned timeout_ms)
{
	gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;

	for (;;) {
		bool ok;

		LOCK(dev);
		ok = dev->present == present && (mode < 0 || !present || (int)dev->mode == mode);
		UNLOCK(dev);
		if (ok)
			return 0;
		if (g_get_monotonic_time() >= deadline)
			return -ETIMEDOUT;
		g_usleep(2000);
	}
}

void vdev_device_set_faults(struct vdev_device *dev, const struct vdev_faults *f)
{
	LOCK(dev);
	dev->faults = *f;
	UNLOCK(dev);
}

unsigned vdev_device_alt_setting(struct vdev_device *dev, unsigned iface)
{
	unsigned alt = 0;

	LOCK(dev);
	if (dev->usbfs)
		alt = vdev_usbfs_alt_locked(dev->usbfs, iface);
	UNLOCK(dev);
	return alt;
}
