/* An exclusive flock() on a file that was then unlinked: after restore the lock is still held by
 * the restored open file on the same (unlinked) inode, so a new open file of that inode, made
 * through /proc/self/fd, cannot take it until the holder unlocks; a child sharing the holder's
 * open file is the same lock holder. */
#include <fcntl.h>
#include <linux/kcmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "zdtmlib.h"

#define NAME "flock03.data"

int main(int argc, char **argv)
{
	volatile uint32_t *step;
	struct stat st;
	char proc[64], buf[8];
	int fd, other, code;
	pid_t child;

	test_init(argc, argv);
	step = test_shared_alloc(4096);
	fd = open(NAME, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write_all(fd, "locked", 6) || flock(fd, LOCK_EX | LOCK_NB) || unlink(NAME)) {
		fail_errno("create, lock and unlink " NAME);
		return 1;
	}
	child = fork();
	if (child < 0) {
		fail_errno("fork");
		return 1;
	}
	if (child == 0) {
		flag_wait(step, 1);
		/* Our inherited open file holds the lock too: taking it again converts, no conflict. */
		exit(flock(fd, LOCK_EX | LOCK_NB) ? 1 : 0);
	}

	test_daemon();
	test_waitsig();

	if (fstat(fd, &st) || st.st_nlink != 0 || st.st_size != 6 || pread(fd, buf, 6, 0) != 6 || memcmp(buf, "locked", 6)) {
		fail("the unlinked file: %ld links, size %lld", (long)st.st_nlink, (long long)st.st_size);
		goto kill;
	}
	if (syscall(SYS_kcmp, getpid(), child, KCMP_FILE, fd, fd) != 0) {
		fail("the child's fd is not our open file any more");
		goto kill;
	}
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	other = open(proc, O_RDWR);
	if (other < 0) {
		fail_errno("reopen through %s", proc);
		goto kill;
	}
	if (flock(other, LOCK_SH | LOCK_NB) == 0 || errno != EWOULDBLOCK) {
		fail("a new open file of the inode could take a shared lock: the exclusive lock was lost");
		goto kill;
	}
	flag_set(step, 1);
	code = wait_exit_code(child);
	if (code) {
		fail("the child's shared open file does not hold the lock (code %d)", code);
		return 1;
	}
	if (flock(other, LOCK_EX | LOCK_NB) == 0 || errno != EWOULDBLOCK) {
		fail("the lock went away with the child");
		return 1;
	}
	if (flock(fd, LOCK_UN) || flock(other, LOCK_EX | LOCK_NB)) {
		fail_errno("unlock and lock through the new open file");
		return 1;
	}
	pass();
	return 0;
kill:
	kill(child, SIGKILL);
	return 1;
}
