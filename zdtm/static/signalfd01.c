/* Two signalfds with different masks of several signals keep their masks and flags, and the
 * pending signals come out exactly: a thread-directed SIGUSR1 first, then the process-wide ones
 * by number, three queued SIGRTMIN+1 in order with their values, each only through a matching fd. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "zdtmlib.h"

static int next(int fd, int signo, int code, int value, const char *what)
{
	struct signalfd_siginfo si;

	if (read(fd, &si, sizeof(si)) != sizeof(si)) {
		fail("%s: nothing to read", what);
		return -1;
	}
	if ((int)si.ssi_signo != signo || si.ssi_code != code || (pid_t)si.ssi_pid != getpid() ||
	    (code == SI_QUEUE && si.ssi_int != value)) {
		fail("%s: signal %d code %d pid %d value %d, expected %d %d %d %d", what, si.ssi_signo, si.ssi_code,
		     si.ssi_pid, si.ssi_int, signo, code, getpid(), value);
		return -1;
	}
	return 0;
}

static int empty(int fd, const char *what)
{
	struct signalfd_siginfo si;

	if (read(fd, &si, sizeof(si)) != -1 || errno != EAGAIN) {
		fail("%s: an extra signal is reported (%d)", what, si.ssi_signo);
		return -1;
	}
	return 0;
}

static int mask_of(int fd, unsigned long long *mask)
{
	char path[64], buf[512], *p;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	if (read_text(path, buf, sizeof(buf)) < 0 || !(p = strstr(buf, "sigmask:")))
		return -1;
	*mask = strtoull(p + 8, NULL, 16);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long long m1_before, m2_before, m1, m2;
	sigset_t s1, s2, all;
	int fd1, fd2, i;

	test_init(argc, argv);
	sigemptyset(&s1);
	sigaddset(&s1, SIGUSR1);
	sigaddset(&s1, SIGUSR2);
	sigaddset(&s1, SIGRTMIN + 1);
	sigemptyset(&s2);
	sigaddset(&s2, SIGUSR2);
	sigaddset(&s2, SIGRTMIN + 3);
	sigaddset(&s2, SIGWINCH);
	sigemptyset(&all);
	sigaddset(&all, SIGUSR1);
	sigaddset(&all, SIGUSR2);
	sigaddset(&all, SIGWINCH);
	sigaddset(&all, SIGRTMIN + 1);
	sigaddset(&all, SIGRTMIN + 3);
	if (sigprocmask(SIG_BLOCK, &all, NULL)) {
		fail_errno("sigprocmask");
		return 1;
	}
	fd1 = signalfd(-1, &s1, SFD_NONBLOCK);
	fd2 = signalfd(-1, &s2, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd1 < 0 || fd2 < 0 || mask_of(fd1, &m1_before) || mask_of(fd2, &m2_before)) {
		fail_errno("signalfd");
		return 1;
	}
	if (syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR1) || kill(getpid(), SIGUSR2) ||
	    sigqueue(getpid(), SIGRTMIN + 3, (union sigval){ .sival_int = 9 })) {
		fail_errno("send");
		return 1;
	}
	for (i = 1; i <= 3; i++)
		if (sigqueue(getpid(), SIGRTMIN + 1, (union sigval){ .sival_int = 100 + i })) {
			fail_errno("sigqueue");
			return 1;
		}

	test_daemon();
	test_waitsig();

	if (mask_of(fd1, &m1) || mask_of(fd2, &m2) || m1 != m1_before || m2 != m2_before) {
		fail("signalfd masks %#llx %#llx, expected %#llx %#llx", m1, m2, m1_before, m2_before);
		return 1;
	}
	if (!(fcntl(fd1, F_GETFL) & O_NONBLOCK) || (fcntl(fd1, F_GETFD) & FD_CLOEXEC) ||
	    !(fcntl(fd2, F_GETFD) & FD_CLOEXEC)) {
		fail("signalfd flags changed");
		return 1;
	}
	/* fd2: SIGUSR2 (shared, lowest number in its mask) then SIGRTMIN+3; SIGRTMIN+1 is not its. */
	if (next(fd2, SIGUSR2, SI_USER, 0, "fd2 first") || next(fd2, SIGRTMIN + 3, SI_QUEUE, 9, "fd2 second") ||
	    empty(fd2, "fd2"))
		return 1;
	/* fd1: the thread's own SIGUSR1 first, then the three SIGRTMIN+1 in the order queued. */
	if (next(fd1, SIGUSR1, SI_TKILL, 0, "fd1 first"))
		return 1;
	for (i = 1; i <= 3; i++)
		if (next(fd1, SIGRTMIN + 1, SI_QUEUE, 100 + i, "fd1 queued"))
			return 1;
	if (empty(fd1, "fd1"))
		return 1;
	/* SIGWINCH, in fd2's mask only, is reported there when it comes. */
	kill(getpid(), SIGWINCH);
	if (empty(fd1, "fd1 after SIGWINCH") || next(fd2, SIGWINCH, SI_USER, 0, "fd2 SIGWINCH"))
		return 1;
	pass();
	return 0;
}
