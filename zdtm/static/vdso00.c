/* vDSO time calls keep working after restore, and CLOCK_MONOTONIC never goes backwards. */
#include <time.h>

#include "zdtmlib.h"

static long long ns_of(const struct timespec *ts)
{
	return ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

int main(int argc, char **argv)
{
	struct timespec before, now, prev;
	long long calls = 0;

	test_init(argc, argv);
	if (clock_gettime(CLOCK_MONOTONIC, &before)) {
		fail_errno("clock_gettime");
		return 1;
	}

	test_daemon();
	test_waitsig();

	/* Many calls in a row: the fast path through the vDSO, each one no earlier than the last. */
	prev = before;
	for (calls = 0; calls < 1000000; calls++) {
		if (clock_gettime(CLOCK_MONOTONIC, &now)) {
			fail_errno("clock_gettime after restore");
			return 1;
		}
		if (ns_of(&now) < ns_of(&prev)) {
			fail("CLOCK_MONOTONIC went back by %lld ns at call %lld",
			     ns_of(&prev) - ns_of(&now), calls);
			return 1;
		}
		prev = now;
	}
	if (clock_gettime(CLOCK_REALTIME, &now) || now.tv_sec < 1500000000) {
		fail("CLOCK_REALTIME is implausible: %lld", (long long)now.tv_sec);
		return 1;
	}
	pass();
	return 0;
}
