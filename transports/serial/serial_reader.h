/* serial_reader.h - collects one console reply: bytes until the line goes
 * quiet, never past a deadline.  The console has no end-of-reply marker;
 * like particle-cli we call a reply complete once bytes have arrived and
 * then BD_SERIAL_SILENCE_MS pass without another (protocols.md §2.4).
 *
 * The byte source is a callback, so this is tested without a port. */
#ifndef BD_SERIAL_READER_H
#define BD_SERIAL_READER_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "common/bd_error.h"
#include "common/clock.h"

#define BD_SERIAL_SILENCE_MS 250

/* Waits up to wait_ms (>= 1) for bytes and stores up to cap of them in buf.
 * Returns the number stored (> 0), 0 when none came within wait_ms, or a
 * negative BD_E_* (BD_E_DISCONNECTED when the port went away) with err set. */
typedef int (*bd_serial_read_fn)(void *ctx, char *buf, size_t cap, int wait_ms,
				 struct bd_error *err);

struct bd_serial_collect_opts {
	struct bd_deadline deadline;   /* never waits past this */
	int silence_ms;                /* 0 = BD_SERIAL_SILENCE_MS */
	volatile sig_atomic_t *cancel; /* checked at least every 100 ms; may be NULL */
};

/* Reads into buf[0..cap) until the reply is complete.  Returns the number
 * of bytes (> 0) and sets *complete: true when silence ended the reply,
 * false when the deadline passed while bytes were still coming.  Errors:
 * BD_E_TIMEOUT (no byte before the deadline), BD_E_TOO_LARGE (cap bytes and
 * still no silence), BD_E_CANCELLED, or whatever read returned.  buf is not
 * NUL-terminated.  Blocks at most until o->deadline (plus one read call's
 * own overrun, which read must keep within wait_ms). */
int bd_serial_collect(bd_serial_read_fn read, void *ctx, char *buf, size_t cap,
		      const struct bd_serial_collect_opts *o, bool *complete,
		      struct bd_error *err);

#endif
