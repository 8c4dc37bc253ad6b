/* vdev_usbfs_control.c - control transfers on endpoint 0: the USB model
 * hook first, then the standard requests of USB 2.0 ch. 9.4; and the
 * synchronous USBDEVFS_CONTROL ioctl. */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <linux/usbdevice_fs.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vdev_usbfs_priv.h"

/* Standard requests of USB 2.0 ch. 9.4.  Returns bytes or -EPIPE. */
static int standard_request(struct vdev_usbfs *u, const struct usb_ctrlrequest *s, uint8_t *data,
			    size_t wlen)
{
	bool in = s->bRequestType & USB_DIR_IN;

	if ((s->bRequestType & USB_TYPE_MASK) != USB_TYPE_STANDARD)
		return -EPIPE;
	switch (s->bRequest) {
	case USB_REQ_GET_DESCRIPTOR:
		if (!in)
			return -EPIPE;
		return vdev_desc_get(&u->desc, s->wValue, s->wIndex, data, wlen);
	case USB_REQ_GET_STATUS:
		if (!in || wlen < 2)
			return -EPIPE;
		data[0] = 0;
		data[1] = 0;
		return 2;
	case USB_REQ_GET_CONFIGURATION:
		if (!in || wlen < 1)
			return -EPIPE;
		data[0] = u->desc.config_value;
		return 1;
	case USB_REQ_GET_INTERFACE:
		if (!in || wlen < 1 || s->wIndex >= u->desc.ninterfaces)
			return -EPIPE;
		data[0] = (uint8_t)u->alt[s->wIndex];
		return 1;
	case USB_REQ_SET_INTERFACE:
		if (s->wIndex >= u->desc.ninterfaces || s->wValue >= u->desc.nalts[s->wIndex])
			return -EPIPE;
		u->alt[s->wIndex] = s->wValue;
		return 0;
	case USB_REQ_SET_CONFIGURATION:
	case USB_REQ_CLEAR_FEATURE:
	case USB_REQ_SET_FEATURE:
		return in ? -EPIPE : 0;
	default:
		return -EPIPE;
	}
}

int vdev_usbfs_control(struct vdev_usbfs *u, const uint8_t *raw, uint8_t *data, size_t cap,
		       unsigned *delay_ms)
{
	struct usb_ctrlrequest s;
	const struct vdev_usb_model *ops = NULL;
	void *model = NULL;
	uint16_t v;
	size_t wlen;

	s.bRequestType = raw[0];
	s.bRequest = raw[1];
	memcpy(&v, raw + 2, 2);
	s.wValue = le16toh(v);
	memcpy(&v, raw + 4, 2);
	s.wIndex = le16toh(v);
	memcpy(&v, raw + 6, 2);
	s.wLength = le16toh(v);
	wlen = s.wLength < cap ? s.wLength : cap;

	if (!u->core->dead)
		vdev_device_model_locked(u->dev, u->side, &ops, &model);
	*delay_ms = 0;
	if (ops && ops->control) {
		size_t len = (s.bRequestType & USB_DIR_IN) ? 0 : wlen;
		int r = ops->control(model, &s, data, &len);

		if (!u->core->dead)
			*delay_ms = vdev_device_take_answer_delay_locked(u->dev);
		switch (r) {
		case VDEV_CTRL_DONE:
			return (int)(len < wlen ? len : wlen);
		case VDEV_CTRL_NO_ANSWER:
			return -ETIMEDOUT;
		case VDEV_CTRL_PASS:
			break;
		case VDEV_CTRL_STALL:
		default:
			return -EPIPE;
		}
	}
	return standard_request(u, &s, data, wlen);
}

struct late_ioctl {
	UMockdevIoctlClient *client; /* ref */
	long res;
	int err;
};

static void late_ioctl_free(gpointer data)
{
	struct late_ioctl *l = data;

	g_object_unref(l->client);
	g_free(l);
}

static gboolean late_ioctl_cb(gpointer data)
{
	struct late_ioctl *l = data;

	umockdev_ioctl_client_complete(l->client, l->res, l->err);
	return G_SOURCE_REMOVE;
}

/* Completes the client's ioctl with res/err after ms. */
static void complete_ioctl_later(UMockdevIoctlClient *client, long res, int err, unsigned ms)
{
	struct late_ioctl *l = g_new0(struct late_ioctl, 1);
	GSource *src = g_timeout_source_new(ms);

	l->client = g_object_ref(client);
	l->res = res;
	l->err = err;
	g_source_set_callback(src, late_ioctl_cb, l, late_ioctl_free);
	g_source_attach(src, g_main_context_get_thread_default());
	g_source_unref(src);
}

int vdev_usbfs_sync_control(struct vdev_usbfs *u, UMockdevIoctlClient *client,
			    UMockdevIoctlData *arg, bool *deferred)
{
	struct usbdevfs_ctrltransfer *c;
	UMockdevIoctlData *ct, *dd = NULL;
	GError *error = NULL;
	unsigned delay_ms = 0;
	uint8_t setup[8];
	int res;

	if (u->gone)
		return -ENODEV;
	ct = umockdev_ioctl_data_resolve(arg, 0, sizeof(*c), &error);
	if (!ct) {
		g_clear_error(&error);
		return -EFAULT;
	}
	c = (struct usbdevfs_ctrltransfer *)ct->data;
	if (c->wLength) {
		dd = umockdev_ioctl_data_resolve(ct, offsetof(struct usbdevfs_ctrltransfer, data),
						 c->wLength, &error);
		if (!dd) {
			g_clear_error(&error);
			g_object_unref(ct);
			return -EFAULT;
		}
	}
	setup[0] = c->bRequestType;
	setup[1] = c->bRequest;
	setup[2] = (uint8_t)c->wValue;
	setup[3] = (uint8_t)(c->wValue >> 8);
	setup[4] = (uint8_t)c->wIndex;
	setup[5] = (uint8_t)(c->wIndex >> 8);
	setup[6] = (uint8_t)c->wLength;
	setup[7] = (uint8_t)(c->wLength >> 8);
	res = vdev_usbfs_control(u, setup, dd ? dd->data : NULL, c->wLength, &delay_ms);
	if (res == -ETIMEDOUT || (delay_ms && c->timeout && delay_ms >= c->timeout)) {
		/* The kernel waits `timeout` ms (0: forever), then ETIMEDOUT. */
		if (c->timeout)
			complete_ioctl_later(client, -1, ETIMEDOUT, c->timeout);
		*deferred = true;
	} else if (delay_ms) {
		complete_ioctl_later(client, res < 0 ? -1 : res, res < 0 ? -res : 0, delay_ms);
		*deferred = true;
	}
	if (dd)
		g_object_unref(dd);
	g_object_unref(ct);
	return res;
}
