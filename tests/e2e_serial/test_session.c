/* A session on the SHIPPED knowledge base (knowledge/), walked with real
 * transports against virtual devices: breathing magenta, "it starts like
 * this by itself", then the tree's `inspect` action (safe-mode-inspect)
 * meets the device and its result routes the walk - the dependency failure
 * to the safe-mode explanation and the Device OS update, a healthy table to
 * "the modules look fine", no device to the manual steps.  The transcript
 * records the action, its result, the facts it set and the transport log.
 * Most walks pin the serial route (the console); safe_mode_dependency_walk
 * uses every route, as the product does.  In process, re-executed under
 * the umockdev preload. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "common/strbuf.h"
#include "e2e.h"
#include "kb.h"
#include "session.h"
#include "transcript.h"
#include "transport.h"
#include "vdev.h"

#ifndef SHIPPED_DIR
#error "SHIPPED_DIR (the shipped knowledge base) must be defined"
#endif
#ifndef VDEV_SCENARIOS
#error "VDEV_SCENARIOS (tests/virtual/scenarios) must be defined"
#endif

struct fx {
	struct kb *kb;
	struct vdev_bed *bed;
	struct bd_transports *t;
	struct session *s;
	struct action_env env;
	cJSON *transcript;
	unsigned routes; /* BD_ROUTE_* to pin the device to, 0 = every route */
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct diag d = {0};
	char err[256];
	if (!f)
		return -1;
	f->kb = kb_load(SHIPPED_DIR, &d);
	if (!f->kb || !kb_usable(f->kb, &d)) {
		print_error("cannot load %s\n", SHIPPED_DIR);
		return -1;
	}
	diag_free(&d);
	f->bed = vdev_bed_new(NULL, err, sizeof err);
	if (!f->bed) {
		print_error("vdev_bed_new: %s\n", err);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	cJSON_Delete(f->transcript);
	session_free(f->s);
	bd_transports_free(f->t);
	vdev_bed_free(f->bed);
	kb_free(f->kb);
	free(f);
	return 0;
}

static void load_scenario(struct fx *f, const char *name)
{
	char path[512], err[256] = "";
	snprintf(path, sizeof path, "%s/%s.json", VDEV_SCENARIOS, name);
	if (vdev_bed_load_scenario(f->bed, path, err, sizeof err) < 1)
		fail_msg("scenario %s: %s", name, err);
}

static const char *cur(const struct session *s)
{
	return session_current(s) ? session_current(s)->id : "(none)";
}

static void print_path(const struct session *s)
{
	for (size_t i = 0; i < session_path_len(s); i++) {
		const struct session_step *st = session_path_at(s, i);
		print_error("  %s = %s (%s)\n", st->node->id, st->value, session_how_name(st->how));
	}
	print_error("  state %s at %s %s\n", session_state_name(session_state(s)), cur(s),
		    session_state(s) == SESSION_STUCK ? session_stuck_reason(s) : "");
}

/* The action environment; pinned to f->routes when set (the device found
 * first, its other routes dropped, as `blinkdoc --route` does). */
static void pin_route(struct fx *f)
{
	struct bd_error err = {0};
	f->env.t = f->t;
	f->env.kb = f->kb;
	if (!f->routes)
		return;
	assert_int_equal(bd_transports_find(f->t, &f->env.target, &f->env.dev, &err), 0);
	f->env.dev.routes &= f->routes;
	assert_true(f->env.dev.routes != 0);
	f->env.have_dev = true;
}

/* A Photon, breathing magenta, "by itself": walks from the tree's start to
 * the `inspect` action node and runs it with the transports.  Stops at the
 * first node after the action that waits for the person. */
static void walk_to_inspect_and_run(struct fx *f)
{
	struct bd_error err = {0};
	struct bd_error terr = {0};
	f->t = bd_transports_new(kb_platforms(f->kb), &terr);
	assert_non_null(f->t);
	f->s = session_new(f->kb);
	assert_non_null(f->s);
	assert_int_equal(session_set_device(f->s, kb_device_find(f->kb, "photon"), &err), 0);
	assert_int_equal(session_set_fact_text(f->s, "led.color", "magenta", &err), 0);
	assert_int_equal(session_set_fact_text(f->s, "led.pattern", "breathing", &err), 0);
	assert_int_equal(session_start(f->s, NULL, &err), 0);
	/* The LED facts lead to the safe-mode question. */
	if (strcmp(cur(f->s), "safe-mode")) {
		print_path(f->s);
		fail_msg("the walk stands at %s, not at safe-mode", cur(f->s));
	}
	assert_int_equal(session_answer(f->s, "by-itself", &err), 0);
	assert_string_equal(cur(f->s), "safe-mode-inspect");
	assert_int_equal(session_current(f->s)->type, KB_ACTION);
	assert_string_equal(session_current(f->s)->action, "inspect");

	pin_route(f);
	if (actions_run_current(&f->env, f->s, &err) != 0) {
		print_path(f->s);
		fail_msg("actions_run_current: %s", err.msg);
	}
	f->transcript = transcript_to_json(f->s);
	assert_non_null(f->transcript);
}

/* The path must contain node id, passed with `how` and value. */
static void expect_step(const struct session *s, const char *id, enum session_how how,
			const char *value)
{
	for (size_t i = 0; i < session_path_len(s); i++) {
		const struct session_step *st = session_path_at(s, i);
		if (strcmp(st->node->id, id))
			continue;
		if (st->how != how || strcmp(st->value, value)) {
			print_path(s);
			fail_msg("%s was passed with %s = %s, expected %s = %s", id,
				 session_how_name(st->how), st->value, session_how_name(how), value);
		}
		return;
	}
	print_path(s);
	fail_msg("the walk did not pass %s", id);
}

/* The transcript's action answer for node (with its facts). */
static const cJSON *action_answer(const cJSON *tr, const char *node)
{
	const cJSON *a;
	cJSON_ArrayForEach(a, e2e_jget(tr, "answers")) {
		if (!strcmp(e2e_jstr(a, "node"), node) && !strcmp(e2e_jstr(a, "how"), "action"))
			return a;
	}
	fail_msg("the transcript has no action answer for %s", node);
	return NULL;
}

/* Whether an event of this kind (and node, when given) has a detail
 * containing text. */
static bool has_event(const cJSON *tr, const char *kind, const char *node, const char *text)
{
	const cJSON *e;
	cJSON_ArrayForEach(e, e2e_jget(tr, "events")) {
		if (strcmp(e2e_jstr(e, "kind"), kind))
			continue;
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(e, "node");
		if (node && (!cJSON_IsString(n) || strcmp(n->valuestring, node)))
			continue;
		if (!text[0])
			return true;
		const cJSON *d = cJSON_GetObjectItemCaseSensitive(e, "detail");
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, "value");
		if ((cJSON_IsString(d) && strstr(d->valuestring, text)) ||
		    (cJSON_IsString(v) && strstr(v->valuestring, text)))
			return true;
	}
	return false;
}

static void expect_event(const cJSON *tr, const char *kind, const char *node, const char *text)
{
	if (!has_event(tr, kind, node, text)) {
		char *s = cJSON_Print(e2e_jget(tr, "events"));
		print_error("%s\n", s ? s : "");
		free(s);
		fail_msg("no %s event%s%s with \"%s\"", kind, node ? " at " : "", node ? node : "",
			 text);
	}
}

static void add_line(void *ctx, const char *step)
{
	strbuf_printf(ctx, "\n%s", step);
}

static void expect_dependency_walk(struct fx *f, bool old_firmware_usb)
{
	load_scenario(f, "photon-safe-mode-modules");
	if (old_firmware_usb) {
		/* Device OS 0.4.7 predates USB control requests (0.8.0): every
		 * Particle request stalls, as on the real device. */
		struct vdev_faults nf = {.ctrl_stall = true};
		vdev_device_set_faults(vdev_bed_device(f->bed, 0), &nf);
	}
	walk_to_inspect_and_run(f);

	/* The action's facts answer the next question by themselves and lead
	 * to the safe-mode explanation with the Device OS update. */
	expect_step(f->s, "safe-mode-inspect", HOW_ACTION, "ok");
	expect_step(f->s, "safe-mode-why", HOW_FACT, "dependency-failed");
	expect_step(f->s, "finding-dependency", HOW_NONE, "");
	const struct kb_node *concl = NULL;
	for (size_t i = 0; i < session_path_len(f->s); i++)
		if (!strcmp(session_path_at(f->s, i)->node->id, "finding-dependency"))
			concl = session_path_at(f->s, i)->node;
	assert_non_null(concl);
	assert_int_equal(concl->type, KB_CONCLUSION);
	struct strbuf sb = STRBUF_INIT;
	session_render(f->s, &concl->cause, &sb);
	session_render_steps(f->s, &concl->fix, add_line, &sb);
	assert_non_null(strstr(strbuf_str(&sb), "starts in safe mode"));
	assert_non_null(strstr(strbuf_str(&sb), "Update Device OS over USB: put the device in DFU "
						 "mode and run: particle update"));
	strbuf_free(&sb);

	/* Facts as the tree sees them. */
	const struct fact_value *fin = session_fact(f->s, "inspect.finding");
	assert_non_null(fin);
	assert_string_equal(fin->str, "dependency-failed");
	const struct fact_value *cause = session_fact(f->s, "inspect.safe_mode_cause");
	assert_non_null(cause);
	assert_true(cause->b);

	/* The transcript: the action, its result and facts, the log lines. */
	const cJSON *a = action_answer(f->transcript, "safe-mode-inspect");
	assert_string_equal(e2e_jstr(a, "value"), "ok");
	assert_non_null(strstr(e2e_jstr(a, "detail"),
			       "System part 2 (version 7) needs system part 1 version 7"));
	const cJSON *af = e2e_jget(a, "facts");
	assert_string_equal(e2e_jstr(af, "inspect.finding"), "dependency-failed");
	assert_false(e2e_jbool(af, "inspect.healthy"));
	assert_true(e2e_jbool(af, "inspect.safe_mode_cause"));
	expect_event(f->transcript, "action", "safe-mode-inspect", "ok");
	expect_event(f->transcript, "note", NULL, "serial /dev/ttyACM0: `s` (module info) answered "
						  "with");
	expect_event(f->transcript, "enter", "finding-dependency", "");
}

static void safe_mode_dependency_walk_serial(void **state)
{
	struct fx *f = *state;
	f->routes = BD_ROUTE_SERIAL;
	expect_dependency_walk(f, false);
}

static void safe_mode_dependency_walk(void **state)
{
	/* The same walk on every route, as the product runs it, with the USB
	 * behaviour of the real Device OS 0.4.7 (control requests stall).
	 * FAILS since 1f1ab14 (USB backend): GET_MODULE_INFO stalls, the
	 * dispatcher does not fall through to the console on a stall, the
	 * action "failed" and the walk goes to safe-mode-inspect-manual.  Fix
	 * in transports/transport.c (bd_first_route: fall through on
	 * BD_E_STALL); see the e2e report. */
	expect_dependency_walk(*state, true);
}

static void healthy_modules_walk(void **state)
{
	struct fx *f = *state;
	/* Safe mode by itself, but every module passes: the fact leads to the
	 * other explanation. */
	f->routes = BD_ROUTE_SERIAL;
	load_scenario(f, "photon-listening");
	walk_to_inspect_and_run(f);
	expect_step(f->s, "safe-mode-inspect", HOW_ACTION, "ok");
	expect_step(f->s, "safe-mode-why", HOW_FACT, "none");
	expect_step(f->s, "safe-mode-unexplained", HOW_NONE, "");
	const cJSON *a = action_answer(f->transcript, "safe-mode-inspect");
	assert_string_equal(e2e_jstr(e2e_jget(a, "facts"), "inspect.finding"), "none");
}

static void no_device_walk(void **state)
{
	struct fx *f = *state;
	/* Nothing plugged in: the action is unavailable and the tree hands the
	 * check to the person (the CLI steps). */
	walk_to_inspect_and_run(f);
	expect_step(f->s, "safe-mode-inspect", HOW_ACTION, "unavailable");
	assert_string_equal(cur(f->s), "safe-mode-inspect-manual");
	const cJSON *a = action_answer(f->transcript, "safe-mode-inspect");
	assert_non_null(strstr(e2e_jstr(a, "detail"), "no Particle device found"));
	expect_event(f->transcript, "action", "safe-mode-inspect", "unavailable");
}

static void support_walk_no_secret(void **state)
{
	struct fx *f = *state;
	struct bd_error err = {0};
	/* The support-ticket walk runs identify (whose `i` carries the device
	 * secret) and inspect on a Boron; the transcript keeps what support
	 * needs and never the secret. */
	f->routes = BD_ROUTE_SERIAL;
	load_scenario(f, "boron-listening");
	f->t = bd_transports_new(kb_platforms(f->kb), &err);
	assert_non_null(f->t);
	f->s = session_new(f->kb);
	assert_int_equal(session_set_device(f->s, kb_device_find(f->kb, "boron"), &err), 0);
	assert_int_equal(session_start(f->s, "support-ticket", &err), 0);
	assert_int_equal(session_answer(f->s, "done", &err), 0);
	pin_route(f);
	assert_string_equal(cur(f->s), "support-identify");
	assert_int_equal(actions_run_current(&f->env, f->s, &err), 0);
	assert_string_equal(cur(f->s), "support-inspect");
	assert_int_equal(actions_run_current(&f->env, f->s, &err), 0);
	expect_step(f->s, "support-identify", HOW_ACTION, "ok");
	expect_step(f->s, "support-inspect", HOW_ACTION, "ok");
	const struct fact_value *id = session_fact(f->s, "probe.device_id");
	assert_non_null(id);
	assert_string_equal(id->str, "e00fce68b2f4a1c3d5e6f708");

	f->transcript = transcript_to_json(f->s);
	char *text = cJSON_PrintUnformatted(f->transcript);
	assert_non_null(text);
	bool leaked = strstr(text, "NU3WXMFHAPZX96K") != NULL;
	bool has_id = strstr(text, "e00fce68b2f4a1c3d5e6f708") != NULL;
	free(text);
	assert_false(leaked);
	assert_true(has_id);
	const cJSON *a = action_answer(f->transcript, "support-identify");
	assert_true(e2e_jbool(e2e_jget(a, "facts"), "probe.has_iccid"));
	expect_event(f->transcript, "note", NULL, "`i` (identify) answered with");
}

int main(int argc, char **argv)
{
	(void)argc;
	int rc = vdev_reexec_under_preload(argv);
	if (rc < 0) {
		fprintf(stderr, "%s: cannot re-execute under the umockdev preload: %s\n", argv[0],
			strerror(-rc));
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(safe_mode_dependency_walk_serial, setup, teardown),
		cmocka_unit_test_setup_teardown(safe_mode_dependency_walk, setup, teardown),
		cmocka_unit_test_setup_teardown(healthy_modules_walk, setup, teardown),
		cmocka_unit_test_setup_teardown(no_device_walk, setup, teardown),
		cmocka_unit_test_setup_teardown(support_walk_no_secret, setup, teardown),
	};
	return e2e_main(argv, "e2e_serial_session", tests, sizeof tests / sizeof tests[0]);
}
