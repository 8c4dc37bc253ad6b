/* backend.h - the contract between the dispatcher (transport.c) and each
 * backend (usb/, serial/).  Not for the engine: it calls transport.h.
 *
 * A backend is an ops table.  Every member may be NULL, meaning "this
 * backend never does that".  A member returns 0 (or a count) on success, a
 * negative BD_E_* code otherwise, and fills err.  BD_E_NOT_SUPPORTED means
 * "not through this route for this device; try the next backend" and is
 * the only code the dispatcher treats as a fall-through besides
 * BD_E_UNAVAILABLE.  No member blocks past op->deadline.
 */
#ifndef BD_BACKEND_H
#define BD_BACKEND_H

#include "transport.h"

struct bd_backend_ops {
	const char *name;  /* "usb", "serial" */
	unsigned route;    /* BD_ROUTE_* this backend provides */

	/* Starts the backend; *state is passed to every other member.
	 * platforms is borrowed for the backend's lifetime. */
	int (*open)(void **state, const struct bd_platforms *platforms, struct bd_error *err);
	void (*close)(void *state);

	/* Appends every Particle device this backend sees (routes set to its
	 * own route). */
	int (*list)(void *state, struct bd_device_list *out, struct bd_error *err);
	/* Blocks until the backend notices a device arriving or leaving
	 * (hotplug), or timeout_ms passes.  Returns 1 on a change, 0 on
	 * timeout.  NULL: the dispatcher polls list() instead. */
	int (*wait_change)(void *state, int timeout_ms);

	int (*identify)(void *state, const struct bd_device *dev, struct bd_identity *out,
			struct bd_op *op, struct bd_error *err);
	int (*inspect)(void *state, const struct bd_device *dev, struct bd_module_table *out,
		       struct bd_op *op, struct bd_error *err);
	int (*mac)(void *state, const struct bd_device *dev, struct bd_mac *out, struct bd_op *op,
		   struct bd_error *err);
	/* Asks the device to change mode and returns once the request was
	 * accepted; the dispatcher waits for the re-enumeration. */
	int (*request_mode)(void *state, const struct bd_device *dev, enum bd_mode mode,
			    struct bd_op *op, struct bd_error *err);
	int (*reset)(void *state, const struct bd_device *dev, struct bd_op *op,
		     struct bd_error *err);
	int (*flash)(void *state, const struct bd_device *dev, const struct bd_flash_request *req,
		     struct bd_op *op, struct bd_error *err);
	int (*read)(void *state, const struct bd_device *dev, int alt, uint32_t address,
		    uint8_t *buf, size_t len, struct bd_op *op, struct bd_error *err);
};

#endif
