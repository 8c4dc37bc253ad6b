/* vdev_platforms.h - reads knowledge/devices.json into struct vdev_platform. */
#ifndef VDEV_PLATFORMS_H
#define VDEV_PLATFORMS_H

#include "vdev.h"

struct vdev_platforms {
	struct vdev_platform *v;
	size_t n;
};

/* Parses the devices.json text (len bytes) into out (caller frees with
 * vdev_platforms_done).  Platforms without a normal-mode USB id are skipped.
 * Returns 0 or -EINVAL with a message in err. */
int vdev_platforms_parse(const char *text, size_t len, struct vdev_platforms *out, char *err,
			 size_t errlen);
/* Reads and parses a file; -errno / -EINVAL with a message in err. */
int vdev_platforms_load(const char *path, struct vdev_platforms *out, char *err, size_t errlen);
void vdev_platforms_done(struct vdev_platforms *p);
const struct vdev_platform *vdev_platforms_find(const struct vdev_platforms *p, const char *key);

#endif
