/*
 * pidfds of the tree's processes keep naming them: a live child (signalled and reaped through
 * its pidfd), the task itself (non-blocking), a zombie (its status read through the pidfd), a
 * pidfd a second child inherited (one open file in both), and two pidfds of a child already
 * reaped (dead, one inode).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "zdtmlib.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif
#define KCMP_FILE 0

int main(int argc, char **argv)
{
	int live_fd, self_fd, zombie_fd, dead_fd, dead_fd2, status;
	pid_t live, zombie, dead, holder;
	struct stat st1, st2;
	siginfo_t si;

	test_init(argc, argv);
	live = fork();
	if (live == 0) {
		for (;;)
			pause();
	}
	zombie = fork();
	if (zombie == 0)
		_exit(7);
	dead = fork();
	if (dead == 0)
		_exit(0);
	live_fd = pidfd_open_raw(live, 0);
	self_fd = pidfd_open_raw(getpid(), O_NONBLOCK);
	zombie_fd = pidfd_open_raw(zombie, 0);
	dead_fd = pidfd_open_raw(dead, 0);
	dead_fd2 = pidfd_open_raw(dead, 0);
	if (live_fd < 0 || self_fd < 0 || zombie_fd < 0 || dead_fd < 0 || dead_fd2 < 0) {
		fail_errno("pidfd_open");
		return 1;
	}
	if (waitpid(dead, &status, 0) != dead || waitid(P_PID, zombie, &si, WEXITED | WNOWAIT)) {
		fail_errno("wait");
		return 1;
	}
	/* Holds live_fd, inherited: after restore it must still be the file the parent has. */
	holder = fork();
	if (holder == 0) {
		for (;;)
			pause();
	}

	test_daemon();
	test_waitsig();

	if (pidfd_pid(self_fd) != getpid() || !(fcntl(self_fd, F_GETFL) & O_NONBLOCK)) {
		fail("self pidfd names %d (flags %o), expected %d non-blocking", pidfd_pid(self_fd), fcntl(self_fd, F_GETFL), getpid());
		return 1;
	}
	if (pidfd_pid(live_fd) != live || pidfd_pid(zombie_fd) != zombie) {
		fail("pidfds name %d and %d, expected %d and %d", pidfd_pid(live_fd), pidfd_pid(zombie_fd), live, zombie);
		return 1;
	}
	if (pidfd_pid(dead_fd) != -1 || pidfd_pid(dead_fd2) != -1) {
		fail("pidfds of a reaped child name %d and %d, expected -1", pidfd_pid(dead_fd), pidfd_pid(dead_fd2));
		return 1;
	}
	if (fstat(dead_fd, &st1) || fstat(dead_fd2, &st2) || st1.st_ino != st2.st_ino) {
		fail("pidfds of one reaped child have inodes %lu and %lu", (unsigned long)st1.st_ino, (unsigned long)st2.st_ino);
		return 1;
	}
	if (syscall(SYS_kcmp, getpid(), holder, KCMP_FILE, live_fd, live_fd) != 0) {
		fail("the pidfd the second child inherited is not the parent's open file any more");
		return 1;
	}
	if (syscall(SYS_pidfd_send_signal, dead_fd, SIGKILL, NULL, 0) == 0 || errno != ESRCH) {
		fail_errno("a signal through a dead pidfd did not fail with ESRCH");
		return 1;
	}
	memset(&si, 0, sizeof(si));
	if (waitid(P_PIDFD, zombie_fd, &si, WEXITED) || si.si_pid != zombie || si.si_status != 7) {
		fail_errno("zombie through its pidfd: pid %d status %d", si.si_pid, si.si_status);
		return 1;
	}
	if (syscall(SYS_pidfd_send_signal, live_fd, SIGKILL, NULL, 0)) {
		fail_errno("pidfd_send_signal");
		return 1;
	}
	memset(&si, 0, sizeof(si));
	if (waitid(P_PIDFD, live_fd, &si, WEXITED) || si.si_pid != live || si.si_status != SIGKILL) {
		fail_errno("live child through its pidfd: pid %d status %d", si.si_pid, si.si_status);
		return 1;
	}
	kill(holder, SIGKILL);
	waitpid(holder, &status, 0);
	pass();
	return 0;
}
