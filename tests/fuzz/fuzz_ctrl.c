/* fuzz_ctrl.c - libFuzzer target: the protobuf wire reader and every
 * control-request reply decoder.  Input: one selector byte, then the
 * payload (selector 0 walks the payload as generic nested protobuf). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "usb/ctrl_proto.h"
#include "usb/ctrl_reply.h"
#include "usb/pb_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void bd_fuzz_require(int ok)
{
	if (!ok)
		abort();
}

static void bd_fuzz_result(int rc, const struct bd_error *err)
{
	if (rc < 0)
		bd_fuzz_require(err->code == rc && err->msg[0] != '\0' &&
				memchr(err->msg, '\0', sizeof err->msg) != NULL);
}

static bool bd_fuzz_cstr(const char *s, size_t cap)
{
	const char *end = memchr(s, '\0', cap);
	if (!end)
		return false;
	for (; s < end; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7F)
			return false;
	return true;
}

/* Walks every field; descends into each length-delimited one as if it
 * were a message, as deep as the reader allows. */
static void bd_fuzz_walk(const struct bd_pb_reader *r0)
{
	struct bd_pb_reader r = *r0, sub;
	struct bd_pb_field f;
	struct bd_error err = {0};
	int rc;
	while ((rc = bd_pb_next(&r, &f, &err)) > 0) {
		bd_fuzz_require(f.num >= 1 && f.num <= BD_PB_MAX_FIELD);
		if (f.wire == BD_PB_LEN) {
			bd_fuzz_require(f.data >= r0->base && f.data + f.len <= r.end);
			if (bd_pb_sub(&r, &f, &sub, "nested", &err) == 0)
				bd_fuzz_walk(&sub);
			else
				bd_fuzz_require(r.depth + 1 > BD_PB_MAX_DEPTH);
		}
	}
	bd_fuzz_result(rc, &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	const uint8_t *p = data + 1;
	size_t n = size - 1;
	struct bd_error err = {0};
	int rc = 0;

	switch (data[0] % 12) {
	case 0: {
		struct bd_pb_reader r;
		bd_pb_reader_init(&r, p, n, "fuzz");
		bd_fuzz_walk(&r);
		break;
	}
	case 1: {
		static struct bd_module_table t;
		rc = bd_ctrl_decode_module_info(p, n, &t, &err);
		if (rc == 0) {
			bd_fuzz_require(t.n <= BD_MODULES_MAX && t.platform_id == -1);
			for (size_t i = 0; i < t.n; i++) {
				bd_fuzz_require(t.m[i].ndeps >= 0 && t.m[i].ndeps <= BD_MODULE_DEPS_MAX);
				bd_fuzz_require(memchr(t.m[i].hash, '\0', sizeof t.m[i].hash) != NULL);
			}
		}
		break;
	}
	case 2: {
		struct bd_identity id;
		memset(&id, 0, sizeof id);
		rc = bd_ctrl_decode_iccid(p, n, &id, &err);
		if (rc == 0)
			bd_fuzz_require(bd_fuzz_cstr(id.iccid, sizeof id.iccid) &&
					bd_fuzz_cstr(id.imei, sizeof id.imei));
		break;
	}
	case 3: {
		enum bd_mode mode;
		rc = bd_ctrl_decode_device_mode(p, n, &mode, &err);
		break;
	}
	case 4: {
		char id[BD_DEVICE_ID_LEN + 1];
		rc = bd_ctrl_decode_device_id(p, n, id, &err);
		if (rc == 0)
			bd_fuzz_require(strlen(id) == BD_DEVICE_ID_LEN);
		break;
	}
	case 5: {
		char v[32];
		rc = bd_ctrl_decode_system_version(p, n, v, sizeof v, &err);
		if (rc == 0)
			bd_fuzz_require(bd_fuzz_cstr(v, sizeof v));
		break;
	}
	case 6: {
		char v[32];
		rc = bd_ctrl_parse_vendor_text(p, n, v, sizeof v, &err);
		if (rc == 0)
			bd_fuzz_require(bd_fuzz_cstr(v, sizeof v) && v[0] != '\0');
		break;
	}
	case 7: {
		char id[BD_DEVICE_ID_LEN + 1];
		rc = bd_ctrl_parse_vendor_device_id(p, n, id, &err);
		break;
	}
	case 8: {
		static struct bd_ctrl_iface_list l;
		rc = bd_ctrl_decode_iface_list(p, n, &l, &err);
		if (rc == 0) {
			bd_fuzz_require(l.n <= BD_CTRL_IFACES_MAX);
			struct bd_error perr = {0};
			int at = bd_ctrl_iface_pick(&l, &perr);
			bd_fuzz_require(at < 0 ? perr.code == BD_E_NOT_FOUND : (size_t)at < l.n);
		}
		break;
	}
	case 9: {
		struct bd_mac mac;
		rc = bd_ctrl_decode_iface_mac(p, n, &mac, &err);
		if (rc == 0)
			bd_fuzz_require(strlen(mac.mac) == 17);
		break;
	}
	case 10: {
		struct bd_ctrl_reply r;
		rc = bd_ctrl_parse_reply(p, n, &r, &err);
		if (rc == 0) {
			(void)bd_ctrl_status_name(r.status);
			struct bd_error e2 = {0};
			bd_fuzz_result(bd_ctrl_status_error(r.status, 90, &e2), &e2);
			bd_fuzz_result(bd_ctrl_result_error(r.result, 90, &e2), &e2);
		}
		break;
	}
	default: {
		uint8_t out[16];
		uint32_t index = 0;
		for (size_t i = 0; i < n && i < 4; i++)
			index |= (uint32_t)p[i] << (8 * i);
		int len = bd_ctrl_encode_get_iface(index, out, (size_t)(data[0] >> 4));
		if (len > 0) {
			struct bd_pb_reader r;
			struct bd_pb_field f;
			bd_pb_reader_init(&r, out, (size_t)len, "GetInterfaceRequest");
			bd_fuzz_require(bd_pb_next(&r, &f, &err) == 1 && f.u == index);
		}
		break;
	}
	}
	bd_fuzz_result(rc, &err);
	return 0;
}
