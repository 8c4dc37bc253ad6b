/* vdev_desc.h - USB descriptors of the two personalities of a Particle
 * device: normal mode (CDC-ACM interfaces 0/1, plus the vendor control
 * interface 2 on Gen 3+) and DFU mode (one DFU interface with an alt setting
 * per DfuSe memory string, and the DFU functional descriptor). */
#ifndef VDEV_DESC_H
#define VDEV_DESC_H

#include "vdev.h"

#define VDEV_DESC_MAX 512
#define VDEV_DESC_MAX_STRINGS 8
#define VDEV_DESC_MAX_IFACES 4

/* String indices used by both personalities. */
enum { VDEV_STR_MANUFACTURER = 1, VDEV_STR_PRODUCT = 2, VDEV_STR_SERIAL = 3, VDEV_STR_ALT0 = 4 };

struct vdev_usb_desc {
	uint8_t bytes[VDEV_DESC_MAX]; /* device descriptor, then the configuration */
	size_t len;
	char strings[VDEV_DESC_MAX_STRINGS + 1][128]; /* [i] is string index i; [0] unused */
	unsigned nstrings;             /* highest valid index */
	unsigned ninterfaces;
	unsigned nalts[VDEV_DESC_MAX_IFACES]; /* alt settings per interface */
	uint8_t config_value;
	uint16_t vid, pid;
	const char *speed;             /* sysfs "speed" */
};

/* Builds the normal-mode (CDC) personality with the given serial string. */
void vdev_desc_build_normal(struct vdev_usb_desc *d, const struct vdev_platform *p,
			    const char *serial);
/* Builds the DFU-mode personality. */
void vdev_desc_build_dfu(struct vdev_usb_desc *d, const struct vdev_platform *p,
			 const char *serial);

/* Standard GET_DESCRIPTOR: writes up to max bytes of the descriptor selected
 * by wValue (type << 8 | index) / wIndex (language) to out.  Returns the
 * length, or -EPIPE (stall) for descriptors the device does not have. */
int vdev_desc_get(const struct vdev_usb_desc *d, uint16_t wValue, uint16_t wIndex, uint8_t *out,
		  size_t max);

/* Lowercase hex of all descriptor bytes (sysfs "descriptors") into out;
 * out needs 2 * len + 1 bytes. */
void vdev_desc_hex(const struct vdev_usb_desc *d, char *out, size_t outlen);

#endif
