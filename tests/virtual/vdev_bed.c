/* vdev_bed.c - test bed lifecycle: preload re-exec, umockdev test bed, the
 * loop thread every test bed change runs on, and the device list. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vdev_internal.h"

#define PRELOAD_LIB "libumockdev-preload.so.0"
/* umockdev's ioctl sockets live at $TMPDIR/umockdev.XXXXXX/ioctl/dev/...;
 * sun_path holds 108 bytes. */
#define MAX_TMPDIR_LEN 40

#ifndef VDEV_DEVICES_JSON_DEFAULT
#define VDEV_DEVICES_JSON_DEFAULT "knowledge/devices.json"
#endif

bool vdev_under_preload(void)
{
	const char *p = getenv("LD_PRELOAD");
	return p && strstr(p, "libumockdev-preload") != NULL;
}

int vdev_reexec_under_preload(char **argv)
{
	const char *old = getenv("LD_PRELOAD"), *asan = getenv("ASAN_OPTIONS");
	const char *tmp = getenv("TMPDIR");
	char *preload, *asan_opts;

	if (vdev_under_preload())
		return 0;
	if (old && old[0]) {
		if (asprintf(&preload, "%s:%s", PRELOAD_LIB, old) < 0)
			return -ENOMEM;
	} else {
		preload = strdup(PRELOAD_LIB);
		if (!preload)
			return -ENOMEM;
	}
	setenv("LD_PRELOAD", preload, 1);
	free(preload);
	/* ASan wants to come first in the library list; the preload must too. */
	if (asprintf(&asan_opts, "%s%sverify_asan_link_order=0", asan ? asan : "",
		     asan && asan[0] ? ":" : "") < 0)
		return -ENOMEM;
	setenv("ASAN_OPTIONS", asan_opts, 1);
	free(asan_opts);
	if (tmp && strlen(tmp) > MAX_TMPDIR_LEN)
		setenv("TMPDIR", "/tmp", 1);
	execv("/proc/self/exe", argv);
	return -errno;
}

const char *vdev_default_devices_json(void)
{
	const char *env = getenv("VDEV_DEVICES_JSON");
	return env && env[0] ? env : VDEV_DEVICES_JSON_DEFAULT;
}

/* ---- core ----------------------------------------------------------------- */

struct vdev_core *vdev_core_ref(struct vdev_core *c)
{
	g_atomic_ref_count_inc(&c->rc);
	return c;
}

void vdev_core_unref(struct vdev_core *c)
{
	if (!c || !g_atomic_ref_count_dec(&c->rc))
		return;
	g_rec_mutex_clear(&c->mx);
	g_free(c);
}

/* ---- loop thread ------------------------------------------------------------ */

static gpointer loop_thread(gpointer data)
{
	struct vdev_bed *bed = data;

	g_main_context_push_thread_default(bed->ctx);
	g_main_loop_run(bed->loop);
	g_main_context_pop_thread_default(bed->ctx);
	return NULL;
}

#define RUN_DEADLINE_US (10 * G_USEC_PER_SEC)

struct run_call {
	void (*fn)(void *arg);
	void *arg;
	GMutex m;
	GCond c;
	bool done;
};

static gboolean run_cb(gpointer data)
{
	struct run_call *r = data;

	r->fn(r->arg);
	g_mutex_lock(&r->m);
	r->done = true;
	g_cond_signal(&r->c);
	g_mutex_unlock(&r->m);
	return G_SOURCE_REMOVE;
}

void vdev_bed_run(struct vdev_bed *bed, void (*fn)(void *arg), void *arg)
{
	struct run_call r = { .fn = fn, .arg = arg };

	if (g_main_context_is_owner(bed->ctx)) {
		fn(arg);
		return;
	}
	g_mutex_init(&r.m);
	g_cond_init(&r.c);
	g_main_context_invoke(bed->ctx, run_cb, &r);
	g_mutex_lock(&r.m);
	while (!r.done) {
		/* Everything the loop runs is short; a stuck loop is a bug, and a
		 * clear abort beats a test hanging until CTest kills it. */
		if (!g_cond_wait_until(&r.c, &r.m, g_get_monotonic_time() + RUN_DEADLINE_US) &&
		    !r.done)
			g_error("vdev: the bed's loop thread did not respond within %d s",
				(int)(RUN_DEADLINE_US / G_USEC_PER_SEC));
	}
	g_mutex_unlock(&r.m);
	g_mutex_clear(&r.m);
	g_cond_clear(&r.c);
}

guint vdev_bed_timeout(struct vdev_bed *bed, unsigned ms, GSourceFunc fn, void *data)
{
	GSource *src = g_timeout_source_new(ms);
	guint id;

	g_source_set_callback(src, fn, data, NULL);
	id = g_source_attach(src, bed->ctx);
	g_source_unref(src);
	return id;
}

void vdev_bed_cancel(struct vdev_bed *bed, guint id)
{
	GSource *src;

	if (!id)
		return;
	src = g_main_context_find_source_by_id(bed->ctx, id);
	if (src)
		g_source_destroy(src);
}

#define VIRTUAL_TTY                                                             \
	"P: /devices/virtual/tty/tty0\nE: SUBSYSTEM=tty\nE: DEVNAME=/dev/tty0\n"   \
	"E: MAJOR=4\nE: MINOR=0\nA: dev=4:0\n"

/* ---- stale beds ----------------------------------------------------------- */

/* Every bed carries the pid of its owner; a bed whose owner is gone (a test
 * or bd-vrun killed by a timeout) is removed by the next vdev_bed_new. */
#define OWNER_FILE "vdev.pid"

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void sweep_stale_beds(void)
{
	const char *tmp = g_get_tmp_dir();
	DIR *d = opendir(tmp);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		char path[512], *text = NULL;
		long pid;

		if (strncmp(e->d_name, "umockdev.", 9) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s/" OWNER_FILE, tmp, e->d_name);
		if (!g_file_get_contents(path, &text, NULL, NULL))
			continue; /* not ours, or still being set up */
		pid = strtol(text, NULL, 10);
		g_free(text);
		if (pid > 0 && kill((pid_t)pid, 0) != 0 && errno == ESRCH) {
			snprintf(path, sizeof(path), "%s/%s", tmp, e->d_name);
			nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
		}
	}
	closedir(d);
}

static void mark_owner(const char *root)
{
	char path[512], pid[32];

	snprintf(path, sizeof(path), "%s/" OWNER_FILE, root);
	snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	g_file_set_contents(path, pid, -1, NULL);
}

/* ---- bed -------------------------------------------------------------------- */

struct vdev_bed *vdev_bed_new(const char *devices_json, char *err, size_t errlen)
{
	struct vdev_bed *bed;
	char dummy[8];

	if (!err) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	if (!vdev_under_preload()) {
		snprintf(err, errlen, "not running under %s: call vdev_reexec_under_preload() "
			 "first in main()", PRELOAD_LIB);
		return NULL;
	}
	bed = g_new0(struct vdev_bed, 1);
	bed->core = g_new0(struct vdev_core, 1);
	g_atomic_ref_count_init(&bed->core->rc);
	g_rec_mutex_init(&bed->core->mx);
	if (vdev_platforms_load(devices_json ? devices_json : vdev_default_devices_json(),
				&bed->plat, err, errlen) < 0) {
		vdev_core_unref(bed->core);
		g_free(bed);
		return NULL;
	}
	sweep_stale_beds();
	bed->tb = umockdev_testbed_new();
	bed->root = umockdev_testbed_get_root_dir(bed->tb);
	mark_owner(bed->root);
	/* A real system always has virtual ttys, so /sys/class/tty exists even
	 * with no device plugged in (libserialport fails to list without it). */
	if (!umockdev_testbed_add_from_string(bed->tb, VIRTUAL_TTY, NULL))
		g_warning("vdev: cannot add the virtual tty0");
	bed->devices = g_ptr_array_new();
	bed->next_devnum = 2; /* 1 is the root hub */
	bed->ctx = g_main_context_new();
	bed->loop = g_main_loop_new(bed->ctx, FALSE);
	bed->thread = g_thread_new("vdev-loop", loop_thread, bed);
	return bed;
}

static void unplug_all(void *arg)
{
	struct vdev_bed *bed = arg;

	VDEV_LOCK(bed->core);
	for (guint i = 0; i < bed->devices->len; i++) {
		struct vdev_device *dev = g_ptr_array_index(bed->devices, i);

		vdev_bed_cancel(bed, dev->reset_src);
		vdev_bed_cancel(bed, dev->return_src);
		dev->reset_src = dev->return_src = 0;
		if (dev->present)
			vdev_device_leave_bus_locked(dev);
	}
	VDEV_UNLOCK(bed->core);
}

static gboolean quit_cb(gpointer data)
{
	g_main_loop_quit(data);
	return G_SOURCE_REMOVE;
}

void vdev_bed_free(struct vdev_bed *bed)
{
	if (!bed)
		return;
	for (guint i = 0; i < bed->devices->len; i++)
		vdev_device_release_port(g_ptr_array_index(bed->devices, i));
	vdev_bed_run(bed, unplug_all, bed);
	g_main_context_invoke(bed->ctx, quit_cb, bed->loop);
	g_thread_join(bed->thread);

	VDEV_LOCK(bed->core);
	bed->core->dead = true;
	VDEV_UNLOCK(bed->core);
	g_object_unref(bed->tb); /* detaches handlers, deletes the directory */
	for (guint i = 0; i < bed->devices->len; i++)
		vdev_device_free(g_ptr_array_index(bed->devices, i));
	g_ptr_array_free(bed->devices, TRUE);
	g_main_loop_unref(bed->loop);
	g_main_context_unref(bed->ctx);
	vdev_platforms_done(&bed->plat);
	vdev_core_unref(bed->core);
	g_free(bed->root);
	g_free(bed);
}

const char *vdev_bed_root(const struct vdev_bed *bed)
{
	return bed->root;
}

const struct vdev_platform *vdev_bed_platform(const struct vdev_bed *bed, const char *key)
{
	return vdev_platforms_find(&bed->plat, key);
}

size_t vdev_bed_device_count(const struct vdev_bed *bed)
{
	return bed->devices->len;
}

struct vdev_device *vdev_bed_device(const struct vdev_bed *bed, size_t i)
{
	return i < bed->devices->len ? g_ptr_array_index(bed->devices, i) : NULL;
}
