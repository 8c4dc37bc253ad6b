/* fuzz_module.c - libFuzzer target: module binaries through
 * bd_modfile_parse(), bd_modfile_check() and bd_modfile_payload(), against
 * the real platforms of knowledge/devices.json.  Invariants that must hold
 * for any input abort (the fuzzer reports a crash). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "devices_fixture.h"
#include "module/crc32.h"
#include "module/module_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void bd_fuzz_require(int ok)
{
	if (!ok)
		abort();
}

static void bd_fuzz_error_ok(int rc, const struct bd_error *err)
{
	bd_fuzz_require(rc < 0 && err->code == rc);
	bd_fuzz_require(memchr(err->msg, '\0', sizeof err->msg) != NULL && err->msg[0] != '\0');
	bd_fuzz_require(memchr(err->hint, '\0', sizeof err->hint) != NULL);
}

/* A module table made from the input's first bytes, so that the
 * dependency and slot checks see varied devices. */
static void bd_fuzz_table(const uint8_t *data, size_t size, struct bd_module_table *t)
{
	memset(t, 0, sizeof *t);
	t->platform_id = -1;
	for (size_t i = 0; i + 8 <= size && t->n < 6; i += 8, t->n++) {
		struct bd_module *m = &t->m[t->n];
		m->func = data[i] % 11;
		m->index = data[i + 1] % 4;
		m->version = data[i + 2] | data[i + 3] << 8;
		m->store = data[i + 4] % 4;
		m->max_size = (uint32_t)(data[i + 5] | data[i + 6] << 8) << (data[i + 7] % 8);
	}
}

static struct devices_fixture devs;

/* Parses and checks one input; returns 1 when it parsed with a bad CRC
 * (so the caller may retry with the CRC repaired). */
static int bd_fuzz_one(const uint8_t *data, size_t size, struct bd_modfile *out)
{
	struct bd_modfile mf;
	struct bd_error err = {0};
	int rc = bd_modfile_parse(data, size, NULL, &mf, &err);
	if (rc < 0)
		bd_fuzz_error_ok(rc, &err);
	rc = bd_modfile_parse(data, size, &devs.platforms, &mf, &err);
	if (rc < 0) {
		bd_fuzz_error_ok(rc, &err);
		return 0;
	}
	*out = mf;
	bd_fuzz_require(mf.file_len == size);
	bd_fuzz_require(mf.prefix_offset + mf.prefix_size <= size);
	bd_fuzz_require(mf.end_addr > mf.start_addr);
	bd_fuzz_require(mf.ndeps >= 0 && mf.ndeps <= BD_MODULE_DEPS_MAX);
	if (!mf.truncated) {
		bd_fuzz_require(mf.crc_offset + 4 + mf.trailing == size);
		bd_fuzz_require(strlen(mf.sha256_hex) == 0 || strlen(mf.sha256_hex) == 64);
		const uint8_t *p;
		size_t n;
		uint32_t addr;
		if (bd_modfile_payload(data, size, &mf, &p, &n, &addr) == 0)
			bd_fuzz_require(p >= data && p + n == data + size && addr == mf.start_addr);
	}

	struct bd_module_table table;
	bd_fuzz_table(data, size, &table);
	int devices[] = {mf.platform_id, devs.platforms.n ? devs.platforms.v[size % devs.platforms.n].id : 0};
	for (size_t i = 0; i < 2; i++) {
		struct bd_modfile_report r;
		bd_error_clear(&err);
		rc = bd_modfile_check(&mf, &devs.platforms, devices[i], i ? &table : NULL, &r, &err);
		if (rc < 0)
			bd_fuzz_error_ok(rc, &err);
		bd_fuzz_require(r.nwarn <= BD_MODFILE_WARN_MAX);
		for (size_t w = 0; w < r.nwarn; w++)
			bd_fuzz_require(memchr(r.warn[w], '\0', BD_MODFILE_WARN_LEN) != NULL);
	}
	return !mf.truncated && !mf.crc_ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int loaded;
	if (!loaded) {
		bd_fuzz_require(devices_fixture_load(&devs) == 0);
		loaded = 1;
	}
	struct bd_modfile mf;
	if (!bd_fuzz_one(data, size, &mf))
		return 0;
	/* Mutations nearly always break the CRC, which stops the check at its
	 * first step; repair it in a copy so the later checks get fuzzed too. */
	uint8_t *copy = malloc(size);
	bd_fuzz_require(copy != NULL);
	memcpy(copy, data, size);
	uint32_t crc = bd_crc32(0, copy, mf.crc_offset);
	for (int i = 0; i < 4; i++)
		copy[mf.crc_offset + (size_t)i] = (uint8_t)(crc >> (24 - 8 * i));
	struct bd_modfile fixed;
	bd_fuzz_one(copy, size, &fixed);
	free(copy);
	return 0;
}
