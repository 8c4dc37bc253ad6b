/* The tap-along classifier: presses generated from the LED timings the
 * knowledge base uses (sos.json, leds.json), with a person's jitter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tap.h"

/* A person is late by 0..79 ms, deterministically. */
static int64_t jitter(unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return (int64_t)((*seed >> 16) % 80);
}

/* Presses at each "on" of a sequence of (on_ms, off_ms) pairs, repeated. */
static int64_t press_cycle(struct tap_log *l, int64_t t, const int (*steps)[2], size_t n,
			   int repeat, unsigned *seed)
{
	for (int r = 0; r < repeat; r++)
		for (size_t i = 0; i < n; i++) {
			tap_press(l, t + jitter(seed));
			t += steps[i][0] + steps[i][1];
		}
	return t;
}

/* S-O-S + count with Device OS timing (sos.json); returns the end time. */
static int64_t press_sos(struct tap_log *l, int64_t t, int count, int cycles, unsigned *seed)
{
	int steps[40][2];
	size_t n = 0;
	for (int g = 0; g < 3; g++)
		for (int i = 0; i < 3; i++) {
			steps[n][0] = g == 1 ? 300 : 150;
			steps[n][1] = g == 1 ? 100 : 100;
			n++;
		}
	steps[n - 1][1] += 900; /* gap before the count */
	for (int i = 0; i < count; i++) {
		steps[n][0] = 300;
		steps[n][1] = 300;
		n++;
	}
	steps[n - 1][1] += 800; /* pause before the next S-O-S */
	return press_cycle(l, t, (const int (*)[2])steps, n, cycles, seed);
}

static void classify_at(const struct tap_log *l, int64_t now, struct tap_result *r)
{
	tap_classify(l, now, r);
	print_message("  t=%lld: %s (%s, count %d): %s\n", (long long)now,
		      tap_verdict_name(r->verdict), r->pattern ? r->pattern : "-", r->count, r->words);
}

static void test_nothing_then_solid(void **state)
{
	(void)state;
	struct tap_log l;
	struct tap_result r;
	tap_reset(&l, 1000);
	classify_at(&l, 2000, &r);
	assert_int_equal(r.verdict, TAP_WAITING);
	assert_null(r.pattern);
	assert_false(r.sure);
	classify_at(&l, 1000 + TAP_STEADY_MS, &r);
	assert_int_equal(r.verdict, TAP_SOLID);
	assert_string_equal(r.pattern, "solid");
	assert_true(r.sure);
}

static void test_few_presses_wait(void **state)
{
	(void)state;
	struct tap_log l;
	struct tap_result r;
	tap_reset(&l, 0);
	tap_press(&l, 100);
	tap_press(&l, 700);
	classify_at(&l, 800, &r);
	assert_int_equal(r.verdict, TAP_WAITING);
	assert_non_null(strstr(r.words, "2 taps"));
}

static void test_blinking_listening(void **state)
{
	(void)state;
	/* Listening mode: 300 ms on, 300 ms off. */
	static const int steps[][2] = {{300, 300}};
	struct tap_log l;
	struct tap_result r;
	unsigned seed = 1;
	tap_reset(&l, 0);
	int64_t end = press_cycle(&l, 0, steps, 1, 8, &seed);
	classify_at(&l, end, &r);
	assert_int_equal(r.verdict, TAP_BLINKING);
	assert_string_equal(r.pattern, "blinking");
	assert_true(r.sure);
	assert_in_range(r.period_ms, 520, 680);
}

static void test_blinking_with_one_slip(void **state)
{
	(void)state;
	/* The person misses one blink: one long interval must not become a code. */
	struct tap_log l;
	struct tap_result r;
	tap_reset(&l, 0);
	int64_t t = 0;
	for (int i = 0; i < 12; i++) {
		tap_press(&l, t);
		t += i == 5 ? 1800 : 600;
	}
	classify_at(&l, t, &r);
	assert_int_equal(r.verdict, TAP_BLINKING);
}

static void test_fast_blinking_held_key(void **state)
{
	(void)state;
	/* Holding Space down: the terminal repeats it every ~33 ms. */
	struct tap_log l;
	struct tap_result r;
	tap_reset(&l, 0);
	for (int i = 0; i < 30; i++)
		tap_press(&l, 500 + i * 33);
	classify_at(&l, 1600, &r);
	assert_int_equal(r.verdict, TAP_FAST);
	assert_string_equal(r.pattern, "fast-blinking");
	assert_true(r.sure);
}

static void test_fast_blinking_tapped(void **state)
{
	(void)state;
	struct tap_log l;
	struct tap_result r;
	tap_reset(&l, 0);
	for (int i = 0; i < 10; i++)
		tap_press(&l, i * 180 + (i % 3) * 15);
	classify_at(&l, 2000, &r);
	assert_int_equal(r.verdict, TAP_FAST);
}

static void test_breathing(void **state)
{
	(void)state;
	static const int steps[][2] = {{1500, 1500}};
	struct tap_log l;
	struct tap_result r;
	unsigned seed = 7;
	tap_reset(&l, 0);
	int64_t end = press_cycle(&l, 0, steps, 1, 4, &seed);
	classify_at(&l, end, &r);
	assert_int_equal(r.verdict, TAP_BREATHING);
	assert_string_equal(r.pattern, "breathing");
	assert_true(r.sure);
}

static void check_sos(int count, int cycles, int64_t start_offset)
{
	struct tap_log l;
	struct tap_result r;
	unsigned seed = (unsigned)count * 31u + 5u;
	tap_reset(&l, 0);
	int64_t end = press_sos(&l, start_offset, count, cycles, &seed);
	classify_at(&l, end, &r);
	assert_int_equal(r.verdict, TAP_SOS);
	assert_string_equal(r.pattern, "sos");
	assert_int_equal(r.count, count);
	assert_true(r.sure);
}

static void test_sos_counts(void **state)
{
	(void)state;
	int codes[] = {1, 2, 3, 5, 8, 10, 13, 15};
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
		check_sos(codes[i], 2, 0);
	/* One cycle is enough once the pause after the count has passed. */
	check_sos(6, 1, 0);
}

static void test_sos_started_mid_count(void **state)
{
	(void)state;
	/* The person starts tapping during the count: the cut group is ignored. */
	struct tap_log l;
	struct tap_result r;
	unsigned seed = 3;
	tap_reset(&l, 0);
	tap_press(&l, 0);
	tap_press(&l, 600);
	int64_t end = press_sos(&l, 600 + 300 + 300 + 800, 4, 2, &seed);
	classify_at(&l, end, &r);
	assert_int_equal(r.verdict, TAP_SOS);
	assert_int_equal(r.count, 4);
	assert_int_equal(r.seen, 2);
}

static void test_sos_waits_for_count(void **state)
{
	(void)state;
	struct tap_log l;
	struct tap_result r;
	tap_reset(&l, 0);
	/* S-O-S taps, the gap, then two count taps still going. */
	static const int64_t t[] = {0, 250, 500, 750, 1150, 1550, 1950, 2200, 2450, 3600, 4200};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		tap_press(&l, t[i]);
	classify_at(&l, 4300, &r);
	assert_int_equal(r.verdict, TAP_WAITING);
	assert_non_null(strstr(r.words, "SOS"));
	/* Once the pause has passed, the count is known. */
	classify_at(&l, 4200 + 1200, &r);
	assert_int_equal(r.verdict, TAP_SOS);
	assert_int_equal(r.count, 2);
}

static void test_blink_code(void **state)
{
	(void)state;
	for (int n = 2; n <= 3; n++) {
		int steps[8][2];
		for (int i = 0; i < n; i++) {
			steps[i][0] = 300;
			steps[i][1] = 300;
		}
		steps[n - 1][1] += 1200;
		struct tap_log l;
		struct tap_result r;
		unsigned seed = 11;
		tap_reset(&l, 0);
		int64_t end = press_cycle(&l, 0, (const int (*)[2])steps, (size_t)n, 3, &seed);
		/* Right after the last press the last group is not complete yet. */
		classify_at(&l, end - 1500 + 100, &r);
		classify_at(&l, end, &r);
		assert_int_equal(r.verdict, TAP_CODE);
		assert_string_equal(r.pattern, "blink-code");
		assert_int_equal(r.count, n);
		assert_true(r.sure);
	}
}

/* A person keeps tapping into the next group while reading the result:
 * with half of the intervals being pauses (a code of 2) the pause must
 * still separate the groups. */
static void test_code_while_tapping_on(void **state)
{
	(void)state;
	for (int n = 2; n <= 3; n++) {
		int steps[8][2];
		for (int i = 0; i < n; i++) {
			steps[i][0] = 300;
			steps[i][1] = 300;
		}
		steps[n - 1][1] += 1200;
		for (int extra = 1; extra < n; extra++) {
			struct tap_log l;
			struct tap_result r;
			unsigned seed = 5 + (unsigned)extra;
			tap_reset(&l, 0);
			int64_t t = press_cycle(&l, 0, (const int (*)[2])steps, (size_t)n, 3, &seed);
			/* The first presses of the next group. */
			for (int i = 0; i < extra; i++)
				tap_press(&l, t + i * 600 + jitter(&seed));
			classify_at(&l, t + (extra - 1) * 600 + 100, &r);
			assert_int_equal(r.verdict, TAP_CODE);
			assert_int_equal(r.count, n);
		}
	}
}

static void test_code_needs_two_groups(void **state)
{
	(void)state;
	struct tap_log l;
	struct tap_result r;
	tap_reset(&l, 0);
	tap_press(&l, 0);
	tap_press(&l, 600);
	tap_press(&l, 2400);
	tap_press(&l, 3000);
	classify_at(&l, 3100, &r);
	assert_int_equal(r.verdict, TAP_WAITING);
	assert_non_null(strstr(r.words, "pauses"));
}

static void test_log_limits(void **state)
{
	(void)state;
	static struct tap_log l;
	tap_reset(&l, 0);
	for (int i = 0; i < TAP_MAX + 10; i++)
		tap_press(&l, (int64_t)i * 600);
	assert_int_equal(l.n, TAP_MAX);
	assert_int_equal(l.t[0], 10 * 600);
	/* A clock that goes back is taken as "now". */
	tap_press(&l, 5);
	assert_int_equal(l.t[TAP_MAX - 1], l.t[TAP_MAX - 2]);
	struct tap_result r;
	tap_classify(&l, l.t[TAP_MAX - 1], &r);
	assert_int_equal(r.verdict, TAP_BLINKING);
	assert_string_equal(tap_verdict_name(TAP_FAST), "fast blinking");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nothing_then_solid),
		cmocka_unit_test(test_few_presses_wait),
		cmocka_unit_test(test_blinking_listening),
		cmocka_unit_test(test_blinking_with_one_slip),
		cmocka_unit_test(test_fast_blinking_held_key),
		cmocka_unit_test(test_fast_blinking_tapped),
		cmocka_unit_test(test_breathing),
		cmocka_unit_test(test_sos_counts),
		cmocka_unit_test(test_sos_started_mid_count),
		cmocka_unit_test(test_sos_waits_for_count),
		cmocka_unit_test(test_blink_code),
		cmocka_unit_test(test_code_while_tapping_on),
		cmocka_unit_test(test_code_needs_two_groups),
		cmocka_unit_test(test_log_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
