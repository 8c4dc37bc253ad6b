/* vdev_modules.c - module tables per platform family (chosen by the mcu of
 * devices.json), in the shape of protocols.md 2.5 and the describe fixtures
 * of binary-version-reader.  Versions: system parts use the Device OS
 * version number (major*1000 + minor*100 + patch); bootloader, radio stack,
 * NCP and user-part versions are synthetic but plausible. */
#include "vdev_modules.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

/* A made-up but stable SHA-256 for the user part ("u"). */
#define USER_PART_HASH "3FE3D246AB659DC01C4CFE030B89EE23FFBF54EDBAA402957CBC47078E631341"

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

struct dep {
	const char *f, *n;
	int v;
};

/* One module object; ndeps dependencies; vv passed checks; hash or NULL;
 * f NULL for an empty slot (no f/n/v, as Device OS prints it). */
static void add_module(cJSON *m, int size, const char *loc, int vv, const char *hash, const char *f,
		       const char *n, int v, const struct dep *deps, size_t ndeps)
{
	cJSON *o = cJSON_CreateObject(), *d;

	cJSON_AddNumberToObject(o, "s", size);
	cJSON_AddStringToObject(o, "l", loc);
	cJSON_AddNumberToObject(o, "vc", 30);
	cJSON_AddNumberToObject(o, "vv", vv);
	if (hash)
		cJSON_AddStringToObject(o, "u", hash);
	if (f) {
		cJSON_AddStringToObject(o, "f", f);
		cJSON_AddStringToObject(o, "n", n);
		cJSON_AddNumberToObject(o, "v", v);
	}
	d = cJSON_AddArrayToObject(o, "d");
	for (size_t i = 0; i < ndeps; i++) {
		cJSON *e = cJSON_CreateObject();

		cJSON_AddStringToObject(e, "f", deps[i].f);
		cJSON_AddStringToObject(e, "n", deps[i].n);
		cJSON_AddNumberToObject(e, "v", deps[i].v);
		cJSON_AddItemToArray(d, e);
	}
	cJSON_AddItemToArray(m, o);
}

/* STM32F2xx (Photon, P1, Electron): bootloader, 2 or 3 system parts chained
 * by dependencies, user part, empty factory slot.  Safe-mode case: part 1 is
 * one version behind what part 2 needs (vv 26 on part 2). */
static void stm32f2_modules(cJSON *m, const struct vdev_platform *p, int sv, int bl, bool broken)
{
	int nparts = p->cellular ? 3 : 2, size = p->cellular ? 131072 : 262144;
	static const char *const num[] = { "0", "1", "2", "3" };

	add_module(m, 16384, "m", 30, NULL, "b", "0", bl, NULL, 0);
	for (int i = 1; i <= nparts; i++) {
		struct dep dep = { "s", num[i - 1], sv };
		int v = (broken && i == 1) ? sv - 1 : sv;
		int vv = (broken && i == 2) ? 26 : 30;

		add_module(m, size, "m", vv, NULL, "s", num[i], v, &dep, i > 1 ? 1 : 0);
	}
	{
		struct dep dep = { "s", num[nparts], sv };
		add_module(m, 131072, "m", 30, USER_PART_HASH, "u", "1", 6, &dep, 1);
	}
	add_module(m, 131072, "f", 0, NULL, NULL, NULL, 0, NULL, 0);
}

/* nRF52840 and RTL872x: bootloader, (nRF: SoftDevice radio stack; Wi-Fi
 * nRF: ESP32 NCP), system part 1 depending on the bootloader (and radio
 * stack), user part.  Safe-mode case: the system part needs a newer
 * bootloader than the one installed (vv 26). */
static void single_part_modules(cJSON *m, const struct vdev_platform *p, int sv, int bl,
				bool broken)
{
	bool nrf = strcmp(p->mcu, "nrf52840") == 0;
	struct dep sys_deps[2] = { { "b", "0", broken ? bl + 1 : bl }, { "a", "0", 202 } };
	struct dep user_dep = { "s", "1", sv };

	add_module(m, 49152, "m", 30, NULL, "b", "0", bl, NULL, 0);
	if (nrf)
		add_module(m, 192512, "m", 30, NULL, "a", "0", 202, NULL, 0);
	add_module(m, nrf ? 999424 : 1572864, "m", broken ? 26 : 30, NULL, "s", "1", sv, sys_deps,
		   nrf ? 2 : 1);
	add_module(m, nrf ? 262144 : 2097152, "m", 30, USER_PART_HASH, "u", "1", 6, &user_dep, 1);
	if (nrf && p->wifi)
		add_module(m, 1536000, "m", 30, NULL, "c", "0", 7, NULL, 0);
}

/* STM32F1xx (Core): one monolithic firmware, no dependencies. */
static void monolithic_modules(cJSON *m, int sv)
{
	add_module(m, 110592, "m", 30, NULL, "m", "0", sv, NULL, 0);
}

char *vdev_modules_describe(const struct vdev_platform *p, const char *os_version,
			    enum vdev_modules kind, const struct vdev_describe_keys *keys)
{
	cJSON *root = cJSON_CreateObject(), *m;
	int sv = vdev_modules_system_version(os_version), bl = bootloader_version(os_version);
	bool broken = kind == VDEV_MODULES_SAFE_MODE_DEP;
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
	if (strcmp(p->mcu, "stm32f2xx") == 0)
		stm32f2_modules(m, p, sv, bl, broken);
	else if (strcmp(p->mcu, "stm32f1xx") == 0)
		monolithic_modules(m, sv);
	else
		single_part_modules(m, p, sv, bl, broken);
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
