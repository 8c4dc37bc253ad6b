/* transport.h - the interface the engine (and the command line) calls to
 * reach devices.  It dispatches to the backends in transports/usb (libusb)
 * and transports/serial (libserialport), merges what they see so that one
 * physical device is one row, and picks the best route for each operation:
 * USB control requests first, the listening-mode console as fallback.
 *
 * Every call is bounded: blocking calls take a struct bd_op whose deadline
 * they never pass.  Errors are BD_E_* codes with a struct bd_error that says
 * what happened, where and what to do next; no libusb/libserialport code
 * crosses this interface.
 */
#ifndef BD_TRANSPORT_H
#define BD_TRANSPORT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/bd_error.h"
#include "common/clock.h"
#include "platform.h"

enum bd_mode {
	BD_MODE_UNKNOWN = 0,
	BD_MODE_NORMAL,    /* running Device OS (CDC serial + control requests) */
	BD_MODE_LISTENING, /* blinking dark blue: console answers */
	BD_MODE_DFU,       /* blinking yellow: bootloader DFU */
	BD_MODE_SAFE,      /* breathing magenta: Device OS without the app */
};
/* "normal", "listening", "dfu", "safe-mode", "unknown"; never NULL. */
const char *bd_mode_name(enum bd_mode mode);

#define BD_ROUTE_SERIAL 0x01u
#define BD_ROUTE_USB 0x02u

#define BD_DEVICE_ID_LEN 24

/* One physical device as found on this computer. */
struct bd_device {
	char device_id[BD_DEVICE_ID_LEN + 1]; /* lowercase hex, "" when unknown (Core) */
	int platform_id;                      /* -1 when unknown */
	enum bd_mode mode;
	char port[256];       /* serial port path ("/dev/ttyACM0"), "" if none */
	char usb_path[32];    /* "bus-port[.port...]" sysfs-style location, "" if none */
	uint8_t usb_bus, usb_address; /* 0 when not seen on USB */
	uint16_t vid, pid;
	char usb_serial[64];  /* USB serial-number string as reported */
	char product[64];
	unsigned routes;      /* BD_ROUTE_* through which it was seen */
	bool mode_reported;   /* a route read `mode` off the device (DFU PID, USB
			       * GET_DEVICE_MODE); false when it is only assumed
			       * (a console is silent in normal and safe mode alike) */
};

struct bd_device_list {
	struct bd_device *v;
	size_t n, cap;
};
/* Appends a copy of dev; BD_E_NOMEM on failure. */
int bd_device_list_add(struct bd_device_list *l, const struct bd_device *dev);
void bd_device_list_free(struct bd_device_list *l);

/* Which device an operation is for: by port path, by device ID (case-
 * insensitive, full 24 hex or a unique prefix of at least 6), or - both
 * NULL - the only device connected. */
struct bd_target {
	const char *port;
	const char *device_id;
};

struct bd_identity {
	char device_id[BD_DEVICE_ID_LEN + 1];
	int platform_id;          /* -1 if unknown */
	char system_version[32];  /* "6.2.0", "" if unknown */
	char iccid[32];           /* cellular only, "" otherwise */
	char imei[32];
	char serial_number[32];   /* manufacturing serial number, "" if none */
	char radio_version[32];   /* "Cell Radio Version", "" if none */
	unsigned route;           /* BD_ROUTE_* that answered */
	/* Never: the device secret.  Parsers drop it before it gets here. */
};

/* Firmware module functions (module binary numbering, protocols.md §5.1). */
enum bd_module_func {
	BD_MODF_NONE = 0,
	BD_MODF_RESOURCE = 1,
	BD_MODF_BOOTLOADER = 2,
	BD_MODF_MONO = 3,
	BD_MODF_SYSTEM = 4,
	BD_MODF_USER = 5,
	BD_MODF_SETTINGS = 6,
	BD_MODF_NCP = 7,
	BD_MODF_RADIO = 8,
	BD_MODF_ASSET = 9,
};
enum bd_module_store {
	BD_MODS_MAIN = 0,
	BD_MODS_FACTORY = 1,
	BD_MODS_BACKUP = 2,
	BD_MODS_SCRATCH = 3,
};
/* Validation bits as the device reports them (vc = checked, vv = passed). */
#define BD_MODV_INTEGRITY 0x02u
#define BD_MODV_DEPENDENCIES 0x04u
#define BD_MODV_RANGE 0x08u
#define BD_MODV_PLATFORM 0x10u
#define BD_MODV_PRODUCT 0x20u
#define BD_MODV_FULL_DEPS 0x40u

struct bd_module_dep {
	int func;    /* enum bd_module_func */
	int index;
	int version;
};

#define BD_MODULE_DEPS_MAX 4
struct bd_module {
	int func;           /* enum bd_module_func */
	int index;
	int version;
	int store;          /* enum bd_module_store */
	uint32_t size;      /* bytes used, 0 if unknown */
	uint32_t max_size;  /* slot size */
	uint32_t checked;   /* BD_MODV_* performed */
	uint32_t passed;    /* BD_MODV_* passed */
	char hash[65];      /* user part SHA-256 hex, "" otherwise */
	struct bd_module_dep deps[BD_MODULE_DEPS_MAX];
	int ndeps;
};

#define BD_MODULES_MAX 32
struct bd_module_table {
	int platform_id;    /* -1 if the reply did not say */
	size_t n;
	struct bd_module m[BD_MODULES_MAX];
	bool truncated;     /* the device reported more than BD_MODULES_MAX */
	unsigned route;
};

struct bd_mac {
	char mac[18];       /* "aa:bb:cc:dd:ee:ff" */
	char interface[16]; /* "wifi", "ethernet", "" */
	unsigned route;
};

/* Context for one long operation: deadline, log and progress sinks, cancel
 * flag.  Any member may be NULL/0.  log() gets one human-readable line per
 * step (e.g. each rung of the DFU ladder and its result); progress() gets
 * (phase, done, total) for erase/write/verify/read. */
struct bd_op {
	struct bd_deadline deadline;
	void (*log)(void *ctx, const char *line);
	void (*progress)(void *ctx, const char *phase, uint64_t done, uint64_t total);
	void *ctx;
	volatile sig_atomic_t *cancel;
};
/* printf-style wrapper around op->log (no-op when op or op->log is NULL). */
void bd_op_logf(struct bd_op *op, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void bd_op_progress(struct bd_op *op, const char *phase, uint64_t done, uint64_t total);
bool bd_op_cancelled(const struct bd_op *op);

/* A write of one image over DFU. */
struct bd_flash_request {
	const uint8_t *data;
	size_t len;
	uint32_t address;   /* taken from the module prefix, checked by the caller */
	int alt;            /* DfuSe alt setting, normally 0 */
	bool verify;        /* read back and compare */
	bool leave;         /* leave DFU (manifest) afterwards */
	bool dry_run;       /* do everything except erase/write */
};

struct bd_transports;

/* Opens every built-in backend.  A backend that cannot start (no USB on this
 * machine, say) is skipped and remembered: calls that need it then fail with
 * BD_E_UNAVAILABLE and say why.  platforms is borrowed and must outlive t. */
/* The mode as far as it is known: "unknown" when no route read it off the
 * device (a Core, old Device OS: normal, listening and safe mode look the
 * same from outside), else bd_mode_name(). */
const char *bd_device_mode_name(const struct bd_device *d);
/* The platforms table the transports were started with. */
const struct bd_platforms *bd_transports_platforms(const struct bd_transports *t);
struct bd_transports *bd_transports_new(const struct bd_platforms *platforms,
					struct bd_error *err);
void bd_transports_free(struct bd_transports *t);

/* Names of the backends that started, e.g. "usb,serial" ("" if none). */
const char *bd_transports_backends(const struct bd_transports *t);

/* Every Particle device on USB and USB serial, one row per physical device.
 * Returns the number of rows (>= 0) or a negative code. */
int bd_transports_list(struct bd_transports *t, struct bd_device_list *out,
		       struct bd_error *err);

/* Resolves a target to one device.  BD_E_NO_DEVICE (err says what was
 * looked for), BD_E_AMBIGUOUS (err lists the candidates). */
int bd_transports_find(struct bd_transports *t, const struct bd_target *target,
		       struct bd_device *out, struct bd_error *err);

/* Waits until a device with this ID (or, when device_id is "", at this USB
 * location) shows up in the given mode (BD_MODE_UNKNOWN = any mode), using
 * hotplug where the backend offers it and polling otherwise.  Never waits
 * past op->deadline (BD_E_TIMEOUT). */
int bd_transports_wait_for(struct bd_transports *t, const struct bd_device *like,
			   enum bd_mode mode, struct bd_device *out, struct bd_op *op,
			   struct bd_error *err);

int bd_transports_identify(struct bd_transports *t, const struct bd_device *dev,
			   struct bd_identity *out, struct bd_op *op, struct bd_error *err);
int bd_transports_inspect(struct bd_transports *t, const struct bd_device *dev,
			  struct bd_module_table *out, struct bd_op *op, struct bd_error *err);
int bd_transports_mac(struct bd_transports *t, const struct bd_device *dev, struct bd_mac *out,
		      struct bd_op *op, struct bd_error *err);
/* Moves the device into DFU, listening or safe mode (or back to normal with
 * BD_MODE_NORMAL = leave listening / leave DFU), trying each route in turn
 * (control request, then magic baud rate) and logging every rung.  On success
 * *dev is updated to the device as it now appears.  BD_E_UNAVAILABLE when no
 * route can do it: the caller then guides the person through the buttons. */
int bd_transports_enter_mode(struct bd_transports *t, struct bd_device *dev, enum bd_mode mode,
			     struct bd_op *op, struct bd_error *err);
int bd_transports_reset(struct bd_transports *t, struct bd_device *dev, struct bd_op *op,
			struct bd_error *err);
/* Writes an image over DFU (the device must be in DFU mode). */
int bd_transports_flash(struct bd_transports *t, struct bd_device *dev,
			const struct bd_flash_request *req, struct bd_op *op, struct bd_error *err);
/* Reads len bytes at address of alt over DFU into buf. */
int bd_transports_read(struct bd_transports *t, struct bd_device *dev, int alt,
		       uint32_t address, uint8_t *buf, size_t len, struct bd_op *op,
		       struct bd_error *err);

#endif
