/* vdev_pb.h - the device side's own small protobuf (proto3) writer and
 * reader, for the payloads of Particle control requests.  Written
 * independently of the product's transports/usb/pb_wire.h on purpose: the
 * two sides check each other.
 *
 * Proto3 as nanopb encodes it on the device: scalar fields holding their
 * default value (0, "", empty bytes) are left out. */
#ifndef VDEV_PB_H
#define VDEV_PB_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Appends to a GByteArray.  Every vdev_pb_put_* of a scalar skips the
 * field when the value is the default. */
void vdev_pb_put_varint_field(GByteArray *b, unsigned field, uint64_t v);
void vdev_pb_put_int32_field(GByteArray *b, unsigned field, int32_t v); /* negative: 10 bytes */
void vdev_pb_put_fixed32_field(GByteArray *b, unsigned field, uint32_t v);
void vdev_pb_put_bytes_field(GByteArray *b, unsigned field, const void *p, size_t len);
void vdev_pb_put_string_field(GByteArray *b, unsigned field, const char *s);
/* A nested message: always written (even empty), as repeated entries are. */
void vdev_pb_put_message_field(GByteArray *b, unsigned field, const GByteArray *msg);

/* Finds the last varint field `field` in buf; true and *out when present
 * (proto3: absent means 0).  False also when buf is malformed. */
bool vdev_pb_get_varint(const uint8_t *buf, size_t len, unsigned field, uint64_t *out);
/* True when buf is a well-formed sequence of fields. */
bool vdev_pb_valid(const uint8_t *buf, size_t len);

#endif
