/* Anonymous areas changed with mremap() (moved to a fixed spot, grown in place, grown by moving,
 * shrunk) keep their data at their new addresses; old ranges stay unmapped, grown tails read zero. */
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "zdtmlib.h"

#define NR 4	/* pages in each area before mremap */

/* 1 if [addr, addr+len) is wholly mapped, 0 if wholly unmapped, -1 if partly. */
static int mapped(void *addr, size_t len, size_t page)
{
	size_t off, n = 0;

	for (off = 0; off < len; off += page)
		if (msync((char *)addr + off, page, MS_ASYNC) == 0)
			n++;
	return n == len / page ? 1 : n == 0 ? 0 : -1;
}

static int zero(const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i])
			return 0;
	return 1;
}

int main(int argc, char **argv)
{
	const size_t page = sysconf(_SC_PAGESIZE), len = NR * page;
	unsigned char *moved_from, *moved, *inplace, *grow_from, *grown, *shrunk, *target;
	const int prot = PROT_READ | PROT_WRITE, flags = MAP_PRIVATE | MAP_ANONYMOUS;

	test_init(argc, argv);

	/* Every area is mapped first, so no later mmap can reuse a range freed by mremap. */
	moved_from = mmap(NULL, len, prot, flags, -1, 0);
	target = mmap(NULL, len, PROT_NONE, flags, -1, 0);
	inplace = mmap(NULL, 4 * len, prot, flags, -1, 0);
	grow_from = mmap(NULL, 2 * len, prot, flags, -1, 0);
	shrunk = mmap(NULL, len, prot, flags, -1, 0);
	if (moved_from == MAP_FAILED || target == MAP_FAILED || inplace == MAP_FAILED ||
	    grow_from == MAP_FAILED || shrunk == MAP_FAILED) {
		fail_errno("mmap");
		return 1;
	}
	/* A hole after inplace to grow into; a read-only neighbour that makes grow_from move. */
	if (munmap(inplace + len, 3 * len) || mprotect(grow_from + len, len, PROT_READ)) {
		fail_errno("munmap/mprotect");
		return 1;
	}
	datagen(moved_from, len, 1);
	datagen(inplace, len, 2);
	datagen(grow_from, len, 4);
	datagen(shrunk, len, 6);

	/* 1: moved onto the reserved range (MREMAP_FIXED). */
	moved = mremap(moved_from, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, target);
	if (moved != target) {
		fail_errno("mremap fixed");
		return 1;
	}
	/* 2: grown in place to 4x; one page of the new tail is written, the rest stays untouched. */
	if (mremap(inplace, len, 4 * len, 0) != inplace) {
		fail_errno("mremap in place");
		return 1;
	}
	datagen(inplace + 2 * len, page, 3);
	/* 3: grown 3x by moving. */
	grown = mremap(grow_from, len, 3 * len, MREMAP_MAYMOVE);
	if (grown == MAP_FAILED || grown == grow_from) {
		fail_errno("mremap grow by moving (got %p, was %p)", (void *)grown, (void *)grow_from);
		return 1;
	}
	datagen(grown + len, page, 5);
	if (munmap(grow_from + len, len)) {
		fail_errno("munmap");
		return 1;
	}
	/* 4: shrunk to its first page. */
	if (mremap(shrunk, len, page, 0) != shrunk) {
		fail_errno("mremap shrink");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (mapped(moved_from, len, page) != 0 || mapped(moved, len, page) != 1) {
		fail("moved area: old range mapped %d, new range mapped %d", mapped(moved_from, len, page),
		     mapped(moved, len, page));
		return 1;
	}
	if (datacmp(moved, len, 1) >= 0) {
		fail("moved area lost its data at byte %zd", datacmp(moved, len, 1));
		return 1;
	}
	if (mapped(inplace, 4 * len, page) != 1 || datacmp(inplace, len, 2) >= 0 ||
	    !zero(inplace + len, len) || datacmp(inplace + 2 * len, page, 3) >= 0 ||
	    !zero(inplace + 2 * len + page, len - page) || !zero(inplace + 3 * len, len)) {
		fail("area grown in place: wrong data or zero tail");
		return 1;
	}
	if (mapped(grow_from, len, page) != 0 || mapped(grown, 3 * len, page) != 1 ||
	    datacmp(grown, len, 4) >= 0 || datacmp(grown + len, page, 5) >= 0 ||
	    !zero(grown + len + page, 2 * len - page)) {
		fail("area grown by moving: wrong mapping or data");
		return 1;
	}
	if (mapped(shrunk, page, page) != 1 || mapped(shrunk + page, len - page, page) != 0 ||
	    datacmp(shrunk, page, 6) >= 0) {
		fail("shrunk area: wrong size or data");
		return 1;
	}
	/* The restored areas are plain anonymous memory that mremap can still grow. */
	grown = mremap(grown, 3 * len, 4 * len, MREMAP_MAYMOVE);
	if (grown == MAP_FAILED || datacmp(grown, len, 4) >= 0 || !zero(grown + 3 * len, len)) {
		fail_errno("mremap after restore");
		return 1;
	}
	pass();
	return 0;
}
