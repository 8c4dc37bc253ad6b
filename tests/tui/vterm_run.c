/* vterm_run - runs an interactive program against virtual devices in the
 * terminal it was started from (the tmux tests of the guided session).
 *
 *   vterm_run --scenario FILE [--timeout SEC] -- COMMAND ARGS...
 *
 * Unlike tests/virtual's bd-vrun, COMMAND stays in this process group, so it
 * is the terminal's foreground job and can read keys.  While it runs,
 * SIGUSR1 unplugs the scenario's first device and SIGUSR2 plugs it in again
 * (the device screen must follow).  Exit status: COMMAND's, 128+N when it
 * died of signal N, 124 after the timeout, 125 for our own errors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vdev.h"

int main(int argc, char **argv)
{
	if (vdev_reexec_under_preload(argv) < 0)
		return 125;
	const char *scenario = NULL;
	int timeout_s = 120, i;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--scenario") && i + 1 < argc)
			scenario = argv[++i];
		else if (!strcmp(argv[i], "--timeout") && i + 1 < argc)
			timeout_s = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else {
			fprintf(stderr, "usage: vterm_run --scenario FILE [--timeout SEC] -- COMMAND...\n");
			return 125;
		}
	}
	if (!scenario || i >= argc) {
		fprintf(stderr, "vterm_run: need --scenario FILE and a command\n");
		return 125;
	}
	/* Block the signals we wait for before the bed starts its threads. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	char err[256];
	struct vdev_bed *bed = vdev_bed_new(NULL, err, sizeof err);
	if (!bed || vdev_bed_load_scenario(bed, scenario, err, sizeof err) < 0) {
		fprintf(stderr, "vterm_run: %s\n", err);
		return 125;
	}
	pid_t child = fork();
	if (child < 0)
		return 125;
	if (child == 0) {
		pthread_sigmask(SIG_UNBLOCK, &set, NULL);
		signal(SIGINT, SIG_DFL);
		execvp(argv[i], argv + i);
		_exit(127);
	}
	int status = 0, rc = 125;
	time_t end = time(NULL) + timeout_s;
	for (;;) {
		struct timespec ts = {1, 0};
		siginfo_t si;
		int sig = sigtimedwait(&set, &si, &ts);
		struct vdev_device *dev = vdev_bed_device(bed, 0);
		if (sig == SIGUSR1 && dev)
			vdev_device_unplug(dev);
		else if (sig == SIGUSR2 && dev)
			vdev_device_plug(dev);
		pid_t w = waitpid(child, &status, WNOHANG);
		if (w == child) {
			rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
			break;
		}
		if (time(NULL) >= end) {
			kill(child, SIGTERM);
			waitpid(child, &status, 0);
			rc = 124;
			break;
		}
	}
	vdev_bed_free(bed);
	return rc;
}
