/* dfu_proto.h - USB DFU 1.1 class requests, one small function each
 * (protocols.md §4.3), over a struct bd_usb_xfer.  No libusb here: the USB
 * backend supplies the transfer function, tests a fake device.
 *
 * Every transfer uses at least BD_DFU_TIMEOUT_MS (GETSTATUS right after an
 * erase blocks on Gen 3 and rtl872x: they do the work inside the request),
 * cut to the operation's deadline.
 */
#ifndef BD_DFU_PROTO_H
#define BD_DFU_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "transport.h"
#include "usb/usb_xfer.h"

#define BD_DFU_TIMEOUT_MS 5000

enum bd_dfu_request {
	BD_DFU_DETACH = 0,
	BD_DFU_DNLOAD = 1,
	BD_DFU_UPLOAD = 2,
	BD_DFU_GETSTATUS = 3,
	BD_DFU_CLRSTATUS = 4,
	BD_DFU_GETSTATE = 5,
	BD_DFU_ABORT = 6,
};

#define BD_DFU_STATE_TABLE(X)                                \
	X(APP_IDLE, 0, "appIDLE")                            \
	X(APP_DETACH, 1, "appDETACH")                        \
	X(IDLE, 2, "dfuIDLE")                                \
	X(DNLOAD_SYNC, 3, "dfuDNLOAD-SYNC")                  \
	X(DNBUSY, 4, "dfuDNBUSY")                            \
	X(DNLOAD_IDLE, 5, "dfuDNLOAD-IDLE")                  \
	X(MANIFEST_SYNC, 6, "dfuMANIFEST-SYNC")              \
	X(MANIFEST, 7, "dfuMANIFEST")                        \
	X(MANIFEST_WAIT_RESET, 8, "dfuMANIFEST-WAIT-RESET")  \
	X(UPLOAD_IDLE, 9, "dfuUPLOAD-IDLE")                  \
	X(ERROR, 10, "dfuERROR")

enum bd_dfu_state {
#define BD_X(name, v, text) BD_DFU_STATE_##name = v,
	BD_DFU_STATE_TABLE(BD_X)
#undef BD_X
};

#define BD_DFU_STATUS_TABLE(X)                                                          \
	X(OK, 0, "no error")                                                            \
	X(TARGET, 1, "the file is not for this memory (errTARGET)")                     \
	X(FILE, 2, "the device rejected the file (errFILE)")                            \
	X(WRITE, 3, "the device could not write the memory (errWRITE)")                 \
	X(ERASE, 4, "the memory erase failed (errERASE)")                               \
	X(CHECK_ERASED, 5, "the memory was not blank after the erase (errCHECK_ERASED)")\
	X(PROG, 6, "programming the memory failed (errPROG)")                           \
	X(VERIFY, 7, "the device's own check of the written memory failed (errVERIFY)") \
	X(ADDRESS, 8, "the address is outside the device's memory (errADDRESS)")        \
	X(NOTDONE, 9, "the download ended too early (errNOTDONE)")                      \
	X(FIRMWARE, 10, "the device's firmware is corrupt (errFIRMWARE)")               \
	X(VENDOR, 11, "the device refused for its own reason (errVENDOR; Device "      \
		       "Protection?)")                                                   \
	X(USBR, 12, "the device saw an unexpected USB reset (errUSBR)")                 \
	X(POR, 13, "the device saw an unexpected power-on reset (errPOR)")              \
	X(UNKNOWN, 14, "the device reported an unknown error (errUNKNOWN)")             \
	X(STALLEDPKT, 15, "the device did not expect that request (errSTALLEDPKT)")

enum bd_dfu_status_code {
#define BD_X(name, v, text) BD_DFU_STATUS_##name = v,
	BD_DFU_STATUS_TABLE(BD_X)
#undef BD_X
};

/* "dfuDNBUSY"; "unknown state" outside the table.  Never NULL. */
const char *bd_dfu_state_name(int state);
/* The table's text; never NULL. */
const char *bd_dfu_status_text(int status);

/* The 6-byte GETSTATUS reply. */
struct bd_dfu_status {
	uint8_t status;           /* enum bd_dfu_status_code */
	uint32_t poll_timeout_ms; /* bwPollTimeout: wait this long before the next request */
	uint8_t state;            /* enum bd_dfu_state */
	uint8_t istring;
};

/* Parses a GETSTATUS reply (pure).  BD_E_PROTOCOL when shorter than 6. */
int bd_dfu_parse_status(const uint8_t *buf, size_t len, struct bd_dfu_status *out,
			struct bd_error *err);

/* One DFU interface of an open device. */
struct bd_dfu {
	const struct bd_usb_xfer *x;
	uint16_t iface;          /* wIndex of every request (0 on Particle devices) */
	uint16_t transfer_size;  /* wTransferSize of the functional descriptor */
	struct bd_op *op;        /* deadline / cancel for every transfer (may be NULL) */
};

/* Each returns bytes transferred (>= 0) or a BD_E_* code with err saying
 * which request failed and how. */
int bd_dfu_detach(const struct bd_dfu *d, uint16_t timeout_ms, struct bd_error *err);
int bd_dfu_dnload(const struct bd_dfu *d, uint16_t block, const uint8_t *data, size_t len,
		  struct bd_error *err);
int bd_dfu_upload(const struct bd_dfu *d, uint16_t block, uint8_t *buf, size_t len,
		  struct bd_error *err);
int bd_dfu_get_status(const struct bd_dfu *d, struct bd_dfu_status *out, struct bd_error *err);
int bd_dfu_clr_status(const struct bd_dfu *d, struct bd_error *err);
int bd_dfu_get_state(const struct bd_dfu *d, uint8_t *state, struct bd_error *err);
int bd_dfu_abort(const struct bd_dfu *d, struct bd_error *err);

#endif
