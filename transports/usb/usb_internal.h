/* usb_internal.h - shared by the usb_*.c files of the libusb backend; not
 * for anyone else (the backend's public face is usb_backend.h). */
#ifndef BD_USB_INTERNAL_H
#define BD_USB_INTERNAL_H

#include <libusb.h>
#include <stdbool.h>

#include "backend.h"
#include "usb/usb_xfer.h"

struct bd_usb_state {
	libusb_context *ctx;
	const struct bd_platforms *platforms;
	bool hotplug;                     /* libusb reports arrivals/removals */
	libusb_hotplug_callback_handle hp;
	volatile unsigned changes;        /* bumped by the hotplug callback */
};

/* One open device. */
struct bd_usb_handle {
	libusb_device_handle *h;
	const struct bd_platform *pl;     /* from the VID:PID; never NULL once open */
	bool dfu;                         /* opened in DFU mode */
	struct bd_usb_xfer x;             /* control transfers on this handle */
	int claimed;                      /* interface claimed, -1 none */
	char where[96];                   /* "Boron (2b04:c00d) at USB 1-2" for messages */
};

/* Points h->x at libusb control transfers on h->h (after h has its final
 * address: the transfer context is h itself). */
void bd_usb_handle_bind(struct bd_usb_handle *h);

/* Fills the usb_path ("1-2.3") of a libusb device. */
void bd_usb_path(libusb_device *d, char *out, size_t size);

/* Opens the device dev describes: by bus/address when it still carries the
 * same Particle VID:PID there, else by device ID among the USB serial
 * strings.  BD_E_NO_DEVICE when it is not on USB (any more); libusb errors
 * through bd_usb_error (ACCESS explains the udev rule). */
int bd_usb_open(struct bd_usb_state *s, const struct bd_device *dev, struct bd_usb_handle *out,
		struct bd_error *err);
/* Releases what bd_usb_open() and bd_usb_claim() took.  Safe on a zeroed
 * handle. */
void bd_usb_close(struct bd_usb_handle *h);
/* Claims interface iface (once). */
int bd_usb_claim(struct bd_usb_handle *h, int iface, struct bd_error *err);
/* ASCII string descriptor idx into out ("" when idx is 0 or unreadable). */
void bd_usb_string(libusb_device_handle *h, uint8_t idx, char *out, size_t size);

/* The 24-hex device ID inside a USB serial string (lowercased), or false.
 * Gen 1 (Core) serials are never device IDs. */
bool bd_usb_id_from_serial(const char *serial, const struct bd_platform *pl,
			   char out[BD_DEVICE_ID_LEN + 1]);

/* While listing: the device ID over 'P' 20 when the serial string did not
 * carry it, and listening mode over GET_DEVICE_MODE (72).  Failures leave
 * row as it was (mode NORMAL). */
int bd_usb_list_query(struct bd_usb_handle *h, struct bd_device *row, struct bd_op *op,
		      struct bd_error *err);

/* backend ops implemented in usb_list.c / usb_ops.c / usb_dfu.c */
int bd_usb_list(void *state, struct bd_device_list *out, struct bd_error *err);
int bd_usb_identify(void *state, const struct bd_device *dev, struct bd_identity *out,
		    struct bd_op *op, struct bd_error *err);
int bd_usb_inspect(void *state, const struct bd_device *dev, struct bd_module_table *out,
		   struct bd_op *op, struct bd_error *err);
int bd_usb_mac(void *state, const struct bd_device *dev, struct bd_mac *out, struct bd_op *op,
	       struct bd_error *err);
int bd_usb_request_mode(void *state, const struct bd_device *dev, enum bd_mode mode,
			struct bd_op *op, struct bd_error *err);
int bd_usb_reset(void *state, const struct bd_device *dev, struct bd_op *op,
		 struct bd_error *err);
int bd_usb_flash(void *state, const struct bd_device *dev, const struct bd_flash_request *req,
		 struct bd_op *op, struct bd_error *err);
int bd_usb_read(void *state, const struct bd_device *dev, int alt, uint32_t address,
		uint8_t *buf, size_t len, struct bd_op *op, struct bd_error *err);
/* DFU-mode leave / safe mode (usb_dfu.c), used by reset and request_mode. */
int bd_usb_dfu_leave(struct bd_usb_state *s, const struct bd_device *dev, struct bd_op *op,
		     struct bd_error *err);
int bd_usb_dfu_safe_mode(struct bd_usb_state *s, const struct bd_device *dev, struct bd_op *op,
			 struct bd_error *err);

#endif
