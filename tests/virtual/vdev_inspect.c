/* vdev_inspect.c - the phase-2 inspection API of vdev.h: flash images of
 * the DfuSe model, its state, and the control-request log.  All hook-safe
 * (they only take the bed lock) except the file functions. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vdev_ctrl.h"
#include "vdev_dfu.h"

#define LOCK(dev) VDEV_LOCK((dev)->bed->core)
#define UNLOCK(dev) VDEV_UNLOCK((dev)->bed->core)

int vdev_device_flash_read(struct vdev_device *dev, unsigned alt, uint32_t addr, void *buf,
			   size_t len)
{
	struct vdev_flash *f;
	int rc;

	LOCK(dev);
	f = vdev_dfu_flash(dev->dfu, alt);
	rc = f ? vdev_flash_read(f, addr, buf, len) : -ENOENT;
	UNLOCK(dev);
	return rc;
}

int vdev_device_flash_write(struct vdev_device *dev, unsigned alt, uint32_t addr,
			    const void *buf, size_t len)
{
	struct vdev_flash *f;
	int rc;

	LOCK(dev);
	f = vdev_dfu_flash(dev->dfu, alt);
	rc = f ? vdev_flash_store(f, addr, buf, len, false, NULL) : -ENOENT;
	UNLOCK(dev);
	return rc;
}

int vdev_device_flash_erase_all(struct vdev_device *dev, unsigned alt)
{
	struct vdev_flash *f;

	LOCK(dev);
	f = vdev_dfu_flash(dev->dfu, alt);
	if (f)
		vdev_flash_erase_all(f);
	UNLOCK(dev);
	return f ? 0 : -ENOENT;
}

int vdev_device_flash_load(struct vdev_device *dev, unsigned alt, uint32_t addr,
			   const char *path)
{
	gchar *data = NULL;
	gsize len = 0;
	GError *error = NULL;
	int rc;

	if (!g_file_get_contents(path, &data, &len, &error)) {
		rc = error->domain == G_FILE_ERROR && error->code == G_FILE_ERROR_NOENT ? -ENOENT
											  : -EIO;
		g_clear_error(&error);
		return rc;
	}
	rc = vdev_device_flash_write(dev, alt, addr, data, len);
	g_free(data);
	return rc;
}

int vdev_device_flash_dump(struct vdev_device *dev, unsigned alt, uint32_t addr, size_t len,
			   const char *path)
{
	uint8_t *buf = g_malloc(len ? len : 1);
	FILE *f;
	int rc = vdev_device_flash_read(dev, alt, addr, buf, len);

	if (rc < 0) {
		g_free(buf);
		return rc;
	}
	f = strcmp(path, "-") == 0 ? stdout : fopen(path, "wb");
	if (!f) {
		rc = -errno;
		g_free(buf);
		return rc;
	}
	if (fwrite(buf, 1, len, f) != len)
		rc = -EIO;
	if (f == stdout)
		fflush(f);
	else if (fclose(f) != 0 && rc == 0)
		rc = -EIO;
	g_free(buf);
	return rc;
}

int vdev_device_flash_stats(struct vdev_device *dev, unsigned alt, struct vdev_flash_stats *out)
{
	struct vdev_flash *f;

	LOCK(dev);
	f = vdev_dfu_flash(dev->dfu, alt);
	if (f)
		*out = f->stats;
	UNLOCK(dev);
	return f ? 0 : -ENOENT;
}

void vdev_device_flash_reset_stats(struct vdev_device *dev)
{
	LOCK(dev);
	for (unsigned a = 0; a < vdev_dfu_alts(dev->dfu); a++)
		memset(&vdev_dfu_flash(dev->dfu, a)->stats, 0, sizeof(struct vdev_flash_stats));
	UNLOCK(dev);
}

unsigned vdev_device_flash_alts(struct vdev_device *dev)
{
	unsigned n;

	LOCK(dev);
	n = vdev_dfu_alts(dev->dfu);
	UNLOCK(dev);
	return n;
}

int vdev_device_dfu_state(struct vdev_device *dev, uint8_t *state, uint8_t *status,
			  uint32_t *address)
{
	int rc = -ENODEV;

	LOCK(dev);
	if (dev->dfu) {
		vdev_dfu_get_state(dev->dfu, state, status, address);
		rc = 0;
	}
	UNLOCK(dev);
	return rc;
}

size_t vdev_device_ctrl_log(struct vdev_device *dev, char *buf, size_t len)
{
	size_t n;

	LOCK(dev);
	n = vdev_ctrl_log_copy(dev->ctrl, buf, len);
	UNLOCK(dev);
	return n;
}

unsigned vdev_device_ctrl_active(struct vdev_device *dev)
{
	unsigned n;

	LOCK(dev);
	n = vdev_ctrl_active(dev->ctrl);
	UNLOCK(dev);
	return n;
}
