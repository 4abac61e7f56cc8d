/* A shared mapping of a file deleted after mmap keeps its data and still reaches the (unlinked) file. */
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "zdtmlib.h"

int main(int argc, char **argv)
{
	const size_t len = 4 * sysconf(_SC_PAGESIZE);
	unsigned char *shared, *priv;
	char buf[16];
	int fd;

	test_init(argc, argv);
	fd = open("mapped_deleted00.data", O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || ftruncate(fd, len)) {
		fail_errno("create file");
		return 1;
	}
	shared = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	priv = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (shared == MAP_FAILED || priv == MAP_FAILED) {
		fail_errno("mmap");
		return 1;
	}
	datagen(shared, len, 12);
	/* Only the mappings and one descriptor keep the file alive. */
	if (unlink("mapped_deleted00.data")) {
		fail_errno("unlink");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (datacmp(shared, len, 12) >= 0) {
		fail("shared mapping lost its data");
		return 1;
	}
	if (datacmp(priv, len, 12) >= 0) {
		fail("private mapping lost the file's data");
		return 1;
	}
	memcpy(shared + 100, "still shared", 12);
	if (pread(fd, buf, 12, 100) != 12 || memcmp(buf, "still shared", 12)) {
		fail("shared mapping and descriptor no longer reach the same deleted file");
		return 1;
	}
	pass();
	return 0;
}
