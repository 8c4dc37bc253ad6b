/* vdev_platforms.c - devices.json -> struct vdev_platform, with cJSON.
 * Device specifics are data: nothing here knows a platform by name. */
#include "vdev_platforms.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *json_str(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int json_int(const cJSON *obj, const char *key, int dflt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsNumber(v) ? v->valueint : dflt;
}

static void copy_str(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

/* "2b04:c00d" -> vid, pid; false when malformed. */
static bool parse_usb_id(const char *s, uint16_t *vid, uint16_t *pid)
{
	unsigned v, p;
	char tail;

	if (!s || sscanf(s, "%4x:%4x%c", &v, &p, &tail) != 2)
		return false;
	*vid = (uint16_t)v;
	*pid = (uint16_t)p;
	return true;
}

static bool has_item(const cJSON *arr, const char *word)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, arr) {
		if (cJSON_IsString(it) && strcmp(it->valuestring, word) == 0)
			return true;
	}
	return false;
}

static int parse_one(const cJSON *d, struct vdev_platform *p, char *err, size_t errlen)
{
	const cJSON *usb = cJSON_GetObjectItemCaseSensitive(d, "usb");
	const cJSON *dfu = cJSON_GetObjectItemCaseSensitive(d, "dfu");
	const cJSON *baud = cJSON_GetObjectItemCaseSensitive(d, "magic_baud");
	const cJSON *feat = cJSON_GetObjectItemCaseSensitive(d, "features");
	const cJSON *conn = cJSON_GetObjectItemCaseSensitive(d, "connectivity");
	const cJSON *alts, *it;
	const char *key = json_str(d, "id");

	memset(p, 0, sizeof(*p));
	if (!key || !cJSON_IsObject(usb)) {
		snprintf(err, errlen, "devices.json: a device has no \"id\" or no \"usb\" object");
		return -EINVAL;
	}
	copy_str(p->key, sizeof(p->key), key);
	copy_str(p->name, sizeof(p->name), json_str(d, "name"));
	copy_str(p->mcu, sizeof(p->mcu), json_str(d, "mcu"));
	p->id = json_int(d, "platform_id", -1);
	p->gen = json_int(d, "generation", 0);
	if (!parse_usb_id(json_str(usb, "normal"), &p->vid, &p->pid))
		return 1; /* no USB personality (e.g. linux): not emulated */
	if (!parse_usb_id(json_str(usb, "dfu"), &p->dfu_vid, &p->dfu_pid)) {
		p->dfu_vid = 0;
		p->dfu_pid = 0;
	}
	copy_str(p->manufacturer, sizeof(p->manufacturer), json_str(usb, "manufacturer"));
	if (!p->manufacturer[0])
		copy_str(p->manufacturer, sizeof(p->manufacturer), "Particle");
	copy_str(p->product, sizeof(p->product), json_str(usb, "product"));
	if (!p->product[0])
		copy_str(p->product, sizeof(p->product), p->name);
	copy_str(p->dfu_product, sizeof(p->dfu_product), json_str(usb, "dfu_product"));
	if (!p->dfu_product[0])
		snprintf(p->dfu_product, sizeof(p->dfu_product), "%s DFU Mode", p->name);
	p->serial_is_device_id = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(usb, "serial_is_device_id"));
	p->wifi = has_item(conn, "wifi");
	p->cellular = has_item(conn, "cellular");
	p->listening_console = !cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(feat, "listening_console"));
	p->magic_baud_dfu = (unsigned)json_int(baud, "dfu", 0);
	p->magic_baud_listen = (unsigned)json_int(baud, "listening", 0);
	p->listen_below_major = json_int(baud, "listening_below_major", 0);
	p->dfu_transfer_size = (unsigned)json_int(dfu, "transfer_size", 1024);
	if (has_item(cJSON_GetObjectItemCaseSensitive(d, "quirks"), "control-out-needs-data"))
		p->quirks |= VDEV_QUIRK_OUT_NEEDS_DATA;
	if (has_item(cJSON_GetObjectItemCaseSensitive(d, "quirks"), "no-control-requests") ||
	    cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(feat, "control_requests")))
		p->quirks |= VDEV_QUIRK_NO_CONTROL_REQ;
	if (has_item(cJSON_GetObjectItemCaseSensitive(d, "quirks"), "manifest-as-idle"))
		p->quirks |= VDEV_QUIRK_MANIFEST_AS_IDLE;
	if (has_item(cJSON_GetObjectItemCaseSensitive(d, "quirks"), "manifest-resets"))
		p->quirks |= VDEV_QUIRK_MANIFEST_RESETS;
	alts = cJSON_GetObjectItemCaseSensitive(dfu, "alts");
	cJSON_ArrayForEach(it, alts) {
		if (!cJSON_IsString(it) || p->ndfu_alt >= VDEV_MAX_ALTS)
			continue;
		copy_str(p->dfu_alt[p->ndfu_alt], sizeof(p->dfu_alt[0]), it->valuestring);
		p->ndfu_alt++;
	}
	return 0;
}

int vdev_platforms_parse(const char *text, size_t len, struct vdev_platforms *out, char *err,
			 size_t errlen)
{
	cJSON *root = cJSON_ParseWithLength(text, len);
	const cJSON *devs, *d;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!root) {
		snprintf(err, errlen, "devices.json: not valid JSON");
		return -EINVAL;
	}
	devs = cJSON_GetObjectItemCaseSensitive(root, "devices");
	if (!cJSON_IsArray(devs)) {
		snprintf(err, errlen, "devices.json: no \"devices\" array");
		cJSON_Delete(root);
		return -EINVAL;
	}
	out->v = calloc((size_t)cJSON_GetArraySize(devs) + 1, sizeof(*out->v));
	if (!out->v) {
		cJSON_Delete(root);
		return -ENOMEM;
	}
	cJSON_ArrayForEach(d, devs) {
		rc = parse_one(d, &out->v[out->n], err, errlen);
		if (rc < 0)
			break;
		if (rc == 0)
			out->n++;
		rc = 0;
	}
	cJSON_Delete(root);
	if (rc < 0)
		vdev_platforms_done(out);
	return rc;
}

int vdev_platforms_load(const char *path, struct vdev_platforms *out, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long size;
	int rc;

	if (!f) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return rc;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		snprintf(err, errlen, "%s: cannot determine size", path);
		return -EIO;
	}
	buf = malloc((size_t)size + 1);
	if (!buf) {
		fclose(f);
		return -ENOMEM;
	}
	if (fread(buf, 1, (size_t)size, f) != (size_t)size) {
		free(buf);
		fclose(f);
		snprintf(err, errlen, "%s: short read", path);
		return -EIO;
	}
	fclose(f);
	rc = vdev_platforms_parse(buf, (size_t)size, out, err, errlen);
	free(buf);
	return rc;
}

void vdev_platforms_done(struct vdev_platforms *p)
{
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

const struct vdev_platform *vdev_platforms_find(const struct vdev_platforms *p, const char *key)
{
	for (size_t i = 0; key && i < p->n; i++) {
		if (strcmp(p->v[i].key, key) == 0)
			return &p->v[i];
	}
	return NULL;
}
