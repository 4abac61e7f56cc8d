/* One file opened three times, O_RDONLY at offset 3, O_WRONLY at 1000 and O_RDWR at 70000: each
 * open file keeps its own access mode and offset, the three stay distinct open files of one inode,
 * the read-only one cannot write and the write-only one cannot read. */
#include <fcntl.h>
#include <linux/kcmp.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "zdtmlib.h"

#define LEN 100000
#define NAME "file_offset02.data"

static const int modes[3] = { O_RDONLY, O_WRONLY, O_RDWR };
static const off_t offs[3] = { 3, 1000, 70000 };

int main(int argc, char **argv)
{
	unsigned char *data = malloc(LEN), buf[64];
	struct stat st[3];
	int fd[3], i;

	test_init(argc, argv);
	datagen(data, LEN, 2);
	fd[2] = open(NAME, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd[2] < 0 || write_all(fd[2], data, LEN)) {
		fail_errno("create " NAME);
		return 1;
	}
	fd[0] = open(NAME, O_RDONLY);
	fd[1] = open(NAME, O_WRONLY);
	if (fd[0] < 0 || fd[1] < 0) {
		fail_errno("open " NAME);
		return 1;
	}
	for (i = 0; i < 3; i++)
		if (lseek(fd[i], offs[i], SEEK_SET) != offs[i]) {
			fail_errno("lseek");
			return 1;
		}

	test_daemon();
	test_waitsig();

	for (i = 0; i < 3; i++) {
		int fl = fcntl(fd[i], F_GETFL);
		off_t off = lseek(fd[i], 0, SEEK_CUR);

		if ((fl & O_ACCMODE) != modes[i] || (fl & (O_APPEND | O_NONBLOCK))) {
			fail("open %d: flags %#x, expected access mode %#x only", i, fl, modes[i]);
			return 1;
		}
		if (off != offs[i]) {
			fail("open %d: offset %lld, expected %lld", i, (long long)off, (long long)offs[i]);
			return 1;
		}
		if (fstat(fd[i], &st[i])) {
			fail_errno("fstat");
			return 1;
		}
	}
	for (i = 0; i < 3; i++) {
		int j = (i + 1) % 3;

		if (st[i].st_ino != st[j].st_ino || st[i].st_dev != st[j].st_dev) {
			fail("opens %d and %d are on different inodes", i, j);
			return 1;
		}
		if (syscall(SYS_kcmp, getpid(), getpid(), KCMP_FILE, fd[i], fd[j]) == 0) {
			fail("opens %d and %d became one open file", i, j);
			return 1;
		}
	}
	if (write(fd[0], "x", 1) != -1 || errno != EBADF) {
		fail("the O_RDONLY open could write");
		return 1;
	}
	if (read(fd[1], buf, 1) != -1 || errno != EBADF) {
		fail("the O_WRONLY open could read");
		return 1;
	}
	/* Each continues from its own offset. */
	if (read(fd[0], buf, 10) != 10 || memcmp(buf, data + 3, 10)) {
		fail("O_RDONLY read at 3 gave other data");
		return 1;
	}
	if (read(fd[2], buf, 10) != 10 || memcmp(buf, data + 70000, 10)) {
		fail("O_RDWR read at 70000 gave other data");
		return 1;
	}
	if (write(fd[1], "WRITTEN", 7) != 7 || pread(fd[2], buf, 7, 1000) != 7 || memcmp(buf, "WRITTEN", 7)) {
		fail("O_WRONLY write did not land at 1000");
		return 1;
	}
	if (lseek(fd[0], 0, SEEK_CUR) != 13 || lseek(fd[1], 0, SEEK_CUR) != 1007 || lseek(fd[2], 0, SEEK_CUR) != 70010) {
		fail("offsets after I/O %lld %lld %lld, expected 13 1007 70010", (long long)lseek(fd[0], 0, SEEK_CUR),
		     (long long)lseek(fd[1], 0, SEEK_CUR), (long long)lseek(fd[2], 0, SEEK_CUR));
		return 1;
	}
	pass();
	return 0;
}
