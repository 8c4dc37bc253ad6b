/* vdev_sysfs.c - sysfs entries as the kernel's usb core and cdc_acm create
 * them, written in umockdev's description format.  Attribute formats follow
 * drivers/usb/core/sysfs.c (idVendor "%04x", bDeviceClass "%02x", ...). */
#include "vdev_sysfs.h"

#include <stdio.h>
#include <string.h>

struct iface_info {
	uint8_t num, cls, sub, proto, neps;
};

/* Alt-0 interface descriptors of the configuration, in order. */
static size_t parse_ifaces(const struct vdev_usb_desc *d, struct iface_info *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 18; i + 1 < d->len && d->bytes[i] >= 2; i += d->bytes[i]) {
		const uint8_t *b = d->bytes + i;

		if (b[1] == USB_DT_INTERFACE && b[0] >= 9 && b[3] == 0 && n < max)
			out[n++] = (struct iface_info){ b[2], b[5], b[6], b[7], b[4] };
	}
	return n;
}

static void add_syspath(char (*paths)[192], size_t max, size_t *n, const char *devpath)
{
	if (*n < max)
		snprintf(paths[(*n)++], sizeof(paths[0]), "/sys%.180s", devpath);
}

size_t vdev_sysfs_describe(const struct vdev_sysfs_spec *s, GString *out, char (*syspaths)[192],
			   size_t max)
{
	const struct vdev_usb_desc *d = s->desc;
	const uint8_t *dd = d->bytes;
	struct iface_info ifs[VDEV_DESC_MAX_IFACES];
	size_t nifs = parse_ifaces(d, ifs, VDEV_DESC_MAX_IFACES), npaths = 0;
	char dev[96], hex[2 * VDEV_DESC_MAX + 1], tmp[176];
	char iface_paths[VDEV_DESC_MAX_IFACES][128];
	unsigned minor = (s->busnum - 1) * 128 + (s->devnum - 1);

	snprintf(dev, sizeof(dev), VDEV_SYSFS_HUB "/%u-%u", s->busnum, s->port);
	vdev_desc_hex(d, hex, sizeof(hex));

	/* The USB device. */
	g_string_append_printf(out, "P: %s\n", dev);
	g_string_append_printf(out, "N: bus/usb/%03u/%03u\n", s->busnum, s->devnum);
	g_string_append(out, "E: SUBSYSTEM=usb\nE: DEVTYPE=usb_device\nE: DRIVER=usb\n");
	g_string_append_printf(out, "E: DEVNAME=/dev/bus/usb/%03u/%03u\n", s->busnum, s->devnum);
	g_string_append_printf(out, "E: PRODUCT=%x/%x/%x\n", d->vid, d->pid, dd[12] | dd[13] << 8);
	g_string_append_printf(out, "E: TYPE=%u/%u/%u\n", dd[4], dd[5], dd[6]);
	g_string_append_printf(out, "E: BUSNUM=%03u\nE: DEVNUM=%03u\n", s->busnum, s->devnum);
	g_string_append_printf(out, "E: MAJOR=189\nE: MINOR=%u\n", minor);
	g_string_append_printf(out, "A: busnum=%u\nA: devnum=%u\nA: devpath=%u\n", s->busnum,
			       s->devnum, s->port);
	g_string_append_printf(out, "A: speed=%s\nA: version= 2.00\nA: maxchild=0\n", d->speed);
	g_string_append_printf(out, "A: bConfigurationValue=%u\nA: bNumConfigurations=1\n",
			       d->config_value);
	g_string_append_printf(out, "A: bNumInterfaces=%2u\nA: bmAttributes=c0\nA: bMaxPower=100mA\n",
			       d->ninterfaces);
	g_string_append_printf(out, "A: bDeviceClass=%02x\nA: bDeviceSubClass=%02x\n"
				    "A: bDeviceProtocol=%02x\nA: bMaxPacketSize0=%u\n",
			       dd[4], dd[5], dd[6], dd[7]);
	g_string_append_printf(out, "A: idVendor=%04x\nA: idProduct=%04x\nA: bcdDevice=%04x\n",
			       d->vid, d->pid, dd[12] | dd[13] << 8);
	g_string_append_printf(out, "A: manufacturer=%s\nA: product=%s\nA: serial=%s\n",
			       d->strings[VDEV_STR_MANUFACTURER], d->strings[VDEV_STR_PRODUCT],
			       d->strings[VDEV_STR_SERIAL]);
	g_string_append_printf(out, "A: dev=189:%u\nA: removable=removable\nA: authorized=1\n", minor);
	g_string_append_printf(out, "H: descriptors=%s\n\n", hex);

	/* Its interfaces (what libserialport walks up through). */
	for (size_t i = 0; i < nifs; i++) {
		snprintf(iface_paths[i], sizeof(iface_paths[i]), "%.95s/%u-%u:1.%u", dev, s->busnum,
			 s->port, ifs[i].num);
		g_string_append_printf(out, "P: %s\n", iface_paths[i]);
		g_string_append(out, "E: SUBSYSTEM=usb\nE: DEVTYPE=usb_interface\n");
		if (s->iface_driver[i])
			g_string_append_printf(out, "E: DRIVER=%s\n", s->iface_driver[i]);
		g_string_append_printf(out, "E: PRODUCT=%x/%x/%x\nE: INTERFACE=%u/%u/%u\n", d->vid,
				       d->pid, dd[12] | dd[13] << 8, ifs[i].cls, ifs[i].sub,
				       ifs[i].proto);
		g_string_append_printf(out, "A: bInterfaceNumber=%02x\nA: bAlternateSetting= 0\n"
					    "A: bNumEndpoints=%02x\nA: bInterfaceClass=%02x\n"
					    "A: bInterfaceSubClass=%02x\nA: bInterfaceProtocol=%02x\n\n",
				       ifs[i].num, ifs[i].neps, ifs[i].cls, ifs[i].sub, ifs[i].proto);
	}

	/* The tty of interface 0, as cdc_acm registers it. */
	if (s->tty_index >= 0 && nifs > 0) {
		snprintf(tmp, sizeof(tmp), "%.127s/tty/ttyACM%d", iface_paths[0], s->tty_index);
		g_string_append_printf(out, "P: %s\n", tmp);
		g_string_append(out, "E: SUBSYSTEM=tty\n");
		g_string_append_printf(out, "E: DEVNAME=/dev/ttyACM%d\nE: MAJOR=166\nE: MINOR=%d\n",
				       s->tty_index, s->tty_index);
		g_string_append_printf(out, "A: dev=166:%d\n", s->tty_index);
		g_string_append_printf(out, "L: device=../../../%u-%u:1.0\n\n", s->busnum, s->port);
		add_syspath(syspaths, max, &npaths, tmp);
	}
	for (size_t i = nifs; i-- > 0;)
		add_syspath(syspaths, max, &npaths, iface_paths[i]);
	add_syspath(syspaths, max, &npaths, dev);
	return npaths;
}
