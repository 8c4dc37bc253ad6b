#define _POSIX_C_SOURCE 200809L
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *diag_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

void diag_add(struct diag *d, enum diag_severity sev, const char *file, int line, int col,
	      const char *node, const char *hint, const char *fmt, ...)
{
	if (sev == DIAG_ERROR)
		d->errors++;
	else
		d->warnings++;
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		struct diag_item *nv = realloc(d->v, cap * sizeof *nv);
		if (!nv)
			return;
		d->v = nv;
		d->cap = cap;
	}
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	struct diag_item *it = &d->v[d->n++];
	it->sev = sev;
	it->file = diag_strdup(file);
	it->line = line;
	it->col = col;
	it->node = diag_strdup(node);
	it->msg = diag_strdup(msg);
	it->hint = diag_strdup(hint);
}

void diag_free(struct diag *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].node);
		free(d->v[i].msg);
		free(d->v[i].hint);
	}
	free(d->v);
	memset(d, 0, sizeof *d);
}
