/* test_vdev_ctrl.c - real libusb-1.0 against the control-request model:
 * raw 'P' requests, the framed service protocol (INIT with and without
 * payload, PENDING allocation, CHECK back-off, SEND/RECV chunking, BUSY,
 * RESET, NOT_FOUND, NO_MEMORY), the request types and their protobuf
 * replies, the rtl872x and Core quirks, and request 50 re-enumerating the
 * device in DFU mode.  The protocol and protobuf code here is the test's
 * own, independent of both the model and the product. */
#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "vusb.h"

#define T VUSB_TIMEOUT_MS

/* ---- the host side, written for this test ----------------------------------- */

struct svc_reply {
	int len;
	uint32_t flags;
	uint16_t status, id;
	uint32_t size;
	int32_t result;
};

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* INIT/CHECK/RESET (IN, 64-byte data stage).  Returns the transfer result. */
static int svc(libusb_device_handle *h, uint8_t req, uint16_t index, uint16_t value,
	       struct svc_reply *r)
{
	uint8_t b[64];
	int n = libusb_control_transfer(h, 0xc0, req, value, index, b, sizeof(b), T);
	int pos = 6;

	memset(r, 0, sizeof(*r));
	r->len = n;
	if (n < 6)
		return n;
	r->flags = le32(b);
	r->status = (uint16_t)(b[4] | b[5] << 8);
	if (r->flags & 2) {
		r->id = (uint16_t)(b[pos] | b[pos + 1] << 8);
		pos += 2;
	}
	if (r->flags & 4) {
		r->size = le32(b + pos);
		pos += 4;
	}
	if (r->flags & 8) {
		r->result = (int32_t)le32(b + pos);
		pos += 4;
	}
	assert_int_equal(n, pos); /* exactly the flagged fields */
	return n;
}

enum { INIT = 1, CHECK = 2, SEND = 3, RECV = 4, RESET = 5 };
enum { ST_OK, ST_ERROR, ST_PENDING, ST_BUSY, ST_NO_MEMORY, ST_NOT_FOUND };

/* One whole request as particle-usb does it; reply chunks of `chunk`.
 * Returns the result; *checks counts the CHECKs answered PENDING. */
static int32_t request_ex(libusb_device_handle *h, uint16_t type, const void *payload, size_t len,
			  size_t chunk, GByteArray *reply, int *checks)
{
	struct svc_reply r;
	uint16_t id;
	int pending = 0;

	assert_true(svc(h, INIT, type, (uint16_t)len, &r) > 0);
	assert_true(r.flags & 2);
	id = r.id;
	while (r.status == ST_PENDING) { /* buffer allocation */
		assert_true(svc(h, CHECK, id, 0, &r) > 0);
		pending += r.status == ST_PENDING;
		assert_true(pending < 50);
	}
	assert_int_equal(r.status, ST_OK);
	for (size_t off = 0; off < len; off += chunk) {
		size_t n = len - off < chunk ? len - off : chunk;

		assert_int_equal(libusb_control_transfer(h, 0x40, SEND, 0, id,
							 (unsigned char *)payload + off, (uint16_t)n, T),
				 (int)n);
	}
	do {
		assert_true(svc(h, CHECK, id, 0, &r) > 0);
		pending += r.status == ST_PENDING;
		assert_true(pending < 50);
	} while (r.status == ST_PENDING);
	assert_int_equal(r.status, ST_OK);
	assert_true(r.flags & 8);
	for (size_t off = 0; off < r.size; off += chunk) {
		uint8_t buf[4096];
		size_t n = r.size - off < chunk ? r.size - off : chunk;

		assert_int_equal(libusb_control_transfer(h, 0xc0, RECV, 0, id, buf, (uint16_t)n, T),
				 (int)n);
		g_byte_array_append(reply, buf, (guint)n);
	}
	if (checks)
		*checks = pending;
	return r.result;
}

static int32_t request(libusb_device_handle *h, uint16_t type, const void *payload, size_t len,
		       GByteArray *reply)
{
	return request_ex(h, type, payload, len, 4096, reply, NULL);
}

/* Protobuf walking: the next field at *pos. */
struct field {
	unsigned no, wt;
	uint64_t v;         /* varint, fixed32 */
	const uint8_t *p;   /* length-delimited */
	size_t len;
};

static uint64_t varint(const uint8_t *b, size_t n, size_t *pos)
{
	uint64_t v = 0;

	for (unsigned s = 0; *pos < n; s += 7) {
		uint8_t c = b[(*pos)++];
		v |= (uint64_t)(c & 0x7f) << s;
		if (!(c & 0x80))
			return v;
	}
	fail_msg("truncated varint");
	return 0;
}

static bool next_field(const uint8_t *b, size_t n, size_t *pos, struct field *f)
{
	uint64_t tag;

	if (*pos >= n)
		return false;
	tag = varint(b, n, pos);
	f->no = (unsigned)(tag >> 3);
	f->wt = (unsigned)(tag & 7);
	f->p = NULL;
	f->len = 0;
	switch (f->wt) {
	case 0:
		f->v = varint(b, n, pos);
		break;
	case 2:
		f->len = (size_t)varint(b, n, pos);
		assert_true(f->len <= n - *pos);
		f->p = b + *pos;
		*pos += f->len;
		break;
	case 5:
		assert_true(n - *pos >= 4);
		f->v = le32(b + *pos);
		*pos += 4;
		break;
	default:
		fail_msg("unexpected wire type %u", f->wt);
	}
	return true;
}

/* The string of field no (top level), "" when absent. */
static void pb_string(const GByteArray *m, unsigned no, char *out, size_t size)
{
	size_t pos = 0;
	struct field f;

	out[0] = '\0';
	while (next_field(m->data, m->len, &pos, &f)) {
		if (f.no == no && f.wt == 2)
			snprintf(out, size, "%.*s", (int)f.len, (const char *)f.p);
	}
}

/* ---- tests ---------------------------------------------------------------------- */

static void raw_vendor_requests(void **state)
{
	struct vusb *f = *state;
	struct vdev_device *dev = vusb_add(f, "boron", VDEV_MODE_NORMAL);
	libusb_device_handle *h = vusb_open(f, dev);
	unsigned char b[128];
	char upper[25];
	unsigned before = vdev_device_enumerations(dev);

	for (int i = 0; i < 24; i++)
		upper[i] = (char)g_ascii_toupper(vdev_device_id(dev)[i]);
	upper[24] = '\0';
	assert_int_equal(libusb_control_transfer(h, 0xc0, 0x50, 0, 20, b, 64, T), 24);
	assert_memory_equal(b, upper, 24);
	assert_int_equal(libusb_control_transfer(h, 0xc0, 0x50, 0, 30, b, 64, T), 5);
	assert_memory_equal(b, "5.9.0", 5);
	/* The HAL only lends a buffer for 1..64 bytes; too short a one stalls. */
	assert_int_equal(libusb_control_transfer(h, 0xc0, 0x50, 0, 30, b, 65, T), LIBUSB_ERROR_PIPE);
	assert_int_equal(libusb_control_transfer(h, 0xc0, 0x50, 0, 20, b, 10, T), LIBUSB_ERROR_PIPE);
	assert_int_equal(libusb_control_transfer(h, 0xc0, 0x50, 0, 99, b, 64, T), LIBUSB_ERROR_PIPE);
	assert_int_equal(libusb_control_transfer(h, 0x40, 0x50, 0, 302, NULL, 0, T), 0);
	assert_int_equal(libusb_control_transfer(h, 0x40, 0x50, 0, 99, NULL, 0, T), LIBUSB_ERROR_PIPE);
	/* 'P' 40 resets inside the request: the host sees the device go. */
	assert_true(libusb_control_transfer(h, 0x40, 0x50, 0, 40, NULL, 0, T) < 0);
	libusb_close(h);
	vusb_wait_back(f, dev, before, VDEV_MODE_NORMAL, 3000);
	assert_int_equal(vdev_device_enumerations(dev), before + 1);
	assert_false(vdev_device_safe_mode(dev));
}

static void service_round_trips(void **state)
{
	struct vusb *f = *state;
	struct vdev_device *dev = vusb_add(f, "boron", VDEV_MODE_NORMAL);
	libusb_device_handle *h = vusb_open(f, dev);
	GByteArray *m = g_byte_array_new();
	struct svc_reply r;
	char s[64];
	int checks = -1;

	/* particle-usb starts with RESET(0). */
	assert_int_equal(svc(h, RESET, 0, 0, &r), 6);
	assert_int_equal(r.status, ST_OK);
	assert_int_equal(request_ex(h, 20, NULL, 0, 4096, m, &checks), 0);
	assert_int_equal(checks, 1); /* the default: one CHECK answers PENDING */
	pb_string(m, 1, s, sizeof(s));
	assert_string_equal(s, vdev_device_id(dev)); /* lower case here */
	g_byte_array_set_size(m, 0);
	assert_int_equal(request(h, 30, NULL, 0, m), 0);
	pb_string(m, 1, s, sizeof(s));
	assert_string_equal(s, "5.9.0");
	g_byte_array_set_size(m, 0);
	assert_int_equal(request(h, 21, NULL, 0, m), 0);
	pb_string(m, 1, s, sizeof(s));
	assert_true(strlen(s) > 0);
	/* GET_DEVICE_MODE: normal is the default value, so the reply is empty. */
	g_byte_array_set_size(m, 0);
	assert_int_equal(request(h, 72, NULL, 0, m), 0);
	assert_int_equal(m->len, 0);
	assert_int_equal(request(h, 70, NULL, 0, m), 0);
	assert_int_equal(vdev_device_mode(dev), VDEV_MODE_LISTENING);
	assert_int_equal(request(h, 72, NULL, 0, m), 0);
	assert_int_equal(m->len, 2);
	assert_int_equal(m->data[0], 0x08);
	assert_int_equal(m->data[1], 1);
	g_byte_array_set_size(m, 0);
	assert_int_equal(request(h, 71, NULL, 0, m), 0);
	assert_int_equal(vdev_device_mode(dev), VDEV_MODE_NORMAL);
	/* Unknown types: NOT_SUPPORTED; ICCID on a cellular device. */
	assert_int_equal(request(h, 9999, NULL, 0, m), -120);
	assert_int_equal(m->len, 0);
	assert_int_equal(request(h, 554, NULL, 0, m), 0);
	pb_string(m, 1, s, sizeof(s));
	assert_true(strncmp(s, "8901410321", 10) == 0);
	pb_string(m, 2, s, sizeof(s));
	assert_int_equal(strlen(s), 15);
	assert_int_equal(vdev_device_ctrl_active(dev), 0);
	libusb_close(h);
	g_byte_array_unref(m);
}

/* Reply read in any chunk sizes equals the reply read at once; payload
 * larger than the pool goes PENDING while "allocated", then is SENT in
 * chunks. */
static void chunking_and_pending(void **state)
{
	struct vusb *f = *state;
	struct vdev_device *dev = vusb_add(f, "argon", VDEV_MODE_NORMAL);
	libusb_device_handle *h = vusb_open(f, dev);
	GByteArray *a = g_byte_array_new(), *b = g_byte_array_new();
	uint8_t big[5000], idx[2] = { 0x08, 3 };
	struct svc_reply r;
	uint16_t id;
	int checks = 0;

	assert_int_equal(request_ex(h, 90, NULL, 0, 4096, a, NULL), 0);
	assert_true(a->len > 300);
	assert_int_equal(request_ex(h, 90, NULL, 0, 37, b, NULL), 0);
	assert_int_equal(a->len, b->len);
	assert_memory_equal(a->data, b->data, a->len);
	/* 5000 bytes: INIT answers PENDING, a CHECK PENDING, then OK; SEND in
	 * 4096 + 904; the type is unknown: -120 once it ran. */
	memset(big, 0x5a, sizeof(big));
	assert_true(svc(h, INIT, 10, sizeof(big), &r) > 0);
	assert_int_equal(r.status, ST_PENDING);
	assert_true(r.flags & 2);
	id = r.id;
	assert_true(svc(h, CHECK, id, 0, &r) > 0);
	assert_int_equal(r.status, ST_PENDING);
	assert_true(svc(h, CHECK, id, 0, &r) > 0);
	assert_int_equal(r.status, ST_OK);
	assert_false(r.flags & 8); /* no result yet: waiting for the payload */
	g_byte_array_set_size(b, 0);
	assert_int_equal(request_ex(h, 10, big, sizeof(big), 4096, b, &checks), -120);
	/* SEND beyond the announced size stalls. */
	assert_true(svc(h, INIT, 10, 8, &r) > 0);
	assert_int_equal(r.status, ST_OK);
	assert_int_equal(libusb_control_transfer(h, 0x40, SEND, 0, r.id, big, 9, T),
			 LIBUSB_ERROR_PIPE);
	/* A small payload: 401 for the Wi-Fi interface carries the MAC. */
	g_byte_array_set_size(b, 0);
	assert_int_equal(request(h, 401, idx, sizeof(idx), b), 0);
	{
		size_t pos = 0, ipos = 0;
		struct field fl, in;
		bool mac = false;
		char want[18];

		assert_true(next_field(b->data, b->len, &pos, &fl));
		assert_int_equal(fl.no, 1);
		while (next_field(fl.p, fl.len, &ipos, &in)) {
			if (in.no == 3)
				assert_int_equal(in.v, 8); /* WIFI */
			if (in.no == 8) {
				assert_int_equal(in.len, 6);
				snprintf(want, sizeof(want), "%02x:%02x:%02x:%02x:%02x:%02x", in.p[0],
					 in.p[1], in.p[2], in.p[3], in.p[4], in.p[5]);
				mac = true;
			}
		}
		assert_true(mac);
		assert_string_equal(want, "6c:0b:84:0c:00:01");
	}
	idx[1] = 7;
	g_byte_array_set_size(b, 0);
	assert_int_equal(request(h, 401, idx, sizeof(idx), b), -170);
	/* 400 lists lo0 and wl3. */
	g_byte_array_set_size(b, 0);
	assert_int_equal(request(h, 400, NULL, 0, b), 0);
	assert_non_null(g_strstr_len((const char *)b->data, b->len, "lo0"));
	assert_non_null(g_strstr_len((const char *)b->data, b->len, "wl3"));
	assert_int_equal(request(h, 554, NULL, 0, b), -120); /* Argon: no cellular */
	libusb_close(h);
	g_byte_array_unref(a);
	g_byte_array_unref(b);
}

static void busy_reset_not_found(void **state)
{
	struct vusb *f = *state;
	struct vdev_device *dev = vusb_add(f, "p2", VDEV_MODE_NORMAL);
	libusb_device_handle *h = vusb_open(f, dev);
	struct svc_reply r;
	uint16_t ids[4];
	unsigned char b[64];

	/* Four requests waiting for their payload fill the pool. */
	for (int i = 0; i < 4; i++) {
		assert_true(svc(h, INIT, 401, 2, &r) > 0);
		assert_int_equal(r.status, ST_OK);
		ids[i] = r.id;
	}
	assert_int_equal(vdev_device_ctrl_active(dev), 4);
	assert_int_equal(svc(h, INIT, 30, 0, &r), 6);
	assert_int_equal(r.status, ST_BUSY);
	assert_false(r.flags & 2); /* no id */
	assert_int_equal(svc(h, RESET, ids[1], 0, &r), 6);
	assert_int_equal(r.status, ST_OK);
	assert_int_equal(svc(h, CHECK, ids[1], 0, &r), 6);
	assert_int_equal(r.status, ST_NOT_FOUND);
	assert_true(svc(h, INIT, 30, 0, &r) > 6);
	assert_int_equal(r.status, ST_OK);
	assert_int_equal(svc(h, RESET, 0, 0, &r), 6);
	assert_int_equal(vdev_device_ctrl_active(dev), 0);
	assert_int_equal(svc(h, CHECK, ids[0], 0, &r), 6);
	assert_int_equal(r.status, ST_NOT_FOUND);
	assert_int_equal(svc(h, RESET, 777, 0, &r), 6);
	assert_int_equal(r.status, ST_NOT_FOUND);
	/* Data stages shorter than 64 bytes are refused. */
	assert_int_equal(libusb_control_transfer(h, 0xc0, INIT, 0, 30, b, 63, T),
			 LIBUSB_ERROR_PIPE);
	/* RECV without a finished request stalls. */
	assert_int_equal(libusb_control_transfer(h, 0xc0, RECV, 0, 4242, b, 8, T),
			 LIBUSB_ERROR_PIPE);
	assert_true(vdev_device_ctrl_log(dev, (char *)b, sizeof(b)) > 0);
	libusb_close(h);
}

static void faults_and_options(void **state)
{
	struct vusb *f = *state;
	struct vdev_device_opts o;
	struct vdev_device *dev;
	struct vdev_faults ft = { 0 };
	libusb_device_handle *h;
	GByteArray *m = g_byte_array_new();
	struct svc_reply r;
	uint8_t payload[100] = { 0 };
	int checks = 0;
	uint16_t id;

	vdev_device_opts_init(&o, "electron");
	o.ctrl.pending_polls = 3;
	o.ctrl.alloc_limit = 80;
	o.ctrl.module_info_legacy = true;
	o.ctrl.results[0].type = 72;
	o.ctrl.results[0].result = -130;
	o.ctrl.nresults = 1;
	dev = vtest_add_opts(f->bed, &o);
	h = vusb_open(f, dev);
	assert_int_equal(request_ex(h, 30, NULL, 0, 4096, m, &checks), 0);
	assert_int_equal(checks, 3);
	assert_int_equal(request(h, 72, NULL, 0, m), -130);
	/* Allocation fails: CHECK answers NO_MEMORY and the request is gone. */
	assert_true(svc(h, INIT, 10, sizeof(payload), &r) > 0);
	assert_int_equal(r.status, ST_PENDING);
	id = r.id;
	assert_true(svc(h, CHECK, id, 0, &r) > 0); /* still allocating */
	assert_true(svc(h, CHECK, id, 0, &r) > 0);
	assert_int_equal(r.status, ST_NO_MEMORY);
	assert_int_equal(vdev_device_ctrl_active(dev), 0);
	/* Old Module numbering (field 1): bootloader 1, system part 2, user 3. */
	g_byte_array_set_size(m, 0);
	assert_int_equal(request(h, 90, NULL, 0, m), 0);
	{
		size_t pos = 0;
		struct field fl;
		GString *types = g_string_new(NULL);

		while (next_field(m->data, m->len, &pos, &fl)) {
			size_t ip = 0;
			struct field in;

			assert_int_equal(fl.no, 1);
			while (next_field(fl.p, fl.len, &ip, &in)) {
				if (in.no == 1)
					g_string_append_printf(types, "%u,", (unsigned)in.v);
			}
		}
		assert_string_equal(types->str, "1,2,2,2,3,"); /* Electron: 3 system parts */
		g_string_free(types, TRUE);
	}
	/* Faults at runtime. */
	ft.ctrl_init_status = VDEV_SVC_BUSY;
	vdev_device_set_faults(dev, &ft);
	assert_int_equal(svc(h, INIT, 30, 0, &r), 6);
	assert_int_equal(r.status, ST_BUSY);
	ft.ctrl_init_status = 0;
	ft.ctrl_never_done = true;
	vdev_device_set_faults(dev, &ft);
	assert_true(svc(h, INIT, 30, 0, &r) > 6);
	for (int i = 0; i < 10; i++) {
		struct svc_reply c;
		assert_true(svc(h, CHECK, r.id, 0, &c) > 0); /* r keeps the INIT reply */
		assert_int_equal(c.status, ST_PENDING);
	}
	ft.ctrl_never_done = false;
	ft.ctrl_stall = true;
	vdev_device_set_faults(dev, &ft);
	assert_int_equal(svc(h, INIT, 30, 0, &r), LIBUSB_ERROR_PIPE);
	libusb_close(h);
	g_byte_array_unref(m);
}

/* FirmwareModule numbering (field 2) on a healthy Boron: types, passed
 * flags, a 32-byte hash on every module. */
static void module_info_current(void **state)
{
	struct vusb *f = *state;
	struct vdev_device *dev = vusb_add(f, "boron", VDEV_MODE_NORMAL);
	libusb_device_handle *h = vusb_open(f, dev);
	GByteArray *m = g_byte_array_new();
	GString *types = g_string_new(NULL);
	size_t pos = 0;
	struct field fl;

	assert_int_equal(request(h, 90, NULL, 0, m), 0);
	while (next_field(m->data, m->len, &pos, &fl)) {
		size_t ip = 0;
		struct field in;
		bool hash = false;

		assert_int_equal(fl.no, 2);
		while (next_field(fl.p, fl.len, &ip, &in)) {
			if (in.no == 1)
				g_string_append_printf(types, "%u,", (unsigned)in.v);
			if (in.no == 6 || in.no == 7)
				assert_int_equal(in.v, 0x1e);
			if (in.no == 8)
				hash = in.len == 32;
		}
		assert_true(hash);
	}
	assert_string_equal(types->str, "2,8,4,5,"); /* bootloader, radio stack, system, user */
	g_string_free(types, TRUE);
	g_byte_array_unref(m);
	libusb_close(h);
}

/* rtl872x: an OUT request without a data stage never completes; one
 * byte of data makes it work.  Core: no control requests at all. */
static void quirks(void **state)
{
	struct vusb *f = *state;
	struct vdev_device *p2 = vusb_add(f, "p2", VDEV_MODE_NORMAL);
	struct vdev_device *core = vusb_add(f, "core", VDEV_MODE_NORMAL);
	libusb_device_handle *h = vusb_open(f, p2);
	unsigned char one = 0, b[64];
	int64_t t0 = vtest_now_ms();

	assert_int_equal(libusb_control_transfer(h, 0x40, 0x50, 0, 302, NULL, 0, 200),
			 LIBUSB_ERROR_TIMEOUT);
	assert_true(vtest_now_ms() - t0 >= 190);
	assert_int_equal(libusb_control_transfer(h, 0x40, 0x50, 0, 302, &one, 1, T), 1);
	assert_int_equal(libusb_control_transfer(h, 0xc0, 0x50, 0, 30, b, 64, T), 5);
	libusb_close(h);
	h = vusb_open(f, core);
	assert_int_equal(libusb_control_transfer(h, 0xc0, 0x50, 0, 30, b, 64, T), LIBUSB_ERROR_PIPE);
	assert_int_equal(libusb_control_transfer(h, 0xc0, INIT, 0, 30, b, 64, T), LIBUSB_ERROR_PIPE);
	/* Standard requests still work. */
	assert_true(libusb_get_string_descriptor_ascii(h, 2, b, sizeof(b)) > 0);
	libusb_close(h);
}

/* Request 50: acked, then (after the host read the result and the reset
 * delay) the device leaves and comes back as its DFU personality; libusb
 * hotplug sees both. */
static void dfu_request_reenumerates(void **state)
{
	struct vusb *f = *state;
	struct vdev_device *dev = vusb_add(f, "boron", VDEV_MODE_NORMAL);
	libusb_device_handle *h = vusb_open(f, dev);
	struct vusb_hotplug log;
	GByteArray *m = g_byte_array_new();
	int64_t t0;

	vusb_hotplug_start(f, &log);
	assert_int_equal(request(h, 50, NULL, 0, m), 0);
	t0 = vtest_now_ms();
	/* The result came back: acked before the reset. */
	vusb_wait_back(f, dev, 1, VDEV_MODE_DFU, 3000);
	assert_true(vtest_now_ms() - t0 >= 90); /* 50 ms reset + 50 ms enumeration */
	libusb_close(h);
	for (int64_t end = vtest_now_ms() + 1000; vtest_now_ms() < end && log.arrived_pid != 0xd00d;) {
		struct timeval tv = { 0, 10000 };
		libusb_handle_events_timeout_completed(f->ctx, &tv, NULL);
	}
	assert_true(log.left >= 1);
	assert_int_equal(log.left_pid, 0xc00d);
	assert_int_equal(log.arrived_pid, 0xd00d);
	vusb_hotplug_stop(f, &log);
	g_byte_array_unref(m);
}

/* 60: back in normal mode with safe_mode set (72 cannot tell). */
static void safe_mode_request(void **state)
{
	struct vusb *f = *state;
	struct vdev_device *dev = vusb_add(f, "photon", VDEV_MODE_NORMAL);
	libusb_device_handle *h = vusb_open(f, dev);
	GByteArray *m = g_byte_array_new();
	unsigned before = vdev_device_enumerations(dev);

	assert_int_equal(request(h, 60, NULL, 0, m), 0);
	libusb_close(h);
	vusb_wait_back(f, dev, before, VDEV_MODE_NORMAL, 3000);
	assert_int_equal(vdev_device_enumerations(dev), before + 1);
	assert_true(vdev_device_safe_mode(dev));
	h = vusb_open(f, dev);
	assert_int_equal(request(h, 72, NULL, 0, m), 0);
	assert_int_equal(m->len, 0);
	libusb_close(h);
	g_byte_array_unref(m);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(raw_vendor_requests, vusb_setup, vusb_teardown),
		cmocka_unit_test_setup_teardown(service_round_trips, vusb_setup, vusb_teardown),
		cmocka_unit_test_setup_teardown(chunking_and_pending, vusb_setup, vusb_teardown),
		cmocka_unit_test_setup_teardown(busy_reset_not_found, vusb_setup, vusb_teardown),
		cmocka_unit_test_setup_teardown(faults_and_options, vusb_setup, vusb_teardown),
		cmocka_unit_test_setup_teardown(module_info_current, vusb_setup, vusb_teardown),
		cmocka_unit_test_setup_teardown(quirks, vusb_setup, vusb_teardown),
		cmocka_unit_test_setup_teardown(dfu_request_reenumerates, vusb_setup, vusb_teardown),
		cmocka_unit_test_setup_teardown(safe_mode_request, vusb_setup, vusb_teardown),
	};

	(void)argc;
	return vtest_main(argv, "vdev_ctrl", tests, sizeof(tests) / sizeof(tests[0]));
}
