/* cmd_kblint.c - `blinkdoc kb-lint [DIR]`: every problem in a knowledge
 * directory, located as file:line:col with the node and a hint. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "kb_lint.h"
#include "paths.h"

static const char kb_lint_usage[] =
	"usage: blinkdoc kb-lint [DIR]\n"
	"\n"
	"Checks a knowledge directory (default: the one blinkdoc uses) and prints every\n"
	"problem as file:line:col with the node id, what is wrong and a hint: malformed\n"
	"JSON, unknown or duplicate fields and ids, references to missing nodes, nodes\n"
	"nothing reaches, loops with no way out, conditions and texts naming unknown\n"
	"facts or impossible values, and LED statuses a device shows but the tree cannot\n"
	"reach.  Exit: 0 no problems, 1 problems found, 2 usage error.\n";

int cmd_kb_lint(int argc, char **argv)
{
	const char *dir = NULL;
	for (int i = 1; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			fputs(kb_lint_usage, stdout);
			return BD_EXIT_OK;
		}
		if (argv[i][0] == '-')
			return cli_usage_error("kb-lint", "unknown option %s", argv[i]);
		if (dir)
			return cli_usage_error("kb-lint", "only one directory, please");
		dir = argv[i];
	}
	char found[4096], tried[4096];
	if (!dir) {
		if (paths_knowledge_dir(cli_global.knowledge, found, sizeof found, tried,
					sizeof tried) < 0) {
			fprintf(stderr, "blinkdoc kb-lint: cannot find a knowledge base (looked in: %s)\n",
				tried);
			return BD_EXIT_PROBLEM;
		}
		dir = found;
	}
	struct diag d = {0};
	struct kb *kb = kb_load(dir, &d);
	/* Graph checks need a loaded tree; they are meaningful even when some
	 * records had problems, so run them whenever nodes exist. */
	if (kb && kb_node_count(kb))
		kb_lint(kb, &d);
	cli_print_diag(stdout, &d);
	int rc = d.errors ? BD_EXIT_PROBLEM : BD_EXIT_OK;
	if (d.errors || d.warnings)
		printf("%s: %zu error(s), %zu warning(s)\n", dir, d.errors, d.warnings);
	else
		printf("%s: OK (%zu devices, %zu LED statuses, %zu SOS codes, %zu nodes, %zu facts)\n",
		       dir, kb_device_count(kb), kb_led_count(kb), kb_sos_count(kb), kb_node_count(kb),
		       kb_fact_count(kb));
	diag_free(&d);
	kb_free(kb);
	return rc;
}
