/* picker.c - the looks of an LED on one device (see picker.h). */
#include "picker.h"

#include <stdlib.h>
#include <string.h>

/* Timings used when a look has no status animation of its own; they follow
 * the catalogue's usual values (knowledge/leds.json). */
#define PICK_BREATHE_MS 3000
#define PICK_BLINK_MS 200
#define PICK_FAST_MS 50
#define PICK_ALTERNATE_MS 300
#define PICK_CODE_ON_MS 300
#define PICK_CODE_OFF_MS 300
#define PICK_CODE_PAUSE_MS 1200
#define PICK_CODE_MAX 20

bool picker_pattern_counted(const char *p)
{
	return p && (!strcmp(p, "sos") || !strcmp(p, "blink-code"));
}

bool picker_pattern_two_colors(const char *p)
{
	return p && !strcmp(p, "alternating");
}

static bool eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static bool same_look(const struct led_report *a, const struct led_report *b)
{
	return eq(a->color, b->color) && eq(a->pattern, b->pattern) && a->count == b->count &&
	       eq(a->color2, b->color2);
}

void picker_anim_free(struct picker_anim *pa)
{
	free(pa->own);
	pa->own = NULL;
	memset(&pa->a, 0, sizeof pa->a);
}

/* Whether a sequence ever shows colour c. */
static bool sequence_shows(const struct kb_anim *a, const char *c)
{
	for (size_t i = 0; i < a->nsteps; i++)
		if (a->steps[i].color && !strcmp(a->steps[i].color, c))
			return true;
	return false;
}

/* The status's animation fits the report: same kind of movement, and it
 * shows the reported colour (a single-colour animation is recoloured). */
static bool borrow(const struct led_report *r, const struct kb_led *l, struct kb_anim *a)
{
	const struct kb_anim *s = &l->anim;
	const char *p = r->pattern;
	*a = *s;
	/* kb_anim's colour members are not const; the strings are only read. */
	char *color = (char *)r->color;
	if (!strcmp(p, "off"))
		return s->type == KB_ANIM_OFF;
	if (s->type == KB_ANIM_SEQUENCE)
		return sequence_shows(s, r->color) &&
		       (!r->color2 || sequence_shows(s, r->color2)) && strcmp(p, "sos");
	if (!strcmp(p, "breathing") && s->type == KB_ANIM_BREATHE) {
		a->color = color;
		return true;
	}
	if ((!strcmp(p, "blinking") || !strcmp(p, "fast-blinking")) && s->type == KB_ANIM_BLINK) {
		a->color = color;
		return true;
	}
	if (!strcmp(p, "solid") && s->type == KB_ANIM_SOLID) {
		a->color = color;
		return true;
	}
	if (!strcmp(p, "sos") && s->type == KB_ANIM_SOS)
		return r->count < 0 || s->count == r->count;
	if (!strcmp(p, "alternating") && s->type == KB_ANIM_ALTERNATE) {
		a->colors[0] = color;
		a->colors[1] = (char *)(r->color2 ? r->color2 : s->colors[1]);
		return true;
	}
	return false;
}

int picker_anim_for(const struct kb *kb, const struct led_report *r, const struct kb_led *status,
		    struct picker_anim *out)
{
	(void)kb;
	memset(out, 0, sizeof *out);
	struct kb_anim *a = &out->a;
	const char *p = r->pattern ? r->pattern : "solid";
	if (status && r->color && r->pattern && borrow(r, status, a))
		return 0;
	memset(a, 0, sizeof *a);
	char *color = (char *)(r->color ? r->color : "white");
	if (!strcmp(p, "off") || !strcmp(color, "off")) {
		a->type = KB_ANIM_OFF;
	} else if (!strcmp(p, "breathing")) {
		a->type = KB_ANIM_BREATHE;
		a->color = color;
		a->period_ms = PICK_BREATHE_MS;
	} else if (!strcmp(p, "blinking") || !strcmp(p, "fast-blinking")) {
		a->type = KB_ANIM_BLINK;
		a->color = color;
		a->on_ms = a->off_ms = !strcmp(p, "blinking") ? PICK_BLINK_MS : PICK_FAST_MS;
	} else if (!strcmp(p, "sos")) {
		a->type = KB_ANIM_SOS;
		a->count = r->count > 0 ? r->count : 0;
	} else if (!strcmp(p, "alternating")) {
		a->type = KB_ANIM_ALTERNATE;
		a->colors[0] = color;
		a->colors[1] = (char *)(r->color2 ? r->color2 : "off");
		a->on_ms = PICK_ALTERNATE_MS;
	} else if (!strcmp(p, "blink-code")) {
		int n = r->count > 0 ? r->count : 2;
		if (n > PICK_CODE_MAX)
			n = PICK_CODE_MAX;
		out->own = calloc((size_t)n * 2 + 1, sizeof *out->own);
		if (!out->own)
			return BD_E_NOMEM;
		for (int i = 0; i < n; i++) {
			out->own[2 * i] = (struct kb_anim_step){color, PICK_CODE_ON_MS, 1.0, false};
			out->own[2 * i + 1] =
				(struct kb_anim_step){(char *)"off", PICK_CODE_OFF_MS, 0.0, false};
		}
		out->own[2 * n] = (struct kb_anim_step){(char *)"off", PICK_CODE_PAUSE_MS, 0.0, false};
		a->type = KB_ANIM_SEQUENCE;
		a->steps = out->own;
		a->nsteps = (size_t)n * 2 + 1;
		a->repeat = true;
	} else {
		a->type = KB_ANIM_SOLID;
		a->color = color;
	}
	return 0;
}

void picker_free(struct picker *p)
{
	for (size_t i = 0; i < p->n; i++)
		picker_anim_free(&p->v[i].anim);
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

int picker_build(const struct kb *kb, const struct kb_device *dev, struct picker *p)
{
	memset(p, 0, sizeof *p);
	size_t cap = 0;
	for (size_t i = 0; i < kb_led_count(kb); i++)
		cap += kb_led_at(kb, i)->nmatch;
	p->v = calloc(cap + 1, sizeof *p->v);
	if (!p->v)
		return BD_E_NOMEM;
	for (size_t i = 0; i < kb_led_count(kb); i++) {
		const struct kb_led *l = kb_led_at(kb, i);
		if (dev && !led_shown_on(l, dev))
			continue;
		for (size_t k = 0; k < l->nmatch; k++) {
			const struct kb_match *m = &l->match[k];
			struct led_report r = {m->color, m->pattern, m->count, m->color2};
			const struct kb_color *c = kb_color_find(kb, m->color);
			if (c)
				r.color = c->id;
			bool sos = m->pattern && !strcmp(m->pattern, "sos");
			if (sos)
				r.count = -1;
			size_t j;
			for (j = 0; j < p->n; j++)
				if (same_look(&p->v[j].report, &r))
					break;
			if (j < p->n) {
				p->v[j].nstatuses++;
				continue;
			}
			struct picker_look *look = &p->v[p->n];
			look->report = r;
			look->led = l;
			look->nstatuses = 1;
			look->needs_count = sos;
			if (picker_anim_for(kb, &r, sos ? NULL : l, &look->anim) < 0) {
				picker_free(p);
				return BD_E_NOMEM;
			}
			p->n++;
		}
	}
	return (int)p->n;
}

static const char *color_words(const struct kb *kb, const char *id)
{
	const struct kb_color *c = id ? kb_color_find(kb, id) : NULL;
	return c && c->words ? c->words : id ? id : "some colour";
}

void picker_words(const struct kb *kb, const struct led_report *r, struct strbuf *sb)
{
	const struct kb_pattern *pt = r->pattern ? kb_pattern_find(kb, r->pattern) : NULL;
	const char *pw = pt && pt->words ? pt->words : r->pattern ? r->pattern : "";
	if ((r->color && !strcmp(r->color, "off")) || (r->pattern && !strcmp(r->pattern, "off"))) {
		strbuf_puts(sb, color_words(kb, "off"));
		return;
	}
	strbuf_puts(sb, color_words(kb, r->color));
	if (picker_pattern_two_colors(r->pattern))
		strbuf_printf(sb, " and %s", r->color2 ? color_words(kb, r->color2) : "another colour");
	if (*pw)
		strbuf_printf(sb, ", %s", pw);
	if (picker_pattern_counted(r->pattern) && r->count >= 0)
		strbuf_printf(sb, " (%d blink%s)", r->count, r->count == 1 ? "" : "s");
}

void picker_short_words(const struct kb *kb, const struct led_report *r, struct strbuf *sb)
{
	const char *c = r->color ? r->color : "some colour", *p = r->pattern ? r->pattern : "";
	const struct kb_color *kc = r->color ? kb_color_find(kb, r->color) : NULL;
	if (kc)
		c = kc->id;
	if (!strcmp(c, "off") || !strcmp(p, "off")) {
		strbuf_puts(sb, "off (no light)");
		return;
	}
	/* The colour's words up to their explanation: "dark blue (deep blue, ...)". */
	const char *w = kc && kc->words && *kc->words ? kc->words : c;
	const char *paren = strstr(w, " (");
	strbuf_append(sb, w, paren ? (size_t)(paren - w) : strlen(w));
	if (!strcmp(p, "sos")) {
		if (r->count >= 0)
			strbuf_printf(sb, ", SOS then %d blink%s", r->count, r->count == 1 ? "" : "s");
		else
			strbuf_puts(sb, ", SOS then a number of blinks");
	} else if (!strcmp(p, "blink-code")) {
		if (r->count >= 0)
			strbuf_printf(sb, ", %d blink%s then a pause", r->count, r->count == 1 ? "" : "s");
		else
			strbuf_puts(sb, ", a few blinks then a pause");
	} else if (!strcmp(p, "alternating")) {
		strbuf_printf(sb, " and %s, alternating", r->color2 ? r->color2 : "another colour");
	} else if (*p) {
		strbuf_puts(sb, ", ");
		for (const char *q = p; *q; q++)
			strbuf_putc(sb, *q == '-' ? ' ' : *q);
	}
}
