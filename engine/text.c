#include "text.h"

#include <ctype.h>
#include <string.h>

#include "kb.h"

static bool text_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '-';
}

long text_each_placeholder(const char *s,
			   void (*cb)(void *ctx, const char *name, size_t len, size_t off),
			   void *ctx)
{
	long count = 0;
	for (size_t i = 0; s[i]; i++) {
		if (s[i] == '{') {
			if (s[i + 1] == '{') {
				i++;
				continue;
			}
			size_t start = i + 1, j = start;
			while (s[j] && text_name_char(s[j]))
				j++;
			if (s[j] != '}' || j == start)
				return -1 - (long)i;
			if (cb)
				cb(ctx, s + start, j - start, i);
			count++;
			i = j;
		} else if (s[i] == '}') {
			if (s[i + 1] == '}') {
				i++;
				continue;
			}
			return -1 - (long)i;
		}
	}
	return count;
}

static void text_put_value(struct strbuf *sb, const struct fact_value *v)
{
	char buf[256];
	if (!v) {
		strbuf_puts(sb, "(unknown)");
		return;
	}
	if (v->type != FV_LIST) {
		fv_format(v, buf, sizeof buf);
		strbuf_puts(sb, buf);
		return;
	}
	for (size_t i = 0; i < v->nlist; i++) {
		if (i || (sb->len && sb->buf[sb->len - 1] != '\n'))
			strbuf_putc(sb, '\n');
		strbuf_puts(sb, "- ");
		strbuf_puts(sb, v->list[i]);
	}
}

void text_render(struct strbuf *sb, const char *s, text_lookup_fn lookup, void *ctx)
{
	for (size_t i = 0; s[i]; i++) {
		if ((s[i] == '{' && s[i + 1] == '{') || (s[i] == '}' && s[i + 1] == '}')) {
			strbuf_putc(sb, s[i]);
			i++;
			continue;
		}
		if (s[i] == '{') {
			size_t start = i + 1, j = start;
			while (s[j] && text_name_char(s[j]))
				j++;
			if (s[j] == '}' && j > start) {
				text_put_value(sb, lookup(ctx, s + start, j - start));
				i = j;
				continue;
			}
		}
		strbuf_putc(sb, s[i]);
	}
}

const char *kb_text_pick(const struct kb_text *t, expr_get_fn get, void *ctx)
{
	for (size_t i = 0; t && i < t->n; i++)
		if (!t->v[i].when || expr_eval(t->v[i].when, get, ctx) == TRI_TRUE)
			return t->v[i].text;
	return NULL;
}
