/* An O_TMPFILE file (never linked anywhere) with 10000 bytes of data: after restore it is still an
 * unnamed regular file with no links, mode 0640, its size, data and offset 1234, open O_RDWR; and
 * it is still an O_TMPFILE inode, which linkat() can give a name (an unlinked file could not). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zdtmlib.h"

#define LEN 10000
#define NAME "tmpfile00.linked"

int main(int argc, char **argv)
{
	unsigned char *data = malloc(LEN), *buf = malloc(LEN);
	char proc[64];
	struct stat st, lst;
	int fd, fl;

	test_init(argc, argv);
	datagen(data, LEN, 77);
	fd = open(".", O_TMPFILE | O_RDWR, 0600);
	if (fd < 0 || write_all(fd, data, LEN) || fchmod(fd, 0640) || lseek(fd, 1234, SEEK_SET) != 1234) {
		fail_errno("O_TMPFILE");
		return 1;
	}
	memset(data, 0, LEN);

	test_daemon();
	test_waitsig();

	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_nlink != 0 || (st.st_mode & 07777) != 0640 ||
	    st.st_size != LEN) {
		fail("file: mode %o, %ld links, size %lld; expected a 0640 regular file, 0 links, %d bytes", st.st_mode,
		     (long)st.st_nlink, (long long)st.st_size, LEN);
		return 1;
	}
	fl = fcntl(fd, F_GETFL);
	if ((fl & O_ACCMODE) != O_RDWR || lseek(fd, 0, SEEK_CUR) != 1234) {
		fail("flags %#x offset %lld, expected O_RDWR at 1234", fl, (long long)lseek(fd, 0, SEEK_CUR));
		return 1;
	}
	datagen(data, LEN, 77);
	if (read_all(fd, buf, LEN - 1234) || memcmp(buf, data + 1234, LEN - 1234) || pread(fd, buf, 1234, 0) != 1234 ||
	    memcmp(buf, data, 1234)) {
		fail("the data differs");
		return 1;
	}
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	unlink(NAME);
	if (linkat(AT_FDCWD, proc, AT_FDCWD, NAME, AT_SYMLINK_FOLLOW)) {
		fail_errno("linkat: the file can no longer be given a name, it is not an O_TMPFILE file now");
		return 1;
	}
	if (stat(NAME, &lst) || lst.st_ino != st.st_ino || fstat(fd, &st) || st.st_nlink != 1) {
		fail("the linked name is not the open file");
		return 1;
	}
	pass();
	return 0;
}
