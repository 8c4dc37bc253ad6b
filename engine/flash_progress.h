/* flash_progress.h - progress with rate and ETA for long DFU phases
 * (erase, write, verify, read).  Pure: time is passed in, so the math is
 * unit-tested; the front-ends draw the bar or print lines from it. */
#ifndef BD_FLASH_PROGRESS_H
#define BD_FLASH_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct flash_progress {
	char phase[16];     /* current phase; a new phase restarts the clock */
	int64_t start_ms;   /* when the phase started */
	uint64_t done, total;
	int64_t now_ms;
	double rate;        /* units per second so far (0 until measurable) */
	double eta_s;       /* seconds left, -1 when unknown */
	int percent;        /* 0..100 */
	int last_line_pct;  /* the last percentage printed as a line (-1: none) */
};

void flash_progress_init(struct flash_progress *p);
/* Feeds one report.  Returns true when the phase changed. */
bool flash_progress_update(struct flash_progress *p, const char *phase, uint64_t done,
			   uint64_t total, int64_t now_ms);
/* "1:05", "0:03", "--:--" (unknown) into buf. */
void flash_progress_eta_text(double eta_s, char *buf, size_t size);
/* One bar line for a terminal, at most width columns:
 * "write  [########............]  42%  96.0 KB/s  ETA 0:03". */
void flash_progress_bar(const struct flash_progress *p, int width, char *buf, size_t size);
/* For logs and pipes: true (and a line in buf) at the phase start, every 10 %
 * and at the end: "write: 40% (52 of 131 KB, 96.0 KB/s, ETA 0:03)". */
bool flash_progress_line(struct flash_progress *p, char *buf, size_t size);

#endif
