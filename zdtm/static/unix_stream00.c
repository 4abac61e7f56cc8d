/* A unix stream socketpair keeps data queued in both directions and stays connected. */
#include <sys/socket.h>
#include <unistd.h>

#include "zdtmlib.h"

#define LEN 20000

int main(int argc, char **argv)
{
	unsigned char a_to_b[LEN], b_to_a[LEN / 2], buf[LEN];
	int sk[2];

	test_init(argc, argv);
	datagen(a_to_b, LEN, 1);
	datagen(b_to_a, LEN / 2, 2);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sk) || write_all(sk[0], a_to_b, LEN) ||
	    write_all(sk[1], b_to_a, LEN / 2)) {
		fail_errno("prepare socketpair");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (read_all(sk[1], buf, LEN) || memcmp(buf, a_to_b, LEN)) {
		fail("data queued from end 0 to end 1 lost");
		return 1;
	}
	if (read_all(sk[0], buf, LEN / 2) || memcmp(buf, b_to_a, LEN / 2)) {
		fail("data queued from end 1 to end 0 lost");
		return 1;
	}
	if (write(sk[0], "ping", 4) != 4 || read(sk[1], buf, 4) != 4 || memcmp(buf, "ping", 4)) {
		fail("ends are no longer connected");
		return 1;
	}
	pass();
	return 0;
}
