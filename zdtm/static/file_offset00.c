/* An open file keeps its offset; the next read continues from it. */
#include <fcntl.h>
#include <unistd.h>

#include "zdtmlib.h"

#define LEN 65536
#define OFFSET 12345

int main(int argc, char **argv)
{
	unsigned char data[LEN], buf[100];
	off_t pos;
	int fd;

	test_init(argc, argv);
	datagen(data, LEN, 1);
	fd = open("file_offset00.data", O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write_all(fd, data, LEN) || lseek(fd, OFFSET, SEEK_SET) != OFFSET) {
		fail_errno("prepare file");
		return 1;
	}

	test_daemon();
	test_waitsig();

	pos = lseek(fd, 0, SEEK_CUR);
	if (pos != OFFSET) {
		fail("offset is %lld, expected %d", (long long)pos, OFFSET);
		return 1;
	}
	if (read_all(fd, buf, sizeof(buf)) || memcmp(buf, data + OFFSET, sizeof(buf))) {
		fail("read after restore does not continue at the offset");
		return 1;
	}
	pass();
	return 0;
}
