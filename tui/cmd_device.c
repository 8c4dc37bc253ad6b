/* cmd_device.c - `devices`, `identify`, `inspect`, `mac`: what is connected
 * and what it says about itself.  JSON field names are a stable contract. */
#define _POSIX_C_SOURCE 200809L
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "cmd_common.h"
#include "commands.h"
#include "module_analysis.h"

static void print_json(cJSON *j)
{
	char *s = cJSON_Print(j);
	if (s) {
		puts(s);
		free(s);
	}
	cJSON_Delete(j);
}

static const char routes_usage[] = "  --port PATH    the serial port of the device (e.g. /dev/ttyACM0)\n"
				   "  --device ID    the device ID (or its first 6+ characters)\n"
				   "  --route R      only this route: usb (control requests) or serial\n"
				   "                 (the listening-mode console); default: USB first\n"
				   "  --json         print JSON\n"
				   "  -v             show each step\n";

/* "2b04 or 1d50": the distinct USB vendor IDs of the known platforms. */
static void vendor_ids(const struct bd_platforms *p, char *buf, size_t size)
{
	uint16_t seen[16];
	size_t nseen = 0, used = 0;
	buf[0] = '\0';
	for (size_t i = 0; p && i < p->n && nseen < sizeof seen / sizeof seen[0]; i++) {
		uint16_t vid = p->v[i].vid;
		bool dup = vid == 0;
		for (size_t k = 0; k < nseen && !dup; k++)
			dup = seen[k] == vid;
		if (dup)
			continue;
		seen[nseen++] = vid;
		int w = snprintf(buf + used, size - used, "%s%04x", nseen > 1 ? " or " : "", vid);
		if (w < 0 || (size_t)w >= size - used)
			break;
		used += (size_t)w;
	}
}

/* Says what was looked for, where, and what to check (stderr, so that
 * stdout stays a table or pure JSON). */
static void print_none_found(const struct dev_cmd *c)
{
	char vids[128];
	vendor_ids(kb_platforms(c->kb), vids, sizeof vids);
	const char *through = bd_transports_backends(c->t);
	fprintf(stderr,
		"No Particle device found: looked for a Particle USB vendor ID (%s) on every %s "
		"(backends: %s).\n",
		vids[0] ? vids : "none known",
		strstr(through, "usb") ? "USB device and USB serial port" : "USB serial port",
		through[0] ? through : "none");
	fprintf(stderr, "  Check that the LED is on, and use a USB cable that carries data: "
			"many cables only charge.\n");
}

static const char devices_usage[] =
	"usage: blinkdoc devices [--json]\n\n"
	"Lists every Particle device on USB and USB serial, one row per device: platform,\n"
	"mode, device ID, port.  Exit: 0 devices found, 4 none found.\n";

int cmd_devices(int argc, char **argv)
{
	struct dev_cmd c = {.name = "devices"};
	int rc = dev_cmd_parse(&c, argc, argv, devices_usage);
	if (rc < 0)
		return BD_EXIT_OK;
	if (rc > 0 || (rc = dev_cmd_open(&c)))
		return rc;
	struct bd_device_list l = {0};
	struct bd_error err = {0};
	int n = bd_transports_list(c.t, &l, &err);
	if (n < 0) {
		rc = dev_cmd_fail(&c, &err);
		goto out;
	}
	if (c.json) {
		cJSON *arr = cJSON_CreateArray();
		for (size_t i = 0; i < l.n; i++) {
			const struct bd_device *d = &l.v[i];
			cJSON *o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "platform", dev_cmd_platform(&c, d->platform_id));
			cJSON_AddNumberToObject(o, "platform_id", d->platform_id);
			cJSON_AddStringToObject(o, "mode", bd_device_mode_name(d));
			if (d->device_id[0])
				cJSON_AddStringToObject(o, "device_id", d->device_id);
			else
				cJSON_AddNullToObject(o, "device_id");
			if (d->port[0])
				cJSON_AddStringToObject(o, "port", d->port);
			else
				cJSON_AddNullToObject(o, "port");
			char usb[32] = "";
			if (d->usb_bus)
				snprintf(usb, sizeof usb, "%03u:%03u", d->usb_bus, d->usb_address);
			cJSON_AddStringToObject(o, "usb", usb);
			char vidpid[16];
			snprintf(vidpid, sizeof vidpid, "%04x:%04x", d->vid, d->pid);
			cJSON_AddStringToObject(o, "usb_id", vidpid);
			cJSON_AddItemToArray(arr, o);
		}
		print_json(arr);
	} else if (l.n) {
		printf("%-10s %-10s %-24s %s\n", "PLATFORM", "MODE", "DEVICE ID", "PORT");
		for (size_t i = 0; i < l.n; i++) {
			const struct bd_device *d = &l.v[i];
			printf("%-10s %-10s %-24s %s\n", dev_cmd_platform(&c, d->platform_id),
			       bd_device_mode_name(d), d->device_id[0] ? d->device_id : "(unknown)",
			       d->port[0] ? d->port : "(USB only)");
		}
	}
	if (!l.n)
		print_none_found(&c);
	rc = l.n ? BD_EXIT_OK : BD_EXIT_NO_DEVICE;
out:
	bd_device_list_free(&l);
	dev_cmd_close(&c);
	return rc;
}

static const char identify_usage_head[] =
	"usage: blinkdoc identify [--port PATH | --device ID] [--route R] [--json] [-v]\n\n"
	"Reads the device ID, platform and Device OS version, and the SIM's ICCID and the\n"
	"modem's IMEI on cellular devices - over USB when it can, else over the serial\n"
	"console (which needs listening mode: blinking dark blue).  The device secret\n"
	"that the console also prints is never stored or shown.\n\n";

int cmd_identify(int argc, char **argv)
{
	char usage[2048];
	snprintf(usage, sizeof usage, "%s%s", identify_usage_head, routes_usage);
	struct dev_cmd c = {.name = "identify"};
	int rc = dev_cmd_parse(&c, argc, argv, usage);
	if (rc < 0)
		return BD_EXIT_OK;
	if (rc > 0 || (rc = dev_cmd_open(&c)))
		return rc;
	if ((rc = dev_cmd_find(&c)))
		goto out;
	struct bd_identity id;
	struct bd_error err = {0};
	struct bd_op op = dev_cmd_op(&c, 25000, false);
	if (bd_transports_identify(c.t, &c.dev, &id, &op, &err) < 0) {
		rc = dev_cmd_fail(&c, &err);
		goto out;
	}
	int pid = id.platform_id >= 0 ? id.platform_id : c.dev.platform_id;
	const struct bd_platform *pl = bd_platform_by_id(kb_platforms(c.kb), pid);
	bool cellular = pl && (pl->conn & BD_CONN_CELLULAR);
	if (c.json) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "device_id", id.device_id[0] ? id.device_id : c.dev.device_id);
		cJSON_AddStringToObject(o, "platform", dev_cmd_platform(&c, pid));
		cJSON_AddNumberToObject(o, "platform_id", pid);
		if (id.system_version[0])
			cJSON_AddStringToObject(o, "system_version", id.system_version);
		else
			cJSON_AddNullToObject(o, "system_version");
		if (cellular) {
			/* null, like system_version, when the device did not say. */
			if (id.iccid[0])
				cJSON_AddStringToObject(o, "iccid", id.iccid);
			else
				cJSON_AddNullToObject(o, "iccid");
			if (id.imei[0])
				cJSON_AddStringToObject(o, "imei", id.imei);
			else
				cJSON_AddNullToObject(o, "imei");
		}
		if (id.serial_number[0])
			cJSON_AddStringToObject(o, "serial_number", id.serial_number);
		cJSON_AddStringToObject(o, "route", id.route == BD_ROUTE_USB ? "usb" : "serial");
		print_json(o);
	} else {
		printf("Device ID:   %s\n", id.device_id[0] ? id.device_id : c.dev.device_id);
		printf("Platform:    %s (%d)\n", pl ? pl->name : "unknown", pid);
		printf("Device OS:   %s\n", id.system_version[0] ? id.system_version : "(not reported)");
		if (cellular) {
			printf("ICCID:       %s\n", id.iccid[0] ? id.iccid : "(not reported)");
			printf("IMEI:        %s\n", id.imei[0] ? id.imei : "(not reported)");
		}
		if (id.serial_number[0])
			printf("Serial no.:  %s\n", id.serial_number);
	}
	rc = BD_EXIT_OK;
out:
	dev_cmd_close(&c);
	return rc;
}

static const char inspect_usage_head[] =
	"usage: blinkdoc inspect [--port PATH | --device ID] [--route R] [--json] [-v]\n\n"
	"Reads the device's firmware module table and checks each module (integrity,\n"
	"address range, platform, dependencies), then says in plain words what is wrong,\n"
	"e.g. why the device starts in safe mode and what fixes it.\n"
	"Exit: 0 every module is fine, 1 a problem was found.\n\n";

static cJSON *inspect_json(const struct dev_cmd *c, const struct bd_inspect_report *r)
{
	cJSON *o = cJSON_CreateObject();
	if (c->dev.device_id[0])
		cJSON_AddStringToObject(o, "device_id", c->dev.device_id);
	cJSON_AddStringToObject(o, "platform", dev_cmd_platform(c, r->platform_id));
	cJSON_AddNumberToObject(o, "platform_id", r->platform_id);
	cJSON_AddBoolToObject(o, "healthy", r->healthy);
	cJSON *mods = cJSON_AddArrayToObject(o, "modules");
	for (size_t i = 0; i < r->nmodules; i++) {
		const struct bd_inspect_module *m = &r->modules[i];
		cJSON *jm = cJSON_CreateObject();
		cJSON_AddStringToObject(jm, "function", m->function);
		cJSON_AddNumberToObject(jm, "index", m->index);
		cJSON_AddNumberToObject(jm, "version", m->version);
		cJSON_AddStringToObject(jm, "location", m->location);
		if (m->size)
			cJSON_AddNumberToObject(jm, "size", m->size);
		else
			cJSON_AddNullToObject(jm, "size"); /* the console does not report it */
		cJSON_AddNumberToObject(jm, "max_size", m->max_size);
		cJSON *ch = cJSON_AddObjectToObject(jm, "checks");
		cJSON_AddStringToObject(ch, "integrity", bd_inspect_check_name(m->integrity));
		cJSON_AddStringToObject(ch, "address_range", bd_inspect_check_name(m->address_range));
		cJSON_AddStringToObject(ch, "platform", bd_inspect_check_name(m->platform));
		cJSON_AddStringToObject(ch, "dependencies", bd_inspect_check_name(m->dependencies));
		cJSON *deps = cJSON_AddArrayToObject(jm, "depends_on");
		for (int k = 0; k < m->ndeps; k++) {
			cJSON *d = cJSON_CreateObject();
			cJSON_AddStringToObject(d, "function", bd_inspect_function_name(m->deps[k].func));
			cJSON_AddNumberToObject(d, "index", m->deps[k].index);
			cJSON_AddNumberToObject(d, "version", m->deps[k].version);
			cJSON_AddNumberToObject(d, "installed_version", m->deps[k].installed_version);
			cJSON_AddBoolToObject(d, "satisfied", m->deps[k].satisfied);
			cJSON_AddItemToArray(deps, d);
		}
		if (m->hash[0])
			cJSON_AddStringToObject(jm, "hash", m->hash);
		cJSON_AddItemToArray(mods, jm);
	}
	cJSON *fs = cJSON_AddArrayToObject(o, "findings");
	for (size_t i = 0; i < r->nfindings; i++) {
		cJSON *f = cJSON_CreateObject();
		cJSON_AddStringToObject(f, "id", bd_inspect_finding_name(r->findings[i].id));
		cJSON_AddStringToObject(f, "severity", bd_inspect_severity_name(r->findings[i].severity));
		cJSON_AddStringToObject(f, "message", r->findings[i].message);
		cJSON_AddItemToArray(fs, f);
	}
	return o;
}

static void inspect_text(const struct dev_cmd *c, const struct bd_inspect_report *r)
{
	const struct bd_platform *pl = bd_platform_by_id(kb_platforms(c->kb), r->platform_id);
	printf("Device:   %s\nPlatform: %s (%d)\n\nModules:\n", c->dev.device_id[0] ? c->dev.device_id : "(unknown)",
	       pl ? pl->name : "unknown", r->platform_id);
	for (size_t i = 0; i < r->nmodules; i++) {
		const struct bd_inspect_module *m = &r->modules[i];
		if (m->empty) {
			printf("  (empty %s slot, %u bytes)\n", m->location, (unsigned)m->max_size);
			continue;
		}
		printf("  %s %d, version %d, %s", m->function, m->index, m->version, m->location);
		if (m->size)
			printf(", %u bytes", (unsigned)m->size);
		printf("\n    integrity %s, address range %s, platform %s, dependencies %s\n",
		       bd_inspect_check_name(m->integrity), bd_inspect_check_name(m->address_range),
		       bd_inspect_check_name(m->platform), bd_inspect_check_name(m->dependencies));
		for (int k = 0; k < m->ndeps; k++)
			printf("    needs %s %d version %d (installed: %d) %s\n",
			       bd_inspect_function_name(m->deps[k].func), m->deps[k].index,
			       m->deps[k].version, m->deps[k].installed_version,
			       m->deps[k].satisfied ? "ok" : "NOT MET");
	}
	printf("\n");
	int width = cli_width(stdout);
	for (size_t i = 0; i < r->nfindings; i++) {
		char first[64];
		snprintf(first, sizeof first, "[%s] ", bd_inspect_severity_name(r->findings[i].severity));
		cli_wrap(stdout, r->findings[i].message, width, first, "        ");
	}
}

int cmd_inspect(int argc, char **argv)
{
	char usage[2048];
	snprintf(usage, sizeof usage, "%s%s", inspect_usage_head, routes_usage);
	struct dev_cmd c = {.name = "inspect"};
	int rc = dev_cmd_parse(&c, argc, argv, usage);
	if (rc < 0)
		return BD_EXIT_OK;
	if (rc > 0 || (rc = dev_cmd_open(&c)))
		return rc;
	struct bd_module_table *t = calloc(1, sizeof *t);
	struct bd_inspect_report *r = calloc(1, sizeof *r);
	if (!t || !r) {
		rc = BD_EXIT_DEVICE;
		goto out;
	}
	if ((rc = dev_cmd_find(&c)))
		goto out;
	struct bd_error err = {0};
	struct bd_op op = dev_cmd_op(&c, 25000, false);
	if (bd_transports_inspect(c.t, &c.dev, t, &op, &err) < 0) {
		rc = dev_cmd_fail(&c, &err);
		goto out;
	}
	bd_inspect_analyse(t, kb_platforms(c.kb), c.dev.platform_id, r);
	if (c.json)
		print_json(inspect_json(&c, r));
	else
		inspect_text(&c, r);
	rc = r->healthy ? BD_EXIT_OK : BD_EXIT_PROBLEM;
out:
	free(t);
	free(r);
	dev_cmd_close(&c);
	return rc;
}

static const char mac_usage_head[] =
	"usage: blinkdoc mac [--port PATH | --device ID] [--route R] [--json] [-v]\n\n"
	"Reads the device's MAC address: the Wi-Fi one on Wi-Fi devices (for networks\n"
	"that only admit known devices).  JSON: mac, and interface (\"wifi\", or null\n"
	"when the device does not say which interface it is).\n\n";

int cmd_mac(int argc, char **argv)
{
	char usage[2048];
	snprintf(usage, sizeof usage, "%s%s", mac_usage_head, routes_usage);
	struct dev_cmd c = {.name = "mac"};
	int rc = dev_cmd_parse(&c, argc, argv, usage);
	if (rc < 0)
		return BD_EXIT_OK;
	if (rc > 0 || (rc = dev_cmd_open(&c)))
		return rc;
	if ((rc = dev_cmd_find(&c)))
		goto out;
	struct bd_mac m;
	struct bd_error err = {0};
	struct bd_op op = dev_cmd_op(&c, 10000, false);
	int r = bd_transports_mac(c.t, &c.dev, &m, &op, &err);
	if (r == BD_E_NOT_FOUND) {
		/* No Wi-Fi or Ethernet: not a failure, there is nothing to read
		 * (mac null, exit 0). */
		if (c.json) {
			cJSON *o = cJSON_CreateObject();
			cJSON_AddNullToObject(o, "mac");
			cJSON_AddNullToObject(o, "interface");
			cJSON_AddStringToObject(o, "note", err.msg);
			print_json(o);
		} else {
			printf("No MAC address: %s.\n", err.msg);
		}
		rc = BD_EXIT_OK;
		goto out;
	}
	if (r < 0) {
		rc = dev_cmd_fail(&c, &err);
		goto out;
	}
	if (c.json) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "mac", m.mac);
		/* Only what the route reported: Device OS prints the Wi-Fi MAC on
		 * Wi-Fi platforms, and interface 0's elsewhere. */
		if (m.interface[0])
			cJSON_AddStringToObject(o, "interface", m.interface);
		else
			cJSON_AddNullToObject(o, "interface");
		print_json(o);
	} else {
		printf("%s\n", m.mac);
	}
	rc = BD_EXIT_OK;
out:
	dev_cmd_close(&c);
	return rc;
}
