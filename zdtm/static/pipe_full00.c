/* A pipe whose buffer is completely full is restored full: same data, same capacity. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "zdtmlib.h"

int main(int argc, char **argv)
{
	unsigned char *data, *buf;
	int p[2], size, got;
	ssize_t n, len = 0;

	test_init(argc, argv);
	if (pipe2(p, O_NONBLOCK)) {
		fail_errno("pipe");
		return 1;
	}
	size = fcntl(p[1], F_GETPIPE_SZ);
	data = malloc(size);
	buf = malloc(size + 1);
	datagen(data, size, 2);
	while (len < size && (n = write(p[1], data + len, size - len)) > 0)
		len += n;
	if (len != size || write(p[1], "x", 1) != -1 || errno != EAGAIN) {
		fail("filled %zd of %d bytes", len, size);
		return 1;
	}

	test_daemon();
	test_waitsig();

	got = fcntl(p[1], F_GETPIPE_SZ);
	if (got != size) {
		fail("pipe size %d, expected %d", got, size);
		return 1;
	}
	if (write(p[1], "x", 1) != -1 || errno != EAGAIN) {
		fail("full pipe accepted more data");
		return 1;
	}
	n = read(p[0], buf, size + 1);
	while (n > 0 && n < size) {
		ssize_t more = read(p[0], buf + n, size + 1 - n);

		if (more <= 0)
			break;
		n += more;
	}
	if (n != size || memcmp(buf, data, size)) {
		fail("read back %zd bytes, expected %d identical ones", n, size);
		return 1;
	}
	pass();
	return 0;
}
