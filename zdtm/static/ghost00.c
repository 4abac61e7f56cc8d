/* Unlinked open files at the edges: an empty one and a 5-byte one come back unlinked, with their
 * size, mode, offset and data, and neither name reappears in the directory. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zdtmlib.h"

int main(int argc, char **argv)
{
	struct stat st;
	char buf[16];
	int empty, small;

	test_init(argc, argv);
	empty = open("ghost00.empty", O_RDWR | O_CREAT | O_TRUNC, 0600);
	small = open("ghost00.small", O_RDWR | O_CREAT | O_TRUNC, 0604);
	if (empty < 0 || small < 0 || fchmod(empty, 0600) || fchmod(small, 0604) || write_all(small, "ghost", 5) ||
	    lseek(small, 3, SEEK_SET) != 3 || unlink("ghost00.empty") || unlink("ghost00.small")) {
		fail_errno("create ghosts");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (fstat(empty, &st) || st.st_size != 0 || st.st_nlink != 0 || (st.st_mode & 07777) != 0600 ||
	    !S_ISREG(st.st_mode)) {
		fail("empty ghost: size %ld, links %ld, mode %o", (long)st.st_size, (long)st.st_nlink, st.st_mode);
		return 1;
	}
	if (fstat(small, &st) || st.st_size != 5 || st.st_nlink != 0 || (st.st_mode & 07777) != 0604) {
		fail("small ghost: size %ld, links %ld, mode %o", (long)st.st_size, (long)st.st_nlink, st.st_mode);
		return 1;
	}
	if (lseek(empty, 0, SEEK_CUR) != 0 || lseek(small, 0, SEEK_CUR) != 3) {
		fail("offsets %ld %ld, expected 0 3", (long)lseek(empty, 0, SEEK_CUR), (long)lseek(small, 0, SEEK_CUR));
		return 1;
	}
	if (read(small, buf, sizeof(buf)) != 2 || memcmp(buf, "st", 2) || pread(small, buf, 5, 0) != 5 ||
	    memcmp(buf, "ghost", 5)) {
		fail("small ghost lost its data");
		return 1;
	}
	if (read(empty, buf, sizeof(buf)) != 0) {
		fail("empty ghost is not empty");
		return 1;
	}
	if (access("ghost00.empty", F_OK) == 0 || access("ghost00.small", F_OK) == 0) {
		fail("an unlinked name is back in the directory");
		return 1;
	}
	/* Both are still writable files of their own. */
	if (write(empty, "e", 1) != 1 || fstat(empty, &st) || st.st_size != 1 || pread(small, buf, 5, 0) != 5 ||
	    memcmp(buf, "ghost", 5)) {
		fail("writing the empty ghost failed or touched the other one");
		return 1;
	}
	pass();
	return 0;
}
