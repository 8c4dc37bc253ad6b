/* facts.h - typed fact values and a store of them indexed by fact id.
 *
 * Fact ids are small integers handed out by the knowledge base (kb.h) when
 * it loads; a store is an array of values, one per id.  FV_NONE means
 * "unknown".  Values own their strings.
 */
#ifndef BD_FACTS_H
#define BD_FACTS_H

#include <stdbool.h>
#include <stddef.h>

enum fv_type { FV_NONE = 0, FV_BOOL, FV_NUMBER, FV_STRING, FV_LIST };

struct fact_value {
	enum fv_type type;
	bool b;
	double num;
	char *str;    /* FV_STRING */
	char **list;  /* FV_LIST */
	size_t nlist;
};

/* "bool", "number", "string", "list", "unknown". */
const char *fv_type_name(enum fv_type t);
/* Parses "bool" etc.; FV_NONE when not a type name. */
enum fv_type fv_type_from_name(const char *s);

/* Constructors return 0 or BD_E_NOMEM; *v must be empty (FV_NONE) or freed. */
int fv_set_bool(struct fact_value *v, bool b);
int fv_set_number(struct fact_value *v, double n);
int fv_set_string(struct fact_value *v, const char *s);
int fv_set_list(struct fact_value *v, const char *const *items, size_t n);
int fv_copy(struct fact_value *dst, const struct fact_value *src);
void fv_free(struct fact_value *v);
bool fv_equal(const struct fact_value *a, const struct fact_value *b);
/* Renders a value for display/transcripts into buf ("yes", "13", "cyan", "a, b"). */
void fv_format(const struct fact_value *v, char *buf, size_t size);
/* Parses text into a value of type t ("yes"/"true"/"1" for bool). BD_E_PARSE on failure. */
int fv_parse(struct fact_value *v, enum fv_type t, const char *text);

struct fact_store {
	struct fact_value *v;
	size_t n;
};

int fact_store_init(struct fact_store *fs, size_t n);
void fact_store_free(struct fact_store *fs);
/* Borrowed; NULL for an out-of-range id or an unknown (FV_NONE) value. */
const struct fact_value *fact_store_get(const struct fact_store *fs, int id);
/* Copies v in (FV_NONE clears).  BD_E_RANGE for a bad id. */
int fact_store_set(struct fact_store *fs, int id, const struct fact_value *v);
void fact_store_clear(struct fact_store *fs, int id);
int fact_store_copy(struct fact_store *dst, const struct fact_store *src);

#endif
