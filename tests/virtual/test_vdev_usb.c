/* test_vdev_usb.c - real libusb-1.0 against virtual devices: enumeration,
 * descriptors and strings, DFU-mode personality, re-enumeration after the
 * 14400 magic baud rate (with hotplug events), the control-request hook of
 * phase 2, and unplugging under an open handle. */
#include <errno.h>
#include <fcntl.h>
#include <libusb.h>
#include <linux/usbdevice_fs.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vtest.h"

#define TIMEOUT_MS 1000

struct usb_fixture {
	struct vdev_bed *bed;
	libusb_context *ctx;
};

static int usb_setup(void **state)
{
	struct usb_fixture *f = calloc(1, sizeof(*f));

	if (!f || vtest_bed_setup((void **)&f->bed) != 0)
		return -1;
	*state = f;
	return 0;
}

static int usb_teardown(void **state)
{
	struct usb_fixture *f = *state;

	if (f->ctx)
		libusb_exit(f->ctx);
	vdev_bed_free(f->bed);
	free(f);
	return 0;
}

static libusb_context *ctx_of(struct usb_fixture *f)
{
	if (!f->ctx)
		assert_int_equal(libusb_init(&f->ctx), 0);
	return f->ctx;
}

/* The device with vid:pid (and serial, when given); a new reference or NULL. */
static libusb_device *find(libusb_context *ctx, uint16_t vid, uint16_t pid, const char *serial)
{
	libusb_device **list, *found = NULL;
	ssize_t n = libusb_get_device_list(ctx, &list);

	for (ssize_t i = 0; i < n && !found; i++) {
		struct libusb_device_descriptor d;
		libusb_device_handle *h;
		unsigned char s[128] = "";

		if (libusb_get_device_descriptor(list[i], &d) != 0 || d.idVendor != vid ||
		    d.idProduct != pid)
			continue;
		if (serial) {
			if (libusb_open(list[i], &h) != 0)
				continue;
			libusb_get_string_descriptor_ascii(h, d.iSerialNumber, s, sizeof(s));
			libusb_close(h);
			if (strcmp((char *)s, serial) != 0)
				continue;
		}
		found = libusb_ref_device(list[i]);
	}
	if (n >= 0)
		libusb_free_device_list(list, 1);
	return found;
}

static void get_string(libusb_device_handle *h, uint8_t index, char *buf, size_t len)
{
	assert_true(libusb_get_string_descriptor_ascii(h, index, (unsigned char *)buf, (int)len) >= 0);
}

static void boron_normal_descriptors_and_strings(void **state)
{
	struct usb_fixture *f = *state;
	struct vdev_device *dev = vtest_add(f->bed, "boron", VDEV_MODE_NORMAL);
	struct libusb_device_descriptor d;
	struct libusb_config_descriptor *cfg;
	libusb_device_handle *h;
	libusb_device *ud = find(ctx_of(f), 0x2b04, 0xc00d, NULL);
	unsigned bus, addr;
	unsigned char langs[8], status[2];
	char s[128];

	assert_non_null(ud);
	assert_int_equal(vdev_device_usb_address(dev, &bus, &addr), 0);
	assert_int_equal(libusb_get_bus_number(ud), bus);
	assert_int_equal(libusb_get_device_address(ud), addr);
	assert_int_equal(libusb_get_device_descriptor(ud, &d), 0);
	assert_int_equal(d.bcdUSB, 0x0200);
	assert_int_equal(d.bDeviceClass, 0xef);
	assert_int_equal(d.bNumConfigurations, 1);
	assert_int_equal(libusb_get_active_config_descriptor(ud, &cfg), 0);
	assert_int_equal(cfg->bNumInterfaces, 3);
	assert_int_equal(cfg->interface[0].altsetting[0].bInterfaceClass, LIBUSB_CLASS_COMM);
	assert_int_equal(cfg->interface[0].altsetting[0].bInterfaceSubClass, 2);
	assert_int_equal(cfg->interface[0].altsetting[0].endpoint[0].bEndpointAddress, 0x82);
	assert_int_equal(cfg->interface[1].altsetting[0].bInterfaceClass, LIBUSB_CLASS_DATA);
	assert_int_equal(cfg->interface[1].altsetting[0].bNumEndpoints, 2);
	assert_int_equal(cfg->interface[2].altsetting[0].bInterfaceClass, LIBUSB_CLASS_VENDOR_SPEC);
	assert_int_equal(cfg->interface[2].altsetting[0].bNumEndpoints, 0);
	libusb_free_config_descriptor(cfg);

	assert_int_equal(libusb_open(ud, &h), 0);
	assert_int_equal(libusb_get_string_descriptor(h, 0, 0, langs, sizeof(langs)), 4);
	assert_int_equal(langs[2] | langs[3] << 8, 0x0409);
	get_string(h, d.iManufacturer, s, sizeof(s));
	assert_string_equal(s, "Particle");
	get_string(h, d.iProduct, s, sizeof(s));
	assert_string_equal(s, "Boron");
	get_string(h, d.iSerialNumber, s, sizeof(s));
	assert_string_equal(s, vdev_device_id(dev));
	assert_int_equal(libusb_get_string_descriptor_ascii(h, 42, (unsigned char *)s, sizeof(s)),
			 LIBUSB_ERROR_PIPE);
	assert_int_equal(libusb_claim_interface(h, 2), 0);
	assert_int_equal(libusb_control_transfer(h, 0x80, LIBUSB_REQUEST_GET_STATUS, 0, 0, status, 2,
						 TIMEOUT_MS),
			 2);
	assert_int_equal(libusb_release_interface(h, 2), 0);
	libusb_close(h);
	libusb_unref_device(ud);
}

static void photon_normal_is_plain_cdc(void **state)
{
	struct usb_fixture *f = *state;
	struct vdev_device *dev = vtest_add(f->bed, "photon", VDEV_MODE_NORMAL);
	struct libusb_device_descriptor d;
	struct libusb_config_descriptor *cfg;
	libusb_device *ud = find(ctx_of(f), 0x2b04, 0xc006, NULL);

	(void)dev;
	assert_non_null(ud);
	assert_int_equal(libusb_get_device_descriptor(ud, &d), 0);
	assert_int_equal(d.bDeviceClass, LIBUSB_CLASS_COMM);
	assert_int_equal(libusb_get_active_config_descriptor(ud, &cfg), 0);
	assert_int_equal(cfg->bNumInterfaces, 2);
	libusb_free_config_descriptor(cfg);
	libusb_unref_device(ud);
}

/* DFU personality: alt settings named by devices.json, functional descriptor. */
static void check_dfu(struct usb_fixture *f, struct vdev_device *dev, const char *want_serial)
{
	const struct vdev_platform *pl = vdev_device_platform(dev);
	struct libusb_device_descriptor d;
	struct libusb_config_descriptor *cfg;
	const struct libusb_interface *intf;
	const struct libusb_interface_descriptor *last;
	libusb_device_handle *h;
	libusb_device *ud = find(ctx_of(f), pl->dfu_vid, pl->dfu_pid, NULL);
	char s[160];

	assert_non_null(ud);
	assert_int_equal(libusb_get_device_descriptor(ud, &d), 0);
	assert_int_equal(libusb_get_active_config_descriptor(ud, &cfg), 0);
	assert_int_equal(cfg->bNumInterfaces, 1);
	intf = &cfg->interface[0];
	assert_int_equal(intf->num_altsetting, (int)pl->ndfu_alt);
	assert_int_equal(libusb_open(ud, &h), 0);
	for (int a = 0; a < intf->num_altsetting; a++) {
		const struct libusb_interface_descriptor *alt = &intf->altsetting[a];

		assert_int_equal(alt->bAlternateSetting, a);
		assert_int_equal(alt->bInterfaceClass, LIBUSB_CLASS_APPLICATION);
		assert_int_equal(alt->bInterfaceSubClass, 1);
		assert_int_equal(alt->bInterfaceProtocol, 2);
		get_string(h, alt->iInterface, s, sizeof(s));
		assert_string_equal(s, pl->dfu_alt[a]);
	}
	last = &intf->altsetting[intf->num_altsetting - 1];
	assert_int_equal(last->extra_length, 9);
	assert_int_equal(last->extra[1], 0x21);
	assert_int_equal(last->extra[5] | last->extra[6] << 8, (int)pl->dfu_transfer_size);
	assert_int_equal(last->extra[7] | last->extra[8] << 8, 0x011a);
	get_string(h, d.iProduct, s, sizeof(s));
	assert_string_equal(s, pl->dfu_product);
	get_string(h, d.iSerialNumber, s, sizeof(s));
	assert_string_equal(s, want_serial);
	/* Alt selection reaches the device. */
	assert_int_equal(libusb_claim_interface(h, 0), 0);
	assert_int_equal(libusb_set_interface_alt_setting(h, 0, 1), 0);
	assert_int_equal(vdev_device_alt_setting(dev, 0), 1);
	assert_int_equal(libusb_set_interface_alt_setting(h, 0, 9), LIBUSB_ERROR_NOT_FOUND);
	libusb_close(h);
	libusb_free_config_descriptor(cfg);
	libusb_unref_device(ud);
}

static void dfu_mode_personalities(void **state)
{
	struct usb_fixture *f = *state;
	struct vdev_device *photon = vtest_add(f->bed, "photon", VDEV_MODE_DFU);
	struct vdev_device *boron = vtest_add(f->bed, "boron", VDEV_MODE_DFU);

	check_dfu(f, photon, "00000000010C");
	check_dfu(f, boron, vdev_device_id(boron)); /* Gen 3: the device ID in DFU too */
}

struct hotplug_log {
	int arrived, left;
	uint16_t arrived_pid, left_pid;
};

static int LIBUSB_CALL on_hotplug(libusb_context *ctx, libusb_device *d, libusb_hotplug_event ev,
				  void *data)
{
	struct hotplug_log *log = data;
	struct libusb_device_descriptor desc;

	(void)ctx;
	libusb_get_device_descriptor(d, &desc);
	if (ev == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED) {
		log->arrived++;
		log->arrived_pid = desc.idProduct;
	} else {
		log->left++;
		log->left_pid = desc.idProduct;
	}
	return 0;
}

static void baud_14400_reenumerates_as_dfu(void **state)
{
	struct usb_fixture *f = *state;
	struct vdev_device *dev = vtest_add(f->bed, "boron", VDEV_MODE_NORMAL);
	libusb_context *ctx = ctx_of(f);
	struct hotplug_log log = { 0 };
	libusb_hotplug_callback_handle cb;
	struct sp_port *p;
	libusb_device *ud = NULL;
	int64_t start, deadline;
	char node[32];

	assert_true(libusb_has_capability(LIBUSB_CAP_HAS_HOTPLUG));
	assert_int_equal(libusb_hotplug_register_callback(
				 ctx, LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED | LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT,
				 0, 0x2b04, LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY, on_hotplug,
				 &log, &cb),
			 0);
	p = vtest_open(dev);
	start = vtest_now_ms();
	assert_int_equal(sp_set_baudrate(p, 14400), SP_OK);
	sp_close(p);
	sp_free_port(p);
	deadline = start + 3000;
	while (vtest_now_ms() < deadline && (!ud || log.arrived < 1)) {
		struct timeval tv = { 0, 10000 };

		libusb_handle_events_timeout_completed(ctx, &tv, NULL);
		if (!ud)
			ud = find(ctx, 0x2b04, 0xd00d, vdev_device_id(dev));
	}
	assert_non_null(ud);
	/* Not instantly: it leaves the bus, then re-enumerates (20 + 250 ms). */
	assert_true(vtest_now_ms() - start >= 250);
	assert_null(find(ctx, 0x2b04, 0xc00d, NULL));
	assert_int_equal(vdev_device_tty(dev, node, sizeof(node)), -ENODEV);
	assert_int_equal(vdev_device_mode(dev), VDEV_MODE_DFU);
	assert_int_equal(log.left, 1);
	assert_int_equal(log.left_pid, 0xc00d);
	assert_int_equal(log.arrived, 1);
	assert_int_equal(log.arrived_pid, 0xd00d);
	libusb_hotplug_deregister_callback(ctx, cb);
	libusb_unref_device(ud);
}

/* A phase-2 style model: 0x50 IN answers "hello", 0x51 stalls, 0x52 never
 * answers, 0x53 OUT stores its data, 0x54 answers "late" 150 ms later,
 * everything else passes. */
struct test_model {
	struct vdev_device *dev;
	uint8_t out[16];
	size_t out_len;
	int detached;
};

static int model_control(void *model, const struct usb_ctrlrequest *s, uint8_t *data, size_t *len)
{
	struct test_model *m = model;

	if ((s->bRequestType & USB_TYPE_MASK) != USB_TYPE_VENDOR)
		return VDEV_CTRL_PASS;
	switch (s->bRequest) {
	case 0x50:
		memcpy(data, "hello", 5);
		*len = 5;
		return VDEV_CTRL_DONE;
	case 0x51:
		return VDEV_CTRL_STALL;
	case 0x52:
		return VDEV_CTRL_NO_ANSWER;
	case 0x53:
		m->out_len = *len < sizeof(m->out) ? *len : sizeof(m->out);
		memcpy(m->out, data, m->out_len);
		return VDEV_CTRL_DONE;
	case 0x54:
		memcpy(data, "late", 4);
		*len = 4;
		vdev_device_delay_answer(m->dev, 150);
		return VDEV_CTRL_DONE;
	default:
		return VDEV_CTRL_PASS;
	}
}

static void model_detached(void *model)
{
	((struct test_model *)model)->detached++;
}

static const struct vdev_usb_model test_model_ops = {
	.control = model_control,
	.detached = model_detached,
};

static void control_hook(void **state)
{
	struct usb_fixture *f = *state;
	struct vdev_device *dev = vtest_add(f->bed, "argon", VDEV_MODE_NORMAL);
	struct test_model m = { .dev = dev };
	libusb_device_handle *h;
	unsigned char buf[64];
	int64_t t0;

	vdev_device_set_usb_model(dev, VDEV_USB_NORMAL, &test_model_ops, &m);
	h = libusb_open_device_with_vid_pid(ctx_of(f), 0x2b04, 0xc00c);
	assert_non_null(h);
	assert_int_equal(libusb_control_transfer(h, 0xc1, 0x50, 0, 2, buf, sizeof(buf), TIMEOUT_MS), 5);
	assert_memory_equal(buf, "hello", 5);
	assert_int_equal(libusb_control_transfer(h, 0xc1, 0x51, 0, 2, buf, sizeof(buf), TIMEOUT_MS),
			 LIBUSB_ERROR_PIPE);
	t0 = vtest_now_ms();
	assert_int_equal(libusb_control_transfer(h, 0xc1, 0x52, 0, 2, buf, sizeof(buf), 100),
			 LIBUSB_ERROR_TIMEOUT);
	assert_true(vtest_now_ms() - t0 >= 90);
	assert_int_equal(libusb_control_transfer(h, 0x41, 0x53, 0, 2, (unsigned char *)"abc", 3,
						 TIMEOUT_MS),
			 3);
	assert_int_equal(m.out_len, 3);
	assert_memory_equal(m.out, "abc", 3);
	/* A busy device answers late: in time for a patient client ... */
	t0 = vtest_now_ms();
	assert_int_equal(libusb_control_transfer(h, 0xc1, 0x54, 0, 2, buf, sizeof(buf), TIMEOUT_MS), 4);
	assert_memory_equal(buf, "late", 4);
	assert_true(vtest_now_ms() - t0 >= 140);
	/* ... too late for an impatient one. */
	assert_int_equal(libusb_control_transfer(h, 0xc1, 0x54, 0, 2, buf, sizeof(buf), 50),
			 LIBUSB_ERROR_TIMEOUT);
	/* Standard requests still reach the engine; unknown vendor ones stall. */
	assert_true(libusb_get_string_descriptor_ascii(h, 2, buf, sizeof(buf)) > 0);
	assert_string_equal((char *)buf, "Argon");
	assert_int_equal(libusb_control_transfer(h, 0xc1, 0x60, 0, 2, buf, sizeof(buf), TIMEOUT_MS),
			 LIBUSB_ERROR_PIPE);
	/* Leaving the bus: the open handle fails with NO_DEVICE, the model is told. */
	assert_int_equal(vdev_device_unplug(dev), 0);
	assert_int_equal(m.detached, 1);
	assert_int_equal(libusb_control_transfer(h, 0xc1, 0x50, 0, 2, buf, sizeof(buf), TIMEOUT_MS),
			 LIBUSB_ERROR_NO_DEVICE);
	libusb_close(h);
	vdev_device_set_usb_model(dev, VDEV_USB_NORMAL, NULL, NULL);
}

/* The usbdevfs node answers raw ioctls the way the kernel does. */
static void raw_usbdevfs_ioctls(void **state)
{
	struct usb_fixture *f = *state;
	struct vdev_device *dev = vtest_add(f->bed, "photon", VDEV_MODE_DFU);
	uint8_t desc[18] = { 0 };
	struct usbdevfs_ctrltransfer ct = { .bRequestType = 0x80, .bRequest = 6, .wValue = 0x0100,
					    .wLength = sizeof(desc), .timeout = 1000, .data = desc };
	struct usbdevfs_connectinfo ci = { 0 };
	struct usbdevfs_getdriver gd = { .interface = 0 };
	unsigned bus, addr, iface = 0;
	char node[32];
	int fd;

	assert_int_equal(vdev_device_usb_node(dev, node, sizeof(node)), 0);
	fd = open(node, O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(ioctl(fd, USBDEVFS_CONTROL, &ct), 18);
	assert_int_equal(desc[0], 18);
	assert_int_equal(desc[8] | desc[9] << 8, 0x2b04);
	assert_int_equal(desc[10] | desc[11] << 8, 0xd006);
	assert_int_equal(ioctl(fd, USBDEVFS_CONNECTINFO, &ci), 0);
	assert_int_equal(vdev_device_usb_address(dev, &bus, &addr), 0);
	assert_int_equal(ci.devnum, addr);
	assert_int_equal(ioctl(fd, USBDEVFS_GETDRIVER, &gd), -1);
	assert_int_equal(errno, ENODATA);
	assert_int_equal(ioctl(fd, USBDEVFS_CLAIMINTERFACE, &iface), 0);
	iface = 5;
	assert_int_equal(ioctl(fd, USBDEVFS_CLAIMINTERFACE, &iface), -1);
	assert_int_equal(errno, ENOENT);
	ct.wValue = 0x0600; /* device qualifier: a full-speed device stalls */
	assert_int_equal(ioctl(fd, USBDEVFS_CONTROL, &ct), -1);
	assert_int_equal(errno, EPIPE);
	assert_int_equal(ioctl(fd, _IO('U', 99)), -1);
	assert_int_equal(errno, ENOTTY);
	close(fd);
}

static void two_devices_libusb(void **state)
{
	struct usb_fixture *f = *state;
	struct vdev_device *a = vtest_add(f->bed, "p2", VDEV_MODE_NORMAL);
	struct vdev_device *b = vtest_add(f->bed, "p2", VDEV_MODE_DFU);
	libusb_device *ua = find(ctx_of(f), 0x2b04, 0xc020, vdev_device_id(a));
	libusb_device *ub = find(ctx_of(f), 0x2b04, 0xd020, vdev_device_id(b));

	assert_non_null(ua);
	assert_non_null(ub);
	assert_int_not_equal(libusb_get_device_address(ua), libusb_get_device_address(ub));
	assert_int_not_equal(libusb_get_port_number(ua), libusb_get_port_number(ub));
	libusb_unref_device(ua);
	libusb_unref_device(ub);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(boron_normal_descriptors_and_strings, usb_setup,
						usb_teardown),
		cmocka_unit_test_setup_teardown(photon_normal_is_plain_cdc, usb_setup, usb_teardown),
		cmocka_unit_test_setup_teardown(dfu_mode_personalities, usb_setup, usb_teardown),
		cmocka_unit_test_setup_teardown(baud_14400_reenumerates_as_dfu, usb_setup, usb_teardown),
		cmocka_unit_test_setup_teardown(control_hook, usb_setup, usb_teardown),
		cmocka_unit_test_setup_teardown(raw_usbdevfs_ioctls, usb_setup, usb_teardown),
		cmocka_unit_test_setup_teardown(two_devices_libusb, usb_setup, usb_teardown),
	};

	(void)argc;
	return vtest_main(argv, "vdev_usb", tests, sizeof(tests) / sizeof(tests[0]));
}
