/* The body of the CPU-time itimer tests: an armed timer keeps its interval and remaining
 * CPU time across checkpoint/restore, and fires when the task burns CPU afterwards. */
#ifndef ZDTM_ITIMER_CPU_H
#define ZDTM_ITIMER_CPU_H

#include <signal.h>
#include <sys/time.h>

#include "zdtmlib.h"

static volatile sig_atomic_t fired;

static void on_timer(int sig)
{
	(void)sig;
	fired++;
}

static long long us_of(const struct timeval *tv)
{
	return tv->tv_sec * 1000000LL + tv->tv_usec;
}

/* Runs the test on one CPU-time itimer and the signal it sends. */
static int itimer_cpu_test(int argc, char **argv, int which, int sig)
{
	/* The value only counts down while we use CPU, which we barely do while waiting. */
	struct itimerval it = { { 0, 20000 }, { 0, 300000 } }, before, got;
	struct sigaction sa = { .sa_handler = on_timer, .sa_flags = SA_RESTART };
	volatile unsigned long spin = 0;

	test_init(argc, argv);
	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL) || setitimer(which, &it, NULL) ||
	    getitimer(which, &before)) {
		fail_errno("setitimer");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (getitimer(which, &got)) {
		fail_errno("getitimer");
		return 1;
	}
	if (us_of(&got.it_interval) != us_of(&it.it_interval)) {
		fail("interval %lld us, expected %lld", us_of(&got.it_interval), us_of(&it.it_interval));
		return 1;
	}
	if (us_of(&got.it_value) <= 0 || us_of(&got.it_value) > us_of(&before.it_value)) {
		fail("remaining %lld us, expected in (0, %lld]", us_of(&got.it_value),
		     us_of(&before.it_value));
		return 1;
	}
	/* Burn CPU until the timer has fired a few times (at most a few seconds of CPU). */
	while (fired < 3 && spin < 4000000000UL)
		spin++;
	if (fired < 3) {
		fail("timer fired %d times while burning CPU", fired);
		return 1;
	}
	pass();
	return 0;
}

#endif
