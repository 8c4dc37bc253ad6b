/* Session walks on the fixture knowledge base: auto-answers, back, changing
 * an earlier answer, loops, actions, SOS facts, stuck walks, transcripts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kb.h"
#include "kb_lint.h"
#include "kbfix.h"
#include "session.h"
#include "transcript.h"

struct fx {
	char *dir;
	struct kb *kb;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	f->dir = kbfix_make(FIXTURE_DIR, SHIPPED_DIR);
	struct diag d = {0};
	f->kb = kb_load(f->dir, &d);
	if (d.n)
		fprintf(stderr, "fixture problem: %s:%d: %s\n", d.v[0].file, d.v[0].line, d.v[0].msg);
	assert_int_equal(d.errors, 0);
	assert_true(kb_usable(f->kb, &d));
	diag_free(&d);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	kb_free(f->kb);
	kbfix_remove(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

static struct session *start(struct fx *f, const char *device, const char *color,
			     const char *pattern)
{
	struct session *s = session_new(f->kb);
	struct bd_error err = {0};
	assert_non_null(s);
	assert_int_equal(session_set_device(s, kb_device_find(f->kb, device), &err), 0);
	if (color)
		assert_int_equal(session_set_fact_text(s, "led.color", color, &err), 0);
	if (pattern)
		assert_int_equal(session_set_fact_text(s, "led.pattern", pattern, &err), 0);
	assert_int_equal(session_start(s, NULL, &err), 0);
	return s;
}

static const char *cur(struct session *s)
{
	return session_current(s) ? session_current(s)->id : "(none)";
}

static void answer(struct session *s, const char *v)
{
	struct bd_error err = {0};
	int rc = session_answer(s, v, &err);
	if (rc)
		fprintf(stderr, "answer %s at %s: %s\n", v, cur(s), err.msg);
	assert_int_equal(rc, 0);
}

static void test_fixture_lints_clean(void **state)
{
	struct fx *f = *state;
	struct diag d = {0};
	assert_int_equal(kb_lint(f->kb, &d), 0);
	for (size_t i = 0; i < d.n; i++)
		fprintf(stderr, "%s:%d: %s\n", d.v[i].file, d.v[i].line, d.v[i].msg);
	assert_int_equal(d.n, 0);
	diag_free(&d);
}

static void test_auto_answers_from_facts_and_single_option(void **state)
{
	struct fx *f = *state;
	struct session *s = start(f, "photon", "green", "blinking");
	assert_int_equal(session_state(s), SESSION_WAITING);
	assert_string_equal(cur(s), "s-looking");
	assert_int_equal(session_path_len(s), 4);
	assert_int_equal(session_path_at(s, 0)->how, HOW_FACT);
	assert_string_equal(session_path_at(s, 0)->value, "green");
	assert_int_equal(session_path_at(s, 1)->how, HOW_FACT);
	/* A Photon has no firmware reset: the only option answers itself. */
	assert_int_equal(session_path_at(s, 2)->how, HOW_ONLY_OPTION);
	assert_string_equal(session_path_at(s, 2)->value, "normal");
	assert_string_equal(session_led_status(s)->id, "looking-for-internet");
	session_free(s);

	/* An Electron does have one, so the question is asked. */
	s = start(f, "electron", "green", "blinking");
	assert_string_equal(cur(s), "green-which");
	const struct kb_option *vis[4];
	assert_int_equal(session_visible_options(s, session_current(s), vis, 4), 2);
	answer(s, "buttons");
	assert_int_equal(session_state(s), SESSION_DONE);
	assert_string_equal(session_led_status(s)->id, "firmware-reset");
	session_free(s);
}

static void test_hidden_option_is_rejected(void **state)
{
	struct fx *f = *state;
	struct session *s = start(f, "photon", "green", "blinking");
	struct bd_error err = {0};
	const struct kb_node *which = kb_node_find(f->kb, "green-which");
	assert_int_equal(session_validate_answer(s, which, "buttons", &err), BD_E_INVALID);
	assert_non_null(strstr(err.msg, "does not apply to Photon"));
	assert_int_equal(session_validate_answer(s, which, "bogus", &err), BD_E_INVALID);
	assert_non_null(strstr(err.msg, "valid: normal"));
	session_free(s);
}

static void test_loop_back_and_change(void **state)
{
	struct fx *f = *state;
	struct session *s = start(f, "boron", "green", "blinking");
	assert_string_equal(cur(s), "s-looking");
	answer(s, "no");
	assert_string_equal(cur(s), "cell-antenna");
	answer(s, "attached");
	assert_string_equal(cur(s), "cold-boot");
	assert_int_equal(session_current(s)->type, KB_INSTRUCTION);
	answer(s, "done");
	assert_string_equal(cur(s), "retry");
	answer(s, "still");
	/* Back at the antenna check: it must ask again, not reuse its own fact. */
	assert_string_equal(cur(s), "cell-antenna");
	assert_int_equal(session_state(s), SESSION_WAITING);
	assert_int_equal(session_answer_count(s), 4);

	assert_int_equal(session_back(s), 0);
	assert_string_equal(cur(s), "retry");
	assert_int_equal(session_answer_count(s), 3);

	/* Change the first antenna answer: the cold boot and retry answers no
	 * longer apply and are dropped. */
	struct bd_error err = {0};
	assert_int_equal(session_set_answer(s, "cell-antenna", "missing", HOW_USER, true, &err), 0);
	assert_int_equal(session_state(s), SESSION_DONE);
	assert_string_equal(cur(s), "c-antenna");
	assert_int_equal(session_answer_count(s), 2);
	const struct fact_value *v = session_fact(s, "cell.antenna");
	assert_non_null(v);
	assert_string_equal(v->str, "missing");

	/* Changing a base fact (the colour) re-walks from the top; the old
	 * pattern has no option under cyan, so that question is asked again. */
	assert_int_equal(session_set_answer(s, "start", "cyan", HOW_USER, true, &err), 0);
	assert_string_equal(cur(s), "cyan-pattern");
	assert_int_equal(session_state(s), SESSION_WAITING);
	assert_int_equal(session_answer_count(s), 0);
	answer(s, "breathing");
	assert_string_equal(cur(s), "s-connected");
	session_free(s);
}

static void test_back_with_nothing_to_undo(void **state)
{
	struct fx *f = *state;
	struct session *s = start(f, "photon", "cyan", "breathing");
	assert_int_equal(session_state(s), SESSION_DONE);
	assert_int_equal(session_back(s), BD_E_STATE);
	session_free(s);
}

static void test_action_results_set_facts(void **state)
{
	struct fx *f = *state;
	struct session *s = start(f, "photon", "green", "blinking");
	answer(s, "no");
	assert_string_equal(cur(s), "act-identify");
	struct session_fact_set fs = {"probe.system_version", {0}};
	fv_set_string(&fs.value, "1.0.0");
	struct bd_error err = {0};
	assert_int_equal(session_action_result(s, "ok", &fs, 1, "read over USB", &err), 0);
	fv_free(&fs.value);
	assert_string_equal(cur(s), "c-old-os");
	struct strbuf sb = STRBUF_INIT;
	session_render(s, &session_current(s)->cause, &sb);
	assert_string_equal(strbuf_str(&sb), "Device OS 1.0.0 is too old.");
	strbuf_free(&sb);
	/* Undoing the action forgets what it found. */
	assert_int_equal(session_back(s), 0);
	assert_string_equal(cur(s), "act-identify");
	assert_null(session_fact(s, "probe.system_version"));
	session_free(s);
}

static void test_stuck_when_action_fact_missing(void **state)
{
	struct fx *f = *state;
	struct session *s = start(f, "photon", "green", "blinking");
	answer(s, "no");
	struct bd_error err = {0};
	assert_int_equal(session_action_result(s, "ok", NULL, 0, NULL, &err), 0);
	assert_int_equal(session_state(s), SESSION_STUCK);
	assert_non_null(strstr(session_stuck_reason(s), "probe.system_version"));
	session_free(s);
}

static void test_actions_unavailable_take_manual_way(void **state)
{
	struct fx *f = *state;
	struct session *s = session_new(f->kb);
	struct bd_error err = {0};
	session_set_actions_unavailable(s, "test");
	session_set_device(s, kb_device_find(f->kb, "photon"), &err);
	session_set_fact_text(s, "led.color", "green", &err);
	session_set_fact_text(s, "led.pattern", "blinking", &err);
	assert_int_equal(session_set_answer(s, "s-looking", "no", HOW_PRESET, false, &err), 0);
	session_start(s, NULL, &err);
	assert_int_equal(session_state(s), SESSION_DONE);
	assert_string_equal(cur(s), "c-ticket");
	const struct session_step *st = session_path_at(s, session_path_len(s) - 2);
	assert_string_equal(st->node->id, "act-identify");
	assert_int_equal(st->how, HOW_AUTO);
	assert_string_equal(st->value, "unavailable");
	session_free(s);
}

struct steps {
	char text[8][256];
	int n;
};

static void collect(void *ctx, const char *step)
{
	struct steps *st = ctx;
	if (st->n < 8)
		snprintf(st->text[st->n++], sizeof st->text[0], "%s", step);
}

static void test_sos_facts_are_device_specific(void **state)
{
	struct fx *f = *state;
	struct session *s = start(f, "photon", "red", "sos");
	assert_string_equal(cur(s), "red-count");
	answer(s, "1");
	assert_int_equal(session_state(s), SESSION_DONE);
	assert_string_equal(session_led_status(s)->id, "sos-1");
	assert_string_equal(session_fact(s, "sos.name")->str, "Hard fault");
	const struct fact_value *fix = session_fact(s, "sos.fix");
	assert_non_null(fix);
	assert_int_equal(fix->nlist, 2);
	assert_string_equal(fix->list[0], "Hold SETUP and RESET.");
	session_free(s);

	s = start(f, "core", "red", "sos");
	answer(s, "1");
	fix = session_fact(s, "sos.fix");
	assert_int_equal(fix->nlist, 1);
	assert_string_equal(fix->list[0], "Do a factory reset with MODE.");
	/* A step that is only a list placeholder becomes one step per item. */
	struct steps st = {0};
	session_render_steps(s, &session_current(s)->fix, collect, &st);
	assert_int_equal(st.n, 2);
	assert_string_equal(st.text[0], "Causes:");
	assert_string_equal(st.text[1], "A bad pointer.");
	session_free(s);

	/* Number answers are checked against the input range. */
	s = start(f, "photon", "red", "sos");
	struct bd_error err = {0};
	assert_int_equal(session_answer(s, "16", &err), BD_E_INVALID);
	assert_non_null(strstr(err.msg, "from 1 to 15"));
	assert_int_equal(session_answer(s, "x", &err), BD_E_INVALID);
	session_free(s);
}

static void test_procedures_render_with_device_facts(void **state)
{
	struct fx *f = *state;
	struct session *s = start(f, "electron", NULL, NULL);
	struct steps st = {0};
	session_render_instruction(s, kb_node_find(f->kb, "cold-boot"), collect, &st);
	assert_int_equal(st.n, 3);
	assert_string_equal(st.text[0], "Unplug the USB cable of your Electron.");
	assert_string_equal(st.text[1], "Disconnect the battery too.");
	assert_string_equal(st.text[2], "Wait a minute.");
	session_free(s);
	s = start(f, "photon", NULL, NULL);
	memset(&st, 0, sizeof st);
	session_render_instruction(s, kb_node_find(f->kb, "cold-boot"), collect, &st);
	assert_int_equal(st.n, 2);
	session_free(s);
}

static void test_transcript_round_trip(void **state)
{
	struct fx *f = *state;
	struct session *s = start(f, "boron", "green", "blinking");
	answer(s, "no");
	answer(s, "attached");
	answer(s, "done");
	cJSON *j = transcript_to_json(s);
	char *text = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	struct bd_error err = {0};
	struct session *r = transcript_parse(f->kb, text, strlen(text), &err);
	free(text);
	assert_non_null(r);
	assert_string_equal(cur(r), "retry");
	assert_int_equal(session_path_len(r), session_path_len(s));
	assert_int_equal(session_answer_count(r), 3);
	assert_true(session_event_count(r) >= session_event_count(s));
	assert_string_equal(session_event_at(r, 0)->time, session_event_at(s, 0)->time);
	/* The resumed session goes on like the original. */
	answer(r, "fixed");
	assert_string_equal(cur(r), "c-healthy");
	session_free(r);
	session_free(s);

	/* Garbage and transcripts naming missing nodes are refused with a reason. */
	assert_null(transcript_parse(f->kb, "{", 1, &err));
	assert_non_null(strstr(err.msg, "not valid JSON"));
	const char *bad = "{\"blinkdoc_transcript\":1,\"device\":\"boron\",\"facts\":{},"
			  "\"answers\":[{\"node\":\"gone\",\"value\":\"x\"}],\"events\":[]}";
	assert_null(transcript_parse(f->kb, bad, strlen(bad), &err));
	assert_non_null(strstr(err.msg, "\"gone\""));
	const char *baddev = "{\"blinkdoc_transcript\":1,\"device\":\"toaster\"}";
	assert_null(transcript_parse(f->kb, baddev, strlen(baddev), &err));
	assert_non_null(strstr(err.msg, "toaster"));
}

static void test_events_record_every_step(void **state)
{
	struct fx *f = *state;
	struct session *s = start(f, "photon", "green", "blinking");
	answer(s, "no");
	bool saw_enter = false, saw_auto = false, saw_user = false;
	for (size_t i = 0; i < session_event_count(s); i++) {
		const struct session_event *e = session_event_at(s, i);
		assert_int_equal(strlen(e->time), 24);
		if (e->kind == EV_ENTER && e->node && !strcmp(e->node, "s-looking"))
			saw_enter = true;
		if (e->kind == EV_ANSWER && e->detail && !strcmp(e->detail, "fact"))
			saw_auto = true;
		if (e->kind == EV_ANSWER && e->detail && !strcmp(e->detail, "user") &&
		    !strcmp(e->value, "no"))
			saw_user = true;
	}
	assert_true(saw_enter);
	assert_true(saw_auto);
	assert_true(saw_user);
	session_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_lints_clean),
		cmocka_unit_test(test_auto_answers_from_facts_and_single_option),
		cmocka_unit_test(test_hidden_option_is_rejected),
		cmocka_unit_test(test_loop_back_and_change),
		cmocka_unit_test(test_back_with_nothing_to_undo),
		cmocka_unit_test(test_action_results_set_facts),
		cmocka_unit_test(test_stuck_when_action_fact_missing),
		cmocka_unit_test(test_actions_unavailable_take_manual_way),
		cmocka_unit_test(test_sos_facts_are_device_specific),
		cmocka_unit_test(test_procedures_render_with_device_facts),
		cmocka_unit_test(test_transcript_round_trip),
		cmocka_unit_test(test_events_record_every_step),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
