/* vdev_flash.h - the memory behind one DfuSe alternate setting, built from
 * its alt string (protocols.md 4.1): segments of equal sectors with
 * read/erase/write properties, NOR flash content stored sparsely in 4 KiB
 * pages (a page never written reads as erased, 0xFF).
 *
 * The alt-string parser is the device side's own, written apart from the
 * product's transports/dfu/dfuse_layout.c so the two check each other.
 * Not thread-safe: the DFU model calls it with the bed lock held. */
#ifndef VDEV_FLASH_H
#define VDEV_FLASH_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vdev.h"

#define VDEV_FLASH_MAX_SEGS 16

enum {
	VDEV_FLASH_READ = 0x1,  /* sector property bits: letter 'a' + bits */
	VDEV_FLASH_ERASE = 0x2,
	VDEV_FLASH_WRITE = 0x4,
};

struct vdev_flash_seg {
	uint64_t start, end;  /* [start, end) */
	uint32_t sector_size;
	unsigned props;       /* VDEV_FLASH_* */
};

struct vdev_flash_layout {
	char name[64];        /* "Internal Flash" (trailing spaces dropped) */
	struct vdev_flash_seg seg[VDEV_FLASH_MAX_SEGS];
	size_t nseg;
};

/* Parses "@Name /0xADDR/N*SIZE[ BKM]p[,N*SIZE...][/0xADDR/...]" (p = a..g).
 * Pure.  Returns 0, or -EINVAL with a message in err. */
int vdev_flash_parse(const char *alt, struct vdev_flash_layout *out, char *err, size_t errlen);

struct vdev_flash {
	struct vdev_flash_layout layout;
	GHashTable *pages;    /* page number (addr / 4096) -> uint8_t[4096] */
	struct vdev_flash_stats stats;
};

/* Initialises f for alt (a string that does not parse gives an empty map:
 * every access is out of range).  Free with vdev_flash_done. */
void vdev_flash_init(struct vdev_flash *f, const char *alt);
void vdev_flash_done(struct vdev_flash *f);

/* The segment holding addr, NULL when outside the map. */
const struct vdev_flash_seg *vdev_flash_find(const struct vdev_flash *f, uint64_t addr);
/* True when [addr, addr+len) lies in the map and every sector in it has all
 * of the props bits. */
bool vdev_flash_range_has(const struct vdev_flash *f, uint64_t addr, size_t len, unsigned props);
/* Copies bytes out (0xFF where never written).  -ERANGE outside the map. */
int vdev_flash_read(const struct vdev_flash *f, uint64_t addr, void *buf, size_t len);
/* Stores bytes.  nor: program as NOR flash does (bits only go 1 -> 0: the
 * result is old AND new; *lost counts the bytes that needed a 0 -> 1);
 * else replace them (preloading, emulated-EEPROM areas).  -ERANGE outside
 * the map.  No property checks: the caller decides. */
int vdev_flash_store(struct vdev_flash *f, uint64_t addr, const void *buf, size_t len, bool nor,
		     size_t *lost);
/* Erases the sector holding addr (to 0xFF).  -ERANGE outside the map. */
int vdev_flash_erase_sector(struct vdev_flash *f, uint64_t addr);
/* Erases everything. */
void vdev_flash_erase_all(struct vdev_flash *f);

#endif
