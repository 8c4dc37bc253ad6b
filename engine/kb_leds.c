/* kb_leds.c - leds.json (colours, patterns, statuses) and sos.json (timing,
 * codes, and the generated sos-N statuses). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb_internal.h"

static bool color_known(const struct kb *kb, const char *id)
{
	for (size_t i = 0; id && i < kb->ncolors; i++)
		if (!strcmp(kb->colors[i].id, id))
			return true;
	return false;
}

static char *rd_color(struct rd *r, const cJSON *obj, const char *key, bool required)
{
	char *c = rd_str(r, obj, key, required);
	if (c && !color_known(r->kb, c)) {
		rd_err(r, key, "colours are the ids in leds.json \"colors\"", "unknown colour \"%s\"", c);
	}
	return c;
}

static void load_colors(struct rd *r, const cJSON *root)
{
	struct kb *kb = r->kb;
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "colors");
	if (!cJSON_IsArray(arr)) {
		rd_err(r, NULL, NULL, "\"colors\" must be a list");
		return;
	}
	kb->colors = calloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof *kb->colors);
	if (!kb->colors)
		return;
	rd_push_key(r, "colors");
	int i = 0;
	for (const cJSON *c = arr->child; c; c = c->next, i++) {
		rd_push_idx(r, i);
		rd_check_keys(r, c, (const char *const[]){"id", "rgb", "words", "aliases", NULL});
		struct kb_color *col = &kb->colors[kb->ncolors];
		col->id = rd_str(r, c, "id", true);
		col->rgb = rd_str(r, c, "rgb", true);
		col->words = rd_str(r, c, "words", true);
		col->aliases = rd_strlist(r, c, "aliases", &col->naliases);
		unsigned rr, gg, bb;
		if (col->rgb && sscanf(col->rgb, "#%2x%2x%2x", &rr, &gg, &bb) == 3 &&
		    strlen(col->rgb) == 7) {
			col->r = (unsigned char)rr;
			col->g = (unsigned char)gg;
			col->b = (unsigned char)bb;
		} else if (col->rgb) {
			rd_err(r, "rgb", "write \"#00e5ff\"", "bad colour \"%s\"", col->rgb);
		}
		if (col->id && color_known(kb, col->id))
			rd_err(r, "id", NULL, "colour \"%s\" is listed twice", col->id);
		if (col->id)
			kb->ncolors++;
		rd_pop(r);
	}
	rd_pop(r);
}

static void load_patterns(struct rd *r, const cJSON *root)
{
	struct kb *kb = r->kb;
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "patterns");
	if (!cJSON_IsArray(arr)) {
		rd_err(r, NULL, NULL, "\"patterns\" must be a list");
		return;
	}
	kb->patterns = calloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof *kb->patterns);
	if (!kb->patterns)
		return;
	rd_push_key(r, "patterns");
	int i = 0;
	for (const cJSON *c = arr->child; c; c = c->next, i++) {
		rd_push_idx(r, i);
		rd_check_keys(r, c, (const char *const[]){"id", "words", NULL});
		struct kb_pattern *p = &kb->patterns[kb->npatterns];
		p->id = rd_str(r, c, "id", true);
		p->words = rd_str(r, c, "words", true);
		if (p->id)
			kb->npatterns++;
		rd_pop(r);
	}
	rd_pop(r);
}

static void load_match(struct rd *r, const cJSON *c, struct kb_match *m)
{
	rd_check_keys(r, c, (const char *const[]){"color", "pattern", "count", "color2", NULL});
	m->color = rd_color(r, c, "color", true);
	m->pattern = rd_str(r, c, "pattern", true);
	m->color2 = rd_color(r, c, "color2", false);
	m->count = (int)rd_num(r, c, "count", -1, false);
	if (m->pattern && !kb_pattern_find(r->kb, m->pattern))
		rd_err(r, "pattern", "patterns are the ids in leds.json \"patterns\"",
		       "unknown pattern \"%s\"", m->pattern);
	bool counted = m->pattern && (!strcmp(m->pattern, "sos") || !strcmp(m->pattern, "blink-code"));
	if (counted && m->count < 1)
		rd_err(r, NULL, NULL, "pattern \"%s\" needs a \"count\" of at least 1", m->pattern);
	if (!counted && m->count >= 0)
		rd_err(r, "count", NULL, "\"count\" only belongs to sos and blink-code patterns");
	bool alt = m->pattern && !strcmp(m->pattern, "alternating");
	if (alt && !m->color2)
		rd_err(r, NULL, NULL, "an alternating pattern needs \"color2\"");
	if (!alt && m->color2)
		rd_err(r, "color2", NULL, "\"color2\" only belongs to the alternating pattern");
}

static const char *const anim_keys[] = {"type", "color", "colors", "period_ms", "on_ms", "off_ms",
					"count", "steps", "repeat", NULL};

static void load_anim(struct rd *r, const cJSON *c, struct kb_anim *a)
{
	if (!cJSON_IsObject(c)) {
		rd_err(r, NULL, NULL, "\"animation\" must be an object");
		return;
	}
	rd_check_keys(r, c, anim_keys);
	char *type = rd_str(r, c, "type", true);
	if (!type)
		return;
	static const struct {
		const char *name;
		enum kb_anim_type t;
	} types[] = {{"breathe", KB_ANIM_BREATHE}, {"blink", KB_ANIM_BLINK}, {"solid", KB_ANIM_SOLID},
		     {"off", KB_ANIM_OFF}, {"sos", KB_ANIM_SOS}, {"alternate", KB_ANIM_ALTERNATE},
		     {"sequence", KB_ANIM_SEQUENCE}};
	bool ok = false;
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (!strcmp(type, types[i].name)) {
			a->type = types[i].t;
			ok = true;
		}
	if (!ok)
		rd_err(r, "type", "use breathe, blink, solid, off, sos, alternate or sequence",
		       "unknown animation type \"%s\"", type);
	free(type);
	switch (a->type) {
	case KB_ANIM_BREATHE:
		a->color = rd_color(r, c, "color", true);
		a->period_ms = (int)rd_num(r, c, "period_ms", 3000, false);
		break;
	case KB_ANIM_BLINK:
		a->color = rd_color(r, c, "color", true);
		a->on_ms = (int)rd_num(r, c, "on_ms", 250, true);
		a->off_ms = (int)rd_num(r, c, "off_ms", 250, true);
		break;
	case KB_ANIM_SOLID: a->color = rd_color(r, c, "color", true); break;
	case KB_ANIM_OFF: break;
	case KB_ANIM_SOS: a->count = (int)rd_num(r, c, "count", 1, true); break;
	case KB_ANIM_ALTERNATE: {
		size_t n = 0;
		char **cols = rd_strlist(r, c, "colors", &n);
		if (n != 2)
			rd_err(r, "colors", NULL, "an alternating animation needs exactly two colours");
		for (size_t i = 0; i < n && i < 2; i++) {
			if (!color_known(r->kb, cols[i]))
				rd_err(r, "colors", NULL, "unknown colour \"%s\"", cols[i]);
			a->colors[i] = cols[i];
			cols[i] = NULL;
		}
		kb_strv_free(cols, n);
		a->on_ms = (int)rd_num(r, c, "on_ms", 300, false);
		break;
	}
	case KB_ANIM_SEQUENCE: {
		a->repeat = rd_bool(r, c, "repeat", true);
		const cJSON *steps = cJSON_GetObjectItemCaseSensitive(c, "steps");
		if (!cJSON_IsArray(steps) || !cJSON_GetArraySize(steps)) {
			rd_err(r, "steps", NULL, "a sequence needs a non-empty \"steps\" list");
			break;
		}
		a->steps = calloc((size_t)cJSON_GetArraySize(steps), sizeof *a->steps);
		if (!a->steps)
			break;
		rd_push_key(r, "steps");
		int i = 0;
		for (const cJSON *s = steps->child; s; s = s->next, i++) {
			rd_push_idx(r, i);
			rd_check_keys(r, s, (const char *const[]){"color", "ms", "level", "breathe", NULL});
			struct kb_anim_step *st = &a->steps[a->nsteps++];
			st->color = rd_color(r, s, "color", true);
			st->ms = (int)rd_num(r, s, "ms", 0, true);
			st->level = rd_num(r, s, "level", 1.0, false);
			st->breathe = rd_bool(r, s, "breathe", false);
			if (st->ms <= 0 || st->ms > 60000)
				rd_err(r, "ms", NULL, "step duration must be 1..60000 ms");
			if (st->level < 0 || st->level > 1)
				rd_err(r, "level", NULL, "level must be between 0 and 1");
			rd_pop(r);
		}
		rd_pop(r);
		break;
	}
	}
	if (a->period_ms < 0 || a->on_ms < 0 || a->off_ms < 0 || a->period_ms > 60000 ||
	    a->on_ms > 60000 || a->off_ms > 60000)
		rd_err(r, NULL, NULL, "animation times must be 0..60000 ms");
}

static struct kb_led *led_new(struct kb *kb)
{
	if (kb->nleds == kb->capleds) {
		size_t cap = kb->capleds ? kb->capleds * 2 : 64;
		struct kb_led **nl = realloc(kb->leds, cap * sizeof *nl);
		if (!nl)
			return NULL;
		kb->leds = nl;
		kb->capleds = cap;
	}
	struct kb_led *l = calloc(1, sizeof *l);
	if (l)
		kb->leds[kb->nleds++] = l;
	return l;
}

static const char *const status_keys[] = {"id", "title", "name", "shown_when", "match",
					  "animation", "describe", "meaning", NULL};

void kb_load_leds(struct kb *kb, struct diag *d, int file)
{
	struct rd r = {kb, d, file, {{0}}, 0, NULL};
	const cJSON *root = kb->files[file].root;
	rd_check_keys(&r, root, (const char *const[]){"schema", "about", "colors", "patterns", "statuses", NULL});
	load_colors(&r, root);
	load_patterns(&r, root);
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "statuses");
	if (!cJSON_IsArray(arr)) {
		rd_err(&r, NULL, NULL, "\"statuses\" must be a list");
		return;
	}
	rd_push_key(&r, "statuses");
	int i = 0;
	for (const cJSON *c = arr->child; c; c = c->next, i++) {
		rd_push_idx(&r, i);
		r.node = NULL;
		rd_check_keys(&r, c, status_keys);
		char *id = rd_str(&r, c, "id", true);
		if (!id) {
			rd_pop(&r);
			continue;
		}
		r.node = id;
		if (kb_led_find(kb, id))
			rd_err(&r, "id", NULL, "LED status \"%s\" is defined twice", id);
		if (!strncmp(id, "sos-", 4))
			rd_err(&r, "id", "sos-N statuses are generated from sos.json",
			       "do not define \"%s\" here", id);
		struct kb_led *l = led_new(kb);
		if (!l) {
			free(id);
			rd_pop(&r);
			continue;
		}
		l->id = id;
		r.node = l->id;
		l->file = file;
		l->index = i;
		l->title = rd_str(&r, c, "title", true);
		l->name = rd_str(&r, c, "name", true);
		l->shown_when = rd_cond(&r, c, "shown_when", &l->shown_src);
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(c, "match");
		if (!cJSON_IsArray(m) || !cJSON_GetArraySize(m)) {
			rd_err(&r, "match", NULL, "\"match\" must be a non-empty list of reports");
		} else {
			l->match = calloc((size_t)cJSON_GetArraySize(m), sizeof *l->match);
			rd_push_key(&r, "match");
			int k = 0;
			for (const cJSON *mc = m->child; mc && l->match; mc = mc->next, k++) {
				rd_push_idx(&r, k);
				load_match(&r, mc, &l->match[l->nmatch++]);
				rd_pop(&r);
			}
			rd_pop(&r);
		}
		rd_push_key(&r, "animation");
		load_anim(&r, cJSON_GetObjectItemCaseSensitive(c, "animation"), &l->anim);
		rd_pop(&r);
		rd_text(&r, c, "describe", &l->describe, true);
		rd_text(&r, c, "meaning", &l->meaning, true);
		rd_pop(&r);
	}
	rd_pop(&r);
	r.node = NULL;
}

static const char *const sos_keys[] = {"code", "name", "shown_when", "meaning", "causes", "fix", NULL};
static const char *const timing_keys[] = {"short_on_ms", "short_off_ms", "long_on_ms", "long_off_ms",
					  "gap_ms", "count_on_ms", "count_off_ms", "pause_ms", NULL};

/* Adds the sos-N status for one code. */
static void sos_status(struct rd *r, const struct kb_sos *s)
{
	struct kb *kb = r->kb;
	struct kb_led *l = led_new(kb);
	if (!l)
		return;
	char buf[256];
	snprintf(buf, sizeof buf, "sos-%d", s->code);
	l->id = strdup(buf);
	snprintf(buf, sizeof buf, "Red SOS, then %d blink%s", s->code, s->code == 1 ? "" : "s");
	l->title = strdup(buf);
	snprintf(buf, sizeof buf, "Crash: %s", s->name);
	l->name = strdup(buf);
	l->sos_code = s->code;
	l->file = -1;
	l->index = s->index;
	if (s->shown_src) {
		struct expr_error ee;
		struct expr_env env = kb_expr_env(kb);
		if (expr_parse(s->shown_src, &l->shown_when, &ee) == 0 &&
		    expr_bind(l->shown_when, &env, &ee) == 0)
			l->shown_src = strdup(s->shown_src);
	}
	l->match = calloc(1, sizeof *l->match);
	if (l->match) {
		l->match[0].color = strdup("red");
		l->match[0].pattern = strdup("sos");
		l->match[0].count = s->code;
		l->nmatch = 1;
	}
	l->anim.type = KB_ANIM_SOS;
	l->anim.count = s->code;
	l->describe.v = calloc(1, sizeof *l->describe.v);
	if (l->describe.v) {
		snprintf(buf, sizeof buf,
			 "Red: three quick flashes, three longer ones and three quick ones again "
			 "(S-O-S), a pause, then %d slower blink%s, over and over.",
			 s->code, s->code == 1 ? "" : "s");
		l->describe.v[0].text = strdup(buf);
		l->describe.n = 1;
	}
	l->meaning.v = calloc(1, sizeof *l->meaning.v);
	if (l->meaning.v) {
		l->meaning.v[0].text = strdup("{sos.name}: {sos.meaning}");
		l->meaning.n = 1;
	}
}

void kb_load_sos(struct kb *kb, struct diag *d, int file)
{
	struct rd r = {kb, d, file, {{0}}, 0, NULL};
	const cJSON *root = kb->files[file].root;
	rd_check_keys(&r, root, (const char *const[]){"schema", "about", "timing", "codes", NULL});
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(root, "timing");
	if (!cJSON_IsObject(t)) {
		rd_err(&r, NULL, NULL, "\"timing\" must be an object");
	} else {
		rd_push_key(&r, "timing");
		rd_check_keys(&r, t, timing_keys);
		int *fields[] = {&kb->timing.short_on_ms, &kb->timing.short_off_ms, &kb->timing.long_on_ms,
				 &kb->timing.long_off_ms, &kb->timing.gap_ms, &kb->timing.count_on_ms,
				 &kb->timing.count_off_ms, &kb->timing.pause_ms};
		for (size_t i = 0; i < 8; i++) {
			*fields[i] = (int)rd_num(&r, t, timing_keys[i], 0, true);
			if (*fields[i] <= 0 || *fields[i] > 10000)
				rd_err(&r, timing_keys[i], NULL, "must be 1..10000 ms");
		}
		rd_pop(&r);
	}
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "codes");
	if (!cJSON_IsArray(arr)) {
		rd_err(&r, NULL, NULL, "\"codes\" must be a list");
		return;
	}
	kb->sos = calloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof *kb->sos);
	if (!kb->sos)
		return;
	rd_push_key(&r, "codes");
	int i = 0;
	for (const cJSON *c = arr->child; c; c = c->next, i++) {
		rd_push_idx(&r, i);
		r.node = NULL;
		rd_check_keys(&r, c, sos_keys);
		struct kb_sos *s = &kb->sos[kb->nsos];
		s->code = (int)rd_num(&r, c, "code", 0, true);
		s->name = rd_str(&r, c, "name", true);
		r.node = s->name;
		s->file = file;
		s->index = i;
		if (s->code < 1 || s->code > 99)
			rd_err(&r, "code", NULL, "SOS codes are 1..99");
		if (kb_sos_find(kb, s->code))
			rd_err(&r, "code", NULL, "SOS code %d is listed twice", s->code);
		s->shown_when = rd_cond(&r, c, "shown_when", &s->shown_src);
		rd_text(&r, c, "meaning", &s->meaning, true);
		rd_steps(&r, c, "causes", &s->causes);
		rd_steps(&r, c, "fix", &s->fix);
		if (!s->causes.n)
			rd_err(&r, NULL, NULL, "missing \"causes\"");
		if (!s->fix.n)
			rd_err(&r, NULL, NULL, "missing \"fix\"");
		if (s->name && s->code > 0) {
			kb->nsos++;
			sos_status(&r, s);
		} else {
			free(s->name);
			expr_free(s->shown_when);
			free(s->shown_src);
			kb_text_free(&s->meaning);
			kb_steps_free(&s->causes);
			kb_steps_free(&s->fix);
			memset(s, 0, sizeof *s);
		}
		rd_pop(&r);
	}
	rd_pop(&r);
}
