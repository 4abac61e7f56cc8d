/* A file deleted while open stays open with its contents, offset and zero link count. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zdtmlib.h"

static char *filename = "unlink_open00.data";
TEST_OPTION(filename, string, "file to create and delete", 0);

#define LEN 100000

int main(int argc, char **argv)
{
	static unsigned char data[LEN], buf[LEN];
	struct stat st;
	int fd;

	test_init(argc, argv);
	datagen(data, LEN, 8);
	fd = open(filename, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write_all(fd, data, LEN) || lseek(fd, 1000, SEEK_SET) != 1000 ||
	    unlink(filename)) {
		fail_errno("prepare %s", filename);
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (fstat(fd, &st)) {
		fail_errno("fstat");
		return 1;
	}
	if (st.st_nlink != 0 || st.st_size != LEN || (st.st_mode & 0777) != 0600) {
		fail("nlink %lu size %lld mode %o, expected 0 %d 600", (unsigned long)st.st_nlink,
		     (long long)st.st_size, st.st_mode & 0777, LEN);
		return 1;
	}
	if (access(filename, F_OK) == 0) {
		fail("%s reappeared in the directory", filename);
		return 1;
	}
	if (lseek(fd, 0, SEEK_CUR) != 1000) {
		fail("offset lost");
		return 1;
	}
	if (pread(fd, buf, LEN, 0) != LEN || memcmp(buf, data, LEN)) {
		fail("contents lost");
		return 1;
	}
	pass();
	return 0;
}
