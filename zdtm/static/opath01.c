/* O_PATH | O_NOFOLLOW descriptors of symlinks (one to a file, one dangling) still refer to the
 * links themselves, not to what they point at. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zdtmlib.h"

static int check_link(int fd, const char *target, const struct stat *before, const char *what)
{
	struct stat st;
	char buf[256];
	ssize_t n;

	if ((fcntl(fd, F_GETFL) & O_PATH) != O_PATH) {
		fail("%s: descriptor is no longer O_PATH", what);
		return -1;
	}
	if (fstat(fd, &st) || !S_ISLNK(st.st_mode)) {
		fail("%s: descriptor is not a symlink any more (mode %o)", what, st.st_mode);
		return -1;
	}
	if (st.st_ino != before->st_ino || st.st_dev != before->st_dev) {
		fail("%s: descriptor refers to another symlink", what);
		return -1;
	}
	n = readlinkat(fd, "", buf, sizeof(buf) - 1);
	if (n < 0 || (buf[n] = 0, strcmp(buf, target))) {
		fail("%s: readlink gives \"%s\", expected \"%s\"", what, n < 0 ? "" : buf, target);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct stat st_good, st_dangling;
	int good, dangling, fd;

	test_init(argc, argv);
	fd = open("opath01.target", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write_all(fd, "target", 6) || close(fd)) {
		fail_errno("create target");
		return 1;
	}
	unlink("opath01.link");
	unlink("opath01.dangling");
	if (symlink("opath01.target", "opath01.link") || symlink("opath01.nowhere", "opath01.dangling")) {
		fail_errno("symlink");
		return 1;
	}
	good = open("opath01.link", O_PATH | O_NOFOLLOW);
	dangling = open("opath01.dangling", O_PATH | O_NOFOLLOW);
	if (good < 0 || dangling < 0 || fstat(good, &st_good) || fstat(dangling, &st_dangling)) {
		fail_errno("open O_PATH|O_NOFOLLOW");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (check_link(good, "opath01.target", &st_good, "link to a file") ||
	    check_link(dangling, "opath01.nowhere", &st_dangling, "dangling link"))
		return 1;
	pass();
	return 0;
}
