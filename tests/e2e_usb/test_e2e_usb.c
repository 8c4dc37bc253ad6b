/* test_e2e_usb.c - blinkdoc over USB end to end: real libusb in the real
 * binary against the virtual devices' control-request and DfuSe models.
 * Run one case: `e2e_usb CASE` (CTest does, one test per case); `--list`. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "e2e_usb.h"
#include "modbuild.h"

/* ---- discovery ------------------------------------------------------------ */

static const char *const families[] = {"photon", "electron", "boron", "argon", "p2", "core"};

static void test_discovery_every_family(void **s)
{
	(void)s;
	bed_new();
	for (size_t i = 0; i < sizeof families / sizeof families[0]; i++) {
		bed_add(families[i], VDEV_MODE_NORMAL, NULL);
		bed_add(families[i], VDEV_MODE_DFU, NULL);
	}
	struct urun r;
	UBD(&r, "devices");
	EXPECT_STATUS(&r, 0);
	for (size_t i = 0; i < sizeof families / sizeof families[0]; i++) {
		char n[64], d[64];
		int normal = 0, dfu = 0;
		/* The Core has no control requests: its mode is not reported. */
		snprintf(n, sizeof n, "%-10s %-10s", families[i],
			 strcmp(families[i], "core") ? "normal" : "unknown");
		snprintf(d, sizeof d, "%-10s %-10s", families[i], "dfu");
		for (const char *p = r.out; (p = strstr(p, n)); p++)
			normal++;
		for (const char *p = r.out; (p = strstr(p, d)); p++)
			dfu++;
		if (normal != 1 || dfu != 1)
			fail_msg("%s: %d normal and %d dfu rows in\n%s", families[i], normal, dfu,
				 r.out);
	}
	/* One row per device: 12 devices, header included 13 lines. */
	int lines = 0;
	for (const char *p = r.out; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 13);
	bed_free();
}

static void test_merged_row_and_ids(void **s)
{
	(void)s;
	bed_new();
	struct vdev_device *b = bed_add("boron", VDEV_MODE_NORMAL, NULL);
	struct urun r;
	UBD(&r, "devices", "--json");
	EXPECT_STATUS(&r, 0);
	EXPECT_OUT(&r, vdev_device_id(b));
	EXPECT_OUT(&r, "\"port\":\t\"/dev/ttyACM0\"");
	EXPECT_OUT(&r, "\"usb_id\":\t\"2b04:c00d\"");
	unsigned bus, dev;
	vdev_device_usb_address(b, &bus, &dev);
	char usb[32];
	snprintf(usb, sizeof usb, "\"usb\":\t\"%03u:%03u\"", bus, dev);
	EXPECT_OUT(&r, usb);
	assert_null(strstr(strstr(r.out, "}") + 1, "platform")); /* exactly one row */
	bed_free();
}

static void test_listening_seen_over_usb(void **s)
{
	(void)s;
	bed_new();
	bed_add("argon", VDEV_MODE_LISTENING, NULL);
	struct urun r;
	UBD(&r, "devices");
	EXPECT_STATUS(&r, 0);
	EXPECT_OUT(&r, "argon      listening");
	bed_free();
}

/* ---- identify / inspect / mac over USB without listening mode ------------- */

static void test_identify_usb_same_json_as_console(void **s)
{
	(void)s;
	bed_new();
	struct vdev_device *n = bed_add("boron", VDEV_MODE_NORMAL, NULL);
	struct urun u, c;
	UBD(&u, "identify", "--json");
	EXPECT_STATUS(&u, 0);
	EXPECT_OUT(&u, "\"route\":\t\"usb\"");
	EXPECT_OUT(&u, vdev_device_id(n));
	EXPECT_OUT(&u, "\"system_version\":\t\"5.9.0\"");
	bed_free();
	/* The same device in listening mode with control requests off: the
	 * console answers; the JSON differs only in the route. */
	bed_new();
	struct vdev_device_opts o;
	vdev_device_opts_init(&o, "boron");
	o.faults.ctrl_stall = true;
	bed_add("boron", VDEV_MODE_LISTENING, &o);
	UBD(&c, "identify", "--json");
	EXPECT_STATUS(&c, 0);
	EXPECT_OUT(&c, "\"route\":\t\"serial\"");
	char *a = strstr(u.out, "\"route\""), *b = strstr(c.out, "\"route\"");
	*a = *b = '\0';
	assert_string_equal(u.out, c.out);
	bed_free();
}

static void test_inspect_usb_same_json_as_console(void **s)
{
	(void)s;
	bed_new();
	bed_add("photon", VDEV_MODE_NORMAL, NULL);
	struct urun u, c;
	UBD(&u, "inspect", "--json");
	EXPECT_STATUS(&u, 0);
	EXPECT_OUT(&u, "\"healthy\":\ttrue");
	bed_free();
	bed_new();
	struct vdev_device_opts o;
	vdev_device_opts_init(&o, "photon");
	o.faults.ctrl_stall = true;
	bed_add("photon", VDEV_MODE_LISTENING, &o);
	UBD(&c, "inspect", "--json");
	EXPECT_STATUS(&c, 0);
	/* Same keys and checks; USB also knows sizes the console does not. */
	const char *keys[] = {"\"platform\":\t\"photon\"", "\"function\":\t\"user part\"",
			      "\"function\":\t\"system part\"", "\"integrity\":\t\"pass\"",
			      "\"findings\":"};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		EXPECT_OUT(&u, keys[i]);
		EXPECT_OUT(&c, keys[i]);
	}
	bed_free();
}

/* The safe-mode example through both routes of one device: the
 * module table read with GET_MODULE_INFO and the one from the console's `s`
 * lead to the same finding, word for word. */
static void test_inspect_safe_mode_table_both_routes(void **s)
{
	(void)s;
	bed_new();
	struct vdev_device_opts o;
	vdev_device_opts_init(&o, "photon");
	o.modules_json = "{\"p\":6,\"m\":["
			 "{\"s\":16384,\"l\":\"m\",\"vc\":30,\"vv\":30,\"f\":\"b\",\"n\":\"0\",\"v\":4,\"d\":[]},"
			 "{\"s\":262144,\"l\":\"m\",\"vc\":30,\"vv\":30,\"f\":\"s\",\"n\":\"1\",\"v\":6,\"d\":[]},"
			 "{\"s\":262144,\"l\":\"m\",\"vc\":30,\"vv\":26,\"f\":\"s\",\"n\":\"2\",\"v\":7,"
			 "\"d\":[{\"f\":\"s\",\"n\":\"1\",\"v\":7}]}]}";
	bed_add("photon", VDEV_MODE_LISTENING, &o);
	struct urun u, c;
	UBD(&u, "inspect", "--route", "usb", "--json");
	UBD(&c, "inspect", "--route", "serial", "--json");
	EXPECT_STATUS(&u, 1);
	EXPECT_STATUS(&c, 1);
	const char *want[] = {"\"id\":\t\"dependency-failed\"",
			      "System part 2 (version 7) needs system part 1 version 7, but "
			      "version 6 is installed.",
			      "\"dependencies\":\t\"fail\""};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		EXPECT_OUT(&u, want[i]);
		EXPECT_OUT(&c, want[i]);
	}
	bed_free();
}

static void test_mac_usb(void **s)
{
	(void)s;
	bed_new();
	struct vdev_device_opts o;
	vdev_device_opts_init(&o, "p2");
	o.mac = "6c:0b:84:aa:bb:cc";
	bed_add("p2", VDEV_MODE_NORMAL, &o);
	struct urun r;
	UBD(&r, "mac", "--json", "-v");
	EXPECT_STATUS(&r, 0);
	EXPECT_OUT(&r, "\"mac\":\t\"6c:0b:84:aa:bb:cc\"");
	EXPECT_OUT(&r, "\"interface\":\t\"wifi\"");
	bed_free();
	/* A cellular device has no MAC address: nothing to do, not an error. */
	bed_new();
	bed_add("boron", VDEV_MODE_NORMAL, NULL);
	UBD(&r, "mac", "--json", "--route", "usb");
	EXPECT_STATUS(&r, 0);
	EXPECT_OUT(&r, "\"mac\":\tnull");
	EXPECT_OUT(&r, "\"interface\":\tnull");
	EXPECT_OUT(&r, "no Wi-Fi or Ethernet interface");
	bed_free();
}

/* ---- mode changes ---------------------------------------------------------- */

static void test_dfu_then_reset_by_control_request(void **s)
{
	(void)s;
	bed_new();
	struct vdev_device *d = bed_add("boron", VDEV_MODE_NORMAL, NULL);
	struct urun r;
	UBD(&r, "dfu");
	EXPECT_STATUS(&r, 0);
	EXPECT_ERR(&r, "rung 1 (usb): request accepted");
	EXPECT_ERR(&r, "DFU_MODE (50)");
	assert_int_equal(vdev_device_mode(d), VDEV_MODE_DFU);
	UBD(&r, "reset");
	EXPECT_STATUS(&r, 0);
	EXPECT_ERR(&r, "leaving DFU mode");
	assert_int_equal(vdev_device_mode(d), VDEV_MODE_NORMAL);
	bed_free();
}

static void test_photon_dfu_followed_without_id(void **s)
{
	(void)s; /* Gen 2 DFU serial is not the device ID: followed by USB port */
	bed_new();
	struct vdev_device *d = bed_add("photon", VDEV_MODE_NORMAL, NULL);
	struct urun r;
	UBD(&r, "dfu", "--device", vdev_device_id(d));
	EXPECT_STATUS(&r, 0);
	EXPECT_ERR(&r, "device is back in dfu mode");
	assert_int_equal(vdev_device_mode(d), VDEV_MODE_DFU);
	UBD(&r, "reset");
	EXPECT_STATUS(&r, 0);
	EXPECT_ERR(&r, "device is back (normal mode)");
	assert_int_equal(vdev_device_mode(d), VDEV_MODE_NORMAL);
	bed_free();
}

static void test_safe_mode_from_dfu(void **s)
{
	(void)s; /* Gen 3 bootloaders take DfuSe command 0xFA */
	bed_new();
	struct vdev_device *d = bed_add("argon", VDEV_MODE_DFU, NULL);
	struct urun r;
	UBD(&r, "safe-mode");
	EXPECT_STATUS(&r, 0);
	EXPECT_ERR(&r, "0xFA");
	assert_true(vdev_device_safe_mode(d));
	bed_free();
}

static void test_listen_and_safe_mode(void **s)
{
	(void)s;
	bed_new();
	struct vdev_device *d = bed_add("p2", VDEV_MODE_NORMAL, NULL);
	struct urun r;
	UBD(&r, "listen");
	EXPECT_STATUS(&r, 0);
	EXPECT_ERR(&r, "START_LISTENING (70)");
	assert_int_equal(vdev_device_mode(d), VDEV_MODE_LISTENING);
	UBD(&r, "safe-mode");
	EXPECT_STATUS(&r, 0);
	EXPECT_ERR(&r, "SAFE_MODE (60)");
	assert_true(vdev_device_safe_mode(d));
	bed_free();
}

static void test_core_falls_back_to_magic_baud(void **s)
{
	(void)s;
	bed_new();
	struct vdev_device *d = bed_add("core", VDEV_MODE_NORMAL, NULL);
	struct urun r;
	UBD(&r, "dfu");
	EXPECT_STATUS(&r, 0);
	EXPECT_ERR(&r, "14400");
	assert_int_equal(vdev_device_mode(d), VDEV_MODE_DFU);
	bed_free();
}

static void test_no_control_requests_falls_back(void **s)
{
	(void)s;
	bed_new();
	struct vdev_device_opts o;
	vdev_device_opts_init(&o, "argon");
	o.faults.ctrl_stall = true;
	struct vdev_device *d = bed_add("argon", VDEV_MODE_NORMAL, &o);
	struct urun r;
	UBD(&r, "dfu");
	EXPECT_STATUS(&r, 0);
	EXPECT_ERR(&r, "rung 1 (usb)");
	EXPECT_ERR(&r, "rung 2 (serial): request accepted");
	assert_int_equal(vdev_device_mode(d), VDEV_MODE_DFU);
	bed_free();
}

static void test_never_comes_back(void **s)
{
	(void)s;
	bed_new();
	struct vdev_device_opts o;
	vdev_device_opts_init(&o, "boron");
	o.faults.never_returns = true;
	bed_add("boron", VDEV_MODE_NORMAL, &o);
	struct urun r;
	UBD(&r, "dfu");
	EXPECT_STATUS(&r, 5);
	EXPECT_ERR(&r, "did not come back in dfu");
	EXPECT_ERR(&r, "run the same command again");
	bed_free();
}

static void test_access_denied_explains_udev(void **s)
{
	(void)s;
	if (geteuid() != 0 || !have_tool("setpriv"))
		e2e_skip("needs root and setpriv to run blinkdoc as another user");
	bed_new();
	struct vdev_device *d = bed_add("boron", VDEV_MODE_DFU, NULL);
	char node[64], path[512];
	vdev_device_usb_node(d, node, sizeof node);
	snprintf(path, sizeof path, "%s%s", vdev_bed_root(ebed), node);
	/* The binary and the knowledge go into the bed, which nobody may
	 * enter: the checkout may sit where only root can (mktemp -d). */
	char cmd[2048], exe[600], kb[600];
	snprintf(exe, sizeof exe, "%s/bd", vdev_bed_root(ebed));
	snprintf(kb, sizeof kb, "%s/kb", vdev_bed_root(ebed));
	snprintf(cmd, sizeof cmd, "cp '%s' '%s' && cp -r '%s' '%s' && chmod -R a+rwX '%s'",
		 e2e_blinkdoc(), exe, BLINKDOC_KB, kb, vdev_bed_root(ebed));
	assert_int_equal(system(cmd), 0);
	assert_int_equal(chmod(path, 0600), 0);
	struct urun r;
	urun(&r, 60, UARGS("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
			   exe, "--knowledge", kb, "identify"));
	EXPECT_STATUS(&r, 5);
	EXPECT_ERR(&r, "LIBUSB_ERROR_ACCESS");
	EXPECT_ERR(&r, "blinkdoc udev-rules --install");
	/* flash: the udev fix and "nothing changed", not "run it again"; the
	 * device named once. */
	const char *f = make_user_part("app.bin", 13, 0xB4000, 3000, NULL);
	snprintf(cmd, sizeof cmd, "chmod a+rx \"$(dirname '%s')\" && chmod a+r '%s'", f, f);
	assert_int_equal(system(cmd), 0);
	urun(&r, 60, UARGS("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
			   exe, "--knowledge", kb, "flash", f, "--yes"));
	EXPECT_STATUS(&r, 5);
	EXPECT_ERR(&r, "blinkdoc udev-rules --install");
	EXPECT_ERR(&r, "Nothing on the device was changed.");
	assert_null(strstr(r.err, "run the same command again"));
	const char *at = strstr(r.err, "Boron in DFU mode (2b04:d00d) at USB");
	assert_non_null(at);
	assert_null(strstr(at + 1, "Boron in DFU mode (2b04:d00d) at USB"));
	bed_free();
}

static void test_udev_rules_install_under_root(void **s)
{
	(void)s;
	struct urun r;
	UBD(&r, "udev-rules");
	EXPECT_STATUS(&r, 0);
	EXPECT_OUT(&r, "ATTRS{idVendor}==\"2b04\", ATTRS{idProduct}==\"[cd]0??\", MODE=\"0666\"");
	EXPECT_OUT(&r, "ATTRS{idVendor}==\"1d50\", ATTRS{idProduct}==\"607f\"");
	EXPECT_OUT(&r, "ENV{ID_MM_DEVICE_IGNORE}=\"1\"");
	UBD(&r, "udev-rules", "--install", "--root", tmpdir());
	EXPECT_STATUS(&r, 0);
	EXPECT_OUT(&r, "50-particle.rules");
	size_t n;
	uint8_t *f = read_all(tmpfile_path("etc/udev/rules.d/50-particle.rules"), &n);
	assert_true(n > 100);
	free(f);
	bed_free();
}

#include "test_e2e_usb_flash.inc"

#define CASE(f) {#f, f}
static const struct {
	const char *name;
	void (*fn)(void **);
} cases[] = {
	CASE(test_discovery_every_family),
	CASE(test_merged_row_and_ids),
	CASE(test_listening_seen_over_usb),
	CASE(test_identify_usb_same_json_as_console),
	CASE(test_inspect_usb_same_json_as_console),
	CASE(test_inspect_safe_mode_table_both_routes),
	CASE(test_mac_usb),
	CASE(test_dfu_then_reset_by_control_request),
	CASE(test_photon_dfu_followed_without_id),
	CASE(test_safe_mode_from_dfu),
	CASE(test_listen_and_safe_mode),
	CASE(test_core_falls_back_to_magic_baud),
	CASE(test_no_control_requests_falls_back),
	CASE(test_never_comes_back),
	CASE(test_access_denied_explains_udev),
	CASE(test_udev_rules_install_under_root),
	FLASH_CASES
};

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--list")) {
		for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
			printf("%s\n", cases[i].name + 5);
		return 0;
	}
	if (vdev_reexec_under_preload(argv) < 0)
		return 1;
	struct CMUnitTest t[sizeof cases / sizeof cases[0]];
	size_t n = 0;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (argc < 2 || !strcmp(argv[1], cases[i].name + 5) ||
		    !strcmp(argv[1], cases[i].name))
			t[n++] = (struct CMUnitTest){cases[i].name, cases[i].fn, NULL, NULL, NULL};
	if (!n) {
		fprintf(stderr, "no case %s (see --list)\n", argv[1]);
		return 2;
	}
	return _cmocka_run_group_tests("e2e_usb", t, n, NULL, NULL);
}
