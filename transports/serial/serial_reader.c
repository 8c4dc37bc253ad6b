/* serial_reader.c - silence-ended reply collection (see serial_reader.h). */
#include "serial_reader.h"

#include <limits.h>

/* Longest single wait, so that cancellation is noticed promptly. */
#define BD_SERIAL_POLL_MS 100

int bd_serial_collect(bd_serial_read_fn read, void *ctx, char *buf, size_t cap,
		      const struct bd_serial_collect_opts *o, bool *complete,
		      struct bd_error *err)
{
	*complete = false;
	if (!read || !buf || cap == 0 || cap > (size_t)INT_MAX || !o)
		return bd_error_set(err, BD_E_INVALID, "no reader or no buffer for the reply");
	int64_t silence = o->silence_ms > 0 ? o->silence_ms : BD_SERIAL_SILENCE_MS;
	size_t n = 0;
	int64_t last_byte = 0;
	for (;;) {
		if (o->cancel && *o->cancel)
			return bd_error_set(err, BD_E_CANCELLED, "stopped waiting for the reply");
		int64_t now = bd_now_ms();
		if (n > 0 && now - last_byte >= silence) {
			*complete = true;
			return (int)n;
		}
		int64_t left = bd_deadline_left_ms(o->deadline);
		if (left <= 0) {
			if (n > 0)
				return (int)n; /* still talking at the deadline */
			return bd_error_set(err, BD_E_TIMEOUT, "no reply before the deadline");
		}
		int64_t wait = n > 0 ? silence - (now - last_byte) : BD_SERIAL_POLL_MS;
		if (wait > BD_SERIAL_POLL_MS)
			wait = BD_SERIAL_POLL_MS;
		if (wait > left)
			wait = left;
		if (wait < 1)
			wait = 1;
		if (n == cap)
			return bd_error_set(err, BD_E_TOO_LARGE,
					    "the reply is longer than %zu bytes and still going", cap);
		int r = read(ctx, buf + n, cap - n, (int)wait, err);
		if (r < 0)
			return r;
		if (r > 0) {
			n += (size_t)r;
			last_byte = bd_now_ms();
		}
	}
}
