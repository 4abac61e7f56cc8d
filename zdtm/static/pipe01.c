/* O_NONBLOCK set on one end of a pipe only stays on that end: a full pipe with a non-blocking
 * write end (EAGAIN) and a blocking read end, an empty pipe with a non-blocking read end (EAGAIN)
 * and a blocking write end. */
#include <fcntl.h>
#include <unistd.h>

#include "zdtmlib.h"

#define BITS (O_ACCMODE | O_NONBLOCK | O_APPEND | O_DIRECT)

static int flags_are(int fd, int want, const char *what)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || (fl & BITS) != want) {
		fail("%s: flags %#x, expected %#x", what, fl & BITS, want);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static char buf[65536];
	int full[2], empty[2];
	long queued = 0;
	ssize_t n;

	test_init(argc, argv);
	if (pipe(full) || pipe(empty) || fcntl(full[1], F_SETFL, O_NONBLOCK) || fcntl(empty[0], F_SETFL, O_NONBLOCK)) {
		fail_errno("pipes");
		return 1;
	}
	datagen(buf, sizeof(buf), 1);
	while ((n = write(full[1], buf, 4096)) > 0)
		queued += n;
	if (errno != EAGAIN) {
		fail_errno("fill");
		return 1;
	}
	test_msg("%ld bytes queued\n", queued);

	test_daemon();
	test_waitsig();

	if (flags_are(full[0], O_RDONLY, "full pipe, read end") ||
	    flags_are(full[1], O_WRONLY | O_NONBLOCK, "full pipe, write end") ||
	    flags_are(empty[0], O_RDONLY | O_NONBLOCK, "empty pipe, read end") ||
	    flags_are(empty[1], O_WRONLY, "empty pipe, write end"))
		return 1;
	if (write(full[1], buf, 1) != -1 || errno != EAGAIN) {
		fail("the full pipe takes more data, or its write end blocks");
		return 1;
	}
	if (read(empty[0], buf, 1) != -1 || errno != EAGAIN) {
		fail("the empty pipe has data, or its read end blocks");
		return 1;
	}
	/* The blocking ends work: data written to the empty pipe comes out of its read end. */
	if (write(empty[1], "z", 1) != 1 || read(empty[0], buf, 2) != 1 || buf[0] != 'z') {
		fail("the empty pipe's ends are not connected");
		return 1;
	}
	if (read_all(full[0], buf, 1000) || datacmp(buf, 1000, 1) >= 0) {
		fail("the full pipe's data is lost");
		return 1;
	}
	pass();
	return 0;
}
