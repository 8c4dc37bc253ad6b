/* vusb.c - see vusb.h. */
#include "vusb.h"

#include <stdlib.h>
#include <string.h>

int vusb_setup(void **state)
{
	struct vusb *f = calloc(1, sizeof(*f));

	if (!f || vtest_bed_setup((void **)&f->bed) != 0 || libusb_init(&f->ctx) != 0)
		return -1;
	*state = f;
	return 0;
}

int vusb_teardown(void **state)
{
	struct vusb *f = *state;

	if (f->ctx)
		libusb_exit(f->ctx);
	vdev_bed_free(f->bed);
	free(f);
	return 0;
}

struct vdev_device *vusb_add(struct vusb *f, const char *platform, enum vdev_mode mode)
{
	struct vdev_device_opts o;

	vdev_device_opts_init(&o, platform);
	o.mode = mode;
	o.timing.request_reset_ms = 50;
	o.timing.manifest_reset_ms = 50;
	o.timing.enumerate_ms = 50;
	return vtest_add_opts(f->bed, &o);
}

libusb_device_handle *vusb_open(struct vusb *f, struct vdev_device *dev)
{
	libusb_device **list;
	libusb_device_handle *h = NULL;
	unsigned bus, addr;
	ssize_t n;

	assert_int_equal(vdev_device_usb_address(dev, &bus, &addr), 0);
	n = libusb_get_device_list(f->ctx, &list);
	assert_true(n >= 0);
	for (ssize_t i = 0; i < n && !h; i++) {
		if (libusb_get_bus_number(list[i]) == bus && libusb_get_device_address(list[i]) == addr)
			assert_int_equal(libusb_open(list[i], &h), 0);
	}
	libusb_free_device_list(list, 1);
	if (!h)
		fail_msg("device %s at %u/%u not found by libusb", vdev_device_id(dev), bus, addr);
	return h;
}

void vusb_wait(struct vusb *f, struct vdev_device *dev, int mode, unsigned timeout_ms)
{
	int64_t deadline = vtest_now_ms() + timeout_ms;

	for (;;) {
		struct timeval tv = { 0, 5000 };
		bool present = vdev_device_present(dev);

		if (mode < 0 ? !present : (present && (int)vdev_device_mode(dev) == mode))
			return;
		if (vtest_now_ms() > deadline)
			fail_msg("device %s not %s within %u ms", vdev_device_id(dev),
				 mode < 0 ? "gone" : "back in the expected mode", timeout_ms);
		libusb_handle_events_timeout_completed(f->ctx, &tv, NULL);
	}
}

void vusb_wait_back(struct vusb *f, struct vdev_device *dev, unsigned before, int mode,
		    unsigned timeout_ms)
{
	int64_t deadline = vtest_now_ms() + timeout_ms;

	while (!(vdev_device_enumerations(dev) > before && vdev_device_present(dev) &&
		 (int)vdev_device_mode(dev) == mode)) {
		struct timeval tv = { 0, 5000 };

		if (vtest_now_ms() > deadline)
			fail_msg("device %s did not come back within %u ms", vdev_device_id(dev),
				 timeout_ms);
		libusb_handle_events_timeout_completed(f->ctx, &tv, NULL);
	}
}

static int LIBUSB_CALL on_hotplug(libusb_context *ctx, libusb_device *d, libusb_hotplug_event ev,
				  void *data)
{
	struct vusb_hotplug *log = data;
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

void vusb_hotplug_start(struct vusb *f, struct vusb_hotplug *log)
{
	memset(log, 0, sizeof(*log));
	assert_true(libusb_has_capability(LIBUSB_CAP_HAS_HOTPLUG));
	/* Let libusb take in the "add" of devices created just before. */
	for (int64_t end = vtest_now_ms() + 30; vtest_now_ms() < end;) {
		struct timeval tv = { 0, 5000 };
		libusb_handle_events_timeout_completed(f->ctx, &tv, NULL);
	}
	assert_int_equal(libusb_hotplug_register_callback(
				 f->ctx,
				 LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED | LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT, 0,
				 LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY,
				 LIBUSB_HOTPLUG_MATCH_ANY, on_hotplug, log, &log->cb),
			 0);
}

void vusb_hotplug_stop(struct vusb *f, struct vusb_hotplug *log)
{
	libusb_hotplug_deregister_callback(f->ctx, log->cb);
}
