/* A working directory removed while the test is in it: after restore the cwd is still that
 * empty removed directory (a directory with no links, "(deleted)" in /proc/self/cwd, getcwd()
 * fails with ENOENT, no file can be created in it), not its parent or a new directory. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zdtmlib.h"

#define DIRNAME "cwd02.dir"

int main(int argc, char **argv)
{
	char path[PATH_MAX], link[PATH_MAX];
	struct stat st;
	ssize_t n;

	test_init(argc, argv);
	if (!getcwd(path, sizeof(path) - sizeof(DIRNAME) - 16)) {
		fail_errno("getcwd");
		return 1;
	}
	strcat(path, "/" DIRNAME " (deleted)");
	if (mkdir(DIRNAME, 0710) || chdir(DIRNAME) || rmdir("../" DIRNAME)) {
		fail_errno("make, enter and remove " DIRNAME);
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (stat(".", &st) || !S_ISDIR(st.st_mode) || st.st_nlink != 0 || (st.st_mode & 07777) != 0710) {
		fail("cwd: mode %o, %ld links; expected a removed directory of mode 0710", st.st_mode, (long)st.st_nlink);
		return 1;
	}
	n = readlink("/proc/self/cwd", link, sizeof(link) - 1);
	if (n < 0) {
		fail_errno("readlink /proc/self/cwd");
		return 1;
	}
	link[n] = 0;
	if (strcmp(link, path)) {
		fail("/proc/self/cwd is \"%s\", expected \"%s\"", link, path);
		return 1;
	}
	if (getcwd(link, sizeof(link)) || errno != ENOENT) {
		fail("getcwd() gave \"%s\" (%s), expected ENOENT", link, strerror(errno));
		return 1;
	}
	if (open("new", O_WRONLY | O_CREAT, 0644) >= 0 || errno != ENOENT) {
		fail("a file could be created in the removed cwd (%s)", strerror(errno));
		return 1;
	}
	if (stat("../" DIRNAME, &st) == 0) {
		fail(DIRNAME " is back in its parent");
		return 1;
	}
	pass();
	return 0;
}
