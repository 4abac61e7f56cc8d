/* mremap(MREMAP_DONTUNMAP) moves the pages of an area and leaves the old range mapped but empty:
 * after restore the new range has the data and the old one is still there, reading zero. */
#include <sys/mman.h>
#include <unistd.h>

#include "zdtmlib.h"

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif

#define NR 8

int main(int argc, char **argv)
{
	const size_t page = sysconf(_SC_PAGESIZE), len = NR * page;
	unsigned char *old, *new;
	size_t i;

	test_init(argc, argv);
	old = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (old == MAP_FAILED) {
		fail_errno("mmap");
		return 1;
	}
	datagen(old, len, 77);
	new = mremap(old, len, len, MREMAP_MAYMOVE | MREMAP_DONTUNMAP);
	if (new == MAP_FAILED) {
		fail_errno("mremap(MREMAP_DONTUNMAP)");
		return 1;
	}
	/* The old range gets data of its own in one page: it is still a live mapping. */
	datagen(old + 3 * page, page, 78);

	test_daemon();
	test_waitsig();

	if (datacmp(new, len, 77) >= 0) {
		fail("the moved pages lost their data at byte %zd", datacmp(new, len, 77));
		return 1;
	}
	for (i = 0; i < NR; i++) {
		if (msync(old + i * page, page, MS_ASYNC)) {
			fail_errno("old page %zu is no longer mapped", i);
			return 1;
		}
		if (i == 3) {
			if (datacmp(old + i * page, page, 78) >= 0) {
				fail("the page written in the old range lost its data");
				return 1;
			}
			continue;
		}
		for (size_t j = 0; j < page; j++)
			if (old[i * page + j]) {
				fail("old page %zu reads non-zero at %zu", i, j);
				return 1;
			}
	}
	pass();
	return 0;
}
