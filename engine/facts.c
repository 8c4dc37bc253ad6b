#define _POSIX_C_SOURCE 200809L
#include "facts.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/bd_error.h"

const char *fv_type_name(enum fv_type t)
{
	switch (t) {
	case FV_BOOL: return "bool";
	case FV_NUMBER: return "number";
	case FV_STRING: return "string";
	case FV_LIST: return "list";
	case FV_NONE: break;
	}
	return "unknown";
}

enum fv_type fv_type_from_name(const char *s)
{
	static const enum fv_type all[] = {FV_BOOL, FV_NUMBER, FV_STRING, FV_LIST};
	for (size_t i = 0; s && i < sizeof all / sizeof all[0]; i++)
		if (strcmp(s, fv_type_name(all[i])) == 0)
			return all[i];
	return FV_NONE;
}

void fv_free(struct fact_value *v)
{
	free(v->str);
	for (size_t i = 0; i < v->nlist; i++)
		free(v->list[i]);
	free(v->list);
	memset(v, 0, sizeof *v);
}

int fv_set_bool(struct fact_value *v, bool b)
{
	fv_free(v);
	v->type = FV_BOOL;
	v->b = b;
	return 0;
}

int fv_set_number(struct fact_value *v, double n)
{
	fv_free(v);
	v->type = FV_NUMBER;
	v->num = n;
	return 0;
}

int fv_set_string(struct fact_value *v, const char *s)
{
	fv_free(v);
	v->str = strdup(s ? s : "");
	if (!v->str)
		return BD_E_NOMEM;
	v->type = FV_STRING;
	return 0;
}

int fv_set_list(struct fact_value *v, const char *const *items, size_t n)
{
	fv_free(v);
	v->type = FV_LIST;
	if (!n)
		return 0;
	v->list = calloc(n, sizeof *v->list);
	if (!v->list) {
		v->type = FV_NONE;
		return BD_E_NOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		v->list[i] = strdup(items[i]);
		if (!v->list[i]) {
			v->nlist = i;
			fv_free(v);
			return BD_E_NOMEM;
		}
	}
	v->nlist = n;
	return 0;
}

int fv_copy(struct fact_value *dst, const struct fact_value *src)
{
	if (dst == src)
		return 0;
	switch (src->type) {
	case FV_BOOL: return fv_set_bool(dst, src->b);
	case FV_NUMBER: return fv_set_number(dst, src->num);
	case FV_STRING: return fv_set_string(dst, src->str);
	case FV_LIST: return fv_set_list(dst, (const char *const *)src->list, src->nlist);
	case FV_NONE: break;
	}
	fv_free(dst);
	return 0;
}

bool fv_equal(const struct fact_value *a, const struct fact_value *b)
{
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case FV_BOOL: return a->b == b->b;
	case FV_NUMBER: return a->num == b->num;
	case FV_STRING: return strcmp(a->str, b->str) == 0;
	case FV_LIST:
		if (a->nlist != b->nlist)
			return false;
		for (size_t i = 0; i < a->nlist; i++)
			if (strcmp(a->list[i], b->list[i]) != 0)
				return false;
		return true;
	case FV_NONE: return true;
	}
	return false;
}

void fv_format(const struct fact_value *v, char *buf, size_t size)
{
	if (!size)
		return;
	buf[0] = '\0';
	switch (v->type) {
	case FV_BOOL: snprintf(buf, size, "%s", v->b ? "yes" : "no"); break;
	case FV_NUMBER:
		if (v->num == floor(v->num) && fabs(v->num) < 1e15)
			snprintf(buf, size, "%.0f", v->num);
		else
			snprintf(buf, size, "%g", v->num);
		break;
	case FV_STRING: snprintf(buf, size, "%s", v->str); break;
	case FV_LIST: {
		size_t used = 0;
		for (size_t i = 0; i < v->nlist && used + 1 < size; i++) {
			int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", v->list[i]);
			if (n < 0)
				break;
			used += (size_t)n;
		}
		break;
	}
	case FV_NONE: snprintf(buf, size, "unknown"); break;
	}
}

int fv_parse(struct fact_value *v, enum fv_type t, const char *text)
{
	switch (t) {
	case FV_BOOL:
		if (!strcasecmp(text, "yes") || !strcasecmp(text, "true") || !strcmp(text, "1"))
			return fv_set_bool(v, true);
		if (!strcasecmp(text, "no") || !strcasecmp(text, "false") || !strcmp(text, "0"))
			return fv_set_bool(v, false);
		return BD_E_PARSE;
	case FV_NUMBER: {
		char *end;
		double n = strtod(text, &end);
		if (end == text || *end || !isfinite(n))
			return BD_E_PARSE;
		return fv_set_number(v, n);
	}
	case FV_STRING: return fv_set_string(v, text);
	case FV_LIST: return fv_set_list(v, &text, 1);
	case FV_NONE: break;
	}
	return BD_E_PARSE;
}

int fact_store_init(struct fact_store *fs, size_t n)
{
	fs->v = calloc(n ? n : 1, sizeof *fs->v);
	fs->n = fs->v ? n : 0;
	return fs->v ? 0 : BD_E_NOMEM;
}

void fact_store_free(struct fact_store *fs)
{
	for (size_t i = 0; i < fs->n; i++)
		fv_free(&fs->v[i]);
	free(fs->v);
	fs->v = NULL;
	fs->n = 0;
}

const struct fact_value *fact_store_get(const struct fact_store *fs, int id)
{
	if (id < 0 || (size_t)id >= fs->n || fs->v[id].type == FV_NONE)
		return NULL;
	return &fs->v[id];
}

int fact_store_set(struct fact_store *fs, int id, const struct fact_value *v)
{
	if (id < 0 || (size_t)id >= fs->n)
		return BD_E_RANGE;
	return fv_copy(&fs->v[id], v);
}

void fact_store_clear(struct fact_store *fs, int id)
{
	if (id >= 0 && (size_t)id < fs->n)
		fv_free(&fs->v[id]);
}

int fact_store_copy(struct fact_store *dst, const struct fact_store *src)
{
	if (fact_store_init(dst, src->n) < 0)
		return BD_E_NOMEM;
	for (size_t i = 0; i < src->n; i++)
		if (fv_copy(&dst->v[i], &src->v[i]) < 0) {
			fact_store_free(dst);
			return BD_E_NOMEM;
		}
	return 0;
}
