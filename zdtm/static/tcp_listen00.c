/* A TCP socket listening on 127.0.0.1 keeps its port and options and accepts connections. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include "zdtmlib.h"

int main(int argc, char **argv)
{
	struct sockaddr_in addr = { .sin_family = AF_INET }, got;
	socklen_t len = sizeof(addr);
	int lsk, client, acc, one = 1, val;

	test_init(argc, argv);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lsk = socket(AF_INET, SOCK_STREAM, 0);
	/* Port 0: the kernel picks a free port, which must be the same after restore. */
	if (lsk < 0 || setsockopt(lsk, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    setsockopt(lsk, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) ||
	    bind(lsk, (struct sockaddr *)&addr, sizeof(addr)) || listen(lsk, 4) ||
	    getsockname(lsk, (struct sockaddr *)&addr, &len)) {
		fail_errno("listen");
		return 1;
	}

	test_daemon();
	test_waitsig();

	len = sizeof(got);
	if (getsockname(lsk, (struct sockaddr *)&got, &len) || got.sin_port != addr.sin_port ||
	    got.sin_addr.s_addr != addr.sin_addr.s_addr) {
		fail("bound to port %d, expected %d", ntohs(got.sin_port), ntohs(addr.sin_port));
		return 1;
	}
	len = sizeof(val);
	if (getsockopt(lsk, SOL_SOCKET, SO_REUSEADDR, &val, &len) || !val ||
	    getsockopt(lsk, IPPROTO_TCP, TCP_NODELAY, &val, &len) || !val) {
		fail("SO_REUSEADDR or TCP_NODELAY lost");
		return 1;
	}
	len = sizeof(val);
	if (getsockopt(lsk, SOL_SOCKET, SO_ACCEPTCONN, &val, &len) || !val) {
		fail("socket no longer listens");
		return 1;
	}
	client = socket(AF_INET, SOCK_STREAM, 0);
	if (client < 0 || connect(client, (struct sockaddr *)&addr, sizeof(addr)) ||
	    (acc = accept(lsk, NULL, NULL)) < 0) {
		fail_errno("connect/accept after restore");
		return 1;
	}
	pass();
	return 0;
}
