/* The descriptor table comes back exactly: the same sparse set of numbers (up to 1000), each with
 * its own FD_CLOEXEC, and no descriptor the test did not open. */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "zdtmlib.h"

#define MAXFD 1024

static const int wanted[] = { 5, 9, 10, 63, 64, 65, 200, 999 };
#define NR (int)(sizeof(wanted) / sizeof(wanted[0]))

/* Marks the open descriptors in map; returns how many, or -1. */
static int open_fds(unsigned char *map)
{
	struct dirent *de;
	DIR *d = opendir("/proc/self/fd");
	int n = 0, self;

	if (!d)
		return -1;
	self = dirfd(d);
	memset(map, 0, MAXFD);
	while ((de = readdir(d))) {
		int fd;

		if (de->d_name[0] == '.')
			continue;
		fd = atoi(de->d_name);
		if (fd == self || fd >= MAXFD)
			continue;
		map[fd] = 1;
		n++;
	}
	closedir(d);
	return n;
}

int main(int argc, char **argv)
{
	unsigned char before[MAXFD], after[MAXFD];
	int i, fd, nb, na;

	test_init(argc, argv);
	fd = open("fdtable00.data", O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		fail_errno("open");
		return 1;
	}
	for (i = 0; i < NR; i++) {
		/* Every third one close-on-exec; dups of one file and fresh opens mixed. */
		int nfd = i & 1 ? open("fdtable00.data", O_RDONLY) : dup(fd);

		if (nfd < 0 || dup3(nfd, wanted[i], i % 3 == 0 ? O_CLOEXEC : 0) != wanted[i]) {
			fail_errno("place fd %d", wanted[i]);
			return 1;
		}
		close(nfd);
	}
	close(fd);

	test_daemon();
	nb = open_fds(before);
	test_waitsig();

	na = open_fds(after);
	if (nb < 0 || na < 0) {
		fail_errno("list /proc/self/fd");
		return 1;
	}
	for (i = 0; i < NR; i++) {
		int fl = fcntl(wanted[i], F_GETFD);

		if (fl < 0) {
			fail("fd %d is not open", wanted[i]);
			return 1;
		}
		if (!!(fl & FD_CLOEXEC) != (i % 3 == 0)) {
			fail("fd %d: FD_CLOEXEC %d, expected %d", wanted[i], !!(fl & FD_CLOEXEC), i % 3 == 0);
			return 1;
		}
	}
	for (i = 0; i < MAXFD; i++) {
		if (before[i] != after[i]) {
			fail("fd %d is %s after restore", i, after[i] ? "open" : "closed");
			return 1;
		}
	}
	if (na != nb) {
		fail("%d fds open, %d before", na, nb);
		return 1;
	}
	pass();
	return 0;
}
