/* A task chroot'ed into a directory keeps that root and its working directory under it: after
 * restore "/" is still that directory for it, and /proc says so to its parent. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zdtmlib.h"

int main(int argc, char **argv)
{
	char dir[PATH_MAX], link[64], root[PATH_MAX];
	volatile uint32_t *step;
	pid_t child;
	ssize_t n;
	int code;

	test_init(argc, argv);
	step = test_shared_alloc(4096);
	if (!getcwd(dir, sizeof(dir) - 32)) {
		fail_errno("getcwd");
		return 1;
	}
	strcat(dir, "/chroot00.root");
	mkdir(dir, 0755);
	snprintf(root, sizeof(root), "%s/sub", dir);
	mkdir(root, 0755);
	snprintf(root, sizeof(root), "%s/marker", dir);
	close(open(root, O_CREAT | O_WRONLY, 0644));
	child = fork();
	if (child == 0) {
		char cwd[PATH_MAX];

		if (chroot(dir) || chdir("/sub"))
			exit(1);
		flag_set(step, 1);
		flag_wait(step, 2);
		if (access("/marker", F_OK))
			exit(2); /* the root is not our directory */
		if (!getcwd(cwd, sizeof(cwd)) || strcmp(cwd, "/sub"))
			exit(3);
		exit(0);
	}
	flag_wait(step, 1);

	test_daemon();
	test_waitsig();

	snprintf(link, sizeof(link), "/proc/%d/root", child);
	n = readlink(link, root, sizeof(root) - 1);
	root[n > 0 ? n : 0] = '\0';
	if (strcmp(root, dir)) {
		fail("the child's root is %s, not %s", root, dir);
		kill(child, SIGKILL);
		return 1;
	}
	flag_set(step, 2);
	code = wait_exit_code(child);
	if (code) {
		fail("in the child: %s", code == 2 ? "/ is not its root directory" : code == 3 ? "its cwd changed" : "it failed");
		return 1;
	}
	pass();
	return 0;
}
