/*
 * An established TCP connection whose server end was shut down for reading (it stays
 * ESTABLISHED) keeps that half shut: reads end at once, POLLRDHUP is up, and it still sends.
 * The client end, not shut down, shows none of it.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "zdtmlib.h"

static int rdhup(int sk)
{
	struct pollfd p = { .fd = sk, .events = POLLIN | POLLRDHUP };

	return poll(&p, 1, 0) == 1 && (p.revents & POLLRDHUP);
}

static int check(const char *when, int client, int server)
{
	char buf[4];

	if (!rdhup(server) || rdhup(client)) {
		fail("%s: POLLRDHUP is %d on the server, %d on the client", when, rdhup(server), rdhup(client));
		return -1;
	}
	if (recv(server, buf, sizeof(buf), MSG_DONTWAIT) != 0) {
		fail_errno("%s: a read of the server end did not end at once", when);
		return -1;
	}
	if (write_all(server, "back", 4) || read_all(client, buf, 4) || memcmp(buf, "back", 4)) {
		fail_errno("%s: the server end no longer sends", when);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in addr;
	int lsk, client, server;

	test_init(argc, argv);
	if (loopback_connect(1, &lsk, &client, &addr) || (server = accept(lsk, NULL, NULL)) < 0 ||
	    shutdown(server, SHUT_RD)) {
		fail_errno("establish and shut down the connection");
		return 1;
	}
	close(lsk);
	if (check("before", client, server))
		return 1;

	test_daemon();
	test_waitsig();

	if (check("after", client, server))
		return 1;
	pass();
	return 0;
}
