#include "dfu/dfuse_layout.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define BD_DFUSE_ADDR_LIMIT 0x100000000ull /* nothing may reach past 4 GiB */

/* The descriptor being read and where we are in it; columns in messages are
 * 1-based like an editor's. */
struct bd_dfuse_cursor {
	const char *s;
	size_t len, pos;
	struct bd_error *err;
};

static bool bd_dfuse_at_end(const struct bd_dfuse_cursor *c)
{
	return c->pos >= c->len;
}

static char bd_dfuse_peek(const struct bd_dfuse_cursor *c)
{
	return bd_dfuse_at_end(c) ? '\0' : c->s[c->pos];
}

static void bd_dfuse_skip_space(struct bd_dfuse_cursor *c)
{
	while (!bd_dfuse_at_end(c) && (c->s[c->pos] == ' ' || c->s[c->pos] == '\t'))
		c->pos++;
}

/* The descriptor as it may appear in a message: at most 120 characters,
 * anything unprintable shown as '?'. */
static const char *bd_dfuse_quote(const struct bd_dfuse_cursor *c, char *buf, size_t size)
{
	size_t n = 0;
	for (size_t i = 0; i < c->len && n + 1 < size && i < 120; i++) {
		char ch = c->s[i];
		buf[n++] = (ch >= 0x20 && ch < 0x7f) ? ch : '?';
	}
	buf[n] = '\0';
	return buf;
}

/* Describes the character at the cursor for an error message. */
static void bd_dfuse_found(const struct bd_dfuse_cursor *c, char *buf, size_t size)
{
	char ch = bd_dfuse_peek(c);
	if (bd_dfuse_at_end(c))
		snprintf(buf, size, "the end of the string");
	else if (ch >= 0x20 && ch < 0x7f)
		snprintf(buf, size, "'%c'", ch);
	else
		snprintf(buf, size, "byte 0x%02x", (unsigned)(unsigned char)ch);
}

static int bd_dfuse_expected(struct bd_dfuse_cursor *c, const char *what)
{
	char found[32], q[128];
	bd_dfuse_found(c, found, sizeof found);
	bd_error_set(c->err, BD_E_PARSE,
		     "DfuSe memory descriptor \"%s\", column %zu: expected %s, found %s",
		     bd_dfuse_quote(c, q, sizeof q), c->pos + 1, what, found);
	bd_error_hint(c->err, "The string comes from the device's DFU interface or from "
			      "knowledge/devices.json; it should look like "
			      "\"@Internal Flash /0x08000000/03*016Ka,01*016Kg\".");
	return BD_E_PARSE;
}

/* Reads a decimal number of at most 10 digits that fits in 32 bits. */
static int bd_dfuse_decimal(struct bd_dfuse_cursor *c, const char *what, uint32_t *out)
{
	uint64_t v = 0;
	size_t digits = 0;
	while (!bd_dfuse_at_end(c) && c->s[c->pos] >= '0' && c->s[c->pos] <= '9') {
		v = v * 10 + (uint64_t)(c->s[c->pos] - '0');
		if (v > UINT32_MAX)
			return bd_dfuse_expected(c, "a smaller number (at most 4294967295)");
		c->pos++;
		digits++;
	}
	if (digits == 0)
		return bd_dfuse_expected(c, what);
	*out = (uint32_t)v;
	return 0;
}

/* Reads "0x" and 1..8 hex digits. */
static int bd_dfuse_hex_address(struct bd_dfuse_cursor *c, uint64_t *out)
{
	if (c->pos + 1 >= c->len || c->s[c->pos] != '0' ||
	    (c->s[c->pos + 1] != 'x' && c->s[c->pos + 1] != 'X'))
		return bd_dfuse_expected(c, "a start address like 0x08000000");
	c->pos += 2;
	uint64_t v = 0;
	size_t digits = 0;
	for (; !bd_dfuse_at_end(c); c->pos++) {
		char ch = c->s[c->pos];
		unsigned d;
		if (ch >= '0' && ch <= '9')
			d = (unsigned)(ch - '0');
		else if (ch >= 'a' && ch <= 'f')
			d = (unsigned)(ch - 'a' + 10);
		else if (ch >= 'A' && ch <= 'F')
			d = (unsigned)(ch - 'A' + 10);
		else
			break;
		if (++digits > 8)
			return bd_dfuse_expected(c, "at most 8 hex digits in the start address");
		v = v * 16 + d;
	}
	if (digits == 0)
		return bd_dfuse_expected(c, "hex digits after 0x");
	*out = v;
	return 0;
}

/* Reads one run "<count>*<size><unit><props>" starting at *addr and appends
 * it to out; advances *addr past it. */
static int bd_dfuse_run(struct bd_dfuse_cursor *c, uint64_t *addr, struct bd_dfuse_layout *out)
{
	uint32_t count, size;
	char q[128];
	int rc;

	bd_dfuse_skip_space(c);
	if ((rc = bd_dfuse_decimal(c, "a sector count (\"03\" in \"03*016Ka\")", &count)) < 0)
		return rc;
	bd_dfuse_skip_space(c);
	if (bd_dfuse_peek(c) != '*')
		return bd_dfuse_expected(c, "'*' after the sector count");
	c->pos++;
	bd_dfuse_skip_space(c);
	if ((rc = bd_dfuse_decimal(c, "a sector size (\"016\" in \"03*016Ka\")", &size)) < 0)
		return rc;
	/* Unit: B/K/M, or a space (possibly swallowed below), or nothing. */
	uint64_t mult = 1;
	bd_dfuse_skip_space(c);
	switch (bd_dfuse_peek(c)) {
	case 'B': c->pos++; break;
	case 'K': mult = 1024; c->pos++; break;
	case 'M': mult = 1024 * 1024; c->pos++; break;
	default: break;
	}
	bd_dfuse_skip_space(c);
	char props = bd_dfuse_peek(c);
	if (props < 'a' || props > 'g')
		return bd_dfuse_expected(c, "a unit (B, K, M) or a sector property letter a-g");
	size_t props_col = c->pos + 1;
	c->pos++;

	uint64_t sector = (uint64_t)size * mult;
	if (count == 0 || sector == 0) {
		bd_error_set(c->err, BD_E_PARSE,
			     "DfuSe memory descriptor \"%s\", column %zu: a run of %" PRIu32
			     " sectors of %" PRIu64 " bytes is empty",
			     bd_dfuse_quote(c, q, sizeof q), props_col, count, sector);
		return BD_E_PARSE;
	}
	if (sector > UINT32_MAX || *addr + sector * count > BD_DFUSE_ADDR_LIMIT) {
		bd_error_set(c->err, BD_E_TOO_LARGE,
			     "DfuSe memory descriptor \"%s\", column %zu: the memory map reaches "
			     "past 4 GiB",
			     bd_dfuse_quote(c, q, sizeof q), props_col);
		return BD_E_TOO_LARGE;
	}
	if (out->n >= BD_DFUSE_MAX_SEGMENTS) {
		bd_error_set(c->err, BD_E_TOO_LARGE,
			     "DfuSe memory descriptor \"%s\", column %zu: more than %d sector runs",
			     bd_dfuse_quote(c, q, sizeof q), props_col,
			     BD_DFUSE_MAX_SEGMENTS);
		return BD_E_TOO_LARGE;
	}
	struct bd_dfuse_segment *seg = &out->seg[out->n++];
	unsigned bits = (unsigned)(props - 'a' + 1);
	seg->start = *addr;
	seg->end = *addr + sector * count;
	seg->sector_size = (uint32_t)sector;
	seg->sectors = count;
	seg->props = props;
	seg->readable = (bits & 1u) != 0;
	seg->erasable = (bits & 2u) != 0;
	seg->writable = (bits & 4u) != 0;
	*addr = seg->end;
	return 0;
}

/* Segments from different groups must not overlap: a map that claims the
 * same byte twice would make the lookups ambiguous. */
static int bd_dfuse_check_overlap(struct bd_dfuse_cursor *c, const struct bd_dfuse_layout *l)
{
	char q[128];
	for (size_t i = 0; i < l->n; i++)
		for (size_t j = i + 1; j < l->n; j++)
			if (l->seg[i].start < l->seg[j].end && l->seg[j].start < l->seg[i].end) {
				bd_error_set(c->err, BD_E_PARSE,
					     "DfuSe memory descriptor \"%s\": segments %zu "
					     "(0x%08" PRIx64 ") and %zu (0x%08" PRIx64 ") overlap",
					     bd_dfuse_quote(c, q, sizeof q), i + 1,
					     l->seg[i].start, j + 1, l->seg[j].start);
				return BD_E_PARSE;
			}
	return 0;
}

int bd_dfuse_parse(const char *desc, size_t len, struct bd_dfuse_layout *out,
		   struct bd_error *err)
{
	struct bd_dfuse_cursor c = {desc, 0, 0, err};
	int rc;

	memset(out, 0, sizeof *out);
	if (!desc)
		len = 0;
	const char *nul = len ? memchr(desc, '\0', len) : NULL;
	c.len = nul ? (size_t)(nul - desc) : len;

	bd_dfuse_skip_space(&c);
	if (bd_dfuse_peek(&c) != '@')
		return bd_dfuse_expected(&c, "'@' at the start of a DfuSe memory descriptor");
	c.pos++;
	size_t name_start = c.pos;
	while (!bd_dfuse_at_end(&c) && c.s[c.pos] != '/')
		c.pos++;
	if (bd_dfuse_at_end(&c))
		return bd_dfuse_expected(&c, "'/' after the memory name");
	size_t a = name_start, b = c.pos;
	while (a < b && (c.s[a] == ' ' || c.s[a] == '\t'))
		a++;
	while (b > a && (c.s[b - 1] == ' ' || c.s[b - 1] == '\t'))
		b--;
	size_t name_len = b - a < BD_DFUSE_NAME_MAX - 1 ? b - a : BD_DFUSE_NAME_MAX - 1;
	memcpy(out->name, c.s + a, name_len);
	out->name[name_len] = '\0';

	/* One or more "/<address>/<runs>" groups. */
	while (bd_dfuse_peek(&c) == '/') {
		uint64_t addr = 0;
		c.pos++;
		bd_dfuse_skip_space(&c);
		if ((rc = bd_dfuse_hex_address(&c, &addr)) < 0)
			return rc;
		bd_dfuse_skip_space(&c);
		if (bd_dfuse_peek(&c) != '/')
			return bd_dfuse_expected(&c, "'/' after the start address");
		c.pos++;
		for (;;) {
			if ((rc = bd_dfuse_run(&c, &addr, out)) < 0)
				return rc;
			bd_dfuse_skip_space(&c);
			if (bd_dfuse_peek(&c) != ',')
				break;
			c.pos++;
			bd_dfuse_skip_space(&c);
			/* A trailing comma before the end or the next group is tolerated. */
			if (bd_dfuse_at_end(&c) || bd_dfuse_peek(&c) == '/')
				break;
		}
	}
	bd_dfuse_skip_space(&c);
	if (!bd_dfuse_at_end(&c))
		return bd_dfuse_expected(&c, "',' or '/' or the end of the descriptor");
	if (out->n == 0)
		return bd_dfuse_expected(&c, "'/' and a start address");
	return bd_dfuse_check_overlap(&c, out);
}

const struct bd_dfuse_segment *bd_dfuse_segment_at(const struct bd_dfuse_layout *l,
						   uint64_t addr)
{
	for (size_t i = 0; l && i < l->n; i++)
		if (addr >= l->seg[i].start && addr < l->seg[i].end)
			return &l->seg[i];
	return NULL;
}

int bd_dfuse_erase_sectors(const struct bd_dfuse_layout *l, uint64_t addr, uint64_t len,
			   uint32_t *out, size_t max, struct bd_error *err)
{
	if (len == 0)
		return 0;
	uint64_t end = addr + len;
	if (end < addr || end > BD_DFUSE_ADDR_LIMIT)
		return bd_error_set(err, BD_E_RANGE,
				    "0x%08" PRIx64 " + %" PRIu64 " bytes reaches past 4 GiB", addr,
				    len);
	/* Whole segments at a time, so the work is bounded by the number of
	 * segments plus max, not by the number of sectors (a fuzzer can ask
	 * for 4 GiB of 1-byte sectors). */
	uint64_t count = 0;
	uint64_t a = addr;
	while (a < end) {
		const struct bd_dfuse_segment *seg = bd_dfuse_segment_at(l, a);
		if (!seg)
			return bd_error_set(err, BD_E_RANGE,
					    "address 0x%08" PRIx64 " is outside the DFU memory map "
					    "of \"%s\"",
					    a, l ? l->name : "");
		uint64_t stop = seg->end < end ? seg->end : end;
		if (seg->erasable) {
			uint64_t first = (a - seg->start) / seg->sector_size;
			uint64_t last = (stop - 1 - seg->start) / seg->sector_size;
			for (uint64_t i = first; i <= last && count + (i - first) < max && out; i++)
				out[count + (i - first)] =
					(uint32_t)(seg->start + i * seg->sector_size);
			count += last - first + 1;
		}
		a = stop;
	}
	if (count > INT32_MAX)
		return bd_error_set(err, BD_E_TOO_LARGE,
				    "0x%08" PRIx64 " + %" PRIu64 " bytes covers %" PRIu64
				    " sectors; too many to erase one by one",
				    addr, len, count);
	return (int)count;
}

int bd_dfuse_check_writable(const struct bd_dfuse_layout *l, uint64_t addr, uint64_t len,
			    uint64_t *bad_start, uint64_t *bad_end, struct bd_error *err)
{
	uint64_t end = addr + len;
	if (len == 0)
		return 0;
	if (end < addr || end > BD_DFUSE_ADDR_LIMIT) {
		if (bad_start)
			*bad_start = addr < BD_DFUSE_ADDR_LIMIT ? BD_DFUSE_ADDR_LIMIT : addr;
		if (bad_end)
			*bad_end = end < addr ? UINT64_MAX : end;
		return bd_error_set(err, BD_E_RANGE,
				    "0x%08" PRIx64 " + %" PRIu64 " bytes reaches past 4 GiB", addr,
				    len);
	}
	/* Walk the range segment by segment; remember the first bad run and
	 * extend it while the following bytes are bad for the same reason. */
	uint64_t a = addr, bs = 0, be = 0;
	int why = 0;
	char props = 0;
	while (a < end) {
		const struct bd_dfuse_segment *seg = bd_dfuse_segment_at(l, a);
		uint64_t next;
		int bad;
		if (!seg) {
			/* Outside: up to the next segment start (or the range end). */
			next = end;
			for (size_t i = 0; l && i < l->n; i++)
				if (l->seg[i].start > a && l->seg[i].start < next)
					next = l->seg[i].start;
			bad = BD_E_RANGE;
		} else {
			next = seg->end < end ? seg->end : end;
			bad = seg->writable ? 0 : BD_E_ACCESS;
		}
		if (why == 0 && bad) {
			why = bad;
			bs = a;
			props = seg ? seg->props : 0;
		} else if (why && bad != why) {
			break;
		}
		if (why)
			be = next;
		a = next;
	}
	if (!why)
		return 0;
	if (bad_start)
		*bad_start = bs;
	if (bad_end)
		*bad_end = be;
	if (why == BD_E_RANGE)
		return bd_error_set(err, BD_E_RANGE,
				    "0x%08" PRIx64 "-0x%08" PRIx64 " (%" PRIu64 " bytes) is outside "
				    "the DFU memory map of \"%s\"",
				    bs, be - 1, be - bs, l ? l->name : "");
	bd_error_set(err, BD_E_ACCESS,
		     "0x%08" PRIx64 "-0x%08" PRIx64 " (%" PRIu64 " bytes) of \"%s\" is not "
		     "writable over DFU (sectors marked '%c': %s)",
		     bs, be - 1, be - bs, l->name, props, bd_dfuse_props_text(props));
	if (bd_dfuse_looks_protected(l))
		bd_error_hint(err, "Every sector is erase-only: the device looks Device-Protected. "
				   "Protected devices only accept signed updates through the "
				   "Particle tools.");
	else
		bd_error_hint(err, "The bootloader protects this region in DFU mode. Modules that "
				   "live there are installed by Device OS itself, not over DFU.");
	return BD_E_ACCESS;
}

bool bd_dfuse_looks_protected(const struct bd_dfuse_layout *l)
{
	if (!l || l->n == 0)
		return false;
	for (size_t i = 0; i < l->n; i++)
		if (l->seg[i].readable || l->seg[i].writable)
			return false;
	return true;
}

const char *bd_dfuse_props_text(char props)
{
	switch (props) {
	case 'a': return "read-only";
	case 'b': return "erase-only";
	case 'c': return "readable and erasable, not writable";
	case 'd': return "write-only";
	case 'e': return "readable and writable, not erasable";
	case 'f': return "erasable and writable, not readable";
	case 'g': return "readable, erasable and writable";
	default: return "invalid";
	}
}
