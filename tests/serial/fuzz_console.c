/* fuzz_console.c - libFuzzer entry point for the console parsers.
 *
 * Built as one fuzzer per parser when BLINKDOC_FUZZ is ON (clang, with
 * BD_FUZZ_TARGET = 1..6 choosing the parser), and with BD_FUZZ_TARGET = 0
 * (every parser on every input) into the plain-C replay driver that CTest
 * runs over tests/serial/corpus.  Besides crashes and sanitizer reports it
 * checks the parsers' contract: on failure the result is zeroed, on success
 * strings are terminated and the device ID is 24 lowercase hex digits. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "console_parse.h"

#ifndef BD_FUZZ_TARGET
#define BD_FUZZ_TARGET 0
#endif
/* Whether this build fuzzes parser n (1..6). */
#define BD_FUZZ_WANT(n) (BD_FUZZ_TARGET == 0 || BD_FUZZ_TARGET == (n))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void bd_fuzz_require(bool ok)
{
	if (!ok)
		abort();
}

__attribute__((unused)) static bool bd_fuzz_terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

__attribute__((unused)) static bool bd_fuzz_all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

#if BD_FUZZ_WANT(1)
static void bd_fuzz_identify(const char *buf, size_t len)
{
	struct bd_identity id;
	struct bd_error err = {0};
	int rc = bd_console_parse_identify(buf, len, &id, &err);
	bd_fuzz_require(id.platform_id == -1);
	if (rc < 0) {
		bd_fuzz_require(id.device_id[0] == '\0' && id.imei[0] == '\0' &&
				id.serial_number[0] == '\0');
		bd_fuzz_require(err.code == rc && err.msg[0]);
		return;
	}
	bd_fuzz_require(strlen(id.device_id) == BD_DEVICE_ID_LEN);
	for (size_t i = 0; i < BD_DEVICE_ID_LEN; i++)
		bd_fuzz_require(strchr("0123456789abcdef", id.device_id[i]) != NULL);
	bd_fuzz_require(bd_fuzz_terminated(id.imei, sizeof id.imei) &&
			bd_fuzz_terminated(id.iccid, sizeof id.iccid) &&
			bd_fuzz_terminated(id.serial_number, sizeof id.serial_number) &&
			bd_fuzz_terminated(id.radio_version, sizeof id.radio_version));
}
#endif

#if BD_FUZZ_WANT(2)
static void bd_fuzz_mac(const char *buf, size_t len)
{
	struct bd_mac mac;
	int rc = bd_console_parse_mac(buf, len, &mac, NULL);
	if (rc < 0)
		bd_fuzz_require(bd_fuzz_all_zero(&mac, sizeof mac));
	else
		bd_fuzz_require(strlen(mac.mac) == 17);
}
#endif

#if BD_FUZZ_WANT(3)
static void bd_fuzz_version(const char *buf, size_t len)
{
	struct bd_console_version v;
	int rc = bd_console_parse_version(buf, len, &v, NULL);
	if (rc < 0)
		bd_fuzz_require(bd_fuzz_all_zero(&v, sizeof v));
	else
		bd_fuzz_require(v.version[0] >= '0' && v.version[0] <= '9' &&
				bd_fuzz_terminated(v.version, sizeof v.version));
}
#endif

#if BD_FUZZ_WANT(4)
static void bd_fuzz_claimed(const char *buf, size_t len)
{
	bool claimed = true;
	int rc = bd_console_parse_claimed(buf, len, &claimed, NULL);
	if (rc < 0)
		bd_fuzz_require(!claimed);
}
#endif

#if BD_FUZZ_WANT(5)
static void bd_fuzz_modules(const char *buf, size_t len)
{
	static struct bd_module_table t;
	int rc = bd_console_parse_modules(buf, len, &t, NULL);
	if (rc < 0) {
		bd_fuzz_require(t.n == 0 && t.platform_id == -1 && !t.truncated);
		return;
	}
	bd_fuzz_require(t.n <= BD_MODULES_MAX);
	for (size_t i = 0; i < t.n; i++) {
		bd_fuzz_require(t.m[i].ndeps >= 0 && t.m[i].ndeps <= BD_MODULE_DEPS_MAX);
		bd_fuzz_require(t.m[i].version >= 0 && t.m[i].version <= 65535);
		bd_fuzz_require(t.m[i].index >= 0 && t.m[i].index <= 255);
		bd_fuzz_require(bd_fuzz_terminated(t.m[i].hash, sizeof t.m[i].hash));
	}
}
#endif

#if BD_FUZZ_WANT(6)
static void bd_fuzz_diagnostics(const char *buf, size_t len)
{
	static struct bd_console_diags d;
	int rc = bd_console_parse_diagnostics(buf, len, &d, NULL);
	if (rc < 0) {
		bd_fuzz_require(d.n == 0);
		return;
	}
	bd_fuzz_require(d.n <= BD_CONSOLE_DIAG_MAX);
	for (size_t i = 0; i < d.n; i++)
		bd_fuzz_require(d.v[i].name[0] && bd_fuzz_terminated(d.v[i].name, sizeof d.v[i].name));
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
#if BD_FUZZ_WANT(1)
	bd_fuzz_identify(buf, size);
#endif
#if BD_FUZZ_WANT(2)
	bd_fuzz_mac(buf, size);
#endif
#if BD_FUZZ_WANT(3)
	bd_fuzz_version(buf, size);
#endif
#if BD_FUZZ_WANT(4)
	bd_fuzz_claimed(buf, size);
#endif
#if BD_FUZZ_WANT(5)
	bd_fuzz_modules(buf, size);
#endif
#if BD_FUZZ_WANT(6)
	bd_fuzz_diagnostics(buf, size);
#endif
	return 0;
}
