/* POSIX timers are restored: a periodic one keeps firing with its sigev_value, a one-shot stays armed. */
#include <signal.h>
#include <time.h>

#include "zdtmlib.h"

#define PERIOD_NS 20000000
#define COOKIE 0x5eed

static volatile sig_atomic_t ticks, bad_value;

static void on_tick(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	if (si->si_code != SI_TIMER || si->si_value.sival_int != COOKIE)
		bad_value = 1;
	ticks++;
}

static long long ns_of(const struct timespec *ts)
{
	return ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

int main(int argc, char **argv)
{
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL };
	struct sigaction sa = { .sa_sigaction = on_tick, .sa_flags = SA_SIGINFO | SA_RESTART };
	struct itimerspec periodic = { { 0, PERIOD_NS }, { 0, PERIOD_NS } };
	struct itimerspec oneshot = { { 0, 0 }, { 3600, 0 } }, got;
	timer_t t_periodic, t_oneshot;
	int before, i;

	test_init(argc, argv);
	sigemptyset(&sa.sa_mask);
	sev.sigev_signo = SIGRTMIN + 1;
	sev.sigev_value.sival_int = COOKIE;
	if (sigaction(SIGRTMIN + 1, &sa, NULL) ||
	    timer_create(CLOCK_MONOTONIC, &sev, &t_periodic) ||
	    timer_settime(t_periodic, 0, &periodic, NULL)) {
		fail_errno("periodic timer");
		return 1;
	}
	sev.sigev_signo = SIGUSR2;	/* never fires during the test: an hour away */
	if (timer_create(CLOCK_REALTIME, &sev, &t_oneshot) ||
	    timer_settime(t_oneshot, 0, &oneshot, NULL)) {
		fail_errno("one-shot timer");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (timer_gettime(t_periodic, &got)) {
		fail_errno("timer_gettime periodic");
		return 1;
	}
	if (ns_of(&got.it_interval) != PERIOD_NS || ns_of(&got.it_value) <= 0 ||
	    ns_of(&got.it_value) > PERIOD_NS) {
		fail("periodic timer: interval %lld value %lld ns", ns_of(&got.it_interval),
		     ns_of(&got.it_value));
		return 1;
	}
	if (timer_gettime(t_oneshot, &got)) {
		fail_errno("timer_gettime one-shot");
		return 1;
	}
	if (ns_of(&got.it_interval) != 0 || got.it_value.tv_sec <= 3000 || got.it_value.tv_sec >= 3600) {
		fail("one-shot timer: interval %lld, %lld s left", ns_of(&got.it_interval),
		     (long long)got.it_value.tv_sec);
		return 1;
	}
	/* 5 more ticks are due within 100 ms; give them up to 2 s. */
	before = ticks;
	for (i = 0; i < 400 && ticks - before < 5; i++)
		nanosleep(&(struct timespec){ 0, 5000000 }, NULL);
	if (ticks - before < 5) {
		fail("only %d ticks in 2 s after restore", ticks - before);
		return 1;
	}
	if (bad_value) {
		fail("a tick came with the wrong si_code or sigev_value");
		return 1;
	}
	pass();
	return 0;
}
