/*
 * oom_score_adj comes back for every task of the tree, each its own (the child lowered the
 * one it inherited), and before the task runs: the child reads its value the moment it
 * is back and reports it through a pipe.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "zdtmlib.h"

static int read_adj(void)
{
	char buf[16] = "";
	int fd = open("/proc/self/oom_score_adj", O_RDONLY);
	if (fd < 0 || read(fd, buf, sizeof(buf) - 1) <= 0)
		return -10000;
	close(fd);
	return atoi(buf);
}

static int write_adj(int v)
{
	char buf[16];
	int fd = open("/proc/self/oom_score_adj", O_WRONLY);
	int n = snprintf(buf, sizeof(buf), "%d", v);
	int ok = fd >= 0 && write(fd, buf, n) == n;
	if (fd >= 0)
		close(fd);
	return ok ? 0 : -1;
}

int main(int argc, char **argv)
{
	int go[2], said[2], got;
	pid_t child;

	test_init(argc, argv);
	if (pipe(go) || pipe(said)) {
		fail_errno("pipe");
		return 1;
	}
	child = fork();
	if (child < 0) {
		fail_errno("fork");
		return 1;
	}
	if (child == 0) {
		char c;
		if (write_adj(321))
			_exit(1);
		/* Blocked in read across the dump: after restore it reads and answers at once. */
		if (read(go[0], &c, 1) != 1)
			_exit(2);
		got = read_adj();
		_exit(write(said[1], &got, sizeof(got)) == sizeof(got) ? 0 : 3);
	}
	if (write_adj(456)) {
		fail_errno("raise oom_score_adj");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if ((got = read_adj()) != 456) {
		fail("oom_score_adj is %d, expected 456", got);
		return 1;
	}
	if (write(go[1], "g", 1) != 1 || read(said[0], &got, sizeof(got)) != sizeof(got)) {
		fail_errno("ask the child");
		return 1;
	}
	if (got != 321) {
		fail("the child's oom_score_adj is %d, expected 321", got);
		return 1;
	}
	int status;
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fail("the child ended with status %d", status);
		return 1;
	}
	pass();
	return 0;
}
