/* Process groups are restored: children in the test's group, in their own group, and in a sibling's. */
#include <stdlib.h>
#include <unistd.h>

#include "zdtmlib.h"

#define NR_CHILDREN 3

int main(int argc, char **argv)
{
	volatile uint32_t *flags;
	pid_t kids[NR_CHILDREN], want[NR_CHILDREN], got;
	int i;

	test_init(argc, argv);
	flags = test_shared_alloc(4096);
	for (i = 0; i < NR_CHILDREN; i++) {
		kids[i] = fork();
		if (kids[i] < 0) {
			fail_errno("fork");
			return 1;
		}
		if (kids[i] == 0) {
			flag_wait(&flags[0], 1);
			exit(0);
		}
	}
	/* kid 0 stays in our group; kid 1 leads a new group; kid 2 joins kid 1's group. */
	if (setpgid(kids[1], kids[1]) || setpgid(kids[2], kids[1])) {
		fail_errno("setpgid");
		return 1;
	}
	want[0] = getpgid(0);
	want[1] = want[2] = kids[1];

	test_daemon();
	test_waitsig();

	if (getpgid(0) != getpid()) {
		fail("the test no longer leads its group");
		return 1;
	}
	for (i = 0; i < NR_CHILDREN; i++) {
		got = getpgid(kids[i]);
		if (got != want[i]) {
			fail("child %d is in group %d, expected %d", i, got, want[i]);
			return 1;
		}
	}
	flag_set(&flags[0], 1);
	for (i = 0; i < NR_CHILDREN; i++)
		wait_exit_code(kids[i]);
	pass();
	return 0;
}
