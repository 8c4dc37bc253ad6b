/* strbuf.h - a growable, always NUL-terminated string. */
#ifndef BD_STRBUF_H
#define BD_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct strbuf {
	char *buf;  /* NUL-terminated; NULL until the first append */
	size_t len; /* bytes used, excluding the NUL */
	size_t cap;
	bool oom;   /* set once an allocation failed; later appends are no-ops */
};

#define STRBUF_INIT {NULL, 0, 0, false}

void strbuf_append(struct strbuf *sb, const char *s, size_t n);
void strbuf_puts(struct strbuf *sb, const char *s);
void strbuf_putc(struct strbuf *sb, char c);
void strbuf_printf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The content, never NULL ("" when empty).  Borrowed. */
const char *strbuf_str(const struct strbuf *sb);
/* Hands the buffer to the caller (free() it); sb becomes empty. NULL on OOM. */
char *strbuf_detach(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
void strbuf_free(struct strbuf *sb);

#endif
