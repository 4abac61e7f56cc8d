/* Holes punched with MADV_DONTNEED read as zero; the pages around them keep their data. */
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "zdtmlib.h"

#define NR_PAGES 32

static int is_zero(const unsigned char *p, size_t len)
{
	while (len--)
		if (*p++)
			return 0;
	return 1;
}

int main(int argc, char **argv)
{
	const size_t page = sysconf(_SC_PAGESIZE), len = NR_PAGES * page;
	unsigned char *map, *expect;
	size_t i;

	test_init(argc, argv);
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED) {
		fail_errno("mmap");
		return 1;
	}
	datagen(map, len, 5);
	/* Every third page is dropped. */
	for (i = 0; i < NR_PAGES; i += 3)
		if (madvise(map + i * page, page, MADV_DONTNEED)) {
			fail_errno("madvise");
			return 1;
		}

	test_daemon();
	test_waitsig();

	expect = malloc(len);
	if (!expect) {
		fail("malloc");
		return 1;
	}
	datagen(expect, len, 5);
	for (i = 0; i < NR_PAGES; i++) {
		unsigned char *p = map + i * page;

		if (i % 3 == 0 && !is_zero(p, page)) {
			fail("dropped page %zu is not zero", i);
			return 1;
		}
		if (i % 3 != 0 && memcmp(p, expect + i * page, page)) {
			fail("kept page %zu lost its data", i);
			return 1;
		}
	}
	pass();
	return 0;
}
