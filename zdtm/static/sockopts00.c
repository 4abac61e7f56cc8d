/* Socket options are restored: buffer sizes, keepalive and its timings, linger, priority, mark. */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include "zdtmlib.h"

static const struct {
	int level, name, value;
	const char *what;
} opts[] = {
	{ SOL_SOCKET, SO_KEEPALIVE, 1, "SO_KEEPALIVE" },
	{ SOL_SOCKET, SO_PRIORITY, 5, "SO_PRIORITY" },
	{ SOL_SOCKET, SO_MARK, 0x5a, "SO_MARK" },
	{ SOL_SOCKET, SO_RCVLOWAT, 17, "SO_RCVLOWAT" },
	{ SOL_SOCKET, SO_OOBINLINE, 1, "SO_OOBINLINE" },
	{ IPPROTO_TCP, TCP_KEEPIDLE, 123, "TCP_KEEPIDLE" },
	{ IPPROTO_TCP, TCP_KEEPINTVL, 45, "TCP_KEEPINTVL" },
	{ IPPROTO_TCP, TCP_KEEPCNT, 6, "TCP_KEEPCNT" },
	{ IPPROTO_TCP, TCP_NODELAY, 1, "TCP_NODELAY" },
};
#define NR_OPTS (int)(sizeof(opts) / sizeof(opts[0]))

int main(int argc, char **argv)
{
	struct linger linger = { .l_onoff = 1, .l_linger = 9 }, got_linger;
	int sk, i, val, sndbuf = 32768, sndbuf_before;
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
	len = sizeof(sndbuf_before);
	if (setsockopt(sk, SOL_SOCKET, SO_LINGER, &linger, sizeof(linger)) ||
	    setsockopt(sk, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf)) ||
	    getsockopt(sk, SOL_SOCKET, SO_SNDBUF, &sndbuf_before, &len)) {
		fail_errno("set SO_LINGER/SO_SNDBUF");
		return 1;
	}

	test_daemon();
	test_waitsig();

	for (i = 0; i < NR_OPTS; i++) {
		len = sizeof(val);
		if (getsockopt(sk, opts[i].level, opts[i].name, &val, &len) || val != opts[i].value) {
			fail("%s is %d, expected %d", opts[i].what, val, opts[i].value);
			return 1;
		}
	}
	len = sizeof(got_linger);
	if (getsockopt(sk, SOL_SOCKET, SO_LINGER, &got_linger, &len) || !got_linger.l_onoff ||
	    got_linger.l_linger != 9) {
		fail("SO_LINGER is %d/%d, expected 1/9", got_linger.l_onoff, got_linger.l_linger);
		return 1;
	}
	/* The kernel doubles what was asked; restore must give back the same effective size. */
	len = sizeof(val);
	if (getsockopt(sk, SOL_SOCKET, SO_SNDBUF, &val, &len) || val != sndbuf_before) {
		fail("SO_SNDBUF is %d, expected %d", val, sndbuf_before);
		return 1;
	}
	pass();
	return 0;
}
