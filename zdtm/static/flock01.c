/* flock() locks keep their exact semantics across processes: a shared lock stays shared (another
 * open takes LOCK_SH, not LOCK_EX), two open files holding LOCK_SH on one file both keep it, and
 * an exclusive lock on an open file shared by parent and child (fork) is one lock: the child's
 * LOCK_UN after restore frees it for everyone. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/file.h>
#include <unistd.h>

#include "zdtmlib.h"

/* Can a fresh open of path take this lock now? 1 yes (and drops it), 0 no, -1 error. */
static int can_lock(const char *path, int how)
{
	int fd = open(path, O_RDONLY), r;

	if (fd < 0)
		return -1;
	r = flock(fd, how | LOCK_NB) == 0 ? 1 : errno == EWOULDBLOCK ? 0 : -1;
	close(fd);
	return r;
}

int main(int argc, char **argv)
{
	volatile uint32_t *step;
	int shared, sh1, sh2, excl;
	pid_t child;

	test_init(argc, argv);
	step = test_shared_alloc(4096);
	shared = open("flock01.shared", O_RDWR | O_CREAT | O_TRUNC, 0644);
	sh1 = open("flock01.two", O_RDWR | O_CREAT | O_TRUNC, 0644);
	sh2 = open("flock01.two", O_RDONLY);
	excl = open("flock01.excl", O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (shared < 0 || sh1 < 0 || sh2 < 0 || excl < 0 || flock(shared, LOCK_SH | LOCK_NB) ||
	    flock(sh1, LOCK_SH | LOCK_NB) || flock(sh2, LOCK_SH | LOCK_NB) || flock(excl, LOCK_EX | LOCK_NB)) {
		fail_errno("lock");
		return 1;
	}
	child = fork();
	if (child == 0) {
		/* The child holds the exclusive lock through the inherited open file only. */
		flag_wait(step, 1);
		exit(flock(excl, LOCK_UN) ? 1 : 0);
	}
	close(excl);

	test_daemon();
	test_waitsig();

	if (can_lock("flock01.shared", LOCK_SH) != 1 || can_lock("flock01.shared", LOCK_EX) != 0) {
		fail("the shared lock is not a shared lock any more");
		kill(child, SIGKILL);
		return 1;
	}
	if (can_lock("flock01.excl", LOCK_SH) != 0) {
		fail("the exclusive lock held through the child's inherited file is lost");
		kill(child, SIGKILL);
		return 1;
	}
	/* Each of the two shared holders keeps its own: one letting go leaves the other's. */
	if (flock(sh1, LOCK_UN) || can_lock("flock01.two", LOCK_EX) != 0) {
		fail("one of the two LOCK_SH holders lost its lock");
		kill(child, SIGKILL);
		return 1;
	}
	if (flock(sh2, LOCK_UN) || can_lock("flock01.two", LOCK_EX) != 1) {
		fail("a lock is left on the file after both holders unlocked");
		kill(child, SIGKILL);
		return 1;
	}
	flag_set(step, 1);
	if (wait_exit_code(child)) {
		fail("the child could not unlock");
		return 1;
	}
	if (can_lock("flock01.excl", LOCK_EX) != 1) {
		fail("the child's LOCK_UN did not free the lock: it was restored as a lock of its own");
		return 1;
	}
	pass();
	return 0;
}
