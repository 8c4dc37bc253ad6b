/* serial_list.c - finding Particle devices among serial ports. */
#define _GNU_SOURCE
#include "serial_list.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <libserialport.h>

#include "serial_port.h"

const struct bd_platform *bd_serial_platform_by_usb(const struct bd_platforms *p, int vid,
						    int pid)
{
	for (size_t i = 0; p && i < p->n; i++) {
		const struct bd_platform *pl = &p->v[i];
		if ((pl->vid || pl->pid) && pl->vid == vid && pl->pid == pid)
			return pl;
	}
	return NULL;
}

static bool bd_serial_is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static void bd_serial_lower_id(const char *src, char out[BD_DEVICE_ID_LEN + 1])
{
	for (int i = 0; i < BD_DEVICE_ID_LEN; i++) {
		char c = src[i];
		out[i] = (c >= 'A' && c <= 'F') ? (char)(c - 'A' + 'a') : c;
	}
	out[BD_DEVICE_ID_LEN] = '\0';
}

bool bd_serial_device_id_from_usb_serial(const char *serial, const struct bd_platform *pl,
					 char out[BD_DEVICE_ID_LEN + 1])
{
	out[0] = '\0';
	if (!serial || (pl && pl->gen == 1))
		return false;
	size_t len = strlen(serial);
	if (pl && pl->serial_is_device_id) {
		if (len != BD_DEVICE_ID_LEN)
			return false;
		for (size_t i = 0; i < len; i++)
			if (!bd_serial_is_hex(serial[i]))
				return false;
		bd_serial_lower_id(serial, out);
		return true;
	}
	size_t run = 0;
	for (size_t i = 0; i < len; i++) {
		run = bd_serial_is_hex(serial[i]) ? run + 1 : 0;
		if (run == BD_DEVICE_ID_LEN) {
			bd_serial_lower_id(serial + i + 1 - BD_DEVICE_ID_LEN, out);
			return true;
		}
	}
	return false;
}

static bool bd_serial_contains(const char *hay, const char *needle)
{
	return hay && strstr(hay, needle) != NULL;
}

static const struct bd_platform *bd_serial_platform_by_product(const struct bd_platforms *p,
							       const char *product)
{
	for (size_t i = 0; p && product && i < p->n; i++)
		if (p->v[i].usb_product && strcasecmp(p->v[i].usb_product, product) == 0)
			return &p->v[i];
	return NULL;
}

bool bd_serial_classify(const struct bd_serial_port_info *in, const struct bd_platforms *p,
			struct bd_device *dev)
{
	if (!in->name || !in->usb)
		return false;
	const struct bd_platform *pl = bd_serial_platform_by_usb(p, in->vid, in->pid);
	if (!pl) {
		/* A device in DFU mode has no console; never fall back for it. */
		for (size_t i = 0; p && i < p->n; i++)
			if ((p->v[i].dfu_vid || p->v[i].dfu_pid) && p->v[i].dfu_vid == in->vid &&
			    p->v[i].dfu_pid == in->pid)
				return false;
		if (!bd_serial_contains(in->manufacturer, "Spark") &&
		    !bd_serial_contains(in->manufacturer, "Particle"))
			return false;
		pl = bd_serial_platform_by_product(p, in->product);
	}
	memset(dev, 0, sizeof *dev);
	dev->platform_id = pl ? pl->id : -1;
	dev->mode = BD_MODE_NORMAL;
	snprintf(dev->port, sizeof dev->port, "%s", in->name);
	if (in->vid >= 0 && in->vid <= 0xffff && in->pid >= 0 && in->pid <= 0xffff) {
		dev->vid = (uint16_t)in->vid;
		dev->pid = (uint16_t)in->pid;
	}
	if (in->bus > 0 && in->bus <= 255 && in->address > 0 && in->address <= 255) {
		dev->usb_bus = (uint8_t)in->bus;
		dev->usb_address = (uint8_t)in->address;
	}
	if (in->serial)
		snprintf(dev->usb_serial, sizeof dev->usb_serial, "%s", in->serial);
	if (in->product)
		snprintf(dev->product, sizeof dev->product, "%s", in->product);
	bd_serial_device_id_from_usb_serial(in->serial, pl, dev->device_id);
	dev->routes = BD_ROUTE_SERIAL;
	return true;
}

int bd_serial_list_ports(const struct bd_platforms *p, struct bd_device_list *out,
			 struct bd_error *err)
{
	struct sp_port **ports = NULL;
	enum sp_return rc = sp_list_ports(&ports);
	if (rc != SP_OK) {
		int os_errno = rc == SP_ERR_FAIL ? sp_last_error_code() : 0;
		return bd_serial_translate(rc, os_errno, "listing", "the serial ports", err);
	}
	int added = 0;
	for (size_t i = 0; ports[i]; i++) {
		struct sp_port *port = ports[i];
		struct bd_serial_port_info info = {
			.name = sp_get_port_name(port),
			.usb = sp_get_port_transport(port) == SP_TRANSPORT_USB,
			.vid = -1, .pid = -1, .bus = -1, .address = -1,
		};
		if (info.usb) {
			if (sp_get_port_usb_vid_pid(port, &info.vid, &info.pid) != SP_OK)
				info.vid = info.pid = -1;
			if (sp_get_port_usb_bus_address(port, &info.bus, &info.address) != SP_OK)
				info.bus = info.address = -1;
			info.manufacturer = sp_get_port_usb_manufacturer(port);
			info.product = sp_get_port_usb_product(port);
			info.serial = sp_get_port_usb_serial(port);
		}
		struct bd_device dev;
		if (!bd_serial_classify(&info, p, &dev))
			continue;
		if (bd_device_list_add(out, &dev) < 0) {
			sp_free_port_list(ports);
			return bd_error_set(err, BD_E_NOMEM, "out of memory listing serial ports");
		}
		added++;
	}
	sp_free_port_list(ports);
	return added;
}
