/* dfu_dfuse.h - ST's DfuSe extensions as Particle bootloaders speak them
 * (protocols.md §4.3, §4.4): special commands sent as DNLOAD block 0, the
 * GETSTATUS polling that follows every DNLOAD (honouring bwPollTimeout,
 * with a deadline), and "go idle".  One small function per command.
 */
#ifndef BD_DFU_DFUSE_H
#define BD_DFU_DFUSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dfu/dfu_proto.h"

#define BD_DFUSE_CMD_GET_COMMANDS 0x00u
#define BD_DFUSE_CMD_SET_ADDRESS 0x21u
#define BD_DFUSE_CMD_ERASE 0x41u
#define BD_DFUSE_CMD_READ_UNPROTECT 0x92u
#define BD_DFUSE_CMD_ENTER_SAFE_MODE 0xFAu   /* Particle extension */
#define BD_DFUSE_CMD_CLEAR_SECURITY 0xFBu    /* Particle extension */

/* How long the device may stay busy after each kind of DNLOAD. Gen 2
 * (STM32F2) erases of 128 KB sectors take seconds. */
#define BD_DFUSE_ERASE_BUDGET_MS 30000
#define BD_DFUSE_WRITE_BUDGET_MS 10000
#define BD_DFUSE_COMMAND_BUDGET_MS 5000

/* GETSTATUS until the device leaves the busy states (dfuDNLOAD-SYNC,
 * dfuDNBUSY, dfuMANIFEST-SYNC), sleeping the bwPollTimeout it asks for
 * between polls - but never past budget_ms nor d->op's deadline.  *st holds
 * the last status.  Returns 0 when the status is OK; BD_E_TIMEOUT when it
 * stayed busy (err says how long and what it asked for); for an error
 * status a code from bd_dfuse_status_code() with err naming what (e.g.
 * "erasing the sector at 0x080a0000") and the DFU status text. */
int bd_dfuse_poll(const struct bd_dfu *d, const char *what, int64_t budget_ms,
		  struct bd_dfu_status *st, struct bd_error *err);

/* How long to sleep before the next GETSTATUS where a loop polls by itself
 * (leaving DFU, safe mode from DFU): the bwPollTimeout the device asked
 * for, but never past `until`. */
static inline unsigned bd_dfu_poll_wait(uint32_t asked_ms, struct bd_deadline until)
{
	int64_t left = bd_deadline_left_ms(until);
	if (left <= 0)
		return 0;
	return (int64_t)asked_ms < left ? (unsigned)asked_ms : (unsigned)left;
}

/* errVENDOR -> BD_E_ACCESS (Device Protection), errADDRESS/errTARGET ->
 * BD_E_RANGE, errVERIFY -> BD_E_VERIFY, other errors -> BD_E_DEVICE. */
int bd_dfuse_status_code(int dfu_status);

/* Brings the interface to dfuIDLE: CLRSTATUS from dfuERROR, ABORT from the
 * other DFU states.  With accept_dnload_idle, dfuDNLOAD-IDLE counts as idle
 * (leaving after a download).  BD_E_STATE when the device is in appIDLE
 * (runtime mode, not DFU). */
int bd_dfuse_go_idle(const struct bd_dfu *d, bool accept_dnload_idle, struct bd_error *err);

/* GET_COMMANDS (UPLOAD block 0): the command bytes the bootloader supports
 * into out[cap]; returns how many (>= 0). */
int bd_dfuse_get_commands(const struct bd_dfu *d, uint8_t *out, size_t cap,
			  struct bd_error *err);
/* SET_ADDRESS_POINTER addr, then poll. */
int bd_dfuse_set_address(const struct bd_dfu *d, uint32_t addr, struct bd_error *err);
/* ERASE the sector (page) holding addr, then poll (BD_DFUSE_ERASE_BUDGET_MS). */
int bd_dfuse_erase_page(const struct bd_dfu *d, uint32_t addr, struct bd_error *err);
/* Sends the single-byte Particle command 0xFA (restart in safe mode) and
 * polls once; the device then resets, so I/O errors after it are normal. */
int bd_dfuse_enter_safe_mode(const struct bd_dfu *d, struct bd_error *err);

#endif
