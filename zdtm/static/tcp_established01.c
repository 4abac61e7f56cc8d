/*
 * A server as servers are: its listening socket stays open beside the connection it
 * accepted, both on one port. Both come back: the connection carries data, the listener
 * accepts a new client.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "zdtmlib.h"

int main(int argc, char **argv)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	socklen_t len = sizeof(addr);
	char buf[4];
	int lsk, client, server, late, accepted;

	test_init(argc, argv);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lsk = socket(AF_INET, SOCK_STREAM, 0);
	client = socket(AF_INET, SOCK_STREAM, 0);
	if (lsk < 0 || client < 0 || bind(lsk, (struct sockaddr *)&addr, sizeof(addr)) ||
	    listen(lsk, 4) || getsockname(lsk, (struct sockaddr *)&addr, &len) ||
	    connect(client, (struct sockaddr *)&addr, sizeof(addr)) ||
	    (server = accept(lsk, NULL, NULL)) < 0) {
		fail_errno("establish connection");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (write_all(client, "ping", 4) || read_all(server, buf, 4) || memcmp(buf, "ping", 4) ||
	    write_all(server, "pong", 4) || read_all(client, buf, 4) || memcmp(buf, "pong", 4)) {
		fail("the accepted connection no longer carries data");
		return 1;
	}
	late = socket(AF_INET, SOCK_STREAM, 0);
	if (late < 0 || connect(late, (struct sockaddr *)&addr, sizeof(addr)) ||
	    (accepted = accept(lsk, NULL, NULL)) < 0) {
		fail_errno("the listener no longer accepts");
		return 1;
	}
	if (write_all(late, "new!", 4) || read_all(accepted, buf, 4) || memcmp(buf, "new!", 4)) {
		fail("the new connection carries no data");
		return 1;
	}
	pass();
	return 0;
}
