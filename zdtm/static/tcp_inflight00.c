/*
 * A listener with a connection waiting in its accept queue, dumped with --skip-in-flight:
 * after restore the queue is empty (the waiting connection was dropped), the client end of
 * it is reset by the listener once it sends, and a new client is accepted.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "zdtmlib.h"

int main(int argc, char **argv)
{
	struct sockaddr_in addr;
	socklen_t len;
	struct pollfd p;
	int lsk, client, late, accepted, err = 0;

	test_init(argc, argv);
	if (loopback_connect(4, &lsk, &client, &addr)) {
		fail_errno("connect a client that is never accepted");
		return 1;
	}

	test_daemon();
	test_waitsig();

	p = (struct pollfd){ .fd = lsk, .events = POLLIN };
	if (poll(&p, 1, 0) != 0) {
		fail("the dropped connection is still waiting to be accepted");
		return 1;
	}
	if (send(client, "x", 1, MSG_NOSIGNAL) != 1) {
		fail_errno("send on the dropped connection's client end");
		return 1;
	}
	p = (struct pollfd){ .fd = client, .events = POLLIN };
	len = sizeof(err);
	if (poll(&p, 1, 5000) != 1 || getsockopt(client, SOL_SOCKET, SO_ERROR, &err, &len) || err != ECONNRESET) {
		fail("the dropped connection's client end was not reset (revents %#x, error %d)", p.revents, err);
		return 1;
	}
	late = socket(AF_INET, SOCK_STREAM, 0);
	if (late < 0 || connect(late, (struct sockaddr *)&addr, sizeof(addr)) ||
	    (accepted = accept(lsk, NULL, NULL)) < 0 || write_all(late, "new", 3)) {
		fail_errno("a new client after restore");
		return 1;
	}
	close(accepted);
	pass();
	return 0;
}
