/* The dumpable flag is restored per process: the test sets PR_SET_DUMPABLE 0, its child sets it
 * back to 1, and each keeps its own value. */
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "zdtmlib.h"

struct shared {
	volatile uint32_t ready, check, result;	/* result: 1 + dumpable seen by the child */
};

int main(int argc, char **argv)
{
	struct shared *sh;
	pid_t child;
	int d;

	test_init(argc, argv);
	sh = test_shared_alloc(sizeof(*sh));
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)) {
		fail_errno("PR_SET_DUMPABLE");
		return 1;
	}
	child = fork();
	if (child < 0) {
		fail_errno("fork");
		return 1;
	}
	if (child == 0) {
		if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0))
			_exit(1);
		flag_set(&sh->ready, 1);
		flag_wait(&sh->check, 1);
		flag_set(&sh->result, 1 + prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
		_exit(0);
	}
	flag_wait(&sh->ready, 1);

	test_daemon();
	test_waitsig();

	d = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
	flag_set(&sh->check, 1);
	if (wait_exit_code(child) != 0) {
		fail("child failed");
		return 1;
	}
	if (d != 0) {
		fail("the test is dumpable (%d) again", d);
		return 1;
	}
	if (sh->result != 2) {
		fail("the child's dumpable is %d, expected 1", (int)sh->result - 1);
		return 1;
	}
	pass();
	return 0;
}
