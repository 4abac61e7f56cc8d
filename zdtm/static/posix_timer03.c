/* POSIX timers that never signal: an armed SIGEV_NONE one-shot (1 h, interval 7 s) and a periodic
 * SIGEV_NONE timer keep counting (timer_gettime), a disarmed SIGNAL timer stays disarmed. */
#include <signal.h>
#include <time.h>

#include "zdtmlib.h"

#define PERIOD_NS 10000000LL

static long long ns_of(const struct timespec *ts)
{
	return ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

int main(int argc, char **argv)
{
	struct sigevent none = { .sigev_notify = SIGEV_NONE };
	struct sigevent sig = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
	struct itimerspec oneshot = { { 7, 0 }, { 3600, 0 } };
	struct itimerspec periodic = { { 0, PERIOD_NS }, { 0, PERIOD_NS } };
	struct itimerspec armed = { { 1, 0 }, { 100, 0 } }, off = { { 0, 0 }, { 0, 0 } }, got;
	timer_t t_oneshot, t_periodic, t_off;
	struct timespec mono0, mono1;
	long long left;

	test_init(argc, argv);
	if (timer_create(CLOCK_MONOTONIC, &none, &t_oneshot) || timer_settime(t_oneshot, 0, &oneshot, NULL) ||
	    timer_create(CLOCK_MONOTONIC, &none, &t_periodic) || timer_settime(t_periodic, 0, &periodic, NULL) ||
	    timer_create(CLOCK_REALTIME, &sig, &t_off) || timer_settime(t_off, 0, &armed, NULL) ||
	    timer_settime(t_off, 0, &off, NULL)) {
		fail_errno("timers");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &mono0);

	test_daemon();
	test_waitsig();

	clock_gettime(CLOCK_MONOTONIC, &mono1);
	if (timer_gettime(t_oneshot, &got)) {
		fail_errno("timer_gettime SIGEV_NONE one-shot");
		return 1;
	}
	left = ns_of(&got.it_value);
	/* The deadline may move later by the dump-to-restore gap, as a relative timer is re-armed
	 * with the time it had left; never earlier than the time elapsed allows. */
	if (ns_of(&got.it_interval) != 7000000000LL || left <= 0 || left > 3600000000000LL ||
	    left < 3600000000000LL - (ns_of(&mono1) - ns_of(&mono0)) - 2000000000LL) {
		fail("SIGEV_NONE one-shot: interval %lld ns, %lld ns left after %lld ns", ns_of(&got.it_interval),
		     left, ns_of(&mono1) - ns_of(&mono0));
		return 1;
	}
	if (timer_gettime(t_periodic, &got)) {
		fail_errno("timer_gettime SIGEV_NONE periodic");
		return 1;
	}
	if (ns_of(&got.it_interval) != PERIOD_NS || ns_of(&got.it_value) <= 0 || ns_of(&got.it_value) > PERIOD_NS) {
		fail("SIGEV_NONE periodic: interval %lld value %lld ns", ns_of(&got.it_interval), ns_of(&got.it_value));
		return 1;
	}
	if (timer_gettime(t_off, &got)) {
		fail_errno("timer_gettime disarmed");
		return 1;
	}
	if (ns_of(&got.it_interval) || ns_of(&got.it_value)) {
		fail("the disarmed timer is armed: interval %lld value %lld ns", ns_of(&got.it_interval),
		     ns_of(&got.it_value));
		return 1;
	}
	pass();
	return 0;
}
