/* test_vdev_dfu.c - the DfuSe model through real libusb-1.0: alt-string
 * memory maps, erase/write/upload with ST block addressing per family
 * (STM32 Photon/Core, nRF52840 Boron, RTL872x P2), sector protection, the
 * state machine's error paths per family, leave/manifest and safe mode,
 * the 0xFA device-state string, and every DFU fault.  The DFU host code
 * here is the test's own. */
#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "vdev_flash.h"
#include "vusb.h"

#define T VUSB_TIMEOUT_MS

enum { DETACH, DNLOAD, UPLOAD, GETSTATUS, CLRSTATUS, GETSTATE, ABORT };
enum {
	IDLE = 2,
	DNLOAD_SYNC = 3,
	DNBUSY = 4,
	DNLOAD_IDLE = 5,
	MANIFEST = 7,
	MANIFEST_WAIT_RESET = 8,
	UPLOAD_IDLE = 9,
	ERROR = 10,
};
enum { OK = 0, errTARGET = 1, errWRITE = 3, errERASE = 4, errADDRESS = 8, errUNKNOWN = 14,
       errSTALLEDPKT = 15 };

struct st {
	int rc;
	uint8_t status, state;
	unsigned poll;
};

static struct st getstatus(libusb_device_handle *h)
{
	uint8_t b[6] = { 0 };
	struct st s = { 0 };

	s.rc = libusb_control_transfer(h, 0xa1, GETSTATUS, 0, 0, b, 6, T);
	if (s.rc == 6) {
		s.status = b[0];
		s.poll = (unsigned)(b[1] | b[2] << 8 | b[3] << 16);
		s.state = b[4];
	}
	return s;
}

static int dnload(libusb_device_handle *h, uint16_t block, const void *data, uint16_t len)
{
	return libusb_control_transfer(h, 0x21, DNLOAD, block, 0, (unsigned char *)data, len, T);
}

static int upload(libusb_device_handle *h, uint16_t block, void *data, uint16_t len)
{
	return libusb_control_transfer(h, 0xa1, UPLOAD, block, 0, data, len, T);
}

static int simple(libusb_device_handle *h, uint8_t req)
{
	return libusb_control_transfer(h, 0x21, req, 0, 0, NULL, 0, T);
}

/* The GETSTATUS after a DNLOAD: dfuDNBUSY; then the outcome. */
static struct st finish(libusb_device_handle *h)
{
	struct st s = getstatus(h);

	assert_int_equal(s.rc, 6);
	assert_int_equal(s.state, DNBUSY);
	return getstatus(h);
}

/* A DfuSe command with an address, through to its outcome. */
static struct st command(libusb_device_handle *h, uint8_t cmd, uint32_t addr)
{
	uint8_t b[5] = { cmd, (uint8_t)addr, (uint8_t)(addr >> 8), (uint8_t)(addr >> 16),
			 (uint8_t)(addr >> 24) };

	assert_int_equal(dnload(h, 0, b, 5), 5);
	return finish(h);
}

static void expect(struct st s, uint8_t state, uint8_t status)
{
	assert_int_equal(s.rc, 6);
	assert_int_equal(s.state, state);
	assert_int_equal(s.status, status);
}

static libusb_device_handle *open_alt(struct vusb *f, struct vdev_device *dev, int alt)
{
	libusb_device_handle *h = vusb_open(f, dev);

	assert_int_equal(libusb_claim_interface(h, 0), 0);
	assert_int_equal(libusb_set_interface_alt_setting(h, 0, alt), 0);
	return h;
}

static void fill(uint8_t *b, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(seed * 31 + i * 7 + (i >> 8));
}

/* ---- memory maps (pure) ----------------------------------------------------------- */

static void alt_strings_parse(void **state)
{
	struct vusb *f = *state;
	struct vdev_flash_layout l;
	struct vdev_flash fl;
	char err[128];
	size_t lost = 0;
	uint8_t b[8];
	const char *bad[] = { "Internal", "@x/0x0/", "@x/0x0/4*4Kz", "@x/zz/1*4Kg", "@x/0/1*4Kg,",
			      "@x/0/0*4Kg", NULL };

	/* Every alt of every platform in devices.json parses. */
	for (const char *const *k = (const char *const[]){ "core", "photon", "p1", "electron",
							   "argon", "boron", "bsom", "b5som",
							   "tracker", "trackerm", "p2", "msom",
							   NULL };
	     *k; k++) {
		const struct vdev_platform *p = vdev_bed_platform(f->bed, *k);

		assert_non_null(p);
		for (size_t a = 0; a < p->ndfu_alt; a++) {
			if (vdev_flash_parse(p->dfu_alt[a], &l, err, sizeof(err)) != 0)
				fail_msg("%s alt %zu: %s", *k, a, err);
		}
	}
	assert_int_equal(vdev_flash_parse(vdev_bed_platform(f->bed, "photon")->dfu_alt[0], &l, err,
					  sizeof(err)),
			 0);
	assert_string_equal(l.name, "Internal Flash");
	assert_int_equal(l.nseg, 4);
	assert_int_equal(l.seg[0].start, 0x08000000);
	assert_int_equal(l.seg[0].end, 0x0800c000);
	assert_int_equal(l.seg[0].props, VDEV_FLASH_READ);
	assert_int_equal(l.seg[3].start, 0x08020000);
	assert_int_equal(l.seg[3].sector_size, 128 * 1024);
	assert_int_equal(l.seg[3].end, 0x08100000);
	assert_int_equal(l.seg[3].props, VDEV_FLASH_READ | VDEV_FLASH_ERASE | VDEV_FLASH_WRITE);
	assert_int_equal(vdev_flash_parse(vdev_bed_platform(f->bed, "p2")->dfu_alt[0], &l, err,
					  sizeof(err)),
			 0);
	assert_int_equal(l.seg[0].end, 0x08800000);
	assert_int_equal(vdev_flash_parse("@Two /0x100/2*16 Bg/0x8000/1*1Ke", &l, err, sizeof(err)),
			 0);
	assert_int_equal(l.nseg, 2);
	assert_int_equal(l.seg[0].end, 0x120);
	assert_int_equal(l.seg[1].start, 0x8000);
	assert_int_equal(l.seg[1].props, VDEV_FLASH_READ | VDEV_FLASH_WRITE);
	for (int i = 0; bad[i]; i++)
		assert_int_equal(vdev_flash_parse(bad[i], &l, err, sizeof(err)), -EINVAL);
	/* NOR: bits only go 1 -> 0 until erased. */
	vdev_flash_init(&fl, "@F /0x1000/2*4Kg");
	assert_int_equal(vdev_flash_store(&fl, 0x1ffe, "\x0f\xf0\x55\xaa", 4, true, &lost), 0);
	assert_int_equal(lost, 0);
	assert_int_equal(vdev_flash_store(&fl, 0x1ffe, "\xf0\xf0\xff\x00", 4, true, &lost), 0);
	assert_int_equal(lost, 2);
	assert_int_equal(vdev_flash_read(&fl, 0x1ffd, b, 6), 0);
	assert_memory_equal(b, "\xff\x00\xf0\x55\x00\xff", 6);
	assert_int_equal(vdev_flash_erase_sector(&fl, 0x1fff), 0);
	assert_int_equal(vdev_flash_read(&fl, 0x1ffd, b, 6), 0);
	assert_memory_equal(b, "\xff\xff\xff\x55\x00\xff", 6); /* only the first sector */
	assert_int_equal(vdev_flash_read(&fl, 0x2ffe, b, 4), -ERANGE);
	vdev_flash_done(&fl);
}

/* ---- download / upload per family --------------------------------------------------- */

static void round_trip(struct vusb *f, const char *platform, uint32_t addr, unsigned commands)
{
	struct vdev_device *dev = vusb_add(f, platform, VDEV_MODE_DFU);
	unsigned ts = vdev_device_platform(dev)->dfu_transfer_size;
	libusb_device_handle *h = open_alt(f, dev, 0);
	size_t n = ts + ts / 2 + 3; /* one full block and a short one */
	uint8_t *data = g_malloc(n), *back = g_malloc(n + ts), cmds[8];
	struct vdev_flash_stats stats;
	uint8_t state, status;
	uint32_t ptr;

	fill(data, n, addr);
	expect(getstatus(h), IDLE, OK);
	assert_int_equal(upload(h, 0, cmds, sizeof(cmds)), (int)commands);
	assert_memory_equal(cmds, "\x00\x21\x41\xfa\xfb", commands);
	expect(command(h, 0x41, addr), DNLOAD_IDLE, OK);
	if (addr % 4096 + n > 4096 && vdev_device_platform(dev)->gen >= 3)
		expect(command(h, 0x41, addr + 4096), DNLOAD_IDLE, OK); /* 4 KB pages */
	expect(command(h, 0x21, addr), DNLOAD_IDLE, OK);
	/* ST addressing: block 3 lands one transfer size after the pointer. */
	assert_int_equal(dnload(h, 2, data, (uint16_t)ts), (int)ts);
	expect(finish(h), DNLOAD_IDLE, OK);
	assert_int_equal(dnload(h, 3, data + ts, (uint16_t)(n - ts)), (int)(n - ts));
	expect(finish(h), DNLOAD_IDLE, OK);
	assert_int_equal(vdev_device_dfu_state(dev, &state, &status, &ptr), 0);
	assert_int_equal(state, DNLOAD_IDLE);
	assert_int_equal(ptr, addr);
	assert_int_equal(simple(h, ABORT), 0);
	expect(getstatus(h), IDLE, OK);
	/* Upload: wValue 2, 3, short last block asked for. */
	assert_int_equal(upload(h, 2, back, (uint16_t)ts), (int)ts);
	assert_int_equal(upload(h, 3, back + ts, (uint16_t)(n - ts)), (int)(n - ts));
	assert_memory_equal(back, data, n);
	expect(getstatus(h), UPLOAD_IDLE, OK);
	memset(back, 0, n);
	assert_int_equal(vdev_device_flash_read(dev, 0, addr, back, n + 1), 0);
	assert_memory_equal(back, data, n);
	assert_int_equal(back[n], 0xff);
	assert_int_equal(vdev_device_flash_stats(dev, 0, &stats), 0);
	assert_int_equal(stats.writes, 2);
	assert_int_equal(stats.bytes_written, n);
	assert_int_equal(stats.uploads, 2);
	assert_int_equal(stats.lost_bytes, 0);
	assert_int_equal(stats.rejected, 0);
	assert_true(stats.erases >= 1);
	libusb_close(h);
	g_free(data);
	g_free(back);
}

static void round_trip_photon(void **state)
{
	round_trip(*state, "photon", 0x080A0000, 3);
}

static void round_trip_boron(void **state)
{
	round_trip(*state, "boron", 0xB4000, 5);
}

static void round_trip_p2(void **state)
{
	round_trip(*state, "p2", 0x085F4000, 5);
}

static void round_trip_core(void **state)
{
	round_trip(*state, "core", 0x08005000, 3);
}

/* ---- protection and NOR ------------------------------------------------------------- */

static void protection_boron(void **state)
{
	struct vusb *f = *state;
	struct vdev_device *dev = vusb_add(f, "boron", VDEV_MODE_DFU);
	libusb_device_handle *h = open_alt(f, dev, 0);
	uint8_t b[64], back[8];
	struct vdev_flash_stats st;

	memset(b, 0x11, sizeof(b));
	/* MBR page (1*004Ka): read-only. */
	expect(command(h, 0x41, 0x0), ERROR, errERASE);
	assert_int_equal(simple(h, CLRSTATUS), 0);
	expect(getstatus(h), IDLE, OK);
	expect(command(h, 0x21, 0x0), DNLOAD_IDLE, OK);
	assert_int_equal(dnload(h, 2, b, sizeof(b)), (int)sizeof(b));
	expect(finish(h), ERROR, errWRITE);
	assert_int_equal(simple(h, CLRSTATUS), 0);
	/* Beyond the map (1 MB of internal flash). */
	expect(command(h, 0x21, 0x100000), DNLOAD_IDLE, OK);
	assert_int_equal(dnload(h, 2, b, sizeof(b)), (int)sizeof(b));
	expect(finish(h), ERROR, errADDRESS);
	assert_int_equal(simple(h, CLRSTATUS), 0);
	/* Writing without erasing first: NOR keeps the old zeros. */
	assert_int_equal(vdev_device_flash_write(dev, 0, 0xB4000, "\x00\xf0", 2), 0);
	expect(command(h, 0x21, 0xB4000), DNLOAD_IDLE, OK);
	assert_int_equal(dnload(h, 2, "\x0f\x0f", 2), 2);
	expect(finish(h), DNLOAD_IDLE, OK);
	assert_int_equal(vdev_device_flash_read(dev, 0, 0xB4000, back, 2), 0);
	assert_memory_equal(back, "\x00\x00", 2);
	assert_int_equal(vdev_device_flash_stats(dev, 0, &st), 0);
	assert_int_equal(st.lost_bytes, 2);
	assert_int_equal(st.rejected, 3);
	libusb_close(h);
	/* DCT alt (1*016Ke): written in place without an erase, not erasable. */
	h = open_alt(f, dev, 1);
	expect(command(h, 0x21, 0x100), DNLOAD_IDLE, OK);
	assert_int_equal(vdev_device_flash_write(dev, 1, 0x100, "\x00\x00", 2), 0);
	assert_int_equal(dnload(h, 2, "\xa5\x5a", 2), 2);
	expect(finish(h), DNLOAD_IDLE, OK);
	assert_int_equal(vdev_device_flash_read(dev, 1, 0x100, back, 2), 0);
	assert_memory_equal(back, "\xa5\x5a", 2);
	expect(command(h, 0x41, 0x0), ERROR, errERASE);
	libusb_close(h);
}

static void protection_photon(void **state)
{
	struct vusb *f = *state;
	struct vdev_device *dev = vusb_add(f, "photon", VDEV_MODE_DFU);
	libusb_device_handle *h = open_alt(f, dev, 0);
	uint8_t b[16] = { 0 };

	/* The bootloader and DCT sectors (03*016Ka). */
	expect(command(h, 0x41, 0x08004000), ERROR, errERASE);
	assert_int_equal(simple(h, CLRSTATUS), 0);
	expect(command(h, 0x21, 0x08000000), DNLOAD_IDLE, OK);
	assert_int_equal(dnload(h, 2, b, sizeof(b)), (int)sizeof(b));
	expect(finish(h), ERROR, errWRITE);
	assert_int_equal(simple(h, CLRSTATUS), 0);
	/* Mass erase is not supported. */
	assert_int_equal(dnload(h, 0, "\x41", 1), 1);
	expect(finish(h), ERROR, errTARGET);
	libusb_close(h);
}

/* ---- state machine per family ------------------------------------------------------- */

static void undefined_transitions(void **state)
{
	struct vusb *f = *state;
	struct vdev_device *boron = vusb_add(f, "boron", VDEV_MODE_DFU);
	struct vdev_device *photon = vusb_add(f, "photon", VDEV_MODE_DFU);
	libusb_device_handle *h = open_alt(f, boron, 0);
	uint8_t b[64], st = 0;

	/* Particle's stack: stall and dfuERROR (errUNKNOWN). */
	assert_int_equal(simple(h, CLRSTATUS), LIBUSB_ERROR_PIPE);
	expect(getstatus(h), ERROR, errUNKNOWN);
	assert_int_equal(simple(h, CLRSTATUS), 0);
	expect(command(h, 0x21, 0xB4000), DNLOAD_IDLE, OK);
	assert_int_equal(upload(h, 2, b, 16), LIBUSB_ERROR_PIPE);
	assert_int_equal(libusb_control_transfer(h, 0xa1, GETSTATE, 0, 0, &st, 1, T), 1);
	assert_int_equal(st, ERROR);
	assert_int_equal(simple(h, CLRSTATUS), 0);
	assert_int_equal(upload(h, 1, b, 16), LIBUSB_ERROR_PIPE); /* block 1 is undefined */
	assert_int_equal(simple(h, CLRSTATUS), 0);
	/* Reading past the end of the map. */
	expect(command(h, 0x21, 0xFFFF0), DNLOAD_IDLE, OK);
	assert_int_equal(simple(h, ABORT), 0);
	assert_int_equal(upload(h, 2, b, 32), LIBUSB_ERROR_PIPE);
	expect(getstatus(h), ERROR, errADDRESS);
	libusb_close(h);

	/* ST: CLRSTATUS outside dfuERROR is not stalled; a DNLOAD in
	 * dfuUPLOAD_IDLE stalls and leaves the state alone. */
	h = open_alt(f, photon, 0);
	assert_int_equal(simple(h, CLRSTATUS), 0);
	expect(getstatus(h), ERROR, errUNKNOWN);
	assert_int_equal(simple(h, CLRSTATUS), 0);
	assert_int_equal(upload(h, 0, b, 3), 3);
	expect(getstatus(h), UPLOAD_IDLE, OK);
	assert_int_equal(dnload(h, 2, b, 16), LIBUSB_ERROR_PIPE);
	expect(getstatus(h), UPLOAD_IDLE, OK);
	assert_int_equal(simple(h, ABORT), 0);
	expect(getstatus(h), IDLE, OK);
	/* 0xFA is not an STM32 command. */
	assert_int_equal(dnload(h, 0, "\xfa", 1), 1);
	expect(finish(h), ERROR, errUNKNOWN);
	libusb_close(h);
}

/* ---- leave, manifest, safe mode -------------------------------------------------------- */

static void leave_photon_reports_idle(void **state)
{
	struct vusb *f = *state;
	struct vdev_device *dev = vusb_add(f, "photon", VDEV_MODE_DFU);
	libusb_device_handle *h = open_alt(f, dev, 0);
	unsigned before = vdev_device_enumerations(dev);

	assert_int_equal(dnload(h, 2, NULL, 0), 0);
	expect(getstatus(h), DNLOAD_IDLE, OK); /* not dfuMANIFEST: "manifest-as-idle" */
	expect(getstatus(h), MANIFEST_WAIT_RESET, OK);
	libusb_close(h);
	vusb_wait_back(f, dev, before, VDEV_MODE_NORMAL, 3000);
	assert_int_equal(vdev_device_enumerations(dev), before + 1);
	assert_false(vdev_device_safe_mode(dev));
}

static void leave_boron_manifests(void **state)
{
	struct vusb *f = *state;
	struct vdev_device *dev = vusb_add(f, "boron", VDEV_MODE_DFU);
	libusb_device_handle *h = open_alt(f, dev, 0);
	struct vusb_hotplug log;
	unsigned before = vdev_device_enumerations(dev);

	vusb_hotplug_start(f, &log);
	assert_int_equal(dnload(h, 2, NULL, 0), 0);
	expect(getstatus(h), MANIFEST, OK);
	assert_int_equal(getstatus(h).rc, LIBUSB_ERROR_PIPE); /* dfuMANIFEST_WAIT_RESET */
	libusb_close(h);
	vusb_wait_back(f, dev, before, VDEV_MODE_NORMAL, 3000);
	for (int64_t end = vtest_now_ms() + 1000; vtest_now_ms() < end && log.arrived_pid != 0xc00d;) {
		struct timeval tv = { 0, 10000 };
		libusb_handle_events_timeout_completed(f->ctx, &tv, NULL);
	}
	assert_int_equal(log.left_pid, 0xd00d);
	assert_int_equal(log.arrived_pid, 0xc00d);
	assert_false(vdev_device_safe_mode(dev));
	vusb_hotplug_stop(f, &log);
}

static void safe_mode_command(void **state)
{
	struct vusb *f = *state;
	struct vdev_device *dev = vusb_add(f, "p2", VDEV_MODE_DFU);
	libusb_device_handle *h = open_alt(f, dev, 0);
	unsigned before = vdev_device_enumerations(dev);

	assert_int_equal(dnload(h, 0, "\xfa", 1), 1);
	expect(finish(h), MANIFEST, OK);
	libusb_close(h);
	vusb_wait_back(f, dev, before, VDEV_MODE_NORMAL, 3000);
	assert_true(vdev_device_safe_mode(dev));
}

static void detach_reenumerates(void **state)
{
	struct vusb *f = *state;
	struct vdev_device *dev = vusb_add(f, "boron", VDEV_MODE_DFU);
	libusb_device_handle *h = open_alt(f, dev, 0);
	unsigned before = vdev_device_enumerations(dev);

	assert_int_equal(libusb_control_transfer(h, 0x21, DETACH, 1000, 0, NULL, 0, T), 0);
	libusb_close(h);
	vusb_wait_back(f, dev, before, VDEV_MODE_DFU, 3000);
	assert_int_equal(vdev_device_enumerations(dev), before + 1);
}

static void device_state_string(void **state)
{
	struct vusb *f = *state;
	struct vdev_device_opts o;
	struct vdev_device *new_os, *old_os, *photon;
	libusb_device_handle *h;
	unsigned char s[32];

	vdev_device_opts_init(&o, "boron");
	o.mode = VDEV_MODE_DFU;
	o.os_version = "6.2.0";
	new_os = vtest_add_opts(f->bed, &o);
	o.os_version = "5.9.0";
	old_os = vtest_add_opts(f->bed, &o);
	photon = vusb_add(f, "photon", VDEV_MODE_DFU);
	h = vusb_open(f, new_os);
	assert_int_equal(libusb_get_string_descriptor_ascii(h, 0xfa, s, sizeof(s)), 8);
	assert_string_equal((char *)s, "sm=o"); /* then four NULs, as the bootloader sends it */
	libusb_close(h);
	h = vusb_open(f, old_os);
	assert_int_equal(libusb_get_string_descriptor_ascii(h, 0xfa, s, sizeof(s)), LIBUSB_ERROR_PIPE);
	libusb_close(h);
	h = vusb_open(f, photon);
	assert_int_equal(libusb_get_string_descriptor_ascii(h, 0xfa, s, sizeof(s)), LIBUSB_ERROR_PIPE);
	libusb_close(h);
}

/* ---- faults --------------------------------------------------------------------------- */

static void fault_stall_and_status(void **state)
{
	struct vusb *f = *state;
	struct vdev_device *dev = vusb_add(f, "boron", VDEV_MODE_DFU);
	struct vdev_faults ft = { 0 };
	libusb_device_handle *h = open_alt(f, dev, 0);
	uint8_t b[16] = { 1, 2, 3 };

	ft.dfu_stall = VDEV_DFU_REQ_GETSTATUS;
	ft.dfu_stall_skip = 1;
	ft.dfu_stall_times = 1;
	vdev_device_set_faults(dev, &ft);
	expect(getstatus(h), IDLE, OK);                  /* skipped */
	assert_int_equal(getstatus(h).rc, LIBUSB_ERROR_PIPE); /* stalled once */
	expect(getstatus(h), ERROR, errSTALLEDPKT);
	assert_int_equal(simple(h, CLRSTATUS), 0);

	memset(&ft, 0, sizeof(ft));
	ft.dfu_err_write = true;
	ft.dfu_err_write_addr = 0xB4008;
	ft.dfu_err_erase = true;
	ft.dfu_err_erase_addr = 0xB5000;
	ft.dfu_poll_timeout_ms = 1234;
	vdev_device_set_faults(dev, &ft);
	expect(command(h, 0x41, 0xB4000), DNLOAD_IDLE, OK);
	{
		uint8_t c[5] = { 0x41, 0x00, 0x50, 0x0b, 0x00 }; /* 0xB5000 */
		struct st s;

		assert_int_equal(dnload(h, 0, c, 5), 5);
		s = getstatus(h);
		assert_int_equal(s.state, DNBUSY);
		assert_int_equal(s.poll, 1234);
		expect(getstatus(h), ERROR, errERASE);
	}
	assert_int_equal(simple(h, CLRSTATUS), 0);
	expect(command(h, 0x21, 0xB4000), DNLOAD_IDLE, OK);
	assert_int_equal(dnload(h, 2, b, 8), 8); /* 0xB4000..7: fine */
	expect(finish(h), DNLOAD_IDLE, OK);
	assert_int_equal(dnload(h, 2, b, 16), 16); /* touches 0xB4008 */
	expect(finish(h), ERROR, errWRITE);
	libusb_close(h);
}

static void fault_busy_after_erase(void **state)
{
	struct vusb *f = *state;
	struct vdev_device_opts o;
	struct vdev_device *dev;
	libusb_device_handle *h;
	int64_t t0;
	struct st s;

	vdev_device_opts_init(&o, "boron");
	o.mode = VDEV_MODE_DFU;
	o.timing.erase_ms = 150;
	dev = vtest_add_opts(f->bed, &o);
	h = open_alt(f, dev, 0);
	assert_int_equal(dnload(h, 0, "\x41\x00\x40\x0b\x00", 5), 5);
	s = getstatus(h);
	assert_int_equal(s.state, DNBUSY);
	assert_int_equal(s.poll, 0); /* nRF52840: 0, the work blocks instead */
	t0 = vtest_now_ms();
	expect(getstatus(h), DNLOAD_IDLE, OK);
	assert_true(vtest_now_ms() - t0 >= 140);
	/* A client with a short timeout gives up while the device is busy. */
	assert_int_equal(dnload(h, 0, "\x41\x00\x50\x0b\x00", 5), 5);
	assert_int_equal(getstatus(h).state, DNBUSY);
	{
		uint8_t b[6];
		assert_int_equal(libusb_control_transfer(h, 0xa1, GETSTATUS, 0, 0, b, 6, 50),
				 LIBUSB_ERROR_TIMEOUT);
	}
	libusb_close(h);
}

static void fault_unplug_mid_download(void **state)
{
	struct vusb *f = *state;
	struct vdev_device *dev = vusb_add(f, "boron", VDEV_MODE_DFU);
	struct vdev_faults ft = { .dfu_unplug_after_blocks = 2 };
	libusb_device_handle *h = open_alt(f, dev, 0);
	uint8_t b[4096];
	struct vdev_flash_stats st;

	fill(b, sizeof(b), 3);
	vdev_device_set_faults(dev, &ft);
	expect(command(h, 0x41, 0xB4000), DNLOAD_IDLE, OK);
	expect(command(h, 0x21, 0xB4000), DNLOAD_IDLE, OK);
	expect(command(h, 0x41, 0xB5000), DNLOAD_IDLE, OK);
	for (int blk = 2; blk < 4; blk++) {
		assert_int_equal(dnload(h, (uint16_t)blk, b, sizeof(b)), (int)sizeof(b));
		expect(finish(h), DNLOAD_IDLE, OK);
	}
	assert_true(dnload(h, 4, b, sizeof(b)) < 0); /* the cable comes out */
	vusb_wait(f, dev, -1, 2000);
	assert_int_equal(getstatus(h).rc, LIBUSB_ERROR_NO_DEVICE);
	libusb_close(h);
	assert_int_equal(vdev_device_flash_stats(dev, 0, &st), 0);
	assert_int_equal(st.writes, 2);
	/* It stays away until plugged in again; the flash keeps what it got. */
	g_usleep(100000);
	assert_false(vdev_device_present(dev));
	assert_int_equal(vdev_device_plug(dev), 0);
	{
		uint8_t back[4096];
		assert_int_equal(vdev_device_flash_read(dev, 0, 0xB5000, back, sizeof(back)), 0);
		assert_memory_equal(back, b, sizeof(back));
		assert_int_equal(vdev_device_flash_read(dev, 0, 0xB6000, back, 4), 0);
		assert_memory_equal(back, "\xff\xff\xff\xff", 4);
	}
}

static void fault_never_returns(void **state)
{
	struct vusb *f = *state;
	struct vdev_device *dev = vusb_add(f, "photon", VDEV_MODE_DFU);
	struct vdev_faults ft = { .never_returns = true };
	libusb_device_handle *h = open_alt(f, dev, 0);

	vdev_device_set_faults(dev, &ft);
	assert_int_equal(dnload(h, 2, NULL, 0), 0);
	expect(getstatus(h), DNLOAD_IDLE, OK);
	libusb_close(h);
	vusb_wait(f, dev, -1, 2000);
	g_usleep(300000); /* several enumeration delays */
	assert_false(vdev_device_present(dev));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(alt_strings_parse, vusb_setup, vusb_teardown),
		cmocka_unit_test_setup_teardown(round_trip_photon, vusb_setup, vusb_teardown),
		cmocka_unit_test_setup_teardown(round_trip_boron, vusb_setup, vusb_teardown),
		cmocka_unit_test_setup_teardown(round_trip_p2, vusb_setup, vusb_teardown),
		cmocka_unit_test_setup_teardown(round_trip_core, vusb_setup, vusb_teardown),
		cmocka_unit_test_setup_teardown(protection_boron, vusb_setup, vusb_teardown),
		cmocka_unit_test_setup_teardown(protection_photon, vusb_setup, vusb_teardown),
		cmocka_unit_test_setup_teardown(undefined_transitions, vusb_setup, vusb_teardown),
		cmocka_unit_test_setup_teardown(leave_photon_reports_idle, vusb_setup, vusb_teardown),
		cmocka_unit_test_setup_teardown(leave_boron_manifests, vusb_setup, vusb_teardown),
		cmocka_unit_test_setup_teardown(safe_mode_command, vusb_setup, vusb_teardown),
		cmocka_unit_test_setup_teardown(detach_reenumerates, vusb_setup, vusb_teardown),
		cmocka_unit_test_setup_teardown(device_state_string, vusb_setup, vusb_teardown),
		cmocka_unit_test_setup_teardown(fault_stall_and_status, vusb_setup, vusb_teardown),
		cmocka_unit_test_setup_teardown(fault_busy_after_erase, vusb_setup, vusb_teardown),
		cmocka_unit_test_setup_teardown(fault_unplug_mid_download, vusb_setup, vusb_teardown),
		cmocka_unit_test_setup_teardown(fault_never_returns, vusb_setup, vusb_teardown),
	};

	(void)argc;
	return vtest_main(argv, "vdev_dfu", tests, sizeof(tests) / sizeof(tests[0]));
}
