/* usb_dfu.c - the DFU side of the USB backend: opens a device in DFU mode,
 * claims interface 0, selects the alt setting, reads its DfuSe memory
 * descriptor (cross-checked with devices.json) and wTransferSize, then hands
 * the work to transports/dfu (write, read, leave, safe mode). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dfu/dfu_image.h"
#include "dfu/dfuse_layout.h"
#include "usb/usb_err.h"
#include "usb/usb_internal.h"

#define BD_USB_DFU_IFACE 0
#define BD_USB_DFU_FUNC_DESC 0x21

struct bd_usb_dfu {
	struct bd_usb_handle h;
	struct bd_dfuse_layout layout;
	struct bd_dfu_target t;
	char alt_string[256];
};

/* wTransferSize from the DFU functional descriptor (in the interface's or
 * the configuration's extra bytes); 0 when absent. */
static uint16_t bd_usb_dfu_transfer_size(libusb_device_handle *h)
{
	struct libusb_config_descriptor *cfg = NULL;
	if (libusb_get_active_config_descriptor(libusb_get_device(h), &cfg) != 0 || !cfg)
		return 0;
	uint16_t size = 0;
	/* The functional descriptor follows the interface descriptors: libusb
	 * hands it over as the "extra" bytes of whichever alt setting it came
	 * after (usually the last), or of the configuration. */
	for (int a = -1; !size && cfg->bNumInterfaces > 0 && a < cfg->interface[0].num_altsetting;
	     a++) {
		const unsigned char *x = a < 0 ? cfg->extra : cfg->interface[0].altsetting[a].extra;
		int n = a < 0 ? cfg->extra_length : cfg->interface[0].altsetting[a].extra_length;
		for (int i = 0; x && i + 7 <= n && x[i] >= 2; i += x[i])
			if (x[i + 1] == BD_USB_DFU_FUNC_DESC && x[i] >= 7) {
				size = (uint16_t)(x[i + 5] | x[i + 6] << 8);
				break;
			}
	}
	libusb_free_config_descriptor(cfg);
	return size;
}

/* The iInterface string of alt setting alt of interface 0. */
static void bd_usb_dfu_alt_string(libusb_device_handle *h, int alt, char *out, size_t size)
{
	out[0] = '\0';
	struct libusb_config_descriptor *cfg = NULL;
	if (libusb_get_active_config_descriptor(libusb_get_device(h), &cfg) != 0 || !cfg)
		return;
	if (cfg->bNumInterfaces > 0 && alt < cfg->interface[0].num_altsetting)
		bd_usb_string(h, cfg->interface[0].altsetting[alt].iInterface, out, size);
	libusb_free_config_descriptor(cfg);
}

static void bd_usb_dfu_close(struct bd_usb_dfu *d)
{
	bd_usb_close(&d->h);
}

/* Opens dev in DFU mode with alt selected and its memory map parsed. */
static int bd_usb_dfu_open(struct bd_usb_state *s, const struct bd_device *dev, int alt,
			   struct bd_usb_dfu *d, struct bd_op *op, struct bd_error *err)
{
	memset(d, 0, sizeof *d);
	int rc = bd_usb_open(s, dev, &d->h, err);
	if (rc < 0)
		return rc;
	const struct bd_platform *pl = d->h.pl;
	if (!d->h.dfu) {
		bd_error_set(err, BD_E_STATE, "the %s is not in DFU mode", d->h.where);
		goto fail;
	}
	if ((rc = bd_usb_claim(&d->h, BD_USB_DFU_IFACE, err)) < 0)
		goto fail_rc;
	if (alt < 0 || alt >= (int)BD_PLATFORM_MAX_ALTS) {
		bd_error_set(err, BD_E_INVALID, "DFU alt setting %d does not exist", alt);
		goto fail;
	}
	rc = libusb_set_interface_alt_setting(d->h.h, BD_USB_DFU_IFACE, alt);
	if (rc != 0) {
		rc = bd_usb_error(err, rc, "selecting DFU alt setting %d of the %s", alt, d->h.where);
		goto fail_rc;
	}
	/* The device's own descriptor is the truth (Device Protection turns
	 * every letter into 'b'); devices.json is the fallback and the check. */
	bd_usb_dfu_alt_string(d->h.h, alt, d->alt_string, sizeof d->alt_string);
	const char *known = (size_t)alt < pl->ndfu_alt ? pl->dfu_alt[alt] : NULL;
	struct bd_error pe = {0};
	if (!d->alt_string[0] ||
	    bd_dfuse_parse(d->alt_string, strlen(d->alt_string), &d->layout, &pe) < 0) {
		if (!known) {
			bd_error_set(err, BD_E_PROTOCOL, "the %s has no usable memory descriptor for "
							 "alt %d (%s)",
				     d->h.where, alt, d->alt_string[0] ? pe.msg : "no string");
			goto fail;
		}
		bd_op_logf(op, "dfu: alt %d string \"%s\" unusable (%s); using devices.json's", alt,
			   d->alt_string, pe.msg[0] ? pe.msg : "empty");
		if ((rc = bd_dfuse_parse(known, strlen(known), &d->layout, err)) < 0)
			goto fail_rc;
	} else if (known) {
		struct bd_dfuse_layout k;
		struct bd_error ke = {0};
		if (bd_dfuse_parse(known, strlen(known), &k, &ke) == 0 &&
		    (k.n != d->layout.n ||
		     memcmp(k.seg, d->layout.seg, k.n * sizeof k.seg[0]) != 0))
			bd_op_logf(op, "dfu: the device's memory map for alt %d (\"%s\") differs "
				       "from devices.json (\"%s\"); using the device's",
				   alt, d->alt_string, known);
	}
	if (bd_dfuse_looks_protected(&d->layout)) {
		bd_error_set(err, BD_E_ACCESS, "the %s reports every sector of %s as erase-only: "
					       "it has Device Protection enabled",
			     d->h.where, d->layout.name);
		bd_error_hint(err, "Protected devices accept firmware only through the Particle "
				   "cloud, or in service mode (see the Particle console).");
		rc = BD_E_ACCESS;
		goto fail_rc;
	}
	uint16_t ts = bd_usb_dfu_transfer_size(d->h.h);
	if (!ts) {
		ts = pl->dfu_transfer_size ? pl->dfu_transfer_size : 1024;
		bd_op_logf(op, "dfu: no DFU functional descriptor; using a transfer size of %u", ts);
	} else if (pl->dfu_transfer_size && ts != pl->dfu_transfer_size) {
		bd_op_logf(op, "dfu: the device's transfer size %u differs from devices.json's %u; "
			       "using the device's", ts, pl->dfu_transfer_size);
	}
	d->t.dfu.x = &d->h.x;
	d->t.dfu.iface = BD_USB_DFU_IFACE;
	d->t.dfu.transfer_size = ts;
	d->t.dfu.op = op;
	d->t.layout = &d->layout;
	d->t.quirks = pl->quirks;
	return 0;
fail:
	rc = err ? err->code : BD_E_STATE;
fail_rc:
	bd_usb_dfu_close(d);
	return rc;
}

/* Prefixes an error with the device it happened on. */
static int bd_usb_dfu_where(struct bd_error *err, int rc, const struct bd_usb_dfu *d)
{
	if (!err || rc >= 0 || !d->h.where[0] || strstr(err->msg, d->h.where))
		return rc; /* (opening it already named it) */
	bd_usb_err_prefix(err, "%s", d->h.where);
	return rc;
}

int bd_usb_flash(void *state, const struct bd_device *dev, const struct bd_flash_request *req,
		 struct bd_op *op, struct bd_error *err)
{
	struct bd_usb_state *s = state;
	if (dev->mode != BD_MODE_DFU || !(dev->routes & BD_ROUTE_USB))
		return BD_E_NOT_SUPPORTED;
	struct bd_usb_dfu *d = calloc(1, sizeof *d);
	if (!d)
		return bd_error_set(err, BD_E_NOMEM, "out of memory opening DFU");
	int rc = bd_usb_dfu_open(s, dev, req->alt, d, op, err);
	if (rc < 0)
		goto out;
	if (req->dry_run) {
		rc = bd_dfuse_check_writable(&d->layout, req->address, req->len, NULL, NULL, err);
		if (rc == 0)
			rc = bd_dfuse_go_idle(&d->t.dfu, false, err);
		if (rc == 0)
			bd_op_logf(op, "dfu: dry run: %s, alt %d \"%s\", transfer size %u: would "
				       "erase and write %zu bytes at 0x%08x",
				   d->h.where, req->alt, d->layout.name,
				   (unsigned)d->t.dfu.transfer_size, req->len,
				   (unsigned)req->address);
		goto out;
	}
	rc = bd_dfu_write_image(&d->t, req->data, req->len, req->address, req->verify, op, err);
	if (rc == 0 && req->leave)
		rc = bd_dfu_leave(&d->t, op, err);
out:
	bd_usb_dfu_where(err, rc, d);
	bd_usb_dfu_close(d);
	free(d);
	return rc;
}

int bd_usb_read(void *state, const struct bd_device *dev, int alt, uint32_t address,
		uint8_t *buf, size_t len, struct bd_op *op, struct bd_error *err)
{
	struct bd_usb_state *s = state;
	if (dev->mode != BD_MODE_DFU || !(dev->routes & BD_ROUTE_USB))
		return BD_E_NOT_SUPPORTED;
	struct bd_usb_dfu *d = calloc(1, sizeof *d);
	if (!d)
		return bd_error_set(err, BD_E_NOMEM, "out of memory opening DFU");
	int rc = bd_usb_dfu_open(s, dev, alt, d, op, err);
	if (rc == 0)
		rc = bd_dfu_read_image(&d->t, address, buf, len, op, err);
	bd_usb_dfu_where(err, rc, d);
	bd_usb_dfu_close(d);
	free(d);
	return rc;
}

/* Opens DFU on alt 0, logs what is about to happen, runs one final
 * request (leave, or safe mode) and closes. */
static int bd_usb_dfu_final(struct bd_usb_state *s, const struct bd_device *dev,
			    int (*request)(struct bd_dfu_target *, struct bd_op *, struct bd_error *),
			    const char *what, struct bd_op *op, struct bd_error *err)
{
	struct bd_usb_dfu *d = calloc(1, sizeof *d);
	if (!d)
		return bd_error_set(err, BD_E_NOMEM, "out of memory opening DFU");
	int rc = bd_usb_dfu_open(s, dev, 0, d, op, err);
	if (rc == 0) {
		bd_op_logf(op, "usb: %s on the %s", what, d->h.where);
		rc = request(&d->t, op, err);
	}
	bd_usb_dfu_where(err, rc, d);
	bd_usb_dfu_close(d);
	free(d);
	return rc;
}

int bd_usb_dfu_leave(struct bd_usb_state *s, const struct bd_device *dev, struct bd_op *op,
		     struct bd_error *err)
{
	return bd_usb_dfu_final(s, dev, bd_dfu_leave,
				"leaving DFU mode (zero-length download, manifest)", op, err);
}

int bd_usb_dfu_safe_mode(struct bd_usb_state *s, const struct bd_device *dev, struct bd_op *op,
			 struct bd_error *err)
{
	return bd_usb_dfu_final(s, dev, bd_dfu_safe_mode,
				"restarting in safe mode (DfuSe command 0xFA)", op, err);
}
