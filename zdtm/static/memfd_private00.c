/* A private mapping of a memfd keeps both kinds of its pages: those the task wrote stay its own
 * private copies (the memfd never sees them), those it did not write still show the memfd's
 * pages, including writes made through the fd after restore. Also with the fd closed and at an
 * offset into a larger memfd: the mapping alone keeps the memfd. */
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "zdtmlib.h"

#define NR_PAGES 16
#define SKIP 3 /* pages of the second memfd before its mapping */

int main(int argc, char **argv)
{
	const size_t page = sysconf(_SC_PAGESIZE), len = NR_PAGES * page;
	unsigned char *file = malloc(len), *mem, *alone, *buf = malloc(len);
	int fd, other, i;

	test_init(argc, argv);
	fd = memfd_create("zdtm-private", 0);
	other = memfd_create("zdtm-private-alone", 0);
	datagen(file, len, 1);
	if (fd < 0 || other < 0 || write_all(fd, file, len) || ftruncate(other, SKIP * page) ||
	    pwrite(other, file, len, SKIP * page) != (ssize_t)len) {
		fail_errno("memfd");
		return 1;
	}
	mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	alone = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, other, SKIP * page);
	if (mem == MAP_FAILED || alone == MAP_FAILED) {
		fail_errno("mmap");
		return 1;
	}
	close(other);
	/* Even pages: private copies with data of their own; odd pages: read only, the file's. */
	for (i = 0; i < NR_PAGES; i++) {
		if (i % 2 == 0) {
			datagen(mem + i * page, page, 100 + i);
			datagen(alone + i * page, page, 200 + i);
		} else if (mem[i * page] + alone[i * page] == 0x1ff) {
			test_msg("(touch)\n");
		}
	}

	test_daemon();
	test_waitsig();

	for (i = 0; i < NR_PAGES; i++) {
		const unsigned char *want = file + i * page;

		if (i % 2 == 0 ? datacmp(mem + i * page, page, 100 + i) >= 0 : memcmp(mem + i * page, want, page)) {
			fail("page %d of the private mapping is wrong (%s)", i, i % 2 ? "the file's" : "private copy");
			return 1;
		}
		if (i % 2 == 0 ? datacmp(alone + i * page, page, 200 + i) >= 0 : memcmp(alone + i * page, want, page)) {
			fail("page %d of the mapping without fd is wrong (%s)", i, i % 2 ? "the file's" : "private copy");
			return 1;
		}
	}
	if (pread(fd, buf, len, 0) != (ssize_t)len || memcmp(buf, file, len)) {
		fail("the memfd's own data changed (private writes leaked into it?)");
		return 1;
	}
	/* Write the whole memfd: untouched pages follow it, private copies do not. */
	memset(buf, 0x5a, len);
	if (pwrite(fd, buf, len, 0) != (ssize_t)len) {
		fail_errno("pwrite");
		return 1;
	}
	for (i = 0; i < NR_PAGES; i++) {
		int follows = mem[i * page + 7] == 0x5a;

		if (follows != (i % 2)) {
			fail("page %d %s the memfd after restore", i, follows ? "follows" : "does not follow");
			return 1;
		}
	}
	pass();
	return 0;
}
