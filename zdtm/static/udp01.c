/* A bound UDP socket keeps the datagrams queued to it: from a connected peer (sizes 0 to 20000)
 * and from an unconnected sender, in order, each with its source port. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "zdtmlib.h"

static const int sizes[] = { 100, 0, 20000, 1, 1472 };
#define NR_MSGS (int)(sizeof(sizes) / sizeof(sizes[0]))

int main(int argc, char **argv)
{
	struct sockaddr_in rcv_addr, a_addr, c_addr, from;
	unsigned char msg[20000], buf[32768];
	socklen_t len;
	int rcv, a, c, i;
	ssize_t n;

	test_init(argc, argv);
	rcv = loopback_socket(SOCK_DGRAM, &rcv_addr);
	a = loopback_socket(SOCK_DGRAM, &a_addr);
	c = loopback_socket(SOCK_DGRAM, &c_addr);
	if (rcv < 0 || a < 0 || c < 0 || connect(a, (struct sockaddr *)&rcv_addr, sizeof(rcv_addr))) {
		fail_errno("prepare sockets");
		return 1;
	}
	for (i = 0; i < NR_MSGS; i++) {
		datagen(msg, sizes[i], 700 + i);
		if (send(a, msg, sizes[i], 0) != sizes[i]) {
			fail_errno("send %d", i);
			return 1;
		}
		if (i == 2 && sendto(c, "from c", 6, 0, (struct sockaddr *)&rcv_addr, sizeof(rcv_addr)) != 6) {
			fail_errno("sendto from c");
			return 1;
		}
	}

	test_daemon();
	test_waitsig();

	for (i = 0; i < NR_MSGS; i++) {
		len = sizeof(from);
		n = recvfrom(rcv, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &len);
		datagen(msg, sizes[i], 700 + i);
		if (n != sizes[i] || memcmp(buf, msg, n)) {
			fail_errno("datagram %d: %zd bytes, expected %d (or different data)", i, n, sizes[i]);
			return 1;
		}
		if (from.sin_port != a_addr.sin_port || from.sin_addr.s_addr != a_addr.sin_addr.s_addr) {
			fail("datagram %d comes from port %d, expected %d", i, ntohs(from.sin_port), ntohs(a_addr.sin_port));
			return 1;
		}
		if (i != 2)
			continue;
		len = sizeof(from);
		n = recvfrom(rcv, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &len);
		if (n != 6 || memcmp(buf, "from c", 6) || from.sin_port != c_addr.sin_port) {
			fail_errno("the datagram from c: %zd bytes from port %d", n, ntohs(from.sin_port));
			return 1;
		}
	}
	if (recv(rcv, buf, sizeof(buf), MSG_DONTWAIT) != -1 || errno != EAGAIN) {
		fail("an extra datagram is queued");
		return 1;
	}
	if (send(a, "new", 3, 0) != 3 || recv(rcv, buf, sizeof(buf), 0) != 3 || memcmp(buf, "new", 3)) {
		fail_errno("a new datagram does not arrive");
		return 1;
	}
	pass();
	return 0;
}
