/* Each thread keeps its own blocked-signal mask. */
#include <pthread.h>

#include "zdtmlib.h"

#define NR_THREADS 4

/* Thread i blocks SIGUSR1 if i is odd, SIGUSR2 if i >= 2, and SIGRTMIN+i; and SIGTERM, as the
 * library does in every thread. */
static void mask_of(int i, sigset_t *set)
{
	sigemptyset(set);
	if (i & 1)
		sigaddset(set, SIGUSR1);
	if (i >= 2)
		sigaddset(set, SIGUSR2);
	sigaddset(set, SIGRTMIN + i);
	sigaddset(set, SIGTERM);
}

static void set_mask(int i)
{
	sigset_t set;

	mask_of(i, &set);
	pthread_sigmask(SIG_SETMASK, &set, NULL);
}

static int mask_intact(int i)
{
	sigset_t want, got;
	int sig;

	mask_of(i, &want);
	pthread_sigmask(SIG_SETMASK, NULL, &got);
	for (sig = 1; sig < _NSIG; sig++)
		if (sigismember(&want, sig) != sigismember(&got, sig))
			return 0;
	return 1;
}

int main(int argc, char **argv)
{
	int bad;

	test_init(argc, argv);
	if (test_threads_start(NR_THREADS - 1, set_mask, mask_intact)) {
		fail("cannot start threads");
		return 1;
	}
	set_mask(0);

	test_daemon();
	test_waitsig();

	if (!mask_intact(0)) {
		fail("main thread's mask changed");
		return 1;
	}
	bad = test_threads_check();
	if (bad >= 0) {
		fail("thread %d's mask changed", bad);
		return 1;
	}
	pass();
	return 0;
}
