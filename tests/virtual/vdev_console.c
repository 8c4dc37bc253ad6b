/* vdev_console.c - the listening-mode console of Device OS (system_setup.cpp
 * as described in protocols.md 2.3-2.6).  Single-character commands, CRLF
 * replies; `w` and `C` read lines ended by CR and/or LF (no echo). */
#include "vdev_console.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum state { IDLE, W_SSID, W_SECURITY, W_CIPHER, W_PASSWORD, C_CODE };

struct vdev_console {
	enum state state;
	char line[128];
	size_t len;
	bool skip_lf;
	struct vdev_wifi_creds wifi;
};

#define PROMPT_SSID "SSID: "
#define PROMPT_SECURITY "Security 0=unsecured, 1=WEP, 2=WPA, 3=WPA2: "
#define PROMPT_CIPHER "Security Cipher 1=AES, 2=TKIP, 3=AES+TKIP: "
#define PROMPT_PASSWORD "Password: "
#define PROMPT_CLAIM "Enter 63-digit claim code: "
#define TEXT_SAVING "Thanks! Wait while I save those credentials...\r\n\r\n"
#define TEXT_SAVED                                                              \
	"Awesome. Now we'll connect!\r\n\r\n"                                   \
	"If you see a pulsing cyan light, your device\r\n"                      \
	"has connected to the Cloud and is ready to go!\r\n\r\n"                \
	"If your LED flashes red or you encounter any other problems,\r\n"      \
	"visit https://www.particle.io/support to debug.\r\n\r\n"               \
	"    Particle <3 you!\r\n\r\n"
#define TEXT_SAVE_FAILED "Derp. Sorry, we couldn't save the credentials.\r\n\r\n"

struct vdev_console *vdev_console_new(void)
{
	return g_new0(struct vdev_console, 1);
}

void vdev_console_free(struct vdev_console *c)
{
	g_free(c);
}

void vdev_console_reset(struct vdev_console *c)
{
	memset(c, 0, sizeof(*c));
}

/* Device OS version at least major.minor? */
static bool version_at_least(const char *v, int major, int minor)
{
	int ma = 0, mi = 0;

	if (!v || sscanf(v, "%d.%d", &ma, &mi) < 1)
		return true;
	return ma > major || (ma == major && mi >= minor);
}

static bool has(const char *s)
{
	return s && s[0];
}

static void identify(const struct vdev_console_info *in, GString *out)
{
	if (in->plat->gen <= 1) {
		g_string_append_printf(out, "Your core id is %s\r\n", in->device_id);
		return;
	}
	if (!has(in->device_secret) && !has(in->serial_number) && !has(in->imei) &&
	    !has(in->iccid) && !has(in->cell_fw)) {
		g_string_append_printf(out, "Your device id is %s\r\n", in->device_id);
		return;
	}
	g_string_append_printf(out, "Device ID: %s\r\n", in->device_id);
	if (has(in->device_secret))
		g_string_append_printf(out, "Device Secret: %s\r\n", in->device_secret);
	if (has(in->serial_number))
		g_string_append_printf(out, "Serial Number: %s\r\n", in->serial_number);
	if (has(in->imei))
		g_string_append_printf(out, "IMEI: %s\r\n", in->imei);
	if (has(in->iccid))
		g_string_append_printf(out, "ICCID: %s\r\n", in->iccid);
	if (has(in->cell_fw))
		g_string_append_printf(out, "Cell Radio Version: %s\r\n", in->cell_fw);
}

static int command(struct vdev_console *c, const struct vdev_console_info *in, char ch,
		   GString *out, bool *is_describe)
{
	bool v05 = version_at_least(in->os_version, 0, 5);

	switch (ch) {
	case 'i':
		identify(in, out);
		break;
	case 'm':
		g_string_append_printf(out, "Your device MAC address is\r\n%s\r\n", in->mac);
		break;
	case 's':
		g_string_append_printf(out, "%s\r\n", in->describe_json);
		*is_describe = true;
		break;
	case 'v':
		g_string_append_printf(out, "system firmware version: %s\n\r\n", in->os_version);
		break;
	case 'c':
		if (v05)
			g_string_append_printf(out, "Device claimed: %s\r\n", in->claimed ? "yes" : "no");
		break;
	case 'C':
		if (v05) {
			g_string_append(out, PROMPT_CLAIM);
			c->state = C_CODE;
		}
		break;
	case 'd':
		if (version_at_least(in->os_version, 1, 5))
			g_string_append_printf(out, "%s\r\n", in->diagnostics_json);
		break;
	case 'L':
		return v05 ? VDEV_CON_SAFE_RESET : VDEV_CON_NONE;
	case 'x':
		return VDEV_CON_LEAVE_LISTENING;
	case 'w':
		if (in->plat->wifi) {
			memset(&c->wifi, 0, sizeof(c->wifi));
			c->wifi.security = -1;
			c->wifi.cipher = -1;
			g_string_append(out, PROMPT_SSID);
			c->state = W_SSID;
		}
		break;
	default:
		break; /* unknown characters are ignored */
	}
	return VDEV_CON_NONE;
}

/* A whole line arrived in a dialog state. */
static int dialog_line(struct vdev_console *c, const struct vdev_console_info *in, GString *out,
		       struct vdev_wifi_creds *wifi)
{
	char *end = NULL;
	long n;

	switch (c->state) {
	case W_SSID:
		if (!c->len)
			return VDEV_CON_NONE;
		snprintf(c->wifi.ssid, sizeof(c->wifi.ssid), "%.63s", c->line);
		/* The device scans; our networks are never found, so it asks. */
		g_string_append(out, PROMPT_SECURITY);
		c->state = W_SECURITY;
		return VDEV_CON_NONE;
	case W_SECURITY:
		n = strtol(c->line, &end, 10);
		if (!c->len || *end || n < 0 || n > 6) {
			g_string_append(out, PROMPT_SECURITY);
			return VDEV_CON_NONE;
		}
		c->wifi.security = (int)n;
		if (n == 2 || n == 3) {
			g_string_append(out, PROMPT_CIPHER);
			c->state = W_CIPHER;
		} else if (n != 0) {
			g_string_append(out, PROMPT_PASSWORD);
			c->state = W_PASSWORD;
		} else {
			goto save;
		}
		return VDEV_CON_NONE;
	case W_CIPHER:
		n = strtol(c->line, &end, 10);
		if (!c->len || *end || n < 1 || n > 3) {
			g_string_append(out, PROMPT_CIPHER);
			return VDEV_CON_NONE;
		}
		c->wifi.cipher = (int)n;
		g_string_append(out, PROMPT_PASSWORD);
		c->state = W_PASSWORD;
		return VDEV_CON_NONE;
	case W_PASSWORD:
		snprintf(c->wifi.password, sizeof(c->wifi.password), "%.95s", c->line);
		goto save;
	case C_CODE:
		c->state = IDLE;
		if (c->len == 63) {
			g_string_append_printf(out, "Claim code set to: %s\r\n", c->line);
			return VDEV_CON_CLAIMED;
		}
		g_string_append(out, "Sorry, claim code is not 63 characters long. "
				     "Claim code unchanged.\r\n");
		return VDEV_CON_NONE;
	case IDLE:
	default:
		return VDEV_CON_NONE;
	}
save:
	c->state = IDLE;
	*wifi = c->wifi;
	g_string_append(out, TEXT_SAVING);
	if (in->wifi_save_fails) {
		g_string_append(out, TEXT_SAVE_FAILED);
		return VDEV_CON_NONE;
	}
	g_string_append(out, TEXT_SAVED);
	return VDEV_CON_LEAVE_LISTENING;
}

int vdev_console_feed(struct vdev_console *c, const struct vdev_console_info *info, char ch,
		      GString *reply, bool *is_describe, struct vdev_wifi_creds *wifi)
{
	bool was_cr_skip = c->skip_lf;

	c->skip_lf = false;
	if (c->state == IDLE)
		return command(c, info, ch, reply, is_describe);
	if (ch == '\n' && was_cr_skip)
		return VDEV_CON_NONE;
	if (ch == '\r' || ch == '\n') {
		int ev;

		c->line[c->len] = '\0';
		c->skip_lf = ch == '\r';
		ev = dialog_line(c, info, reply, wifi);
		c->len = 0;
		return ev;
	}
	if ((unsigned char)ch >= 0x20 && ch != 0x7f && c->len + 1 < sizeof(c->line))
		c->line[c->len++] = ch;
	return VDEV_CON_NONE;
}
