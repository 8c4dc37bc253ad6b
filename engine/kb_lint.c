#define _POSIX_C_SOURCE 200809L
#include "kb_lint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"
#include "json_loc.h"
#include "led.h"
#include "text.h"

/* Reports a problem at a node's definition. */
static void node_problem(const struct kb *kb, struct diag *d, const struct kb_node *n,
			 enum diag_severity sev, const char *hint, const char *msg)
{
	size_t len, off = 0;
	const char *text = kb_file_text(kb, n->file, &len);
	struct json_seg p[2] = {JSON_SEG_KEY("nodes"), JSON_SEG_IDX(n->index)};
	json_locate(text, len, p, 2, &off);
	int line, col;
	json_line_col(text, len, off, &line, &col);
	diag_add(d, sev, kb_file_path(kb, n->file), line, col, n->id, hint, "%s", msg);
}

static void led_problem(const struct kb *kb, struct diag *d, const struct kb_led *l,
			const char *hint, const char *msg)
{
	int line = 0, col = 0;
	const char *path = "sos.json";
	/* Generated sos-N statuses point at their sos.json code. */
	int file = -1;
	struct json_seg p[2] = {JSON_SEG_KEY(l->file >= 0 ? "statuses" : "codes"),
				JSON_SEG_IDX(l->index)};
	for (size_t f = 0; f < kb_file_count(kb); f++) {
		const char *fp = kb_file_path(kb, (int)f);
		size_t fl = strlen(fp);
		const char *want = l->file >= 0 ? "leds.json" : "sos.json";
		if (fl >= strlen(want) && !strcmp(fp + fl - strlen(want), want))
			file = (int)f;
	}
	if (file >= 0) {
		size_t len, off = 0;
		const char *text = kb_file_text(kb, file, &len);
		json_locate(text, len, p, 2, &off);
		json_line_col(text, len, off, &line, &col);
		path = kb_file_path(kb, file);
	}
	diag_add(d, DIAG_ERROR, path, line, col, l->id, hint, "%s", msg);
}

/* ---- graph helpers ---- */

static size_t node_index(const struct kb *kb, const struct kb_node *n)
{
	for (size_t i = 0; i < kb_node_count(kb); i++)
		if (kb_node_at(kb, i) == n)
			return i;
	return (size_t)-1;
}

/* Calls cb for every node n refers to (walk edges only: next, options). */
static void each_edge(const struct kb_node *n, void (*cb)(void *, const struct kb_node *),
		      void *ctx)
{
	for (size_t i = 0; i < n->next.n; i++)
		if (n->next.e[i].target)
			cb(ctx, n->next.e[i].target);
	for (size_t o = 0; o < n->nopts; o++)
		for (size_t i = 0; i < n->opts[o].next.n; i++)
			if (n->opts[o].next.e[i].target)
				cb(ctx, n->opts[o].next.e[i].target);
}

/* Every reference, including procedures and "see". */
static void each_ref(const struct kb_node *n, void (*cb)(void *, const struct kb_node *), void *ctx)
{
	each_edge(n, cb, ctx);
	if (n->proc)
		cb(ctx, n->proc);
	for (size_t i = 0; i < n->steps.n; i++)
		if (n->steps.v[i].proc)
			cb(ctx, n->steps.v[i].proc);
	for (size_t i = 0; i < n->fix.n; i++)
		if (n->fix.v[i].proc)
			cb(ctx, n->fix.v[i].proc);
	for (size_t i = 0; i < n->nsee; i++)
		if (n->see_nodes && n->see_nodes[i])
			cb(ctx, n->see_nodes[i]);
}

struct reach {
	const struct kb *kb;
	bool *seen;
	size_t *stack;
	size_t nstack;
};

static void reach_push(void *ctx, const struct kb_node *n)
{
	struct reach *r = ctx;
	size_t i = node_index(r->kb, n);
	if (i == (size_t)-1 || r->seen[i])
		return;
	r->seen[i] = true;
	r->stack[r->nstack++] = i;
}

static void check_reachable(const struct kb *kb, struct diag *d)
{
	size_t n = kb_node_count(kb);
	struct reach r = {kb, calloc(n + 1, sizeof(bool)), calloc(n + 1, sizeof(size_t)), 0};
	if (!r.seen || !r.stack)
		goto out;
	for (size_t i = 0; i < n; i++) {
		const struct kb_node *nd = kb_node_at(kb, i);
		if (nd->root || !strcmp(nd->id, "start"))
			reach_push(&r, nd);
	}
	/* SOS codes inline procedures too. */
	for (size_t i = 0; i < kb_sos_count(kb); i++) {
		const struct kb_sos *s = kb_sos_at(kb, i);
		for (size_t k = 0; k < s->fix.n; k++)
			if (s->fix.v[k].proc)
				reach_push(&r, s->fix.v[k].proc);
		for (size_t k = 0; k < s->causes.n; k++)
			if (s->causes.v[k].proc)
				reach_push(&r, s->causes.v[k].proc);
	}
	while (r.nstack)
		each_ref(kb_node_at(kb, r.stack[--r.nstack]), reach_push, &r);
	for (size_t i = 0; i < n; i++)
		if (!r.seen[i])
			node_problem(kb, d, kb_node_at(kb, i), DIAG_ERROR,
				     "link it from another node, or mark it \"root\": true if a "
				     "front-end starts there",
				     "node is unreachable: no root, LED status or procedure leads here");
out:
	free(r.seen);
	free(r.stack);
}

/* Tarjan's strongly connected components over walk edges, iteratively
 * bounded by the node count. */
struct scc {
	const struct kb *kb;
	size_t n, counter, nstack;
	size_t *index, *low, *stack, *comp;
	bool *on;
	size_t ncomp;
};

static void scc_visit(struct scc *t, size_t v, int depth);

struct scc_edge_ctx {
	struct scc *t;
	size_t v;
	int depth;
};

static void scc_edge(void *ctx, const struct kb_node *w_node)
{
	struct scc_edge_ctx *ec = ctx;
	struct scc *t = ec->t;
	size_t w = node_index(t->kb, w_node);
	if (w == (size_t)-1)
		return;
	if (t->index[w] == 0) {
		scc_visit(t, w, ec->depth + 1);
		if (t->low[w] < t->low[ec->v])
			t->low[ec->v] = t->low[w];
	} else if (t->on[w] && t->index[w] < t->low[ec->v]) {
		t->low[ec->v] = t->index[w];
	}
}

static void scc_visit(struct scc *t, size_t v, int depth)
{
	if (depth > 10000)
		return;
	t->index[v] = t->low[v] = ++t->counter;
	t->stack[t->nstack++] = v;
	t->on[v] = true;
	struct scc_edge_ctx ec = {t, v, depth};
	const struct kb_node *nd = kb_node_at(t->kb, v);
	if (nd->type != KB_CONCLUSION) /* a conclusion ends the walk */
		each_edge(nd, scc_edge, &ec);
	if (t->low[v] == t->index[v]) {
		size_t w;
		do {
			w = t->stack[--t->nstack];
			t->on[w] = false;
			t->comp[w] = t->ncomp;
		} while (w != v);
		t->ncomp++;
	}
}

struct exit_ctx {
	const struct scc *t;
	size_t comp;
	bool leaves;
};

static void exit_edge(void *ctx, const struct kb_node *w_node)
{
	struct exit_ctx *ec = ctx;
	size_t w = node_index(ec->t->kb, w_node);
	if (w != (size_t)-1 && ec->t->comp[w] != ec->comp)
		ec->leaves = true;
}

static void check_loops(const struct kb *kb, struct diag *d)
{
	size_t n = kb_node_count(kb);
	struct scc t = {kb, n, 0, 0, calloc(n + 1, sizeof(size_t)), calloc(n + 1, sizeof(size_t)),
			calloc(n + 1, sizeof(size_t)), calloc(n + 1, sizeof(size_t)),
			calloc(n + 1, sizeof(bool)), 0};
	if (!t.index || !t.low || !t.stack || !t.comp || !t.on)
		goto out;
	for (size_t v = 0; v < n; v++)
		if (!t.index[v])
			scc_visit(&t, v, 0);
	for (size_t c = 0; c < t.ncomp; c++) {
		size_t members = 0, first = 0;
		bool leaves = false;
		for (size_t v = 0; v < n; v++) {
			if (t.comp[v] != c)
				continue;
			if (!members++)
				first = v;
			const struct kb_node *nd = kb_node_at(kb, v);
			if (nd->type == KB_CONCLUSION) {
				leaves = true;
				continue;
			}
			struct exit_ctx ec = {&t, c, false};
			each_edge(nd, exit_edge, &ec);
			leaves |= ec.leaves;
		}
		if (members == 1) {
			/* Only a node that points at itself forms a loop alone. */
			const struct kb_node *nd = kb_node_at(kb, first);
			bool self = false;
			for (size_t i = 0; i < nd->next.n; i++)
				self |= nd->next.e[i].target == nd;
			for (size_t o = 0; o < nd->nopts; o++)
				for (size_t i = 0; i < nd->opts[o].next.n; i++)
					self |= nd->opts[o].next.e[i].target == nd;
			if (!self)
				continue;
			struct exit_ctx ec = {&t, c, false};
			each_edge(nd, exit_edge, &ec);
			leaves = ec.leaves || nd->type == KB_CONCLUSION;
		}
		if (leaves)
			continue;
		struct strbuf sb = STRBUF_INIT;
		strbuf_puts(&sb, "loop with no way out:");
		size_t shown = 0;
		for (size_t v = 0; v < n; v++)
			if (t.comp[v] == c && shown++ < 8)
				strbuf_printf(&sb, " %s", kb_node_at(kb, v)->id);
		node_problem(kb, d, kb_node_at(kb, first), DIAG_ERROR,
			     "give one node in the loop an option or condition that leads out of it",
			     strbuf_str(&sb));
		strbuf_free(&sb);
	}
out:
	free(t.index);
	free(t.low);
	free(t.stack);
	free(t.comp);
	free(t.on);
}

/* Procedures that (indirectly) include themselves. */
static bool proc_cycle(const struct kb_node *n, const struct kb_node *target, int depth)
{
	if (depth > 32)
		return true;
	const struct kb_node *next[64];
	size_t k = 0;
	if (n->proc)
		next[k++] = n->proc;
	for (size_t i = 0; i < n->steps.n && k < 64; i++)
		if (n->steps.v[i].proc)
			next[k++] = n->steps.v[i].proc;
	for (size_t i = 0; i < k; i++)
		if (next[i] == target || proc_cycle(next[i], target, depth + 1))
			return true;
	return false;
}

static void check_procedures(const struct kb *kb, struct diag *d)
{
	for (size_t i = 0; i < kb_node_count(kb); i++) {
		const struct kb_node *n = kb_node_at(kb, i);
		if (n->type == KB_INSTRUCTION && proc_cycle(n, n, 0))
			node_problem(kb, d, n, DIAG_ERROR, "a procedure may include others, but not itself",
				     "procedure includes itself (directly or through others)");
	}
}

/* ---- per-device simulation ---- */

struct sim {
	const struct kb *kb;
	const struct kb_device *dev;
	struct fact_store facts;
	bool *visited;            /* per node, for this simulation */
	const struct kb_led **reached;
	size_t nreached, capreached;
	const struct kb_node **empty_q; /* questions with no option on this device */
	size_t nempty;
	int led_status_id;
};

static const struct fact_value *sim_get(void *ctx, int id)
{
	return fact_store_get(&((struct sim *)ctx)->facts, id);
}

static const struct fact_value *sim_lookup(void *ctx, const char *name, size_t len)
{
	struct sim *s = ctx;
	char buf[128];
	if (len >= sizeof buf)
		return NULL;
	memcpy(buf, name, len);
	buf[len] = '\0';
	return fact_store_get(&s->facts, kb_fact_id(s->kb, buf));
}

static void sim_reached(struct sim *s, const struct kb_led *l)
{
	for (size_t i = 0; i < s->nreached; i++)
		if (s->reached[i] == l)
			return;
	if (s->nreached == s->capreached) {
		size_t cap = s->capreached ? s->capreached * 2 : 8;
		const struct kb_led **nr = realloc(s->reached, cap * sizeof *nr);
		if (!nr)
			return;
		s->reached = nr;
		s->capreached = cap;
	}
	s->reached[s->nreached++] = l;
}

static void sim_node(struct sim *s, const struct kb_node *n, int depth);

static void sim_next(struct sim *s, const struct kb_next *nx, int depth)
{
	for (size_t i = 0; i < nx->n; i++) {
		enum tri t = nx->e[i].when ? expr_eval(nx->e[i].when, sim_get, s) : TRI_TRUE;
		if (t == TRI_FALSE)
			continue;
		if (nx->e[i].target)
			sim_node(s, nx->e[i].target, depth + 1);
		if (t == TRI_TRUE)
			return;
	}
}

static void sim_node(struct sim *s, const struct kb_node *n, int depth)
{
	size_t idx = node_index(s->kb, n);
	if (idx == (size_t)-1 || s->visited[idx] || depth > 2000)
		return;
	s->visited[idx] = true;
	struct fact_value saved = {0};
	bool set_status = false;
	if (n->led) {
		struct strbuf sb = STRBUF_INIT;
		text_render(&sb, n->led, sim_lookup, s);
		const struct kb_led *l = kb_led_find(s->kb, strbuf_str(&sb));
		strbuf_free(&sb);
		if (l) {
			sim_reached(s, l);
			const struct fact_value *old = fact_store_get(&s->facts, s->led_status_id);
			if (old)
				fv_copy(&saved, old);
			struct fact_value v = {0};
			fv_set_string(&v, l->id);
			fact_store_set(&s->facts, s->led_status_id, &v);
			fv_free(&v);
			set_status = true;
		}
	}
	switch (n->type) {
	case KB_QUESTION:
	case KB_CHECK: {
		const struct fact_value *known = n->fact_id >= 0 ? fact_store_get(&s->facts, n->fact_id)
								 : NULL;
		if (n->has_input) {
			sim_next(s, &n->next, depth);
			break;
		}
		size_t shown = 0;
		for (size_t o = 0; o < n->nopts; o++) {
			const struct kb_option *op = &n->opts[o];
			if (op->when && expr_eval(op->when, sim_get, s) == TRI_FALSE)
				continue;
			shown++;
			if (known && known->type == FV_STRING && strcmp(known->str, op->value))
				continue;
			sim_next(s, &op->next, depth);
		}
		if (!shown && s->nempty < 64)
			s->empty_q[s->nempty++] = n;
		break;
	}
	case KB_INSTRUCTION: sim_next(s, &n->next, depth); break;
	case KB_ACTION:
		for (size_t o = 0; o < n->nopts; o++)
			sim_next(s, &n->opts[o].next, depth);
		break;
	case KB_CONCLUSION: break;
	}
	if (set_status) {
		if (saved.type != FV_NONE)
			fact_store_set(&s->facts, s->led_status_id, &saved);
		else
			fact_store_clear(&s->facts, s->led_status_id);
		fv_free(&saved);
	}
}

static void set_fact_str(struct sim *s, const char *name, const char *v)
{
	int id = kb_fact_id(s->kb, name);
	if (id < 0)
		return;
	if (!v) {
		fact_store_clear(&s->facts, id);
		return;
	}
	struct fact_value fv = {0};
	fv_set_string(&fv, v);
	fact_store_set(&s->facts, id, &fv);
	fv_free(&fv);
}

static void describe_report(struct strbuf *sb, const struct kb_match *m)
{
	strbuf_printf(sb, "%s %s", m->color, m->pattern);
	if (m->count >= 0)
		strbuf_printf(sb, " %d", m->count);
	if (m->color2)
		strbuf_printf(sb, " with %s", m->color2);
}

static size_t simulate(const struct kb *kb, struct diag *d)
{
	size_t errors_before = d->errors;
	const struct kb_node *start = kb_node_find(kb, "start");
	if (!start) {
		diag_add(d, DIAG_ERROR, kb_dir(kb), 0, 0, "start", "add a question node with id \"start\"",
			 "the tree has no \"start\" node");
		return d->errors - errors_before;
	}
	size_t nn = kb_node_count(kb);
	struct sim s = {kb, NULL, {0}, calloc(nn + 1, sizeof(bool)), NULL, 0, 0,
			calloc(64, sizeof(struct kb_node *)), 0, kb_fact_id(kb, "led.status")};
	/* Report each empty question and each wrong route once across devices. */
	bool *empty_reported = calloc(nn + 1, sizeof(bool));
	int count_id = kb_fact_id(kb, "led.count");
	if (!s.visited || !s.empty_q || !empty_reported)
		goto out;
	for (size_t di = 0; di < kb_device_count(kb); di++) {
		const struct kb_device *dev = kb_device_at(kb, di);
		s.dev = dev;
		for (size_t li = 0; li < kb_led_count(kb); li++) {
			const struct kb_led *l = kb_led_at(kb, li);
			if (!led_shown_on(l, dev))
				continue;
			for (size_t mi = 0; mi < l->nmatch; mi++) {
				const struct kb_match *m = &l->match[mi];
				fact_store_free(&s.facts);
				fact_store_copy(&s.facts, &dev->facts);
				set_fact_str(&s, "led.color", m->color);
				set_fact_str(&s, "led.pattern", m->pattern);
				set_fact_str(&s, "led.color2", m->color2);
				if (m->count >= 0 && count_id >= 0) {
					struct fact_value v = {0};
					fv_set_number(&v, m->count);
					fact_store_set(&s.facts, count_id, &v);
				}
				memset(s.visited, 0, nn * sizeof(bool));
				s.nreached = 0;
				s.nempty = 0;
				sim_node(&s, start, 0);
				struct led_report rep = {m->color, m->pattern, m->count, m->color2};
				bool found = false;
				for (size_t k = 0; k < s.nreached; k++) {
					if (s.reached[k] == l)
						found = true;
					else if (!led_report_matches(s.reached[k], &rep)) {
						struct strbuf sb = STRBUF_INIT;
						strbuf_printf(&sb, "on %s, the report \"", dev->name);
						describe_report(&sb, m);
						strbuf_printf(&sb, "\" (status %s) reaches status %s, which "
							      "does not look like that",
							      l->id, s.reached[k]->id);
						led_problem(kb, d, s.reached[k],
							    "route this report elsewhere in the tree, or add it "
							    "to the status's \"match\"",
							    strbuf_str(&sb));
						strbuf_free(&sb);
					}
				}
				if (!found) {
					struct strbuf sb = STRBUF_INIT;
					strbuf_printf(&sb, "%s shows this status, but the tree never reaches "
						      "it when the person reports \"", dev->name);
					describe_report(&sb, m);
					strbuf_puts(&sb, "\"");
					if (s.nreached) {
						strbuf_puts(&sb, " (it reaches:");
						for (size_t k = 0; k < s.nreached; k++)
							strbuf_printf(&sb, " %s", s.reached[k]->id);
						strbuf_puts(&sb, ")");
					}
					led_problem(kb, d, l,
						    "route that colour and pattern from \"start\" to a node "
						    "with \"led\": \"ID\", or narrow \"shown_when\"",
						    strbuf_str(&sb));
					strbuf_free(&sb);
				}
				for (size_t k = 0; k < s.nempty; k++) {
					size_t qi = node_index(kb, s.empty_q[k]);
					if (qi == (size_t)-1 || empty_reported[qi])
						continue;
					empty_reported[qi] = true;
					char msg[256];
					snprintf(msg, sizeof msg,
						 "on %s, no option of this question applies (every "
						 "\"when\" is false)", dev->name);
					node_problem(kb, d, s.empty_q[k], DIAG_ERROR,
						     "add an option without \"when\", or keep that device "
						     "away from this node",
						     msg);
				}
			}
		}
	}
out:
	fact_store_free(&s.facts);
	free(s.visited);
	free(s.reached);
	free(s.empty_q);
	free(empty_reported);
	return d->errors - errors_before;
}

static void check_statuses(const struct kb *kb, struct diag *d)
{
	for (size_t li = 0; li < kb_led_count(kb); li++) {
		const struct kb_led *l = kb_led_at(kb, li);
		bool any = false;
		for (size_t di = 0; di < kb_device_count(kb) && !any; di++)
			any = led_shown_on(l, kb_device_at(kb, di));
		if (!any)
			led_problem(kb, d, l, "check its \"shown_when\"",
				    "no device shows this status");
		bool explained = false;
		for (size_t i = 0; i < kb_node_count(kb) && !explained; i++) {
			const char *led = kb_node_at(kb, i)->led;
			explained = led && (!strcmp(led, l->id) ||
					    (l->sos_code > 0 && strstr(led, "{led.count}")));
		}
		if (!explained)
			led_problem(kb, d, l, "add \"led\": \"ID\" to the node that explains it",
				    "no node explains this status");
	}
}

size_t kb_lint(const struct kb *kb, struct diag *d)
{
	size_t before = d->errors;
	check_reachable(kb, d);
	check_loops(kb, d);
	check_procedures(kb, d);
	check_statuses(kb, d);
	simulate(kb, d);
	return d->errors - before;
}
