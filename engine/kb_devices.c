/* kb_devices.c - facts.json and devices.json. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb_internal.h"

static const char *const fact_keys[] = {"name", "type", "source", "values", "from", "contains",
					"default", "doc", NULL};

static enum kb_fact_source fact_source_parse(const char *s, bool *ok)
{
	*ok = true;
	if (s && !strcmp(s, "device")) return KB_SRC_DEVICE;
	if (s && !strcmp(s, "led")) return KB_SRC_LED;
	if (s && !strcmp(s, "probe")) return KB_SRC_PROBE;
	if (s && !strcmp(s, "engine")) return KB_SRC_ENGINE;
	*ok = false;
	return KB_SRC_ENGINE;
}

/* Converts a JSON value into a fact value of type t. */
static bool json_to_fact(const cJSON *v, enum fv_type t, struct fact_value *out)
{
	switch (t) {
	case FV_BOOL:
		if (!cJSON_IsBool(v))
			return false;
		fv_set_bool(out, cJSON_IsTrue(v));
		return true;
	case FV_NUMBER:
		if (!cJSON_IsNumber(v))
			return false;
		fv_set_number(out, v->valuedouble);
		return true;
	case FV_STRING:
		if (!cJSON_IsString(v))
			return false;
		fv_set_string(out, v->valuestring);
		return true;
	case FV_LIST: {
		if (!cJSON_IsArray(v))
			return false;
		size_t n = (size_t)cJSON_GetArraySize(v), i = 0;
		const char **items = calloc(n + 1, sizeof *items);
		if (!items)
			return false;
		for (const cJSON *c = v->child; c; c = c->next) {
			if (!cJSON_IsString(c)) {
				free(items);
				return false;
			}
			items[i++] = c->valuestring;
		}
		fv_set_list(out, items, i);
		free(items);
		return true;
	}
	case FV_NONE: break;
	}
	return false;
}

void kb_load_facts(struct kb *kb, struct diag *d, int file)
{
	struct rd r = {kb, d, file, {{0}}, 0, NULL};
	const cJSON *root = kb->files[file].root;
	rd_check_keys(&r, root, (const char *const[]){"schema", "about", "facts", NULL});
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "facts");
	if (!cJSON_IsArray(arr)) {
		rd_err(&r, NULL, NULL, "\"facts\" must be a list");
		return;
	}
	rd_push_key(&r, "facts");
	int i = 0;
	for (const cJSON *c = arr->child; c; c = c->next, i++) {
		rd_push_idx(&r, i);
		r.node = NULL;
		if (!cJSON_IsObject(c)) {
			rd_err(&r, NULL, NULL, "each fact must be an object");
			rd_pop(&r);
			continue;
		}
		rd_check_keys(&r, c, fact_keys);
		char *name = rd_str(&r, c, "name", true);
		char *type = rd_str(&r, c, "type", true);
		char *source = rd_str(&r, c, "source", true);
		r.node = name;
		enum fv_type t = fv_type_from_name(type);
		bool src_ok;
		enum kb_fact_source src = fact_source_parse(source, &src_ok);
		if (type && t == FV_NONE)
			rd_err(&r, "type", "use bool, number, string or list", "unknown type \"%s\"",
			       type);
		if (source && !src_ok)
			rd_err(&r, "source", "use device, led, probe or engine",
			       "unknown source \"%s\"", source);
		if (name && kb_fact_id(kb, name) >= 0)
			rd_err(&r, "name", NULL, "fact \"%s\" is declared twice", name);
		else if (name && t != FV_NONE && src_ok) {
			int id = kb_fact_register(kb, name, t, src);
			struct kb_fact *f = id >= 0 ? &kb->facts[id] : NULL;
			if (f) {
				f->file = file;
				f->index = i;
				f->doc = rd_str(&r, c, "doc", false);
				f->from = rd_str(&r, c, "from", false);
				f->contains = rd_str(&r, c, "contains", false);
				const cJSON *vals = cJSON_GetObjectItemCaseSensitive(c, "values");
				if (cJSON_IsString(vals)) {
					static const char *const refs[] = {"@led", "@device", "@color",
									   "@pattern"};
					bool ok = false;
					for (size_t k = 0; k < 4; k++)
						ok |= !strcmp(vals->valuestring, refs[k]);
					if (!ok)
						rd_err(&r, "values", "use a list, or @led, @device, @color, @pattern",
						       "unknown value set \"%s\"", vals->valuestring);
					else
						f->values_ref = strdup(vals->valuestring);
				} else if (vals) {
					f->values = rd_strlist(&r, c, "values", &f->nvalues);
				}
				const cJSON *def = cJSON_GetObjectItemCaseSensitive(c, "default");
				if (def && !json_to_fact(def, t, &f->def))
					rd_err(&r, "default", NULL, "default must be a %s",
					       fv_type_name(t));
				if (src == KB_SRC_DEVICE && !f->from)
					rd_err(&r, NULL, "say where in devices.json it comes from",
					       "device fact \"%s\" needs \"from\"", name);
				if (src != KB_SRC_DEVICE && (f->from || f->contains))
					rd_err(&r, "from", NULL,
					       "only device facts take \"from\"/\"contains\"");
			}
		}
		free(name);
		free(type);
		free(source);
		rd_pop(&r);
	}
	rd_pop(&r);
}

/* Follows a dotted path ("buttons.mode") into obj. */
static const cJSON *json_path(const cJSON *obj, const char *path)
{
	char buf[128];
	snprintf(buf, sizeof buf, "%s", path);
	const cJSON *cur = obj;
	for (char *save = NULL, *tok = strtok_r(buf, ".", &save); tok && cur;
	     tok = strtok_r(NULL, ".", &save))
		cur = cJSON_GetObjectItemCaseSensitive(cur, tok);
	return cur;
}

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

static uint32_t rd_hex32(struct rd *r, const cJSON *obj, const char *key, bool required)
{
	char *s = rd_str(r, obj, key, required);
	if (!s)
		return 0;
	char *end;
	unsigned long v = strtoul(s, &end, 16);
	if (*end || end == s || strncmp(s, "0x", 2) != 0)
		rd_err(r, key, "write addresses as \"0x0800A000\"", "\"%s\" is not a hex address", s);
	free(s);
	return (uint32_t)v;
}

static const char *const device_keys[] = {
	"id", "platform_id", "name", "article", "aliases", "generation", "usb", "connectivity",
	"network", "network_module", "buttons", "button_location", "mcu", "features",
	"magic_baud", "quirks", "dfu", "user_part", "radio_variants", "deprecated", "note", NULL};

static const struct {
	const char *name;
	unsigned bit;
} quirk_names[] = {
	{"control-out-needs-data", BD_QUIRK_OUT_NEEDS_DATA},
	{"no-control-requests", BD_QUIRK_NO_CONTROL},
	{"manifest-as-idle", BD_QUIRK_MANIFEST_AS_IDLE},
	{"manifest-resets", BD_QUIRK_MANIFEST_RESETS},
};

static void load_platform(struct rd *r, const cJSON *c, struct bd_platform *p,
			  const struct kb_device *dv)
{
	p->id = dv->platform_id;
	p->key = dv->id;
	p->name = dv->name;
	p->gen = (int)rd_num(r, c, "generation", 0, false);
	p->mcu = rd_str(r, c, "mcu", true);
	/* Button names for the transports' hints (the tree reads them as
	 * device facts); the cJSON tree is gone after loading, so copies. */
	const cJSON *btn = cJSON_GetObjectItemCaseSensitive(c, "buttons");
	const cJSON *bm = cJSON_GetObjectItemCaseSensitive(btn, "mode");
	const cJSON *br = cJSON_GetObjectItemCaseSensitive(btn, "reset");
	p->mode_button = cJSON_IsString(bm) ? strdup(bm->valuestring) : NULL;
	p->reset_button = cJSON_IsString(br) ? strdup(br->valuestring) : NULL;
	const cJSON *usb = cJSON_GetObjectItemCaseSensitive(c, "usb");
	rd_push_key(r, "usb");
	if (!cJSON_IsObject(usb)) {
		rd_err(r, NULL, NULL, "\"usb\" must be an object");
	} else {
		rd_check_keys(r, usb, (const char *const[]){"normal", "dfu", "manufacturer",
							    "product", "dfu_product",
							    "serial_is_device_id", NULL});
		char *normal = rd_str(r, usb, "normal", true), *dfu = rd_str(r, usb, "dfu", true);
		if (normal && !parse_usb_id(normal, &p->vid, &p->pid))
			rd_err(r, "normal", "write \"2b04:c00d\"", "bad USB id \"%s\"", normal);
		if (dfu && !parse_usb_id(dfu, &p->dfu_vid, &p->dfu_pid))
			rd_err(r, "dfu", "write \"2b04:d00d\"", "bad USB id \"%s\"", dfu);
		free(normal);
		free(dfu);
		p->usb_manufacturer = rd_str(r, usb, "manufacturer", true);
		p->usb_product = rd_str(r, usb, "product", true);
		p->usb_dfu_product = rd_str(r, usb, "dfu_product", true);
		p->serial_is_device_id = rd_bool(r, usb, "serial_is_device_id", false);
	}
	rd_pop(r);
	size_t nconn = 0;
	char **conn = rd_strlist(r, c, "connectivity", &nconn);
	for (size_t i = 0; i < nconn; i++) {
		if (!strcmp(conn[i], "wifi")) p->conn |= BD_CONN_WIFI;
		else if (!strcmp(conn[i], "cellular")) p->conn |= BD_CONN_CELLULAR;
		else if (!strcmp(conn[i], "mesh")) p->conn |= BD_CONN_MESH;
		else if (!strcmp(conn[i], "ble")) p->conn |= BD_CONN_BLE;
		else if (!strcmp(conn[i], "ethernet")) p->conn |= BD_CONN_ETHERNET;
		else
			rd_err(r, "connectivity", "use wifi, cellular, mesh, ble or ethernet",
			       "unknown connectivity \"%s\"", conn[i]);
	}
	kb_strv_free(conn, nconn);
	size_t nq = 0;
	char **q = rd_strlist(r, c, "quirks", &nq);
	for (size_t i = 0; i < nq; i++) {
		bool ok = false;
		for (size_t k = 0; k < sizeof quirk_names / sizeof quirk_names[0]; k++)
			if (!strcmp(q[i], quirk_names[k].name)) {
				p->quirks |= quirk_names[k].bit;
				ok = true;
			}
		if (!ok)
			rd_err(r, "quirks", NULL, "unknown quirk \"%s\"", q[i]);
	}
	kb_strv_free(q, nq);
	const cJSON *mb = cJSON_GetObjectItemCaseSensitive(c, "magic_baud");
	if (mb) {
		rd_push_key(r, "magic_baud");
		rd_check_keys(r, mb, (const char *const[]){"dfu", "listening", "listening_below_major", NULL});
		p->magic_baud_dfu = (unsigned)rd_num(r, mb, "dfu", 0, false);
		p->magic_baud_listen = (unsigned)rd_num(r, mb, "listening", 0, false);
		p->magic_baud_listen_below_major = (int)rd_num(r, mb, "listening_below_major", 0, false);
		rd_pop(r);
	}
	const cJSON *dfu = cJSON_GetObjectItemCaseSensitive(c, "dfu");
	rd_push_key(r, "dfu");
	if (!cJSON_IsObject(dfu)) {
		rd_err(r, NULL, NULL, "\"dfu\" must be an object with transfer_size and alts");
	} else {
		rd_check_keys(r, dfu, (const char *const[]){"transfer_size", "alts", NULL});
		p->dfu_transfer_size = (uint16_t)rd_num(r, dfu, "transfer_size", 1024, true);
		size_t na = 0;
		char **alts = rd_strlist(r, dfu, "alts", &na);
		if (na == 0 || na > BD_PLATFORM_MAX_ALTS)
			rd_err(r, "alts", NULL, "need 1 to %d alt setting strings", BD_PLATFORM_MAX_ALTS);
		for (size_t i = 0; i < na; i++) {
			if (i < BD_PLATFORM_MAX_ALTS && alts[i][0] == '@') {
				p->dfu_alt[p->ndfu_alt++] = alts[i];
				alts[i] = NULL;
			} else if (alts[i][0] != '@') {
				rd_err(r, "alts", "DfuSe alt strings start with '@'",
				       "alt %zu \"%s\" is not a DfuSe memory descriptor", i, alts[i]);
			}
		}
		kb_strv_free(alts, na);
	}
	rd_pop(r);
	const cJSON *up = cJSON_GetObjectItemCaseSensitive(c, "user_part");
	rd_push_key(r, "user_part");
	if (!cJSON_IsObject(up)) {
		rd_err(r, NULL, NULL, "\"user_part\" must be an object");
	} else {
		rd_check_keys(r, up, (const char *const[]){"address", "max_size", "legacy_address", "end",
							   "grows", "monolithic", "factory_backup", NULL});
		p->user_part_addr = rd_hex32(r, up, "address", true);
		p->user_part_max = (uint32_t)rd_num(r, up, "max_size", 0, true);
	}
	rd_pop(r);
}

/* Computes every device.* fact for one device. */
static void device_facts(struct rd *r, const cJSON *c, struct kb_device *dv)
{
	struct kb *kb = r->kb;
	fact_store_init(&dv->facts, kb->nfacts);
	for (size_t i = 0; i < kb->nfacts; i++) {
		const struct kb_fact *f = &kb->facts[i];
		if (f->source != KB_SRC_DEVICE || !f->from)
			continue;
		const cJSON *v = json_path(c, f->from);
		struct fact_value val = {0};
		if (f->contains) {
			if (v && !cJSON_IsArray(v)) {
				rd_err(r, NULL, NULL, "\"%s\" must be a list (for fact %s)", f->from, f->name);
				continue;
			}
			bool has = false;
			for (const cJSON *it = v ? v->child : NULL; it; it = it->next)
				has |= cJSON_IsString(it) && !strcmp(it->valuestring, f->contains);
			fv_set_bool(&val, has);
		} else if (!v) {
			if (f->def.type == FV_NONE) {
				rd_err(r, NULL, "add it to the device, or give the fact a default in facts.json",
				       "device \"%s\" has no \"%s\" (needed for fact %s)", dv->id,
				       f->from, f->name);
				continue;
			}
			fv_copy(&val, &f->def);
		} else if (!json_to_fact(v, f->type, &val)) {
			rd_err(r, NULL, NULL, "\"%s\" of device \"%s\" must be a %s (fact %s)", f->from,
			       dv->id, fv_type_name(f->type), f->name);
			continue;
		}
		if (val.type == FV_STRING && !kb_fact_value_ok(kb, (int)i, val.str) &&
		    !(f->values_ref && !strcmp(f->values_ref, "@device")))
			rd_err(r, NULL, NULL, "device \"%s\": \"%s\" is not a known value of %s", dv->id,
			       val.str, f->name);
		fact_store_set(&dv->facts, (int)i, &val);
		fv_free(&val);
	}
	/* Every feature must be a declared fact: catches typos in devices.json. */
	const cJSON *feat = cJSON_GetObjectItemCaseSensitive(c, "features");
	rd_push_key(r, "features");
	for (const cJSON *it = feat ? feat->child : NULL; it; it = it->next) {
		char from[128];
		snprintf(from, sizeof from, "features.%s", it->string);
		bool declared = false;
		for (size_t i = 0; i < kb->nfacts && !declared; i++)
			declared = kb->facts[i].from && !strcmp(kb->facts[i].from, from);
		if (!declared)
			rd_err(r, it->string, "declare it in facts.json with \"from\": \"features.NAME\"",
			       "feature \"%s\" is not declared as a fact", it->string);
	}
	rd_pop(r);
}

void kb_load_devices(struct kb *kb, struct diag *d, int file)
{
	struct rd r = {kb, d, file, {{0}}, 0, NULL};
	const cJSON *root = kb->files[file].root;
	rd_check_keys(&r, root, (const char *const[]){"schema", "about", "devices", "not_covered", NULL});
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "devices");
	if (!cJSON_IsArray(arr) || !cJSON_GetArraySize(arr)) {
		rd_err(&r, NULL, NULL, "\"devices\" must be a non-empty list");
		return;
	}
	size_t n = (size_t)cJSON_GetArraySize(arr);
	kb->devices = calloc(n, sizeof *kb->devices);
	kb->plat = calloc(n, sizeof *kb->plat);
	if (!kb->devices || !kb->plat)
		return;
	rd_push_key(&r, "devices");
	int i = 0;
	for (const cJSON *c = arr->child; c; c = c->next, i++) {
		rd_push_idx(&r, i);
		r.node = NULL;
		if (!cJSON_IsObject(c)) {
			rd_err(&r, NULL, NULL, "each device must be an object");
			rd_pop(&r);
			continue;
		}
		rd_check_keys(&r, c, device_keys);
		struct kb_device *dv = &kb->devices[kb->ndevices];
		dv->id = rd_str(&r, c, "id", true);
		r.node = dv->id;
		dv->name = rd_str(&r, c, "name", true);
		dv->platform_id = (int)rd_num(&r, c, "platform_id", -1, true);
		dv->aliases = rd_strlist(&r, c, "aliases", &dv->naliases);
		dv->file = file;
		dv->index = i;
		if (!dv->id || !dv->name) {
			free(dv->id);
			free(dv->name);
			kb_strv_free(dv->aliases, dv->naliases);
			memset(dv, 0, sizeof *dv);
			rd_pop(&r);
			continue;
		}
		for (size_t k = 0; k < kb->ndevices; k++) {
			if (!strcmp(kb->devices[k].id, dv->id))
				rd_err(&r, "id", NULL, "device id \"%s\" is used twice", dv->id);
			if (kb->devices[k].platform_id == dv->platform_id)
				rd_err(&r, "platform_id", NULL, "platform id %d is used twice",
				       dv->platform_id);
		}
		load_platform(&r, c, &kb->plat[kb->ndevices], dv);
		device_facts(&r, c, dv);
		kb->ndevices++;
		rd_pop(&r);
	}
	rd_pop(&r);
	kb->platforms.v = kb->plat;
	kb->platforms.n = kb->ndevices;
	for (size_t k = 0; k < kb->ndevices; k++)
		kb->devices[k].platform = &kb->plat[k];

	const cJSON *nc = cJSON_GetObjectItemCaseSensitive(root, "not_covered");
	if (cJSON_IsArray(nc)) {
		kb->notcov = calloc((size_t)cJSON_GetArraySize(nc) + 1, sizeof *kb->notcov);
		rd_push_key(&r, "not_covered");
		int k = 0;
		for (const cJSON *c = nc->child; c && kb->notcov; c = c->next, k++) {
			rd_push_idx(&r, k);
			rd_check_keys(&r, c, (const char *const[]){"name", "why", NULL});
			kb->notcov[kb->nnotcov].name = rd_str(&r, c, "name", true);
			kb->notcov[kb->nnotcov].why = rd_str(&r, c, "why", true);
			if (kb->notcov[kb->nnotcov].name && kb->notcov[kb->nnotcov].why)
				kb->nnotcov++;
			rd_pop(&r);
		}
		rd_pop(&r);
	}
}
