/* text.h - knowledge-base texts: placeholders and rendering.
 *
 * "{device.name}" inserts a fact; "{{" and "}}" are literal braces.  A list
 * fact becomes one "- item" line per item.  Pure functions. */
#ifndef BD_TEXT_H
#define BD_TEXT_H

#include <stddef.h>

#include "common/strbuf.h"
#include "expr.h"
#include "facts.h"

struct kb_text;

/* Calls cb for each placeholder (name, its length, offset of '{').  Returns
 * the number of placeholders, or -1 - offset when a brace is unbalanced or a
 * placeholder is empty or malformed (offset of the bad brace). */
long text_each_placeholder(const char *s,
			   void (*cb)(void *ctx, const char *name, size_t len, size_t off),
			   void *ctx);

/* Returns the value of a placeholder name, or NULL when unknown. */
typedef const struct fact_value *(*text_lookup_fn)(void *ctx, const char *name, size_t len);

/* Appends s to sb with placeholders replaced.  Unknown facts render as
 * "(unknown)" (kb-lint makes sure names exist; values may still be unknown). */
void text_render(struct strbuf *sb, const char *s, text_lookup_fn lookup, void *ctx);

/* The first variant of t whose condition holds (UNKNOWN counts as not
 * holding), or NULL when none does. */
const char *kb_text_pick(const struct kb_text *t, expr_get_fn get, void *ctx);

#endif
