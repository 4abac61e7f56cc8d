/* The no_new_privs bit, which can never be cleared, is restored. */
#include <sys/prctl.h>

#include "zdtmlib.h"

int main(int argc, char **argv)
{
	int got;

	test_init(argc, argv);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		fail_errno("PR_SET_NO_NEW_PRIVS");
		return 1;
	}

	test_daemon();
	test_waitsig();

	got = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
	if (got != 1) {
		fail("no_new_privs is %d, expected 1", got);
		return 1;
	}
	pass();
	return 0;
}
