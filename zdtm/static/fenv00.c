/* The floating-point environment is restored: rounding mode and raised exception flags. */
#include <fenv.h>

#include "zdtmlib.h"

/* 1/3 in the current rounding mode; volatile keeps the compiler from folding it. */
static double one_third(void)
{
	volatile double one = 1.0, three = 3.0;

	return one / three;
}

int main(int argc, char **argv)
{
	double upward, downward, now;

	test_init(argc, argv);
	if (fesetround(FE_DOWNWARD)) {
		fail("fesetround(FE_DOWNWARD)");
		return 1;
	}
	downward = one_third();
	if (fesetround(FE_UPWARD)) {
		fail("fesetround(FE_UPWARD)");
		return 1;
	}
	upward = one_third();
	if (upward == downward) {
		fail("rounding modes have no effect on this machine");
		return 1;
	}
	feclearexcept(FE_ALL_EXCEPT);
	feraiseexcept(FE_DIVBYZERO | FE_INEXACT);

	test_daemon();
	test_waitsig();

	if (fetestexcept(FE_ALL_EXCEPT) != (FE_DIVBYZERO | FE_INEXACT)) {
		fail("exception flags %#x, expected %#x", fetestexcept(FE_ALL_EXCEPT),
		     FE_DIVBYZERO | FE_INEXACT);
		return 1;
	}
	if (fegetround() != FE_UPWARD) {
		fail("rounding mode %#x, expected FE_UPWARD (%#x)", fegetround(), FE_UPWARD);
		return 1;
	}
	now = one_third();
	if (now != upward) {
		fail("1/3 rounds to %a, expected %a (upward)", now, upward);
		return 1;
	}
	pass();
	return 0;
}
