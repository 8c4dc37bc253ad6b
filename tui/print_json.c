#include <stdlib.h>
#include <string.h>

#include "printers.h"
#include "transcript.h"

static void j_begin(void *ctx, const struct kb_device *dev)
{
	struct json_printer *p = ctx;
	if (dev) {
		cJSON_AddStringToObject(p->root, "device", dev->id);
		cJSON_AddStringToObject(p->root, "device_name", dev->name);
		cJSON_AddNumberToObject(p->root, "platform_id", dev->platform_id);
	} else {
		cJSON_AddNullToObject(p->root, "device");
	}
}

static void j_led(void *ctx, const struct kb_led *led)
{
	struct json_printer *p = ctx;
	cJSON_DeleteItemFromObjectCaseSensitive(p->root, "led_status");
	cJSON *o = cJSON_AddObjectToObject(p->root, "led_status");
	cJSON_AddStringToObject(o, "id", led->id);
	cJSON_AddStringToObject(o, "title", led->title);
}

static void j_sos(void *ctx, int code, const char *name)
{
	struct json_printer *p = ctx;
	cJSON_DeleteItemFromObjectCaseSensitive(p->root, "sos");
	cJSON *o = cJSON_AddObjectToObject(p->root, "sos");
	cJSON_AddNumberToObject(o, "code", code);
	cJSON_AddStringToObject(o, "name", name);
}

static void j_explanation(void *ctx, const char *text)
{
	struct json_printer *p = ctx;
	cJSON_DeleteItemFromObjectCaseSensitive(p->root, "explanation");
	cJSON_AddStringToObject(p->root, "explanation", text);
	p->steps = cJSON_AddArrayToObject(p->root, "steps");
}

static void j_step(void *ctx, const char *text)
{
	struct json_printer *p = ctx;
	if (!p->steps)
		p->steps = cJSON_AddArrayToObject(p->root, "steps");
	cJSON_AddItemToArray(p->steps, cJSON_CreateString(text));
}

static void j_question(void *ctx, const struct report_question *q)
{
	struct json_printer *p = ctx;
	cJSON *o = cJSON_AddObjectToObject(p->root, "next_question");
	cJSON_AddStringToObject(o, "id", q->id);
	cJSON_AddStringToObject(o, "type", q->type);
	cJSON_AddStringToObject(o, "prompt", q->title);
	cJSON_AddStringToObject(o, "text", q->text);
	cJSON *opts = cJSON_AddArrayToObject(o, "options");
	for (size_t i = 0; i < q->noptions; i++) {
		cJSON *op = cJSON_CreateObject();
		cJSON_AddStringToObject(op, "value", q->options[i].value);
		cJSON_AddStringToObject(op, "label", q->options[i].label);
		if (q->options[i].hint[0])
			cJSON_AddStringToObject(op, "hint", q->options[i].hint);
		cJSON_AddItemToArray(opts, op);
	}
	if (q->has_input) {
		cJSON *in = cJSON_AddObjectToObject(o, "input");
		cJSON_AddStringToObject(in, "type", "number");
		cJSON_AddNumberToObject(in, "min", q->min);
		cJSON_AddNumberToObject(in, "max", q->max);
	}
	if (q->action) {
		cJSON_AddStringToObject(o, "action", q->action);
		if (q->expect[0])
			cJSON_AddStringToObject(o, "expect", q->expect);
	}
	cJSON_AddNullToObject(p->root, "conclusion");
}

static void j_conclusion(void *ctx, const struct report_conclusion *c)
{
	struct json_printer *p = ctx;
	cJSON_AddNullToObject(p->root, "next_question");
	cJSON *o = cJSON_AddObjectToObject(p->root, "conclusion");
	cJSON_AddStringToObject(o, "id", c->id);
	cJSON_AddStringToObject(o, "outcome", c->outcome);
	cJSON_AddStringToObject(o, "title", c->title);
	cJSON_AddStringToObject(o, "cause", c->cause);
	cJSON *fix = cJSON_AddArrayToObject(o, "fix");
	for (size_t i = 0; i < c->nfix; i++)
		cJSON_AddItemToArray(fix, cJSON_CreateString(c->fix[i]));
	if (c->next)
		cJSON_AddStringToObject(o, "if_not_fixed", c->next);
}

static void j_stuck(void *ctx, const char *reason)
{
	struct json_printer *p = ctx;
	cJSON_AddNullToObject(p->root, "next_question");
	cJSON_AddNullToObject(p->root, "conclusion");
	cJSON_AddStringToObject(p->root, "stuck", reason);
}

static void j_event(void *ctx, const struct session_event *ev)
{
	struct json_printer *p = ctx;
	if (!p->transcript)
		p->transcript = cJSON_AddArrayToObject(p->root, "transcript");
	cJSON_AddItemToArray(p->transcript, transcript_event_json(ev));
}

static void j_end(void *ctx, enum report_status status)
{
	struct json_printer *p = ctx;
	(void)status;
	if (!cJSON_HasObjectItem(p->root, "led_status"))
		cJSON_AddNullToObject(p->root, "led_status");
	if (!cJSON_HasObjectItem(p->root, "sos"))
		cJSON_AddNullToObject(p->root, "sos");
	if (!p->transcript)
		p->transcript = cJSON_AddArrayToObject(p->root, "transcript");
}

void json_printer_init(struct json_printer *p)
{
	memset(p, 0, sizeof *p);
	p->root = cJSON_CreateObject();
}

struct report_sink json_printer_sink(struct json_printer *p)
{
	struct report_sink s = {j_begin, j_led, j_sos, j_explanation, j_step, j_question,
				j_conclusion, j_stuck, j_event, j_end, p};
	return s;
}

void json_printer_finish(struct json_printer *p, FILE *f)
{
	char *out = cJSON_Print(p->root);
	if (out) {
		fputs(out, f);
		fputc('\n', f);
		free(out);
	}
	cJSON_Delete(p->root);
	p->root = NULL;
}
