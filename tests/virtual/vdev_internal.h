/* vdev_internal.h - what the files of bd_vdev share; not for tests.
 *
 * Threads:
 *  - umockdev's worker ("UW") runs the ioctl/read/write handlers of our
 *    device nodes (vdev_usbfs.c, vdev_tty.c);
 *  - the bed's loop thread ("VL") runs a GMainLoop on bed->ctx and does
 *    every umockdev test bed change (add/remove/uevent/attach/detach), the
 *    console I/O on the pty masters and every timer;
 *  - test threads call the public API; changes are marshalled to VL.
 * All device state is guarded by core->mx (recursive, so USB model hooks,
 * called with it held, may call hook-safe functions).  Handler objects can
 * outlive the bed (umockdev keeps them until clients disconnect), so they
 * hold a reference to the core, and check core->dead under the lock before
 * touching anything else.
 */
#ifndef VDEV_INTERNAL_H
#define VDEV_INTERNAL_H

#include <glib.h>
#include <stdbool.h>
#include <sys/types.h>
#include <umockdev.h>

#include "vdev.h"
#include "vdev_desc.h"
#include "vdev_platforms.h"

#define VDEV_BUSNUM 1
#define VDEV_MAX_TTYS 32
#define VDEV_DEFAULT_RESET_MS 20
#define VDEV_DEFAULT_ENUMERATE_MS 250
#define VDEV_DEFAULT_REQUEST_RESET_MS 1000
#define VDEV_DEFAULT_MANIFEST_RESET_MS 500

struct vdev_core {
	gatomicrefcount rc;
	GRecMutex mx;
	bool dead; /* the bed is gone: handlers must not touch devices */
};

struct vdev_core *vdev_core_ref(struct vdev_core *c);
void vdev_core_unref(struct vdev_core *c);
#define VDEV_LOCK(core) g_rec_mutex_lock(&(core)->mx)
#define VDEV_UNLOCK(core) g_rec_mutex_unlock(&(core)->mx)

struct vdev_usbfs;   /* vdev_usbfs.c: one usbdevfs node */
struct vdev_tty;     /* vdev_tty.c: one CDC-ACM tty */
struct vdev_console; /* vdev_console.c: the Device OS console model */
struct vdev_ctrl_model;    /* vdev_ctrl.c: control requests */
struct vdev_dfu;     /* vdev_dfu.c: DfuSe */

struct vdev_bed {
	struct vdev_core *core;
	UMockdevTestbed *tb;
	char *root;
	GMainContext *ctx;
	GMainLoop *loop;
	GThread *thread;
	struct vdev_platforms plat;
	GPtrArray *devices;      /* struct vdev_device *, owned */
	unsigned next_devnum;
	bool tty_used[VDEV_MAX_TTYS];
};

/* Runs fn(arg) on the loop thread and waits for it (directly when called
 * on the loop thread); aborts if the loop does not get to it within 10 s. */
void vdev_bed_run(struct vdev_bed *bed, void (*fn)(void *arg), void *arg);
/* Adds a timer on the loop; returns its id (for vdev_bed_cancel). */
guint vdev_bed_timeout(struct vdev_bed *bed, unsigned ms, GSourceFunc fn, void *data);
/* Removes a timer/source added with vdev_bed_timeout; 0 is a no-op. */
void vdev_bed_cancel(struct vdev_bed *bed, guint id);

struct vdev_out_chunk; /* pending console output, vdev_io.c */

struct vdev_device {
	struct vdev_bed *bed;
	size_t index;
	unsigned port;                       /* hub port: syspath .../usb1/1-<port> */
	const struct vdev_platform *plat;
	char id[25];
	char os_version[24];
	int os_major;
	char usb_serial_override[128];
	char mac[18];
	char imei[32], iccid[32], cell_fw[64], serial_number[32], device_secret[64];
	bool wifi_save_fails;
	enum vdev_modules modules;
	char *modules_json;                  /* `s` override, "" for generated */
	struct vdev_timing timing;
	gint64 boot_us;                      /* monotonic time of the last boot */

	/* state below: under core->mx */
	enum vdev_mode mode;
	bool safe_mode;
	bool claimed;
	bool present;
	unsigned enumerations;
	unsigned devnum;
	int tty_index;                       /* -1: none */
	char usb_syspath[192];               /* as umockdev returned it (/sys/devices/...) */
	char usb_node[32];                   /* /dev/bus/usb/001/002 */
	char tty_node[24];                   /* /dev/ttyACM0 */
	char sys_children[8][192];           /* interfaces and tty syspaths, removal order */
	size_t nchildren;
	struct vdev_usbfs *usbfs;
	struct vdev_tty *tty;
	struct vdev_console *console;
	struct vdev_faults faults;
	guint reset_src, return_src;         /* pending reset / re-appearance */
	enum vdev_mode next_mode;
	bool next_safe;
	GQueue out;                          /* struct vdev_out_chunk *, console output */
	guint out_src;
	guint in_src;                        /* master fd watch */
	GString *rx_log;
	struct vdev_wifi_creds wifi;
	bool has_wifi;
	unsigned last_set_baud;
	struct {
		const struct vdev_usb_model *ops;
		void *model;
	} models[2];
	unsigned answer_delay_ms;            /* set by a hook for its current answer */
	struct vdev_ctrl_model *ctrl;              /* phase 2 models, owned; dfu NULL without DFU */
	struct vdev_dfu *dfu;
	guint unplug_src;                    /* pending vdev_device_unplug_later */
	pid_t holder_pid;
	int holder_stdin;
};

/* vdev_device.c */
void vdev_device_free(struct vdev_device *dev);  /* on VL or after it stopped */
/* Called by the tty handler (UW, lock held) when the host set a line rate. */
void vdev_device_on_baud_locked(struct vdev_device *dev, unsigned baud);
/* Takes the device off the bus now (VL, lock held).  Cancels timers. */
void vdev_device_leave_bus_locked(struct vdev_device *dev);
/* The delay a control hook asked for with vdev_device_delay_answer(), reset
 * to 0 (lock held). */
unsigned vdev_device_take_answer_delay_locked(struct vdev_device *dev);
/* Model slot accessor for the usbfs engine (lock held). */
void vdev_device_model_locked(struct vdev_device *dev, enum vdev_usb_side side,
			      const struct vdev_usb_model **ops, void **model);

/* vdev_io.c: console I/O on the pty master (VL, lock held) */
void vdev_io_start_locked(struct vdev_device *dev);   /* after the tty appeared */
void vdev_io_stop_locked(struct vdev_device *dev);    /* before the tty goes */
/* Ends the current listening-mode session's output (leaving listening). */
void vdev_io_flush_locked(struct vdev_device *dev);

/* vdev_hold.c */
int vdev_hold_start(const char *tty_node, pid_t *pid, int *stdin_fd);
int vdev_hold_stop(pid_t pid, int stdin_fd);

#endif
