/* vdev_scenario.c - scenario files (tests/virtual/README.md): a JSON object
 * with a "devices" array; every key is checked so a typo fails loudly. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vdev_internal.h"

static const char *const device_keys[] = {
	"platform", "device_id", "os_version", "mode", "safe_mode", "claimed", "modules",
	"modules_json", "usb_serial", "mac", "imei", "iccid", "cell_fw", "serial_number",
	"device_secret", "wifi_save_fails", "timing", "faults", "comment", NULL,
};
static const char *const fault_keys[] = {
	"silent", "garbage", "truncated_json", "first_byte_delay_ms", "byte_delay_ms",
	"disconnect_mid_reply", "never_returns", "port_busy", NULL,
};
static const char *const timing_keys[] = { "reset_ms", "enumerate_ms", NULL };
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
	o->faults.silent = flag(f, "silent");
	o->faults.garbage = flag(f, "garbage");
	o->faults.truncated_json = flag(f, "truncated_json");
	o->faults.first_byte_delay_ms = num(f, "first_byte_delay_ms");
	o->faults.byte_delay_ms = num(f, "byte_delay_ms");
	o->faults.disconnect_mid_reply = flag(f, "disconnect_mid_reply");
	o->faults.never_returns = flag(f, "never_returns");
	*port_busy = flag(f, "port_busy");
	return 0;
}

int vdev_bed_load_scenario(struct vdev_bed *bed, const char *path, char *err, size_t errlen)
{
	char *text = NULL, dummy[8], where[64];
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
		if (busy && (rc = vdev_device_hold_port(dev)) < 0) {
			snprintf(err, errlen, "%s: %s: cannot hold its port: %s", path, where,
				 g_strerror(-rc));
			break;
		}
		added++;
	}
	cJSON_Delete(root);
	return rc < 0 ? rc : added;
}
