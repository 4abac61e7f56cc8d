/* A working directory 24 levels deep (a path of over 1500 bytes) is restored: getcwd() names it
 * and relative paths, including "..", resolve from it. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zdtmlib.h"

#define DEPTH 24

int main(int argc, char **argv)
{
	char before[PATH_MAX], after[PATH_MAX], name[80], mark[64];
	struct stat st_before, st_after;
	int i, fd;

	test_init(argc, argv);
	for (i = 0; i < DEPTH; i++) {
		snprintf(name, sizeof(name), "cwd01.level-%02d.%s", i,
			 "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmn");
		if ((mkdir(name, 0755) && errno != EEXIST) || chdir(name)) {
			fail_errno("mkdir/chdir level %d", i);
			return 1;
		}
		if (i == DEPTH - 2) {
			fd = open("up-mark", O_WRONLY | O_CREAT | O_TRUNC, 0644);
			if (fd < 0 || write_all(fd, "parent", 6) || close(fd)) {
				fail_errno("create up-mark");
				return 1;
			}
		}
	}
	fd = open("mark", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write_all(fd, "deepest", 7) || close(fd) || !getcwd(before, sizeof(before)) ||
	    stat(".", &st_before)) {
		fail_errno("create mark / getcwd");
		return 1;
	}
	test_msg("cwd is %zu bytes long\n", strlen(before));

	test_daemon();
	test_waitsig();

	if (!getcwd(after, sizeof(after))) {
		fail_errno("getcwd");
		return 1;
	}
	if (strcmp(before, after)) {
		fail("cwd is %s, expected %s", after, before);
		return 1;
	}
	if (stat(".", &st_after) || st_after.st_ino != st_before.st_ino || st_after.st_dev != st_before.st_dev) {
		fail("\".\" is another directory than before");
		return 1;
	}
	if (read_text("mark", mark, sizeof(mark)) != 7 || strcmp(mark, "deepest")) {
		fail("relative path \"mark\" does not resolve in the deep cwd");
		return 1;
	}
	if (read_text("../up-mark", mark, sizeof(mark)) != 6 || strcmp(mark, "parent")) {
		fail("\"../up-mark\" does not resolve from the cwd");
		return 1;
	}
	pass();
	return 0;
}
