/* vdev_modules.h - the JSON a virtual device prints for `s` (system
 * describe, protocols.md 2.5) and `d` (diagnostics). */
#ifndef VDEV_MODULES_H
#define VDEV_MODULES_H

#include "vdev.h"

/* A made-up but stable SHA-256 for the user part ("u"). */
#define VDEV_USER_PART_HASH "3FE3D246AB659DC01C4CFE030B89EE23FFBF54EDBAA402957CBC47078E631341"

#define VDEV_MAX_MODULES 8
#define VDEV_MODULE_MAX_DEPS 2

/* Module functions use the letters of the `s` JSON: 'b' bootloader, 's'
 * system part, 'u' user part, 'm' monolithic, 'a' radio stack, 'c' NCP. */
struct vdev_module_dep {
	char function;
	int index;
	int version;
};

struct vdev_module {
	int max_size;        /* "s" */
	char store;          /* "l": 'm' main, 'f' factory */
	int checked, passed; /* "vc", "vv": validity bits (0x02 integrity, 0x04 deps, ...) */
	bool user_hash;      /* "u": carries VDEV_USER_PART_HASH */
	char function;       /* 0: empty slot (no f/n/v) */
	int index;           /* "n" */
	int version;         /* "v" */
	struct vdev_module_dep deps[VDEV_MODULE_MAX_DEPS];
	size_t ndeps;
};

/* The device's module table (the same rows `s` prints); returns the count. */
size_t vdev_modules_list(const struct vdev_platform *p, const char *os_version,
			 enum vdev_modules kind, struct vdev_module *out, size_t max);

/* The rows of a verbatim `s` JSON (a scenario's modules_json), so that the
 * USB module-info reply shows the same table as the console.  Unknown or
 * malformed entries become empty slots; returns the count (0 when the JSON
 * does not parse). */
size_t vdev_modules_from_json(const char *json, struct vdev_module *out, size_t max);

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
