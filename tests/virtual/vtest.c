/* vtest.c - shared helpers of the vdev self-tests. */
#define _GNU_SOURCE
#include "vtest.h"

#include <fcntl.h>
#include <glib.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

int64_t vtest_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int vtest_main(char **argv, const char *group, const struct CMUnitTest *tests, size_t n)
{
	return vtest_run(argv, group, tests, n, true);
}

int vtest_run(char **argv, const char *group, const struct CMUnitTest *tests, size_t n,
	      bool preload)
{
	struct CMUnitTest *mine;
	unsigned k = 1, shards = 1;
	size_t m = 0;
	int rc = preload ? vdev_reexec_under_preload(argv) : 0;

	if (rc < 0) {
		fprintf(stderr, "%s: cannot re-execute under the umockdev preload: %s\n", argv[0],
			strerror(-rc));
		return 1;
	}
	/* Optional "K/N": run every N-th case starting at the K-th (CTest runs
	 * the shards of a file as separate, parallel tests). */
	if (argv[1] && (sscanf(argv[1], "%u/%u", &k, &shards) != 2 || !k || k > shards)) {
		fprintf(stderr, "usage: %s [K/N]\n", argv[0]);
		return 2;
	}
	mine = calloc(n, sizeof(*mine));
	if (!mine)
		return 1;
	for (size_t i = k - 1; i < n; i += shards)
		mine[m++] = tests[i];
	rc = _cmocka_run_group_tests(group, mine, m, NULL, NULL);
	free(mine);
	return rc;
}

int vtest_bed_setup(void **state)
{
	char err[256];
	struct vdev_bed *bed = vdev_bed_new(NULL, err, sizeof(err));

	if (!bed) {
		print_error("vdev_bed_new: %s\n", err);
		return -1;
	}
	*state = bed;
	return 0;
}

int vtest_bed_teardown(void **state)
{
	vdev_bed_free(*state);
	*state = NULL;
	return 0;
}

struct vdev_device *vtest_add_opts(struct vdev_bed *bed, const struct vdev_device_opts *o)
{
	char err[256] = "";
	struct vdev_device *dev = vdev_bed_add_device(bed, o, err, sizeof(err));

	if (!dev)
		fail_msg("vdev_bed_add_device(%s): %s", o->platform, err);
	return dev;
}

struct vdev_device *vtest_add(struct vdev_bed *bed, const char *platform, enum vdev_mode mode)
{
	struct vdev_device_opts o;

	vdev_device_opts_init(&o, platform);
	o.mode = mode;
	return vtest_add_opts(bed, &o);
}

struct sp_port *vtest_open(struct vdev_device *dev)
{
	char node[32];
	struct sp_port *p = NULL;
	enum sp_return r;

	assert_int_equal(vdev_device_tty(dev, node, sizeof(node)), 0);
	assert_int_equal(sp_get_port_by_name(node, &p), SP_OK);
	r = sp_open(p, SP_MODE_READ_WRITE);
	if (r != SP_OK) {
		char *msg = sp_last_error_message();
		fail_msg("sp_open(%s) = %d: %s", node, r, msg);
	}
	assert_int_equal(sp_set_baudrate(p, 9600), SP_OK);
	return p;
}

int vtest_exchange(struct sp_port *p, const char *cmd, char *buf, size_t len, int quiet_ms,
		   int max_ms)
{
	int64_t start = vtest_now_ms();
	size_t got = 0;

	if (cmd[0] && sp_blocking_write(p, cmd, strlen(cmd), 1000) != (int)strlen(cmd))
		return -1;
	while (got + 1 < len) {
		int64_t left = start + max_ms - vtest_now_ms();
		int64_t wait = got && left > quiet_ms ? quiet_ms : left;
		int n;

		if (left <= 0)
			break;
		/* The first byte may take up to max_ms; then quiet_ms ends it. */
		n = sp_blocking_read_next(p, buf + got, len - 1 - got, (unsigned)wait);
		if (n < 0) {
			buf[got] = '\0';
			return got ? (int)got : -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	return (int)got;
}

void vtest_cmd_run(struct vtest_cmd *c, const char *const argv[], int limit_ms)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	int out[2], err[2], status = 0;
	int64_t start = vtest_now_ms();
	GString *o = g_string_new(NULL), *e = g_string_new(NULL);
	bool open_out = true, open_err = true, killed = false;
	pid_t pid;

	memset(c, 0, sizeof(*c));
	assert_int_equal(pipe2(out, O_CLOEXEC), 0);
	assert_int_equal(pipe2(err, O_CLOEXEC), 0);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_adddup2(&fa, err[1], 2);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setpgroup(&attr, 0);
	assert_int_equal(posix_spawnp(&pid, argv[0], &fa, &attr, (char *const *)argv, environ), 0);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	close(out[1]);
	close(err[1]);
	while (open_out || open_err) {
		struct pollfd p[2] = { { open_out ? out[0] : -1, POLLIN, 0 },
				       { open_err ? err[0] : -1, POLLIN, 0 } };
		char buf[4096];
		ssize_t n;

		if (!killed && vtest_now_ms() - start > limit_ms) {
			kill(-pid, SIGKILL);
			killed = true;
		}
		if (poll(p, 2, 100) <= 0)
			continue;
		for (int i = 0; i < 2; i++) {
			if (!p[i].revents)
				continue;
			n = read(i ? err[0] : out[0], buf, sizeof(buf));
			if (n <= 0)
				*(i ? &open_err : &open_out) = false;
			else
				g_string_append_len(i ? e : o, buf, n);
		}
	}
	close(out[0]);
	close(err[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	c->ms = vtest_now_ms() - start;
	c->status = killed ? 124 : WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	c->out_len = o->len;
	c->out = g_string_free(o, FALSE);
	c->err = g_string_free(e, FALSE);
}

void vtest_cmd_free(struct vtest_cmd *c)
{
	g_free(c->out);
	g_free(c->err);
	c->out = c->err = NULL;
}

bool vtest_file_equals(const char *path, const void *data, size_t len)
{
	gchar *text = NULL;
	gsize n = 0;
	bool same;

	if (!g_file_get_contents(path, &text, &n, NULL))
		return false;
	same = n == len && memcmp(text, data, len) == 0;
	g_free(text);
	return same;
}
