/* modfile.h - user-part module files for the TUI tests (golden_run's
 * "#! module" line, tui_mkmodule for the tmux test). */
#ifndef BD_TUI_MODFILE_H
#define BD_TUI_MODFILE_H

#include <stdbool.h>

/* spec: "FILE PLATFORM START BYTES" - writes dir/FILE, a user part for
 * platform id PLATFORM at flash address START with a BYTES-long body that
 * passes every check (prefix, CRC, suffix).  Returns false on a bad spec or
 * a write error. */
bool tui_write_module(const char *dir, const char *spec);

#endif
