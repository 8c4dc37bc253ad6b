/* clock.h - monotonic time and deadlines.  Every wait in blinkdoc is bounded
 * by a struct bd_deadline; none blocks "until something happens". */
#ifndef BD_CLOCK_H
#define BD_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

/* Milliseconds on a monotonic clock (arbitrary origin). */
int64_t bd_now_ms(void);
/* Wall-clock time as "2026-11-21T16:12:03.123Z" (UTC) into buf (>= 32 bytes). */
void bd_wallclock_iso(char *buf, unsigned long size);

struct bd_deadline {
	int64_t at_ms; /* monotonic ms; compare with bd_now_ms() */
};

/* A deadline timeout_ms from now. */
struct bd_deadline bd_deadline_in(int64_t timeout_ms);
/* Milliseconds left (0 when passed); never negative. */
int64_t bd_deadline_left_ms(struct bd_deadline d);
bool bd_deadline_passed(struct bd_deadline d);
/* The earlier of two deadlines. */
struct bd_deadline bd_deadline_min(struct bd_deadline a, struct bd_deadline b);
/* Sleeps ms milliseconds, but never past d.  Returns false if d passed. */
bool bd_sleep_until(struct bd_deadline d, int64_t ms);

#endif
