/* The execution domain flags (personality) are restored. */
#include <sys/personality.h>

#include "zdtmlib.h"

int main(int argc, char **argv)
{
	/* Flags every arch accepts: no layout randomisation, 3 GiB-style layout, short inode numbers. */
	const unsigned long want = PER_LINUX | ADDR_NO_RANDOMIZE | ADDR_COMPAT_LAYOUT | SHORT_INODE;
	int got;

	test_init(argc, argv);
	if (personality(want) < 0) {
		fail_errno("personality(%#lx)", want);
		return 1;
	}

	test_daemon();
	test_waitsig();

	got = personality(0xffffffff);
	if ((unsigned long)got != want) {
		fail("personality is %#x, expected %#lx", got, want);
		return 1;
	}
	pass();
	return 0;
}
