/* vdev_ctrl.h - the normal-mode Particle control-request model (a struct
 * vdev_usb_model for the VDEV_USB_NORMAL slot), after Device OS
 * system/src/usb_control_request_channel.cpp (protocols.md 3.2-3.6):
 *
 *  - raw 'P' vendor requests: IN 20 device ID (upper-case hex), IN 30 Device
 *    OS version, OUT 40 immediate reset (never answered: the device is gone),
 *    OUT 302 cloud disconnect;
 *  - the framed service protocol, bRequest 1..5 = INIT/CHECK/SEND/RECV/RESET,
 *    with a pool of active requests (BUSY beyond it), payloads up to the
 *    pooled size accepted at INIT, larger ones PENDING while "allocated",
 *    CHECK answering PENDING for a configurable number of polls, RECV/SEND
 *    in any chunk sizes the host picks, RESET(id / 0 = all);
 *  - the request types of vdev_ctrl_requests.c.
 * Replies are encoded with the test side's own vdev_pb.c.
 * Quirks from devices.json: "control-out-needs-data" (an OUT vendor request
 * without a data stage never completes), "no-control-requests" (every
 * Particle vendor request stalls).
 * All functions run with the bed lock held (hooks) unless noted. */
#ifndef VDEV_CTRL_H
#define VDEV_CTRL_H

#include <glib.h>

#include "vdev_internal.h"

struct vdev_ctrl_model;

/* New model for dev with o copied (NULL: defaults).  Not installed. */
struct vdev_ctrl_model *vdev_ctrl_new(struct vdev_device *dev, const struct vdev_ctrl_opts *o);
void vdev_ctrl_free(struct vdev_ctrl_model *c);
/* The hook table to install with vdev_device_set_usb_model(). */
const struct vdev_usb_model *vdev_ctrl_model_ops(void);
/* Log text (see vdev_device_ctrl_log) and active request count. */
size_t vdev_ctrl_log_copy(const struct vdev_ctrl_model *c, char *buf, size_t len);
unsigned vdev_ctrl_active(const struct vdev_ctrl_model *c);

/* ---- request types (vdev_ctrl_requests.c) ---- */

/* What the device does once a request has finished (the host read its
 * result, or cancelled it): Device OS resets 1 s later. */
enum vdev_ctrl_action {
	VDEV_CTRL_ACT_NONE,
	VDEV_CTRL_ACT_RESET,      /* 40, 41: reset into normal mode */
	VDEV_CTRL_ACT_DFU,        /* 50: reset into DFU mode */
	VDEV_CTRL_ACT_SAFE,       /* 60: reset into safe mode */
};

/* Result codes (i32) used by the model. */
#define VDEV_RESULT_OK 0
#define VDEV_RESULT_NOT_SUPPORTED (-120)
#define VDEV_RESULT_NOT_FOUND (-170)
#define VDEV_RESULT_INVALID_ARGUMENT (-270)
#define VDEV_RESULT_BAD_DATA (-280)

/* Processes request type with its payload: appends the reply payload to
 * reply, sets *action, returns the result code. */
int32_t vdev_ctrl_process(struct vdev_device *dev, const struct vdev_ctrl_opts *o, uint16_t type,
			  const uint8_t *payload, size_t len, GByteArray *reply,
			  enum vdev_ctrl_action *action);

#endif
