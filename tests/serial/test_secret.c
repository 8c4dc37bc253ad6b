/* The device secret that `i` prints must never be stored, copied or echoed:
 * feed every parser replies that carry it (well-formed, malformed, cut
 * short) and look for any 6-byte piece of it in every output struct and
 * every error message and hint. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "console_parse.h"

#define SECRET "Q7XK2MZP9RWT4VHNB8CJ"

/* True when any 6-byte window of SECRET occurs in mem[0..n). */
static bool leaks(const void *mem, size_t n)
{
	const size_t w = 6, sl = strlen(SECRET);
	for (size_t i = 0; i + w <= sl; i++)
		if (memmem(mem, n, SECRET + i, w))
			return true;
	return false;
}

static const char *const replies[] = {
	/* well-formed Gen 3 long form */
	"Device ID: e00fce68b1c2d3e4f5a6b7c8\r\nDevice Secret: " SECRET
	"\r\nSerial Number: P046AK12345678\r\n",
	/* secret before the ID, LF only */
	"Device Secret: " SECRET "\nDevice ID: e00fce68b1c2d3e4f5a6b7c8\n",
	/* the ID is broken: the error must not quote the reply */
	"Device ID: e00fce68b1c2d3e4f5a6b7c\r\nDevice Secret: " SECRET "\r\n",
	/* no ID at all */
	"Device Secret: " SECRET "\r\nSerial Number: P046AK12345678\r\n",
	/* odd spacing around the colon */
	"Device ID: e00fce68b1c2d3e4f5a6b7c8\r\nDevice Secret :   " SECRET "  \r\n",
	"Device ID: e00fce68b1c2d3e4f5a6b7c8\r\nDevice Secret:" SECRET "\r\n",
	/* a broken IMEI after the secret */
	"Device ID: e00fce68b1c2d3e4f5a6b7c8\r\nDevice Secret: " SECRET "\r\nIMEI: 35 27\r\n",
	/* secret glued to a known key by a lost line end */
	"Device ID: e00fce68b1c2d3e4f5a6b7c8\r\nSerial Number: P046Device Secret: " SECRET "\r\n",
};

static void check_error(const struct bd_error *err, const char *what, size_t i, size_t cut)
{
	if (leaks(err->msg, strlen(err->msg)) || leaks(err->hint, strlen(err->hint)))
		fail_msg("%s: reply %zu cut at %zu leaks the secret into the error: %s / %s", what,
			 i, cut, err->msg, err->hint);
}

static void run_all_parsers(const char *buf, size_t len, size_t i, size_t cut)
{
	struct bd_error err;
	struct bd_identity id;
	memset(&err, 0, sizeof err);
	bd_console_parse_identify(buf, len, &id, &err);
	if (leaks(&id, sizeof id))
		fail_msg("identify: reply %zu cut at %zu leaks the secret into the identity", i,
			 cut);
	/* The cut text fields are the obvious place a secret could sneak in. */
	if (strstr(id.serial_number, "Device Secret") || strstr(id.radio_version, "Secret"))
		fail_msg("identify: reply %zu: a secret line ended up in a text field", i);
	check_error(&err, "identify", i, cut);

	struct bd_mac mac;
	memset(&err, 0, sizeof err);
	bd_console_parse_mac(buf, len, &mac, &err);
	assert_false(leaks(&mac, sizeof mac));
	check_error(&err, "mac", i, cut);

	struct bd_console_version v;
	memset(&err, 0, sizeof err);
	bd_console_parse_version(buf, len, &v, &err);
	assert_false(leaks(&v, sizeof v));
	check_error(&err, "version", i, cut);

	bool claimed;
	memset(&err, 0, sizeof err);
	bd_console_parse_claimed(buf, len, &claimed, &err);
	check_error(&err, "claimed", i, cut);

	struct bd_module_table *t = malloc(sizeof *t);
	assert_non_null(t);
	memset(&err, 0, sizeof err);
	bd_console_parse_modules(buf, len, t, &err);
	assert_false(leaks(t, sizeof *t));
	check_error(&err, "modules", i, cut);
	free(t);

	struct bd_console_diags *d = malloc(sizeof *d);
	assert_non_null(d);
	memset(&err, 0, sizeof err);
	bd_console_parse_diagnostics(buf, len, d, &err);
	assert_false(leaks(d, sizeof *d));
	check_error(&err, "diagnostics", i, cut);
	free(d);
}

static void secret_never_leaks(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof replies / sizeof replies[0]; i++) {
		size_t len = strlen(replies[i]);
		/* the whole reply and every prefix of it (a reply cut short) */
		for (size_t cut = 0; cut <= len; cut++) {
			char *copy = malloc(cut ? cut : 1);
			memcpy(copy, replies[i], cut);
			run_all_parsers(copy, cut, i, cut);
			free(copy);
		}
	}
}

static void secret_reply_still_identifies(void **state)
{
	(void)state;
	struct bd_identity id;
	assert_int_equal(bd_console_parse_identify(replies[0], strlen(replies[0]), &id, NULL), 0);
	assert_string_equal(id.device_id, "e00fce68b1c2d3e4f5a6b7c8");
	assert_string_equal(id.serial_number, "P046AK12345678");
	assert_int_equal(bd_console_parse_identify(replies[1], strlen(replies[1]), &id, NULL), 0);
	assert_string_equal(id.device_id, "e00fce68b1c2d3e4f5a6b7c8");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(secret_never_leaks),
		cmocka_unit_test(secret_reply_still_identifies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
