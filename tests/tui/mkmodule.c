/* tui_mkmodule DIR FILE PLATFORM START BYTES - writes a valid user-part
 * module file DIR/FILE (the tmux test's flash action). */
#include <stdio.h>

#include "modfile.h"

int main(int argc, char **argv)
{
	if (argc != 6) {
		fprintf(stderr, "usage: tui_mkmodule DIR FILE PLATFORM START BYTES\n");
		return 2;
	}
	char spec[600];
	snprintf(spec, sizeof spec, "%s %s %s %s", argv[2], argv[3], argv[4], argv[5]);
	if (!tui_write_module(argv[1], spec)) {
		fprintf(stderr, "tui_mkmodule: cannot write %s/%s\n", argv[1], argv[2]);
		return 1;
	}
	return 0;
}
