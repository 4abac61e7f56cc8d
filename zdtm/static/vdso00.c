/* vDSO time calls work throughout: while being checkpointed and after restore, CLOCK_MONOTONIC
 * never goes backwards. */
#include <time.h>

#include "zdtmlib.h"

static long long ns_of(const struct timespec *ts)
{
	return ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

/* Reads CLOCK_MONOTONIC into *prev; 0, or -1 (with a FAIL line) if it failed or went back. */
static int monotonic_step(struct timespec *prev, long long call)
{
	struct timespec now;

	if (clock_gettime(CLOCK_MONOTONIC, &now)) {
		fail_errno("clock_gettime at call %lld", call);
		return -1;
	}
	if (ns_of(&now) < ns_of(prev)) {
		fail("CLOCK_MONOTONIC went back by %lld ns at call %lld", ns_of(prev) - ns_of(&now), call);
		return -1;
	}
	*prev = now;
	return 0;
}

int main(int argc, char **argv)
{
	struct timespec prev, real;
	long long calls = 0, end;

	test_init(argc, argv);
	if (clock_gettime(CLOCK_MONOTONIC, &prev)) {
		fail_errno("clock_gettime");
		return 1;
	}

	test_daemon();
	/* Keep calling through the vDSO while the checkpoint happens, with short sleeps between. */
	while (test_go()) {
		if (monotonic_step(&prev, calls++))
			return 1;
		if (calls % 1000 == 0)
			nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
	}
	test_waitsig();

	/* Then many calls in a row: the fast path through the (possibly moved) vDSO. */
	for (end = calls + 1000000; calls < end;)
		if (monotonic_step(&prev, calls++))
			return 1;
	if (clock_gettime(CLOCK_REALTIME, &real) || real.tv_sec < 1500000000) {
		fail("CLOCK_REALTIME is implausible: %lld", (long long)real.tv_sec);
		return 1;
	}
	test_msg("%lld calls\n", calls);
	pass();
	return 0;
}
