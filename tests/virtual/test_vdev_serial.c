/* test_vdev_serial.c - real libserialport against virtual devices: port
 * discovery with USB metadata, several devices at once, modem lines, a port
 * held by another process, hang-up on unplug. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>

#include "vtest.h"

/* Finds name in a libserialport port list, NULL if absent. */
static struct sp_port *find_port(struct sp_port **list, const char *name)
{
	for (size_t i = 0; list && list[i]; i++) {
		if (strcmp(sp_get_port_name(list[i]), name) == 0)
			return list[i];
	}
	return NULL;
}

static bool port_listed(const char *name)
{
	struct sp_port **list = NULL;
	bool found;

	assert_int_equal(sp_list_ports(&list), SP_OK);
	found = find_port(list, name) != NULL;
	sp_free_port_list(list);
	return found;
}

/* The port of dev as libserialport lists it matches devices.json. */
static void check_listed(struct sp_port **list, struct vdev_device *dev, const char *want_serial)
{
	const struct vdev_platform *pl = vdev_device_platform(dev);
	char node[32], desc[160];
	struct sp_port *p;
	int vid = -1, pid = -1, bus = -1, addr = -1;
	unsigned busnum, devnum;

	assert_int_equal(vdev_device_tty(dev, node, sizeof(node)), 0);
	p = find_port(list, node);
	assert_non_null(p);
	assert_int_equal(sp_get_port_transport(p), SP_TRANSPORT_USB);
	assert_int_equal(sp_get_port_usb_vid_pid(p, &vid, &pid), SP_OK);
	assert_int_equal(vid, pl->vid);
	assert_int_equal(pid, pl->pid);
	assert_string_equal(sp_get_port_usb_manufacturer(p), pl->manufacturer);
	assert_string_equal(sp_get_port_usb_product(p), pl->product);
	assert_string_equal(sp_get_port_usb_serial(p), want_serial);
	assert_int_equal(sp_get_port_usb_bus_address(p, &bus, &addr), SP_OK);
	assert_int_equal(vdev_device_usb_address(dev, &busnum, &devnum), 0);
	assert_int_equal(bus, (int)busnum);
	assert_int_equal(addr, (int)devnum);
	snprintf(desc, sizeof(desc), "%s - %s", pl->product, want_serial);
	assert_string_equal(sp_get_port_description(p), desc);
}

static void lists_ports_with_usb_metadata(void **state)
{
	struct vdev_device *photon = vtest_add(*state, "photon", VDEV_MODE_NORMAL);
	struct vdev_device *boron = vtest_add(*state, "boron", VDEV_MODE_LISTENING);
	struct vdev_device *core = vtest_add(*state, "core", VDEV_MODE_NORMAL);
	struct vdev_device *p2 = vtest_add(*state, "p2", VDEV_MODE_NORMAL);
	struct vdev_device *tracker = vtest_add(*state, "tracker", VDEV_MODE_NORMAL);
	struct sp_port **list = NULL;
	char upper[25], serial[64];

	assert_int_equal(sp_list_ports(&list), SP_OK);
	/* Gen 2: a string containing the device ID (here: the ID in upper case). */
	for (size_t i = 0; i < 25; i++)
		upper[i] = (char)toupper((unsigned char)vdev_device_id(photon)[i]);
	check_listed(list, photon, upper);
	/* Gen 3+: the device ID itself. */
	check_listed(list, boron, vdev_device_id(boron));
	check_listed(list, p2, vdev_device_id(p2));
	check_listed(list, tracker, vdev_device_id(tracker));
	/* Core: something that is not the device ID. */
	assert_int_equal(vdev_device_usb_serial(core, serial, sizeof(serial)), 0);
	assert_null(strstr(serial, vdev_device_id(core)));
	check_listed(list, core, serial);
	assert_string_equal(sp_get_port_usb_manufacturer(find_port(list, "/dev/ttyACM2")),
			    "Spark Devices");
	sp_free_port_list(list);
}

static void two_devices_at_once(void **state)
{
	struct vdev_device *a = vtest_add(*state, "boron", VDEV_MODE_LISTENING);
	struct vdev_device *b = vtest_add(*state, "boron", VDEV_MODE_LISTENING);
	unsigned bus_a, dev_a, bus_b, dev_b;
	struct sp_port *pa, *pb;
	char node_a[32], node_b[32], buf[512], want[64];

	assert_int_equal(vdev_device_tty(a, node_a, sizeof(node_a)), 0);
	assert_int_equal(vdev_device_tty(b, node_b, sizeof(node_b)), 0);
	assert_string_equal(node_a, "/dev/ttyACM0");
	assert_string_equal(node_b, "/dev/ttyACM1");
	assert_int_equal(vdev_device_usb_address(a, &bus_a, &dev_a), 0);
	assert_int_equal(vdev_device_usb_address(b, &bus_b, &dev_b), 0);
	assert_int_not_equal(dev_a, dev_b);
	assert_string_not_equal(vdev_device_id(a), vdev_device_id(b));
	/* Both open at the same time, each answers with its own ID. */
	pa = vtest_open(a);
	pb = vtest_open(b);
	snprintf(want, sizeof(want), "Device ID: %s\r\n", vdev_device_id(b));
	assert_true(vtest_exchange(pb, "i", buf, sizeof(buf), 80, 3000) > 0);
	assert_true(strncmp(buf, want, strlen(want)) == 0);
	snprintf(want, sizeof(want), "Device ID: %s\r\n", vdev_device_id(a));
	assert_true(vtest_exchange(pa, "i", buf, sizeof(buf), 80, 3000) > 0);
	assert_true(strncmp(buf, want, strlen(want)) == 0);
	sp_close(pa);
	sp_close(pb);
	sp_free_port(pa);
	sp_free_port(pb);
}

static void modem_lines(void **state)
{
	struct sp_port *p = vtest_open(vtest_add(*state, "argon", VDEV_MODE_NORMAL));
	enum sp_signal sig = 0;
	int fd = -1, bits = 0;
	struct termios tio;

	assert_int_equal(sp_get_port_handle(p, &fd), SP_OK);
	/* umockdev 0.17 answers ENOTTY to TCGETS by default; ours forwards it. */
	assert_int_equal(ioctl(fd, TCGETS, &tio), 0);
	assert_int_equal(tio.c_lflag & ICANON, 0); /* libserialport made it raw */
	assert_int_equal(ioctl(fd, TIOCMGET, &bits), 0);
	assert_int_equal(bits & (TIOCM_DTR | TIOCM_RTS), TIOCM_DTR | TIOCM_RTS); /* raised on open */
	assert_int_equal(sp_set_dtr(p, SP_DTR_OFF), SP_OK);
	assert_int_equal(ioctl(fd, TIOCMGET, &bits), 0);
	assert_int_equal(bits & (TIOCM_DTR | TIOCM_RTS), TIOCM_RTS);
	assert_int_equal(sp_set_rts(p, SP_RTS_OFF), SP_OK);
	assert_int_equal(sp_set_dtr(p, SP_DTR_ON), SP_OK);
	assert_int_equal(ioctl(fd, TIOCMGET, &bits), 0);
	assert_int_equal(bits & (TIOCM_DTR | TIOCM_RTS), TIOCM_DTR);
	assert_int_equal(sp_get_signals(p, &sig), SP_OK);
	assert_true(sig & SP_SIG_CTS); /* cdc_acm always reports CTS */
	/* Standard rates go through tcsetattr; the device side still sees them. */
	assert_int_equal(sp_set_baudrate(p, 115200), SP_OK);
	assert_int_equal(vdev_device_baud(vdev_bed_device(*state, 0)), 115200);
	sp_close(p);
	sp_free_port(p);
}

static void port_held_by_another_process(void **state)
{
	struct vdev_device *dev = vtest_add(*state, "photon", VDEV_MODE_LISTENING);
	struct sp_port *p = NULL;
	char node[32];

	assert_int_equal(vdev_device_tty(dev, node, sizeof(node)), 0);
	assert_int_equal(vdev_device_hold_port(dev), 0);
	assert_int_equal(sp_get_port_by_name(node, &p), SP_OK);
	assert_int_equal(sp_open(p, SP_MODE_READ_WRITE), SP_ERR_FAIL);
	assert_int_equal(sp_last_error_code(), EBUSY);
	assert_true(port_listed(node)); /* still listed: it is there, just busy */
	assert_int_equal(vdev_device_release_port(dev), 0);
	assert_int_equal(sp_open(p, SP_MODE_READ_WRITE), SP_OK);
	sp_close(p);
	sp_free_port(p);
}

static void dfu_mode_has_no_port(void **state)
{
	struct vdev_device *dev = vtest_add(*state, "photon", VDEV_MODE_DFU);
	struct sp_port **list = NULL;
	char node[32];

	assert_int_equal(vdev_device_tty(dev, node, sizeof(node)), -ENODEV);
	assert_int_equal(sp_list_ports(&list), SP_OK);
	for (size_t i = 0; list[i]; i++)
		assert_null(strstr(sp_get_port_name(list[i]), "ttyACM"));
	sp_free_port_list(list);
}

static void unplug_hangs_up_and_plug_returns(void **state)
{
	struct vdev_device *dev = vtest_add(*state, "boron", VDEV_MODE_LISTENING);
	struct sp_port *p = vtest_open(dev);
	char buf[64];
	int n;

	assert_int_equal(vdev_device_unplug(dev), 0);
	assert_false(vdev_device_present(dev));
	assert_false(port_listed("/dev/ttyACM0"));
	/* The open port reads end-of-file or an error, never blocks. */
	n = sp_blocking_read(p, buf, sizeof(buf), 200);
	assert_true(n <= 0);
	assert_true(sp_blocking_write(p, "i", 1, 200) < 0);
	sp_close(p);
	sp_free_port(p);
	assert_int_equal(vdev_device_plug(dev), 0);
	assert_true(port_listed("/dev/ttyACM0"));
	assert_int_equal(vdev_device_enumerations(dev), 2);
	p = vtest_open(dev);
	assert_true(vtest_exchange(p, "v", buf, sizeof(buf), 80, 3000) > 0);
	sp_close(p);
	sp_free_port(p);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(lists_ports_with_usb_metadata, vtest_bed_setup,
						vtest_bed_teardown),
		cmocka_unit_test_setup_teardown(two_devices_at_once, vtest_bed_setup, vtest_bed_teardown),
		cmocka_unit_test_setup_teardown(modem_lines, vtest_bed_setup, vtest_bed_teardown),
		cmocka_unit_test_setup_teardown(port_held_by_another_process, vtest_bed_setup,
						vtest_bed_teardown),
		cmocka_unit_test_setup_teardown(dfu_mode_has_no_port, vtest_bed_setup, vtest_bed_teardown),
		cmocka_unit_test_setup_teardown(unplug_hangs_up_and_plug_returns, vtest_bed_setup,
						vtest_bed_teardown),
	};

	(void)argc;
	return vtest_main(argv, "vdev_serial", tests, sizeof(tests) / sizeof(tests[0]));
}
