/* flash_progress.c - rate, ETA and their text (see flash_progress.h). */
#include "flash_progress.h"

#include <stdio.h>
#include <string.h>

void flash_progress_init(struct flash_progress *p)
{
	memset(p, 0, sizeof *p);
	p->eta_s = -1;
	p->last_line_pct = -1;
}

/* Erase reports sectors; every other phase reports bytes. */
static bool flash_progress_bytes(const struct flash_progress *p)
{
	return strcmp(p->phase, "erase") != 0;
}

bool flash_progress_update(struct flash_progress *p, const char *phase, uint64_t done,
			   uint64_t total, int64_t now_ms)
{
	bool changed = strncmp(p->phase, phase, sizeof p->phase - 1) != 0;
	if (changed) {
		snprintf(p->phase, sizeof p->phase, "%s", phase);
		p->start_ms = now_ms;
		p->last_line_pct = -1;
	}
	p->done = done > total ? total : done;
	p->total = total;
	p->now_ms = now_ms;
	p->percent = total ? (int)(p->done * 100 / total) : 100;
	double secs = (double)(now_ms - p->start_ms) / 1000.0;
	/* Below 50 ms or with nothing done the rate is noise. */
	if (secs >= 0.05 && p->done > 0) {
		p->rate = (double)p->done / secs;
		p->eta_s = (double)(total - p->done) / p->rate;
	} else {
		p->rate = 0;
		p->eta_s = p->done >= total && total ? 0 : -1;
	}
	return changed;
}

void flash_progress_eta_text(double eta_s, char *buf, size_t size)
{
	if (eta_s < 0) {
		snprintf(buf, size, "--:--");
		return;
	}
	unsigned long s = (unsigned long)(eta_s + 0.5);
	if (s >= 3600)
		snprintf(buf, size, "%lu:%02lu:%02lu", s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(buf, size, "%lu:%02lu", s / 60, s % 60);
}

static void flash_progress_rate_text(const struct flash_progress *p, char *buf, size_t size)
{
	if (p->rate <= 0)
		snprintf(buf, size, "-");
	else if (!flash_progress_bytes(p))
		snprintf(buf, size, "%.1f sectors/s", p->rate);
	else if (p->rate >= 1024.0 * 1024.0)
		snprintf(buf, size, "%.1f MB/s", p->rate / (1024.0 * 1024.0));
	else
		snprintf(buf, size, "%.1f KB/s", p->rate / 1024.0);
}

void flash_progress_bar(const struct flash_progress *p, int width, char *buf, size_t size)
{
	char rate[32], eta[16], tail[96];
	flash_progress_rate_text(p, rate, sizeof rate);
	flash_progress_eta_text(p->eta_s, eta, sizeof eta);
	int n = snprintf(tail, sizeof tail, " %3d%%  %s  ETA %s", p->percent, rate, eta);
	int head = snprintf(buf, size, "%-6s [", p->phase);
	int bar = width - head - 1 - n;
	if (bar > 50)
		bar = 50;
	if (bar < 5)
		bar = 5;
	int fill = p->total ? (int)((uint64_t)bar * p->done / p->total) : bar;
	size_t pos = head > 0 ? (size_t)head : 0;
	for (int i = 0; i < bar && pos + 1 < size; i++)
		buf[pos++] = i < fill ? '#' : '.';
	if (pos + 1 < size)
		buf[pos++] = ']';
	if (pos < size)
		buf[pos] = '\0';
	if (pos < size)
		snprintf(buf + pos, size - pos, "%s", tail);
}

bool flash_progress_line(struct flash_progress *p, char *buf, size_t size)
{
	int step = p->percent / 10 * 10;
	bool end = p->total && p->done >= p->total;
	if (p->last_line_pct >= 0 && step <= p->last_line_pct && !(end && p->last_line_pct < 100))
		return false;
	if (end)
		step = 100;
	p->last_line_pct = step;
	char rate[32], eta[16];
	flash_progress_rate_text(p, rate, sizeof rate);
	flash_progress_eta_text(p->eta_s, eta, sizeof eta);
	if (flash_progress_bytes(p))
		/* One rounding for both, so that 100% reads "30 of 30 KB". */
		snprintf(buf, size, "%s: %d%% (%llu of %llu KB, %s, ETA %s)", p->phase, p->percent,
			 (unsigned long long)((p->done + 512) / 1024),
			 (unsigned long long)((p->total + 512) / 1024), rate, eta);
	else
		snprintf(buf, size, "%s: %d%% (%llu of %llu sectors, ETA %s)", p->phase, p->percent,
			 (unsigned long long)p->done, (unsigned long long)p->total, eta);
	return true;
}
