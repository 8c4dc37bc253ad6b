/* console_json.c - the JSON console replies: `s` (module table) and `d`
 * (diagnostics).  cJSON does the syntax; this file is strict about what each
 * member must be and names the member when it is not. */
#include "console_parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

/* How many `{` positions are tried before giving up on leading noise. */
#define BD_JSON_CANDIDATES 8

/* Parses the first JSON object in buf that has member `must_have` (any
 * object when NULL).  Works on a NUL-terminated private copy so that cJSON
 * never sees bytes past len.  Returns the object (cJSON_Delete it) or NULL
 * with err set. */
static cJSON *bd_json_find_object(const char *buf, size_t len, const char *must_have,
				  const char *cmd, struct bd_error *err)
{
	char *copy = malloc(len + 1);
	if (!copy) {
		bd_error_set(err, BD_E_NOMEM, "out of memory reading the reply to `%s`", cmd);
		return NULL;
	}
	memcpy(copy, buf, len);
	copy[len] = '\0';
	cJSON *found = NULL;
	int tried = 0;
	for (size_t i = 0; i < len && tried < BD_JSON_CANDIDATES && !found; i++) {
		if (copy[i] != '{')
			continue;
		tried++;
		cJSON *obj = cJSON_ParseWithLengthOpts(copy + i, len - i, NULL, false);
		if (cJSON_IsObject(obj) && (!must_have || cJSON_GetObjectItemCaseSensitive(obj, must_have)))
			found = obj;
		else
			cJSON_Delete(obj);
	}
	free(copy);
	if (!found) {
		if (must_have)
			bd_error_set(err, BD_E_PARSE,
				     "expected a JSON object with \"%s\" in the reply to `%s`, but "
				     "none of its %zu bytes parsed as one (cut short or garbled?)",
				     must_have, cmd, len);
		else
			bd_error_set(err, BD_E_PARSE,
				     "expected a JSON object in the reply to `%s`, but none of its "
				     "%zu bytes parsed as one (cut short or garbled?)",
				     cmd, len);
	}
	return found;
}

/* An integer-valued JSON number within [lo, hi]. */
static bool bd_json_int(const cJSON *it, double lo, double hi, int64_t *out)
{
	if (!cJSON_IsNumber(it))
		return false;
	double d = it->valuedouble;
	if (!(d >= lo && d <= hi))
		return false; /* also rejects NaN */
	int64_t v = (int64_t)d;
	if ((double)v != d)
		return false;
	*out = v;
	return true;
}

/* Where a module-table error is: "module 3" or "dependency 1 of module 3". */
struct bd_json_where {
	size_t module; /* 1-based */
	size_t dep;    /* 1-based, 0 = not in a dependency */
};

static int bd_json_bad(struct bd_error *err, struct bd_json_where w, const char *key,
		       const char *want)
{
	if (w.dep)
		return bd_error_set(err, BD_E_PARSE,
				    "reply to `s`: dependency %zu of module %zu: \"%s\" %s", w.dep,
				    w.module, key, want);
	return bd_error_set(err, BD_E_PARSE, "reply to `s`: module %zu: \"%s\" %s", w.module, key,
			    want);
}

static int bd_json_func(char c)
{
	switch (c) {
	case 'n': return BD_MODF_NONE;
	case 'r': return BD_MODF_RESOURCE;
	case 'b': return BD_MODF_BOOTLOADER;
	case 'm': return BD_MODF_MONO;
	case 's': return BD_MODF_SYSTEM;
	case 'u': return BD_MODF_USER;
	case 'c': return BD_MODF_NCP;
	case 'a': return BD_MODF_RADIO;
	case '_': return BD_CONSOLE_MODF_OTHER;
	default: return -100;
	}
}

static int bd_json_store(char c)
{
	switch (c) {
	case 'm': return BD_MODS_MAIN;
	case 'b': return BD_MODS_BACKUP;
	case 'f': return BD_MODS_FACTORY;
	case 't': return BD_MODS_SCRATCH;
	case '_': return BD_CONSOLE_MODS_OTHER;
	default: return -100;
	}
}

/* A one-character string member mapped by fn; -100 from fn = unknown. */
static int bd_json_char(const cJSON *obj, const char *key, int (*fn)(char), int *out,
			struct bd_json_where w, const char *want, struct bd_error *err)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!cJSON_IsString(it) || !it->valuestring || strlen(it->valuestring) != 1 ||
	    fn(it->valuestring[0]) == -100)
		return bd_json_bad(err, w, key, want);
	*out = fn(it->valuestring[0]);
	return 0;
}

/* "n": the index, sent as a string of decimal digits. */
static int bd_json_index(const cJSON *obj, int *out, struct bd_json_where w, struct bd_error *err)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, "n");
	const char *s = cJSON_IsString(it) ? it->valuestring : NULL;
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 3)
		return bd_json_bad(err, w, "n", "must be a string of 1 to 3 digits (0 to 255)");
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return bd_json_bad(err, w, "n",
					   "must be a string of 1 to 3 digits (0 to 255)");
		v = v * 10 + (s[i] - '0');
	}
	if (v > 255)
		return bd_json_bad(err, w, "n", "must be a string of 1 to 3 digits (0 to 255)");
	*out = v;
	return 0;
}

static int bd_json_u32(const cJSON *obj, const char *key, uint32_t *out, struct bd_json_where w,
		       struct bd_error *err)
{
	int64_t v;
	if (!bd_json_int(cJSON_GetObjectItemCaseSensitive(obj, key), 0, 4294967295.0, &v))
		return bd_json_bad(err, w, key, "must be an integer from 0 to 4294967295");
	*out = (uint32_t)v;
	return 0;
}

static int bd_json_version(const cJSON *obj, int *out, struct bd_json_where w,
			   struct bd_error *err)
{
	int64_t v;
	if (!bd_json_int(cJSON_GetObjectItemCaseSensitive(obj, "v"), 0, 65535, &v))
		return bd_json_bad(err, w, "v", "must be an integer from 0 to 65535");
	*out = (int)v;
	return 0;
}

static int bd_json_dep(const cJSON *d, struct bd_module_dep *dep, struct bd_json_where w,
		       struct bd_error *err)
{
	if (!cJSON_IsObject(d))
		return bd_error_set(err, BD_E_PARSE,
				    "reply to `s`: dependency %zu of module %zu is not an object",
				    w.dep, w.module);
	int rc;
	if ((rc = bd_json_char(d, "f", bd_json_func, &dep->func, w,
			       "must be one of \"n\", \"r\", \"b\", \"m\", \"s\", \"u\", \"c\", "
			       "\"a\", \"_\"",
			       err)) < 0 ||
	    (rc = bd_json_index(d, &dep->index, w, err)) < 0 ||
	    (rc = bd_json_version(d, &dep->version, w, err)) < 0)
		return rc;
	return 0;
}

static int bd_json_hash(const cJSON *obj, struct bd_module *m, struct bd_json_where w,
			struct bd_error *err)
{
	const cJSON *u = cJSON_GetObjectItemCaseSensitive(obj, "u");
	if (!u)
		return 0;
	const char *s = cJSON_IsString(u) ? u->valuestring : NULL;
	if (!s || strlen(s) != 64)
		return bd_json_bad(err, w, "u", "must be a string of 64 hex digits");
	for (size_t i = 0; i < 64; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return bd_json_bad(err, w, "u", "must be a string of 64 hex digits");
		m->hash[i] = c;
	}
	m->hash[64] = '\0';
	return 0;
}

static int bd_json_module(const cJSON *obj, struct bd_module *m, size_t number,
			  struct bd_error *err)
{
	struct bd_json_where w = {number, 0};
	if (!cJSON_IsObject(obj))
		return bd_error_set(err, BD_E_PARSE, "reply to `s`: module %zu is not an object",
				    number);
	memset(m, 0, sizeof *m);
	int rc;
	if ((rc = bd_json_u32(obj, "s", &m->max_size, w, err)) < 0 ||
	    (rc = bd_json_char(obj, "l", bd_json_store, &m->store, w,
			       "must be one of \"m\", \"b\", \"f\", \"t\", \"_\"", err)) < 0 ||
	    (rc = bd_json_u32(obj, "vc", &m->checked, w, err)) < 0 ||
	    (rc = bd_json_u32(obj, "vv", &m->passed, w, err)) < 0 ||
	    (rc = bd_json_hash(obj, m, w, err)) < 0)
		return rc;

	/* f, n, v: all three, or none (an empty slot). */
	int have = !!cJSON_GetObjectItemCaseSensitive(obj, "f") +
		   !!cJSON_GetObjectItemCaseSensitive(obj, "n") +
		   !!cJSON_GetObjectItemCaseSensitive(obj, "v");
	if (have != 0 && have != 3)
		return bd_error_set(err, BD_E_PARSE,
				    "reply to `s`: module %zu has only some of \"f\", \"n\" and "
				    "\"v\"; expected all three, or none for an empty slot",
				    number);
	if (have == 3 &&
	    ((rc = bd_json_char(obj, "f", bd_json_func, &m->func, w,
				"must be one of \"n\", \"r\", \"b\", \"m\", \"s\", \"u\", \"c\", "
				"\"a\", \"_\"",
				err)) < 0 ||
	     (rc = bd_json_index(obj, &m->index, w, err)) < 0 ||
	     (rc = bd_json_version(obj, &m->version, w, err)) < 0))
		return rc;

	const cJSON *deps = cJSON_GetObjectItemCaseSensitive(obj, "d");
	if (!deps)
		return 0;
	if (!cJSON_IsArray(deps))
		return bd_json_bad(err, w, "d", "must be an array of dependencies");
	int nd = cJSON_GetArraySize(deps);
	if (nd > BD_MODULE_DEPS_MAX)
		return bd_error_set(err, BD_E_PARSE,
				    "reply to `s`: module %zu lists %d dependencies; at most %d "
				    "expected",
				    number, nd, BD_MODULE_DEPS_MAX);
	const cJSON *d;
	cJSON_ArrayForEach(d, deps)
	{
		w.dep = (size_t)m->ndeps + 1;
		if ((rc = bd_json_dep(d, &m->deps[m->ndeps], w, err)) < 0)
			return rc;
		m->ndeps++;
	}
	return 0;
}

static void bd_json_table_reset(struct bd_module_table *out)
{
	memset(out, 0, sizeof *out);
	out->platform_id = -1;
}

int bd_console_parse_modules(const char *buf, size_t len, struct bd_module_table *out,
			     struct bd_error *err)
{
	if (!buf || !out)
		return bd_error_set(err, BD_E_INVALID, "no reply buffer or no result for `s`");
	bd_json_table_reset(out);
	if (len > BD_CONSOLE_REPLY_MAX)
		return bd_error_set(err, BD_E_TOO_LARGE,
				    "the reply to `s` is %zu bytes; no console reply is larger than "
				    "%u bytes",
				    len, BD_CONSOLE_REPLY_MAX);
	cJSON *root = bd_json_find_object(buf, len, "m", "s", err);
	if (!root)
		return err ? err->code : BD_E_PARSE;

	int rc = 0;
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(root, "p");
	if (p) {
		int64_t v;
		if (!bd_json_int(p, 0, 65535, &v)) {
			rc = bd_error_set(err, BD_E_PARSE,
					  "reply to `s`: \"p\" (platform) must be an integer from 0 "
					  "to 65535");
			goto out;
		}
		out->platform_id = (int)v;
	}
	const cJSON *mods = cJSON_GetObjectItemCaseSensitive(root, "m");
	if (!cJSON_IsArray(mods)) {
		rc = bd_error_set(err, BD_E_PARSE,
				  "reply to `s`: \"m\" (the modules) must be an array");
		goto out;
	}
	const cJSON *m;
	size_t number = 0;
	cJSON_ArrayForEach(m, mods)
	{
		number++;
		if (out->n == BD_MODULES_MAX) {
			out->truncated = true;
			break;
		}
		if ((rc = bd_json_module(m, &out->m[out->n], number, err)) < 0)
			goto out;
		out->n++;
	}
out:
	cJSON_Delete(root);
	if (rc < 0)
		bd_json_table_reset(out);
	return rc;
}

int bd_console_parse_diagnostics(const char *buf, size_t len, struct bd_console_diags *out,
				 struct bd_error *err)
{
	if (!buf || !out)
		return bd_error_set(err, BD_E_INVALID, "no reply buffer or no result for `d`");
	memset(out, 0, sizeof *out);
	if (len > BD_CONSOLE_REPLY_MAX)
		return bd_error_set(err, BD_E_TOO_LARGE,
				    "the reply to `d` is %zu bytes; no console reply is larger than "
				    "%u bytes",
				    len, BD_CONSOLE_REPLY_MAX);
	cJSON *root = bd_json_find_object(buf, len, NULL, "d", err);
	if (!root)
		return err ? err->code : BD_E_PARSE;

	int rc = 0;
	size_t number = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, root)
	{
		number++;
		if (out->n == BD_CONSOLE_DIAG_MAX) {
			out->truncated = true;
			break;
		}
		const char *name = it->string ? it->string : "";
		size_t nl = strlen(name);
		if (nl == 0 || nl >= BD_CONSOLE_DIAG_NAME_MAX) {
			rc = bd_error_set(err, BD_E_PARSE,
					  "reply to `d`: source %zu has a name of %zu characters; "
					  "expected 1 to %d",
					  number, nl, BD_CONSOLE_DIAG_NAME_MAX - 1);
			goto out;
		}
		struct bd_console_diag *d = &out->v[out->n];
		memcpy(d->name, name, nl + 1);
		int64_t v;
		/* int64 range; 2^63 - 1024 is the largest double below 2^63. */
		if (bd_json_int(it, -9223372036854775808.0, 9223372036854774784.0, &v)) {
			d->value = v;
		} else if (cJSON_IsObject(it) &&
			   bd_json_int(cJSON_GetObjectItemCaseSensitive(it, "err"), -2147483648.0,
				       2147483647.0, &v)) {
			d->failed = true;
			d->error = (int)v;
		} else {
			rc = bd_error_set(err, BD_E_PARSE,
					  "reply to `d`: source %zu must be an integer or "
					  "{\"err\": <integer>}",
					  number);
			goto out;
		}
		out->n++;
	}
out:
	cJSON_Delete(root);
	if (rc < 0)
		memset(out, 0, sizeof *out);
	return rc;
}
