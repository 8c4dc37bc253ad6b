/* ctrl_reply.c - small control-request replies: identity strings, device
 * mode, network interfaces.  GET_MODULE_INFO is in ctrl_modinfo.c. */
#include "usb/ctrl_reply.h"

#include <stdio.h>
#include <string.h>

#include "usb/pb_wire.h"

/* Reads a message whose only field we want is a string at field 1. */
static int bd_ctrl_string_field1(const uint8_t *buf, size_t len, const char *what, char *out,
				 size_t cap, struct bd_error *err)
{
	struct bd_pb_reader r;
	struct bd_pb_field f;
	int rc;

	if (cap)
		out[0] = '\0';
	bd_pb_reader_init(&r, buf, len, what);
	while ((rc = bd_pb_next(&r, &f, err)) > 0)
		if (f.num == 1 && (rc = bd_pb_string(&r, &f, out, cap, err)) < 0)
			return rc;
	return rc;
}

/* 24 hex digits -> lowercase in place, or BD_E_PARSE. */
static int bd_ctrl_check_device_id(char *id, const char *what, struct bd_error *err)
{
	size_t n = strlen(id);
	bool hex = n == BD_DEVICE_ID_LEN;
	for (size_t i = 0; hex && i < n; i++) {
		char c = id[i];
		if (c >= 'A' && c <= 'F')
			id[i] = (char)(c - 'A' + 'a');
		else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			hex = false;
	}
	if (hex)
		return 0;
	bd_error_set(err, BD_E_PARSE,
		     "the device's %s \"%.40s\" is not a device ID (24 hex digits expected)", what,
		     id);
	bd_error_hint(err, "Try again; if it persists, read the ID over the serial console "
			   "in listening mode.");
	id[0] = '\0';
	return BD_E_PARSE;
}

int bd_ctrl_decode_device_id(const uint8_t *buf, size_t len, char *out, struct bd_error *err)
{
	int rc = bd_ctrl_string_field1(buf, len, "GetDeviceIdReply", out, BD_DEVICE_ID_LEN + 1,
				       err);
	if (rc < 0) {
		out[0] = '\0';
		return rc;
	}
	return bd_ctrl_check_device_id(out, "DEVICE_ID reply", err);
}

int bd_ctrl_decode_system_version(const uint8_t *buf, size_t len, char *out, size_t cap,
				  struct bd_error *err)
{
	return bd_ctrl_string_field1(buf, len, "GetSystemVersionReply", out, cap, err);
}

int bd_ctrl_parse_vendor_text(const uint8_t *buf, size_t len, char *out, size_t cap,
			      struct bd_error *err)
{
	size_t n = 0;
	if (cap)
		out[0] = '\0';
	while (n < len && buf[n] != '\0')
		n++;
	while (n > 0 && (buf[n - 1] == ' ' || buf[n - 1] == '\r' || buf[n - 1] == '\n'))
		n--;
	for (size_t i = 0; i < n; i++)
		if (buf[i] < 0x20 || buf[i] >= 0x7F) {
			bd_error_set(err, BD_E_PARSE,
				     "the device's vendor reply has an unprintable byte 0x%02x at "
				     "offset %zu",
				     buf[i], i);
			bd_error_hint(err, "Try again; if it persists, reset the device.");
			return BD_E_PARSE;
		}
	if (n == 0 || n >= cap) {
		bd_error_set(err, BD_E_PARSE,
			     n ? "the device's vendor reply is %zu characters; at most %zu fit"
			       : "the device's vendor reply is empty (%zu characters, %zu fit)",
			     n, cap ? cap - 1 : 0);
		bd_error_hint(err, "Device OS older than 0.6.0 does not answer this request; "
				   "use the serial console.");
		return BD_E_PARSE;
	}
	memcpy(out, buf, n);
	out[n] = '\0';
	return 0;
}

int bd_ctrl_parse_vendor_device_id(const uint8_t *buf, size_t len, char *out,
				   struct bd_error *err)
{
	int rc = bd_ctrl_parse_vendor_text(buf, len, out, BD_DEVICE_ID_LEN + 1, err);
	if (rc < 0)
		return rc;
	return bd_ctrl_check_device_id(out, "vendor reply", err);
}

int bd_ctrl_decode_iccid(const uint8_t *buf, size_t len, struct bd_identity *out,
			 struct bd_error *err)
{
	struct bd_pb_reader r;
	struct bd_pb_field f;
	int rc;

	out->iccid[0] = '\0';
	out->imei[0] = '\0';
	bd_pb_reader_init(&r, buf, len, "GetIccidReply");
	while ((rc = bd_pb_next(&r, &f, err)) > 0) {
		if (f.num == 1)
			rc = bd_pb_string(&r, &f, out->iccid, sizeof out->iccid, err);
		else if (f.num == 2)
			rc = bd_pb_string(&r, &f, out->imei, sizeof out->imei, err);
		if (rc < 0)
			return rc;
	}
	return rc;
}

int bd_ctrl_decode_device_mode(const uint8_t *buf, size_t len, enum bd_mode *out,
			       struct bd_error *err)
{
	struct bd_pb_reader r;
	struct bd_pb_field f;
	int32_t mode = 0;
	int rc;

	*out = BD_MODE_UNKNOWN;
	bd_pb_reader_init(&r, buf, len, "GetDeviceModeReply");
	while ((rc = bd_pb_next(&r, &f, err)) > 0)
		if (f.num == 1 && (rc = bd_pb_int32(&r, &f, &mode, err)) < 0)
			return rc;
	if (rc < 0)
		return rc;
	*out = mode == 0 ? BD_MODE_NORMAL : mode == 1 ? BD_MODE_LISTENING : BD_MODE_UNKNOWN;
	return 0;
}

const char *bd_ctrl_iface_type_name(uint32_t type)
{
	switch (type) {
	case BD_CTRL_IF_LOOPBACK: return "loopback";
	case BD_CTRL_IF_THREAD: return "thread";
	case BD_CTRL_IF_ETHERNET: return "ethernet";
	case BD_CTRL_IF_WIFI: return "wifi";
	case BD_CTRL_IF_PPP: return "ppp";
	default: return "";
	}
}

/* InterfaceEntry {1 index, 2 name, 3 type}. */
static int bd_ctrl_decode_iface_entry(const struct bd_pb_reader *parent,
				      const struct bd_pb_field *f, struct bd_ctrl_iface *e,
				      struct bd_error *err)
{
	struct bd_pb_reader r;
	struct bd_pb_field g;
	int32_t type = 0;
	int rc;

	memset(e, 0, sizeof *e);
	if ((rc = bd_pb_sub(parent, f, &r, "InterfaceEntry", err)) < 0)
		return rc;
	while ((rc = bd_pb_next(&r, &g, err)) > 0) {
		if (g.num == 1)
			rc = bd_pb_uint32(&r, &g, &e->index, err);
		else if (g.num == 2)
			rc = bd_pb_string(&r, &g, e->name, sizeof e->name, err);
		else if (g.num == 3)
			rc = bd_pb_int32(&r, &g, &type, err);
		if (rc < 0)
			return rc;
	}
	e->type = (uint32_t)type;
	return rc;
}

int bd_ctrl_decode_iface_list(const uint8_t *buf, size_t len, struct bd_ctrl_iface_list *out,
			      struct bd_error *err)
{
	struct bd_pb_reader r;
	struct bd_pb_field f;
	int rc;

	memset(out, 0, sizeof *out);
	bd_pb_reader_init(&r, buf, len, "GetInterfaceListReply");
	while ((rc = bd_pb_next(&r, &f, err)) > 0) {
		if (f.num != 1)
			continue;
		struct bd_ctrl_iface scratch;
		struct bd_ctrl_iface *e = out->n < BD_CTRL_IFACES_MAX ? &out->v[out->n] : &scratch;
		if ((rc = bd_ctrl_decode_iface_entry(&r, &f, e, err)) < 0)
			return rc;
		if (out->n < BD_CTRL_IFACES_MAX)
			out->n++;
		else
			out->truncated = true;
	}
	return rc < 0 ? rc : 0;
}

int bd_ctrl_iface_pick(const struct bd_ctrl_iface_list *l, struct bd_error *err)
{
	static const uint32_t prefer[] = {BD_CTRL_IF_WIFI, BD_CTRL_IF_ETHERNET};
	for (size_t k = 0; k < sizeof prefer / sizeof prefer[0]; k++)
		for (size_t i = 0; i < l->n; i++)
			if (l->v[i].type == prefer[k])
				return (int)i;
	char have[160] = "";
	size_t used = 0;
	for (size_t i = 0; i < l->n && used < sizeof have; i++) {
		int n = snprintf(have + used, sizeof have - used, "%s%s (%s)", i ? ", " : "",
				 l->v[i].name[0] ? l->v[i].name : "?",
				 bd_ctrl_iface_type_name(l->v[i].type)[0]
					 ? bd_ctrl_iface_type_name(l->v[i].type)
					 : "other");
		if (n < 0)
			break;
		used += (size_t)n;
	}
	bd_error_set(err, BD_E_NOT_FOUND,
		     "the device has no Wi-Fi or Ethernet interface, so it has no MAC address "
		     "(it reports: %s)",
		     l->n ? have : "no interfaces");
	bd_error_hint(err, "Without Wi-Fi or Ethernet there is no MAC address to register "
			   "with a network; nothing to do.");
	return BD_E_NOT_FOUND;
}

int bd_ctrl_encode_get_iface(uint32_t index, uint8_t *buf, size_t cap)
{
	size_t pos = 0;
	if (index != 0 && bd_pb_put_uint(buf, cap, &pos, 1, index) < 0)
		return BD_E_TOO_LARGE;
	return (int)pos;
}

/* Interface {3 type, 8 hw_address}; other fields skipped. */
int bd_ctrl_decode_iface_mac(const uint8_t *buf, size_t len, struct bd_mac *out,
			     struct bd_error *err)
{
	struct bd_pb_reader r, sub;
	struct bd_pb_field f, g;
	int32_t type = 0;
	const uint8_t *hw = NULL;
	size_t hw_len = 0;
	int rc;

	out->mac[0] = '\0';
	out->interface[0] = '\0';
	bd_pb_reader_init(&r, buf, len, "GetInterfaceReply");
	while ((rc = bd_pb_next(&r, &f, err)) > 0) {
		if (f.num != 1)
			continue;
		if ((rc = bd_pb_sub(&r, &f, &sub, "Interface", err)) < 0)
			return rc;
		while ((rc = bd_pb_next(&sub, &g, err)) > 0) {
			if (g.num == 3)
				rc = bd_pb_int32(&sub, &g, &type, err);
			else if (g.num == 8)
				rc = bd_pb_bytes(&sub, &g, &hw, &hw_len, err);
			if (rc < 0)
				return rc;
		}
		if (rc < 0)
			return rc;
	}
	if (rc < 0)
		return rc;
	snprintf(out->interface, sizeof out->interface, "%s",
		 type == BD_CTRL_IF_WIFI || type == BD_CTRL_IF_ETHERNET
			 ? bd_ctrl_iface_type_name((uint32_t)type)
			 : "");
	if (hw_len == 0) {
		bd_error_set(err, BD_E_NOT_FOUND,
			     "the device's network interface reports no hardware (MAC) address");
		bd_error_hint(err, "Some Device OS versions only report it once the radio is "
				   "on; try again in normal mode.");
		return BD_E_NOT_FOUND;
	}
	if (hw_len != 6) {
		bd_error_set(err, BD_E_NOT_SUPPORTED,
			     "the device's interface has a %zu-byte hardware address, not a "
			     "6-byte MAC",
			     hw_len);
		bd_error_hint(err, "Only Wi-Fi and Ethernet interfaces have a MAC address.");
		return BD_E_NOT_SUPPORTED;
	}
	snprintf(out->mac, sizeof out->mac, "%02x:%02x:%02x:%02x:%02x:%02x", hw[0], hw[1], hw[2],
		 hw[3], hw[4], hw[5]);
	return 0;
}
