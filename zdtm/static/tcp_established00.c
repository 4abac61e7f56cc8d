/* An established loopback TCP connection keeps its ports and unread data in both directions. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "zdtmlib.h"

#define LEN 30000

static int same_addr(int sk, const struct sockaddr_in *want, int peer)
{
	struct sockaddr_in got;
	socklen_t len = sizeof(got);
	int r = peer ? getpeername(sk, (struct sockaddr *)&got, &len)
		     : getsockname(sk, (struct sockaddr *)&got, &len);

	return r == 0 && got.sin_port == want->sin_port && got.sin_addr.s_addr == want->sin_addr.s_addr;
}

int main(int argc, char **argv)
{
	struct sockaddr_in addr = { .sin_family = AF_INET }, client_addr;
	unsigned char to_server[LEN], to_client[LEN / 3], buf[LEN];
	socklen_t len = sizeof(addr);
	int lsk, client, server;

	test_init(argc, argv);
	datagen(to_server, sizeof(to_server), 1);
	datagen(to_client, sizeof(to_client), 2);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lsk = socket(AF_INET, SOCK_STREAM, 0);
	client = socket(AF_INET, SOCK_STREAM, 0);
	if (lsk < 0 || client < 0 || bind(lsk, (struct sockaddr *)&addr, sizeof(addr)) ||
	    listen(lsk, 1) || getsockname(lsk, (struct sockaddr *)&addr, &len) ||
	    connect(client, (struct sockaddr *)&addr, sizeof(addr)) ||
	    (server = accept(lsk, NULL, NULL)) < 0) {
		fail_errno("establish connection");
		return 1;
	}
	close(lsk);
	len = sizeof(client_addr);
	getsockname(client, (struct sockaddr *)&client_addr, &len);
	/* Data sent but not read, both ways: it sits in the receive queues during the dump. */
	if (write_all(client, to_server, sizeof(to_server)) ||
	    write_all(server, to_client, sizeof(to_client))) {
		fail_errno("send");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (!same_addr(client, &addr, 1) || !same_addr(server, &client_addr, 1) ||
	    !same_addr(client, &client_addr, 0)) {
		fail("connection endpoints changed");
		return 1;
	}
	if (read_all(server, buf, sizeof(to_server)) || memcmp(buf, to_server, sizeof(to_server))) {
		fail("data queued to the server lost");
		return 1;
	}
	if (read_all(client, buf, sizeof(to_client)) || memcmp(buf, to_client, sizeof(to_client))) {
		fail("data queued to the client lost");
		return 1;
	}
	if (write_all(client, "more", 4) || read_all(server, buf, 4) || memcmp(buf, "more", 4)) {
		fail("connection no longer carries data");
		return 1;
	}
	pass();
	return 0;
}
