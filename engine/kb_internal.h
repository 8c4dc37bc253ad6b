/* kb_internal.h - the inside of struct kb and the JSON reading helpers shared
 * by the kb_*.c files.  Not for use outside engine/kb*.c. */
#ifndef BD_KB_INTERNAL_H
#define BD_KB_INTERNAL_H

#include <cjson/cJSON.h>

#include "json_loc.h"
#include "kb.h"

struct kb_file {
	char *path;
	char *text;
	size_t len;
	cJSON *root; /* freed once loading ends */
};

struct kb {
	char *dir;
	struct kb_file *files;
	size_t nfiles;

	struct kb_fact *facts;
	size_t nfacts, capfacts;
	int *fact_index;          /* open-addressing hash of fact names -> id, -1 empty */
	size_t fact_index_cap;    /* power of two, at least twice nfacts */

	struct kb_device *devices;
	size_t ndevices;
	struct bd_platform *plat;
	struct bd_platforms platforms;
	struct kb_not_covered *notcov;
	size_t nnotcov;

	struct kb_color *colors;
	size_t ncolors;
	struct kb_pattern *patterns;
	size_t npatterns;
	struct kb_led **leds;
	size_t nleds, capleds;
	struct kb_sos *sos;
	size_t nsos;
	struct kb_sos_timing timing;

	struct kb_node **nodes;
	size_t nnodes, capnodes;
	struct kb_node **sorted; /* nodes by id, for bsearch */
};

/* A reading position: which file, and the JSON path to the current object. */
#define RD_MAX_DEPTH 16
struct rd {
	struct kb *kb;
	struct diag *d;
	int file;
	struct json_seg path[RD_MAX_DEPTH];
	size_t depth;
	const char *node; /* id of the record being read, for messages */
};

void rd_push_key(struct rd *r, const char *key);
void rd_push_idx(struct rd *r, int idx);
void rd_pop(struct rd *r);

/* Reports a problem at the current path (key: a member of the current object,
 * whose key is pointed at; NULL: the current value itself).  col_add moves the
 * column right (used for positions inside a string). */
void rd_problem(struct rd *r, enum diag_severity sev, const char *key, int col_add,
		const char *hint, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
#define rd_err(r, key, hint, ...) rd_problem((r), DIAG_ERROR, (key), 0, (hint), __VA_ARGS__)

/* Reports members of obj whose names are not in allowed (NULL-terminated). */
void rd_check_keys(struct rd *r, const cJSON *obj, const char *const *allowed);

/* Typed getters.  A missing member gives the default (and a problem when
 * required); a member of the wrong type gives a problem and the default. */
char *rd_str(struct rd *r, const cJSON *obj, const char *key, bool required);
bool rd_bool(struct rd *r, const cJSON *obj, const char *key, bool def);
double rd_num(struct rd *r, const cJSON *obj, const char *key, double def, bool required);
char **rd_strlist(struct rd *r, const cJSON *obj, const char *key, size_t *n);
/* Parses a condition string at obj[key] and binds it; NULL when absent or bad. */
struct expr *rd_cond(struct rd *r, const cJSON *obj, const char *key, char **src_out);
int rd_text(struct rd *r, const cJSON *obj, const char *key, struct kb_text *out, bool required);
int rd_steps(struct rd *r, const cJSON *obj, const char *key, struct kb_steps *out);
int rd_next(struct rd *r, const cJSON *obj, const char *key, struct kb_next *out, bool required);

/* Checks the {fact} placeholders of one string (reports unknown facts). */
void rd_check_placeholders(struct rd *r, const char *s, const char *key);

/* The expression environment of a kb (resolving names, checking values). */
struct expr_env kb_expr_env(struct kb *kb);

/* Adds a fact to the registry (or returns the existing id).  Returns the id
 * or a negative code. */
int kb_fact_register(struct kb *kb, const char *name, enum fv_type type,
		     enum kb_fact_source src);

/* Loader stages (kb_devices.c, kb_leds.c, kb_tree.c). */
void kb_load_facts(struct kb *kb, struct diag *d, int file);
void kb_load_devices(struct kb *kb, struct diag *d, int file);
void kb_prescan_node_facts(struct kb *kb, struct diag *d, int file);
void kb_load_leds(struct kb *kb, struct diag *d, int file);
void kb_load_sos(struct kb *kb, struct diag *d, int file);
void kb_load_tree(struct kb *kb, struct diag *d, int file);
void kb_link(struct kb *kb, struct diag *d);

void kb_text_free(struct kb_text *t);
void kb_steps_free(struct kb_steps *s);
void kb_next_free(struct kb_next *n);
void kb_anim_free(struct kb_anim *a);
void kb_strv_free(char **v, size_t n);

/* Edit distance, for suggestions. */
size_t kb_edit_distance(const char *a, const char *b);

#endif
