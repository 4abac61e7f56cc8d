/* Data in flight in a pipe survives, in order, and both ends still work. */
#include <fcntl.h>
#include <unistd.h>

#include "zdtmlib.h"

#define LEN 10000

int main(int argc, char **argv)
{
	unsigned char data[LEN], buf[LEN];
	int p[2];

	test_init(argc, argv);
	datagen(data, LEN, 1);
	if (pipe(p) || write_all(p[1], data, LEN)) {
		fail_errno("pipe");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (read_all(p[0], buf, LEN) || memcmp(buf, data, LEN)) {
		fail("data in flight lost or reordered");
		return 1;
	}
	/* The pipe must now be empty, and a new write must come out of the read end. */
	if (fcntl(p[0], F_SETFL, O_NONBLOCK) || read(p[0], buf, 1) != -1 || errno != EAGAIN) {
		fail("pipe holds extra data");
		return 1;
	}
	if (write(p[1], "x", 1) != 1 || read(p[0], buf, 1) != 1 || buf[0] != 'x') {
		fail("pipe ends are not connected");
		return 1;
	}
	pass();
	return 0;
}
