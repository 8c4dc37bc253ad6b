/* module_file.c - reading a Particle module binary (protocols.md §5.1-5.2).
 * The device check is in module_check.c. */
#include "module/module_file.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "module/crc32.h"

static uint16_t bd_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t bd_rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

static uint32_t bd_rd32be(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) |
	       (uint32_t)p[3];
}

/* The 24-byte prefix as stored. */
struct bd_modfile_prefix {
	uint32_t start, end;
	uint8_t reserved, flags;
	uint16_t version, platform;
	uint8_t func, index;
	uint8_t dep_func[2], dep_index[2];
	uint16_t dep_version[2];
};

static void bd_modfile_read_prefix(const uint8_t *p, struct bd_modfile_prefix *x)
{
	x->start = bd_rd32(p);
	x->end = bd_rd32(p + 4);
	x->reserved = p[8];
	x->flags = p[9];
	x->version = bd_rd16(p + 10);
	x->platform = bd_rd16(p + 12);
	x->func = p[14];
	x->index = p[15];
	for (int i = 0; i < 2; i++) {
		x->dep_func[i] = p[16 + 4 * i];
		x->dep_index[i] = p[17 + 4 * i];
		x->dep_version[i] = bd_rd16(p + 18 + 4 * i);
	}
}

static bool bd_modfile_known_platform(const struct bd_platforms *pl, int id)
{
	if (!pl)
		return true;
	for (size_t i = 0; i < pl->n; i++)
		if (pl->v[i].id == id)
			return true;
	return false;
}

/* How plausible a prefix at off is (the §5.1 scoring, after
 * binary-version-reader).  0 = implausible.  Otherwise 1 for passing the
 * basic checks, +1 each for a known platform, known function, known
 * dependency functions (two points), known flags and an exact file size:
 * 7 at most.  *short_file is set when the only basic check that failed is
 * the file being shorter than the prefix claims; the score then counts
 * the other points (6 at most). */
static int bd_modfile_score(const uint8_t *buf, size_t len, size_t off,
			    const struct bd_platforms *pl, bool *short_file)
{
	struct bd_modfile_prefix x;
	*short_file = false;
	if (off > len || len - off < BD_MODFILE_PREFIX_SIZE)
		return 0;
	bd_modfile_read_prefix(buf + off, &x);
	if (x.end <= x.start || x.func == BD_MODF_NONE)
		return 0;
	for (int i = 0; i < 2; i++)
		if (x.dep_func[i] == BD_MODF_NONE && (x.dep_index[i] || x.dep_version[i]))
			return 0;
	uint64_t module_len = (uint64_t)x.end - x.start;
	/* The prefix must lie inside the module it describes. */
	if ((uint64_t)off + BD_MODFILE_PREFIX_SIZE > module_len)
		return 0;
	int score = 1;
	score += bd_modfile_known_platform(pl, x.platform);
	score += x.func <= BD_MODF_ASSET;
	score += x.dep_func[0] <= BD_MODF_ASSET;
	score += x.dep_func[1] <= BD_MODF_ASSET;
	score += (x.flags & ~BD_MODFILE_F_KNOWN) == 0;
	if ((uint64_t)len < module_len + 4) {
		*short_file = true;
		return score;
	}
	score += (uint64_t)len == module_len + 4;
	return score;
}

static const size_t bd_modfile_preferred[] = {0, 0x200, 0x184, 0xC0, 0x10C, 0x20};
#define BD_MODFILE_NPREFERRED (sizeof bd_modfile_preferred / sizeof bd_modfile_preferred[0])

/* Finds the prefix.  Returns its offset, or -1.  *truncated is set when
 * the best candidate only fails because the file is too short. */
static long bd_modfile_locate(const uint8_t *buf, size_t len, const struct bd_platforms *pl,
			      int *score_out, bool *truncated)
{
	long best = -1, best_short = -1;
	int best_score = 0, best_short_score = 0;
	bool short_file;

	*truncated = false;
	for (size_t i = 0; i < BD_MODFILE_NPREFERRED; i++) {
		size_t off = bd_modfile_preferred[i];
		int s = bd_modfile_score(buf, len, off, pl, &short_file);
		if (!short_file && s == 7) {
			*score_out = s;
			return (long)off;
		}
		if (short_file && s > best_short_score) {
			best_short = (long)off;
			best_short_score = s;
		} else if (!short_file && s > best_score) {
			best = (long)off;
			best_score = s;
		}
	}
	size_t limit = len - BD_MODFILE_MIN_FILE;
	if (limit > BD_MODFILE_SCAN_LIMIT)
		limit = BD_MODFILE_SCAN_LIMIT;
	for (size_t off = 4; off <= limit; off += 4) {
		bool preferred = false;
		for (size_t i = 0; i < BD_MODFILE_NPREFERRED; i++)
			preferred |= bd_modfile_preferred[i] == off;
		if (preferred)
			continue;
		int s = bd_modfile_score(buf, len, off, pl, &short_file);
		if (!short_file && s == 7) {
			*score_out = s;
			return (long)off;
		}
		if (!short_file && s > best_score) {
			best = (long)off;
			best_score = s;
		}
	}
	if (best >= 0 && best_score >= 6) {
		*score_out = best_score;
		return best;
	}
	/* Only the preferred offsets count as evidence of a truncated
	 * module: a scan hit that claims more bytes than we have is noise. */
	if (best_short >= 0 && best_short_score >= 6) {
		*truncated = true;
		*score_out = best_short_score;
		return best_short;
	}
	return -1;
}

static void bd_modfile_add_dep(struct bd_modfile *mf, int func, int index, int version)
{
	if (func == BD_MODF_NONE)
		return;
	if (mf->ndeps >= BD_MODULE_DEPS_MAX) {
		mf->deps_dropped++;
		return;
	}
	mf->deps[mf->ndeps].func = func;
	mf->deps[mf->ndeps].index = index;
	mf->deps[mf->ndeps].version = version;
	mf->ndeps++;
}

/* Records what we use from one TLV extension at buf[off..off+elen). */
static void bd_modfile_use_ext(struct bd_modfile *mf, const uint8_t *e, uint16_t type,
			       uint16_t elen)
{
	switch (type) {
	case BD_MODFILE_EXT_PRODUCT_DATA:
		/* u32 id, u16 version.  Like binary-version-reader (which the
		 * Particle CLI uses) take the id from the upper half of the u32:
		 * non-product builds store 0xFFFF there and the platform id. */
		if (elen >= 10) {
			mf->product_id = bd_rd16(e + 6);
			mf->product_version = bd_rd16(e + 8);
			mf->has_product = true;
		}
		break;
	case BD_MODFILE_EXT_DEPENDENCY:
		if (elen >= 8)
			bd_modfile_add_dep(mf, e[4], e[5], bd_rd16(e + 6));
		break;
	case BD_MODFILE_EXT_NAME: {
		size_t n = elen - 4u < sizeof mf->name - 1 ? elen - 4u : sizeof mf->name - 1;
		for (size_t i = 0; i < n; i++)
			mf->name[i] = (e[4 + i] >= 0x20 && e[4 + i] < 0x7f) ? (char)e[4 + i] : '?';
		mf->name[n] = '\0';
		break;
	}
	default:
		break;
	}
}

/* Walks TLVs in buf[off..limit) until END.  Returns the offset after END,
 * or 0 when the list is malformed or runs past limit without an END
 * (stop_without_end: the end of the region also ends the list). */
static size_t bd_modfile_walk_ext(struct bd_modfile *mf, const uint8_t *buf, size_t off,
				  size_t limit, bool stop_without_end)
{
	while (off + 4 <= limit) {
		uint16_t type = bd_rd16(buf + off);
		uint16_t elen = bd_rd16(buf + off + 2);
		if (elen < 4 || elen > limit - off || type == 0xFFFF)
			return 0;
		bd_modfile_use_ext(mf, buf + off, type, elen);
		off += elen;
		if (type == BD_MODFILE_EXT_END)
			return off;
	}
	return stop_without_end && off == limit ? off : 0;
}

static void bd_modfile_hex(const uint8_t *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

/* The suffix ends at crc_offset: ... [product] reserved(2) sha(32) size(2). */
static void bd_modfile_read_suffix(struct bd_modfile *mf, const uint8_t *buf)
{
	size_t at = mf->crc_offset;
	size_t floor = mf->prefix_offset + mf->prefix_size;
	if (at < floor + BD_MODFILE_SUFFIX_MIN)
		return;
	mf->suffix_size = bd_rd16(buf + at - 2);
	if (mf->suffix_size < BD_MODFILE_SUFFIX_MIN || mf->suffix_size > at - floor)
		return;
	mf->suffix_ok = true;
	memcpy(mf->sha256, buf + at - 34, 32);
	bool zero = true;
	for (int i = 0; i < 32; i++)
		zero &= mf->sha256[i] == 0;
	if (!zero)
		bd_modfile_hex(mf->sha256, 32, mf->sha256_hex);
	/* Product id and version sit just below the reserved field whenever
	 * the suffix is 40 bytes or more: in the legacy layout, and also in
	 * extended suffixes, where they are either the tail of a PRODUCT_DATA
	 * extension or a bare pair after the END extension (as
	 * binary-version-reader reads them). */
	if (mf->suffix_size >= BD_MODFILE_SUFFIX_PRODUCT) {
		mf->product_id = bd_rd16(buf + at - 40);
		mf->product_version = bd_rd16(buf + at - 38);
		mf->has_product = true;
	}
	if (mf->suffix_size > BD_MODFILE_SUFFIX_PRODUCT) {
		size_t from = at - mf->suffix_size, to = at - BD_MODFILE_SUFFIX_MIN;
		mf->suffix_ext_bad = bd_modfile_walk_ext(mf, buf, from, to, true) == 0;
	}
	/* Non-product builds carry the default (0xFFFF) or the platform id. */
	if (mf->has_product && (mf->product_id == 0xFFFF || mf->product_id == 0 ||
				mf->product_id == mf->platform_id))
		mf->has_product = false;
}

/* A hint at what the file is instead, for the "not a module" error. */
static const char *bd_modfile_guess_kind(const uint8_t *buf, size_t len)
{
	if (len >= 4 && memcmp(buf, "PK\x03\x04", 4) == 0)
		return " It is a .zip archive (a firmware bundle?): unzip it and flash the .bin "
		       "files inside one by one.";
	if (len >= 4 && memcmp(buf, "\x7f" "ELF", 4) == 0)
		return " It is an ELF file: flash the .bin that the build produced next to it.";
	if (len >= 1 && buf[0] == ':')
		return " It looks like an Intel HEX file: flash the .bin build of the firmware.";
	return "";
}

static int bd_modfile_not_a_module(const uint8_t *buf, size_t len, struct bd_error *err)
{
	bd_error_set(err, BD_E_PARSE,
		     "not a Particle module: no module prefix found at offset 0, 0x200, 0x184, "
		     "0xC0, 0x10C, 0x20 or any 4-byte boundary below 8 KB of this %zu-byte "
		     "file.%s",
		     len, bd_modfile_guess_kind(buf, len));
	bd_error_hint(err, "Use a .bin built for Particle Device OS (particle compile, "
			   "Workbench, or a Device OS release).");
	return BD_E_PARSE;
}

int bd_modfile_parse(const uint8_t *buf, size_t len, const struct bd_platforms *platforms,
		     struct bd_modfile *out, struct bd_error *err)
{
	memset(out, 0, sizeof *out);
	out->file_len = len;
	if (!buf || len < BD_MODFILE_MIN_FILE) {
		bd_error_set(err, BD_E_PARSE,
			     "not a Particle module: the file has %zu bytes; a module has at "
			     "least %d (prefix, suffix and CRC)",
			     len, BD_MODFILE_MIN_FILE);
		bd_error_hint(err, "Check that the right file was chosen and that it was "
				   "downloaded completely.");
		return BD_E_PARSE;
	}
	int score = 0;
	bool truncated;
	long off = bd_modfile_locate(buf, len, platforms, &score, &truncated);
	if (off < 0)
		return bd_modfile_not_a_module(buf, len, err);

	struct bd_modfile_prefix x;
	bd_modfile_read_prefix(buf + off, &x);
	out->prefix_offset = (size_t)off;
	out->prefix_size = BD_MODFILE_PREFIX_SIZE;
	out->prefix_score = score;
	out->start_addr = x.start;
	out->end_addr = x.end;
	out->mcu_target = x.reserved;
	out->flags = x.flags;
	out->version = x.version;
	out->platform_id = x.platform;
	out->func = x.func;
	out->index = x.index;
	for (int i = 0; i < 2; i++)
		bd_modfile_add_dep(out, x.dep_func[i], x.dep_index[i], x.dep_version[i]);
	out->expected_len = (size_t)(x.end - x.start) + 4;
	if (truncated) {
		out->truncated = true;
		return 0;
	}

	size_t module_len = x.end - x.start;
	if (x.flags & BD_MODFILE_F_PREFIX_EXTENSIONS) {
		size_t from = out->prefix_offset + BD_MODFILE_PREFIX_SIZE;
		size_t to = module_len >= BD_MODFILE_SUFFIX_MIN ? module_len - BD_MODFILE_SUFFIX_MIN
								 : 0;
		size_t after = to > from ? bd_modfile_walk_ext(out, buf, from, to, false) : 0;
		if (after == 0) {
			bd_error_set(err, BD_E_PARSE,
				     "the module prefix at offset 0x%zx announces extensions, but "
				     "they are malformed or have no end marker",
				     out->prefix_offset);
			bd_error_hint(err, "The file is damaged or was not produced by the "
					   "Device OS build; build or download it again.");
			return BD_E_PARSE;
		}
		out->prefix_size = after - out->prefix_offset;
	}

	/* CRC: right after the module; for padded files also try the end. */
	out->crc_offset = module_len;
	out->crc_stored = bd_rd32be(buf + module_len);
	out->crc_computed = bd_crc32(0, buf, module_len);
	out->crc_ok = out->crc_stored == out->crc_computed;
	if (!out->crc_ok && len > module_len + 4) {
		uint32_t stored = bd_rd32be(buf + len - 4);
		uint32_t computed = bd_crc32(out->crc_computed, buf + module_len,
					     len - 4 - module_len);
		if (stored == computed) {
			out->crc_offset = len - 4;
			out->crc_stored = stored;
			out->crc_computed = computed;
			out->crc_ok = true;
		}
	}
	out->trailing = len - out->crc_offset - 4;
	bd_modfile_read_suffix(out, buf);
	return 0;
}

int bd_modfile_payload(const uint8_t *buf, size_t len, const struct bd_modfile *mf,
		       const uint8_t **data, size_t *data_len, uint32_t *addr)
{
	if (!buf || !mf || len != mf->file_len || mf->truncated)
		return BD_E_INVALID;
	size_t skip = 0;
	if (mf->flags & BD_MODFILE_F_DROP_MODULE_INFO)
		skip = mf->prefix_offset + mf->prefix_size;
	if (skip >= len)
		return BD_E_INVALID;
	if (data)
		*data = buf + skip;
	if (data_len)
		*data_len = len - skip;
	if (addr)
		*addr = mf->start_addr;
	return 0;
}

const char *bd_modfile_func_name(int func)
{
	switch (func) {
	case BD_MODF_NONE: return "empty module";
	case BD_MODF_RESOURCE: return "resource";
	case BD_MODF_BOOTLOADER: return "bootloader";
	case BD_MODF_MONO: return "monolithic firmware";
	case BD_MODF_SYSTEM: return "system part";
	case BD_MODF_USER: return "user part";
	case BD_MODF_SETTINGS: return "settings";
	case BD_MODF_NCP: return "NCP firmware";
	case BD_MODF_RADIO: return "radio stack";
	case BD_MODF_ASSET: return "asset";
	default: return "unknown";
	}
}
