/* An open file whose name was unlinked and then reused by a new file still holds the old,
 * unlinked contents; the new file at that name stays as it was. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zdtmlib.h"

#define OLD 6000
#define NEW 100

int main(int argc, char **argv)
{
	unsigned char data[OLD], buf[OLD];
	struct stat st_old, st_new, st;
	int old, nw;

	test_init(argc, argv);
	datagen(data, OLD, 31);
	old = open("ghost02.data", O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (old < 0 || write_all(old, data, OLD) || lseek(old, 10, SEEK_SET) != 10 || unlink("ghost02.data")) {
		fail_errno("create the old file");
		return 1;
	}
	nw = open("ghost02.data", O_RDWR | O_CREAT | O_EXCL, 0600);
	if (nw < 0 || write_all(nw, data + 1000, NEW) || close(nw) || stat("ghost02.data", &st_new)) {
		fail_errno("create the new file");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (fstat(old, &st) || st.st_nlink != 0 || st.st_size != OLD) {
		fail("the open file has %ld links and %ld bytes, expected 0 and %d", (long)st.st_nlink,
		     (long)st.st_size, OLD);
		return 1;
	}
	if (pread(old, buf, OLD, 0) != OLD || memcmp(buf, data, OLD) || lseek(old, 0, SEEK_CUR) != 10) {
		fail("the open file lost the old contents or its offset");
		return 1;
	}
	if (stat("ghost02.data", &st) || st.st_size != NEW || (st.st_mode & 07777) != 0600 || st.st_nlink != 1 ||
	    st.st_ino != st_new.st_ino) {
		fail("the new file at the reused name was replaced or changed");
		return 1;
	}
	if (fstat(old, &st_old) || (st_old.st_ino == st.st_ino && st_old.st_dev == st.st_dev)) {
		fail("the open file is the new file at the reused name");
		return 1;
	}
	nw = open("ghost02.data", O_RDONLY);
	if (nw < 0 || read(nw, buf, OLD) != NEW || memcmp(buf, data + 1000, NEW)) {
		fail("the new file's contents changed");
		return 1;
	}
	pass();
	return 0;
}
