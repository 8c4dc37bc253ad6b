/* fuzz_dfuse.c - libFuzzer target: DfuSe memory descriptors through
 * bd_dfuse_parse() and every lookup.  Input: the descriptor, optionally a
 * NUL and 16 bytes of (address, length) for the lookups. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dfu/dfuse_layout.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void bd_fuzz_require(int ok)
{
	if (!ok)
		abort();
}

static uint64_t bd_fuzz_u64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void bd_fuzz_lookups(const struct bd_dfuse_layout *l, uint64_t addr, uint64_t len)
{
	uint32_t sectors[64];
	struct bd_error err = {0};
	uint64_t bs = 0, be = 0;
	int n = bd_dfuse_erase_sectors(l, addr, len, sectors, 64, &err);
	if (n < 0) {
		bd_fuzz_require(err.code == n);
	} else {
		for (int i = 1; i < n && i < 64; i++)
			bd_fuzz_require(sectors[i] > sectors[i - 1]);
		for (int i = 0; i < n && i < 64; i++) {
			const struct bd_dfuse_segment *s = bd_dfuse_segment_at(l, sectors[i]);
			bd_fuzz_require(s && s->erasable);
		}
	}
	int rc = bd_dfuse_check_writable(l, addr, len, &bs, &be, &err);
	if (rc < 0) {
		bd_fuzz_require(err.code == rc && (rc == BD_E_RANGE || rc == BD_E_ACCESS));
		bd_fuzz_require(bs < be);
	}
	(void)bd_dfuse_segment_at(l, addr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bd_dfuse_layout l;
	struct bd_error err = {0};
	int rc = bd_dfuse_parse((const char *)data, size, &l, &err);
	if (rc < 0) {
		bd_fuzz_require(err.code == rc && err.msg[0] != '\0');
		return 0;
	}
	bd_fuzz_require(l.n > 0 && l.n <= BD_DFUSE_MAX_SEGMENTS);
	bd_fuzz_require(memchr(l.name, '\0', sizeof l.name) != NULL);
	for (size_t i = 0; i < l.n; i++) {
		const struct bd_dfuse_segment *s = &l.seg[i];
		bd_fuzz_require(s->start < s->end && s->end <= 0x100000000ull);
		bd_fuzz_require(s->end - s->start == (uint64_t)s->sector_size * s->sectors);
		bd_fuzz_require(bd_dfuse_segment_at(&l, s->start) == s);
		bd_fuzz_require(bd_dfuse_segment_at(&l, s->end - 1) == s);
		bd_fuzz_lookups(&l, s->start, s->end - s->start);
	}
	(void)bd_dfuse_looks_protected(&l);
	const uint8_t *nul = memchr(data, '\0', size);
	if (nul && (size_t)(data + size - nul) > 16)
		bd_fuzz_lookups(&l, bd_fuzz_u64(nul + 1) & 0x1FFFFFFFFull,
				bd_fuzz_u64(nul + 9) & 0x1FFFFFFFFull);
	return 0;
}
