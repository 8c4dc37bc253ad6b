/* kb_read.c - typed, located reading of knowledge JSON. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb_internal.h"
#include "text.h"

void rd_push_key(struct rd *r, const char *key)
{
	if (r->depth < RD_MAX_DEPTH)
		r->path[r->depth] = JSON_SEG_KEY(key);
	r->depth++;
}

void rd_push_idx(struct rd *r, int idx)
{
	if (r->depth < RD_MAX_DEPTH)
		r->path[r->depth] = JSON_SEG_IDX(idx);
	r->depth++;
}

void rd_pop(struct rd *r)
{
	if (r->depth)
		r->depth--;
}

void rd_problem(struct rd *r, enum diag_severity sev, const char *key, int col_add,
		const char *hint, const char *fmt, ...)
{
	char msg[900];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	int line = 0, col = 0;
	const char *path = NULL;
	if (r->file >= 0 && (size_t)r->file < r->kb->nfiles) {
		const struct kb_file *f = &r->kb->files[r->file];
		struct json_seg segs[RD_MAX_DEPTH + 1];
		size_t depth = r->depth < RD_MAX_DEPTH ? r->depth : RD_MAX_DEPTH;
		memcpy(segs, r->path, depth * sizeof segs[0]);
		size_t off = 0;
		if (key) {
			segs[depth] = JSON_SEG_KEY(key);
			if (!json_locate_key(f->text, f->len, segs, depth + 1, &off))
				json_locate(f->text, f->len, segs, depth, &off);
		} else {
			json_locate(f->text, f->len, segs, depth, &off);
		}
		json_line_col(f->text, f->len, off, &line, &col);
		col += col_add;
		path = f->path;
	}
	diag_add(r->d, sev, path, line, col, r->node, hint, "%s", msg);
}

size_t kb_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return (size_t)-1;
	size_t prev[65], cur[65];
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
		memcpy(prev, cur, (lb + 1) * sizeof prev[0]);
	}
	return prev[lb];
}

void rd_check_keys(struct rd *r, const cJSON *obj, const char *const *allowed)
{
	for (const cJSON *c = obj ? obj->child : NULL; c; c = c->next) {
		bool ok = false;
		for (size_t i = 0; allowed[i] && !ok; i++)
			ok = strcmp(c->string, allowed[i]) == 0;
		if (ok)
			continue;
		/* Only an unknown field pays for the suggestion. */
		const char *best = NULL;
		size_t bestd = (size_t)-1;
		for (size_t i = 0; allowed[i]; i++) {
			size_t dist = kb_edit_distance(c->string, allowed[i]);
			if (dist < bestd) {
				bestd = dist;
				best = allowed[i];
			}
		}
		char hint[256];
		if (best && bestd <= 3)
			snprintf(hint, sizeof hint, "did you mean \"%s\"?", best);
		else {
			size_t used = (size_t)snprintf(hint, sizeof hint, "allowed fields:");
			for (size_t i = 0; allowed[i] && used < sizeof hint; i++)
				used += (size_t)snprintf(hint + used, sizeof hint - used, " %s",
							 allowed[i]);
		}
		rd_err(r, c->string, hint, "unknown field \"%s\"", c->string);
	}
}

static const char *rd_type_of(const cJSON *v)
{
	if (cJSON_IsString(v)) return "a string";
	if (cJSON_IsNumber(v)) return "a number";
	if (cJSON_IsBool(v)) return "true/false";
	if (cJSON_IsArray(v)) return "a list";
	if (cJSON_IsObject(v)) return "an object";
	if (cJSON_IsNull(v)) return "null";
	return "something else";
}

char *rd_str(struct rd *r, const cJSON *obj, const char *key, bool required)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!v) {
		if (required)
			rd_err(r, NULL, NULL, "missing field \"%s\"", key);
		return NULL;
	}
	if (!cJSON_IsString(v)) {
		rd_err(r, key, NULL, "\"%s\" must be a string, not %s", key, rd_type_of(v));
		return NULL;
	}
	if (required && !v->valuestring[0])
		rd_err(r, key, NULL, "\"%s\" must not be empty", key);
	return strdup(v->valuestring);
}

bool rd_bool(struct rd *r, const cJSON *obj, const char *key, bool def)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!v)
		return def;
	if (!cJSON_IsBool(v)) {
		rd_err(r, key, NULL, "\"%s\" must be true or false, not %s", key, rd_type_of(v));
		return def;
	}
	return cJSON_IsTrue(v);
}

double rd_num(struct rd *r, const cJSON *obj, const char *key, double def, bool required)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!v) {
		if (required)
			rd_err(r, NULL, NULL, "missing field \"%s\"", key);
		return def;
	}
	if (!cJSON_IsNumber(v)) {
		rd_err(r, key, NULL, "\"%s\" must be a number, not %s", key, rd_type_of(v));
		return def;
	}
	return v->valuedouble;
}

void kb_strv_free(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

char **rd_strlist(struct rd *r, const cJSON *obj, const char *key, size_t *n)
{
	*n = 0;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!v)
		return NULL;
	if (!cJSON_IsArray(v)) {
		rd_err(r, key, NULL, "\"%s\" must be a list of strings, not %s", key,
		       rd_type_of(v));
		return NULL;
	}
	int count = cJSON_GetArraySize(v);
	char **out = calloc((size_t)count + 1, sizeof *out);
	if (!out)
		return NULL;
	rd_push_key(r, key);
	int i = 0;
	for (const cJSON *c = v->child; c; c = c->next, i++) {
		if (!cJSON_IsString(c)) {
			rd_push_idx(r, i);
			rd_err(r, NULL, NULL, "items of \"%s\" must be strings, not %s", key,
			       rd_type_of(c));
			rd_pop(r);
			continue;
		}
		out[(*n)++] = strdup(c->valuestring);
	}
	rd_pop(r);
	return out;
}

struct ph_ctx {
	struct rd *r;
	const char *key;
};

static void rd_ph_cb(void *ctx, const char *name, size_t len, size_t off)
{
	struct ph_ctx *pc = ctx;
	char buf[128];
	(void)off;
	if (len >= sizeof buf) {
		rd_err(pc->r, pc->key, NULL, "placeholder is too long");
		return;
	}
	memcpy(buf, name, len);
	buf[len] = '\0';
	if (kb_fact_id(pc->r->kb, buf) < 0)
		rd_err(pc->r, pc->key, "placeholders name facts from facts.json or a node's \"fact\"",
		       "unknown fact {%s} in text", buf);
}

void rd_check_placeholders(struct rd *r, const char *s, const char *key)
{
	struct ph_ctx pc = {r, key};
	long rc = text_each_placeholder(s, rd_ph_cb, &pc);
	if (rc < 0)
		rd_err(r, key, "write {fact.name}, or {{ and }} for literal braces",
		       "unbalanced or empty brace at character %ld of the text", -rc);
}

struct expr *rd_cond(struct rd *r, const cJSON *obj, const char *key, char **src_out)
{
	if (src_out)
		*src_out = NULL;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!v)
		return NULL;
	if (!cJSON_IsString(v)) {
		rd_err(r, key, NULL, "\"%s\" must be a condition string, not %s", key,
		       rd_type_of(v));
		return NULL;
	}
	struct expr *e = NULL;
	struct expr_error ee;
	/* +1: the column of the opening quote; +1 more to the first character.
	 * Locate the value, not the key. */
	if (expr_parse(v->valuestring, &e, &ee) < 0) {
		rd_push_key(r, key);
		rd_problem(r, DIAG_ERROR, NULL, 1 + (int)ee.pos, NULL, "condition \"%s\": %s",
			   v->valuestring, ee.msg);
		rd_pop(r);
		return NULL;
	}
	struct expr_env env = kb_expr_env(r->kb);
	if (expr_bind(e, &env, &ee) < 0) {
		rd_push_key(r, key);
		rd_problem(r, DIAG_ERROR, NULL, 1 + (int)ee.pos, NULL, "condition \"%s\": %s",
			   v->valuestring, ee.msg);
		rd_pop(r);
		expr_free(e);
		return NULL;
	}
	if (src_out)
		*src_out = strdup(v->valuestring);
	return e;
}

void kb_text_free(struct kb_text *t)
{
	for (size_t i = 0; i < t->n; i++) {
		expr_free(t->v[i].when);
		free(t->v[i].when_src);
		free(t->v[i].text);
	}
	free(t->v);
	t->v = NULL;
	t->n = 0;
}

static const char *const rd_variant_keys[] = {"when", "text", NULL};

int rd_text(struct rd *r, const cJSON *obj, const char *key, struct kb_text *out, bool required)
{
	memset(out, 0, sizeof *out);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!v) {
		if (required)
			rd_err(r, NULL, NULL, "missing field \"%s\"", key);
		return 0;
	}
	if (cJSON_IsString(v)) {
		out->v = calloc(1, sizeof *out->v);
		if (!out->v)
			return -1;
		out->v[0].text = strdup(v->valuestring);
		out->n = 1;
		rd_check_placeholders(r, v->valuestring, key);
		return 0;
	}
	if (!cJSON_IsArray(v) || !cJSON_GetArraySize(v)) {
		rd_err(r, key, "a text is a string, or a list of {\"when\": ..., \"text\": ...}",
		       "\"%s\" must be a string or a non-empty list of variants, not %s", key,
		       rd_type_of(v));
		return 0;
	}
	out->v = calloc((size_t)cJSON_GetArraySize(v), sizeof *out->v);
	if (!out->v)
		return -1;
	rd_push_key(r, key);
	int i = 0;
	for (const cJSON *c = v->child; c; c = c->next, i++) {
		rd_push_idx(r, i);
		if (!cJSON_IsObject(c)) {
			rd_err(r, NULL, NULL, "each variant must be {\"when\": ..., \"text\": ...}");
		} else {
			rd_check_keys(r, c, rd_variant_keys);
			struct kb_variant *var = &out->v[out->n];
			var->text = rd_str(r, c, "text", true);
			if (var->text) {
				var->when = rd_cond(r, c, "when", &var->when_src);
				rd_check_placeholders(r, var->text, "text");
				out->n++;
			}
			if (!cJSON_GetObjectItemCaseSensitive(c, "when") && c->next)
				rd_problem(r, DIAG_ERROR, NULL, 0,
					   "put the variant without \"when\" last",
					   "variant %d has no condition, so the variants after it "
					   "are never used", i);
		}
		rd_pop(r);
	}
	rd_pop(r);
	return 0;
}

void kb_steps_free(struct kb_steps *s)
{
	for (size_t i = 0; i < s->n; i++) {
		expr_free(s->v[i].when);
		free(s->v[i].when_src);
		kb_text_free(&s->v[i].text);
		free(s->v[i].proc_id);
	}
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

static const char *const rd_step_keys[] = {"when", "text", "procedure", NULL};

int rd_steps(struct rd *r, const cJSON *obj, const char *key, struct kb_steps *out)
{
	memset(out, 0, sizeof *out);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!v)
		return 0;
	if (!cJSON_IsArray(v)) {
		rd_err(r, key, NULL, "\"%s\" must be a list of steps, not %s", key, rd_type_of(v));
		return 0;
	}
	out->v = calloc((size_t)cJSON_GetArraySize(v) + 1, sizeof *out->v);
	if (!out->v)
		return -1;
	rd_push_key(r, key);
	int i = 0;
	for (const cJSON *c = v->child; c; c = c->next, i++) {
		rd_push_idx(r, i);
		struct kb_step *st = &out->v[out->n];
		if (cJSON_IsString(c)) {
			st->kind = KB_STEP_TEXT;
			st->text.v = calloc(1, sizeof *st->text.v);
			if (st->text.v) {
				st->text.v[0].text = strdup(c->valuestring);
				st->text.n = 1;
			}
			rd_check_placeholders(r, c->valuestring, NULL);
			out->n++;
		} else if (cJSON_IsObject(c)) {
			rd_check_keys(r, c, rd_step_keys);
			bool has_proc = cJSON_GetObjectItemCaseSensitive(c, "procedure") != NULL;
			bool has_text = cJSON_GetObjectItemCaseSensitive(c, "text") != NULL;
			if (has_proc == has_text) {
				rd_err(r, NULL, NULL,
				       "a step object needs exactly one of \"text\" or \"procedure\"");
			} else {
				st->when = rd_cond(r, c, "when", &st->when_src);
				if (has_proc) {
					st->kind = KB_STEP_PROCEDURE;
					st->proc_id = rd_str(r, c, "procedure", true);
				} else {
					st->kind = KB_STEP_TEXT;
					rd_text(r, c, "text", &st->text, true);
				}
				out->n++;
			}
		} else {
			rd_err(r, NULL, NULL, "a step must be a string or an object, not %s",
			       rd_type_of(c));
		}
		rd_pop(r);
	}
	rd_pop(r);
	return 0;
}

void kb_next_free(struct kb_next *n)
{
	for (size_t i = 0; i < n->n; i++) {
		expr_free(n->e[i].when);
		free(n->e[i].when_src);
		free(n->e[i].target_id);
	}
	free(n->e);
	n->e = NULL;
	n->n = 0;
}

static const char *const rd_edge_keys[] = {"when", "next", NULL};

int rd_next(struct rd *r, const cJSON *obj, const char *key, struct kb_next *out, bool required)
{
	memset(out, 0, sizeof *out);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!v) {
		if (required)
			rd_err(r, NULL, NULL, "missing field \"%s\"", key);
		return 0;
	}
	if (cJSON_IsString(v)) {
		out->e = calloc(1, sizeof *out->e);
		if (!out->e)
			return -1;
		out->e[0].target_id = strdup(v->valuestring);
		out->n = 1;
		return 0;
	}
	if (!cJSON_IsArray(v) || !cJSON_GetArraySize(v)) {
		rd_err(r, key, "\"next\" is a node id or a list of {\"when\": ..., \"next\": id}",
		       "\"%s\" must be a node id or a non-empty list, not %s", key, rd_type_of(v));
		return 0;
	}
	out->e = calloc((size_t)cJSON_GetArraySize(v), sizeof *out->e);
	if (!out->e)
		return -1;
	rd_push_key(r, key);
	int i = 0;
	bool saw_default = false;
	for (const cJSON *c = v->child; c; c = c->next, i++) {
		rd_push_idx(r, i);
		if (!cJSON_IsObject(c)) {
			rd_err(r, NULL, NULL, "each entry must be {\"when\": ..., \"next\": id}");
		} else {
			rd_check_keys(r, c, rd_edge_keys);
			struct kb_edge *e = &out->e[out->n];
			if (cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(c, "next")))
				rd_err(r, "next",
				       "conditional lists do not nest: combine the conditions with "
				       "'and' into one flat list",
				       "a conditional entry's \"next\" must be a node id");
			else
				e->target_id = rd_str(r, c, "next", true);
			bool has_when = cJSON_GetObjectItemCaseSensitive(c, "when") != NULL;
			e->when = rd_cond(r, c, "when", &e->when_src);
			if (!has_when) {
				if (c->next)
					rd_err(r, NULL, "put the entry without \"when\" last",
					       "entry %d has no condition, so the entries after it "
					       "are never used", i);
				saw_default = true;
			}
			if (e->target_id)
				out->n++;
		}
		rd_pop(r);
	}
	rd_pop(r);
	if (!saw_default)
		rd_err(r, key, "end the list with {\"next\": \"fallback-node\"}",
		       "conditional \"%s\" has no default entry (one without \"when\"); the walk "
		       "would get stuck when no condition holds", key);
	return 0;
}
