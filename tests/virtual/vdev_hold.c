/* vdev_hold.c - "port already held by another process": runs bd-vhold,
 * which opens the tty under the preload and sets TIOCEXCL, and stops it. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vdev_internal.h"

#ifndef VDEV_HOLD_EXE
#define VDEV_HOLD_EXE "bd-vhold"
#endif
#define HOLD_TIMEOUT_MS 2000

extern char **environ;

static const char *hold_exe(void)
{
	const char *env = getenv("VDEV_HOLD_EXE");
	return env && env[0] ? env : VDEV_HOLD_EXE;
}

/* Reads the holder's first line ("held" or "error: ...") within the deadline. */
static int await_ready(int fd)
{
	char line[256];
	size_t len = 0;
	gint64 deadline = g_get_monotonic_time() + HOLD_TIMEOUT_MS * 1000;

	while (len + 1 < sizeof(line)) {
		struct pollfd p = { fd, POLLIN, 0 };
		gint64 left = (deadline - g_get_monotonic_time()) / 1000;
		ssize_t n;

		if (left <= 0)
			return -ETIMEDOUT;
		if (poll(&p, 1, (int)left) <= 0)
			continue;
		n = read(fd, line + len, 1);
		if (n <= 0)
			return -EIO;
		if (line[len] == '\n')
			break;
		len++;
	}
	line[len] = '\0';
	if (strcmp(line, "held") == 0)
		return 0;
	g_warning("vdev: bd-vhold: %s", line);
	return -EIO;
}

int vdev_hold_start(const char *tty_node, pid_t *pid, int *stdin_fd)
{
	posix_spawn_file_actions_t fa;
	int in[2], out[2], rc;
	char *argv[] = { (char *)hold_exe(), (char *)tty_node, NULL };

	if (pipe2(in, O_CLOEXEC) != 0)
		return -errno;
	if (pipe2(out, O_CLOEXEC) != 0) {
		rc = -errno;
		close(in[0]);
		close(in[1]);
		return rc;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	rc = -posix_spawn(pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);
	close(out[1]);
	if (rc == 0)
		rc = await_ready(out[0]);
	close(out[0]);
	if (rc < 0) {
		if (*pid > 0)
			vdev_hold_stop(*pid, in[1]);
		else
			close(in[1]);
		*pid = -1;
		return rc;
	}
	*stdin_fd = in[1];
	return 0;
}

int vdev_hold_stop(pid_t pid, int stdin_fd)
{
	gint64 deadline = g_get_monotonic_time() + HOLD_TIMEOUT_MS * 1000;
	int status;

	if (stdin_fd >= 0)
		close(stdin_fd); /* EOF: the holder lets go and exits */
	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (g_get_monotonic_time() >= deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -ETIMEDOUT;
		}
		g_usleep(1000);
	}
	return 0;
}

int vdev_device_hold_port(struct vdev_device *dev)
{
	char node[32];
	int rc;

	if (dev->holder_pid > 0)
		return -EALREADY;
	if ((rc = vdev_device_tty(dev, node, sizeof(node))) < 0)
		return rc;
	return vdev_hold_start(node, &dev->holder_pid, &dev->holder_stdin);
}

int vdev_device_release_port(struct vdev_device *dev)
{
	int rc;

	if (dev->holder_pid <= 0)
		return 0;
	rc = vdev_hold_stop(dev->holder_pid, dev->holder_stdin);
	dev->holder_pid = -1;
	dev->holder_stdin = -1;
	return rc;
}
