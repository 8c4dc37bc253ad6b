#define _POSIX_C_SOURCE 200809L
#include "cmd_common.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "session.h"

/* --device takes the device ID or a prefix of it (transport.h: at least 6
 * characters), so that a typo or a stray short word never picks a device. */
#define DEV_ID_PREFIX_MIN 6

static int dev_cmd_check_id(const char *command, const char *id)
{
	size_t n = strlen(id);
	if (strspn(id, "0123456789abcdefABCDEF") != n || n > BD_DEVICE_ID_LEN)
		return cli_usage_error(command,
				       "--device \"%s\" is not a device ID: give its 24 hex digits "
				       "(0-9, a-f), or at least the first %d",
				       id, DEV_ID_PREFIX_MIN);
	if (n < DEV_ID_PREFIX_MIN)
		return cli_usage_error(command,
				       "--device \"%s\" is too short: give the device ID (24 hex "
				       "digits) or at least its first %d",
				       id, DEV_ID_PREFIX_MIN);
	return 0;
}

int dev_cmd_check_target(const char *command, const struct bd_target *t)
{
	if (t->port && t->device_id)
		return cli_usage_error(command, "give --port or --device, not both (--port %s "
						"already names one device)", t->port);
	return t->device_id ? dev_cmd_check_id(command, t->device_id) : 0;
}

int dev_cmd_parse(struct dev_cmd *c, int argc, char **argv, const char *usage)
{
	static const struct option opts[] = {{"port", required_argument, NULL, 'p'},
					     {"device", required_argument, NULL, 'd'},
					     {"route", required_argument, NULL, 'r'},
					     {"json", no_argument, NULL, 'j'},
					     {"help", no_argument, NULL, 'h'},
					     {"verbose", no_argument, NULL, 'v'},
					     {NULL, 0, NULL, 0}};
	optind = 1;
	opterr = 0;
	int o;
	while ((o = getopt_long(argc, argv, ":hv", opts, NULL)) != -1) {
		switch (o) {
		case 'p': c->target.port = optarg; break;
		case 'd': c->target.device_id = optarg; break;
		case 'r':
			if (!strcmp(optarg, "usb"))
				c->routes = BD_ROUTE_USB;
			else if (!strcmp(optarg, "serial"))
				c->routes = BD_ROUTE_SERIAL;
			else
				return cli_usage_error(c->name,
						       "--route takes usb (control requests) or serial "
						       "(the listening-mode console), not \"%s\"",
						       optarg);
			break;
		case 'j': c->json = true; break;
		case 'v': c->verbose++; break;
		case 'h': fputs(usage, stdout); return -1;
		case ':': return cli_usage_error(c->name, "%s needs a value", argv[optind - 1]);
		default: return cli_usage_error(c->name, "unknown option %s", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error(c->name, "unexpected argument \"%s\"", argv[optind]);
	return dev_cmd_check_target(c->name, &c->target);
}

int dev_cmd_open(struct dev_cmd *c)
{
	c->kb = cli_load_kb();
	if (!c->kb)
		return BD_EXIT_PROBLEM;
	struct bd_error err = {0};
	c->t = bd_transports_new(kb_platforms(c->kb), &err);
	if (!c->t) {
		cli_print_error(&err);
		return BD_EXIT_DEVICE;
	}
	return 0;
}

int dev_cmd_fail(struct dev_cmd *c, const struct bd_error *err)
{
	(void)c;
	cli_print_error(err);
	return cli_exit_for(err->code);
}

static const char *route_name(unsigned route)
{
	return route == BD_ROUTE_USB ? "usb" : route == BD_ROUTE_SERIAL ? "serial" : "?";
}

int dev_cmd_find(struct dev_cmd *c)
{
	struct bd_error err = {0};
	if (bd_transports_find(c->t, &c->target, &c->dev, &err) < 0)
		return dev_cmd_fail(c, &err);
	if (c->routes && !(c->dev.routes & c->routes)) {
		bd_error_set(&err, BD_E_UNAVAILABLE,
			     "--route %s: the device %s is not reachable that way (blinkdoc sees it "
			     "through: %s%s%s)",
			     route_name(c->routes), c->dev.device_id[0] ? c->dev.device_id : c->dev.port,
			     c->dev.routes & BD_ROUTE_USB ? "usb" : "",
			     (c->dev.routes & BD_ROUTE_USB) && (c->dev.routes & BD_ROUTE_SERIAL) ? ", "
												   : "",
			     c->dev.routes & BD_ROUTE_SERIAL ? "serial" : "");
		bd_error_hint(&err, c->routes == BD_ROUTE_SERIAL
					    ? "Only devices with a USB serial port (not in DFU mode) have "
					      "a console. Leave --route out to use any route."
					    : "blinkdoc's USB backend could not see this device (or is "
					      "not built in). Leave --route out to use any route.");
		return dev_cmd_fail(c, &err);
	}
	if (c->routes)
		c->dev.routes &= c->routes;
	return 0;
}

void dev_cmd_close(struct dev_cmd *c)
{
	bd_transports_free(c->t);
	kb_free(c->kb);
	c->t = NULL;
	c->kb = NULL;
}

static void log_line(void *ctx, const char *line)
{
	const struct dev_cmd *c = ctx;
	if (c->verbose || !c->json)
		fprintf(stderr, "  %s\n", line);
}

static void log_quiet(void *ctx, const char *line)
{
	const struct dev_cmd *c = ctx;
	if (c->verbose)
		fprintf(stderr, "  %s\n", line);
}

struct bd_op dev_cmd_op(struct dev_cmd *c, int64_t timeout_ms, bool always)
{
	struct bd_op op = {bd_deadline_in(timeout_ms), always ? log_line : log_quiet, NULL, c, NULL};
	return op;
}

const char *dev_cmd_platform(const struct dev_cmd *c, int platform_id)
{
	const struct kb_device *d = kb_device_by_platform(c->kb, platform_id);
	return d ? d->id : "unknown";
}

static void print_step(void *ctx, const char *step)
{
	int *n = ctx;
	char first[16];
	snprintf(first, sizeof first, "  %d. ", ++*n);
	cli_wrap(stderr, step, cli_width(stderr), first, "     ");
}

bool dev_cmd_print_procedure(struct dev_cmd *c, const char *node_id, int platform_id)
{
	const struct kb_node *n = kb_node_find(c->kb, node_id);
	const struct kb_device *d = kb_device_by_platform(c->kb, platform_id);
	if (!n || !d)
		return false;
	struct session *s = session_new(c->kb);
	struct bd_error err = {0};
	/* The device facts ({device.mode_button}, ...) exist only once a walk
	 * has started; without it every placeholder renders as "(unknown)". */
	if (!s || session_set_device(s, d, &err) < 0 || session_start(s, node_id, &err) < 0) {
		session_free(s);
		return false;
	}
	int count = 0;
	session_render_instruction(s, n, print_step, &count);
	session_free(s);
	return count > 0;
}
