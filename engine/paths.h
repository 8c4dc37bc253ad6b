/* paths.h - where blinkdoc finds its knowledge base and keeps its state. */
#ifndef BD_PATHS_H
#define BD_PATHS_H

#include <stddef.h>

/* Picks the knowledge directory: explicit (--knowledge) if given, else
 * $BLINKDOC_KNOWLEDGE, else the copy installed next to the binary
 * (<bindir>/../share/blinkdoc/knowledge), else the configured install
 * directory, else the source tree (running from a build directory).
 * Writes the choice to out and returns 0, or returns BD_E_NOT_FOUND with
 * tried[] listing where it looked. */
int paths_knowledge_dir(const char *explicit_dir, char *out, size_t size, char *tried,
			size_t tried_size);

/* $XDG_STATE_HOME/blinkdoc (default ~/.local/state/blinkdoc), created if
 * needed.  Returns 0 or a negative code. */
int paths_state_dir(char *out, size_t size);

#endif
