/* A three-level tree (test, child, grandchild) keeps its shape and its pids. */
#include <stdlib.h>
#include <unistd.h>

#include "zdtmlib.h"

/* Shared between the three processes; each field is written by one of them only. */
struct tree {
	uint32_t ready;
	uint32_t check;
	pid_t grandchild_parent_after;
};

int main(int argc, char **argv)
{
	struct tree *t;
	pid_t child;
	int code;

	test_init(argc, argv);
	t = test_shared_alloc(4096);
	child = fork();
	if (child < 0) {
		fail_errno("fork");
		return 1;
	}
	if (child == 0) {
		pid_t gc = fork();

		if (gc == 0) {
			flag_set(&t->ready, 1);
			flag_wait(&t->check, 1);
			t->grandchild_parent_after = getppid();
			exit(33);
		}
		/*
		 * The middle process reaps its own child and passes on the verdict. It waits for
		 * the check first: wait_exit_code's time limit must not run out before the dump
		 * (under emulation, getting to the dump takes longer than the limit).
		 */
		flag_wait(&t->check, 1);
		exit(wait_exit_code(gc) == 33 ? 22 : 1);
	}
	flag_wait(&t->ready, 1);

	test_daemon();
	test_waitsig();

	flag_set(&t->check, 1);
	code = wait_exit_code(child);
	if (code != 22) {
		fail("child exited with %d: grandchild did not finish normally", code);
		return 1;
	}
	if (t->grandchild_parent_after != child) {
		fail("grandchild's parent is %d, expected the child %d", t->grandchild_parent_after,
		     child);
		return 1;
	}
	pass();
	return 0;
}
