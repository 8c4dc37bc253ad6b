/* cmd_common.h - what the device commands share: choosing the device
 * (--port/--device), starting the transports, printing transport logs. */
#ifndef BD_CMD_COMMON_H
#define BD_CMD_COMMON_H

#include <stdbool.h>

#include "kb.h"
#include "transport.h"

struct dev_cmd {
	const char *name;        /* command name, for messages */
	struct bd_target target; /* from --port / --device */
	unsigned routes;         /* --route: BD_ROUTE_* to use only, 0 = every route */
	bool json;
	int verbose;
	struct kb *kb;
	struct bd_transports *t;
	struct bd_device dev;    /* after dev_cmd_find */
};

/* Parses --port PATH, --device ID, --route usb|serial, --json, -v and
 * --help.  Returns 0 to go on, -1 after printing the usage for --help
 * (exit 0), or a usage exit code. */
int dev_cmd_parse(struct dev_cmd *c, int argc, char **argv, const char *usage);
/* --device's value: hex, at most 24 digits, at least 6 (a typo or a stray
 * short word never picks a device); --port with --device is a usage error
 * (they are alternatives).  0 or a usage exit code. */
int dev_cmd_check_target(const char *command, const struct bd_target *t);
/* Loads the knowledge base and starts the transports. */
int dev_cmd_open(struct dev_cmd *c);
/* Finds the one device the command is for (prints the error); with
 * --route, the device's other routes are dropped (exit 5 when it cannot be
 * reached through that route at all). */
int dev_cmd_find(struct dev_cmd *c);
void dev_cmd_close(struct dev_cmd *c);
/* Prints a transport error and returns its exit code. */
int dev_cmd_fail(struct dev_cmd *c, const struct bd_error *err);
/* A bd_op whose log lines go to stderr (with -v, or always when `always`). */
struct bd_op dev_cmd_op(struct dev_cmd *c, int64_t timeout_ms, bool always);
/* Platform key ("boron") or "unknown". */
const char *dev_cmd_platform(const struct dev_cmd *c, int platform_id);
/* Prints the steps of a knowledge-base procedure for the device (the manual
 * way), if the node exists; returns whether it did. */
bool dev_cmd_print_procedure(struct dev_cmd *c, const char *node_id, int platform_id);

#endif
