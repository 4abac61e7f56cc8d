/*
 * A pty pair with input queued to its canonical, echoing slave (a line, a line ended by EOF)
 * and output queued to its master. When "go" appears next to the output, it reads both
 * queues and reports PASS or FAIL. Built with -DMASTER_ONLY it closes the slave first.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include "daemon.h"

static ssize_t read_now(int fd, char *buf, size_t len)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return read(fd, buf, len);
}

int main(int argc, char **argv)
{
	(void)argc;
	char go[4096], buf[64];
	struct termios tio;
	snprintf(go, sizeof(go), "%s.go", argv[2]);
	daemonize(argv);
	int master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) || unlockpt(master))
		return 1;
	int slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	if (slave < 0 || tcgetattr(slave, &tio))
		return 1;
	tio.c_lflag |= ICANON | ECHO;
	tio.c_cc[VEOF] = 4;
	if (tcsetattr(slave, TCSANOW, &tio) || write(master, "one\n", 4) != 4 || write(master, "two\4", 4) != 4)
		return 1;
	usleep(100000);
	while (read_now(master, buf, sizeof(buf)) > 0)
		; /* the echo */
	if (write(slave, "out\n", 4) != 4)
		return 1;
#ifdef MASTER_ONLY
	close(slave);
#endif
	ready(argv);
	while (access(go, F_OK))
		usleep(10000);
	if (read_now(slave, buf, sizeof(buf)) != 4 || memcmp(buf, "one\n", 4) ||
	    read_now(slave, buf, sizeof(buf)) != 3 || memcmp(buf, "two", 3)) {
		printf("FAIL: the slave's queued lines are lost\n");
		return 1;
	}
	if (read_now(master, buf, sizeof(buf)) != 5 || memcmp(buf, "out\r\n", 5) ||
	    read_now(master, buf, sizeof(buf)) != -1 || errno != EAGAIN) {
		printf("FAIL: the master's queue is not the slave's output alone\n");
		return 1;
	}
	printf("PASS\n");
	return 0;
}
