/* dfuse_layout.h - DfuSe memory descriptors: what a DFU alt setting's
 * interface string says about the memory behind it (protocols.md §4.1).
 *
 * A descriptor looks like
 *     @Internal Flash   /0x08000000/03*016Ka,01*016Kg,01*064Kg,07*128Kg
 * i.e. '@', a name, then one or more groups "/<hex start>/<run>[,<run>...]"
 * where each run is "<count>*<size><unit><props>": count sectors of size
 * bytes times the unit (' ' or none = bytes, 'B' bytes, 'K' KiB, 'M' MiB),
 * props a letter 'a'..'g' = 1 + bitmask (bit 0 readable, bit 1 erasable,
 * bit 2 writable).  Counts and sizes are decimal ("016" is sixteen).
 * Whitespace is allowed around every token; the name may contain spaces.
 *
 * Everything here is pure: no I/O, no allocation, bounded work.  The strings
 * come from the device (or knowledge/devices.json), so they are treated as
 * untrusted input and the parser is fuzzed (tests/fuzz/fuzz_dfuse.c).
 */
#ifndef BD_DFUSE_LAYOUT_H
#define BD_DFUSE_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/bd_error.h"

#define BD_DFUSE_MAX_SEGMENTS 32
#define BD_DFUSE_NAME_MAX 64

/* One run of equal sectors.  Addresses are 64-bit so that a segment ending
 * exactly at 4 GiB is representable; the parser rejects anything beyond. */
struct bd_dfuse_segment {
	uint64_t start;       /* first byte */
	uint64_t end;         /* one past the last byte */
	uint32_t sector_size; /* bytes */
	uint32_t sectors;
	char props;           /* 'a'..'g' as written */
	bool readable, erasable, writable;
};

struct bd_dfuse_layout {
	char name[BD_DFUSE_NAME_MAX]; /* "Internal Flash", surrounding spaces trimmed */
	size_t n;
	struct bd_dfuse_segment seg[BD_DFUSE_MAX_SEGMENTS]; /* in the order written */
};

/* Parses desc[0..len) (it need not be NUL-terminated; parsing stops at the
 * first NUL) into *out.  Returns 0, or BD_E_PARSE with err saying at which
 * column what was expected ("column 27: expected '*' after the sector count
 * 03"), or BD_E_TOO_LARGE for more than BD_DFUSE_MAX_SEGMENTS runs or a map
 * reaching past 4 GiB.  *out is zeroed first and is unusable on error.
 * Segments may not overlap each other (BD_E_PARSE). */
int bd_dfuse_parse(const char *desc, size_t len, struct bd_dfuse_layout *out,
		   struct bd_error *err);

/* The segment holding addr, or NULL when addr is outside the map.  Borrowed
 * from l. */
const struct bd_dfuse_segment *bd_dfuse_segment_at(const struct bd_dfuse_layout *l,
						   uint64_t addr);

/* The sectors a DfuSe ERASE must hit to cover [addr, addr+len): the start
 * address of every sector that overlaps the range, in ascending order,
 * skipping sectors of non-erasable segments (as particle-usb and dfu-util do).
 * Writes at most max addresses to out (out may be NULL when max is 0) and
 * returns the total number of such sectors (>= 0; may exceed max - call
 * again with a bigger array), or BD_E_RANGE when some byte of the range is
 * outside the map (err names the first such address).  len 0 covers
 * nothing and returns 0. */
int bd_dfuse_erase_sectors(const struct bd_dfuse_layout *l, uint64_t addr, uint64_t len,
			   uint32_t *out, size_t max, struct bd_error *err);

/* Whether every byte of [addr, addr+len) lies in writable segments.
 * Returns 0 if so (len 0 is trivially writable).  Otherwise fills
 * *bad_start and *bad_end (either may be NULL) with the first offending
 * sub-range - a maximal run that is outside the map, or inside segments
 * that are not writable - and returns BD_E_RANGE (outside the map) or
 * BD_E_ACCESS (not writable), with err saying which bytes and why. */
int bd_dfuse_check_writable(const struct bd_dfuse_layout *l, uint64_t addr, uint64_t len,
			    uint64_t *bad_start, uint64_t *bad_end, struct bd_error *err);

/* True when the map is non-empty and no segment is readable or writable:
 * how a Device-Protected device reports its flash (every letter 'b') on
 * bootloaders that predate the 0xFA protection string (§4.3). */
bool bd_dfuse_looks_protected(const struct bd_dfuse_layout *l);

/* "read-only", "erase-only", "read/write", ... for a props letter; never
 * NULL ("invalid" outside 'a'..'g'). */
const char *bd_dfuse_props_text(char props);

#endif
