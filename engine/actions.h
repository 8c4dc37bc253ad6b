/* actions.h - runs the tree's action nodes through transports/transport.h.
 *
 * Each action ("identify", "inspect", "enter-dfu", ...; knowledge/README.md)
 * becomes one transport call with its own deadline; what it finds becomes
 * facts (probe.*, inspect.*) that the tree routes on, and its result is
 * "ok", "failed" (the device or the route said no) or "unavailable" (no
 * device or no route: the person does it by hand).  Every transport log line
 * goes to the session transcript.
 */
#ifndef BD_ACTIONS_H
#define BD_ACTIONS_H

#include <stdbool.h>

#include "session.h"
#include "transport.h"

struct action_env {
	struct bd_transports *t;   /* NULL: every action is unavailable */
	const struct kb *kb;
	struct bd_device dev;      /* the device acted on; mode changes update it */
	bool have_dev;
	struct bd_target target;   /* how to find the device when !have_dev */
	const char *flash_file;    /* "flash": the module file to write */
	const char *backup_path;   /* "backup": where to write the user firmware */
	/* Progress and log sinks and the cancel flag for long actions (the
	 * deadline is set per action). */
	void (*log)(void *ctx, const char *line);
	void (*progress)(void *ctx, const char *phase, uint64_t done, uint64_t total);
	void *ctx;
	volatile sig_atomic_t *cancel;
	struct session *s;         /* receives log lines as transcript notes (may be NULL) */
};

#define ACTION_MAX_FACTS 12
struct action_outcome {
	const char *result;        /* "ok", "failed", "unavailable" */
	struct session_fact_set facts[ACTION_MAX_FACTS];
	size_t nfacts;
	char detail[BD_ERROR_MSG_MAX + BD_ERROR_HINT_MAX];
	int code;                  /* BD_E_* of a failure, 0 on success */
};

/* How long each action may take at most, in ms (shown in the UI). */
int64_t actions_deadline_ms(const char *action);

/* Runs one action; fills out (free with action_outcome_free). */
void actions_run(struct action_env *env, const char *action, struct action_outcome *out);
void action_outcome_free(struct action_outcome *out);

/* Runs the action node the session waits at and records the outcome. */
int actions_run_current(struct action_env *env, struct session *s, struct bd_error *err);

#endif
