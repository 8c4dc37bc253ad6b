/* dfu_image.h - whole operations on a DfuSe memory (one alt setting):
 * write an image (erase the sectors it covers, download in wTransferSize
 * blocks, read back and compare), read a range (upload, for backups),
 * leave DFU (manifest) and restart in safe mode from DFU.
 *
 * The caller has opened the device, claimed the interface, selected the
 * alt setting and parsed its memory descriptor (layout).  Progress goes to
 * op->progress as ("erase" | "write" | "verify" | "read", done, total).
 */
#ifndef BD_DFU_IMAGE_H
#define BD_DFU_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dfu/dfu_dfuse.h"
#include "dfu/dfuse_layout.h"

struct bd_dfu_target {
	struct bd_dfu dfu;                    /* dfu.op is set by each call from op */
	const struct bd_dfuse_layout *layout; /* memory of the selected alt */
	unsigned quirks;                      /* BD_QUIRK_* of the platform */
};

/* Writes data[0..len) at addr: refuses (before any request) what is not
 * inside writable segments; goes idle; erases every erasable sector the
 * range touches; sets the address once and downloads blocks 2, 3, ...
 * (address = (block - 2) * wTransferSize + pointer, ST's rule); with verify
 * reads everything back and compares (BD_E_VERIFY names the first differing
 * byte).  Leaves the interface idle, still in DFU.  Returns 0 or a BD_E_*
 * code with err saying which step failed at which address. */
int bd_dfu_write_image(struct bd_dfu_target *t, const uint8_t *data, size_t len, uint32_t addr,
		       bool verify, struct bd_op *op, struct bd_error *err);

/* Reads len bytes at addr into buf (UPLOAD blocks after SET_ADDRESS).
 * BD_E_RANGE / BD_E_ACCESS when the range is not readable in the layout.
 * Returns 0, or BD_E_PROTOCOL when the device ends the upload early. */
int bd_dfu_read_image(struct bd_dfu_target *t, uint32_t addr, uint8_t *buf, size_t len,
		      struct bd_op *op, struct bd_error *err);

/* Leaves DFU: go idle (dfuDNLOAD-IDLE accepted), zero-length DNLOAD, one
 * GETSTATUS.  Accepts dfuMANIFEST* (Gen 3: it then resets by itself) and
 * dfuDNLOAD-IDLE (Gen 2, BD_QUIRK_MANIFEST_AS_IDLE); an I/O error or
 * disconnect after the zero-length DNLOAD means the device is already
 * restarting and counts as success. */
int bd_dfu_leave(struct bd_dfu_target *t, struct bd_op *op, struct bd_error *err);

/* Restarts in safe mode from DFU: checks that GET_COMMANDS offers 0xFA
 * (else BD_E_NOT_SUPPORTED), then sends it. */
int bd_dfu_safe_mode(struct bd_dfu_target *t, struct bd_op *op, struct bd_error *err);

#endif
