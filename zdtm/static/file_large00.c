/* A sparse file with 4 MiB of data written past 5 GiB: its open file keeps a 64-bit offset beyond
 * 4 GiB exactly (not truncated to 32 bits), reads continue from it, the size stays, and the range
 * below 5 GiB is still a hole. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zdtmlib.h"

#define NAME "file_large00.data"
#define BASE (((off_t)5 << 30) + 12345)
#define LEN (4 << 20)
#define POS (BASE + (1 << 20) + 7)

int main(int argc, char **argv)
{
	unsigned char *data = malloc(LEN), *buf = malloc(LEN);
	struct stat st;
	off_t off;
	int fd;

	test_init(argc, argv);
	datagen(data, LEN, 64);
	fd = open(NAME, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || lseek(fd, BASE, SEEK_SET) != BASE || write_all(fd, data, LEN)) {
		fail_errno("write %d bytes at %lld", LEN, (long long)BASE);
		return 1;
	}
	if (lseek(fd, POS, SEEK_SET) != POS) {
		fail_errno("lseek");
		return 1;
	}
	memset(data, 0, LEN);

	test_daemon();
	test_waitsig();

	off = lseek(fd, 0, SEEK_CUR);
	if (off != POS) {
		fail("offset %lld (%#llx), expected %lld (%#llx)", (long long)off, (long long)off, (long long)POS,
		     (long long)POS);
		return 1;
	}
	if (fstat(fd, &st) || st.st_size != BASE + LEN) {
		fail("size %lld, expected %lld", (long long)st.st_size, (long long)(BASE + LEN));
		return 1;
	}
	/* The pattern is made again: it does not come from restored memory. */
	datagen(data, LEN, 64);
	if (read_all(fd, buf, BASE + LEN - POS) || memcmp(buf, data + (POS - BASE), BASE + LEN - POS)) {
		fail("the data read from the offset differs");
		return 1;
	}
	if (read(fd, buf, 1) != 0) {
		fail("no end of file at the end of the data");
		return 1;
	}
	off = lseek(fd, 0, SEEK_DATA);
	if (off < ((off_t)5 << 30) - 4096 || off > BASE) {
		fail("first data at %lld: the hole below 5 GiB was filled", (long long)off);
		return 1;
	}
	if (pread(fd, buf, 4096, (off_t)4 << 30) != 4096 || buf[0] || memcmp(buf, buf + 1, 4095)) {
		fail("the hole at 4 GiB does not read zeros");
		return 1;
	}
	pass();
	return 0;
}
