/* The working directory is restored: getcwd() names it and relative paths resolve inside it. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zdtmlib.h"

static char *dirname = "cwd00.dir";
TEST_OPTION(dirname, string, "directory to work in (created)", 0);

int main(int argc, char **argv)
{
	char before[PATH_MAX], after[PATH_MAX], mark[64];
	int fd;

	test_init(argc, argv);
	if (mkdir(dirname, 0755) && errno != EEXIST) {
		fail_errno("mkdir %s", dirname);
		return 1;
	}
	if (chdir(dirname) || !getcwd(before, sizeof(before))) {
		fail_errno("chdir/getcwd");
		return 1;
	}
	fd = open("mark", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write_all(fd, "cwd00", 5) || close(fd)) {
		fail_errno("create mark");
		return 1;
	}

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
	if (read_text("mark", mark, sizeof(mark)) != 5 || strcmp(mark, "cwd00")) {
		fail("relative path \"mark\" does not resolve inside %s", before);
		return 1;
	}
	pass();
	return 0;
}
