#define _DEFAULT_SOURCE
#include "paths.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/bd_error.h"

#ifndef BLINKDOC_KNOWLEDGE_INSTALL_DIR
#define BLINKDOC_KNOWLEDGE_INSTALL_DIR "/usr/local/share/blinkdoc/knowledge"
#endif
#ifndef BLINKDOC_KNOWLEDGE_SOURCE_DIR
#define BLINKDOC_KNOWLEDGE_SOURCE_DIR ""
#endif

static int is_kb_dir(const char *dir)
{
	char p[PATH_MAX];
	struct stat st;
	snprintf(p, sizeof p, "%s/devices.json", dir);
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static void note_tried(char *tried, size_t size, const char *what, const char *dir)
{
	size_t used = strlen(tried);
	if (used < size)
		snprintf(tried + used, size - used, "%s%s (%s)", used ? ", " : "", dir, what);
}

static int pick(const char *dir, const char *what, char *out, size_t size, char *tried,
		size_t tried_size)
{
	if (!dir || !*dir)
		return 0;
	if (is_kb_dir(dir)) {
		snprintf(out, size, "%s", dir);
		return 1;
	}
	note_tried(tried, tried_size, what, dir);
	return 0;
}

int paths_knowledge_dir(const char *explicit_dir, char *out, size_t size, char *tried,
			size_t tried_size)
{
	if (tried_size)
		tried[0] = '\0';
	if (explicit_dir) {
		if (pick(explicit_dir, "--knowledge", out, size, tried, tried_size))
			return 0;
		return BD_E_NOT_FOUND;
	}
	const char *env = getenv("BLINKDOC_KNOWLEDGE");
	if (env && *env) {
		if (pick(env, "BLINKDOC_KNOWLEDGE", out, size, tried, tried_size))
			return 0;
		return BD_E_NOT_FOUND;
	}
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			char rel[PATH_MAX + 64];
			snprintf(rel, sizeof rel, "%s/../share/blinkdoc/knowledge", exe);
			char real[PATH_MAX];
			if (realpath(rel, real) && pick(real, "next to the binary", out, size, tried,
							tried_size))
				return 0;
		}
	}
	if (pick(BLINKDOC_KNOWLEDGE_INSTALL_DIR, "install directory", out, size, tried, tried_size))
		return 0;
	if (pick(BLINKDOC_KNOWLEDGE_SOURCE_DIR, "source tree", out, size, tried, tried_size))
		return 0;
	return BD_E_NOT_FOUND;
}

static int mkdir_p(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST) {
			*p = '/';
			return BD_E_IO;
		}
		*p = '/';
	}
	if (mkdir(path, 0700) != 0 && errno != EEXIST)
		return BD_E_IO;
	return 0;
}

int paths_state_dir(char *out, size_t size)
{
	const char *xdg = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	if (xdg && *xdg == '/')
		snprintf(out, size, "%s/blinkdoc", xdg);
	else if (home && *home)
		snprintf(out, size, "%s/.local/state/blinkdoc", home);
	else
		return BD_E_NOT_FOUND;
	return mkdir_p(out);
}
