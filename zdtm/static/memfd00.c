/* A memfd stays open with its data, mode seals and size, and its shared mapping stays coherent. */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zdtmlib.h"

int main(int argc, char **argv)
{
	const size_t len = 3 * sysconf(_SC_PAGESIZE) + 123;
	unsigned char *map, buf[32];
	struct stat st;
	int fd, seals;

	test_init(argc, argv);
	fd = memfd_create("zdtm-memfd00", MFD_ALLOW_SEALING);
	if (fd < 0 || ftruncate(fd, len)) {
		fail_errno("memfd_create");
		return 1;
	}
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		fail_errno("mmap");
		return 1;
	}
	datagen(map, len, 77);
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW)) {
		fail_errno("F_ADD_SEALS");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (fstat(fd, &st) || st.st_size != (off_t)len) {
		fail("memfd size %lld, expected %zu", (long long)st.st_size, len);
		return 1;
	}
	seals = fcntl(fd, F_GET_SEALS);
	if (seals != (F_SEAL_SHRINK | F_SEAL_GROW)) {
		fail("seals %#x, expected %#x", seals, F_SEAL_SHRINK | F_SEAL_GROW);
		return 1;
	}
	if (datacmp(map, len, 77) >= 0) {
		fail("mapping lost its data");
		return 1;
	}
	if (pwrite(fd, "through fd", 10, 100) != 10 || memcmp(map + 100, "through fd", 10)) {
		fail("write through the fd does not show in the mapping");
		return 1;
	}
	memcpy(map + 200, "through map", 11);
	if (pread(fd, buf, 11, 200) != 11 || memcmp(buf, "through map", 11)) {
		fail("write through the mapping does not show through the fd");
		return 1;
	}
	pass();
	return 0;
}
