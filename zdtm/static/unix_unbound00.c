/* Unix sockets that were never bound nor connected (stream and dgram) come back as such: same
 * type, no name, and still usable: the stream one can bind and listen, the dgram one can connect. */
#include <stdio.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "zdtmlib.h"

static int sock_type(int sk)
{
	int type = -1;
	socklen_t len = sizeof(type);

	if (getsockopt(sk, SOL_SOCKET, SO_TYPE, &type, &len))
		return -1;
	return type;
}

/* 1 if the socket has no name (getsockname gives only the family), else 0. */
static int unnamed(int sk)
{
	struct sockaddr_un addr;
	socklen_t len = sizeof(addr);

	if (getsockname(sk, (struct sockaddr *)&addr, &len))
		return 0;
	return len == sizeof(sa_family_t) && addr.sun_family == AF_UNIX;
}

int main(int argc, char **argv)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int stream, dgram, peer, client;
	char buf[8];

	test_init(argc, argv);
	stream = socket(AF_UNIX, SOCK_STREAM, 0);
	dgram = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (stream < 0 || dgram < 0) {
		fail_errno("socket");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (sock_type(stream) != SOCK_STREAM || sock_type(dgram) != SOCK_DGRAM) {
		fail("socket types changed: %d %d", sock_type(stream), sock_type(dgram));
		return 1;
	}
	if (!unnamed(stream) || !unnamed(dgram)) {
		fail("an unbound socket came back with a name");
		return 1;
	}
	/* Abstract names, so nothing is left in the work dir. */
	snprintf(addr.sun_path + 1, sizeof(addr.sun_path) - 1, "unix_unbound00.%d", getpid());
	if (bind(stream, (struct sockaddr *)&addr, sizeof(addr)) || listen(stream, 1)) {
		fail_errno("bind/listen the stream socket after restore");
		return 1;
	}
	client = socket(AF_UNIX, SOCK_STREAM, 0);
	if (client < 0 || connect(client, (struct sockaddr *)&addr, sizeof(addr))) {
		fail_errno("connect to the restored stream socket");
		return 1;
	}
	addr.sun_path[1] = 'D';
	peer = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (peer < 0 || bind(peer, (struct sockaddr *)&addr, sizeof(addr)) ||
	    connect(dgram, (struct sockaddr *)&addr, sizeof(addr)) || send(dgram, "dg", 2, 0) != 2 ||
	    recv(peer, buf, sizeof(buf), MSG_DONTWAIT) != 2) {
		fail_errno("connect and send from the restored dgram socket");
		return 1;
	}
	pass();
	return 0;
}
