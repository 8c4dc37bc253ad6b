/* dfu_image.c - erase/write/verify, read, leave, safe mode (see dfu_image.h). */
#include "dfu/dfu_image.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Adds "what, where" context in front of an error set by a lower layer. */
static int bd_dfu_ctx(struct bd_error *err, int rc, const char *what, unsigned long a)
{
	bd_usb_err_prefix(err, "%s at 0x%08lx", what, a);
	return rc;
}

static int bd_dfu_erase_range(struct bd_dfu_target *t, uint32_t addr, size_t len,
			      struct bd_op *op, struct bd_error *err)
{
	int n = bd_dfuse_erase_sectors(t->layout, addr, len, NULL, 0, err);
	if (n < 0)
		return n;
	uint32_t *sectors = calloc(n ? (size_t)n : 1, sizeof *sectors);
	if (!sectors)
		return bd_error_set(err, BD_E_NOMEM, "out of memory planning the erase");
	bd_dfuse_erase_sectors(t->layout, addr, len, sectors, (size_t)n, err);
	bd_op_logf(op, "dfu: erasing %d sector(s) from 0x%08x", n, n ? (unsigned)sectors[0] : 0u);
	int rc = 0;
	for (int i = 0; i < n && rc == 0; i++) {
		bd_op_progress(op, "erase", (uint64_t)i, (uint64_t)n);
		rc = bd_dfuse_erase_page(&t->dfu, sectors[i], err);
	}
	if (rc == 0)
		bd_op_progress(op, "erase", (uint64_t)n, (uint64_t)n);
	free(sectors);
	return rc;
}

static int bd_dfu_download(struct bd_dfu_target *t, const uint8_t *data, size_t len,
			   uint32_t addr, struct bd_op *op, struct bd_error *err)
{
	size_t ts = t->dfu.transfer_size;
	size_t off = 0;
	bd_op_progress(op, "write", 0, len); /* starts the phase's clock */
	while (off < len) {
		/* Block numbers run 2..0xFFFF; re-base the pointer before they
		 * would wrap (an image of 256 MB at 4 KB blocks). */
		uint32_t base = addr + (uint32_t)off;
		int rc = bd_dfuse_set_address(&t->dfu, base, err);
		if (rc < 0)
			return rc;
		for (uint32_t block = 2; block <= 0xFFFF && off < len; block++) {
			size_t n = len - off < ts ? len - off : ts;
			rc = bd_dfu_dnload(&t->dfu, (uint16_t)block, data + off, n, err);
			if (rc >= 0 && (size_t)rc != n)
				rc = bd_error_set(err, BD_E_PROTOCOL, "the device took %d of %zu bytes",
						  rc, n);
			if (rc < 0)
				return bd_dfu_ctx(err, rc, "writing",
						  (unsigned long)(addr + off));
			struct bd_dfu_status st;
			char what[64];
			snprintf(what, sizeof what, "writing at 0x%08lx", (unsigned long)(addr + off));
			rc = bd_dfuse_poll(&t->dfu, what, BD_DFUSE_WRITE_BUDGET_MS, &st, err);
			if (rc < 0)
				return rc;
			off += n;
			bd_op_progress(op, "write", off, len);
		}
	}
	return 0;
}

/* Uploads [addr, addr+len) into buf; phase names the progress. */
static int bd_dfu_upload_range(struct bd_dfu_target *t, uint32_t addr, uint8_t *buf, size_t len,
			       const char *phase, struct bd_op *op, struct bd_error *err)
{
	size_t ts = t->dfu.transfer_size;
	size_t off = 0;
	bd_op_progress(op, phase, 0, len); /* starts the phase's clock */
	while (off < len) {
		uint32_t base = addr + (uint32_t)off;
		int rc = bd_dfuse_set_address(&t->dfu, base, err);
		if (rc < 0)
			return rc;
		/* SET_ADDRESS leaves dfuDNLOAD-IDLE; UPLOAD starts from idle. */
		if ((rc = bd_dfu_abort(&t->dfu, err)) < 0)
			return rc;
		for (uint32_t block = 2; block <= 0xFFFF && off < len; block++) {
			size_t n = len - off < ts ? len - off : ts;
			rc = bd_dfu_upload(&t->dfu, (uint16_t)block, buf + off, n, err);
			if (rc < 0)
				return bd_dfu_ctx(err, rc, "reading",
						  (unsigned long)(addr + off));
			if ((size_t)rc != n)
				return bd_error_set(err, BD_E_PROTOCOL,
						    "reading at 0x%08lx: the device sent %d of %zu "
						    "bytes and ended the upload",
						    (unsigned long)(addr + off), rc, n);
			off += n;
			bd_op_progress(op, phase, off, len);
		}
		if ((rc = bd_dfu_abort(&t->dfu, err)) < 0)
			return rc;
	}
	return 0;
}

static int bd_dfu_check_readable(const struct bd_dfuse_layout *l, uint32_t addr, size_t len,
				 struct bd_error *err)
{
	uint64_t a = addr, end = (uint64_t)addr + len;
	while (a < end) {
		const struct bd_dfuse_segment *s = bd_dfuse_segment_at(l, a);
		if (!s)
			return bd_error_set(err, BD_E_RANGE, "0x%08llx is outside the device's %s "
							     "memory map",
					    (unsigned long long)a, l->name);
		if (!s->readable)
			return bd_error_set(err, BD_E_ACCESS, "0x%08llx of %s cannot be read (%s)",
					    (unsigned long long)a, l->name,
					    bd_dfuse_props_text(s->props));
		a = s->end;
	}
	return 0;
}

int bd_dfu_write_image(struct bd_dfu_target *t, const uint8_t *data, size_t len, uint32_t addr,
		       bool verify, struct bd_op *op, struct bd_error *err)
{
	t->dfu.op = op;
	if (!t->dfu.transfer_size)
		return bd_error_set(err, BD_E_INVALID, "the DFU interface reports a transfer size "
						       "of 0");
	int rc = bd_dfuse_check_writable(t->layout, addr, len, NULL, NULL, err);
	if (rc < 0)
		return rc;
	if ((rc = bd_dfuse_go_idle(&t->dfu, false, err)) < 0)
		return rc;
	if ((rc = bd_dfu_erase_range(t, addr, len, op, err)) < 0)
		return rc;
	bd_op_logf(op, "dfu: writing %zu bytes at 0x%08x in %u-byte blocks", len, (unsigned)addr,
		   (unsigned)t->dfu.transfer_size);
	if ((rc = bd_dfu_download(t, data, len, addr, op, err)) < 0)
		return rc;
	if ((rc = bd_dfuse_go_idle(&t->dfu, false, err)) < 0)
		return rc;
	if (!verify)
		return 0;
	if (bd_dfu_check_readable(t->layout, addr, len, NULL) < 0) {
		bd_op_logf(op, "dfu: the written range cannot be read back, so it is not verified");
		return 0;
	}
	uint8_t *back = malloc(len ? len : 1);
	if (!back)
		return bd_error_set(err, BD_E_NOMEM, "out of memory for the read-back");
	bd_op_logf(op, "dfu: reading back %zu bytes to verify", len);
	rc = bd_dfu_upload_range(t, addr, back, len, "verify", op, err);
	if (rc == 0) {
		for (size_t i = 0; i < len; i++)
			if (back[i] != data[i]) {
				rc = bd_error_set(err, BD_E_VERIFY,
						  "verification failed: the byte at 0x%08lx reads "
						  "0x%02x, 0x%02x was written",
						  (unsigned long)(addr + i), back[i], data[i]);
				break;
			}
	}
	free(back);
	if (rc == 0)
		bd_op_logf(op, "dfu: verified %zu bytes", len);
	return rc;
}

int bd_dfu_read_image(struct bd_dfu_target *t, uint32_t addr, uint8_t *buf, size_t len,
		      struct bd_op *op, struct bd_error *err)
{
	t->dfu.op = op;
	if (!t->dfu.transfer_size)
		return bd_error_set(err, BD_E_INVALID, "the DFU interface reports a transfer size "
						       "of 0");
	int rc = bd_dfu_check_readable(t->layout, addr, len, err);
	if (rc < 0)
		return rc;
	if ((rc = bd_dfuse_go_idle(&t->dfu, false, err)) < 0)
		return rc;
	return bd_dfu_upload_range(t, addr, buf, len, "read", op, err);
}

static bool bd_dfu_gone(int rc)
{
	return rc == BD_E_DISCONNECTED || rc == BD_E_IO || rc == BD_E_TIMEOUT || rc == BD_E_STALL;
}

int bd_dfu_leave(struct bd_dfu_target *t, struct bd_op *op, struct bd_error *err)
{
	t->dfu.op = op;
	int rc = bd_dfuse_go_idle(&t->dfu, true, err);
	if (rc < 0)
		return rc;
	rc = bd_dfu_dnload(&t->dfu, 2, NULL, 0, err);
	if (rc < 0)
		return bd_dfu_gone(rc) ? 0 : rc;
	struct bd_dfu_status st;
	struct bd_error e = {0};
	struct bd_deadline until = bd_deadline_in(BD_DFUSE_COMMAND_BUDGET_MS);
	if (op)
		until = bd_deadline_min(until, op->deadline);
	/* Some bootloaders pass through dfuDNBUSY first; wait that out. */
	while ((rc = bd_dfu_get_status(&t->dfu, &st, &e)) == 0 &&
	       (st.state == BD_DFU_STATE_DNBUSY || st.state == BD_DFU_STATE_DNLOAD_SYNC) &&
	       st.status == BD_DFU_STATUS_OK && !bd_deadline_passed(until))
		bd_usb_xfer_sleep(t->dfu.x, bd_dfu_poll_wait(st.poll_timeout_ms, until));
	if (rc < 0) {
		if (bd_dfu_gone(rc)) {
			bd_op_logf(op, "dfu: the device dropped off USB while leaving DFU (normal: "
				       "it restarts)");
			return 0;
		}
		if (err)
			*err = e;
		return rc;
	}
	if (st.status != BD_DFU_STATUS_OK)
		return bd_error_set(err, bd_dfuse_status_code(st.status),
				    "leaving DFU mode: %s (state %s)", bd_dfu_status_text(st.status),
				    bd_dfu_state_name(st.state));
	switch (st.state) {
	case BD_DFU_STATE_MANIFEST:
	case BD_DFU_STATE_MANIFEST_SYNC:
	case BD_DFU_STATE_MANIFEST_WAIT_RESET:
		bd_op_logf(op, "dfu: leaving DFU mode (%s); the device restarts",
			   bd_dfu_state_name(st.state));
		return 0;
	case BD_DFU_STATE_DNLOAD_IDLE:
		/* Gen 2 bootloaders answer this instead of dfuMANIFEST. */
		bd_op_logf(op, "dfu: leaving DFU mode (%s%s); the device restarts",
			   bd_dfu_state_name(st.state),
			   (t->quirks & BD_QUIRK_MANIFEST_AS_IDLE) ? ", as Gen 2 bootloaders say"
								  : "");
		return 0;
	default:
		return bd_error_set(err, BD_E_PROTOCOL,
				    "leaving DFU mode: the device went to %s instead of manifesting",
				    bd_dfu_state_name(st.state));
	}
}

int bd_dfu_safe_mode(struct bd_dfu_target *t, struct bd_op *op, struct bd_error *err)
{
	t->dfu.op = op;
	int rc = bd_dfuse_go_idle(&t->dfu, false, err);
	if (rc < 0)
		return rc;
	uint8_t cmds[32];
	int n = bd_dfuse_get_commands(&t->dfu, cmds, sizeof cmds, err);
	if (n < 0)
		return n;
	if (!memchr(cmds, BD_DFUSE_CMD_ENTER_SAFE_MODE, (size_t)n))
		return bd_error_set(err, BD_E_NOT_SUPPORTED,
				    "this bootloader cannot start safe mode from DFU (its DfuSe "
				    "commands do not include 0xFA)");
	if ((rc = bd_dfuse_go_idle(&t->dfu, false, err)) < 0)
		return rc;
	bd_op_logf(op, "dfu: sent the safe-mode command (0xFA)");
	return bd_dfuse_enter_safe_mode(&t->dfu, err);
}
