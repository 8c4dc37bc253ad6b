/* dfu_dfuse.c - DfuSe commands and polling (see dfu_dfuse.h). */
#include "dfu/dfu_dfuse.h"

#include <stdio.h>
#include <string.h>

int bd_dfuse_status_code(int s)
{
	switch (s) {
	case BD_DFU_STATUS_OK: return 0;
	case BD_DFU_STATUS_VENDOR: return BD_E_ACCESS;
	case BD_DFU_STATUS_ADDRESS:
	case BD_DFU_STATUS_TARGET: return BD_E_RANGE;
	case BD_DFU_STATUS_VERIFY: return BD_E_VERIFY;
	default: return BD_E_DEVICE;
	}
}

static bool bd_dfuse_busy(uint8_t state)
{
	return state == BD_DFU_STATE_DNLOAD_SYNC || state == BD_DFU_STATE_DNBUSY ||
	       state == BD_DFU_STATE_MANIFEST_SYNC;
}

int bd_dfuse_poll(const struct bd_dfu *d, const char *what, int64_t budget_ms,
		  struct bd_dfu_status *st, struct bd_error *err)
{
	struct bd_deadline until = bd_deadline_in(budget_ms);
	if (d->op)
		until = bd_deadline_min(until, d->op->deadline);
	int64_t started = bd_now_ms();
	uint32_t asked = 0;
	for (;;) {
		int rc = bd_dfu_get_status(d, st, err);
		if (rc < 0) {
			bd_usb_err_prefix(err, "%s", what);
			return rc;
		}
		if (st->status != BD_DFU_STATUS_OK) {
			int code = bd_dfuse_status_code(st->status);
			bd_error_set(err, code, "%s: %s; the device is now in %s", what,
				     bd_dfu_status_text(st->status), bd_dfu_state_name(st->state));
			if (code == BD_E_ACCESS)
				bd_error_hint(err, "A device with Device Protection refuses DFU "
						   "writes and reads; see the Particle console "
						   "(service mode).");
			return code;
		}
		if (!bd_dfuse_busy(st->state))
			return 0;
		if (st->poll_timeout_ms > asked)
			asked = st->poll_timeout_ms;
		int64_t left = bd_deadline_left_ms(until);
		if (left <= 0 || bd_op_cancelled(d->op))
			break;
		/* The device says how long to leave it alone.  A wait longer
		 * than what is left of the step's budget cannot end well:
		 * say so now instead of sleeping into the deadline. */
		if ((int64_t)st->poll_timeout_ms > left) {
			bd_error_set(err, BD_E_TIMEOUT,
				     "%s: the device (%s) asks to wait %u ms before the next status "
				     "request, more than the %lld ms left for this step",
				     what, bd_dfu_state_name(st->state),
				     (unsigned)st->poll_timeout_ms, (long long)left);
			return BD_E_TIMEOUT;
		}
		bd_usb_xfer_sleep(d->x, st->poll_timeout_ms);
		if (bd_deadline_passed(until))
			break;
	}
	if (bd_op_cancelled(d->op))
		return bd_error_set(err, BD_E_CANCELLED, "%s: cancelled while the device was busy",
				    what);
	bd_error_set(err, BD_E_TIMEOUT, "%s: the device was still busy (%s) after %.1f s; it "
					"asked to wait %u ms between polls",
		     what, bd_dfu_state_name(st->state), (double)(bd_now_ms() - started) / 1000.0,
		     (unsigned)asked);
	return BD_E_TIMEOUT;
}

int bd_dfuse_go_idle(const struct bd_dfu *d, bool accept_dnload_idle, struct bd_error *err)
{
	struct bd_dfu_status st;
	for (int round = 0; round < 3; round++) {
		int rc = bd_dfu_get_status(d, &st, err);
		if (rc < 0)
			return rc;
		switch (st.state) {
		case BD_DFU_STATE_IDLE:
			return 0;
		case BD_DFU_STATE_DNLOAD_IDLE:
			if (accept_dnload_idle)
				return 0;
			rc = bd_dfu_abort(d, err);
			break;
		case BD_DFU_STATE_APP_IDLE:
		case BD_DFU_STATE_APP_DETACH:
			return bd_error_set(err, BD_E_STATE, "the device runs its firmware (%s), it "
							     "is not in DFU mode",
					    bd_dfu_state_name(st.state));
		case BD_DFU_STATE_ERROR:
			rc = bd_dfu_clr_status(d, err);
			break;
		default:
			rc = bd_dfu_abort(d, err);
			break;
		}
		if (rc < 0)
			return rc;
	}
	return bd_error_set(err, BD_E_STATE, "the device stays in %s and does not go idle",
			    bd_dfu_state_name(st.state));
}

int bd_dfuse_get_commands(const struct bd_dfu *d, uint8_t *out, size_t cap, struct bd_error *err)
{
	uint8_t buf[32];
	int rc = bd_dfu_upload(d, 0, buf, sizeof buf, err);
	if (rc < 0)
		return rc;
	/* The upload ends in dfuUPLOAD-IDLE on some bootloaders. */
	struct bd_error ignore = {0};
	bd_dfuse_go_idle(d, false, &ignore);
	size_t n = (size_t)rc < cap ? (size_t)rc : cap;
	memcpy(out, buf, n);
	return (int)n;
}

/* A special command: DNLOAD block 0 with cmd [+ address], then poll.  A
 * stall (the bootloader was not ready) is cleared and retried twice, as
 * particle-usb does for these commands only. */
static int bd_dfuse_command(const struct bd_dfu *d, uint8_t cmd, const uint32_t *addr,
			    const char *what, int64_t budget_ms, struct bd_error *err)
{
	uint8_t buf[5] = {cmd};
	size_t len = 1;
	if (addr) {
		buf[1] = (uint8_t)*addr;
		buf[2] = (uint8_t)(*addr >> 8);
		buf[3] = (uint8_t)(*addr >> 16);
		buf[4] = (uint8_t)(*addr >> 24);
		len = 5;
	}
	int rc = 0;
	for (int attempt = 0; attempt < 3; attempt++) {
		rc = bd_dfu_dnload(d, 0, buf, len, err);
		if (rc != BD_E_STALL)
			break;
		struct bd_error ignore = {0};
		bd_usb_xfer_sleep(d->x, 250);
		bd_dfuse_go_idle(d, false, &ignore);
	}
	if (rc < 0) {
		bd_usb_err_prefix(err, "%s", what);
		return rc;
	}
	struct bd_dfu_status st;
	return bd_dfuse_poll(d, what, budget_ms, &st, err);
}

int bd_dfuse_set_address(const struct bd_dfu *d, uint32_t addr, struct bd_error *err)
{
	char what[64];
	snprintf(what, sizeof what, "setting the address to 0x%08x", (unsigned)addr);
	return bd_dfuse_command(d, BD_DFUSE_CMD_SET_ADDRESS, &addr, what,
				BD_DFUSE_COMMAND_BUDGET_MS, err);
}

int bd_dfuse_erase_page(const struct bd_dfu *d, uint32_t addr, struct bd_error *err)
{
	char what[64];
	snprintf(what, sizeof what, "erasing the sector at 0x%08x", (unsigned)addr);
	return bd_dfuse_command(d, BD_DFUSE_CMD_ERASE, &addr, what, BD_DFUSE_ERASE_BUDGET_MS, err);
}

int bd_dfuse_enter_safe_mode(const struct bd_dfu *d, struct bd_error *err)
{
	uint8_t cmd = BD_DFUSE_CMD_ENTER_SAFE_MODE;
	int rc = bd_dfu_dnload(d, 0, &cmd, 1, err);
	if (rc < 0)
		return rc;
	struct bd_dfu_status st;
	struct bd_error e = {0};
	struct bd_deadline until = bd_deadline_in(BD_DFUSE_COMMAND_BUDGET_MS);
	while ((rc = bd_dfu_get_status(d, &st, &e)) == 0 && bd_dfuse_busy(st.state) &&
	       st.status == BD_DFU_STATUS_OK && !bd_deadline_passed(until))
		bd_usb_xfer_sleep(d->x, bd_dfu_poll_wait(st.poll_timeout_ms, until));
	/* The bootloader resets right away; losing it here is success. */
	if (rc == BD_E_DISCONNECTED || rc == BD_E_IO || rc == BD_E_TIMEOUT || rc == BD_E_STALL)
		return 0;
	if (rc < 0) {
		if (err)
			*err = e;
		return rc;
	}
	if (st.status != BD_DFU_STATUS_OK)
		return bd_error_set(err, bd_dfuse_status_code(st.status),
				    "starting safe mode from DFU: %s (state %s)",
				    bd_dfu_status_text(st.status), bd_dfu_state_name(st.state));
	return 0;
}
