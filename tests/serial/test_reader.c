/* Unit tests for the silence-ended reply reader, driven by a scripted byte
 * source on the real clock (short silence windows keep them fast). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "serial_reader.h"

/* One scripted event: at at_ms after the start, deliver bytes (or fail with
 * error when error != 0). */
struct event {
	int64_t at_ms;
	const char *bytes;
	int error;
};

struct script {
	const struct event *ev;
	size_t n, next;
	int64_t start;
	int every_ms;       /* > 0: after the events, deliver "x" every every_ms forever */
	int64_t last_every;
	size_t calls;
	size_t max_cap_seen;
};

static int scripted_read(void *ctx, char *buf, size_t cap, int wait_ms, struct bd_error *err)
{
	struct script *s = ctx;
	s->calls++;
	if (cap > s->max_cap_seen)
		s->max_cap_seen = cap;
	assert_true(wait_ms >= 1);
	int64_t now = bd_now_ms() - s->start;
	int64_t due;
	if (s->next < s->n)
		due = s->ev[s->next].at_ms;
	else if (s->every_ms > 0)
		due = s->last_every + s->every_ms;
	else
		due = INT64_MAX;
	if (due > now + wait_ms) {
		bd_sleep_until(bd_deadline_in(wait_ms), wait_ms);
		return 0;
	}
	if (due > now)
		bd_sleep_until(bd_deadline_in(due - now), due - now);
	if (s->next < s->n) {
		const struct event *e = &s->ev[s->next++];
		if (e->error)
			return bd_error_set(err, e->error, "scripted failure");
		size_t len = strlen(e->bytes);
		assert_true(len <= cap);
		memcpy(buf, e->bytes, len);
		return (int)len;
	}
	s->last_every = due;
	buf[0] = 'x';
	return 1;
}

static struct script start(const struct event *ev, size_t n)
{
	struct script s = {ev, n, 0, bd_now_ms(), 0, 0, 0, 0};
	return s;
}

static void reply_in_chunks_ends_on_silence(void **state)
{
	(void)state;
	static const struct event ev[] = {
		{10, "Your device ", 0},
		{20, "id is 3a0028000447", 0},
		{45, "343233323032\r\n", 0},
	};
	struct script s = start(ev, 3);
	struct bd_serial_collect_opts o = {bd_deadline_in(2000), 60, NULL};
	char buf[128];
	bool complete;
	struct bd_error err = {0};
	int n = bd_serial_collect(scripted_read, &s, buf, sizeof buf, &o, &complete, &err);
	int64_t took = bd_now_ms() - s.start;
	assert_int_equal(n, 44);
	assert_memory_equal(buf, "Your device id is 3a0028000447343233323032\r\n", 44);
	assert_true(complete);
	assert_true(took >= 45 + 60 - 5);
	assert_true(took < 1000);
}

static void gap_shorter_than_silence_keeps_reading(void **state)
{
	(void)state;
	static const struct event ev[] = {{0, "a", 0}, {40, "b", 0}, {90, "c", 0}};
	struct script s = start(ev, 3);
	struct bd_serial_collect_opts o = {bd_deadline_in(2000), 70, NULL};
	char buf[16];
	bool complete;
	int n = bd_serial_collect(scripted_read, &s, buf, sizeof buf, &o, &complete, NULL);
	assert_int_equal(n, 3);
	assert_memory_equal(buf, "abc", 3);
	assert_true(complete);
}

static void no_reply_times_out_at_the_deadline(void **state)
{
	(void)state;
	struct script s = start(NULL, 0);
	struct bd_serial_collect_opts o = {bd_deadline_in(150), 50, NULL};
	char buf[16];
	bool complete = true;
	struct bd_error err = {0};
	assert_int_equal(bd_serial_collect(scripted_read, &s, buf, sizeof buf, &o, &complete, &err),
			 BD_E_TIMEOUT);
	int64_t took = bd_now_ms() - s.start;
	assert_false(complete);
	assert_int_equal(err.code, BD_E_TIMEOUT);
	assert_true(took >= 145);
	assert_true(took < 450);
}

static void chatty_device_stops_at_the_deadline(void **state)
{
	(void)state;
	struct script s = start(NULL, 0);
	s.every_ms = 10;
	struct bd_serial_collect_opts o = {bd_deadline_in(200), 50, NULL};
	char buf[256];
	bool complete = true;
	int n = bd_serial_collect(scripted_read, &s, buf, sizeof buf, &o, &complete, NULL);
	int64_t took = bd_now_ms() - s.start;
	assert_true(n > 5);
	assert_false(complete);
	assert_true(took < 450);
}

static void reply_larger_than_the_buffer(void **state)
{
	(void)state;
	struct script s = start(NULL, 0);
	s.every_ms = 2;
	struct bd_serial_collect_opts o = {bd_deadline_in(3000), 100, NULL};
	char buf[16];
	bool complete;
	struct bd_error err = {0};
	assert_int_equal(bd_serial_collect(scripted_read, &s, buf, sizeof buf, &o, &complete, &err),
			 BD_E_TOO_LARGE);
	assert_non_null(strstr(err.msg, "16 bytes"));
	assert_true(s.max_cap_seen <= sizeof buf);
}

static void disconnect_mid_reply(void **state)
{
	(void)state;
	static const struct event ev[] = {{5, "{\"p\":6,\"m\":[", 0}, {15, NULL, BD_E_DISCONNECTED}};
	struct script s = start(ev, 2);
	struct bd_serial_collect_opts o = {bd_deadline_in(2000), 100, NULL};
	char buf[64];
	bool complete;
	struct bd_error err = {0};
	assert_int_equal(bd_serial_collect(scripted_read, &s, buf, sizeof buf, &o, &complete, &err),
			 BD_E_DISCONNECTED);
	assert_false(complete);
}

static void cancel_stops_waiting(void **state)
{
	(void)state;
	struct script s = start(NULL, 0);
	volatile sig_atomic_t cancel = 1;
	struct bd_serial_collect_opts o = {bd_deadline_in(5000), 50, &cancel};
	char buf[16];
	bool complete;
	assert_int_equal(bd_serial_collect(scripted_read, &s, buf, sizeof buf, &o, &complete, NULL),
			 BD_E_CANCELLED);
	assert_true(bd_now_ms() - s.start < 200);
}

static void waits_are_short_enough_to_notice_cancel(void **state)
{
	(void)state;
	/* with no bytes, the reader must come back at least every 100 ms */
	struct script s = start(NULL, 0);
	struct bd_serial_collect_opts o = {bd_deadline_in(350), 250, NULL};
	char buf[16];
	bool complete;
	assert_int_equal(bd_serial_collect(scripted_read, &s, buf, sizeof buf, &o, &complete, NULL),
			 BD_E_TIMEOUT);
	assert_true(s.calls >= 3);
}

static void invalid_arguments(void **state)
{
	(void)state;
	struct bd_serial_collect_opts o = {bd_deadline_in(10), 0, NULL};
	char buf[4];
	bool complete;
	assert_int_equal(bd_serial_collect(NULL, NULL, buf, sizeof buf, &o, &complete, NULL),
			 BD_E_INVALID);
	assert_int_equal(bd_serial_collect(scripted_read, NULL, buf, 0, &o, &complete, NULL),
			 BD_E_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reply_in_chunks_ends_on_silence),
		cmocka_unit_test(gap_shorter_than_silence_keeps_reading),
		cmocka_unit_test(no_reply_times_out_at_the_deadline),
		cmocka_unit_test(chatty_device_stops_at_the_deadline),
		cmocka_unit_test(reply_larger_than_the_buffer),
		cmocka_unit_test(disconnect_mid_reply),
		cmocka_unit_test(cancel_stops_waiting),
		cmocka_unit_test(waits_are_short_enough_to_notice_cancel),
		cmocka_unit_test(invalid_arguments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
