/* console_parse.h - pure parsers for the replies of the Device OS
 * listening-mode console (protocols.md §2.3-2.5).
 *
 * Every parser takes the raw bytes of one reply, (buf, len), exactly as they
 * came off the port: CRLF or LF line ends, leading noise (a log line, an echo)
 * and embedded NUL bytes are all possible.  Parsers never read past len, never
 * need buf to be NUL-terminated, allocate nothing that outlives the call, and
 * never block.  They return 0 on success or a negative BD_E_* code:
 *   BD_E_INVALID    buf or out is NULL
 *   BD_E_TOO_LARGE  len > BD_CONSOLE_REPLY_MAX (no real reply is that big)
 *   BD_E_PARSE      the reply is not what the command answers; err->msg says
 *                   what was expected
 *   BD_E_NOMEM      (JSON parsers only) out of memory
 * On any failure *out is left zeroed (with -1 for "unknown" ids), never half
 * filled.  err may be NULL.
 *
 * Error messages never quote the reply of `i`: it may carry the device
 * secret.  The `Device Secret:` line of `i` is recognised and skipped without
 * being copied anywhere.
 */
#ifndef BD_CONSOLE_PARSE_H
#define BD_CONSOLE_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/bd_error.h"
#include "transport.h"

/* The largest reply a parser accepts (and the reader's buffer size). */
#define BD_CONSOLE_REPLY_MAX (64u * 1024u)

/* `i`: the device ID and, in the long form, IMEI, ICCID, Serial Number and
 * Cell Radio Version.  Accepts `Your device id is <id>`, the Core's
 * `Your core id is <id>`, and `Device ID: <id>` followed by `Key: value`
 * lines.  The ID must be 24 hex digits; it is stored lowercase.  IMEI and
 * ICCID must be letters/digits and fit their fields (else BD_E_PARSE);
 * Serial Number and Cell Radio Version are free text and are cut to fit.
 * Unknown keys are ignored.  Fills device_id, imei, iccid, serial_number,
 * radio_version; sets platform_id to -1 and leaves system_version and route
 * empty (the caller knows those). */
int bd_console_parse_identify(const char *buf, size_t len, struct bd_identity *out,
			      struct bd_error *err);

/* `m`: the first run of `hh:` pairs (after `Your device MAC address is` when
 * that line is present).  A short MAC (manufacturing firmware sometimes
 * prints fewer than 6 bytes) is repaired as particle-cli does: left-padded
 * with 00 to 6 bytes, then, if any of the first three bytes equals the byte
 * at the same place in one of the OUIs 6c:0b:84 or 44:39:c4, those three
 * bytes are replaced by that OUI.  Fills out->mac ("aa:bb:cc:dd:ee:ff",
 * lowercase); interface and route are left "" / 0. */
int bd_console_parse_mac(const char *buf, size_t len, struct bd_mac *out, struct bd_error *err);

struct bd_console_version {
	char version[32]; /* "6.2.0", "1.5.4-rc.1" */
	bool minimal;     /* the reply said " minimal" (a minimal system build) */
};
/* `v`: `system firmware version: <semver>[ minimal]`.  The version must
 * start with a digit and consist of letters, digits, '.', '-', '+'. */
int bd_console_parse_version(const char *buf, size_t len, struct bd_console_version *out,
			     struct bd_error *err);

/* `c`: `Device claimed: yes` / `Device claimed: no`. */
int bd_console_parse_claimed(const char *buf, size_t len, bool *claimed, struct bd_error *err);

/* The function value the `s` parser stores for `"f":"_"`: a module whose
 * function the device does not name (settings, asset, ...). */
#define BD_CONSOLE_MODF_OTHER (-1)
/* The store value for `"l":"_"` (a store the device does not name). */
#define BD_CONSOLE_MODS_OTHER (-1)

/* `s`: the module JSON (§2.5) into a module table.  Parses the first JSON
 * object in the reply that has an "m" member (at most 8 candidate `{` are
 * tried, so leading noise is skipped).  Strict about types, tolerant of
 * extra keys:
 *   "p"          optional integer >= 0 (platform_id, -1 when absent)
 *   "m"          required array of objects; beyond BD_MODULES_MAX modules
 *                the rest are dropped and out->truncated is set
 *   per module:  "s" (max size, 0..2^32-1), "l" ("m","b","f","t","_"),
 *                "vc", "vv" (0..2^32-1) are required; "f" (one of
 *                "n","r","b","m","s","u","c","a","_"), "n" (a string of
 *                digits, 0..255) and "v" (0..65535) are all present or all
 *                absent (absent = empty slot: func BD_MODF_NONE, index 0,
 *                version 0); "u" optional, 64 hex digits, stored lowercase;
 *                "d" optional array of at most BD_MODULE_DEPS_MAX {f,n,v}
 *                objects with the same rules.
 * size is set to 0 (the console does not report bytes used); max_size = s;
 * checked = vc; passed = vv; store from "l".  Numbers must be integers in
 * range; anything else is BD_E_PARSE naming the module and the key.  (A NUL
 * byte between JSON tokens counts as white space, as cJSON treats it; inside
 * a token it is an error.) */
int bd_console_parse_modules(const char *buf, size_t len, struct bd_module_table *out,
			     struct bd_error *err);

#define BD_CONSOLE_DIAG_MAX 64
#define BD_CONSOLE_DIAG_NAME_MAX 48
struct bd_console_diag {
	char name[BD_CONSOLE_DIAG_NAME_MAX]; /* diagnostic source name as sent */
	int64_t value;  /* when !failed */
	bool failed;    /* the device sent {"err": N} instead of a value */
	int error;      /* N, when failed */
};
struct bd_console_diags {
	size_t n;
	struct bd_console_diag v[BD_CONSOLE_DIAG_MAX];
	bool truncated; /* more than BD_CONSOLE_DIAG_MAX sources; the rest dropped */
};
/* `d`: one JSON object of name -> integer or name -> {"err": integer}.
 * Values must be integers within int64 (errors within int); names must be
 * shorter than BD_CONSOLE_DIAG_NAME_MAX.  Leading noise is skipped as for
 * `s`. */
int bd_console_parse_diagnostics(const char *buf, size_t len, struct bd_console_diags *out,
				 struct bd_error *err);

#endif
