/* Two TCP listeners sharing one port of 127.0.0.1 through SO_REUSEPORT: both come back on that
 * port with SO_REUSEPORT set, and a client of the port is accepted by one of them. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "zdtmlib.h"

static int reuseport_listener(struct sockaddr_in *addr)
{
	int sk = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	socklen_t len = sizeof(*addr);

	if (sk < 0 || setsockopt(sk, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) ||
	    bind(sk, (struct sockaddr *)addr, sizeof(*addr)) || listen(sk, 4) ||
	    getsockname(sk, (struct sockaddr *)addr, &len))
		return -1;
	return sk;
}

int main(int argc, char **argv)
{
	struct sockaddr_in addr = { .sin_family = AF_INET }, got;
	struct pollfd pfd[2];
	int lsk[2], i, c, acc, val;
	socklen_t len;

	test_init(argc, argv);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lsk[0] = reuseport_listener(&addr);	/* picks the port */
	lsk[1] = lsk[0] < 0 ? -1 : reuseport_listener(&addr);
	if (lsk[0] < 0 || lsk[1] < 0) {
		fail_errno("SO_REUSEPORT listeners");
		return 1;
	}

	test_daemon();
	test_waitsig();

	for (i = 0; i < 2; i++) {
		len = sizeof(got);
		if (getsockname(lsk[i], (struct sockaddr *)&got, &len) || got.sin_port != addr.sin_port) {
			fail("listener %d is on port %d, expected %d", i, ntohs(got.sin_port), ntohs(addr.sin_port));
			return 1;
		}
		len = sizeof(val);
		if (getsockopt(lsk[i], SOL_SOCKET, SO_REUSEPORT, &val, &len) || val != 1) {
			fail("listener %d: SO_REUSEPORT is %d", i, val);
			return 1;
		}
		len = sizeof(val);
		if (getsockopt(lsk[i], SOL_SOCKET, SO_ACCEPTCONN, &val, &len) || val != 1) {
			fail("listener %d no longer listens", i);
			return 1;
		}
	}
	c = socket(AF_INET, SOCK_STREAM, 0);
	pfd[0] = (struct pollfd){ .fd = lsk[0], .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = lsk[1], .events = POLLIN };
	if (c < 0 || connect(c, (struct sockaddr *)&addr, sizeof(addr)) || poll(pfd, 2, 5000) != 1) {
		fail_errno("a client of the shared port is not waiting at exactly one listener");
		return 1;
	}
	acc = accept(pfd[0].revents ? lsk[0] : lsk[1], NULL, NULL);
	if (acc < 0 || write_all(c, "x", 1) || read_all(acc, &val, 1)) {
		fail_errno("accept on the shared port");
		return 1;
	}
	pass();
	return 0;
}
