/* flash.h - the flash and backup pipeline shared by `blinkdoc flash`,
 * `blinkdoc backup` and the tree's "flash"/"backup" actions.
 *
 * Flashing is two steps so that a front-end can show the plan and ask:
 *   flash_plan_new()  reads the file, refuses anything that does not belong
 *                     on the device (before touching it), reads the installed
 *                     module table when it can (USB, or the console), and
 *                     warns about a Device OS that is too old;
 *   flash_run()       moves the device into DFU (the dispatcher's ladder),
 *                     optionally saves the user firmware first, erases,
 *                     writes, verifies, leaves DFU and waits for the device.
 * After any failure err says what happened, the state the device is
 * probably in and the next step ("still in DFU mode (blinking yellow); run
 * the same command again").  No printing here: lines go to op->log,
 * progress to op->progress.
 */
#ifndef BD_FLASH_H
#define BD_FLASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "module/module_file.h"
#include "transport.h"

struct flash_plan {
	struct bd_device dev;           /* the device; updated as it changes mode */
	const struct bd_platforms *platforms; /* borrowed */
	const struct bd_platform *pl;   /* borrowed from the platforms table */
	char path[512];
	uint8_t *file;                  /* the whole file (owned) */
	size_t file_len;
	struct bd_modfile mf;
	struct bd_modfile_report report; /* what the file is, and warnings */
	const uint8_t *data;            /* what gets written (points into file) */
	size_t len;
	uint32_t addr;
	bool installed_known;           /* the module table was read */
	unsigned installed_route;       /* BD_ROUTE_* it came through */
	bool user_part;                 /* overwrites the app (offer a backup) */
};

/* Reads path and checks it against dev (platform, CRC, function, address in
 * writable flash, size; dependencies against the installed modules when
 * they can be read without changing the device's mode).  Returns 0 with
 * *out set (free with flash_plan_free), or a BD_E_* code with err saying
 * exactly what is wrong ("this file is for Boron (13); the device is a
 * Photon (6)"): BD_E_IO (file), BD_E_PARSE, BD_E_VERIFY (CRC),
 * BD_E_MISMATCH, BD_E_NOT_SUPPORTED, BD_E_RANGE, BD_E_ACCESS,
 * BD_E_TOO_LARGE.  Never writes to the device. */
/* What the file alone decides, before any device is looked for: it reads,
 * parses, and - against its own platform, when devices.json knows it -
 * passes the CRC, function, address and size checks.  0, or the refusal
 * flash_plan_new() would give (err says the file, what is wrong and that
 * nothing was written). */
int flash_file_precheck(const struct bd_platforms *platforms, const char *path,
			struct bd_error *err);

int flash_plan_new(struct bd_transports *t, const struct bd_platforms *platforms,
		   const struct bd_device *dev, const char *path, struct flash_plan **out,
		   struct bd_op *op, struct bd_error *err);
void flash_plan_free(struct flash_plan *p);

struct flash_opts {
	bool dry_run;             /* everything except erase/write (no mode change) */
	const char *backup_path;  /* save the user firmware here first (NULL: no) */
};

/* Runs the plan.  Returns 0 when the image was written, verified and the
 * device left DFU mode and came back; otherwise a BD_E_* code with the
 * device's state and the next step in err.  BD_E_UNAVAILABLE (or
 * BD_E_TIMEOUT) from the DFU ladder means the person must use the buttons:
 * the front-end shows the proc-dfu steps, waits for DFU mode with
 * bd_transports_wait_for() and calls flash_run() again. */
int flash_run(struct bd_transports *t, struct flash_plan *p, const struct flash_opts *o,
	      struct bd_op *op, struct bd_error *err);

/* ---- backup (flash_backup.c) ------------------------------------------- */

struct flash_backup {
	uint8_t *data;     /* owned */
	size_t len;
	uint32_t addr;     /* flash address of data[0] */
	bool is_module;    /* data is exactly one valid module (restorable with flash) */
	char note[256];    /* what was saved, in a sentence */
};

/* Finds what to keep in a user-part region read from flash (pure): a valid
 * module (prefix start address equal to where it sits, correct CRC) anywhere
 * at a 4-byte step in the region -> its exact bytes; else the region with
 * trailing erased 0xFF bytes trimmed.
 * Sets *off and *len; returns true when a module was found. */
bool flash_backup_extract(const uint8_t *region, size_t region_len, uint32_t region_addr,
			  const struct bd_platforms *platforms, size_t *off, size_t *len);

/* Reads the device's user firmware over DFU (moving it into DFU mode by the
 * ladder when needed; *dev follows it) into out.  The region comes from
 * devices.json (user_part address/max_size); the result is trimmed by
 * flash_backup_extract().  Leaves the device in DFU mode. */
int flash_backup_read(struct bd_transports *t, const struct bd_platforms *platforms,
		      struct bd_device *dev, struct flash_backup *out, struct bd_op *op,
		      struct bd_error *err);
/* Writes the backup to path ("-": standard output). */
int flash_backup_save(const struct flash_backup *b, const char *path, struct bd_error *err);
/* Whether a backup could be written to path ("-": standard output), asked
 * before the device is touched: BD_E_IO with what is wrong and "choose
 * another path" otherwise. */
int flash_backup_path_check(const char *path, struct bd_error *err);
void flash_backup_free(struct flash_backup *b);

/* After a failed DFU operation: looks (briefly) where the device went and
 * sets err's hint to its probable state and the next step.  touched says
 * whether flash was already erased or written. */
void flash_explain_state(struct bd_transports *t, const struct bd_device *dev, bool touched,
			 struct bd_error *err);

#endif
