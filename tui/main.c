/* main.c - blinkdoc's entry point: global options and the command table. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "ui.h"

#ifndef BLINKDOC_VERSION
#define BLINKDOC_VERSION "0.0.0"
#endif

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{"diagnose", cmd_diagnose, "explain an LED pattern and walk the tree (no device needed)"},
	{"kb-lint", cmd_kb_lint, "check a knowledge directory and locate every problem"},
	{"devices", cmd_devices, "list Particle devices on USB and serial: platform, mode, ID, port"},
	{"identify", cmd_identify, "read device ID, platform, Device OS version, ICCID/IMEI"},
	{"inspect", cmd_inspect, "read and check the firmware modules; explain what is wrong"},
	{"mac", cmd_mac, "read the Wi-Fi MAC address"},
	{"listen", cmd_mode, "put the device in listening mode (blinking dark blue)"},
	{"dfu", cmd_mode, "put the device in DFU mode (blinking yellow)"},
	{"safe-mode", cmd_mode, "restart the device in safe mode (breathing magenta)"},
	{"reset", cmd_mode, "restart the device"},
	{"flash", cmd_flash, "write a module over USB DFU and verify it; refuses wrong files"},
	{"backup", cmd_backup, "save the device's app (user firmware) to a file over USB DFU"},
	{"udev-rules", cmd_udev, "print or install the Linux udev rule for Particle USB devices"},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: blinkdoc [--knowledge DIR] [--resume] [--device TYPE]\n"
		   "       blinkdoc [--knowledge DIR] COMMAND [OPTIONS]\n"
		   "       blinkdoc --version | --help\n\n"
		   "Without a command, blinkdoc starts the guided session in the terminal.\n\n"
		   "blinkdoc finds out why a Particle device blinks, crashes or stays dark, and\n"
		   "helps fix it.\n\nCommands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nRun `blinkdoc COMMAND --help` for a command's options.\n\n"
		   "Options:\n"
		   "  --knowledge DIR  use this knowledge directory (also: BLINKDOC_KNOWLEDGE)\n"
		   "  --resume         continue the guided session saved last time\n"
		   "  --device TYPE    start the guided session with this device type\n"
		   "  --keys FILE --dump OUT [--size WxH]\n"
		   "                   run the guided session headless from a key script and\n"
		   "                   write its screens as text (tests; see tests/tui/README.md)\n"
		   "  --version        print the version\n\n"
		   "Exit codes (all commands):\n"
		   "  0  done\n"
		   "  1  problem found, or no known LED status matches\n"
		   "  2  usage error\n"
		   "  3  more answers needed\n"
		   "  4  no device found\n"
		   "  5  device or transport error\n");
}

int main(int argc, char **argv)
{
	/* Global options may appear anywhere; take them out of argv. */
	int n = 1;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--knowledge")) {
			if (i + 1 >= argc)
				return cli_usage_error(NULL, "--knowledge needs a directory");
			cli_global.knowledge = argv[++i];
			continue;
		}
		if (!strncmp(argv[i], "--knowledge=", 12)) {
			cli_global.knowledge = argv[i] + 12;
			continue;
		}
		argv[n++] = argv[i];
	}
	argc = n;
	argv[argc] = NULL;
	/* No command (or only session options): the guided session. */
	if (argc < 2 || argv[1][0] == '-' ) {
		const char *a = argc >= 2 ? argv[1] : "";
		if (argc < 2 || !strcmp(a, "--resume") || !strcmp(a, "--device") ||
		    !strncmp(a, "--device=", 9) || !strcmp(a, "--keys") || !strcmp(a, "--dump"))
			return ui_run(argc - 1, argv + 1);
	}
	const char *cmd = argv[1];
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
		printf("blinkdoc %s\n", BLINKDOC_VERSION);
		return BD_EXIT_OK;
	}
	if (cli_is_help(cmd) || !strcmp(cmd, "help")) {
		usage(stdout);
		return BD_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(cmd, commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	cli_usage_error(NULL, "unknown command \"%s\"", cmd);
	return BD_EXIT_USAGE;
}
