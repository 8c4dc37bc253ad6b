/* report.h - how the engine tells a front-end where a walk stands.
 *
 * One small interface (ncdu's dir_output): the text printer, the JSON
 * printer, the guided session's conclusion screen and the support bundle
 * each implement it.  report_emit() calls the members in this order:
 * begin, led (if a status is known), sos (for SOS), explanation, step (each),
 * question or conclusion or stuck, event (each transcript entry), end.
 * Strings are borrowed for the duration of the call.
 */
#ifndef BD_REPORT_H
#define BD_REPORT_H

#include <stddef.h>

#include "kb.h"
#include "session.h"

struct report_option {
	const char *value;
	const char *label;
	const char *hint;  /* may be "" */
};

struct report_question {
	const char *id;
	const char *type;   /* "question", "check", "instruction", "action" */
	const char *title;
	const char *text;   /* may be "" */
	const struct report_option *options;
	size_t noptions;
	bool has_input;
	double min, max;
	const char *action; /* action nodes: the operation; NULL otherwise */
	const char *expect; /* action nodes: what the LED will do; may be "" */
};

struct report_conclusion {
	const char *id;
	const char *outcome; /* "healthy", "problem", "info" */
	const char *title;
	const char *cause;   /* may be "" */
	const char *const *fix;
	size_t nfix;
	const char *next;    /* node to go to if the fix did not help, or NULL */
};

enum report_status {
	REPORT_DONE_HEALTHY, /* conclusion, nothing wrong (or information only) */
	REPORT_DONE_PROBLEM, /* conclusion naming a problem */
	REPORT_NEEDS_ANSWER, /* waiting for an answer */
	REPORT_STUCK,        /* a fact is missing that no question asks */
};

struct report_sink {
	void (*begin)(void *ctx, const struct kb_device *dev);
	void (*led)(void *ctx, const struct kb_led *led);
	void (*sos)(void *ctx, int code, const char *name);
	void (*explanation)(void *ctx, const char *text);
	void (*step)(void *ctx, const char *text);
	void (*question)(void *ctx, const struct report_question *q);
	void (*conclusion)(void *ctx, const struct report_conclusion *c);
	void (*stuck)(void *ctx, const char *reason);
	void (*event)(void *ctx, const struct session_event *ev);
	void (*end)(void *ctx, enum report_status status);
	void *ctx;
};

/* Emits the session's state to sink (members may be NULL) and returns the
 * status it ended with. */
enum report_status report_emit(const struct session *s, const struct report_sink *sink);

/* The blinkdoc command that performs an action for the person ("blinkdoc
 * dfu"), or NULL. */
const char *report_action_command(const char *action);

#endif
