/*
 * POSIX timers keep their ids when the ids have gaps: of timers 0..5 only 1, 3 and 5 are left,
 * each armed an hour away with its own interval, so every id must come back with its own setting.
 */
#include <time.h>

#include "zdtmlib.h"

#define NR_CREATED 6

int main(int argc, char **argv)
{
	struct sigevent sev = { .sigev_notify = SIGEV_NONE };
	timer_t ids[NR_CREATED];
	int i;

	test_init(argc, argv);
	for (i = 0; i < NR_CREATED; i++) {
		if (timer_create(CLOCK_MONOTONIC, &sev, &ids[i])) {
			fail_errno("timer_create %d", i);
			return 1;
		}
	}
	for (i = 0; i < NR_CREATED; i++) {
		struct itimerspec spec = { { 100 + i, 0 }, { 3600, 0 } };
		if (i % 2 == 0 ? timer_delete(ids[i]) : timer_settime(ids[i], 0, &spec, NULL)) {
			fail_errno("timer %d", i);
			return 1;
		}
	}

	test_daemon();
	test_waitsig();

	for (i = 1; i < NR_CREATED; i += 2) {
		struct itimerspec got;
		if (timer_gettime(ids[i], &got)) {
			fail_errno("timer_gettime of id %ld", (long)(intptr_t)ids[i]);
			return 1;
		}
		if (got.it_interval.tv_sec != 100 + i || got.it_value.tv_sec <= 3000) {
			fail("timer %ld: interval %ld s, %ld s left", (long)(intptr_t)ids[i],
			     (long)got.it_interval.tv_sec, (long)got.it_value.tv_sec);
			return 1;
		}
	}
	for (i = 0; i < NR_CREATED; i += 2) {
		struct itimerspec got;
		if (timer_gettime(ids[i], &got) == 0) {
			fail("the deleted timer %ld exists again", (long)(intptr_t)ids[i]);
			return 1;
		}
	}
	pass();
	return 0;
}
