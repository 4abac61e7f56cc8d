/* An open-file-description lock (F_OFD_SETLK) is restored on its open file. */
#include <fcntl.h>
#include <unistd.h>

#include "zdtmlib.h"

int main(int argc, char **argv)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 10, .l_len = 20 };
	int fd, other;

	test_init(argc, argv);
	fd = open("ofd_lock00.data", O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || fcntl(fd, F_OFD_SETLK, &fl)) {
		fail_errno("F_OFD_SETLK");
		return 1;
	}

	test_daemon();
	test_waitsig();

	/* OFD locks conflict between open files even in one process. */
	other = open("ofd_lock00.data", O_RDWR);
	fl = (struct flock){ .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 15, .l_len = 1 };
	if (other < 0 || fcntl(other, F_OFD_GETLK, &fl)) {
		fail_errno("F_OFD_GETLK");
		return 1;
	}
	if (fl.l_type != F_WRLCK || fl.l_start != 10 || fl.l_len != 20) {
		fail("lock is type %d at %lld+%lld, expected a write lock at 10+20", fl.l_type,
		     (long long)fl.l_start, (long long)fl.l_len);
		return 1;
	}
	pass();
	return 0;
}
