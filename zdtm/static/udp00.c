/* A bound, connected UDP socket keeps its addresses and options and exchanges datagrams. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "zdtmlib.h"

static int bind_loopback(struct sockaddr_in *addr)
{
	socklen_t len = sizeof(*addr);
	int sk = socket(AF_INET, SOCK_DGRAM, 0);

	*addr = (struct sockaddr_in){ .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	if (sk < 0 || bind(sk, (struct sockaddr *)addr, sizeof(*addr)) ||
	    getsockname(sk, (struct sockaddr *)addr, &len))
		return -1;
	return sk;
}

int main(int argc, char **argv)
{
	struct sockaddr_in a_addr, b_addr, got;
	socklen_t len;
	int a, b, rcvbuf = 65536, val;
	char buf[32];

	test_init(argc, argv);
	a = bind_loopback(&a_addr);
	b = bind_loopback(&b_addr);
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
