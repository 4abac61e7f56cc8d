/* Signal handlers are restored with their flags and masks, and they still run when signalled. */
#include <signal.h>
#include <string.h>

#include "zdtmlib.h"

static volatile sig_atomic_t hits[_NSIG];

static void handler(int sig)
{
	hits[sig]++;
}

static void info_handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (si->si_signo == sig)
		hits[sig]++;
}

static const struct {
	int sig;
	int flags;
} cases[] = {
	{ SIGUSR1, SA_RESTART },
	{ SIGUSR2, SA_SIGINFO | SA_NODEFER },
	{ SIGHUP, SA_RESETHAND },
	{ SIGWINCH, SA_SIGINFO | SA_RESTART | SA_NOCLDSTOP },
	{ 0, 0 },	/* SIGRTMIN + 3, filled in at run time */
};
#define NR_CASES (int)(sizeof(cases) / sizeof(cases[0]))

static int case_sig(int i)
{
	return cases[i].sig ? cases[i].sig : SIGRTMIN + 3;
}

/* The flags the caller chose (the kernel may add SA_RESTORER and friends). */
#define FLAG_MASK (SA_RESTART | SA_SIGINFO | SA_NODEFER | SA_RESETHAND | SA_NOCLDSTOP | SA_ONSTACK)

int main(int argc, char **argv)
{
	struct sigaction sa, got;
	int i;

	test_init(argc, argv);
	for (i = 0; i < NR_CASES; i++) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_flags = cases[i].flags;
		if (sa.sa_flags & SA_SIGINFO)
			sa.sa_sigaction = info_handler;
		else
			sa.sa_handler = handler;
		/* Each handler blocks a different pair of signals while it runs. */
		sigemptyset(&sa.sa_mask);
		sigaddset(&sa.sa_mask, SIGPIPE);
		sigaddset(&sa.sa_mask, SIGRTMIN + 5 + i);
		if (sigaction(case_sig(i), &sa, NULL)) {
			fail_errno("sigaction %d", case_sig(i));
			return 1;
		}
	}

	test_daemon();
	test_waitsig();

	for (i = 0; i < NR_CASES; i++) {
		int sig = case_sig(i), want_siginfo = cases[i].flags & SA_SIGINFO;

		if (sigaction(sig, NULL, &got)) {
			fail_errno("sigaction %d", sig);
			return 1;
		}
		if ((got.sa_flags & FLAG_MASK) != (unsigned)cases[i].flags) {
			fail("signal %d flags %#x, expected %#x", sig, got.sa_flags & FLAG_MASK,
			     cases[i].flags);
			return 1;
		}
		if (want_siginfo ? got.sa_sigaction != info_handler : got.sa_handler != handler) {
			fail("signal %d has a different handler", sig);
			return 1;
		}
		if (!sigismember(&got.sa_mask, SIGPIPE) || !sigismember(&got.sa_mask, SIGRTMIN + 5 + i) ||
		    sigismember(&got.sa_mask, SIGRTMIN + 6 + i)) {
			fail("signal %d has a different sa_mask", sig);
			return 1;
		}
		if (raise(sig) || hits[sig] != 1) {
			fail("handler of signal %d ran %d times, expected once", sig, hits[sig]);
			return 1;
		}
	}
	/* SA_RESETHAND: the SIGHUP handler was reset to default on its first run. */
	if (sigaction(SIGHUP, NULL, &got) || got.sa_handler != SIG_DFL) {
		fail("SA_RESETHAND did not reset the SIGHUP handler");
		return 1;
	}
	pass();
	return 0;
}
