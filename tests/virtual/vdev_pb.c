/* vdev_pb.c - see vdev_pb.h.  Wire types: 0 varint, 1 fixed64, 2
 * length-delimited, 5 fixed32. */
#include "vdev_pb.h"

#include <string.h>

enum { WT_VARINT = 0, WT_FIXED64 = 1, WT_LEN = 2, WT_FIXED32 = 5 };

static void put_varint(GByteArray *b, uint64_t v)
{
	uint8_t tmp[10];
	size_t n = 0;

	do {
		tmp[n] = (uint8_t)(v & 0x7f);
		v >>= 7;
		if (v)
			tmp[n] |= 0x80;
		n++;
	} while (v);
	g_byte_array_append(b, tmp, (guint)n);
}

static void put_tag(GByteArray *b, unsigned field, unsigned wire_type)
{
	put_varint(b, (uint64_t)field << 3 | wire_type);
}

void vdev_pb_put_varint_field(GByteArray *b, unsigned field, uint64_t v)
{
	if (!v)
		return;
	put_tag(b, field, WT_VARINT);
	put_varint(b, v);
}

void vdev_pb_put_int32_field(GByteArray *b, unsigned field, int32_t v)
{
	/* int32: negative values are sign-extended to 64 bits. */
	vdev_pb_put_varint_field(b, field, (uint64_t)(int64_t)v);
}

void vdev_pb_put_fixed32_field(GByteArray *b, unsigned field, uint32_t v)
{
	uint8_t le[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };

	if (!v)
		return;
	put_tag(b, field, WT_FIXED32);
	g_byte_array_append(b, le, 4);
}

void vdev_pb_put_bytes_field(GByteArray *b, unsigned field, const void *p, size_t len)
{
	if (!len)
		return;
	put_tag(b, field, WT_LEN);
	put_varint(b, len);
	g_byte_array_append(b, p, (guint)len);
}

void vdev_pb_put_string_field(GByteArray *b, unsigned field, const char *s)
{
	if (s)
		vdev_pb_put_bytes_field(b, field, s, strlen(s));
}

void vdev_pb_put_message_field(GByteArray *b, unsigned field, const GByteArray *msg)
{
	put_tag(b, field, WT_LEN);
	put_varint(b, msg->len);
	g_byte_array_append(b, msg->data, msg->len);
}

static bool get_varint(const uint8_t *buf, size_t len, size_t *pos, uint64_t *out)
{
	uint64_t v = 0;

	for (unsigned shift = 0; shift < 64; shift += 7) {
		uint8_t c;

		if (*pos >= len)
			return false;
		c = buf[(*pos)++];
		v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80)) {
			*out = v;
			return true;
		}
	}
	return false;
}

/* Walks the fields; calls back for varints of `field`.  False if malformed. */
static bool walk(const uint8_t *buf, size_t len, unsigned field, uint64_t *out, bool *found)
{
	size_t pos = 0;

	while (pos < len) {
		uint64_t tag, v;

		if (!get_varint(buf, len, &pos, &tag) || (tag >> 3) == 0)
			return false;
		switch (tag & 7) {
		case WT_VARINT:
			if (!get_varint(buf, len, &pos, &v))
				return false;
			if ((tag >> 3) == field && out) {
				*out = v;
				*found = true;
			}
			break;
		case WT_FIXED64:
			if (len - pos < 8)
				return false;
			pos += 8;
			break;
		case WT_LEN:
			if (!get_varint(buf, len, &pos, &v) || v > len - pos)
				return false;
			pos += (size_t)v;
			break;
		case WT_FIXED32:
			if (len - pos < 4)
				return false;
			pos += 4;
			break;
		default:
			return false;
		}
	}
	return true;
}

bool vdev_pb_get_varint(const uint8_t *buf, size_t len, unsigned field, uint64_t *out)
{
	bool found = false;

	return walk(buf, len, field, out, &found) && found;
}

bool vdev_pb_valid(const uint8_t *buf, size_t len)
{
	bool found = false;

	return walk(buf, len, 0, NULL, &found);
}
