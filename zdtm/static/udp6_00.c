/* UDP IPv6 sockets: a on [::] with IPV6_V6ONLY, b on [::] dual-stack, c on [::1] connected to a.
 * After restore they keep ports, peer and V6ONLY: b still gets IPv4 datagrams (from
 * ::ffff:127.0.0.1), a does not, and c still reaches a. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "zdtmlib.h"

static int udp6(int v6only, const struct in6_addr *ip, struct sockaddr_in6 *addr)
{
	socklen_t len = sizeof(*addr);
	int sk = socket(AF_INET6, SOCK_DGRAM, 0);

	*addr = (struct sockaddr_in6){ .sin6_family = AF_INET6, .sin6_addr = *ip };
	if (sk < 0 || (v6only >= 0 && setsockopt(sk, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only))) ||
	    bind(sk, (struct sockaddr *)addr, sizeof(*addr)) || getsockname(sk, (struct sockaddr *)addr, &len))
		return -1;
	return sk;
}

static int port_of(int sk)
{
	struct sockaddr_in6 a;
	socklen_t len = sizeof(a);

	return getsockname(sk, (struct sockaddr *)&a, &len) ? -1 : ntohs(a.sin6_port);
}

static int v6only(int sk)
{
	int val = -1;
	socklen_t len = sizeof(val);

	getsockopt(sk, IPPROTO_IPV6, IPV6_V6ONLY, &val, &len);
	return val;
}

/* One datagram "msg" at sk within 2 s (after the check began), its source in *from; 0 or -1. */
static int receive(int sk, const char *msg, struct sockaddr_in6 *from)
{
	struct pollfd p = { .fd = sk, .events = POLLIN };
	socklen_t len = sizeof(*from);
	char buf[32];

	if (poll(&p, 1, 2000) != 1)
		return -1;
	return recvfrom(sk, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)from, &len) == (ssize_t)strlen(msg) &&
	       !memcmp(buf, msg, strlen(msg)) ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct sockaddr_in6 a_addr, b_addr, c_addr, a_lo, from, peer;
	struct sockaddr_in v4 = { .sin_family = AF_INET };
	struct in6_addr mapped;
	int a, b, c, v4sk;
	socklen_t len;

	test_init(argc, argv);
	a = udp6(1, &in6addr_any, &a_addr);
	b = udp6(0, &in6addr_any, &b_addr);
	c = udp6(-1, &in6addr_loopback, &c_addr);
	a_lo = a_addr;
	a_lo.sin6_addr = in6addr_loopback;
	if (a < 0 || b < 0 || c < 0 || connect(c, (struct sockaddr *)&a_lo, sizeof(a_lo))) {
		fail_errno("prepare sockets");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (port_of(a) != ntohs(a_addr.sin6_port) || port_of(b) != ntohs(b_addr.sin6_port) ||
	    port_of(c) != ntohs(c_addr.sin6_port)) {
		fail("a port changed: %d %d %d, expected %d %d %d", port_of(a), port_of(b), port_of(c),
		     ntohs(a_addr.sin6_port), ntohs(b_addr.sin6_port), ntohs(c_addr.sin6_port));
		return 1;
	}
	if (v6only(a) != 1 || v6only(b) != 0) {
		fail("IPV6_V6ONLY is %d on a (expected 1) and %d on b (expected 0)", v6only(a), v6only(b));
		return 1;
	}
	len = sizeof(peer);
	if (getpeername(c, (struct sockaddr *)&peer, &len) || peer.sin6_port != a_addr.sin6_port ||
	    memcmp(&peer.sin6_addr, &in6addr_loopback, 16)) {
		fail("c is no longer connected to [::1]:%d", ntohs(a_addr.sin6_port));
		return 1;
	}
	if (send(c, "c to a", 6, 0) != 6 || receive(a, "c to a", &from) || from.sin6_port != c_addr.sin6_port) {
		fail_errno("a datagram from c did not reach a");
		return 1;
	}
	/* IPv4 to both ports: only the dual-stack b takes it. */
	inet_pton(AF_INET6, "::ffff:127.0.0.1", &mapped);
	v4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	v4sk = socket(AF_INET, SOCK_DGRAM, 0);
	v4.sin_port = a_addr.sin6_port;
	if (v4sk < 0 || sendto(v4sk, "v4 to a", 7, 0, (struct sockaddr *)&v4, sizeof(v4)) != 7) {
		fail_errno("send IPv4");
		return 1;
	}
	v4.sin_port = b_addr.sin6_port;
	if (sendto(v4sk, "v4 to b", 7, 0, (struct sockaddr *)&v4, sizeof(v4)) != 7 || receive(b, "v4 to b", &from) ||
	    memcmp(&from.sin6_addr, &mapped, 16)) {
		fail_errno("the dual-stack socket b did not get an IPv4 datagram from ::ffff:127.0.0.1");
		return 1;
	}
	if (recv(a, &len, sizeof(len), MSG_DONTWAIT) != -1 || errno != EAGAIN) {
		fail("the IPV6_V6ONLY socket a got an IPv4 datagram");
		return 1;
	}
	pass();
	return 0;
}
