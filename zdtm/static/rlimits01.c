/* RLIMIT_NOFILE lowered to 32 (hard limit kept) while fd 31 and fd 700 are open: both fds come
 * back on the same file, and the soft limit of 32 still applies to new descriptors. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zdtmlib.h"

#define SOFT 32
#define FD_AT_LIMIT (SOFT - 1)
#define FD_ABOVE 700

static int same_file(int fd, const struct stat *want)
{
	struct stat st;

	return !fstat(fd, &st) && st.st_dev == want->st_dev && st.st_ino == want->st_ino;
}

int main(int argc, char **argv)
{
	struct rlimit rl, want, got;
	struct stat st_low, st_high;
	char path[64], buf[8];
	int fd;

	test_init(argc, argv);
	snprintf(path, sizeof(path), "%s.data", test_name);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, "limit", 5) != 5 || fstat(fd, &st_high)) {
		fail_errno("data file");
		return 1;
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_max < FD_ABOVE + 1) {
		fail("RLIMIT_NOFILE hard limit %llu is too low", (unsigned long long)rl.rlim_max);
		return 1;
	}
	if (dup2(fd, FD_ABOVE) != FD_ABOVE || dup2(open("/dev/null", O_RDONLY), FD_AT_LIMIT) != FD_AT_LIMIT ||
	    fstat(FD_AT_LIMIT, &st_low)) {
		fail_errno("dup2");
		return 1;
	}
	close(fd);
	want = (struct rlimit){ SOFT, rl.rlim_max };
	if (setrlimit(RLIMIT_NOFILE, &want)) {
		fail_errno("setrlimit");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (getrlimit(RLIMIT_NOFILE, &got) || got.rlim_cur != want.rlim_cur || got.rlim_max != want.rlim_max) {
		fail("RLIMIT_NOFILE is %llu/%llu, expected %llu/%llu", (unsigned long long)got.rlim_cur,
		     (unsigned long long)got.rlim_max, (unsigned long long)want.rlim_cur,
		     (unsigned long long)want.rlim_max);
		return 1;
	}
	if (!same_file(FD_AT_LIMIT, &st_low)) {
		fail("fd %d is not /dev/null any more", FD_AT_LIMIT);
		return 1;
	}
	if (!same_file(FD_ABOVE, &st_high) || pread(FD_ABOVE, buf, 5, 0) != 5 || memcmp(buf, "limit", 5)) {
		fail("fd %d above the soft limit is not the data file any more", FD_ABOVE);
		return 1;
	}
	/* The limit is in force: nothing free from 31 up to it, and nothing beyond it. */
	errno = 0;
	if (fcntl(0, F_DUPFD, FD_AT_LIMIT) != -1 || errno != EMFILE) {
		fail("F_DUPFD from %d: errno %d, expected EMFILE", FD_AT_LIMIT, errno);
		return 1;
	}
	errno = 0;
	if (dup2(0, SOFT + 8) != -1 || errno != EBADF) {
		fail("dup2 to fd %d beyond the soft limit: errno %d, expected EBADF", SOFT + 8, errno);
		return 1;
	}
	unlink(path);
	pass();
	return 0;
}
