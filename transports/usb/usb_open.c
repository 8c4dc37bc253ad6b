/* usb_open.c - opening Particle devices with libusb and doing control
 * transfers on them (the struct bd_usb_xfer of the rest of the code). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "usb/usb_err.h"
#include "usb/usb_internal.h"

static int bd_usb_control(void *ctx, const struct bd_ctrl_setup *s, uint8_t *data,
			  unsigned timeout_ms)
{
	struct bd_usb_handle *h = ctx;
	uint8_t dummy[1];
	int rc = libusb_control_transfer(h->h, s->bmRequestType, s->bRequest, s->wValue, s->wIndex,
					 data ? data : dummy, s->wLength, timeout_ms);
	return bd_usb_code(rc);
}

void bd_usb_handle_bind(struct bd_usb_handle *h)
{
	h->x.control = bd_usb_control;
	h->x.sleep_ms = NULL;
	h->x.ctx = h;
}

void bd_usb_path(libusb_device *d, char *out, size_t size)
{
	uint8_t ports[8];
	int n = libusb_get_port_numbers(d, ports, (int)sizeof ports);
	int len = snprintf(out, size, "%u", libusb_get_bus_number(d));
	for (int i = 0; i < n && len > 0 && (size_t)len < size; i++)
		len += snprintf(out + len, size - (size_t)len, "%c%u", i ? '.' : '-', ports[i]);
}

void bd_usb_string(libusb_device_handle *h, uint8_t idx, char *out, size_t size)
{
	out[0] = '\0';
	if (!idx || size < 2)
		return;
	unsigned char buf[256];
	int n = libusb_get_string_descriptor_ascii(h, idx, buf, sizeof buf);
	if (n <= 0)
		return;
	size_t k = 0;
	for (int i = 0; i < n && k + 1 < size; i++)
		if (buf[i] >= 0x20 && buf[i] < 0x7f)
			out[k++] = (char)buf[i];
	out[k] = '\0';
}

static bool bd_usb_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool bd_usb_id_from_serial(const char *serial, const struct bd_platform *pl,
			   char out[BD_DEVICE_ID_LEN + 1])
{
	out[0] = '\0';
	if (!serial || (pl && pl->gen == 1))
		return false;
	size_t len = strlen(serial), run = 0;
	if (pl && pl->serial_is_device_id && len != BD_DEVICE_ID_LEN)
		return false;
	for (size_t i = 0; i < len; i++) {
		run = bd_usb_hex(serial[i]) ? run + 1 : 0;
		if (run == BD_DEVICE_ID_LEN && (i + 1 == len || !bd_usb_hex(serial[i + 1]))) {
			for (size_t k = 0; k < BD_DEVICE_ID_LEN; k++) {
				char c = serial[i + 1 - BD_DEVICE_ID_LEN + k];
				out[k] = (c >= 'A' && c <= 'F') ? (char)(c - 'A' + 'a') : c;
			}
			out[BD_DEVICE_ID_LEN] = '\0';
			return true;
		}
	}
	return false;
}

static const struct bd_platform *bd_usb_platform_of(struct bd_usb_state *s, libusb_device *d,
						    bool *dfu)
{
	struct libusb_device_descriptor desc;
	if (libusb_get_device_descriptor(d, &desc) != 0)
		return NULL;
	return bd_platform_by_usb(s->platforms, desc.idVendor, desc.idProduct, dfu);
}

static int bd_usb_open_device(struct bd_usb_state *s, libusb_device *d,
			      const struct bd_platform *pl, bool dfu, struct bd_usb_handle *out,
			      struct bd_error *err)
{
	char path[32];
	bd_usb_path(d, path, sizeof path);
	snprintf(out->where, sizeof out->where, "%s%s (%04x:%04x) at USB %s", pl->name,
		 dfu ? " in DFU mode" : "", dfu ? pl->dfu_vid : pl->vid, dfu ? pl->dfu_pid : pl->pid,
		 path);
	int rc = libusb_open(d, &out->h);
	if (rc != 0) {
		out->h = NULL;
		return bd_usb_error(err, rc, "opening the %s", out->where);
	}
	(void)s;
	out->pl = pl;
	out->dfu = dfu;
	out->claimed = -1;
	out->x.control = bd_usb_control;
	out->x.sleep_ms = NULL;
	out->x.ctx = out;
	return 0;
}

int bd_usb_open(struct bd_usb_state *s, const struct bd_device *dev, struct bd_usb_handle *out,
		struct bd_error *err)
{
	memset(out, 0, sizeof *out);
	out->claimed = -1;
	libusb_device **list = NULL;
	ssize_t n = libusb_get_device_list(s->ctx, &list);
	if (n < 0)
		return bd_usb_error(err, (int)n, "listing USB devices");
	int rc = BD_E_NO_DEVICE;
	/* First the exact bus/address: cheap, and right unless it re-enumerated. */
	for (ssize_t i = 0; i < n && dev->usb_bus; i++) {
		bool dfu = false;
		const struct bd_platform *pl = bd_usb_platform_of(s, list[i], &dfu);
		if (pl && libusb_get_bus_number(list[i]) == dev->usb_bus &&
		    libusb_get_device_address(list[i]) == dev->usb_address) {
			rc = bd_usb_open_device(s, list[i], pl, dfu, out, err);
			goto out;
		}
	}
	/* Then by device ID among the serial strings. */
	for (ssize_t i = 0; i < n && dev->device_id[0]; i++) {
		bool dfu = false;
		const struct bd_platform *pl = bd_usb_platform_of(s, list[i], &dfu);
		if (!pl)
			continue;
		struct bd_usb_handle h;
		memset(&h, 0, sizeof h);
		struct bd_error e = {0};
		if (bd_usb_open_device(s, list[i], pl, dfu, &h, &e) < 0)
			continue;
		struct libusb_device_descriptor desc;
		char serial[64] = "", id[BD_DEVICE_ID_LEN + 1];
		if (libusb_get_device_descriptor(list[i], &desc) == 0)
			bd_usb_string(h.h, desc.iSerialNumber, serial, sizeof serial);
		if (bd_usb_id_from_serial(serial, pl, id) && !strcasecmp(id, dev->device_id)) {
			*out = h;
			out->x.ctx = out;
			rc = 0;
			goto out;
		}
		bd_usb_close(&h);
	}
	bd_error_set(err, BD_E_NO_DEVICE, "device %s is not on USB (any more)",
		     dev->device_id[0] ? dev->device_id : dev->usb_path);
	bd_error_hint(err, "Check the cable and the LED, then run `blinkdoc devices`.");
out:
	libusb_free_device_list(list, 1);
	return rc;
}

int bd_usb_claim(struct bd_usb_handle *h, int iface, struct bd_error *err)
{
	if (h->claimed == iface)
		return 0;
	int rc = libusb_claim_interface(h->h, iface);
	if (rc != 0)
		return bd_usb_error(err, rc, "claiming interface %d of the %s", iface, h->where);
	h->claimed = iface;
	return 0;
}

void bd_usb_close(struct bd_usb_handle *h)
{
	if (!h->h)
		return;
	if (h->claimed >= 0)
		libusb_release_interface(h->h, h->claimed);
	libusb_close(h->h);
	h->h = NULL;
	h->claimed = -1;
}
