/* golden_run NAME - runs the real blinkdoc headless on the key script
 * tests/tui/scripts/NAME.keys and compares what it dumps with
 * tests/tui/golden/NAME.txt (tig's way of testing a TUI).
 *
 * A script may hold several runs of the binary sharing one state directory
 * (to test --resume): lines "#! run ARGS..." start the next run with those
 * extra arguments.  "#! env NAME=VALUE" adds to the environment of every
 * run.  Each run gets the fixture knowledge base, a fresh XDG state
 * directory, no transports, a UTF-8 locale and a fixed terminal type unless
 * the script says otherwise.  Paths of the temporary directories are
 * written as $STATE and $KB in the output.
 *
 * "#! mask WORD..." writes each WORD (with the blanks after it) as "<masked>"
 * padded to the same width: for values other components may still change,
 * such as the mode a transport reports.
 * "#! vrun SCENARIO" runs every run under tests/virtual's bd-vrun with
 * that scenario (virtual devices on USB and serial); the test is skipped
 * (exit 77) when bd-vrun was not built.  SCENARIO is a name of
 * tests/virtual/scenarios, or a file relative to tests/tui.
 * "#! kb NAME" lays tests/tui/kb/NAME (its JSON files and those of tree/) over the
 * fixture knowledge: TUI paths the engine's fixture does not have.
 * "#! module FILE PLATFORM START BYTES" writes a valid user-part module
 * file $STATE/FILE (platform id, start address, body size) to flash.
 * "$STATE" in key script lines stands for the state directory.
 *
 * BLINKDOC_UPDATE_GOLDEN=1 writes the golden file instead of comparing.
 */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kbfix.h"
#include "modfile.h"
#include "runcmd.h"

#define MAX_RUNS 8
#define MAX_ENV 16
#define RUN_TIMEOUT_S 60

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	char tmp[4096];
	size_t n;
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) {
		if (len + n + 1 > cap) {
			cap = (len + n + 1) * 2;
			buf = realloc(buf, cap);
		}
		memcpy(buf + len, tmp, n);
		len += n;
	}
	fclose(f);
	if (!buf)
		buf = calloc(1, 1);
	else
		buf[len] = '\0';
	return buf;
}

static bool spit(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return false;
	bool ok = fputs(text, f) >= 0;
	return fclose(f) == 0 && ok;
}

/* Replaces every occurrence of from with to (returns a new string). */
static char *replace_all(char *s, const char *from, const char *to)
{
	size_t fl = strlen(from), tl = strlen(to), n = 0;
	if (!fl)
		return s;
	for (const char *p = s; (p = strstr(p, from)); p += fl)
		n++;
	char *out = malloc(strlen(s) + n * (tl > fl ? tl - fl : 0) + 1), *w = out;
	const char *p = s, *q;
	while ((q = strstr(p, from))) {
		memcpy(w, p, (size_t)(q - p));
		w += q - p;
		memcpy(w, to, tl);
		w += tl;
		p = q + fl;
	}
	strcpy(w, p);
	free(s);
	return out;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Wall-clock times ("2026-11-21 17:25") vary from run to run. */
static void mask_times(char *s)
{
	static const char pat[] = "dddd-dd-dd dd:dd";
	size_t n = sizeof pat - 1;
	for (; *s; s++) {
		size_t i;
		for (i = 0; i < n && s[i]; i++)
			if (pat[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != pat[i])
				break;
		if (i == n)
			memcpy(s, "YYYY-MM-DD hh:mm", n);
	}
}

/* WORD and the blanks after it become "<masked>" padded to the same width
 * (when that fits). */
static void mask_word(char *s, const char *word)
{
	static const char tag[] = "<masked>";
	size_t n = strlen(word);
	for (char *p = s; (p = strstr(p, word)); p += n) {
		size_t len = n;
		while (p[len] == ' ')
			len++;
		if (len < sizeof tag - 1)
			continue;
		memset(p, ' ', len);
		memcpy(p, tag, sizeof tag - 1);
	}
}

/* Copies every *.json of from into to (flat). */
static bool copy_json_files(const char *from, const char *to)
{
	DIR *d = opendir(from);
	if (!d)
		return false;
	bool ok = true;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l < 5 || strcmp(e->d_name + l - 5, ".json"))
			continue;
		char a[8400], b[8400];
		snprintf(a, sizeof a, "%s/%s", from, e->d_name);
		snprintf(b, sizeof b, "%s/%s", to, e->d_name);
		char *text = slurp(a);
		ok &= text && spit(b, text);
		free(text);
	}
	closedir(d);
	return ok;
}

/* "#! kb NAME": tests/tui/kb/NAME over the knowledge directory kb. */
static bool overlay_kb(const char *kb, const char *name)
{
	char from[4200], to[4200];
	snprintf(from, sizeof from, "%s/%s", KB_OVERLAY_DIR, name);
	bool ok = copy_json_files(from, kb);
	snprintf(from, sizeof from, "%s/%s/tree", KB_OVERLAY_DIR, name);
	snprintf(to, sizeof to, "%s/tree", kb);
	DIR *d = opendir(from);
	if (d) {
		closedir(d);
		ok &= copy_json_files(from, to);
	}
	return ok;
}

struct run {
	char args[512];
	char *keys;
	size_t keys_len;
};

static void append(char **buf, size_t *len, const char *s)
{
	size_t n = strlen(s);
	*buf = realloc(*buf, *len + n + 1);
	memcpy(*buf + *len, s, n + 1);
	*len += n;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: golden_run NAME\n");
		return 2;
	}
	const char *name = argv[1];
	char path[4096];
	snprintf(path, sizeof path, "%s/%s.keys", SCRIPTS_DIR, name);
	char *script = slurp(path);
	if (!script) {
		fprintf(stderr, "cannot read %s\n", path);
		return 1;
	}

	/* Split the script into runs and collect directives. */
	struct run runs[MAX_RUNS] = {{"", NULL, 0}};
	int nruns = 1;
	char *env_extra[MAX_ENV];
	int nenv = 0;
	char vrun[256] = "";
	char masks[256] = "";
	char overlay[64] = "";
	char modules[4][300];
	int nmodules = 0;
	for (char *line = strtok(script, "\n"); line; line = strtok(NULL, "\n")) {
		if (!strncmp(line, "#! run", 6)) {
			if (nruns == MAX_RUNS)
				return fprintf(stderr, "too many runs\n"), 1;
			snprintf(runs[nruns].args, sizeof runs[0].args, "%s", line + 6);
			nruns++;
			continue;
		}
		if (!strncmp(line, "#! mask ", 8)) {
			snprintf(masks, sizeof masks, "%s", line + 8);
			continue;
		}
		if (!strncmp(line, "#! kb ", 6)) {
			snprintf(overlay, sizeof overlay, "%s", line + 6);
			continue;
		}
		if (!strncmp(line, "#! module ", 10) && nmodules < 4) {
			snprintf(modules[nmodules++], sizeof modules[0], "%s", line + 10);
			continue;
		}
		if (!strncmp(line, "#! vrun ", 8)) {
			snprintf(vrun, sizeof vrun, "%s", line + 8);
			continue;
		}
		if (!strncmp(line, "#! env ", 7) && nenv < MAX_ENV) {
			env_extra[nenv++] = strdup(line + 7);
			continue;
		}
		append(&runs[nruns - 1].keys, &runs[nruns - 1].keys_len, line);
		append(&runs[nruns - 1].keys, &runs[nruns - 1].keys_len, "\n");
	}

#ifndef BD_VRUN
	if (vrun[0]) {
		printf("%s: skipped, bd-vrun (tests/virtual) is not built\n", name);
		return 77;
	}
#endif
	char *kb = kbfix_make(FIXTURE_DIR, SHIPPED_DIR);
	char state[] = "/tmp/bdtui.XXXXXX";
	if (!kb || !mkdtemp(state))
		return fprintf(stderr, "cannot make temporary directories\n"), 1;
	if (overlay[0] && !overlay_kb(kb, overlay))
		return fprintf(stderr, "cannot lay %s/%s over the knowledge\n", KB_OVERLAY_DIR,
			       overlay), 1;
	for (int i = 0; i < nmodules; i++)
		if (!tui_write_module(state, modules[i]))
			return fprintf(stderr, "bad #! module line: %s\n", modules[i]), 1;
	char env_state[4200], env_home[4200];
	snprintf(env_state, sizeof env_state, "XDG_STATE_HOME=%s", state);
	snprintf(env_home, sizeof env_home, "HOME=%s", state);
	const char *env[MAX_ENV + 12];
	int ne = 0;
	env[ne++] = env_state;
	env[ne++] = env_home;
	env[ne++] = "BLINKDOC_UI_TRANSPORTS=off";
	env[ne++] = "LC_ALL=C.UTF-8";
	env[ne++] = "TERM=xterm-256color";
	env[ne++] = "NO_COLOR=";
	env[ne++] = "BLINKDOC_COLORS=";
	env[ne++] = "BLINKDOC_KNOWLEDGE=";
	for (int i = 0; i < nenv; i++)
		env[ne++] = env_extra[i];
	env[ne] = NULL;

	/* A scenario of tests/tui (a path with a slash), else bd-vrun's by name. */
	char vrun_path[4400];
	if (strchr(vrun, '/'))
		snprintf(vrun_path, sizeof vrun_path, "%s/%s", TUI_DIR, vrun);
	else
		snprintf(vrun_path, sizeof vrun_path, "%s", vrun);
	char *out = calloc(1, 1);
	size_t out_len = 0;
	int rc = 0;
	for (int r = 0; r < nruns; r++) {
		char keys_path[4200];
		snprintf(keys_path, sizeof keys_path, "%s/run%d.keys", state, r);
		char *keys = replace_all(strdup(runs[r].keys ? runs[r].keys : ""), "$STATE", state);
		spit(keys_path, keys);
		free(keys);
		const char *av[40];
		int na = 0;
#ifdef BD_VRUN
		if (vrun[0]) {
			av[na++] = BD_VRUN;
			av[na++] = "--scenario";
			av[na++] = vrun_path;
			av[na++] = "--timeout";
			av[na++] = "50";
			av[na++] = "--";
		}
#endif
		av[na++] = BLINKDOC_BIN;
		av[na++] = "--keys";
		av[na++] = keys_path;
		av[na++] = "--dump";
		av[na++] = "-";
		char args[4400];
		snprintf(args, sizeof args, "%s", runs[r].args);
		for (char *a = strtok(args, " "); a && na < 28; a = strtok(NULL, " "))
			av[na++] = a;
		av[na++] = "--knowledge";
		av[na++] = kb;
		av[na] = NULL;
		struct run_result res;
		if (run_cmd(av, env, RUN_TIMEOUT_S, &res) < 0)
			return fprintf(stderr, "cannot run %s\n", BLINKDOC_BIN), 1;
		char head[4600];
		snprintf(head, sizeof head, "=== run %d:%s (exit %d) ===\n", r + 1,
			 runs[r].args[0] ? runs[r].args : " (no options)", res.status);
		append(&out, &out_len, head);
		append(&out, &out_len, res.out);
		if (res.err[0]) {
			append(&out, &out_len, "=== stderr ===\n");
			append(&out, &out_len, res.err);
		}
		run_result_free(&res);
	}
	out = replace_all(out, state, "$STATE");
	mask_times(out);
	for (char *w = strtok(masks, " "); w; w = strtok(NULL, " "))
		mask_word(out, w);
	out = replace_all(out, kb, "$KB");

	char golden[4096];
	snprintf(golden, sizeof golden, "%s/%s.txt", GOLDEN_DIR, name);
	const char *update = getenv("BLINKDOC_UPDATE_GOLDEN");
	if (update && *update && strcmp(update, "0")) {
		spit(golden, out);
		printf("wrote %s\n", golden);
	} else {
		char *want = slurp(golden);
		if (!want) {
			fprintf(stderr, "no golden file %s; run with BLINKDOC_UPDATE_GOLDEN=1 to create it "
					"and review it\n", golden);
			rc = 1;
		} else if (strcmp(want, out)) {
			char actual[4200];
			snprintf(actual, sizeof actual, "%s.actual", name);
			spit(actual, out);
			fprintf(stderr, "%s: screens differ from %s (actual in %s):\n", name, golden, actual);
			char cmd[9000];
			snprintf(cmd, sizeof cmd, "diff -u '%s' '%s' | head -80 >&2", golden, actual);
			if (system(cmd) == -1)
				fprintf(stderr, "(diff unavailable)\n");
			rc = 1;
		} else {
			printf("%s: %zu bytes of screens match\n", name, strlen(out));
		}
		free(want);
	}
	nftw(state, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	kbfix_remove(kb);
	free(kb);
	free(out);
	free(script);
	for (int i = 0; i < nruns; i++)
		free(runs[i].keys);
	for (int i = 0; i < nenv; i++)
		free(env_extra[i]);
	return rc;
}
