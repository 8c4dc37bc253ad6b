/* json_loc.h - where things are in a JSON text.
 *
 * cJSON parses but forgets positions; these pure functions find them again
 * so that every knowledge-base problem can be reported as file:line:col.
 * They never allocate and never read past len.
 */
#ifndef BD_JSON_LOC_H
#define BD_JSON_LOC_H

#include <stdbool.h>
#include <stddef.h>

/* One step of a path into a JSON document: an object key or an array index. */
struct json_seg {
	const char *key; /* NULL: use index */
	int index;
};

#define JSON_SEG_KEY(k) ((struct json_seg){(k), -1})
#define JSON_SEG_IDX(i) ((struct json_seg){NULL, (i)})

/* 1-based line and column of byte offset off in buf (columns count bytes). */
void json_line_col(const char *buf, size_t len, size_t off, int *line, int *col);

/* Finds the value at path in buf.  On success returns true and sets *off to
 * the offset of the value's first byte.  When the path cannot be followed to
 * the end, returns false and sets *off to the deepest value that was found
 * (so a report still points near the problem). */
bool json_locate(const char *buf, size_t len, const struct json_seg *path, size_t depth,
		 size_t *off);

/* Like json_locate but for the *key* of the last segment (an object member),
 * which is where "unknown field" problems are best reported. */
bool json_locate_key(const char *buf, size_t len, const struct json_seg *path, size_t depth,
		     size_t *off);

/* Calls cb for every key that appears twice in the same object anywhere in
 * the document (offset of the second occurrence and the key text, not NUL-
 * terminated, keylen bytes).  Returns the number of duplicates found, or -1
 * if the text is not well-formed JSON. */
int json_find_duplicate_keys(const char *buf, size_t len,
			     void (*cb)(void *ctx, size_t off, const char *key, size_t keylen),
			     void *ctx);

#endif
