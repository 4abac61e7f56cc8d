/* The child-subreaper attribute is restored and still takes orphaned grandchildren. */
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "zdtmlib.h"

int main(int argc, char **argv)
{
	int on = 0, code;
	pid_t child;

	test_init(argc, argv);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1)) {
		fail_errno("PR_SET_CHILD_SUBREAPER");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (prctl(PR_GET_CHILD_SUBREAPER, &on) || on != 1) {
		fail("subreaper is %d, expected 1", on);
		return 1;
	}
	/* A grandchild orphaned by its parent must be reparented to us. */
	child = fork();
	if (child == 0) {
		if (fork() == 0) {
			usleep(100000);
			_exit(7);
		}
		_exit(0);
	}
	if (wait_exit_code(child) != 0) {
		fail("intermediate child failed");
		return 1;
	}
	code = wait_exit_code(-1);
	if (code != 7) {
		fail("orphaned grandchild not reaped by us (got %d)", code);
		return 1;
	}
	pass();
	return 0;
}
