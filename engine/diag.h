/* diag.h - a list of located problems (knowledge-base lint, loader errors).
 * Each says file:line:col, the node involved, what is wrong and a hint. */
#ifndef BD_DIAG_H
#define BD_DIAG_H

#include <stddef.h>

enum diag_severity { DIAG_ERROR, DIAG_WARNING };

struct diag_item {
	enum diag_severity sev;
	char *file;  /* may be NULL when not about a file */
	int line, col;
	char *node;  /* node/status/device id, may be NULL */
	char *msg;
	char *hint;  /* may be NULL */
};

struct diag {
	struct diag_item *v;
	size_t n, cap;
	size_t errors, warnings;
};

/* Adds one problem; strings are copied.  Allocation failures are counted as
 * errors but otherwise ignored (the list is best effort). */
void diag_add(struct diag *d, enum diag_severity sev, const char *file, int line, int col,
	      const char *node, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 8, 9)));
void diag_free(struct diag *d);

#endif
