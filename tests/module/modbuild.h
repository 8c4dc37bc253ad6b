/* modbuild.h - builds Particle module binaries for tests: filler up to the
 * prefix, the 24-byte prefix, optional prefix extensions, a body, the
 * suffix (36, 40, or with extensions) and the big-endian CRC-32.
 * Test code only; independent of the parser it tests (its own CRC). */
#ifndef BD_TEST_MODBUILD_H
#define BD_TEST_MODBUILD_H

#include <stddef.h>
#include <stdint.h>

struct modbuild {
	uint32_t start;
	size_t prefix_offset;       /* filler (a fake vector table) before the prefix */
	uint8_t flags, mcu;
	uint16_t version, platform;
	uint8_t func, index;
	uint8_t dep_func[2], dep_index[2];
	uint16_t dep_version[2];
	const uint8_t *prefix_ext;  /* raw TLVs after the prefix (incl. END) */
	size_t prefix_ext_len;
	size_t body_len;            /* bytes between prefix(+ext) and suffix */
	int legacy_product;         /* 1: 40-byte suffix with product id/version */
	uint16_t product_id, product_version;
	const uint8_t *suffix_ext;  /* raw TLVs before reserved+sha+size */
	size_t suffix_ext_len;
	uint8_t sha_seed;           /* sha bytes = seed + i (0: all zero) */
};

/* Returns a malloc'd file (free() it) and its length in *len. */
uint8_t *modbuild(const struct modbuild *b, size_t *len);

/* Recomputes the CRC of a module whose CRC sits at file offset crc_at. */
void modbuild_fix_crc(uint8_t *buf, size_t crc_at);

/* TLV helpers: write a header (type, total length) at p; return p + 4. */
uint8_t *modbuild_tlv(uint8_t *p, uint16_t type, uint16_t total_len);

#endif
