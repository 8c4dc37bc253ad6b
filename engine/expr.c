#define _POSIX_C_SOURCE 200809L
#include "expr.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/bd_error.h"

enum expr_kind { E_LIT, E_FACT, E_NOT, E_AND, E_OR, E_CMP, E_IN, E_HAS, E_KNOWN };
enum expr_op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE };

struct expr {
	enum expr_kind kind;
	enum expr_op op;
	struct expr *a, *b;
	struct fact_value lit;   /* E_LIT */
	char *name;              /* E_FACT, E_KNOWN */
	int fact;                /* bound id, -1 before binding */
	enum fv_type ftype;      /* declared type of the fact */
	struct fact_value *set;  /* E_IN: literal list */
	size_t nset;
	size_t pos;
};

#define EXPR_MAX_DEPTH 64
#define EXPR_MAX_SET 64

struct parser {
	const char *s;
	size_t i;
	int depth;
	struct expr_error *err;
};

static struct expr *ex_new(enum expr_kind k, size_t pos)
{
	struct expr *e = calloc(1, sizeof *e);
	if (e) {
		e->kind = k;
		e->fact = -1;
		e->pos = pos;
	}
	return e;
}

void expr_free(struct expr *e)
{
	if (!e)
		return;
	expr_free(e->a);
	expr_free(e->b);
	fv_free(&e->lit);
	free(e->name);
	for (size_t i = 0; i < e->nset; i++)
		fv_free(&e->set[i]);
	free(e->set);
	free(e);
}

static int p_fail(struct parser *p, const char *msg)
{
	if (p->err && !p->err->msg[0]) {
		p->err->pos = p->i;
		snprintf(p->err->msg, sizeof p->err->msg, "%s", msg);
	}
	return BD_E_PARSE;
}

static void p_ws(struct parser *p)
{
	while (p->s[p->i] && isspace((unsigned char)p->s[p->i]))
		p->i++;
}

static bool is_ident_start(char c)
{
	return isalpha((unsigned char)c) || c == '_';
}

static bool is_ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.';
}

/* Matches a keyword as a whole word. */
static bool p_word(struct parser *p, const char *w)
{
	p_ws(p);
	size_t n = strlen(w);
	if (strncmp(p->s + p->i, w, n) == 0 && !is_ident_char(p->s[p->i + n])) {
		p->i += n;
		return true;
	}
	return false;
}

static bool p_sym(struct parser *p, const char *sym)
{
	p_ws(p);
	size_t n = strlen(sym);
	if (strncmp(p->s + p->i, sym, n) == 0) {
		p->i += n;
		return true;
	}
	return false;
}

/* Parses a literal: 'str', "str", number, true, false. */
static int p_literal(struct parser *p, struct fact_value *out)
{
	p_ws(p);
	char c = p->s[p->i];
	if (c == '\'' || c == '"') {
		size_t start = ++p->i;
		while (p->s[p->i] && p->s[p->i] != c)
			p->i++;
		if (!p->s[p->i])
			return p_fail(p, "unterminated string");
		size_t n = p->i - start;
		char *tmp = strndup(p->s + start, n);
		if (!tmp)
			return BD_E_NOMEM;
		int rc = fv_set_string(out, tmp);
		free(tmp);
		p->i++;
		return rc;
	}
	if (isdigit((unsigned char)c) || (c == '-' && isdigit((unsigned char)p->s[p->i + 1]))) {
		char *end;
		double n = strtod(p->s + p->i, &end);
		p->i = (size_t)(end - p->s);
		return fv_set_number(out, n);
	}
	if (p_word(p, "true"))
		return fv_set_bool(out, true);
	if (p_word(p, "false"))
		return fv_set_bool(out, false);
	return p_fail(p, "expected a value ('text', a number, true or false)");
}

static int p_ident(struct parser *p, char **out)
{
	p_ws(p);
	if (!is_ident_start(p->s[p->i]))
		return p_fail(p, "expected a fact name");
	size_t start = p->i;
	while (is_ident_char(p->s[p->i]))
		p->i++;
	*out = strndup(p->s + start, p->i - start);
	return *out ? 0 : BD_E_NOMEM;
}

static int p_or(struct parser *p, struct expr **out);

static int p_operand(struct parser *p, struct expr **out)
{
	p_ws(p);
	size_t pos = p->i;
	if (p_sym(p, "(")) {
		int rc = p_or(p, out);
		if (rc < 0)
			return rc;
		if (!p_sym(p, ")")) {
			expr_free(*out);
			*out = NULL;
			return p_fail(p, "expected ')'");
		}
		return 0;
	}
	if (p_word(p, "known")) {
		struct expr *e = ex_new(E_KNOWN, pos);
		if (!e)
			return BD_E_NOMEM;
		int rc = p_sym(p, "(") ? p_ident(p, &e->name) : p_fail(p, "expected '(' after known");
		if (rc == 0 && !p_sym(p, ")"))
			rc = p_fail(p, "expected ')'");
		if (rc < 0) {
			expr_free(e);
			return rc;
		}
		*out = e;
		return 0;
	}
	char c = p->s[p->i];
	bool keyword_lit = strncmp(p->s + p->i, "true", 4) == 0 && !is_ident_char(p->s[p->i + 4]);
	keyword_lit |= strncmp(p->s + p->i, "false", 5) == 0 && !is_ident_char(p->s[p->i + 5]);
	if (is_ident_start(c) && !keyword_lit) {
		struct expr *e = ex_new(E_FACT, pos);
		if (!e)
			return BD_E_NOMEM;
		int rc = p_ident(p, &e->name);
		if (rc < 0) {
			expr_free(e);
			return rc;
		}
		static const char *const reserved[] = {"and", "or", "not", "in", "has"};
		for (size_t k = 0; k < sizeof reserved / sizeof reserved[0]; k++)
			if (strcmp(e->name, reserved[k]) == 0) {
				p->i = pos;
				expr_free(e);
				return p_fail(p, "expected a fact name or a value");
			}
		*out = e;
		return 0;
	}
	if (c != '\'' && c != '"' && c != '-' && !isdigit((unsigned char)c) && !keyword_lit)
		return p_fail(p, c ? "expected a fact name or a value"
				   : "expected a fact name or a value, but the condition ends here");
	struct expr *e = ex_new(E_LIT, pos);
	if (!e)
		return BD_E_NOMEM;
	int rc = p_literal(p, &e->lit);
	if (rc < 0) {
		expr_free(e);
		return rc;
	}
	*out = e;
	return 0;
}

static int p_cmp(struct parser *p, struct expr **out)
{
	struct expr *a = NULL;
	int rc = p_operand(p, &a);
	if (rc < 0)
		return rc;
	p_ws(p);
	size_t pos = p->i;
	static const struct {
		const char *sym;
		enum expr_op op;
	} ops[] = {{"==", OP_EQ}, {"!=", OP_NE}, {"<=", OP_LE}, {">=", OP_GE}, {"<", OP_LT}, {">", OP_GT}};
	for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++) {
		if (!p_sym(p, ops[k].sym))
			continue;
		struct expr *e = ex_new(E_CMP, pos);
		if (!e) {
			expr_free(a);
			return BD_E_NOMEM;
		}
		e->op = ops[k].op;
		e->a = a;
		if ((rc = p_operand(p, &e->b)) < 0) {
			expr_free(e);
			return rc;
		}
		*out = e;
		return 0;
	}
	if (p_word(p, "in")) {
		struct expr *e = ex_new(E_IN, pos);
		if (!e) {
			expr_free(a);
			return BD_E_NOMEM;
		}
		e->a = a;
		if (!p_sym(p, "[")) {
			expr_free(e);
			return p_fail(p, "expected '[' after in");
		}
		e->set = calloc(EXPR_MAX_SET, sizeof *e->set);
		if (!e->set) {
			expr_free(e);
			return BD_E_NOMEM;
		}
		do {
			if (e->nset == EXPR_MAX_SET) {
				expr_free(e);
				return p_fail(p, "too many values in list");
			}
			if ((rc = p_literal(p, &e->set[e->nset])) < 0) {
				expr_free(e);
				return rc;
			}
			e->nset++;
		} while (p_sym(p, ","));
		if (!p_sym(p, "]")) {
			expr_free(e);
			return p_fail(p, "expected ']'");
		}
		*out = e;
		return 0;
	}
	if (p_word(p, "has")) {
		struct expr *e = ex_new(E_HAS, pos);
		if (!e) {
			expr_free(a);
			return BD_E_NOMEM;
		}
		e->a = a;
		e->b = ex_new(E_LIT, p->i);
		if (!e->b) {
			expr_free(e);
			return BD_E_NOMEM;
		}
		if ((rc = p_literal(p, &e->b->lit)) < 0) {
			expr_free(e);
			return rc;
		}
		*out = e;
		return 0;
	}
	*out = a;
	return 0;
}

static int p_not(struct parser *p, struct expr **out)
{
	p_ws(p);
	size_t pos = p->i;
	if (p_word(p, "not")) {
		if (++p->depth > EXPR_MAX_DEPTH)
			return p_fail(p, "expression nests too deeply");
		struct expr *e = ex_new(E_NOT, pos);
		if (!e)
			return BD_E_NOMEM;
		int rc = p_not(p, &e->a);
		p->depth--;
		if (rc < 0) {
			expr_free(e);
			return rc;
		}
		*out = e;
		return 0;
	}
	return p_cmp(p, out);
}

static int p_binary(struct parser *p, struct expr **out, const char *word, enum expr_kind kind,
		    int (*sub)(struct parser *, struct expr **))
{
	struct expr *a = NULL;
	int rc = sub(p, &a);
	if (rc < 0)
		return rc;
	for (;;) {
		p_ws(p);
		size_t pos = p->i;
		if (!p_word(p, word))
			break;
		struct expr *e = ex_new(kind, pos);
		if (!e) {
			expr_free(a);
			return BD_E_NOMEM;
		}
		e->a = a;
		if ((rc = sub(p, &e->b)) < 0) {
			expr_free(e);
			return rc;
		}
		a = e;
	}
	*out = a;
	return 0;
}

static int p_and(struct parser *p, struct expr **out)
{
	return p_binary(p, out, "and", E_AND, p_not);
}

static int p_or(struct parser *p, struct expr **out)
{
	if (++p->depth > EXPR_MAX_DEPTH)
		return p_fail(p, "expression nests too deeply");
	int rc = p_binary(p, out, "or", E_OR, p_and);
	p->depth--;
	return rc;
}

int expr_parse(const char *src, struct expr **out, struct expr_error *err)
{
	struct parser p = {src, 0, 0, err};
	if (err)
		memset(err, 0, sizeof *err);
	*out = NULL;
	p_ws(&p);
	if (!src[p.i])
		return p_fail(&p, "empty condition");
	int rc = p_or(&p, out);
	if (rc == 0) {
		p_ws(&p);
		if (src[p.i]) {
			expr_free(*out);
			*out = NULL;
			return p_fail(&p, "unexpected text; expected 'and', 'or' or the end");
		}
	}
	return rc;
}

/* ---- binding ---- */

static int b_fail(struct expr_error *err, size_t pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int b_fail(struct expr_error *err, size_t pos, const char *fmt, ...)
{
	if (err && !err->msg[0]) {
		va_list ap;
		va_start(ap, fmt);
		err->pos = pos;
		vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
	}
	return BD_E_INVALID;
}

static enum fv_type ex_type(const struct expr *e)
{
	switch (e->kind) {
	case E_LIT: return e->lit.type;
	case E_FACT: return e->ftype;
	default: return FV_BOOL;
	}
}

static int bind_literal_against(const struct expr *fact, const struct fact_value *lit,
				const struct expr_env *env, struct expr_error *err, size_t pos)
{
	enum fv_type want = fact->ftype == FV_LIST ? FV_STRING : fact->ftype;
	if (lit->type != want)
		return b_fail(err, pos, "'%s' is a %s fact; compare it with a value of that type",
			      fact->name, fv_type_name(fact->ftype));
	if (lit->type == FV_STRING && env->value_ok) {
		char suggest[64] = "";
		if (!env->value_ok(env->ctx, fact->fact, lit->str, suggest, sizeof suggest)) {
			char what[160];
			snprintf(what, sizeof what, "'%s' can never be '%s'", fact->name, lit->str);
			if (suggest[0])
				return b_fail(err, pos, "%s (did you mean '%s'?)", what, suggest);
			return b_fail(err, pos, "%s", what);
		}
	}
	return 0;
}

int expr_bind(struct expr *e, const struct expr_env *env, struct expr_error *err)
{
	int rc;
	if (!e)
		return 0;
	switch (e->kind) {
	case E_LIT: return 0;
	case E_FACT:
	case E_KNOWN:
		e->fact = env->resolve(env->ctx, e->name, &e->ftype);
		if (e->fact < 0)
			return b_fail(err, e->pos,
				      "unknown fact '%s'; it must be declared in facts.json or set "
				      "by a node's \"fact\"", e->name);
		return 0;
	case E_NOT: return expr_bind(e->a, env, err);
	case E_AND:
	case E_OR:
		if ((rc = expr_bind(e->a, env, err)) < 0)
			return rc;
		return expr_bind(e->b, env, err);
	case E_CMP: {
		if ((rc = expr_bind(e->a, env, err)) < 0 || (rc = expr_bind(e->b, env, err)) < 0)
			return rc;
		const struct expr *f = e->a->kind == E_FACT ? e->a : e->b->kind == E_FACT ? e->b : NULL;
		const struct expr *l = f == e->a ? e->b : e->a;
		if (f && l->kind == E_LIT) {
			if (f->ftype == FV_LIST)
				return b_fail(err, e->pos, "'%s' is a list; use '%s has VALUE'", f->name,
					      f->name);
			if ((rc = bind_literal_against(f, &l->lit, env, err, l->pos)) < 0)
				return rc;
		} else if (ex_type(e->a) != ex_type(e->b)) {
			return b_fail(err, e->pos, "cannot compare a %s with a %s",
				      fv_type_name(ex_type(e->a)), fv_type_name(ex_type(e->b)));
		}
		enum fv_type t = ex_type(e->a);
		if (e->op != OP_EQ && e->op != OP_NE && t != FV_NUMBER)
			return b_fail(err, e->pos, "'<', '<=', '>' and '>=' need numbers, not a %s",
				      fv_type_name(t));
		return 0;
	}
	case E_IN:
		if ((rc = expr_bind(e->a, env, err)) < 0)
			return rc;
		if (e->a->kind != E_FACT)
			return b_fail(err, e->pos, "the left side of 'in' must be a fact");
		for (size_t i = 0; i < e->nset; i++)
			if ((rc = bind_literal_against(e->a, &e->set[i], env, err, e->pos)) < 0)
				return rc;
		return 0;
	case E_HAS:
		if ((rc = expr_bind(e->a, env, err)) < 0)
			return rc;
		if (e->a->kind != E_FACT || e->a->ftype != FV_LIST)
			return b_fail(err, e->pos, "'has' needs a list fact on its left");
		if (e->b->lit.type != FV_STRING)
			return b_fail(err, e->b->pos, "'has' needs a 'text' value on its right");
		return 0;
	}
	return 0;
}

/* ---- evaluation ---- */

static const struct fact_value *ev_value(const struct expr *e, expr_get_fn get, void *ctx)
{
	if (e->kind == E_LIT)
		return &e->lit;
	if (e->kind == E_FACT)
		return e->fact >= 0 ? get(ctx, e->fact) : NULL;
	return NULL;
}

static enum tri ev_truthy(const struct fact_value *v)
{
	if (!v)
		return TRI_UNKNOWN;
	switch (v->type) {
	case FV_BOOL: return v->b ? TRI_TRUE : TRI_FALSE;
	case FV_NUMBER: return v->num != 0 ? TRI_TRUE : TRI_FALSE;
	case FV_STRING: return v->str[0] ? TRI_TRUE : TRI_FALSE;
	case FV_LIST: return v->nlist ? TRI_TRUE : TRI_FALSE;
	case FV_NONE: break;
	}
	return TRI_UNKNOWN;
}

static enum tri ev_cmp(enum expr_op op, const struct fact_value *a, const struct fact_value *b)
{
	if (!a || !b)
		return TRI_UNKNOWN;
	if (a->type != b->type)
		return op == OP_NE ? TRI_TRUE : TRI_FALSE;
	int c = 0;
	if (a->type == FV_NUMBER)
		c = a->num < b->num ? -1 : a->num > b->num ? 1 : 0;
	else if (a->type == FV_STRING)
		c = strcmp(a->str, b->str);
	else
		c = fv_equal(a, b) ? 0 : 1;
	bool r = false;
	switch (op) {
	case OP_EQ: r = c == 0; break;
	case OP_NE: r = c != 0; break;
	case OP_LT: r = c < 0; break;
	case OP_LE: r = c <= 0; break;
	case OP_GT: r = c > 0; break;
	case OP_GE: r = c >= 0; break;
	}
	return r ? TRI_TRUE : TRI_FALSE;
}

enum tri expr_eval(const struct expr *e, expr_get_fn get, void *ctx)
{
	if (!e)
		return TRI_TRUE;
	switch (e->kind) {
	case E_LIT:
	case E_FACT: return ev_truthy(ev_value(e, get, ctx));
	case E_KNOWN: return e->fact >= 0 && get(ctx, e->fact) ? TRI_TRUE : TRI_FALSE;
	case E_NOT: {
		enum tri t = expr_eval(e->a, get, ctx);
		return t == TRI_UNKNOWN ? t : t == TRI_TRUE ? TRI_FALSE : TRI_TRUE;
	}
	case E_AND: {
		enum tri a = expr_eval(e->a, get, ctx);
		if (a == TRI_FALSE)
			return TRI_FALSE;
		enum tri b = expr_eval(e->b, get, ctx);
		if (b == TRI_FALSE)
			return TRI_FALSE;
		return a == TRI_TRUE && b == TRI_TRUE ? TRI_TRUE : TRI_UNKNOWN;
	}
	case E_OR: {
		enum tri a = expr_eval(e->a, get, ctx);
		if (a == TRI_TRUE)
			return TRI_TRUE;
		enum tri b = expr_eval(e->b, get, ctx);
		if (b == TRI_TRUE)
			return TRI_TRUE;
		return a == TRI_FALSE && b == TRI_FALSE ? TRI_FALSE : TRI_UNKNOWN;
	}
	case E_CMP: return ev_cmp(e->op, ev_value(e->a, get, ctx), ev_value(e->b, get, ctx));
	case E_IN: {
		const struct fact_value *v = ev_value(e->a, get, ctx);
		if (!v)
			return TRI_UNKNOWN;
		for (size_t i = 0; i < e->nset; i++)
			if (fv_equal(v, &e->set[i]))
				return TRI_TRUE;
		return TRI_FALSE;
	}
	case E_HAS: {
		const struct fact_value *v = ev_value(e->a, get, ctx);
		if (!v)
			return TRI_UNKNOWN;
		if (v->type != FV_LIST)
			return TRI_FALSE;
		for (size_t i = 0; i < v->nlist; i++)
			if (strcmp(v->list[i], e->b->lit.str) == 0)
				return TRI_TRUE;
		return TRI_FALSE;
	}
	}
	return TRI_UNKNOWN;
}

void expr_for_each_fact(const struct expr *e, void (*cb)(void *ctx, int fact_id), void *ctx)
{
	if (!e)
		return;
	if ((e->kind == E_FACT || e->kind == E_KNOWN) && e->fact >= 0)
		cb(ctx, e->fact);
	expr_for_each_fact(e->a, cb, ctx);
	expr_for_each_fact(e->b, cb, ctx);
}

int expr_first_unknown(const struct expr *e, expr_get_fn get, void *ctx)
{
	if (!e)
		return -1;
	if (e->kind == E_FACT && e->fact >= 0 && !get(ctx, e->fact))
		return e->fact;
	if (e->kind == E_KNOWN)
		return -1;
	int id = expr_first_unknown(e->a, get, ctx);
	return id >= 0 ? id : expr_first_unknown(e->b, get, ctx);
}
