/* e2e_usb.h - helpers of the USB end-to-end tests: an in-process test bed
 * of virtual devices (tests/virtual), the real blinkdoc (and dfu-util) run
 * as child processes against it, and the models' flash inspection to check
 * what really reached the device.  Each cmocka case is its own CTest test
 * (the executable takes the case name). */
#ifndef E2E_USB_H
#define E2E_USB_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "vdev.h"

struct urun {
	int status;          /* exit status, 128+N for a signal, 124 timeout */
	char out[65536];
	char err[65536];
	double secs;
};

/* The bed of the running case (created by bed_new, freed by bed_free). */
extern struct vdev_bed *ebed;
void bed_new(void);
void bed_free(void);
/* Adds a device: platform key, mode; opts may be NULL (defaults). */
struct vdev_device *bed_add(const char *platform, enum vdev_mode mode,
			    const struct vdev_device_opts *opts);

/* Runs argv (NULL-ended) with stdin from /dev/null; timeout_s bounds it. */
void urun(struct urun *r, int timeout_s, const char *const argv[]);
#define UARGS(...) ((const char *const[]){__VA_ARGS__, NULL})
/* blinkdoc ARGS... */
void ubd(struct urun *r, const char *const args[]);
#define UBD(r, ...) ubd((r), UARGS(__VA_ARGS__))
const char *e2e_blinkdoc(void);

/* A temp directory for the case's files ("/tmp/e2eusb.XXXXXX"). */
const char *tmpdir(void);
/* tmpdir()/name into a static rotating buffer. */
const char *tmpfile_path(const char *name);

/* Writes a user-part module for platform at start with body bytes to
 * tmpdir()/name; returns its path; *len the file size. */
const char *make_user_part(const char *name, int platform, uint32_t start, size_t body,
			   size_t *len);
/* Reads a whole file (malloc'd). */
uint8_t *read_all(const char *path, size_t *len);

/* Assertions that print the run on failure. */
void expect_status_at(const struct urun *r, int st, const char *file, int line);
void expect_has_at(const struct urun *r, const char *hay, const char *needle, const char *file,
		   int line);
#define EXPECT_STATUS(r, st) expect_status_at((r), (st), __FILE__, __LINE__)
#define EXPECT_OUT(r, s) expect_has_at((r), (r)->out, (s), __FILE__, __LINE__)
#define EXPECT_ERR(r, s) expect_has_at((r), (r)->err, (s), __FILE__, __LINE__)

/* Skips the case (exit 77). */
void e2e_skip(const char *why) __attribute__((noreturn));
bool have_tool(const char *name);

#endif
