#define _DEFAULT_SOURCE
#include "cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "paths.h"

struct cli_global cli_global;

void cli_print_error(const struct bd_error *err)
{
	fprintf(stderr, "blinkdoc: %s\n", err->msg[0] ? err->msg : bd_strerror(err->code));
	if (err->hint[0])
		cli_wrap(stderr, err->hint, cli_width(stderr), "  ", "  ");
}

int cli_usage_error(const char *command, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fprintf(stderr, "blinkdoc%s%s: %s\n", command ? " " : "", command ? command : "", msg);
	fprintf(stderr, "  Run `blinkdoc %s%s--help` for usage.\n", command ? command : "",
		command ? " " : "");
	return BD_EXIT_USAGE;
}

int cli_exit_for(int code)
{
	switch (code) {
	case 0: return BD_EXIT_OK;
	case BD_E_NO_DEVICE: return BD_EXIT_NO_DEVICE;
	case BD_E_USAGE:
	case BD_E_INVALID:
	case BD_E_AMBIGUOUS: return BD_EXIT_USAGE;
	case BD_E_MISMATCH:
	case BD_E_KNOWLEDGE: return BD_EXIT_PROBLEM;
	default: return code < 0 ? BD_EXIT_DEVICE : BD_EXIT_OK;
	}
}

void cli_print_diag(FILE *f, const struct diag *d)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct diag_item *it = &d->v[i];
		if (it->file && it->line)
			fprintf(f, "%s:%d:%d: ", it->file, it->line, it->col);
		else if (it->file)
			fprintf(f, "%s: ", it->file);
		fprintf(f, "%s: ", it->sev == DIAG_ERROR ? "error" : "warning");
		if (it->node)
			fprintf(f, "[%s] ", it->node);
		fprintf(f, "%s\n", it->msg);
		if (it->hint)
			fprintf(f, "    hint: %s\n", it->hint);
	}
}

struct kb *cli_load_kb(void)
{
	char dir[4096], tried[4096];
	if (paths_knowledge_dir(cli_global.knowledge, dir, sizeof dir, tried, sizeof tried) < 0) {
		fprintf(stderr, "blinkdoc: cannot find the knowledge base (looked in: %s)\n", tried);
		fprintf(stderr, "  Reinstall blinkdoc, or point --knowledge DIR or BLINKDOC_KNOWLEDGE "
				"at the directory that holds devices.json.\n");
		return NULL;
	}
	struct diag d = {0};
	struct kb *kb = kb_load(dir, &d);
	if (!kb_usable(kb, &d)) {
		fprintf(stderr, "blinkdoc: the knowledge base in %s has %zu problem(s):\n", dir,
			d.errors ? d.errors : 1);
		cli_print_diag(stderr, &d);
		fprintf(stderr, "  Run `blinkdoc kb-lint %s` for details.\n", dir);
		diag_free(&d);
		kb_free(kb);
		return NULL;
	}
	diag_free(&d);
	return kb;
}

int cli_width(FILE *f)
{
	int w = 0;
	struct winsize ws;
	if (isatty(fileno(f)) && ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col)
		w = ws.ws_col;
	const char *cols = getenv("COLUMNS");
	if (!w && cols)
		w = atoi(cols);
	if (w <= 0)
		w = 80;
	if (w < 40)
		w = 40;
	if (w > 160)
		w = 160;
	return w;
}

/* Wraps one paragraph line (no newlines). */
static void wrap_line(FILE *f, const char *s, size_t n, int width, const char *first,
		      const char *rest)
{
	const char *prefix = first;
	size_t col = 0, i = 0;
	bool line_start = true;
	while (i < n) {
		while (i < n && s[i] == ' ')
			i++;
		size_t j = i;
		while (j < n && s[j] != ' ')
			j++;
		if (j == i)
			break;
		size_t wl = j - i;
		if (!line_start && col + 1 + wl > (size_t)width) {
			fputc('\n', f);
			line_start = true;
			prefix = rest;
		}
		if (line_start) {
			fputs(prefix, f);
			col = strlen(prefix);
			line_start = false;
		} else {
			fputc(' ', f);
			col++;
		}
		fwrite(s + i, 1, wl, f);
		col += wl;
		i = j;
	}
	if (line_start)
		fputs(first, f);
	fputc('\n', f);
}

void cli_wrap(FILE *f, const char *text, int width, const char *first, const char *rest)
{
	const char *p = text;
	bool firstline = true;
	char bullet_rest[64];
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (n == 0) {
			fputc('\n', f);
		} else if (n >= 2 && p[0] == '-' && p[1] == ' ') {
			/* A list item keeps its dash and hangs its continuation lines. */
			char bfirst[64];
			snprintf(bfirst, sizeof bfirst, "%s- ", firstline ? first : rest);
			snprintf(bullet_rest, sizeof bullet_rest, "%s  ", rest);
			wrap_line(f, p + 2, n - 2, width, bfirst, bullet_rest);
		} else {
			wrap_line(f, p, n, width, firstline ? first : rest, rest);
		}
		firstline = false;
		if (!nl)
			break;
		p = nl + 1;
	}
}

bool cli_is_help(const char *arg)
{
	return arg && (!strcmp(arg, "-h") || !strcmp(arg, "--help"));
}
