/* POSIX record locks (fcntl F_SETLK) are restored with their ranges and types. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "zdtmlib.h"

/* What another process sees at [start, start+len): the conflicting lock type or F_UNLCK. */
static int probe(int fd, short type, off_t start, off_t len, pid_t *owner)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len };

	if (fcntl(fd, F_GETLK, &fl))
		return -1;
	*owner = fl.l_pid;
	return fl.l_type;
}

int main(int argc, char **argv)
{
	struct flock wr = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 100 };
	struct flock rd = { .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 200, .l_len = 50 };
	pid_t child;
	int fd;

	test_init(argc, argv);
	fd = open("posix_lock00.data", O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || fcntl(fd, F_SETLK, &wr) || fcntl(fd, F_SETLK, &rd)) {
		fail_errno("set locks");
		return 1;
	}

	test_daemon();
	test_waitsig();

	/* Locks are per process: only another process can see them. */
	child = fork();
	if (child == 0) {
		pid_t owner = 0, me = getppid();
		int cfd = open("posix_lock00.data", O_RDWR);

		if (cfd < 0)
			exit(10);
		if (probe(cfd, F_RDLCK, 50, 1, &owner) != F_WRLCK || owner != me)
			exit(11);	/* write lock on [0,100) lost */
		if (probe(cfd, F_WRLCK, 220, 1, &owner) != F_RDLCK || owner != me)
			exit(12);	/* read lock on [200,250) lost */
		if (probe(cfd, F_RDLCK, 220, 1, &owner) != F_UNLCK)
			exit(13);	/* read lock became exclusive */
		if (probe(cfd, F_WRLCK, 120, 50, &owner) != F_UNLCK)
			exit(14);	/* a lock appeared in the gap */
		exit(0);
	}
	switch (wait_exit_code(child)) {
	case 0:
		pass();
		return 0;
	case 11:
		fail("write lock on [0,100) lost");
		break;
	case 12:
		fail("read lock on [200,250) lost");
		break;
	case 13:
		fail("read lock became a write lock");
		break;
	case 14:
		fail("unexpected lock in [120,170)");
		break;
	default:
		fail("checking child failed");
	}
	return 1;
}
