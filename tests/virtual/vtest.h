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

/* A finished child process: exit code (128+N for signal N, 124 when
 * vtest_cmd killed it for taking too long), its stdout and stderr
 * (NUL-ended, owned), wall time. */
struct vtest_cmd {
	int status;
	char *out, *err;
	size_t out_len;
	int64_t ms;
};
/* Runs argv (NULL-terminated; argv[0] looked up in PATH) with stdin from
 * /dev/null and captured output, inheriting the environment; kills it after
 * limit_ms.  Fails the test when it cannot be started. */
void vtest_cmd_run(struct vtest_cmd *c, const char *const argv[], int limit_ms);
void vtest_cmd_free(struct vtest_cmd *c);
/* True when the file at path has exactly len bytes equal to data. */
bool vtest_file_equals(const char *path, const void *data, size_t len);

/* Milliseconds on the monotonic clock. */
int64_t vtest_now_ms(void);

#endif
