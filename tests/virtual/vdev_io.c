/* vdev_io.c - bytes between the pty master and the console model, on the
 * bed's loop thread: input goes to the console only in listening mode (the
 * device is silent otherwise); replies are queued and written with the
 * configured faults (silence, garbage, truncated `s` JSON, slow first byte,
 * trickle, disconnect halfway). */
#include <errno.h>
#include <glib-unix.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vdev_console.h"
#include "vdev_internal.h"
#include "vdev_modules.h"
#include "vdev_tty.h"

struct vdev_out_chunk {
	GByteArray *bytes;
	size_t pos;
	unsigned first_delay_ms, byte_delay_ms;
	bool waited_first;
	size_t disconnect_at; /* (size_t)-1: never */
	unsigned drain_waits;  /* 5 ms steps waited for the host to read */
	bool drain_seen;       /* the sent half reached the host's tty buffer */
};

static void chunk_free(struct vdev_out_chunk *c)
{
	g_byte_array_unref(c->bytes);
	g_free(c);
}

static gboolean out_pump(gpointer data);

/* (Re)arms the output pump in ms milliseconds. */
static void arm_pump(struct vdev_device *dev, unsigned ms)
{
	if (dev->out_src)
		return;
	dev->out_src = vdev_bed_timeout(dev->bed, ms, out_pump, dev);
}

/* Writes some of the head chunk; returns the delay before the next step, or
 * -1 when the queue is empty (or the device left the bus). */
static int pump_step(struct vdev_device *dev)
{
	struct vdev_out_chunk *c = g_queue_peek_head(&dev->out);
	int master;
	size_t n;
	ssize_t w;

	if (!c || !dev->tty)
		return -1;
	if (!vdev_tty_is_open_locked(dev->tty)) {
		/* Nobody has the port open: Device OS drops output (no DTR). */
		g_queue_clear_full(&dev->out, (GDestroyNotify)chunk_free);
		return -1;
	}
	if (!c->waited_first) {
		c->waited_first = true;
		if (c->first_delay_ms)
			return (int)c->first_delay_ms;
	}
	if (c->pos == c->disconnect_at) {
		/* What was sent reached the host before the cable was yanked: let
		 * the client read it first (a hang-up discards unread input).  The
		 * bytes reach the tty buffer asynchronously, so wait until they were
		 * seen there and are gone again (100 ms if never seen, 0.5 s max). */
		size_t unread = vdev_tty_unread_locked(dev->tty);

		c->drain_seen |= unread > 0;
		if (c->drain_waits++ < 100 && (unread > 0 || (!c->drain_seen && c->drain_waits < 20)))
			return 5;
		vdev_device_leave_bus_locked(dev);
		return -1;
	}
	n = c->bytes->len - c->pos;
	if (c->byte_delay_ms && n > 1)
		n = 1;
	if (c->disconnect_at != (size_t)-1 && c->pos + n > c->disconnect_at)
		n = c->disconnect_at - c->pos;
	master = vdev_tty_master(dev->tty);
	w = write(master, c->bytes->data + c->pos, n);
	if (w < 0)
		return (errno == EAGAIN || errno == EINTR) ? 5 : -1;
	c->pos += (size_t)w;
	if (c->pos < c->bytes->len || c->pos == c->disconnect_at)
		return (int)c->byte_delay_ms;
	g_queue_pop_head(&dev->out);
	chunk_free(c);
	if (g_queue_is_empty(&dev->out))
		return -1;
	return 0;
}

static gboolean out_pump(gpointer data)
{
	struct vdev_device *dev = data;
	struct vdev_core *core = dev->bed->core;
	int delay;

	VDEV_LOCK(core);
	dev->out_src = 0;
	do
		delay = pump_step(dev);
	while (delay == 0);
	if (delay > 0 && dev->present)
		arm_pump(dev, (unsigned)delay);
	VDEV_UNLOCK(core);
	return G_SOURCE_REMOVE;
}

/* Garbage: bytes a confused device or a wrong baud rate might produce. */
static void garble(GByteArray *b)
{
	guint32 x = 0x9e3779b9u ^ b->len;

	if (b->len < 8)
		g_byte_array_set_size(b, 8);
	for (guint i = 0; i < b->len; i++) {
		x = x * 1664525u + 1013904223u;
		b->data[i] = (guint8)(0x80 | (x >> 24)); /* never CR, LF or ASCII */
	}
}

static void queue_reply(struct vdev_device *dev, const GString *text, bool is_describe)
{
	struct vdev_out_chunk *c;
	const struct vdev_faults *f = &dev->faults;
	size_t len = text->len;

	if (f->silent || !len)
		return;
	c = g_new0(struct vdev_out_chunk, 1);
	c->bytes = g_byte_array_new();
	if (is_describe && f->truncated_json)
		len = len * 6 / 10; /* stops inside the JSON, no CRLF */
	g_byte_array_append(c->bytes, (const guint8 *)text->str, (guint)len);
	if (f->garbage)
		garble(c->bytes);
	c->first_delay_ms = f->first_byte_delay_ms;
	c->byte_delay_ms = f->byte_delay_ms;
	c->disconnect_at = f->disconnect_mid_reply ? c->bytes->len / 2 : (size_t)-1;
	g_queue_push_tail(&dev->out, c);
	arm_pump(dev, 0);
}

static void console_info(struct vdev_device *dev, struct vdev_console_info *in, char **describe,
			 char **diag)
{
	struct vdev_describe_keys keys = { dev->imei, dev->iccid, dev->cell_fw };

	memset(in, 0, sizeof(*in));
	in->plat = dev->plat;
	in->device_id = dev->id;
	in->os_version = dev->os_version;
	in->mac = dev->mac;
	in->claimed = dev->claimed;
	in->imei = dev->imei;
	in->iccid = dev->iccid;
	in->cell_fw = dev->cell_fw;
	in->serial_number = dev->serial_number;
	in->device_secret = dev->device_secret;
	in->wifi_save_fails = dev->wifi_save_fails;
	if (dev->modules_json[0])
		*describe = g_strdup(dev->modules_json);
	else
		*describe = vdev_modules_describe(dev->plat, dev->os_version, dev->modules, &keys);
	*diag = vdev_modules_diagnostics(dev->plat,
					 (unsigned)((g_get_monotonic_time() - dev->boot_us) / 1000000));
	in->describe_json = *describe ? *describe : "{}";
	in->diagnostics_json = *diag ? *diag : "{}";
}

static void handle_event(struct vdev_device *dev, int ev)
{
	switch (ev) {
	case VDEV_CON_LEAVE_LISTENING:
		dev->mode = VDEV_MODE_NORMAL;
		break;
	case VDEV_CON_SAFE_RESET:
		vdev_device_reset(dev, VDEV_MODE_LISTENING, true, dev->timing.reset_ms);
		break;
	case VDEV_CON_CLAIMED:
		dev->claimed = true;
		break;
	default:
		break;
	}
}

static void console_input(struct vdev_device *dev, const char *buf, size_t n)
{
	struct vdev_console_info info;
	char *describe = NULL, *diag = NULL;
	GString *reply = g_string_new(NULL);

	console_info(dev, &info, &describe, &diag);
	for (size_t i = 0; i < n && dev->mode == VDEV_MODE_LISTENING && !dev->reset_src; i++) {
		struct vdev_wifi_creds wifi = { .security = -2 };
		bool is_describe = false;
		int ev;

		g_string_truncate(reply, 0);
		ev = vdev_console_feed(dev->console, &info, buf[i], reply, &is_describe, &wifi);
		if (wifi.security != -2) {
			dev->wifi = wifi;
			dev->has_wifi = true;
		}
		queue_reply(dev, reply, is_describe);
		handle_event(dev, ev);
	}
	g_string_free(reply, TRUE);
	g_free(describe);
	g_free(diag);
}

static gboolean on_master_input(gint fd, GIOCondition cond, gpointer data)
{
	struct vdev_device *dev = data;
	struct vdev_core *core = dev->bed->core;
	gboolean keep = G_SOURCE_CONTINUE;
	char buf[256];
	ssize_t n;

	(void)cond;
	VDEV_LOCK(core);
	n = read(fd, buf, sizeof(buf));
	if (n > 0) {
		g_string_append_len(dev->rx_log, buf, n);
		console_input(dev, buf, (size_t)n);
	} else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
		/* Cannot happen while we keep a slave fd open; never spin. */
		dev->in_src = 0;
		keep = G_SOURCE_REMOVE;
	}
	VDEV_UNLOCK(core);
	return keep;
}

void vdev_io_start_locked(struct vdev_device *dev)
{
	GSource *src;

	if (!dev->tty || dev->in_src)
		return;
	vdev_console_reset(dev->console);
	src = g_unix_fd_source_new(vdev_tty_master(dev->tty), G_IO_IN);
	g_source_set_callback(src, (GSourceFunc)(void (*)(void))on_master_input, dev, NULL);
	dev->in_src = g_source_attach(src, dev->bed->ctx);
	g_source_unref(src);
}

void vdev_io_stop_locked(struct vdev_device *dev)
{
	vdev_bed_cancel(dev->bed, dev->in_src);
	dev->in_src = 0;
	vdev_bed_cancel(dev->bed, dev->out_src);
	dev->out_src = 0;
	g_queue_clear_full(&dev->out, (GDestroyNotify)chunk_free);
}

void vdev_io_flush_locked(struct vdev_device *dev)
{
	g_queue_clear_full(&dev->out, (GDestroyNotify)chunk_free);
	if (dev->tty)
		vdev_tty_flush_output(dev->tty);
}
