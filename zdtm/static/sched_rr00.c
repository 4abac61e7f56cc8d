/* A real-time scheduling policy (SCHED_RR) and its priority are restored. */
#include <sched.h>

#include "zdtmlib.h"

int main(int argc, char **argv)
{
	struct sched_param sp = { .sched_priority = 7 };
	int policy;

	test_init(argc, argv);
	if (sched_setscheduler(0, SCHED_RR, &sp)) {
		fail_errno("sched_setscheduler(SCHED_RR, 7)");
		return 1;
	}

	test_daemon();
	test_waitsig();

	policy = sched_getscheduler(0);
	if (policy != SCHED_RR || sched_getparam(0, &sp)) {
		fail("policy is %d, expected SCHED_RR (%d)", policy, SCHED_RR);
		return 1;
	}
	if (sp.sched_priority != 7) {
		fail("priority is %d, expected 7", sp.sched_priority);
		return 1;
	}
	pass();
	return 0;
}
