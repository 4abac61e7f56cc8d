/* Duplicated descriptors still share one open file: one offset, one set of status flags. */
#include <fcntl.h>
#include <unistd.h>

#include "zdtmlib.h"

int main(int argc, char **argv)
{
	int fd, copy, high;

	test_init(argc, argv);
	fd = open("dup00.data", O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write_all(fd, "0123456789", 10)) {
		fail_errno("prepare file");
		return 1;
	}
	copy = dup(fd);
	high = fcntl(fd, F_DUPFD, 300);
	if (copy < 0 || high != 300) {
		fail_errno("dup");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (lseek(fd, 3, SEEK_SET) != 3 || lseek(copy, 0, SEEK_CUR) != 3 ||
	    lseek(high, 0, SEEK_CUR) != 3) {
		fail("descriptors no longer share their offset");
		return 1;
	}
	if (fcntl(copy, F_SETFL, O_NONBLOCK) || !(fcntl(high, F_GETFL) & O_NONBLOCK)) {
		fail("descriptors no longer share their status flags");
		return 1;
	}
	pass();
	return 0;
}
