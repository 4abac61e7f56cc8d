/* A periodic ITIMER_REAL keeps its interval and keeps firing SIGALRM after restore. */
#include <signal.h>
#include <sys/time.h>
#include <time.h>

#include "zdtmlib.h"

#define INTERVAL_US 50000

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

int main(int argc, char **argv)
{
	struct itimerval it = { { 0, INTERVAL_US }, { 0, INTERVAL_US } }, got;
	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = SA_RESTART };
	struct timespec deadline, now;
	int before;

	test_init(argc, argv);
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL) || setitimer(ITIMER_REAL, &it, NULL)) {
		fail_errno("setitimer");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (getitimer(ITIMER_REAL, &got)) {
		fail_errno("getitimer");
		return 1;
	}
	if (got.it_interval.tv_sec != 0 || got.it_interval.tv_usec != INTERVAL_US) {
		fail("interval %ld.%06ld s, expected 0.%06d", (long)got.it_interval.tv_sec,
		     (long)got.it_interval.tv_usec, INTERVAL_US);
		return 1;
	}
	if (got.it_value.tv_sec != 0 || got.it_value.tv_usec > INTERVAL_US ||
	    (got.it_value.tv_sec == 0 && got.it_value.tv_usec == 0)) {
		fail("timer value %ld.%06ld s is disarmed or beyond one interval",
		     (long)got.it_value.tv_sec, (long)got.it_value.tv_usec);
		return 1;
	}
	/* Within a second at least a few more alarms must arrive. */
	before = alarms;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += 1;
	do {
		nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while (alarms - before < 3 && (now.tv_sec < deadline.tv_sec ||
					 (now.tv_sec == deadline.tv_sec && now.tv_nsec < deadline.tv_nsec)));
	if (alarms - before < 3) {
		fail("only %d SIGALRM in a second after restore", alarms - before);
		return 1;
	}
	pass();
	return 0;
}
