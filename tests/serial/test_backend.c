/* Unit tests for the serial backend's ops table as the dispatcher sees it:
 * what it claims to do, what it declines (BD_E_NOT_SUPPORTED with an empty
 * message, so the dispatcher moves on), failures that need no port, and
 * registration through bd_transports_new(). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "serial_backend.h"

static const struct bd_platform rows[] = {
	{.id = 6, .key = "photon", .name = "Photon", .gen = 2, .vid = 0x2b04, .pid = 0xc006,
	 .conn = BD_CONN_WIFI, .magic_baud_dfu = 14400, .magic_baud_listen = 28800,
	 .magic_baud_listen_below_major = 6},
	{.id = 42, .key = "tachyon", .name = "Tachyon", .gen = -1, .vid = 0x2b04, .pid = 0xc02a},
};
static const struct bd_platforms platforms = {rows, 2};

static struct bd_device device(const char *port, int platform_id, enum bd_mode mode)
{
	struct bd_device d;
	memset(&d, 0, sizeof d);
	snprintf(d.port, sizeof d.port, "%s", port);
	d.platform_id = platform_id;
	d.mode = mode;
	d.routes = BD_ROUTE_SERIAL;
	return d;
}

static void ops_table(void **state)
{
	(void)state;
	const struct bd_backend_ops *o = &bd_backend_serial;
	assert_string_equal(o->name, "serial");
	assert_int_equal(o->route, BD_ROUTE_SERIAL);
	assert_non_null(o->open);
	assert_non_null(o->close);
	assert_non_null(o->list);
	assert_non_null(o->identify);
	assert_non_null(o->inspect);
	assert_non_null(o->mac);
	assert_non_null(o->request_mode);
	assert_null(o->wait_change);
	assert_null(o->reset);
	assert_null(o->flash);
	assert_null(o->read);
}

static void declines_without_a_port(void **state)
{
	(void)state;
	void *st = NULL;
	struct bd_error err = {0};
	assert_int_equal(bd_backend_serial.open(&st, &platforms, &err), 0);
	struct bd_device dev = device("", 6, BD_MODE_NORMAL);
	struct bd_op op = {bd_deadline_in(1000), NULL, NULL, NULL, NULL};
	struct bd_identity id;
	struct bd_module_table t;
	struct bd_mac mac;
	assert_int_equal(bd_backend_serial.identify(st, &dev, &id, &op, &err), BD_E_NOT_SUPPORTED);
	assert_int_equal(bd_backend_serial.inspect(st, &dev, &t, &op, &err), BD_E_NOT_SUPPORTED);
	assert_int_equal(bd_backend_serial.mac(st, &dev, &mac, &op, &err), BD_E_NOT_SUPPORTED);
	assert_int_equal(bd_backend_serial.request_mode(st, &dev, BD_MODE_DFU, &op, &err),
			 BD_E_NOT_SUPPORTED);
	assert_string_equal(err.msg, "");
	bd_backend_serial.close(st);
}

static void declines_what_the_route_cannot_do(void **state)
{
	(void)state;
	void *st = NULL;
	struct bd_error err = {0};
	assert_int_equal(bd_backend_serial.open(&st, &platforms, &err), 0);
	struct bd_op op = {bd_deadline_in(1000), NULL, NULL, NULL, NULL};
	/* in DFU mode there is no console */
	struct bd_device dfu = device("/dev/ttyBLINKDOC_NONE", 6, BD_MODE_DFU);
	assert_int_equal(bd_backend_serial.request_mode(st, &dfu, BD_MODE_NORMAL, &op, &err),
			 BD_E_NOT_SUPPORTED);
	/* a platform without magic baud rates */
	struct bd_device tachyon = device("/dev/ttyBLINKDOC_NONE", 42, BD_MODE_NORMAL);
	assert_int_equal(bd_backend_serial.request_mode(st, &tachyon, BD_MODE_DFU, &op, &err),
			 BD_E_NOT_SUPPORTED);
	assert_int_equal(bd_backend_serial.request_mode(st, &tachyon, BD_MODE_LISTENING, &op, &err),
			 BD_E_NOT_SUPPORTED);
	/* an unknown platform: no magic rate to send */
	struct bd_device unknown = device("/dev/ttyBLINKDOC_NONE", -1, BD_MODE_NORMAL);
	assert_int_equal(bd_backend_serial.request_mode(st, &unknown, BD_MODE_DFU, &op, &err),
			 BD_E_NOT_SUPPORTED);
	assert_int_equal(bd_backend_serial.request_mode(st, &unknown, BD_MODE_UNKNOWN, &op, &err),
			 BD_E_NOT_SUPPORTED);
	assert_string_equal(err.msg, "");
	bd_backend_serial.close(st);
}

static void missing_port_is_reported(void **state)
{
	(void)state;
	void *st = NULL;
	struct bd_error err = {0};
	assert_int_equal(bd_backend_serial.open(&st, &platforms, &err), 0);
	struct bd_op op = {bd_deadline_in(1000), NULL, NULL, NULL, NULL};
	struct bd_device dev = device("/dev/ttyBLINKDOC_NONE", 6, BD_MODE_LISTENING);
	struct bd_identity id;
	assert_int_equal(bd_backend_serial.identify(st, &dev, &id, &op, &err), BD_E_NO_DEVICE);
	assert_non_null(strstr(err.msg, "/dev/ttyBLINKDOC_NONE"));
	memset(&err, 0, sizeof err);
	assert_int_equal(bd_backend_serial.request_mode(st, &dev, BD_MODE_DFU, &op, &err),
			 BD_E_NO_DEVICE);
	/* safe mode first checks that the console answers */
	memset(&err, 0, sizeof err);
	assert_int_equal(bd_backend_serial.request_mode(st, &dev, BD_MODE_SAFE, &op, &err),
			 BD_E_STATE);
	assert_non_null(strstr(err.msg, "not in listening mode"));
	assert_non_null(strstr(err.hint, "MODE/SETUP"));
	bd_backend_serial.close(st);
}

static void registered_in_the_dispatcher(void **state)
{
	(void)state;
	struct bd_error err = {0};
	struct bd_transports *t = bd_transports_new(&platforms, &err);
	assert_non_null(t);
	assert_non_null(strstr(bd_transports_backends(t), "serial"));
	struct bd_device_list l = {0};
	int n = bd_transports_list(t, &l, &err);
	assert_true(n >= 0 || err.msg[0]);
	bd_device_list_free(&l);
	bd_transports_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ops_table),
		cmocka_unit_test(declines_without_a_port),
		cmocka_unit_test(declines_what_the_route_cannot_do),
		cmocka_unit_test(missing_port_is_reported),
		cmocka_unit_test(registered_in_the_dispatcher),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
