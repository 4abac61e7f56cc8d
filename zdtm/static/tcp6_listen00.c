/* TCP listeners over IPv6: one on [::1] with IPV6_V6ONLY, one dual-stack on [::] (V6ONLY off).
 * They keep address, port and V6ONLY; the first accepts IPv6 clients, the second an IPv4 client,
 * seen as ::ffff:127.0.0.1. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "zdtmlib.h"

static int listen6(const struct in6_addr *ip, int v6only, struct sockaddr_in6 *addr)
{
	socklen_t len = sizeof(*addr);
	int sk = socket(AF_INET6, SOCK_STREAM, 0);

	*addr = (struct sockaddr_in6){ .sin6_family = AF_INET6, .sin6_addr = *ip };
	if (sk < 0 || setsockopt(sk, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only)) ||
	    bind(sk, (struct sockaddr *)addr, sizeof(*addr)) || listen(sk, 4) ||
	    getsockname(sk, (struct sockaddr *)addr, &len))
		return -1;
	return sk;
}

static int check(int lsk, const struct sockaddr_in6 *want, int v6only, const char *what)
{
	struct sockaddr_in6 got;
	socklen_t len = sizeof(got);
	int val = -1;

	if (getsockname(lsk, (struct sockaddr *)&got, &len) || len != sizeof(got) || got.sin6_family != AF_INET6 ||
	    got.sin6_port != want->sin6_port || memcmp(&got.sin6_addr, &want->sin6_addr, 16)) {
		fail("%s: bound to port %d, expected %d (or another address)", what, ntohs(got.sin6_port),
		     ntohs(want->sin6_port));
		return -1;
	}
	len = sizeof(val);
	if (getsockopt(lsk, IPPROTO_IPV6, IPV6_V6ONLY, &val, &len) || val != v6only) {
		fail("%s: IPV6_V6ONLY is %d, expected %d", what, val, v6only);
		return -1;
	}
	len = sizeof(val);
	if (getsockopt(lsk, SOL_SOCKET, SO_ACCEPTCONN, &val, &len) || val != 1) {
		fail("%s: no longer listening", what);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in6 lo_addr, any_addr, peer;
	struct sockaddr_in v4 = { .sin_family = AF_INET };
	struct in6_addr mapped;
	socklen_t len;
	int lo, any, c6, c4, acc;

	test_init(argc, argv);
	lo = listen6(&in6addr_loopback, 1, &lo_addr);
	any = listen6(&in6addr_any, 0, &any_addr);
	if (lo < 0 || any < 0) {
		fail_errno("listen");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (check(lo, &lo_addr, 1, "[::1]") || check(any, &any_addr, 0, "[::]"))
		return 1;
	c6 = socket(AF_INET6, SOCK_STREAM, 0);
	if (c6 < 0 || connect(c6, (struct sockaddr *)&lo_addr, sizeof(lo_addr)) || (acc = accept(lo, NULL, NULL)) < 0 ||
	    write_all(c6, "v6", 2) || read_all(acc, &len, 2)) {
		fail_errno("[::1]: an IPv6 client is not accepted");
		return 1;
	}
	v4.sin_port = any_addr.sin6_port;
	v4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	inet_pton(AF_INET6, "::ffff:127.0.0.1", &mapped);
	c4 = socket(AF_INET, SOCK_STREAM, 0);
	len = sizeof(peer);
	if (c4 < 0 || connect(c4, (struct sockaddr *)&v4, sizeof(v4)) ||
	    (acc = accept(any, (struct sockaddr *)&peer, &len)) < 0) {
		fail_errno("[::]: an IPv4 client is not accepted");
		return 1;
	}
	if (memcmp(&peer.sin6_addr, &mapped, 16)) {
		fail("[::]: the IPv4 client is not seen as ::ffff:127.0.0.1");
		return 1;
	}
	pass();
	return 0;
}
