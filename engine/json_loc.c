#include "json_loc.h"

#include <string.h>

/* A cursor over the text.  All scanning functions return false on malformed
 * input or at the end of the buffer. */
struct jcur {
	const char *b;
	size_t len, i;
	int depth;
};

#define JSON_LOC_MAX_DEPTH 128

static void jc_ws(struct jcur *c)
{
	while (c->i < c->len &&
	       (c->b[c->i] == ' ' || c->b[c->i] == '\t' || c->b[c->i] == '\n' || c->b[c->i] == '\r'))
		c->i++;
}

/* Skips a string starting at the opening quote; sets [*s, *s + *n) to its raw
 * contents (escapes not decoded). */
static bool jc_string(struct jcur *c, size_t *s, size_t *n)
{
	if (c->i >= c->len || c->b[c->i] != '"')
		return false;
	size_t start = ++c->i;
	while (c->i < c->len) {
		char ch = c->b[c->i];
		if (ch == '\\') {
			c->i += 2;
			continue;
		}
		if (ch == '"') {
			if (s)
				*s = start;
			if (n)
				*n = c->i - start;
			c->i++;
			return true;
		}
		c->i++;
	}
	return false;
}

static bool jc_value(struct jcur *c);

static bool jc_container(struct jcur *c, char open)
{
	char close = open == '{' ? '}' : ']';
	if (++c->depth > JSON_LOC_MAX_DEPTH)
		return false;
	c->i++; /* open */
	jc_ws(c);
	if (c->i < c->len && c->b[c->i] == close) {
		c->i++;
		c->depth--;
		return true;
	}
	for (;;) {
		jc_ws(c);
		if (open == '{') {
			if (!jc_string(c, NULL, NULL))
				return false;
			jc_ws(c);
			if (c->i >= c->len || c->b[c->i] != ':')
				return false;
			c->i++;
			jc_ws(c);
		}
		if (!jc_value(c))
			return false;
		jc_ws(c);
		if (c->i >= c->len)
			return false;
		if (c->b[c->i] == ',') {
			c->i++;
			continue;
		}
		if (c->b[c->i] == close) {
			c->i++;
			c->depth--;
			return true;
		}
		return false;
	}
}

static bool jc_value(struct jcur *c)
{
	jc_ws(c);
	if (c->i >= c->len)
		return false;
	char ch = c->b[c->i];
	if (ch == '{' || ch == '[')
		return jc_container(c, ch);
	if (ch == '"')
		return jc_string(c, NULL, NULL);
	/* number, true, false, null: run of literal characters */
	size_t start = c->i;
	while (c->i < c->len && strchr("+-0123456789.eEtrufalsn", c->b[c->i]) && c->b[c->i])
		c->i++;
	return c->i > start;
}

void json_line_col(const char *buf, size_t len, size_t off, int *line, int *col)
{
	int l = 1, co = 1;
	if (off > len)
		off = len;
	for (size_t i = 0; i < off; i++) {
		if (buf[i] == '\n') {
			l++;
			co = 1;
		} else {
			co++;
		}
	}
	*line = l;
	*col = co;
}

static bool key_equals(const char *raw, size_t n, const char *key)
{
	/* Keys in our files never need escapes; compare raw bytes. */
	return strlen(key) == n && memcmp(raw, key, n) == 0;
}

/* Moves the cursor (at a value) into the member/element named by seg.  On
 * success the cursor is at that value and *keyoff is the member's key offset
 * (or the element offset). */
static bool jc_step(struct jcur *c, struct json_seg seg, size_t *keyoff)
{
	jc_ws(c);
	if (c->i >= c->len)
		return false;
	char open = c->b[c->i];
	if ((seg.key && open != '{') || (!seg.key && open != '['))
		return false;
	c->i++;
	int idx = 0;
	for (;;) {
		jc_ws(c);
		if (c->i >= c->len || c->b[c->i] == (open == '{' ? '}' : ']'))
			return false;
		size_t here = c->i;
		bool match;
		if (open == '{') {
			size_t ks, kn;
			if (!jc_string(c, &ks, &kn))
				return false;
			match = key_equals(c->b + ks, kn, seg.key);
			jc_ws(c);
			if (c->i >= c->len || c->b[c->i] != ':')
				return false;
			c->i++;
			jc_ws(c);
		} else {
			match = idx == seg.index;
		}
		if (match) {
			*keyoff = here;
			return true;
		}
		if (!jc_value(c))
			return false;
		jc_ws(c);
		if (c->i < c->len && c->b[c->i] == ',')
			c->i++;
		idx++;
	}
}

static bool json_walk(const char *buf, size_t len, const struct json_seg *path, size_t depth,
		      size_t *off, bool want_key)
{
	struct jcur c = {buf, len, 0, 0};
	jc_ws(&c);
	size_t best = c.i, keyoff = c.i;
	for (size_t d = 0; d < depth; d++) {
		if (!jc_step(&c, path[d], &keyoff)) {
			*off = best;
			return false;
		}
		jc_ws(&c);
		best = c.i;
	}
	*off = want_key && depth ? keyoff : best;
	return true;
}

bool json_locate(const char *buf, size_t len, const struct json_seg *path, size_t depth,
		 size_t *off)
{
	return json_walk(buf, len, path, depth, off, false);
}

bool json_locate_key(const char *buf, size_t len, const struct json_seg *path, size_t depth,
		     size_t *off)
{
	return json_walk(buf, len, path, depth, off, true);
}

/* Scans one object for duplicate keys (recursing into members). */
static int jc_dups(struct jcur *c, void (*cb)(void *, size_t, const char *, size_t), void *ctx);

#define JSON_DUP_MAX_KEYS 256

static int jc_dups_value(struct jcur *c, void (*cb)(void *, size_t, const char *, size_t),
			 void *ctx)
{
	jc_ws(c);
	if (c->i >= c->len)
		return -1;
	if (c->b[c->i] == '{')
		return jc_dups(c, cb, ctx);
	if (c->b[c->i] == '[') {
		if (++c->depth > JSON_LOC_MAX_DEPTH)
			return -1;
		int total = 0;
		c->i++;
		jc_ws(c);
		if (c->i < c->len && c->b[c->i] == ']') {
			c->i++;
			c->depth--;
			return 0;
		}
		for (;;) {
			int r = jc_dups_value(c, cb, ctx);
			if (r < 0)
				return -1;
			total += r;
			jc_ws(c);
			if (c->i >= c->len)
				return -1;
			if (c->b[c->i] == ',') {
				c->i++;
				continue;
			}
			if (c->b[c->i] == ']') {
				c->i++;
				c->depth--;
				return total;
			}
			return -1;
		}
	}
	return jc_value(c) ? 0 : -1;
}

static int jc_dups(struct jcur *c, void (*cb)(void *, size_t, const char *, size_t), void *ctx)
{
	size_t ks[JSON_DUP_MAX_KEYS], kn[JSON_DUP_MAX_KEYS];
	size_t nk = 0;
	int total = 0;
	if (++c->depth > JSON_LOC_MAX_DEPTH)
		return -1;
	c->i++;
	jc_ws(c);
	if (c->i < c->len && c->b[c->i] == '}') {
		c->i++;
		c->depth--;
		return 0;
	}
	for (;;) {
		jc_ws(c);
		size_t s, n, at = c->i;
		if (!jc_string(c, &s, &n))
			return -1;
		for (size_t k = 0; k < nk; k++)
			if (kn[k] == n && memcmp(c->b + ks[k], c->b + s, n) == 0) {
				if (cb)
					cb(ctx, at, c->b + s, n);
				total++;
				break;
			}
		if (nk < JSON_DUP_MAX_KEYS) {
			ks[nk] = s;
			kn[nk] = n;
			nk++;
		}
		jc_ws(c);
		if (c->i >= c->len || c->b[c->i] != ':')
			return -1;
		c->i++;
		int r = jc_dups_value(c, cb, ctx);
		if (r < 0)
			return -1;
		total += r;
		jc_ws(c);
		if (c->i >= c->len)
			return -1;
		if (c->b[c->i] == ',') {
			c->i++;
			continue;
		}
		if (c->b[c->i] == '}') {
			c->i++;
			c->depth--;
			return total;
		}
		return -1;
	}
}

int json_find_duplicate_keys(const char *buf, size_t len,
			     void (*cb)(void *ctx, size_t off, const char *key, size_t keylen),
			     void *ctx)
{
	struct jcur c = {buf, len, 0, 0};
	return jc_dups_value(&c, cb, ctx);
}
