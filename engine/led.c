#include "led.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const struct fact_value *dev_fact(void *ctx, int id)
{
	return fact_store_get(&((const struct kb_device *)ctx)->facts, id);
}

bool led_shown_on(const struct kb_led *l, const struct kb_device *dev)
{
	if (!l->shown_when)
		return true;
	return expr_eval(l->shown_when, dev_fact, (void *)dev) == TRI_TRUE;
}

static bool str_eq(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

bool led_report_matches(const struct kb_led *l, const struct led_report *r)
{
	for (size_t i = 0; i < l->nmatch; i++) {
		const struct kb_match *m = &l->match[i];
		if (!str_eq(m->color, r->color) || !str_eq(m->pattern, r->pattern))
			continue;
		if (m->count >= 0 && m->count != r->count)
			continue;
		if (m->color2 && !str_eq(m->color2, r->color2))
			continue;
		return true;
	}
	return false;
}

size_t led_match(const struct kb *kb, const struct kb_device *dev, const struct led_report *r,
		 const struct kb_led **out, size_t max)
{
	size_t k = 0;
	for (size_t i = 0; i < kb_led_count(kb); i++) {
		const struct kb_led *l = kb_led_at(kb, i);
		if (!led_shown_on(l, dev) || !led_report_matches(l, r))
			continue;
		if (k < max)
			out[k] = l;
		k++;
	}
	return k < max ? k : max;
}

/* Similarity of a report to one status: higher is closer. */
static int led_score(const struct kb_led *l, const struct led_report *r)
{
	int best = -1000;
	for (size_t i = 0; i < l->nmatch; i++) {
		const struct kb_match *m = &l->match[i];
		int s = 0;
		if (str_eq(m->color, r->color))
			s += 4;
		if (str_eq(m->pattern, r->pattern))
			s += 3;
		if (m->count >= 0 && r->count >= 0)
			s += abs(m->count - r->count) <= 1 ? 2 : -abs(m->count - r->count) / 4;
		if (m->color2 && str_eq(m->color2, r->color2))
			s += 1;
		if (s > best)
			best = s;
	}
	return best;
}

struct scored {
	const struct kb_led *l;
	int score;
	size_t order;
};

static int scored_cmp(const void *a, const void *b)
{
	const struct scored *x = a, *y = b;
	if (x->score != y->score)
		return y->score - x->score;
	return x->order < y->order ? -1 : x->order > y->order;
}

size_t led_closest(const struct kb *kb, const struct kb_device *dev, const struct led_report *r,
		   const struct kb_led **out, size_t max)
{
	size_t n = kb_led_count(kb), k = 0;
	struct scored *v = calloc(n + 1, sizeof *v);
	if (!v)
		return 0;
	for (size_t i = 0; i < n; i++) {
		const struct kb_led *l = kb_led_at(kb, i);
		if (!led_shown_on(l, dev))
			continue;
		v[k].l = l;
		v[k].score = led_score(l, r);
		v[k].order = i;
		k++;
	}
	qsort(v, k, sizeof *v, scored_cmp);
	size_t w = 0;
	for (size_t i = 0; i < k && w < max; i++)
		if (v[i].score > 0)
			out[w++] = v[i].l;
	free(v);
	return w;
}

/* SOS: three short, three long, three short, gap, count blinks, pause. */
static int64_t sos_cycle(const struct kb_sos_timing *t, int count)
{
	int64_t s = 3 * (t->short_on_ms + t->short_off_ms);
	int64_t l = 3 * (t->long_on_ms + t->long_off_ms);
	return 2 * s + l + t->gap_ms + (int64_t)count * (t->count_on_ms + t->count_off_ms) +
	       t->pause_ms;
}

static bool sos_on(const struct kb_sos_timing *t, int count, int64_t x)
{
	const int on[3] = {t->short_on_ms, t->long_on_ms, t->short_on_ms};
	const int off[3] = {t->short_off_ms, t->long_off_ms, t->short_off_ms};
	for (int g = 0; g < 3; g++)
		for (int i = 0; i < 3; i++) {
			if (x < on[g])
				return true;
			x -= on[g];
			if (x < off[g])
				return false;
			x -= off[g];
		}
	if (x < t->gap_ms)
		return false;
	x -= t->gap_ms;
	for (int i = 0; i < count; i++) {
		if (x < t->count_on_ms)
			return true;
		x -= t->count_on_ms;
		if (x < t->count_off_ms)
			return false;
		x -= t->count_off_ms;
	}
	return false;
}

int64_t led_anim_cycle_ms(const struct kb *kb, const struct kb_anim *a)
{
	switch (a->type) {
	case KB_ANIM_BREATHE: return a->period_ms > 0 ? a->period_ms : 3000;
	case KB_ANIM_BLINK: return (int64_t)a->on_ms + a->off_ms;
	case KB_ANIM_ALTERNATE: return 2 * (int64_t)(a->on_ms > 0 ? a->on_ms : 300);
	case KB_ANIM_SOS: return sos_cycle(kb_sos_timing(kb), a->count);
	case KB_ANIM_SEQUENCE: {
		int64_t total = 0;
		for (size_t i = 0; i < a->nsteps; i++)
			total += a->steps[i].ms;
		return total;
	}
	case KB_ANIM_SOLID:
	case KB_ANIM_OFF: break;
	}
	return 0;
}

/* A breath: smooth rise and fall over one period (0..1..0). */
static double breath(int64_t x, int64_t period)
{
	if (period <= 0)
		return 1.0;
	double phase = (double)(x % period) / (double)period;
	return 0.5 - 0.5 * cos(6.283185307179586 * phase);
}

void led_anim_sample(const struct kb *kb, const struct kb_anim *a, int64_t t_ms,
		     struct led_sample *out)
{
	int64_t cycle = led_anim_cycle_ms(kb, a);
	int64_t x = t_ms < 0 ? 0 : t_ms;
	out->color = "off";
	out->level = 0;
	switch (a->type) {
	case KB_ANIM_OFF: return;
	case KB_ANIM_SOLID:
		out->color = a->color;
		out->level = 1;
		return;
	case KB_ANIM_BREATHE:
		out->color = a->color;
		out->level = 0.08 + 0.92 * breath(x, cycle);
		return;
	case KB_ANIM_BLINK:
		if (cycle > 0 && x % cycle < a->on_ms) {
			out->color = a->color;
			out->level = 1;
		}
		return;
	case KB_ANIM_ALTERNATE:
		out->color = cycle > 0 && x % cycle < cycle / 2 ? a->colors[0] : a->colors[1];
		out->level = out->color ? 1 : 0;
		if (!out->color)
			out->color = "off";
		return;
	case KB_ANIM_SOS:
		if (cycle > 0 && sos_on(kb_sos_timing(kb), a->count, x % cycle)) {
			out->color = "red";
			out->level = 1;
		}
		return;
	case KB_ANIM_SEQUENCE: {
		if (cycle <= 0)
			return;
		if (!a->repeat && x >= cycle)
			x = cycle - 1;
		x %= cycle;
		for (size_t i = 0; i < a->nsteps; i++) {
			const struct kb_anim_step *s = &a->steps[i];
			if (x < s->ms) {
				out->color = s->color;
				out->level = s->breathe ? s->level * breath(x, s->ms) : s->level;
				if (!strcmp(s->color, "off"))
					out->level = 0;
				return;
			}
			x -= s->ms;
		}
		return;
	}
	}
}
