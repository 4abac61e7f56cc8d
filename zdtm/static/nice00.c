/* A raised nice value (lower priority) is restored. */
#include <sys/resource.h>

#include "zdtmlib.h"

int main(int argc, char **argv)
{
	int prio;

	test_init(argc, argv);
	if (setpriority(PRIO_PROCESS, 0, 13)) {
		fail_errno("setpriority 13");
		return 1;
	}

	test_daemon();
	test_waitsig();

	errno = 0;
	prio = getpriority(PRIO_PROCESS, 0);
	if (prio != 13) {
		fail("nice is %d, expected 13", prio);
		return 1;
	}
	pass();
	return 0;
}
