/* vtest.h - shared helpers of the vdev self-tests (cmocka). */
#ifndef VTEST_H
#define VTEST_H

#include <libserialport.h>
#include <stdbool.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "vdev.h"

/* Re-executes under the preload if needed, then runs the group.  argv[1]
 * may be "K/N": run only every N-th case starting with the K-th. */
int vtest_main(char **argv, const char *group, const struct CMUnitTest *tests, size_t n);
/* Same, with the re-execution under the preload optional. */
int vtest_run(char **argv, const char *group, const struct CMUnitTest *tests, size_t n,
	      bool preload);

/* cmocka setup/teardown: *state becomes a fresh struct vdev_bed *. */
int vtest_bed_setup(void **state);
int vtest_bed_teardown(void **state);

/* Adds a device (defaults for everything else); fails the test on error. */
struct vdev_device *vtest_add(struct vdev_bed *bed, const char *platform, enum vdev_mode mode);
struct vdev_device *vtest_add_opts(struct vdev_bed *bed, const struct vdev_device_opts *o);

/* Opens dev's tty read/write at 9600 with libserialport; fails the test
 * on error.  Close with sp_close + sp_free_port. */
struct sp_port *vtest_open(struct vdev_device *dev);

/* Writes cmd (may be ""), then collects what the device sends until quiet_ms
 * pass without a byte (the CLI's batch rule) or max_ms in total.  Returns
 * the byte count (buf NUL-terminated), or -1 on a read error. */
int vtest_exchange(struct sp_port *p, const char *cmd, char *buf, size_t len, int quiet_ms,
		   int max_ms);

/* Milliseconds on the monotonic clock. */
int64_t vtest_now_ms(void);

#endif
