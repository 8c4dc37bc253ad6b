/* vdev_modules.c - module tables per platform family (chosen by the mcu of
 * devices.json), in the shape of protocols.md 2.5 and the describe fixtures
 * of binary-version-reader.  Versions: system parts use the Device OS
 * version number (major*1000 + minor*100 + patch); bootloader, radio stack,
 * NCP and user-part versions are synthetic but plausible. */
#include "vdev_modules.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int vdev_modules_system_version(const char *os_version)
{
	int major = 0, minor = 0, patch = 0;

	if (!os_version || sscanf(os_version, "%d.%d.%d", &major, &minor, &patch) < 1)
		return 0;
	return major * 1000 + minor * 100 + patch;
}

static int bootloader_version(const char *os_version)
{
	int major = 0, minor = 0;

	if (os_version)
		sscanf(os_version, "%d.%d", &major, &minor);
	return 1000 + major * 100 + minor;
}

/* Module tables: one row per module as the device lists it. */
struct table {
	struct vdev_module m[VDEV_MAX_MODULES];
	size_t n;
};

static void add(struct table *t, int size, char loc, int vv, bool user_hash, char f, int n, int v,
		const struct vdev_module_dep *deps, size_t ndeps)
{
	struct vdev_module *m;

	if (t->n >= VDEV_MAX_MODULES)
		return;
	m = &t->m[t->n++];
	memset(m, 0, sizeof(*m));
	m->max_size = size;
	m->store = loc;
	m->checked = 30;
	m->passed = vv;
	m->user_hash = user_hash;
	m->function = f;
	m->index = n;
	m->version = v;
	for (size_t i = 0; i < ndeps && i < VDEV_MODULE_MAX_DEPS; i++)
		m->deps[m->ndeps++] = deps[i];
}

/* STM32F2xx (Photon, P1, Electron): bootloader, 2 or 3 system parts chained
 * by dependencies, user part, empty factory slot.  Safe-mode case: part 1 is
 * one version behind what part 2 needs (vv 26 on part 2). */
static void stm32f2_modules(struct table *t, const struct vdev_platform *p, int sv, int bl,
			    bool broken)
{
	int nparts = p->cellular ? 3 : 2, size = p->cellular ? 131072 : 262144;

	add(t, 16384, 'm', 30, false, 'b', 0, bl, NULL, 0);
	for (int i = 1; i <= nparts; i++) {
		struct vdev_module_dep dep = { 's', i - 1, sv };
		int v = (broken && i == 1) ? sv - 1 : sv;
		int vv = (broken && i == 2) ? 26 : 30;

		add(t, size, 'm', vv, false, 's', i, v, &dep, i > 1 ? 1 : 0);
	}
	{
		struct vdev_module_dep dep = { 's', nparts, sv };
		add(t, 131072, 'm', 30, true, 'u', 1, 6, &dep, 1);
	}
	add(t, 131072, 'f', 0, false, 0, 0, 0, NULL, 0);
}

/* nRF52840 and RTL872x: bootloader, (nRF: SoftDevice radio stack; Wi-Fi
 * nRF: ESP32 NCP), system part 1 depending on the bootloader (and radio
 * stack), user part.  Safe-mode case: the system part needs a newer
 * bootloader than the one installed (vv 26). */
static void single_part_modules(struct table *t, const struct vdev_platform *p, int sv, int bl,
				bool broken)
{
	bool nrf = strcmp(p->mcu, "nrf52840") == 0;
	struct vdev_module_dep sys_deps[2] = { { 'b', 0, broken ? bl + 1 : bl }, { 'a', 0, 202 } };
	struct vdev_module_dep user_dep = { 's', 1, sv };

	add(t, 49152, 'm', 30, false, 'b', 0, bl, NULL, 0);
	if (nrf)
		add(t, 192512, 'm', 30, false, 'a', 0, 202, NULL, 0);
	add(t, nrf ? 999424 : 1572864, 'm', broken ? 26 : 30, false, 's', 1, sv, sys_deps,
	    nrf ? 2 : 1);
	add(t, nrf ? 262144 : 2097152, 'm', 30, true, 'u', 1, 6, &user_dep, 1);
	if (nrf && p->wifi)
		add(t, 1536000, 'm', 30, false, 'c', 0, 7, NULL, 0);
}

size_t vdev_modules_list(const struct vdev_platform *p, const char *os_version,
			 enum vdev_modules kind, struct vdev_module *out, size_t max)
{
	struct table t = { .n = 0 };
	int sv = vdev_modules_system_version(os_version), bl = bootloader_version(os_version);
	bool broken = kind == VDEV_MODULES_SAFE_MODE_DEP;

	if (strcmp(p->mcu, "stm32f2xx") == 0)
		stm32f2_modules(&t, p, sv, bl, broken);
	else if (strcmp(p->mcu, "stm32f1xx") == 0)
		add(&t, 110592, 'm', 30, false, 'm', 0, sv, NULL, 0); /* Core: monolithic */
	else
		single_part_modules(&t, p, sv, bl, broken);
	if (t.n > max)
		t.n = max;
	memcpy(out, t.m, t.n * sizeof(t.m[0]));
	return t.n;
}

static void json_module(cJSON *arr, const struct vdev_module *m)
{
	cJSON *o = cJSON_CreateObject(), *d;
	char s[2] = { 0, 0 }, num[12];

	cJSON_AddNumberToObject(o, "s", m->max_size);
	s[0] = m->store;
	cJSON_AddStringToObject(o, "l", s);
	cJSON_AddNumberToObject(o, "vc", m->checked);
	cJSON_AddNumberToObject(o, "vv", m->passed);
	if (m->user_hash)
		cJSON_AddStringToObject(o, "u", VDEV_USER_PART_HASH);
	if (m->function) {
		s[0] = m->function;
		cJSON_AddStringToObject(o, "f", s);
		snprintf(num, sizeof(num), "%d", m->index);
		cJSON_AddStringToObject(o, "n", num);
		cJSON_AddNumberToObject(o, "v", m->version);
	}
	d = cJSON_AddArrayToObject(o, "d");
	for (size_t i = 0; i < m->ndeps; i++) {
		cJSON *e = cJSON_CreateObject();

		s[0] = m->deps[i].function;
		cJSON_AddStringToObject(e, "f", s);
		snprintf(num, sizeof(num), "%d", m->deps[i].index);
		cJSON_AddStringToObject(e, "n", num);
		cJSON_AddNumberToObject(e, "v", m->deps[i].version);
		cJSON_AddItemToArray(d, e);
	}
	cJSON_AddItemToArray(arr, o);
}

char *vdev_modules_describe(const struct vdev_platform *p, const char *os_version,
			    enum vdev_modules kind, const struct vdev_describe_keys *keys)
{
	struct vdev_module mods[VDEV_MAX_MODULES];
	size_t n = vdev_modules_list(p, os_version, kind, mods, VDEV_MAX_MODULES);
	cJSON *root = cJSON_CreateObject(), *m;
	char *out;

	if (!root)
		return NULL;
	cJSON_AddNumberToObject(root, "p", p->id);
	if (keys) {
		if (keys->imei && keys->imei[0])
			cJSON_AddStringToObject(root, "imei", keys->imei);
		if (keys->iccid && keys->iccid[0])
			cJSON_AddStringToObject(root, "iccid", keys->iccid);
		if (keys->cellfw && keys->cellfw[0])
			cJSON_AddStringToObject(root, "cellfw", keys->cellfw);
	}
	m = cJSON_AddArrayToObject(root, "m");
	for (size_t i = 0; i < n; i++)
		json_module(m, &mods[i]);
	out = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	return out;
}

char *vdev_modules_diagnostics(const struct vdev_platform *p, unsigned uptime_s)
{
	cJSON *root = cJSON_CreateObject(), *e;
	char *out;

	if (!root)
		return NULL;
	cJSON_AddNumberToObject(root, "sys:reset", 0);
	cJSON_AddNumberToObject(root, "sys:uptime", uptime_s);
	cJSON_AddNumberToObject(root, "mem:total", 168512);
	cJSON_AddNumberToObject(root, "mem:used", 57488);
	cJSON_AddNumberToObject(root, "net:stat", 0);
	cJSON_AddNumberToObject(root, "cloud:stat", 0);
	/* Not connected while listening: signal sources report an error. */
	e = cJSON_AddObjectToObject(root, p->cellular ? "net:sigstr" : "net:rssi");
	cJSON_AddNumberToObject(e, "err", -210);
	out = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	return out;
}

static int json_int(const cJSON *o, const char *k, int dflt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	if (cJSON_IsNumber(v))
		return v->valueint;
	if (cJSON_IsString(v) && v->valuestring[0])
		return atoi(v->valuestring); /* "n" is a string in Device OS's JSON */
	return dflt;
}

static char json_letter(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) && strlen(v->valuestring) == 1 ? v->valuestring[0] : 0;
}

size_t vdev_modules_from_json(const char *json, struct vdev_module *out, size_t max)
{
	cJSON *root = cJSON_Parse(json);
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "m");
	const cJSON *m;
	size_t n = 0;

	cJSON_ArrayForEach(m, arr) {
		struct vdev_module *o;
		const cJSON *deps, *d;

		if (n == max)
			break;
		o = &out[n++];
		memset(o, 0, sizeof(*o));
		o->max_size = json_int(m, "s", 0);
		o->store = json_letter(m, "l") ? json_letter(m, "l") : 'm';
		o->checked = json_int(m, "vc", 0);
		o->passed = json_int(m, "vv", 0);
		o->user_hash = cJSON_IsString(cJSON_GetObjectItemCaseSensitive(m, "u"));
		o->function = json_letter(m, "f");
		o->index = json_int(m, "n", 0);
		o->version = json_int(m, "v", 0);
		deps = cJSON_GetObjectItemCaseSensitive(m, "d");
		cJSON_ArrayForEach(d, deps) {
			if (o->ndeps == VDEV_MODULE_MAX_DEPS)
				break;
			o->deps[o->ndeps].function = json_letter(d, "f");
			o->deps[o->ndeps].index = json_int(d, "n", 0);
			o->deps[o->ndeps].version = json_int(d, "v", 0);
			o->ndeps++;
		}
	}
	cJSON_Delete(root);
	return n;
}
