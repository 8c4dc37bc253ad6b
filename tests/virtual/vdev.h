/* vdev.h - virtual Particle devices for tests (umockdev; never linked into
 * the product).
 *
 * A test bed (struct vdev_bed) owns a umockdev test bed, a worker thread
 * running a GMainLoop, and any number of virtual devices.  Real libusb-1.0,
 * real libserialport and real tools (dfu-util) see them through
 * libumockdev-preload as USB devices with sysfs entries, usbdevfs nodes and
 * CDC-ACM ttys.  A process that uses a bed must itself run under the preload:
 * call vdev_reexec_under_preload() first thing in main().
 *
 * Conventions: functions return 0 (or a count) on success and a negative
 * errno value on failure.  Strings passed in are copied.  Every function on a
 * device is thread-safe.  Functions marked "hook-safe" never block and may be
 * called from inside a USB model callback (struct vdev_usb_model); all others
 * may block (for at most the time they state) and must not be called there.
 *
 * Lifetime: vdev_bed_free() may only be called when no client has a device
 * node of the bed open any more (close ports, libusb_close/libusb_exit first);
 * umockdev aborts a client that talks to a bed that is gone.
 */
#ifndef VDEV_H
#define VDEV_H

#include <linux/usb/ch9.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vdev_bed;
struct vdev_device;

/* ---- process set-up ------------------------------------------------------ */

/* True when this process runs under libumockdev-preload. */
bool vdev_under_preload(void);

/* Makes sure the process runs under the preload.  If it does, returns 0 at
 * once.  Otherwise re-executes /proc/self/exe with argv and
 * LD_PRELOAD=libumockdev-preload.so.0 (prepended to any existing value),
 * ASAN_OPTIONS=verify_asan_link_order=0 added, and TMPDIR=/tmp when TMPDIR is
 * too long for umockdev's socket paths; does not return on success, returns
 * -errno if exec failed.  Call before creating threads or touching GLib.
 * UMOCKDEV_DIR is set later, by vdev_bed_new(), in the preloaded process. */
int vdev_reexec_under_preload(char **argv);

/* ---- platforms (knowledge/devices.json) ---------------------------------- */

#define VDEV_MAX_ALTS 4

/* One platform as read from devices.json; immutable, owned by the bed. */
struct vdev_platform {
	char key[24];            /* "boron" */
	char name[32];           /* "Boron" */
	int id;                  /* platform id, 13 */
	int gen;                 /* 1, 2, 3, 4 */
	char mcu[16];            /* "nrf52840" */
	uint16_t vid, pid;       /* normal mode */
	uint16_t dfu_vid, dfu_pid;
	char manufacturer[48];   /* USB strings */
	char product[48];
	char dfu_product[48];
	bool serial_is_device_id;
	bool wifi, cellular;
	bool listening_console;
	unsigned magic_baud_dfu;       /* 14400 or 0 */
	unsigned magic_baud_listen;    /* 28800 or 0 */
	int listen_below_major;        /* 28800 works when Device OS major < this */
	unsigned dfu_transfer_size;
	char dfu_alt[VDEV_MAX_ALTS][128];
	size_t ndfu_alt;
	unsigned quirks;               /* VDEV_QUIRK_* from devices.json "quirks" */
};

/* devices.json "quirks" the models act on. */
enum {
	VDEV_QUIRK_OUT_NEEDS_DATA = 0x1,  /* "control-out-needs-data" (rtl872x) */
	VDEV_QUIRK_NO_CONTROL_REQ = 0x2,  /* "no-control-requests" (Core) */
	VDEV_QUIRK_MANIFEST_AS_IDLE = 0x4, /* "manifest-as-idle" (STM32 bootloaders) */
	VDEV_QUIRK_MANIFEST_RESETS = 0x8, /* "manifest-resets" (Gen 3+ bootloaders) */
};

/* Default devices.json: $VDEV_DEVICES_JSON, else the source tree's copy. */
const char *vdev_default_devices_json(void);

/* ---- test bed ------------------------------------------------------------ */

/* Creates a bed (umockdev test bed, worker thread) and loads devices_json
 * (NULL: vdev_default_devices_json()).  Requires the preload.  Sets
 * UMOCKDEV_DIR for this process and its future children.  On failure
 * returns NULL and writes a message to err (may be NULL).  Takes ~10 ms. */
struct vdev_bed *vdev_bed_new(const char *devices_json, char *err, size_t errlen);

/* Removes every device, stops the worker, deletes the bed directory.
 * See "Lifetime" above.  NULL is a no-op. */
void vdev_bed_free(struct vdev_bed *bed);

/* The bed's root directory (/tmp/umockdev.XXXXXX); lives as long as bed. */
const char *vdev_bed_root(const struct vdev_bed *bed);

/* Platform by devices.json id; NULL when unknown.  Lives as long as bed. */
const struct vdev_platform *vdev_bed_platform(const struct vdev_bed *bed, const char *key);

size_t vdev_bed_device_count(const struct vdev_bed *bed);
/* Device i (in order of creation); NULL when out of range. */
struct vdev_device *vdev_bed_device(const struct vdev_bed *bed, size_t i);

/* Reads a scenario file (see README.md) and adds its devices, applying their
 * faults (including "port_busy").  Returns the number of devices added or a
 * negative errno with a message in err. */
int vdev_bed_load_scenario(struct vdev_bed *bed, const char *path, char *err, size_t errlen);

/* ---- devices ------------------------------------------------------------- */

enum vdev_mode {
	VDEV_MODE_NORMAL,     /* Device OS running, console silent */
	VDEV_MODE_LISTENING,  /* Device OS in listening mode, console answers */
	VDEV_MODE_DFU,        /* bootloader DFU mode: DFU USB device, no tty */
};

enum vdev_modules {
	VDEV_MODULES_HEALTHY,          /* every module valid, dependencies met */
	VDEV_MODULES_SAFE_MODE_DEP,    /* a system part's dependency fails (vc 30, vv 26) */
};

/* Status of a framed service request reply (protocols.md 3.3). */
enum vdev_svc_status {
	VDEV_SVC_OK = 0,
	VDEV_SVC_ERROR = 1,
	VDEV_SVC_PENDING = 2,
	VDEV_SVC_BUSY = 3,
	VDEV_SVC_NO_MEMORY = 4,
	VDEV_SVC_NOT_FOUND = 5,
};

/* DFU requests (and DfuSe commands) a fault can name. */
enum vdev_dfu_req {
	VDEV_DFU_REQ_NONE = 0,
	VDEV_DFU_REQ_DETACH,
	VDEV_DFU_REQ_DNLOAD,      /* any DNLOAD */
	VDEV_DFU_REQ_UPLOAD,
	VDEV_DFU_REQ_GETSTATUS,
	VDEV_DFU_REQ_CLRSTATUS,
	VDEV_DFU_REQ_GETSTATE,
	VDEV_DFU_REQ_ABORT,
	VDEV_DFU_REQ_ERASE,       /* DNLOAD of DfuSe command 0x41 */
	VDEV_DFU_REQ_SET_ADDRESS, /* DNLOAD of DfuSe command 0x21 */
	VDEV_DFU_REQ_WRITE,       /* DNLOAD of a data block (wValue >= 2) */
};

/* Faults; all zero means a well-behaved device. */
struct vdev_faults {
	bool silent;               /* the console never answers */
	bool garbage;              /* every reply is replaced by garbage bytes */
	bool truncated_json;       /* the `s` reply stops in the middle of the JSON */
	unsigned first_byte_delay_ms; /* wait before the first byte of each reply */
	unsigned byte_delay_ms;    /* wait between bytes of a reply (trickle) */
	bool disconnect_mid_reply; /* the device leaves the bus halfway through a reply */
	bool never_returns;        /* after a reset (mode change) it never re-enumerates */

	/* Control requests (normal mode, vdev_ctrl.c). */
	int ctrl_init_status;      /* INIT answers this enum vdev_svc_status (BUSY, NO_MEMORY,
				    * ERROR) without an id; 0: normal */
	bool ctrl_never_done;      /* requests stay PENDING forever (a blocked system thread) */
	bool ctrl_stall;           /* every Particle vendor request stalls (no control requests) */

	/* DFU mode (vdev_dfu.c).  Counters start when the DFU personality
	 * appears on the bus. */
	enum vdev_dfu_req dfu_stall; /* this request stalls: dfuERROR, errSTALLEDPKT */
	unsigned dfu_stall_skip;   /* ... after letting this many of them through */
	unsigned dfu_stall_times;  /* ... this many times (0: every time) */
	bool dfu_err_write;        /* a data block touching dfu_err_write_addr of alt */
	unsigned dfu_err_write_alt; /* dfu_err_write_alt fails: dfuERROR, errWRITE */
	uint32_t dfu_err_write_addr;
	bool dfu_err_erase;        /* erasing the sector holding dfu_err_erase_addr of */
	unsigned dfu_err_erase_alt; /* alt dfu_err_erase_alt fails: dfuERROR, errERASE */
	uint32_t dfu_err_erase_addr;
	unsigned dfu_poll_timeout_ms; /* bwPollTimeout of every dfuDNBUSY status (0: family's) */
	unsigned dfu_unplug_after_blocks; /* the cable comes out when data block N+1 arrives
					   * (that DNLOAD never completes); 0: never */
};

/* Timing.  0 means the default given. */
struct vdev_timing {
	unsigned reset_ms;       /* trigger (magic baud, `L`, ...) -> device leaves the bus (20) */
	unsigned enumerate_ms;   /* leaves the bus -> appears again in its new mode (250) */
	unsigned request_reset_ms; /* control request 40/41/50/60 done -> leaves the bus (1000,
				    * Device OS waits 1 s after the host read the result) */
	unsigned manifest_reset_ms; /* DFU manifest reported -> leaves the bus (500, the
				     * bootloaders' countdown) */
	unsigned erase_ms;       /* DFU: busy after a sector erase: the next request is
				  * answered this late (0) */
	unsigned write_ms;       /* DFU: busy after a block write (0) */
};

/* Behaviour of the control-request model (vdev_ctrl.c);
 * vdev_device_opts_init() fills the defaults given. */
#define VDEV_CTRL_MAX_RESULTS 8
struct vdev_ctrl_opts {
	unsigned pending_polls;  /* CHECKs answered PENDING before a request is done (1) */
	unsigned alloc_polls;    /* CHECKs answered PENDING while a payload larger than
				  * pooled_size gets its buffer (1) */
	unsigned max_active;     /* active requests; one more INIT answers BUSY (4) */
	unsigned pooled_size;    /* payloads up to this size are accepted at INIT (64) */
	unsigned alloc_limit;    /* larger payloads cannot be allocated: CHECK answers
				  * NO_MEMORY (0: no limit) */
	bool module_info_legacy; /* GET_MODULE_INFO answers in the old Module numbering
				  * (field 1) instead of FirmwareModule (field 2) */
	struct {
		uint16_t type;
		int32_t result;
	} results[VDEV_CTRL_MAX_RESULTS]; /* forced result (empty reply) per request type */
	size_t nresults;
};

struct vdev_device_opts {
	const char *platform;      /* devices.json id, required */
	const char *device_id;     /* 24 hex digits; NULL: generated from platform and index */
	const char *os_version;    /* Device OS, "5.9.0" when NULL */
	enum vdev_mode mode;
	bool safe_mode;            /* running in safe mode (user part not running) */
	bool claimed;
	enum vdev_modules modules;
	const char *modules_json;  /* `s` reply override: a JSON object, sent as given */
	const char *usb_serial;    /* USB serial string override; NULL: platform rule (see README) */
	const char *mac;           /* "aa:bb:cc:dd:ee:ff"; NULL: generated */
	/* Extra `i` keys; NULL: defaults (cellular: IMEI/ICCID, Gen 3+ cellular:
	 * Cell Radio Version; Gen 3+: Serial Number/Device Secret).  "" omits one. */
	const char *imei, *iccid, *cell_fw, *serial_number, *device_secret;
	bool wifi_save_fails;      /* the `w` dialog ends with the failure text */
	struct vdev_faults faults;
	struct vdev_timing timing;
	struct vdev_ctrl_opts ctrl;
};

/* Fills o with defaults for platform (a borrowed string), including the
 * control-request defaults of struct vdev_ctrl_opts. */
void vdev_device_opts_init(struct vdev_device_opts *o, const char *platform);

/* Adds a device and plugs it in, in opts->mode.  Blocks until its nodes
 * exist (~5 ms).  NULL + err on failure (unknown platform, bad device id,
 * ...).  The device lives as long as bed. */
struct vdev_device *vdev_bed_add_device(struct vdev_bed *bed, const struct vdev_device_opts *o,
					char *err, size_t errlen);

/* -- inspection (hook-safe) -- */
const struct vdev_platform *vdev_device_platform(const struct vdev_device *dev);
const char *vdev_device_id(const struct vdev_device *dev);      /* lowercase, lives as long as dev */
const char *vdev_device_os_version(const struct vdev_device *dev);
enum vdev_mode vdev_device_mode(struct vdev_device *dev);
bool vdev_device_safe_mode(struct vdev_device *dev);
bool vdev_device_present(struct vdev_device *dev);       /* on the bus now */
unsigned vdev_device_enumerations(struct vdev_device *dev); /* times it appeared on the bus */
/* "/dev/ttyACM0" into buf; -ENODEV when it has no tty now (DFU, unplugged). */
int vdev_device_tty(struct vdev_device *dev, char *buf, size_t len);
/* "/dev/bus/usb/001/002" into buf; -ENODEV when not on the bus. */
int vdev_device_usb_node(struct vdev_device *dev, char *buf, size_t len);
int vdev_device_usb_address(struct vdev_device *dev, unsigned *busnum, unsigned *devnum);
/* USB serial string of the current mode into buf. */
int vdev_device_usb_serial(struct vdev_device *dev, char *buf, size_t len);
/* Current line rate of the tty as the host set it (TCGETS2 c_ospeed on the
 * pty master); 0 when there is no tty. */
unsigned vdev_device_baud(struct vdev_device *dev);
/* Last rate the host set with an ioctl the tty sees (TCSETS*, TCSETS2*: all
 * non-standard rates such as 14400/28800), 0 if none yet. */
unsigned vdev_device_last_set_baud(struct vdev_device *dev);
/* Copies what the console received so far (up to len-1 bytes, NUL-ended);
 * returns the total number of bytes received. */
size_t vdev_device_console_input(struct vdev_device *dev, char *buf, size_t len);

/* Wi-Fi credentials entered through the `w` dialog. */
struct vdev_wifi_creds {
	char ssid[64];
	int security;      /* 0..6 as typed, -1 if not asked */
	int cipher;        /* 1..3, -1 if not asked */
	char password[96];
};
/* Last credentials entered; -ENOENT when none. */
int vdev_device_wifi_creds(struct vdev_device *dev, struct vdev_wifi_creds *out);

/* -- control -- */
/* Waits until the device is present (or absent) and, when mode >= 0, in that
 * mode.  Returns 0, or -ETIMEDOUT after timeout_ms.  Not hook-safe. */
int vdev_device_wait(struct vdev_device *dev, bool present, int mode, unsigned timeout_ms);
/* Replaces the faults; takes effect for the next reply (hook-safe). */
void vdev_device_set_faults(struct vdev_device *dev, const struct vdev_faults *f);
/* Unplugs the cable now: remove uevents, nodes gone; pending reset cancelled.
 * Blocks until done (~2 ms). */
int vdev_device_unplug(struct vdev_device *dev);
/* Plugs it in again in its current mode.  Blocks until the nodes exist. */
int vdev_device_plug(struct vdev_device *dev);
/* Pulls the cable delay_ms from now (as vdev_device_unplug; it stays
 * away until vdev_device_plug).  Non-blocking, hook-safe. */
int vdev_device_unplug_later(struct vdev_device *dev, unsigned delay_ms);
/* Resets the device after delay_ms: it leaves the bus and comes back in mode
 * (safe_mode as given) after the enumerate delay, unless the never_returns
 * fault is set.  Non-blocking, hook-safe.  This is what magic baud rates,
 * `L` and (phase 2) control requests / DFU leave use. */
int vdev_device_reset(struct vdev_device *dev, enum vdev_mode mode, bool safe_mode,
		      unsigned delay_ms);
/* Switches between NORMAL and LISTENING without re-enumeration, as the MODE
 * button does (hook-safe).  -EINVAL for DFU (use vdev_device_reset). */
int vdev_device_set_listening(struct vdev_device *dev, bool listening);

/* Makes the tty "already held by another process": starts bd-vhold, which
 * opens the port under the preload and sets TIOCEXCL.  From then on other
 * openers fail the way the kernel fails them (EBUSY), so libserialport's
 * sp_open() returns SP_ERR_FAIL with sp_last_error_code() == EBUSY.  Blocks
 * up to 2 s until the holder has the port. */
int vdev_device_hold_port(struct vdev_device *dev);
/* Ends the holder process (blocks up to 2 s). */
int vdev_device_release_port(struct vdev_device *dev);

/* ---- USB model hook (phase 2: control requests, DfuSe) ------------------- */

/* Results of struct vdev_usb_model.control. */
enum vdev_ctrl {
	VDEV_CTRL_DONE = 0,      /* answered: IN data in data[0..*len), OUT accepted */
	VDEV_CTRL_STALL = 1,     /* protocol stall: client sees EPIPE / LIBUSB_ERROR_PIPE */
	VDEV_CTRL_NO_ANSWER = 2, /* never completes: client times out (LIBUSB_ERROR_TIMEOUT) */
	VDEV_CTRL_PASS = 3,      /* not mine: the generic engine answers (standard requests) or stalls */
};

/* Behaviour plugged into the usbdevfs engine of one USB personality.  All
 * callbacks run on umockdev's worker thread with the bed lock held: they must
 * not block, and may call only hook-safe vdev functions. */
struct vdev_usb_model {
	/* Every control transfer on endpoint 0, before the engine's own standard
	 * handling.  setup is in host byte order.  For IN (bRequestType & 0x80)
	 * data has room for setup->wLength bytes: fill it and set *len (<=
	 * wLength).  For OUT, data holds the *len == wLength bytes sent.  Return
	 * enum vdev_ctrl. */
	int (*control)(void *model, const struct usb_ctrlrequest *setup, uint8_t *data,
		       size_t *len);
	/* Optional: SETINTERFACE selected alt of iface (already validated). */
	void (*set_interface)(void *model, unsigned iface, unsigned alt);
	/* Optional: the personality left the bus (reset/unplug); forget state. */
	void (*detached)(void *model);
};

enum vdev_usb_side {
	VDEV_USB_NORMAL = 0, /* CDC + control interface personality (normal/listening) */
	VDEV_USB_DFU = 1,    /* DFU-mode personality */
};

/* Installs (or with ops NULL removes) the model of one personality; ops and
 * model must outlive the bed or be removed first.  Every device starts with
 * the built-in models (vdev_ctrl.c on NORMAL, vdev_dfu.c on DFU); this
 * replaces them (their flash images stay).  Hook-safe. */
void vdev_device_set_usb_model(struct vdev_device *dev, enum vdev_usb_side side,
			       const struct vdev_usb_model *ops, void *model);
/* Only inside a control hook that returns VDEV_CTRL_DONE or STALL: the
 * answer reaches the host delay_ms later (a busy device, e.g. DFU GETSTATUS
 * during an erase); the client's own timeout still applies.  Hook-safe. */
void vdev_device_delay_answer(struct vdev_device *dev, unsigned delay_ms);
/* Alt setting the host selected on iface of the current personality (0 if
 * never set).  Hook-safe. */
unsigned vdev_device_alt_setting(struct vdev_device *dev, unsigned iface);

/* ---- phase 2: the models behind the hook --------------------------------- */

/* Every device comes with a control-request model on VDEV_USB_NORMAL
 * (vdev_ctrl.c: raw 'P' requests and the framed service protocol) and, when
 * its platform has a DFU mode, a DfuSe model on VDEV_USB_DFU (vdev_dfu.c)
 * with one flash image per alt setting.  vdev_device_set_usb_model()
 * replaces them; the flash images stay with the device. */

/* What happened to the flash image of one alt setting. */
struct vdev_flash_stats {
	unsigned erases;         /* sectors erased through DfuSe ERASE */
	unsigned writes;         /* data blocks written (DNLOAD wValue >= 2) */
	size_t bytes_written;
	unsigned uploads;        /* UPLOAD data blocks read */
	size_t bytes_uploaded;
	size_t lost_bytes;       /* bytes written over flash that was not erased (NOR:
				  * the result is old AND new) */
	unsigned rejected;       /* writes/erases refused (protection, faults, range) */
};

/* Reads len bytes of alt's memory at addr (0xFF where never written).
 * -ENOENT: no such alt; -ERANGE: outside its memory map.  Hook-safe. */
int vdev_device_flash_read(struct vdev_device *dev, unsigned alt, uint32_t addr, void *buf,
			   size_t len);
/* Puts content in place (bytes replaced, no erase needed, sector
 * properties ignored): e.g. a user part for a backup to read.  Not counted
 * in the stats.  Hook-safe. */
int vdev_device_flash_write(struct vdev_device *dev, unsigned alt, uint32_t addr,
			    const void *buf, size_t len);
/* Erases all of alt's memory (not counted).  Hook-safe. */
int vdev_device_flash_erase_all(struct vdev_device *dev, unsigned alt);
/* vdev_device_flash_write() of a file's content; -errno. */
int vdev_device_flash_load(struct vdev_device *dev, unsigned alt, uint32_t addr,
			   const char *path);
/* Writes len bytes of alt's memory at addr to path ("-": stdout); -errno. */
int vdev_device_flash_dump(struct vdev_device *dev, unsigned alt, uint32_t addr, size_t len,
			   const char *path);
/* Statistics of alt since the device was created or the last reset. */
int vdev_device_flash_stats(struct vdev_device *dev, unsigned alt, struct vdev_flash_stats *out);
void vdev_device_flash_reset_stats(struct vdev_device *dev);
/* Number of alt settings with a flash image (devices.json alts). */
unsigned vdev_device_flash_alts(struct vdev_device *dev);

/* The DFU model's state now: bState (2 dfuIDLE ... 10 dfuERROR), bStatus
 * (0 OK, 3 errWRITE, ...) and the DfuSe address pointer.  -ENODEV when the
 * platform has no DFU mode.  Hook-safe. */
int vdev_device_dfu_state(struct vdev_device *dev, uint8_t *state, uint8_t *status,
			  uint32_t *address);

/* Text log of the control requests the device answered, one per line, e.g.
 * "INIT type=90 size=0 -> OK id=1", "CHECK id=1 -> OK result=0 size=231",
 * "RECV id=1 len=231", "RESET id=0 -> OK", "P IN 30 -> 5.9.0",
 * "P OUT 40 -> reset", "STALL bRequest=6 ..." (up to len-1 bytes,
 * NUL-ended); returns the total length.  Hook-safe. */
size_t vdev_device_ctrl_log(struct vdev_device *dev, char *buf, size_t len);
/* Requests the control-request model holds now (INITed, not finished). */
unsigned vdev_device_ctrl_active(struct vdev_device *dev);

#endif
