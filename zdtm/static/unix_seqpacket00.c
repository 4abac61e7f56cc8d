/* A unix seqpacket socketpair keeps queued records; a half-closed direction stays closed. */
#include <sys/socket.h>
#include <unistd.h>

#include "zdtmlib.h"

#define NR_MSGS 8

int main(int argc, char **argv)
{
	unsigned char msg[4096], buf[8192];
	ssize_t n;
	int sk[2], i;

	test_init(argc, argv);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sk)) {
		fail_errno("socketpair");
		return 1;
	}
	for (i = 0; i < NR_MSGS; i++) {
		datagen(msg, 500 * i + 7, 40 + i);
		if (send(sk[0], msg, 500 * i + 7, 0) != 500 * i + 7) {
			fail_errno("send %d", i);
			return 1;
		}
	}
	/* End 1 will never send again: end 0 reads end of file once the queue is empty. */
	if (shutdown(sk[1], SHUT_WR)) {
		fail_errno("shutdown");
		return 1;
	}

	test_daemon();
	test_waitsig();

	for (i = 0; i < NR_MSGS; i++) {
		n = recv(sk[1], buf, sizeof(buf), MSG_DONTWAIT);
		datagen(msg, 500 * i + 7, 40 + i);
		if (n != 500 * i + 7 || memcmp(buf, msg, n)) {
			fail("record %d: %zd bytes, expected %d (or different data)", i, n, 500 * i + 7);
			return 1;
		}
	}
	if (recv(sk[0], buf, sizeof(buf), MSG_DONTWAIT) != 0) {
		fail("end 0 does not see end 1's shutdown");
		return 1;
	}
	if (send(sk[1], "x", 1, MSG_NOSIGNAL) != -1 || errno != EPIPE) {
		fail("end 1 can send after SHUT_WR");
		return 1;
	}
	if (send(sk[0], "y", 1, 0) != 1 || recv(sk[1], buf, 1, MSG_DONTWAIT) != 1) {
		fail("the other direction no longer works");
		return 1;
	}
	pass();
	return 0;
}
