#define _POSIX_C_SOURCE 200809L
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"

const char *report_action_command(const char *action)
{
	static const struct {
		const char *action, *command;
	} map[] = {
		{"list-devices", "blinkdoc devices"}, {"identify", "blinkdoc identify"},
		{"inspect", "blinkdoc inspect"}, {"mac", "blinkdoc mac"},
		{"enter-dfu", "blinkdoc dfu"}, {"enter-listening", "blinkdoc listen"},
		{"enter-safe-mode", "blinkdoc safe-mode"}, {"exit-listening", "blinkdoc reset"},
		{"reset", "blinkdoc reset"}, {"flash", "blinkdoc flash FILE"},
		{"backup", "blinkdoc backup -o FILE"},
	};
	for (size_t i = 0; action && i < sizeof map / sizeof map[0]; i++)
		if (!strcmp(map[i].action, action))
			return map[i].command;
	return NULL;
}

struct emit_ctx {
	const struct report_sink *sink;
	char **fix;
	size_t nfix, capfix;
};

static void emit_step(void *ctx, const char *text)
{
	struct emit_ctx *ec = ctx;
	if (ec->sink->step)
		ec->sink->step(ec->sink->ctx, text);
}

static void collect_fix(void *ctx, const char *text)
{
	struct emit_ctx *ec = ctx;
	emit_step(ctx, text);
	if (ec->nfix == ec->capfix) {
		size_t cap = ec->capfix ? ec->capfix * 2 : 8;
		char **nv = realloc(ec->fix, cap * sizeof *nv);
		if (!nv)
			return;
		ec->fix = nv;
		ec->capfix = cap;
	}
	ec->fix[ec->nfix] = strdup(text);
	if (ec->fix[ec->nfix])
		ec->nfix++;
}

static char *render_dup(const struct session *s, const struct kb_text *t)
{
	struct strbuf sb = STRBUF_INIT;
	session_render(s, t, &sb);
	return strbuf_detach(&sb);
}

static void emit_question(const struct session *s, const struct report_sink *sink,
			  const struct kb_node *n)
{
	const struct kb_option *vis[64];
	size_t k = session_visible_options(s, n, vis, 64);
	if (k > 64)
		k = 64;
	struct report_option opts[64];
	char *labels[64] = {0}, *hints[64] = {0};
	for (size_t i = 0; i < k; i++) {
		labels[i] = render_dup(s, &vis[i]->label);
		hints[i] = render_dup(s, &vis[i]->hint);
		opts[i].value = vis[i]->value;
		opts[i].label = labels[i] && labels[i][0] ? labels[i] : vis[i]->value;
		opts[i].hint = hints[i] ? hints[i] : "";
	}
	char *title = render_dup(s, &n->title), *text = render_dup(s, &n->text);
	char *expect = render_dup(s, &n->expect);
	struct report_question q = {n->id, kb_node_type_name(n->type), title ? title : "",
				    text ? text : "", opts, k, n->has_input, n->in_min, n->in_max,
				    n->action, expect ? expect : ""};
	if (sink->question)
		sink->question(sink->ctx, &q);
	for (size_t i = 0; i < k; i++) {
		free(labels[i]);
		free(hints[i]);
	}
	free(title);
	free(text);
	free(expect);
}

/* The report fits more than one status (the next question tells them
 * apart): say what each can mean, so that the explanation is never empty. */
static void explain_candidates(const struct session *s, struct strbuf *ex)
{
	const struct kb_device *dev = session_device(s);
	struct led_report r;
	if (!dev || !session_led_report(s, &r) || !r.pattern)
		return;
	const struct kb_led *m[8];
	size_t n = led_match(session_kb(s), dev, &r, m, 8);
	if (n > 8)
		n = 8;
	if (n == 0)
		return;
	if (n == 1) {
		session_render(s, &m[0]->meaning, ex);
		return;
	}
	strbuf_printf(ex, "On %s %s, this can mean one of %zu things:",
		      strchr("AEIOU", dev->name[0]) ? "an" : "a", dev->name, n);
	for (size_t i = 0; i < n; i++) {
		strbuf_printf(ex, "\n- %s: ", m[i]->title);
		session_render(s, &m[i]->meaning, ex);
	}
}

enum report_status report_emit(const struct session *s, const struct report_sink *sink)
{
	struct emit_ctx ec = {sink, NULL, 0, 0};
	if (sink->begin)
		sink->begin(sink->ctx, session_device(s));
	const struct kb_led *led = session_led_status(s);
	if (led && sink->led)
		sink->led(sink->ctx, led);
	const struct fact_value *code = session_fact(s, "sos.code");
	const struct fact_value *name = session_fact(s, "sos.name");
	if (code && name && sink->sos)
		sink->sos(sink->ctx, (int)code->num, name->str);

	/* The explanation is the text of the node that explains the LED status. */
	struct strbuf ex = STRBUF_INIT;
	for (size_t i = 0; i < session_path_len(s); i++) {
		const struct kb_node *n = session_path_at(s, i)->node;
		if (n->led) {
			strbuf_reset(&ex);
			session_render(s, &n->text, &ex);
		}
	}
	if (!ex.len && led)
		session_render(s, &led->meaning, &ex);
	if (!ex.len && !led)
		explain_candidates(s, &ex);
	if (sink->explanation)
		sink->explanation(sink->ctx, strbuf_str(&ex));
	strbuf_free(&ex);

	/* Steps: every instruction passed (or waiting), and what blinkdoc could
	 * have done for an action the walk could not run. */
	for (size_t i = 0; i < session_path_len(s); i++) {
		const struct session_step *st = session_path_at(s, i);
		const struct kb_node *n = st->node;
		if (n->type == KB_INSTRUCTION) {
			session_render_instruction(s, n, emit_step, &ec);
		} else if (n->type == KB_ACTION && st->how == HOW_AUTO && sink->step) {
			const char *cmd = report_action_command(n->action);
			if (cmd) {
				struct strbuf sb = STRBUF_INIT;
				strbuf_printf(&sb, "With the device connected by USB, `%s` can do this "
					      "step for you.", cmd);
				sink->step(sink->ctx, strbuf_str(&sb));
				strbuf_free(&sb);
			}
		}
	}

	enum report_status status = REPORT_NEEDS_ANSWER;
	const struct kb_node *cur = session_current(s);
	switch (session_state(s)) {
	case SESSION_DONE: {
		session_render_steps(s, &cur->fix, collect_fix, &ec);
		char *title = render_dup(s, &cur->title), *cause = render_dup(s, &cur->cause);
		if (cause && !cause[0]) {
			free(cause);
			cause = render_dup(s, &cur->text);
		}
		const struct kb_node *nn = session_next_of(s, &cur->next);
		const char *next = nn ? nn->id : NULL;
		struct report_conclusion c = {cur->id, kb_outcome_name(cur->outcome),
					      title ? title : "", cause ? cause : "",
					      (const char *const *)ec.fix, ec.nfix, next};
		if (sink->conclusion)
			sink->conclusion(sink->ctx, &c);
		free(title);
		free(cause);
		status = cur->outcome == KB_OUTCOME_PROBLEM ? REPORT_DONE_PROBLEM : REPORT_DONE_HEALTHY;
		break;
	}
	case SESSION_WAITING:
		emit_question(s, sink, cur);
		status = REPORT_NEEDS_ANSWER;
		break;
	case SESSION_STUCK:
		if (sink->stuck)
			sink->stuck(sink->ctx, session_stuck_reason(s));
		status = REPORT_STUCK;
		break;
	}
	for (size_t i = 0; i < ec.nfix; i++)
		free(ec.fix[i]);
	free(ec.fix);
	for (size_t i = 0; sink->event && i < session_event_count(s); i++)
		sink->event(sink->ctx, session_event_at(s, i));
	if (sink->end)
		sink->end(sink->ctx, status);
	return status;
}
