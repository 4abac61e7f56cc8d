/* An flock() lock is still held after restore: another open file cannot take it. */
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "zdtmlib.h"

int main(int argc, char **argv)
{
	int fd, other;

	test_init(argc, argv);
	fd = open("flock00.data", O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB)) {
		fail_errno("flock");
		return 1;
	}

	test_daemon();
	test_waitsig();

	/* flock locks belong to the open file description: a second open conflicts. */
	other = open("flock00.data", O_RDWR);
	if (other < 0) {
		fail_errno("reopen");
		return 1;
	}
	if (flock(other, LOCK_EX | LOCK_NB) == 0 || errno != EWOULDBLOCK) {
		fail("second open file could take the lock: it was lost");
		return 1;
	}
	if (flock(fd, LOCK_UN) || flock(other, LOCK_EX | LOCK_NB)) {
		fail_errno("unlock and relock");
		return 1;
	}
	pass();
	return 0;
}
