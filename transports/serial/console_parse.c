/* console_parse.c - the line-oriented console replies: `i`, `m`, `v`, `c`.
 * (The JSON replies `s` and `d` are in console_json.c.)
 *
 * Everything works on (buf, len) with explicit bounds: replies come from a
 * device and may hold anything, including NUL bytes. */
#include "console_parse.h"

#include <string.h>

/* Offset of the first occurrence of needle in buf[from..len), or len. */
static size_t bd_con_find(const char *buf, size_t len, size_t from, const char *needle)
{
	size_t n = strlen(needle);
	if (n == 0 || len < n)
		return len;
	for (size_t i = from; i + n <= len; i++)
		if (buf[i] == needle[0] && memcmp(buf + i, needle, n) == 0)
			return i;
	return len;
}

static bool bd_con_is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool bd_con_is_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool bd_con_is_word(char c)
{
	return bd_con_is_alnum(c) || c == '_';
}

static bool bd_con_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static char bd_con_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static int bd_con_check_args(const void *buf, size_t len, const void *out, const char *cmd,
			     struct bd_error *err)
{
	if (!buf || !out)
		return bd_error_set(err, BD_E_INVALID, "no reply buffer or no result for `%s`", cmd);
	if (len > BD_CONSOLE_REPLY_MAX)
		return bd_error_set(err, BD_E_TOO_LARGE,
				    "the reply to `%s` is %zu bytes; no console reply is larger "
				    "than %u bytes",
				    cmd, len, BD_CONSOLE_REPLY_MAX);
	return 0;
}

/* A byte range [b, e) of buf. */
struct bd_con_span {
	size_t b, e;
};

static struct bd_con_span bd_con_trim(const char *buf, struct bd_con_span s)
{
	while (s.b < s.e && bd_con_is_blank(buf[s.b]))
		s.b++;
	while (s.e > s.b && bd_con_is_blank(buf[s.e - 1]))
		s.e--;
	return s;
}

static bool bd_con_span_is(const char *buf, struct bd_con_span s, const char *word)
{
	size_t n = strlen(word);
	return s.e - s.b == n && memcmp(buf + s.b, word, n) == 0;
}

/* Validates a 24-hex device ID and stores it lowercase. */
static int bd_con_take_id(const char *buf, struct bd_con_span s, char out[BD_DEVICE_ID_LEN + 1],
			  struct bd_error *err)
{
	size_t n = s.e - s.b;
	if (n != BD_DEVICE_ID_LEN)
		return bd_error_set(err, BD_E_PARSE,
				    "the device ID in the reply to `i` is %zu characters long; "
				    "expected %d hex digits",
				    n, BD_DEVICE_ID_LEN);
	for (size_t i = 0; i < n; i++) {
		if (!bd_con_is_hex(buf[s.b + i]))
			return bd_error_set(err, BD_E_PARSE,
					    "the device ID in the reply to `i` has a character "
					    "that is not a hex digit at position %zu; expected %d "
					    "hex digits",
					    i + 1, BD_DEVICE_ID_LEN);
		out[i] = bd_con_lower(buf[s.b + i]);
	}
	out[n] = '\0';
	return 0;
}

/* IMEI / ICCID: letters and digits that fit the field. */
static int bd_con_take_code(const char *buf, struct bd_con_span s, char *out, size_t size,
			    const char *key, struct bd_error *err)
{
	size_t n = s.e - s.b;
	if (n == 0 || n >= size)
		return bd_error_set(err, BD_E_PARSE,
				    "the %s in the reply to `i` is %zu characters long; expected "
				    "1 to %zu letters or digits",
				    key, n, size - 1);
	for (size_t i = 0; i < n; i++)
		if (!bd_con_is_alnum(buf[s.b + i]))
			return bd_error_set(err, BD_E_PARSE,
					    "the %s in the reply to `i` has a character that is "
					    "not a letter or digit at position %zu",
					    key, i + 1);
	memcpy(out, buf + s.b, n);
	out[n] = '\0';
	return 0;
}

/* Free text: printable ASCII only (others become '?'), cut to fit.  If a
 * lost line end glued the secret line onto this value, the value ends where
 * the secret line starts. */
static void bd_con_take_text(const char *buf, struct bd_con_span s, char *out, size_t size)
{
	size_t cut = bd_con_find(buf, s.e, s.b, "Device Secret");
	if (cut == s.e)
		cut = bd_con_find(buf, s.e, s.b, "Secret");
	s.e = cut;
	s = bd_con_trim(buf, s);
	size_t n = s.e - s.b;
	if (n >= size)
		n = size - 1;
	for (size_t i = 0; i < n; i++) {
		char c = buf[s.b + i];
		out[i] = (c >= 0x20 && c < 0x7f) ? c : '?';
	}
	out[n] = '\0';
}

static void bd_con_identity_reset(struct bd_identity *out)
{
	memset(out, 0, sizeof *out);
	out->platform_id = -1;
}

/* The short form: "Your device id is <id>" / "Your core id is <id>". */
static int bd_con_identify_short(const char *buf, size_t len, struct bd_identity *out,
				 struct bd_error *err)
{
	static const char *const forms[] = {"Your device id is", "Your core id is"};
	for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++) {
		size_t at = bd_con_find(buf, len, 0, forms[f]);
		if (at == len)
			continue;
		size_t p = at + strlen(forms[f]);
		while (p < len && (bd_con_is_blank(buf[p]) || buf[p] == '\r' || buf[p] == '\n'))
			p++;
		struct bd_con_span tok = {p, p};
		while (tok.e < len && bd_con_is_word(buf[tok.e]))
			tok.e++;
		int rc = bd_con_take_id(buf, tok, out->device_id, err);
		return rc < 0 ? rc : 1;
	}
	return 0;
}

int bd_console_parse_identify(const char *buf, size_t len, struct bd_identity *out,
			      struct bd_error *err)
{
	int rc = bd_con_check_args(buf, len, out, "i", err);
	if (out)
		bd_con_identity_reset(out);
	if (rc < 0)
		return rc;

	rc = bd_con_identify_short(buf, len, out, err);
	if (rc < 0)
		goto fail;
	if (rc > 0)
		return 0;

	/* The long form: "Key: value" lines.  Only the keys we keep are copied;
	 * "Device Secret" is matched so that it is skipped on purpose. */
	bool have_id = false, have_imei = false, have_iccid = false;
	for (size_t p = 0; p < len;) {
		size_t eol = p;
		while (eol < len && buf[eol] != '\r' && buf[eol] != '\n')
			eol++;
		struct bd_con_span line = {p, eol};
		p = eol < len ? eol + 1 : len;
		size_t colon = bd_con_find(buf, line.e, line.b, ": ");
		if (colon == line.e)
			continue;
		struct bd_con_span key = bd_con_trim(buf, (struct bd_con_span){line.b, colon});
		struct bd_con_span val = bd_con_trim(buf, (struct bd_con_span){colon + 2, line.e});
		if (bd_con_span_is(buf, key, "Device Secret")) {
			continue; /* never stored, never copied */
		} else if (bd_con_span_is(buf, key, "Device ID")) {
			if (have_id)
				continue;
			if ((rc = bd_con_take_id(buf, val, out->device_id, err)) < 0)
				goto fail;
			have_id = true;
		} else if (bd_con_span_is(buf, key, "IMEI") && !have_imei) {
			if ((rc = bd_con_take_code(buf, val, out->imei, sizeof out->imei, "IMEI",
						   err)) < 0)
				goto fail;
			have_imei = true;
		} else if (bd_con_span_is(buf, key, "ICCID") && !have_iccid) {
			if ((rc = bd_con_take_code(buf, val, out->iccid, sizeof out->iccid, "ICCID",
						   err)) < 0)
				goto fail;
			have_iccid = true;
		} else if (bd_con_span_is(buf, key, "Serial Number") && !out->serial_number[0]) {
			bd_con_take_text(buf, val, out->serial_number, sizeof out->serial_number);
		} else if (bd_con_span_is(buf, key, "Cell Radio Version") && !out->radio_version[0]) {
			bd_con_take_text(buf, val, out->radio_version, sizeof out->radio_version);
		}
	}
	if (have_id)
		return 0;
	rc = bd_error_set(err, BD_E_PARSE,
			  "expected `Your device id is <24 hex digits>` or a `Device ID: <24 hex "
			  "digits>` line in the reply to `i`, but none of its %zu bytes matched",
			  len);
fail:
	bd_con_identity_reset(out);
	return rc;
}

/* Known OUIs that manufacturing firmware prints incompletely. */
static const unsigned char bd_con_usi_ouis[][3] = {
	{0x6c, 0x0b, 0x84},
	{0x44, 0x39, 0xc4},
};

static unsigned char bd_con_hex_byte(const char *p)
{
	unsigned v = 0;
	for (int i = 0; i < 2; i++) {
		char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else
			v |= (unsigned)(c - 'A' + 10);
	}
	return (unsigned char)v;
}

int bd_console_parse_mac(const char *buf, size_t len, struct bd_mac *out, struct bd_error *err)
{
	int rc = bd_con_check_args(buf, len, out, "m", err);
	if (out)
		memset(out, 0, sizeof *out);
	if (rc < 0)
		return rc;

	static const char intro[] = "MAC address is";
	size_t from = bd_con_find(buf, len, 0, intro);
	from = from == len ? 0 : from + sizeof intro - 1;

	unsigned char mac[6];
	size_t n = 0;
	for (size_t i = from; i + 2 < len && n == 0; i++) {
		if (!(bd_con_is_hex(buf[i]) && bd_con_is_hex(buf[i + 1]) && buf[i + 2] == ':'))
			continue;
		/* A run: hh followed by up to five more ":hh". */
		size_t j = i;
		for (;;) {
			mac[n++] = bd_con_hex_byte(buf + j);
			if (n == 6 || j + 4 >= len || buf[j + 2] != ':' ||
			    !bd_con_is_hex(buf[j + 3]) || !bd_con_is_hex(buf[j + 4]))
				break;
			j += 3;
		}
	}
	if (n == 0)
		return bd_error_set(err, BD_E_PARSE,
				    "expected a MAC address (hex bytes separated by ':') in the "
				    "reply to `m`, but none of its %zu bytes matched",
				    len);
	if (n < 6) {
		unsigned char padded[6] = {0};
		memcpy(padded + (6 - n), mac, n);
		memcpy(mac, padded, sizeof mac);
		for (size_t o = 0; o < sizeof bd_con_usi_ouis / sizeof bd_con_usi_ouis[0]; o++) {
			bool hit = false;
			for (int k = 0; k < 3; k++)
				hit = hit || mac[k] == bd_con_usi_ouis[o][k];
			if (hit) {
				memcpy(mac, bd_con_usi_ouis[o], 3);
				break;
			}
		}
	}
	static const char digits[] = "0123456789abcdef";
	for (int k = 0; k < 6; k++) {
		out->mac[k * 3] = digits[mac[k] >> 4];
		out->mac[k * 3 + 1] = digits[mac[k] & 15];
		out->mac[k * 3 + 2] = k < 5 ? ':' : '\0';
	}
	return 0;
}

int bd_console_parse_version(const char *buf, size_t len, struct bd_console_version *out,
			     struct bd_error *err)
{
	int rc = bd_con_check_args(buf, len, out, "v", err);
	if (out)
		memset(out, 0, sizeof *out);
	if (rc < 0)
		return rc;

	static const char intro[] = "system firmware version:";
	size_t at = bd_con_find(buf, len, 0, intro);
	if (at == len)
		return bd_error_set(err, BD_E_PARSE,
				    "expected `system firmware version: <version>` in the reply to "
				    "`v`, but none of its %zu bytes matched",
				    len);
	size_t p = at + sizeof intro - 1;
	while (p < len && bd_con_is_blank(buf[p]))
		p++;
	size_t e = p;
	while (e < len && (bd_con_is_alnum(buf[e]) || buf[e] == '.' || buf[e] == '-' ||
			   buf[e] == '+' || buf[e] == '_'))
		e++;
	if (e == p || !(buf[p] >= '0' && buf[p] <= '9'))
		return bd_error_set(err, BD_E_PARSE,
				    "the reply to `v` has no version number after `system "
				    "firmware version:`; expected something like 6.2.0");
	if (e - p >= sizeof out->version)
		return bd_error_set(err, BD_E_PARSE,
				    "the version in the reply to `v` is %zu characters long; at "
				    "most %zu expected",
				    e - p, sizeof out->version - 1);
	memcpy(out->version, buf + p, e - p);
	out->version[e - p] = '\0';
	size_t q = e;
	while (q < len && bd_con_is_blank(buf[q]))
		q++;
	static const char minimal[] = "minimal";
	if (len - q >= sizeof minimal - 1 && memcmp(buf + q, minimal, sizeof minimal - 1) == 0 &&
	    (q + sizeof minimal - 1 == len || !bd_con_is_word(buf[q + sizeof minimal - 1])))
		out->minimal = true;
	return 0;
}

int bd_console_parse_claimed(const char *buf, size_t len, bool *claimed, struct bd_error *err)
{
	int rc = bd_con_check_args(buf, len, claimed, "c", err);
	if (claimed)
		*claimed = false;
	if (rc < 0)
		return rc;

	static const char intro[] = "Device claimed:";
	size_t at = bd_con_find(buf, len, 0, intro);
	if (at != len) {
		size_t p = at + sizeof intro - 1;
		while (p < len && bd_con_is_blank(buf[p]))
			p++;
		size_t e = p;
		while (e < len && bd_con_is_word(buf[e]))
			e++;
		struct bd_con_span w = {p, e};
		if (bd_con_span_is(buf, w, "yes") || bd_con_span_is(buf, w, "no")) {
			*claimed = buf[p] == 'y';
			return 0;
		}
	}
	return bd_error_set(err, BD_E_PARSE,
			    "expected `Device claimed: yes` or `Device claimed: no` in the reply "
			    "to `c`, but none of its %zu bytes matched",
			    len);
}
