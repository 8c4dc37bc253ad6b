/* kb_lint.h - checks over the whole loaded knowledge base (the graph and
 * its coverage), beyond what kb_load() checks per record. */
#ifndef BD_KB_LINT_H
#define BD_KB_LINT_H

#include "diag.h"
#include "kb.h"

/* Adds every problem found to d: nodes no root reaches, loops with no way
 * out, procedures that include themselves, statuses no node explains, and
 * for every device and every LED status it shows, a walk from "start" with
 * the status's own report that does not reach the status (or that reaches a
 * status the report does not fit), or reaches a question with no option for
 * that device. Returns the number of errors added. */
size_t kb_lint(const struct kb *kb, struct diag *d);

#endif
