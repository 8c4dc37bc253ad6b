/* pb_wire.h - a small, strict reader (and a tiny writer) for the protobuf
 * (proto3) wire format of Particle control-request payloads.
 *
 * Why hand-written rather than protobuf-c: the tool decodes six reply
 * messages and encodes one request field (protocols.md §3.5).  A reader of
 * ~250 lines needs no generated code, no .proto copies to keep in step with
 * device-os-protobuf and no extra library on every platform we build for;
 * it never allocates, checks every length against the buffer before use,
 * bounds nesting, and is small enough to fuzz to saturation
 * (tests/fuzz/fuzz_ctrl.c).  The decoders in ctrl_reply.c walk fields with
 * it and skip what they do not know, as protobuf requires.
 *
 * Wire format: a message is a sequence of (key, value); key = varint
 * (field_number << 3 | wire_type); wire types 0 varint, 1 fixed64 (8 bytes
 * LE), 2 length-delimited (varint length + bytes), 5 fixed32 (4 bytes LE).
 * Groups (3, 4) are obsolete, never sent by Device OS, and rejected.
 */
#ifndef BD_PB_WIRE_H
#define BD_PB_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/bd_error.h"

#define BD_PB_MAX_DEPTH 8          /* nested messages we will descend into */
#define BD_PB_MAX_FIELD 0x1FFFFFFFu /* largest legal field number */

enum bd_pb_wire {
	BD_PB_VARINT = 0,
	BD_PB_FIXED64 = 1,
	BD_PB_LEN = 2,
	BD_PB_FIXED32 = 5,
};

/* A cursor over one message.  base/len describe the whole top-level reply,
 * so that error messages give absolute byte offsets. */
struct bd_pb_reader {
	const uint8_t *base;  /* start of the top-level buffer */
	const uint8_t *p;     /* next byte */
	const uint8_t *end;   /* end of this message */
	int depth;            /* 0 for the top level */
	const char *what;     /* message name for errors, e.g. "GetModuleInfoReply" */
};

/* One field as read.  For BD_PB_LEN, data/len borrow from the buffer. */
struct bd_pb_field {
	uint32_t num;
	enum bd_pb_wire wire;
	uint64_t u;           /* VARINT, FIXED32, FIXED64 value */
	const uint8_t *data;  /* LEN payload */
	size_t len;
	size_t offset;        /* absolute offset of the key, for errors */
};

/* Starts reading buf[0..len) (buf may be NULL when len is 0: an empty
 * message, all fields default).  what names the message in errors and
 * must outlive the reader (a string literal). */
void bd_pb_reader_init(struct bd_pb_reader *r, const uint8_t *buf, size_t len, const char *what);

/* Reads the next field.  Returns 1 and fills *f, 0 at the end of the
 * message, or BD_E_PARSE with err saying what is wrong at which byte
 * offset (truncated or over-long varint, length past the end, field
 * number 0 or too large, group or unknown wire type). */
int bd_pb_next(struct bd_pb_reader *r, struct bd_pb_field *f, struct bd_error *err);

/* Opens the LEN field f as a nested message (named what).  Returns 0, or
 * BD_E_PARSE when f is not length-delimited or nesting would exceed
 * BD_PB_MAX_DEPTH. */
int bd_pb_sub(const struct bd_pb_reader *parent, const struct bd_pb_field *f,
	      struct bd_pb_reader *child, const char *what, struct bd_error *err);

/* Typed views of a field, strict about the wire type the schema declares:
 * BD_E_PARSE (err names message, field and offset) on a mismatch. */
/* uint32 / enum: varint, must fit 32 bits (negative int32 enums, sent
 * as 10-byte varints, fail here - use bd_pb_int32). */
int bd_pb_uint32(const struct bd_pb_reader *r, const struct bd_pb_field *f, uint32_t *out,
		 struct bd_error *err);
/* int32 / enum: varint, sign-extended 64-bit form accepted. */
int bd_pb_int32(const struct bd_pb_reader *r, const struct bd_pb_field *f, int32_t *out,
		struct bd_error *err);
int bd_pb_bool(const struct bd_pb_reader *r, const struct bd_pb_field *f, bool *out,
	       struct bd_error *err);
int bd_pb_fixed32(const struct bd_pb_reader *r, const struct bd_pb_field *f, uint32_t *out,
		  struct bd_error *err);
/* bytes: LEN; *data and *len borrow from the buffer. */
int bd_pb_bytes(const struct bd_pb_reader *r, const struct bd_pb_field *f,
		const uint8_t **data, size_t *len, struct bd_error *err);
/* string: LEN copied into out (cap bytes, always NUL-terminated).  Refuses
 * (BD_E_PARSE) strings that do not fit, or that contain anything but
 * printable ASCII (0x20-0x7E; no NUL, no C0/C1 controls, no DEL, no
 * UTF-8) - what we copy is shown to people on a terminal. */
int bd_pb_string(const struct bd_pb_reader *r, const struct bd_pb_field *f, char *out,
		 size_t cap, struct bd_error *err);

/* Writer: appends to buf[*pos..cap).  Each returns 0 or BD_E_TOO_LARGE
 * (nothing written past cap; *pos unchanged then). */
int bd_pb_put_varint(uint8_t *buf, size_t cap, size_t *pos, uint64_t v);
/* Key + varint value. */
int bd_pb_put_uint(uint8_t *buf, size_t cap, size_t *pos, uint32_t num, uint64_t v);
/* Key + length + bytes. */
int bd_pb_put_bytes(uint8_t *buf, size_t cap, size_t *pos, uint32_t num, const uint8_t *data,
		    size_t len);

#endif
