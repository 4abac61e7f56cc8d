/* SO_PEEK_OFF on a unix stream socket with data queued: after restore the peek offset is the same
 * and MSG_PEEK goes on from it, while plain reads still start at the head of the queue. */
#include <sys/socket.h>
#include <unistd.h>

#include "zdtmlib.h"

int main(int argc, char **argv)
{
	int sk[2], off = 4, val = -1;
	socklen_t len = sizeof(val);
	char buf[16];

	test_init(argc, argv);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sk) || write_all(sk[0], "0123456789", 10) ||
	    setsockopt(sk[1], SOL_SOCKET, SO_PEEK_OFF, &off, sizeof(off))) {
		fail_errno("prepare");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (getsockopt(sk[1], SOL_SOCKET, SO_PEEK_OFF, &val, &len) || val != 4) {
		fail("SO_PEEK_OFF is %d, expected 4", val);
		return 1;
	}
	/* Peeking 3 bytes from offset 4 moves the offset to 7. */
	if (recv(sk[1], buf, 3, MSG_PEEK | MSG_DONTWAIT) != 3 || memcmp(buf, "456", 3)) {
		fail("MSG_PEEK does not start at offset 4");
		return 1;
	}
	len = sizeof(val);
	if (getsockopt(sk[1], SOL_SOCKET, SO_PEEK_OFF, &val, &len) || val != 7) {
		fail("SO_PEEK_OFF is %d after peeking 3 bytes, expected 7", val);
		return 1;
	}
	if (recv(sk[1], buf, 10, MSG_DONTWAIT) != 10 || memcmp(buf, "0123456789", 10)) {
		fail("the queued data lost or changed");
		return 1;
	}
	pass();
	return 0;
}
