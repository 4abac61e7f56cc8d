/* F_SETOWN, F_SETOWN_EX and F_SETSIG survive: a pipe set O_ASYNC with this process as owner and
 * SIGRTMIN+1 as its signal still signals it after restore. */
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "zdtmlib.h"

static volatile sig_atomic_t got_sig, got_fd;

static void on_io(int sig, siginfo_t *info, void *uc)
{
	(void)uc;
	got_sig = sig;
	got_fd = info->si_fd;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_sigaction = on_io, .sa_flags = SA_SIGINFO };
	struct f_owner_ex ex = { .type = F_OWNER_PGRP }, got_ex;
	int p[2], q[2], sig = SIGRTMIN + 1;

	test_init(argc, argv);
	if (pipe(p) || pipe(q) || sigaction(sig, &sa, NULL)) {
		fail_errno("setup");
		return 1;
	}
	if (fcntl(p[0], F_SETOWN, getpid()) || fcntl(p[0], F_SETSIG, sig) ||
	    fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_ASYNC | O_NONBLOCK)) {
		fail_errno("fcntl on p");
		return 1;
	}

	test_daemon();
	/* q's owner is the process group, which is only known once test_daemon() made it. */
	ex.pid = getpgrp();
	if (fcntl(q[0], F_SETOWN_EX, &ex)) {
		fail_errno("F_SETOWN_EX");
		return 1;
	}
	test_waitsig();

	if (fcntl(p[0], F_GETOWN) != getpid() || fcntl(p[0], F_GETSIG) != sig) {
		fail("p: owner %d signal %d, expected %d %d", fcntl(p[0], F_GETOWN), fcntl(p[0], F_GETSIG), getpid(), sig);
		return 1;
	}
	if (fcntl(q[0], F_GETOWN_EX, &got_ex) || got_ex.type != F_OWNER_PGRP || got_ex.pid != getpgrp()) {
		fail("q: owner type %d pid %d, expected pgrp %d", got_ex.type, got_ex.pid, getpgrp());
		return 1;
	}
	if (!(fcntl(p[0], F_GETFL) & O_ASYNC)) {
		fail("O_ASYNC lost");
		return 1;
	}
	if (write(p[1], "x", 1) != 1) {
		fail_errno("write");
		return 1;
	}
	for (int i = 0; i < 1000 && !got_sig; i++)
		usleep(1000);
	if (got_sig != sig || got_fd != p[0]) {
		fail("write to the pipe gave signal %d for fd %d, expected %d for fd %d", got_sig, got_fd, sig, p[0]);
		return 1;
	}
	pass();
	return 0;
}
