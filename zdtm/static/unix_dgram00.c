/* A unix datagram socketpair keeps queued datagrams with their boundaries and order. */
#include <sys/socket.h>
#include <unistd.h>

#include "zdtmlib.h"

#define NR_MSGS 10

int main(int argc, char **argv)
{
	unsigned char msg[NR_MSGS * 100], buf[2048];
	ssize_t n;
	int sk[2], i;

	test_init(argc, argv);
	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sk)) {
		fail_errno("socketpair");
		return 1;
	}
	/* Message i is i * 100 + 1 bytes long, so lengths show whether boundaries survive. */
	for (i = 0; i < NR_MSGS; i++) {
		datagen(msg, i * 100 + 1, i);
		if (send(sk[0], msg, i * 100 + 1, 0) != i * 100 + 1) {
			fail_errno("send %d", i);
			return 1;
		}
	}
	if (send(sk[1], "", 0, 0) != 0) {	/* an empty datagram the other way */
		fail_errno("send empty");
		return 1;
	}

	test_daemon();
	test_waitsig();

	for (i = 0; i < NR_MSGS; i++) {
		n = recv(sk[1], buf, sizeof(buf), MSG_DONTWAIT);
		datagen(msg, i * 100 + 1, i);
		if (n != i * 100 + 1 || memcmp(buf, msg, n)) {
			fail("datagram %d: %zd bytes, expected %d (or different data)", i, n, i * 100 + 1);
			return 1;
		}
	}
	if (recv(sk[1], buf, sizeof(buf), MSG_DONTWAIT) != -1 || errno != EAGAIN) {
		fail("extra datagram queued");
		return 1;
	}
	n = recv(sk[0], buf, sizeof(buf), MSG_DONTWAIT);
	if (n != 0) {
		fail("empty datagram came back as %zd bytes", n);
		return 1;
	}
	pass();
	return 0;
}
