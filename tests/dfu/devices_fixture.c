#include "devices_fixture.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *devices_fixture_slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		perror(path);
		return NULL;
	}
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	char chunk[4096];
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) {
		if (len + n + 1 > cap) {
			cap = (len + n + 1) * 2;
			char *p = realloc(buf, cap);
			if (!p) {
				free(buf);
				fclose(fp);
				return NULL;
			}
			buf = p;
		}
		memcpy(buf + len, chunk, n);
		len += n;
	}
	fclose(fp);
	if (buf)
		buf[len] = '\0';
	return buf;
}

static const char *devices_fixture_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void devices_fixture_usb(const cJSON *usb, const char *key, uint16_t *vid, uint16_t *pid)
{
	const char *s = devices_fixture_str(usb, key);
	unsigned a = 0, b = 0;
	if (s && sscanf(s, "%x:%x", &a, &b) == 2) {
		*vid = (uint16_t)a;
		*pid = (uint16_t)b;
	}
}

int devices_fixture_load(struct devices_fixture *f)
{
	memset(f, 0, sizeof *f);
	char *text = devices_fixture_slurp(BD_TEST_DEVICES_JSON);
	if (!text)
		return -1;
	cJSON *root = cJSON_Parse(text);
	free(text);
	const cJSON *devices = cJSON_GetObjectItemCaseSensitive(root, "devices");
	if (!cJSON_IsArray(devices)) {
		fprintf(stderr, "%s: no \"devices\" array\n", BD_TEST_DEVICES_JSON);
		cJSON_Delete(root);
		return -1;
	}
	size_t n = (size_t)cJSON_GetArraySize(devices);
	f->v = calloc(n ? n : 1, sizeof *f->v);
	if (!f->v) {
		cJSON_Delete(root);
		return -1;
	}
	f->json = root;
	size_t i = 0;
	const cJSON *d;
	cJSON_ArrayForEach(d, devices) {
		struct bd_platform *p = &f->v[i++];
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(d, "platform_id");
		p->id = cJSON_IsNumber(v) ? v->valueint : -1;
		p->key = devices_fixture_str(d, "id");
		p->name = devices_fixture_str(d, "name");
		p->mcu = devices_fixture_str(d, "mcu");
		v = cJSON_GetObjectItemCaseSensitive(d, "generation");
		p->gen = cJSON_IsNumber(v) ? v->valueint : 0;
		const cJSON *usb = cJSON_GetObjectItemCaseSensitive(d, "usb");
		devices_fixture_usb(usb, "normal", &p->vid, &p->pid);
		devices_fixture_usb(usb, "dfu", &p->dfu_vid, &p->dfu_pid);
		const cJSON *q;
		cJSON_ArrayForEach(q, cJSON_GetObjectItemCaseSensitive(d, "quirks")) {
			if (!cJSON_IsString(q))
				continue;
			if (strcmp(q->valuestring, "control-out-needs-data") == 0)
				p->quirks |= BD_QUIRK_OUT_NEEDS_DATA;
			else if (strcmp(q->valuestring, "no-control-requests") == 0)
				p->quirks |= BD_QUIRK_NO_CONTROL;
			else if (strcmp(q->valuestring, "manifest-as-idle") == 0)
				p->quirks |= BD_QUIRK_MANIFEST_AS_IDLE;
			else if (strcmp(q->valuestring, "manifest-resets") == 0)
				p->quirks |= BD_QUIRK_MANIFEST_RESETS;
		}
		const cJSON *dfu = cJSON_GetObjectItemCaseSensitive(d, "dfu");
		v = cJSON_GetObjectItemCaseSensitive(dfu, "transfer_size");
		p->dfu_transfer_size = cJSON_IsNumber(v) ? (uint16_t)v->valueint : 0;
		const cJSON *alt;
		cJSON_ArrayForEach(alt, cJSON_GetObjectItemCaseSensitive(dfu, "alts")) {
			if (cJSON_IsString(alt) && p->ndfu_alt < BD_PLATFORM_MAX_ALTS)
				p->dfu_alt[p->ndfu_alt++] = alt->valuestring;
		}
		const cJSON *up = cJSON_GetObjectItemCaseSensitive(d, "user_part");
		const char *addr = devices_fixture_str(up, "address");
		p->user_part_addr = addr ? (uint32_t)strtoul(addr, NULL, 16) : 0;
		v = cJSON_GetObjectItemCaseSensitive(up, "max_size");
		p->user_part_max = cJSON_IsNumber(v) ? (uint32_t)v->valuedouble : 0;
	}
	f->platforms.v = f->v;
	f->platforms.n = i;
	return 0;
}

void devices_fixture_free(struct devices_fixture *f)
{
	cJSON_Delete(f->json);
	free(f->v);
	memset(f, 0, sizeof *f);
}

const struct bd_platform *devices_fixture_get(const struct devices_fixture *f, const char *key)
{
	for (size_t i = 0; i < f->platforms.n; i++)
		if (f->v[i].key && strcmp(f->v[i].key, key) == 0)
			return &f->v[i];
	fprintf(stderr, "knowledge/devices.json has no platform \"%s\"\n", key);
	abort();
}
