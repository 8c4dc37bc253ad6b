/* usb_list.c - every Particle device on USB, in any mode: platform and
 * mode from the VID:PID (devices.json), device ID from the serial string
 * (or the 'P' 20 vendor request when the serial does not carry it),
 * listening mode from GET_DEVICE_MODE, and the USB location the dispatcher
 * uses to merge a device's USB and serial rows. */
#include <stdio.h>
#include <string.h>

#include "usb/ctrl_reply.h"
#include "usb/usb_ctrl.h"
#include "usb/usb_err.h"
#include "usb/usb_internal.h"

/* Listing must stay quick even when a device's firmware is busy. */
#define BD_USB_LIST_QUERY_MS 1500

/* What only an open handle tells: strings, the ID when the serial lacks it,
 * and listening mode. */
static void bd_usb_list_details(struct bd_usb_state *s, libusb_device *d,
				const struct libusb_device_descriptor *desc,
				const struct bd_platform *pl, struct bd_device *row)
{
	struct bd_usb_handle h;
	memset(&h, 0, sizeof h);
	struct bd_error e = {0};
	(void)s;
	int rc = libusb_open(d, &h.h);
	if (rc != 0)
		return; /* e.g. LIBUSB_ERROR_ACCESS: the row stays, operations explain */
	h.pl = pl;
	h.claimed = -1;
	bd_usb_string(h.h, desc->iSerialNumber, row->usb_serial, sizeof row->usb_serial);
	bd_usb_string(h.h, desc->iProduct, row->product, sizeof row->product);
	bd_usb_id_from_serial(row->usb_serial, pl, row->device_id);
	if (row->mode == BD_MODE_DFU || (pl->quirks & BD_QUIRK_NO_CONTROL)) {
		libusb_close(h.h);
		return;
	}
	struct bd_op op = {bd_deadline_in(BD_USB_LIST_QUERY_MS), NULL, NULL, NULL, NULL};
	bd_usb_handle_bind(&h);
	bd_usb_list_query(&h, row, &op, &e);
	libusb_close(h.h);
}

int bd_usb_list(void *state, struct bd_device_list *out, struct bd_error *err)
{
	struct bd_usb_state *s = state;
	libusb_device **list = NULL;
	ssize_t n = libusb_get_device_list(s->ctx, &list);
	if (n < 0)
		return bd_usb_error(err, (int)n, "listing USB devices");
	int added = 0, rc = 0;
	for (ssize_t i = 0; i < n; i++) {
		struct libusb_device_descriptor desc;
		if (libusb_get_device_descriptor(list[i], &desc) != 0)
			continue;
		bool dfu = false;
		const struct bd_platform *pl =
			bd_platform_by_usb(s->platforms, desc.idVendor, desc.idProduct, &dfu);
		if (!pl)
			continue;
		struct bd_device row;
		memset(&row, 0, sizeof row);
		row.platform_id = pl->id;
		row.mode = dfu ? BD_MODE_DFU : BD_MODE_NORMAL;
		row.mode_reported = dfu; /* the DFU PID says so; normal is checked below */
		row.vid = desc.idVendor;
		row.pid = desc.idProduct;
		row.usb_bus = libusb_get_bus_number(list[i]);
		row.usb_address = libusb_get_device_address(list[i]);
		bd_usb_path(list[i], row.usb_path, sizeof row.usb_path);
		row.routes = BD_ROUTE_USB;
		bd_usb_list_details(s, list[i], &desc, pl, &row);
		if ((rc = bd_device_list_add(out, &row)) < 0)
			break;
		added++;
	}
	libusb_free_device_list(list, 1);
	if (rc < 0)
		return bd_error_set(err, rc, "out of memory listing USB devices");
	return added;
}
