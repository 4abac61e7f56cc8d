/* A child created with CLONE_FILES shares its parent's fd table after restore: it has every fd
 * the table held, and an fd the parent opens after restore is the child's too. */
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "zdtmlib.h"

static volatile uint32_t *step;
static int fds[3];

static int child_main(void *arg)
{
	int i, fd;

	(void)arg;
	/* An fd the child opens goes into the shared table too. */
	fd = open("/dev/null", O_RDONLY);
	if (fd < 0)
		_exit(1);
	step[1] = fd;
	flag_set(step, 1);
	flag_wait(step, 2);
	for (i = 0; i < 3; i++)
		if (fcntl(fds[i], F_GETFD) < 0)
			_exit(10 + i);
	if (fcntl((int)step[3], F_GETFD) < 0)
		_exit(2); /* the parent's fd opened after restore */
	_exit(0);
}

int main(int argc, char **argv)
{
	const size_t stack_len = 256 * 1024;
	char *stack;
	pid_t child;
	int i, status;

	test_init(argc, argv);
	step = test_shared_alloc(4096);
	for (i = 0; i < 3; i++)
		fds[i] = open("/dev/null", O_RDONLY);
	stack = mmap(NULL, stack_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	child = clone(child_main, stack + stack_len, CLONE_FILES | SIGCHLD, NULL);
	if (child < 0) {
		fail_errno("clone(CLONE_FILES)");
		return 1;
	}
	flag_wait(step, 1);
	if (fcntl((int)step[1], F_GETFD) < 0) {
		fail("the child's fd is not in our table even before the dump");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (fcntl((int)step[1], F_GETFD) < 0) {
		fail("the fd the child opened is gone from the parent's table");
		kill(child, SIGKILL);
		return 1;
	}
	step[3] = open("/dev/zero", O_RDONLY);
	flag_set(step, 2);
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fail("the child's table is not the parent's after restore (code %d)", exit_code_of(status));
		return 1;
	}
	pass();
	return 0;
}
