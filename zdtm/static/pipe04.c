/* Both ends of a pipe in one process, the write end dup'ed to fd 1000: fd 1000 and the original
 * write end stay one open file (kcmp, shared O_NONBLOCK) with its own FD_CLOEXEC; the data queued
 * through both comes out in order; once both write fds close, the read end sees end of file. */
#include <fcntl.h>
#include <linux/kcmp.h>
#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "zdtmlib.h"

#define HIGH 1000

static long kcmp_self(int a, int b)
{
	return syscall(SYS_kcmp, getpid(), getpid(), KCMP_FILE, a, b);
}

int main(int argc, char **argv)
{
	struct pollfd pfd = { .events = POLLIN };
	char buf[32];
	int p[2], fl;

	test_init(argc, argv);
	if (pipe(p) || dup3(p[1], HIGH, O_CLOEXEC) != HIGH) {
		fail_errno("pipe / dup3");
		return 1;
	}
	if (write_all(p[1], "abc", 3) || write_all(HIGH, "def", 3) ||
	    fcntl(HIGH, F_SETFL, fcntl(HIGH, F_GETFL) | O_NONBLOCK)) {
		fail_errno("queue data / O_NONBLOCK");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (kcmp_self(p[1], HIGH) != 0) {
		fail("fd %d and the write end %d are not one open file any more", HIGH, p[1]);
		return 1;
	}
	if (kcmp_self(p[0], p[1]) == 0) {
		fail("the read and write ends became one open file");
		return 1;
	}
	fl = fcntl(p[1], F_GETFL);
	if ((fl & (O_ACCMODE | O_NONBLOCK)) != (O_WRONLY | O_NONBLOCK) || fl != fcntl(HIGH, F_GETFL)) {
		fail("write ends' flags %#x / %#x, expected O_WRONLY|O_NONBLOCK on both", fl, fcntl(HIGH, F_GETFL));
		return 1;
	}
	fl = fcntl(p[0], F_GETFL);
	if ((fl & (O_ACCMODE | O_NONBLOCK)) != O_RDONLY) {
		fail("read end's flags %#x, expected O_RDONLY without O_NONBLOCK", fl);
		return 1;
	}
	if (fcntl(HIGH, F_GETFD) != FD_CLOEXEC || fcntl(p[1], F_GETFD) != 0 || fcntl(p[0], F_GETFD) != 0) {
		fail("FD_CLOEXEC: fd %d %d, write end %d, read end %d; expected only on %d", HIGH, fcntl(HIGH, F_GETFD),
		     fcntl(p[1], F_GETFD), fcntl(p[0], F_GETFD), HIGH);
		return 1;
	}
	if (write_all(HIGH, "ghi", 3) || read_all(p[0], buf, 9) || memcmp(buf, "abcdefghi", 9)) {
		fail("data through the pipe: expected abcdefghi");
		return 1;
	}
	close(p[1]);
	close(HIGH);
	pfd.fd = p[0];
	if (poll(&pfd, 1, 10000) != 1 || read(p[0], buf, sizeof(buf)) != 0) {
		fail("no end of file after closing both write fds");
		return 1;
	}
	pass();
	return 0;
}
