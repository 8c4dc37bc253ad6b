/* vdev_ctrl.c - framing of the Particle control-request protocol on the
 * device side: raw 'P' vendor requests and the INIT/CHECK/SEND/RECV/RESET
 * service requests with their pool of active requests.  See vdev_ctrl.h. */
#include "vdev_ctrl.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MIN_WLENGTH 64   /* INIT/CHECK/RESET data stage: less is refused */
#define MAX_POOL 16      /* hard cap on max_active */
#define LOG_MAX 65536    /* the log keeps its last LOG_MAX bytes or so */

enum svc { SVC_INIT = 1, SVC_CHECK = 2, SVC_SEND = 3, SVC_RECV = 4, SVC_RESET = 5 };
enum raw { RAW_DEVICE_ID = 20, RAW_SYSTEM_VERSION = 30, RAW_RESET = 40, RAW_CLOUD_DISCONNECT = 302 };

/* Reply field flags. */
enum { F_STATUS = 0x01, F_ID = 0x02, F_SIZE = 0x04, F_RESULT = 0x08 };

enum req_state {
	REQ_FREE,
	REQ_ALLOC_PENDING, /* INIT PENDING: the payload buffer is being allocated */
	REQ_ALLOC_FAILED,
	REQ_RECV_PAYLOAD,  /* waiting for SEND */
	REQ_PENDING,       /* being processed */
	REQ_DONE,          /* result (and reply) ready */
};

struct req {
	enum req_state state;
	uint16_t id, type;
	GByteArray *payload;   /* request payload (size known at INIT) */
	size_t payload_size;
	size_t offset;         /* SEND / RECV progress */
	GByteArray *reply;
	int32_t result;
	unsigned polls;        /* CHECKs still to answer PENDING */
	enum vdev_ctrl_action action;
};

struct vdev_ctrl_model {
	struct vdev_device *dev;
	struct vdev_ctrl_opts o;
	struct req reqs[MAX_POOL];
	uint16_t last_id;
	GString *log;
};

static const char *const status_names[] = { "OK", "ERROR", "PENDING", "BUSY", "NO_MEMORY",
					    "NOT_FOUND" };

static const char *status_name(unsigned s)
{
	return s < G_N_ELEMENTS(status_names) ? status_names[s] : "?";
}

G_GNUC_PRINTF(2, 3)
static void logf_(struct vdev_ctrl_model *c, const char *fmt, ...)
{
	va_list ap;

	if (c->log->len > LOG_MAX)
		g_string_erase(c->log, 0, (gssize)(c->log->len - LOG_MAX / 2));
	va_start(ap, fmt);
	g_string_append_vprintf(c->log, fmt, ap);
	va_end(ap);
	g_string_append_c(c->log, '\n');
}

/* ---- pool -------------------------------------------------------------------- */

static unsigned max_active(const struct vdev_ctrl_model *c)
{
	return c->o.max_active && c->o.max_active < MAX_POOL ? c->o.max_active : 4;
}

unsigned vdev_ctrl_active(const struct vdev_ctrl_model *c)
{
	unsigned n = 0;

	for (size_t i = 0; i < MAX_POOL; i++)
		n += c->reqs[i].state != REQ_FREE;
	return n;
}

static struct req *find(struct vdev_ctrl_model *c, uint16_t id)
{
	for (size_t i = 0; i < MAX_POOL; i++) {
		if (c->reqs[i].state != REQ_FREE && c->reqs[i].id == id)
			return &c->reqs[i];
	}
	return NULL;
}

static void clear(struct req *r)
{
	if (r->payload)
		g_byte_array_unref(r->payload);
	if (r->reply)
		g_byte_array_unref(r->reply);
	memset(r, 0, sizeof(*r));
}

/* The request is over (result read, or cancelled): run its action, as the
 * completion handler does on the device (ack first, reset 1 s later). */
static void finish(struct vdev_ctrl_model *c, struct req *r)
{
	struct vdev_device *dev = c->dev;
	unsigned delay = dev->timing.request_reset_ms;

	switch (r->action) {
	case VDEV_CTRL_ACT_RESET:
		vdev_device_reset(dev, VDEV_MODE_NORMAL, false, delay);
		logf_(c, "ACTION reset in %u ms", delay);
		break;
	case VDEV_CTRL_ACT_DFU:
		vdev_device_reset(dev, VDEV_MODE_DFU, false, delay);
		logf_(c, "ACTION dfu in %u ms", delay);
		break;
	case VDEV_CTRL_ACT_SAFE:
		vdev_device_reset(dev, VDEV_MODE_NORMAL, true, delay);
		logf_(c, "ACTION safe-mode in %u ms", delay);
		break;
	case VDEV_CTRL_ACT_NONE:
		break;
	}
	clear(r);
}

/* Runs the request now that its payload is complete. */
static void process(struct vdev_ctrl_model *c, struct req *r)
{
	const uint8_t *data = r->payload ? r->payload->data : NULL;

	r->reply = g_byte_array_new();
	r->result = vdev_ctrl_process(c->dev, &c->o, r->type, data, r->payload_size, r->reply,
				      &r->action);
	r->state = REQ_PENDING;
	r->polls = c->o.pending_polls;
	r->offset = 0;
}

/* ---- service requests -------------------------------------------------------- */

struct reply {
	uint32_t flags;
	uint16_t status, id;
	uint32_t size;
	int32_t result;
};

/* Encodes as usb_control_request_channel.cpp does: only the flagged
 * fields, so the data stage is shorter than wLength. */
static size_t encode(const struct reply *r, uint8_t *out)
{
	size_t n = 0;
	uint32_t flags = r->flags | F_STATUS;

	for (int i = 0; i < 4; i++)
		out[n++] = (uint8_t)(flags >> (8 * i));
	out[n++] = (uint8_t)r->status;
	out[n++] = (uint8_t)(r->status >> 8);
	if (flags & F_ID) {
		out[n++] = (uint8_t)r->id;
		out[n++] = (uint8_t)(r->id >> 8);
	}
	if (flags & F_SIZE) {
		for (int i = 0; i < 4; i++)
			out[n++] = (uint8_t)(r->size >> (8 * i));
	}
	if (flags & F_RESULT) {
		for (int i = 0; i < 4; i++)
			out[n++] = (uint8_t)((uint32_t)r->result >> (8 * i));
	}
	return n;
}

static int svc_init(struct vdev_ctrl_model *c, const struct usb_ctrlrequest *s, uint8_t *data,
		    size_t *len)
{
	struct reply rep = { 0 };
	struct req *r = NULL;
	int forced = c->dev->faults.ctrl_init_status;

	if (forced > 0) {
		rep.status = (uint16_t)forced;
		logf_(c, "INIT type=%u size=%u -> %s (fault)", s->wIndex, s->wValue,
		      status_name(rep.status));
		*len = encode(&rep, data);
		return VDEV_CTRL_DONE;
	}
	if (vdev_ctrl_active(c) >= max_active(c)) {
		rep.status = VDEV_SVC_BUSY;
		logf_(c, "INIT type=%u size=%u -> BUSY", s->wIndex, s->wValue);
		*len = encode(&rep, data);
		return VDEV_CTRL_DONE;
	}
	for (size_t i = 0; i < MAX_POOL && !r; i++) {
		if (c->reqs[i].state == REQ_FREE)
			r = &c->reqs[i];
	}
	if (++c->last_id == 0)
		c->last_id = 1;
	r->id = c->last_id;
	r->type = s->wIndex;
	r->payload_size = s->wValue;
	if (r->payload_size == 0) {
		process(c, r);
		rep.status = VDEV_SVC_OK;
	} else if (r->payload_size <= (c->o.pooled_size ? c->o.pooled_size : 64)) {
		r->payload = g_byte_array_sized_new((guint)r->payload_size);
		r->state = REQ_RECV_PAYLOAD;
		rep.status = VDEV_SVC_OK;
	} else {
		r->state = REQ_ALLOC_PENDING;
		r->polls = c->o.alloc_polls;
		rep.status = VDEV_SVC_PENDING;
	}
	rep.flags = F_ID;
	rep.id = r->id;
	logf_(c, "INIT type=%u size=%u -> %s id=%u", r->type, (unsigned)r->payload_size,
	      status_name(rep.status), r->id);
	*len = encode(&rep, data);
	return VDEV_CTRL_DONE;
}

static int svc_check(struct vdev_ctrl_model *c, const struct usb_ctrlrequest *s, uint8_t *data,
		     size_t *len)
{
	struct req *r = find(c, s->wIndex);
	struct reply rep = { .status = VDEV_SVC_NOT_FOUND };
	bool done = false;

	if (r && r->state == REQ_ALLOC_PENDING) {
		if (r->polls) {
			r->polls--;
			rep.status = VDEV_SVC_PENDING;
		} else if (c->o.alloc_limit && r->payload_size > c->o.alloc_limit) {
			r->state = REQ_ALLOC_FAILED;
		} else {
			r->payload = g_byte_array_sized_new((guint)r->payload_size);
			r->state = REQ_RECV_PAYLOAD;
		}
	}
	if (r && r->state == REQ_PENDING) {
		if (c->dev->faults.ctrl_never_done || r->polls) {
			if (r->polls)
				r->polls--;
			rep.status = VDEV_SVC_PENDING;
		} else {
			r->state = REQ_DONE;
		}
	}
	if (r) {
		switch (r->state) {
		case REQ_ALLOC_FAILED:
			rep.status = VDEV_SVC_NO_MEMORY;
			done = true;
			break;
		case REQ_RECV_PAYLOAD:
			rep.status = VDEV_SVC_OK;
			break;
		case REQ_DONE:
			rep.status = VDEV_SVC_OK;
			rep.flags |= F_RESULT;
			rep.result = r->result;
			if (r->reply->len) {
				rep.flags |= F_SIZE;
				rep.size = r->reply->len;
			} else {
				done = true; /* nothing to RECV: over once this reply is sent */
			}
			break;
		default:
			break;
		}
	}
	if (rep.flags & F_RESULT)
		logf_(c, "CHECK id=%u -> OK result=%d size=%u", s->wIndex, rep.result, rep.size);
	else
		logf_(c, "CHECK id=%u -> %s", s->wIndex, status_name(rep.status));
	*len = encode(&rep, data);
	if (done)
		finish(c, r);
	return VDEV_CTRL_DONE;
}

static int svc_send(struct vdev_ctrl_model *c, const struct usb_ctrlrequest *s, const uint8_t *data,
		    size_t len)
{
	struct req *r = find(c, s->wIndex);

	if (!r || r->state != REQ_RECV_PAYLOAD || len != s->wLength ||
	    r->offset + len > r->payload_size) {
		logf_(c, "SEND id=%u len=%zu -> STALL", s->wIndex, len);
		return VDEV_CTRL_STALL;
	}
	g_byte_array_append(r->payload, data, (guint)len);
	r->offset += len;
	logf_(c, "SEND id=%u len=%zu", s->wIndex, len);
	if (r->offset == r->payload_size)
		process(c, r);
	return VDEV_CTRL_DONE;
}

static int svc_recv(struct vdev_ctrl_model *c, const struct usb_ctrlrequest *s, uint8_t *data,
		    size_t *len)
{
	struct req *r = find(c, s->wIndex);
	size_t n = s->wLength;

	if (r && r->state == REQ_PENDING && !r->polls && !c->dev->faults.ctrl_never_done)
		r->state = REQ_DONE; /* a RECV without the CHECK that would have said OK */
	if (!r || r->state != REQ_DONE || n == 0 || r->offset + n > r->reply->len) {
		logf_(c, "RECV id=%u len=%zu -> STALL", s->wIndex, n);
		return VDEV_CTRL_STALL;
	}
	memcpy(data, r->reply->data + r->offset, n);
	*len = n;
	r->offset += n;
	logf_(c, "RECV id=%u len=%zu", s->wIndex, n);
	if (r->offset == r->reply->len)
		finish(c, r);
	return VDEV_CTRL_DONE;
}

static int svc_reset(struct vdev_ctrl_model *c, const struct usb_ctrlrequest *s, uint8_t *data,
		     size_t *len)
{
	struct reply rep = { .status = VDEV_SVC_OK };

	if (s->wIndex) {
		struct req *r = find(c, s->wIndex);

		if (r)
			finish(c, r);
		else
			rep.status = VDEV_SVC_NOT_FOUND;
	} else {
		for (size_t i = 0; i < MAX_POOL; i++) {
			if (c->reqs[i].state != REQ_FREE)
				finish(c, &c->reqs[i]);
		}
	}
	logf_(c, "RESET id=%u -> %s", s->wIndex, status_name(rep.status));
	*len = encode(&rep, data);
	return VDEV_CTRL_DONE;
}

/* ---- raw 'P' requests ------------------------------------------------------ */

static int raw_request(struct vdev_ctrl_model *c, const struct usb_ctrlrequest *s, uint8_t *data,
		       size_t *len)
{
	struct vdev_device *dev = c->dev;
	bool in = s->bRequestType & USB_DIR_IN;

	if (in) {
		const char *text;
		char id[25];

		/* The HAL offers a buffer only for data stages of 1..64 bytes. */
		if (s->wLength == 0 || s->wLength > MIN_WLENGTH)
			goto stall;
		if (s->wIndex == RAW_DEVICE_ID) {
			for (size_t i = 0; i < 24; i++)
				id[i] = g_ascii_toupper(dev->id[i]); /* bytes2hexbuf: upper case */
			id[24] = '\0';
			text = id;
		} else if (s->wIndex == RAW_SYSTEM_VERSION) {
			text = dev->os_version;
		} else {
			goto stall;
		}
		if (s->wLength < strlen(text))
			goto stall;
		memcpy(data, text, strlen(text));
		*len = strlen(text);
		logf_(c, "P IN %u -> %s", s->wIndex, text);
		return VDEV_CTRL_DONE;
	}
	if (s->wIndex == RAW_RESET) {
		/* Resets inside the request: the host sees the device vanish. */
		vdev_device_reset(dev, VDEV_MODE_NORMAL, false, 0);
		logf_(c, "P OUT 40 -> reset");
		return VDEV_CTRL_NO_ANSWER;
	}
	if (s->wIndex == RAW_CLOUD_DISCONNECT) {
		logf_(c, "P OUT 302 -> cloud disconnect");
		return VDEV_CTRL_DONE;
	}
stall:
	logf_(c, "P %s %u -> STALL", in ? "IN" : "OUT", s->wIndex);
	return VDEV_CTRL_STALL;
}

/* ---- the hook ------------------------------------------------------------------ */

static int ctrl_control(void *model, const struct usb_ctrlrequest *s, uint8_t *data, size_t *len)
{
	struct vdev_ctrl_model *c = model;
	struct vdev_device *dev = c->dev;
	bool in = s->bRequestType & USB_DIR_IN;

	if ((s->bRequestType & USB_TYPE_MASK) != USB_TYPE_VENDOR)
		return VDEV_CTRL_PASS;
	if ((dev->plat->quirks & VDEV_QUIRK_NO_CONTROL_REQ) || dev->faults.ctrl_stall) {
		logf_(c, "STALL bRequest=%u wIndex=%u (no control requests)", s->bRequest, s->wIndex);
		return VDEV_CTRL_STALL;
	}
	if (!in && s->wLength == 0 && (dev->plat->quirks & VDEV_QUIRK_OUT_NEEDS_DATA)) {
		/* rtl872x: the status stage of a data-less OUT request never comes. */
		logf_(c, "NO_ANSWER bRequest=%u wIndex=%u (OUT without data stage)", s->bRequest,
		      s->wIndex);
		return VDEV_CTRL_NO_ANSWER;
	}
	if (s->bRequest == 0x50)
		return raw_request(c, s, data, len);
	switch (s->bRequest) {
	case SVC_INIT:
	case SVC_CHECK:
	case SVC_RESET:
		if (!in || s->wLength < MIN_WLENGTH)
			break;
		if (s->bRequest == SVC_INIT)
			return svc_init(c, s, data, len);
		return s->bRequest == SVC_CHECK ? svc_check(c, s, data, len)
						: svc_reset(c, s, data, len);
	case SVC_SEND:
		if (in)
			break;
		return svc_send(c, s, data, *len);
	case SVC_RECV:
		if (!in)
			break;
		return svc_recv(c, s, data, len);
	default:
		break;
	}
	logf_(c, "STALL bRequest=%u wIndex=%u wLength=%u", s->bRequest, s->wIndex, s->wLength);
	return VDEV_CTRL_STALL;
}

/* The personality left the bus: the device rebooted, its requests are gone. */
static void ctrl_detached(void *model)
{
	struct vdev_ctrl_model *c = model;

	for (size_t i = 0; i < MAX_POOL; i++)
		clear(&c->reqs[i]);
}

static const struct vdev_usb_model ctrl_ops = {
	.control = ctrl_control,
	.detached = ctrl_detached,
};

const struct vdev_usb_model *vdev_ctrl_model_ops(void)
{
	return &ctrl_ops;
}

struct vdev_ctrl_model *vdev_ctrl_new(struct vdev_device *dev, const struct vdev_ctrl_opts *o)
{
	struct vdev_ctrl_model *c = g_new0(struct vdev_ctrl_model, 1);

	c->dev = dev;
	if (o) {
		c->o = *o;
	} else {
		c->o.pending_polls = 1;
		c->o.alloc_polls = 1;
	}
	c->log = g_string_new(NULL);
	return c;
}

void vdev_ctrl_free(struct vdev_ctrl_model *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < MAX_POOL; i++)
		clear(&c->reqs[i]);
	g_string_free(c->log, TRUE);
	g_free(c);
}

size_t vdev_ctrl_log_copy(const struct vdev_ctrl_model *c, char *buf, size_t len)
{
	if (len)
		snprintf(buf, len, "%s", c->log->str);
	return c->log->len;
}
