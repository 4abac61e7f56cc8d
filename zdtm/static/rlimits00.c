/* Every resource limit is restored; some soft limits were lowered below their hard limits. */
#include <sys/resource.h>

#include "zdtmlib.h"

/* Lowering a soft limit needs no privilege; raising a hard one would need CAP_SYS_RESOURCE. */
static const int lowered[] = { RLIMIT_NOFILE, RLIMIT_CORE, RLIMIT_STACK, RLIMIT_FSIZE,
			       RLIMIT_NPROC, RLIMIT_MSGQUEUE };

int main(int argc, char **argv)
{
	struct rlimit before[RLIM_NLIMITS], after;
	unsigned i;
	int r;

	test_init(argc, argv);
	for (i = 0; i < sizeof(lowered) / sizeof(lowered[0]); i++) {
		struct rlimit rl;

		if (getrlimit(lowered[i], &rl)) {
			fail_errno("getrlimit %d", lowered[i]);
			return 1;
		}
		/* A distinctive value below the hard limit (and below infinity). */
		rl.rlim_cur = rl.rlim_max == RLIM_INFINITY ? 1000003 + i : rl.rlim_max / 2 + i;
		if (lowered[i] == RLIMIT_NOFILE && rl.rlim_cur < 600)
			rl.rlim_cur = rl.rlim_max;	/* the library keeps an fd near 500 */
		if (setrlimit(lowered[i], &rl)) {
			fail_errno("setrlimit %d", lowered[i]);
			return 1;
		}
	}
	for (r = 0; r < RLIM_NLIMITS; r++)
		if (getrlimit(r, &before[r])) {
			fail_errno("getrlimit %d", r);
			return 1;
		}

	test_daemon();
	test_waitsig();

	for (r = 0; r < RLIM_NLIMITS; r++) {
		if (getrlimit(r, &after)) {
			fail_errno("getrlimit %d", r);
			return 1;
		}
		if (after.rlim_cur != before[r].rlim_cur || after.rlim_max != before[r].rlim_max) {
			fail("rlimit %d is %llu/%llu, expected %llu/%llu", r,
			     (unsigned long long)after.rlim_cur, (unsigned long long)after.rlim_max,
			     (unsigned long long)before[r].rlim_cur,
			     (unsigned long long)before[r].rlim_max);
			return 1;
		}
	}
	pass();
	return 0;
}
