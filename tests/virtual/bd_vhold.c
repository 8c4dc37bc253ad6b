/* bd_vhold.c - bd-vhold PORT: holds a (virtual) serial port the way another
 * program would (screen, node-serialport's default lock): opens it, sets
 * TIOCEXCL, prints "held", and lets go when its standard input closes.
 * Started by vdev_device_hold_port() under the umockdev preload. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char buf[64];
	int fd;

	if (argc != 2) {
		printf("error: usage: bd-vhold PORT\n");
		return 2;
	}
	fd = open(argv[1], O_RDWR | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		printf("error: open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (ioctl(fd, TIOCEXCL) != 0) {
		printf("error: TIOCEXCL %s: %s\n", argv[1], strerror(errno));
		close(fd);
		return 1;
	}
	printf("held\n");
	fflush(stdout);
	while (read(STDIN_FILENO, buf, sizeof(buf)) > 0)
		;
	ioctl(fd, TIOCNXCL);
	close(fd);
	return 0;
}
