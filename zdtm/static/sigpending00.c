/* Blocked standard signals stay pending and are delivered once, with their sender, when unblocked. */
#include <signal.h>
#include <unistd.h>

#include "zdtmlib.h"

static volatile sig_atomic_t hits[_NSIG];
static volatile pid_t sender[_NSIG];

static void handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	hits[sig]++;
	sender[sig] = si->si_pid;
}

int main(int argc, char **argv)
{
	static const int sigs[] = { SIGUSR1, SIGUSR2, SIGHUP, SIGALRM };
	struct sigaction sa = { .sa_sigaction = handler, .sa_flags = SA_SIGINFO };
	sigset_t block, pending;
	unsigned i;

	test_init(argc, argv);
	sigemptyset(&block);
	for (i = 0; i < 4; i++)
		sigaddset(&block, sigs[i]);
	sigemptyset(&sa.sa_mask);
	if (sigprocmask(SIG_BLOCK, &block, NULL)) {
		fail_errno("sigprocmask");
		return 1;
	}
	for (i = 0; i < 4; i++)
		if (sigaction(sigs[i], &sa, NULL) || kill(getpid(), sigs[i]) ||
		    (i == 0 && kill(getpid(), sigs[i]))) {	/* sent twice: still one pending */
			fail_errno("send %d", sigs[i]);
			return 1;
		}

	test_daemon();
	test_waitsig();

	if (sigpending(&pending)) {
		fail_errno("sigpending");
		return 1;
	}
	for (i = 0; i < 4; i++)
		if (!sigismember(&pending, sigs[i])) {
			fail("signal %d is no longer pending", sigs[i]);
			return 1;
		}
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	for (i = 0; i < 4; i++)
		if (hits[sigs[i]] != 1 || sender[sigs[i]] != getpid()) {
			fail("signal %d delivered %d times from pid %d, expected once from %d", sigs[i],
			     hits[sigs[i]], sender[sigs[i]], getpid());
			return 1;
		}
	pass();
	return 0;
}
