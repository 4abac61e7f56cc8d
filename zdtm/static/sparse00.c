/* A huge sparse mapping (64 GiB reserved, a few pages touched) restores the touched pages only. */
#include <sys/mman.h>
#include <unistd.h>

#include "zdtmlib.h"

#define NR_TOUCHED 16

int main(int argc, char **argv)
{
	const size_t page = sysconf(_SC_PAGESIZE), len = 64UL << 30;
	unsigned char *map;
	size_t i;

	test_init(argc, argv);
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		   -1, 0);
	if (map == MAP_FAILED) {
		fail_errno("mmap 64 GiB");
		return 1;
	}
	/* Touched pages spread over the whole range, the last one at the very end. */
	for (i = 0; i < NR_TOUCHED; i++)
		datagen(map + (len - page) / (NR_TOUCHED - 1) / page * page * i, page, i);

	test_daemon();
	test_waitsig();

	for (i = 0; i < NR_TOUCHED; i++) {
		unsigned char *p = map + (len - page) / (NR_TOUCHED - 1) / page * page * i;

		if (datacmp(p, page, i) >= 0) {
			fail("touched page %zu at offset %#zx lost its data", i, (size_t)(p - map));
			return 1;
		}
		if (i + 1 < NR_TOUCHED && p[page / 2 + page] != 0) {
			fail("untouched page after %zu has data", i);
			return 1;
		}
	}
	pass();
	return 0;
}
