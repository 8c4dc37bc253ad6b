#include "pbenc.h"

#include <stdlib.h>
#include <string.h>

void pbenc_reset(struct pbenc *e)
{
	e->len = 0;
}

void pbenc_raw(struct pbenc *e, const void *data, size_t n)
{
	if (n > sizeof e->buf - e->len)
		abort();
	if (n)
		memcpy(e->buf + e->len, data, n);
	e->len += n;
}

void pbenc_varint(struct pbenc *e, uint64_t v)
{
	do {
		uint8_t b = (uint8_t)(v & 0x7F);
		v >>= 7;
		if (v)
			b |= 0x80;
		pbenc_raw(e, &b, 1);
	} while (v);
}

void pbenc_key(struct pbenc *e, uint32_t num, unsigned wire)
{
	pbenc_varint(e, (uint64_t)num << 3 | wire);
}

void pbenc_uint(struct pbenc *e, uint32_t num, uint64_t v)
{
	pbenc_key(e, num, 0);
	pbenc_varint(e, v);
}

void pbenc_int(struct pbenc *e, uint32_t num, int64_t v)
{
	pbenc_uint(e, num, (uint64_t)v);
}

void pbenc_fixed32(struct pbenc *e, uint32_t num, uint32_t v)
{
	uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
	pbenc_key(e, num, 5);
	pbenc_raw(e, b, 4);
}

void pbenc_fixed64(struct pbenc *e, uint32_t num, uint64_t v)
{
	pbenc_key(e, num, 1);
	for (int i = 0; i < 8; i++) {
		uint8_t b = (uint8_t)(v >> (8 * i));
		pbenc_raw(e, &b, 1);
	}
}

void pbenc_bytes(struct pbenc *e, uint32_t num, const void *data, size_t n)
{
	pbenc_key(e, num, 2);
	pbenc_varint(e, n);
	pbenc_raw(e, data, n);
}

void pbenc_str(struct pbenc *e, uint32_t num, const char *s)
{
	pbenc_bytes(e, num, s, strlen(s));
}

void pbenc_msg(struct pbenc *e, uint32_t num, const struct pbenc *sub)
{
	pbenc_bytes(e, num, sub->buf, sub->len);
}
