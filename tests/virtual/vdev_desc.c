/* vdev_desc.c - descriptor bytes for the virtual device's two personalities.
 * Layouts follow USB 2.0 ch. 9, CDC 1.1 (ACM) and DFU 1.1 / DfuSe; values
 * from devices.json (IDs, strings, transfer size, alt strings). */
#include "vdev_desc.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define LANGID_EN_US 0x0409

struct wbuf {
	uint8_t *p;
	size_t len, cap;
};

static void put(struct wbuf *w, const uint8_t *b, size_t n)
{
	if (w->len + n > w->cap)
		return; /* cannot happen with VDEV_DESC_MAX; keeps writes in bounds */
	memcpy(w->p + w->len, b, n);
	w->len += n;
}

static void put_device(struct wbuf *w, uint8_t cls, uint8_t sub, uint8_t proto, uint16_t vid,
		       uint16_t pid, uint16_t bcd_device)
{
	const uint8_t b[18] = {
		18, USB_DT_DEVICE, 0x00, 0x02, cls, sub, proto, 64,
		(uint8_t)vid, (uint8_t)(vid >> 8), (uint8_t)pid, (uint8_t)(pid >> 8),
		(uint8_t)bcd_device, (uint8_t)(bcd_device >> 8),
		VDEV_STR_MANUFACTURER, VDEV_STR_PRODUCT, VDEV_STR_SERIAL, 1,
	};
	put(w, b, sizeof(b));
}

static void put_iface(struct wbuf *w, uint8_t num, uint8_t alt, uint8_t neps, uint8_t cls,
		      uint8_t sub, uint8_t proto, uint8_t istr)
{
	const uint8_t b[9] = { 9, USB_DT_INTERFACE, num, alt, neps, cls, sub, proto, istr };
	put(w, b, sizeof(b));
}

static void put_ep(struct wbuf *w, uint8_t addr, uint8_t attr, uint16_t mps, uint8_t interval)
{
	const uint8_t b[7] = { 7, USB_DT_ENDPOINT, addr, attr, (uint8_t)mps, (uint8_t)(mps >> 8),
			       interval };
	put(w, b, sizeof(b));
}

/* Patches wTotalLength of the configuration descriptor starting at cfg. */
static void finish_config(struct wbuf *w, size_t cfg)
{
	size_t total = w->len - cfg;
	w->p[cfg + 2] = (uint8_t)total;
	w->p[cfg + 3] = (uint8_t)(total >> 8);
}

static void set_common(struct vdev_usb_desc *d, const char *manufacturer, const char *product,
		       const char *serial, uint16_t vid, uint16_t pid)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->strings[VDEV_STR_MANUFACTURER], sizeof(d->strings[0]), "%s", manufacturer);
	snprintf(d->strings[VDEV_STR_PRODUCT], sizeof(d->strings[0]), "%s", product);
	snprintf(d->strings[VDEV_STR_SERIAL], sizeof(d->strings[0]), "%s", serial);
	d->nstrings = VDEV_STR_SERIAL;
	d->config_value = 1;
	d->vid = vid;
	d->pid = pid;
	d->speed = "12"; /* full speed, as the nRF52840/STM32 device controllers */
}

void vdev_desc_build_normal(struct vdev_usb_desc *d, const struct vdev_platform *p,
			    const char *serial)
{
	struct wbuf w;
	bool control_iface = p->gen >= 3;
	size_t cfg;

	set_common(d, p->manufacturer, p->product, serial, p->vid, p->pid);
	w = (struct wbuf){ d->bytes, 0, sizeof(d->bytes) };
	d->ninterfaces = control_iface ? 3 : 2;
	for (unsigned i = 0; i < d->ninterfaces; i++)
		d->nalts[i] = 1;

	/* Gen 3+ is a composite device (IAD); Gen 1/2 a plain CDC device. */
	if (control_iface)
		put_device(&w, 0xef, 0x02, 0x01, p->vid, p->pid, 0x0251);
	else
		put_device(&w, USB_CLASS_COMM, 0, 0, p->vid, p->pid, 0x0200);

	cfg = w.len;
	{
		const uint8_t c[9] = { 9, USB_DT_CONFIG, 0, 0, (uint8_t)d->ninterfaces, 1, 0, 0xc0, 50 };
		put(&w, c, sizeof(c));
	}
	if (control_iface) {
		const uint8_t iad[8] = { 8, USB_DT_INTERFACE_ASSOCIATION, 0, 2, USB_CLASS_COMM, 2, 1, 0 };
		put(&w, iad, sizeof(iad));
	}
	/* Interface 0: CDC communication class, ACM, with its functional
	 * descriptors (header 1.10, call management, ACM, union 0 -> 1). */
	put_iface(&w, 0, 0, 1, USB_CLASS_COMM, 2, 1, 0);
	{
		const uint8_t f[] = {
			5, USB_DT_CS_INTERFACE, 0x00, 0x10, 0x01,
			5, USB_DT_CS_INTERFACE, 0x01, 0x00, 0x01,
			4, USB_DT_CS_INTERFACE, 0x02, 0x02,
			5, USB_DT_CS_INTERFACE, 0x06, 0x00, 0x01,
		};
		put(&w, f, sizeof(f));
	}
	put_ep(&w, 0x82, USB_ENDPOINT_XFER_INT, 8, 0x10);
	/* Interface 1: CDC data, bulk IN/OUT. */
	put_iface(&w, 1, 0, 2, USB_CLASS_CDC_DATA, 0, 0, 0);
	put_ep(&w, 0x81, USB_ENDPOINT_XFER_BULK, 64, 0);
	put_ep(&w, 0x01, USB_ENDPOINT_XFER_BULK, 64, 0);
	/* Interface 2: vendor-specific control interface (no endpoints; control
	 * requests arrive on endpoint 0 addressed to it). */
	if (control_iface)
		put_iface(&w, 2, 0, 0, USB_CLASS_VENDOR_SPEC, 0xff, 0xff, 0);
	finish_config(&w, cfg);
	d->len = w.len;
}

void vdev_desc_build_dfu(struct vdev_usb_desc *d, const struct vdev_platform *p,
			 const char *serial)
{
	struct wbuf w;
	size_t cfg, nalt = p->ndfu_alt ? p->ndfu_alt : 1;
	unsigned ts = p->dfu_transfer_size ? p->dfu_transfer_size : 1024;

	if (nalt > VDEV_DESC_MAX_STRINGS - VDEV_STR_ALT0 + 1)
		nalt = VDEV_DESC_MAX_STRINGS - VDEV_STR_ALT0 + 1;
	set_common(d, p->manufacturer, p->dfu_product, serial, p->dfu_vid, p->dfu_pid);
	w = (struct wbuf){ d->bytes, 0, sizeof(d->bytes) };
	d->ninterfaces = 1;
	d->nalts[0] = (unsigned)nalt;
	for (size_t a = 0; a < nalt; a++) {
		snprintf(d->strings[VDEV_STR_ALT0 + a], sizeof(d->strings[0]), "%s",
			 p->ndfu_alt ? p->dfu_alt[a] : "@Internal Flash /0x00000000/1*004Kg");
		d->nstrings = (unsigned)(VDEV_STR_ALT0 + a);
	}

	put_device(&w, 0, 0, 0, p->dfu_vid, p->dfu_pid, 0x0200);
	cfg = w.len;
	{
		const uint8_t c[9] = { 9, USB_DT_CONFIG, 0, 0, 1, 1, 0, 0xc0, 50 };
		put(&w, c, sizeof(c));
	}
	for (size_t a = 0; a < nalt; a++)
		put_iface(&w, 0, (uint8_t)a, 0, USB_CLASS_APP_SPEC, 0x01, 0x02,
			  (uint8_t)(VDEV_STR_ALT0 + a));
	/* DFU functional descriptor: can download, can upload, will detach;
	 * detach timeout 255 ms; wTransferSize; bcdDFUVersion 1.1a (DfuSe). */
	{
		const uint8_t f[9] = { 9, 0x21, 0x0b, 0xff, 0x00, (uint8_t)ts, (uint8_t)(ts >> 8),
				       0x1a, 0x01 };
		put(&w, f, sizeof(f));
	}
	finish_config(&w, cfg);
	d->len = w.len;
}

int vdev_desc_get(const struct vdev_usb_desc *d, uint16_t wValue, uint16_t wIndex, uint8_t *out,
		  size_t max)
{
	unsigned type = wValue >> 8, index = wValue & 0xff;
	uint8_t tmp[2 + 2 * 127];
	size_t n = 0;

	switch (type) {
	case USB_DT_DEVICE:
		if (index != 0)
			return -EPIPE;
		n = 18;
		memcpy(tmp, d->bytes, n);
		break;
	case USB_DT_CONFIG:
		if (index != 0)
			return -EPIPE;
		n = d->len - 18;
		if (n > max)
			n = max;
		memcpy(out, d->bytes + 18, n);
		return (int)n;
	case USB_DT_STRING:
		if (index == 0) {
			const uint8_t langs[4] = { 4, USB_DT_STRING, (uint8_t)LANGID_EN_US,
						   (uint8_t)(LANGID_EN_US >> 8) };
			n = sizeof(langs);
			memcpy(tmp, langs, n);
			break;
		}
		/* Like most device stacks, any language id gets the one set. */
		(void)wIndex;
		if (index > d->nstrings || !d->strings[index][0])
			return -EPIPE;
		{
			const char *s = d->strings[index];
			size_t len = strlen(s);
			if (len > 126)
				len = 126;
			tmp[0] = (uint8_t)(2 + 2 * len);
			tmp[1] = USB_DT_STRING;
			for (size_t i = 0; i < len; i++) {
				tmp[2 + 2 * i] = (uint8_t)s[i];
				tmp[3 + 2 * i] = 0;
			}
			n = 2 + 2 * len;
		}
		break;
	default:
		/* No device qualifier (full-speed only), no BOS (USB 2.0). */
		return -EPIPE;
	}
	if (n > max)
		n = max;
	memcpy(out, tmp, n);
	return (int)n;
}

void vdev_desc_hex(const struct vdev_usb_desc *d, char *out, size_t outlen)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	for (size_t i = 0; i < d->len && o + 2 < outlen; i++) {
		out[o++] = hex[d->bytes[i] >> 4];
		out[o++] = hex[d->bytes[i] & 15];
	}
	if (outlen)
		out[o < outlen ? o : outlen - 1] = '\0';
}
