/*
 * A canonical pty with echo on: its queued input lines (one ended by EOF, one an EOF alone) come
 * back with their boundaries and are not echoed again; the master's queued output, its packet
 * mode, the pair's lock and the slave's exclusive mode stay as they were.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "zdtmlib.h"

static int ioctl_int(int fd, unsigned long req)
{
	int v = -1;

	return ioctl(fd, req, &v) ? -1 : v;
}

/* One non-blocking read: its length, or -1 with errno. */
static ssize_t read_now(int fd, char *buf, size_t len)
{
	int flags = fcntl(fd, F_GETFL);
	ssize_t n;

	fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	n = read(fd, buf, len);
	fcntl(fd, F_SETFL, flags);
	return n;
}

static int expect_read(int fd, const char *want, size_t len, const char *what)
{
	char buf[64];
	ssize_t n = read_now(fd, buf, sizeof(buf));

	if (n != (ssize_t)len || memcmp(buf, want, len)) {
		fail("%s: read %zd bytes, expected %zu", what, n, len);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct termios tio, got;
	char buf[64];
	int master, slave, on = 1;

	test_init(argc, argv);
	if (pty_pair(&master, &slave, O_RDWR | O_NOCTTY)) {
		fail_errno("open pty pair");
		return 1;
	}
	if (tcgetattr(slave, &tio)) {
		fail_errno("tcgetattr");
		return 1;
	}
	tio.c_lflag |= ICANON | ECHO;
	tio.c_cc[VEOF] = 4;
	if (tcsetattr(slave, TCSANOW, &tio) || write_all(master, "one\n", 4) || write_all(master, "two\4", 4) ||
	    write_all(master, "\4", 1)) {
		fail_errno("queue input");
		return 1;
	}
	/* The echo of that input is read away: the master is left with the slave's output only. */
	usleep(100000);
	while (read_now(master, buf, sizeof(buf)) > 0)
		;
	if (write_all(slave, "out\n", 4) || ioctl(master, TIOCPKT, &on) || ioctl(slave, TIOCEXCL) ||
	    ioctl(master, TIOCSPTLCK, &on)) {
		fail_errno("configure pty");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (ioctl_int(master, TIOCGPTLCK) != 1 || ioctl_int(master, TIOCGPKT) != 1 || ioctl_int(slave, TIOCGEXCL) != 1) {
		fail("lock %d, packet mode %d, exclusive %d; all three expected 1", ioctl_int(master, TIOCGPTLCK),
		     ioctl_int(master, TIOCGPKT), ioctl_int(slave, TIOCGEXCL));
		return 1;
	}
	if (tcgetattr(slave, &got) || got.c_lflag != tio.c_lflag || got.c_iflag != tio.c_iflag ||
	    got.c_oflag != tio.c_oflag || memcmp(got.c_cc, tio.c_cc, sizeof(tio.c_cc))) {
		fail("terminal settings changed");
		return 1;
	}
	if (expect_read(slave, "one\n", 4, "first line") || expect_read(slave, "two", 3, "line ended by EOF") ||
	    expect_read(slave, "", 0, "EOF alone"))
		return 1;
	if (read_now(slave, buf, sizeof(buf)) != -1 || errno != EAGAIN) {
		fail("more input queued than was");
		return 1;
	}
	/* Packet mode: a data read starts with TIOCPKT_DATA; nothing was echoed again. */
	if (expect_read(master, "\0out\r\n", 6, "master's queue in packet mode"))
		return 1;
	if (read_now(master, buf, sizeof(buf)) != -1 || errno != EAGAIN) {
		fail("more output queued than was (an echo of the restored input?)");
		return 1;
	}
	pass();
	return 0;
}
