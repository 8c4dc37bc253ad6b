/* serial_console.h - one exchange with the listening-mode console: open the
 * port, send a command byte, collect the reply, close (protocols.md §2.3,
 * §2.4).  Internal to transports/serial. */
#ifndef BD_SERIAL_CONSOLE_H
#define BD_SERIAL_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/bd_error.h"
#include "transport.h"

/* How long each command may take to start answering, as particle-cli
 * allows: i 20 s (an LTE modem can take ~18 s to power up), s 20 s, v 2 s,
 * c 0.5 s, anything else 5 s. */
int bd_serial_command_timeout_ms(char cmd);
/* "identify", "module info", "version", ...; "command" for others. */
const char *bd_serial_command_name(char cmd);

/* Sends cmd on path and collects the reply into buf[0..cap) (not
 * NUL-terminated).  Waits at most the command's timeout, cut to
 * op->deadline (op may be NULL).  Returns the reply length (> 0) and sets
 * *complete (false: the device was still sending when time ran out).
 * Errors: those of bd_serial_port_open(); BD_E_TIMEOUT (no reply: says
 * which command, how long, and that the console answers only in listening
 * mode - blinking dark blue - and how to get there; names any other
 * program holding the port); BD_E_DISCONNECTED; BD_E_TOO_LARGE;
 * BD_E_CANCELLED.  Logs one line per exchange to op (never the reply). */
int bd_serial_console_run(const char *path, char cmd, char *buf, size_t cap, bool *complete,
			  struct bd_op *op, struct bd_error *err);

/* Sends cmd on path and expects no reply (`L`, `x`). */
int bd_serial_console_send(const char *path, char cmd, struct bd_op *op, struct bd_error *err);

/* Sets the line to a magic rate (14400: DFU, 28800: listening) for a
 * moment and back to 9600; the rate change is the request (protocols.md
 * §2.2).  Returns 0 when the rate was set; whether the device reacts shows
 * only in what it does next. */
int bd_serial_magic_baud(const char *path, unsigned baud, struct bd_op *op,
			 struct bd_error *err);

/* Rewrites err (a parser's BD_E_PARSE) to say which port and command, and
 * sets a hint: the reply was not the console's, so the device is probably
 * not in listening mode (or an app is printing to USB serial). */
void bd_serial_reply_error(struct bd_error *err, const char *path, char cmd, bool complete);

/* Overwrites n bytes (a reply that may have held the device secret) in a
 * way the compiler does not remove. */
void bd_serial_wipe(void *buf, size_t n);

#endif
