/* timer_getoverrun() keeps its count: a 1 ms periodic timer whose signal stayed blocked for 100 ms
 * had its signal taken with many overruns; the count of that delivery is unchanged after restore. */
#include <signal.h>
#include <time.h>

#include "zdtmlib.h"

#define SIG (SIGRTMIN + 3)

int main(int argc, char **argv)
{
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL };
	struct itimerspec periodic = { { 0, 1000000 }, { 0, 1000000 } };
	siginfo_t si;
	sigset_t set;
	timer_t t;
	int overrun, got;

	test_init(argc, argv);
	sigemptyset(&set);
	sigaddset(&set, SIG);
	sev.sigev_signo = SIG;
	sev.sigev_value.sival_int = 0x7e57;
	if (sigprocmask(SIG_BLOCK, &set, NULL) || timer_create(CLOCK_MONOTONIC, &sev, &t) ||
	    timer_settime(t, 0, &periodic, NULL)) {
		fail_errno("timer setup");
		return 1;
	}
	nanosleep(&(struct timespec){ 0, 100000000 }, NULL);
	if (sigtimedwait(&set, &si, &(struct timespec){ 5, 0 }) != SIG || si.si_code != SI_TIMER) {
		fail_errno("timer signal");
		return 1;
	}
	overrun = timer_getoverrun(t);
	if (overrun < 10 || overrun != si.si_overrun) {
		fail("overrun %d, si_overrun %d: expected about 100", overrun, si.si_overrun);
		return 1;
	}
	test_msg("overrun %d\n", overrun);

	test_daemon();
	test_waitsig();

	got = timer_getoverrun(t);
	if (got != overrun) {
		fail("timer_getoverrun gives %d, was %d", got, overrun);
		return 1;
	}
	if (sigtimedwait(&set, &si, &(struct timespec){ 10, 0 }) != SIG || si.si_code != SI_TIMER ||
	    si.si_value.sival_int != 0x7e57) {
		fail("the periodic timer does not signal any more");
		return 1;
	}
	pass();
	return 0;
}
