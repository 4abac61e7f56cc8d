/* The program break and the heap above it are restored; the heap can still grow and shrink. */
#include <unistd.h>

#include "zdtmlib.h"

#define GROWTH (1 << 20)

int main(int argc, char **argv)
{
	unsigned char *start, *end_before, *end_after;

	test_init(argc, argv);
	start = sbrk(GROWTH);
	if (start == (void *)-1) {
		fail_errno("sbrk");
		return 1;
	}
	datagen(start, GROWTH, 42);
	end_before = sbrk(0);

	test_daemon();
	test_waitsig();

	end_after = sbrk(0);
	if (end_after != end_before) {
		fail("break is %p, expected %p", (void *)end_after, (void *)end_before);
		return 1;
	}
	if (datacmp(start, GROWTH, 42) >= 0) {
		fail("heap lost its data");
		return 1;
	}
	if (sbrk(GROWTH) == (void *)-1) {
		fail_errno("heap cannot grow after restore");
		return 1;
	}
	end_after[GROWTH - 1] = 1;
	if (brk(end_before)) {
		fail_errno("heap cannot shrink after restore");
		return 1;
	}
	pass();
	return 0;
}
