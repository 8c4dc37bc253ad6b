/* flash_backup.c - saving the user firmware before it is overwritten, or
 * so that an app can be restored after a recovery (see flash.h). */
#define _POSIX_C_SOURCE 200809L
#include "flash.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static uint32_t flash_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

bool flash_backup_extract(const uint8_t *region, size_t region_len, uint32_t region_addr,
			  const struct bd_platforms *platforms, size_t *off, size_t *len)
{
	/* A user part's prefix sits at its first byte and names the address
	 * it sits at: cheap to spot, then proven by the parser and the CRC. */
	for (size_t o = 0; o + BD_MODFILE_MIN_FILE <= region_len; o += 4) {
		uint32_t start = flash_le32(region + o), end = flash_le32(region + o + 4);
		if (start != region_addr + (uint32_t)o || end <= start ||
		    (uint64_t)(end - start) + 4 > region_len - o)
			continue;
		size_t n = (size_t)(end - start) + 4;
		struct bd_modfile mf;
		struct bd_error e = {0};
		if (bd_modfile_parse(region + o, n, platforms, &mf, &e) == 0 && mf.crc_ok &&
		    !mf.truncated && mf.prefix_offset == 0 && mf.start_addr == start) {
			*off = o;
			*len = n;
			return true;
		}
	}
	size_t n = region_len;
	while (n && region[n - 1] == 0xFF)
		n--;
	*off = 0;
	*len = n;
	return false;
}

int flash_backup_read(struct bd_transports *t, const struct bd_platforms *platforms,
		      struct bd_device *dev, struct flash_backup *out, struct bd_op *op,
		      struct bd_error *err)
{
	memset(out, 0, sizeof *out);
	const struct bd_platform *pl = bd_platform_by_id(platforms, dev->platform_id);
	if (!pl || !pl->user_part_addr || !pl->user_part_max)
		return bd_error_set(err, BD_E_NOT_SUPPORTED,
				    "devices.json gives no user-firmware region for %s, so there "
				    "is nothing blinkdoc knows to back up",
				    pl ? pl->name : "this device");
	if (dev->mode != BD_MODE_DFU) {
		bd_op_logf(op, "putting the device in DFU mode to read its flash");
		int rc = bd_transports_enter_mode(t, dev, BD_MODE_DFU, op, err);
		if (rc < 0)
			return rc;
	}
	uint32_t addr = pl->user_part_addr;
	size_t len = pl->user_part_max;
	uint8_t *buf = malloc(len);
	if (!buf)
		return bd_error_set(err, BD_E_NOMEM, "out of memory for %zu bytes of flash", len);
	bd_op_logf(op, "reading the user firmware region 0x%08x-0x%08x (%zu KB)", (unsigned)addr,
		   (unsigned)(addr + len), len / 1024);
	int rc = bd_transports_read(t, dev, 0, addr, buf, len, op, err);
	if (rc < 0) {
		free(buf);
		flash_explain_state(t, dev, false, err);
		return rc;
	}
	size_t off = 0, n = 0;
	out->is_module = flash_backup_extract(buf, len, addr, platforms, &off, &n);
	if (!n) {
		free(buf);
		return bd_error_set(err, BD_E_NOT_FOUND,
				    "the user firmware region at 0x%08x is erased: there is no app "
				    "to back up", (unsigned)addr);
	}
	memmove(buf, buf + off, n);
	out->data = buf;
	out->len = n;
	out->addr = addr + (uint32_t)off;
	if (out->is_module)
		snprintf(out->note, sizeof out->note,
			 "the app module at 0x%08x (%zu bytes, CRC checked); restore it with "
			 "`blinkdoc flash FILE`", (unsigned)out->addr, n);
	else
		snprintf(out->note, sizeof out->note,
			 "%zu raw bytes from 0x%08x (the region holds no valid module; trailing "
			 "erased bytes dropped); restore with `dfu-util -a 0 -s 0x%08x -D FILE`",
			 n, (unsigned)out->addr, (unsigned)out->addr);
	return 0;
}

int flash_backup_save(const struct flash_backup *b, const char *path, struct bd_error *err)
{
	bool out = !strcmp(path, "-");
	FILE *f = out ? stdout : fopen(path, "wb");
	if (!f)
		return bd_error_set(err, BD_E_IO, "cannot create %s: %s", path, strerror(errno));
	size_t n = fwrite(b->data, 1, b->len, f);
	int rc = (n == b->len && fflush(f) == 0) ? 0 : BD_E_IO;
	if (!out && fclose(f) != 0)
		rc = BD_E_IO;
	if (rc < 0)
		return bd_error_set(err, rc, "cannot write %s: %s", out ? "standard output" : path,
				    strerror(errno));
	return 0;
}

int flash_backup_path_check(const char *path, struct bd_error *err)
{
	if (!strcmp(path, "-"))
		return 0;
	struct stat st;
	const char *why = NULL;
	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			why = "it is a directory";
		else if (access(path, W_OK) != 0)
			why = strerror(errno);
	} else {
		char dir[512];
		snprintf(dir, sizeof dir, "%s", path);
		char *slash = strrchr(dir, '/');
		if (!slash)
			snprintf(dir, sizeof dir, ".");
		else if (slash == dir)
			dir[1] = 0;
		else
			*slash = 0;
		if (access(dir, W_OK) != 0)
			why = strerror(errno);
	}
	if (!why)
		return 0;
	bd_error_set(err, BD_E_IO, "cannot save the backup to %s: %s", path, why);
	bd_error_hint(err, "Choose another path for the backup (--backup FILE or -o FILE). "
			   "Nothing on the device was changed.");
	return BD_E_IO;
}

void flash_backup_free(struct flash_backup *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
}
