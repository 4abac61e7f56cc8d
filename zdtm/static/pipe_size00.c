/* A pipe resized with F_SETPIPE_SZ keeps its size and the data queued beyond the default 64 KiB. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "zdtmlib.h"

#define SIZE (256 * 1024)
#define QUEUED (200 * 1024)

int main(int argc, char **argv)
{
	unsigned char *data, *buf;
	int p[2], got;

	test_init(argc, argv);
	data = malloc(QUEUED);
	buf = malloc(QUEUED);
	datagen(data, QUEUED, 3);
	if (pipe(p) || fcntl(p[0], F_SETPIPE_SZ, SIZE) < SIZE || write_all(p[1], data, QUEUED)) {
		fail_errno("prepare pipe");
		return 1;
	}

	test_daemon();
	test_waitsig();

	got = fcntl(p[0], F_GETPIPE_SZ);
	if (got != SIZE) {
		fail("pipe size %d, expected %d", got, SIZE);
		return 1;
	}
	if (read_all(p[0], buf, QUEUED) || memcmp(buf, data, QUEUED)) {
		fail("queued data lost");
		return 1;
	}
	pass();
	return 0;
}
