/* bd_error.h - the one error enum of blinkdoc, and a detailed error record.
 *
 * Every fallible function returns 0 on success, a negative BD_E_* code on
 * failure, or a positive count where it says so.  libusb, libserialport and
 * cJSON codes are translated into these at the transport/engine boundary and
 * go no further.
 *
 * struct bd_error carries the detail a person needs: what happened (msg),
 * where (part of msg: file:line:col, port, device), and what to do next (hint).
 */
#ifndef BD_ERROR_H
#define BD_ERROR_H

#include <stddef.h>

/* X(NAME, value, text) - text is the generic, short description. */
#define BD_ERROR_TABLE(X)                                                      \
	X(OK, 0, "success")                                                    \
	X(NOMEM, -1, "out of memory")                                          \
	X(INVALID, -2, "invalid argument")                                     \
	X(IO, -3, "input/output error")                                        \
	X(TIMEOUT, -4, "timed out")                                            \
	X(NO_DEVICE, -5, "no device found")                                    \
	X(ACCESS, -6, "permission denied")                                     \
	X(BUSY, -7, "resource busy")                                           \
	X(UNAVAILABLE, -8, "not available")                                    \
	X(NOT_SUPPORTED, -9, "not supported by this device")                   \
	X(PARSE, -10, "malformed data")                                        \
	X(PROTOCOL, -11, "protocol error")                                     \
	X(DISCONNECTED, -12, "device disconnected")                            \
	X(MISMATCH, -13, "file does not match the device")                     \
	X(VERIFY, -14, "verification failed")                                  \
	X(STALL, -15, "device stalled the request")                            \
	X(DEVICE, -16, "device reported an error")                             \
	X(NOT_FOUND, -17, "not found")                                         \
	X(CANCELLED, -18, "cancelled")                                         \
	X(KNOWLEDGE, -19, "knowledge base error")                              \
	X(RANGE, -20, "value out of range")                                    \
	X(TOO_LARGE, -21, "too large")                                         \
	X(AMBIGUOUS, -22, "more than one match")                               \
	X(STATE, -23, "wrong state for this operation")                        \
	X(USAGE, -24, "usage error")

enum bd_err {
#define BD_X_ENUM(name, value, text) BD_E_##name = value,
	BD_ERROR_TABLE(BD_X_ENUM)
#undef BD_X_ENUM
	BD_E_MIN_ = -25
};

/* Generic text for a code; never returns NULL (unknown codes get a
 * fixed "unknown error" text). */
const char *bd_strerror(int code);
/* Symbolic name without prefix, e.g. "TIMEOUT"; never returns NULL. */
const char *bd_errname(int code);

#define BD_ERROR_MSG_MAX 768
#define BD_ERROR_HINT_MAX 768

/* A detailed error.  Zero-initialise before use ({0} is "no error").
 * msg says what happened and where; hint says what to do next (may be ""). */
struct bd_error {
	int code;
	char msg[BD_ERROR_MSG_MAX];
	char hint[BD_ERROR_HINT_MAX];
};

/* Records code and a formatted message in err (err may be NULL); returns
 * code so callers can `return bd_error_set(err, BD_E_IO, "...")`. */
int bd_error_set(struct bd_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Sets the hint of an already-set error; returns err->code (or 0 if NULL). */
int bd_error_hint(struct bd_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Clears err back to "no error". */
void bd_error_clear(struct bd_error *err);

#endif
