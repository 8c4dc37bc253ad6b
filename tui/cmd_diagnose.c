/* cmd_diagnose.c - `blinkdoc diagnose`: a non-interactive walk from a
 * device and an LED report as far as the given facts and answers allow. */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "common/strbuf.h"
#include "led.h"
#include "printers.h"
#include "session.h"

static const char diagnose_usage[] =
	"usage: blinkdoc diagnose --device NAME --color COLOR --pattern PATTERN\n"
	"                         [--count N] [--color2 COLOR] [--answer NODE=VALUE]...\n"
	"                         [--json] [-v]\n"
	"\n"
	"Explains what the status LED means on this device and walks the decision tree\n"
	"as far as the facts and answers you give allow.  It never touches a device.\n"
	"\n"
	"  --device NAME     platform name or alias, e.g. boron, photon, p2, \"Photon 2\"\n"
	"  --color COLOR     cyan, green, blue, magenta, yellow, red, orange, white, off\n"
	"                    (also: lime, \"dark blue\", purple, \"light blue\")\n"
	"  --pattern PATTERN breathing, blinking, fast-blinking, solid, sos, blink-code,\n"
	"                    alternating, off\n"
	"  --count N         blinks after the SOS, or red blinks in a blink code\n"
	"  --color2 COLOR    the second colour of an alternating pattern\n"
	"  --answer NODE=VALUE  answer a question in advance (repeatable); the question\n"
	"                    ids and values are printed when a question is reached\n"
	"  --start NODE      start the walk at this node instead of the LED questions\n"
	"                    (a conclusion names it when there is more to try)\n"
	"  --json            print one JSON object (see README: diagnose JSON)\n"
	"  -v                also print the transcript\n"
	"\n"
	"Exit: 0 done, 1 problem found or no known LED status matches, 2 usage error,\n"
	"      3 more answers needed.\n";

static void list_devices(FILE *f, const struct kb *kb)
{
	fprintf(f, "  valid devices:");
	for (size_t i = 0; i < kb_device_count(kb); i++)
		fprintf(f, " %s", kb_device_at(kb, i)->id);
	fprintf(f, "\n");
}

static void list_colors(FILE *f, const struct kb *kb)
{
	fprintf(f, "  valid colours:");
	for (size_t i = 0; i < kb_color_count(kb); i++) {
		const struct kb_color *c = kb_color_at(kb, i);
		fprintf(f, " %s", c->id);
		for (size_t a = 0; a < c->naliases; a++)
			fprintf(f, "%s%s%s", a ? ", " : " (", c->aliases[a], a + 1 == c->naliases ? ")" : "");
	}
	fprintf(f, "\n");
}

static void list_patterns(FILE *f, const struct kb *kb)
{
	fprintf(f, "  valid patterns:");
	for (size_t i = 0; i < kb_pattern_count(kb); i++)
		fprintf(f, " %s", kb_pattern_at(kb, i)->id);
	fprintf(f, "\n");
}

struct diag_args {
	const char *device, *color, *pattern, *color2, *count, *start;
	const char **answers;
	size_t nanswers;
	bool json;
	int verbose;
};

static int parse_args(int argc, char **argv, struct diag_args *a)
{
	static const struct option opts[] = {
		{"device", required_argument, NULL, 'd'}, {"color", required_argument, NULL, 'c'},
		{"colour", required_argument, NULL, 'c'}, {"pattern", required_argument, NULL, 'p'},
		{"count", required_argument, NULL, 'n'}, {"color2", required_argument, NULL, '2'},
		{"colour2", required_argument, NULL, '2'}, {"answer", required_argument, NULL, 'a'}, {"start", required_argument, NULL, 's'},
		{"json", no_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'},
		{"verbose", no_argument, NULL, 'v'}, {NULL, 0, NULL, 0}};
	a->answers = calloc((size_t)argc + 1, sizeof *a->answers);
	if (!a->answers)
		return BD_EXIT_DEVICE;
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":hv", opts, NULL)) != -1) {
		switch (c) {
		case 'd': a->device = optarg; break;
		case 'c': a->color = optarg; break;
		case 'p': a->pattern = optarg; break;
		case 'n': a->count = optarg; break;
		case '2': a->color2 = optarg; break;
		case 'a': a->answers[a->nanswers++] = optarg; break;
		case 's': a->start = optarg; break;
		case 'j': a->json = true; break;
		case 'v': a->verbose++; break;
		case 'h': fputs(diagnose_usage, stdout); return -1;
		case ':': return cli_usage_error("diagnose", "%s needs a value", argv[optind - 1]);
		default: return cli_usage_error("diagnose", "unknown option %s", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("diagnose", "unexpected argument \"%s\"", argv[optind]);
	if (!a->device)
		return cli_usage_error("diagnose", "--device is required (e.g. --device boron)");
	return 0;
}

/* Adds the closest statuses (when nothing matches) to the output. */
static void report_no_match(const struct kb *kb, const struct kb_device *dev,
			    const struct led_report *r, bool json)
{
	const struct kb_led *close[5];
	size_t n = led_closest(kb, dev, r, close, 5);
	if (json) {
		struct json_printer p;
		json_printer_init(&p);
		cJSON_AddStringToObject(p.root, "device", dev->id);
		cJSON_AddStringToObject(p.root, "device_name", dev->name);
		cJSON_AddNumberToObject(p.root, "platform_id", dev->platform_id);
		cJSON_AddNullToObject(p.root, "led_status");
		cJSON_AddNullToObject(p.root, "sos");
		char expl[512];
		snprintf(expl, sizeof expl, "No LED status that blinkdoc knows for %s looks like "
			 "%s %s%s.", dev->name, r->color, r->pattern, r->count >= 0 ? " with a count" : "");
		cJSON_AddStringToObject(p.root, "explanation", expl);
		cJSON_AddArrayToObject(p.root, "steps");
		cJSON_AddNullToObject(p.root, "next_question");
		cJSON_AddNullToObject(p.root, "conclusion");
		cJSON *cl = cJSON_AddArrayToObject(p.root, "closest");
		for (size_t i = 0; i < n; i++) {
			cJSON *o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "id", close[i]->id);
			cJSON_AddStringToObject(o, "title", close[i]->title);
			cJSON_AddItemToArray(cl, o);
		}
		cJSON_AddArrayToObject(p.root, "transcript");
		json_printer_finish(&p, stdout);
		return;
	}
	printf("%s: no known LED status looks like %s %s", dev->name, r->color, r->pattern);
	if (r->count >= 0)
		printf(" with %d blinks", r->count);
	if (r->color2)
		printf(" and %s", r->color2);
	printf(".\n");
	if (n) {
		printf("The closest ones on %s are:\n", dev->name);
		for (size_t i = 0; i < n; i++)
			printf("  %-30s %s\n", close[i]->id, close[i]->title);
		printf("Look at the LED again for a minute; if one of these fits, run diagnose with "
		       "its colour and pattern.\n");
	}
}

static int run(struct kb *kb, struct diag_args *a)
{
	const struct kb_device *dev = kb_device_find(kb, a->device);
	if (!dev) {
		const struct kb_not_covered *nc = kb_not_covered_find(kb, a->device);
		if (nc) {
			fprintf(stderr, "blinkdoc diagnose: %s\n", nc->why);
			return BD_EXIT_USAGE;
		}
		cli_usage_error("diagnose", "unknown device \"%s\"", a->device);
		list_devices(stderr, kb);
		return BD_EXIT_USAGE;
	}
	const struct kb_color *color = NULL, *color2 = NULL;
	const struct kb_pattern *pattern = NULL;
	if (a->color && !(color = kb_color_find(kb, a->color))) {
		cli_usage_error("diagnose", "unknown colour \"%s\"", a->color);
		list_colors(stderr, kb);
		return BD_EXIT_USAGE;
	}
	if (a->color2 && !(color2 = kb_color_find(kb, a->color2))) {
		cli_usage_error("diagnose", "unknown colour \"%s\" for --color2", a->color2);
		list_colors(stderr, kb);
		return BD_EXIT_USAGE;
	}
	if (a->pattern && !(pattern = kb_pattern_find(kb, a->pattern))) {
		cli_usage_error("diagnose", "unknown pattern \"%s\"", a->pattern);
		list_patterns(stderr, kb);
		return BD_EXIT_USAGE;
	}
	/* "off" is both a colour and a pattern; either implies the other. */
	if (color && !strcmp(color->id, "off") && !pattern)
		pattern = kb_pattern_find(kb, "off");
	if (pattern && !strcmp(pattern->id, "off") && !color)
		color = kb_color_find(kb, "off");
	int count = -1;
	if (a->count) {
		char *end;
		long v = strtol(a->count, &end, 10);
		if (*end || end == a->count || v < 1 || v > 99)
			return cli_usage_error("diagnose", "--count must be a whole number from 1 to 99, not \"%s\"",
					       a->count);
		count = (int)v;
		if (pattern && strcmp(pattern->id, "sos") && strcmp(pattern->id, "blink-code"))
			return cli_usage_error("diagnose", "--count only goes with --pattern sos or blink-code");
	}
	if (color2 && pattern && strcmp(pattern->id, "alternating"))
		return cli_usage_error("diagnose", "--color2 only goes with --pattern alternating");

	/* Check the report against the catalogue first: a look no status has is
	 * answered with the closest ones. */
	bool counted = pattern && (!strcmp(pattern->id, "sos") || !strcmp(pattern->id, "blink-code"));
	bool complete = color && pattern && (!counted || count >= 0) &&
			(strcmp(pattern->id, "alternating") || color2);
	if (complete) {
		struct led_report r = {color->id, pattern->id, count, color2 ? color2->id : NULL};
		const struct kb_led *m[4];
		if (led_match(kb, dev, &r, m, 4) == 0) {
			report_no_match(kb, dev, &r, a->json);
			return BD_EXIT_PROBLEM;
		}
	}

	struct session *s = session_new(kb);
	if (!s)
		return BD_EXIT_DEVICE;
	struct bd_error err = {0};
	int rc = BD_EXIT_OK;
	session_set_auto_continue(s, true);
	session_set_actions_unavailable(s, "diagnose does not operate devices");
	session_set_device(s, dev, &err);
	if (color)
		session_set_fact_text(s, "led.color", color->id, &err);
	if (pattern)
		session_set_fact_text(s, "led.pattern", pattern->id, &err);
	if (count >= 0)
		session_set_fact_text(s, "led.count", a->count, &err);
	if (color2)
		session_set_fact_text(s, "led.color2", color2->id, &err);
	if (err.code) {
		cli_print_error(&err);
		rc = BD_EXIT_USAGE;
		goto out;
	}
	for (size_t i = 0; i < a->nanswers; i++) {
		char *eq = strchr(a->answers[i], '=');
		if (!eq || eq == a->answers[i]) {
			rc = cli_usage_error("diagnose", "--answer takes NODE=VALUE, not \"%s\"",
					     a->answers[i]);
			goto out;
		}
		char node[128];
		snprintf(node, sizeof node, "%.*s", (int)(eq - a->answers[i]), a->answers[i]);
		if (session_set_answer(s, node, eq + 1, HOW_PRESET, false, &err) < 0) {
			cli_print_error(&err);
			rc = BD_EXIT_USAGE;
			goto out;
		}
	}
	if (a->start && !kb_node_find(kb, a->start)) {
		const char *sug = kb_node_suggest(kb, a->start);
		rc = cli_usage_error("diagnose", "--start: no node \"%s\"%s%s%s", a->start,
				     sug ? " (did you mean \"" : "", sug ? sug : "", sug ? "\"?)" : "");
		goto out;
	}
	if (session_start(s, a->start, &err) < 0) {
		cli_print_error(&err);
		rc = BD_EXIT_PROBLEM;
		goto out;
	}
	const char *unused[32];
	size_t nunused = session_unused_answers(s, unused, 32);
	enum report_status st;
	if (a->json) {
		struct json_printer p;
		json_printer_init(&p);
		struct report_sink sink = json_printer_sink(&p);
		st = report_emit(s, &sink);
		if (nunused) {
			cJSON *u = cJSON_AddArrayToObject(p.root, "unused_answers");
			for (size_t i = 0; i < nunused && i < 32; i++)
				cJSON_AddItemToArray(u, cJSON_CreateString(unused[i]));
		}
		json_printer_finish(&p, stdout);
	} else {
		struct text_printer p;
		text_printer_init(&p, stdout, a->verbose > 0);
		struct report_sink sink = text_printer_sink(&p);
		st = report_emit(s, &sink);
		for (size_t i = 0; i < nunused && i < 32; i++)
			fprintf(stderr, "blinkdoc diagnose: note: --answer for \"%s\" was not used (the "
					"walk did not reach that question)\n", unused[i]);
	}
	switch (st) {
	case REPORT_DONE_HEALTHY: rc = BD_EXIT_OK; break;
	case REPORT_DONE_PROBLEM: rc = BD_EXIT_PROBLEM; break;
	case REPORT_NEEDS_ANSWER:
	case REPORT_STUCK: rc = BD_EXIT_NEED_ANSWER; break;
	}
out:
	session_free(s);
	return rc;
}

int cmd_diagnose(int argc, char **argv)
{
	struct diag_args a = {0};
	int rc = parse_args(argc, argv, &a);
	if (rc) {
		free(a.answers);
		return rc < 0 ? BD_EXIT_OK : rc;
	}
	struct kb *kb = cli_load_kb();
	if (!kb) {
		free(a.answers);
		return BD_EXIT_PROBLEM;
	}
	rc = run(kb, &a);
	kb_free(kb);
	free(a.answers);
	return rc;
}
