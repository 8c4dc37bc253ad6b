/* vdev_probe.c - vdev-probe: a tiny real-world client (libserialport,
 * libusb) for black-box tests of bd-vrun scenarios.
 *
 *   vdev-probe list                     serial ports with USB metadata
 *   vdev-probe usb                      USB devices (vid:pid serial product)
 *   vdev-probe ask PORT TEXT [MAX_MS]   send TEXT (\r \n unescaped), print the
 *                                       reply escaped on one line
 *   vdev-probe baud PORT RATE           open, set the line rate, close
 *
 * Exit status: 0 ok, 2 usage, 3 open failed (prints "open: <errno> <text>"),
 * 4 I/O error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <libserialport.h>
#include <libusb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define QUIET_MS 100

static void put_escaped(const char *s, int n)
{
	for (int i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\r')
			fputs("\\r", stdout);
		else if (c == '\n')
			fputs("\\n", stdout);
		else if (c == '\\')
			fputs("\\\\", stdout);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
	putchar('\n');
}

static int list_ports(void)
{
	struct sp_port **list = NULL;

	if (sp_list_ports(&list) != SP_OK)
		return 4;
	for (size_t i = 0; list[i]; i++) {
		int vid = 0, pid = 0;
		const char *m, *p, *s;

		if (sp_get_port_transport(list[i]) != SP_TRANSPORT_USB)
			continue;
		sp_get_port_usb_vid_pid(list[i], &vid, &pid);
		m = sp_get_port_usb_manufacturer(list[i]);
		p = sp_get_port_usb_product(list[i]);
		s = sp_get_port_usb_serial(list[i]);
		printf("%s %04x:%04x manufacturer=%s product=%s serial=%s\n", sp_get_port_name(list[i]),
		       vid, pid, m ? m : "", p ? p : "", s ? s : "");
	}
	sp_free_port_list(list);
	return 0;
}

static int list_usb(void)
{
	libusb_context *ctx;
	libusb_device **devs;
	ssize_t n;

	if (libusb_init(&ctx) != 0)
		return 4;
	n = libusb_get_device_list(ctx, &devs);
	for (ssize_t i = 0; i < n; i++) {
		struct libusb_device_descriptor d;
		libusb_device_handle *h;
		unsigned char serial[128] = "", product[128] = "";

		if (libusb_get_device_descriptor(devs[i], &d) != 0)
			continue;
		if (libusb_open(devs[i], &h) == 0) {
			libusb_get_string_descriptor_ascii(h, d.iSerialNumber, serial, sizeof(serial));
			libusb_get_string_descriptor_ascii(h, d.iProduct, product, sizeof(product));
			libusb_close(h);
		}
		printf("%04x:%04x serial=%s product=%s\n", d.idVendor, d.idProduct, serial, product);
	}
	if (n >= 0)
		libusb_free_device_list(devs, 1);
	libusb_exit(ctx);
	return 0;
}

static struct sp_port *open_port(const char *name)
{
	struct sp_port *p = NULL;

	if (sp_get_port_by_name(name, &p) != SP_OK) {
		printf("open: %d %s\n", ENODEV, "no such port");
		return NULL;
	}
	if (sp_open(p, SP_MODE_READ_WRITE) != SP_OK) {
		char *msg = sp_last_error_message();

		printf("open: %d %s\n", sp_last_error_code(), msg);
		sp_free_error_message(msg);
		sp_free_port(p);
		return NULL;
	}
	return p;
}

static long ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static int ask(const char *port, const char *text, long max_ms)
{
	struct sp_port *p = open_port(port);
	char out[256], buf[8192];
	size_t n = 0, got = 0;
	long start;

	if (!p)
		return 3;
	sp_set_baudrate(p, 9600);
	for (const char *s = text; *s && n + 1 < sizeof(out); s++) {
		if (s[0] == '\\' && (s[1] == 'r' || s[1] == 'n')) {
			out[n++] = s[1] == 'r' ? '\r' : '\n';
			s++;
		} else {
			out[n++] = *s;
		}
	}
	if (sp_blocking_write(p, out, n, 1000) != (int)n) {
		sp_close(p);
		sp_free_port(p);
		return 4;
	}
	start = ms_now();
	while (got + 1 < sizeof(buf)) {
		long left = start + max_ms - ms_now();
		int r;

		if (left <= 0)
			break;
		r = sp_blocking_read_next(p, buf + got, sizeof(buf) - 1 - got,
					  (unsigned)(got && left > QUIET_MS ? QUIET_MS : left));
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	put_escaped(buf, (int)got);
	sp_close(p);
	sp_free_port(p);
	return 0;
}

static int set_baud(const char *port, int rate)
{
	struct sp_port *p = open_port(port);
	int rc;

	if (!p)
		return 3;
	rc = sp_set_baudrate(p, rate) == SP_OK ? 0 : 4;
	sp_close(p);
	sp_free_port(p);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return list_ports();
	if (argc >= 2 && strcmp(argv[1], "usb") == 0)
		return list_usb();
	if ((argc == 4 || argc == 5) && strcmp(argv[1], "ask") == 0)
		return ask(argv[2], argv[3], argc == 5 ? atol(argv[4]) : 3000);
	if (argc == 4 && strcmp(argv[1], "baud") == 0)
		return set_baud(argv[2], atoi(argv[3]));
	fprintf(stderr, "usage: vdev-probe list | usb | ask PORT TEXT [MAX_MS] | baud PORT RATE\n");
	return 2;
}
