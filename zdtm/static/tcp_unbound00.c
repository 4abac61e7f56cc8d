/* An unbound, unconnected TCP socket keeps its options (timeouts, reuse, buffer sizes, IP_TOS,
 * IP_TTL, TCP_NODELAY), stays unbound and can still connect. */
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "zdtmlib.h"

static const struct {
	int level, name, value;
	const char *what;
} opts[] = {
	{ SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR" },
	{ SOL_SOCKET, SO_REUSEPORT, 1, "SO_REUSEPORT" },
	{ IPPROTO_IP, IP_TOS, 0x28, "IP_TOS" },
	{ IPPROTO_IP, IP_TTL, 33, "IP_TTL" },
	{ IPPROTO_TCP, TCP_NODELAY, 1, "TCP_NODELAY" },
};
#define NR_OPTS (int)(sizeof(opts) / sizeof(opts[0]))

int main(int argc, char **argv)
{
	struct timeval rcvtimeo = { 2, 500000 }, sndtimeo = { 5, 0 }, tv;
	struct sockaddr_in addr, got;
	int sk, lsk, i, val, rcvbuf = 30000, rcvbuf_before, sndbuf = 45000, sndbuf_before, acc;
	socklen_t len;

	test_init(argc, argv);
	sk = socket(AF_INET, SOCK_STREAM, 0);
	if (sk < 0) {
		fail_errno("socket");
		return 1;
	}
	for (i = 0; i < NR_OPTS; i++)
		if (setsockopt(sk, opts[i].level, opts[i].name, &opts[i].value, sizeof(int))) {
			fail_errno("set %s", opts[i].what);
			return 1;
		}
	len = sizeof(rcvbuf_before);
	if (setsockopt(sk, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)) ||
	    setsockopt(sk, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf)) ||
	    setsockopt(sk, SOL_SOCKET, SO_RCVTIMEO, &rcvtimeo, sizeof(rcvtimeo)) ||
	    setsockopt(sk, SOL_SOCKET, SO_SNDTIMEO, &sndtimeo, sizeof(sndtimeo)) ||
	    getsockopt(sk, SOL_SOCKET, SO_RCVBUF, &rcvbuf_before, &len) ||
	    getsockopt(sk, SOL_SOCKET, SO_SNDBUF, &sndbuf_before, &len)) {
		fail_errno("set buffer and timeouts");
		return 1;
	}

	test_daemon();
	test_waitsig();

	for (i = 0; i < NR_OPTS; i++) {
		len = sizeof(val);
		val = -1;
		if (getsockopt(sk, opts[i].level, opts[i].name, &val, &len) || val != opts[i].value) {
			fail("%s is %d, expected %d", opts[i].what, val, opts[i].value);
			return 1;
		}
	}
	len = sizeof(val);
	if (getsockopt(sk, SOL_SOCKET, SO_RCVBUF, &val, &len) || val != rcvbuf_before) {
		fail("SO_RCVBUF is %d, expected %d", val, rcvbuf_before);
		return 1;
	}
	len = sizeof(val);
	if (getsockopt(sk, SOL_SOCKET, SO_SNDBUF, &val, &len) || val != sndbuf_before) {
		fail("SO_SNDBUF is %d, expected %d", val, sndbuf_before);
		return 1;
	}
	len = sizeof(tv);
	if (getsockopt(sk, SOL_SOCKET, SO_RCVTIMEO, &tv, &len) || tv.tv_sec != 2 || tv.tv_usec != 500000) {
		fail("SO_RCVTIMEO is %ld.%06ld, expected 2.500000", (long)tv.tv_sec, (long)tv.tv_usec);
		return 1;
	}
	len = sizeof(tv);
	if (getsockopt(sk, SOL_SOCKET, SO_SNDTIMEO, &tv, &len) || tv.tv_sec != 5 || tv.tv_usec != 0) {
		fail("SO_SNDTIMEO is %ld.%06ld, expected 5.000000", (long)tv.tv_sec, (long)tv.tv_usec);
		return 1;
	}
	len = sizeof(got);
	if (getsockname(sk, (struct sockaddr *)&got, &len) || got.sin_port != 0 || got.sin_addr.s_addr != 0) {
		fail("the unbound socket came back bound to port %d", ntohs(got.sin_port));
		return 1;
	}
	len = sizeof(got);
	if (getpeername(sk, (struct sockaddr *)&got, &len) == 0 || errno != ENOTCONN) {
		fail("the unconnected socket came back with a peer");
		return 1;
	}
	lsk = loopback_socket(SOCK_STREAM, &addr);
	if (lsk < 0 || listen(lsk, 1) || connect(sk, (struct sockaddr *)&addr, sizeof(addr)) ||
	    (acc = accept(lsk, NULL, NULL)) < 0 || write_all(sk, "hi", 2) || read_all(acc, &val, 2)) {
		fail_errno("the restored socket cannot connect");
		return 1;
	}
	pass();
	return 0;
}
