/* Many one-page areas with alternating protections, PROT_NONE gaps among them, come back as the
 * same separate areas (exact bounds in /proc/self/maps) with their data. */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "zdtmlib.h"

#define NR_PAGES 60

static const struct {
	int prot;
	const char *perms;
} cycle[] = {
	{ PROT_NONE, "---p" },
	{ PROT_READ, "r--p" },
	{ PROT_READ | PROT_WRITE, "rw-p" },
	{ PROT_NONE, "---p" },
	{ PROT_READ | PROT_EXEC, "r-xp" },
	{ PROT_READ | PROT_WRITE, "rw-p" },
};
#define NR_CYCLE (sizeof(cycle) / sizeof(cycle[0]))

struct area {
	unsigned long start, end;
	char perms[8];
};

/* The maps line containing addr. */
static int area_of(unsigned long addr, struct area *a)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx %7s", &a->start, &a->end, a->perms) == 3 && addr >= a->start &&
		    addr < a->end) {
			fclose(f);
			return 0;
		}
	fclose(f);
	return -1;
}

int main(int argc, char **argv)
{
	const size_t page = sysconf(_SC_PAGESIZE);
	unsigned char *base;
	struct area a;
	size_t i;

	test_init(argc, argv);
	/* Guard holes on both sides, so the first and last areas cannot merge with neighbours. */
	base = mmap(NULL, (NR_PAGES + 2) * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED || munmap(base, page) || munmap(base + (NR_PAGES + 1) * page, page)) {
		fail_errno("mmap");
		return 1;
	}
	base += page;
	for (i = 0; i < NR_PAGES; i++) {
		datagen(base + i * page, page, 500 + i);
		if (mprotect(base + i * page, page, cycle[i % NR_CYCLE].prot)) {
			fail_errno("mprotect page %zu", i);
			return 1;
		}
	}

	test_daemon();
	test_waitsig();

	for (i = 0; i < NR_PAGES; i++) {
		unsigned long addr = (unsigned long)(base + i * page);

		if (area_of(addr, &a)) {
			fail("page %zu is not mapped", i);
			return 1;
		}
		if (a.start != addr || a.end != addr + page || strcmp(a.perms, cycle[i % NR_CYCLE].perms)) {
			fail("page %zu: area %lx-%lx %s, expected %lx-%lx %s", i, a.start, a.end, a.perms, addr,
			     addr + page, cycle[i % NR_CYCLE].perms);
			return 1;
		}
	}
	if (area_of((unsigned long)(base - page), &a) == 0 || area_of((unsigned long)(base + NR_PAGES * page), &a) == 0) {
		fail("a guard hole got mapped");
		return 1;
	}
	for (i = 0; i < NR_PAGES; i++) {
		if (!(cycle[i % NR_CYCLE].prot & PROT_READ) && mprotect(base + i * page, page, PROT_READ)) {
			fail_errno("mprotect to read back");
			return 1;
		}
		if (datacmp(base + i * page, page, 500 + i) >= 0) {
			fail("page %zu lost its data", i);
			return 1;
		}
	}
	pass();
	return 0;
}
