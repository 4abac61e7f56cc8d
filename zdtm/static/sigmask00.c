/* The blocked signal mask is restored: standard and real-time signals alike. */
#include <signal.h>

#include "zdtmlib.h"

int main(int argc, char **argv)
{
	sigset_t want, got;
	int sig;

	test_init(argc, argv);
	sigemptyset(&want);
	sigaddset(&want, SIGUSR1);
	sigaddset(&want, SIGINT);
	sigaddset(&want, SIGCHLD);
	sigaddset(&want, SIGRTMIN);
	sigaddset(&want, SIGRTMAX);
	sigaddset(&want, SIGRTMIN + 7);
	if (sigprocmask(SIG_BLOCK, &want, NULL)) {
		fail_errno("sigprocmask");
		return 1;
	}
	sigaddset(&want, SIGTERM);	/* the library blocks it outside test_waitsig() */

	test_daemon();
	test_waitsig();

	if (sigprocmask(SIG_SETMASK, NULL, &got)) {
		fail_errno("sigprocmask");
		return 1;
	}
	for (sig = 1; sig < _NSIG; sig++)
		if (sigismember(&got, sig) != sigismember(&want, sig)) {
			fail("signal %d is %sblocked", sig, sigismember(&got, sig) ? "" : "not ");
			return 1;
		}
	pass();
	return 0;
}
