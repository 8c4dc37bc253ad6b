#define _POSIX_C_SOURCE 200809L
#include "actions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"

#include "flash.h"
#include "module_analysis.h"

static const struct {
	const char *action;
	int64_t ms;
} action_deadlines[] = {
	{"list-devices", 5000},     {"identify", 25000},        {"inspect", 25000},
	{"mac", 10000},             {"enter-dfu", 30000},       {"enter-listening", 15000},
	{"enter-safe-mode", 60000}, {"exit-listening", 15000},  {"reset", 30000},
	{"flash", 600000},          {"backup", 600000},
};

int64_t actions_deadline_ms(const char *action)
{
	for (size_t i = 0; i < sizeof action_deadlines / sizeof action_deadlines[0]; i++)
		if (!strcmp(action_deadlines[i].action, action))
			return action_deadlines[i].ms;
	return 10000;
}

void action_outcome_free(struct action_outcome *out)
{
	for (size_t i = 0; i < out->nfacts; i++)
		fv_free(&out->facts[i].value);
	out->nfacts = 0;
}

static void add_str(struct action_outcome *o, const char *name, const char *v)
{
	if (o->nfacts < ACTION_MAX_FACTS && v && v[0]) {
		o->facts[o->nfacts].name = name;
		memset(&o->facts[o->nfacts].value, 0, sizeof o->facts[0].value);
		fv_set_string(&o->facts[o->nfacts++].value, v);
	}
}

static void add_bool(struct action_outcome *o, const char *name, bool v)
{
	if (o->nfacts < ACTION_MAX_FACTS) {
		o->facts[o->nfacts].name = name;
		memset(&o->facts[o->nfacts].value, 0, sizeof o->facts[0].value);
		fv_set_bool(&o->facts[o->nfacts++].value, v);
	}
}

static void add_num(struct action_outcome *o, const char *name, double v)
{
	if (o->nfacts < ACTION_MAX_FACTS) {
		o->facts[o->nfacts].name = name;
		memset(&o->facts[o->nfacts].value, 0, sizeof o->facts[0].value);
		fv_set_number(&o->facts[o->nfacts++].value, v);
	}
}

static const char *platform_key(const struct kb *kb, int platform_id)
{
	const struct kb_device *d = kb_device_by_platform(kb, platform_id);
	return d ? d->id : NULL;
}

/* Routes transport log lines to the caller and into the transcript. */
static void action_log(void *ctx, const char *line)
{
	struct action_env *env = ctx;
	if (env->s)
		session_note(env->s, NULL, line);
	if (env->log)
		env->log(env->ctx, line);
}

static void action_progress(void *ctx, const char *phase, uint64_t done, uint64_t total)
{
	struct action_env *env = ctx;
	if (env->progress)
		env->progress(env->ctx, phase, done, total);
}

/* Classifies a transport failure. */
static void outcome_error(struct action_outcome *o, const struct bd_error *e)
{
	o->code = e->code ? e->code : BD_E_IO;
	bool manual = o->code == BD_E_UNAVAILABLE || o->code == BD_E_NO_DEVICE ||
		      o->code == BD_E_NOT_SUPPORTED || o->code == BD_E_AMBIGUOUS;
	o->result = manual ? "unavailable" : "failed";
	struct strbuf sb = STRBUF_INIT;
	strbuf_puts(&sb, e->msg[0] ? e->msg : bd_strerror(o->code));
	if (e->hint[0])
		strbuf_printf(&sb, " - %s", e->hint);
	snprintf(o->detail, sizeof o->detail, "%.*s", (int)(sizeof o->detail - 1), strbuf_str(&sb));
	strbuf_free(&sb);
}

static bool ensure_device(struct action_env *env, struct action_outcome *o)
{
	if (env->have_dev)
		return true;
	struct bd_error e = {0};
	if (bd_transports_find(env->t, &env->target, &env->dev, &e) < 0) {
		outcome_error(o, &e);
		return false;
	}
	env->have_dev = true;
	return true;
}

static void run_list(struct action_env *env, struct action_outcome *o)
{
	struct bd_device_list l = {0};
	struct bd_error e = {0};
	int n = bd_transports_list(env->t, &l, &e);
	if (n < 0) {
		outcome_error(o, &e);
		return;
	}
	add_bool(o, "probe.found", n > 0);
	add_num(o, "probe.count", n);
	if (n == 1) {
		add_str(o, "probe.mode", bd_mode_name(l.v[0].mode));
		add_str(o, "probe.platform", platform_key(env->kb, l.v[0].platform_id));
		env->dev = l.v[0];
		env->have_dev = true;
	}
	snprintf(o->detail, sizeof o->detail, "%d Particle device(s) found", n);
	bd_device_list_free(&l);
	o->result = "ok";
}

static void run_identify(struct action_env *env, struct bd_op *op, struct action_outcome *o)
{
	struct bd_identity id;
	struct bd_error e = {0};
	if (bd_transports_identify(env->t, &env->dev, &id, op, &e) < 0) {
		outcome_error(o, &e);
		return;
	}
	add_str(o, "probe.device_id", id.device_id);
	add_str(o, "probe.platform", platform_key(env->kb, id.platform_id));
	add_str(o, "probe.system_version", id.system_version);
	add_bool(o, "probe.has_iccid", id.iccid[0] != '\0');
	snprintf(o->detail, sizeof o->detail, "device %s, Device OS %s",
		 id.device_id[0] ? id.device_id : "(ID unknown)",
		 id.system_version[0] ? id.system_version : "(version unknown)");
	o->result = "ok";
}

static void run_inspect(struct action_env *env, struct bd_op *op, struct action_outcome *o)
{
	struct bd_module_table *t = calloc(1, sizeof *t);
	struct bd_inspect_report *r = calloc(1, sizeof *r);
	struct bd_error e = {0};
	if (!t || !r) {
		e.code = BD_E_NOMEM;
		outcome_error(o, &e);
		goto out;
	}
	if (bd_transports_inspect(env->t, &env->dev, t, op, &e) < 0) {
		outcome_error(o, &e);
		goto out;
	}
	bd_inspect_analyse(t, kb_platforms(env->kb), env->dev.platform_id, r);
	const struct bd_inspect_finding *top = bd_inspect_most_important(r);
	add_bool(o, "inspect.healthy", r->healthy);
	add_str(o, "inspect.finding", bd_inspect_finding_name(top->id));
	add_bool(o, "inspect.safe_mode_cause", r->explains_safe_mode);
	const char *ids[BD_INSPECT_FINDINGS_MAX];
	for (size_t i = 0; i < r->nfindings; i++)
		ids[i] = bd_inspect_finding_name(r->findings[i].id);
	if (o->nfacts < ACTION_MAX_FACTS) {
		o->facts[o->nfacts].name = "inspect.findings";
		memset(&o->facts[o->nfacts].value, 0, sizeof o->facts[0].value);
		fv_set_list(&o->facts[o->nfacts++].value, ids, r->nfindings);
	}
	snprintf(o->detail, sizeof o->detail, "%zu module(s); %s", t->n, top->message);
	o->result = "ok";
out:
	free(t);
	free(r);
}

static void run_mac(struct action_env *env, struct bd_op *op, struct action_outcome *o)
{
	struct bd_mac m;
	struct bd_error e = {0};
	if (bd_transports_mac(env->t, &env->dev, &m, op, &e) < 0) {
		outcome_error(o, &e);
		return;
	}
	add_str(o, "probe.mac", m.mac);
	snprintf(o->detail, sizeof o->detail, "MAC address %s", m.mac);
	o->result = "ok";
}

static void run_mode(struct action_env *env, enum bd_mode mode, struct bd_op *op,
		     struct action_outcome *o)
{
	struct bd_error e = {0};
	int rc = mode == BD_MODE_UNKNOWN ? bd_transports_reset(env->t, &env->dev, op, &e)
					 : bd_transports_enter_mode(env->t, &env->dev, mode, op, &e);
	if (rc < 0) {
		outcome_error(o, &e);
		return;
	}
	add_str(o, "probe.mode", bd_mode_name(mode == BD_MODE_UNKNOWN ? BD_MODE_NORMAL : env->dev.mode));
	snprintf(o->detail, sizeof o->detail, "device is in %s mode",
		 bd_mode_name(mode == BD_MODE_UNKNOWN ? BD_MODE_NORMAL : env->dev.mode));
	o->result = "ok";
}

/* "flash": the same pipeline as `blinkdoc flash --yes` (the person chose
 * the file and confirmed at the action node); a backup first when the
 * session has a backup path. */
static void run_flash(struct action_env *env, struct bd_op *op, struct action_outcome *o)
{
	struct bd_error e = {0};
	if (!env->flash_file) {
		snprintf(o->detail, sizeof o->detail, "no firmware file was chosen to flash");
		o->code = BD_E_INVALID;
		o->result = "unavailable";
		return;
	}
	struct flash_plan *p = NULL;
	if (flash_plan_new(env->t, kb_platforms(env->kb), &env->dev, env->flash_file, &p, op, &e) <
	    0) {
		outcome_error(o, &e);
		o->result = "failed";
		add_bool(o, "probe.flashed", false);
		return;
	}
	for (size_t i = 0; i < p->report.nwarn; i++)
		bd_op_logf(op, "warning: %s", p->report.warn[i]);
	struct flash_opts fo = {.dry_run = false,
				.backup_path = p->user_part ? env->backup_path : NULL};
	if (flash_run(env->t, p, &fo, op, &e) < 0) {
		outcome_error(o, &e);
		add_bool(o, "probe.flashed", false);
	} else {
		add_bool(o, "probe.flashed", true);
		if (fo.backup_path)
			add_str(o, "probe.backup_file", fo.backup_path);
		snprintf(o->detail, sizeof o->detail,
			 "flashed and verified %zu bytes at 0x%08x; the device is back in %s mode",
			 p->len, (unsigned)p->addr, bd_mode_name(p->dev.mode));
		o->result = "ok";
	}
	env->dev = p->dev;
	flash_plan_free(p);
}

/* "backup": the app into env->backup_path, then the device restarted if
 * it was not in DFU mode before. */
static void run_backup(struct action_env *env, struct bd_op *op, struct action_outcome *o)
{
	struct bd_error e = {0};
	if (!env->backup_path) {
		snprintf(o->detail, sizeof o->detail, "no file was chosen for the backup");
		o->code = BD_E_INVALID;
		o->result = "unavailable";
		return;
	}
	bool was_dfu = env->dev.mode == BD_MODE_DFU;
	struct flash_backup b;
	if (flash_backup_read(env->t, kb_platforms(env->kb), &env->dev, &b, op, &e) < 0 ||
	    flash_backup_save(&b, env->backup_path, &e) < 0) {
		flash_backup_free(&b); /* zeroed by flash_backup_read even on failure */
		outcome_error(o, &e);
	} else {
		add_str(o, "probe.backup_file", env->backup_path);
		snprintf(o->detail, sizeof o->detail, "saved %s", b.note);
		flash_backup_free(&b);
		o->result = "ok";
	}
	if (!was_dfu && env->dev.mode == BD_MODE_DFU) {
		struct bd_error re = {0};
		if (bd_transports_reset(env->t, &env->dev, op, &re) < 0)
			bd_op_logf(op, "the device stays in DFU mode: %s", re.msg);
	}
}

void actions_run(struct action_env *env, const char *action, struct action_outcome *o)
{
	memset(o, 0, sizeof *o);
	o->result = "unavailable";
	if (!env->t) {
		snprintf(o->detail, sizeof o->detail, "no transports: blinkdoc cannot reach devices here");
		o->code = BD_E_UNAVAILABLE;
		return;
	}
	struct bd_op op = {bd_deadline_in(actions_deadline_ms(action)), action_log, action_progress,
			   env, env->cancel};
	if (!strcmp(action, "list-devices")) {
		run_list(env, o);
		return;
	}
	if (!ensure_device(env, o))
		return;
	if (!strcmp(action, "identify"))
		run_identify(env, &op, o);
	else if (!strcmp(action, "inspect"))
		run_inspect(env, &op, o);
	else if (!strcmp(action, "mac"))
		run_mac(env, &op, o);
	else if (!strcmp(action, "enter-dfu"))
		run_mode(env, BD_MODE_DFU, &op, o);
	else if (!strcmp(action, "enter-listening"))
		run_mode(env, BD_MODE_LISTENING, &op, o);
	else if (!strcmp(action, "enter-safe-mode"))
		run_mode(env, BD_MODE_SAFE, &op, o);
	else if (!strcmp(action, "exit-listening"))
		run_mode(env, BD_MODE_NORMAL, &op, o);
	else if (!strcmp(action, "reset"))
		run_mode(env, BD_MODE_UNKNOWN, &op, o);
	else if (!strcmp(action, "flash"))
		run_flash(env, &op, o);
	else if (!strcmp(action, "backup"))
		run_backup(env, &op, o);
	else
		snprintf(o->detail, sizeof o->detail, "blinkdoc cannot do \"%s\" by itself yet", action);
}

int actions_run_current(struct action_env *env, struct session *s, struct bd_error *err)
{
	const struct kb_node *n = session_current(s);
	if (session_state(s) != SESSION_WAITING || !n || n->type != KB_ACTION)
		return bd_error_set(err, BD_E_STATE, "no action is waiting");
	struct session *saved = env->s;
	env->s = s;
	struct action_outcome o;
	actions_run(env, n->action, &o);
	env->s = saved;
	int rc = session_action_result(s, o.result, o.facts, o.nfacts, o.detail, err);
	action_outcome_free(&o);
	return rc;
}
