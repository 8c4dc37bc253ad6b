/* vdev_ctrl_requests.c - the request types a virtual device answers
 * (protocols.md 3.5), with replies encoded as Device OS's nanopb does
 * (proto3: default values left out).  Message layouts from
 * particle-iot/device-os-protobuf control/{config,storage,network,
 * cellular}.proto and cloud/describe.proto.  Anything else: NOT_SUPPORTED
 * (-120), as Device OS answers when no application handler takes it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vdev_ctrl.h"
#include "vdev_modules.h"
#include "vdev_pb.h"

enum {
	T_DEVICE_ID = 20,
	T_SERIAL_NUMBER = 21,
	T_SYSTEM_VERSION = 30,
	T_RESET = 40,
	T_FACTORY_RESET = 41,
	T_DFU_MODE = 50,
	T_SAFE_MODE = 60,
	T_START_LISTENING = 70,
	T_STOP_LISTENING = 71,
	T_GET_DEVICE_MODE = 72,
	T_GET_PROTECTED_STATE = 76,
	T_GET_MODULE_INFO = 90,
	T_DIAGNOSTIC_INFO = 100,
	T_NETWORK_GET_INTERFACE_LIST = 400,
	T_NETWORK_GET_INTERFACE = 401,
	T_CELLULAR_GET_ICCID = 554,
};

/* Interface types and flags of control/network.proto. */
enum { IF_LOOPBACK = 0x01, IF_WIFI = 0x08, IF_PPP = 0x10 };
enum {
	IFF_UP = 0x01,
	IFF_BROADCAST = 0x02,
	IFF_LOOPBACK = 0x08,
	IFF_POINTTOPOINT = 0x10,
	IFF_RUNNING = 0x40,
	IFF_NOARP = 0x80,
	IFF_MULTICAST = 0x8000,
};

static int os_number(const struct vdev_device *dev)
{
	return vdev_modules_system_version(dev->os_version);
}

/* ---- GET_MODULE_INFO ------------------------------------------------------------ */

/* cloud/describe.proto FirmwareModuleType and the old control/storage.proto
 * FirmwareModuleType of GetModuleInfoReply.Module. */
static unsigned module_type(char f, bool legacy)
{
	switch (f) {
	case 'b':
		return legacy ? 1 : 2;
	case 's':
		return legacy ? 2 : 4;
	case 'u':
		return legacy ? 3 : 5;
	case 'm':
		return legacy ? 4 : 3;
	case 'c':
		return legacy ? 5 : 7;
	case 'a':
		return legacy ? 6 : 8;
	default:
		return 0;
	}
}

static void hex_to_bytes(const char *hex, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char b[3] = { hex[2 * i], hex[2 * i + 1], 0 };
		out[i] = (uint8_t)strtoul(b, NULL, 16);
	}
}

/* SHA-256 of a module: the user part's known hash, a stable made-up one for
 * the rest (Device OS sends a hash for every module: FORCE_SHA). */
static void module_hash(const struct vdev_device *dev, const struct vdev_module *m, uint8_t out[32])
{
	char text[96];
	GChecksum *ck;
	gsize len = 32;

	if (m->user_hash) {
		hex_to_bytes(VDEV_USER_PART_HASH, out, 32);
		return;
	}
	snprintf(text, sizeof(text), "vdev %s %c %d %d", dev->plat->key, m->function, m->index,
		 m->version);
	ck = g_checksum_new(G_CHECKSUM_SHA256);
	g_checksum_update(ck, (const guchar *)text, (gssize)strlen(text));
	g_checksum_get_digest(ck, out, &len);
	g_checksum_free(ck);
}

static uint32_t module_size(const struct vdev_module *m)
{
	return (uint32_t)m->max_size / 2 + 4; /* image + CRC, as Device OS counts it */
}

static void put_deps(GByteArray *msg, unsigned field, const struct vdev_module *m, bool legacy)
{
	for (size_t i = 0; i < m->ndeps; i++) {
		GByteArray *d = g_byte_array_new();

		vdev_pb_put_varint_field(d, 1, module_type(m->deps[i].function, legacy));
		vdev_pb_put_varint_field(d, 2, (uint64_t)m->deps[i].index);
		vdev_pb_put_varint_field(d, 3, (uint64_t)m->deps[i].version);
		vdev_pb_put_message_field(msg, field, d);
		g_byte_array_unref(d);
	}
}

static void module_info(const struct vdev_device *dev, bool legacy, GByteArray *reply)
{
	struct vdev_module mods[VDEV_MAX_MODULES];
	/* A scenario's verbatim table answers on USB as on the console. */
	size_t n = dev->modules_json[0]
			   ? vdev_modules_from_json(dev->modules_json, mods, VDEV_MAX_MODULES)
			   : vdev_modules_list(dev->plat, dev->os_version, dev->modules, mods,
					       VDEV_MAX_MODULES);

	for (size_t i = 0; i < n; i++) {
		const struct vdev_module *m = &mods[i];
		GByteArray *msg;
		unsigned failed = (unsigned)(m->checked ^ m->passed);

		if (!m->function)
			continue; /* empty slot: Device OS skips invalid module functions */
		msg = g_byte_array_new();
		vdev_pb_put_varint_field(msg, 1, module_type(m->function, legacy));
		vdev_pb_put_varint_field(msg, 2, (uint64_t)m->index);
		vdev_pb_put_varint_field(msg, 3, (uint64_t)m->version);
		if (legacy) {
			/* Module: 4 size, 5 validity (0x01 integrity failed,
			 * 0x02 dependency failed), 6 dependencies. */
			vdev_pb_put_varint_field(msg, 4, module_size(m));
			vdev_pb_put_varint_field(msg, 5, (failed & 0x02 ? 0x01u : 0u) |
							      (failed & 0x04 ? 0x02u : 0u));
			put_deps(msg, 6, m, true);
			vdev_pb_put_message_field(reply, 1, msg);
		} else {
			uint8_t hash[32];

			/* FirmwareModule: 4 store, 5 max_size, 6/7 checked/passed
			 * (fixed32), 8 hash, 9 dependencies, 11 size. */
			vdev_pb_put_varint_field(msg, 4, m->store == 'f' ? 1u : 0u);
			vdev_pb_put_varint_field(msg, 5, (uint64_t)m->max_size);
			vdev_pb_put_fixed32_field(msg, 6, (uint32_t)m->checked);
			vdev_pb_put_fixed32_field(msg, 7, (uint32_t)m->passed);
			module_hash(dev, m, hash);
			vdev_pb_put_bytes_field(msg, 8, hash, sizeof(hash));
			put_deps(msg, 9, m, false);
			vdev_pb_put_varint_field(msg, 11, module_size(m));
			vdev_pb_put_message_field(reply, 2, msg);
		}
		g_byte_array_unref(msg);
	}
}

/* ---- network interfaces ------------------------------------------------------- */

struct iface {
	unsigned index;
	const char *name;
	unsigned type, flags, mtu;
	bool has_mac;
};

/* lo0, then wl3 on Wi-Fi platforms, then a PPP interface on cellular ones
 * (LwIP-style names; Device OS derives the type from the name prefix). */
static size_t interfaces(const struct vdev_device *dev, struct iface *out)
{
	size_t n = 0;

	out[n++] = (struct iface){ 1, "lo0", IF_LOOPBACK, IFF_UP | IFF_LOOPBACK | IFF_RUNNING, 0,
				   false };
	if (dev->plat->wifi)
		out[n++] = (struct iface){ 3, "wl3", IF_WIFI, IFF_UP | IFF_BROADCAST | IFF_MULTICAST,
					   1500, true };
	if (dev->plat->cellular)
		out[n++] = (struct iface){ dev->plat->wifi ? 4u : 3u, dev->plat->wifi ? "pp4" : "pp3",
					   IF_PPP, IFF_POINTTOPOINT | IFF_NOARP, 1500, false };
	return n;
}

static bool parse_mac(const char *text, uint8_t mac[6])
{
	unsigned b[6];

	if (sscanf(text, "%2x:%2x:%2x:%2x:%2x:%2x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6)
		return false;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return true;
}

static void interface_list(const struct vdev_device *dev, GByteArray *reply)
{
	struct iface ifs[3];
	size_t n = interfaces(dev, ifs);

	for (size_t i = 0; i < n; i++) {
		GByteArray *e = g_byte_array_new();

		vdev_pb_put_varint_field(e, 1, ifs[i].index);
		vdev_pb_put_string_field(e, 2, ifs[i].name);
		vdev_pb_put_varint_field(e, 3, ifs[i].type);
		vdev_pb_put_message_field(reply, 1, e);
		g_byte_array_unref(e);
	}
}

static int32_t interface_one(const struct vdev_device *dev, const uint8_t *payload, size_t len,
			     GByteArray *reply)
{
	struct iface ifs[3];
	size_t n = interfaces(dev, ifs);
	uint64_t index = 0;
	GByteArray *msg;
	uint8_t mac[6];

	if (!vdev_pb_valid(payload, len))
		return VDEV_RESULT_BAD_DATA;
	vdev_pb_get_varint(payload, len, 1, &index);
	for (size_t i = 0; i < n; i++) {
		if (ifs[i].index != index)
			continue;
		msg = g_byte_array_new();
		vdev_pb_put_varint_field(msg, 1, ifs[i].index);
		vdev_pb_put_string_field(msg, 2, ifs[i].name);
		vdev_pb_put_varint_field(msg, 3, ifs[i].type);
		vdev_pb_put_varint_field(msg, 4, ifs[i].flags);
		if (ifs[i].has_mac && parse_mac(dev->mac, mac))
			vdev_pb_put_bytes_field(msg, 8, mac, sizeof(mac));
		vdev_pb_put_varint_field(msg, 9, ifs[i].mtu);
		vdev_pb_put_message_field(reply, 1, msg);
		g_byte_array_unref(msg);
		return VDEV_RESULT_OK;
	}
	return VDEV_RESULT_NOT_FOUND;
}

/* ---- dispatcher ------------------------------------------------------------- */

int32_t vdev_ctrl_process(struct vdev_device *dev, const struct vdev_ctrl_opts *o, uint16_t type,
			  const uint8_t *payload, size_t len, GByteArray *reply,
			  enum vdev_ctrl_action *action)
{
	const struct vdev_platform *p = dev->plat;

	*action = VDEV_CTRL_ACT_NONE;
	for (size_t i = 0; i < o->nresults && i < VDEV_CTRL_MAX_RESULTS; i++) {
		if (o->results[i].type == type)
			return o->results[i].result;
	}
	switch (type) {
	case T_DEVICE_ID:
		if (p->gen <= 2 && os_number(dev) < 1500)
			return VDEV_RESULT_NOT_SUPPORTED;
		vdev_pb_put_string_field(reply, 1, dev->id); /* lower-case hex */
		return VDEV_RESULT_OK;
	case T_SERIAL_NUMBER:
		if (!dev->serial_number[0])
			return VDEV_RESULT_NOT_SUPPORTED;
		vdev_pb_put_string_field(reply, 1, dev->serial_number);
		return VDEV_RESULT_OK;
	case T_SYSTEM_VERSION:
		vdev_pb_put_string_field(reply, 1, dev->os_version);
		return VDEV_RESULT_OK;
	case T_RESET:
	case T_FACTORY_RESET:
		*action = VDEV_CTRL_ACT_RESET;
		return VDEV_RESULT_OK;
	case T_DFU_MODE:
		*action = VDEV_CTRL_ACT_DFU;
		return VDEV_RESULT_OK;
	case T_SAFE_MODE:
		*action = VDEV_CTRL_ACT_SAFE;
		return VDEV_RESULT_OK;
	case T_START_LISTENING:
	case T_STOP_LISTENING:
		vdev_device_set_listening(dev, type == T_START_LISTENING);
		return VDEV_RESULT_OK;
	case T_GET_DEVICE_MODE:
		if (p->gen <= 2 && os_number(dev) < 1100)
			return VDEV_RESULT_NOT_SUPPORTED;
		/* 0 NORMAL (left out), 1 LISTENING; safe mode is not reported. */
		vdev_pb_put_varint_field(reply, 1, dev->mode == VDEV_MODE_LISTENING ? 1u : 0u);
		return VDEV_RESULT_OK;
	case T_GET_PROTECTED_STATE:
		if (p->gen < 3 || os_number(dev) < 6100)
			return VDEV_RESULT_NOT_SUPPORTED;
		return VDEV_RESULT_OK; /* state false, overridden false: empty */
	case T_GET_MODULE_INFO:
		module_info(dev, o->module_info_legacy, reply);
		return VDEV_RESULT_OK;
	case T_DIAGNOSTIC_INFO: {
		gint64 up = (g_get_monotonic_time() - dev->boot_us) / G_USEC_PER_SEC;
		char *json;

		if (len)
			return VDEV_RESULT_NOT_SUPPORTED; /* partial queries */
		json = vdev_modules_diagnostics(p, (unsigned)up);
		if (json)
			g_byte_array_append(reply, (const guint8 *)json, (guint)strlen(json));
		free(json);
		return VDEV_RESULT_OK;
	}
	case T_NETWORK_GET_INTERFACE_LIST:
		interface_list(dev, reply);
		return VDEV_RESULT_OK;
	case T_NETWORK_GET_INTERFACE:
		return interface_one(dev, payload, len, reply);
	case T_CELLULAR_GET_ICCID:
		if (!p->cellular)
			return VDEV_RESULT_NOT_SUPPORTED;
		vdev_pb_put_string_field(reply, 1, dev->iccid);
		vdev_pb_put_string_field(reply, 2, dev->imei);
		return VDEV_RESULT_OK;
	default:
		return VDEV_RESULT_NOT_SUPPORTED;
	}
}
