/* A shared flock() lock held by two processes, each through its own open file, comes back as two
 * shared locks: others can share it, nobody can take it exclusively until both let go. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/file.h>
#include <unistd.h>

#include "zdtmlib.h"

#define PATH "flock02.data"

/* Can a fresh open take this lock now? 1 yes (and drops it), 0 no, -1 error. */
static int can_lock(int how)
{
	int fd = open(PATH, O_RDONLY), r;

	if (fd < 0)
		return -1;
	r = flock(fd, how | LOCK_NB) == 0 ? 1 : errno == EWOULDBLOCK ? 0 : -1;
	close(fd);
	return r;
}

int main(int argc, char **argv)
{
	volatile uint32_t *step;
	pid_t child;
	int fd;

	test_init(argc, argv);
	step = test_shared_alloc(4096);
	fd = open(PATH, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		fail_errno("open");
		return 1;
	}
	child = fork();
	if (child == 0) {
		int cfd = open(PATH, O_RDONLY);

		if (cfd < 0 || flock(cfd, LOCK_SH | LOCK_NB))
			exit(1);
		flag_set(step, 1);
		flag_wait(step, 2);
		exit(flock(cfd, LOCK_UN) ? 2 : 0);
	}
	flag_wait(step, 1);
	if (flock(fd, LOCK_SH | LOCK_NB)) {
		fail_errno("flock");
		kill(child, SIGKILL);
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (can_lock(LOCK_SH) != 1 || can_lock(LOCK_EX) != 0) {
		fail("the file is not held by a shared lock");
		kill(child, SIGKILL);
		return 1;
	}
	/* The parent's lock goes; the child's still stops an exclusive one. */
	if (flock(fd, LOCK_UN) || can_lock(LOCK_EX) != 0) {
		fail("the child's shared lock is lost (only the parent's was restored)");
		kill(child, SIGKILL);
		return 1;
	}
	flag_set(step, 2);
	if (wait_exit_code(child)) {
		fail("the child could not unlock");
		return 1;
	}
	if (can_lock(LOCK_EX) != 1) {
		fail("a lock is left after both holders unlocked");
		return 1;
	}
	pass();
	return 0;
}
