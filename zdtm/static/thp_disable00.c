/* prctl(PR_SET_THP_DISABLE) of the process reads back the same after restore, and a child forked
 * after restore inherits it. */
#include <sys/prctl.h>
#include <stdlib.h>
#include <unistd.h>

#include "zdtmlib.h"

int main(int argc, char **argv)
{
	pid_t child;
	int got;

	test_init(argc, argv);
	if (prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0)) {
		fail_errno("PR_SET_THP_DISABLE");
		return 1;
	}

	test_daemon();
	test_waitsig();

	got = prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0);
	if (got != 1) {
		fail("PR_GET_THP_DISABLE reads %d after restore, 1 before", got);
		return 1;
	}
	child = fork();
	if (child == 0)
		exit(prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0) == 1 ? 0 : 1);
	if (wait_exit_code(child)) {
		fail("a child forked after restore does not inherit THP-disable");
		return 1;
	}
	pass();
	return 0;
}
