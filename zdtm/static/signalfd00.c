/* A signalfd keeps its signal mask; a signal pending before the dump is read from it after. */
#include <sys/signalfd.h>
#include <unistd.h>

#include "zdtmlib.h"

int main(int argc, char **argv)
{
	struct signalfd_siginfo si;
	sigset_t mask;
	int fd;

	test_init(argc, argv);
	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);
	sigaddset(&mask, SIGRTMIN + 2);
	if (sigprocmask(SIG_BLOCK, &mask, NULL)) {
		fail_errno("sigprocmask");
		return 1;
	}
	fd = signalfd(-1, &mask, SFD_NONBLOCK);
	if (fd < 0 || sigqueue(getpid(), SIGRTMIN + 2, (union sigval){ .sival_int = 77 })) {
		fail_errno("signalfd");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (read(fd, &si, sizeof(si)) != sizeof(si) || (int)si.ssi_signo != SIGRTMIN + 2 ||
	    si.ssi_int != 77) {
		fail("pending SIGRTMIN+2 with value 77 not read from the signalfd");
		return 1;
	}
	/* The mask still covers SIGUSR1 and nothing else is queued. */
	if (read(fd, &si, sizeof(si)) != -1 || errno != EAGAIN) {
		fail("signalfd reports an extra signal");
		return 1;
	}
	kill(getpid(), SIGUSR1);
	if (read(fd, &si, sizeof(si)) != sizeof(si) || si.ssi_signo != SIGUSR1 ||
	    (pid_t)si.ssi_pid != getpid()) {
		fail("SIGUSR1 is not reported by the signalfd");
		return 1;
	}
	pass();
	return 0;
}
