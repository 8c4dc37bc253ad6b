/* The shipped knowledge base: lint-clean, and for every device and every LED
 * status it shows, the tree reaches that status from the status's own
 * report, with every text on the way rendered for that device: no leftover
 * placeholders, no unknown facts, no other device's button names. */
#include <ctype.h>
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
#include "led.h"
#include "session.h"

static struct kb *kb;

/* BD_TEST_KNOWLEDGE points the test at another copy (to see it fail). */
static const char *kb_dir_under_test(void)
{
	const char *e = getenv("BD_TEST_KNOWLEDGE");
	return e && *e ? e : SHIPPED_DIR;
}

static int setup(void **state)
{
	(void)state;
	struct diag d = {0};
	kb = kb_load(kb_dir_under_test(), &d);
	diag_free(&d);
	return kb ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	kb_free(kb);
	return 0;
}

static void test_lint_clean(void **state)
{
	(void)state;
	struct diag d = {0};
	struct kb *k = kb_load(kb_dir_under_test(), &d);
	if (k)
		kb_lint(k, &d);
	for (size_t i = 0; i < d.n && i < 40; i++)
		fprintf(stderr, "%s:%d:%d: [%s] %s\n", d.v[i].file ? d.v[i].file : "-", d.v[i].line,
			d.v[i].col, d.v[i].node ? d.v[i].node : "-", d.v[i].msg);
	assert_int_equal(d.errors, 0);
	assert_int_equal(d.warnings, 0);
	diag_free(&d);
	kb_free(k);
}

/* ---- search for a status ---- */

#define MAX_ANSWERS 48
struct plan {
	const char *node[MAX_ANSWERS];
	char value[MAX_ANSWERS][64];
	int n;
};

static struct session *build(const struct kb_device *dev, const struct kb_match *m,
			     const struct plan *p)
{
	struct session *s = session_new(kb);
	struct bd_error err = {0};
	session_set_auto_continue(s, true);
	session_set_device(s, dev, &err);
	session_set_fact_text(s, "led.color", m->color, &err);
	session_set_fact_text(s, "led.pattern", m->pattern, &err);
	if (m->color2)
		session_set_fact_text(s, "led.color2", m->color2, &err);
	if (m->count >= 0) {
		char n[16];
		snprintf(n, sizeof n, "%d", m->count);
		session_set_fact_text(s, "led.count", n, &err);
	}
	for (int i = 0; i < p->n; i++)
		session_push_answer(s, p->node[i], p->value[i], HOW_PRESET, NULL, NULL, NULL, 0);
	session_start(s, NULL, &err);
	return s;
}

#define QUEUE_MAX 6000

/* Breadth-first over answers until the walk reaches status l. */
static bool reach(const struct kb_device *dev, const struct kb_led *l, const struct kb_match *m,
		  struct plan *found)
{
	struct plan *q = calloc(QUEUE_MAX, sizeof *q);
	size_t head = 0, tail = 1;
	bool ok = false;
	while (head < tail && !ok) {
		struct plan cur = q[head++];
		struct session *s = build(dev, m, &cur);
		if (session_led_status(s) == l) {
			*found = cur;
			ok = true;
		} else if (session_state(s) == SESSION_WAITING && cur.n < MAX_ANSWERS - 1) {
			const struct kb_node *n = session_current(s);
			const char *vals[64];
			char numbuf[16][8];
			size_t nv = 0;
			if (n->type == KB_ACTION) {
				vals[nv++] = "ok";
				vals[nv++] = "failed";
				vals[nv++] = "unavailable";
			} else if (n->has_input) {
				for (int v = (int)n->in_min; v <= (int)n->in_max && nv < 16; v++) {
					snprintf(numbuf[nv], sizeof numbuf[0], "%d", v);
					vals[nv] = numbuf[nv];
					nv++;
				}
			} else {
				const struct kb_option *o[64];
				size_t k = session_visible_options(s, n, o, 64);
				for (size_t i = 0; i < k && i < 64; i++)
					vals[nv++] = o[i]->value;
			}
			for (size_t i = 0; i < nv && tail < QUEUE_MAX; i++) {
				struct plan next = cur;
				next.node[next.n] = n->id;
				snprintf(next.value[next.n], sizeof next.value[0], "%s", vals[i]);
				next.n++;
				q[tail++] = next;
			}
		}
		session_free(s);
	}
	free(q);
	return ok;
}

/* ---- wording checks ---- */

struct wording {
	const struct kb_device *dev;
	const char *where;
	int problems;
};

static bool has_word(const char *text, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = strstr(text, word); p; p = strstr(p + 1, word)) {
		bool left = p == text || !isalnum((unsigned char)p[-1]);
		bool right = !isalnum((unsigned char)p[n]);
		if (left && right)
			return true;
	}
	return false;
}

static void check_text(struct wording *w, const char *text)
{
	static const char *const labels[] = {"MODE", "SETUP", "RESET", "RST"};
	const struct fact_value *mb = fact_store_get(&w->dev->facts, kb_fact_id(kb, "device.mode_button"));
	const struct fact_value *rb = fact_store_get(&w->dev->facts, kb_fact_id(kb, "device.reset_button"));
	if (strchr(text, '{') || strchr(text, '}') || strstr(text, "(unknown)")) {
		fprintf(stderr, "%s, %s: unrendered placeholder in: %s\n", w->dev->id, w->where, text);
		w->problems++;
	}
	for (size_t i = 0; i < 4; i++) {
		if (!strcmp(labels[i], mb->str) || !strcmp(labels[i], rb->str))
			continue;
		if (has_word(text, labels[i])) {
			fprintf(stderr, "%s, %s: names button %s, which a %s does not have: %s\n",
				w->dev->id, w->where, labels[i], w->dev->name, text);
			w->problems++;
		}
	}
}

static void check_step(void *ctx, const char *step)
{
	check_text(ctx, step);
}

static void check_rendered(struct wording *w, const struct session *s, const struct kb_text *t)
{
	struct strbuf sb = STRBUF_INIT;
	session_render(s, t, &sb);
	check_text(w, strbuf_str(&sb));
	strbuf_free(&sb);
}

/* Checks every text the walk showed for this device. */
static void check_walk(struct wording *w, const struct session *s)
{
	for (size_t i = 0; i < session_path_len(s); i++) {
		const struct kb_node *n = session_path_at(s, i)->node;
		w->where = n->id;
		check_rendered(w, s, &n->title);
		check_rendered(w, s, &n->text);
		check_rendered(w, s, &n->cause);
		check_rendered(w, s, &n->expect);
		const struct kb_option *o[64];
		size_t k = session_visible_options(s, n, o, 64);
		for (size_t j = 0; j < k && j < 64; j++)
			check_rendered(w, s, &o[j]->label);
		if (n->type == KB_INSTRUCTION)
			session_render_instruction(s, n, check_step, w);
		session_render_steps(s, &n->fix, check_step, w);
	}
}

static void test_every_status_on_every_device(void **state)
{
	(void)state;
	int missing = 0, wording = 0, walks = 0;
	for (size_t di = 0; di < kb_device_count(kb); di++) {
		const struct kb_device *dev = kb_device_at(kb, di);
		for (size_t li = 0; li < kb_led_count(kb); li++) {
			const struct kb_led *l = kb_led_at(kb, li);
			if (!led_shown_on(l, dev))
				continue;
			for (size_t mi = 0; mi < l->nmatch; mi++) {
				struct plan p = {0};
				walks++;
				if (!reach(dev, l, &l->match[mi], &p)) {
					fprintf(stderr, "%s: status %s not reached from %s %s\n", dev->id,
						l->id, l->match[mi].color, l->match[mi].pattern);
					missing++;
					continue;
				}
				struct session *s = build(dev, &l->match[mi], &p);
				struct wording w = {dev, NULL, 0};
				check_walk(&w, s);
				wording += w.problems;
				session_free(s);
			}
		}
	}
	fprintf(stderr, "walked %d (device, status, report) combinations\n", walks);
	assert_true(walks > 300);
	assert_int_equal(missing, 0);
	assert_int_equal(wording, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lint_clean),
		cmocka_unit_test(test_every_status_on_every_device),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
