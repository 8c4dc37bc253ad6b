#define _POSIX_C_SOURCE 200809L
#include "clock.h"

#include <stdio.h>
#include <time.h>

int64_t bd_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void bd_wallclock_iso(char *buf, unsigned long size)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 ts.tv_nsec / 1000000);
}

struct bd_deadline bd_deadline_in(int64_t timeout_ms)
{
	struct bd_deadline d = {bd_now_ms() + (timeout_ms < 0 ? 0 : timeout_ms)};
	return d;
}

int64_t bd_deadline_left_ms(struct bd_deadline d)
{
	int64_t left = d.at_ms - bd_now_ms();
	return left > 0 ? left : 0;
}

bool bd_deadline_passed(struct bd_deadline d)
{
	return bd_now_ms() >= d.at_ms;
}

struct bd_deadline bd_deadline_min(struct bd_deadline a, struct bd_deadline b)
{
	return a.at_ms <= b.at_ms ? a : b;
}

bool bd_sleep_until(struct bd_deadline d, int64_t ms)
{
	int64_t left = bd_deadline_left_ms(d);
	if (left <= 0)
		return false;
	if (ms > left)
		ms = left;
	struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0)
		;
	return !bd_deadline_passed(d) || ms < left;
}
