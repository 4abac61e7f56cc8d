/* Established TCP connections over IPv6 loopback and over an IPv4-mapped IPv6 address keep
 * their endpoints and their unread data in both directions. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "zdtmlib.h"

struct conn {
	const char *what;
	int client, server;
	struct sockaddr_in6 client_addr, server_addr;
};

/* A connection to `host` on a free port, data queued each way; 0 or -1. */
static int connect6(struct conn *c, const char *host)
{
	struct sockaddr_in6 addr = { .sin6_family = AF_INET6 };
	socklen_t len = sizeof(addr);
	int lsk, off = 0;

	if (inet_pton(AF_INET6, host, &addr.sin6_addr) != 1)
		return -1;
	lsk = socket(AF_INET6, SOCK_STREAM, 0);
	if (lsk < 0 || setsockopt(lsk, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off)) ||
	    bind(lsk, (struct sockaddr *)&addr, sizeof(addr)) || listen(lsk, 1) ||
	    getsockname(lsk, (struct sockaddr *)&addr, &len))
		return -1;
	c->client = socket(AF_INET6, SOCK_STREAM, 0);
	if (c->client < 0 || connect(c->client, (struct sockaddr *)&addr, sizeof(addr)))
		return -1;
	c->server = accept(lsk, NULL, NULL);
	close(lsk);
	len = sizeof(c->client_addr);
	if (c->server < 0 || getsockname(c->client, (struct sockaddr *)&c->client_addr, &len))
		return -1;
	len = sizeof(c->server_addr);
	if (getsockname(c->server, (struct sockaddr *)&c->server_addr, &len))
		return -1;
	if (write_all(c->client, "to server", 9) || write_all(c->server, "to client", 9))
		return -1;
	return 0;
}

static int check(struct conn *c)
{
	struct sockaddr_in6 a;
	socklen_t len = sizeof(a);
	char buf[16];

	if (getsockname(c->client, (struct sockaddr *)&a, &len) || memcmp(&a, &c->client_addr, sizeof(a))) {
		fail("%s: the client's address changed", c->what);
		return -1;
	}
	len = sizeof(a);
	if (getpeername(c->client, (struct sockaddr *)&a, &len) || memcmp(&a.sin6_addr, &c->server_addr.sin6_addr, 16) ||
	    a.sin6_port != c->server_addr.sin6_port) {
		fail("%s: the client's peer changed", c->what);
		return -1;
	}
	if (read_all(c->server, buf, 9) || memcmp(buf, "to server", 9) || read_all(c->client, buf, 9) ||
	    memcmp(buf, "to client", 9)) {
		fail("%s: queued data lost", c->what);
		return -1;
	}
	if (write_all(c->client, "ping", 4) || read_all(c->server, buf, 4) || memcmp(buf, "ping", 4)) {
		fail("%s: not connected any more", c->what);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct conn v6 = { .what = "::1" }, mapped = { .what = "::ffff:127.0.0.1" };

	test_init(argc, argv);
	if (connect6(&v6, "::1") || connect6(&mapped, "::ffff:127.0.0.1")) {
		fail_errno("connect");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (check(&v6) || check(&mapped))
		return 1;
	pass();
	return 0;
}
