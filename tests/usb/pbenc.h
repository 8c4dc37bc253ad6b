/* pbenc.h - a tiny protobuf writer for tests: builds device replies by
 * hand, independently of the reader under test.  Test code only; aborts
 * on overflow. */
#ifndef BD_TEST_PBENC_H
#define BD_TEST_PBENC_H

#include <stddef.h>
#include <stdint.h>

struct pbenc {
	uint8_t buf[16384];
	size_t len;
};

void pbenc_reset(struct pbenc *e);
void pbenc_raw(struct pbenc *e, const void *data, size_t n);
void pbenc_varint(struct pbenc *e, uint64_t v);
void pbenc_key(struct pbenc *e, uint32_t num, unsigned wire);
void pbenc_uint(struct pbenc *e, uint32_t num, uint64_t v);
/* int32/enum: negative values sign-extended to 10 bytes, as protobuf does. */
void pbenc_int(struct pbenc *e, uint32_t num, int64_t v);
void pbenc_fixed32(struct pbenc *e, uint32_t num, uint32_t v);
void pbenc_fixed64(struct pbenc *e, uint32_t num, uint64_t v);
void pbenc_bytes(struct pbenc *e, uint32_t num, const void *data, size_t n);
void pbenc_str(struct pbenc *e, uint32_t num, const char *s);
/* Embeds sub as a length-delimited field. */
void pbenc_msg(struct pbenc *e, uint32_t num, const struct pbenc *sub);

#endif
