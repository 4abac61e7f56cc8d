/* A private file mapping keeps its copy-on-write changes while the file itself stays unchanged. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "zdtmlib.h"

static char *filename = "file_private00.data";
TEST_OPTION(filename, string, "file to map", 0);

int main(int argc, char **argv)
{
	const size_t page = sysconf(_SC_PAGESIZE), len = 8 * page;
	unsigned char *map, *file_data;
	int fd;

	test_init(argc, argv);
	file_data = malloc(len);
	datagen(file_data, len, 11);
	fd = open(filename, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write_all(fd, file_data, len)) {
		fail_errno("create %s", filename);
		return 1;
	}
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		fail_errno("mmap");
		return 1;
	}
	close(fd);
	/* Dirty pages 2 and 5 only: the others still come from the file. */
	datagen(map + 2 * page, page, 22);
	datagen(map + 5 * page, page, 55);

	test_daemon();
	test_waitsig();

	for (size_t i = 0; i < 8; i++) {
		const unsigned char *p = map + i * page;
		ssize_t off = i == 2   ? datacmp(p, page, 22)
			      : i == 5 ? datacmp(p, page, 55)
				       : (memcmp(p, file_data + i * page, page) ? 0 : -1);

		if (off >= 0) {
			fail("page %zu of the mapping differs (at %zd)", i, off);
			return 1;
		}
	}
	fd = open(filename, O_RDONLY);
	if (fd < 0 || read_all(fd, map, len)) {
		fail_errno("reread %s", filename);
		return 1;
	}
	if (memcmp(map, file_data, len)) {
		fail("private writes leaked into the file");
		return 1;
	}
	pass();
	return 0;
}
