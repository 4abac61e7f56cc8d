/* Every pipe keeps the size F_SETPIPE_SZ gave it, whatever it holds: an empty pipe grown to 1 MiB,
 * one of 1 MiB holding 100 KiB (which alone would fit in a smaller one), one shrunk to a single
 * page, and an empty FIFO of 512 KiB. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zdtmlib.h"

#define NR_PIPES 4

int main(int argc, char **argv)
{
	const int page = sysconf(_SC_PAGESIZE);
	const int sizes[NR_PIPES] = { 1 << 20, 1 << 20, page, 512 << 10 };
	const int queued[NR_PIPES] = { 0, 100 << 10, 100, 0 };
	unsigned char *data = malloc(1 << 20), *buf = malloc(1 << 20);
	char fifo[256];
	int p[NR_PIPES][2], i;

	test_init(argc, argv);
	snprintf(fifo, sizeof(fifo), "/tmp/zdtm-%s-%d.fifo", test_name, getpid());
	for (i = 0; i < NR_PIPES; i++) {
		if (i == NR_PIPES - 1) {
			unlink(fifo);
			if (mkfifo(fifo, 0600) || (p[i][0] = open(fifo, O_RDONLY | O_NONBLOCK)) < 0 ||
			    (p[i][1] = open(fifo, O_WRONLY)) < 0) {
				fail_errno("fifo %s", fifo);
				return 1;
			}
		} else if (pipe(p[i])) {
			fail_errno("pipe");
			return 1;
		}
		if (fcntl(p[i][0], F_SETPIPE_SZ, sizes[i]) != sizes[i]) {
			fail_errno("F_SETPIPE_SZ %d on pipe %d", sizes[i], i);
			return 1;
		}
		datagen(data, queued[i], i);
		if (write_all(p[i][1], data, queued[i])) {
			fail_errno("fill pipe %d", i);
			return 1;
		}
	}

	test_daemon();
	test_waitsig();
	unlink(fifo);

	for (i = 0; i < NR_PIPES; i++) {
		int got = fcntl(p[i][0], F_GETPIPE_SZ);

		if (got != sizes[i]) {
			fail("pipe %d: size %d after restore, %d before", i, got, sizes[i]);
			return 1;
		}
		if (read_all(p[i][0], buf, queued[i]) || datacmp(buf, queued[i], i) >= 0) {
			fail("pipe %d: queued data lost", i);
			return 1;
		}
	}
	pass();
	return 0;
}
