/* test_vdev_console.c - the listening-mode console through real
 * libserialport: exact replies, silence outside listening mode, dialogs,
 * mode changes by console and by magic baud rate. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "vtest.h"

#define QUIET_MS 80
#define REPLY_MS 3000
#define SILENCE_MS 200

/* One command, the whole reply. */
static void ask(struct sp_port *p, const char *cmd, char *buf, size_t len)
{
	assert_true(vtest_exchange(p, cmd, buf, len, QUIET_MS, REPLY_MS) >= 0);
}

static void expect_reply(struct vdev_device *dev, const char *cmd, const char *want)
{
	struct sp_port *p = vtest_open(dev);
	char buf[2048];

	ask(p, cmd, buf, sizeof(buf));
	assert_string_equal(buf, want);
	sp_close(p);
	sp_free_port(p);
}

static void i_short_form_photon(void **state)
{
	struct vdev_device *dev = vtest_add(*state, "photon", VDEV_MODE_LISTENING);
	char want[128];

	snprintf(want, sizeof(want), "Your device id is %s\r\n", vdev_device_id(dev));
	expect_reply(dev, "i", want);
}

static void i_core_form(void **state)
{
	struct vdev_device *dev = vtest_add(*state, "core", VDEV_MODE_LISTENING);
	char want[128];

	snprintf(want, sizeof(want), "Your core id is %s\r\n", vdev_device_id(dev));
	expect_reply(dev, "i", want);
}

static void i_long_form_boron(void **state)
{
	struct vdev_device_opts o;
	struct vdev_device *dev;

	vdev_device_opts_init(&o, "boron");
	o.mode = VDEV_MODE_LISTENING;
	o.device_id = "E00FCE68AAAABBBBCCCCDDDD";
	o.imei = "352753090123456";
	o.iccid = "89014103211118510720";
	o.cell_fw = "L0.0.00.00.05.12";
	o.serial_number = "B40KAB00001";
	o.device_secret = "NU3WXMFHAPZ9999";
	dev = vtest_add_opts(*state, &o);
	assert_string_equal(vdev_device_id(dev), "e00fce68aaaabbbbccccdddd");
	expect_reply(dev, "i",
		     "Device ID: e00fce68aaaabbbbccccdddd\r\n"
		     "Device Secret: NU3WXMFHAPZ9999\r\n"
		     "Serial Number: B40KAB00001\r\n"
		     "IMEI: 352753090123456\r\n"
		     "ICCID: 89014103211118510720\r\n"
		     "Cell Radio Version: L0.0.00.00.05.12\r\n");
}

static void i_long_form_electron(void **state)
{
	struct vdev_device_opts o;
	struct vdev_device *dev;
	char want[256];

	vdev_device_opts_init(&o, "electron");
	o.mode = VDEV_MODE_LISTENING;
	o.imei = "352753090000001";
	o.iccid = "89014103210000000001";
	dev = vtest_add_opts(*state, &o);
	snprintf(want, sizeof(want),
		 "Device ID: %s\r\nIMEI: 352753090000001\r\nICCID: 89014103210000000001\r\n",
		 vdev_device_id(dev));
	expect_reply(dev, "i", want);
}

#define HASH "3FE3D246AB659DC01C4CFE030B89EE23FFBF54EDBAA402957CBC47078E631341"

static void s_photon_healthy_exact(void **state)
{
	struct vdev_device_opts o;

	vdev_device_opts_init(&o, "photon");
	o.mode = VDEV_MODE_LISTENING;
	o.os_version = "2.3.1";
	expect_reply(vtest_add_opts(*state, &o), "s",
		     "{\"p\":6,\"m\":["
		     "{\"s\":16384,\"l\":\"m\",\"vc\":30,\"vv\":30,\"f\":\"b\",\"n\":\"0\",\"v\":1203,\"d\":[]},"
		     "{\"s\":262144,\"l\":\"m\",\"vc\":30,\"vv\":30,\"f\":\"s\",\"n\":\"1\",\"v\":2301,\"d\":[]},"
		     "{\"s\":262144,\"l\":\"m\",\"vc\":30,\"vv\":30,\"f\":\"s\",\"n\":\"2\",\"v\":2301,"
		     "\"d\":[{\"f\":\"s\",\"n\":\"1\",\"v\":2301}]},"
		     "{\"s\":131072,\"l\":\"m\",\"vc\":30,\"vv\":30,\"u\":\"" HASH "\",\"f\":\"u\",\"n\":\"1\","
		     "\"v\":6,\"d\":[{\"f\":\"s\",\"n\":\"2\",\"v\":2301}]},"
		     "{\"s\":131072,\"l\":\"f\",\"vc\":30,\"vv\":0,\"d\":[]}]}\r\n");
}

static void s_photon_safe_mode_dependency(void **state)
{
	struct vdev_device_opts o;
	struct sp_port *p;
	cJSON *root, *m, *part1, *part2, *dep;
	char buf[2048];

	vdev_device_opts_init(&o, "photon");
	o.mode = VDEV_MODE_LISTENING;
	o.safe_mode = true;
	o.os_version = "2.3.1";
	o.modules = VDEV_MODULES_SAFE_MODE_DEP;
	p = vtest_open(vtest_add_opts(*state, &o));
	ask(p, "s", buf, sizeof(buf));
	sp_close(p);
	sp_free_port(p);
	assert_true(strlen(buf) > 2 && strcmp(buf + strlen(buf) - 3, "}\r\n") == 0);
	root = cJSON_Parse(buf);
	assert_non_null(root);
	m = cJSON_GetObjectItem(root, "m");
	part1 = cJSON_GetArrayItem(m, 1);
	part2 = cJSON_GetArrayItem(m, 2);
	assert_string_equal(cJSON_GetObjectItem(part1, "f")->valuestring, "s");
	assert_int_equal(cJSON_GetObjectItem(part1, "v")->valueint, 2300);
	assert_int_equal(cJSON_GetObjectItem(part1, "vv")->valueint, 30);
	assert_int_equal(cJSON_GetObjectItem(part2, "vc")->valueint, 30);
	assert_int_equal(cJSON_GetObjectItem(part2, "vv")->valueint, 26);
	dep = cJSON_GetArrayItem(cJSON_GetObjectItem(part2, "d"), 0);
	assert_string_equal(cJSON_GetObjectItem(dep, "n")->valuestring, "1");
	assert_int_equal(cJSON_GetObjectItem(dep, "v")->valueint, 2301);
	cJSON_Delete(root);
}

static void s_verbatim_modules_json(void **state)
{
	struct vdev_device_opts o;

	vdev_device_opts_init(&o, "photon");
	o.mode = VDEV_MODE_LISTENING;
	o.modules_json = "{\"p\":6,\"m\":[{\"s\":16384,\"l\":\"m\",\"vc\":30,\"vv\":26,\"d\":[]}]}";
	expect_reply(vtest_add_opts(*state, &o), "s",
		     "{\"p\":6,\"m\":[{\"s\":16384,\"l\":\"m\",\"vc\":30,\"vv\":26,\"d\":[]}]}\r\n");
}

static void s_boron_cellular_keys(void **state)
{
	struct vdev_device_opts o;
	struct sp_port *p;
	cJSON *root, *it;
	const char *order[] = { "p", "imei", "iccid", "cellfw", "m" };
	size_t i = 0;
	char buf[2048];

	vdev_device_opts_init(&o, "boron");
	o.mode = VDEV_MODE_LISTENING;
	p = vtest_open(vtest_add_opts(*state, &o));
	ask(p, "s", buf, sizeof(buf));
	sp_close(p);
	sp_free_port(p);
	root = cJSON_Parse(buf);
	assert_non_null(root);
	cJSON_ArrayForEach(it, root) {
		assert_true(i < 5);
		assert_string_equal(it->string, order[i++]);
	}
	assert_int_equal(i, 5);
	assert_int_equal(cJSON_GetObjectItem(root, "p")->valueint, 13);
	cJSON_Delete(root);
}

static void v_m_c_d(void **state)
{
	struct vdev_device_opts o;
	struct vdev_device *dev;
	struct sp_port *p;
	cJSON *diag;
	char buf[1024];

	vdev_device_opts_init(&o, "argon");
	o.mode = VDEV_MODE_LISTENING;
	o.os_version = "5.9.0";
	o.mac = "6c:0b:84:01:02:03";
	o.claimed = true;
	dev = vtest_add_opts(*state, &o);
	p = vtest_open(dev);
	ask(p, "v", buf, sizeof(buf));
	assert_string_equal(buf, "system firmware version: 5.9.0\n\r\n");
	ask(p, "m", buf, sizeof(buf));
	assert_string_equal(buf, "Your device MAC address is\r\n6c:0b:84:01:02:03\r\n");
	ask(p, "c", buf, sizeof(buf));
	assert_string_equal(buf, "Device claimed: yes\r\n");
	ask(p, "d", buf, sizeof(buf));
	assert_true(strlen(buf) > 4 && strcmp(buf + strlen(buf) - 3, "}\r\n") == 0);
	diag = cJSON_Parse(buf);
	assert_non_null(diag);
	assert_true(cJSON_IsNumber(cJSON_GetObjectItem(diag, "sys:uptime")));
	assert_true(cJSON_IsObject(cJSON_GetObjectItem(diag, "net:rssi")));
	cJSON_Delete(diag);
	sp_close(p);
	sp_free_port(p);
}

static void silent_outside_listening(void **state)
{
	struct vdev_device *dev = vtest_add(*state, "photon", VDEV_MODE_NORMAL);
	struct sp_port *p = vtest_open(dev);
	char buf[256];

	assert_int_equal(vtest_exchange(p, "ismvcd", buf, sizeof(buf), QUIET_MS, SILENCE_MS), 0);
	/* The bytes did arrive; the device just does not answer. */
	assert_int_equal(vdev_device_console_input(dev, buf, sizeof(buf)), 6);
	assert_string_equal(buf, "ismvcd");
	sp_close(p);
	sp_free_port(p);
}

static void x_leaves_listening(void **state)
{
	struct vdev_device *dev = vtest_add(*state, "boron", VDEV_MODE_LISTENING);
	struct sp_port *p = vtest_open(dev);
	char buf[512];

	ask(p, "v", buf, sizeof(buf));
	assert_true(strncmp(buf, "system firmware version: ", 25) == 0);
	assert_int_equal(vtest_exchange(p, "x", buf, sizeof(buf), QUIET_MS, SILENCE_MS), 0);
	assert_int_equal(vdev_device_mode(dev), VDEV_MODE_NORMAL);
	assert_int_equal(vtest_exchange(p, "i", buf, sizeof(buf), QUIET_MS, SILENCE_MS), 0);
	sp_close(p);
	sp_free_port(p);
}

static void w_dialog_success(void **state)
{
	struct vdev_device *dev = vtest_add(*state, "photon", VDEV_MODE_LISTENING);
	struct sp_port *p = vtest_open(dev);
	struct vdev_wifi_creds c;
	char buf[1024];

	ask(p, "w", buf, sizeof(buf));
	assert_string_equal(buf, "SSID: ");
	ask(p, "HomeNet\r", buf, sizeof(buf));
	assert_string_equal(buf, "Security 0=unsecured, 1=WEP, 2=WPA, 3=WPA2: ");
	ask(p, "3\r\n", buf, sizeof(buf));
	assert_string_equal(buf, "Security Cipher 1=AES, 2=TKIP, 3=AES+TKIP: ");
	ask(p, "1\n", buf, sizeof(buf));
	assert_string_equal(buf, "Password: ");
	ask(p, "s3cret pass\n", buf, sizeof(buf));
	assert_non_null(strstr(buf, "Thanks! Wait while I save those credentials...\r\n"));
	assert_non_null(strstr(buf, "Particle <3 you!\r\n"));
	assert_int_equal(vdev_device_wifi_creds(dev, &c), 0);
	assert_string_equal(c.ssid, "HomeNet");
	assert_int_equal(c.security, 3);
	assert_int_equal(c.cipher, 1);
	assert_string_equal(c.password, "s3cret pass");
	assert_int_equal(vdev_device_mode(dev), VDEV_MODE_NORMAL); /* it goes to connect */
	sp_close(p);
	sp_free_port(p);
}

static void w_dialog_failure_and_open_network(void **state)
{
	struct vdev_device_opts o;
	struct vdev_device *dev;
	struct sp_port *p;
	char buf[1024];

	vdev_device_opts_init(&o, "p2");
	o.mode = VDEV_MODE_LISTENING;
	o.wifi_save_fails = true;
	dev = vtest_add_opts(*state, &o);
	p = vtest_open(dev);
	ask(p, "w", buf, sizeof(buf));
	ask(p, "Cafe\r", buf, sizeof(buf));
	ask(p, "0\r", buf, sizeof(buf)); /* unsecured: no cipher, no password */
	assert_string_equal(buf, "Thanks! Wait while I save those credentials...\r\n\r\n"
				 "Derp. Sorry, we couldn't save the credentials.\r\n\r\n");
	assert_int_equal(vdev_device_mode(dev), VDEV_MODE_LISTENING);
	sp_close(p);
	sp_free_port(p);
}

static void w_not_on_cellular(void **state)
{
	struct sp_port *p = vtest_open(vtest_add(*state, "boron", VDEV_MODE_LISTENING));
	char buf[256];

	assert_int_equal(vtest_exchange(p, "w", buf, sizeof(buf), QUIET_MS, SILENCE_MS), 0);
	sp_close(p);
	sp_free_port(p);
}

static void L_resets_into_safe_listening(void **state)
{
	struct vdev_device *dev = vtest_add(*state, "argon", VDEV_MODE_LISTENING);
	struct sp_port *p = vtest_open(dev);
	char buf[256], want[128];

	assert_int_equal(vtest_exchange(p, "L", buf, sizeof(buf), QUIET_MS, SILENCE_MS), 0);
	sp_close(p);
	sp_free_port(p);
	assert_int_equal(vdev_device_wait(dev, true, VDEV_MODE_LISTENING, 2000), 0);
	assert_int_equal(vdev_device_enumerations(dev), 2);
	assert_true(vdev_device_safe_mode(dev));
	snprintf(want, sizeof(want), "Device ID: %s\r\n", vdev_device_id(dev));
	p = vtest_open(dev);
	ask(p, "i", buf, sizeof(buf));
	assert_true(strncmp(buf, want, strlen(want)) == 0);
	sp_close(p);
	sp_free_port(p);
}

static void baud_28800_enters_listening(void **state)
{
	struct vdev_device *dev = vtest_add(*state, "photon", VDEV_MODE_NORMAL);
	struct sp_port *p = vtest_open(dev);
	char buf[256], want[128];

	assert_int_equal(sp_set_baudrate(p, 28800), SP_OK);
	assert_int_equal(vdev_device_last_set_baud(dev), 28800);
	assert_int_equal(vdev_device_mode(dev), VDEV_MODE_LISTENING);
	assert_int_equal(sp_set_baudrate(p, 9600), SP_OK);
	snprintf(want, sizeof(want), "Your device id is %s\r\n", vdev_device_id(dev));
	ask(p, "i", buf, sizeof(buf));
	assert_string_equal(buf, want);
	sp_close(p);
	sp_free_port(p);
}

static void baud_28800_ignored_on_6x(void **state)
{
	struct vdev_device_opts o;
	struct vdev_device *dev;
	struct sp_port *p;
	char buf[256];

	vdev_device_opts_init(&o, "boron");
	o.os_version = "6.2.0";
	dev = vtest_add_opts(*state, &o);
	p = vtest_open(dev);
	assert_int_equal(sp_set_baudrate(p, 28800), SP_OK);
	assert_int_equal(vdev_device_last_set_baud(dev), 28800);
	assert_int_equal(vdev_device_mode(dev), VDEV_MODE_NORMAL);
	assert_int_equal(vtest_exchange(p, "i", buf, sizeof(buf), QUIET_MS, SILENCE_MS), 0);
	sp_close(p);
	sp_free_port(p);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(i_short_form_photon, vtest_bed_setup, vtest_bed_teardown),
		cmocka_unit_test_setup_teardown(i_core_form, vtest_bed_setup, vtest_bed_teardown),
		cmocka_unit_test_setup_teardown(i_long_form_boron, vtest_bed_setup, vtest_bed_teardown),
		cmocka_unit_test_setup_teardown(i_long_form_electron, vtest_bed_setup, vtest_bed_teardown),
		cmocka_unit_test_setup_teardown(s_photon_healthy_exact, vtest_bed_setup, vtest_bed_teardown),
		cmocka_unit_test_setup_teardown(s_photon_safe_mode_dependency, vtest_bed_setup,
						vtest_bed_teardown),
		cmocka_unit_test_setup_teardown(s_verbatim_modules_json, vtest_bed_setup, vtest_bed_teardown),
		cmocka_unit_test_setup_teardown(s_boron_cellular_keys, vtest_bed_setup, vtest_bed_teardown),
		cmocka_unit_test_setup_teardown(v_m_c_d, vtest_bed_setup, vtest_bed_teardown),
		cmocka_unit_test_setup_teardown(silent_outside_listening, vtest_bed_setup,
						vtest_bed_teardown),
		cmocka_unit_test_setup_teardown(x_leaves_listening, vtest_bed_setup, vtest_bed_teardown),
		cmocka_unit_test_setup_teardown(w_dialog_success, vtest_bed_setup, vtest_bed_teardown),
		cmocka_unit_test_setup_teardown(w_dialog_failure_and_open_network, vtest_bed_setup,
						vtest_bed_teardown),
		cmocka_unit_test_setup_teardown(w_not_on_cellular, vtest_bed_setup, vtest_bed_teardown),
		cmocka_unit_test_setup_teardown(L_resets_into_safe_listening, vtest_bed_setup,
						vtest_bed_teardown),
		cmocka_unit_test_setup_teardown(baud_28800_enters_listening, vtest_bed_setup,
						vtest_bed_teardown),
		cmocka_unit_test_setup_teardown(baud_28800_ignored_on_6x, vtest_bed_setup,
						vtest_bed_teardown),
	};

	(void)argc;
	return vtest_main(argv, "vdev_console", tests, sizeof(tests) / sizeof(tests[0]));
}
