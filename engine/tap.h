/* tap.h - the tap-along counter.
 *
 * A person presses a key each time the status LED lights up; tap_classify()
 * turns the press times into what a knowledge base calls a pattern
 * ("solid", "breathing", "blinking", "fast-blinking") or a count ("sos"
 * with the blinks after the SOS, "blink-code" with the blinks between
 * pauses), so nobody has to count to 13 by eye.
 *
 * Pure: every time is passed in (milliseconds on any monotonic clock), so
 * the guided session can drive it from a fixed clock in tests.
 *
 * How it decides (all thresholds below are the TAP_* constants):
 *  - no press for TAP_STEADY_MS after the start: the light does not flash
 *    (solid, or dark);
 *  - presses split into groups wherever the pause is longer than
 *    max(TAP_GAP_MIN_MS, 1.5 x the median interval); the first group may
 *    be cut (the person started mid-way) and the last one counts only once
 *    its pause has passed;
 *  - a group of >= TAP_SOS_MIN_TAPS quick presses (median interval below
 *    TAP_SOS_QUICK_MS) is the S-O-S itself; the complete group right after
 *    it is the count.  Several counts vote; the most frequent wins;
 *  - otherwise at least two complete groups of at most TAP_CODE_MAX_TAPS
 *    presses, the same size at least twice: a blink code of that size;
 *  - otherwise the median interval inside groups gives the pace: below
 *    TAP_FAST_MS fast blinking (a held-down key repeats fast enough), from
 *    TAP_BREATHE_MS on breathing, blinking in between.
 */
#ifndef BD_TAP_H
#define BD_TAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TAP_MAX 512            /* presses kept (the oldest are dropped) */
#define TAP_STEADY_MS 5000     /* no press this long after the start: solid */
#define TAP_GAP_MIN_MS 850     /* shortest pause that separates groups */
#define TAP_SOS_MIN_TAPS 5     /* an S-O-S group has at least this many presses */
#define TAP_SOS_QUICK_MS 480   /* ... at most this far apart (median) */
#define TAP_CODE_MAX_TAPS 4    /* blink codes are short (2 and 3 in Device OS) */
#define TAP_FAST_MS 250        /* faster than this: fast blinking */
#define TAP_BREATHE_MS 1500    /* slower than this: breathing */
#define TAP_SURE_INTERVALS 3   /* a pace needs this many intervals to be sure */

struct tap_log {
	int64_t start_ms;      /* when counting (re)started */
	int64_t t[TAP_MAX];    /* press times, oldest first */
	size_t n;
};

enum tap_verdict {
	TAP_WAITING,   /* not enough presses yet */
	TAP_SOLID,     /* no flashes */
	TAP_BREATHING,
	TAP_BLINKING,
	TAP_FAST,
	TAP_SOS,       /* count = blinks after the S-O-S */
	TAP_CODE,      /* count = blinks between pauses */
};

struct tap_result {
	enum tap_verdict verdict;
	const char *pattern; /* knowledge pattern id, NULL while waiting */
	int count;           /* TAP_SOS / TAP_CODE: the count; -1 otherwise */
	int period_ms;       /* median time between presses (inside groups); 0 unknown */
	int seen;            /* how many count groups agreed (SOS, code) */
	bool sure;           /* enough evidence to offer it as the answer */
	char words[160];     /* what blinkdoc makes of it, in words */
};

/* Starts (or restarts) counting at now_ms. */
void tap_reset(struct tap_log *l, int64_t now_ms);
/* Records one press.  Presses must come in time order; an earlier time is
 * taken as now (a clock that went back). */
void tap_press(struct tap_log *l, int64_t now_ms);
/* Classifies the presses so far, as seen at now_ms. */
void tap_classify(const struct tap_log *l, int64_t now_ms, struct tap_result *r);
/* "blinking", "SOS" ...: a short name of a verdict; never NULL. */
const char *tap_verdict_name(enum tap_verdict v);

#endif
