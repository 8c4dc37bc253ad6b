/* module_file.h - Particle module binaries (.bin): read one, and decide
 * before touching a device whether it may be written to it
 * (protocols.md §5).
 *
 * A module is the bytes of a flash image that starts at its start address.
 * Somewhere near the front (offset 0, or after a vector table) sits a
 * 24-byte little-endian prefix: start and end address, flags, version,
 * platform, function, index and two dependencies, optionally followed by
 * TLV extensions.  At the end address sits a suffix read backwards: size,
 * SHA-256, product data or TLV extensions; then the CRC-32 of everything
 * before it, stored big-endian.
 *
 * bd_modfile_parse() reads that structure; bd_modfile_check() compares it
 * with a device and refuses what must not be flashed; bd_modfile_payload()
 * says which bytes to write where.  All three are pure functions over
 * caller-owned memory: no I/O, no allocation, bounded work.  The parser is
 * fuzzed (tests/fuzz/fuzz_module.c).
 */
#ifndef BD_MODULE_FILE_H
#define BD_MODULE_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/bd_error.h"
#include "platform.h"
#include "transport.h"

#define BD_MODFILE_PREFIX_SIZE 24
#define BD_MODFILE_SUFFIX_MIN 36       /* reserved(2) + SHA-256(32) + size(2) */
#define BD_MODFILE_SUFFIX_PRODUCT 40   /* legacy: + product id(2) + version(2) */
#define BD_MODFILE_MIN_FILE (BD_MODFILE_PREFIX_SIZE + BD_MODFILE_SUFFIX_MIN + 4)
#define BD_MODFILE_SCAN_LIMIT 8192     /* the prefix is never further in */

/* Prefix flags (module_info_t.flags). */
#define BD_MODFILE_F_DROP_MODULE_INFO 0x01u /* written without the prefix (radio stack) */
#define BD_MODFILE_F_COMPRESSED 0x02u
#define BD_MODFILE_F_COMBINED 0x04u
#define BD_MODFILE_F_ENCRYPTED 0x08u
#define BD_MODFILE_F_PREFIX_EXTENSIONS 0x10u
#define BD_MODFILE_F_KNOWN 0x1Fu

/* TLV extension types (prefix and suffix). */
enum bd_modfile_ext {
	BD_MODFILE_EXT_END = 0x0000,
	BD_MODFILE_EXT_PRODUCT_DATA = 0x0001,
	BD_MODFILE_EXT_DYNAMIC_LOCATION = 0x0002,
	BD_MODFILE_EXT_DEPENDENCY = 0x0003,
	BD_MODFILE_EXT_HASH = 0x0010,
	BD_MODFILE_EXT_NAME = 0x0011,
	BD_MODFILE_EXT_ASSET_DEPENDENCY = 0x0012,
	BD_MODFILE_EXT_SECURITY_MODE = 0x0013,
	BD_MODFILE_EXT_ASSET_TYPE = 0x0014,
};

/* What bd_modfile_parse() found.  Numbers are as stored in the file. */
struct bd_modfile {
	size_t file_len;
	size_t prefix_offset;   /* file offset of the 24-byte prefix */
	size_t prefix_size;     /* 24, or more when PREFIX_EXTENSIONS follow */
	int prefix_score;       /* 7 = every sanity check passed, 6 = one failed */

	uint32_t start_addr;    /* flash address of file byte 0 */
	uint32_t end_addr;      /* exclusive; the CRC is stored here */
	uint8_t mcu_target;     /* prefix byte 8 ("reserved"; MCU target on Gen 3) */
	uint8_t flags;          /* BD_MODFILE_F_* */
	uint16_t version;
	uint16_t platform_id;
	uint8_t func;           /* enum bd_module_func numbering */
	uint8_t index;
	/* Dependencies with func != 0: the prefix's two, then DEPENDENCY
	 * extensions; at most BD_MODULE_DEPS_MAX (extras are counted in
	 * deps_dropped). */
	struct bd_module_dep deps[BD_MODULE_DEPS_MAX];
	int ndeps;
	int deps_dropped;

	/* Truncated file: the prefix was found but the file is shorter than
	 * end - start + 4.  Nothing below is filled in then. */
	bool truncated;
	size_t expected_len;    /* end - start + 4 */

	/* Where the CRC was found: normally at end - start (file offset); a
	 * padded file whose CRC only matches at its very end (old bootloaders)
	 * uses the last 4 bytes instead. */
	size_t crc_offset;
	uint32_t crc_stored;    /* as the file says (big-endian in the file) */
	uint32_t crc_computed;  /* CRC-32 of file[0..crc_offset) */
	bool crc_ok;
	size_t trailing;        /* bytes after the CRC (padding) */

	/* Suffix.  suffix_ok is false when the size field is implausible
	 * (e.g. 0xFFFF padding); then nothing else here is filled in. */
	bool suffix_ok;
	uint16_t suffix_size;
	uint8_t sha256[32];
	char sha256_hex[65];    /* "" when all zero or no suffix */
	bool has_product;       /* product data present and not the 0xFFFF default */
	uint32_t product_id;
	uint16_t product_version;
	bool suffix_ext_bad;    /* suffix extensions could not all be read */
	char name[64];          /* NAME extension (asset file name), "" if none */
};

/* Parses buf[0..len).  platforms (may be NULL: every id counts as known)
 * helps score prefix candidates (§5.1): offsets 0, 0x200, 0x184, 0xC0,
 * 0x10C, 0x20 are tried first, then every 4-byte offset below 8 KB; the
 * first candidate passing all seven checks wins, else the best with six.
 *
 * Returns 0 when a prefix was found - even if the CRC does not match
 * (crc_ok false) or the file is truncated (truncated true): those are
 * bd_modfile_check()'s to refuse, with the numbers at hand.  Returns
 * BD_E_PARSE when the file is too short or no prefix is plausible (err
 * says so, and recognises .zip/.elf/.hex files), or when prefix extensions
 * are malformed.  *out is zeroed first. */
int bd_modfile_parse(const uint8_t *buf, size_t len, const struct bd_platforms *platforms,
		     struct bd_modfile *out, struct bd_error *err);

#define BD_MODFILE_WARN_MAX 8
#define BD_MODFILE_WARN_LEN 320

/* What bd_modfile_check() tells a person about a file. */
struct bd_modfile_report {
	int platform_id;
	const char *platform_name; /* borrowed from platforms; NULL if unknown */
	int func;                  /* enum bd_module_func */
	const char *func_name;     /* "user part", ...; static */
	int index;
	int version;
	uint32_t start_addr, end_addr;
	size_t size;               /* file bytes */
	struct bd_module_dep deps[BD_MODULE_DEPS_MAX];
	int ndeps;
	bool compressed, encrypted, drop_module_info, combined;
	bool has_product;
	uint32_t product_id;
	uint16_t product_version;
	char sha256[65];
	uint32_t write_addr;       /* what bd_modfile_payload() returns */
	size_t write_len;
	size_t nwarn;
	char warn[BD_MODFILE_WARN_MAX][BD_MODFILE_WARN_LEN];
};

/* Decides whether mf may be written over DFU (alt 0) to a device of
 * platform device_platform.  installed is the device's module table
 * (bd_transports_inspect) or NULL when unknown.  Fills *report (may be NULL)
 * as far as it can, also on refusal.
 *
 * Returns 0 when the file may be flashed (report->warn may still hold
 * warnings, e.g. "it would start in safe mode" when a dependency is newer
 * than what the device has).  Otherwise returns the first refusal, in this
 * order, with err saying what, where and what to do next:
 *   BD_E_PARSE     truncated file
 *   BD_E_VERIFY    CRC mismatch ("the file is damaged: CRC-32 is X, the
 *                  file says Y")
 *   BD_E_MISMATCH  platform ("this file is for Boron (13); the device is a
 *                  Photon (6)")
 *   BD_E_PARSE     unknown module function
 *   BD_E_NOT_SUPPORTED  not a DFU write: bootloader, NCP firmware, asset,
 *                  compressed or encrypted modules (Device OS installs
 *                  those), or a platform without a DFU memory map
 *   BD_E_RANGE / BD_E_ACCESS  the bytes to write are not inside writable
 *                  segments of the platform's alt 0 memory map
 *   BD_E_TOO_LARGE larger than the user-part slot (platform user_part_addr
 *                  + user_part_max) or than the slot the device reports
 *   BD_E_INVALID   device_platform is not in platforms
 * Never blocks; never touches a device. */
int bd_modfile_check(const struct bd_modfile *mf, const struct bd_platforms *platforms,
		     int device_platform, const struct bd_module_table *installed,
		     struct bd_modfile_report *report, struct bd_error *err);

/* The bytes to write and where: buf/len is the same file given to
 * bd_modfile_parse().  Normally the whole file at start_addr; with
 * DROP_MODULE_INFO the data starts after the prefix (and its extensions)
 * and is still written at start_addr, as particle-cli does.  *data points
 * into buf.  Returns 0, or BD_E_INVALID when buf does not match mf. */
int bd_modfile_payload(const uint8_t *buf, size_t len, const struct bd_modfile *mf,
		       const uint8_t **data, size_t *data_len, uint32_t *addr);

/* "bootloader", "system part", "user part", ...; "unknown" otherwise.
 * Never NULL. */
const char *bd_modfile_func_name(int func);

#endif
