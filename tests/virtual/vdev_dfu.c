/* vdev_dfu.c - the DfuSe state machine of the DFU personality; see
 * vdev_dfu.h for the two families and the rules. */
#include "vdev_dfu.h"

#include <errno.h>
#include <string.h>

#include "vdev_modules.h"

enum dfu_request {
	DFU_DETACH = 0,
	DFU_DNLOAD = 1,
	DFU_UPLOAD = 2,
	DFU_GETSTATUS = 3,
	DFU_CLRSTATUS = 4,
	DFU_GETSTATE = 5,
	DFU_ABORT = 6,
};

enum dfu_state {
	appIDLE = 0,
	appDETACH = 1,
	dfuIDLE = 2,
	dfuDNLOAD_SYNC = 3,
	dfuDNBUSY = 4,
	dfuDNLOAD_IDLE = 5,
	dfuMANIFEST_SYNC = 6,
	dfuMANIFEST = 7,
	dfuMANIFEST_WAIT_RESET = 8,
	dfuUPLOAD_IDLE = 9,
	dfuERROR = 10,
};

enum dfu_status {
	OK = 0,
	errTARGET = 1,
	errWRITE = 3,
	errERASE = 4,
	errADDRESS = 8,
	errUNKNOWN = 14,
	errSTALLEDPKT = 15,
};

enum dfuse_cmd {
	CMD_GET_COMMANDS = 0x00,
	CMD_SET_ADDRESS = 0x21,
	CMD_ERASE = 0x41,
	CMD_READ_UNPROTECT = 0x92,
	CMD_ENTER_SAFE_MODE = 0xfa,      /* Particle */
	CMD_CLEAR_SECURITY_OVERRIDE = 0xfb, /* Particle */
};

#define DEVICE_STATE_STRING 0xfa /* string descriptor "sm=o|p|s" */
#define MAX_TRANSFER 16384

struct vdev_dfu {
	struct vdev_device *dev;
	bool st;               /* STM32 DfuSe core, else Particle's USB stack */
	unsigned transfer_size;
	struct vdev_flash flash[VDEV_MAX_ALTS];
	unsigned nalts;

	/* Below: the running bootloader's state, reset when it leaves the bus. */
	uint8_t state, status;
	uint32_t address;
	uint8_t buf[MAX_TRANSFER]; /* the DNLOAD waiting for its GETSTATUS */
	size_t buf_len;
	uint16_t block;
	bool manifest_safe;    /* manifest after 0xFA: come back in safe mode */
	gint64 busy_until;     /* monotonic us: requests before then answer late */
	unsigned stall_seen, stalled, blocks;
};

/* ---- state helpers ---------------------------------------------------------------- */

static void set_state(struct vdev_dfu *d, uint8_t state, uint8_t status)
{
	d->state = state;
	d->status = status;
}

/* An undefined transition: Particle's stack stalls and enters dfuERROR;
 * ST's stalls and keeps its state. */
static int undefined(struct vdev_dfu *d)
{
	if (!d->st)
		set_state(d, dfuERROR, errUNKNOWN);
	return VDEV_CTRL_STALL;
}

static unsigned current_alt(struct vdev_dfu *d)
{
	unsigned alt = vdev_device_alt_setting(d->dev, 0);

	return alt < d->nalts ? alt : 0;
}

static bool is_dct(const struct vdev_flash *f)
{
	return strstr(f->layout.name, "DCT") != NULL;
}

/* Busy time: the device answers nothing until the operation is over. */
static void busy_for(struct vdev_dfu *d, unsigned ms)
{
	if (ms)
		d->busy_until = g_get_monotonic_time() + (gint64)ms * 1000;
}

/* ---- operations run after the dfuDNBUSY answer -------------------------------- */

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static bool fault_hits(bool on, unsigned fault_alt, uint32_t fault_addr, unsigned alt,
		       uint64_t start, size_t len)
{
	return on && fault_alt == alt && fault_addr >= start && fault_addr < start + (len ? len : 1);
}

static void op_erase(struct vdev_dfu *d, unsigned alt, uint32_t addr)
{
	struct vdev_flash *f = &d->flash[alt];
	const struct vdev_flash_seg *seg = vdev_flash_find(f, addr);
	const struct vdev_faults *ft = &d->dev->faults;
	uint64_t sector = seg ? seg->start + (addr - seg->start) / seg->sector_size * seg->sector_size
			      : addr;

	if (!seg) {
		set_state(d, dfuERROR, errADDRESS);
	} else if (fault_hits(ft->dfu_err_erase, ft->dfu_err_erase_alt, ft->dfu_err_erase_addr, alt,
			      sector, seg->sector_size) ||
		   !(seg->props & VDEV_FLASH_ERASE)) {
		set_state(d, dfuERROR, errERASE);
	} else {
		vdev_flash_erase_sector(f, addr);
		f->stats.erases++;
		set_state(d, dfuDNLOAD_IDLE, OK);
		busy_for(d, d->dev->timing.erase_ms);
		return;
	}
	f->stats.rejected++;
}

static void op_write(struct vdev_dfu *d, unsigned alt)
{
	struct vdev_flash *f = &d->flash[alt];
	const struct vdev_faults *ft = &d->dev->faults;
	uint64_t addr = (uint64_t)(d->block - 2) * d->transfer_size + d->address;
	size_t lost = 0;

	if (!vdev_flash_range_has(f, addr, d->buf_len, 0)) {
		set_state(d, dfuERROR, errADDRESS);
	} else if (fault_hits(ft->dfu_err_write, ft->dfu_err_write_alt, ft->dfu_err_write_addr, alt,
			      addr, d->buf_len) ||
		   !vdev_flash_range_has(f, addr, d->buf_len, VDEV_FLASH_WRITE)) {
		set_state(d, dfuERROR, errWRITE);
	} else {
		/* NOR flash in erasable sectors; write-only ones ('e', the
		 * emulated DCT) store bytes as given. */
		bool nor = vdev_flash_range_has(f, addr, d->buf_len, VDEV_FLASH_ERASE);

		vdev_flash_store(f, addr, d->buf, d->buf_len, nor, &lost);
		f->stats.writes++;
		f->stats.bytes_written += d->buf_len;
		f->stats.lost_bytes += lost;
		set_state(d, dfuDNLOAD_IDLE, OK);
		busy_for(d, d->dev->timing.write_ms);
		return;
	}
	f->stats.rejected++;
}

/* The DfuSe command in d->buf (wBlockNum 0). */
static void op_command(struct vdev_dfu *d, unsigned alt)
{
	uint8_t cmd = d->buf[0];

	switch (cmd) {
	case CMD_GET_COMMANDS:
		set_state(d, dfuDNLOAD_IDLE, OK);
		return;
	case CMD_SET_ADDRESS:
		if (d->buf_len != 5)
			break;
		d->address = le32(d->buf + 1);
		set_state(d, dfuDNLOAD_IDLE, OK);
		return;
	case CMD_ERASE:
		if (d->buf_len == 1) {
			set_state(d, dfuERROR, errTARGET); /* mass erase: not supported */
			return;
		}
		if (d->buf_len != 5)
			break;
		op_erase(d, alt, le32(d->buf + 1));
		return;
	case CMD_ENTER_SAFE_MODE:
		if (d->st)
			break;
		d->manifest_safe = true;
		set_state(d, dfuMANIFEST_SYNC, OK);
		return;
	case CMD_CLEAR_SECURITY_OVERRIDE:
		if (d->st)
			break;
		set_state(d, dfuDNLOAD_IDLE, OK);
		return;
	case CMD_READ_UNPROTECT:
		set_state(d, dfuERROR, errUNKNOWN);
		return;
	default:
		set_state(d, dfuERROR, errSTALLEDPKT);
		return;
	}
	set_state(d, dfuERROR, errUNKNOWN); /* malformed command */
}

/* bwPollTimeout for a dfuDNBUSY answer about the pending DNLOAD. */
static unsigned poll_timeout(struct vdev_dfu *d, unsigned alt)
{
	if (d->dev->faults.dfu_poll_timeout_ms)
		return d->dev->faults.dfu_poll_timeout_ms;
	/* ST's MAL timings: internal flash 0/0; DCT 500 ms after an erase
	 * command, 1 ms otherwise (usbd_dct_if.c, usbd_dfu_mal.c). */
	if (d->st && is_dct(&d->flash[alt]))
		return (d->block == 0 && d->buf_len && d->buf[0] == CMD_ERASE) ? 500 : 1;
	return 0;
}

/* ---- requests ------------------------------------------------------------------- */

static size_t status_reply(struct vdev_dfu *d, uint8_t *data, size_t wlen, uint8_t state,
			   unsigned poll_ms)
{
	uint8_t r[6] = { d->status, (uint8_t)poll_ms, (uint8_t)(poll_ms >> 8),
			 (uint8_t)(poll_ms >> 16), state, 0 };
	size_t n = wlen < 6 ? wlen : 6;

	memcpy(data, r, n);
	return n;
}

/* The manifest is reported: the bootloader resets after its countdown. */
static void manifest_done(struct vdev_dfu *d)
{
	struct vdev_device *dev = d->dev;

	d->state = dfuMANIFEST_WAIT_RESET;
	vdev_device_reset(dev, VDEV_MODE_NORMAL, d->manifest_safe, dev->timing.manifest_reset_ms);
}

static int req_getstatus(struct vdev_dfu *d, uint8_t *data, size_t wlen, size_t *len)
{
	unsigned alt = current_alt(d);

	switch (d->state) {
	case dfuDNLOAD_SYNC:
		/* Answer "busy", then do the work (as the bootloaders do in
		 * the IN-stage completion of this very request). */
		*len = status_reply(d, data, wlen, dfuDNBUSY, poll_timeout(d, alt));
		if (d->block == 0)
			op_command(d, alt);
		else
			op_write(d, alt);
		return VDEV_CTRL_DONE;
	case dfuMANIFEST_SYNC:
		d->status = OK;
		/* STM32: reports dfuDNLOAD_IDLE instead (dfu-util friendliness). */
		*len = status_reply(d, data, wlen,
				    (d->dev->plat->quirks & VDEV_QUIRK_MANIFEST_AS_IDLE) ? dfuDNLOAD_IDLE
											  : dfuMANIFEST,
				    0);
		manifest_done(d);
		return VDEV_CTRL_DONE;
	case dfuMANIFEST_WAIT_RESET:
		if (!d->st)
			return undefined(d);
		break;
	default:
		break;
	}
	*len = status_reply(d, data, wlen, d->state, 0);
	return VDEV_CTRL_DONE;
}

static int req_dnload(struct vdev_dfu *d, const struct usb_ctrlrequest *s, const uint8_t *data,
		      size_t len)
{
	const struct vdev_faults *ft = &d->dev->faults;

	if (d->state != dfuIDLE && d->state != dfuDNLOAD_IDLE)
		return undefined(d);
	if (len == 0) {
		/* Leave request: manifestation on the next GETSTATUS. */
		d->manifest_safe = false;
		set_state(d, dfuMANIFEST_SYNC, d->status);
		return VDEV_CTRL_DONE;
	}
	if (len > d->transfer_size || s->wValue == 1)
		return undefined(d);
	if (s->wValue >= 2 && ft->dfu_unplug_after_blocks &&
	    ++d->blocks > ft->dfu_unplug_after_blocks) {
		/* The cable comes out in the middle of this transfer. */
		vdev_device_unplug_later(d->dev, 0);
		return VDEV_CTRL_NO_ANSWER;
	}
	memcpy(d->buf, data, len);
	d->buf_len = len;
	d->block = s->wValue;
	set_state(d, dfuDNLOAD_SYNC, OK);
	return VDEV_CTRL_DONE;
}

static int req_upload(struct vdev_dfu *d, const struct usb_ctrlrequest *s, uint8_t *data,
		      size_t *len)
{
	static const uint8_t commands[] = { CMD_GET_COMMANDS, CMD_SET_ADDRESS, CMD_ERASE,
					    CMD_ENTER_SAFE_MODE, CMD_CLEAR_SECURITY_OVERRIDE };
	unsigned alt = current_alt(d);
	struct vdev_flash *f = &d->flash[alt];
	uint64_t addr;

	if (d->state != dfuIDLE && d->state != dfuUPLOAD_IDLE)
		return undefined(d);
	if (s->wLength == 0) {
		set_state(d, dfuIDLE, d->status);
		return VDEV_CTRL_DONE;
	}
	if (s->wValue == 0) {
		size_t n = d->st ? 3 : sizeof(commands);

		if (n > s->wLength)
			n = s->wLength;
		memcpy(data, commands, n);
		*len = n;
		/* ST: a short read leaves it in dfuUPLOAD_IDLE. */
		d->state = (d->st && s->wLength <= 3) ? dfuUPLOAD_IDLE : dfuIDLE;
		return VDEV_CTRL_DONE;
	}
	if (s->wValue == 1 || s->wLength > d->transfer_size) {
		if (d->st)
			set_state(d, dfuERROR, errSTALLEDPKT);
		return undefined(d);
	}
	addr = (uint64_t)(s->wValue - 2) * d->transfer_size + d->address;
	if (!vdev_flash_range_has(f, addr, s->wLength, VDEV_FLASH_READ)) {
		set_state(d, dfuERROR, errADDRESS);
		f->stats.rejected++;
		return VDEV_CTRL_STALL;
	}
	vdev_flash_read(f, addr, data, s->wLength);
	*len = s->wLength;
	f->stats.uploads++;
	f->stats.bytes_uploaded += s->wLength;
	d->state = dfuUPLOAD_IDLE;
	return VDEV_CTRL_DONE;
}

static bool abortable(uint8_t state)
{
	return state == dfuIDLE || state == dfuDNLOAD_SYNC || state == dfuDNLOAD_IDLE ||
	       state == dfuMANIFEST_SYNC || state == dfuUPLOAD_IDLE;
}

/* String 0xFA: device protection state, on Particle bootloaders from
 * Device OS 6.1.2 on.  As the nRF52840 bootloader sends it: the 4
 * characters plus 4 NULs, each as UTF-16. */
static int device_state_string(struct vdev_dfu *d, uint8_t *data, size_t wlen, size_t *len)
{
	const char text[8] = "sm=o";
	uint8_t desc[2 + 16];

	if (d->st || vdev_modules_system_version(d->dev->os_version) < 6102)
		return VDEV_CTRL_PASS; /* no such string: the engine stalls */
	desc[0] = sizeof(desc);
	desc[1] = USB_DT_STRING;
	for (size_t i = 0; i < 8; i++) {
		desc[2 + 2 * i] = (uint8_t)text[i];
		desc[3 + 2 * i] = 0;
	}
	*len = wlen < sizeof(desc) ? wlen : sizeof(desc);
	memcpy(data, desc, *len);
	return VDEV_CTRL_DONE;
}

/* Which vdev_dfu_req a request is, for the stall fault. */
static bool matches(enum vdev_dfu_req want, const struct usb_ctrlrequest *s, const uint8_t *data,
		    size_t len)
{
	switch (want) {
	case VDEV_DFU_REQ_DETACH:
		return s->bRequest == DFU_DETACH;
	case VDEV_DFU_REQ_DNLOAD:
		return s->bRequest == DFU_DNLOAD;
	case VDEV_DFU_REQ_UPLOAD:
		return s->bRequest == DFU_UPLOAD;
	case VDEV_DFU_REQ_GETSTATUS:
		return s->bRequest == DFU_GETSTATUS;
	case VDEV_DFU_REQ_CLRSTATUS:
		return s->bRequest == DFU_CLRSTATUS;
	case VDEV_DFU_REQ_GETSTATE:
		return s->bRequest == DFU_GETSTATE;
	case VDEV_DFU_REQ_ABORT:
		return s->bRequest == DFU_ABORT;
	case VDEV_DFU_REQ_ERASE:
	case VDEV_DFU_REQ_SET_ADDRESS:
		return s->bRequest == DFU_DNLOAD && s->wValue == 0 && len >= 1 &&
		       data[0] == (want == VDEV_DFU_REQ_ERASE ? CMD_ERASE : CMD_SET_ADDRESS);
	case VDEV_DFU_REQ_WRITE:
		return s->bRequest == DFU_DNLOAD && s->wValue >= 2 && len > 0;
	default:
		return false;
	}
}

static bool stall_fault(struct vdev_dfu *d, const struct usb_ctrlrequest *s, const uint8_t *data,
			size_t len)
{
	const struct vdev_faults *ft = &d->dev->faults;

	if (!ft->dfu_stall || !matches(ft->dfu_stall, s, data, len))
		return false;
	if (++d->stall_seen <= ft->dfu_stall_skip)
		return false;
	if (ft->dfu_stall_times && d->stalled >= ft->dfu_stall_times)
		return false;
	d->stalled++;
	set_state(d, dfuERROR, errSTALLEDPKT);
	return true;
}

static int dfu_control(void *model, const struct usb_ctrlrequest *s, uint8_t *data, size_t *len)
{
	struct vdev_dfu *d = model;
	bool in = s->bRequestType & USB_DIR_IN;
	size_t wlen = s->wLength;
	gint64 now = g_get_monotonic_time();

	if (d->busy_until > now)
		vdev_device_delay_answer(d->dev, (unsigned)((d->busy_until - now + 999) / 1000));
	if ((s->bRequestType & USB_TYPE_MASK) == USB_TYPE_STANDARD) {
		if (in && s->bRequest == USB_REQ_GET_DESCRIPTOR &&
		    s->wValue == (USB_DT_STRING << 8 | DEVICE_STATE_STRING))
			return device_state_string(d, data, wlen, len);
		return VDEV_CTRL_PASS;
	}
	if ((s->bRequestType & (USB_TYPE_MASK | USB_RECIP_MASK)) !=
	    (USB_TYPE_CLASS | USB_RECIP_INTERFACE))
		return VDEV_CTRL_PASS;
	if (stall_fault(d, s, data, in ? 0 : *len))
		return VDEV_CTRL_STALL;
	switch (s->bRequest) {
	case DFU_DNLOAD:
		return in ? undefined(d) : req_dnload(d, s, data, *len);
	case DFU_UPLOAD:
		return in ? req_upload(d, s, data, len) : undefined(d);
	case DFU_GETSTATUS:
		if (!in || wlen < 6)
			return undefined(d);
		return req_getstatus(d, data, wlen, len);
	case DFU_CLRSTATUS:
		if (d->state == dfuERROR) {
			set_state(d, dfuIDLE, OK);
			return VDEV_CTRL_DONE;
		}
		if (d->st) {
			set_state(d, dfuERROR, errUNKNOWN); /* ST: no stall */
			return VDEV_CTRL_DONE;
		}
		return undefined(d);
	case DFU_GETSTATE:
		if (!in || wlen < 1)
			return undefined(d);
		if (!d->st && (d->state == dfuDNBUSY || d->state == dfuMANIFEST ||
			       d->state == dfuMANIFEST_WAIT_RESET))
			return undefined(d);
		data[0] = d->state;
		*len = 1;
		return VDEV_CTRL_DONE;
	case DFU_ABORT:
		if (abortable(d->state)) {
			set_state(d, dfuIDLE, OK);
			return VDEV_CTRL_DONE;
		}
		return d->st ? VDEV_CTRL_DONE : undefined(d);
	case DFU_DETACH:
		if (!abortable(d->state) && !d->st)
			return undefined(d);
		set_state(d, dfuIDLE, OK);
		/* bitWillDetach: a detach-attach sequence, back in DFU mode. */
		vdev_device_reset(d->dev, VDEV_MODE_DFU, false, d->dev->timing.reset_ms);
		return VDEV_CTRL_DONE;
	default:
		return undefined(d);
	}
}

static void dfu_detached(void *model)
{
	struct vdev_dfu *d = model;

	set_state(d, dfuIDLE, OK);
	d->address = 0;
	d->buf_len = 0;
	d->block = 0;
	d->manifest_safe = false;
	d->busy_until = 0;
	d->stall_seen = d->stalled = d->blocks = 0;
}

static const struct vdev_usb_model dfu_ops = {
	.control = dfu_control,
	.detached = dfu_detached,
};

const struct vdev_usb_model *vdev_dfu_model_ops(void)
{
	return &dfu_ops;
}

/* ---- life cycle and inspection ---------------------------------------------------- */

struct vdev_dfu *vdev_dfu_new(struct vdev_device *dev)
{
	struct vdev_dfu *d = g_new0(struct vdev_dfu, 1);
	const struct vdev_platform *p = dev->plat;

	d->dev = dev;
	d->st = strncmp(p->mcu, "stm32", 5) == 0;
	d->transfer_size = p->dfu_transfer_size ? p->dfu_transfer_size : 1024;
	if (d->transfer_size > MAX_TRANSFER)
		d->transfer_size = MAX_TRANSFER;
	d->nalts = (unsigned)(p->ndfu_alt < VDEV_MAX_ALTS ? p->ndfu_alt : VDEV_MAX_ALTS);
	for (unsigned a = 0; a < d->nalts; a++)
		vdev_flash_init(&d->flash[a], p->dfu_alt[a]);
	dfu_detached(d);
	return d;
}

void vdev_dfu_free(struct vdev_dfu *d)
{
	if (!d)
		return;
	for (unsigned a = 0; a < d->nalts; a++)
		vdev_flash_done(&d->flash[a]);
	g_free(d);
}

struct vdev_flash *vdev_dfu_flash(struct vdev_dfu *d, unsigned alt)
{
	return d && alt < d->nalts ? &d->flash[alt] : NULL;
}

unsigned vdev_dfu_alts(const struct vdev_dfu *d)
{
	return d ? d->nalts : 0;
}

void vdev_dfu_get_state(const struct vdev_dfu *d, uint8_t *state, uint8_t *status,
			uint32_t *address)
{
	if (state)
		*state = d->state;
	if (status)
		*status = d->status;
	if (address)
		*address = d->address;
}
