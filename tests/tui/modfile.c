/* modfile.c - see modfile.h. */
#include "modfile.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "modbuild.h"

bool tui_write_module(const char *dir, const char *spec)
{
	char file[256];
	unsigned platform;
	long start;
	unsigned long body;
	if (sscanf(spec, "%255s %u %li %lu", file, &platform, &start, &body) != 4 || start < 0)
		return false;
	struct modbuild b = {0};
	b.start = (uint32_t)start;
	b.platform = (uint16_t)platform;
	b.func = 5; /* user part */
	b.index = 1;
	b.version = 6;
	b.body_len = body;
	b.sha_seed = 3;
	size_t n = 0;
	uint8_t *m = modbuild(&b, &n);
	if (!m)
		return false;
	/* A body that is not all one byte, so that misplaced blocks would show. */
	for (size_t i = 64; i + 64 < n - 40; i++)
		m[i] = (uint8_t)(i * 13 + (i >> 9));
	modbuild_fix_crc(m, n - 4);
	char path[4600];
	snprintf(path, sizeof path, "%s/%s", dir, file);
	FILE *f = fopen(path, "wb");
	bool ok = f && fwrite(m, 1, n, f) == n;
	if (f)
		ok &= fclose(f) == 0;
	free(m);
	return ok;
}
