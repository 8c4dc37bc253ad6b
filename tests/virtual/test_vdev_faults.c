/* test_vdev_faults.c - every fault of struct vdev_faults as a client sees
 * it through libserialport (and libusb for the bus-level ones). */
#include <cjson/cJSON.h>
#include <errno.h>
#include <libusb.h>
#include <stdio.h>
#include <string.h>

#include "vtest.h"

#define QUIET_MS 80
#define SILENCE_MS 200

static struct vdev_device *add_faulty(struct vdev_bed *bed, const char *platform,
				      const struct vdev_faults *f)
{
	struct vdev_device_opts o;

	vdev_device_opts_init(&o, platform);
	o.mode = VDEV_MODE_LISTENING;
	o.faults = *f;
	return vtest_add_opts(bed, &o);
}

static void close_port(struct sp_port *p)
{
	sp_close(p);
	sp_free_port(p);
}

static void silent(void **state)
{
	struct vdev_faults f = { .silent = true };
	struct vdev_device *dev = add_faulty(*state, "boron", &f);
	struct sp_port *p = vtest_open(dev);
	char buf[256];

	assert_int_equal(vtest_exchange(p, "isv", buf, sizeof(buf), QUIET_MS, SILENCE_MS), 0);
	assert_int_equal(vdev_device_console_input(dev, buf, sizeof(buf)), 3);
	assert_int_equal(vdev_device_mode(dev), VDEV_MODE_LISTENING);
	close_port(p);
}

static void garbage(void **state)
{
	struct vdev_faults f = { .garbage = true };
	struct sp_port *p = vtest_open(add_faulty(*state, "photon", &f));
	char buf[256];
	int n = vtest_exchange(p, "i", buf, sizeof(buf), QUIET_MS, 3000);

	assert_true(n >= 8);
	for (int i = 0; i < n; i++)
		assert_true((unsigned char)buf[i] >= 0x80);
	close_port(p);
}

static void truncated_json(void **state)
{
	struct vdev_faults none = { 0 }, f = { .truncated_json = true };
	struct vdev_device *good = add_faulty(*state, "argon", &none);
	struct vdev_device *bad = add_faulty(*state, "argon", &f);
	struct sp_port *pg = vtest_open(good), *pb = vtest_open(bad);
	char full[2048], cut[2048];
	int nf = vtest_exchange(pg, "s", full, sizeof(full), QUIET_MS, 3000);
	int nc = vtest_exchange(pb, "s", cut, sizeof(cut), QUIET_MS, 3000);
	cJSON *j;

	assert_true(nf > 100);
	assert_true(nc > 10 && nc < nf - 2);
	assert_memory_equal(cut, full, (size_t)nc); /* same device model, cut short */
	assert_null(strstr(cut, "\r\n"));
	j = cJSON_Parse(cut);
	assert_null(j);
	/* Other commands are not affected. */
	assert_true(vtest_exchange(pb, "v", cut, sizeof(cut), QUIET_MS, 3000) > 0);
	assert_true(strncmp(cut, "system firmware version: ", 25) == 0);
	close_port(pg);
	close_port(pb);
}

static void slow_first_byte(void **state)
{
	struct vdev_faults f = { .first_byte_delay_ms = 400 };
	struct vdev_device *dev = add_faulty(*state, "photon", &f);
	struct sp_port *p = vtest_open(dev);
	int64_t t0 = vtest_now_ms();
	char buf[256], want[64];

	/* A client with a 250 ms budget sees nothing ... */
	assert_int_equal(vtest_exchange(p, "i", buf, sizeof(buf), QUIET_MS, 250), 0);
	/* ... one that waits longer gets the whole reply. */
	assert_true(vtest_exchange(p, "", buf, sizeof(buf), QUIET_MS, 3000) > 0);
	assert_true(vtest_now_ms() - t0 >= 400);
	snprintf(want, sizeof(want), "Your device id is %s\r\n", vdev_device_id(dev));
	assert_string_equal(buf, want);
	close_port(p);
}

static void trickle(void **state)
{
	struct vdev_faults f = { .byte_delay_ms = 4 };
	struct vdev_device *dev = add_faulty(*state, "photon", &f);
	struct sp_port *p = vtest_open(dev);
	int64_t t0 = vtest_now_ms();
	char buf[256], want[64];
	int n;

	snprintf(want, sizeof(want), "Your device id is %s\r\n", vdev_device_id(dev));
	n = vtest_exchange(p, "i", buf, sizeof(buf), QUIET_MS, 5000);
	assert_string_equal(buf, want);
	/* The bytes came one by one, 4 ms apart. */
	assert_true(vtest_now_ms() - t0 >= (n - 1) * 4);
	close_port(p);
}

static void disconnect_mid_reply(void **state)
{
	struct vdev_faults f = { .disconnect_mid_reply = true };
	struct vdev_device *dev = add_faulty(*state, "boron", &f);
	struct sp_port *p = vtest_open(dev);
	struct sp_port *again = NULL;
	libusb_context *ctx;
	char buf[2048];
	int n = vtest_exchange(p, "s", buf, sizeof(buf), QUIET_MS, 3000);

	assert_true(n > 20);
	assert_null(strstr(buf, "\r\n")); /* only the first half arrived */
	assert_int_equal(vdev_device_wait(dev, false, -1, 1000), 0);
	/* The port is gone: reads end, it is no longer listed, libusb agrees. */
	assert_true(sp_blocking_read(p, buf, sizeof(buf), 100) <= 0);
	close_port(p);
	assert_int_not_equal(sp_get_port_by_name("/dev/ttyACM0", &again), SP_OK);
	assert_int_equal(libusb_init(&ctx), 0);
	assert_null(libusb_open_device_with_vid_pid(ctx, 0x2b04, 0xc00d));
	libusb_exit(ctx);
	/* It stays unplugged until the test plugs it in again. */
	assert_false(vdev_device_present(dev));
}

static void never_returns(void **state)
{
	struct vdev_faults f = { .never_returns = true };
	struct vdev_device_opts o;
	struct vdev_device *dev;
	struct sp_port *p;
	libusb_context *ctx;

	vdev_device_opts_init(&o, "argon");
	o.faults = f;
	o.timing.enumerate_ms = 100;
	dev = vtest_add_opts(*state, &o);
	p = vtest_open(dev);
	assert_int_equal(sp_set_baudrate(p, 14400), SP_OK);
	close_port(p);
	assert_int_equal(vdev_device_wait(dev, false, -1, 1000), 0);
	/* Well past the re-enumeration time it is still gone, in any mode. */
	assert_int_equal(vdev_device_wait(dev, true, -1, 400), -ETIMEDOUT);
	assert_int_equal(libusb_init(&ctx), 0);
	assert_null(libusb_open_device_with_vid_pid(ctx, 0x2b04, 0xd00c));
	assert_null(libusb_open_device_with_vid_pid(ctx, 0x2b04, 0xc00c));
	libusb_exit(ctx);
	assert_int_equal(vdev_device_enumerations(dev), 1);
}

static void faults_change_at_runtime(void **state)
{
	struct vdev_faults none = { 0 }, mute = { .silent = true };
	struct vdev_device *dev = add_faulty(*state, "p2", &none);
	struct sp_port *p = vtest_open(dev);
	char buf[256];

	assert_true(vtest_exchange(p, "v", buf, sizeof(buf), QUIET_MS, 3000) > 0);
	vdev_device_set_faults(dev, &mute);
	assert_int_equal(vtest_exchange(p, "v", buf, sizeof(buf), QUIET_MS, SILENCE_MS), 0);
	vdev_device_set_faults(dev, &none);
	assert_true(vtest_exchange(p, "v", buf, sizeof(buf), QUIET_MS, 3000) > 0);
	close_port(p);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(silent, vtest_bed_setup, vtest_bed_teardown),
		cmocka_unit_test_setup_teardown(garbage, vtest_bed_setup, vtest_bed_teardown),
		cmocka_unit_test_setup_teardown(truncated_json, vtest_bed_setup, vtest_bed_teardown),
		cmocka_unit_test_setup_teardown(slow_first_byte, vtest_bed_setup, vtest_bed_teardown),
		cmocka_unit_test_setup_teardown(trickle, vtest_bed_setup, vtest_bed_teardown),
		cmocka_unit_test_setup_teardown(disconnect_mid_reply, vtest_bed_setup, vtest_bed_teardown),
		cmocka_unit_test_setup_teardown(never_returns, vtest_bed_setup, vtest_bed_teardown),
		cmocka_unit_test_setup_teardown(faults_change_at_runtime, vtest_bed_setup,
						vtest_bed_teardown),
	};

	(void)argc;
	return vtest_main(argv, "vdev_faults", tests, sizeof(tests) / sizeof(tests[0]));
}
