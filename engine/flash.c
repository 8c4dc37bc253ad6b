/* flash.c - plan, check and run a flash (see flash.h). */
#define _POSIX_C_SOURCE 200809L
#include "flash.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "usb/usb_xfer.h"

#define FLASH_FILE_MAX (16u * 1024u * 1024u)
#define FLASH_INSPECT_MS 15000
#define FLASH_STATE_LOOK_MS 3000

static int flash_read_file(const char *path, uint8_t **out, size_t *len, struct bd_error *err)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return bd_error_set(err, BD_E_IO, "cannot open %s: %s", path, strerror(errno));
	uint8_t *buf = malloc(FLASH_FILE_MAX + 1);
	if (!buf) {
		fclose(f);
		return bd_error_set(err, BD_E_NOMEM, "out of memory reading %s", path);
	}
	size_t n = fread(buf, 1, FLASH_FILE_MAX + 1, f);
	int rd_err = ferror(f);
	fclose(f);
	if (rd_err) {
		free(buf);
		return bd_error_set(err, BD_E_IO, "cannot read %s", path);
	}
	if (n > FLASH_FILE_MAX) {
		free(buf);
		return bd_error_set(err, BD_E_TOO_LARGE, "%s is larger than %u MB: not a module file",
				    path, FLASH_FILE_MAX / (1024u * 1024u));
	}
	*out = buf;
	*len = n;
	return 0;
}

/* Puts "<path>: " in front of a refusal so the person knows which file. */
static int flash_refuse(struct bd_error *err, int rc, const char *path)
{
	bd_usb_err_prefix(err, "%s", path);
	if (err) {
		char old[BD_ERROR_HINT_MAX];
		snprintf(old, sizeof old, "%s", err->hint);
		bd_error_hint(err, "%s%sNothing was written: the device was not touched.", old,
			      old[0] ? " " : "");
	}
	return rc;
}

int flash_file_precheck(const struct bd_platforms *platforms, const char *path,
			struct bd_error *err)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc = flash_read_file(path, &buf, &len, err);
	if (rc < 0)
		return rc;
	struct bd_modfile mf;
	struct bd_modfile_report rep;
	if ((rc = bd_modfile_parse(buf, len, platforms, &mf, err)) < 0 ||
	    (bd_platform_by_id(platforms, mf.platform_id) &&
	     (rc = bd_modfile_check(&mf, platforms, mf.platform_id, NULL, &rep, err)) < 0))
		flash_refuse(err, rc, path);
	free(buf);
	return rc < 0 ? rc : 0;
}

int flash_plan_new(struct bd_transports *t, const struct bd_platforms *platforms,
		   const struct bd_device *dev, const char *path, struct flash_plan **out,
		   struct bd_op *op, struct bd_error *err)
{
	*out = NULL;
	struct flash_plan *p = calloc(1, sizeof *p);
	if (!p)
		return bd_error_set(err, BD_E_NOMEM, "out of memory planning the flash");
	p->dev = *dev;
	p->platforms = platforms;
	snprintf(p->path, sizeof p->path, "%s", path);
	int rc = flash_read_file(path, &p->file, &p->file_len, err);
	if (rc < 0)
		goto fail;
	p->pl = bd_platform_by_id(platforms, dev->platform_id);
	if (!p->pl) {
		rc = bd_error_set(err, BD_E_INVALID, "the device's platform (%d) is not in "
						     "devices.json, so blinkdoc cannot check the file",
				  dev->platform_id);
		goto fail;
	}
	/* Everything the file alone decides comes first: a wrong file never
	 * leads to a single request to the device. */
	if ((rc = bd_modfile_parse(p->file, p->file_len, platforms, &p->mf, err)) < 0 ||
	    (rc = bd_modfile_check(&p->mf, platforms, dev->platform_id, NULL, &p->report, err)) < 0) {
		flash_refuse(err, rc, path);
		goto fail;
	}
	if ((rc = bd_modfile_payload(p->file, p->file_len, &p->mf, &p->data, &p->len, &p->addr)) <
	    0) {
		bd_error_set(err, rc, "%s: cannot locate the bytes to write", path);
		goto fail;
	}
	p->user_part = p->mf.func == BD_MODF_USER;
	/* Then what the device has installed, when it can tell without a
	 * mode change: dependency warnings (an app needing newer Device OS
	 * starts in safe mode) and the slot size it reports. */
	if (dev->mode != BD_MODE_DFU) {
		struct bd_module_table *tab = calloc(1, sizeof *tab);
		struct bd_op sub = op ? *op : (struct bd_op){0};
		sub.deadline = bd_deadline_in(FLASH_INSPECT_MS);
		if (op)
			sub.deadline = bd_deadline_min(sub.deadline, op->deadline);
		sub.progress = NULL;
		struct bd_error e = {0};
		/* The console answers only in listening mode: without it, asking
		 * would just wait out its deadline (15 s on a Core). */
		struct bd_device q = *dev;
		if (!(q.mode == BD_MODE_LISTENING && q.mode_reported))
			q.routes &= ~BD_ROUTE_SERIAL;
		if (tab && q.routes && bd_transports_inspect(t, &q, tab, &sub, &e) == 0) {
			p->installed_known = true;
			p->installed_route = tab->route;
			rc = bd_modfile_check(&p->mf, platforms, dev->platform_id, tab, &p->report,
					      err);
			free(tab);
			if (rc < 0) {
				flash_refuse(err, rc, path);
				goto fail;
			}
		} else {
			free(tab);
			bd_op_logf(op, "could not read the installed modules (%s); dependencies are "
				       "not checked",
				   e.msg[0] ? e.msg
				   : !q.routes ? "no USB control requests, and the console "
						 "answers only in listening mode"
						: "out of memory");
		}
	} else {
		bd_op_logf(op, "the device is in DFU mode, where Device OS cannot report its "
			       "modules; dependencies are not checked");
	}
	*out = p;
	return 0;
fail:
	flash_plan_free(p);
	return rc;
}

void flash_plan_free(struct flash_plan *p)
{
	if (!p)
		return;
	free(p->file);
	free(p);
}

/* Follows the phases so that a failure can say whether flash was touched
 * and whether the image had been verified. */
struct flash_watch {
	struct bd_op *outer;
	bool touched;       /* a sector was erased or a block written */
	bool erase_asked;   /* the first ERASE went out (its result unknown) */
	bool verified;
	bool verify_wanted;
};

static void flash_watch_progress(void *ctx, const char *phase, uint64_t done, uint64_t total)
{
	struct flash_watch *w = ctx;
	if (!strcmp(phase, "erase") || !strcmp(phase, "write")) {
		w->erase_asked = true;
		if (done > 0)
			w->touched = true;
	}
	if (!strcmp(phase, "verify") && done >= total)
		w->verified = true;
	bd_op_progress(w->outer, phase, done, total);
}

static void flash_watch_log(void *ctx, const char *line)
{
	struct flash_watch *w = ctx;
	bd_op_logf(w->outer, "%s", line);
}

void flash_explain_state(struct bd_transports *t, const struct bd_device *dev, bool touched,
			 struct bd_error *err)
{
	if (!err)
		return;
	char old[BD_ERROR_HINT_MAX];
	snprintf(old, sizeof old, "%s", err->hint);
	if (err->code == BD_E_ACCESS) {
		/* It could not even be opened: the fix comes first, and the
		 * device is as it was. */
		bd_error_hint(err, "%s%sNothing on the device was changed.", old,
			      old[0] ? " " : "");
		return;
	}
	struct bd_op look = {bd_deadline_in(FLASH_STATE_LOOK_MS), NULL, NULL, NULL, NULL};
	struct bd_device now;
	struct bd_error e = {0};
	const char *state;
	char gone[600];
	bool present = bd_transports_wait_for(t, dev, BD_MODE_UNKNOWN, &now, &look, &e) == 0;
	if (present && now.mode == BD_MODE_DFU)
		state = touched ? "The device is still in DFU mode (blinking yellow); the app slot "
				  "is only partly written, so do not reset it now: run the same "
				  "command again."
				: "The device is still in DFU mode (blinking yellow) and nothing on it "
				  "was changed: run the same command again.";
	else if (present)
		state = touched ? "The device restarted with a partly written image: it will most "
				  "likely run in safe mode (breathing magenta). Run the same command "
				  "again to finish the job."
				: "The device restarted and nothing on it was changed: run the same "
				  "command again.";
	else if (touched) {
		const struct bd_platform *pl =
			bd_platform_by_id(bd_transports_platforms(t), dev->platform_id);
		snprintf(gone, sizeof gone,
			 "The device is no longer on USB, so the write stopped part-way: the slot "
			 "holds an incomplete image, which Device OS will not run. Once powered "
			 "again it will most likely start in safe mode (breathing magenta) or stay "
			 "in DFU mode (blinking yellow). Plug it in again and run the same command "
			 "again; if blinkdoc cannot put it in DFU mode, hold %s, tap %s and let go "
			 "when the LED blinks yellow.",
			 bd_platform_mode_button(pl), bd_platform_reset_button(pl));
		state = gone;
	} else
		state = "The device is no longer on USB; nothing on it was changed. Plug it "
			"in again (check the cable) and run the same command again.";
	if (old[0])
		bd_error_hint(err, "%s (%s)", state, old);
	else
		bd_error_hint(err, "%s", state);
}

static int flash_enter_dfu(struct bd_transports *t, struct bd_device *dev, struct bd_op *op,
			   struct bd_error *err)
{
	if (dev->mode == BD_MODE_DFU)
		return 0;
	bd_op_logf(op, "putting the device in DFU mode");
	int rc = bd_transports_enter_mode(t, dev, BD_MODE_DFU, op, err);
	if (rc < 0 && err) {
		char old[BD_ERROR_HINT_MAX];
		snprintf(old, sizeof old, "%s", err->hint);
		bd_error_hint(err, "Nothing was written. %s", old[0] ? old : "Put the device in "
							      "DFU mode with the buttons and "
							      "run the same command again.");
	}
	return rc;
}

int flash_run(struct bd_transports *t, struct flash_plan *p, const struct flash_opts *o,
	      struct bd_op *op, struct bd_error *err)
{
	struct bd_flash_request req = {p->data, p->len, p->addr, 0, true, true, o->dry_run};
	if (o->dry_run) {
		if (p->dev.mode != BD_MODE_DFU) {
			bd_op_logf(op, "dry run: would put the device in DFU mode, erase and write "
				       "%zu bytes at 0x%08x, verify, and leave DFU mode",
				   p->len, (unsigned)p->addr);
			return 0;
		}
		return bd_transports_flash(t, &p->dev, &req, op, err);
	}
	int rc = flash_enter_dfu(t, &p->dev, op, err);
	if (rc < 0)
		return rc;
	if (o->backup_path) {
		struct flash_backup b;
		rc = flash_backup_read(t, p->platforms, &p->dev, &b, op, err);
		if (rc == BD_E_NOT_FOUND) {
			/* An empty slot: there is no app to lose. */
			bd_op_logf(op, "backup: the app slot is empty, so there is nothing to save; "
				       "%s was not written", o->backup_path);
			bd_error_clear(err);
			rc = 0;
		} else if (rc == 0) {
			rc = flash_backup_save(&b, o->backup_path, err);
			if (rc == 0)
				bd_op_logf(op, "backup: %s -> %s", b.note, o->backup_path);
			flash_backup_free(&b);
		}
		if (rc < 0) {
			bd_usb_err_prefix(err, "the backup before flashing failed, so nothing was "
					       "written");
			flash_explain_state(t, &p->dev, false, err);
			return rc;
		}
	}
	struct flash_watch w = {op, false, false, false, true};
	struct bd_op sub = *op;
	sub.ctx = &w;
	sub.log = flash_watch_log;
	sub.progress = flash_watch_progress;
	bd_op_logf(op, "flashing %s (%zu bytes) at 0x%08x", p->path, p->len, (unsigned)p->addr);
	rc = bd_transports_flash(t, &p->dev, &req, &sub, err);
	if (rc == 0)
		return 0;
	if (w.verified) {
		/* Written and verified; leaving DFU or coming back failed. */
		bd_usb_err_prefix(err, "the firmware was written and verified, but");
		bd_error_hint(err, "There is no need to flash again. Press the device's RESET "
				   "button (or unplug it and plug it in again) to start the new "
				   "firmware; if the LED keeps blinking yellow, it is still in DFU "
				   "mode and RESET takes it out.");
		return rc;
	}
	/* A stalled request was refused, so a first ERASE that stalled erased
	 * nothing; any other failure of it may have left the sector half
	 * erased. */
	flash_explain_state(t, &p->dev, w.touched || (w.erase_asked && rc != BD_E_STALL), err);
	return rc;
}
