#include "usb/pb_wire.h"

#include <inttypes.h>
#include <string.h>

static size_t bd_pb_off(const struct bd_pb_reader *r, const uint8_t *p)
{
	return (size_t)(p - r->base);
}

static int bd_pb_fail(const struct bd_pb_reader *r, size_t offset, struct bd_error *err,
		      const char *what)
{
	bd_error_set(err, BD_E_PARSE, "malformed %s from the device: byte %zu: %s",
		     r->what ? r->what : "reply", offset, what);
	bd_error_hint(err, "Try again; if it keeps happening, the device's Device OS may be "
			   "damaged or too new for blinkdoc.");
	return BD_E_PARSE;
}

static int bd_pb_field_fail(const struct bd_pb_reader *r, const struct bd_pb_field *f,
			    struct bd_error *err, const char *what)
{
	bd_error_set(err, BD_E_PARSE, "malformed %s from the device: field %" PRIu32
		     " at byte %zu: %s",
		     r->what ? r->what : "reply", f->num, f->offset, what);
	bd_error_hint(err, "Try again; if it keeps happening, the device's Device OS may be "
			   "damaged or too new for blinkdoc.");
	return BD_E_PARSE;
}

/* Reads a varint of at most 10 bytes whose value fits 64 bits. */
static int bd_pb_varint(struct bd_pb_reader *r, uint64_t *out, struct bd_error *err)
{
	const uint8_t *start = r->p;
	uint64_t v = 0;
	for (int i = 0; i < 10; i++) {
		if (r->p >= r->end)
			return bd_pb_fail(r, bd_pb_off(r, start), err,
					  "truncated varint (the data ends inside a number)");
		uint8_t b = *r->p++;
		/* The 10th byte may only carry the top bit of a 64-bit value;
		 * anything more is an over-long or oversized varint. */
		if (i == 9 && b > 1)
			return bd_pb_fail(r, bd_pb_off(r, start), err,
					  "varint longer than 10 bytes or larger than 64 bits");
		v |= (uint64_t)(b & 0x7F) << (7 * i);
		if (!(b & 0x80)) {
			*out = v;
			return 0;
		}
	}
	return bd_pb_fail(r, bd_pb_off(r, start), err, "varint longer than 10 bytes"); /* unreachable */
}

void bd_pb_reader_init(struct bd_pb_reader *r, const uint8_t *buf, size_t len, const char *what)
{
	static const uint8_t empty[1];
	if (!buf) {
		buf = empty;
		len = 0;
	}
	r->base = buf;
	r->p = buf;
	r->end = buf + len;
	r->depth = 0;
	r->what = what;
}

int bd_pb_next(struct bd_pb_reader *r, struct bd_pb_field *f, struct bd_error *err)
{
	uint64_t key;
	int rc;

	if (r->p >= r->end)
		return 0;
	memset(f, 0, sizeof *f);
	f->offset = bd_pb_off(r, r->p);
	if ((rc = bd_pb_varint(r, &key, err)) < 0)
		return rc;
	if ((key >> 3) == 0 || (key >> 3) > BD_PB_MAX_FIELD)
		return bd_pb_fail(r, f->offset, err, "invalid field number");
	f->num = (uint32_t)(key >> 3);
	switch (key & 7) {
	case BD_PB_VARINT:
		f->wire = BD_PB_VARINT;
		return (rc = bd_pb_varint(r, &f->u, err)) < 0 ? rc : 1;
	case BD_PB_FIXED64:
	case BD_PB_FIXED32: {
		size_t n = (key & 7) == BD_PB_FIXED64 ? 8 : 4;
		f->wire = (enum bd_pb_wire)(key & 7);
		if ((size_t)(r->end - r->p) < n)
			return bd_pb_fail(r, f->offset, err, "truncated fixed-size field");
		for (size_t i = 0; i < n; i++)
			f->u |= (uint64_t)r->p[i] << (8 * i);
		r->p += n;
		return 1;
	}
	case BD_PB_LEN: {
		uint64_t n;
		f->wire = BD_PB_LEN;
		if ((rc = bd_pb_varint(r, &n, err)) < 0)
			return rc;
		if (n > (uint64_t)(r->end - r->p))
			return bd_pb_fail(r, f->offset, err,
					  "length runs past the end of the data");
		f->data = r->p;
		f->len = (size_t)n;
		r->p += n;
		return 1;
	}
	default:
		return bd_pb_fail(r, f->offset, err, "unsupported wire type (group or unknown)");
	}
}

int bd_pb_sub(const struct bd_pb_reader *parent, const struct bd_pb_field *f,
	      struct bd_pb_reader *child, const char *what, struct bd_error *err)
{
	if (f->wire != BD_PB_LEN)
		return bd_pb_field_fail(parent, f, err, "expected an embedded message");
	if (parent->depth + 1 > BD_PB_MAX_DEPTH)
		return bd_pb_field_fail(parent, f, err, "messages nested too deeply");
	child->base = parent->base;
	child->p = f->data;
	child->end = f->data + f->len;
	child->depth = parent->depth + 1;
	child->what = what;
	return 0;
}

int bd_pb_uint32(const struct bd_pb_reader *r, const struct bd_pb_field *f, uint32_t *out,
		 struct bd_error *err)
{
	if (f->wire != BD_PB_VARINT)
		return bd_pb_field_fail(r, f, err, "expected a varint");
	if (f->u > UINT32_MAX)
		return bd_pb_field_fail(r, f, err, "value does not fit 32 bits");
	*out = (uint32_t)f->u;
	return 0;
}

int bd_pb_int32(const struct bd_pb_reader *r, const struct bd_pb_field *f, int32_t *out,
		struct bd_error *err)
{
	if (f->wire != BD_PB_VARINT)
		return bd_pb_field_fail(r, f, err, "expected a varint");
	/* int32 is sent sign-extended to 64 bits; anything else is too big. */
	int64_t v = (int64_t)f->u;
	if (v < INT32_MIN || v > INT32_MAX)
		return bd_pb_field_fail(r, f, err, "value does not fit 32 bits");
	*out = (int32_t)v;
	return 0;
}

int bd_pb_bool(const struct bd_pb_reader *r, const struct bd_pb_field *f, bool *out,
	       struct bd_error *err)
{
	if (f->wire != BD_PB_VARINT)
		return bd_pb_field_fail(r, f, err, "expected a varint");
	*out = f->u != 0;
	return 0;
}

int bd_pb_fixed32(const struct bd_pb_reader *r, const struct bd_pb_field *f, uint32_t *out,
		  struct bd_error *err)
{
	if (f->wire != BD_PB_FIXED32)
		return bd_pb_field_fail(r, f, err, "expected a fixed32");
	*out = (uint32_t)f->u;
	return 0;
}

int bd_pb_bytes(const struct bd_pb_reader *r, const struct bd_pb_field *f,
		const uint8_t **data, size_t *len, struct bd_error *err)
{
	if (f->wire != BD_PB_LEN)
		return bd_pb_field_fail(r, f, err, "expected bytes");
	*data = f->data;
	*len = f->len;
	return 0;
}

int bd_pb_string(const struct bd_pb_reader *r, const struct bd_pb_field *f, char *out,
		 size_t cap, struct bd_error *err)
{
	if (f->wire != BD_PB_LEN)
		return bd_pb_field_fail(r, f, err, "expected a string");
	if (cap == 0 || f->len > cap - 1)
		return bd_pb_field_fail(r, f, err, "string longer than expected");
	/* Printable ASCII only: C0/C1 controls and DEL could drive the
	 * terminal the text is shown on, and every string we read (versions,
	 * IDs, ICCID/IMEI, interface names) is ASCII by nature. */
	for (size_t i = 0; i < f->len; i++)
		if (f->data[i] < 0x20 || f->data[i] >= 0x7F)
			return bd_pb_field_fail(r, f, err,
						"string contains control or non-ASCII bytes");
	if (f->len)
		memcpy(out, f->data, f->len);
	out[f->len] = '\0';
	return 0;
}

int bd_pb_put_varint(uint8_t *buf, size_t cap, size_t *pos, uint64_t v)
{
	uint8_t tmp[10];
	size_t n = 0;
	do {
		tmp[n] = (uint8_t)(v & 0x7F);
		v >>= 7;
		if (v)
			tmp[n] |= 0x80;
		n++;
	} while (v);
	if (*pos > cap || cap - *pos < n)
		return BD_E_TOO_LARGE;
	memcpy(buf + *pos, tmp, n);
	*pos += n;
	return 0;
}

int bd_pb_put_uint(uint8_t *buf, size_t cap, size_t *pos, uint32_t num, uint64_t v)
{
	size_t save = *pos;
	if (bd_pb_put_varint(buf, cap, pos, (uint64_t)num << 3 | BD_PB_VARINT) < 0 ||
	    bd_pb_put_varint(buf, cap, pos, v) < 0) {
		*pos = save;
		return BD_E_TOO_LARGE;
	}
	return 0;
}

int bd_pb_put_bytes(uint8_t *buf, size_t cap, size_t *pos, uint32_t num, const uint8_t *data,
		    size_t len)
{
	size_t save = *pos;
	if (bd_pb_put_varint(buf, cap, pos, (uint64_t)num << 3 | BD_PB_LEN) < 0 ||
	    bd_pb_put_varint(buf, cap, pos, len) < 0 || cap - *pos < len) {
		*pos = save;
		return BD_E_TOO_LARGE;
	}
	if (len)
		memcpy(buf + *pos, data, len);
	*pos += len;
	return 0;
}
