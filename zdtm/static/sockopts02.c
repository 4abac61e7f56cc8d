/* Socket options beyond the common set: TCP_USER_TIMEOUT and TCP_SYNCNT on an unbound TCP socket,
 * IPV6_UNICAST_HOPS and IPV6_TCLASS on a bound UDP IPv6 socket. Every one must come back. */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "zdtmlib.h"

enum { TCP_SK, UDP6_SK };

static const struct {
	int sk, level, name, value;
	const char *what;
} opts[] = {
	{ TCP_SK, IPPROTO_TCP, TCP_USER_TIMEOUT, 12345, "TCP_USER_TIMEOUT" },
	{ TCP_SK, IPPROTO_TCP, TCP_SYNCNT, 3, "TCP_SYNCNT" },
	{ UDP6_SK, IPPROTO_IPV6, IPV6_UNICAST_HOPS, 9, "IPV6_UNICAST_HOPS" },
	{ UDP6_SK, IPPROTO_IPV6, IPV6_TCLASS, 0x48, "IPV6_TCLASS" },
};
#define NR_OPTS (int)(sizeof(opts) / sizeof(opts[0]))

int main(int argc, char **argv)
{
	struct sockaddr_in6 addr = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	char lost[256] = "";
	int sks[2], i, val;
	socklen_t len;

	test_init(argc, argv);
	sks[TCP_SK] = socket(AF_INET, SOCK_STREAM, 0);
	sks[UDP6_SK] = socket(AF_INET6, SOCK_DGRAM, 0);
	if (sks[TCP_SK] < 0 || sks[UDP6_SK] < 0 || bind(sks[UDP6_SK], (struct sockaddr *)&addr, sizeof(addr))) {
		fail_errno("sockets");
		return 1;
	}
	for (i = 0; i < NR_OPTS; i++)
		if (setsockopt(sks[opts[i].sk], opts[i].level, opts[i].name, &opts[i].value, sizeof(int))) {
			fail_errno("set %s", opts[i].what);
			return 1;
		}

	test_daemon();
	test_waitsig();

	/* Check them all, then name every one that changed. */
	for (i = 0; i < NR_OPTS; i++) {
		len = sizeof(val);
		val = -1;
		if (getsockopt(sks[opts[i].sk], opts[i].level, opts[i].name, &val, &len) || val != opts[i].value)
			snprintf(lost + strlen(lost), sizeof(lost) - strlen(lost), " %s=%d(want %d)", opts[i].what,
				 val, opts[i].value);
	}
	if (lost[0]) {
		fail("options changed:%s", lost);
		return 1;
	}
	pass();
	return 0;
}
