/* transport.c - the dispatcher behind transport.h: starts the backends,
 * merges their device rows, picks routes, and runs mode changes as a ladder
 * of rungs with a deadline on every wait. */
#define _GNU_SOURCE
#include "transport.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backend.h"
#include "common/strbuf.h"

#ifdef BLINKDOC_HAVE_USB
extern const struct bd_backend_ops bd_backend_usb;
#endif
#ifdef BLINKDOC_HAVE_SERIAL
extern const struct bd_backend_ops bd_backend_serial;
#endif

/* Preference order: USB control requests first, then the serial console. */
static const struct bd_backend_ops *const bd_backend_registry[] = {
#ifdef BLINKDOC_HAVE_USB
	&bd_backend_usb,
#endif
#ifdef BLINKDOC_HAVE_SERIAL
	&bd_backend_serial,
#endif
	NULL,
};

#define BD_MAX_BACKENDS 4

struct bd_backend {
	const struct bd_backend_ops *ops;
	void *state;
};

struct bd_transports {
	const struct bd_platforms *platforms;
	struct bd_backend b[BD_MAX_BACKENDS];
	size_t nb;
	char names[64];
	/* Why backends that did not start could not (for BD_E_UNAVAILABLE). */
	char unavailable[BD_ERROR_MSG_MAX];
};

/* Poll interval while waiting for a device without hotplug. */
#define BD_POLL_MS 200
/* How long a device may take to drop off the bus after accepting a reset. */
#define BD_DISAPPEAR_MS 4000
/* How long a device may take to start its firmware after leaving DFU, or
 * to come back in the mode it was asked for: however long the caller's
 * budget (a flash has ten minutes), a device that is not back by then is
 * not coming, and the person should hear so. */
#define BD_COMEBACK_MS 30000
/* How long one rung of a mode change may take to send its request: a
 * device whose control requests hang must leave time for the next rung. */
#define BD_RUNG_MS 8000

const char *bd_mode_name(enum bd_mode mode)
{
	switch (mode) {
	case BD_MODE_NORMAL: return "normal";
	case BD_MODE_LISTENING: return "listening";
	case BD_MODE_DFU: return "dfu";
	case BD_MODE_SAFE: return "safe-mode";
	case BD_MODE_UNKNOWN: break;
	}
	return "unknown";
}

int bd_device_list_add(struct bd_device_list *l, const struct bd_device *dev)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		struct bd_device *nv = realloc(l->v, cap * sizeof *nv);
		if (!nv)
			return BD_E_NOMEM;
		l->v = nv;
		l->cap = cap;
	}
	l->v[l->n++] = *dev;
	return 0;
}

void bd_device_list_free(struct bd_device_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

void bd_op_logf(struct bd_op *op, const char *fmt, ...)
{
	if (!op || !op->log)
		return;
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	op->log(op->ctx, line);
}

void bd_op_progress(struct bd_op *op, const char *phase, uint64_t done, uint64_t total)
{
	if (op && op->progress)
		op->progress(op->ctx, phase, done, total);
}

bool bd_op_cancelled(const struct bd_op *op)
{
	return op && op->cancel && *op->cancel;
}

const char *bd_device_mode_name(const struct bd_device *d)
{
	if (d->mode == BD_MODE_NORMAL && !d->mode_reported)
		return bd_mode_name(BD_MODE_UNKNOWN);
	return bd_mode_name(d->mode);
}

const struct bd_platforms *bd_transports_platforms(const struct bd_transports *t)
{
	return t->platforms;
}

struct bd_transports *bd_transports_new(const struct bd_platforms *platforms,
					struct bd_error *err)
{
	struct bd_transports *t = calloc(1, sizeof *t);
	if (!t) {
		bd_error_set(err, BD_E_NOMEM, "out of memory starting the transports");
		return NULL;
	}
	t->platforms = platforms;
	struct strbuf why = STRBUF_INIT;
	for (size_t i = 0; bd_backend_registry[i] && t->nb < BD_MAX_BACKENDS; i++) {
		const struct bd_backend_ops *ops = bd_backend_registry[i];
		void *state = NULL;
		struct bd_error e = {0};
		if (ops->open && ops->open(&state, platforms, &e) < 0) {
			strbuf_printf(&why, "%s%s backend: %s", why.len ? "; " : "", ops->name, e.msg);
			continue;
		}
		t->b[t->nb].ops = ops;
		t->b[t->nb].state = state;
		if (t->nb)
			strncat(t->names, ",", sizeof t->names - strlen(t->names) - 1);
		strncat(t->names, ops->name, sizeof t->names - strlen(t->names) - 1);
		t->nb++;
	}
	if (t->nb == 0 && !why.len)
		strbuf_puts(&why, "this blinkdoc was built without a USB or serial backend");
	snprintf(t->unavailable, sizeof t->unavailable, "%s", strbuf_str(&why));
	strbuf_free(&why);
	return t;
}

void bd_transports_free(struct bd_transports *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nb; i++)
		if (t->b[i].ops->close)
			t->b[i].ops->close(t->b[i].state);
	free(t);
}

const char *bd_transports_backends(const struct bd_transports *t)
{
	return t ? t->names : "";
}

static int bd_unavailable(const struct bd_transports *t, struct bd_error *err, const char *what)
{
	if (t->unavailable[0])
		bd_error_set(err, BD_E_UNAVAILABLE, "cannot %s: %s", what, t->unavailable);
	else
		bd_error_set(err, BD_E_UNAVAILABLE, "cannot %s: none of the ways blinkdoc reaches "
			     "this device (%s) can do that", what, t->names);
	return err ? err->code : BD_E_UNAVAILABLE;
}

/* Two rows describe the same physical device when they share a device ID
 * or a USB bus/address. */
static bool bd_same_device(const struct bd_device *a, const struct bd_device *b)
{
	if (a->device_id[0] && b->device_id[0])
		return strcasecmp(a->device_id, b->device_id) == 0;
	if (a->usb_bus && b->usb_bus)
		return a->usb_bus == b->usb_bus && a->usb_address == b->usb_address;
	if (a->usb_path[0] && b->usb_path[0])
		return strcmp(a->usb_path, b->usb_path) == 0;
	return false;
}

static void bd_merge_into(struct bd_device *into, const struct bd_device *from)
{
	if (!into->device_id[0])
		memcpy(into->device_id, from->device_id, sizeof into->device_id);
	if (into->platform_id < 0)
		into->platform_id = from->platform_id;
	/* The serial console knows listening mode; USB knows DFU. */
	if (into->mode == BD_MODE_UNKNOWN || from->mode == BD_MODE_LISTENING ||
	    from->mode == BD_MODE_DFU || (from->mode_reported && !into->mode_reported))
		if (from->mode != BD_MODE_UNKNOWN)
			into->mode = from->mode;
	into->mode_reported |= from->mode_reported;
	if (!into->port[0])
		memcpy(into->port, from->port, sizeof into->port);
	if (!into->usb_path[0])
		memcpy(into->usb_path, from->usb_path, sizeof into->usb_path);
	if (!into->usb_bus) {
		into->usb_bus = from->usb_bus;
		into->usb_address = from->usb_address;
	}
	if (!into->vid) {
		into->vid = from->vid;
		into->pid = from->pid;
	}
	if (!into->usb_serial[0])
		memcpy(into->usb_serial, from->usb_serial, sizeof into->usb_serial);
	if (!into->product[0])
		memcpy(into->product, from->product, sizeof into->product);
	into->routes |= from->routes;
}

int bd_transports_list(struct bd_transports *t, struct bd_device_list *out,
		       struct bd_error *err)
{
	if (!t->nb)
		return bd_unavailable(t, err, "look for devices");
	struct bd_device_list raw = {0};
	int rc = 0, ok = 0;
	struct bd_error last = {0};
	for (size_t i = 0; i < t->nb; i++) {
		if (!t->b[i].ops->list)
			continue;
		struct bd_error e = {0};
		int r = t->b[i].ops->list(t->b[i].state, &raw, &e);
		if (r < 0)
			last = e;
		else
			ok++;
	}
	if (!ok && last.code) {
		if (err)
			*err = last;
		bd_device_list_free(&raw);
		return last.code;
	}
	for (size_t i = 0; i < raw.n; i++) {
		size_t j;
		for (j = 0; j < out->n; j++)
			if (bd_same_device(&out->v[j], &raw.v[i]))
				break;
		if (j < out->n) {
			bd_merge_into(&out->v[j], &raw.v[i]);
		} else if ((rc = bd_device_list_add(out, &raw.v[i])) < 0) {
			bd_device_list_free(&raw);
			return bd_error_set(err, rc, "out of memory listing devices");
		}
	}
	bd_device_list_free(&raw);
	return (int)out->n;
}

static bool bd_id_matches(const char *have, const char *want)
{
	size_t n = strlen(want);
	return have[0] && n && strncasecmp(have, want, n) == 0;
}

static void bd_describe_device(struct strbuf *sb, const struct bd_device *d,
			       const struct bd_platforms *p)
{
	const struct bd_platform *pl = bd_platform_by_id(p, d->platform_id);
	strbuf_printf(sb, "%s %s (%s%s%s)", pl ? pl->name : "unknown device",
		      d->device_id[0] ? d->device_id : "(no device ID)", bd_mode_name(d->mode),
		      d->port[0] ? ", " : "", d->port);
}

int bd_transports_find(struct bd_transports *t, const struct bd_target *target,
		       struct bd_device *out, struct bd_error *err)
{
	struct bd_device_list l = {0};
	int rc = bd_transports_list(t, &l, err);
	if (rc < 0)
		return rc;
	const char *port = target ? target->port : NULL;
	const char *id = target ? target->device_id : NULL;
	size_t hits = 0, hit = 0;
	for (size_t i = 0; i < l.n; i++) {
		bool ok = true;
		if (port && strcmp(l.v[i].port, port) != 0)
			ok = false;
		if (id && !bd_id_matches(l.v[i].device_id, id))
			ok = false;
		if (ok) {
			hits++;
			hit = i;
		}
	}
	if (hits == 1) {
		*out = l.v[hit];
		bd_device_list_free(&l);
		return 0;
	}
	struct strbuf sb = STRBUF_INIT;
	if (hits == 0) {
		if (port)
			strbuf_printf(&sb, "no Particle device on port %s", port);
		else if (id)
			strbuf_printf(&sb, "no Particle device with ID %s", id);
		else
			strbuf_puts(&sb, "no Particle device found on USB or USB serial");
		strbuf_printf(&sb, " (looked for Particle USB IDs through: %s", t->names);
		if (l.n)
			strbuf_printf(&sb, "; %zu other Particle device(s) connected", l.n);
		strbuf_putc(&sb, ')');
		bd_error_set(err, BD_E_NO_DEVICE, "%s", strbuf_str(&sb));
		bd_error_hint(err, "Connect the device with a USB cable that carries data (many "
				   "cables only charge), check that its LED is on, then run "
				   "`blinkdoc devices`.");
		rc = BD_E_NO_DEVICE;
	} else {
		strbuf_printf(&sb, "%zu devices match: ", hits);
		bool first = true;
		for (size_t i = 0; i < l.n; i++) {
			if ((port && strcmp(l.v[i].port, port) != 0) ||
			    (id && !bd_id_matches(l.v[i].device_id, id)))
				continue;
			if (!first)
				strbuf_puts(&sb, "; ");
			first = false;
			bd_describe_device(&sb, &l.v[i], t->platforms);
		}
		bd_error_set(err, BD_E_AMBIGUOUS, "%s", strbuf_str(&sb));
		bd_error_hint(err, "Choose one with --device ID or --port PATH.");
		rc = BD_E_AMBIGUOUS;
	}
	strbuf_free(&sb);
	bd_device_list_free(&l);
	return rc;
}

/* Pauses until a backend reports a change or ms pass (never past op's
 * deadline). */
static void bd_wait_a_little(struct bd_transports *t, struct bd_op *op, int ms)
{
	int64_t left = bd_deadline_left_ms(op->deadline);
	if (left < ms)
		ms = (int)left;
	if (ms <= 0)
		return;
	for (size_t i = 0; i < t->nb; i++)
		if (t->b[i].ops->wait_change) {
			t->b[i].ops->wait_change(t->b[i].state, ms);
			return;
		}
	bd_sleep_until(op->deadline, ms);
}

/* Whether row is the device `like` after a re-enumeration.  The device ID
 * decides when both rows have one; a row without one (a Gen 2 device in DFU
 * mode reports "00000000010C" as its serial) is matched by the physical USB
 * port it sits on and its platform. */
static bool bd_same_physical(const struct bd_device *row, const struct bd_device *like)
{
	if (like->device_id[0] && row->device_id[0])
		return strcasecmp(row->device_id, like->device_id) == 0;
	if (like->usb_path[0] && row->usb_path[0])
		return strcmp(row->usb_path, like->usb_path) == 0 &&
		       (like->platform_id < 0 || row->platform_id < 0 ||
			like->platform_id == row->platform_id);
	return !like->device_id[0] && bd_same_device(row, like);
}

static bool bd_find_like(struct bd_transports *t, const struct bd_device *like, enum bd_mode mode,
			 struct bd_device *out)
{
	struct bd_device_list l = {0};
	struct bd_error e = {0};
	bool found = false;
	if (bd_transports_list(t, &l, &e) >= 0) {
		for (size_t i = 0; i < l.n && !found; i++) {
			if (bd_same_physical(&l.v[i], like) &&
			    (mode == BD_MODE_UNKNOWN || l.v[i].mode == mode)) {
				*out = l.v[i];
				/* Keep what the new mode cannot tell (the ID in DFU). */
				if (!out->device_id[0])
					memcpy(out->device_id, like->device_id, sizeof out->device_id);
				found = true;
			}
		}
	}
	bd_device_list_free(&l);
	return found;
}

int bd_transports_wait_for(struct bd_transports *t, const struct bd_device *like,
			   enum bd_mode mode, struct bd_device *out, struct bd_op *op,
			   struct bd_error *err)
{
	struct bd_op local = {bd_deadline_in(10000), NULL, NULL, NULL, NULL};
	if (!op)
		op = &local;
	int64_t started = bd_now_ms();
	for (;;) {
		if (bd_find_like(t, like, mode, out))
			return 0;
		if (bd_op_cancelled(op))
			return bd_error_set(err, BD_E_CANCELLED, "stopped waiting for the device");
		if (bd_deadline_passed(op->deadline))
			break;
		bd_wait_a_little(t, op, BD_POLL_MS);
	}
	bd_error_set(err, BD_E_TIMEOUT, "device %s did not come back%s%s%s within %.1f s",
		     like->device_id[0] ? like->device_id : like->usb_path,
		     mode == BD_MODE_UNKNOWN ? "" : " in ", mode == BD_MODE_UNKNOWN ? "" : bd_mode_name(mode),
		     mode == BD_MODE_UNKNOWN ? "" : " mode",
		     (double)(bd_now_ms() - started) / 1000.0);
	const struct bd_platform *pl = bd_platform_by_id(t->platforms, like->platform_id);
	if (mode == BD_MODE_DFU)
		bd_error_hint(err, "If the LED blinks yellow it is in DFU mode but USB does not see "
				   "it: try another cable or port. Otherwise it restarted without "
				   "reaching DFU mode: put it there with the buttons (hold %s, tap "
				   "%s, let go when the LED blinks yellow) and run the same command "
				   "again.",
			      bd_platform_mode_button(pl), bd_platform_reset_button(pl));
	else
		bd_error_hint(err, "Look at the LED: if it blinks yellow it is still in DFU mode, if "
				   "it is dark or frozen it did not restart. Unplug the device, plug "
				   "it in again, and run the same command again.");
	return BD_E_TIMEOUT;
}

/* Waits until dev is gone from the bus (or BD_DISAPPEAR_MS pass): a device
 * acknowledges a reset request first and re-enumerates about a second later.
 * Returns whether it left. */
static bool bd_wait_gone(struct bd_transports *t, const struct bd_device *dev, struct bd_op *op)
{
	struct bd_op sub = *op;
	sub.deadline = bd_deadline_min(op->deadline, bd_deadline_in(BD_DISAPPEAR_MS));
	struct bd_device now;
	for (;;) {
		if (!bd_find_like(t, dev, dev->mode, &now))
			return true;
		if (bd_deadline_passed(sub.deadline))
			return false;
		bd_wait_a_little(t, &sub, BD_POLL_MS);
	}
}

/* A device that answered a restart request but is still on the bus in the
 * same mode after BD_DISAPPEAR_MS. */
static int bd_not_restarted(const struct bd_transports *t, const struct bd_device *dev,
			    const char *what, struct bd_error *err)
{
	const struct bd_platform *pl = bd_platform_by_id(t->platforms, dev->platform_id);
	bd_error_set(err, BD_E_STATE,
		     "the device accepted the request to %s but did not restart: it is still "
		     "on USB in %s mode%s",
		     what, bd_mode_name(dev->mode),
		     dev->mode == BD_MODE_DFU ? " (blinking yellow)" : "");
	bd_error_hint(err, "Press its %s button (or unplug it and plug it in again) to "
			   "restart it.", bd_platform_reset_button(pl));
	return BD_E_STATE;
}

typedef int (*bd_dev_call)(const struct bd_backend *b, const struct bd_device *dev, void *out,
			   struct bd_op *op, struct bd_error *err);

/* Runs call on each backend that reaches dev, in preference order, until one
 * answers.  Falls through on NOT_SUPPORTED, UNAVAILABLE and, when a later
 * route exists, TIMEOUT (a busy app can starve one route but not the other). */
static int bd_first_route(struct bd_transports *t, const struct bd_device *dev, bd_dev_call call,
			  void *out, struct bd_op *op, struct bd_error *err, const char *what)
{
	struct bd_error last = {0};
	bool tried = false;
	for (size_t i = 0; i < t->nb; i++) {
		if (!(dev->routes & t->b[i].ops->route))
			continue;
		struct bd_error e = {0};
		int rc = call(&t->b[i], dev, out, op, &e);
		if (rc == BD_E_NOT_SUPPORTED && !e.msg[0])
			continue;
		tried = true;
		if (rc >= 0)
			return rc;
		bd_op_logf(op, "%s over %s: %s", what, t->b[i].ops->name, e.msg);
		last = e;
		if (rc != BD_E_NOT_SUPPORTED && rc != BD_E_UNAVAILABLE && rc != BD_E_TIMEOUT &&
		    rc != BD_E_PROTOCOL)
			break;
	}
	if (!tried)
		return bd_unavailable(t, err, what);
	if (err)
		*err = last;
	return last.code;
}

static int bd_call_identify(const struct bd_backend *b, const struct bd_device *dev, void *out,
			    struct bd_op *op, struct bd_error *err)
{
	if (!b->ops->identify)
		return BD_E_NOT_SUPPORTED;
	return b->ops->identify(b->state, dev, out, op, err);
}

static int bd_call_inspect(const struct bd_backend *b, const struct bd_device *dev, void *out,
			   struct bd_op *op, struct bd_error *err)
{
	if (!b->ops->inspect)
		return BD_E_NOT_SUPPORTED;
	return b->ops->inspect(b->state, dev, out, op, err);
}

static int bd_call_mac(const struct bd_backend *b, const struct bd_device *dev, void *out,
		       struct bd_op *op, struct bd_error *err)
{
	if (!b->ops->mac)
		return BD_E_NOT_SUPPORTED;
	return b->ops->mac(b->state, dev, out, op, err);
}

static int bd_call_reset(const struct bd_backend *b, const struct bd_device *dev, void *out,
			 struct bd_op *op, struct bd_error *err)
{
	(void)out;
	if (!b->ops->reset)
		return BD_E_NOT_SUPPORTED;
	return b->ops->reset(b->state, dev, op, err);
}

struct bd_flash_args {
	const struct bd_flash_request *req;
};

static int bd_call_flash(const struct bd_backend *b, const struct bd_device *dev, void *out,
			 struct bd_op *op, struct bd_error *err)
{
	if (!b->ops->flash)
		return BD_E_NOT_SUPPORTED;
	return b->ops->flash(b->state, dev, ((struct bd_flash_args *)out)->req, op, err);
}

struct bd_read_args {
	int alt;
	uint32_t address;
	uint8_t *buf;
	size_t len;
};

static int bd_call_read(const struct bd_backend *b, const struct bd_device *dev, void *out,
			struct bd_op *op, struct bd_error *err)
{
	struct bd_read_args *a = out;
	if (!b->ops->read)
		return BD_E_NOT_SUPPORTED;
	return b->ops->read(b->state, dev, a->alt, a->address, a->buf, a->len, op, err);
}

static struct bd_op *bd_op_or_default(struct bd_op *op, struct bd_op *local, int64_t ms)
{
	if (op)
		return op;
	memset(local, 0, sizeof *local);
	local->deadline = bd_deadline_in(ms);
	return local;
}

int bd_transports_identify(struct bd_transports *t, const struct bd_device *dev,
			   struct bd_identity *out, struct bd_op *op, struct bd_error *err)
{
	struct bd_op local;
	memset(out, 0, sizeof *out);
	out->platform_id = -1;
	return bd_first_route(t, dev, bd_call_identify, out, bd_op_or_default(op, &local, 25000),
			      err, "identify the device");
}

int bd_transports_inspect(struct bd_transports *t, const struct bd_device *dev,
			  struct bd_module_table *out, struct bd_op *op, struct bd_error *err)
{
	struct bd_op local;
	memset(out, 0, sizeof *out);
	out->platform_id = -1;
	return bd_first_route(t, dev, bd_call_inspect, out, bd_op_or_default(op, &local, 25000),
			      err, "read the module table");
}

int bd_transports_mac(struct bd_transports *t, const struct bd_device *dev, struct bd_mac *out,
		      struct bd_op *op, struct bd_error *err)
{
	struct bd_op local;
	memset(out, 0, sizeof *out);
	return bd_first_route(t, dev, bd_call_mac, out, bd_op_or_default(op, &local, 10000), err,
			      "read the MAC address");
}

int bd_transports_reset(struct bd_transports *t, struct bd_device *dev, struct bd_op *op,
			struct bd_error *err)
{
	struct bd_op local;
	op = bd_op_or_default(op, &local, 30000);
	int rc = bd_first_route(t, dev, bd_call_reset, NULL, op, err, "reset the device");
	if (rc == BD_E_UNAVAILABLE || rc == BD_E_NOT_SUPPORTED) {
		const struct bd_platform *pl = bd_platform_by_id(t->platforms, dev->platform_id);
		bd_error_hint(err, "Press the device's %s button to restart it.",
			      bd_platform_reset_button(pl));
	}
	if (rc < 0)
		return rc;
	/* The device acknowledges first and re-enumerates about a second
	 * later: wait for it to leave and come back, in whatever mode.  One
	 * that never left did not restart, whatever it answered. */
	if (!bd_wait_gone(t, dev, op))
		return bd_not_restarted(t, dev, "reset", err);
	struct bd_device now;
	struct bd_error e = {0};
	if (bd_transports_wait_for(t, dev, BD_MODE_UNKNOWN, &now, op, &e) < 0) {
		if (err)
			*err = e;
		return e.code;
	}
	bd_op_logf(op, "device is back (%s mode)", bd_mode_name(now.mode));
	*dev = now;
	return 0;
}

int bd_transports_flash(struct bd_transports *t, struct bd_device *dev,
			const struct bd_flash_request *req, struct bd_op *op, struct bd_error *err)
{
	struct bd_op local;
	struct bd_flash_args a = {req};
	if (dev->mode != BD_MODE_DFU)
		return bd_error_set(err, BD_E_STATE,
				    "the device is in %s mode; flashing needs DFU mode (blinking "
				    "yellow)", bd_mode_name(dev->mode));
	op = bd_op_or_default(op, &local, 600000);
	int rc = bd_first_route(t, dev, bd_call_flash, &a, op, err, "flash the device");
	if (rc < 0 || !req->leave || req->dry_run)
		return rc;
	/* Left DFU: the bootloader resets into the new firmware.  Wait for the
	 * device to drop off and come back, in whatever mode it starts. */
	if (!bd_wait_gone(t, dev, op))
		return bd_not_restarted(t, dev, "leave DFU mode", err);
	struct bd_op back = *op;
	back.deadline = bd_deadline_min(op->deadline, bd_deadline_in(BD_COMEBACK_MS));
	struct bd_device now;
	struct bd_error e = {0};
	if (bd_transports_wait_for(t, dev, BD_MODE_UNKNOWN, &now, &back, &e) < 0) {
		if (err)
			*err = e;
		return e.code;
	}
	bd_op_logf(op, "device is back (%s mode)", bd_mode_name(now.mode));
	*dev = now;
	return 0;
}

int bd_transports_read(struct bd_transports *t, struct bd_device *dev, int alt,
		       uint32_t address, uint8_t *buf, size_t len, struct bd_op *op,
		       struct bd_error *err)
{
	struct bd_op local;
	struct bd_read_args a = {alt, address, buf, len};
	if (dev->mode != BD_MODE_DFU)
		return bd_error_set(err, BD_E_STATE,
				    "the device is in %s mode; reading flash needs DFU mode "
				    "(blinking yellow)", bd_mode_name(dev->mode));
	return bd_first_route(t, dev, bd_call_read, &a, bd_op_or_default(op, &local, 600000), err,
			      "read the device's flash");
}

/* Whether reaching `mode` makes the device re-enumerate (reset). */
static bool bd_mode_change_resets(enum bd_mode from, enum bd_mode to)
{
	return to == BD_MODE_DFU || to == BD_MODE_SAFE ||
	       (to == BD_MODE_NORMAL && from == BD_MODE_DFU);
}

int bd_transports_enter_mode(struct bd_transports *t, struct bd_device *dev, enum bd_mode mode,
			     struct bd_op *op, struct bd_error *err)
{
	struct bd_op local;
	op = bd_op_or_default(op, &local, 30000);
	/* Only a mode a route read off the device is trusted: a Core's silent
	 * console looks "normal" while it is listening. */
	if (dev->mode == mode && mode != BD_MODE_SAFE && dev->mode_reported) {
		bd_op_logf(op, "already in %s mode", bd_mode_name(mode));
		return 0;
	}
	struct bd_error last = {0};
	int rung = 0;
	for (size_t i = 0; i < t->nb; i++) {
		const struct bd_backend *b = &t->b[i];
		if (!b->ops->request_mode || !(dev->routes & b->ops->route))
			continue;
		struct bd_error e = {0};
		struct bd_op ask = *op;
		ask.deadline = bd_deadline_min(op->deadline, bd_deadline_in(BD_RUNG_MS));
		int rc = b->ops->request_mode(b->state, dev, mode, &ask, &e);
		if (rc == BD_E_NOT_SUPPORTED && !e.msg[0])
			continue;
		rung++;
		if (rc < 0) {
			bd_op_logf(op, "rung %d (%s): %s", rung, b->ops->name, e.msg);
			last = e;
			if (rc == BD_E_CANCELLED)
				break;
			continue;
		}
		bd_op_logf(op, "rung %d (%s): request accepted", rung, b->ops->name);
		if (!bd_mode_change_resets(dev->mode, mode)) {
			dev->mode = mode;
			return 0;
		}
		if (!bd_wait_gone(t, dev, op)) {
			/* Accepted but ignored: the next rung may still work. */
			bd_op_logf(op, "rung %d (%s): the device did not restart within %.1f s",
				   rung, b->ops->name, BD_DISAPPEAR_MS / 1000.0);
			bd_error_set(&last, BD_E_TIMEOUT, "the device accepted the request but did "
							  "not restart");
			continue;
		}
		struct bd_device now;
		/* Safe mode is not a USB mode: the device comes back as normal
		 * (control request) or listening (the console's `L`). */
		enum bd_mode want = mode == BD_MODE_SAFE ? BD_MODE_UNKNOWN : mode;
		struct bd_op back = *op;
		back.deadline = bd_deadline_min(op->deadline, bd_deadline_in(BD_COMEBACK_MS));
		rc = bd_transports_wait_for(t, dev, want, &now, &back, &e);
		if (rc == 0) {
			bd_op_logf(op, "device is back in %s mode", bd_mode_name(now.mode));
			if (mode == BD_MODE_SAFE)
				now.mode = BD_MODE_SAFE;
			*dev = now;
			return 0;
		}
		/* It left the bus and did not come back: no other route can
		 * reach it now. */
		bd_op_logf(op, "rung %d (%s): %s", rung, b->ops->name, e.msg);
		if (err)
			*err = e;
		return e.code;
	}
	if (!rung)
		return bd_unavailable(t, err, mode == BD_MODE_DFU ? "put the device in DFU mode"
								  : "change the device's mode");
	if (err)
		*err = last;
	return last.code ? last.code : BD_E_UNAVAILABLE;
}
