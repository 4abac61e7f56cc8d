/*
 * Pages of a shared anonymous object that no page table maps keep their data: MADV_DONTNEED
 * on a shared mapping only drops the mapping's entries, the object keeps the pages. A dump
 * that looks only at the pages present in the mapping (as a second dump after a restore
 * must, where the restore filled the object without touching it) would lose them.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "zdtmlib.h"

#define PAGES 64

int main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned char *map, *copy;
	size_t len = PAGES * page;

	test_init(argc, argv);
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	copy = malloc(len);
	if (map == MAP_FAILED || !copy) {
		fail_errno("mmap");
		return 1;
	}
	datagen(map, len, 17);
	memcpy(copy, map, len);
	/* Every other page leaves the page tables but stays in the object. */
	for (int i = 0; i < PAGES; i += 2)
		if (madvise(map + i * page, page, MADV_DONTNEED)) {
			fail_errno("madvise");
			return 1;
		}

	test_daemon();
	test_waitsig();

	for (int i = 0; i < PAGES; i++)
		if (memcmp(map + i * page, copy + i * page, page)) {
			fail("page %d of the shared object lost its data", i);
			return 1;
		}
	pass();
	return 0;
}
