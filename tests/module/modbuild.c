#include "modbuild.h"

#include <stdlib.h>
#include <string.h>

/* Bitwise CRC-32 (zlib), deliberately not the table version under test. */
static uint32_t modbuild_crc32(const uint8_t *p, size_t n)
{
	uint32_t c = 0xFFFFFFFFu;
	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c & 1) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
	}
	return ~c;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

uint8_t *modbuild_tlv(uint8_t *p, uint16_t type, uint16_t total_len)
{
	put16(p, type);
	put16(p + 2, total_len);
	return p + 4;
}

void modbuild_fix_crc(uint8_t *buf, size_t crc_at)
{
	uint32_t c = modbuild_crc32(buf, crc_at);
	buf[crc_at] = (uint8_t)(c >> 24);
	buf[crc_at + 1] = (uint8_t)(c >> 16);
	buf[crc_at + 2] = (uint8_t)(c >> 8);
	buf[crc_at + 3] = (uint8_t)c;
}

uint8_t *modbuild(const struct modbuild *b, size_t *len)
{
	size_t suffix = b->suffix_ext_len + (b->legacy_product ? 4 : 0) + 36;
	size_t module = b->prefix_offset + 24 + b->prefix_ext_len + b->body_len + suffix;
	uint8_t *buf = malloc(module + 4);
	if (!buf)
		abort();
	/* Filler: a recognisable pattern that is not a plausible prefix. */
	for (size_t i = 0; i < module; i++)
		buf[i] = (uint8_t)(0xA5 ^ (i * 7));
	uint8_t *p = buf + b->prefix_offset;
	put32(p, b->start);
	put32(p + 4, b->start + (uint32_t)module);
	p[8] = b->mcu;
	p[9] = b->flags;
	put16(p + 10, b->version);
	put16(p + 12, b->platform);
	p[14] = b->func;
	p[15] = b->index;
	for (int i = 0; i < 2; i++) {
		p[16 + 4 * i] = b->dep_func[i];
		p[17 + 4 * i] = b->dep_index[i];
		put16(p + 18 + 4 * i, b->dep_version[i]);
	}
	if (b->prefix_ext_len)
		memcpy(p + 24, b->prefix_ext, b->prefix_ext_len);
	uint8_t *s = buf + module - suffix;
	if (b->suffix_ext_len)
		memcpy(s, b->suffix_ext, b->suffix_ext_len);
	s += b->suffix_ext_len;
	if (b->legacy_product) {
		put16(s, b->product_id);
		put16(s + 2, b->product_version);
		s += 4;
	}
	put16(s, 0); /* reserved */
	for (int i = 0; i < 32; i++)
		s[2 + i] = b->sha_seed ? (uint8_t)(b->sha_seed + i) : 0;
	put16(s + 34, (uint16_t)suffix);
	modbuild_fix_crc(buf, module);
	*len = module + 4;
	return buf;
}
