/* Unit tests for port matching and device-ID extraction (no ports needed):
 * the platform rows mirror knowledge/devices.json. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "serial_list.h"

static const struct bd_platform rows[] = {
	{.id = 0, .key = "core", .name = "Core", .gen = 1, .vid = 0x1d50, .pid = 0x607d,
	 .dfu_vid = 0x1d50, .dfu_pid = 0x607f, .usb_manufacturer = "Spark Devices",
	 .usb_product = "Spark Core with WiFi", .serial_is_device_id = false},
	{.id = 6, .key = "photon", .name = "Photon", .gen = 2, .vid = 0x2b04, .pid = 0xc006,
	 .dfu_vid = 0x2b04, .dfu_pid = 0xd006, .usb_manufacturer = "Particle",
	 .usb_product = "Photon", .serial_is_device_id = false},
	{.id = 12, .key = "argon", .name = "Argon", .gen = 3, .vid = 0x2b04, .pid = 0xc00c,
	 .dfu_vid = 0x2b04, .dfu_pid = 0xd00c, .usb_manufacturer = "Particle",
	 .usb_product = "Argon", .serial_is_device_id = true},
	{.id = 32, .key = "p2", .name = "Photon 2 / P2", .gen = 4, .vid = 0x2b04, .pid = 0xc020,
	 .dfu_vid = 0x2b04, .dfu_pid = 0xd020, .usb_manufacturer = "Particle",
	 .usb_product = "P2", .serial_is_device_id = true},
};
static const struct bd_platforms platforms = {rows, 4};

static void device_id_gen3_is_the_serial(void **state)
{
	(void)state;
	char id[BD_DEVICE_ID_LEN + 1];
	assert_true(bd_serial_device_id_from_usb_serial("E00FCE68B1C2D3E4F5A6B7C8", &rows[2], id));
	assert_string_equal(id, "e00fce68b1c2d3e4f5a6b7c8");
	/* not exactly 24 hex: no ID rather than a wrong one */
	assert_false(bd_serial_device_id_from_usb_serial("E00FCE68B1C2D3E4F5A6B7C", &rows[2], id));
	assert_string_equal(id, "");
	assert_false(bd_serial_device_id_from_usb_serial("x00fce68b1c2d3e4f5a6b7c8", &rows[3], id));
	assert_false(bd_serial_device_id_from_usb_serial(NULL, &rows[2], id));
}

static void device_id_gen2_first_hex_run(void **state)
{
	(void)state;
	char id[BD_DEVICE_ID_LEN + 1];
	assert_true(bd_serial_device_id_from_usb_serial("3A0028000447343233323032", &rows[1], id));
	assert_string_equal(id, "3a0028000447343233323032");
	assert_true(bd_serial_device_id_from_usb_serial("PH-3a0028000447343233323032-x", &rows[1],
							id));
	assert_string_equal(id, "3a0028000447343233323032");
	/* a longer run: its first 24 digits (as particle-cli does) */
	assert_true(bd_serial_device_id_from_usb_serial("3a0028000447343233323032ff", &rows[1], id));
	assert_string_equal(id, "3a0028000447343233323032");
	assert_false(bd_serial_device_id_from_usb_serial("00000000001A", &rows[1], id));
	/* unknown platform: the same rule */
	assert_true(bd_serial_device_id_from_usb_serial("3a0028000447343233323032", NULL, id));
}

static void device_id_never_for_core(void **state)
{
	(void)state;
	char id[BD_DEVICE_ID_LEN + 1];
	assert_false(bd_serial_device_id_from_usb_serial("53ff6f065067544840160687", &rows[0], id));
	assert_string_equal(id, "");
}

static void platform_by_normal_ids_only(void **state)
{
	(void)state;
	assert_ptr_equal(bd_serial_platform_by_usb(&platforms, 0x2b04, 0xc00c), &rows[2]);
	assert_null(bd_serial_platform_by_usb(&platforms, 0x2b04, 0xd00c)); /* DFU: no CDC */
	assert_null(bd_serial_platform_by_usb(&platforms, 0x0403, 0x6001));
	assert_null(bd_serial_platform_by_usb(NULL, 0x2b04, 0xc00c));
}

static void classify_gen3_port(void **state)
{
	(void)state;
	struct bd_serial_port_info in = {"/dev/ttyACM0", true, 0x2b04, 0xc00c, "Particle", "Argon",
					 "E00FCE68B1C2D3E4F5A6B7C8", 1, 7};
	struct bd_device dev;
	assert_true(bd_serial_classify(&in, &platforms, &dev));
	assert_string_equal(dev.port, "/dev/ttyACM0");
	assert_int_equal(dev.platform_id, 12);
	assert_int_equal(dev.mode, BD_MODE_NORMAL);
	assert_int_equal(dev.vid, 0x2b04);
	assert_int_equal(dev.pid, 0xc00c);
	assert_int_equal(dev.usb_bus, 1);
	assert_int_equal(dev.usb_address, 7);
	assert_string_equal(dev.usb_serial, "E00FCE68B1C2D3E4F5A6B7C8");
	assert_string_equal(dev.product, "Argon");
	assert_string_equal(dev.device_id, "e00fce68b1c2d3e4f5a6b7c8");
	assert_int_equal(dev.routes, BD_ROUTE_SERIAL);
}

static void classify_rejects_others(void **state)
{
	(void)state;
	struct bd_device dev;
	struct bd_serial_port_info ftdi = {"/dev/ttyUSB0", true, 0x0403, 0x6001, "FTDI",
					   "FT232R USB UART", "A50285BI", 1, 3};
	assert_false(bd_serial_classify(&ftdi, &platforms, &dev));
	struct bd_serial_port_info native = {"/dev/ttyS0", false, -1, -1, NULL, NULL, NULL, -1, -1};
	assert_false(bd_serial_classify(&native, &platforms, &dev));
	struct bd_serial_port_info dfu = {"/dev/ttyACM3", true, 0x2b04, 0xd006, "Particle",
					  "Photon DFU Mode", NULL, 1, 4};
	assert_false(bd_serial_classify(&dfu, &platforms, &dev));
}

static void classify_manufacturer_fallback(void **state)
{
	(void)state;
	struct bd_device dev;
	/* unknown IDs, but the strings say Particle: platform from the product */
	struct bd_serial_port_info photon = {"/dev/ttyACM1", true, 0x2b04, 0xc0ff, "Particle",
					     "Photon", "3a0028000447343233323032", -1, -1};
	assert_true(bd_serial_classify(&photon, &platforms, &dev));
	assert_int_equal(dev.platform_id, 6);
	assert_string_equal(dev.device_id, "3a0028000447343233323032");
	assert_int_equal(dev.usb_bus, 0);
	assert_int_equal(dev.usb_address, 0);
	/* an old Core driver string with an unknown product: platform unknown */
	struct bd_serial_port_info core = {"/dev/ttyACM2", true, 0x1d50, 0x6000, "Spark Devices",
					   "Spark Core", "8D7028785754", 2, 9};
	assert_true(bd_serial_classify(&core, &platforms, &dev));
	assert_int_equal(dev.platform_id, -1);
	assert_string_equal(dev.device_id, "");
	/* the Core by its own IDs: no device ID from its serial string */
	struct bd_serial_port_info core_ids = {"/dev/ttyACM2", true, 0x1d50, 0x607d, NULL, NULL,
					       "53ff6f065067544840160687", 2, 9};
	assert_true(bd_serial_classify(&core_ids, &platforms, &dev));
	assert_int_equal(dev.platform_id, 0);
	assert_string_equal(dev.device_id, "");
}

static void several_devices_at_once(void **state)
{
	(void)state;
	const struct bd_serial_port_info ports[] = {
		{"/dev/ttyACM0", true, 0x2b04, 0xc00c, "Particle", "Argon", "e00fce68b1c2d3e4f5a6b7c8",
		 1, 5},
		{"/dev/ttyUSB0", true, 0x0403, 0x6001, "FTDI", "FT232R", "A5", 1, 6},
		{"/dev/ttyACM1", true, 0x2b04, 0xc020, "Particle", "P2", "0a10aced202194944a0468f0", 3,
		 2},
		{"/dev/ttyACM2", true, 0x2b04, 0xc006, "Particle", "Photon", "3a0028000447343233323032",
		 3, 3},
	};
	struct bd_device_list list = {0};
	for (size_t i = 0; i < sizeof ports / sizeof ports[0]; i++) {
		struct bd_device dev;
		if (bd_serial_classify(&ports[i], &platforms, &dev))
			assert_int_equal(bd_device_list_add(&list, &dev), 0);
	}
	assert_int_equal(list.n, 3);
	assert_int_equal(list.v[0].platform_id, 12);
	assert_int_equal(list.v[1].platform_id, 32);
	assert_string_equal(list.v[1].device_id, "0a10aced202194944a0468f0");
	assert_int_equal(list.v[2].platform_id, 6);
	bd_device_list_free(&list);
}

static void listing_this_machine_does_not_fail(void **state)
{
	(void)state;
	/* No Particle hardware here: expect zero rows, never a crash. */
	struct bd_device_list list = {0};
	struct bd_error err = {0};
	int n = bd_serial_list_ports(&platforms, &list, &err);
	if (n < 0)
		assert_true(err.msg[0] != '\0');
	else
		assert_int_equal((size_t)n, list.n);
	bd_device_list_free(&list);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(device_id_gen3_is_the_serial),
		cmocka_unit_test(device_id_gen2_first_hex_run),
		cmocka_unit_test(device_id_never_for_core),
		cmocka_unit_test(platform_by_normal_ids_only),
		cmocka_unit_test(classify_gen3_port),
		cmocka_unit_test(classify_rejects_others),
		cmocka_unit_test(classify_manufacturer_fallback),
		cmocka_unit_test(several_devices_at_once),
		cmocka_unit_test(listing_this_machine_does_not_fail),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
