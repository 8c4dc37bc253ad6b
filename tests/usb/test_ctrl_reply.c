/* Tests for transports/usb/ctrl_reply.c and ctrl_modinfo.c: replies
 * encoded by hand (pbenc), both module-info numberings, defaults, unknown
 * fields and malformed input. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "pbenc.h"
#include "usb/ctrl_reply.h"

/* FirmwareModule (GetModuleInfoReply field 2) */
static void firmware_module(struct pbenc *reply, int type, int index, int version, int store,
			    uint32_t max_size, uint32_t checked, uint32_t passed, uint32_t size)
{
	struct pbenc m = {.len = 0};
	pbenc_uint(&m, 1, (uint64_t)type);
	pbenc_uint(&m, 2, (uint64_t)index);
	pbenc_uint(&m, 3, (uint64_t)version);
	pbenc_uint(&m, 4, (uint64_t)store);
	pbenc_uint(&m, 5, max_size);
	pbenc_fixed32(&m, 6, checked);
	pbenc_fixed32(&m, 7, passed);
	pbenc_uint(&m, 11, size);
	pbenc_msg(reply, 2, &m);
}

static void dependency(struct pbenc *m, uint32_t field, int type, int index, int version)
{
	struct pbenc d = {.len = 0};
	pbenc_uint(&d, 1, (uint64_t)type);
	pbenc_uint(&d, 2, (uint64_t)index);
	pbenc_uint(&d, 3, (uint64_t)version);
	pbenc_msg(m, field, &d);
}

static int decode(const struct pbenc *e, struct bd_module_table *t, struct bd_error *err)
{
	bd_error_clear(err);
	return bd_ctrl_decode_module_info(e->buf, e->len, t, err);
}

static void test_module_info_current(void **state)
{
	(void)state;
	static struct pbenc reply, m;
	struct bd_module_table t;
	struct bd_error err = {0};
	pbenc_reset(&reply);
	firmware_module(&reply, 2, 0, 3001, 0, 49152, 0x1E, 0x1E, 40000);
	firmware_module(&reply, 4, 1, 6101, 0, 573440, 0x1E, 0x1A, 500000); /* deps failed */
	/* User part: hash, dependencies (one of type 0, dropped), asset
	 * dependencies, security, and a field from the future. */
	pbenc_reset(&m);
	pbenc_uint(&m, 99, 12345);
	pbenc_uint(&m, 1, 5);
	pbenc_uint(&m, 2, 2);
	pbenc_uint(&m, 3, 6);
	uint8_t hash[32];
	for (int i = 0; i < 32; i++)
		hash[i] = (uint8_t)(0xA0 + i);
	pbenc_bytes(&m, 8, hash, 32);
	dependency(&m, 9, 4, 1, 6101);
	dependency(&m, 9, 0, 0, 0);
	struct pbenc asset = {.len = 0};
	pbenc_bytes(&asset, 1, hash, 32);
	pbenc_str(&asset, 2, "cat.jpg");
	pbenc_msg(&m, 10, &asset);
	struct pbenc security = {.len = 0};
	pbenc_uint(&security, 1, 1);
	pbenc_msg(&m, 12, &security);
	pbenc_fixed32(&m, 6, 0x1E);
	pbenc_fixed32(&m, 7, 0x1E);
	pbenc_uint(&m, 5, 262144);
	pbenc_uint(&m, 11, 6874);
	pbenc_msg(&reply, 2, &m);
	/* A backup copy with a hash: not a user part, hash not kept. */
	pbenc_reset(&m);
	pbenc_uint(&m, 1, 4);
	pbenc_uint(&m, 2, 1);
	pbenc_uint(&m, 4, 2);
	pbenc_bytes(&m, 8, hash, 32);
	pbenc_msg(&reply, 2, &m);
	pbenc_str(&reply, 77, "unknown top-level field");

	assert_int_equal(decode(&reply, &t, &err), 0);
	assert_int_equal(t.platform_id, -1);
	assert_int_equal(t.n, 4);
	assert_false(t.truncated);
	assert_int_equal(t.m[0].func, BD_MODF_BOOTLOADER);
	assert_int_equal(t.m[0].version, 3001);
	assert_int_equal(t.m[0].max_size, 49152);
	assert_int_equal(t.m[0].size, 40000);
	assert_int_equal(t.m[1].func, BD_MODF_SYSTEM);
	assert_int_equal(t.m[1].index, 1);
	assert_int_equal(t.m[1].checked ^ t.m[1].passed, BD_MODV_DEPENDENCIES);
	const struct bd_module *u = &t.m[2];
	assert_int_equal(u->func, BD_MODF_USER);
	assert_int_equal(u->index, 2);
	assert_int_equal(u->version, 6);
	assert_int_equal(u->store, BD_MODS_MAIN);
	assert_int_equal(u->max_size, 262144);
	assert_int_equal(u->size, 6874);
	assert_int_equal(u->checked, BD_MODV_INTEGRITY | BD_MODV_DEPENDENCIES | BD_MODV_RANGE |
					     BD_MODV_PLATFORM);
	assert_int_equal(u->passed, u->checked);
	assert_string_equal(u->hash, "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf");
	assert_int_equal(u->ndeps, 1);
	assert_int_equal(u->deps[0].func, BD_MODF_SYSTEM);
	assert_int_equal(u->deps[0].index, 1);
	assert_int_equal(u->deps[0].version, 6101);
	assert_int_equal(t.m[3].store, BD_MODS_BACKUP);
	assert_string_equal(t.m[3].hash, "");
}

static void test_module_info_legacy(void **state)
{
	(void)state;
	static struct pbenc reply, m;
	struct bd_module_table t;
	struct bd_error err = {0};
	/* Legacy types 1..6 and an unknown one; validity failure bits. */
	static const int legacy_to_func[][2] = {
		{1, BD_MODF_BOOTLOADER}, {2, BD_MODF_SYSTEM}, {3, BD_MODF_USER},
		{4, BD_MODF_MONO},       {5, BD_MODF_NCP},    {6, BD_MODF_RADIO},
		{9, BD_MODF_NONE},
	};
	pbenc_reset(&reply);
	/* A current-style entry too: ignored because field 1 is non-empty. */
	firmware_module(&reply, 5, 1, 99, 0, 0, 0, 0, 0);
	for (int i = 0; i < 7; i++) {
		pbenc_reset(&m);
		pbenc_uint(&m, 1, (uint64_t)legacy_to_func[i][0]);
		pbenc_uint(&m, 2, (uint64_t)i);
		pbenc_uint(&m, 3, (uint64_t)(100 + i));
		pbenc_uint(&m, 4, (uint64_t)(1000 * i));
		pbenc_uint(&m, 5, (uint64_t)(i % 4)); /* 0 ok, 1 integrity, 2 deps, 3 both */
		if (legacy_to_func[i][0] == 3) {
			dependency(&m, 6, 2, 2, 1512); /* legacy 2 = system part */
			dependency(&m, 6, 0, 0, 0);
		}
		pbenc_msg(&reply, 1, &m);
	}
	assert_int_equal(decode(&reply, &t, &err), 0);
	assert_int_equal(t.n, 7);
	for (int i = 0; i < 7; i++) {
		const struct bd_module *x = &t.m[i];
		assert_int_equal(x->func, legacy_to_func[i][1]);
		assert_int_equal(x->index, i);
		assert_int_equal(x->version, 100 + i);
		assert_int_equal(x->size, 1000 * i);
		assert_int_equal(x->store, BD_MODS_MAIN);
		assert_int_equal(x->max_size, 0);
		assert_int_equal(x->checked, BD_MODV_INTEGRITY | BD_MODV_DEPENDENCIES);
		uint32_t failed = x->checked ^ x->passed;
		assert_int_equal((failed & BD_MODV_INTEGRITY) != 0, (i % 4) & 1);
		assert_int_equal((failed & BD_MODV_DEPENDENCIES) != 0, ((i % 4) & 2) != 0);
	}
	assert_int_equal(t.m[2].ndeps, 1);
	assert_int_equal(t.m[2].deps[0].func, BD_MODF_SYSTEM);
	assert_int_equal(t.m[2].deps[0].index, 2);
	assert_int_equal(t.m[2].deps[0].version, 1512);
}

static void test_module_info_defaults_and_limits(void **state)
{
	(void)state;
	static struct pbenc reply, m;
	struct bd_module_table t;
	struct bd_error err = {0};
	/* Empty reply: no modules. */
	assert_int_equal(bd_ctrl_decode_module_info(NULL, 0, &t, &err), 0);
	assert_int_equal(t.n, 0);
	assert_int_equal(t.platform_id, -1);
	/* An empty FirmwareModule: all defaults. */
	pbenc_reset(&reply);
	pbenc_bytes(&reply, 2, "", 0);
	assert_int_equal(decode(&reply, &t, &err), 0);
	assert_int_equal(t.n, 1);
	assert_int_equal(t.m[0].func, BD_MODF_NONE);
	assert_int_equal(t.m[0].version, 0);
	assert_int_equal(t.m[0].ndeps, 0);
	/* More modules than fit. */
	pbenc_reset(&reply);
	for (int i = 0; i < BD_MODULES_MAX + 3; i++)
		firmware_module(&reply, 4, i, 1, 0, 0, 0, 0, 0);
	assert_int_equal(decode(&reply, &t, &err), 0);
	assert_int_equal(t.n, BD_MODULES_MAX);
	assert_true(t.truncated);
	/* More dependencies than fit: the first four are kept. */
	pbenc_reset(&reply);
	pbenc_reset(&m);
	pbenc_uint(&m, 1, 5);
	for (int i = 1; i <= 6; i++)
		dependency(&m, 9, 4, i, i);
	pbenc_msg(&reply, 2, &m);
	assert_int_equal(decode(&reply, &t, &err), 0);
	assert_int_equal(t.m[0].ndeps, BD_MODULE_DEPS_MAX);
	assert_int_equal(t.m[0].deps[3].index, 4);
	/* Unknown module type numbers stay as they are (shown as "unknown"). */
	pbenc_reset(&reply);
	firmware_module(&reply, 12, 0, 1, 0, 0, 0, 0, 0);
	assert_int_equal(decode(&reply, &t, &err), 0);
	assert_int_equal(t.m[0].func, 12);
	/* A short hash (odd device) is kept as far as it goes. */
	pbenc_reset(&reply);
	pbenc_reset(&m);
	pbenc_uint(&m, 1, 5);
	pbenc_bytes(&m, 8, "\x01\x02", 2);
	pbenc_msg(&reply, 2, &m);
	assert_int_equal(decode(&reply, &t, &err), 0);
	assert_string_equal(t.m[0].hash, "0102");
}

static void test_module_info_malformed(void **state)
{
	(void)state;
	static struct pbenc reply, m;
	struct bd_module_table t;
	struct bd_error err = {0};
	/* Truncated varint inside a module. */
	pbenc_reset(&m);
	pbenc_uint(&m, 3, 6101);
	m.len--;
	pbenc_reset(&reply);
	pbenc_msg(&reply, 2, &m);
	assert_int_equal(decode(&reply, &t, &err), BD_E_PARSE);
	assert_non_null(strstr(err.msg, "FirmwareModule"));
	assert_non_null(strstr(err.msg, "truncated varint"));
	/* Over-long length at the top level. */
	static const uint8_t overlong[] = {0x12, 0x40, 0x08, 0x05};
	assert_int_equal(bd_ctrl_decode_module_info(overlong, sizeof overlong, &t, &err),
			 BD_E_PARSE);
	assert_non_null(strstr(err.msg, "GetModuleInfoReply"));
	assert_non_null(strstr(err.msg, "past the end"));
	/* Truncated top-level varint. */
	static const uint8_t trunc[] = {0x12, 0x02, 0x08, 0x05, 0x92};
	assert_int_equal(bd_ctrl_decode_module_info(trunc, sizeof trunc, &t, &err), BD_E_PARSE);
	/* Wrong wire type for a known field (version as bytes). */
	pbenc_reset(&m);
	pbenc_str(&m, 3, "6101");
	pbenc_reset(&reply);
	pbenc_msg(&reply, 2, &m);
	assert_int_equal(decode(&reply, &t, &err), BD_E_PARSE);
	assert_non_null(strstr(err.msg, "field 3"));
	/* checked_flags sent as a varint instead of fixed32. */
	pbenc_reset(&m);
	pbenc_uint(&m, 6, 0x1E);
	pbenc_reset(&reply);
	pbenc_msg(&reply, 2, &m);
	assert_int_equal(decode(&reply, &t, &err), BD_E_PARSE);
	/* A module message that is a scalar. */
	pbenc_reset(&reply);
	pbenc_uint(&reply, 2, 5);
	assert_int_equal(decode(&reply, &t, &err), BD_E_PARSE);
	/* A 33-byte hash. */
	uint8_t big[33] = {0};
	pbenc_reset(&m);
	pbenc_uint(&m, 1, 5);
	pbenc_bytes(&m, 8, big, sizeof big);
	pbenc_reset(&reply);
	pbenc_msg(&reply, 2, &m);
	assert_int_equal(decode(&reply, &t, &err), BD_E_PARSE);
	assert_non_null(strstr(err.msg, "33 bytes"));
	/* A version above INT32_MAX. */
	pbenc_reset(&m);
	pbenc_uint(&m, 3, 0x80000000u);
	pbenc_reset(&reply);
	pbenc_msg(&reply, 2, &m);
	assert_int_equal(decode(&reply, &t, &err), BD_E_PARSE);
	assert_non_null(strstr(err.msg, "out of range"));
	/* A malformed dependency. */
	pbenc_reset(&m);
	pbenc_bytes(&m, 9, "\x08", 1);
	pbenc_reset(&reply);
	pbenc_msg(&reply, 2, &m);
	assert_int_equal(decode(&reply, &t, &err), BD_E_PARSE);
	assert_non_null(strstr(err.msg, "module dependency"));
	/* Garbage in an unused list is still framing-checked. */
	pbenc_reset(&reply);
	firmware_module(&reply, 5, 1, 1, 0, 0, 0, 0, 0);
	pbenc_raw(&reply, "\x0a\x05\x01", 3);
	assert_int_equal(decode(&reply, &t, &err), BD_E_PARSE);
}

/* Unknown fields nested far deeper than the depth limit are skipped, not
 * descended into. */
static void test_module_info_deep_unknown(void **state)
{
	(void)state;
	static struct pbenc a, b, reply;
	struct bd_module_table t;
	struct bd_error err = {0};
	pbenc_reset(&a);
	pbenc_uint(&a, 1, 1);
	for (int i = 0; i < 200; i++) {
		pbenc_reset(&b);
		pbenc_msg(&b, 1, &a);
		a = b;
	}
	pbenc_reset(&reply);
	pbenc_msg(&reply, 15, &a);
	firmware_module(&reply, 5, 1, 6, 0, 0, 0, 0, 0);
	assert_int_equal(decode(&reply, &t, &err), 0);
	assert_int_equal(t.n, 1);
	/* The same nesting inside a module (field 10, asset dependencies). */
	static struct pbenc m;
	pbenc_reset(&m);
	pbenc_uint(&m, 1, 5);
	pbenc_msg(&m, 10, &a);
	pbenc_reset(&reply);
	pbenc_msg(&reply, 2, &m);
	assert_int_equal(decode(&reply, &t, &err), 0);
	assert_int_equal(t.m[0].func, BD_MODF_USER);
}

static void test_iccid(void **state)
{
	(void)state;
	struct pbenc e = {.len = 0};
	struct bd_identity id;
	struct bd_error err = {0};
	memset(&id, 0, sizeof id);
	strcpy(id.device_id, "e00fce68aaaaaaaaaaaaaaaa");
	pbenc_str(&e, 2, "352753090123456");
	pbenc_uint(&e, 3, 1);
	pbenc_str(&e, 1, "89014103211118510720");
	assert_int_equal(bd_ctrl_decode_iccid(e.buf, e.len, &id, &err), 0);
	assert_string_equal(id.iccid, "89014103211118510720");
	assert_string_equal(id.imei, "352753090123456");
	assert_string_equal(id.device_id, "e00fce68aaaaaaaaaaaaaaaa"); /* untouched */
	/* Empty reply: both empty. */
	assert_int_equal(bd_ctrl_decode_iccid(NULL, 0, &id, &err), 0);
	assert_string_equal(id.iccid, "");
	assert_string_equal(id.imei, "");
	/* Too long for the field. */
	pbenc_reset(&e);
	pbenc_str(&e, 1, "8901410321111851072089014103211118510720");
	assert_int_equal(bd_ctrl_decode_iccid(e.buf, e.len, &id, &err), BD_E_PARSE);
	assert_non_null(strstr(err.msg, "GetIccidReply"));
	/* Wrong wire type. */
	pbenc_reset(&e);
	pbenc_uint(&e, 2, 5);
	assert_int_equal(bd_ctrl_decode_iccid(e.buf, e.len, &id, &err), BD_E_PARSE);
}

static void test_device_mode(void **state)
{
	(void)state;
	struct pbenc e = {.len = 0};
	enum bd_mode mode;
	struct bd_error err = {0};
	assert_int_equal(bd_ctrl_decode_device_mode(NULL, 0, &mode, &err), 0);
	assert_int_equal(mode, BD_MODE_NORMAL);
	pbenc_uint(&e, 1, 1);
	assert_int_equal(bd_ctrl_decode_device_mode(e.buf, e.len, &mode, &err), 0);
	assert_int_equal(mode, BD_MODE_LISTENING);
	pbenc_reset(&e);
	pbenc_uint(&e, 1, 7);
	assert_int_equal(bd_ctrl_decode_device_mode(e.buf, e.len, &mode, &err), 0);
	assert_int_equal(mode, BD_MODE_UNKNOWN);
	pbenc_reset(&e);
	pbenc_str(&e, 1, "x");
	assert_int_equal(bd_ctrl_decode_device_mode(e.buf, e.len, &mode, &err), BD_E_PARSE);
	assert_int_equal(mode, BD_MODE_UNKNOWN);
}

static void test_id_and_version_strings(void **state)
{
	(void)state;
	struct pbenc e = {.len = 0};
	struct bd_error err = {0};
	char id[BD_DEVICE_ID_LEN + 1], ver[32];
	pbenc_str(&e, 1, "E00FCE68AAAAAAAAAAAAAAAA");
	assert_int_equal(bd_ctrl_decode_device_id(e.buf, e.len, id, &err), 0);
	assert_string_equal(id, "e00fce68aaaaaaaaaaaaaaaa");
	pbenc_reset(&e);
	pbenc_str(&e, 1, "e00fce68aaaaaaaaaaaaaaa"); /* 23 */
	assert_int_equal(bd_ctrl_decode_device_id(e.buf, e.len, id, &err), BD_E_PARSE);
	assert_string_equal(id, "");
	pbenc_reset(&e);
	pbenc_str(&e, 1, "e00fce68aaaaaaaaaaaaaaaz");
	assert_int_equal(bd_ctrl_decode_device_id(e.buf, e.len, id, &err), BD_E_PARSE);
	assert_non_null(strstr(err.msg, "not a device ID"));
	assert_int_equal(bd_ctrl_decode_device_id(NULL, 0, id, &err), BD_E_PARSE);
	pbenc_reset(&e);
	pbenc_str(&e, 1, "e00fce68aaaaaaaaaaaaaaaa00");
	assert_int_equal(bd_ctrl_decode_device_id(e.buf, e.len, id, &err), BD_E_PARSE);
	pbenc_reset(&e);
	pbenc_str(&e, 1, "6.2.0");
	assert_int_equal(bd_ctrl_decode_system_version(e.buf, e.len, ver, sizeof ver, &err), 0);
	assert_string_equal(ver, "6.2.0");
	assert_int_equal(bd_ctrl_decode_system_version(NULL, 0, ver, sizeof ver, &err), 0);
	assert_string_equal(ver, "");

	/* Raw 'P' replies: NUL-padded text. */
	uint8_t raw[64] = "6.2.0";
	assert_int_equal(bd_ctrl_parse_vendor_text(raw, sizeof raw, ver, sizeof ver, &err), 0);
	assert_string_equal(ver, "6.2.0");
	memcpy(raw, "1.5.2\r\n", 7);
	assert_int_equal(bd_ctrl_parse_vendor_text(raw, 7, ver, sizeof ver, &err), 0);
	assert_string_equal(ver, "1.5.2");
	assert_int_equal(bd_ctrl_parse_vendor_text(raw, 0, ver, sizeof ver, &err), BD_E_PARSE);
	assert_non_null(strstr(err.msg, "empty"));
	memset(raw, 'x', sizeof raw);
	assert_int_equal(bd_ctrl_parse_vendor_text(raw, sizeof raw, ver, sizeof ver, &err),
			 BD_E_PARSE);
	assert_non_null(strstr(err.msg, "64 characters; at most 31 fit"));
	memcpy(raw, "6.\x01" "2", 4);
	assert_int_equal(bd_ctrl_parse_vendor_text(raw, 4, ver, sizeof ver, &err), BD_E_PARSE);
	assert_non_null(strstr(err.msg, "0x01 at offset 2"));
	uint8_t idraw[64] = "E00FCE68AAAAAAAAAAAAAAAA";
	assert_int_equal(bd_ctrl_parse_vendor_device_id(idraw, sizeof idraw, id, &err), 0);
	assert_string_equal(id, "e00fce68aaaaaaaaaaaaaaaa");
	idraw[3] = 'g';
	assert_int_equal(bd_ctrl_parse_vendor_device_id(idraw, sizeof idraw, id, &err), BD_E_PARSE);
}

static void iface_entry(struct pbenc *reply, uint32_t index, const char *name, uint32_t type)
{
	struct pbenc e = {.len = 0};
	pbenc_uint(&e, 1, index);
	pbenc_str(&e, 2, name);
	pbenc_uint(&e, 3, type);
	pbenc_msg(reply, 1, &e);
}

static void test_iface_list_and_pick(void **state)
{
	(void)state;
	static struct pbenc reply;
	struct bd_ctrl_iface_list l;
	struct bd_error err = {0};
	pbenc_reset(&reply);
	iface_entry(&reply, 1, "lo0", BD_CTRL_IF_LOOPBACK);
	iface_entry(&reply, 2, "en2", BD_CTRL_IF_ETHERNET);
	iface_entry(&reply, 4, "wl4", BD_CTRL_IF_WIFI);
	iface_entry(&reply, 3, "pp3", BD_CTRL_IF_PPP);
	assert_int_equal(bd_ctrl_decode_iface_list(reply.buf, reply.len, &l, &err), 0);
	assert_int_equal(l.n, 4);
	assert_int_equal(l.v[2].index, 4);
	assert_string_equal(l.v[2].name, "wl4");
	assert_int_equal(bd_ctrl_iface_pick(&l, &err), 2); /* Wi-Fi beats Ethernet */
	l.v[2].type = BD_CTRL_IF_THREAD;
	assert_int_equal(bd_ctrl_iface_pick(&l, &err), 1);
	l.v[1].type = BD_CTRL_IF_PPP;
	assert_int_equal(bd_ctrl_iface_pick(&l, &err), BD_E_NOT_FOUND);
	assert_non_null(strstr(err.msg, "lo0 (loopback), en2 (ppp), wl4 (thread), pp3 (ppp)"));
	assert_true(strlen(err.hint) > 0);
	/* Empty reply: no interfaces. */
	assert_int_equal(bd_ctrl_decode_iface_list(NULL, 0, &l, &err), 0);
	assert_int_equal(l.n, 0);
	assert_int_equal(bd_ctrl_iface_pick(&l, &err), BD_E_NOT_FOUND);
	assert_non_null(strstr(err.msg, "no interfaces"));
	/* Too many. */
	pbenc_reset(&reply);
	for (uint32_t i = 0; i < BD_CTRL_IFACES_MAX + 2; i++)
		iface_entry(&reply, i, "x", BD_CTRL_IF_WIFI);
	assert_int_equal(bd_ctrl_decode_iface_list(reply.buf, reply.len, &l, &err), 0);
	assert_true(l.truncated);
	assert_int_equal(l.n, BD_CTRL_IFACES_MAX);
	/* Malformed entry. */
	pbenc_reset(&reply);
	pbenc_bytes(&reply, 1, "\x10\x05\x1a", 3);
	assert_int_equal(bd_ctrl_decode_iface_list(reply.buf, reply.len, &l, &err), BD_E_PARSE);
	assert_non_null(strstr(err.msg, "InterfaceEntry"));
}

static void test_encode_get_iface(void **state)
{
	(void)state;
	uint8_t buf[8];
	assert_int_equal(bd_ctrl_encode_get_iface(0, buf, sizeof buf), 0);
	assert_int_equal(bd_ctrl_encode_get_iface(4, buf, sizeof buf), 2);
	assert_memory_equal(buf, "\x08\x04", 2);
	assert_int_equal(bd_ctrl_encode_get_iface(300, buf, sizeof buf), 3);
	assert_memory_equal(buf, "\x08\xac\x02", 3);
	assert_int_equal(bd_ctrl_encode_get_iface(300, buf, 2), BD_E_TOO_LARGE);
}

static void test_iface_mac(void **state)
{
	(void)state;
	static struct pbenc reply, iface;
	struct bd_mac mac;
	struct bd_error err = {0};
	pbenc_reset(&iface);
	pbenc_uint(&iface, 1, 4);
	pbenc_str(&iface, 2, "wl4");
	pbenc_uint(&iface, 3, BD_CTRL_IF_WIFI);
	pbenc_uint(&iface, 4, 0x8043);
	struct pbenc v4 = {.len = 0}, addr = {.len = 0};
	pbenc_fixed32(&addr, 1, 0x0100A8C0);
	pbenc_msg(&v4, 1, &addr);
	pbenc_msg(&iface, 6, &v4);
	pbenc_bytes(&iface, 8, "\xA4\xCF\x12\x00\xFE\x01", 6);
	pbenc_uint(&iface, 9, 1500);
	pbenc_bytes(&iface, 11, "MySSID", 6);
	pbenc_reset(&reply);
	pbenc_msg(&reply, 1, &iface);
	mac.route = 7;
	assert_int_equal(bd_ctrl_decode_iface_mac(reply.buf, reply.len, &mac, &err), 0);
	assert_string_equal(mac.mac, "a4:cf:12:00:fe:01");
	assert_string_equal(mac.interface, "wifi");
	assert_int_equal(mac.route, 7);
	/* Ethernet. */
	pbenc_reset(&iface);
	pbenc_uint(&iface, 3, BD_CTRL_IF_ETHERNET);
	pbenc_bytes(&iface, 8, "\x00\x08\xdc\x01\x02\x03", 6);
	pbenc_reset(&reply);
	pbenc_msg(&reply, 1, &iface);
	assert_int_equal(bd_ctrl_decode_iface_mac(reply.buf, reply.len, &mac, &err), 0);
	assert_string_equal(mac.mac, "00:08:dc:01:02:03");
	assert_string_equal(mac.interface, "ethernet");
	/* No hardware address; empty reply. */
	pbenc_reset(&iface);
	pbenc_uint(&iface, 3, BD_CTRL_IF_WIFI);
	pbenc_reset(&reply);
	pbenc_msg(&reply, 1, &iface);
	assert_int_equal(bd_ctrl_decode_iface_mac(reply.buf, reply.len, &mac, &err), BD_E_NOT_FOUND);
	assert_string_equal(mac.mac, "");
	assert_int_equal(bd_ctrl_decode_iface_mac(NULL, 0, &mac, &err), BD_E_NOT_FOUND);
	/* A Thread EUI-64. */
	pbenc_reset(&iface);
	pbenc_uint(&iface, 3, BD_CTRL_IF_THREAD);
	pbenc_bytes(&iface, 8, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	pbenc_reset(&reply);
	pbenc_msg(&reply, 1, &iface);
	assert_int_equal(bd_ctrl_decode_iface_mac(reply.buf, reply.len, &mac, &err),
			 BD_E_NOT_SUPPORTED);
	/* Malformed nested message. */
	pbenc_reset(&reply);
	pbenc_bytes(&reply, 1, "\x42\x06\x01", 3);
	assert_int_equal(bd_ctrl_decode_iface_mac(reply.buf, reply.len, &mac, &err), BD_E_PARSE);
	assert_non_null(strstr(err.msg, "Interface"));
	assert_string_equal(bd_ctrl_iface_type_name(BD_CTRL_IF_PPP), "ppp");
	assert_string_equal(bd_ctrl_iface_type_name(3), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_module_info_current),
		cmocka_unit_test(test_module_info_legacy),
		cmocka_unit_test(test_module_info_defaults_and_limits),
		cmocka_unit_test(test_module_info_malformed),
		cmocka_unit_test(test_module_info_deep_unknown),
		cmocka_unit_test(test_iccid),
		cmocka_unit_test(test_device_mode),
		cmocka_unit_test(test_id_and_version_strings),
		cmocka_unit_test(test_iface_list_and_pick),
		cmocka_unit_test(test_encode_get_iface),
		cmocka_unit_test(test_iface_mac),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
