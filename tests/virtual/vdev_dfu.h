/* vdev_dfu.h - the DfuSe model of a virtual device's DFU personality (a
 * struct vdev_usb_model for the VDEV_USB_DFU slot): DFU 1.1 with ST's DfuSe
 * extensions as Particle's bootloaders implement them (protocols.md 4.3,
 * 4.6), one flash image per alt setting of devices.json.
 *
 * Two families, chosen by data (devices.json mcu and quirks):
 *  - STM32 (mcu "stm32*": Core, Photon, P1, Electron), after Device OS
 *    platform/MCU/STM32F2xx/STM32_USB_Device_Driver/src/usbd_dfu_core.c:
 *    GET_COMMANDS answers 00 21 41; a request in the wrong state stalls
 *    without changing state; CLRSTATUS outside dfuERROR gives dfuERROR;
 *    GETSTATE always answers; bwPollTimeout 0 for internal flash, 500 ms
 *    after an erase and 1 ms after a write of the DCT alt; leave reports
 *    dfuDNLOAD_IDLE instead of dfuMANIFEST ("manifest-as-idle"), then
 *    dfuMANIFEST_WAIT_RESET, and the device resets.
 *  - Particle's own USB stack (nRF52840, RTL872x), after
 *    bootloader/src/nRF52840/usbd_dfu.cpp: GET_COMMANDS answers 00 21 41 FA
 *    FB; undefined transitions stall and enter dfuERROR (errUNKNOWN);
 *    bwPollTimeout 0; leave reports dfuMANIFEST once, then the device is in
 *    dfuMANIFEST_WAIT_RESET (GETSTATUS stalls) and resets
 *    ("manifest-resets"); 0xFA enters safe mode the same way; string
 *    descriptor 0xFA "sm=o" (Device OS >= 6.1.2).
 * Both: a DNLOAD goes to dfuDNLOAD_SYNC; the GETSTATUS after it answers
 * dfuDNBUSY and the operation runs right after that answer (busy time from
 * struct vdev_timing delays the next request); the GETSTATUS after that
 * answers dfuDNLOAD_IDLE or dfuERROR.  Data blocks go to
 * (wBlockNum - 2) * wTransferSize + address pointer.
 * Sector properties are enforced: writing a sector without the write bit
 * -> errWRITE, erasing one without the erase bit -> errERASE, an address
 * outside the alt's map -> errADDRESS; flash is NOR (a write can only clear
 * bits) in erasable sectors, plain storage in write-only ones ('e').
 * Hooks run with the bed lock held. */
#ifndef VDEV_DFU_H
#define VDEV_DFU_H

#include "vdev_flash.h"
#include "vdev_internal.h"

struct vdev_dfu;

/* New model for dev (whose platform has a DFU mode): erased flash images
 * for every alt string.  Not installed. */
struct vdev_dfu *vdev_dfu_new(struct vdev_device *dev);
void vdev_dfu_free(struct vdev_dfu *d);
const struct vdev_usb_model *vdev_dfu_model_ops(void);
/* Flash image of alt; NULL when there is no such alt. */
struct vdev_flash *vdev_dfu_flash(struct vdev_dfu *d, unsigned alt);
unsigned vdev_dfu_alts(const struct vdev_dfu *d);
void vdev_dfu_get_state(const struct vdev_dfu *d, uint8_t *state, uint8_t *status,
			uint32_t *address);

#endif
