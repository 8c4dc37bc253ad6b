#define _DEFAULT_SOURCE
#include "kbfix.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (buf) {
		buf[n] = '\0';
		if (len)
			*len = (size_t)n;
	}
	return buf;
}

static bool copy_file(const char *from, const char *to)
{
	size_t n;
	char *buf = slurp(from, &n);
	if (!buf)
		return false;
	FILE *f = fopen(to, "wb");
	bool ok = f && fwrite(buf, 1, n, f) == n;
	if (f)
		ok &= fclose(f) == 0;
	free(buf);
	return ok;
}

static bool copy_dir_json(const char *from, const char *to)
{
	DIR *d = opendir(from);
	if (!d)
		return false;
	struct dirent *e;
	bool ok = true;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l < 5 || strcmp(e->d_name + l - 5, ".json"))
			continue;
		char a[8192], b[8192];
		snprintf(a, sizeof a, "%s/%s", from, e->d_name);
		snprintf(b, sizeof b, "%s/%s", to, e->d_name);
		ok &= copy_file(a, b);
	}
	closedir(d);
	return ok;
}

char *kbfix_make(const char *fixture, const char *shipped)
{
	char tmpl[] = "/tmp/bdkb.XXXXXX";
	if (!mkdtemp(tmpl))
		return NULL;
	char *dir = strdup(tmpl);
	char a[4096], b[4096];
	const char *src = fixture ? fixture : shipped;
	static const char *const shipped_files[] = {"facts.json", "devices.json"};
	static const char *const own_files[] = {"leds.json", "sos.json"};
	for (size_t i = 0; i < 2; i++) {
		snprintf(a, sizeof a, "%s/%s", shipped, shipped_files[i]);
		snprintf(b, sizeof b, "%s/%s", dir, shipped_files[i]);
		copy_file(a, b);
		snprintf(a, sizeof a, "%s/%s", src, own_files[i]);
		snprintf(b, sizeof b, "%s/%s", dir, own_files[i]);
		copy_file(a, b);
	}
	snprintf(b, sizeof b, "%s/tree", dir);
	mkdir(b, 0700);
	snprintf(a, sizeof a, "%s/tree", src);
	copy_dir_json(a, b);
	return dir;
}

bool kbfix_write(const char *dir, const char *rel, const char *text)
{
	char p[4096];
	snprintf(p, sizeof p, "%s/%s", dir, rel);
	FILE *f = fopen(p, "wb");
	if (!f)
		return false;
	bool ok = fputs(text, f) >= 0;
	return fclose(f) == 0 && ok;
}

bool kbfix_replace(const char *dir, const char *rel, const char *old, const char *new_text)
{
	char p[4096];
	snprintf(p, sizeof p, "%s/%s", dir, rel);
	char *buf = slurp(p, NULL);
	if (!buf)
		return false;
	char *at = strstr(buf, old);
	if (!at) {
		free(buf);
		return false;
	}
	size_t pre = (size_t)(at - buf), ol = strlen(old), nl = strlen(new_text),
	       total = strlen(buf) - ol + nl;
	char *out = malloc(total + 1);
	memcpy(out, buf, pre);
	memcpy(out + pre, new_text, nl);
	strcpy(out + pre + nl, at + ol);
	bool ok = kbfix_write(dir, rel, out);
	free(out);
	free(buf);
	return ok;
}

int kbfix_line_of(const char *dir, const char *rel, const char *needle)
{
	char p[4096];
	snprintf(p, sizeof p, "%s/%s", dir, rel);
	char *buf = slurp(p, NULL);
	if (!buf)
		return 0;
	char *at = strstr(buf, needle);
	int line = 0;
	if (at) {
		line = 1;
		for (char *c = buf; c < at; c++)
			line += *c == '\n';
	}
	free(buf);
	return line;
}

static void rm_rf(const char *path)
{
	DIR *d = opendir(path);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d))) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			char p[4096];
			snprintf(p, sizeof p, "%s/%s", path, e->d_name);
			rm_rf(p);
		}
		closedir(d);
		rmdir(path);
	} else {
		unlink(path);
	}
}

void kbfix_remove(const char *dir)
{
	if (dir && !strncmp(dir, "/tmp/bdkb.", 10))
		rm_rf(dir);
}
