/* A pipe shared between parent (writer) and child (reader) connects them after restore. */
#include <stdlib.h>
#include <unistd.h>

#include "zdtmlib.h"

#define LEN 4096

int main(int argc, char **argv)
{
	unsigned char data[LEN];
	pid_t child;
	int p[2], code;

	test_init(argc, argv);
	if (pipe(p)) {
		fail_errno("pipe");
		return 1;
	}
	datagen(data, LEN, 6);
	child = fork();
	if (child == 0) {
		unsigned char buf[2 * LEN];

		close(p[1]);
		/*
		 * The first half was queued before the dump, the second half is written after; the
		 * child sleeps in read() across the dump (read_all's time limit would run out there
		 * under emulation).
		 */
		if (read_all(p[0], buf, LEN))
			exit(2);
		if (read(p[0], buf + LEN, 1) != 1 || read_all(p[0], buf + LEN + 1, LEN - 1))
			exit(2);
		if (memcmp(buf, data, LEN) || memcmp(buf + LEN, data, LEN))
			exit(3);
		exit(read(p[0], buf, 1) == 0 ? 0 : 4);	/* then end of file: no writer left */
	}
	close(p[0]);
	if (write_all(p[1], data, LEN)) {
		fail_errno("write");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (write_all(p[1], data, LEN)) {
		fail_errno("write after restore");
		return 1;
	}
	close(p[1]);
	code = wait_exit_code(child);
	if (code) {
		fail("reader child failed with %d (2: short read, 3: bad data, 4: no EOF)", code);
		return 1;
	}
	pass();
	return 0;
}
