/* session.h - one walk through the decision tree.
 *
 * A session holds the inputs - the device, the base facts a front-end sets
 * (led.color, ...) and an ordered list of answers (to questions, checks,
 * instructions and actions) - and derives everything else by walking the
 * tree from its root: the path, the current node, the facts set on the way.
 * Because the state is a function of the inputs, `back` (drop the last
 * answer) and changing an earlier answer are just a new walk; answers for
 * nodes the new walk no longer visits are dropped.  Every input and every
 * newly visited node is recorded in a timestamped transcript.
 */
#ifndef BD_SESSION_H
#define BD_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "common/bd_error.h"
#include "common/strbuf.h"
#include "kb.h"
#include "led.h"

struct session;

enum session_state {
	SESSION_WAITING, /* the current node needs an answer, a "done" or an action result */
	SESSION_DONE,    /* the walk reached a conclusion */
	SESSION_STUCK,   /* a condition needs a fact nobody gave, or the tree has a dead end */
};
const char *session_state_name(enum session_state st);

/* How a node on the path was passed. */
enum session_how {
	HOW_NONE,        /* not passed yet (the current node) */
	HOW_USER,        /* answered by the person */
	HOW_PRESET,      /* answered in advance (diagnose --answer, a loaded transcript) */
	HOW_FACT,        /* its fact was already known */
	HOW_ONLY_OPTION, /* only one option applies to this device */
	HOW_ACTION,      /* an action's result */
	HOW_AUTO,        /* instruction passed without waiting, action marked unavailable */
};
const char *session_how_name(enum session_how how);

struct session_step {
	const struct kb_node *node;
	char value[96];      /* the answer that led on, "" for the current node */
	enum session_how how;
};

/* A fact an action sets together with its result. */
struct session_fact_set {
	const char *name;
	struct fact_value value;
};

enum session_event_kind {
	EV_START, EV_FACT, EV_ENTER, EV_ANSWER, EV_ACTION, EV_BACK, EV_CHANGE, EV_CONCLUSION, EV_NOTE
};
const char *session_event_kind_name(enum session_event_kind k);
/* Parses a kind name; -1 when unknown. */
int session_event_kind_parse(const char *name);

struct session_event {
	char time[32];       /* ISO 8601 UTC */
	enum session_event_kind kind;
	char *node;          /* may be NULL */
	char *value;         /* may be NULL */
	char *detail;        /* may be NULL */
};

struct session *session_new(const struct kb *kb);
void session_free(struct session *s);
const struct kb *session_kb(const struct session *s);

/* Instructions pass without waiting (the non-interactive diagnose walk). */
void session_set_auto_continue(struct session *s, bool on);
/* Action nodes take their "unavailable" result at once, with this reason in
 * the transcript (NULL: actions wait for a result). */
void session_set_actions_unavailable(struct session *s, const char *reason);

/* Sets the device; its device.* facts become base facts.  Re-walks. */
int session_set_device(struct session *s, const struct kb_device *dev, struct bd_error *err);
const struct kb_device *session_device(const struct session *s);

/* Sets (v != NULL) or clears a base fact by name; re-walks.  Device facts
 * cannot be set this way (BD_E_INVALID). */
int session_set_fact(struct session *s, const char *name, const struct fact_value *v,
		     struct bd_error *err);
/* Same, parsing text into the fact's type. */
int session_set_fact_text(struct session *s, const char *name, const char *text,
			  struct bd_error *err);

/* Starts (or restarts) the walk at root_id ("start" when NULL). */
int session_start(struct session *s, const char *root_id, struct bd_error *err);
const char *session_root(const struct session *s);

enum session_state session_state(const struct session *s);
/* The node waiting for input, the conclusion, or the node where the walk got
 * stuck. NULL before session_start. */
const struct kb_node *session_current(const struct session *s);
/* For SESSION_STUCK: what went wrong, in words. */
const char *session_stuck_reason(const struct session *s);

size_t session_path_len(const struct session *s);
const struct session_step *session_path_at(const struct session *s, size_t i);

/* Options of node n that apply to this device (when holds); returns the count
 * and fills out[0..max). */
size_t session_visible_options(const struct session *s, const struct kb_node *n,
			       const struct kb_option **out, size_t max);

/* Where a (possibly conditional) next leads with the current facts, or NULL
 * when it depends on an unknown fact or leads nowhere.  No side effects. */
const struct kb_node *session_next_of(const struct session *s, const struct kb_next *nx);

/* Checks that value is a valid answer for node n on this device; err says why
 * not and lists the valid values. */
int session_validate_answer(const struct session *s, const struct kb_node *n, const char *value,
			    struct bd_error *err);

/* Answers the current node (option value, number, "done", or an action
 * result) and walks on.  Answers for nodes the walk no longer visits are
 * dropped. */
int session_answer(struct session *s, const char *value, struct bd_error *err);
/* Records an answer for any node in advance, or changes an earlier one (the
 * "why am I here" edit).  For a node answered from a base fact, changes that
 * fact.  prune: drop answers the new walk does not use. */
int session_set_answer(struct session *s, const char *node_id, const char *value,
		       enum session_how how, bool prune, struct bd_error *err);
/* Records the result of the current action node with the facts it sets and a
 * detail line for the transcript, then walks on. */
int session_action_result(struct session *s, const char *result,
			  const struct session_fact_set *facts, size_t nfacts, const char *detail,
			  struct bd_error *err);
/* Drops answers the current walk does not use (after the front-end changed
 * a base fact, say); records nothing in the transcript. */
void session_prune(struct session *s);
/* Undoes the last answer.  BD_E_STATE when there is nothing to undo. */
int session_back(struct session *s);
/* Answers given in advance that the walk never reached (diagnose reports them). */
size_t session_unused_answers(const struct session *s, const char **node_ids, size_t max);

/* Facts as the walk left them. */
const struct fact_value *session_fact(const struct session *s, const char *name);
const struct fact_value *session_fact_by_id(const struct session *s, int id);
/* Whether fact id was set by the front-end (not derived by the walk). */
bool session_fact_is_base(const struct session *s, int id);

/* Renders a text for this device and these facts (appends to sb; nothing
 * when no variant applies). */
void session_render(const struct session *s, const struct kb_text *t, struct strbuf *sb);
/* Renders the steps (with procedures inlined) that apply, calling cb once
 * per step with its text. */
void session_render_steps(const struct session *s, const struct kb_steps *st,
			  void (*cb)(void *ctx, const char *step), void *ctx);
/* Steps of an instruction node: its procedure's steps, then its own. */
void session_render_instruction(const struct session *s, const struct kb_node *n,
				void (*cb)(void *ctx, const char *step), void *ctx);

/* The LED status the walk has reached (or that the base facts identify
 * without doubt), or NULL. */
const struct kb_led *session_led_status(const struct session *s);
/* The person's LED report as the facts hold it (led.color, led.pattern,
 * led.count, led.color2; strings borrowed from the session).  False when
 * no colour was given yet. */
bool session_led_report(const struct session *s, struct led_report *out);

size_t session_event_count(const struct session *s);
const struct session_event *session_event_at(const struct session *s, size_t i);
/* Adds a free-form note (e.g. a transport log line) to the transcript. */
void session_note(struct session *s, const char *node, const char *detail);

/* The answers in order (for saving): node, value, how, time; plus the facts
 * each action answer set.  Borrowed. */
struct session_answer_view {
	const char *node, *value, *time, *detail;
	enum session_how how;
	const struct session_fact_set *facts;
	size_t nfacts;
};
size_t session_answer_count(const struct session *s);
struct session_answer_view session_answer_at(const struct session *s, size_t i);
/* Appends a raw answer record (transcript loading); does not walk. */
int session_push_answer(struct session *s, const char *node, const char *value,
			enum session_how how, const char *time, const char *detail,
			const struct session_fact_set *facts, size_t nfacts);
/* Forgets the event log (transcript loading replaces it with the saved one). */
void session_clear_events(struct session *s);
/* Appends a raw event (transcript loading). */
int session_push_event(struct session *s, const struct session_event *ev);
/* Walks again from the root with the current inputs (after loading). */
int session_rewalk(struct session *s);

#endif
