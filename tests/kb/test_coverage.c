#define _POSIX_C_SOURCE 200809L
/* docs/knowledge-coverage.md against the knowledge base and the seed pages:
 * every node it names exists and claims that covers id; every covers id a
 * node uses has a row; no row is left without a node; and, where the seed
 * pages are present (../shared/seeds beside the repository), every heading
 * of both pages has a row and the numbered SOS list is covered item by item. */
#include <ctype.h>
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kb.h"

static struct kb *kb;
static char *doc;

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = malloc((size_t)n + 1);
	if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
		free(b);
		b = NULL;
	}
	if (b)
		b[n] = '\0';
	fclose(f);
	return b;
}

static int setup(void **state)
{
	(void)state;
	struct diag d = {0};
	kb = kb_load(SHIPPED_DIR, &d);
	diag_free(&d);
	doc = slurp(COVERAGE_DOC);
	return kb && doc ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	kb_free(kb);
	free(doc);
	return 0;
}

/* One table row: | `covers-id` | heading | item | `node`, `node` | status | */
struct row {
	char id[160];
	char heading[400];
	char nodes[1024];
	int line;
};

/* Splits the doc's coverage rows (those whose first cell is a covers id). */
static size_t rows(struct row *out, size_t max)
{
	size_t n = 0;
	int line = 0;
	for (const char *p = doc; *p && n < max; line++) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		if (len > 4 && !strncmp(p, "| `", 3) &&
		    (!strncmp(p + 3, "led-modes:", 10) || !strncmp(p + 3, "red-guide:", 10))) {
			char buf[4096];
			snprintf(buf, sizeof buf, "%.*s", (int)len, p);
			char *cells[8] = {0};
			int nc = 0;
			for (char *save = NULL, *c = strtok_r(buf, "|", &save); c && nc < 8;
			     c = strtok_r(NULL, "|", &save))
				cells[nc++] = c;
			if (nc >= 4) {
				struct row *r = &out[n++];
				memset(r, 0, sizeof *r);
				char *a = strchr(cells[0], '`'), *b = a ? strchr(a + 1, '`') : NULL;
				if (a && b)
					snprintf(r->id, sizeof r->id, "%.*s", (int)(b - a - 1), a + 1);
				snprintf(r->heading, sizeof r->heading, "%s", cells[1]);
				snprintf(r->nodes, sizeof r->nodes, "%s", cells[3]);
				r->line = line + 1;
			}
		}
		p += len + (eol ? 1 : 0);
		if (!eol)
			break;
	}
	return n;
}

static bool node_covers(const struct kb_node *n, const char *id)
{
	for (size_t i = 0; i < n->ncovers; i++)
		if (!strcmp(n->covers[i], id))
			return true;
	return false;
}

#define MAX_ROWS 400

static void test_rows_name_real_nodes(void **state)
{
	(void)state;
	struct row *r = calloc(MAX_ROWS, sizeof *r);
	size_t n = rows(r, MAX_ROWS);
	int bad = 0;
	assert_true(n > 100);
	for (size_t i = 0; i < n; i++) {
		int named = 0;
		for (const char *p = strchr(r[i].nodes, '`'); p; p = strchr(p, '`')) {
			const char *q = strchr(p + 1, '`');
			if (!q)
				break;
			char id[128];
			snprintf(id, sizeof id, "%.*s", (int)(q - p - 1), p + 1);
			p = q + 1;
			named++;
			const struct kb_node *nd = kb_node_find(kb, id);
			if (!nd) {
				fprintf(stderr, "coverage line %d (%s): no node \"%s\"\n", r[i].line, r[i].id, id);
				bad++;
			} else if (!node_covers(nd, r[i].id)) {
				fprintf(stderr, "coverage line %d: node %s does not list covers \"%s\"\n",
					r[i].line, id, r[i].id);
				bad++;
			}
		}
		if (!named) {
			fprintf(stderr, "coverage line %d (%s): no node covers this item\n", r[i].line, r[i].id);
			bad++;
		}
	}
	/* Every covers id a node uses has its row. */
	for (size_t k = 0; k < kb_node_count(kb); k++) {
		const struct kb_node *nd = kb_node_at(kb, k);
		if (!nd->ncovers) {
			fprintf(stderr, "node %s covers nothing\n", nd->id);
			bad++;
		}
		for (size_t c = 0; c < nd->ncovers; c++) {
			bool found = false;
			for (size_t i = 0; i < n && !found; i++)
				found = !strcmp(r[i].id, nd->covers[c]);
			if (!found) {
				fprintf(stderr, "node %s covers \"%s\", which has no row\n", nd->id, nd->covers[c]);
				bad++;
			}
		}
	}
	free(r);
	assert_int_equal(bad, 0);
}

/* Lowercase alphanumeric words of s, "{{device}}" read as "device". */
static size_t words(const char *s, char w[][32], size_t max)
{
	size_t n = 0, k = 0;
	char cur[32];
	for (const char *p = s;; p++) {
		if (!strncmp(p, "{{device}}", 10)) {
			p += 9;
			snprintf(cur, sizeof cur, "device");
			k = 6;
			continue;
		}
		if (*p && isalnum((unsigned char)*p)) {
			if (k < sizeof cur - 1)
				cur[k++] = (char)tolower((unsigned char)*p);
			continue;
		}
		if (k && n < max) {
			cur[k] = '\0';
			snprintf(w[n++], 32, "%s", cur);
		}
		k = 0;
		if (!*p)
			break;
	}
	return n;
}

static bool heading_has_row(const char *heading, const struct row *r, size_t n)
{
	char hw[40][32], rw[80][32];
	size_t nh = words(heading, hw, 40);
	/* Leading list numbers ("1)", "2.") are not words of the heading. */
	size_t first = nh && isdigit((unsigned char)hw[0][0]) ? 1 : 0;
	for (size_t i = 0; i < n; i++) {
		size_t nr = words(r[i].heading, rw, 80);
		bool all = true;
		for (size_t a = first; a < nh && all; a++) {
			bool hit = false;
			for (size_t b = 0; b < nr && !hit; b++)
				hit = !strcmp(hw[a], rw[b]);
			all = hit;
		}
		if (all && nh > first)
			return true;
	}
	return false;
}

static void test_every_seed_heading_has_a_row(void **state)
{
	(void)state;
	const char *seeds = getenv("BD_SEEDS_DIR") ? getenv("BD_SEEDS_DIR") : SEEDS_DIR;
	DIR *d = opendir(seeds);
	if (!d) {
		/* The seed pages live beside the repository on the machines that
		 * wrote the knowledge base; a clone elsewhere checks the doc only. */
		fprintf(stderr, "seed pages not found at %s; heading check not run\n", seeds);
		return;
	}
	struct row *r = calloc(MAX_ROWS, sizeof *r);
	size_t n = rows(r, MAX_ROWS);
	int missing = 0, headings = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strstr(e->d_name, ".txt"))
			continue;
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", seeds, e->d_name);
		char *text = slurp(path);
		for (char *save = NULL, *l = text ? strtok_r(text, "\n", &save) : NULL; l;
		     l = strtok_r(NULL, "\n", &save)) {
			if (l[0] != '#')
				continue;
			const char *h = l;
			while (*h == '#' || *h == ' ')
				h++;
			if (!*h || strstr(h, "{{{title}}}"))
				continue;
			headings++;
			if (!heading_has_row(h, r, n)) {
				fprintf(stderr, "%s: heading \"%s\" has no coverage row\n", e->d_name, h);
				missing++;
			}
		}
		free(text);
	}
	closedir(d);
	/* The numbered SOS list is covered item by item. */
	for (int code = 1; code <= 13; code++) {
		char id[64];
		snprintf(id, sizeof id, "led-modes:sos:code-%d", code);
		bool found = false;
		for (size_t i = 0; i < n && !found; i++)
			found = !strcmp(r[i].id, id);
		if (!found) {
			fprintf(stderr, "no row for %s\n", id);
			missing++;
		}
	}
	free(r);
	assert_true(headings > 50);
	assert_int_equal(missing, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_name_real_nodes),
		cmocka_unit_test(test_every_seed_heading_has_a_row),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
