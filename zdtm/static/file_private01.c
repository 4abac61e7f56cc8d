/* A MAP_PRIVATE mapping of a file with a hole (pages 2-5 never written): the page written through
 * the mapping in the hole keeps its private copy; pages never written through the mapping (data
 * and hole, read or not) still come from the file: a pwrite() to them after restore shows in the
 * mapping, while the private page does not change and the file keeps its hole. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "zdtmlib.h"

#define NAME "file_private01.data"
#define PAGES 8

int main(int argc, char **argv)
{
	const size_t page = sysconf(_SC_PAGESIZE), len = PAGES * page;
	unsigned char *map, *want = malloc(len), *buf = malloc(page);
	volatile unsigned char sink = 0;
	size_t i;
	int fd;

	test_init(argc, argv);
	datagen(want, len, 17);
	memset(want + 2 * page, 0, 4 * page);
	fd = open(NAME, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || pwrite(fd, want, 2 * page, 0) != (ssize_t)(2 * page) ||
	    pwrite(fd, want + 6 * page, 2 * page, 6 * page) != (ssize_t)(2 * page)) {
		fail_errno("create " NAME);
		return 1;
	}
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		fail_errno("mmap");
		return 1;
	}
	/* Page 3 (in the hole) is written: a private copy. Pages 1 and 4 are only read. */
	datagen(map + 3 * page, page, 33);
	sink += map[page] + map[4 * page + 9];
	(void)sink;

	test_daemon();
	test_waitsig();

	datagen(want + 3 * page, page, 33);
	for (i = 0; i < PAGES; i++)
		if (memcmp(map + i * page, want + i * page, page)) {
			fail("page %zu of the mapping differs", i);
			return 1;
		}
	if (lseek(fd, 0, SEEK_HOLE) != (off_t)(2 * page) || lseek(fd, 2 * page, SEEK_DATA) != (off_t)(6 * page)) {
		fail("the file's hole moved: hole at %lld, data again at %lld", (long long)lseek(fd, 0, SEEK_HOLE),
		     (long long)lseek(fd, 2 * page, SEEK_DATA));
		return 1;
	}
	if (pread(fd, buf, page, 3 * page) != (ssize_t)page || buf[0] || memcmp(buf, buf + 1, page - 1)) {
		fail("the private write reached the file");
		return 1;
	}
	/* Pages never written through the mapping follow the file; page 3 does not. */
	if (pwrite(fd, "file-0", 6, 0) != 6 || pwrite(fd, "file-1", 6, page) != 6 ||
	    pwrite(fd, "file-3", 6, 3 * page) != 6 || pwrite(fd, "file-4", 6, 4 * page) != 6 ||
	    pwrite(fd, "file-5", 6, 5 * page) != 6) {
		fail_errno("pwrite");
		return 1;
	}
	if (memcmp(map, "file-0", 6) || memcmp(map + page, "file-1", 6) || memcmp(map + 4 * page, "file-4", 6) ||
	    memcmp(map + 5 * page, "file-5", 6)) {
		fail("a page never written through the mapping no longer follows the file: %.6s %.6s %.6s %.6s",
		     map, map + page, map + 4 * page, map + 5 * page);
		return 1;
	}
	if (memcmp(map + 3 * page, want + 3 * page, page)) {
		fail("the private page 3 took the file's new data");
		return 1;
	}
	pass();
	return 0;
}
