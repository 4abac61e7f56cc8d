/* Private anonymous mappings of several sizes keep their contents; untouched pages stay zero. */
#include <sys/mman.h>
#include <unistd.h>

#include "zdtmlib.h"

#define NR_MAPS 4

int main(int argc, char **argv)
{
	const size_t page = sysconf(_SC_PAGESIZE);
	const size_t pages[NR_MAPS] = { 1, 3, 64, 1024 };
	unsigned char *map[NR_MAPS];
	ssize_t off;
	size_t i, j;

	test_init(argc, argv);
	for (i = 0; i < NR_MAPS; i++) {
		map[i] = mmap(NULL, pages[i] * page, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (map[i] == MAP_FAILED) {
			fail_errno("mmap %zu pages", pages[i]);
			return 1;
		}
		/* Fill every other page; the rest is never touched. */
		for (j = 0; j < pages[i]; j += 2)
			datagen(map[i] + j * page, page, i * 10000 + j);
	}

	test_daemon();
	test_waitsig();

	for (i = 0; i < NR_MAPS; i++)
		for (j = 0; j < pages[i]; j++) {
			unsigned char *p = map[i] + j * page;
			size_t k;

			if (j % 2 == 0) {
				off = datacmp(p, page, i * 10000 + j);
				if (off >= 0) {
					fail("map %zu page %zu differs at byte %zd", i, j, off);
					return 1;
				}
				continue;
			}
			for (k = 0; k < page; k++)
				if (p[k]) {
					fail("map %zu untouched page %zu has data at %zu", i, j, k);
					return 1;
				}
		}
	pass();
	return 0;
}
