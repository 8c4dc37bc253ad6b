/* serial_port.h - the only code that talks to libserialport for I/O, and
 * the only place its error codes are turned into BD_E_* with messages a
 * person can act on.  Internal to transports/serial.
 *
 * Every call is bounded: opens and closes are immediate, reads take a
 * wait, writes a deadline. */
#ifndef BD_SERIAL_PORT_H
#define BD_SERIAL_PORT_H

#include <stdbool.h>
#include <stddef.h>

#include <libserialport.h>

#include "common/bd_error.h"
#include "common/clock.h"

/* The console's line settings.  The rate means nothing to USB CDC except
 * that 14400 and 28800 are commands to the device (protocols.md §2.2). */
#define BD_SERIAL_CONSOLE_BAUD 9600

struct bd_serial_port;

/* Opens path read/write at 9600 8N1 without flow control.  If a magic rate
 * (anything but 9600) was left on the tty - Linux keeps termios across
 * opens and libserialport re-applies it when opening - it is first put back
 * to 9600 with a plain tcsetattr, so that opening never sends a device into
 * DFU or listening mode by accident.  Errors: BD_E_NO_DEVICE (no such
 * port), BD_E_ACCESS (hint: dialout group / udev rule), BD_E_BUSY (names
 * the process holding it), BD_E_DISCONNECTED, BD_E_IO.  *out is owned by
 * the caller: bd_serial_port_close() it. */
int bd_serial_port_open(const char *path, struct bd_serial_port **out, struct bd_error *err);
/* Closes and frees; p may be NULL. */
void bd_serial_port_close(struct bd_serial_port *p);

/* Drops bytes the device sent before we asked anything. */
int bd_serial_port_flush_input(struct bd_serial_port *p, struct bd_error *err);
/* Writes all of buf or fails; never blocks past d (BD_E_TIMEOUT). */
int bd_serial_port_write(struct bd_serial_port *p, const void *buf, size_t len,
			 struct bd_deadline d, struct bd_error *err);
/* A bd_serial_read_fn (serial_reader.h) over an open port (ctx = the
 * port): waits up to wait_ms, returns bytes read, 0, or BD_E_DISCONNECTED
 * when the device went away (hang-up, EIO). */
int bd_serial_port_read(void *ctx, char *buf, size_t cap, int wait_ms, struct bd_error *err);
/* Changes the line rate (this is how magic baud rates are sent). */
int bd_serial_port_set_baud(struct bd_serial_port *p, unsigned baud, struct bd_error *err);
/* The path the port was opened with. */
const char *bd_serial_port_path(const struct bd_serial_port *p);

/* Translates a libserialport result into a BD_E_* code and err.  os_errno
 * is sp_last_error_code() after SP_ERR_FAIL (ignored otherwise); doing says
 * what was being done ("opening", "reading from"), path which port.
 * SP_OK returns 0.  For EBUSY the processes holding the port are named. */
int bd_serial_translate(enum sp_return rc, int os_errno, const char *doing, const char *path,
			struct bd_error *err);

/* Processes that have path open, as "ModemManager (pid 812), screen (pid
 * 4711)" (at most 4) in out.  Returns how many were found; *unsure is set
 * when some processes could not be inspected (other users', without root).
 * Scans /proc once; returns 0 where there is no /proc. */
int bd_serial_port_holders(const char *path, char *out, size_t size, bool *unsure);

/* Writes what to do about the holders (or about an unknown holder) into
 * hint: how to stop ModemManager, or which program to close. */
void bd_serial_holders_advice(const char *path, const char *holders, int n, bool unsure,
			      char *hint, size_t size);

#endif
