/* A MAP_GROWSDOWN area keeps its data and its ability to grow down after restore. */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "zdtmlib.h"

/* Start of the mapping containing addr, per /proc/self/maps (0 if none). */
static unsigned long vma_start(const void *addr)
{
	FILE *f = fopen("/proc/self/maps", "r");
	unsigned long start, end, found = 0;
	char line[512];

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx", &start, &end) == 2 && (unsigned long)addr >= start &&
		    (unsigned long)addr < end)
			found = start;
	fclose(f);
	return found;
}

int main(int argc, char **argv)
{
	const size_t page = sysconf(_SC_PAGESIZE), len = 8 * page;
	unsigned char *base, *below;
	unsigned long start_before, start_after;

	test_init(argc, argv);
	/* A gap above keeps other mappings from merging with it. */
	base = mmap(NULL, len + 2048 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED || munmap(base, len + 2048 * page)) {
		fail_errno("reserve");
		return 1;
	}
	base += 1024 * page;
	base = mmap(base, len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN | MAP_FIXED_NOREPLACE, -1, 0);
	if (base == MAP_FAILED) {
		fail_errno("mmap MAP_GROWSDOWN");
		return 1;
	}
	datagen(base, len, 9);
	start_before = vma_start(base);

	test_daemon();
	test_waitsig();

	start_after = vma_start(base);
	if (start_after != start_before) {
		fail("area starts at %#lx, expected %#lx", start_after, start_before);
		return 1;
	}
	if (datacmp(base, len, 9) >= 0) {
		fail("area lost its data");
		return 1;
	}
	/* Touching the page just below must grow the area instead of faulting. */
	below = base - page;
	memset(below, 0x5a, page);
	if (vma_start(below) != start_before - page || below[page - 1] != 0x5a) {
		fail("area did not grow down (starts at %#lx)", vma_start(below));
		return 1;
	}
	pass();
	return 0;
}
