/* cmd_flash.c - `blinkdoc flash FILE`: show the plan, ask, move the device
 * into DFU mode by the best rung, write with a progress bar, verify, leave
 * DFU.  The work is engine/flash.c's; this file talks to the person. */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cmd_common.h"
#include "commands.h"
#include "flash.h"
#include "flash_progress.h"

/* ---- progress: a bar with ETA on a terminal, lines every 10 % otherwise --- */

void cmd_progress_init(struct cmd_progress *cp, FILE *f)
{
	memset(cp, 0, sizeof *cp);
	cp->f = f;
	const char *term = getenv("TERM");
	cp->tty = isatty(fileno(f)) && !(term && !strcmp(term, "dumb"));
	flash_progress_init(&cp->p);
}

void cmd_progress_end(struct cmd_progress *cp)
{
	if (cp->bar_shown) {
		fputc('\n', cp->f);
		cp->bar_shown = false;
	}
	fflush(cp->f);
}

static void cmd_progress_cb(void *ctx, const char *phase, uint64_t done, uint64_t total)
{
	struct cmd_progress *cp = ctx;
	bool changed = flash_progress_update(&cp->p, phase, done, total, bd_now_ms());
	char line[256];
	if (cp->tty) {
		if (changed)
			cmd_progress_end(cp);
		flash_progress_bar(&cp->p, cli_width(cp->f), line, sizeof line);
		fprintf(cp->f, "\r%s", line);
		cp->bar_shown = true;
		fflush(cp->f);
	} else if (flash_progress_line(&cp->p, line, sizeof line)) {
		fprintf(cp->f, "  %s\n", line);
	}
}

static void cmd_progress_log(void *ctx, const char *line)
{
	struct cmd_progress *cp = ctx;
	/* The ladder's rungs and the device coming back always show; the
	 * protocol details only with -v. */
	bool key = !strncmp(line, "rung ", 5) || strstr(line, "device is back") ||
		   strstr(line, "backup:") || strstr(line, "putting the device");
	if (!cp->verbose && !key)
		return;
	cmd_progress_end(cp);
	fprintf(cp->f, "  %s\n", line);
}

struct bd_op cmd_progress_op(struct cmd_progress *cp, int64_t timeout_ms, bool verbose)
{
	cp->verbose = verbose;
	struct bd_op op = {bd_deadline_in(timeout_ms), cmd_progress_log, cmd_progress_cb, cp,
			   NULL};
	return op;
}

static const char flash_usage[] =
	"usage: blinkdoc flash FILE [--device ID | --port PATH] [--yes] [--dry-run]\n"
	"                           [--backup FILE] [-v]\n\n"
	"Writes a firmware module (.bin) to the device over USB DFU and verifies it.\n"
	"The file is checked first (platform, CRC, address, size) and refused, with the\n"
	"reason, if it does not belong on the device; nothing is touched then.  Shows the\n"
	"plan and asks before writing; moves the device into DFU mode (USB control\n"
	"request, then the 14400-baud signal, else the button steps), writes with a\n"
	"progress bar, reads it back, and leaves DFU mode.\n\n"
	"  FILE           the module file (e.g. tinker.bin, firmware.bin)\n"
	"  --device ID    the device ID (or its first 6+ characters)\n"
	"  --port PATH    the serial port of the device\n"
	"  --yes, -y      do not ask (required without a terminal)\n"
	"  --dry-run      check everything and show the plan, write nothing\n"
	"  --backup FILE  save the app that is on the device to FILE first\n"
	"  -v             show each step\n\n"
	"Exit: 0 flashed and verified, 1 the file does not belong on the device,\n"
	"2 usage, 4 no device, 5 device or transport error.\n";

struct flash_cmd {
	struct dev_cmd c;
	const char *file;
	const char *backup;
	bool yes, dry_run;
};

static int flash_parse(struct flash_cmd *f, int argc, char **argv)
{
	static const struct option opts[] = {{"port", required_argument, NULL, 'p'},
					     {"device", required_argument, NULL, 'd'},
					     {"yes", no_argument, NULL, 'y'},
					     {"dry-run", no_argument, NULL, 'n'},
					     {"backup", required_argument, NULL, 'b'},
					     {"help", no_argument, NULL, 'h'},
					     {"verbose", no_argument, NULL, 'v'},
					     {NULL, 0, NULL, 0}};
	optind = 1;
	opterr = 0;
	int o;
	while ((o = getopt_long(argc, argv, ":hvy", opts, NULL)) != -1) {
		switch (o) {
		case 'p': f->c.target.port = optarg; break;
		case 'd': f->c.target.device_id = optarg; break;
		case 'y': f->yes = true; break;
		case 'n': f->dry_run = true; break;
		case 'b': f->backup = optarg; break;
		case 'v': f->c.verbose++; break;
		case 'h': fputs(flash_usage, stdout); return -1;
		case ':': return cli_usage_error("flash", "%s needs a value", argv[optind - 1]);
		default: return cli_usage_error("flash", "unknown option %s", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_usage_error("flash", "which file? (blinkdoc flash FILE)");
	f->file = argv[optind++];
	if (optind < argc)
		return cli_usage_error("flash", "unexpected argument \"%s\"", argv[optind]);
	return dev_cmd_check_target("flash", &f->c.target);
}

static void flash_print_plan(const struct flash_cmd *f, const struct flash_plan *p)
{
	const struct bd_modfile_report *r = &p->report;
	const struct bd_device *d = &p->dev;
	printf("Device:  %s %s (%s mode%s%s)\n", p->pl->name,
	       d->device_id[0] ? d->device_id : "(ID not reported)", bd_mode_name(d->mode),
	       d->usb_path[0] ? ", USB " : "", d->usb_path);
	printf("File:    %s\n", f->file);
	printf("Module:  %s %d, version %d, for %s (%d)\n", r->func_name, r->index, r->version,
	       r->platform_name ? r->platform_name : "?", r->platform_id);
	for (int i = 0; i < r->ndeps; i++)
		printf("Needs:   %s %d version %d\n", bd_modfile_func_name(r->deps[i].func),
		       r->deps[i].index, r->deps[i].version);
	printf("Write:   %zu bytes at 0x%08x (DFU alt 0)\n", p->len, (unsigned)p->addr);
	if (r->sha256[0])
		printf("SHA-256: %s\n", r->sha256);
	printf("Checked: platform, CRC-32, address in writable flash, size%s\n",
	       p->installed_known ? ", dependencies against the installed modules" : "");
	for (size_t i = 0; i < r->nwarn; i++)
		printf("Warning: %s\n", r->warn[i]);
	/* The backup is named only when it is decided (--backup); otherwise
	 * the question below decides it. */
	printf("Steps:   %s%serase, write, verify, leave DFU mode\n",
	       d->mode == BD_MODE_DFU ? "" : "enter DFU mode, ", f->backup ? "backup, " : "");
}

/* Reads y/n from the terminal; def when the person just presses Enter. */
static bool flash_ask(const char *question, bool def)
{
	fprintf(stderr, "%s [%s] ", question, def ? "Y/n" : "y/N");
	fflush(stderr);
	char line[32];
	if (!fgets(line, sizeof line, stdin))
		return false;
	if (line[0] == '\n')
		return def;
	return line[0] == 'y' || line[0] == 'Y';
}

/* A file error is the file's problem (1); the rest are the device's (5). */
static int flash_plan_exit(int code)
{
	switch (code) {
	case BD_E_NO_DEVICE: return BD_EXIT_NO_DEVICE;
	case BD_E_NOMEM:
	case BD_E_INVALID: return BD_EXIT_DEVICE;
	default: return BD_EXIT_PROBLEM;
	}
}

/* The DFU ladder found no automatic rung: the buttons, then wait. */
static int flash_by_buttons(struct flash_cmd *f, struct flash_plan *p, struct bd_op *op,
			    struct bd_error *err)
{
	fprintf(stderr, "\nPut the device in DFU mode with the buttons:\n");
	if (!dev_cmd_print_procedure(&f->c, "proc-dfu", p->dev.platform_id))
		fprintf(stderr, "  hold %s, tap %s, let go when the LED blinks yellow\n",
			bd_platform_mode_button(p->pl), bd_platform_reset_button(p->pl));
	if (!isatty(STDIN_FILENO)) {
		fprintf(stderr, "Then run the same command again.\n");
		return -1;
	}
	fprintf(stderr, "Waiting up to 60 s for the device in DFU mode (blinking yellow)...\n");
	struct bd_op wait = *op;
	wait.deadline = bd_deadline_in(60000);
	struct bd_device now;
	if (bd_transports_wait_for(f->c.t, &p->dev, BD_MODE_DFU, &now, &wait, err) < 0)
		return -1;
	bd_op_logf(op, "rung 3 (buttons): the device is in DFU mode");
	p->dev = now;
	return 0;
}

int cmd_flash(int argc, char **argv)
{
	struct flash_cmd f = {.c = {.name = "flash"}};
	int rc = flash_parse(&f, argc, argv);
	if (rc < 0)
		return BD_EXIT_OK;
	if (rc > 0)
		return rc;
	bool tty_in = isatty(STDIN_FILENO);
	if (!f.yes && !f.dry_run && !tty_in) {
		struct bd_error e = {0};
		bd_error_set(&e, BD_E_USAGE, "flash: refusing to write without a confirmation: "
					     "standard input is not a terminal");
		bd_error_hint(&e, "Add --yes to flash without asking (and --backup FILE to keep "
				  "the app that is on the device).");
		cli_print_error(&e);
		return BD_EXIT_USAGE;
	}
	if ((rc = dev_cmd_open(&f.c)))
		return rc;
	struct flash_plan *p = NULL;
	struct cmd_progress prog;
	struct bd_error err = {0};
	/* A damaged or foreign file is refused before any device is looked
	 * for; what depends on the device is checked once it is found. */
	if (flash_file_precheck(kb_platforms(f.c.kb), f.file, &err) < 0) {
		cli_print_error(&err);
		rc = flash_plan_exit(err.code);
		goto out;
	}
	if ((rc = dev_cmd_find(&f.c)))
		goto out;
	struct bd_op op = dev_cmd_op(&f.c, 600000, false);
	if (flash_plan_new(f.c.t, kb_platforms(f.c.kb), &f.c.dev, f.file, &p, &op, &err) < 0) {
		cli_print_error(&err);
		rc = flash_plan_exit(err.code);
		goto out;
	}
	flash_print_plan(&f, p);
	fflush(stdout);
	if (f.dry_run) {
		struct flash_opts o = {.dry_run = true};
		op.log = NULL;
		struct bd_op dry = dev_cmd_op(&f.c, 60000, true);
		rc = flash_run(f.c.t, p, &o, &dry, &err) < 0 ? dev_cmd_fail(&f.c, &err) : BD_EXIT_OK;
		if (rc == BD_EXIT_OK)
			printf("Dry run: the file fits this device; nothing was written.\n");
		goto out;
	}
	char backup_name[96];
	if (p->user_part && !f.backup) {
		if (f.yes) {
			fprintf(stderr, "Note: the app on the device is overwritten without a backup "
					"(add --backup FILE to keep it).\n");
		} else {
			snprintf(backup_name, sizeof backup_name, "backup-%s.bin",
				 p->dev.device_id[0] ? p->dev.device_id : p->pl->key);
			char q[160];
			snprintf(q, sizeof q, "Save the app that is on the device to %s first?",
				 backup_name);
			if (flash_ask(q, true))
				f.backup = backup_name;
		}
	}
	if (f.backup && flash_backup_path_check(f.backup, &err) < 0) {
		cli_print_error(&err);
		rc = BD_EXIT_USAGE;
		goto out;
	}
	if (!f.yes && !flash_ask("Flash it?", false)) {
		fprintf(stderr, "Nothing was written.\n");
		rc = BD_EXIT_PROBLEM;
		goto out;
	}
	cmd_progress_init(&prog, stderr);
	op = cmd_progress_op(&prog, 600000, f.c.verbose > 0);
	struct flash_opts o = {.dry_run = false, .backup_path = f.backup};
	int r = flash_run(f.c.t, p, &o, &op, &err);
	if (r < 0 && p->dev.mode != BD_MODE_DFU &&
	    (r == BD_E_UNAVAILABLE || r == BD_E_NOT_SUPPORTED || r == BD_E_TIMEOUT)) {
		cmd_progress_end(&prog);
		cli_print_error(&err);
		bd_error_clear(&err);
		if (flash_by_buttons(&f, p, &op, &err) < 0) {
			if (err.code)
				cli_print_error(&err);
			rc = BD_EXIT_DEVICE;
			goto out;
		}
		r = flash_run(f.c.t, p, &o, &op, &err);
	}
	cmd_progress_end(&prog);
	if (r < 0) {
		rc = dev_cmd_fail(&f.c, &err);
		goto out;
	}
	printf("Flashed and verified %zu bytes at 0x%08x; the device is back in %s mode.\n",
	       p->len, (unsigned)p->addr, bd_mode_name(p->dev.mode));
	rc = BD_EXIT_OK;
out:
	flash_plan_free(p);
	dev_cmd_close(&f.c);
	return rc;
}
