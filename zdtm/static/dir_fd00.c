/* A directory descriptor stays open on the same directory: openat() and fchdir() work from it. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zdtmlib.h"

int main(int argc, char **argv)
{
	struct stat before, after;
	char buf[16];
	int dfd, fd;

	test_init(argc, argv);
	if (mkdir("dir_fd00.dir", 0755) && errno != EEXIST) {
		fail_errno("mkdir");
		return 1;
	}
	dfd = open("dir_fd00.dir", O_RDONLY | O_DIRECTORY);
	fd = openat(dfd, "inside", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (dfd < 0 || fd < 0 || write_all(fd, "ok", 2) || close(fd) || fstat(dfd, &before)) {
		fail_errno("prepare directory");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (fstat(dfd, &after) || !S_ISDIR(after.st_mode) || after.st_ino != before.st_ino ||
	    after.st_dev != before.st_dev) {
		fail("descriptor no longer refers to the directory");
		return 1;
	}
	fd = openat(dfd, "inside", O_RDONLY);
	if (fd < 0) {
		fail_errno("openat through the directory fd");
		return 1;
	}
	if (read(fd, buf, sizeof(buf)) != 2 || memcmp(buf, "ok", 2)) {
		fail("openat through the directory fd reached another file");
		return 1;
	}
	if (fchdir(dfd) || access("inside", F_OK)) {
		fail_errno("fchdir");
		return 1;
	}
	pass();
	return 0;
}
