/* cmd_udev.c - `blinkdoc udev-rules [--install [--root DIR]]`: the Linux
 * udev rule that lets a normal user open Particle devices (without it libusb
 * answers LIBUSB_ERROR_ACCESS) and keeps ModemManager off their serial port.
 * The USB IDs come from devices.json. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "common/strbuf.h"

#define UDEV_RULES_PATH "/etc/udev/rules.d/50-particle.rules"

static const char udev_usage[] =
	"usage: blinkdoc udev-rules [--install [--root DIR]]\n\n"
	"Prints the udev rule that gives normal users access to Particle devices on\n"
	"Linux (mode 0666) and tells ModemManager to leave their serial ports alone.\n"
	"With --install, writes it to " UDEV_RULES_PATH "\n"
	"(under DIR, or $DESTDIR, when given) and reloads udev when udevadm is there.\n"
	"Installing needs root:\n"
	"`sudo blinkdoc udev-rules --install`.  Unplug and replug devices afterwards.\n";

/* One rule line per match: VID 2b04 uses the [cd]0?? pattern (normal and DFU
 * PIDs are 0xc0NN / 0xd0NN); other vendors (the Core's 1d50) list their
 * products. */
static void udev_rules_text(const struct bd_platforms *p, struct strbuf *sb)
{
	strbuf_puts(sb, "# Particle devices (written by blinkdoc udev-rules): USB access for "
			"every user, and\n# ModemManager keeps off their serial ports.\n");
	bool particle = false;
	char seen[64][10];
	size_t nseen = 0;
	for (size_t i = 0; i < p->n; i++) {
		const struct bd_platform *pl = &p->v[i];
		uint16_t ids[2][2] = {{pl->vid, pl->pid}, {pl->dfu_vid, pl->dfu_pid}};
		for (int k = 0; k < 2; k++) {
			uint16_t vid = ids[k][0], pid = ids[k][1];
			if (!vid && !pid)
				continue;
			char match[10];
			if (vid == 0x2b04 && ((pid & 0xff00) == 0xc000 || (pid & 0xff00) == 0xd000)) {
				if (particle)
					continue;
				particle = true;
				snprintf(match, sizeof match, "[cd]0??");
			} else {
				snprintf(match, sizeof match, "%04x", pid);
			}
			char key[16];
			snprintf(key, sizeof key, "%04x%s", vid, match);
			bool dup = false;
			for (size_t j = 0; j < nseen; j++)
				dup |= !strcmp(seen[j], key);
			if (dup || nseen >= 64)
				continue;
			snprintf(seen[nseen++], sizeof seen[0], "%.9s", key);
			strbuf_printf(sb,
				      "SUBSYSTEMS==\"usb\", ATTRS{idVendor}==\"%04x\", "
				      "ATTRS{idProduct}==\"%s\", MODE=\"0666\", "
				      "ENV{ID_MM_DEVICE_IGNORE}=\"1\"\n",
				      vid, match);
		}
	}
}

static bool udev_have_udevadm(void)
{
	const char *path = getenv("PATH");
	if (!path)
		return false;
	char dir[4096];
	for (const char *s = path; *s;) {
		const char *e = strchr(s, ':');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (n && n < sizeof dir - 10) {
			snprintf(dir, sizeof dir, "%.*s/udevadm", (int)n, s);
			if (access(dir, X_OK) == 0)
				return true;
		}
		s += n + (e ? 1 : 0);
		if (!e)
			break;
	}
	return false;
}

static int udev_run(const char *const argv[])
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		execvp(argv[0], (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	int st = 0;
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* mkdir -p of path's parent directories. */
static int udev_mkdirs(char *path)
{
	for (char *s = path + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		int rc = mkdir(path, 0755);
		*s = '/';
		if (rc != 0 && errno != EEXIST)
			return -1;
	}
	return 0;
}

static int udev_install(const char *text, const char *root)
{
	char path[4096];
	snprintf(path, sizeof path, "%s%s", root ? root : "", UDEV_RULES_PATH);
	FILE *f = NULL;
	if (udev_mkdirs(path) == 0)
		f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
		int e = errno;
		fprintf(stderr, "blinkdoc: cannot write %s: %s\n", path, strerror(e));
		if (e == EACCES || e == EPERM)
			fprintf(stderr, "  Installing needs root: sudo blinkdoc udev-rules --install\n");
		return BD_EXIT_DEVICE;
	}
	printf("Wrote %s.\n", path);
	if (root && root[0]) {
		printf("Not reloading udev: installed under %s.\n", root);
	} else if (udev_have_udevadm()) {
		const char *reload[] = {"udevadm", "control", "--reload-rules", NULL};
		const char *trigger[] = {"udevadm", "trigger", "--subsystem-match=usb", NULL};
		int a = udev_run(reload), b = udev_run(trigger);
		if (a == 0 && b == 0)
			printf("Reloaded udev (udevadm control --reload-rules; udevadm trigger).\n");
		else
			printf("udevadm failed (%d, %d): reboot, or run `sudo udevadm control "
			       "--reload-rules`.\n", a, b);
	} else {
		printf("udevadm is not installed, so udev was not reloaded: restart udev or "
		       "reboot.\n");
	}
	printf("Unplug your Particle devices and plug them in again.\n");
	return BD_EXIT_OK;
}

int cmd_udev(int argc, char **argv)
{
	static const struct option opts[] = {{"install", no_argument, NULL, 'i'},
					     {"root", required_argument, NULL, 'r'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	bool install = false;
	const char *root = getenv("DESTDIR");
	optind = 1;
	opterr = 0;
	int o;
	while ((o = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (o) {
		case 'i': install = true; break;
		case 'r': root = optarg; break;
		case 'h': fputs(udev_usage, stdout); return BD_EXIT_OK;
		case ':': return cli_usage_error("udev-rules", "%s needs a value", argv[optind - 1]);
		default: return cli_usage_error("udev-rules", "unknown option %s", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("udev-rules", "unexpected argument \"%s\"", argv[optind]);
	struct kb *kb = cli_load_kb();
	if (!kb)
		return BD_EXIT_PROBLEM;
	struct strbuf sb = STRBUF_INIT;
	udev_rules_text(kb_platforms(kb), &sb);
	int rc = BD_EXIT_OK;
	if (install)
		rc = udev_install(strbuf_str(&sb), root && root[0] ? root : NULL);
	else
		fputs(strbuf_str(&sb), stdout);
	strbuf_free(&sb);
	kb_free(kb);
	return rc;
}
