/* ui_format.c - the pieces of a progress display: a bar, durations, an
 * estimate of the time left.  Pure. */
#include <stdio.h>
#include <string.h>

#include "ui_app.h"

void ui_progress_bar(char *buf, size_t size, int width, uint64_t done, uint64_t total, bool ascii)
{
	int inner = width - 2;
	if (inner < 1 || size < 4) {
		if (size)
			buf[0] = '\0';
		return;
	}
	int full = total ? (int)((double)inner * (double)(done > total ? total : done) / (double)total)
			 : 0;
	size_t n = 0;
	buf[n++] = '[';
	for (int i = 0; i < inner; i++) {
		const char *g = i < full ? (ascii ? "#" : "\xe2\x96\x88") : (ascii ? "." : "\xe2\x96\x91");
		size_t l = strlen(g);
		if (n + l + 2 > size)
			break;
		memcpy(buf + n, g, l);
		n += l;
	}
	buf[n++] = ']';
	buf[n] = '\0';
}

void ui_fmt_duration(char *buf, size_t size, int64_t ms)
{
	if (ms < 0)
		ms = 0;
	int64_t s = (ms + 999) / 1000;
	if (s >= 3600)
		snprintf(buf, size, "%d:%02d:%02d", (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60));
	else
		snprintf(buf, size, "%d:%02d", (int)(s / 60), (int)(s % 60));
}

int64_t ui_eta_ms(uint64_t done, uint64_t total, int64_t elapsed_ms)
{
	if (!done || !total || done > total || elapsed_ms <= 0)
		return -1;
	return (int64_t)((double)elapsed_ms * (double)(total - done) / (double)done);
}
