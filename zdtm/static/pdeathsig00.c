/* A child's parent-death signal (PR_SET_PDEATHSIG) is restored. */
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "zdtmlib.h"

enum { CHILD_READY = 1, CHECK = 2 };

int main(int argc, char **argv)
{
	volatile uint32_t *flag;
	pid_t child;
	int code;

	test_init(argc, argv);
	flag = test_shared_alloc(4096);
	/* Set in a child: the test's own parent (the launcher) exits once the test is ready. */
	child = fork();
	if (child < 0) {
		fail_errno("fork");
		return 1;
	}
	if (child == 0) {
		int sig = 0;

		if (prctl(PR_SET_PDEATHSIG, SIGUSR2))
			exit(2);
		flag_set(flag, CHILD_READY);
		flag_wait(flag, CHECK);
		if (prctl(PR_GET_PDEATHSIG, &sig))
			exit(3);
		if (sig != SIGUSR2) {
			test_msg("pdeathsig is %d, expected %d\n", sig, SIGUSR2);
			exit(4);
		}
		exit(0);
	}
	flag_wait(flag, CHILD_READY);

	test_daemon();
	test_waitsig();

	flag_set(flag, CHECK);
	code = wait_exit_code(child);
	if (code) {
		fail("child reports %d (see log)", code);
		return 1;
	}
	pass();
	return 0;
}
