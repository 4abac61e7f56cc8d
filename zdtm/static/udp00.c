/* A bound, connected UDP socket keeps its addresses and options and exchanges datagrams. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "zdtmlib.h"

int main(int argc, char **argv)
{
	struct sockaddr_in a_addr, b_addr, got;
	socklen_t len;
	int a, b, rcvbuf = 65536, val;
	char buf[32];

	test_init(argc, argv);
	a = loopback_socket(SOCK_DGRAM, &a_addr);
	b = loopback_socket(SOCK_DGRAM, &b_addr);
	if (a < 0 || b < 0 || connect(a, (struct sockaddr *)&b_addr, sizeof(b_addr)) ||
	    setsockopt(b, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf))) {
		fail_errno("prepare sockets");
		return 1;
	}
	len = sizeof(rcvbuf);
	getsockopt(b, SOL_SOCKET, SO_RCVBUF, &rcvbuf, &len);

	test_daemon();
	test_waitsig();

	len = sizeof(got);
	if (getpeername(a, (struct sockaddr *)&got, &len) || got.sin_port != b_addr.sin_port) {
		fail("socket a lost its peer");
		return 1;
	}
	len = sizeof(got);
	if (getsockname(b, (struct sockaddr *)&got, &len) || got.sin_port != b_addr.sin_port) {
		fail("socket b is bound to port %d, expected %d", ntohs(got.sin_port),
		     ntohs(b_addr.sin_port));
		return 1;
	}
	len = sizeof(val);
	if (getsockopt(b, SOL_SOCKET, SO_RCVBUF, &val, &len) || val != rcvbuf) {
		fail("SO_RCVBUF is %d, expected %d", val, rcvbuf);
		return 1;
	}
	if (send(a, "datagram", 8, 0) != 8) {
		fail_errno("send");
		return 1;
	}
	len = sizeof(got);
	if (recvfrom(b, buf, sizeof(buf), 0, (struct sockaddr *)&got, &len) != 8 ||
	    memcmp(buf, "datagram", 8) || got.sin_port != a_addr.sin_port) {
		fail("datagram from a did not arrive at b");
		return 1;
	}
	pass();
	return 0;
}
