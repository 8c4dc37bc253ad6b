/* cmd_mode.c - `listen`, `dfu`, `safe-mode`, `reset`: move a device into a
 * mode, by the best route available, or explain the buttons. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd_common.h"
#include "commands.h"

struct mode_cmd {
	const char *name;
	enum bd_mode mode;        /* BD_MODE_UNKNOWN: reset */
	const char *procedure;    /* knowledge node with the button steps */
	const char *led;          /* what the LED does once there */
	const char *words;        /* "in DFU mode", for messages */
	const char *summary;
};

static const struct mode_cmd mode_cmds[] = {
	{"dfu", BD_MODE_DFU, "proc-dfu", "blinking yellow", "in DFU mode",
	 "Puts the device in DFU mode (for flashing over USB): USB control request first,\n"
	 "then the 14400-baud serial signal; if neither works, shows the button steps."},
	{"listen", BD_MODE_LISTENING, "proc-listening", "blinking dark blue", "in listening mode",
	 "Puts the device in listening mode (the serial console answers there): USB\n"
	 "control request, then the 28800-baud signal (Device OS before 6.0)."},
	{"safe-mode", BD_MODE_SAFE, "proc-safe-mode", "breathing magenta once it is online",
	 "in safe mode",
	 "Restarts the device in safe mode (Device OS runs, your app does not): USB\n"
	 "control request, or the console's safe-mode command in listening mode."},
	{"reset", BD_MODE_UNKNOWN, NULL, "going through its normal start-up colours", "restarted",
	 "Restarts the device (from DFU mode this leaves DFU and runs the firmware)."},
};

/* A mode change that timed out was asked for and then waited on: say so in
 * plain words, what the LED shows when it worked anyway, and when this
 * blinkdoc cannot see the device in that mode at all. */
static void explain_timeout(const struct dev_cmd *c, const struct mode_cmd *mc,
			    int64_t timeout_ms)
{
	char text[1024];
	const char *backends = bd_transports_backends(c->t);
	int n = snprintf(text, sizeof text,
			 "blinkdoc sent the request, but did not see the device %s within "
			 "%lld s. If the LED is %s, the device got there anyway and you can go on.",
			 mc->words, (long long)(timeout_ms / 1000), mc->led);
	/* DFU mode is a USB-only personality: no CDC port, nothing to list
	 * over serial. */
	if (mc->mode == BD_MODE_DFU && !strstr(backends, "usb") && n > 0 &&
	    (size_t)n < sizeof text)
		snprintf(text + n, sizeof text - (size_t)n,
			 " This blinkdoc looks for devices only through: %s, and a device in DFU "
			 "mode has no serial port, so blinkdoc cannot see it even when the request "
			 "worked.",
			 backends[0] ? backends : "no backend");
	fputc('\n', stderr);
	cli_wrap(stderr, text, cli_width(stderr), "", "");
}

static int run_mode(const struct mode_cmd *mc, int argc, char **argv)
{
	char usage[2048];
	snprintf(usage, sizeof usage,
		 "usage: blinkdoc %s [--port PATH | --device ID] [--route R] [-v]\n\n%s\n"
		 "Exit: 0 done, 4 no device, 5 no route could do it (the button steps are shown).\n\n"
		 "  --port PATH    the serial port of the device\n"
		 "  --device ID    the device ID (or its first 6+ characters)\n"
		 "  --route R      only this route: usb (control requests) or serial (magic\n"
		 "                 baud rates and the console); default: USB first\n"
		 "  -v             show each step\n",
		 mc->name, mc->summary);
	struct dev_cmd c = {.name = mc->name};
	int rc = dev_cmd_parse(&c, argc, argv, usage);
	if (rc < 0)
		return BD_EXIT_OK;
	if (rc > 0 || (rc = dev_cmd_open(&c)))
		return rc;
	if ((rc = dev_cmd_find(&c)))
		goto out;
	struct bd_error err = {0};
	int64_t timeout_ms = 30000; /* the dispatcher's wait for the device to come back */
	struct bd_op op = dev_cmd_op(&c, timeout_ms, true);
	const struct bd_platform *pl = bd_platform_by_id(kb_platforms(c.kb), c.dev.platform_id);
	int r = mc->mode == BD_MODE_UNKNOWN ? bd_transports_reset(c.t, &c.dev, &op, &err)
					    : bd_transports_enter_mode(c.t, &c.dev, mc->mode, &op, &err);
	if (r == 0) {
		printf("%s%s%s: %s (the LED should be %s).\n", pl ? pl->name : "Device",
		       c.dev.device_id[0] ? " " : "", c.dev.device_id, mc->words, mc->led);
		rc = BD_EXIT_OK;
		goto out;
	}
	rc = dev_cmd_fail(&c, &err);
	if (r == BD_E_TIMEOUT && mc->mode != BD_MODE_UNKNOWN)
		explain_timeout(&c, mc, timeout_ms);
	if (mc->procedure && (r == BD_E_UNAVAILABLE || r == BD_E_NOT_SUPPORTED || r == BD_E_TIMEOUT)) {
		fprintf(stderr, "\nDo it with the buttons instead:\n");
		if (!dev_cmd_print_procedure(&c, mc->procedure, c.dev.platform_id))
			fprintf(stderr, "  (see `blinkdoc diagnose` for the steps on your device)\n");
	}
out:
	dev_cmd_close(&c);
	return rc;
}

static const struct mode_cmd *find_mode(const char *name)
{
	for (size_t i = 0; i < sizeof mode_cmds / sizeof mode_cmds[0]; i++)
		if (!strcmp(mode_cmds[i].name, name))
			return &mode_cmds[i];
	return NULL;
}

int cmd_mode(int argc, char **argv)
{
	const struct mode_cmd *mc = find_mode(argv[0]);
	return mc ? run_mode(mc, argc, argv) : BD_EXIT_USAGE;
}
