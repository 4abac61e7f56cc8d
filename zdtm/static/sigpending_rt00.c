/* Queued real-time signals keep every instance, their order and their siginfo values. */
#include <signal.h>
#include <unistd.h>

#include "zdtmlib.h"

#define PER_SIGNAL 5

int main(int argc, char **argv)
{
	const int sigs[2] = { SIGRTMIN + 1, SIGRTMIN + 4 };
	sigset_t block;
	siginfo_t si;
	int i, j;

	test_init(argc, argv);
	sigemptyset(&block);
	sigaddset(&block, sigs[0]);
	sigaddset(&block, sigs[1]);
	if (sigprocmask(SIG_BLOCK, &block, NULL)) {
		fail_errno("sigprocmask");
		return 1;
	}
	/* Interleaved sends: delivery must still be by signal number, then in queue order. */
	for (j = 0; j < PER_SIGNAL; j++)
		for (i = 1; i >= 0; i--) {
			union sigval v = { .sival_int = 1000 * (i + 1) + j };

			if (sigqueue(getpid(), sigs[i], v)) {
				fail_errno("sigqueue");
				return 1;
			}
		}

	test_daemon();
	test_waitsig();

	for (i = 0; i < 2; i++)
		for (j = 0; j < PER_SIGNAL; j++) {
			if (sigwaitinfo(&block, &si) < 0) {
				fail_errno("sigwaitinfo");
				return 1;
			}
			if (si.si_signo != sigs[i] || si.si_code != SI_QUEUE || si.si_pid != getpid() ||
			    si.si_value.sival_int != 1000 * (i + 1) + j) {
				fail("got signal %d code %d value %d, expected %d %d %d", si.si_signo,
				     si.si_code, si.si_value.sival_int, sigs[i], SI_QUEUE,
				     1000 * (i + 1) + j);
				return 1;
			}
		}
	if (sigtimedwait(&block, &si, &(struct timespec){ 0, 0 }) >= 0) {
		fail("an extra signal %d was pending", si.si_signo);
		return 1;
	}
	pass();
	return 0;
}
