/* e2e_usb.c - see e2e_usb.h. */
#define _GNU_SOURCE
#include "e2e_usb.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "modbuild.h"

struct vdev_bed *ebed;
static char tdir[64];

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void bed_new(void)
{
	char err[256];
	ebed = vdev_bed_new(NULL, err, sizeof err);
	if (!ebed)
		fail_msg("test bed: %s", err);
}

void bed_free(void)
{
	vdev_bed_free(ebed);
	ebed = NULL;
	if (tdir[0]) {
		char cmd[128];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", tdir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", tdir);
		tdir[0] = '\0';
	}
}

struct vdev_device *bed_add(const char *platform, enum vdev_mode mode,
			    const struct vdev_device_opts *opts)
{
	struct vdev_device_opts o;
	if (opts)
		o = *opts;
	else
		vdev_device_opts_init(&o, platform);
	o.platform = platform;
	o.mode = mode;
	char err[256];
	struct vdev_device *d = vdev_bed_add_device(ebed, &o, err, sizeof err);
	if (!d)
		fail_msg("add %s: %s", platform, err);
	return d;
}

static void slurp(int fd, char *buf, size_t cap)
{
	lseek(fd, 0, SEEK_SET);
	ssize_t n = read(fd, buf, cap - 1);
	buf[n > 0 ? n : 0] = '\0';
}

void urun(struct urun *r, int timeout_s, const char *const argv[])
{
	memset(r, 0, sizeof *r);
	char o[] = "/tmp/e2eusb-out.XXXXXX", e[] = "/tmp/e2eusb-err.XXXXXX";
	int fo = mkstemp(o), fe = mkstemp(e);
	assert_true(fo >= 0 && fe >= 0);
	unlink(o);
	unlink(e);
	double t0 = now_s();
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY);
		dup2(in, 0);
		dup2(fo, 1);
		dup2(fe, 2);
		setenv("COLUMNS", "100", 1);
		execvp(argv[0], (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	int st = 0;
	for (;;) {
		pid_t w = waitpid(pid, &st, WNOHANG);
		if (w == pid)
			break;
		if (now_s() - t0 > timeout_s) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			r->status = 124;
			goto done;
		}
		usleep(2000);
	}
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
done:
	r->secs = now_s() - t0;
	slurp(fo, r->out, sizeof r->out);
	slurp(fe, r->err, sizeof r->err);
	close(fo);
	close(fe);
}

const char *e2e_blinkdoc(void)
{
	return BLINKDOC_EXE;
}

void ubd(struct urun *r, const char *const args[])
{
	const char *argv[32] = {BLINKDOC_EXE};
	size_t n = 1;
	for (size_t i = 0; args[i] && n < 31; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	urun(r, 90, argv);
}

const char *tmpdir(void)
{
	if (!tdir[0]) {
		snprintf(tdir, sizeof tdir, "/tmp/e2eusb.XXXXXX");
		assert_non_null(mkdtemp(tdir));
	}
	return tdir;
}

const char *tmpfile_path(const char *name)
{
	static char buf[4][256];
	static int k;
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof buf[k], "%s/%s", tmpdir(), name);
	return buf[k];
}

const char *make_user_part(const char *name, int platform, uint32_t start, size_t body,
			   size_t *len)
{
	struct modbuild b = {0};
	b.start = start;
	b.platform = (uint16_t)platform;
	b.func = 5;
	b.index = 1;
	b.version = 6;
	b.body_len = body;
	b.sha_seed = 3;
	size_t n = 0;
	uint8_t *m = modbuild(&b, &n);
	/* A body that is not all one byte, so that misplaced blocks show. */
	for (size_t i = 64; i + 64 < n - 40; i++)
		m[i] = (uint8_t)(i * 13 + (i >> 9));
	modbuild_fix_crc(m, n - 4);
	const char *path = tmpfile_path(name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(m, 1, n, f), n);
	fclose(f);
	free(m);
	if (len)
		*len = n;
	return path;
}

uint8_t *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot read %s", path);
	uint8_t *buf = malloc(4u << 20);
	*len = fread(buf, 1, 4u << 20, f);
	fclose(f);
	return buf;
}

static void print_run(const struct urun *r)
{
	fprintf(stderr, "--- status %d (%.2f s)\n--- stdout:\n%s\n--- stderr:\n%s\n---\n", r->status,
		r->secs, r->out, r->err);
}

void expect_status_at(const struct urun *r, int st, const char *file, int line)
{
	if (r->status != st) {
		print_run(r);
		_fail(file, line);
	}
}

void expect_has_at(const struct urun *r, const char *hay, const char *needle, const char *file,
		   int line)
{
	/* Compare with white space collapsed (wrapped messages). */
	char a[65536], b[1024];
	size_t k = 0;
	for (const char *p = hay; *p && k + 1 < sizeof a; p++)
		if (!(p[0] == ' ' || p[0] == '\n' || p[0] == '\t') ||
		    (k && a[k - 1] != ' '))
			a[k++] = (*p == '\n' || *p == '\t') ? ' ' : *p;
	a[k] = '\0';
	k = 0;
	for (const char *p = needle; *p && k + 1 < sizeof b; p++)
		if (!(p[0] == ' ' || p[0] == '\n' || p[0] == '\t') || (k && b[k - 1] != ' '))
			b[k++] = (*p == '\n' || *p == '\t') ? ' ' : *p;
	b[k] = '\0';
	if (!strstr(a, b)) {
		fprintf(stderr, "expected to find: %s\n", needle);
		print_run(r);
		_fail(file, line);
	}
}

void e2e_skip(const char *why)
{
	fprintf(stderr, "skipped: %s\n", why);
	bed_free();
	exit(77);
}

bool have_tool(const char *name)
{
	char cmd[256];
	snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", name);
	return system(cmd) == 0;
}
