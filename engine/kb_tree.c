/* kb_tree.c - the tree files: node facts, nodes, and linking references. */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb_internal.h"

static const char *const node_common[] = {"id", "type", "title", "text", "led", "see", "covers", "root", NULL};
static const char *const node_question[] = {"fact", "options", "input", "next", NULL};
static const char *const node_instruction[] = {"steps", "procedure", "next", "confirm", NULL};
static const char *const node_action[] = {"action", "consent", "expect", "options", NULL};
static const char *const node_conclusion[] = {"outcome", "cause", "fix", "next", NULL};

static const char *const action_names[] = {
	"list-devices", "identify", "inspect", "mac", "enter-dfu", "enter-listening",
	"enter-safe-mode", "exit-listening", "reset", "flash", "backup", NULL};

static bool valid_id(const char *s)
{
	if (!s || !*s || !islower((unsigned char)s[0]))
		return false;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '-')
			return false;
	return true;
}

static bool valid_fact_name(const char *s)
{
	if (!s || !*s || !islower((unsigned char)s[0]))
		return false;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_' &&
		    *s != '.')
			return false;
	return true;
}

static bool type_from_name(const char *s, enum kb_node_type *t)
{
	static const enum kb_node_type all[] = {KB_QUESTION, KB_CHECK, KB_INSTRUCTION, KB_ACTION,
						KB_CONCLUSION};
	for (size_t i = 0; s && i < 5; i++)
		if (!strcmp(s, kb_node_type_name(all[i]))) {
			*t = all[i];
			return true;
		}
	return false;
}

static void add_value(struct kb_fact *f, const char *v)
{
	for (size_t i = 0; i < f->nvalues; i++)
		if (!strcmp(f->values[i], v))
			return;
	char **nv = realloc(f->values, (f->nvalues + 2) * sizeof *nv);
	if (!nv)
		return;
	f->values = nv;
	f->values[f->nvalues++] = strdup(v);
	f->values[f->nvalues] = NULL;
}

void kb_prescan_node_facts(struct kb *kb, struct diag *d, int file)
{
	struct rd r = {kb, d, file, {{0}}, 0, NULL};
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(kb->files[file].root, "nodes");
	int i = 0;
	rd_push_key(&r, "nodes");
	for (const cJSON *c = cJSON_IsArray(arr) ? arr->child : NULL; c; c = c->next, i++) {
		const cJSON *fact = cJSON_GetObjectItemCaseSensitive(c, "fact");
		if (!cJSON_IsString(fact))
			continue;
		rd_push_idx(&r, i);
		const cJSON *idj = cJSON_GetObjectItemCaseSensitive(c, "id");
		r.node = cJSON_IsString(idj) ? idj->valuestring : NULL;
		const char *name = fact->valuestring;
		bool input = cJSON_GetObjectItemCaseSensitive(c, "input") != NULL;
		enum fv_type t = input ? FV_NUMBER : FV_STRING;
		if (!valid_fact_name(name)) {
			rd_err(&r, "fact", "use lowercase words joined by '.' or '_', e.g. sim.inserted",
			       "bad fact name \"%s\"", name);
			rd_pop(&r);
			continue;
		}
		int id = kb_fact_id(kb, name);
		if (id >= 0) {
			struct kb_fact *f = &kb->facts[id];
			if (f->source == KB_SRC_DEVICE)
				rd_err(&r, "fact", "device facts come from devices.json",
				       "a question cannot set device fact \"%s\"", name);
			else if (f->type != t)
				rd_err(&r, "fact", NULL, "fact \"%s\" is a %s, but this node sets a %s",
				       name, fv_type_name(f->type), fv_type_name(t));
		} else {
			id = kb_fact_register(kb, name, t, KB_SRC_NODE);
			if (id >= 0) {
				kb->facts[id].file = file;
				kb->facts[id].index = i;
			}
		}
		struct kb_fact *f = id >= 0 ? &kb->facts[id] : NULL;
		const cJSON *opts = cJSON_GetObjectItemCaseSensitive(c, "options");
		if (f && f->source == KB_SRC_NODE && cJSON_IsArray(opts))
			for (const cJSON *o = opts->child; o; o = o->next) {
				const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "value");
				if (cJSON_IsString(v))
					add_value(f, v->valuestring);
			}
		rd_pop(&r);
	}
	rd_pop(&r);
}

static bool in_list(const char *k, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (!strcmp(k, list[i]))
			return true;
	return false;
}

static void check_node_keys(struct rd *r, const cJSON *c, enum kb_node_type t)
{
	const char *const *own = t == KB_INSTRUCTION ? node_instruction
				  : t == KB_ACTION     ? node_action
				  : t == KB_CONCLUSION ? node_conclusion
						       : node_question;
	for (const cJSON *k = c->child; k; k = k->next) {
		if (in_list(k->string, node_common) || in_list(k->string, own))
			continue;
		const char *elsewhere = in_list(k->string, node_question)      ? "question and check"
					: in_list(k->string, node_instruction) ? "instruction"
					: in_list(k->string, node_action)      ? "action"
					: in_list(k->string, node_conclusion)  ? "conclusion"
									       : NULL;
		char hint[160];
		if (elsewhere)
			snprintf(hint, sizeof hint, "\"%s\" belongs to %s nodes", k->string, elsewhere);
		else
			snprintf(hint, sizeof hint, "see knowledge/README.md for the node fields");
		rd_err(r, k->string, hint, "%s node has unknown field \"%s\"", kb_node_type_name(t),
		       k->string);
	}
}

static const char *const option_keys[] = {"value", "label", "when", "next", "hint", NULL};

static void load_options(struct rd *r, const cJSON *c, struct kb_node *n)
{
	const cJSON *opts = cJSON_GetObjectItemCaseSensitive(c, "options");
	if (!opts)
		return;
	if (!cJSON_IsArray(opts) || !cJSON_GetArraySize(opts)) {
		rd_err(r, "options", NULL, "\"options\" must be a non-empty list");
		return;
	}
	n->opts = calloc((size_t)cJSON_GetArraySize(opts), sizeof *n->opts);
	if (!n->opts)
		return;
	rd_push_key(r, "options");
	int i = 0;
	for (const cJSON *o = opts->child; o; o = o->next, i++) {
		rd_push_idx(r, i);
		if (!cJSON_IsObject(o)) {
			rd_err(r, NULL, NULL, "each option must be an object");
			rd_pop(r);
			continue;
		}
		rd_check_keys(r, o, option_keys);
		struct kb_option *op = &n->opts[n->nopts];
		op->value = rd_str(r, o, "value", true);
		if (!op->value) {
			rd_pop(r);
			continue;
		}
		for (size_t k = 0; k < n->nopts; k++)
			if (!strcmp(n->opts[k].value, op->value))
				rd_err(r, "value", NULL, "option value \"%s\" is used twice", op->value);
		if (n->type == KB_ACTION) {
			rd_text(r, o, "label", &op->label, false);
			if (strcmp(op->value, "ok") && strcmp(op->value, "failed") &&
			    strcmp(op->value, "unavailable"))
				rd_err(r, "value", "action results are ok, failed and unavailable",
				       "unknown action result \"%s\"", op->value);
		} else {
			rd_text(r, o, "label", &op->label, true);
		}
		if (n->fact_id >= 0 && !kb_fact_value_ok(r->kb, n->fact_id, op->value))
			rd_err(r, "value", NULL, "\"%s\" is not a possible value of fact %s",
			       op->value, n->fact);
		rd_text(r, o, "hint", &op->hint, false);
		op->when = rd_cond(r, o, "when", &op->when_src);
		rd_next(r, o, "next", &op->next, true);
		n->nopts++;
		rd_pop(r);
	}
	rd_pop(r);
}

static struct kb_node *node_new(struct kb *kb)
{
	if (kb->nnodes == kb->capnodes) {
		size_t cap = kb->capnodes ? kb->capnodes * 2 : 128;
		struct kb_node **nn = realloc(kb->nodes, cap * sizeof *nn);
		if (!nn)
			return NULL;
		kb->nodes = nn;
		kb->capnodes = cap;
	}
	struct kb_node *n = calloc(1, sizeof *n);
	if (n)
		kb->nodes[kb->nnodes++] = n;
	return n;
}

static void load_node(struct rd *r, const cJSON *c, int index)
{
	struct kb *kb = r->kb;
	char *id = rd_str(r, c, "id", true);
	char *type = rd_str(r, c, "type", true);
	enum kb_node_type t = KB_QUESTION;
	r->node = id;
	if (id && !valid_id(id))
		rd_err(r, "id", "ids use lowercase letters, digits and '-', starting with a letter",
		       "bad node id \"%s\"", id);
	if (type && !type_from_name(type, &t))
		rd_err(r, "type", "use question, check, instruction, action or conclusion",
		       "unknown node type \"%s\"", type);
	free(type);
	if (!id) {
		return;
	}
	struct kb_node *n = node_new(kb);
	if (!n) {
		free(id);
		return;
	}
	n->id = id;
	n->type = t;
	n->file = r->file;
	n->index = index;
	n->fact_id = -1;
	check_node_keys(r, c, t);
	rd_text(r, c, "title", &n->title, true);
	rd_text(r, c, "text", &n->text, false);
	n->led = rd_str(r, c, "led", false);
	if (n->led && !strchr(n->led, '{') && !kb_led_find(kb, n->led))
		rd_err(r, "led", "LED ids are the ids in leds.json (and sos-1 ... sos-N)",
		       "unknown LED status \"%s\"", n->led);
	if (n->led && strchr(n->led, '{'))
		rd_check_placeholders(r, n->led, "led");
	n->see = rd_strlist(r, c, "see", &n->nsee);
	n->covers = rd_strlist(r, c, "covers", &n->ncovers);
	n->root = rd_bool(r, c, "root", false);
	switch (t) {
	case KB_QUESTION:
	case KB_CHECK: {
		n->fact = rd_str(r, c, "fact", false);
		n->fact_id = n->fact ? kb_fact_id(kb, n->fact) : -1;
		const cJSON *input = cJSON_GetObjectItemCaseSensitive(c, "input");
		bool has_opts = cJSON_GetObjectItemCaseSensitive(c, "options") != NULL;
		if (!!input == has_opts)
			rd_err(r, NULL, NULL, "a %s needs exactly one of \"options\" or \"input\"",
			       kb_node_type_name(t));
		if (input) {
			n->has_input = true;
			rd_push_key(r, "input");
			rd_check_keys(r, input, (const char *const[]){"type", "min", "max", NULL});
			char *it = rd_str(r, input, "type", true);
			if (it && strcmp(it, "number"))
				rd_err(r, "type", NULL, "only number inputs exist");
			free(it);
			n->in_min = rd_num(r, input, "min", 0, true);
			n->in_max = rd_num(r, input, "max", 0, true);
			if (n->in_min > n->in_max)
				rd_err(r, NULL, NULL, "min is larger than max");
			rd_pop(r);
			rd_next(r, c, "next", &n->next, true);
		} else {
			load_options(r, c, n);
			if (cJSON_GetObjectItemCaseSensitive(c, "next"))
				rd_err(r, "next", "each option has its own \"next\"",
				       "a %s with options takes no node-level \"next\"",
				       kb_node_type_name(t));
		}
		break;
	}
	case KB_INSTRUCTION:
		rd_steps(r, c, "steps", &n->steps);
		n->procedure = rd_str(r, c, "procedure", false);
		n->confirm = rd_str(r, c, "confirm", false);
		rd_next(r, c, "next", &n->next, true);
		if (!n->steps.n && !n->procedure && !n->text.n)
			rd_err(r, NULL, NULL, "an instruction needs \"steps\", \"procedure\" or \"text\"");
		break;
	case KB_ACTION: {
		n->action = rd_str(r, c, "action", true);
		if (n->action && !in_list(n->action, action_names))
			rd_err(r, "action", "see the action table in knowledge/README.md",
			       "unknown action \"%s\"", n->action);
		n->consent = rd_bool(r, c, "consent", false);
		rd_text(r, c, "expect", &n->expect, false);
		load_options(r, c, n);
		static const char *const need[] = {"ok", "failed", "unavailable"};
		for (size_t k = 0; k < 3; k++) {
			bool found = false;
			for (size_t o = 0; o < n->nopts; o++)
				found |= !strcmp(n->opts[o].value, need[k]);
			if (!found)
				rd_err(r, n->nopts ? "options" : NULL,
				       "every action routes ok, failed and unavailable (the manual way)",
				       "action has no \"%s\" option", need[k]);
		}
		break;
	}
	case KB_CONCLUSION: {
		char *outcome = rd_str(r, c, "outcome", true);
		if (outcome) {
			if (!strcmp(outcome, "healthy"))
				n->outcome = KB_OUTCOME_HEALTHY;
			else if (!strcmp(outcome, "problem"))
				n->outcome = KB_OUTCOME_PROBLEM;
			else if (!strcmp(outcome, "info"))
				n->outcome = KB_OUTCOME_INFO;
			else
				rd_err(r, "outcome", "use healthy, problem or info",
				       "unknown outcome \"%s\"", outcome);
		}
		free(outcome);
		rd_text(r, c, "cause", &n->cause, false);
		rd_steps(r, c, "fix", &n->fix);
		rd_next(r, c, "next", &n->next, false);
		if (!n->cause.n && !n->text.n)
			rd_err(r, NULL, NULL, "a conclusion needs a \"cause\" or a \"text\"");
		break;
	}
	}
}

void kb_load_tree(struct kb *kb, struct diag *d, int file)
{
	struct rd r = {kb, d, file, {{0}}, 0, NULL};
	const cJSON *root = kb->files[file].root;
	rd_check_keys(&r, root, (const char *const[]){"schema", "about", "nodes", NULL});
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "nodes");
	if (!cJSON_IsArray(arr)) {
		rd_err(&r, NULL, NULL, "\"nodes\" must be a list");
		return;
	}
	rd_push_key(&r, "nodes");
	int i = 0;
	for (const cJSON *c = arr->child; c; c = c->next, i++) {
		rd_push_idx(&r, i);
		r.node = NULL;
		if (cJSON_IsObject(c))
			load_node(&r, c, i);
		else
			rd_err(&r, NULL, NULL, "each node must be an object");
		rd_pop(&r);
	}
	rd_pop(&r);
}

/* ---- linking ---- */

static const struct kb_node *link_ref(struct rd *r, const char *target, const char *what,
				      const char *key)
{
	const struct kb_node *n = kb_node_find(r->kb, target);
	if (!n) {
		const char *sug = kb_node_suggest(r->kb, target);
		char hint[256];
		if (sug)
			snprintf(hint, sizeof hint, "did you mean \"%s\"?", sug);
		else
			snprintf(hint, sizeof hint, "no node has that id in any tree file");
		rd_err(r, key, hint, "%s points to unknown node \"%s\"", what, target);
	}
	return n;
}

static void link_next(struct rd *r, struct kb_next *nx, const char *what)
{
	if (nx->n == 1 && !nx->e[0].when) {
		/* Plain "next": "id" or a one-entry list: point at the value. */
		nx->e[0].target = link_ref(r, nx->e[0].target_id, what, "next");
		return;
	}
	rd_push_key(r, "next");
	for (size_t i = 0; i < nx->n; i++) {
		rd_push_idx(r, (int)i);
		nx->e[i].target = link_ref(r, nx->e[i].target_id, what, "next");
		rd_pop(r);
	}
	rd_pop(r);
}

static void link_steps(struct rd *r, struct kb_steps *st, const char *key)
{
	rd_push_key(r, key);
	for (size_t i = 0; i < st->n; i++) {
		if (st->v[i].kind != KB_STEP_PROCEDURE)
			continue;
		rd_push_idx(r, (int)i);
		st->v[i].proc = link_ref(r, st->v[i].proc_id, "step", "procedure");
		if (st->v[i].proc && st->v[i].proc->type != KB_INSTRUCTION)
			rd_err(r, "procedure", NULL, "procedure \"%s\" is a %s, not an instruction",
			       st->v[i].proc_id, kb_node_type_name(st->v[i].proc->type));
		rd_pop(r);
	}
	rd_pop(r);
}

void kb_link(struct kb *kb, struct diag *d)
{
	for (size_t i = 0; i < kb->nnodes; i++) {
		struct kb_node *n = kb->nodes[i];
		struct rd r = {kb, d, n->file, {{0}}, 0, n->id};
		rd_push_key(&r, "nodes");
		rd_push_idx(&r, n->index);
		link_next(&r, &n->next, "\"next\"");
		rd_push_key(&r, "options");
		for (size_t o = 0; o < n->nopts; o++) {
			rd_push_idx(&r, (int)o);
			char what[160];
			snprintf(what, sizeof what, "option \"%s\"", n->opts[o].value);
			link_next(&r, &n->opts[o].next, what);
			rd_pop(&r);
		}
		rd_pop(&r);
		if (n->procedure) {
			n->proc = link_ref(&r, n->procedure, "\"procedure\"", "procedure");
			if (n->proc && n->proc->type != KB_INSTRUCTION)
				rd_err(&r, "procedure", NULL, "\"%s\" is a %s, not an instruction",
				       n->procedure, kb_node_type_name(n->proc->type));
		}
		link_steps(&r, &n->steps, "steps");
		link_steps(&r, &n->fix, "fix");
		if (n->nsee) {
			n->see_nodes = calloc(n->nsee, sizeof *n->see_nodes);
			rd_push_key(&r, "see");
			for (size_t s = 0; s < n->nsee && n->see_nodes; s++) {
				rd_push_idx(&r, (int)s);
				n->see_nodes[s] = link_ref(&r, n->see[s], "\"see\"", NULL);
				rd_pop(&r);
			}
			rd_pop(&r);
		}
	}
	for (size_t i = 0; i < kb->nsos; i++) {
		struct kb_sos *s = &kb->sos[i];
		struct rd r = {kb, d, s->file, {{0}}, 0, s->name};
		rd_push_key(&r, "codes");
		rd_push_idx(&r, s->index);
		link_steps(&r, &s->causes, "causes");
		link_steps(&r, &s->fix, "fix");
	}
}
