/* ctrl_modinfo.c - GET_MODULE_INFO (90) reply -> struct bd_module_table.
 * (Declared in ctrl_reply.h.) */
#include "usb/ctrl_reply.h"

#include <string.h>

#include "usb/pb_wire.h"

/* Field numbers (device-os-protobuf control/storage.proto, cloud/describe.proto). */
enum {
	BD_MI_LEGACY_MODULES = 1, /* GetModuleInfoReply.modules_deprecated */
	BD_MI_MODULES = 2,        /* GetModuleInfoReply.modules */
};

/* Legacy (ctrl) FirmwareModuleType -> module function numbering. */
static int bd_ctrl_legacy_func(int32_t t)
{
	switch (t) {
	case 1: return BD_MODF_BOOTLOADER;
	case 2: return BD_MODF_SYSTEM;
	case 3: return BD_MODF_USER;
	case 4: return BD_MODF_MONO;
	case 5: return BD_MODF_NCP;
	case 6: return BD_MODF_RADIO;
	default: return BD_MODF_NONE;
	}
}

/* uint32 field that must fit an int (versions, indexes). */
static int bd_ctrl_int_field(const struct bd_pb_reader *r, const struct bd_pb_field *f, int *out,
			     struct bd_error *err)
{
	uint32_t v;
	int rc = bd_pb_uint32(r, f, &v, err);
	if (rc < 0)
		return rc;
	if (v > INT32_MAX) {
		bd_error_set(err, BD_E_PARSE,
			     "malformed %s from the device: field %u at byte %zu: value %u is "
			     "out of range",
			     r->what, (unsigned)f->num, f->offset, (unsigned)v);
		return BD_E_PARSE;
	}
	*out = (int)v;
	return 0;
}

/* Dependency {1 type, 2 index, 3 version}. */
static int bd_ctrl_decode_dep(const struct bd_pb_reader *parent, const struct bd_pb_field *f,
			      bool legacy, struct bd_module *m, struct bd_error *err)
{
	struct bd_pb_reader r;
	struct bd_pb_field g;
	int32_t type = 0;
	int index = 0, version = 0, rc;

	if ((rc = bd_pb_sub(parent, f, &r, "module dependency", err)) < 0)
		return rc;
	while ((rc = bd_pb_next(&r, &g, err)) > 0) {
		switch (g.num) {
		case 1: rc = bd_pb_int32(&r, &g, &type, err); break;
		case 2: rc = bd_ctrl_int_field(&r, &g, &index, err); break;
		case 3: rc = bd_ctrl_int_field(&r, &g, &version, err); break;
		default: rc = 0; break;
		}
		if (rc < 0)
			return rc;
	}
	if (rc < 0)
		return rc;
	int func = legacy ? bd_ctrl_legacy_func(type) : (int)type;
	if (func == BD_MODF_NONE || m->ndeps >= BD_MODULE_DEPS_MAX)
		return 0;
	m->deps[m->ndeps].func = func;
	m->deps[m->ndeps].index = index;
	m->deps[m->ndeps].version = version;
	m->ndeps++;
	return 0;
}

static void bd_ctrl_hex(const uint8_t *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

/* One Module (legacy) or FirmwareModule message into *m. */
static int bd_ctrl_decode_module(const struct bd_pb_reader *parent, const struct bd_pb_field *f,
				 bool legacy, struct bd_module *m, struct bd_error *err)
{
	struct bd_pb_reader r;
	struct bd_pb_field g;
	int32_t type = 0;
	uint32_t u = 0, validity = 0;
	const uint8_t *hash = NULL;
	size_t hash_len = 0;
	int rc;

	memset(m, 0, sizeof *m);
	if ((rc = bd_pb_sub(parent, f, &r, legacy ? "module info (Module)" : "module info "
					"(FirmwareModule)", err)) < 0)
		return rc;
	while ((rc = bd_pb_next(&r, &g, err)) > 0) {
		rc = 0;
		switch (g.num) {
		case 1: rc = bd_pb_int32(&r, &g, &type, err); break;
		case 2: rc = bd_ctrl_int_field(&r, &g, &m->index, err); break;
		case 3: rc = bd_ctrl_int_field(&r, &g, &m->version, err); break;
		case 4:
			if (legacy) {
				rc = bd_pb_uint32(&r, &g, &m->size, err);
			} else {
				int32_t store = 0;
				rc = bd_pb_int32(&r, &g, &store, err);
				m->store = store;
			}
			break;
		case 5:
			rc = legacy ? bd_pb_uint32(&r, &g, &validity, err)
				    : bd_pb_uint32(&r, &g, &m->max_size, err);
			break;
		case 6:
			rc = legacy ? bd_ctrl_decode_dep(&r, &g, true, m, err)
				    : bd_pb_fixed32(&r, &g, &m->checked, err);
			break;
		case 7:
			if (!legacy)
				rc = bd_pb_fixed32(&r, &g, &m->passed, err);
			break;
		case 8:
			if (!legacy)
				rc = bd_pb_bytes(&r, &g, &hash, &hash_len, err);
			break;
		case 9:
			if (!legacy)
				rc = bd_ctrl_decode_dep(&r, &g, false, m, err);
			break;
		case 11:
			if (!legacy) {
				rc = bd_pb_uint32(&r, &g, &u, err);
				m->size = u;
			}
			break;
		default: /* 10 asset dependencies, 12 security, future fields */
			break;
		}
		if (rc < 0)
			return rc;
	}
	if (rc < 0)
		return rc;
	if (hash_len > 32) {
		bd_error_set(err, BD_E_PARSE,
			     "malformed %s from the device: module hash is %zu bytes; a SHA-256 "
			     "has 32",
			     r.what, hash_len);
		return BD_E_PARSE;
	}
	if (legacy) {
		m->func = bd_ctrl_legacy_func(type);
		m->store = BD_MODS_MAIN;
		/* Older Device OS reports failures only: 0x01 integrity, 0x02
		 * dependencies. */
		m->checked = BD_MODV_INTEGRITY | BD_MODV_DEPENDENCIES;
		m->passed = m->checked;
		if (validity & 0x01u)
			m->passed &= ~BD_MODV_INTEGRITY;
		if (validity & 0x02u)
			m->passed &= ~BD_MODV_DEPENDENCIES;
	} else {
		m->func = type;
	}
	if (m->func == BD_MODF_USER && hash_len > 0)
		bd_ctrl_hex(hash, hash_len, m->hash);
	return 0;
}

int bd_ctrl_decode_module_info(const uint8_t *buf, size_t len, struct bd_module_table *out,
			       struct bd_error *err)
{
	struct bd_pb_reader r;
	struct bd_pb_field f;
	size_t legacy_count = 0;
	int rc;

	memset(out, 0, sizeof *out);
	out->platform_id = -1;
	/* Pass 1: framing of the whole reply, and which list to use. */
	bd_pb_reader_init(&r, buf, len, "GetModuleInfoReply");
	while ((rc = bd_pb_next(&r, &f, err)) > 0)
		if (f.num == BD_MI_LEGACY_MODULES)
			legacy_count++;
	if (rc < 0)
		return rc;
	bool legacy = legacy_count > 0;
	uint32_t want = legacy ? BD_MI_LEGACY_MODULES : BD_MI_MODULES;

	/* Pass 2: decode the chosen list. */
	bd_pb_reader_init(&r, buf, len, "GetModuleInfoReply");
	while ((rc = bd_pb_next(&r, &f, err)) > 0) {
		if (f.num != want)
			continue;
		struct bd_module scratch;
		struct bd_module *m = out->n < BD_MODULES_MAX ? &out->m[out->n] : &scratch;
		if ((rc = bd_ctrl_decode_module(&r, &f, legacy, m, err)) < 0)
			return rc;
		if (out->n < BD_MODULES_MAX)
			out->n++;
		else
			out->truncated = true;
	}
	return rc < 0 ? rc : 0;
}
