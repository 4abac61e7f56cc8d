/* A packet-mode pipe (O_DIRECT) keeps the boundaries of the messages queued in it: each read
 * returns exactly one message, and the write end stays in packet mode. */
#include <fcntl.h>
#include <unistd.h>

#include "zdtmlib.h"

static const int sizes[] = { 1, 100, 4096, 7, 3000, 512 };
#define NR (int)(sizeof(sizes) / sizeof(sizes[0]))

int main(int argc, char **argv)
{
	static unsigned char msg[8192], buf[65536];
	int p[2], i;
	ssize_t n;

	test_init(argc, argv);
	if (pipe2(p, O_DIRECT)) {
		fail_errno("pipe2(O_DIRECT)");
		return 1;
	}
	for (i = 0; i < NR; i++) {
		datagen(msg, sizes[i], i);
		if (write(p[1], msg, sizes[i]) != sizes[i]) {
			fail_errno("write message %d", i);
			return 1;
		}
	}

	test_daemon();
	test_waitsig();

	/* The kernel keeps O_DIRECT on the write end only; packets are made by writes. */
	if ((fcntl(p[0], F_GETFL) & O_DIRECT) || !(fcntl(p[1], F_GETFL) & O_DIRECT)) {
		fail("O_DIRECT: read end %#x, write end %#x, expected only on the write end", fcntl(p[0], F_GETFL),
		     fcntl(p[1], F_GETFL));
		return 1;
	}
	for (i = 0; i < NR; i++) {
		n = read(p[0], buf, sizeof(buf));
		if (n != sizes[i]) {
			fail("message %d: read %zd bytes, expected %d (boundaries lost)", i, n, sizes[i]);
			return 1;
		}
		if (datacmp(buf, n, i) >= 0) {
			fail("message %d has other data", i);
			return 1;
		}
	}
	/* New messages keep their boundaries too. */
	if (write(p[1], "ab", 2) != 2 || write(p[1], "cde", 3) != 3 || read(p[0], buf, sizeof(buf)) != 2 ||
	    read(p[0], buf, sizeof(buf)) != 3 || memcmp(buf, "cde", 3)) {
		fail("messages written after restore are merged");
		return 1;
	}
	pass();
	return 0;
}
