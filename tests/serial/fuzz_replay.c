/* fuzz_replay.c - a plain-C driver for fuzz_console.c, so the fuzz entry
 * point always builds and runs in CTest without libFuzzer.
 *
 * Usage: serial_fuzz_replay FILE|DIR...
 * Each input is replayed whole and as every prefix (a reply cut short),
 * each in a heap buffer of exactly that size so that a sanitizer build
 * catches any read past the end. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path, size_t *inputs)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "%s: cannot open\n", path);
		return -1;
	}
	uint8_t *all = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 4096;
			uint8_t *n = realloc(all, cap);
			if (!n) {
				free(all);
				fclose(f);
				return -1;
			}
			all = n;
		}
		size_t got = fread(all + len, 1, cap - len, f);
		if (got == 0)
			break;
		len += got;
	}
	fclose(f);
	for (size_t cut = 0; cut <= len; cut++) {
		uint8_t *copy = malloc(cut ? cut : 1);
		if (!copy) {
			free(all);
			return -1;
		}
		memcpy(copy, all, cut);
		LLVMFuzzerTestOneInput(copy, cut);
		free(copy);
		(*inputs)++;
	}
	free(all);
	return 0;
}

int main(int argc, char **argv)
{
	size_t files = 0, inputs = 0;
	for (int a = 1; a < argc; a++) {
		struct stat st;
		if (stat(argv[a], &st) != 0) {
			fprintf(stderr, "%s: no such file or directory\n", argv[a]);
			return 1;
		}
		if (!S_ISDIR(st.st_mode)) {
			if (replay_file(argv[a], &inputs) < 0)
				return 1;
			files++;
			continue;
		}
		DIR *d = opendir(argv[a]);
		if (!d)
			return 1;
		struct dirent *e;
		while ((e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			char path[4096];
			snprintf(path, sizeof path, "%s/%s", argv[a], e->d_name);
			if (replay_file(path, &inputs) < 0) {
				closedir(d);
				return 1;
			}
			files++;
		}
		closedir(d);
	}
	printf("replayed %zu files as %zu inputs\n", files, inputs);
	return files ? 0 : 1;
}
