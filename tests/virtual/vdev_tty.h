/* vdev_tty.h - the CDC-ACM tty of a virtual device: a pty whose slave
 * appears as /dev/ttyACMn, plus the ioctl/read/write handler that makes it
 * behave like a cdc_acm port for libserialport.
 *
 * We create the pty ourselves (not umockdev's N: line) so a port name can be
 * reused after the device left the bus, as the kernel reuses ttyACM0, and
 * so we own the master.  The handler answers TIOCMGET/TIOCMBIS/TIOCMBIC/
 * TIOCMSET (a pty has no modem lines; DTR/RTS rise on open and fall on the
 * last close, CTS always set, as cdc_acm reports), tracks TIOCEXCL (other
 * openers then get EBUSY, whatever their privileges), reports every line
 * rate change (TCSETS*, TCSETS2*) to the device, and forwards everything else
 * to the real pty with umockdev_ioctl_client_execute().  After a hang-up
 * (device left the bus): ioctl and write fail with EIO, read returns 0.
 */
#ifndef VDEV_TTY_H
#define VDEV_TTY_H

#include "vdev_internal.h"

/* Creates the pty and the node root/dev/ttyACM<index> (before the sysfs
 * entry is added, so a client reacting to "add" finds it).  NULL + err. */
struct vdev_tty *vdev_tty_new(struct vdev_core *core, struct vdev_device *dev, const char *root,
			      unsigned index, char *err, size_t errlen);
UMockdevIoctlBase *vdev_tty_handler(struct vdev_tty *t); /* borrowed */
/* Non-blocking pty master, -1 after the hang-up.  Use read()/write() and
 * syscall(SYS_ioctl, ...) on it, never ioctl() (the preload intercepts). */
int vdev_tty_master(const struct vdev_tty *t);
/* Some process has the port open (lock held). */
bool vdev_tty_is_open_locked(const struct vdev_tty *t);
/* Current rate from TCGETS2 on the master; 0 when hung up (lock held). */
unsigned vdev_tty_baud(const struct vdev_tty *t);
/* Discards bytes written by the device that nobody read yet (lock held). */
void vdev_tty_flush_output(const struct vdev_tty *t);
/* Bytes the device wrote that no client read yet (lock held). */
size_t vdev_tty_unread_locked(const struct vdev_tty *t);
/* Hangs up (lock held): closes the master, removes the node if still there. */
void vdev_tty_hangup_locked(struct vdev_tty *t);
void vdev_tty_unref(struct vdev_tty *t);

#endif
