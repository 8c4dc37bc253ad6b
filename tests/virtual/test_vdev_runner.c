/* test_vdev_runner.c - bd-vrun black-box: exit codes, output, timeout,
 * clean-up, scenario files seen by real clients (vdev-probe with
 * libserialport/libusb, Debian's dfu-util). */
#define _GNU_SOURCE
#include <errno.h>
#include <glib.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vtest.h"

#ifndef VDEV_RUN_EXE
#define VDEV_RUN_EXE "bd-vrun"
#endif
#ifndef VDEV_PROBE_EXE
#define VDEV_PROBE_EXE "vdev-probe"
#endif

extern char **environ;

struct run {
	int status; /* exit code, 128+N for signal N */
	char out[16384], err[4096];
	int64_t ms;
};

/* Runs argv (NULL-terminated) with captured stdout/stderr; fails the test
 * if it does not end within 20 s. */
static void run(struct run *r, const char *const argv[])
{
	posix_spawn_file_actions_t fa;
	int out[2], err[2], status = 0;
	size_t no = 0, ne = 0;
	int64_t start = vtest_now_ms();
	pid_t pid;
	bool open_out = true, open_err = true;

	memset(r, 0, sizeof(*r));
	assert_int_equal(pipe(out), 0);
	assert_int_equal(pipe(err), 0);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_adddup2(&fa, err[1], 2);
	posix_spawn_file_actions_addclose(&fa, out[0]);
	posix_spawn_file_actions_addclose(&fa, err[0]);
	assert_int_equal(posix_spawn(&pid, argv[0], &fa, NULL, (char *const *)argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	close(out[1]);
	close(err[1]);
	while (open_out || open_err) {
		struct pollfd p[2] = { { open_out ? out[0] : -1, POLLIN, 0 },
				       { open_err ? err[0] : -1, POLLIN, 0 } };
		ssize_t n;

		assert_true(vtest_now_ms() - start < 20000);
		if (poll(p, 2, 100) <= 0)
			continue;
		if (p[0].revents) {
			n = read(out[0], r->out + no, sizeof(r->out) - 1 - no);
			if (n <= 0)
				open_out = false;
			else
				no += (size_t)n;
		}
		if (p[1].revents) {
			n = read(err[0], r->err + ne, sizeof(r->err) - 1 - ne);
			if (n <= 0)
				open_err = false;
			else
				ne += (size_t)n;
		}
	}
	close(out[0]);
	close(err[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	r->ms = vtest_now_ms() - start;
	r->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

#define VRUN(r, ...)                                                                   \
	do {                                                                           \
		const char *const argv_[] = { VDEV_RUN_EXE, __VA_ARGS__, NULL };             \
		run(r, argv_);                                                         \
	} while (0)

static bool dir_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void exit_codes_forwarded(void **state)
{
	struct run r;

	(void)state;
	VRUN(&r, "--scenario", "photon-normal", "--", "sh", "-c", "exit 7");
	assert_int_equal(r.status, 7);
	VRUN(&r, "--scenario", "photon-normal", "--", "true");
	assert_int_equal(r.status, 0);
	VRUN(&r, "--scenario", "photon-normal", "--", "sh", "-c", "kill -TERM $$");
	assert_int_equal(r.status, 128 + SIGTERM);
	VRUN(&r, "--scenario", "photon-normal", "--", "/nonexistent/program");
	assert_int_equal(r.status, 127);
	assert_non_null(strstr(r.err, "/nonexistent/program"));
}

static void output_env_and_cleanup(void **state)
{
	struct run r;
	char dir[256];

	(void)state;
	VRUN(&r, "--scenario", "photon-normal", "--", "sh", "-c",
	     "echo \"$UMOCKDEV_DIR\"; echo \"$LD_PRELOAD\"; echo to-stderr >&2; ls /sys/bus/usb/devices");
	assert_int_equal(r.status, 0);
	assert_int_equal(sscanf(r.out, "%255s", dir), 1);
	assert_true(strncmp(dir, "/tmp/umockdev.", 14) == 0 || strstr(dir, "/umockdev.") != NULL);
	assert_non_null(strstr(r.out, "libumockdev-preload.so"));
	assert_non_null(strstr(r.out, "\n1-1\n"));
	assert_string_equal(r.err, "to-stderr\n");
	assert_false(dir_exists(dir)); /* bed removed after the run */
}

static void timeout_kills_and_cleans_up(void **state)
{
	struct run r;
	char dir[256];

	(void)state;
	VRUN(&r, "--timeout", "0.5", "--scenario", "photon-normal", "--", "sh", "-c",
	     "echo \"$UMOCKDEV_DIR\"; exec sleep 30");
	assert_int_equal(r.status, 124);
	assert_true(r.ms < 3000);
	assert_non_null(strstr(r.err, "timed out"));
	assert_int_equal(sscanf(r.out, "%255s", dir), 1);
	assert_false(dir_exists(dir));
}

static void own_errors(void **state)
{
	char path[] = "/tmp/vdev-scenario-XXXXXX";
	const char *typo = "{\"devices\":[{\"platform\":\"boron\",\"faultz\":{}}]}";
	struct run r;
	int fd;

	(void)state;
	VRUN(&r, "--", "true");
	assert_int_equal(r.status, 125);
	VRUN(&r, "--scenario", "no-such-scenario", "--", "true");
	assert_int_equal(r.status, 125);
	assert_non_null(strstr(r.err, "no-such-scenario.json"));
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, typo, strlen(typo)), (ssize_t)strlen(typo));
	close(fd);
	VRUN(&r, "--scenario", path, "--", "true");
	unlink(path);
	assert_int_equal(r.status, 125);
	assert_non_null(strstr(r.err, "devices[0]: unknown key \"faultz\""));
}

static void stale_bed_swept(void **state)
{
	char dir[] = "/tmp/umockdev.vtestXXXXXX", marker[64], pidtext[32];
	struct run r;
	pid_t dead;
	int st;

	(void)state;
	/* A pid that surely is not running any more. */
	dead = fork();
	if (dead == 0)
		_exit(0);
	waitpid(dead, &st, 0);
	assert_non_null(mkdtemp(dir));
	snprintf(marker, sizeof(marker), "%s/vdev.pid", dir);
	snprintf(pidtext, sizeof(pidtext), "%d\n", (int)dead);
	assert_true(g_file_set_contents(marker, pidtext, -1, NULL));
	VRUN(&r, "--scenario", "photon-normal", "--", "true");
	assert_int_equal(r.status, 0);
	assert_false(dir_exists(dir));
}

#define PROBE(r, scenario, ...)                                                            \
	do {                                                                               \
		const char *const argv_[] = { VDEV_RUN_EXE, "--scenario", scenario, "--",        \
					VDEV_PROBE_EXE, __VA_ARGS__, NULL };              \
		run(r, argv_);                                                             \
	} while (0)

static void scenario_boron_listening(void **state)
{
	struct run r;

	(void)state;
	PROBE(&r, "boron-listening", "ask", "/dev/ttyACM0", "i");
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "Device ID: e00fce68b2f4a1c3d5e6f708\\r\\n"
				   "Device Secret: NU3WXMFHAPZX96K\\r\\n"
				   "Serial Number: B40KAB812345\\r\\n"
				   "IMEI: 352753090123456\\r\\n"
				   "ICCID: 89014103211118510720\\r\\n"
				   "Cell Radio Version: L0.0.00.00.05.12\\r\\n\n");
}

static void scenario_two_devices(void **state)
{
	struct run r;

	(void)state;
	PROBE(&r, "two-devices", "list");
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "/dev/ttyACM0 2b04:c006 manufacturer=Particle product=Photon "
				      "serial=3A0028000447343233323032\n"));
	assert_non_null(strstr(r.out, "/dev/ttyACM1 2b04:c00c manufacturer=Particle product=Argon "
				      "serial=e00fce6800000000000000a1\n"));
}

static void scenario_safe_mode_modules(void **state)
{
	struct run r;

	(void)state;
	PROBE(&r, "photon-safe-mode-modules", "ask", "/dev/ttyACM0", "s");
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "{\"s\":262144,\"l\":\"m\",\"vc\":30,\"vv\":26,\"f\":\"s\","
				      "\"n\":\"2\",\"v\":7,\"d\":[{\"f\":\"s\",\"n\":\"1\",\"v\":7}]}"));
	assert_non_null(strstr(r.out, "\"n\":\"1\",\"v\":6,"));
	assert_non_null(strstr(r.out, "]}\\r\\n\n"));
}

static void scenario_faults(void **state)
{
	struct run r;

	(void)state;
	PROBE(&r, "fault-port-busy", "ask", "/dev/ttyACM0", "i");
	assert_int_equal(r.status, 3);
	assert_string_equal(r.out, "open: 16 Device or resource busy\n");
	PROBE(&r, "fault-silent", "ask", "/dev/ttyACM0", "i", "300");
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "\n");
	PROBE(&r, "fault-garbage", "ask", "/dev/ttyACM0", "i");
	assert_true(strncmp(r.out, "\\x", 2) == 0);
	assert_null(strstr(r.out, "device id"));
	PROBE(&r, "fault-truncated-json", "ask", "/dev/ttyACM0", "s");
	assert_true(strncmp(r.out, "{\"p\":12,", 8) == 0);
	assert_null(strstr(r.out, "\\r\\n"));
	PROBE(&r, "fault-disconnect-mid-reply", "ask", "/dev/ttyACM0", "s");
	assert_true(strncmp(r.out, "{\"p\":13,", 8) == 0);
	assert_null(strstr(r.out, "\\r\\n"));
}

static void dfu_util_lists_alt_names(void **state)
{
	const char *const argv[] = { VDEV_RUN_EXE, "--scenario", "dfu-mode", "--", "dfu-util", "-l", NULL };
	struct run r;

	(void)state;
	run(&r, argv);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "Found DFU: [2b04:d006] ver=0200, devnum=2, cfg=1, intf=0, "
				      "path=\"1-1\", alt=0, name=\"@Internal Flash   /0x08000000/"
				      "03*016Ka,01*016Kg,01*064Kg,07*128Kg\", serial=\"00000000010C\"\n"));
	assert_non_null(strstr(r.out, "alt=1, name=\"@DCT Flash   /0x00000000/01*016Kg\", "
				      "serial=\"00000000010C\"\n"));
	assert_non_null(strstr(r.out, "Found DFU: [2b04:d00d] ver=0200, devnum=3, cfg=1, intf=0, "
				      "path=\"1-2\", alt=2, name=\"@External Flash   /0x80000000/"
				      "1024*004Kg\", serial=\"e00fce68b2f4a1c3d5e6f708\"\n"));
}

static void magic_baud_then_dfu_util(void **state)
{
	char script[512];
	struct run r;

	(void)state;
	snprintf(script, sizeof(script),
		 "%s baud /dev/ttyACM0 14400 || exit 9; "
		 "for i in 1 2 3 4 5 6 7 8 9 10; do sleep 0.1; "
		 "dfu-util -l | grep -q d00d && break; done; dfu-util -l; %s list",
		 VDEV_PROBE_EXE, VDEV_PROBE_EXE);
	{
		const char *const argv[] = { VDEV_RUN_EXE, "--scenario", "boron-normal", "--", "sh", "-c",
				       script, NULL };
		run(&r, argv);
	}
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "Found DFU: [2b04:d00d]"));
	assert_non_null(strstr(r.out, "serial=\"e00fce68b2f4a1c3d5e6f708\""));
	assert_null(strstr(r.out, "/dev/ttyACM0")); /* no serial port in DFU mode */
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(exit_codes_forwarded),
		cmocka_unit_test(output_env_and_cleanup),
		cmocka_unit_test(timeout_kills_and_cleans_up),
		cmocka_unit_test(own_errors),
		cmocka_unit_test(stale_bed_swept),
		cmocka_unit_test(scenario_boron_listening),
		cmocka_unit_test(scenario_two_devices),
		cmocka_unit_test(scenario_safe_mode_modules),
		cmocka_unit_test(scenario_faults),
		cmocka_unit_test(dfu_util_lists_alt_names),
		cmocka_unit_test(magic_baud_then_dfu_util),
	};

	(void)argc;
	/* This test is a plain user of bd-vrun: no preload of its own. */
	return vtest_run(argv, "vdev_runner", tests, sizeof(tests) / sizeof(tests[0]), false);
}
