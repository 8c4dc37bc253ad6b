#define _POSIX_C_SOURCE 200809L
#include "transcript.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/clock.h"

#define TRANSCRIPT_VERSION 1
#define TRANSCRIPT_MAX_BYTES (16u * 1024u * 1024u)

static cJSON *fact_json(const struct fact_value *v)
{
	switch (v->type) {
	case FV_BOOL: return cJSON_CreateBool(v->b);
	case FV_NUMBER: return cJSON_CreateNumber(v->num);
	case FV_STRING: return cJSON_CreateString(v->str);
	case FV_LIST: return cJSON_CreateStringArray((const char *const *)v->list, (int)v->nlist);
	case FV_NONE: break;
	}
	return cJSON_CreateNull();
}

static int json_fact(const cJSON *j, struct fact_value *v)
{
	if (cJSON_IsBool(j))
		return fv_set_bool(v, cJSON_IsTrue(j));
	if (cJSON_IsNumber(j))
		return fv_set_number(v, j->valuedouble);
	if (cJSON_IsString(j))
		return fv_set_string(v, j->valuestring);
	if (cJSON_IsArray(j)) {
		size_t n = 0;
		const char *items[64];
		for (const cJSON *c = j->child; c && n < 64; c = c->next) {
			if (!cJSON_IsString(c))
				return BD_E_PARSE;
			items[n++] = c->valuestring;
		}
		return fv_set_list(v, items, n);
	}
	return BD_E_PARSE;
}

cJSON *transcript_event_json(const struct session_event *ev)
{
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "time", ev->time);
	cJSON_AddStringToObject(o, "kind", session_event_kind_name(ev->kind));
	if (ev->node)
		cJSON_AddStringToObject(o, "node", ev->node);
	if (ev->value)
		cJSON_AddStringToObject(o, "value", ev->value);
	if (ev->detail)
		cJSON_AddStringToObject(o, "detail", ev->detail);
	return o;
}

cJSON *transcript_to_json(const struct session *s)
{
	const struct kb *kb = session_kb(s);
	cJSON *root = cJSON_CreateObject();
	if (!root)
		return NULL;
	char now[32];
	bd_wallclock_iso(now, sizeof now);
	cJSON_AddNumberToObject(root, "blinkdoc_transcript", TRANSCRIPT_VERSION);
	cJSON_AddStringToObject(root, "saved", now);
	cJSON_AddStringToObject(root, "root", session_root(s));
	if (session_device(s))
		cJSON_AddStringToObject(root, "device", session_device(s)->id);
	else
		cJSON_AddNullToObject(root, "device");
	cJSON *facts = cJSON_AddObjectToObject(root, "facts");
	for (size_t i = 0; i < kb_fact_count(kb); i++) {
		if (!session_fact_is_base(s, (int)i))
			continue;
		const struct fact_value *v = session_fact_by_id(s, (int)i);
		if (v)
			cJSON_AddItemToObject(facts, kb_fact_at(kb, (int)i)->name, fact_json(v));
	}
	cJSON *answers = cJSON_AddArrayToObject(root, "answers");
	for (size_t i = 0; i < session_answer_count(s); i++) {
		struct session_answer_view a = session_answer_at(s, i);
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "node", a.node);
		cJSON_AddStringToObject(o, "value", a.value);
		cJSON_AddStringToObject(o, "how", session_how_name(a.how));
		cJSON_AddStringToObject(o, "time", a.time);
		if (a.detail)
			cJSON_AddStringToObject(o, "detail", a.detail);
		if (a.nfacts) {
			cJSON *af = cJSON_AddObjectToObject(o, "facts");
			for (size_t k = 0; k < a.nfacts; k++)
				cJSON_AddItemToObject(af, a.facts[k].name, fact_json(&a.facts[k].value));
		}
		cJSON_AddItemToArray(answers, o);
	}
	cJSON *events = cJSON_AddArrayToObject(root, "events");
	for (size_t i = 0; i < session_event_count(s); i++)
		cJSON_AddItemToArray(events, transcript_event_json(session_event_at(s, i)));
	return root;
}

int transcript_save(const struct session *s, const char *path, struct bd_error *err)
{
	cJSON *j = transcript_to_json(s);
	char *text = j ? cJSON_Print(j) : NULL;
	cJSON_Delete(j);
	if (!text)
		return bd_error_set(err, BD_E_NOMEM, "out of memory writing the transcript");
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
	FILE *f = fopen(tmp, "w");
	int rc = 0;
	if (!f) {
		rc = bd_error_set(err, BD_E_IO, "cannot write %s: %s", tmp, strerror(errno));
	} else {
		bool ok = fputs(text, f) >= 0 && fputc('\n', f) != EOF;
		ok &= fflush(f) == 0 && fsync(fileno(f)) == 0;
		ok &= fclose(f) == 0;
		if (!ok || rename(tmp, path) != 0) {
			rc = bd_error_set(err, BD_E_IO, "cannot save the transcript to %s: %s", path,
					  strerror(errno));
			unlink(tmp);
		}
	}
	free(text);
	return rc;
}

static enum session_how how_parse(const char *s)
{
	static const enum session_how all[] = {HOW_USER, HOW_PRESET, HOW_FACT, HOW_ONLY_OPTION,
					       HOW_ACTION, HOW_AUTO};
	for (size_t i = 0; s && i < sizeof all / sizeof all[0]; i++)
		if (!strcmp(s, session_how_name(all[i])))
			return all[i];
	return HOW_USER;
}

static const char *jstr(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

struct session *transcript_parse(const struct kb *kb, const char *text, size_t len,
				 struct bd_error *err)
{
	cJSON *root = cJSON_ParseWithLength(text, len);
	struct session *s = NULL;
	if (!cJSON_IsObject(root)) {
		bd_error_set(err, BD_E_PARSE, "the transcript is not valid JSON");
		goto fail;
	}
	const cJSON *ver = cJSON_GetObjectItemCaseSensitive(root, "blinkdoc_transcript");
	if (!cJSON_IsNumber(ver) || ver->valueint != TRANSCRIPT_VERSION) {
		bd_error_set(err, BD_E_PARSE, "not a blinkdoc transcript (version %d expected)",
			     TRANSCRIPT_VERSION);
		goto fail;
	}
	s = session_new(kb);
	if (!s) {
		bd_error_set(err, BD_E_NOMEM, "out of memory");
		goto fail;
	}
	const char *devname = jstr(root, "device");
	if (devname) {
		const struct kb_device *dev = kb_device_find(kb, devname);
		if (!dev) {
			bd_error_set(err, BD_E_KNOWLEDGE, "the transcript is for device \"%s\", which "
				     "this knowledge base does not know", devname);
			goto fail;
		}
		session_set_device(s, dev, err);
	}
	const cJSON *facts = cJSON_GetObjectItemCaseSensitive(root, "facts");
	for (const cJSON *f = cJSON_IsObject(facts) ? facts->child : NULL; f; f = f->next) {
		struct fact_value v = {0};
		if (json_fact(f, &v) < 0 || session_set_fact(s, f->string, &v, err) < 0) {
			fv_free(&v);
			if (!err || !err->code)
				bd_error_set(err, BD_E_PARSE, "bad fact \"%s\" in the transcript", f->string);
			goto fail;
		}
		fv_free(&v);
	}
	const cJSON *answers = cJSON_GetObjectItemCaseSensitive(root, "answers");
	for (const cJSON *a = cJSON_IsArray(answers) ? answers->child : NULL; a; a = a->next) {
		const char *node = jstr(a, "node"), *value = jstr(a, "value");
		if (!node || !value) {
			bd_error_set(err, BD_E_PARSE, "an answer in the transcript lacks node or value");
			goto fail;
		}
		if (!kb_node_find(kb, node)) {
			bd_error_set(err, BD_E_KNOWLEDGE, "the transcript answers node \"%s\", which this "
				     "knowledge base no longer has", node);
			bd_error_hint(err, "start a new session; the knowledge base changed since it was saved");
			goto fail;
		}
		struct session_fact_set sets[32];
		size_t nsets = 0;
		const cJSON *af = cJSON_GetObjectItemCaseSensitive(a, "facts");
		for (const cJSON *f = cJSON_IsObject(af) ? af->child : NULL; f && nsets < 32; f = f->next) {
			memset(&sets[nsets], 0, sizeof sets[nsets]);
			sets[nsets].name = f->string;
			if (json_fact(f, &sets[nsets].value) == 0)
				nsets++;
		}
		int rc = session_push_answer(s, node, value, how_parse(jstr(a, "how")), jstr(a, "time"),
					     jstr(a, "detail"), sets, nsets);
		for (size_t k = 0; k < nsets; k++)
			fv_free(&sets[k].value);
		if (rc < 0) {
			bd_error_set(err, rc, "out of memory");
			goto fail;
		}
	}
	const char *root_id = jstr(root, "root");
	if (session_start(s, root_id, err) < 0)
		goto fail;
	const cJSON *events = cJSON_GetObjectItemCaseSensitive(root, "events");
	session_clear_events(s);
	for (const cJSON *e = cJSON_IsArray(events) ? events->child : NULL; e; e = e->next) {
		int kind = session_event_kind_parse(jstr(e, "kind"));
		const char *time = jstr(e, "time");
		if (kind < 0 || !time)
			continue;
		struct session_event ev = {{0}, (enum session_event_kind)kind, (char *)jstr(e, "node"),
					   (char *)jstr(e, "value"), (char *)jstr(e, "detail")};
		snprintf(ev.time, sizeof ev.time, "%s", time);
		session_push_event(s, &ev);
	}
	session_note(s, NULL, "resumed from a saved transcript");
	cJSON_Delete(root);
	return s;
fail:
	cJSON_Delete(root);
	session_free(s);
	return NULL;
}

struct session *transcript_load(const struct kb *kb, const char *path, struct bd_error *err)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		bd_error_set(err, BD_E_IO, "cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	char *buf = malloc(TRANSCRIPT_MAX_BYTES + 1);
	size_t n = buf ? fread(buf, 1, TRANSCRIPT_MAX_BYTES + 1, f) : 0;
	fclose(f);
	if (!buf) {
		bd_error_set(err, BD_E_NOMEM, "out of memory");
		return NULL;
	}
	if (n > TRANSCRIPT_MAX_BYTES) {
		free(buf);
		bd_error_set(err, BD_E_TOO_LARGE, "%s is larger than %u bytes", path,
			     TRANSCRIPT_MAX_BYTES);
		return NULL;
	}
	struct session *s = transcript_parse(kb, buf, n, err);
	free(buf);
	return s;
}
