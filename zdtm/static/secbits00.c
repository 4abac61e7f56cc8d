/* Securebits set with PR_SET_SECUREBITS (KEEP_CAPS, NO_SETUID_FIXUP, NOROOT) are restored, and
 * PR_GET_KEEPCAPS agrees. */
#include <linux/securebits.h>
#include <sys/prctl.h>

#include "zdtmlib.h"

#define BITS (SECBIT_KEEP_CAPS | SECBIT_NO_SETUID_FIXUP | SECBIT_NOROOT)

int main(int argc, char **argv)
{
	int got;

	test_init(argc, argv);
	if (prctl(PR_SET_SECUREBITS, BITS, 0, 0, 0)) {
		fail_errno("PR_SET_SECUREBITS");
		return 1;
	}

	test_daemon();
	test_waitsig();

	got = prctl(PR_GET_SECUREBITS, 0, 0, 0, 0);
	if (got != BITS) {
		fail("securebits %#x, expected %#x", got, BITS);
		return 1;
	}
	if (prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0) != 1) {
		fail("PR_GET_KEEPCAPS is not 1");
		return 1;
	}
	pass();
	return 0;
}
