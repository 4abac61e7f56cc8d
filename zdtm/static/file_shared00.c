/* A shared file mapping stays backed by its file: writes on either side show on the other. */
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "zdtmlib.h"

int main(int argc, char **argv)
{
	const size_t page = sysconf(_SC_PAGESIZE), len = 4 * page;
	unsigned char *map, buf[64];
	int fd;

	test_init(argc, argv);
	fd = open("file_shared00.data", O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || ftruncate(fd, len)) {
		fail_errno("create file");
		return 1;
	}
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		fail_errno("mmap");
		return 1;
	}
	close(fd);
	datagen(map, len, 3);

	test_daemon();
	test_waitsig();

	if (datacmp(map, len, 3) >= 0) {
		fail("mapping lost its data");
		return 1;
	}
	fd = open("file_shared00.data", O_RDWR);
	if (fd < 0) {
		fail_errno("reopen");
		return 1;
	}
	/* Mapping -> file */
	memcpy(map + page, "written through the mapping", 27);
	if (pread(fd, buf, 27, page) != 27 || memcmp(buf, "written through the mapping", 27)) {
		fail("write through the mapping is not in the file");
		return 1;
	}
	/* File -> mapping */
	if (pwrite(fd, "written to the file", 19, 2 * page) != 19) {
		fail_errno("pwrite");
		return 1;
	}
	if (memcmp(map + 2 * page, "written to the file", 19)) {
		fail("write to the file does not show in the mapping");
		return 1;
	}
	pass();
	return 0;
}
