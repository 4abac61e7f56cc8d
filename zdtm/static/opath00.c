/* An O_PATH descriptor still refers to its file: fstat works, and it can be reopened through /proc. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zdtmlib.h"

int main(int argc, char **argv)
{
	struct stat before, after;
	char path[64], buf[16];
	int fd, reopened;

	test_init(argc, argv);
	fd = open("opath00.data", O_WRONLY | O_CREAT | O_TRUNC, 0640);
	if (fd < 0 || write_all(fd, "o_path", 6) || close(fd)) {
		fail_errno("create file");
		return 1;
	}
	fd = open("opath00.data", O_PATH);
	if (fd < 0 || fstat(fd, &before)) {
		fail_errno("open O_PATH");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if ((fcntl(fd, F_GETFL) & O_PATH) != O_PATH) {
		fail("descriptor is no longer O_PATH");
		return 1;
	}
	if (fstat(fd, &after) || after.st_ino != before.st_ino || after.st_dev != before.st_dev) {
		fail("descriptor refers to another file");
		return 1;
	}
	/* O_PATH reads nothing itself; reopening it through /proc gives a readable file. */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	reopened = open(path, O_RDONLY);
	if (reopened < 0) {
		fail_errno("reopen through %s", path);
		return 1;
	}
	if (read(reopened, buf, sizeof(buf)) != 6 || memcmp(buf, "o_path", 6)) {
		fail("reopening through %s gives other contents", path);
		return 1;
	}
	pass();
	return 0;
}
