/* cmd_backup.c - `blinkdoc backup -o FILE`: saves the device's user
 * firmware (the app) over DFU, so that it can be restored with `blinkdoc
 * flash FILE` after a recovery. */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd_common.h"
#include "commands.h"
#include "flash.h"

static const char backup_usage[] =
	"usage: blinkdoc backup -o FILE [--device ID | --port PATH] [-v]\n\n"
	"Reads the app (user firmware) from the device over USB DFU into FILE ('-' for\n"
	"standard output).  A valid module is saved exactly (prefix to CRC), so\n"
	"`blinkdoc flash FILE` restores it; otherwise the raw region is saved without\n"
	"its trailing erased bytes.  The device is put in DFU mode for the read and\n"
	"restarted afterwards if it was not in DFU mode before.\n\n"
	"  -o, --output FILE  where to write the backup ('-': standard output)\n"
	"  --device ID        the device ID (or its first 6+ characters)\n"
	"  --port PATH        the serial port of the device\n"
	"  -v                 show each step\n\n"
	"Exit: 0 saved, 1 nothing to save (empty slot), 2 usage, 4 no device,\n"
	"5 device or transport error.\n";

int cmd_backup(int argc, char **argv)
{
	static const struct option opts[] = {{"port", required_argument, NULL, 'p'},
					     {"device", required_argument, NULL, 'd'},
					     {"output", required_argument, NULL, 'o'},
					     {"help", no_argument, NULL, 'h'},
					     {"verbose", no_argument, NULL, 'v'},
					     {NULL, 0, NULL, 0}};
	struct dev_cmd c = {.name = "backup"};
	const char *out = NULL;
	optind = 1;
	opterr = 0;
	int o;
	while ((o = getopt_long(argc, argv, ":hvo:", opts, NULL)) != -1) {
		switch (o) {
		case 'p': c.target.port = optarg; break;
		case 'd': c.target.device_id = optarg; break;
		case 'o': out = optarg; break;
		case 'v': c.verbose++; break;
		case 'h': fputs(backup_usage, stdout); return BD_EXIT_OK;
		case ':': return cli_usage_error("backup", "%s needs a value", argv[optind - 1]);
		default: return cli_usage_error("backup", "unknown option %s", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("backup", "unexpected argument \"%s\"", argv[optind]);
	if (!out)
		return cli_usage_error("backup", "where to? (-o FILE, or -o - for standard output)");
	if ((o = dev_cmd_check_target("backup", &c.target)))
		return o;
	struct bd_error perr = {0};
	if (flash_backup_path_check(out, &perr) < 0) {
		cli_print_error(&perr);
		return BD_EXIT_USAGE;
	}
	int rc = dev_cmd_open(&c);
	if (rc)
		return rc;
	if ((rc = dev_cmd_find(&c)))
		goto done;
	bool was_dfu = c.dev.mode == BD_MODE_DFU;
	struct cmd_progress prog;
	cmd_progress_init(&prog, stderr);
	struct bd_op op = cmd_progress_op(&prog, 600000, c.verbose > 0);
	struct flash_backup b;
	struct bd_error err = {0};
	int r = flash_backup_read(c.t, kb_platforms(c.kb), &c.dev, &b, &op, &err);
	cmd_progress_end(&prog);
	if (r == 0) {
		r = flash_backup_save(&b, out, &err);
		if (r == 0)
			fprintf(stderr, "Saved to %s: %s.\n", strcmp(out, "-") ? out : "standard output",
				b.note);
		flash_backup_free(&b);
	}
	if (r < 0) {
		cli_print_error(&err);
		rc = r == BD_E_NOT_FOUND ? BD_EXIT_PROBLEM : cli_exit_for(r);
	}
	/* Put things back as they were. */
	if (!was_dfu && c.dev.mode == BD_MODE_DFU) {
		struct bd_error e = {0};
		struct bd_op back = cmd_progress_op(&prog, 40000, c.verbose > 0);
		if (bd_transports_reset(c.t, &c.dev, &back, &e) < 0) {
			fprintf(stderr, "The device stays in DFU mode (blinking yellow): %s\n", e.msg);
			fprintf(stderr, "  Press RESET to restart it.\n");
		} else {
			fprintf(stderr, "The device left DFU mode and is back in %s mode.\n",
				bd_mode_name(c.dev.mode));
		}
	}
	if (r == 0)
		rc = BD_EXIT_OK;
done:
	dev_cmd_close(&c);
	return rc;
}
