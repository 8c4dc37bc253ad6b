/* ctrl_reply.h - decoding the payloads of Particle control-request replies
 * into blinkdoc's structs, and encoding the one request payload needed
 * (protocols.md §3.4, §3.5; messages from particle-iot/device-os-protobuf).
 *
 * Every decoder is a pure function over (buf, len): buf is the reply
 * payload as RECV'd (possibly empty: proto3 then means "every field at its
 * default"), never NULL unless len is 0.  Unknown fields are skipped;
 * known fields with the wrong wire type, truncated data, over-long lengths
 * and strings that do not fit are BD_E_PARSE with err naming the message,
 * field and byte offset.  On error *out holds partial data and must not be
 * used.  No allocation; fuzzed by tests/fuzz/fuzz_ctrl.c.
 */
#ifndef BD_CTRL_REPLY_H
#define BD_CTRL_REPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/bd_error.h"
#include "transport.h"

/* GET_MODULE_INFO (90) -> *out (zeroed; platform_id -1, route 0: the
 * caller knows both).  The reply has two lists with different type
 * numberings: field 1 (older Device OS, `Module`: 1 bootloader, 2 system
 * part, 3 user part, 4 monolithic, 5 NCP, 6 radio stack) and field 2
 * (5.6.0+, `FirmwareModule`: the module-function numbers of
 * enum bd_module_func).  Like particle-usb, field 1 is used when it is
 * non-empty, else field 2; both become enum bd_module_func.
 * Field 2's checked/passed flags are BD_MODV_* already.  Field 1 only
 * reports failures (0x01 integrity, 0x02 dependencies): checked becomes
 * INTEGRITY|DEPENDENCIES and passed those that did not fail; store is
 * MAIN and max_size 0.  Dependencies of type 0 are dropped, beyond
 * BD_MODULE_DEPS_MAX ignored; hash is kept for user parts only (the
 * struct's contract), at most 32 bytes.  More than BD_MODULES_MAX modules
 * sets truncated.  Legacy types outside 1..6 become BD_MODF_NONE. */
int bd_ctrl_decode_module_info(const uint8_t *buf, size_t len, struct bd_module_table *out,
			       struct bd_error *err);

/* CELLULAR_GET_ICCID (554): field 1 iccid, 2 imei.  Sets out->iccid and
 * out->imei ("" when absent) and nothing else. */
int bd_ctrl_decode_iccid(const uint8_t *buf, size_t len, struct bd_identity *out,
			 struct bd_error *err);

/* GET_DEVICE_MODE (72): field 1 mode, 0 normal (also the empty reply),
 * 1 listening; other values -> BD_MODE_UNKNOWN.  Device OS never reports
 * safe mode here. */
int bd_ctrl_decode_device_mode(const uint8_t *buf, size_t len, enum bd_mode *out,
			       struct bd_error *err);

/* DEVICE_ID (20) reply message (field 1): must be 24 hex digits; written
 * lowercase to out (BD_DEVICE_ID_LEN + 1 bytes). */
int bd_ctrl_decode_device_id(const uint8_t *buf, size_t len, char *out, struct bd_error *err);
/* SYSTEM_VERSION (30) reply message (field 1) into out[cap]; "" when
 * absent. */
int bd_ctrl_decode_system_version(const uint8_t *buf, size_t len, char *out, size_t cap,
				  struct bd_error *err);

/* Raw 'P' replies (§3.2) are text, not protobuf: up to the first NUL,
 * trailing spaces/newlines dropped, printable ASCII only.
 * bd_ctrl_parse_vendor_text: into out[cap] (BD_E_PARSE if it does not fit
 * or is empty).  bd_ctrl_parse_vendor_device_id: additionally 24 hex
 * digits, lowercased. */
int bd_ctrl_parse_vendor_text(const uint8_t *buf, size_t len, char *out, size_t cap,
			      struct bd_error *err);
int bd_ctrl_parse_vendor_device_id(const uint8_t *buf, size_t len, char *out,
				   struct bd_error *err);

/* Network interfaces (InterfaceType). */
#define BD_CTRL_IF_LOOPBACK 0x01u
#define BD_CTRL_IF_THREAD 0x02u
#define BD_CTRL_IF_ETHERNET 0x04u
#define BD_CTRL_IF_WIFI 0x08u
#define BD_CTRL_IF_PPP 0x10u
/* "wifi", "ethernet", "loopback", "thread", "ppp"; "" otherwise. */
const char *bd_ctrl_iface_type_name(uint32_t type);

#define BD_CTRL_IFACES_MAX 16
struct bd_ctrl_iface {
	uint32_t index;
	uint32_t type;  /* BD_CTRL_IF_* */
	char name[32];  /* "wl3", "en2", ... */
};
struct bd_ctrl_iface_list {
	size_t n;
	struct bd_ctrl_iface v[BD_CTRL_IFACES_MAX];
	bool truncated; /* more than BD_CTRL_IFACES_MAX entries */
};

/* NETWORK_GET_INTERFACE_LIST (400): field 1 repeated {1 index, 2 name,
 * 3 type}. */
int bd_ctrl_decode_iface_list(const uint8_t *buf, size_t len, struct bd_ctrl_iface_list *out,
			      struct bd_error *err);
/* The interface whose MAC a person means: the first Wi-Fi one, else the
 * first Ethernet one.  Returns its position in l (>= 0), or BD_E_NOT_FOUND
 * with err listing what the device has. */
int bd_ctrl_iface_pick(const struct bd_ctrl_iface_list *l, struct bd_error *err);
/* NETWORK_GET_INTERFACE (401) request {1 index} into buf[cap].  Returns
 * the payload length (0 for index 0: proto3 omits defaults) or
 * BD_E_TOO_LARGE. */
int bd_ctrl_encode_get_iface(uint32_t index, uint8_t *buf, size_t cap);
/* NETWORK_GET_INTERFACE (401) reply {1 Interface {3 type, 8 hw_address,
 * ...}} -> out->mac "aa:bb:cc:dd:ee:ff" (lowercase) and out->interface
 * from the type ("wifi", "ethernet", ""); route untouched.
 * BD_E_NOT_FOUND when the interface has no hardware address;
 * BD_E_NOT_SUPPORTED for one that is not 6 bytes (a Thread EUI-64). */
int bd_ctrl_decode_iface_mac(const uint8_t *buf, size_t len, struct bd_mac *out,
			     struct bd_error *err);

#endif
