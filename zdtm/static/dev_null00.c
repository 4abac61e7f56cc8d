/* /dev/null stays /dev/null: writes vanish, reads give end of file, and it is the same device. */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "zdtmlib.h"

int main(int argc, char **argv)
{
	struct stat st;
	char c;
	int fd;

	test_init(argc, argv);
	fd = open("/dev/null", O_RDWR);
	if (fd < 0) {
		fail_errno("open /dev/null");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (fstat(fd, &st) || !S_ISCHR(st.st_mode) || major(st.st_rdev) != 1 ||
	    minor(st.st_rdev) != 3) {
		fail("fd is not /dev/null (1:3)");
		return 1;
	}
	if (write(fd, "gone", 4) != 4 || read(fd, &c, 1) != 0) {
		fail("fd does not behave like /dev/null");
		return 1;
	}
	pass();
	return 0;
}
