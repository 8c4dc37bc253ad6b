/* serial_port.c - libserialport I/O and error translation (serial_port.h). */
#define _GNU_SOURCE
#include "serial_port.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef _WIN32
#include <poll.h>
#include <termios.h>
#endif

struct bd_serial_port {
	struct sp_port *port;
	int fd; /* for poll(); -1 where there is none */
	char path[256];
};

const char *bd_serial_port_path(const struct bd_serial_port *p)
{
	return p ? p->path : "";
}

static bool bd_serial_is_modem_manager(const char *holders)
{
	return holders && strstr(holders, "ModemManager") != NULL;
}

void bd_serial_holders_advice(const char *path, const char *holders, int n, bool unsure,
			      char *hint, size_t size)
{
	if (n > 0 && bd_serial_is_modem_manager(holders))
		snprintf(hint, size,
			 "ModemManager probes new serial ports as if they were modems. Stop it "
			 "with `sudo systemctl stop ModemManager`, or install blinkdoc's udev rule "
			 "(`sudo blinkdoc udev-rules --install`), which tells ModemManager to leave "
			 "Particle devices alone; then unplug the device, plug it in again and "
			 "retry.");
	else if (n > 0)
		snprintf(hint, size,
			 "Close %s (a serial monitor such as `particle serial monitor`, "
			 "screen or minicom) or end %s with `kill <pid>`, then try again.",
			 n == 1 ? "that program" : "those programs", n == 1 ? "it" : "them");
	else
		snprintf(hint, size,
			 "Another program has %s open%s. `sudo fuser -v %s` shows which; close "
			 "it and try again.",
			 path, unsure ? " (blinkdoc could not see which without root)" : "", path);
}

/* The group to suggest for serial access: the port's own group when it is
 * a dedicated one (dialout, uucp, ...), else dialout. */
static void bd_serial_access_group(const char *path, char *out, size_t size)
{
	snprintf(out, size, "dialout");
#ifndef _WIN32
	struct stat st;
	if (stat(path, &st) != 0 || st.st_gid == 0 || st.st_gid == getgid())
		return;
	struct group *g = getgrgid(st.st_gid);
	if (g && g->gr_name && g->gr_name[0])
		snprintf(out, size, "%s", g->gr_name);
#endif
}

int bd_serial_translate(enum sp_return rc, int os_errno, const char *doing, const char *path,
			struct bd_error *err)
{
	switch (rc) {
	case SP_OK:
		return 0;
	case SP_ERR_MEM:
		return bd_error_set(err, BD_E_NOMEM, "out of memory %s %s", doing, path);
	case SP_ERR_SUPP:
		return bd_error_set(err, BD_E_NOT_SUPPORTED,
				    "%s %s is not supported by this computer's serial driver",
				    doing, path);
	case SP_ERR_ARG:
		return bd_error_set(err, BD_E_INVALID,
				    "libserialport rejected the request %s %s (is it a serial "
				    "port?)",
				    doing, path);
	case SP_ERR_FAIL:
		break;
	}
	char group[64], holders[256], hint[BD_ERROR_HINT_MAX];
	bool unsure = false;
	int n;
	switch (os_errno) {
	case EACCES:
	case EPERM:
		bd_serial_access_group(path, group, sizeof group);
		bd_error_set(err, BD_E_ACCESS, "permission denied %s %s", doing, path);
		bd_error_hint(err,
			      "Add yourself to the `%s` group: `sudo usermod -aG %s $USER`, then "
			      "log out and back in (a new group applies only to new logins). Or "
			      "install blinkdoc's udev rule, which lets every user reach Particle "
			      "devices: `sudo blinkdoc udev-rules --install`.",
			      group, group);
		return BD_E_ACCESS;
	case EBUSY:
		n = bd_serial_port_holders(path, holders, sizeof holders, &unsure);
		if (n > 0)
			bd_error_set(err, BD_E_BUSY, "%s %s %s open, so blinkdoc cannot use it",
				     holders, n == 1 ? "has" : "have", path);
		else
			bd_error_set(err, BD_E_BUSY, "%s is busy (another program has it open "
						     "exclusively)",
				     path);
		bd_serial_holders_advice(path, holders, n, unsure, hint, sizeof hint);
		bd_error_hint(err, "%s", hint);
		return BD_E_BUSY;
	case ENOENT:
		bd_error_set(err, BD_E_NO_DEVICE, "no serial port %s (it went away while %s it)",
			     path, doing);
		bd_error_hint(err, "The device was unplugged or re-enumerated under another name. "
				   "Run `blinkdoc devices` to find it again.");
		return BD_E_NO_DEVICE;
	case EIO:
	case ENODEV:
	case ENXIO:
	case EPIPE:
#ifdef ESHUTDOWN
	case ESHUTDOWN:
#endif
		bd_error_set(err, BD_E_DISCONNECTED, "the device disconnected while %s %s (%s)",
			     doing, path, strerror(os_errno));
		bd_error_hint(err, "If the device was resetting or changing mode this is expected; "
				   "otherwise check the USB cable and run `blinkdoc devices`.");
		return BD_E_DISCONNECTED;
	case ETIMEDOUT:
	case EAGAIN:
		return bd_error_set(err, BD_E_TIMEOUT, "timed out %s %s", doing, path);
	default:
		return bd_error_set(err, BD_E_IO, "error %s %s: %s", doing, path,
				    os_errno ? strerror(os_errno) : "unknown failure");
	}
}

/* Translates the libserialport result of the last call. */
static int bd_serial_fail(enum sp_return rc, const char *doing, const char *path,
			  struct bd_error *err)
{
	int os_errno = rc == SP_ERR_FAIL ? sp_last_error_code() : 0;
	return bd_serial_translate(rc, os_errno, doing, path, err);
}

#ifndef _WIN32
/* Drops "." and "dir/.." components of an absolute path, in place. */
static void bd_serial_normalise(char *path)
{
	char *parts[256];
	size_t n = 0;
	for (char *save = NULL, *t = strtok_r(path, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
		if (!strcmp(t, "."))
			continue;
		if (!strcmp(t, "..")) {
			if (n)
				n--;
			continue;
		}
		if (n < sizeof parts / sizeof parts[0])
			parts[n++] = t;
	}
	char out[PATH_MAX];
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < n && used < sizeof out; i++) {
		int w = snprintf(out + used, sizeof out - used, "/%s", parts[i]);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	snprintf(path, PATH_MAX, "%s", used ? out : "/");
}

/* Where path leads, following its symlinks (/dev/serial/by-id/... ->
 * /dev/ttyACM0) with readlink() alone.  Not realpath(): umockdev's
 * preload, under which the virtual-device tests run the product, wraps
 * realpath() and corrupts memory when a device node links out of its test
 * bed (the result is shorter than the bed prefix it strips).  Directories
 * along the way are not resolved; /dev has none that are links. */
static void bd_serial_resolve(const char *path, char out[PATH_MAX])
{
	char cur[PATH_MAX], link[PATH_MAX];
	if (path[0] != '/' && getcwd(link, sizeof link))
		snprintf(cur, sizeof cur, "%.*s/%s", PATH_MAX / 2, link, path);
	else
		snprintf(cur, sizeof cur, "%s", path);
	bd_serial_normalise(cur);
	for (int hops = 0; hops < 16; hops++) {
		ssize_t n = readlink(cur, link, sizeof link - 1);
		if (n <= 0)
			break;
		link[n] = '\0';
		if (link[0] == '/') {
			snprintf(cur, sizeof cur, "%s", link);
		} else {
			char *slash = strrchr(cur, '/');
			if (slash)
				slash[1] = '\0';
			size_t used = strlen(cur);
			snprintf(cur + used, sizeof cur - used, "%s", link);
		}
		bd_serial_normalise(cur);
	}
	snprintf(out, PATH_MAX, "%s", cur);
}
#endif

int bd_serial_port_holders(const char *path, char *out, size_t size, bool *unsure)
{
	if (size)
		out[0] = '\0';
	*unsure = false;
#ifdef _WIN32
	(void)path;
	return 0;
#else
	char want[PATH_MAX];
	bd_serial_resolve(path, want);
	DIR *proc = opendir("/proc");
	if (!proc)
		return 0;
	int found = 0;
	size_t used = 0;
	struct dirent *e;
	while ((e = readdir(proc)) && found < 4) {
		const char *pid = e->d_name;
		size_t pidlen = strlen(pid);
		if (!pidlen || pidlen > 20 || strspn(pid, "0123456789") != pidlen)
			continue;
		char fddir[64];
		snprintf(fddir, sizeof fddir, "/proc/%.20s/fd", pid);
		DIR *fds = opendir(fddir);
		if (!fds) {
			if (errno == EACCES || errno == EPERM)
				*unsure = true;
			continue;
		}
		bool holds = false;
		struct dirent *f;
		while (!holds && (f = readdir(fds))) {
			char link[128], target[PATH_MAX];
			if (strlen(f->d_name) > 20)
				continue; /* fd entries are numbers */
			snprintf(link, sizeof link, "%s/%.20s", fddir, f->d_name);
			ssize_t n = readlink(link, target, sizeof target - 1);
			if (n <= 0) {
				if (n < 0 && (errno == EACCES || errno == EPERM))
					*unsure = true; /* not ours to look at */
				continue;
			}
			target[n] = '\0';
			holds = strcmp(target, want) == 0;
		}
		closedir(fds);
		if (!holds)
			continue;
		char comm[64] = "unknown program", commpath[64];
		snprintf(commpath, sizeof commpath, "/proc/%.20s/comm", pid);
		FILE *cf = fopen(commpath, "r");
		if (cf) {
			if (fgets(comm, sizeof comm, cf))
				comm[strcspn(comm, "\n")] = '\0';
			fclose(cf);
		}
		int w = snprintf(out + used, size > used ? size - used : 0, "%s%s (pid %.20s)",
				 found ? ", " : "", comm, pid);
		if (w > 0)
			used += (size_t)w < size - used ? (size_t)w : size - used - 1;
		found++;
	}
	closedir(proc);
	return found;
#endif
}

/* Puts a tty left at a magic rate back to 9600 before libserialport opens
 * it (see serial_port.h).  Best effort: any failure is left for sp_open to
 * report. */
static void bd_serial_defuse_magic_baud(const char *path)
{
#ifndef _WIN32
	int fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return;
	struct termios t;
	if (tcgetattr(fd, &t) == 0 && cfgetospeed(&t) != B9600) {
		cfsetispeed(&t, B9600);
		cfsetospeed(&t, B9600);
		tcsetattr(fd, TCSANOW, &t);
	}
	close(fd);
#else
	(void)path;
#endif
}

static int bd_serial_configure(struct bd_serial_port *p, struct bd_error *err)
{
	struct sp_port_config *cfg = NULL;
	enum sp_return rc = sp_new_config(&cfg);
	if (rc != SP_OK)
		return bd_serial_fail(rc, "configuring", p->path, err);
	if ((rc = sp_set_config_baudrate(cfg, BD_SERIAL_CONSOLE_BAUD)) == SP_OK &&
	    (rc = sp_set_config_bits(cfg, 8)) == SP_OK &&
	    (rc = sp_set_config_parity(cfg, SP_PARITY_NONE)) == SP_OK &&
	    (rc = sp_set_config_stopbits(cfg, 1)) == SP_OK &&
	    (rc = sp_set_config_flowcontrol(cfg, SP_FLOWCONTROL_NONE)) == SP_OK)
		rc = sp_set_config(p->port, cfg);
	int r = rc == SP_OK ? 0 : bd_serial_fail(rc, "configuring", p->path, err);
	sp_free_config(cfg);
	return r;
}

int bd_serial_port_open(const char *path, struct bd_serial_port **out, struct bd_error *err)
{
	*out = NULL;
	if (!path || !path[0])
		return bd_error_set(err, BD_E_INVALID, "no serial port given");
	struct stat st;
	if (stat(path, &st) != 0 && errno == ENOENT) {
		bd_error_set(err, BD_E_NO_DEVICE, "no serial port %s", path);
		bd_error_hint(err, "The device may be unplugged, or it re-enumerated under another "
				   "name (for example after a reset). Run `blinkdoc devices` to find "
				   "it.");
		return BD_E_NO_DEVICE;
	}
	struct bd_serial_port *p = calloc(1, sizeof *p);
	if (!p)
		return bd_error_set(err, BD_E_NOMEM, "out of memory opening %s", path);
	p->fd = -1;
	snprintf(p->path, sizeof p->path, "%s", path);
	enum sp_return rc = sp_get_port_by_name(path, &p->port);
	if (rc != SP_OK) {
		free(p);
		if (rc == SP_ERR_ARG) {
			bd_error_set(err, BD_E_NO_DEVICE, "%s is not a serial port this computer "
							 "knows",
				     path);
			bd_error_hint(err, "Run `blinkdoc devices` to see the ports of connected "
					   "Particle devices.");
			return BD_E_NO_DEVICE;
		}
		return bd_serial_fail(rc, "looking up", path, err);
	}
	bd_serial_defuse_magic_baud(path);
	rc = sp_open(p->port, SP_MODE_READ_WRITE);
	if (rc != SP_OK) {
		int r = bd_serial_fail(rc, "opening", path, err);
		sp_free_port(p->port);
		free(p);
		return r;
	}
	int r = bd_serial_configure(p, err);
	if (r < 0) {
		bd_serial_port_close(p);
		return r;
	}
#ifndef _WIN32
	int fd = -1;
	if (sp_get_port_handle(p->port, &fd) == SP_OK)
		p->fd = fd;
#endif
	*out = p;
	return 0;
}

void bd_serial_port_close(struct bd_serial_port *p)
{
	if (!p)
		return;
	sp_close(p->port);
	sp_free_port(p->port);
	free(p);
}

int bd_serial_port_flush_input(struct bd_serial_port *p, struct bd_error *err)
{
	enum sp_return rc = sp_flush(p->port, SP_BUF_INPUT);
	return rc == SP_OK ? 0 : bd_serial_fail(rc, "clearing the input of", p->path, err);
}

int bd_serial_port_write(struct bd_serial_port *p, const void *buf, size_t len,
			 struct bd_deadline d, struct bd_error *err)
{
	int64_t left = bd_deadline_left_ms(d);
	if (left <= 0)
		return bd_error_set(err, BD_E_TIMEOUT, "no time left to write to %s", p->path);
	/* libserialport treats a timeout of 0 as "wait forever". */
	unsigned timeout = left > 60000 ? 60000u : (unsigned)left;
	enum sp_return rc = sp_blocking_write(p->port, buf, len, timeout);
	if (rc < 0)
		return bd_serial_fail(rc, "writing to", p->path, err);
	if ((size_t)rc < len)
		return bd_error_set(err, BD_E_TIMEOUT,
				    "could send only %d of %zu bytes to %s within %u ms", (int)rc,
				    len, p->path, timeout);
	return 0;
}

int bd_serial_port_read(void *ctx, char *buf, size_t cap, int wait_ms, struct bd_error *err)
{
	struct bd_serial_port *p = ctx;
	if (wait_ms < 1)
		wait_ms = 1;
#ifndef _WIN32
	if (p->fd >= 0) {
		struct pollfd pfd = {p->fd, POLLIN, 0};
		int r = poll(&pfd, 1, wait_ms);
		if (r < 0)
			return errno == EINTR ? 0
					      : bd_serial_translate(SP_ERR_FAIL, errno, "reading from",
								    p->path, err);
		if (r == 0)
			return 0;
		bool hup = pfd.revents & (POLLHUP | POLLERR | POLLNVAL);
		if (pfd.revents & POLLIN) {
			enum sp_return n = sp_nonblocking_read(p->port, buf, cap);
			if (n < 0)
				return bd_serial_fail(n, "reading from", p->path, err);
			if (n > 0)
				return (int)n;
		}
		if (hup)
			return bd_serial_translate(SP_ERR_FAIL, EIO, "reading from", p->path, err);
		return 0;
	}
#endif
	enum sp_return n = sp_blocking_read_next(p->port, buf, cap, (unsigned)wait_ms);
	if (n < 0)
		return bd_serial_fail(n, "reading from", p->path, err);
	return (int)n;
}

int bd_serial_port_set_baud(struct bd_serial_port *p, unsigned baud, struct bd_error *err)
{
	enum sp_return rc = sp_set_baudrate(p->port, (int)baud);
	if (rc == SP_OK)
		return 0;
	char doing[64];
	snprintf(doing, sizeof doing, "setting %u baud on", baud);
	return bd_serial_fail(rc, doing, p->path, err);
}
