/* vdev_device.c - a virtual Particle device: identity, USB personalities
 * (normal/listening with a CDC-ACM tty, DFU), plugging in and out, resets
 * and re-enumeration, magic baud rates.  Test bed changes run on the loop
 * thread (VL); see vdev_internal.h for the threading rules. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vdev_console.h"
#include "vdev_ctrl.h"
#include "vdev_dfu.h"
#include "vdev_internal.h"
#include "vdev_sysfs.h"
#include "vdev_tty.h"
#include "vdev_usbfs.h"

/* ---- identity ---------------------------------------------------------------- */

void vdev_device_opts_init(struct vdev_device_opts *o, const char *platform)
{
	memset(o, 0, sizeof(*o));
	o->platform = platform;
	o->mode = VDEV_MODE_NORMAL;
	o->ctrl.pending_polls = 1;
	o->ctrl.alloc_polls = 1;
	o->ctrl.max_active = 4;
	o->ctrl.pooled_size = 64;
}

static bool valid_device_id(const char *id)
{
	size_t n = 0;

	for (; id[n]; n++) {
		if (!g_ascii_isxdigit(id[n]))
			return false;
	}
	return n == 24;
}

static void pick(char *dst, size_t size, const char *given, const char *dflt)
{
	g_strlcpy(dst, given ? given : dflt, size);
}

static const char *default_os_version(const struct vdev_platform *p)
{
	return p->gen <= 1 ? "1.4.4" : p->gen == 2 ? "2.3.1" : "5.9.0";
}

/* USB serial string of a personality (see README.md "USB serial"). */
static void usb_serial(const struct vdev_device *dev, bool dfu, char *out, size_t size)
{
	if (dev->usb_serial_override[0]) {
		snprintf(out, size, "%s", dev->usb_serial_override);
	} else if (dev->plat->serial_is_device_id) {
		snprintf(out, size, "%s", dev->id); /* Gen 3+: in both modes */
	} else if (dfu) {
		snprintf(out, size, "00000000010C"); /* STM32 bootloaders' DfuSe serial */
	} else if (dev->plat->gen >= 2) {
		for (size_t i = 0; i < 24 && i + 1 < size; i++)
			out[i] = g_ascii_toupper(dev->id[i]); /* contains the ID, upper case */
		out[size < 25 ? size - 1 : 24] = '\0';
	} else {
		snprintf(out, size, "00000000050C"); /* Core: not the device ID */
	}
}

static int init_identity(struct vdev_device *dev, const struct vdev_device_opts *o, char *err,
			 size_t errlen)
{
	const struct vdev_platform *p = dev->plat;
	unsigned n = (unsigned)dev->index + 1;
	char tmp[64];

	if (o->device_id) {
		if (!valid_device_id(o->device_id)) {
			snprintf(err, errlen, "device id \"%s\" is not 24 hex digits", o->device_id);
			return -EINVAL;
		}
		for (size_t i = 0; i < 24; i++)
			dev->id[i] = g_ascii_tolower(o->device_id[i]);
	} else {
		snprintf(dev->id, sizeof(dev->id), "e00fce%02x%016" PRIx64, (unsigned)p->id & 0xff,
			 (uint64_t)n * UINT64_C(0x9e3779b97f4a7c15));
	}
	pick(dev->os_version, sizeof(dev->os_version), o->os_version, default_os_version(p));
	dev->os_major = atoi(dev->os_version);
	snprintf(tmp, sizeof(tmp), "6c:0b:84:%02x:%02x:%02x", (unsigned)p->id & 0xff, n >> 8 & 0xff,
		 n & 0xff);
	pick(dev->mac, sizeof(dev->mac), o->mac, tmp);
	snprintf(tmp, sizeof(tmp), "352753090%06u", n);
	pick(dev->imei, sizeof(dev->imei), o->imei, p->cellular ? tmp : "");
	snprintf(tmp, sizeof(tmp), "8901410321%010u", n);
	pick(dev->iccid, sizeof(dev->iccid), o->iccid, p->cellular ? tmp : "");
	pick(dev->cell_fw, sizeof(dev->cell_fw), o->cell_fw,
	     p->cellular && p->gen >= 3 ? "L0.0.00.00.05.12" : "");
	snprintf(tmp, sizeof(tmp), "%c40KAB%05u", g_ascii_toupper(p->key[0]), n);
	pick(dev->serial_number, sizeof(dev->serial_number), o->serial_number,
	     p->gen >= 3 ? tmp : "");
	snprintf(tmp, sizeof(tmp), "NU3WXMFHAPZ%04u", n);
	pick(dev->device_secret, sizeof(dev->device_secret), o->device_secret,
	     p->gen >= 3 ? tmp : "");
	pick(dev->usb_serial_override, sizeof(dev->usb_serial_override), o->usb_serial, "");
	dev->modules_json = g_strdup(o->modules_json ? o->modules_json : "");
	return 0;
}

/* ---- plugging in and out (VL, lock held) ------------------------------------- */

static unsigned alloc_devnum(struct vdev_bed *bed)
{
	for (unsigned tries = 0; tries < 126; tries++) {
		unsigned d = bed->next_devnum;
		bool used = false;

		bed->next_devnum = d >= 127 ? 2 : d + 1;
		for (guint i = 0; i < bed->devices->len; i++) {
			struct vdev_device *o = g_ptr_array_index(bed->devices, i);
			used |= o->present && o->devnum == d;
		}
		if (!used)
			return d;
	}
	return 0;
}

static int alloc_tty(struct vdev_bed *bed)
{
	for (int i = 0; i < VDEV_MAX_TTYS; i++) {
		if (!bed->tty_used[i]) {
			bed->tty_used[i] = true;
			return i;
		}
	}
	return -1;
}

static int attach(struct vdev_bed *bed, const char *node, UMockdevIoctlBase *h)
{
	GError *error = NULL;

	if (!umockdev_testbed_attach_ioctl(bed->tb, node, h, &error)) {
		g_clear_error(&error);
		return -EIO;
	}
	return 0;
}

static void detach(struct vdev_bed *bed, const char *node)
{
	GError *error = NULL;

	if (!umockdev_testbed_detach_ioctl(bed->tb, node, &error))
		g_clear_error(&error);
}

/* Makes the device appear on the bus in dev->mode.  Handlers are attached
 * before the sysfs entries are added, so a client reacting to the "add"
 * uevent never meets umockdev's default handler. */
static int plug_locked(struct vdev_device *dev)
{
	struct vdev_bed *bed = dev->bed;
	bool dfu = dev->mode == VDEV_MODE_DFU;
	struct vdev_sysfs_spec spec = { 0 };
	struct vdev_usb_desc desc;
	char serial[128], err[160];
	GError *error = NULL;
	GString *text;
	int rc;

	if (dev->present)
		return 0;
	usb_serial(dev, dfu, serial, sizeof(serial));
	if (dfu)
		vdev_desc_build_dfu(&desc, dev->plat, serial);
	else
		vdev_desc_build_normal(&desc, dev->plat, serial);
	dev->devnum = alloc_devnum(bed);
	if (!dev->devnum)
		return -ENOSPC;
	snprintf(dev->usb_node, sizeof(dev->usb_node), "/dev/bus/usb/%03u/%03u", VDEV_BUSNUM,
		 dev->devnum);
	dev->usbfs = vdev_usbfs_new(bed->core, dev, dfu ? VDEV_USB_DFU : VDEV_USB_NORMAL, &desc,
				    dev->devnum);
	if ((rc = attach(bed, dev->usb_node, vdev_usbfs_handler(dev->usbfs))) < 0)
		goto fail_usb;
	dev->tty_index = -1;
	if (!dfu) {
		dev->tty_index = alloc_tty(bed);
		if (dev->tty_index < 0) {
			rc = -ENOSPC;
			goto fail_detach_usb;
		}
		snprintf(dev->tty_node, sizeof(dev->tty_node), "/dev/ttyACM%d", dev->tty_index);
		dev->tty = vdev_tty_new(bed->core, dev, bed->root, (unsigned)dev->tty_index, err,
					sizeof(err));
		if (!dev->tty) {
			g_warning("vdev: %s", err);
			rc = -EIO;
			goto fail_tty;
		}
		if ((rc = attach(bed, dev->tty_node, vdev_tty_handler(dev->tty))) < 0)
			goto fail_tty;
		spec.iface_driver[0] = "cdc_acm";
		spec.iface_driver[1] = "cdc_acm";
	}
	spec.port = dev->port;
	spec.busnum = VDEV_BUSNUM;
	spec.devnum = dev->devnum;
	spec.desc = &desc;
	spec.tty_index = dev->tty_index;
	text = g_string_new(NULL);
	dev->nchildren = vdev_sysfs_describe(&spec, text, dev->sys_children,
					     G_N_ELEMENTS(dev->sys_children));
	snprintf(dev->usb_syspath, sizeof(dev->usb_syspath), "%s",
		 dev->sys_children[dev->nchildren - 1]);
	if (!umockdev_testbed_add_from_string(bed->tb, text->str, &error)) {
		g_warning("vdev: adding %s: %s", dev->id, error->message);
		g_clear_error(&error);
		g_string_free(text, TRUE);
		rc = -EIO;
		goto fail_detach_tty;
	}
	g_string_free(text, TRUE);
	dev->present = true;
	dev->enumerations++;
	dev->boot_us = g_get_monotonic_time();
	if (dev->tty)
		vdev_io_start_locked(dev);
	return 0;

fail_detach_tty:
	if (dev->tty)
		detach(bed, dev->tty_node);
fail_tty:
	if (dev->tty) {
		vdev_tty_hangup_locked(dev->tty);
		vdev_tty_unref(dev->tty);
		dev->tty = NULL;
	}
	if (dev->tty_index >= 0)
		bed->tty_used[dev->tty_index] = false;
	dev->tty_index = -1;
fail_detach_usb:
	detach(bed, dev->usb_node);
fail_usb:
	vdev_usbfs_unref(dev->usbfs);
	dev->usbfs = NULL;
	return rc;
}

/* Takes the device off the bus: remove uevents (tty, interfaces, device, as
 * the kernel orders them), handlers detached, sysfs and /dev entries gone;
 * open files see a hang-up / ENODEV. */
static void unplug_locked(struct vdev_device *dev)
{
	struct vdev_bed *bed = dev->bed;

	if (!dev->present)
		return;
	vdev_io_stop_locked(dev);
	for (size_t i = 0; i < dev->nchildren; i++)
		umockdev_testbed_uevent(bed->tb, dev->sys_children[i], "remove");
	if (dev->tty)
		detach(bed, dev->tty_node);
	detach(bed, dev->usb_node);
	for (size_t i = 0; i < dev->nchildren; i++)
		umockdev_testbed_remove_device(bed->tb, dev->sys_children[i]);
	dev->nchildren = 0;
	if (dev->tty) {
		vdev_tty_hangup_locked(dev->tty);
		vdev_tty_unref(dev->tty);
		dev->tty = NULL;
		bed->tty_used[dev->tty_index] = false;
	}
	dev->tty_index = -1;
	dev->tty_node[0] = '\0';
	vdev_usbfs_gone_locked(dev->usbfs);
	vdev_usbfs_unref(dev->usbfs);
	dev->usbfs = NULL;
	dev->usb_node[0] = '\0';
	dev->present = false;
}

void vdev_device_leave_bus_locked(struct vdev_device *dev)
{
	vdev_bed_cancel(dev->bed, dev->reset_src);
	vdev_bed_cancel(dev->bed, dev->return_src);
	vdev_bed_cancel(dev->bed, dev->unplug_src);
	dev->reset_src = dev->return_src = dev->unplug_src = 0;
	unplug_locked(dev);
}

/* ---- resets ------------------------------------------------------------------ */

/* True when the running source is still the one the device expects. */
static bool is_current(guint expected)
{
	GSource *cur = g_main_current_source();
	return cur && expected == g_source_get_id(cur);
}

static gboolean return_cb(gpointer data)
{
	struct vdev_device *dev = data;

	VDEV_LOCK(dev->bed->core);
	if (is_current(dev->return_src)) {
		dev->return_src = 0;
		dev->mode = dev->next_mode;
		dev->safe_mode = dev->next_safe;
		vdev_console_reset(dev->console);
		plug_locked(dev);
	}
	VDEV_UNLOCK(dev->bed->core);
	return G_SOURCE_REMOVE;
}

static gboolean reset_cb(gpointer data)
{
	struct vdev_device *dev = data;

	VDEV_LOCK(dev->bed->core);
	if (is_current(dev->reset_src)) {
		dev->reset_src = 0;
		unplug_locked(dev);
		if (!dev->faults.never_returns)
			dev->return_src = vdev_bed_timeout(dev->bed, dev->timing.enumerate_ms,
							   return_cb, dev);
	}
	VDEV_UNLOCK(dev->bed->core);
	return G_SOURCE_REMOVE;
}

int vdev_device_reset(struct vdev_device *dev, enum vdev_mode mode, bool safe_mode,
		      unsigned delay_ms)
{
	VDEV_LOCK(dev->bed->core);
	if (!dev->present) {
		VDEV_UNLOCK(dev->bed->core);
		return -ENODEV;
	}
	vdev_bed_cancel(dev->bed, dev->reset_src);
	vdev_bed_cancel(dev->bed, dev->return_src);
	dev->return_src = 0;
	dev->next_mode = mode;
	dev->next_safe = safe_mode;
	dev->reset_src = vdev_bed_timeout(dev->bed, delay_ms, reset_cb, dev);
	VDEV_UNLOCK(dev->bed->core);
	return 0;
}

int vdev_device_set_listening(struct vdev_device *dev, bool listening)
{
	int rc = 0;

	VDEV_LOCK(dev->bed->core);
	if (!dev->present)
		rc = -ENODEV;
	else if (dev->mode == VDEV_MODE_DFU)
		rc = -EINVAL;
	else if ((dev->mode == VDEV_MODE_LISTENING) != listening) {
		dev->mode = listening ? VDEV_MODE_LISTENING : VDEV_MODE_NORMAL;
		vdev_console_reset(dev->console);
	}
	VDEV_UNLOCK(dev->bed->core);
	return rc;
}

/* UW thread, lock held: the host changed the line coding. */
void vdev_device_on_baud_locked(struct vdev_device *dev, unsigned baud)
{
	const struct vdev_platform *p = dev->plat;

	dev->last_set_baud = baud;
	if (!dev->present || dev->mode == VDEV_MODE_DFU || dev->reset_src)
		return;
	if (p->magic_baud_dfu && baud == p->magic_baud_dfu) {
		vdev_device_reset(dev, VDEV_MODE_DFU, false, dev->timing.reset_ms);
	} else if (p->magic_baud_listen && baud == p->magic_baud_listen &&
		   (p->listen_below_major <= 0 || dev->os_major < p->listen_below_major)) {
		vdev_device_set_listening(dev, true);
	}
}

/* ---- creation ---------------------------------------------------------------- */

struct plug_call {
	struct vdev_device *dev;
	int rc;
	bool unplug;
};

static void plug_on_loop(void *arg)
{
	struct plug_call *c = arg;

	VDEV_LOCK(c->dev->bed->core);
	if (c->unplug) {
		vdev_device_leave_bus_locked(c->dev);
		c->rc = 0;
	} else {
		vdev_bed_cancel(c->dev->bed, c->dev->reset_src);
		vdev_bed_cancel(c->dev->bed, c->dev->return_src);
		c->dev->reset_src = c->dev->return_src = 0;
		c->rc = plug_locked(c->dev);
	}
	VDEV_UNLOCK(c->dev->bed->core);
}

struct vdev_device *vdev_bed_add_device(struct vdev_bed *bed, const struct vdev_device_opts *o,
					char *err, size_t errlen)
{
	struct vdev_device *dev;
	struct plug_call call;
	char dummy[8];

	if (!err) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	if (!o || !o->platform) {
		snprintf(err, errlen, "no platform given");
		return NULL;
	}
	dev = g_new0(struct vdev_device, 1);
	dev->bed = bed;
	dev->plat = vdev_platforms_find(&bed->plat, o->platform);
	if (!dev->plat) {
		snprintf(err, errlen, "unknown platform \"%s\" (not in devices.json, or no USB id)",
			 o->platform);
		g_free(dev);
		return NULL;
	}
	if (o->mode == VDEV_MODE_DFU && !dev->plat->dfu_vid) {
		snprintf(err, errlen, "platform \"%s\" has no DFU mode", o->platform);
		g_free(dev);
		return NULL;
	}
	VDEV_LOCK(bed->core);
	dev->index = bed->devices->len;
	VDEV_UNLOCK(bed->core);
	dev->port = (unsigned)dev->index + 1;
	if (init_identity(dev, o, err, errlen) < 0) {
		g_free(dev->modules_json);
		g_free(dev);
		return NULL;
	}
	dev->mode = o->mode;
	dev->safe_mode = o->safe_mode;
	dev->claimed = o->claimed;
	dev->modules = o->modules;
	dev->wifi_save_fails = o->wifi_save_fails;
	dev->faults = o->faults;
	dev->timing = o->timing;
	dev->timing.reset_ms = o->timing.reset_ms ? o->timing.reset_ms : VDEV_DEFAULT_RESET_MS;
	dev->timing.enumerate_ms =
		o->timing.enumerate_ms ? o->timing.enumerate_ms : VDEV_DEFAULT_ENUMERATE_MS;
	dev->timing.request_reset_ms = o->timing.request_reset_ms ? o->timing.request_reset_ms
								  : VDEV_DEFAULT_REQUEST_RESET_MS;
	dev->timing.manifest_reset_ms = o->timing.manifest_reset_ms
						? o->timing.manifest_reset_ms
						: VDEV_DEFAULT_MANIFEST_RESET_MS;
	/* Phase 2 models, installed before the device first appears. */
	dev->ctrl = vdev_ctrl_new(dev, &o->ctrl);
	dev->models[VDEV_USB_NORMAL].ops = vdev_ctrl_model_ops();
	dev->models[VDEV_USB_NORMAL].model = dev->ctrl;
	if (dev->plat->dfu_vid) {
		dev->dfu = vdev_dfu_new(dev);
		dev->models[VDEV_USB_DFU].ops = vdev_dfu_model_ops();
		dev->models[VDEV_USB_DFU].model = dev->dfu;
	}
	dev->tty_index = -1;
	dev->holder_pid = -1;
	dev->holder_stdin = -1;
	dev->console = vdev_console_new();
	dev->rx_log = g_string_new(NULL);
	g_queue_init(&dev->out);

	VDEV_LOCK(bed->core);
	g_ptr_array_add(bed->devices, dev);
	VDEV_UNLOCK(bed->core);
	call = (struct plug_call){ .dev = dev };
	vdev_bed_run(bed, plug_on_loop, &call);
	if (call.rc < 0) {
		snprintf(err, errlen, "plugging in %s failed: %s", dev->id, g_strerror(-call.rc));
		return NULL; /* stays in the list, unplugged; freed with the bed */
	}
	return dev;
}

void vdev_device_free(struct vdev_device *dev)
{
	if (!dev)
		return;
	if (dev->tty) {
		vdev_tty_hangup_locked(dev->tty);
		vdev_tty_unref(dev->tty);
	}
	vdev_usbfs_unref(dev->usbfs);
	g_queue_clear(&dev->out);
	vdev_console_free(dev->console);
	g_string_free(dev->rx_log, TRUE);
	g_free(dev->modules_json);
	vdev_ctrl_free(dev->ctrl);
	vdev_dfu_free(dev->dfu);
	g_free(dev);
}

int vdev_device_unplug(struct vdev_device *dev)
{
	struct plug_call call = { .dev = dev, .unplug = true };

	vdev_bed_run(dev->bed, plug_on_loop, &call);
	return call.rc;
}

static gboolean unplug_cb(gpointer data)
{
	struct vdev_device *dev = data;

	VDEV_LOCK(dev->bed->core);
	if (is_current(dev->unplug_src)) {
		dev->unplug_src = 0;
		vdev_device_leave_bus_locked(dev);
	}
	VDEV_UNLOCK(dev->bed->core);
	return G_SOURCE_REMOVE;
}

int vdev_device_unplug_later(struct vdev_device *dev, unsigned delay_ms)
{
	VDEV_LOCK(dev->bed->core);
	if (!dev->present) {
		VDEV_UNLOCK(dev->bed->core);
		return -ENODEV;
	}
	vdev_bed_cancel(dev->bed, dev->unplug_src);
	dev->unplug_src = vdev_bed_timeout(dev->bed, delay_ms, unplug_cb, dev);
	VDEV_UNLOCK(dev->bed->core);
	return 0;
}

int vdev_device_plug(struct vdev_device *dev)
{
	struct plug_call call = { .dev = dev };

	vdev_bed_run(dev->bed, plug_on_loop, &call);
	return call.rc;
}

void vdev_device_model_locked(struct vdev_device *dev, enum vdev_usb_side side,
			      const struct vdev_usb_model **ops, void **model)
{
	*ops = dev->models[side].ops;
	*model = dev->models[side].model;
}

void vdev_device_set_usb_model(struct vdev_device *dev, enum vdev_usb_side side,
			       const struct vdev_usb_model *ops, void *model)
{
	if (side != VDEV_USB_NORMAL && side != VDEV_USB_DFU)
		return;
	VDEV_LOCK(dev->bed->core);
	dev->models[side].ops = ops;
	dev->models[side].model = ops ? model : NULL;
	VDEV_UNLOCK(dev->bed->core);
}

void vdev_device_delay_answer(struct vdev_device *dev, unsigned delay_ms)
{
	VDEV_LOCK(dev->bed->core);
	dev->answer_delay_ms = delay_ms;
	VDEV_UNLOCK(dev->bed->core);
}

unsigned vdev_device_take_answer_delay_locked(struct vdev_device *dev)
{
	unsigned d = dev->answer_delay_ms;

	dev->answer_delay_ms = 0;
	return d;
}
