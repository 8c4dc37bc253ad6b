/* session.c - the tree walk.  All state is derived from the inputs (device,
 * base facts, ordered answers) by walk(); every API call changes an input and
 * walks again. */
#define _POSIX_C_SOURCE 200809L
#include "session.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "text.h"

/* A walk longer than this went round in circles. */
#define SESSION_MAX_STEPS 4000
/* Procedures inline procedures at most this deep. */
#define SESSION_MAX_PROC_DEPTH 8

struct answer {
	char *node, *value, *detail;
	char time[32];
	enum session_how how;
	struct session_fact_set *facts;
	size_t nfacts;
	bool used; /* consumed by the latest walk */
};

struct session {
	const struct kb *kb;
	const struct kb_device *device;
	struct fact_store base;   /* device facts + facts set by the front-end */
	bool *is_base;            /* per fact id: set in base by the front-end */
	struct fact_store facts;  /* after the walk */
	const struct kb_node **setter; /* per fact id: node that set it in this walk */

	struct answer *ans;
	size_t nans, capans;

	struct session_step *path;
	size_t npath, cappath;
	const struct kb_node **prev;  /* previous walk's path, to log newly entered nodes */
	size_t nprev;

	char *root;
	bool started;
	enum session_state state;
	const struct kb_node *current;
	char stuck[512];

	bool auto_continue;
	char *unavailable_reason;

	struct session_event *ev;
	size_t nev, capev;
};

const char *session_state_name(enum session_state st)
{
	switch (st) {
	case SESSION_WAITING: return "waiting";
	case SESSION_DONE: return "done";
	case SESSION_STUCK: return "stuck";
	}
	return "unknown";
}

static const char *const how_names[] = {"none", "user", "preset", "fact", "only-option", "action", "auto"};

const char *session_how_name(enum session_how how)
{
	return (size_t)how < sizeof how_names / sizeof how_names[0] ? how_names[how] : "none";
}

static const char *const event_names[] = {"start", "fact", "enter", "answer", "action",
					  "back", "change", "conclusion", "note"};

const char *session_event_kind_name(enum session_event_kind k)
{
	return (size_t)k < sizeof event_names / sizeof event_names[0] ? event_names[k] : "note";
}

int session_event_kind_parse(const char *name)
{
	for (size_t i = 0; name && i < sizeof event_names / sizeof event_names[0]; i++)
		if (!strcmp(name, event_names[i]))
			return (int)i;
	return -1;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void add_event(struct session *s, enum session_event_kind kind, const char *node,
		      const char *value, const char *detail)
{
	if (s->nev == s->capev) {
		size_t cap = s->capev ? s->capev * 2 : 64;
		struct session_event *nv = realloc(s->ev, cap * sizeof *nv);
		if (!nv)
			return;
		s->ev = nv;
		s->capev = cap;
	}
	struct session_event *e = &s->ev[s->nev++];
	bd_wallclock_iso(e->time, sizeof e->time);
	e->kind = kind;
	e->node = dup_or_null(node);
	e->value = dup_or_null(value);
	e->detail = dup_or_null(detail);
}

struct session *session_new(const struct kb *kb)
{
	struct session *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->kb = kb;
	size_t nf = kb_fact_count(kb);
	if (fact_store_init(&s->base, nf) < 0 || fact_store_init(&s->facts, nf) < 0 ||
	    !(s->is_base = calloc(nf + 1, sizeof *s->is_base)) ||
	    !(s->setter = calloc(nf + 1, sizeof *s->setter))) {
		session_free(s);
		return NULL;
	}
	s->state = SESSION_STUCK;
	snprintf(s->stuck, sizeof s->stuck, "the walk has not started");
	return s;
}

static void answer_free(struct answer *a)
{
	free(a->node);
	free(a->value);
	free(a->detail);
	for (size_t i = 0; i < a->nfacts; i++) {
		free((char *)a->facts[i].name);
		fv_free(&a->facts[i].value);
	}
	free(a->facts);
}

void session_free(struct session *s)
{
	if (!s)
		return;
	fact_store_free(&s->base);
	fact_store_free(&s->facts);
	free(s->is_base);
	free(s->setter);
	for (size_t i = 0; i < s->nans; i++)
		answer_free(&s->ans[i]);
	free(s->ans);
	free(s->path);
	free(s->prev);
	free(s->root);
	free(s->unavailable_reason);
	for (size_t i = 0; i < s->nev; i++) {
		free(s->ev[i].node);
		free(s->ev[i].value);
		free(s->ev[i].detail);
	}
	free(s->ev);
	free(s);
}

const struct kb *session_kb(const struct session *s) { return s->kb; }
void session_set_auto_continue(struct session *s, bool on) { s->auto_continue = on; }

void session_set_actions_unavailable(struct session *s, const char *reason)
{
	free(s->unavailable_reason);
	s->unavailable_reason = dup_or_null(reason);
}

static const struct fact_value *get_fact(void *ctx, int id)
{
	return fact_store_get(&((const struct session *)ctx)->facts, id);
}

static const struct fact_value *lookup_name(void *ctx, const char *name, size_t len)
{
	const struct session *s = ctx;
	char buf[128];
	if (len >= sizeof buf)
		return NULL;
	memcpy(buf, name, len);
	buf[len] = '\0';
	return fact_store_get(&s->facts, kb_fact_id(s->kb, buf));
}

void session_render(const struct session *s, const struct kb_text *t, struct strbuf *sb)
{
	const char *pick = kb_text_pick(t, get_fact, (void *)s);
	if (pick)
		text_render(sb, pick, lookup_name, (void *)s);
}

static void render_steps_depth(const struct session *s, const struct kb_steps *st,
			       void (*cb)(void *, const char *), void *ctx, int depth);

static void render_instruction_depth(const struct session *s, const struct kb_node *n,
				     void (*cb)(void *, const char *), void *ctx, int depth)
{
	if (depth > SESSION_MAX_PROC_DEPTH)
		return;
	if (n->proc)
		render_instruction_depth(s, n->proc, cb, ctx, depth + 1);
	render_steps_depth(s, &n->steps, cb, ctx, depth);
}

/* A step that is nothing but a list placeholder ("{sos.fix}") becomes one
 * step per item rather than one step full of bullets. */
static bool render_list_step(const struct session *s, const char *tmpl,
			     void (*cb)(void *, const char *), void *ctx)
{
	size_t n = strlen(tmpl);
	if (n < 3 || tmpl[0] != '{' || tmpl[n - 1] != '}' || strchr(tmpl + 1, '{'))
		return false;
	const struct fact_value *v = lookup_name((void *)s, tmpl + 1, n - 2);
	if (!v || v->type != FV_LIST)
		return false;
	for (size_t i = 0; i < v->nlist; i++)
		cb(ctx, v->list[i]);
	return true;
}

static void render_steps_depth(const struct session *s, const struct kb_steps *st,
			       void (*cb)(void *, const char *), void *ctx, int depth)
{
	for (size_t i = 0; i < st->n; i++) {
		const struct kb_step *step = &st->v[i];
		if (step->when && expr_eval(step->when, get_fact, (void *)s) != TRI_TRUE)
			continue;
		if (step->kind == KB_STEP_PROCEDURE) {
			if (step->proc)
				render_instruction_depth(s, step->proc, cb, ctx, depth + 1);
			continue;
		}
		const char *tmpl = kb_text_pick(&step->text, get_fact, (void *)s);
		if (!tmpl || render_list_step(s, tmpl, cb, ctx))
			continue;
		struct strbuf sb = STRBUF_INIT;
		text_render(&sb, tmpl, lookup_name, (void *)s);
		if (sb.len)
			cb(ctx, strbuf_str(&sb));
		strbuf_free(&sb);
	}
}

void session_render_steps(const struct session *s, const struct kb_steps *st,
			  void (*cb)(void *ctx, const char *step), void *ctx)
{
	render_steps_depth(s, st, cb, ctx, 0);
}

void session_render_instruction(const struct session *s, const struct kb_node *n,
				void (*cb)(void *ctx, const char *step), void *ctx)
{
	render_instruction_depth(s, n, cb, ctx, 0);
}

/* Collects rendered steps into a list fact value. */
struct step_list {
	char **v;
	size_t n, cap;
};

static void step_list_add(void *ctx, const char *step)
{
	struct step_list *l = ctx;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		char **nv = realloc(l->v, cap * sizeof *nv);
		if (!nv)
			return;
		l->v = nv;
		l->cap = cap;
	}
	l->v[l->n] = strdup(step);
	if (l->v[l->n])
		l->n++;
}

static void set_walk_fact(struct session *s, const char *name, const struct fact_value *v,
			  const struct kb_node *by)
{
	int id = kb_fact_id(s->kb, name);
	if (id < 0)
		return;
	fact_store_set(&s->facts, id, v);
	s->setter[id] = by;
}

/* When the walk (or the base facts) identify an SOS code, fill sos.*. */
static void set_sos_facts(struct session *s, const struct kb_sos *code, const struct kb_node *by)
{
	struct fact_value v = {0};
	fv_set_number(&v, code->code);
	set_walk_fact(s, "sos.code", &v, by);
	fv_set_string(&v, code->name);
	set_walk_fact(s, "sos.name", &v, by);
	struct strbuf sb = STRBUF_INIT;
	session_render(s, &code->meaning, &sb);
	fv_set_string(&v, strbuf_str(&sb));
	set_walk_fact(s, "sos.meaning", &v, by);
	strbuf_free(&sb);
	static const char *const names[] = {"sos.causes", "sos.fix"};
	const struct kb_steps *lists[] = {&code->causes, &code->fix};
	for (size_t k = 0; k < 2; k++) {
		struct step_list l = {0};
		session_render_steps(s, lists[k], step_list_add, &l);
		fv_set_list(&v, (const char *const *)l.v, l.n);
		set_walk_fact(s, names[k], &v, by);
		for (size_t i = 0; i < l.n; i++)
			free(l.v[i]);
		free(l.v);
	}
	fv_free(&v);
}

static void set_led_status(struct session *s, const struct kb_led *led, const struct kb_node *by)
{
	struct fact_value v = {0};
	fv_set_string(&v, led->id);
	set_walk_fact(s, "led.status", &v, by);
	fv_free(&v);
	if (led->sos_code > 0) {
		const struct kb_sos *code = kb_sos_find(s->kb, led->sos_code);
		if (code)
			set_sos_facts(s, code, by);
	}
}

static bool path_push(struct session *s, const struct kb_node *n)
{
	if (s->npath == s->cappath) {
		size_t cap = s->cappath ? s->cappath * 2 : 32;
		struct session_step *np = realloc(s->path, cap * sizeof *np);
		if (!np)
			return false;
		s->path = np;
		s->cappath = cap;
	}
	s->path[s->npath].node = n;
	s->path[s->npath].value[0] = '\0';
	s->path[s->npath].how = HOW_NONE;
	s->npath++;
	return true;
}

/* The first unused answer for node id. */
static struct answer *take_answer(struct session *s, const char *id)
{
	for (size_t i = 0; i < s->nans; i++)
		if (!s->ans[i].used && !strcmp(s->ans[i].node, id)) {
			s->ans[i].used = true;
			return &s->ans[i];
		}
	return NULL;
}

static const struct kb_option *find_option(const struct kb_node *n, const char *value)
{
	for (size_t i = 0; i < n->nopts; i++)
		if (!strcmp(n->opts[i].value, value))
			return &n->opts[i];
	return NULL;
}

size_t session_visible_options(const struct session *s, const struct kb_node *n,
			       const struct kb_option **out, size_t max)
{
	size_t k = 0;
	for (size_t i = 0; i < n->nopts; i++) {
		if (n->opts[i].when && expr_eval(n->opts[i].when, get_fact, (void *)s) != TRI_TRUE)
			continue;
		if (k < max && out)
			out[k] = &n->opts[i];
		k++;
	}
	return k;
}

static void stuck(struct session *s, const struct kb_node *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void stuck(struct session *s, const struct kb_node *n, const char *fmt, ...)
{
	va_list ap;
	s->state = SESSION_STUCK;
	s->current = n;
	va_start(ap, fmt);
	vsnprintf(s->stuck, sizeof s->stuck, fmt, ap);
	va_end(ap);
}

const struct kb_node *session_next_of(const struct session *s, const struct kb_next *nx)
{
	for (size_t i = 0; i < nx->n; i++) {
		enum tri t = nx->e[i].when ? expr_eval(nx->e[i].when, get_fact, (void *)s) : TRI_TRUE;
		if (t == TRI_UNKNOWN)
			return NULL;
		if (t == TRI_TRUE)
			return nx->e[i].target;
	}
	return NULL;
}

/* Follows a (possibly conditional) next; NULL means stuck (reason set). */
static const struct kb_node *follow(struct session *s, const struct kb_node *n,
				    const struct kb_next *nx)
{
	for (size_t i = 0; i < nx->n; i++) {
		enum tri t = nx->e[i].when ? expr_eval(nx->e[i].when, get_fact, s) : TRI_TRUE;
		if (t == TRI_UNKNOWN) {
			int id = expr_first_unknown(nx->e[i].when, get_fact, s);
			const struct kb_fact *f = kb_fact_at(s->kb, id);
			stuck(s, n, "the next step depends on \"%s\", which nobody has told blinkdoc yet",
			      f ? f->name : "a fact");
			return NULL;
		}
		if (t == TRI_TRUE) {
			if (!nx->e[i].target)
				stuck(s, n, "the tree points to a missing node \"%s\"", nx->e[i].target_id);
			return nx->e[i].target;
		}
	}
	stuck(s, n, "node \"%s\" has no way forward here", n->id);
	return NULL;
}

static int value_to_fact(const struct kb_node *n, const char *value, struct fact_value *v)
{
	if (n->has_input)
		return fv_parse(v, FV_NUMBER, value);
	return fv_set_string(v, value);
}

/* The value of a node's fact as an answer string. */
static bool fact_as_answer(const struct session *s, const struct kb_node *n, char *buf, size_t size)
{
	if (n->fact_id < 0)
		return false;
	const struct fact_value *v = fact_store_get(&s->facts, n->fact_id);
	if (!v || s->setter[n->fact_id] == n)
		return false;
	fv_format(v, buf, size);
	return true;
}

static void walk(struct session *s)
{
	fact_store_free(&s->facts);
	fact_store_copy(&s->facts, &s->base);
	memset(s->setter, 0, kb_fact_count(s->kb) * sizeof *s->setter);
	for (size_t i = 0; i < s->nans; i++)
		s->ans[i].used = false;
	s->npath = 0;
	s->current = NULL;
	s->stuck[0] = '\0';
	const struct kb_node *n = kb_node_find(s->kb, s->root ? s->root : "start");
	if (!n) {
		stuck(s, NULL, "the tree has no root node \"%s\"", s->root ? s->root : "start");
		return;
	}
	for (int steps = 0; steps < SESSION_MAX_STEPS; steps++) {
		if (!path_push(s, n)) {
			stuck(s, n, "out of memory");
			return;
		}
		struct session_step *st = &s->path[s->npath - 1];
		if (n->led) {
			struct strbuf sb = STRBUF_INIT;
			text_render(&sb, n->led, lookup_name, s);
			const struct kb_led *led = kb_led_find(s->kb, strbuf_str(&sb));
			strbuf_free(&sb);
			if (led)
				set_led_status(s, led, n);
		}
		const char *value = NULL;
		char buf[128];
		enum session_how how = HOW_NONE;
		const struct kb_next *nx = &n->next;
		struct answer *a = NULL;
		switch (n->type) {
		case KB_QUESTION:
		case KB_CHECK: {
			if ((a = take_answer(s, n->id))) {
				value = a->value;
				how = a->how;
			} else if (fact_as_answer(s, n, buf, sizeof buf)) {
				value = buf;
				how = HOW_FACT;
			} else {
				const struct kb_option *only[2];
				if (!n->has_input && session_visible_options(s, n, only, 2) == 1) {
					value = only[0]->value;
					how = HOW_ONLY_OPTION;
				}
			}
			if (!value) {
				s->state = SESSION_WAITING;
				s->current = n;
				return;
			}
			if (!n->has_input) {
				const struct kb_option *o = find_option(n, value);
				if (!o && how == HOW_FACT) {
					/* A known fact this question has no option for (say the
					 * colour changed): ask instead. */
					s->state = SESSION_WAITING;
					s->current = n;
					return;
				}
				if (!o) {
					stuck(s, n, "no option of this question matches \"%s\"", value);
					return;
				}
				nx = &o->next;
			} else {
				struct fact_value tmp = {0};
				if (fv_parse(&tmp, FV_NUMBER, value) < 0 || tmp.num < n->in_min ||
				    tmp.num > n->in_max) {
					fv_free(&tmp);
					stuck(s, n, "the number \"%s\" is outside what this question accepts",
					      value);
					return;
				}
				fv_free(&tmp);
			}
			if (n->fact_id >= 0) {
				struct fact_value v = {0};
				if (value_to_fact(n, value, &v) == 0)
					set_walk_fact(s, n->fact, &v, n);
				fv_free(&v);
			}
			break;
		}
		case KB_INSTRUCTION:
			if ((a = take_answer(s, n->id))) {
				value = a->value;
				how = a->how;
			} else if (s->auto_continue) {
				value = "done";
				how = HOW_AUTO;
			} else {
				s->state = SESSION_WAITING;
				s->current = n;
				return;
			}
			break;
		case KB_ACTION: {
			if ((a = take_answer(s, n->id))) {
				value = a->value;
				how = a->how;
				for (size_t i = 0; i < a->nfacts; i++)
					set_walk_fact(s, a->facts[i].name, &a->facts[i].value, n);
			} else if (s->unavailable_reason) {
				value = "unavailable";
				how = HOW_AUTO;
			} else {
				s->state = SESSION_WAITING;
				s->current = n;
				return;
			}
			const struct kb_option *o = find_option(n, value);
			if (!o) {
				stuck(s, n, "this action has no \"%s\" result", value);
				return;
			}
			nx = &o->next;
			break;
		}
		case KB_CONCLUSION:
			s->state = SESSION_DONE;
			s->current = n;
			return;
		}
		size_t vlen = strlen(value);
		if (vlen >= sizeof st->value)
			vlen = sizeof st->value - 1;
		memcpy(st->value, value, vlen);
		st->value[vlen] = '\0';
		st->how = how;
		const struct kb_node *next = follow(s, n, nx);
		if (!next)
			return;
		n = next;
	}
	stuck(s, n, "the walk went round in circles at \"%s\"", n ? n->id : "?");
}

/* Logs the nodes and answers the new walk added beyond what the previous
 * walk had, then remembers this path. */
static void log_walk(struct session *s)
{
	size_t common = 0;
	while (common < s->npath && common < s->nprev && s->path[common].node == s->prev[common])
		common++;
	/* A node whose answer changed is re-logged from its answer on. */
	for (size_t i = common; i < s->npath; i++) {
		const struct session_step *st = &s->path[i];
		add_event(s, EV_ENTER, st->node->id, NULL, NULL);
		if (st->how != HOW_NONE && st->how != HOW_USER && st->how != HOW_ACTION)
			add_event(s, EV_ANSWER, st->node->id, st->value, session_how_name(st->how));
	}
	if (s->state == SESSION_DONE && (common < s->npath || s->nprev != s->npath))
		add_event(s, EV_CONCLUSION, s->current->id, kb_outcome_name(s->current->outcome), NULL);
	const struct kb_node **np = realloc(s->prev, (s->npath + 1) * sizeof *np);
	if (!np)
		return;
	s->prev = np;
	for (size_t i = 0; i < s->npath; i++)
		s->prev[i] = s->path[i].node;
	s->nprev = s->npath;
}

static void rewalk(struct session *s)
{
	if (!s->started)
		return;
	walk(s);
	log_walk(s);
}

int session_rewalk(struct session *s)
{
	s->started = true;
	rewalk(s);
	return 0;
}

/* Drops answers the latest walk did not use (abandoned branches). */
static void prune(struct session *s)
{
	size_t k = 0;
	for (size_t i = 0; i < s->nans; i++) {
		if (s->ans[i].used)
			s->ans[k++] = s->ans[i];
		else
			answer_free(&s->ans[i]);
	}
	s->nans = k;
}

void session_prune(struct session *s)
{
	prune(s);
}

int session_set_device(struct session *s, const struct kb_device *dev, struct bd_error *err)
{
	if (!dev)
		return bd_error_set(err, BD_E_INVALID, "no device given");
	s->device = dev;
	for (size_t i = 0; i < kb_fact_count(s->kb); i++) {
		const struct kb_fact *f = kb_fact_at(s->kb, (int)i);
		if (f->source != KB_SRC_DEVICE)
			continue;
		const struct fact_value *v = fact_store_get(&dev->facts, (int)i);
		if (v)
			fact_store_set(&s->base, (int)i, v);
		else
			fact_store_clear(&s->base, (int)i);
	}
	add_event(s, EV_FACT, NULL, dev->id, "device");
	rewalk(s);
	return 0;
}

const struct kb_device *session_device(const struct session *s) { return s->device; }

int session_set_fact(struct session *s, const char *name, const struct fact_value *v,
		     struct bd_error *err)
{
	int id = kb_fact_id(s->kb, name);
	if (id < 0)
		return bd_error_set(err, BD_E_INVALID, "unknown fact \"%s\"", name);
	const struct kb_fact *f = kb_fact_at(s->kb, id);
	if (f->source == KB_SRC_DEVICE)
		return bd_error_set(err, BD_E_INVALID, "fact \"%s\" comes from the device type", name);
	if (v && v->type != f->type)
		return bd_error_set(err, BD_E_INVALID, "fact \"%s\" is a %s, not a %s", name,
				    fv_type_name(f->type), fv_type_name(v->type));
	if (v && v->type == FV_STRING && !kb_fact_value_ok(s->kb, id, v->str))
		return bd_error_set(err, BD_E_INVALID, "\"%s\" is not a possible value of %s", v->str,
				    name);
	char val[256] = "";
	if (v) {
		fact_store_set(&s->base, id, v);
		s->is_base[id] = true;
		fv_format(v, val, sizeof val);
	} else {
		fact_store_clear(&s->base, id);
		s->is_base[id] = false;
	}
	add_event(s, EV_FACT, name, v ? val : NULL, v ? NULL : "cleared");
	rewalk(s);
	return 0;
}

int session_set_fact_text(struct session *s, const char *name, const char *text,
			  struct bd_error *err)
{
	int id = kb_fact_id(s->kb, name);
	if (id < 0)
		return bd_error_set(err, BD_E_INVALID, "unknown fact \"%s\"", name);
	struct fact_value v = {0};
	if (fv_parse(&v, kb_fact_at(s->kb, id)->type, text) < 0)
		return bd_error_set(err, BD_E_INVALID, "\"%s\" is not a valid %s for %s", text,
				    fv_type_name(kb_fact_at(s->kb, id)->type), name);
	int rc = session_set_fact(s, name, &v, err);
	fv_free(&v);
	return rc;
}

int session_start(struct session *s, const char *root_id, struct bd_error *err)
{
	const char *root = root_id ? root_id : "start";
	if (!kb_node_find(s->kb, root))
		return bd_error_set(err, BD_E_NOT_FOUND, "the tree has no node \"%s\"", root);
	free(s->root);
	s->root = strdup(root);
	s->started = true;
	add_event(s, EV_START, root, s->device ? s->device->id : NULL, NULL);
	rewalk(s);
	return 0;
}

const char *session_root(const struct session *s) { return s->root ? s->root : "start"; }
enum session_state session_state(const struct session *s) { return s->state; }
const struct kb_node *session_current(const struct session *s) { return s->current; }
const char *session_stuck_reason(const struct session *s) { return s->stuck; }
size_t session_path_len(const struct session *s) { return s->npath; }

const struct session_step *session_path_at(const struct session *s, size_t i)
{
	return i < s->npath ? &s->path[i] : NULL;
}

int session_validate_answer(const struct session *s, const struct kb_node *n, const char *value,
			    struct bd_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	int rc = 0;
	switch (n->type) {
	case KB_QUESTION:
	case KB_CHECK:
		if (n->has_input) {
			struct fact_value v = {0};
			if (fv_parse(&v, FV_NUMBER, value) < 0 || v.num < n->in_min || v.num > n->in_max ||
			    v.num != floor(v.num))
				rc = bd_error_set(err, BD_E_INVALID,
						  "\"%s\" asks for a whole number from %g to %g, not \"%s\"",
						  n->id, n->in_min, n->in_max, value);
			fv_free(&v);
			break;
		}
		if (!find_option(n, value)) {
			const struct kb_option *vis[64];
			size_t k = session_visible_options(s, n, vis, 64);
			for (size_t i = 0; i < k && i < 64; i++)
				strbuf_printf(&sb, "%s%s", i ? ", " : "", vis[i]->value);
			rc = bd_error_set(err, BD_E_INVALID, "\"%s\" is not an answer to \"%s\"; valid: %s",
					  value, n->id, strbuf_str(&sb));
		} else if (find_option(n, value)->when &&
			   expr_eval(find_option(n, value)->when, get_fact, (void *)s) == TRI_FALSE) {
			rc = bd_error_set(err, BD_E_INVALID,
					  "answer \"%s\" of \"%s\" does not apply to %s", value, n->id,
					  s->device ? s->device->name : "this device");
		}
		break;
	case KB_INSTRUCTION:
		if (strcmp(value, "done") != 0)
			rc = bd_error_set(err, BD_E_INVALID,
					  "\"%s\" is an instruction; its only answer is \"done\"", n->id);
		break;
	case KB_ACTION:
		if (strcmp(value, "ok") && strcmp(value, "failed") && strcmp(value, "unavailable"))
			rc = bd_error_set(err, BD_E_INVALID,
					  "\"%s\" is an action; its results are ok, failed, unavailable",
					  n->id);
		break;
	case KB_CONCLUSION:
		rc = bd_error_set(err, BD_E_INVALID, "\"%s\" is a conclusion; it takes no answer", n->id);
		break;
	}
	strbuf_free(&sb);
	return rc;
}

static int push_answer(struct session *s, const char *node, const char *value, enum session_how how,
		       const char *time, const char *detail, const struct session_fact_set *facts,
		       size_t nfacts)
{
	if (s->nans == s->capans) {
		size_t cap = s->capans ? s->capans * 2 : 16;
		struct answer *na = realloc(s->ans, cap * sizeof *na);
		if (!na)
			return BD_E_NOMEM;
		s->ans = na;
		s->capans = cap;
	}
	struct answer *a = &s->ans[s->nans];
	memset(a, 0, sizeof *a);
	a->node = strdup(node);
	a->value = strdup(value);
	a->detail = dup_or_null(detail);
	a->how = how;
	if (time)
		snprintf(a->time, sizeof a->time, "%s", time);
	else
		bd_wallclock_iso(a->time, sizeof a->time);
	if (nfacts) {
		a->facts = calloc(nfacts, sizeof *a->facts);
		for (size_t i = 0; a->facts && i < nfacts; i++) {
			a->facts[i].name = strdup(facts[i].name);
			fv_copy(&a->facts[i].value, &facts[i].value);
			a->nfacts++;
		}
	}
	if (!a->node || !a->value) {
		answer_free(a);
		return BD_E_NOMEM;
	}
	s->nans++;
	return 0;
}

int session_push_answer(struct session *s, const char *node, const char *value,
			enum session_how how, const char *time, const char *detail,
			const struct session_fact_set *facts, size_t nfacts)
{
	return push_answer(s, node, value, how, time, detail, facts, nfacts);
}

int session_answer(struct session *s, const char *value, struct bd_error *err)
{
	if (s->state != SESSION_WAITING || !s->current)
		return bd_error_set(err, BD_E_STATE, "nothing is waiting for an answer");
	int rc = session_validate_answer(s, s->current, value, err);
	if (rc < 0)
		return rc;
	if ((rc = push_answer(s, s->current->id, value, HOW_USER, NULL, NULL, NULL, 0)) < 0)
		return bd_error_set(err, rc, "out of memory");
	add_event(s, EV_ANSWER, s->current->id, value, "user");
	rewalk(s);
	prune(s);
	return 0;
}

int session_action_result(struct session *s, const char *result,
			  const struct session_fact_set *facts, size_t nfacts, const char *detail,
			  struct bd_error *err)
{
	if (s->state != SESSION_WAITING || !s->current || s->current->type != KB_ACTION)
		return bd_error_set(err, BD_E_STATE, "no action is waiting for a result");
	int rc = session_validate_answer(s, s->current, result, err);
	if (rc < 0)
		return rc;
	if ((rc = push_answer(s, s->current->id, result, HOW_ACTION, NULL, detail, facts, nfacts)) < 0)
		return bd_error_set(err, rc, "out of memory");
	add_event(s, EV_ACTION, s->current->id, result, detail);
	rewalk(s);
	prune(s);
	return 0;
}

int session_set_answer(struct session *s, const char *node_id, const char *value,
		       enum session_how how, bool prune_unused, struct bd_error *err)
{
	const struct kb_node *n = kb_node_find(s->kb, node_id);
	if (!n) {
		const char *sug = kb_node_suggest(s->kb, node_id);
		bd_error_set(err, BD_E_NOT_FOUND, "no node \"%s\" in the tree", node_id);
		if (sug)
			bd_error_hint(err, "did you mean \"%s\"?", sug);
		return BD_E_NOT_FOUND;
	}
	int rc = session_validate_answer(s, n, value, err);
	if (rc < 0)
		return rc;
	/* A node answered from a base fact: change the fact itself. */
	if (n->fact_id >= 0 && s->is_base[n->fact_id]) {
		struct fact_value v = {0};
		value_to_fact(n, value, &v);
		rc = session_set_fact(s, n->fact, &v, err);
		fv_free(&v);
		if (prune_unused)
			prune(s);
		return rc;
	}
	/* Replace an existing answer for this node (the first one), or add one. */
	for (size_t i = 0; i < s->nans; i++)
		if (!strcmp(s->ans[i].node, node_id)) {
			char *nv = strdup(value);
			if (!nv)
				return bd_error_set(err, BD_E_NOMEM, "out of memory");
			free(s->ans[i].value);
			s->ans[i].value = nv;
			s->ans[i].how = how;
			add_event(s, EV_CHANGE, node_id, value, session_how_name(how));
			rewalk(s);
			if (prune_unused)
				prune(s);
			return 0;
		}
	if ((rc = push_answer(s, node_id, value, how, NULL, NULL, NULL, 0)) < 0)
		return bd_error_set(err, rc, "out of memory");
	add_event(s, how == HOW_PRESET ? EV_ANSWER : EV_CHANGE, node_id, value, session_how_name(how));
	rewalk(s);
	if (prune_unused)
		prune(s);
	return 0;
}

int session_back(struct session *s)
{
	if (!s->nans)
		return BD_E_STATE;
	struct answer *last = &s->ans[s->nans - 1];
	add_event(s, EV_BACK, last->node, last->value, NULL);
	answer_free(last);
	s->nans--;
	rewalk(s);
	prune(s);
	return 0;
}

size_t session_unused_answers(const struct session *s, const char **node_ids, size_t max)
{
	size_t k = 0;
	for (size_t i = 0; i < s->nans; i++)
		if (!s->ans[i].used) {
			if (k < max)
				node_ids[k] = s->ans[i].node;
			k++;
		}
	return k;
}

const struct fact_value *session_fact(const struct session *s, const char *name)
{
	return fact_store_get(&s->facts, kb_fact_id(s->kb, name));
}

const struct fact_value *session_fact_by_id(const struct session *s, int id)
{
	return fact_store_get(&s->facts, id);
}

bool session_fact_is_base(const struct session *s, int id)
{
	return id >= 0 && (size_t)id < kb_fact_count(s->kb) && s->is_base[id];
}

const struct kb_led *session_led_status(const struct session *s)
{
	const struct fact_value *v = session_fact(s, "led.status");
	return v && v->type == FV_STRING ? kb_led_find(s->kb, v->str) : NULL;
}

static const char *session_fact_str(const struct session *s, const char *name)
{
	const struct fact_value *v = session_fact(s, name);
	return v && v->type == FV_STRING ? v->str : NULL;
}

bool session_led_report(const struct session *s, struct led_report *out)
{
	const struct fact_value *n = session_fact(s, "led.count");
	*out = (struct led_report){session_fact_str(s, "led.color"),
				   session_fact_str(s, "led.pattern"),
				   n && n->type == FV_NUMBER ? (int)n->num : -1,
				   session_fact_str(s, "led.color2")};
	return out->color != NULL;
}

size_t session_event_count(const struct session *s) { return s->nev; }
const struct session_event *session_event_at(const struct session *s, size_t i)
{
	return i < s->nev ? &s->ev[i] : NULL;
}

void session_note(struct session *s, const char *node, const char *detail)
{
	add_event(s, EV_NOTE, node, NULL, detail);
}

int session_push_event(struct session *s, const struct session_event *ev)
{
	size_t before = s->nev;
	add_event(s, ev->kind, ev->node, ev->value, ev->detail);
	if (s->nev == before)
		return BD_E_NOMEM;
	snprintf(s->ev[s->nev - 1].time, sizeof s->ev[0].time, "%s", ev->time);
	return 0;
}

void session_clear_events(struct session *s)
{
	for (size_t i = 0; i < s->nev; i++) {
		free(s->ev[i].node);
		free(s->ev[i].value);
		free(s->ev[i].detail);
	}
	s->nev = 0;
}

size_t session_answer_count(const struct session *s) { return s->nans; }

struct session_answer_view session_answer_at(const struct session *s, size_t i)
{
	struct session_answer_view v = {0};
	if (i < s->nans) {
		v.node = s->ans[i].node;
		v.value = s->ans[i].value;
		v.time = s->ans[i].time;
		v.detail = s->ans[i].detail;
		v.how = s->ans[i].how;
		v.facts = s->ans[i].facts;
		v.nfacts = s->ans[i].nfacts;
	}
	return v;
}
