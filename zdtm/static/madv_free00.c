/* MADV_FREE'd pages: pages written again after MADV_FREE keep their new data, untouched
 * neighbours keep theirs, and a freed page not written again reads either its old data or zeros
 * (the kernel may drop it), never anything else. */
#include <sys/mman.h>
#include <unistd.h>

#include "zdtmlib.h"

#define NR_PAGES 64
#define FREE_FROM 16
#define FREE_TO 48	/* freed: [16, 48) */
#define REWRITE_FROM 28
#define REWRITE_TO 36	/* rewritten after the free: [28, 36) */

static int is_zero(const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i])
			return 0;
	return 1;
}

int main(int argc, char **argv)
{
	long ps = sysconf(_SC_PAGESIZE);
	unsigned char *area;
	int i, dropped = 0;

	test_init(argc, argv);
	area = mmap(NULL, NR_PAGES * ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED) {
		fail_errno("mmap");
		return 1;
	}
	for (i = 0; i < NR_PAGES; i++)
		datagen(area + i * ps, ps, i);
	if (madvise(area + FREE_FROM * ps, (FREE_TO - FREE_FROM) * ps, MADV_FREE)) {
		fail_errno("madvise(MADV_FREE)");
		return 1;
	}
	for (i = REWRITE_FROM; i < REWRITE_TO; i++)
		datagen(area + i * ps, ps, 1000 + i);

	test_daemon();
	test_waitsig();

	for (i = 0; i < NR_PAGES; i++) {
		unsigned char *page = area + i * ps;

		if (i >= REWRITE_FROM && i < REWRITE_TO) {
			if (datacmp(page, ps, 1000 + i) >= 0) {
				fail("page %d, written after MADV_FREE, lost its data", i);
				return 1;
			}
		} else if (i >= FREE_FROM && i < FREE_TO) {
			if (is_zero(page, ps))
				dropped++;
			else if (datacmp(page, ps, i) >= 0) {
				fail("freed page %d holds neither its data nor zeros", i);
				return 1;
			}
		} else if (datacmp(page, ps, i) >= 0) {
			fail("page %d, never freed, lost its data", i);
			return 1;
		}
	}
	test_msg("%d freed pages came back as zeros\n", dropped);
	pass();
	return 0;
}
