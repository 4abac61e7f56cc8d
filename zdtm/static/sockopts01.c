/* Options of a unix stream socket are restored: buffer sizes as getsockopt reads them, timeouts,
 * low-water mark, priority, keepalive and linger; the other end keeps its defaults. */
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "zdtmlib.h"

static const struct {
	int name, value;
	const char *what;
} opts[] = {
	{ SO_PRIORITY, 4, "SO_PRIORITY" },
	{ SO_RCVLOWAT, 9, "SO_RCVLOWAT" },
	{ SO_KEEPALIVE, 1, "SO_KEEPALIVE" },
};
#define NR_OPTS (int)(sizeof(opts) / sizeof(opts[0]))

struct state {
	int sndbuf, rcvbuf;
	struct timeval rcvtimeo, sndtimeo;
	struct linger linger;
};

static int get_state(int sk, struct state *s)
{
	socklen_t len;

	memset(s, 0, sizeof(*s));
	len = sizeof(int);
	if (getsockopt(sk, SOL_SOCKET, SO_SNDBUF, &s->sndbuf, &len))
		return -1;
	len = sizeof(int);
	if (getsockopt(sk, SOL_SOCKET, SO_RCVBUF, &s->rcvbuf, &len))
		return -1;
	len = sizeof(s->rcvtimeo);
	if (getsockopt(sk, SOL_SOCKET, SO_RCVTIMEO, &s->rcvtimeo, &len))
		return -1;
	len = sizeof(s->sndtimeo);
	if (getsockopt(sk, SOL_SOCKET, SO_SNDTIMEO, &s->sndtimeo, &len))
		return -1;
	len = sizeof(s->linger);
	return getsockopt(sk, SOL_SOCKET, SO_LINGER, &s->linger, &len);
}

int main(int argc, char **argv)
{
	struct timeval rcvtimeo = { 3, 500000 }, sndtimeo = { 7, 0 };
	struct linger linger = { .l_onoff = 1, .l_linger = 11 };
	int sk[2], i, val, sndbuf = 40000, rcvbuf = 50000;
	struct state before, after, plain_before, plain_after;
	socklen_t len;

	test_init(argc, argv);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sk)) {
		fail_errno("socketpair");
		return 1;
	}
	for (i = 0; i < NR_OPTS; i++)
		if (setsockopt(sk[0], SOL_SOCKET, opts[i].name, &opts[i].value, sizeof(int))) {
			fail_errno("set %s", opts[i].what);
			return 1;
		}
	if (setsockopt(sk[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf)) ||
	    setsockopt(sk[0], SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)) ||
	    setsockopt(sk[0], SOL_SOCKET, SO_RCVTIMEO, &rcvtimeo, sizeof(rcvtimeo)) ||
	    setsockopt(sk[0], SOL_SOCKET, SO_SNDTIMEO, &sndtimeo, sizeof(sndtimeo)) ||
	    setsockopt(sk[0], SOL_SOCKET, SO_LINGER, &linger, sizeof(linger)) || get_state(sk[0], &before) ||
	    get_state(sk[1], &plain_before)) {
		fail_errno("set options");
		return 1;
	}
	if (before.rcvtimeo.tv_sec != 3 || before.rcvtimeo.tv_usec != 500000) {
		fail("SO_RCVTIMEO reads %ld.%06ld before the dump", (long)before.rcvtimeo.tv_sec,
		     (long)before.rcvtimeo.tv_usec);
		return 1;
	}

	test_daemon();
	test_waitsig();

	for (i = 0; i < NR_OPTS; i++) {
		len = sizeof(val);
		val = -1;
		if (getsockopt(sk[0], SOL_SOCKET, opts[i].name, &val, &len) || val != opts[i].value) {
			fail("%s is %d, expected %d", opts[i].what, val, opts[i].value);
			return 1;
		}
	}
	if (get_state(sk[0], &after) || get_state(sk[1], &plain_after)) {
		fail_errno("getsockopt");
		return 1;
	}
	if (after.sndbuf != before.sndbuf || after.rcvbuf != before.rcvbuf) {
		fail("SO_SNDBUF/SO_RCVBUF are %d/%d, expected %d/%d", after.sndbuf, after.rcvbuf, before.sndbuf,
		     before.rcvbuf);
		return 1;
	}
	if (after.rcvtimeo.tv_sec != before.rcvtimeo.tv_sec || after.rcvtimeo.tv_usec != before.rcvtimeo.tv_usec ||
	    after.sndtimeo.tv_sec != before.sndtimeo.tv_sec || after.sndtimeo.tv_usec != before.sndtimeo.tv_usec) {
		fail("SO_RCVTIMEO/SO_SNDTIMEO are %ld.%06ld/%ld.%06ld, expected %ld.%06ld/%ld.%06ld",
		     (long)after.rcvtimeo.tv_sec, (long)after.rcvtimeo.tv_usec, (long)after.sndtimeo.tv_sec,
		     (long)after.sndtimeo.tv_usec, (long)before.rcvtimeo.tv_sec, (long)before.rcvtimeo.tv_usec,
		     (long)before.sndtimeo.tv_sec, (long)before.sndtimeo.tv_usec);
		return 1;
	}
	if (after.linger.l_onoff != before.linger.l_onoff || after.linger.l_linger != before.linger.l_linger) {
		fail("SO_LINGER is %d/%d, expected %d/%d", after.linger.l_onoff, after.linger.l_linger,
		     before.linger.l_onoff, before.linger.l_linger);
		return 1;
	}
	/* The other end was left alone: it must not have picked up any of it. */
	if (memcmp(&plain_after, &plain_before, sizeof(plain_after))) {
		fail("the other end's options changed (SO_SNDBUF %d, SO_RCVBUF %d, linger %d)", plain_after.sndbuf,
		     plain_after.rcvbuf, plain_after.linger.l_onoff);
		return 1;
	}
	pass();
	return 0;
}
