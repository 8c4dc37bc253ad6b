/* test_usb_ctrl.c - the control-request client (transports/usb/usb_ctrl.c)
 * against a fake Device OS answering the framed service protocol: the CHECK
 * back-off, PENDING payload buffers, BUSY re-queueing, result codes, RESET of
 * abandoned requests, chunked SEND/RECV, raw 'P' requests and the rtl872x
 * data stage. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "usb/usb_ctrl.h"

struct fake_os {
	unsigned busy_inits;     /* INITs answered BUSY first */
	unsigned pending_checks; /* CHECKs answered PENDING */
	unsigned alloc_checks;   /* PENDING at INIT with payload */
	bool never_done;
	int32_t result;
	uint8_t reply[10000];
	size_t reply_len;
	uint8_t got[10000];
	size_t got_len;
	unsigned inits, checks, sends, recvs, resets;
	uint16_t reset_ids[8];
	unsigned sleeps[64];
	unsigned nsleeps;
	uint16_t last_out_wlength;
	unsigned checks_left;
};

static void put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

/* flags, status[, id][, size][, result] */
static int svc_reply(uint8_t *d, uint16_t status, int id, long size, bool has_result,
		     int32_t result)
{
	uint32_t flags = 1 | (id >= 0 ? 2 : 0) | (size >= 0 ? 4 : 0) | (has_result ? 8 : 0);
	size_t n = 0;
	put_u32(d, flags); n = 4;
	d[n++] = (uint8_t)status; d[n++] = (uint8_t)(status >> 8);
	if (id >= 0) { d[n++] = (uint8_t)id; d[n++] = 0; }
	if (size >= 0) { put_u32(d + n, (uint32_t)size); n += 4; }
	if (has_result) { put_u32(d + n, (uint32_t)result); n += 4; }
	return (int)n;
}

static int fake_control(void *ctx, const struct bd_ctrl_setup *s, uint8_t *d, unsigned ms)
{
	struct fake_os *f = ctx;
	(void)ms;
	if (s->bRequest == 0x50) {
		if (s->bmRequestType == 0x40) {
			f->last_out_wlength = s->wLength;
			return s->wLength;
		}
		const char *t = s->wIndex == 20 ? "E00FCE68B2F4A1C3D5E6F708" : "6.2.0";
		memset(d, 0, s->wLength);
		memcpy(d, t, strlen(t));
		return s->wLength;
	}
	switch (s->bRequest) {
	case 1: /* INIT */
		f->inits++;
		if (f->busy_inits) {
			f->busy_inits--;
			return svc_reply(d, 3, -1, -1, false, 0);
		}
		f->checks_left = s->wValue ? f->alloc_checks : 0;
		return svc_reply(d, f->checks_left ? 2 : 0, 7, -1, false, 0);
	case 2: /* CHECK */
		f->checks++;
		if (f->checks_left) {
			f->checks_left--;
			return svc_reply(d, f->checks_left ? 2 : 0, -1, -1, false, 0);
		}
		if (f->never_done || f->pending_checks) {
			if (f->pending_checks)
				f->pending_checks--;
			return svc_reply(d, 2, -1, -1, false, 0);
		}
		return svc_reply(d, 0, -1, (long)f->reply_len, true, f->result);
	case 3: /* SEND */
		f->sends++;
		memcpy(f->got + f->got_len, d, s->wLength);
		f->got_len += s->wLength;
		return s->wLength;
	case 4: { /* RECV: chunks in order */
		size_t off = (size_t)f->recvs * 4096;
		f->recvs++;
		memcpy(d, f->reply + off, s->wLength);
		return s->wLength;
	}
	case 5:
		if (f->resets < 8)
			f->reset_ids[f->resets] = s->wIndex;
		f->resets++;
		return svc_reply(d, 0, -1, -1, false, 0);
	}
	return BD_E_STALL;
}

static void fake_sleep(void *ctx, unsigned ms)
{
	struct fake_os *f = ctx;
	if (f->nsleeps < 64)
		f->sleeps[f->nsleeps++] = ms;
}

static struct bd_usb_xfer xfer(struct fake_os *f)
{
	struct bd_usb_xfer x = {fake_control, fake_sleep, f};
	return x;
}

static void test_backoff_sequence(void **s)
{
	(void)s;
	static struct fake_os f;
	memset(&f, 0, sizeof f);
	f.pending_checks = 10;
	struct bd_usb_xfer x = xfer(&f);
	struct bd_usb_request r = {.type = 72};
	struct bd_error e = {0};
	assert_int_equal(bd_usb_request(&x, &r, NULL, &e), 0);
	const unsigned want[] = {50, 50, 100, 100, 250, 250, 500, 500, 1000, 1000, 1000};
	assert_int_equal(f.nsleeps, 11);
	assert_memory_equal(f.sleeps, want, sizeof want);
	assert_int_equal(f.checks, 11);
}

static void test_reply_chunks_and_payload(void **s)
{
	(void)s;
	static struct fake_os f;
	memset(&f, 0, sizeof f);
	f.alloc_checks = 2; /* the device allocates a buffer first */
	f.reply_len = 9000;
	for (size_t i = 0; i < f.reply_len; i++)
		f.reply[i] = (uint8_t)i;
	uint8_t payload[5000], reply[9000];
	for (size_t i = 0; i < sizeof payload; i++)
		payload[i] = (uint8_t)(i * 3);
	struct bd_usb_xfer x = xfer(&f);
	struct bd_usb_request r = {.type = 401, .payload = payload, .payload_len = sizeof payload,
				   .reply = reply, .reply_cap = sizeof reply};
	struct bd_error e = {0};
	assert_int_equal(bd_usb_request(&x, &r, NULL, &e), 0);
	assert_int_equal(f.sends, 2);
	assert_memory_equal(f.got, payload, sizeof payload);
	assert_int_equal(f.recvs, 3);
	assert_int_equal(r.reply_len, 9000);
	assert_memory_equal(reply, f.reply, 9000);
	/* Too small a buffer: refused, and the request is dropped on the device. */
	memset(&f, 0, sizeof f);
	f.reply_len = 100;
	struct bd_usb_request small = {.type = 90, .reply = reply, .reply_cap = 10};
	assert_int_equal(bd_usb_request(&x, &small, NULL, &e), BD_E_TOO_LARGE);
	assert_int_equal(f.resets, 1);
	assert_int_equal(f.reset_ids[0], 7);
}

static void test_busy_requeued(void **s)
{
	(void)s;
	static struct fake_os f;
	memset(&f, 0, sizeof f);
	f.busy_inits = 3;
	struct bd_usb_xfer x = xfer(&f);
	struct bd_usb_request r = {.type = 70};
	struct bd_error e = {0};
	assert_int_equal(bd_usb_request(&x, &r, NULL, &e), 0);
	assert_int_equal(f.inits, 4);
}

static void test_results(void **s)
{
	(void)s;
	static struct fake_os f;
	memset(&f, 0, sizeof f);
	f.result = -120;
	struct bd_usb_xfer x = xfer(&f);
	struct bd_usb_request r = {.type = 554};
	struct bd_error e = {0};
	assert_int_equal(bd_usb_request(&x, &r, NULL, &e), BD_E_NOT_SUPPORTED);
	assert_non_null(strstr(e.msg, "NOT_SUPPORTED"));
	assert_non_null(strstr(e.msg, "554"));
	f.result = -1801;
	assert_int_equal(bd_usb_request(&x, &r, NULL, &e), BD_E_ACCESS);
	assert_non_null(strstr(e.msg, "Device Protection"));
}

static void test_never_done_times_out_and_resets(void **s)
{
	(void)s;
	static struct fake_os f;
	memset(&f, 0, sizeof f);
	f.never_done = true;
	struct bd_usb_xfer x = {fake_control, NULL, &f}; /* real sleeps */
	struct bd_usb_request r = {.type = 90, .timeout_ms = 300};
	struct bd_error e = {0};
	int64_t t0 = bd_now_ms();
	assert_int_equal(bd_usb_request(&x, &r, NULL, &e), BD_E_TIMEOUT);
	assert_true(bd_now_ms() - t0 < 1500);
	assert_true(f.resets >= 1);
	assert_int_equal(f.reset_ids[f.resets - 1], 7);
	assert_non_null(strstr(e.msg, "GET_MODULE_INFO"));
}

static void test_vendor_requests(void **s)
{
	(void)s;
	static struct fake_os f;
	memset(&f, 0, sizeof f);
	struct bd_usb_xfer x = xfer(&f);
	char id[25], ver[32];
	struct bd_error e = {0};
	assert_int_equal(bd_usb_vendor_text(&x, 20, id, sizeof id, NULL, &e), 0);
	assert_string_equal(id, "e00fce68b2f4a1c3d5e6f708");
	assert_int_equal(bd_usb_vendor_text(&x, 30, ver, sizeof ver, NULL, &e), 0);
	assert_string_equal(ver, "6.2.0");
	/* rtl872x: OUT requests carry one byte; others none. */
	assert_int_equal(bd_usb_vendor_out(&x, 40, true, NULL, &e), 0);
	assert_int_equal(f.last_out_wlength, 1);
	assert_int_equal(bd_usb_vendor_out(&x, 40, false, NULL, &e), 0);
	assert_int_equal(f.last_out_wlength, 0);
	assert_int_equal(bd_usb_svc_reset(&x, 0, NULL, &e), 0);
	assert_int_equal(f.reset_ids[0], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backoff_sequence),
		cmocka_unit_test(test_reply_chunks_and_payload),
		cmocka_unit_test(test_busy_requeued),
		cmocka_unit_test(test_results),
		cmocka_unit_test(test_never_done_times_out_and_resets),
		cmocka_unit_test(test_vendor_requests),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
