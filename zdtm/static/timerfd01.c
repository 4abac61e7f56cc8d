/* timerfds keep their clock, flags, remaining time and unread expirations: an absolute
 * CLOCK_REALTIME timer (TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET) an hour away, a CLOCK_BOOTTIME
 * one with 1000 s left and a 7 s interval, an expired one-shot with one unread tick, an unarmed one. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "zdtmlib.h"

#ifndef TFD_TIMER_CANCEL_ON_SET
#define TFD_TIMER_CANCEL_ON_SET (1 << 1)
#endif

static double now(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double secs(const struct timespec *ts)
{
	return ts->tv_sec + ts->tv_nsec / 1e9;
}

/* "key: value" of /proc/self/fdinfo/<fd> as a long; -1 if missing. */
static long fdinfo_field(int fd, const char *key, int base)
{
	char path[64], buf[1024], *p;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	if (read_text(path, buf, sizeof(buf)) < 0 || !(p = strstr(buf, key)))
		return -1;
	return strtol(p + strlen(key), NULL, base);
}

int main(int argc, char **argv)
{
	struct itimerspec its, got;
	double deadline, boot0, left, per_left;
	int t_abs, t_per, t_exp, t_off;
	uint64_t ticks;

	test_init(argc, argv);
	t_abs = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK);
	t_per = timerfd_create(CLOCK_BOOTTIME, TFD_NONBLOCK);
	t_exp = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	t_off = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	if (t_abs < 0 || t_per < 0 || t_exp < 0 || t_off < 0) {
		fail_errno("timerfd_create");
		return 1;
	}
	deadline = (long)now(CLOCK_REALTIME) + 3600;
	its = (struct itimerspec){ { 0, 0 }, { (time_t)deadline, 0 } };
	if (timerfd_settime(t_abs, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &its, NULL)) {
		fail_errno("settime abs");
		return 1;
	}
	boot0 = now(CLOCK_BOOTTIME);
	its = (struct itimerspec){ { 7, 0 }, { 1000, 0 } };
	if (timerfd_settime(t_per, 0, &its, NULL)) {
		fail_errno("settime periodic");
		return 1;
	}
	its = (struct itimerspec){ { 0, 0 }, { 0, 1000000 } };
	if (timerfd_settime(t_exp, 0, &its, NULL)) {
		fail_errno("settime one-shot");
		return 1;
	}
	/* Let the one-shot expire; its tick stays unread. */
	do {
		usleep(10000);
	} while (fdinfo_field(t_exp, "ticks:", 10) < 1);
	if (timerfd_gettime(t_per, &got)) {
		fail_errno("gettime");
		return 1;
	}
	per_left = secs(&got.it_value);

	test_daemon();
	test_waitsig();

	if (fdinfo_field(t_abs, "clockid:", 10) != CLOCK_REALTIME || fdinfo_field(t_per, "clockid:", 10) != CLOCK_BOOTTIME ||
	    fdinfo_field(t_exp, "clockid:", 10) != CLOCK_MONOTONIC) {
		fail("a timer is on another clock");
		return 1;
	}
	if (fdinfo_field(t_abs, "settime flags:", 8) != (TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)) {
		fail("absolute timer: settime flags %#lo, expected %#o", fdinfo_field(t_abs, "settime flags:", 8),
		     TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET);
		return 1;
	}
	if (timerfd_gettime(t_per, &got)) {
		fail_errno("gettime");
		return 1;
	}
	/* A relative timer may stand still while the task is frozen, but never gains time back. */
	left = 1000 - (now(CLOCK_BOOTTIME) - boot0);
	if (got.it_interval.tv_sec != 7 || got.it_interval.tv_nsec || secs(&got.it_value) > per_left ||
	    secs(&got.it_value) < left - 1) {
		fail("periodic timer: %.3f s left every %.3f s, expected %.3f..%.3f every 7", secs(&got.it_value),
		     secs(&got.it_interval), left - 1, per_left);
		return 1;
	}
	if (read(t_exp, &ticks, 8) != 8 || ticks != 1) {
		fail("the expired one-shot timer's unread tick is lost");
		return 1;
	}
	if (timerfd_gettime(t_exp, &got) || got.it_value.tv_sec || got.it_value.tv_nsec) {
		fail("the expired one-shot timer is armed again");
		return 1;
	}
	if (timerfd_gettime(t_off, &got) || got.it_value.tv_sec || got.it_value.tv_nsec || got.it_interval.tv_sec ||
	    got.it_interval.tv_nsec || read(t_off, &ticks, 8) != -1 || errno != EAGAIN) {
		fail("the unarmed timer is armed or has ticks");
		return 1;
	}
	if (read(t_per, &ticks, 8) != -1 || errno != EAGAIN || read(t_abs, &ticks, 8) != -1 || errno != EAGAIN) {
		fail("a timer far from expiry has ticks");
		return 1;
	}
	/* An absolute timer expires at its wall-clock deadline, whatever time the dump took. */
	if (timerfd_gettime(t_abs, &got)) {
		fail_errno("gettime");
		return 1;
	}
	left = deadline - now(CLOCK_REALTIME);
	if (got.it_interval.tv_sec || got.it_interval.tv_nsec || secs(&got.it_value) > left + 1 ||
	    secs(&got.it_value) < left - 1) {
		fail("absolute timer: %.3f s left, expected %.3f", secs(&got.it_value), left);
		return 1;
	}
	pass();
	return 0;
}
