/* vdev_usbfs.c - usbdevfs ioctls of one virtual USB device node.
 * See vdev_usbfs.h for what is answered; runs on umockdev's worker thread. */
#define _GNU_SOURCE
#include "vdev_usbfs_priv.h"

#include <endian.h>
#include <errno.h>
#include <linux/usbdevice_fs.h>
#include <sys/ioctl.h>
#include <stddef.h>
#include <string.h>

static struct vdev_usbfs *usbfs_ref(struct vdev_usbfs *u)
{
	g_atomic_ref_count_inc(&u->rc);
	return u;
}

void vdev_usbfs_unref(struct vdev_usbfs *u)
{
	if (!u || !g_atomic_ref_count_dec(&u->rc))
		return;
	g_clear_object(&u->handler);
	vdev_core_unref(u->core);
	g_free(u);
}

static void usbfs_unref_closure(gpointer data, GClosure *closure)
{
	(void)closure;
	vdev_usbfs_unref(data);
}

static void urb_free(struct urb *r)
{
	if (!r)
		return;
	g_clear_object(&r->buf);
	g_clear_object(&r->urb);
	g_free(r);
}

static void client_state_free(gpointer data)
{
	struct usbfs_client *st = data;
	struct vdev_usbfs *u = st->u;

	VDEV_LOCK(u->core);
	u->clients = g_list_remove(u->clients, st);
	/* The client object is going away: its claims too (umockdev does not
	 * always notify "connected" first, and claimed_by holds no reference). */
	for (unsigned i = 0; i < VDEV_DESC_MAX_IFACES; i++) {
		if (u->claimed_by[i] == st->client)
			u->claimed_by[i] = NULL;
	}
	VDEV_UNLOCK(u->core);
	g_queue_clear_full(&st->done, (GDestroyNotify)urb_free);
	g_list_free_full(st->flying, (GDestroyNotify)urb_free);
	vdev_usbfs_unref(u);
	g_free(st);
}

/* The file was closed: release its interfaces, as the kernel does. */
static void on_client_notify(GObject *obj, GParamSpec *pspec, gpointer data)
{
	UMockdevIoctlClient *client = UMOCKDEV_IOCTL_CLIENT(obj);
	struct vdev_usbfs *u = data;

	(void)pspec;
	if (umockdev_ioctl_client_get_connected(client))
		return;
	VDEV_LOCK(u->core);
	for (unsigned i = 0; i < VDEV_DESC_MAX_IFACES; i++) {
		if (u->claimed_by[i] == client)
			u->claimed_by[i] = NULL;
	}
	VDEV_UNLOCK(u->core);
}

static struct usbfs_client *client_state(struct vdev_usbfs *u, UMockdevIoctlClient *client)
{
	struct usbfs_client *st = g_object_get_data(G_OBJECT(client), "vdev-usbfs");

	if (st)
		return st;
	st = g_new0(struct usbfs_client, 1);
	st->u = usbfs_ref(u);
	st->client = client;
	g_queue_init(&st->done);
	u->clients = g_list_prepend(u->clients, st);
	g_object_set_data_full(G_OBJECT(client), "vdev-usbfs", st, client_state_free);
	g_signal_connect_data(client, "notify::connected", G_CALLBACK(on_client_notify),
			      usbfs_ref(u), usbfs_unref_closure, 0);
	return st;
}

/* ---- URBs ------------------------------------------------------------------ */

static void apply_result(struct urb *r)
{
	struct usbdevfs_urb *urb = (struct usbdevfs_urb *)r->urb->data;

	urb->status = r->status;
	urb->actual_length = r->actual;
}

/* Hands the oldest completed URB to a REAPURB[NDELAY] whose argument is the
 * client's `struct usbdevfs_urb **`.  Returns 0 or -errno. */
static int reap_one(struct usbfs_client *st, UMockdevIoctlData *arg)
{
	struct urb *r = g_queue_pop_head(&st->done);
	UMockdevIoctlData *ptr;
	GError *error = NULL;

	if (!r)
		return st->u->gone ? -ENODEV : -EAGAIN;
	ptr = umockdev_ioctl_data_resolve(arg, 0, sizeof(void *), &error);
	if (!ptr) {
		g_clear_error(&error);
		g_queue_push_head(&st->done, r);
		return -EFAULT;
	}
	apply_result(r);
	umockdev_ioctl_data_set_ptr(ptr, 0, r->urb);
	g_object_unref(ptr);
	urb_free(r);
	return 0;
}

static void finish_waiting_reap(struct usbfs_client *st)
{
	int rc;

	if (!st->reap_waiting || (g_queue_is_empty(&st->done) && !st->u->gone))
		return;
	st->reap_waiting = false;
	rc = reap_one(st, umockdev_ioctl_client_get_arg(st->client));
	umockdev_ioctl_client_complete(st->client, rc < 0 ? -1 : 0, rc < 0 ? -rc : 0);
}

struct late_urb {
	UMockdevIoctlClient *client; /* ref */
	guint64 seq;                 /* the URB may have been discarded meanwhile */
};

static void late_urb_free(gpointer data)
{
	struct late_urb *l = data;

	g_object_unref(l->client);
	g_free(l);
}

static gboolean late_urb_cb(gpointer data)
{
	struct late_urb *l = data;
	struct usbfs_client *st = g_object_get_data(G_OBJECT(l->client), "vdev-usbfs");
	GList *it;

	if (!st)
		return G_SOURCE_REMOVE;
	VDEV_LOCK(st->u->core);
	for (it = st->flying; it; it = it->next) {
		struct urb *r = it->data;

		if (r->seq != l->seq)
			continue;
		st->flying = g_list_delete_link(st->flying, it);
		g_queue_push_tail(&st->done, r);
		finish_waiting_reap(st);
		break;
	}
	VDEV_UNLOCK(st->u->core);
	return G_SOURCE_REMOVE;
}

/* Moves r from flying to done after delay_ms (on umockdev's worker). */
static void complete_later(struct usbfs_client *st, struct urb *r, unsigned delay_ms)
{
	struct late_urb *l = g_new0(struct late_urb, 1);
	GSource *src = g_timeout_source_new(delay_ms);

	l->client = g_object_ref(st->client);
	l->seq = r->seq;
	g_source_set_callback(src, late_urb_cb, l, late_urb_free);
	g_source_attach(src, g_main_context_get_thread_default());
	g_source_unref(src);
}

static int submit_urb(struct vdev_usbfs *u, struct usbfs_client *st, UMockdevIoctlData *arg)
{
	GError *error = NULL;
	struct usbdevfs_urb *urb;
	struct urb *r;

	if (u->gone)
		return -ENODEV;
	r = g_new0(struct urb, 1);
	r->seq = ++st->next_seq;
	r->urb = umockdev_ioctl_data_resolve(arg, 0, sizeof(struct usbdevfs_urb), &error);
	if (!r->urb)
		goto fault;
	urb = (struct usbdevfs_urb *)r->urb->data;
	r->client_addr = r->urb->client_addr;
	if (urb->buffer_length > 0) {
		r->buf = umockdev_ioctl_data_resolve(r->urb, offsetof(struct usbdevfs_urb, buffer),
						     (gsize)urb->buffer_length, &error);
		if (!r->buf)
			goto fault;
	}
	if (urb->type == USBDEVFS_URB_TYPE_CONTROL && (urb->endpoint & 0x7f) == 0) {
		unsigned delay_ms = 0;
		int res;

		if (!r->buf || urb->buffer_length < 8) {
			urb_free(r);
			return -EINVAL;
		}
		res = vdev_usbfs_control(u, r->buf->data, r->buf->data + 8,
				       (size_t)urb->buffer_length - 8, &delay_ms);
		if (res != -ETIMEDOUT) {
			r->status = res < 0 ? res : 0;
			r->actual = res < 0 ? 0 : res;
			if (!delay_ms) {
				g_queue_push_tail(&st->done, r);
				return 0;
			}
			/* A busy device: the answer completes later (unless discarded). */
			st->flying = g_list_append(st->flying, r);
			complete_later(st, r, delay_ms);
			return 0;
		}
	}
	/* No answer (or bulk/interrupt: no data flows): pending until discarded. */
	st->flying = g_list_append(st->flying, r);
	return 0;
fault:
	g_clear_error(&error);
	urb_free(r);
	return -EFAULT;
}

static int discard_urb(struct usbfs_client *st, UMockdevIoctlData *arg)
{
	gulong addr = *(gulong *)arg->data;

	for (GList *l = st->flying; l; l = l->next) {
		struct urb *r = l->data;

		if (r->client_addr != addr)
			continue;
		st->flying = g_list_delete_link(st->flying, l);
		r->status = -ENOENT;
		r->actual = 0;
		g_queue_push_tail(&st->done, r);
		return 0;
	}
	return -EINVAL;
}

/* ---- the ioctl dispatcher --------------------------------------------------- */

static int uint_arg(UMockdevIoctlData *arg, unsigned *out)
{
	GError *error = NULL;
	UMockdevIoctlData *d = umockdev_ioctl_data_resolve(arg, 0, sizeof(unsigned), &error);

	if (!d) {
		g_clear_error(&error);
		return -EFAULT;
	}
	memcpy(out, d->data, sizeof(unsigned));
	g_object_unref(d);
	return 0;
}

static int claim(struct vdev_usbfs *u, UMockdevIoctlClient *client, unsigned iface)
{
	if (iface >= u->desc.ninterfaces)
		return -ENOENT;
	if (u->claimed_by[iface] && u->claimed_by[iface] != client &&
	    umockdev_ioctl_client_get_connected(u->claimed_by[iface]))
		return -EBUSY;
	u->claimed_by[iface] = client;
	return 0;
}

/* Returns the ioctl result (>= 0) or -errno; *deferred when the client
 * is completed later. */
static long dispatch(struct vdev_usbfs *u, UMockdevIoctlClient *client, bool *deferred)
{
	unsigned int req = (unsigned int)umockdev_ioctl_client_get_request(client);
	UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(client);
	struct usbfs_client *st = client_state(u, client);
	GError *error = NULL;
	unsigned val;
	int rc;

	if (req == (unsigned int)USBDEVFS_REAPURBNDELAY)
		return reap_one(st, arg);
	if (req == (unsigned int)USBDEVFS_REAPURB) {
		rc = reap_one(st, arg);
		if (rc == -EAGAIN) {
			st->reap_waiting = true;
			*deferred = true;
		}
		return rc;
	}
	if (req == (unsigned int)USBDEVFS_DISCARDURB)
		return discard_urb(st, arg);
	if (u->gone)
		return -ENODEV;

	switch (req) {
	case (unsigned int)USBDEVFS_SUBMITURB:
		return submit_urb(u, st, arg);
	case (unsigned int)USBDEVFS_CONTROL:
		return vdev_usbfs_sync_control(u, client, arg, deferred);
	case (unsigned int)USBDEVFS_GET_CAPABILITIES: {
		UMockdevIoctlData *d = umockdev_ioctl_data_resolve(arg, 0, sizeof(uint32_t), &error);
		uint32_t caps = USBDEVFS_CAP_ZERO_PACKET | USBDEVFS_CAP_BULK_CONTINUATION |
				USBDEVFS_CAP_NO_PACKET_SIZE_LIM | USBDEVFS_CAP_REAP_AFTER_DISCONNECT;

		if (!d) {
			g_clear_error(&error);
			return -EFAULT;
		}
		memcpy(d->data, &caps, sizeof(caps));
		g_object_unref(d);
		return 0;
	}
	case (unsigned int)USBDEVFS_CONNECTINFO: {
		UMockdevIoctlData *d = umockdev_ioctl_data_resolve(
			arg, 0, sizeof(struct usbdevfs_connectinfo), &error);
		struct usbdevfs_connectinfo ci = { .devnum = u->devnum, .slow = 0 };

		if (!d) {
			g_clear_error(&error);
			return -EFAULT;
		}
		memcpy(d->data, &ci, sizeof(ci));
		g_object_unref(d);
		return 0;
	}
	case (unsigned int)USBDEVFS_CLAIMINTERFACE:
		if ((rc = uint_arg(arg, &val)) < 0)
			return rc;
		return claim(u, client, val);
	case (unsigned int)USBDEVFS_DISCONNECT_CLAIM:
		/* struct usbdevfs_disconnect_claim starts with the interface. */
		if ((rc = uint_arg(arg, &val)) < 0)
			return rc;
		return claim(u, client, val);
	case (unsigned int)USBDEVFS_RELEASEINTERFACE:
		if ((rc = uint_arg(arg, &val)) < 0)
			return rc;
		if (val >= u->desc.ninterfaces || u->claimed_by[val] != client)
			return -EINVAL;
		u->claimed_by[val] = NULL;
		return 0;
	case (unsigned int)USBDEVFS_SETINTERFACE: {
		UMockdevIoctlData *d = umockdev_ioctl_data_resolve(
			arg, 0, sizeof(struct usbdevfs_setinterface), &error);
		struct usbdevfs_setinterface si;
		const struct vdev_usb_model *ops = NULL;
		void *model = NULL;

		if (!d) {
			g_clear_error(&error);
			return -EFAULT;
		}
		memcpy(&si, d->data, sizeof(si));
		g_object_unref(d);
		if (si.interface >= u->desc.ninterfaces || si.altsetting >= u->desc.nalts[si.interface])
			return -EINVAL;
		u->alt[si.interface] = si.altsetting;
		if (!u->core->dead)
			vdev_device_model_locked(u->dev, u->side, &ops, &model);
		if (ops && ops->set_interface)
			ops->set_interface(model, si.interface, si.altsetting);
		return 0;
	}
	case (unsigned int)USBDEVFS_SETCONFIGURATION:
		if ((rc = uint_arg(arg, &val)) < 0)
			return rc;
		return (val == u->desc.config_value || val == 0 || val == (unsigned)-1) ? 0 : -EINVAL;
	case (unsigned int)USBDEVFS_GETDRIVER:
	case (unsigned int)USBDEVFS_IOCTL:
		return -ENODATA; /* no kernel driver bound to any interface */
	case (unsigned int)USBDEVFS_GET_SPEED:
		return 2; /* USB_SPEED_FULL */
	case (unsigned int)USBDEVFS_RESET:
	case (unsigned int)USBDEVFS_CLEAR_HALT:
	case (unsigned int)USBDEVFS_RESETEP:
		return 0;
	default:
		return -ENOTTY;
	}
}

static gboolean on_handle_ioctl(UMockdevIoctlBase *handler, UMockdevIoctlClient *client,
				gpointer data)
{
	struct vdev_usbfs *u = data;
	bool deferred = false;
	long rc;

	(void)handler;
	VDEV_LOCK(u->core);
	rc = dispatch(u, client, &deferred);
	VDEV_UNLOCK(u->core);
	if (!deferred)
		umockdev_ioctl_client_complete(client, rc < 0 ? -1 : rc, rc < 0 ? (int)-rc : 0);
	return TRUE;
}

struct vdev_usbfs *vdev_usbfs_new(struct vdev_core *core, struct vdev_device *dev,
				  enum vdev_usb_side side, const struct vdev_usb_desc *desc,
				  unsigned devnum)
{
	struct vdev_usbfs *u = g_new0(struct vdev_usbfs, 1);

	g_atomic_ref_count_init(&u->rc);
	u->core = vdev_core_ref(core);
	u->dev = dev;
	u->side = side;
	u->desc = *desc;
	u->devnum = devnum;
	u->handler = umockdev_ioctl_base_new();
	g_signal_connect_data(u->handler, "handle-ioctl", G_CALLBACK(on_handle_ioctl), usbfs_ref(u),
			      usbfs_unref_closure, 0);
	return u;
}

UMockdevIoctlBase *vdev_usbfs_handler(struct vdev_usbfs *u)
{
	return u->handler;
}

void vdev_usbfs_gone_locked(struct vdev_usbfs *u)
{
	const struct vdev_usb_model *ops = NULL;
	void *model = NULL;

	if (u->gone)
		return;
	u->gone = true;
	/* Pending URBs end with -ESHUTDOWN and can still be reaped. */
	for (GList *l = u->clients; l; l = l->next) {
		struct usbfs_client *st = l->data;

		for (GList *f = st->flying; f; f = f->next) {
			struct urb *r = f->data;

			r->status = -ESHUTDOWN;
			r->actual = 0;
			g_queue_push_tail(&st->done, r);
		}
		g_list_free(st->flying);
		st->flying = NULL;
		finish_waiting_reap(st);
	}
	if (!u->core->dead)
		vdev_device_model_locked(u->dev, u->side, &ops, &model);
	if (ops && ops->detached)
		ops->detached(model);
}

unsigned vdev_usbfs_alt_locked(const struct vdev_usbfs *u, unsigned iface)
{
	return iface < VDEV_DESC_MAX_IFACES ? u->alt[iface] : 0;
}
