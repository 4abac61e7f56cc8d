/* The file mode creation mask is restored and still applies to new files. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zdtmlib.h"

int main(int argc, char **argv)
{
	const mode_t mask = 0027;
	struct stat st;
	mode_t got;
	int fd;

	test_init(argc, argv);
	umask(mask);

	test_daemon();
	test_waitsig();

	got = umask(mask);
	if (got != mask) {
		fail("umask is %04o, expected %04o", got, mask);
		return 1;
	}
	fd = open("umask00.file", O_WRONLY | O_CREAT | O_TRUNC, 0777);
	if (fd < 0 || fstat(fd, &st)) {
		fail_errno("create file");
		return 1;
	}
	close(fd);
	unlink("umask00.file");
	if ((st.st_mode & 0777) != (0777 & ~mask)) {
		fail("new file has mode %04o, expected %04o", st.st_mode & 0777, 0777 & ~mask);
		return 1;
	}
	pass();
	return 0;
}
