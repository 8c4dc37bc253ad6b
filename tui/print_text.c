#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "printers.h"

static void t_begin(void *ctx, const struct kb_device *dev)
{
	struct text_printer *p = ctx;
	p->dev = dev;
}

static void t_led(void *ctx, const struct kb_led *led)
{
	struct text_printer *p = ctx;
	fprintf(p->f, "%s: %s (%s)\n", p->dev ? p->dev->name : "Device", led->title, led->id);
	p->headed = true;
}

static void t_sos(void *ctx, int code, const char *name)
{
	struct text_printer *p = ctx;
	fprintf(p->f, "SOS code %d: %s\n", code, name);
	p->headed = true;
}

static void t_explanation(void *ctx, const char *text)
{
	struct text_printer *p = ctx;
	if (!text[0])
		return;
	free(p->explanation);
	p->explanation = strdup(text);
	if (p->headed)
		fputc('\n', p->f);
	p->headed = true;
	cli_wrap(p->f, text, p->width, "", "");
}

static void t_step(void *ctx, const char *text)
{
	struct text_printer *p = ctx;
	if (p->nsteps++ == 0)
		fprintf(p->f, "\nWhat to do:\n");
	char first[16];
	snprintf(first, sizeof first, "%3d. ", p->nsteps);
	cli_wrap(p->f, text, p->width, first, "     ");
}

static void t_question(void *ctx, const struct report_question *q)
{
	struct text_printer *p = ctx;
	fprintf(p->f, "\nNext question [%s]:\n", q->id);
	cli_wrap(p->f, q->title, p->width, "  ", "  ");
	if (q->text[0] && !(p->explanation && !strcmp(p->explanation, q->text)))
		cli_wrap(p->f, q->text, p->width, "  ", "  ");
	if (q->action)
		fprintf(p->f, "  (blinkdoc can do this step: %s)\n", q->action);
	if (q->has_input) {
		fprintf(p->f, "  Answer with: --answer %s=N (a number from %g to %g)\n", q->id,
			q->min, q->max);
		return;
	}
	fprintf(p->f, "  Answer with --answer %s=VALUE, one of:\n", q->id);
	/* One column for every value, as wide as the longest (up to 24). */
	int w = 8;
	for (size_t i = 0; i < q->noptions; i++) {
		int n = (int)strlen(q->options[i].value);
		if (n > w)
			w = n > 24 ? 24 : n;
	}
	char rest[40];
	snprintf(rest, sizeof rest, "%*s", 4 + w + 1, "");
	for (size_t i = 0; i < q->noptions; i++) {
		char first[64];
		snprintf(first, sizeof first, "    %-*s ", w, q->options[i].value);
		cli_wrap(p->f, q->options[i].label, p->width, first, rest);
	}
}

static void t_conclusion(void *ctx, const struct report_conclusion *c)
{
	struct text_printer *p = ctx;
	const char *tag = !strcmp(c->outcome, "healthy") ? "All is well"
			  : !strcmp(c->outcome, "problem") ? "Cause found"
							    : "Conclusion";
	fprintf(p->f, "\n%s: ", tag);
	cli_wrap(p->f, c->title, p->width, "", "  ");
	if (c->cause[0] && !(p->explanation && !strcmp(p->explanation, c->cause)))
		cli_wrap(p->f, c->cause, p->width, "  ", "  ");
	if (c->next)
		fprintf(p->f, "\nIf this did not help, go on with:\n  blinkdoc diagnose --device %s "
			      "--start %s\n", p->dev ? p->dev->id : "NAME", c->next);
}

static void t_stuck(void *ctx, const char *reason)
{
	struct text_printer *p = ctx;
	fprintf(p->f, "\nblinkdoc cannot go further: %s\n", reason);
}

static void t_event(void *ctx, const struct session_event *ev)
{
	struct text_printer *p = ctx;
	if (!p->transcript)
		return;
	fprintf(p->f, "  %s %-10s %s%s%s%s%s\n", ev->time, session_event_kind_name(ev->kind),
		ev->node ? ev->node : "", ev->value ? " = " : "", ev->value ? ev->value : "",
		ev->detail ? " - " : "", ev->detail ? ev->detail : "");
}

static void t_end(void *ctx, enum report_status status)
{
	struct text_printer *p = ctx;
	(void)status;
	free(p->explanation);
	p->explanation = NULL;
	fflush(p->f);
}

void text_printer_init(struct text_printer *p, FILE *f, bool transcript)
{
	memset(p, 0, sizeof *p);
	p->f = f;
	p->width = cli_width(f);
	p->transcript = transcript;
}

struct report_sink text_printer_sink(struct text_printer *p)
{
	struct report_sink s = {t_begin, t_led, t_sos, t_explanation, t_step, t_question,
				t_conclusion, t_stuck, t_event, t_end, p};
	return s;
}
