/* fake_dfuse.h - an in-memory DfuSe device behind a struct bd_usb_xfer, for
 * unit tests of transports/dfu (no USB, no umockdev).  It keeps DFU 1.1
 * states, ST's address rule ((block - 2) * wTransferSize + pointer), NOR
 * flash semantics (a write ANDs into what is there, so writing without an
 * erase corrupts) and counts what happened.  Test code only. */
#ifndef BD_TEST_FAKE_DFUSE_H
#define BD_TEST_FAKE_DFUSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dfu/dfuse_layout.h"
#include "usb/usb_xfer.h"

struct fake_dfuse {
	struct bd_dfuse_layout layout;
	uint8_t *mem;           /* layout.seg[0].start .. last end */
	uint64_t base, size;
	uint16_t transfer_size;
	bool gen2;              /* answers dfuDNLOAD-IDLE instead of dfuMANIFEST on leave */
	uint8_t state, status;
	uint32_t ptr;
	uint32_t poll_ms;       /* bwPollTimeout reported while busy */
	int busy_polls;         /* GETSTATUS answers left before a pending op is done */
	int pending;            /* 0 none, 1 command, 2 data, 3 manifest */
	uint8_t cmd[5];
	size_t cmd_len;
	uint16_t block;
	uint8_t data[4096];
	size_t data_len;
	/* what happened */
	unsigned requests, erases, writes, uploads, stalls;
	bool left, safe_mode;
	/* faults */
	int stall_cmd;          /* DfuSe command byte that stalls (-1: none) */
	unsigned stall_times;   /* how many times (then it works) */
	bool err_write; uint32_t err_write_addr;
	bool err_erase; uint32_t err_erase_addr;
	bool forever_busy;      /* never leaves dfuDNBUSY */
	unsigned unplug_after_blocks; /* 0: never */
	bool gone;
};

/* Sets up a device with alt 0 described by desc (a DfuSe string), memory
 * erased (0xFF).  Returns 0 or -1. */
int fake_dfuse_init(struct fake_dfuse *f, const char *desc, uint16_t transfer_size);
void fake_dfuse_free(struct fake_dfuse *f);
/* A transfer function for it (sleeps for real, which the deadlines need). */
struct bd_usb_xfer fake_dfuse_xfer(struct fake_dfuse *f);
/* Pointer to the memory at addr (NULL outside). */
uint8_t *fake_dfuse_at(struct fake_dfuse *f, uint32_t addr);

#endif
