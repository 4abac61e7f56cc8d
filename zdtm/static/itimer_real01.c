/* A long ITIMER_REAL (1 h left, 2 h interval) is restored with its interval exact and its
 * remaining time within what the dump took; ITIMER_VIRTUAL, never armed, stays disarmed. */
#include <signal.h>
#include <sys/time.h>
#include <time.h>

#include "zdtmlib.h"

static long long us_of(const struct timeval *tv)
{
	return tv->tv_sec * 1000000LL + tv->tv_usec;
}

int main(int argc, char **argv)
{
	struct itimerval want = { { 7200, 250000 }, { 3600, 0 } }, got;
	struct timespec m0, m1;
	long long elapsed_us, left;

	test_init(argc, argv);
	signal(SIGALRM, SIG_IGN);	/* a wrong restore firing it early must not kill the test */
	if (setitimer(ITIMER_REAL, &want, NULL)) {
		fail_errno("setitimer");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &m0);

	test_daemon();
	test_waitsig();

	if (getitimer(ITIMER_REAL, &got)) {
		fail_errno("getitimer");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &m1);
	elapsed_us = (m1.tv_sec - m0.tv_sec) * 1000000LL + (m1.tv_nsec - m0.tv_nsec) / 1000;
	left = us_of(&got.it_value);
	if (us_of(&got.it_interval) != us_of(&want.it_interval)) {
		fail("interval %lld us, expected %lld", us_of(&got.it_interval), us_of(&want.it_interval));
		return 1;
	}
	/* Remaining: 1 h minus the time since it was set, give or take 2 s. */
	if (left <= 0 || left > 3600000000LL || left < 3600000000LL - elapsed_us - 2000000) {
		fail("%lld us left after %lld us, expected about %lld", left, elapsed_us, 3600000000LL - elapsed_us);
		return 1;
	}
	if (getitimer(ITIMER_VIRTUAL, &got) || us_of(&got.it_value) || us_of(&got.it_interval)) {
		fail("ITIMER_VIRTUAL is armed: %lld us, interval %lld", us_of(&got.it_value), us_of(&got.it_interval));
		return 1;
	}
	pass();
	return 0;
}
