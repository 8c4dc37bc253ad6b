/* kb.c - loading order, lookups and lifetime of the knowledge base. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "kb_internal.h"

#define KB_MAX_FILE_BYTES (8u * 1024u * 1024u)

const char *kb_node_type_name(enum kb_node_type t)
{
	switch (t) {
	case KB_QUESTION: return "question";
	case KB_CHECK: return "check";
	case KB_INSTRUCTION: return "instruction";
	case KB_ACTION: return "action";
	case KB_CONCLUSION: return "conclusion";
	}
	return "node";
}

const char *kb_outcome_name(enum kb_outcome o)
{
	switch (o) {
	case KB_OUTCOME_HEALTHY: return "healthy";
	case KB_OUTCOME_PROBLEM: return "problem";
	case KB_OUTCOME_INFO: return "info";
	case KB_OUTCOME_NONE: break;
	}
	return "none";
}

static char *kb_read_file(const char *path, size_t *len, struct diag *d)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		diag_add(d, DIAG_ERROR, path, 0, 0, NULL,
			 "check the path, or point --knowledge / BLINKDOC_KNOWLEDGE at the "
			 "knowledge directory",
			 "cannot open: %s", strerror(errno));
		return NULL;
	}
	char *buf = NULL;
	size_t cap = 0, n = 0;
	for (;;) {
		if (n + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 65536;
			if (cap > KB_MAX_FILE_BYTES + 4096) {
				diag_add(d, DIAG_ERROR, path, 0, 0, NULL, NULL,
					 "file is larger than %u bytes", KB_MAX_FILE_BYTES);
				free(buf);
				fclose(f);
				return NULL;
			}
			char *nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		size_t got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	bool failed = ferror(f);
	fclose(f);
	if (failed) {
		diag_add(d, DIAG_ERROR, path, 0, 0, NULL, NULL, "read error");
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	if (memchr(buf, '\0', n)) {
		diag_add(d, DIAG_ERROR, path, 0, 0, NULL, "knowledge files are UTF-8 JSON text",
			 "file contains a NUL byte");
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

struct dup_ctx {
	struct diag *d;
	const struct kb_file *f;
};

static void kb_dup_cb(void *ctx, size_t off, const char *key, size_t keylen)
{
	struct dup_ctx *dc = ctx;
	int line, col;
	json_line_col(dc->f->text, dc->f->len, off, &line, &col);
	diag_add(dc->d, DIAG_ERROR, dc->f->path, line, col, NULL,
		 "JSON keeps only one of them; remove or rename one",
		 "key \"%.*s\" appears twice in the same object", (int)keylen, key);
}

/* Reads and parses one file into kb->files; returns its index or -1. */
static int kb_add_file(struct kb *kb, const char *path, struct diag *d)
{
	struct kb_file f = {0};
	f.text = kb_read_file(path, &f.len, d);
	if (!f.text)
		return -1;
	f.path = strdup(path);
	const char *end = NULL;
	f.root = cJSON_ParseWithLengthOpts(f.text, f.len, &end, false);
	if (!f.root) {
		size_t off = end && end >= f.text ? (size_t)(end - f.text) : 0;
		int line, col;
		json_line_col(f.text, f.len, off, &line, &col);
		diag_add(d, DIAG_ERROR, path, line, col, NULL,
			 "check for a missing comma, quote or bracket just before this point",
			 "malformed JSON");
	} else {
		/* Anything after the top-level value? */
		size_t off = (size_t)(end - f.text);
		while (off < f.len && strchr(" \t\r\n", f.text[off]))
			off++;
		if (off < f.len) {
			int line, col;
			json_line_col(f.text, f.len, off, &line, &col);
			diag_add(d, DIAG_ERROR, path, line, col, NULL, NULL,
				 "unexpected text after the end of the JSON document");
		}
		struct dup_ctx dc = {d, &f};
		json_find_duplicate_keys(f.text, f.len, kb_dup_cb, &dc);
		if (!cJSON_IsObject(f.root)) {
			diag_add(d, DIAG_ERROR, path, 1, 1, NULL, NULL,
				 "a knowledge file must be a JSON object");
			cJSON_Delete(f.root);
			f.root = NULL;
		} else {
			const cJSON *s = cJSON_GetObjectItemCaseSensitive(f.root, "schema");
			if (!cJSON_IsNumber(s) || s->valueint != 1)
				diag_add(d, DIAG_ERROR, path, 1, 1, NULL,
					 "add \"schema\": 1 at the top",
					 "missing or unsupported \"schema\" (this blinkdoc reads "
					 "schema 1)");
		}
	}
	struct kb_file *nf = realloc(kb->files, (kb->nfiles + 1) * sizeof *nf);
	if (!nf) {
		cJSON_Delete(f.root);
		free(f.text);
		free(f.path);
		return -1;
	}
	kb->files = nf;
	kb->files[kb->nfiles] = f;
	return (int)kb->nfiles++;
}

static int kb_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The tree files, sorted by name. */
static char **kb_tree_files(const char *dir, size_t *n, struct diag *d)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/tree", dir);
	*n = 0;
	DIR *dh = opendir(path);
	if (!dh) {
		diag_add(d, DIAG_ERROR, path, 0, 0, NULL, NULL, "cannot open tree directory: %s",
			 strerror(errno));
		return NULL;
	}
	char **v = NULL;
	size_t cap = 0;
	struct dirent *de;
	while ((de = readdir(dh))) {
		size_t l = strlen(de->d_name);
		if (l < 6 || strcmp(de->d_name + l - 5, ".json") != 0 || de->d_name[0] == '.')
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			char **nv = realloc(v, cap * sizeof *nv);
			if (!nv)
				break;
			v = nv;
		}
		char full[4608];
		snprintf(full, sizeof full, "%s/%s", path, de->d_name);
		v[(*n)++] = strdup(full);
	}
	closedir(dh);
	if (*n)
		qsort(v, *n, sizeof *v, kb_cmp_str);
	else
		diag_add(d, DIAG_ERROR, path, 0, 0, NULL, NULL, "no *.json tree files");
	return v;
}

static int kb_node_cmp(const void *a, const void *b)
{
	const struct kb_node *x = *(const struct kb_node *const *)a;
	const struct kb_node *y = *(const struct kb_node *const *)b;
	return strcmp(x->id, y->id);
}

struct kb *kb_load(const char *dir, struct diag *d)
{
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		diag_add(d, DIAG_ERROR, dir, 0, 0, NULL,
			 "point --knowledge or BLINKDOC_KNOWLEDGE at blinkdoc's knowledge "
			 "directory (the one with devices.json)",
			 "not a knowledge directory");
		return NULL;
	}
	struct kb *kb = calloc(1, sizeof *kb);
	if (!kb)
		return NULL;
	kb->dir = strdup(dir);
	char path[4096];
	static const char *const fixed[] = {"facts.json", "devices.json", "leds.json", "sos.json"};
	int fi[4];
	for (size_t i = 0; i < 4; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, fixed[i]);
		fi[i] = kb_add_file(kb, path, d);
	}
	size_t ntree = 0;
	char **tree = kb_tree_files(dir, &ntree, d);
	int *ti = calloc(ntree + 1, sizeof *ti);
	for (size_t i = 0; i < ntree; i++)
		ti[i] = ti ? kb_add_file(kb, tree[i], d) : -1;

	if (fi[0] >= 0 && kb->files[fi[0]].root)
		kb_load_facts(kb, d, fi[0]);
	if (fi[1] >= 0 && kb->files[fi[1]].root)
		kb_load_devices(kb, d, fi[1]);
	for (size_t i = 0; ti && i < ntree; i++)
		if (ti[i] >= 0 && kb->files[ti[i]].root)
			kb_prescan_node_facts(kb, d, ti[i]);
	if (fi[2] >= 0 && kb->files[fi[2]].root)
		kb_load_leds(kb, d, fi[2]);
	if (fi[3] >= 0 && kb->files[fi[3]].root)
		kb_load_sos(kb, d, fi[3]);
	for (size_t i = 0; ti && i < ntree; i++)
		if (ti[i] >= 0 && kb->files[ti[i]].root)
			kb_load_tree(kb, d, ti[i]);

	kb->sorted = calloc(kb->nnodes + 1, sizeof *kb->sorted);
	if (kb->sorted && kb->nnodes) {
		memcpy(kb->sorted, kb->nodes, kb->nnodes * sizeof *kb->sorted);
		qsort(kb->sorted, kb->nnodes, sizeof *kb->sorted, kb_node_cmp);
		for (size_t i = 1; i < kb->nnodes; i++)
			if (strcmp(kb->sorted[i - 1]->id, kb->sorted[i]->id) == 0) {
				const struct kb_node *a = kb->sorted[i - 1], *b = kb->sorted[i];
				if (a->file > b->file || (a->file == b->file && a->index > b->index)) {
					const struct kb_node *t = a;
					a = b;
					b = t;
				}
				struct rd r = {kb, d, b->file, {{0}}, 0, b->id};
				rd_push_key(&r, "nodes");
				rd_push_idx(&r, b->index);
				int line = 0, col = 0;
				size_t off = 0;
				json_locate(kb->files[a->file].text, kb->files[a->file].len,
					    (struct json_seg[]){JSON_SEG_KEY("nodes"),
								JSON_SEG_IDX(a->index)},
					    2, &off);
				json_line_col(kb->files[a->file].text, kb->files[a->file].len, off,
					      &line, &col);
				char hint[512];
				snprintf(hint, sizeof hint, "the first one is at %s:%d:%d; node ids "
					 "must be unique across all tree files",
					 kb->files[a->file].path, line, col);
				rd_err(&r, "id", hint, "duplicate node id \"%s\"", b->id);
			}
	}
	kb_link(kb, d);

	for (size_t i = 0; i < kb->nfiles; i++) {
		cJSON_Delete(kb->files[i].root);
		kb->files[i].root = NULL;
	}
	kb_strv_free(tree, ntree);
	free(ti);
	return kb;
}

bool kb_usable(const struct kb *kb, const struct diag *d)
{
	return kb && d->errors == 0 && kb->nnodes > 0 && kb->ndevices > 0;
}

void kb_anim_free(struct kb_anim *a)
{
	free(a->color);
	free(a->colors[0]);
	free(a->colors[1]);
	for (size_t i = 0; i < a->nsteps; i++)
		free(a->steps[i].color);
	free(a->steps);
	memset(a, 0, sizeof *a);
}

static void kb_node_free(struct kb_node *n)
{
	free(n->id);
	kb_text_free(&n->title);
	kb_text_free(&n->text);
	free(n->led);
	free(n->fact);
	for (size_t i = 0; i < n->nopts; i++) {
		free(n->opts[i].value);
		kb_text_free(&n->opts[i].label);
		kb_text_free(&n->opts[i].hint);
		expr_free(n->opts[i].when);
		free(n->opts[i].when_src);
		kb_next_free(&n->opts[i].next);
	}
	free(n->opts);
	kb_steps_free(&n->steps);
	free(n->procedure);
	free(n->confirm);
	free(n->action);
	kb_text_free(&n->expect);
	kb_text_free(&n->cause);
	kb_steps_free(&n->fix);
	kb_next_free(&n->next);
	kb_strv_free(n->see, n->nsee);
	free(n->see_nodes);
	kb_strv_free(n->covers, n->ncovers);
	free(n);
}

static void kb_led_free(struct kb_led *l)
{
	free(l->id);
	free(l->title);
	free(l->name);
	expr_free(l->shown_when);
	free(l->shown_src);
	for (size_t i = 0; i < l->nmatch; i++) {
		free(l->match[i].color);
		free(l->match[i].pattern);
		free(l->match[i].color2);
	}
	free(l->match);
	kb_anim_free(&l->anim);
	kb_text_free(&l->describe);
	kb_text_free(&l->meaning);
	free(l);
}

void kb_free(struct kb *kb)
{
	if (!kb)
		return;
	for (size_t i = 0; i < kb->nnodes; i++)
		kb_node_free(kb->nodes[i]);
	free(kb->nodes);
	free(kb->sorted);
	for (size_t i = 0; i < kb->nleds; i++)
		kb_led_free(kb->leds[i]);
	free(kb->leds);
	for (size_t i = 0; i < kb->nsos; i++) {
		free(kb->sos[i].name);
		expr_free(kb->sos[i].shown_when);
		free(kb->sos[i].shown_src);
		kb_text_free(&kb->sos[i].meaning);
		kb_steps_free(&kb->sos[i].causes);
		kb_steps_free(&kb->sos[i].fix);
	}
	free(kb->sos);
	for (size_t i = 0; i < kb->ncolors; i++) {
		free(kb->colors[i].id);
		free(kb->colors[i].rgb);
		free(kb->colors[i].words);
		kb_strv_free(kb->colors[i].aliases, kb->colors[i].naliases);
	}
	free(kb->colors);
	for (size_t i = 0; i < kb->npatterns; i++) {
		free(kb->patterns[i].id);
		free(kb->patterns[i].words);
	}
	free(kb->patterns);
	for (size_t i = 0; i < kb->ndevices; i++) {
		struct kb_device *dv = &kb->devices[i];
		free(dv->id);
		free(dv->name);
		kb_strv_free(dv->aliases, dv->naliases);
		fact_store_free(&dv->facts);
	}
	free(kb->devices);
	if (kb->plat) {
		for (size_t i = 0; i < kb->platforms.n; i++) {
			struct bd_platform *p = &kb->plat[i];
			free((char *)p->mcu);
			free((char *)p->mode_button);
			free((char *)p->reset_button);
			free((char *)p->usb_manufacturer);
			free((char *)p->usb_product);
			free((char *)p->usb_dfu_product);
			for (size_t a = 0; a < p->ndfu_alt; a++)
				free((char *)p->dfu_alt[a]);
		}
		free(kb->plat);
	}
	for (size_t i = 0; i < kb->nnotcov; i++) {
		free(kb->notcov[i].name);
		free(kb->notcov[i].why);
	}
	free(kb->notcov);
	for (size_t i = 0; i < kb->nfacts; i++) {
		struct kb_fact *f = &kb->facts[i];
		free(f->name);
		kb_strv_free(f->values, f->nvalues);
		free(f->values_ref);
		free(f->from);
		free(f->contains);
		fv_free(&f->def);
		free(f->doc);
	}
	free(kb->facts);
	free(kb->fact_index);
	for (size_t i = 0; i < kb->nfiles; i++) {
		free(kb->files[i].path);
		free(kb->files[i].text);
		cJSON_Delete(kb->files[i].root);
	}
	free(kb->files);
	free(kb->dir);
	free(kb);
}

const char *kb_dir(const struct kb *kb) { return kb->dir; }
size_t kb_file_count(const struct kb *kb) { return kb->nfiles; }

const char *kb_file_path(const struct kb *kb, int file)
{
	return file >= 0 && (size_t)file < kb->nfiles ? kb->files[file].path : "(generated)";
}

const char *kb_file_text(const struct kb *kb, int file, size_t *len)
{
	if (file < 0 || (size_t)file >= kb->nfiles) {
		*len = 0;
		return "";
	}
	*len = kb->files[file].len;
	return kb->files[file].text;
}

size_t kb_node_count(const struct kb *kb) { return kb->nnodes; }
const struct kb_node *kb_node_at(const struct kb *kb, size_t i)
{
	return i < kb->nnodes ? kb->nodes[i] : NULL;
}

const struct kb_node *kb_node_find(const struct kb *kb, const char *id)
{
	if (!kb->sorted || !id)
		return NULL;
	size_t lo = 0, hi = kb->nnodes;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(id, kb->sorted[mid]->id);
		if (c == 0)
			return kb->sorted[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const char *kb_node_suggest(const struct kb *kb, const char *id)
{
	const char *best = NULL;
	size_t bestd = (size_t)-1;
	for (size_t i = 0; i < kb->nnodes; i++) {
		size_t dist = kb_edit_distance(id, kb->nodes[i]->id);
		if (dist < bestd) {
			bestd = dist;
			best = kb->nodes[i]->id;
		}
	}
	return bestd <= 3 ? best : NULL;
}

size_t kb_led_count(const struct kb *kb) { return kb->nleds; }
const struct kb_led *kb_led_at(const struct kb *kb, size_t i)
{
	return i < kb->nleds ? kb->leds[i] : NULL;
}

const struct kb_led *kb_led_find(const struct kb *kb, const char *id)
{
	for (size_t i = 0; id && i < kb->nleds; i++)
		if (strcmp(kb->leds[i]->id, id) == 0)
			return kb->leds[i];
	return NULL;
}

size_t kb_color_count(const struct kb *kb) { return kb->ncolors; }
const struct kb_color *kb_color_at(const struct kb *kb, size_t i)
{
	return i < kb->ncolors ? &kb->colors[i] : NULL;
}

const struct kb_color *kb_color_find(const struct kb *kb, const char *name)
{
	for (size_t i = 0; name && i < kb->ncolors; i++) {
		if (strcasecmp(kb->colors[i].id, name) == 0)
			return &kb->colors[i];
		for (size_t a = 0; a < kb->colors[i].naliases; a++)
			if (strcasecmp(kb->colors[i].aliases[a], name) == 0)
				return &kb->colors[i];
	}
	return NULL;
}

size_t kb_pattern_count(const struct kb *kb) { return kb->npatterns; }
const struct kb_pattern *kb_pattern_at(const struct kb *kb, size_t i)
{
	return i < kb->npatterns ? &kb->patterns[i] : NULL;
}

const struct kb_pattern *kb_pattern_find(const struct kb *kb, const char *name)
{
	for (size_t i = 0; name && i < kb->npatterns; i++)
		if (strcasecmp(kb->patterns[i].id, name) == 0)
			return &kb->patterns[i];
	return NULL;
}

const struct kb_sos *kb_sos_find(const struct kb *kb, int code)
{
	for (size_t i = 0; i < kb->nsos; i++)
		if (kb->sos[i].code == code)
			return &kb->sos[i];
	return NULL;
}

size_t kb_sos_count(const struct kb *kb) { return kb->nsos; }
const struct kb_sos *kb_sos_at(const struct kb *kb, size_t i)
{
	return i < kb->nsos ? &kb->sos[i] : NULL;
}
const struct kb_sos_timing *kb_sos_timing(const struct kb *kb) { return &kb->timing; }

size_t kb_fact_count(const struct kb *kb) { return kb->nfacts; }
const struct kb_fact *kb_fact_at(const struct kb *kb, int id)
{
	return id >= 0 && (size_t)id < kb->nfacts ? &kb->facts[id] : NULL;
}

/* FNV-1a: fact names are looked up for every placeholder and condition. */
static size_t fact_hash(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static bool fact_index_rebuild(struct kb *kb, size_t cap)
{
	int *idx = malloc(cap * sizeof *idx);
	if (!idx)
		return false;
	for (size_t i = 0; i < cap; i++)
		idx[i] = -1;
	for (size_t i = 0; i < kb->nfacts; i++) {
		size_t h = fact_hash(kb->facts[i].name) & (cap - 1);
		while (idx[h] >= 0)
			h = (h + 1) & (cap - 1);
		idx[h] = (int)i;
	}
	free(kb->fact_index);
	kb->fact_index = idx;
	kb->fact_index_cap = cap;
	return true;
}

int kb_fact_id(const struct kb *kb, const char *name)
{
	if (!name || !kb->fact_index)
		return -1;
	for (size_t h = fact_hash(name) & (kb->fact_index_cap - 1);; h = (h + 1) & (kb->fact_index_cap - 1)) {
		int id = kb->fact_index[h];
		if (id < 0)
			return -1;
		if (strcmp(kb->facts[id].name, name) == 0)
			return id;
	}
}

int kb_fact_register(struct kb *kb, const char *name, enum fv_type type,
		     enum kb_fact_source src)
{
	int id = kb_fact_id(kb, name);
	if (id >= 0)
		return id;
	if (kb->nfacts == kb->capfacts) {
		size_t cap = kb->capfacts ? kb->capfacts * 2 : 64;
		struct kb_fact *nf = realloc(kb->facts, cap * sizeof *nf);
		if (!nf)
			return -1;
		kb->facts = nf;
		kb->capfacts = cap;
	}
	struct kb_fact *f = &kb->facts[kb->nfacts];
	memset(f, 0, sizeof *f);
	f->name = strdup(name);
	if (!f->name)
		return -1;
	f->type = type;
	f->source = src;
	f->file = -1;
	kb->nfacts++;
	size_t cap = kb->fact_index_cap ? kb->fact_index_cap : 128;
	while (cap < 2 * kb->nfacts)
		cap *= 2;
	if (cap != kb->fact_index_cap || !kb->fact_index) {
		if (!fact_index_rebuild(kb, cap)) {
			kb->nfacts--;
			free(f->name);
			return -1;
		}
	} else {
		size_t h = fact_hash(name) & (cap - 1);
		while (kb->fact_index[h] >= 0)
			h = (h + 1) & (cap - 1);
		kb->fact_index[h] = (int)(kb->nfacts - 1);
	}
	return (int)(kb->nfacts - 1);
}

bool kb_fact_value_ok(const struct kb *kb, int id, const char *value)
{
	const struct kb_fact *f = kb_fact_at(kb, id);
	if (!f)
		return false;
	if (f->values_ref) {
		if (!strcmp(f->values_ref, "@led"))
			return kb_led_find(kb, value) != NULL;
		if (!strcmp(f->values_ref, "@device")) {
			for (size_t i = 0; i < kb->ndevices; i++)
				if (!strcmp(kb->devices[i].id, value))
					return true;
			return false;
		}
		if (!strcmp(f->values_ref, "@color")) {
			for (size_t i = 0; i < kb->ncolors; i++)
				if (!strcmp(kb->colors[i].id, value))
					return true;
			return false;
		}
		if (!strcmp(f->values_ref, "@pattern"))
			return kb_pattern_find(kb, value) && !strcmp(kb_pattern_find(kb, value)->id, value);
		return true;
	}
	if (!f->values)
		return true;
	for (size_t i = 0; i < f->nvalues; i++)
		if (!strcmp(f->values[i], value))
			return true;
	return false;
}

static int kb_env_resolve(void *ctx, const char *name, enum fv_type *type)
{
	struct kb *kb = ctx;
	int id = kb_fact_id(kb, name);
	if (id >= 0)
		*type = kb->facts[id].type;
	return id;
}

/* Suggests the closest allowed value of a fact. */
static void kb_suggest_value(const struct kb *kb, int id, const char *value, char *out, size_t size)
{
	const struct kb_fact *f = kb_fact_at(kb, id);
	size_t bestd = (size_t)-1;
	out[0] = '\0';
	const char *cand;
	size_t n = 0;
	if (f->values_ref && !strcmp(f->values_ref, "@led"))
		n = kb->nleds;
	else if (f->values_ref && !strcmp(f->values_ref, "@device"))
		n = kb->ndevices;
	else if (f->values_ref && !strcmp(f->values_ref, "@color"))
		n = kb->ncolors;
	else if (f->values_ref && !strcmp(f->values_ref, "@pattern"))
		n = kb->npatterns;
	else
		n = f->nvalues;
	for (size_t i = 0; i < n; i++) {
		if (f->values_ref && !strcmp(f->values_ref, "@led"))
			cand = kb->leds[i]->id;
		else if (f->values_ref && !strcmp(f->values_ref, "@device"))
			cand = kb->devices[i].id;
		else if (f->values_ref && !strcmp(f->values_ref, "@color"))
			cand = kb->colors[i].id;
		else if (f->values_ref && !strcmp(f->values_ref, "@pattern"))
			cand = kb->patterns[i].id;
		else
			cand = f->values[i];
		size_t dist = kb_edit_distance(value, cand);
		if (dist < bestd) {
			bestd = dist;
			snprintf(out, size, "%s", cand);
		}
	}
	if (bestd > 4)
		out[0] = '\0';
}

static bool kb_env_value_ok(void *ctx, int id, const char *value, char *suggest, size_t ssize)
{
	struct kb *kb = ctx;
	if (kb_fact_value_ok(kb, id, value))
		return true;
	kb_suggest_value(kb, id, value, suggest, ssize);
	return false;
}

struct expr_env kb_expr_env(struct kb *kb)
{
	struct expr_env env = {kb_env_resolve, kb_env_value_ok, kb};
	return env;
}

size_t kb_device_count(const struct kb *kb) { return kb->ndevices; }
const struct kb_device *kb_device_at(const struct kb *kb, size_t i)
{
	return i < kb->ndevices ? &kb->devices[i] : NULL;
}

const struct kb_device *kb_device_find(const struct kb *kb, const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < kb->ndevices; i++) {
		const struct kb_device *dv = &kb->devices[i];
		if (!strcasecmp(dv->id, name) || !strcasecmp(dv->name, name))
			return dv;
		for (size_t a = 0; a < dv->naliases; a++)
			if (!strcasecmp(dv->aliases[a], name))
				return dv;
	}
	char *end;
	long id = strtol(name, &end, 10);
	if (*name && !*end)
		return kb_device_by_platform(kb, (int)id);
	return NULL;
}

const struct kb_device *kb_device_by_platform(const struct kb *kb, int platform_id)
{
	for (size_t i = 0; i < kb->ndevices; i++)
		if (kb->devices[i].platform_id == platform_id)
			return &kb->devices[i];
	return NULL;
}

const struct kb_not_covered *kb_not_covered_find(const struct kb *kb, const char *name)
{
	for (size_t i = 0; name && i < kb->nnotcov; i++)
		if (!strcasecmp(kb->notcov[i].name, name))
			return &kb->notcov[i];
	return NULL;
}

const struct bd_platforms *kb_platforms(const struct kb *kb)
{
	return &kb->platforms;
}
