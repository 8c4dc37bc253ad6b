/* expr.h - the condition language of the knowledge base (`when`).
 *
 *   device.cellular and not device.wifi
 *   led.pattern in ['blinking', 'fast-blinking']
 *   device.radio_variants has 'x'   known(probe.system_version)
 *
 * Parsing is pure and needs no knowledge base; binding resolves fact names to
 * ids and type-checks against declarations; evaluation is three-valued
 * (true / false / unknown) because facts may not be known yet.
 */
#ifndef BD_EXPR_H
#define BD_EXPR_H

#include <stdbool.h>
#include <stddef.h>

#include "facts.h"

enum tri { TRI_FALSE = 0, TRI_TRUE = 1, TRI_UNKNOWN = 2 };

struct expr;

struct expr_error {
	size_t pos;     /* byte offset into the source where the problem is */
	char msg[256];
};

/* Parses src (NUL-terminated).  Returns 0 and *out (free with expr_free), or
 * BD_E_PARSE with err filled. Never reads past the terminator; bounded depth. */
int expr_parse(const char *src, struct expr **out, struct expr_error *err);
void expr_free(struct expr *e);

/* How names resolve when binding. resolve() returns a fact id >= 0 and its
 * type, or -1 for an unknown name.  value_ok() (may be NULL) says whether a
 * string literal is a possible value of the fact, and may suggest one. */
struct expr_env {
	int (*resolve)(void *ctx, const char *name, enum fv_type *type);
	bool (*value_ok)(void *ctx, int fact_id, const char *value, char *suggest, size_t ssize);
	void *ctx;
};

/* Resolves and type-checks; on the first problem returns BD_E_INVALID (unknown
 * fact, impossible value, type mismatch) with err filled. */
int expr_bind(struct expr *e, const struct expr_env *env, struct expr_error *err);

/* get() returns the current value of a fact id, or NULL when unknown. */
typedef const struct fact_value *(*expr_get_fn)(void *ctx, int fact_id);
enum tri expr_eval(const struct expr *e, expr_get_fn get, void *ctx);

/* Calls cb for each fact id the expression reads (after binding). */
void expr_for_each_fact(const struct expr *e, void (*cb)(void *ctx, int fact_id), void *ctx);

/* The first fact whose unknown value made the expression unknown, or -1. */
int expr_first_unknown(const struct expr *e, expr_get_fn get, void *ctx);

#endif
