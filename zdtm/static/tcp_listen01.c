/* Four TCP listeners, each on its own port of 127.0.0.1 (one on 0.0.0.0): each keeps its port, and
 * a client connecting to a port is accepted by that listener and no other. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "zdtmlib.h"

#define NR 4	/* the last one on INADDR_ANY */

static int port_of(int sk, in_addr_t ip)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	if (getsockname(sk, (struct sockaddr *)&a, &len) || a.sin_addr.s_addr != ip)
		return -1;
	return ntohs(a.sin_port);
}

static int connect_port(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int sk = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (sk < 0 || connect(sk, (struct sockaddr *)&a, sizeof(a)))
		return -1;
	return sk;
}

int main(int argc, char **argv)
{
	struct sockaddr_in addr;
	struct pollfd pfd;
	int lsk[NR], ports[NR], i, j, c, acc, val;
	in_addr_t ips[NR];

	test_init(argc, argv);
	for (i = 0; i < NR; i++) {
		ips[i] = htonl(i == NR - 1 ? INADDR_ANY : INADDR_LOOPBACK);
		addr = (struct sockaddr_in){ .sin_family = AF_INET, .sin_addr.s_addr = ips[i] };
		lsk[i] = socket(AF_INET, SOCK_STREAM, 0);
		if (lsk[i] < 0 || bind(lsk[i], (struct sockaddr *)&addr, sizeof(addr)) || listen(lsk[i], i + 1)) {
			fail_errno("listener %d", i);
			return 1;
		}
		ports[i] = port_of(lsk[i], ips[i]);
	}

	test_daemon();
	test_waitsig();

	for (i = 0; i < NR; i++)
		if (port_of(lsk[i], ips[i]) != ports[i]) {
			fail("listener %d is on port %d (or another address), expected %d", i, port_of(lsk[i], ips[i]),
			     ports[i]);
			return 1;
		}
	/* Connect to each port in reverse order: only its own listener may have a connection. */
	for (i = NR - 1; i >= 0; i--) {
		c = connect_port(ports[i]);
		if (c < 0) {
			fail_errno("connect to port %d", ports[i]);
			return 1;
		}
		for (j = 0; j < NR; j++) {
			pfd = (struct pollfd){ .fd = lsk[j], .events = POLLIN };
			if (poll(&pfd, 1, j == i ? 5000 : 0) != (j == i)) {
				fail("after connecting to port %d, listener %d (port %d) is %s", ports[i], j, ports[j],
				     j == i ? "not ready" : "ready");
				return 1;
			}
		}
		acc = accept(lsk[i], NULL, NULL);
		if (acc < 0 || write_all(c, "x", 1) || read_all(acc, &val, 1)) {
			fail_errno("accept on listener %d", i);
			return 1;
		}
		close(acc);
		close(c);
	}
	pass();
	return 0;
}
