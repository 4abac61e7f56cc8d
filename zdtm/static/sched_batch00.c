/* SCHED_BATCH with a nice value is restored (policy and nice are separate attributes). */
#include <sched.h>
#include <sys/resource.h>

#include "zdtmlib.h"

int main(int argc, char **argv)
{
	struct sched_param sp = { .sched_priority = 0 };
	int policy, prio;

	test_init(argc, argv);
	if (sched_setscheduler(0, SCHED_BATCH, &sp) || setpriority(PRIO_PROCESS, 0, 5)) {
		fail_errno("SCHED_BATCH, nice 5");
		return 1;
	}

	test_daemon();
	test_waitsig();

	policy = sched_getscheduler(0);
	if (policy != SCHED_BATCH) {
		fail("policy is %d, expected SCHED_BATCH (%d)", policy, SCHED_BATCH);
		return 1;
	}
	errno = 0;
	prio = getpriority(PRIO_PROCESS, 0);
	if (prio != 5) {
		fail("nice is %d, expected 5", prio);
		return 1;
	}
	pass();
	return 0;
}
