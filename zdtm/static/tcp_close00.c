/*
 * An established connection restored with --tcp-close: both ends come back as TCP sockets
 * that are not connected (no peer, sending fails with EPIPE); before the dump they worked.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "zdtmlib.h"

static int closed(int sk)
{
	struct sockaddr_in peer;
	socklen_t len = sizeof(peer);
	int type = 0;
	socklen_t tlen = sizeof(type);

	if (getsockopt(sk, SOL_SOCKET, SO_TYPE, &type, &tlen) || type != SOCK_STREAM)
		return 0;
	if (getpeername(sk, (struct sockaddr *)&peer, &len) == 0 || errno != ENOTCONN)
		return 0;
	return send(sk, "x", 1, MSG_NOSIGNAL) < 0 && errno == EPIPE;
}

int main(int argc, char **argv)
{
	struct sockaddr_in addr;
	char buf[4];
	int lsk, client, server;

	test_init(argc, argv);
	if (loopback_connect(1, &lsk, &client, &addr) || (server = accept(lsk, NULL, NULL)) < 0) {
		fail_errno("establish connection");
		return 1;
	}
	close(lsk);
	if (write_all(client, "ping", 4) || read_all(server, buf, 4) || closed(client) || closed(server)) {
		fail("the connection does not work before the dump");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (!closed(client) || !closed(server)) {
		fail("an end of the connection is not closed after restore with --tcp-close");
		return 1;
	}
	pass();
	return 0;
}
