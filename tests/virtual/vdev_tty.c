/* vdev_tty.c - pty-backed CDC-ACM port; see vdev_tty.h. */
#define _GNU_SOURCE
#include "vdev_tty.h"

#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

/* The kernel's struct termios2 (asm/termbits.h clashes with termios.h). */
struct k_termios2 {
	unsigned int c_iflag, c_oflag, c_cflag, c_lflag;
	unsigned char c_line;
	unsigned char c_cc[19];
	unsigned int c_ispeed, c_ospeed;
};
#define K_TCGETS2 _IOR('T', 0x2A, struct k_termios2)
#define K_TCSETS2 _IOW('T', 0x2B, struct k_termios2)
#define K_TCSETSW2 _IOW('T', 0x2C, struct k_termios2)
#define K_TCSETSF2 _IOW('T', 0x2D, struct k_termios2)

struct vdev_tty {
	gatomicrefcount rc;
	struct vdev_core *core;
	char node_path[256];         /* root/dev/ttyACMn */
	int master;                  /* -1 after hang-up */
	int slave;                   /* kept open: no POLLHUP on the master */
	bool gone;
	unsigned mctrl;              /* TIOCM_DTR | TIOCM_RTS as the host set them */
	unsigned nopen;
	UMockdevIoctlClient *excl;   /* client that set TIOCEXCL */
	struct vdev_device *dev;     /* valid while !core->dead */
	UMockdevIoctlBase *handler;
};

static struct vdev_tty *tty_ref(struct vdev_tty *t)
{
	g_atomic_ref_count_inc(&t->rc);
	return t;
}

void vdev_tty_unref(struct vdev_tty *t)
{
	if (!t || !g_atomic_ref_count_dec(&t->rc))
		return;
	if (t->master >= 0)
		close(t->master);
	if (t->slave >= 0)
		close(t->slave);
	g_clear_object(&t->handler);
	vdev_core_unref(t->core);
	g_free(t);
}

static void tty_unref_closure(gpointer data, GClosure *closure)
{
	(void)closure;
	vdev_tty_unref(data);
}

static unsigned master_baud(int master)
{
	struct k_termios2 tio;

	if (master < 0 || syscall(SYS_ioctl, master, K_TCGETS2, &tio) != 0)
		return 0;
	return tio.c_ospeed;
}

unsigned vdev_tty_baud(const struct vdev_tty *t)
{
	return master_baud(t->master);
}

/* ---- open/close tracking ------------------------------------------------- */

static void on_client_notify(GObject *obj, GParamSpec *pspec, gpointer data)
{
	UMockdevIoctlClient *client = UMOCKDEV_IOCTL_CLIENT(obj);
	struct vdev_tty *t = data;

	(void)pspec;
	if (umockdev_ioctl_client_get_connected(client))
		return;
	VDEV_LOCK(t->core);
	if (t->excl == client)
		t->excl = NULL;
	if (t->nopen > 0 && --t->nopen == 0) {
		t->mctrl = 0; /* HUPCL: DTR and RTS drop on the last close */
		/* The last close discards what nobody read, as a real tty does. */
		if (t->slave >= 0)
			syscall(SYS_ioctl, t->slave, TCFLSH, TCIFLUSH);
	}
	VDEV_UNLOCK(t->core);
}

static void on_client_connected(UMockdevIoctlBase *handler, UMockdevIoctlClient *client,
				gpointer data)
{
	struct vdev_tty *t = data;

	(void)handler;
	VDEV_LOCK(t->core);
	t->nopen++;
	t->mctrl |= TIOCM_DTR | TIOCM_RTS; /* tty_port raises them on open */
	VDEV_UNLOCK(t->core);
	g_signal_connect_data(client, "notify::connected", G_CALLBACK(on_client_notify),
			      tty_ref(t), tty_unref_closure, 0);
}

bool vdev_tty_is_open_locked(const struct vdev_tty *t)
{
	return !t->gone && t->nopen > 0;
}

/* ---- handlers ------------------------------------------------------------ */

/* Runs the client's own ioctl on the real pty; returns its result/errno. */
static void forward(UMockdevIoctlClient *client, long *res, int *err)
{
	GError *error = NULL;
	int e = 0;

	*res = umockdev_ioctl_client_execute(client, &e, &error);
	*err = e;
	if (error) {
		g_clear_error(&error);
		*res = -1;
		*err = EIO;
	}
}

static bool int_arg(UMockdevIoctlClient *client, unsigned *out)
{
	GError *error = NULL;
	UMockdevIoctlData *d =
		umockdev_ioctl_data_resolve(umockdev_ioctl_client_get_arg(client), 0, sizeof(int), &error);

	if (!d) {
		g_clear_error(&error);
		return false;
	}
	memcpy(out, d->data, sizeof(*out));
	g_object_unref(d);
	return true;
}

static bool modem_ioctl(struct vdev_tty *t, UMockdevIoctlClient *client, unsigned req, long *res,
			int *err)
{
	unsigned bits = 0;

	*res = 0;
	*err = 0;
	if (req == TIOCMGET) {
		GError *error = NULL;
		UMockdevIoctlData *d = umockdev_ioctl_data_resolve(
			umockdev_ioctl_client_get_arg(client), 0, sizeof(int), &error);
		int v = (int)((t->mctrl & (TIOCM_DTR | TIOCM_RTS)) | TIOCM_CTS);

		if (!d) {
			g_clear_error(&error);
			*res = -1;
			*err = EFAULT;
			return true;
		}
		memcpy(d->data, &v, sizeof(v));
		g_object_unref(d);
		return true;
	}
	if (req != TIOCMBIS && req != TIOCMBIC && req != TIOCMSET)
		return false;
	if (!int_arg(client, &bits)) {
		*res = -1;
		*err = EFAULT;
		return true;
	}
	bits &= TIOCM_DTR | TIOCM_RTS;
	if (req == TIOCMBIS)
		t->mctrl |= bits;
	else if (req == TIOCMBIC)
		t->mctrl &= ~bits;
	else
		t->mctrl = bits;
	return true;
}

static bool is_set_termios(unsigned req)
{
	return req == TCSETS || req == TCSETSW || req == TCSETSF || req == (unsigned)K_TCSETS2 ||
	       req == (unsigned)K_TCSETSW2 || req == (unsigned)K_TCSETSF2;
}

static gboolean on_handle_ioctl(UMockdevIoctlBase *handler, UMockdevIoctlClient *client,
				gpointer data)
{
	struct vdev_tty *t = data;
	unsigned req = (unsigned)umockdev_ioctl_client_get_request(client);
	long res = 0;
	int err = 0;

	(void)handler;
	VDEV_LOCK(t->core);
	if (t->core->dead || t->gone) {
		VDEV_UNLOCK(t->core);
		umockdev_ioctl_client_complete(client, -1, EIO); /* hung up */
		return TRUE;
	}
	if (t->excl && t->excl != client) {
		VDEV_UNLOCK(t->core);
		umockdev_ioctl_client_complete(client, -1, EBUSY);
		return TRUE;
	}
	if (modem_ioctl(t, client, req, &res, &err)) {
		VDEV_UNLOCK(t->core);
		umockdev_ioctl_client_complete(client, res, err);
		return TRUE;
	}
	if (req == TIOCEXCL)
		t->excl = client;
	else if (req == TIOCNXCL && t->excl == client)
		t->excl = NULL;
	VDEV_UNLOCK(t->core);

	/* Not under the lock: this waits for the client to run the ioctl. */
	forward(client, &res, &err);

	if (res == 0 && is_set_termios(req)) {
		VDEV_LOCK(t->core);
		if (!t->core->dead && !t->gone)
			vdev_device_on_baud_locked(t->dev, master_baud(t->master));
		VDEV_UNLOCK(t->core);
	}
	umockdev_ioctl_client_complete(client, res, err);
	return TRUE;
}

static gboolean on_handle_rw(UMockdevIoctlBase *handler, UMockdevIoctlClient *client,
			     gpointer data, bool is_read)
{
	struct vdev_tty *t = data;
	bool gone, busy;

	(void)handler;
	VDEV_LOCK(t->core);
	gone = t->core->dead || t->gone;
	busy = t->excl && t->excl != client;
	VDEV_UNLOCK(t->core);
	if (gone) {
		if (is_read)
			umockdev_ioctl_client_complete(client, 0, 0); /* EOF after hang-up */
		else
			umockdev_ioctl_client_complete(client, -1, EIO);
		return TRUE;
	}
	if (busy) {
		umockdev_ioctl_client_complete(client, -1, EBUSY);
		return TRUE;
	}
	return FALSE; /* the real pty does the work */
}

static gboolean on_handle_read(UMockdevIoctlBase *handler, UMockdevIoctlClient *client,
			       gpointer data)
{
	return on_handle_rw(handler, client, data, true);
}

static gboolean on_handle_write(UMockdevIoctlBase *handler, UMockdevIoctlClient *client,
				gpointer data)
{
	return on_handle_rw(handler, client, data, false);
}

/* ---- creation / hang-up ---------------------------------------------------- */

struct vdev_tty *vdev_tty_new(struct vdev_core *core, struct vdev_device *dev, const char *root,
			      unsigned index, char *err, size_t errlen)
{
	struct vdev_tty *t;
	char slave_name[128], dir[256];
	struct termios tio;
	int m, s;

	if (openpty(&m, &s, slave_name, NULL, NULL) != 0) {
		snprintf(err, errlen, "openpty: %s", strerror(errno));
		return NULL;
	}
	/* Raw, no echo: termios calls on the master act on the slave side. */
	if (tcgetattr(m, &tio) == 0) {
		cfmakeraw(&tio);
		tio.c_cflag |= CLOCAL | CREAD | HUPCL;
		cfsetspeed(&tio, B9600);
		tcsetattr(m, TCSANOW, &tio);
	}
	fcntl(m, F_SETFL, fcntl(m, F_GETFL) | O_NONBLOCK);
	/* Children (bd-vrun's command, bd-vhold) must not keep the pty alive:
	 * closing the master is how the port hangs up. */
	fcntl(m, F_SETFD, FD_CLOEXEC);
	fcntl(s, F_SETFD, FD_CLOEXEC);

	t = g_new0(struct vdev_tty, 1);
	g_atomic_ref_count_init(&t->rc);
	t->core = vdev_core_ref(core);
	t->dev = dev;
	t->master = m;
	t->slave = s;
	snprintf(dir, sizeof(dir), "%s/dev", root);
	g_mkdir_with_parents(dir, 0755);
	snprintf(t->node_path, sizeof(t->node_path), "%s/dev/ttyACM%u", root, index);
	unlink(t->node_path);
	if (symlink(slave_name, t->node_path) != 0) {
		snprintf(err, errlen, "symlink %s: %s", t->node_path, strerror(errno));
		vdev_tty_unref(t);
		return NULL;
	}
	t->handler = umockdev_ioctl_base_new();
	g_signal_connect_data(t->handler, "handle-ioctl", G_CALLBACK(on_handle_ioctl), tty_ref(t),
			      tty_unref_closure, 0);
	g_signal_connect_data(t->handler, "handle-read", G_CALLBACK(on_handle_read), tty_ref(t),
			      tty_unref_closure, 0);
	g_signal_connect_data(t->handler, "handle-write", G_CALLBACK(on_handle_write), tty_ref(t),
			      tty_unref_closure, 0);
	g_signal_connect_data(t->handler, "client-connected", G_CALLBACK(on_client_connected),
			      tty_ref(t), tty_unref_closure, 0);
	return t;
}

UMockdevIoctlBase *vdev_tty_handler(struct vdev_tty *t)
{
	return t->handler;
}

int vdev_tty_master(const struct vdev_tty *t)
{
	return t->master;
}

void vdev_tty_flush_output(const struct vdev_tty *t)
{
	if (t->slave >= 0)
		syscall(SYS_ioctl, t->slave, TCFLSH, TCIFLUSH);
}

size_t vdev_tty_unread_locked(const struct vdev_tty *t)
{
	int n = 0;

	if (t->slave < 0 || syscall(SYS_ioctl, t->slave, TIOCINQ, &n) != 0 || n < 0)
		return 0;
	return (size_t)n;
}

void vdev_tty_hangup_locked(struct vdev_tty *t)
{
	if (t->gone)
		return;
	t->gone = true;
	t->excl = NULL;
	t->mctrl = 0;
	if (t->master >= 0) {
		close(t->master);
		t->master = -1;
	}
	if (t->slave >= 0) {
		close(t->slave);
		t->slave = -1;
	}
	unlink(t->node_path); /* normally umockdev_testbed_remove_device did it */
}
