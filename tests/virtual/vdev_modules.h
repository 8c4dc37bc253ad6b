/* vdev_modules.h - the JSON a virtual device prints for `s` (system
 * describe, protocols.md 2.5) and `d` (diagnostics). */
#ifndef VDEV_MODULES_H
#define VDEV_MODULES_H

#include "vdev.h"

struct vdev_describe_keys {
	const char *imei, *iccid, *cellfw; /* NULL or "": left out */
};

/* Module version of a Device OS version: 5.9.0 -> 5900, 6.2.0 -> 6200. */
int vdev_modules_system_version(const char *os_version);

/* `s` JSON for platform p running os_version: {"p":..,[cellular keys,]"m":[..]}
 * compact, key order as Device OS writes it.  Returns a malloc'd string
 * (caller frees) or NULL on allocation failure. */
char *vdev_modules_describe(const struct vdev_platform *p, const char *os_version,
			    enum vdev_modules kind, const struct vdev_describe_keys *keys);

/* `d` JSON: diagnostic sources, name -> number or {"err":N}.  malloc'd. */
char *vdev_modules_diagnostics(const struct vdev_platform *p, unsigned uptime_s);

#endif
