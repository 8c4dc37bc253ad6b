/* test_peer_dfuutil.c - Debian's dfu-util (0.11), the reference DFU peer,
 * against the virtual DFU devices through bd-vrun: listing, downloads
 * checked with --dump-flash, uploads, leave, read-only sectors, and how
 * dfu-util fails on each DFU fault.  Expected names come from
 * devices.json, never from this file. */
#define _GNU_SOURCE
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vdev_platforms.h"
#include "vtest.h"

#ifndef VDEV_RUN_EXE
#define VDEV_RUN_EXE "bd-vrun"
#endif
#ifndef PEER_SCENARIO_DIR
#define PEER_SCENARIO_DIR "tests/peers/scenarios"
#endif
#ifndef DFU_UTIL
#define DFU_UTIL "dfu-util"
#endif

/* EX_USAGE / EX_IOERR of sysexits.h, as dfu-util exits. */
#define EX_USAGE 64
#define EX_IOERR 74

static struct vdev_platforms plat;

static const struct vdev_platform *platform(const char *key)
{
	const struct vdev_platform *p = vdev_platforms_find(&plat, key);

	assert_non_null(p);
	return p;
}

struct ctx {
	char dir[64];   /* scratch directory */
	char file[128]; /* the image to flash */
	uint8_t *data;
	size_t len;
};

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	snprintf(c->dir, sizeof(c->dir), "/tmp/peer-dfu-XXXXXX");
	if (!mkdtemp(c->dir))
		return -1;
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", c->dir);
	if (system(cmd) != 0)
		return -1;
	g_free(c->data);
	free(c);
	return 0;
}

/* Writes an image of len pseudo-random bytes to c->file. */
static void make_image(struct ctx *c, size_t len, unsigned seed)
{
	GRand *r = g_rand_new_with_seed(seed);

	c->len = len;
	c->data = g_realloc(c->data, len);
	for (size_t i = 0; i < len; i++)
		c->data[i] = (uint8_t)g_rand_int(r);
	g_rand_free(r);
	snprintf(c->file, sizeof(c->file), "%s/image.bin", c->dir);
	assert_true(g_file_set_contents(c->file, (const char *)c->data, (gssize)len, NULL));
}

static char *path_in(struct ctx *c, const char *name)
{
	return g_strdup_printf("%s/%s", c->dir, name);
}

static char *scenario(const char *name)
{
	return g_strdup_printf("%s/%s.json", PEER_SCENARIO_DIR, name);
}

/* bd-vrun --scenario S [--dump-flash D] -- sh -c SCRIPT */
static void vrun(struct vtest_cmd *r, const char *scen, const char *dump, const char *script)
{
	const char *argv[12];
	int n = 0;

	argv[n++] = VDEV_RUN_EXE;
	argv[n++] = "--timeout";
	argv[n++] = "40";
	argv[n++] = "--scenario";
	argv[n++] = scen;
	if (dump) {
		argv[n++] = "--dump-flash";
		argv[n++] = dump;
	}
	argv[n++] = "--";
	argv[n++] = "sh";
	argv[n++] = "-c";
	argv[n++] = script;
	argv[n] = NULL;
	vtest_cmd_run(r, argv, 50000);
	if (getenv("PEER_VERBOSE"))
		fprintf(stderr, "--- %s\n%s\n--- stderr\n%s\n", script, r->out, r->err);
}

static bool has(const struct vtest_cmd *r, const char *text)
{
	return strstr(r->out, text) || strstr(r->err, text);
}

static void list_three_families(void **state)
{
	struct vtest_cmd r;
	char *scen = scenario("dfu-three");
	const struct { const char *key, *serial; } devs[] = {
		{ "photon", "00000000010C" },
		{ "boron", "e00fce68b2f4a1c3d5e6f708" },
		{ "p2", "0a10aced202194944a042d80" },
	};

	(void)state;
	vrun(&r, scen, NULL, DFU_UTIL " -l");
	assert_int_equal(r.status, 0);
	for (size_t i = 0; i < G_N_ELEMENTS(devs); i++) {
		const struct vdev_platform *p = platform(devs[i].key);

		for (size_t a = 0; a < p->ndfu_alt; a++) {
			char *line = g_strdup_printf("Found DFU: [%04x:%04x] ver=0200, devnum=",
						     p->dfu_vid, p->dfu_pid);
			char *tail = g_strdup_printf("alt=%zu, name=\"%s\", serial=\"%s\"", a,
						     p->dfu_alt[a], devs[i].serial);

			if (!has(&r, line) || !has(&r, tail))
				fail_msg("dfu-util -l lacks %s ... %s:\n%s", line, tail, r.out);
			g_free(line);
			g_free(tail);
		}
	}
	vtest_cmd_free(&r);
	g_free(scen);
}

/* dfu-util -D writes the file; --dump-flash and dfu-util -U both read it
 * back byte-identical, and the bytes after it are still erased. */
static void download_upload(struct ctx *c, const char *scen_name, uint32_t addr)
{
	struct vtest_cmd r;
	char *scen = scenario(scen_name), *dump = path_in(c, "dump.bin"), *up = path_in(c, "up.bin");
	char *dumpspec = g_strdup_printf("0:0x%x:%zu:%s", addr, c->len + 16, dump);
	char *script = g_strdup_printf(DFU_UTIL " -a 0 -s 0x%x -D %s && " DFU_UTIL
					       " -a 0 -s 0x%x:%zu -U %s",
				       addr, c->file, addr, c->len, up);
	gchar *text = NULL;
	gsize n = 0;

	vrun(&r, scen, dumpspec, script);
	if (r.status != 0)
		fail_msg("dfu-util failed (%d):\n%s\n%s", r.status, r.out, r.err);
	assert_true(has(&r, "File downloaded successfully"));
	assert_true(vtest_file_equals(up, c->data, c->len));
	assert_true(g_file_get_contents(dump, &text, &n, NULL));
	assert_int_equal(n, c->len + 16);
	assert_memory_equal(text, c->data, c->len);
	for (size_t i = c->len; i < n; i++)
		assert_int_equal((uint8_t)text[i], 0xff);
	g_free(text);
	vtest_cmd_free(&r);
	g_free(scen);
	g_free(dump);
	g_free(up);
	g_free(dumpspec);
	g_free(script);
}

static void download_upload_photon(void **state)
{
	struct ctx *c = *state;

	make_image(c, 3 * 4096 + 1000, 6);
	download_upload(c, "photon-dfu-fast", 0x080A0000);
}

static void download_upload_boron(void **state)
{
	struct ctx *c = *state;

	make_image(c, 5 * 4096 + 123, 13);
	download_upload(c, "boron-dfu-fast", 0xB4000);
}

static void download_upload_p2(void **state)
{
	struct ctx *c = *state;

	make_image(c, 2 * 4096 + 4095, 32);
	download_upload(c, "p2-dfu-fast", 0x085F4000);
}

/* What a scenario preloaded reads back through dfu-util -U. */
static void upload_preloaded(void **state)
{
	struct ctx *c = *state;
	struct vtest_cmd r;
	char *up = path_in(c, "up.bin");
	char *script = g_strdup_printf(DFU_UTIL " -a 0 -s 0x080A0000:4096 -U %s", up);
	uint8_t want[4096];

	memcpy(want, "BLINKDOC-PHOTON1", 16);
	memset(want + 16, 0xa5, sizeof(want) - 16);
	vrun(&r, "photon-dfu", NULL, script);
	assert_int_equal(r.status, 0);
	assert_true(vtest_file_equals(up, want, sizeof(want)));
	vtest_cmd_free(&r);
	g_free(up);
	g_free(script);
}

/* :leave - the device leaves DFU and comes back in normal mode. */
static void leave(struct ctx *c, const char *scen_name, uint32_t addr, const char *normal_pid,
		  bool manifest_state)
{
	struct vtest_cmd r;
	char *scen = scenario(scen_name), *script, *want;

	make_image(c, 1000, 1);
	script = g_strdup_printf(
		DFU_UTIL " -a 0 -s 0x%x:leave -D %s; rc=$?; "
		"for i in $(seq 100); do grep -q %s /sys/bus/usb/devices/1-1/idProduct 2>/dev/null "
		"&& break; sleep 0.05; done; echo \"rc=$rc pid=$(cat /sys/bus/usb/devices/1-1/idProduct)\"",
		addr, c->file, normal_pid);
	want = g_strdup_printf("rc=0 pid=%s", normal_pid);
	vrun(&r, scen, NULL, script);
	assert_int_equal(r.status, 0);
	assert_true(has(&r, "Submitting leave request"));
	assert_int_equal(has(&r, "Transitioning to dfuMANIFEST state"), manifest_state);
	if (!has(&r, want))
		fail_msg("want \"%s\":\n%s\n%s", want, r.out, r.err);
	vtest_cmd_free(&r);
	g_free(scen);
	g_free(script);
	g_free(want);
}

static void leave_photon(void **state)
{
	/* STM32: reports dfuDNLOAD_IDLE, so no "Transitioning" line. */
	leave(*state, "photon-dfu-fast", 0x080A0000, "c006", false);
}

static void leave_boron(void **state)
{
	leave(*state, "boron-dfu-fast", 0xB4000, "c00d", true);
}

/* Read-only sectors: dfu-util refuses them from the alt string; with
 * :force it tries, and the device answers errWRITE. */
static void read_only_sectors(void **state)
{
	struct ctx *c = *state;
	struct vtest_cmd r;
	char *dump = path_in(c, "dump.bin"), *spec = g_strdup_printf("0:0x8000000:16:%s", dump);
	char *script;
	uint8_t ff[16];

	make_image(c, 256, 2);
	script = g_strdup_printf(DFU_UTIL " -a 0 -s 0x08000000 -D %s", c->file);
	vrun(&r, "photon-dfu", spec, script);
	assert_int_equal(r.status, EX_USAGE);
	assert_true(has(&r, "Last page at 0x080000ff is not writeable"));
	memset(ff, 0xff, sizeof(ff));
	assert_true(vtest_file_equals(dump, ff, sizeof(ff)));
	vtest_cmd_free(&r);
	g_free(script);
	script = g_strdup_printf(DFU_UTIL " -a 0 -s 0x08000000:force -D %s", c->file);
	vrun(&r, "photon-dfu", spec, script);
	assert_int_equal(r.status, EX_IOERR);
	assert_true(has(&r, "DFU state(10) = dfuERROR, status(3) = Device is unable to write memory"));
	assert_true(vtest_file_equals(dump, ff, sizeof(ff)));
	vtest_cmd_free(&r);
	g_free(script);
	/* Boron's MBR page the same way; erasing it is refused by dfu-util. */
	script = g_strdup_printf(DFU_UTIL " -a 0 -s 0x0:force -D %s", c->file);
	vrun(&r, "boron-dfu", NULL, script);
	assert_int_equal(r.status, EX_IOERR);
	assert_true(has(&r, "status(3) = Device is unable to write memory"));
	vtest_cmd_free(&r);
	g_free(script);
	g_free(dump);
	g_free(spec);
}

/* Each DFU fault makes dfu-util fail the way it would on hardware. */
static void faults(void **state)
{
	struct ctx *c = *state;
	struct vtest_cmd r;
	char *script;
	const struct {
		const char *scen;
		uint32_t addr;
		const char *text;
	} cases[] = {
		{ "fault-dfu-stall", 0xB4000, "dfuse_download: libusb_control_transfer returned -9 "
					      "(LIBUSB_ERROR_PIPE)" },
		{ "fault-dfu-errwrite", 0x080A0000, "status(3) = Device is unable to write memory" },
		{ "fault-dfu-errerase", 0xB4000, "ERASE_PAGE not correctly executed" },
		{ "fault-dfu-unplug", 0xB4000, "LIBUSB_ERROR_NO_DEVICE" },
	};

	make_image(c, 4 * 4096, 3);
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		script = g_strdup_printf(DFU_UTIL " -a 0 -s 0x%x -D %s", cases[i].addr, c->file);
		vrun(&r, cases[i].scen, NULL, script);
		if (r.status != EX_IOERR || !has(&r, cases[i].text))
			fail_msg("%s: want exit %d and \"%s\", got %d:\n%s\n%s", cases[i].scen,
				 EX_IOERR, cases[i].text, r.status, r.out, r.err);
		assert_false(has(&r, "File downloaded successfully"));
		vtest_cmd_free(&r);
		g_free(script);
	}
}

/* A long bwPollTimeout: dfu-util waits it out after every dfuDNBUSY. */
static void fault_slow_poll(void **state)
{
	struct ctx *c = *state;
	struct vtest_cmd r;
	char *scen = scenario("dfu-slow-poll-short"), *script;

	make_image(c, 100, 4);
	script = g_strdup_printf(DFU_UTIL " -a 0 -s 0xB4000 -D %s", c->file);
	vrun(&r, scen, NULL, script);
	assert_int_equal(r.status, 0);
	/* erase, set address, write: three dfuDNBUSY of 300 ms each. */
	assert_true(r.ms >= 900);
	vtest_cmd_free(&r);
	g_free(script);
	g_free(scen);
}

/* The device leaves after :leave and never comes back. */
static void fault_never_returns(void **state)
{
	struct ctx *c = *state;
	struct vtest_cmd r;
	char *script;

	make_image(c, 100, 5);
	script = g_strdup_printf(DFU_UTIL " -a 0 -s 0xB4000:leave -D %s; echo rc=$?; sleep 0.8; "
					  "ls /sys/bus/usb/devices/ | grep -c '^1-1$'",
				 c->file);
	vrun(&r, "fault-dfu-never-returns", NULL, script);
	assert_true(has(&r, "rc=0\n0\n"));
	vtest_cmd_free(&r);
	g_free(script);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(list_three_families),
		cmocka_unit_test_setup_teardown(download_upload_photon, setup, teardown),
		cmocka_unit_test_setup_teardown(download_upload_boron, setup, teardown),
		cmocka_unit_test_setup_teardown(download_upload_p2, setup, teardown),
		cmocka_unit_test_setup_teardown(upload_preloaded, setup, teardown),
		cmocka_unit_test_setup_teardown(leave_photon, setup, teardown),
		cmocka_unit_test_setup_teardown(leave_boron, setup, teardown),
		cmocka_unit_test_setup_teardown(read_only_sectors, setup, teardown),
		cmocka_unit_test_setup_teardown(faults, setup, teardown),
		cmocka_unit_test_setup_teardown(fault_slow_poll, setup, teardown),
		cmocka_unit_test_setup_teardown(fault_never_returns, setup, teardown),
	};
	char err[256];

	if (vdev_platforms_load(vdev_default_devices_json(), &plat, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	(void)argc;
	return vtest_run(argv, "peer_dfuutil", tests, sizeof(tests) / sizeof(tests[0]), false);
}
