/* bd_vrun.c - bd-vrun: run a program against virtual Particle devices.
 *
 *   bd-vrun --scenario FILE|NAME [--timeout SEC] [--devices-json PATH]
 *           [--dump-flash [DEV:]ALT:ADDR:LEN:FILE]... -- COMMAND ARGS...
 *
 * Sets up a test bed with the scenario's devices, runs COMMAND under the
 * umockdev preload (it inherits LD_PRELOAD, UMOCKDEV_DIR, ASAN_OPTIONS), keeps
 * the device models alive while it runs, and exits with its exit status.
 * COMMAND's stdin/stdout/stderr are bd-vrun's own.  Exit status: COMMAND's;
 * 128+N when it died of signal N; 124 on timeout (COMMAND's process group
 * gets SIGTERM, then SIGKILL 1 s later); 125 when bd-vrun itself failed
 * (usage, scenario); 126/127 when COMMAND cannot be executed / not found.
 * The bed directory is removed on every exit but SIGKILL (then the next
 * bed created on this machine removes it).
 * --dump-flash writes LEN bytes at ADDR of DFU alt ALT of device DEV (0
 * when left out; devices in scenario order) to FILE after COMMAND ended,
 * whatever its status, so a test can check what a client wrote.  Numbers
 * take 0x prefixes.  A dump that fails makes the exit status 125.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vdev.h"

#ifndef VDEV_SCENARIO_DIR
#define VDEV_SCENARIO_DIR "tests/virtual/scenarios"
#endif

#define EXIT_TIMEOUT 124
#define EXIT_SELF 125
#define EXIT_CANNOT_EXEC 126
#define EXIT_NOT_FOUND 127
#define DEFAULT_TIMEOUT_S 60
#define KILL_GRACE_MS 1000

extern char **environ;

static volatile sig_atomic_t pending_signal;

#define MAX_DUMPS 8

struct dump {
	unsigned dev, alt;
	uint32_t addr;
	size_t len;
	const char *file;
};

struct opts {
	const char *scenario;
	struct dump dumps[MAX_DUMPS];
	size_t ndumps;
	const char *devices_json;
	double timeout_s;
	char **command;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: bd-vrun --scenario FILE|NAME [--timeout SEC] [--devices-json PATH]\n"
		   "              [--dump-flash [DEV:]ALT:ADDR:LEN:FILE]... -- COMMAND [ARGS...]\n"
		   "  NAME is a file of $VDEV_SCENARIO_DIR (default %s) without .json\n",
		VDEV_SCENARIO_DIR);
}

/* "[DEV:]ALT:ADDR:LEN:FILE" */
static int parse_dump(const char *arg, struct dump *d)
{
	unsigned long long v[4];
	const char *p = arg;
	int n = 0;

	while (n < 4) {
		char *end;

		v[n] = strtoull(p, &end, 0);
		if (end == p || *end != ':')
			break;
		n++;
		p = end + 1;
		if (n == 4 || (n == 3 && !strchr(p, ':')))
			break;
	}
	if (n < 3 || !*p || v[n - 2] > 0xffffffffull)
		return -1;
	d->dev = n == 4 ? (unsigned)v[0] : 0;
	d->alt = (unsigned)v[n - 3];
	d->addr = (uint32_t)v[n - 2];
	d->len = (size_t)v[n - 1];
	d->file = p;
	return 0;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	o->timeout_s = DEFAULT_TIMEOUT_S;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0) {
			o->command = argv + i + 1;
			break;
		}
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			exit(0);
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "bd-vrun: %s needs a value\n", a);
			return -1;
		}
		if (strcmp(a, "--scenario") == 0) {
			o->scenario = argv[++i];
		} else if (strcmp(a, "--dump-flash") == 0) {
			if (o->ndumps >= MAX_DUMPS || parse_dump(argv[++i], &o->dumps[o->ndumps]) < 0) {
				fprintf(stderr, "bd-vrun: --dump-flash wants [DEV:]ALT:ADDR:LEN:FILE "
						"(at most %d), not \"%s\"\n", MAX_DUMPS, argv[i]);
				return -1;
			}
			o->ndumps++;
		} else if (strcmp(a, "--devices-json") == 0) {
			o->devices_json = argv[++i];
		} else if (strcmp(a, "--timeout") == 0) {
			char *end;

			o->timeout_s = strtod(argv[++i], &end);
			if (*end || o->timeout_s <= 0) {
				fprintf(stderr, "bd-vrun: --timeout wants seconds > 0, not \"%s\"\n",
					argv[i]);
				return -1;
			}
		} else {
			fprintf(stderr, "bd-vrun: unknown option \"%s\"\n", a);
			return -1;
		}
	}
	if (!o->scenario || !o->command || !o->command[0]) {
		usage(stderr);
		return -1;
	}
	return 0;
}

/* FILE as given when it exists or has a slash; else NAME in the scenario dir. */
static char *scenario_path(const char *s)
{
	const char *dir = getenv("VDEV_SCENARIO_DIR");
	char *path;

	if (strchr(s, '/') || access(s, R_OK) == 0)
		return strdup(s);
	if (asprintf(&path, "%s/%s%s", dir && dir[0] ? dir : VDEV_SCENARIO_DIR, s,
		     strstr(s, ".json") ? "" : ".json") < 0)
		return NULL;
	return path;
}

static void on_signal(int sig)
{
	pending_signal = sig;
}

static void catch_signals(void)
{
	struct sigaction sa;
	const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Starts COMMAND in its own process group; returns its pid or -errno. */
static pid_t spawn(char **command)
{
	posix_spawnattr_t attr;
	sigset_t none, dflt;
	pid_t pid;
	int rc;

	sigemptyset(&none);
	sigemptyset(&dflt);
	sigaddset(&dflt, SIGINT);
	sigaddset(&dflt, SIGTERM);
	sigaddset(&dflt, SIGHUP);
	sigaddset(&dflt, SIGQUIT);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
						POSIX_SPAWN_SETSIGDEF);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &dflt);
	rc = posix_spawnp(&pid, command[0], NULL, &attr, command, environ);
	posix_spawnattr_destroy(&attr);
	return rc ? -rc : pid;
}

/* Waits for pid within timeout_ms, forwarding signals to its group.
 * Returns the exit code bd-vrun should report. */
static int supervise(pid_t pid, double timeout_s, const char *name)
{
	int64_t deadline = now_ms() + (int64_t)(timeout_s * 1000), killed_at = 0;
	bool timed_out = false;
	int status;

	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			break;
		if (r < 0 && errno != EINTR)
			return EXIT_SELF;
		if (pending_signal) {
			kill(-pid, pending_signal);
			pending_signal = 0;
		}
		if (!timed_out && now_ms() >= deadline) {
			fprintf(stderr, "bd-vrun: %s timed out after %g s\n", name, timeout_s);
			timed_out = true;
			killed_at = now_ms();
			kill(-pid, SIGTERM);
		}
		if (timed_out && killed_at && now_ms() - killed_at >= KILL_GRACE_MS) {
			kill(-pid, SIGKILL);
			killed_at = 0;
		}
		usleep(2000);
	}
	if (timed_out)
		return EXIT_TIMEOUT;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

/* Whatever COMMAND left running in its group would talk to a dead bed. */
static void reap_group(pid_t pgid)
{
	int64_t until = now_ms() + 500;

	if (kill(-pgid, SIGKILL) != 0)
		return;
	while (kill(-pgid, 0) == 0 && now_ms() < until)
		usleep(2000);
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct vdev_bed *bed;
	char err[512], *path;
	pid_t pid;
	int rc;

	if (parse_args(argc, argv, &o) < 0)
		return EXIT_SELF;
	rc = vdev_reexec_under_preload(argv);
	if (rc < 0) {
		fprintf(stderr, "bd-vrun: cannot re-execute under the umockdev preload: %s\n",
			strerror(-rc));
		return EXIT_SELF;
	}
	path = scenario_path(o.scenario);
	bed = path ? vdev_bed_new(o.devices_json, err, sizeof(err)) : NULL;
	if (!bed) {
		fprintf(stderr, "bd-vrun: %s\n", path ? err : "out of memory");
		free(path);
		return EXIT_SELF;
	}
	rc = vdev_bed_load_scenario(bed, path, err, sizeof(err));
	free(path);
	if (rc < 0) {
		fprintf(stderr, "bd-vrun: %s\n", err);
		vdev_bed_free(bed);
		return EXIT_SELF;
	}
	catch_signals();
	pid = spawn(o.command);
	if (pid < 0) {
		fprintf(stderr, "bd-vrun: %s: %s\n", o.command[0], strerror((int)-pid));
		vdev_bed_free(bed);
		return pid == -ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC;
	}
	rc = supervise(pid, o.timeout_s, o.command[0]);
	reap_group(pid);
	for (size_t i = 0; i < o.ndumps; i++) {
		const struct dump *d = &o.dumps[i];
		struct vdev_device *dev = vdev_bed_device(bed, d->dev);
		int r = dev ? vdev_device_flash_dump(dev, d->alt, d->addr, d->len, d->file) : -ENODEV;

		if (r < 0) {
			fprintf(stderr, "bd-vrun: --dump-flash %u:%u:0x%08x:%zu:%s: %s\n", d->dev, d->alt,
				d->addr, d->len, d->file,
				r == -ERANGE   ? "outside the alt's memory map"
				: r == -ENOENT ? "no such alt (or file)"
				: r == -ENODEV ? "no such device"
					       : strerror(-r));
			rc = EXIT_SELF;
		}
	}
	vdev_bed_free(bed);
	return rc;
}
