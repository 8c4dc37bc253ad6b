/* The engine's action runner (engine/actions.h) with real transports
 * against virtual devices, in process: identify, inspect, enter-listening,
 * exit-listening, enter-dfu and a fault each run through
 * transports/transport.h and set the facts the tree routes on (probe.*,
 * inspect.*).  Console actions are pinned to the serial route (as
 * `--route serial` does); enter-dfu uses every route.  The process
 * re-executes itself under the umockdev preload. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "common/strbuf.h"
#include "e2e.h"
#include "facts.h"
#include "kb.h"
#include "transport.h"
#include "vdev.h"

#ifndef SHIPPED_DIR
#error "SHIPPED_DIR (the shipped knowledge base) must be defined"
#endif
#ifndef VDEV_SCENARIOS
#error "VDEV_SCENARIOS (tests/virtual/scenarios) must be defined"
#endif
#ifndef E2E_SCENARIOS
#error "E2E_SCENARIOS (this directory's scenarios) must be defined"
#endif

#define BORON_ID "e00fce68b2f4a1c3d5e6f708"
#define BORON_SECRET "NU3WXMFHAPZX96K"

struct fx {
	struct kb *kb;
	struct vdev_bed *bed;
	struct bd_transports *t;
	struct strbuf log; /* every transport log line, one per line */
	struct action_env env;
	struct action_outcome o;
	unsigned routes; /* BD_ROUTE_* to pin the device to, 0 = every route */
};

static void collect_log(void *ctx, const char *line)
{
	struct fx *f = ctx;
	strbuf_printf(&f->log, "%s\n", line);
}

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
	f->log = (struct strbuf)STRBUF_INIT;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	action_outcome_free(&f->o);
	bd_transports_free(f->t); /* every port is closed before the bed goes */
	vdev_bed_free(f->bed);
	kb_free(f->kb);
	strbuf_free(&f->log);
	free(f);
	return 0;
}

static struct vdev_device *add(struct fx *f, struct vdev_device_opts *o)
{
	char err[256] = "";
	struct vdev_device *dev = vdev_bed_add_device(f->bed, o, err, sizeof err);
	if (!dev)
		fail_msg("vdev_bed_add_device(%s): %s", o->platform, err);
	return dev;
}

static void load_scenario(struct fx *f, const char *name)
{
	char path[512], err[256] = "";
	snprintf(path, sizeof path, "%s/%s.json", VDEV_SCENARIOS, name);
	if (vdev_bed_load_scenario(f->bed, path, err, sizeof err) < 1)
		fail_msg("scenario %s: %s", name, err);
}

/* Starts the transports (after the devices exist) and runs one action on
 * "the only device connected", as the tree does. */
static void run(struct fx *f, const char *action)
{
	if (!f->t) {
		struct bd_error err = {0};
		f->t = bd_transports_new(kb_platforms(f->kb), &err);
		assert_non_null(f->t);
		f->env.t = f->t;
		f->env.kb = f->kb;
		f->env.log = collect_log;
		f->env.ctx = f;
		/* Pinned to one route: find the device first and drop the other
		 * routes, as `blinkdoc --route` does. */
		if (f->routes) {
			assert_int_equal(bd_transports_find(f->t, &f->env.target, &f->env.dev, &err), 0);
			assert_true(f->env.dev.routes & f->routes);
			f->env.dev.routes &= f->routes;
			f->env.have_dev = true;
		}
	}
	action_outcome_free(&f->o);
	actions_run(&f->env, action, &f->o);
}

static const struct fact_value *fact(const struct action_outcome *o, const char *name)
{
	for (size_t i = 0; i < o->nfacts; i++)
		if (!strcmp(o->facts[i].name, name))
			return &o->facts[i].value;
	fail_msg("the action set no fact %s", name);
	return NULL;
}

static void expect_fact_str(const struct action_outcome *o, const char *name, const char *want)
{
	const struct fact_value *v = fact(o, name);
	assert_int_equal(v->type, FV_STRING);
	assert_string_equal(v->str, want);
}

static void expect_fact_bool(const struct action_outcome *o, const char *name, bool want)
{
	const struct fact_value *v = fact(o, name);
	assert_int_equal(v->type, FV_BOOL);
	assert_int_equal(v->b, want);
}

static void expect_result(const struct fx *f, const char *want)
{
	if (strcmp(f->o.result, want)) {
		print_error("result %s (code %d): %s\nlog:\n%s", f->o.result, f->o.code, f->o.detail,
			    strbuf_str(&f->log));
		fail_msg("action result \"%s\", expected \"%s\"", f->o.result, want);
	}
}

static void action_identify(void **state)
{
	struct fx *f = *state;
	f->routes = BD_ROUTE_SERIAL;
	struct vdev_device_opts o;
	vdev_device_opts_init(&o, "boron");
	o.device_id = BORON_ID;
	o.mode = VDEV_MODE_LISTENING;
	o.os_version = "5.9.0";
	o.device_secret = BORON_SECRET;
	add(f, &o);
	run(f, "identify");
	expect_result(f, "ok");
	expect_fact_str(&f->o, "probe.device_id", BORON_ID);
	expect_fact_str(&f->o, "probe.platform", "boron");
	expect_fact_str(&f->o, "probe.system_version", "5.9.0");
	expect_fact_bool(&f->o, "probe.has_iccid", true);
	assert_non_null(strstr(f->o.detail, "device " BORON_ID ", Device OS 5.9.0"));
	/* `i` went over the console (log lines) and its secret went nowhere. */
	assert_non_null(strstr(strbuf_str(&f->log), "`i` (identify) answered with"));
	assert_null(strstr(strbuf_str(&f->log), BORON_SECRET));
	assert_null(strstr(f->o.detail, BORON_SECRET));
	for (size_t i = 0; i < f->o.nfacts; i++)
		if (f->o.facts[i].value.type == FV_STRING)
			assert_null(strstr(f->o.facts[i].value.str, BORON_SECRET));
}

static void action_inspect_healthy(void **state)
{
	struct fx *f = *state;
	f->routes = BD_ROUTE_SERIAL;
	load_scenario(f, "photon-listening");
	run(f, "inspect");
	expect_result(f, "ok");
	expect_fact_bool(&f->o, "inspect.healthy", true);
	expect_fact_str(&f->o, "inspect.finding", "none");
	expect_fact_bool(&f->o, "inspect.safe_mode_cause", false);
	assert_non_null(strstr(strbuf_str(&f->log), "`s` (module info) answered with"));
}

static void action_inspect_safe_mode(void **state)
{
	struct fx *f = *state;
	f->routes = BD_ROUTE_SERIAL;
	load_scenario(f, "photon-safe-mode-modules");
	run(f, "inspect");
	expect_result(f, "ok");
	expect_fact_bool(&f->o, "inspect.healthy", false);
	expect_fact_str(&f->o, "inspect.finding", "dependency-failed");
	expect_fact_bool(&f->o, "inspect.safe_mode_cause", true);
	const struct fact_value *all = fact(&f->o, "inspect.findings");
	assert_int_equal(all->type, FV_LIST);
	assert_int_equal(all->nlist, 1);
	assert_string_equal(all->list[0], "dependency-failed");
	assert_non_null(strstr(f->o.detail, "5 module(s); System part 2 (version 7) needs system "
					   "part 1 version 7, but version 6 is installed"));
}

static void action_enter_listening(void **state)
{
	struct fx *f = *state;
	f->routes = BD_ROUTE_SERIAL;
	struct vdev_device_opts o;
	vdev_device_opts_init(&o, "photon");
	o.mode = VDEV_MODE_NORMAL;
	struct vdev_device *dev = add(f, &o);
	run(f, "enter-listening");
	expect_result(f, "ok");
	expect_fact_str(&f->o, "probe.mode", "listening");
	assert_int_equal(vdev_device_mode(dev), VDEV_MODE_LISTENING);
	assert_int_equal(vdev_device_last_set_baud(dev), 28800);
	assert_non_null(strstr(strbuf_str(&f->log), "rung 1 (serial): request accepted"));
}

static void action_enter_listening_os6(void **state)
{
	struct fx *f = *state;
	f->routes = BD_ROUTE_SERIAL;
	load_scenario(f, "boron-os6");
	struct vdev_device *dev = vdev_bed_device(f->bed, 0);
	run(f, "enter-listening");
	/* No route can do it: the person does it with the button. */
	expect_result(f, "unavailable");
	assert_int_equal(f->o.code, BD_E_UNAVAILABLE);
	assert_non_null(strstr(f->o.detail, "did not start listening mode after the 28800 baud "
					   "signal (Device OS 6 and later ignore it)"));
	/* The Boron's own button name (devices.json), not "MODE/SETUP". */
	assert_non_null(strstr(f->o.detail, "Hold the MODE button"));
	assert_int_equal(vdev_device_mode(dev), VDEV_MODE_NORMAL);
	assert_int_equal(f->o.nfacts, 0);
}

static void action_exit_listening(void **state)
{
	struct fx *f = *state;
	/* A Core in listening mode: it has no USB control requests, so no route
	 * can see that it is listening, and both list it as "normal". */
	char path[512], err[256] = "";
	snprintf(path, sizeof path, "%s/core-listening.json", E2E_SCENARIOS);
	assert_int_equal(vdev_bed_load_scenario(f->bed, path, err, sizeof err), 1);
	struct vdev_device *dev = vdev_bed_device(f->bed, 0);
	run(f, "exit-listening");
	expect_result(f, "ok");
	expect_fact_str(&f->o, "probe.mode", "normal");
	/* Neither route reports the mode, so the dispatcher does not trust the
	 * guess: the console answers, `x` goes out, the device leaves
	 * listening mode. */
	assert_null(strstr(strbuf_str(&f->log), "already in normal mode"));
	assert_int_equal(vdev_device_wait(dev, true, VDEV_MODE_NORMAL, 2000), 0);
	assert_int_equal(vdev_device_mode(dev), VDEV_MODE_NORMAL);
}

static void action_enter_dfu(void **state)
{
	struct fx *f = *state;
	/* Every route, as the tree runs it: the USB rung first, then 14400. */
	load_scenario(f, "boron-normal");
	struct vdev_device *dev = vdev_bed_device(f->bed, 0);
	run(f, "enter-dfu");
	expect_result(f, "ok");
	expect_fact_str(&f->o, "probe.mode", "dfu");
	assert_non_null(strstr(f->o.detail, "device is in dfu mode"));
	/* A rung reached the device (control request 50 or 14400 baud): it is
	 * on the bus in DFU mode, and the dispatcher saw it come back. */
	assert_int_equal(vdev_device_mode(dev), VDEV_MODE_DFU);
	assert_non_null(strstr(strbuf_str(&f->log), "rung 1 (usb)"));
	assert_non_null(strstr(strbuf_str(&f->log), "request accepted"));
	assert_non_null(strstr(strbuf_str(&f->log), "device is back in dfu mode"));
	assert_string_equal(f->env.dev.device_id, "e00fce68b2f4a1c3d5e6f708");
	assert_int_equal(f->env.dev.mode, BD_MODE_DFU);
}

static void action_no_device(void **state)
{
	struct fx *f = *state;
	run(f, "identify");
	expect_result(f, "unavailable");
	assert_int_equal(f->o.code, BD_E_NO_DEVICE);
	assert_non_null(strstr(f->o.detail, "no Particle device found on USB or USB serial"));
}

static void action_silent_console(void **state)
{
	struct fx *f = *state;
	f->routes = BD_ROUTE_SERIAL;
	load_scenario(f, "fault-silent");
	run(f, "mac");
	expect_result(f, "failed");
	assert_int_equal(f->o.code, BD_E_TIMEOUT);
	assert_non_null(strstr(f->o.detail, "no reply to `m` (MAC address) on /dev/ttyACM0 within "
					   "5.0 s"));
	assert_non_null(strstr(f->o.detail, "blinking dark blue"));
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
		cmocka_unit_test_setup_teardown(action_identify, setup, teardown),
		cmocka_unit_test_setup_teardown(action_inspect_healthy, setup, teardown),
		cmocka_unit_test_setup_teardown(action_inspect_safe_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(action_enter_listening, setup, teardown),
		cmocka_unit_test_setup_teardown(action_enter_listening_os6, setup, teardown),
		cmocka_unit_test_setup_teardown(action_exit_listening, setup, teardown),
		cmocka_unit_test_setup_teardown(action_enter_dfu, setup, teardown),
		cmocka_unit_test_setup_teardown(action_no_device, setup, teardown),
		cmocka_unit_test_setup_teardown(action_silent_console, setup, teardown),
	};
	return e2e_main(argv, "e2e_serial_engine", tests, sizeof tests / sizeof tests[0]);
}
