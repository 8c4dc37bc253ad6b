/* Tests for transports/usb/pb_wire.c: the protobuf wire reader and writer,
 * on well-formed and malformed input. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "pbenc.h"
#include "usb/pb_wire.h"

/* Reads exactly one field from e. */
static struct bd_pb_field one_field(const struct pbenc *e)
{
	struct bd_pb_reader r;
	struct bd_pb_field f;
	struct bd_error err = {0};
	bd_pb_reader_init(&r, e->buf, e->len, "test");
	int rc = bd_pb_next(&r, &f, &err);
	if (rc != 1)
		fail_msg("next: %d %s", rc, err.msg);
	assert_int_equal(bd_pb_next(&r, &f, &err), 0);
	return f;
}

/* Expects the first bd_pb_next over buf to fail; returns the message. */
static const char *first_fails(const uint8_t *buf, size_t len)
{
	static struct bd_error err;
	struct bd_pb_reader r;
	struct bd_pb_field f;
	bd_error_clear(&err);
	bd_pb_reader_init(&r, buf, len, "TestReply");
	int rc;
	while ((rc = bd_pb_next(&r, &f, &err)) > 0)
		;
	assert_int_equal(rc, BD_E_PARSE);
	assert_int_equal(err.code, BD_E_PARSE);
	assert_non_null(strstr(err.msg, "TestReply"));
	assert_true(strlen(err.hint) > 0);
	return err.msg;
}

static void test_empty(void **state)
{
	(void)state;
	struct bd_pb_reader r;
	struct bd_pb_field f;
	struct bd_error err = {0};
	bd_pb_reader_init(&r, NULL, 0, "x");
	assert_int_equal(bd_pb_next(&r, &f, &err), 0);
	uint8_t b = 0;
	bd_pb_reader_init(&r, &b, 0, "x");
	assert_int_equal(bd_pb_next(&r, &f, &err), 0);
	bd_pb_reader_init(&r, NULL, 5, "x"); /* NULL buffer means empty */
	assert_int_equal(bd_pb_next(&r, &f, &err), 0);
}

static void test_varints(void **state)
{
	(void)state;
	static const uint64_t values[] = {0, 1, 127, 128, 300, 16383, 16384, UINT32_MAX,
					  (uint64_t)UINT32_MAX + 1, UINT64_MAX};
	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
		struct pbenc e = {.len = 0};
		pbenc_uint(&e, 7, values[i]);
		struct bd_pb_field f = one_field(&e);
		assert_int_equal(f.num, 7);
		assert_int_equal(f.wire, BD_PB_VARINT);
		assert_true(f.u == values[i]);
	}
	/* Non-canonical (padded) varints are accepted, as protobuf does. */
	static const uint8_t padded[] = {0x08, 0x81, 0x80, 0x80, 0x00};
	struct bd_pb_reader r;
	struct bd_pb_field f;
	struct bd_error err = {0};
	bd_pb_reader_init(&r, padded, sizeof padded, "x");
	assert_int_equal(bd_pb_next(&r, &f, &err), 1);
	assert_int_equal(f.u, 1);
}

static void test_bad_varints(void **state)
{
	(void)state;
	static const uint8_t truncated[] = {0x08, 0x96};
	assert_non_null(strstr(first_fails(truncated, sizeof truncated),
			       "byte 1: truncated varint"));
	static const uint8_t truncated_key[] = {0x88};
	assert_non_null(strstr(first_fails(truncated_key, 1), "byte 0: truncated varint"));
	static const uint8_t too_big[] = {0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
					  0xFF, 0xFF, 0xFF, 0xFF, 0x02};
	assert_non_null(strstr(first_fails(too_big, sizeof too_big), "larger than 64 bits"));
	static const uint8_t too_long[] = {0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
					   0x80, 0x80, 0x80, 0x81, 0x00};
	assert_non_null(strstr(first_fails(too_long, sizeof too_long), "longer than 10 bytes"));
	/* A good field, then garbage: the offset points at the garbage. */
	static const uint8_t later[] = {0x08, 0x01, 0x10, 0x80};
	assert_non_null(strstr(first_fails(later, sizeof later), "byte 3"));
}

static void test_keys_and_wire_types(void **state)
{
	(void)state;
	static const uint8_t field0[] = {0x00, 0x01};
	assert_non_null(strstr(first_fails(field0, 2), "invalid field number"));
	struct pbenc e = {.len = 0};
	pbenc_varint(&e, ((uint64_t)BD_PB_MAX_FIELD + 1) << 3);
	pbenc_varint(&e, 1);
	assert_non_null(strstr(first_fails(e.buf, e.len), "invalid field number"));
	pbenc_reset(&e);
	pbenc_uint(&e, BD_PB_MAX_FIELD, 9);
	assert_int_equal(one_field(&e).num, BD_PB_MAX_FIELD);
	for (unsigned wire = 3; wire <= 7; wire++) {
		if (wire == 5)
			continue;
		uint8_t b[] = {(uint8_t)(1 << 3 | wire), 0, 0, 0, 0, 0, 0, 0, 0};
		assert_non_null(strstr(first_fails(b, sizeof b), "unsupported wire type"));
	}
}

static void test_fixed_and_len(void **state)
{
	(void)state;
	struct pbenc e = {.len = 0};
	pbenc_fixed32(&e, 6, 0xDEADBEEF);
	struct bd_pb_field f = one_field(&e);
	assert_int_equal(f.wire, BD_PB_FIXED32);
	assert_int_equal(f.u, 0xDEADBEEF);
	pbenc_reset(&e);
	pbenc_fixed64(&e, 2, 0x0123456789ABCDEFull);
	f = one_field(&e);
	assert_int_equal(f.wire, BD_PB_FIXED64);
	assert_true(f.u == 0x0123456789ABCDEFull);
	pbenc_reset(&e);
	pbenc_str(&e, 3, "hello");
	f = one_field(&e);
	assert_int_equal(f.wire, BD_PB_LEN);
	assert_int_equal(f.len, 5);
	assert_memory_equal(f.data, "hello", 5);
	/* Truncations. */
	static const uint8_t short32[] = {0x35, 1, 2, 3};
	assert_non_null(strstr(first_fails(short32, sizeof short32), "truncated fixed-size"));
	static const uint8_t short64[] = {0x09, 1, 2, 3, 4, 5, 6, 7};
	assert_non_null(strstr(first_fails(short64, sizeof short64), "truncated fixed-size"));
	static const uint8_t overlong[] = {0x1A, 0x06, 'h', 'e', 'l', 'l', 'o'};
	assert_non_null(strstr(first_fails(overlong, sizeof overlong), "past the end"));
	static const uint8_t huge[] = {0x1A, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
				       0xFF, 0x01};
	assert_non_null(strstr(first_fails(huge, sizeof huge), "past the end"));
	static const uint8_t no_len[] = {0x1A};
	assert_non_null(strstr(first_fails(no_len, 1), "truncated varint"));
}

static void test_unknown_fields_are_yielded(void **state)
{
	(void)state;
	struct pbenc e = {.len = 0};
	pbenc_uint(&e, 99, 1);
	pbenc_fixed64(&e, 100, 2);
	pbenc_str(&e, 101, "x");
	pbenc_fixed32(&e, 102, 3);
	pbenc_uint(&e, 1, 42);
	struct bd_pb_reader r;
	struct bd_pb_field f;
	struct bd_error err = {0};
	bd_pb_reader_init(&r, e.buf, e.len, "x");
	int n = 0, rc;
	uint64_t last = 0;
	while ((rc = bd_pb_next(&r, &f, &err)) > 0) {
		n++;
		last = f.u;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(n, 5);
	assert_int_equal(last, 42);
}

static void test_nesting_depth(void **state)
{
	(void)state;
	/* A chain of messages nested deeper than the limit. */
	static struct pbenc a, b;
	pbenc_reset(&a);
	pbenc_uint(&a, 1, 7);
	for (int i = 0; i < BD_PB_MAX_DEPTH + 3; i++) {
		pbenc_reset(&b);
		pbenc_msg(&b, 1, &a);
		a = b;
	}
	struct bd_pb_reader r[BD_PB_MAX_DEPTH + 4];
	struct bd_pb_field f;
	struct bd_error err = {0};
	bd_pb_reader_init(&r[0], a.buf, a.len, "outer");
	int level = 0;
	for (;;) {
		assert_int_equal(bd_pb_next(&r[level], &f, &err), 1);
		int rc = bd_pb_sub(&r[level], &f, &r[level + 1], "inner", &err);
		if (rc < 0) {
			assert_int_equal(rc, BD_E_PARSE);
			assert_non_null(strstr(err.msg, "nested too deeply"));
			break;
		}
		assert_int_equal(r[level + 1].depth, level + 1);
		level++;
	}
	assert_int_equal(level, BD_PB_MAX_DEPTH);
	/* Offsets stay absolute in nested readers. */
	struct pbenc inner = {.len = 0}, outer = {.len = 0};
	pbenc_raw(&inner, "\x08\x80", 2); /* truncated varint */
	pbenc_uint(&outer, 5, 1);
	pbenc_msg(&outer, 2, &inner);
	struct bd_pb_reader top, sub;
	bd_pb_reader_init(&top, outer.buf, outer.len, "outer");
	assert_int_equal(bd_pb_next(&top, &f, &err), 1);
	assert_int_equal(bd_pb_next(&top, &f, &err), 1);
	assert_int_equal(bd_pb_sub(&top, &f, &sub, "inner", &err), 0);
	assert_int_equal(bd_pb_next(&sub, &f, &err), BD_E_PARSE);
	assert_non_null(strstr(err.msg, "malformed inner from the device: byte 5"));
	/* bd_pb_sub on a scalar. */
	struct pbenc s = {.len = 0};
	pbenc_uint(&s, 1, 1);
	bd_pb_reader_init(&top, s.buf, s.len, "outer");
	assert_int_equal(bd_pb_next(&top, &f, &err), 1);
	assert_int_equal(bd_pb_sub(&top, &f, &sub, "inner", &err), BD_E_PARSE);
	assert_non_null(strstr(err.msg, "expected an embedded message"));
}

static void test_typed_views(void **state)
{
	(void)state;
	struct bd_pb_reader r;
	struct bd_error err = {0};
	struct pbenc e = {.len = 0};
	uint32_t u;
	int32_t i;
	bool b;
	const uint8_t *d;
	size_t n;
	char s[8];

	bd_pb_reader_init(&r, e.buf, 0, "TypedReply");
	pbenc_uint(&e, 1, UINT32_MAX);
	struct bd_pb_field f = one_field(&e);
	assert_int_equal(bd_pb_uint32(&r, &f, &u, &err), 0);
	assert_int_equal(u, UINT32_MAX);
	f.u = (uint64_t)UINT32_MAX + 1;
	assert_int_equal(bd_pb_uint32(&r, &f, &u, &err), BD_E_PARSE);
	assert_non_null(strstr(err.msg, "TypedReply"));
	assert_non_null(strstr(err.msg, "field 1"));
	pbenc_reset(&e);
	pbenc_int(&e, 1, -120);
	assert_int_equal(e.len, 11); /* sign-extended */
	f = one_field(&e);
	assert_int_equal(bd_pb_int32(&r, &f, &i, &err), 0);
	assert_int_equal(i, -120);
	assert_int_equal(bd_pb_uint32(&r, &f, &u, &err), BD_E_PARSE);
	f.u = 1ull << 40;
	assert_int_equal(bd_pb_int32(&r, &f, &i, &err), BD_E_PARSE);
	f.u = 2;
	assert_int_equal(bd_pb_bool(&r, &f, &b, &err), 0);
	assert_true(b);
	/* Wire type mismatches. */
	assert_int_equal(bd_pb_fixed32(&r, &f, &u, &err), BD_E_PARSE);
	assert_non_null(strstr(err.msg, "expected a fixed32"));
	assert_int_equal(bd_pb_bytes(&r, &f, &d, &n, &err), BD_E_PARSE);
	assert_int_equal(bd_pb_string(&r, &f, s, sizeof s, &err), BD_E_PARSE);
	pbenc_reset(&e);
	pbenc_str(&e, 2, "1234567");
	f = one_field(&e);
	assert_int_equal(bd_pb_uint32(&r, &f, &u, &err), BD_E_PARSE);
	assert_int_equal(bd_pb_int32(&r, &f, &i, &err), BD_E_PARSE);
	assert_int_equal(bd_pb_bool(&r, &f, &b, &err), BD_E_PARSE);
	assert_int_equal(bd_pb_string(&r, &f, s, sizeof s, &err), 0);
	assert_string_equal(s, "1234567");
	assert_int_equal(bd_pb_string(&r, &f, s, 7, &err), BD_E_PARSE);
	assert_non_null(strstr(err.msg, "longer than expected"));
	assert_int_equal(bd_pb_string(&r, &f, s, 0, &err), BD_E_PARSE);
	assert_int_equal(bd_pb_bytes(&r, &f, &d, &n, &err), 0);
	assert_int_equal(n, 7);
	pbenc_reset(&e);
	pbenc_bytes(&e, 2, "a\0b", 3);
	f = one_field(&e);
	assert_int_equal(bd_pb_string(&r, &f, s, sizeof s, &err), BD_E_PARSE);
	assert_non_null(strstr(err.msg, "control or non-ASCII"));
	pbenc_reset(&e);
	pbenc_str(&e, 2, "a\x1b[2Jb");
	f = one_field(&e);
	assert_int_equal(bd_pb_string(&r, &f, s, sizeof s, &err), BD_E_PARSE);
	/* Found by fuzz_ctrl: bytes >= 0x80 (C1 CSI 0x9b, UTF-8) and DEL. */
	static const char *const high[] = {"6\xda\xcd.0", "\xc2\x9b" "2J", "a\x7f"};
	for (size_t k = 0; k < 3; k++) {
		pbenc_reset(&e);
		pbenc_str(&e, 2, high[k]);
		f = one_field(&e);
		assert_int_equal(bd_pb_string(&r, &f, s, sizeof s, &err), BD_E_PARSE);
		assert_non_null(strstr(err.msg, "non-ASCII"));
	}
	pbenc_reset(&e);
	pbenc_fixed32(&e, 6, 0x10);
	f = one_field(&e);
	assert_int_equal(bd_pb_fixed32(&r, &f, &u, &err), 0);
	assert_int_equal(u, 0x10);
}

static void test_writer(void **state)
{
	(void)state;
	uint8_t buf[16];
	size_t pos = 0;
	assert_int_equal(bd_pb_put_uint(buf, sizeof buf, &pos, 1, 300), 0);
	assert_int_equal(pos, 3);
	assert_memory_equal(buf, "\x08\xac\x02", 3);
	assert_int_equal(bd_pb_put_bytes(buf, sizeof buf, &pos, 2, (const uint8_t *)"abc", 3), 0);
	assert_memory_equal(buf + 3, "\x12\x03" "abc", 5);
	assert_int_equal(pos, 8);
	/* Round trip through the reader. */
	struct bd_pb_reader r;
	struct bd_pb_field f;
	struct bd_error err = {0};
	bd_pb_reader_init(&r, buf, pos, "x");
	assert_int_equal(bd_pb_next(&r, &f, &err), 1);
	assert_int_equal(f.u, 300);
	assert_int_equal(bd_pb_next(&r, &f, &err), 1);
	assert_int_equal(f.len, 3);
	/* Overflow leaves pos alone. */
	assert_int_equal(bd_pb_put_bytes(buf, sizeof buf, &pos, 2, (const uint8_t *)"0123456789", 10),
			 BD_E_TOO_LARGE);
	assert_int_equal(pos, 8);
	assert_int_equal(bd_pb_put_uint(buf, 9, &pos, 1, UINT64_MAX), BD_E_TOO_LARGE);
	assert_int_equal(pos, 8);
	pos = 0;
	assert_int_equal(bd_pb_put_varint(buf, 10, &pos, UINT64_MAX), 0);
	assert_int_equal(pos, 10);
	assert_int_equal(bd_pb_put_varint(buf, 10, &pos, 0), BD_E_TOO_LARGE);
	pos = 0;
	assert_int_equal(bd_pb_put_bytes(buf, sizeof buf, &pos, 1, NULL, 0), 0);
	assert_int_equal(pos, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_varints),
		cmocka_unit_test(test_bad_varints),
		cmocka_unit_test(test_keys_and_wire_types),
		cmocka_unit_test(test_fixed_and_len),
		cmocka_unit_test(test_unknown_fields_are_yielded),
		cmocka_unit_test(test_nesting_depth),
		cmocka_unit_test(test_typed_views),
		cmocka_unit_test(test_writer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
