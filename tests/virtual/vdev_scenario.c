/* vdev_scenario.c - scenario files (tests/virtual/README.md): a JSON object
 * with a "devices" array; every key is checked so a typo fails loudly. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vdev_internal.h"

static const char *const device_keys[] = {
	"platform", "device_id", "os_version", "mode", "safe_mode", "claimed", "modules",
	"modules_json", "usb_serial", "mac", "imei", "iccid", "cell_fw", "serial_number",
	"device_secret", "wifi_save_fails", "timing", "faults", "ctrl", "flash", "comment", NULL,
};
static const char *const fault_keys[] = {
	"silent", "garbage", "truncated_json", "first_byte_delay_ms", "byte_delay_ms",
	"disconnect_mid_reply", "never_returns", "port_busy", "ctrl_init_status", "ctrl_never_done",
	"ctrl_stall", "dfu_stall", "dfu_err_write", "dfu_err_erase", "dfu_poll_timeout_ms",
	"dfu_unplug_after_blocks", NULL,
};
static const char *const timing_keys[] = { "reset_ms", "enumerate_ms", "request_reset_ms",
					   "manifest_reset_ms", "erase_ms", "write_ms", NULL };
static const char *const ctrl_keys[] = { "pending_polls", "alloc_polls", "max_active",
					 "pooled_size", "alloc_limit", "module_info", "results",
					 NULL };
static const char *const flash_keys[] = { "alt", "address", "file", "hex", "fill", "length",
					  "comment", NULL };
static const char *const stall_keys[] = { "request", "skip", "times", NULL };
static const char *const fault_addr_keys[] = { "alt", "address", NULL };
static const char *const top_keys[] = { "devices", "description", "comment", NULL };

/* Returns the first key of obj not in allowed, or NULL. */
static const char *unknown_key(const cJSON *obj, const char *const *allowed)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, obj) {
		size_t i = 0;

		while (allowed[i] && strcmp(allowed[i], it->string) != 0)
			i++;
		if (!allowed[i])
			return it->string;
	}
	return NULL;
}

static const char *str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool flag(const cJSON *o, const char *k)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, k));
}

static unsigned num(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsNumber(v) && v->valuedouble > 0 ? (unsigned)v->valuedouble : 0;
}

/* A number that may be 0, dflt when absent. */
static unsigned num_or(const cJSON *o, const char *k, unsigned dflt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsNumber(v) && v->valuedouble >= 0 ? (unsigned)v->valuedouble : dflt;
}

/* An address: a number or a string such as "0x080A0000". */
static bool address(const cJSON *v, uint32_t *out)
{
	char *end;
	unsigned long long a;

	if (cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble <= 4294967295.0) {
		*out = (uint32_t)v->valuedouble;
		return true;
	}
	if (!cJSON_IsString(v) || !v->valuestring[0])
		return false;
	a = strtoull(v->valuestring, &end, 0);
	if (*end || a > 0xffffffffull)
		return false;
	*out = (uint32_t)a;
	return true;
}

static const char *const svc_status_names[] = { "OK", "ERROR", "PENDING", "BUSY", "NO_MEMORY",
						"NOT_FOUND", NULL };
static const char *const dfu_req_names[] = { "", "DETACH", "DNLOAD", "UPLOAD", "GETSTATUS",
					     "CLRSTATUS", "GETSTATE", "ABORT", "ERASE",
					     "SET_ADDRESS", "WRITE", NULL };

static int lookup(const char *const *names, const char *s)
{
	for (int i = 0; s && names[i]; i++) {
		if (names[i][0] && strcmp(names[i], s) == 0)
			return i;
	}
	return -1;
}

/* "dfu_err_write": "0x..." (alt 0) or {"alt": 1, "address": "0x..."}. */
static int fault_address(const cJSON *f, const char *key, bool *on, unsigned *alt,
			 uint32_t *addr, const char *where, char *err, size_t errlen)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(f, key);
	const char *bad;

	if (!v)
		return 0;
	if (cJSON_IsObject(v)) {
		if ((bad = unknown_key(v, fault_addr_keys))) {
			snprintf(err, errlen, "%s: faults.%s: unknown key \"%s\"", where, key, bad);
			return -EINVAL;
		}
		*alt = num_or(v, "alt", 0);
		v = cJSON_GetObjectItemCaseSensitive(v, "address");
	}
	if (!address(v, addr)) {
		snprintf(err, errlen, "%s: faults.%s wants an address (\"0x080A0000\")", where, key);
		return -EINVAL;
	}
	*on = true;
	return 0;
}

static int parse_dfu_faults(const cJSON *f, struct vdev_faults *ft, const char *where, char *err,
			    size_t errlen)
{
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(f, "dfu_stall");
	const cJSON *cs = cJSON_GetObjectItemCaseSensitive(f, "ctrl_init_status");
	const char *bad;
	int i;

	if (st) {
		const cJSON *req = st;

		if (cJSON_IsObject(st)) {
			if ((bad = unknown_key(st, stall_keys))) {
				snprintf(err, errlen, "%s: faults.dfu_stall: unknown key \"%s\"", where,
					 bad);
				return -EINVAL;
			}
			req = cJSON_GetObjectItemCaseSensitive(st, "request");
			ft->dfu_stall_skip = num_or(st, "skip", 0);
			ft->dfu_stall_times = num_or(st, "times", 0);
		}
		i = cJSON_IsString(req) ? lookup(dfu_req_names, req->valuestring) : -1;
		if (i < 0) {
			snprintf(err, errlen,
				 "%s: faults.dfu_stall: request is one of DETACH, DNLOAD, UPLOAD, "
				 "GETSTATUS, CLRSTATUS, GETSTATE, ABORT, ERASE, SET_ADDRESS, WRITE",
				 where);
			return -EINVAL;
		}
		ft->dfu_stall = (enum vdev_dfu_req)i;
	}
	if (cs) {
		i = cJSON_IsString(cs) ? lookup(svc_status_names, cs->valuestring) : -1;
		if (i <= 0) {
			snprintf(err, errlen, "%s: faults.ctrl_init_status is BUSY, NO_MEMORY or ERROR",
				 where);
			return -EINVAL;
		}
		ft->ctrl_init_status = i;
	}
	if (fault_address(f, "dfu_err_write", &ft->dfu_err_write, &ft->dfu_err_write_alt,
			  &ft->dfu_err_write_addr, where, err, errlen) < 0 ||
	    fault_address(f, "dfu_err_erase", &ft->dfu_err_erase, &ft->dfu_err_erase_alt,
			  &ft->dfu_err_erase_addr, where, err, errlen) < 0)
		return -EINVAL;
	ft->ctrl_never_done = flag(f, "ctrl_never_done");
	ft->ctrl_stall = flag(f, "ctrl_stall");
	ft->dfu_poll_timeout_ms = num(f, "dfu_poll_timeout_ms");
	ft->dfu_unplug_after_blocks = num(f, "dfu_unplug_after_blocks");
	return 0;
}

static int parse_ctrl(const cJSON *c, struct vdev_ctrl_opts *o, const char *where, char *err,
		      size_t errlen)
{
	const cJSON *mi = cJSON_GetObjectItemCaseSensitive(c, "module_info");
	const cJSON *res = cJSON_GetObjectItemCaseSensitive(c, "results"), *it;
	const char *bad;

	if (!c)
		return 0;
	if (!cJSON_IsObject(c)) {
		snprintf(err, errlen, "%s: ctrl is an object", where);
		return -EINVAL;
	}
	if ((bad = unknown_key(c, ctrl_keys))) {
		snprintf(err, errlen, "%s: ctrl: unknown key \"%s\"", where, bad);
		return -EINVAL;
	}
	o->pending_polls = num_or(c, "pending_polls", o->pending_polls);
	o->alloc_polls = num_or(c, "alloc_polls", o->alloc_polls);
	o->max_active = num_or(c, "max_active", o->max_active);
	o->pooled_size = num_or(c, "pooled_size", o->pooled_size);
	o->alloc_limit = num_or(c, "alloc_limit", o->alloc_limit);
	if (mi) {
		if (!cJSON_IsString(mi) || (strcmp(mi->valuestring, "current") != 0 &&
					    strcmp(mi->valuestring, "legacy") != 0)) {
			snprintf(err, errlen, "%s: ctrl.module_info is \"current\" or \"legacy\"", where);
			return -EINVAL;
		}
		o->module_info_legacy = strcmp(mi->valuestring, "legacy") == 0;
	}
	cJSON_ArrayForEach(it, res) {
		char *end;
		unsigned long type = strtoul(it->string, &end, 10);

		if (*end || type > 0xffff || !cJSON_IsNumber(it) ||
		    o->nresults >= VDEV_CTRL_MAX_RESULTS) {
			snprintf(err, errlen, "%s: ctrl.results maps request types to result codes "
				 "(at most %d): {\"72\": -120}", where, VDEV_CTRL_MAX_RESULTS);
			return -EINVAL;
		}
		o->results[o->nresults].type = (uint16_t)type;
		o->results[o->nresults].result = (int32_t)it->valuedouble;
		o->nresults++;
	}
	return 0;
}

/* Parses one device entry into o (strings borrowed from the JSON tree;
 * *modules_json is a malloc'd string the caller frees). */
static int parse_device(const cJSON *d, struct vdev_device_opts *o, bool *port_busy,
			char **modules_json, const char *where, char *err, size_t errlen)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(d, "faults");
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(d, "timing");
	const cJSON *mj = cJSON_GetObjectItemCaseSensitive(d, "modules_json");
	const char *bad, *mode = str(d, "mode"), *modules = str(d, "modules");

	if (!cJSON_IsObject(d)) {
		snprintf(err, errlen, "%s: not an object", where);
		return -EINVAL;
	}
	if ((bad = unknown_key(d, device_keys)) || (f && (bad = unknown_key(f, fault_keys))) ||
	    (t && (bad = unknown_key(t, timing_keys)))) {
		snprintf(err, errlen, "%s: unknown key \"%s\"", where, bad);
		return -EINVAL;
	}
	vdev_device_opts_init(o, str(d, "platform"));
	if (!o->platform) {
		snprintf(err, errlen, "%s: \"platform\" (a devices.json id) is required", where);
		return -EINVAL;
	}
	if (!mode || strcmp(mode, "normal") == 0)
		o->mode = VDEV_MODE_NORMAL;
	else if (strcmp(mode, "listening") == 0)
		o->mode = VDEV_MODE_LISTENING;
	else if (strcmp(mode, "dfu") == 0)
		o->mode = VDEV_MODE_DFU;
	else {
		snprintf(err, errlen, "%s: mode \"%s\" is not normal, listening or dfu", where, mode);
		return -EINVAL;
	}
	if (!modules || strcmp(modules, "healthy") == 0)
		o->modules = VDEV_MODULES_HEALTHY;
	else if (strcmp(modules, "safe-mode-dependency") == 0)
		o->modules = VDEV_MODULES_SAFE_MODE_DEP;
	else {
		snprintf(err, errlen, "%s: modules \"%s\" is not healthy or safe-mode-dependency",
			 where, modules);
		return -EINVAL;
	}
	if (mj && !cJSON_IsObject(mj)) {
		snprintf(err, errlen, "%s: modules_json must be a JSON object", where);
		return -EINVAL;
	}
	*modules_json = mj ? cJSON_PrintUnformatted(mj) : NULL;
	o->modules_json = *modules_json;
	o->device_id = str(d, "device_id");
	o->os_version = str(d, "os_version");
	o->safe_mode = flag(d, "safe_mode");
	o->claimed = flag(d, "claimed");
	o->usb_serial = str(d, "usb_serial");
	o->mac = str(d, "mac");
	o->imei = str(d, "imei");
	o->iccid = str(d, "iccid");
	o->cell_fw = str(d, "cell_fw");
	o->serial_number = str(d, "serial_number");
	o->device_secret = str(d, "device_secret");
	o->wifi_save_fails = flag(d, "wifi_save_fails");
	o->timing.reset_ms = num(t, "reset_ms");
	o->timing.enumerate_ms = num(t, "enumerate_ms");
	o->timing.request_reset_ms = num(t, "request_reset_ms");
	o->timing.manifest_reset_ms = num(t, "manifest_reset_ms");
	o->timing.erase_ms = num(t, "erase_ms");
	o->timing.write_ms = num(t, "write_ms");
	o->faults.silent = flag(f, "silent");
	o->faults.garbage = flag(f, "garbage");
	o->faults.truncated_json = flag(f, "truncated_json");
	o->faults.first_byte_delay_ms = num(f, "first_byte_delay_ms");
	o->faults.byte_delay_ms = num(f, "byte_delay_ms");
	o->faults.disconnect_mid_reply = flag(f, "disconnect_mid_reply");
	o->faults.never_returns = flag(f, "never_returns");
	*port_busy = flag(f, "port_busy");
	if (parse_dfu_faults(f, &o->faults, where, err, errlen) < 0)
		return -EINVAL;
	return parse_ctrl(cJSON_GetObjectItemCaseSensitive(d, "ctrl"), &o->ctrl, where, err, errlen);
}

/* "flash": [{"alt": 0, "address": "0x080A0000", "file": "user.bin"}, ...]:
 * content put in place after the device was added.  "file" is relative to
 * the scenario's directory; "hex" gives bytes inline; "fill" (a byte) with
 * "length" fills a range. */
static int load_flash(struct vdev_device *dev, const cJSON *flash, const char *dir,
		      const char *where, char *err, size_t errlen)
{
	const cJSON *e;
	int i = 0, rc;

	if (flash && !cJSON_IsArray(flash)) {
		snprintf(err, errlen, "%s: flash is an array", where);
		return -EINVAL;
	}
	cJSON_ArrayForEach(e, flash) {
		const char *bad, *file = str(e, "file"), *hex = str(e, "hex");
		const cJSON *fill = cJSON_GetObjectItemCaseSensitive(e, "fill");
		unsigned alt = num_or(e, "alt", 0);
		uint32_t addr;

		if (!cJSON_IsObject(e) || (bad = unknown_key(e, flash_keys)) ||
		    !address(cJSON_GetObjectItemCaseSensitive(e, "address"), &addr) ||
		    (!!file + !!hex + !!fill) != 1) {
			snprintf(err, errlen, "%s: flash[%d]: want {\"alt\", \"address\", and one of "
				 "\"file\", \"hex\", \"fill\"+\"length\"}", where, i);
			return -EINVAL;
		}
		if (file) {
			char *path = g_path_is_absolute(file) ? g_strdup(file)
							      : g_build_filename(dir, file, NULL);

			rc = vdev_device_flash_load(dev, alt, addr, path);
			if (rc < 0)
				snprintf(err, errlen, "%s: flash[%d]: %s: %s", where, i, path,
					 g_strerror(-rc));
			g_free(path);
		} else {
			size_t n = hex ? strlen(hex) / 2 : num(e, "length");
			uint8_t *buf = g_malloc(n ? n : 1);

			for (size_t k = 0; k < n; k++) {
				char b[3] = { hex ? hex[2 * k] : 0, hex ? hex[2 * k + 1] : 0, 0 };
				buf[k] = hex ? (uint8_t)strtoul(b, NULL, 16)
					     : (uint8_t)(cJSON_IsNumber(fill) ? fill->valueint : 0xff);
			}
			rc = vdev_device_flash_write(dev, alt, addr, buf, n);
			g_free(buf);
			if (rc < 0)
				snprintf(err, errlen, "%s: flash[%d]: alt %u, 0x%08x + %zu: %s", where,
					 i, alt, addr, n, rc == -ERANGE ? "outside the memory map"
									: "no such alt");
		}
		if (rc < 0)
			return rc;
		i++;
	}
	return 0;
}

int vdev_bed_load_scenario(struct vdev_bed *bed, const char *path, char *err, size_t errlen)
{
	char *text = NULL, dummy[8], where[64], *dir;
	const cJSON *devs, *d;
	const char *bad;
	cJSON *root;
	gsize len = 0;
	int added = 0, rc = 0, i = 0;

	if (!err) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	if (!g_file_get_contents(path, &text, &len, NULL)) {
		snprintf(err, errlen, "%s: cannot read the scenario file", path);
		return -ENOENT;
	}
	root = cJSON_ParseWithLength(text, len);
	g_free(text);
	if (!cJSON_IsObject(root)) {
		snprintf(err, errlen, "%s: not a JSON object", path);
		cJSON_Delete(root);
		return -EINVAL;
	}
	devs = cJSON_GetObjectItemCaseSensitive(root, "devices");
	if ((bad = unknown_key(root, top_keys)) || !cJSON_IsArray(devs)) {
		snprintf(err, errlen, "%s: %s%s%s", path, bad ? "unknown key \"" : "no \"devices\" array",
			 bad ? bad : "", bad ? "\"" : "");
		cJSON_Delete(root);
		return -EINVAL;
	}
	dir = g_path_get_dirname(path);
	cJSON_ArrayForEach(d, devs) {
		struct vdev_device_opts o;
		struct vdev_device *dev;
		char *modules_json = NULL, msg[256];
		bool busy = false;

		snprintf(where, sizeof(where), "devices[%d]", i++);
		rc = parse_device(d, &o, &busy, &modules_json, where, msg, sizeof(msg));
		dev = rc < 0 ? NULL : vdev_bed_add_device(bed, &o, msg, sizeof(msg));
		cJSON_free(modules_json);
		if (!dev) {
			snprintf(err, errlen, "%s: %s", path, msg);
			rc = rc < 0 ? rc : -EINVAL;
			break;
		}
		if ((rc = load_flash(dev, cJSON_GetObjectItemCaseSensitive(d, "flash"), dir, where, msg,
				     sizeof(msg))) < 0) {
			snprintf(err, errlen, "%s: %s", path, msg);
			break;
		}
		if (busy && (rc = vdev_device_hold_port(dev)) < 0) {
			snprintf(err, errlen, "%s: %s: cannot hold its port: %s", path, where,
				 g_strerror(-rc));
			break;
		}
		added++;
	}
	g_free(dir);
	cJSON_Delete(root);
	return rc < 0 ? rc : added;
}
