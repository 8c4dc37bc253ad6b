/* replay.c - runs a libFuzzer target (LLVMFuzzerTestOneInput) over files
 * and directories given on the command line, in any build, so that the
 * targets always compile and the seed corpus keeps passing under CTest
 * (and under ASan/UBSan with BLINKDOC_SANITIZE).  Every input is copied
 * into a buffer of exactly its size, so overreads are caught by ASan; small
 * inputs are also replayed at every prefix length, large ones at 64 cut
 * points.  Exit status: 0 when at least one input ran, 1 otherwise. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REPLAY_ALL_PREFIXES_BELOW 4096

static size_t replay_runs;

static void replay_one(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);
	if (!copy)
		abort();
	memcpy(copy, data, size);
	LLVMFuzzerTestOneInput(copy, size);
	free(copy);
	replay_runs++;
}

static int replay_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		perror(path);
		return -1;
	}
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, n;
	uint8_t chunk[65536];
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) {
		if (len + n > cap) {
			cap = (len + n) * 2;
			uint8_t *p = realloc(buf, cap);
			if (!p)
				abort();
			buf = p;
		}
		memcpy(buf + len, chunk, n);
		len += n;
	}
	fclose(fp);
	size_t step = len < REPLAY_ALL_PREFIXES_BELOW ? 1 : len / 64 + 1;
	for (size_t cut = 0; cut < len; cut += step)
		replay_one(buf ? buf : chunk, cut);
	replay_one(buf ? buf : chunk, len);
	free(buf);
	return 0;
}

static int replay_path(const char *path, size_t *files)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		(*files)++;
		return replay_file(path);
	}
	DIR *dir = opendir(path);
	if (!dir) {
		perror(path);
		return -1;
	}
	int rc = 0;
	struct dirent *de;
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		char sub[4096];
		snprintf(sub, sizeof sub, "%s/%s", path, de->d_name);
		if (replay_path(sub, files) < 0)
			rc = -1;
	}
	closedir(dir);
	return rc;
}

int main(int argc, char **argv)
{
	size_t files = 0;
	int rc = 0;
	for (int i = 1; i < argc; i++)
		if (replay_path(argv[i], &files) < 0)
			rc = 1;
	printf("replayed %zu inputs from %zu files\n", replay_runs, files);
	return rc || files == 0 ? 1 : 0;
}
