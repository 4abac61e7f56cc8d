/* A named pipe opened read-write keeps its data in flight and still names the same fifo. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zdtmlib.h"

#define LEN 3000

int main(int argc, char **argv)
{
	unsigned char data[LEN], buf[LEN];
	struct stat st;
	int fd, writer;

	test_init(argc, argv);
	unlink("fifo00.fifo");
	if (mkfifo("fifo00.fifo", 0600)) {
		fail_errno("mkfifo");
		return 1;
	}
	datagen(data, LEN, 7);
	fd = open("fifo00.fifo", O_RDWR);
	if (fd < 0 || write_all(fd, data, LEN)) {
		fail_errno("open/write fifo");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (fstat(fd, &st) || !S_ISFIFO(st.st_mode)) {
		fail("descriptor is no longer a fifo");
		return 1;
	}
	if (read_all(fd, buf, LEN) || memcmp(buf, data, LEN)) {
		fail("data in flight lost");
		return 1;
	}
	/* A writer opening the path reaches the same pipe. */
	writer = open("fifo00.fifo", O_WRONLY | O_NONBLOCK);
	if (writer < 0 || write(writer, "y", 1) != 1 || read(fd, buf, 1) != 1 || buf[0] != 'y') {
		fail("the fifo path does not reach the restored pipe");
		return 1;
	}
	pass();
	return 0;
}
