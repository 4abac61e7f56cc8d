/* /dev/zero stays open and reads zeros; its private mapping keeps data written into it. */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "zdtmlib.h"

int main(int argc, char **argv)
{
	const size_t len = 4 * sysconf(_SC_PAGESIZE);
	unsigned char buf[256], *map;
	struct stat st;
	size_t i;
	int fd;

	test_init(argc, argv);
	fd = open("/dev/zero", O_RDONLY);
	if (fd < 0) {
		fail_errno("open /dev/zero");
		return 1;
	}
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		fail_errno("mmap /dev/zero");
		return 1;
	}
	datagen(map, len / 2, 4);

	test_daemon();
	test_waitsig();

	if (fstat(fd, &st) || major(st.st_rdev) != 1 || minor(st.st_rdev) != 5) {
		fail("fd is not /dev/zero (1:5)");
		return 1;
	}
	memset(buf, 0xff, sizeof(buf));
	if (read(fd, buf, sizeof(buf)) != sizeof(buf)) {
		fail_errno("read");
		return 1;
	}
	for (i = 0; i < sizeof(buf); i++)
		if (buf[i]) {
			fail("read from /dev/zero gave non-zero data");
			return 1;
		}
	if (datacmp(map, len / 2, 4) >= 0) {
		fail("mapping lost its data");
		return 1;
	}
	for (i = len / 2; i < len; i++)
		if (map[i]) {
			fail("untouched part of the mapping is not zero");
			return 1;
		}
	pass();
	return 0;
}
