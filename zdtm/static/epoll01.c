/* An epoll set over targets of different kinds keeps each one's mask and data exactly: an
 * eventfd (EPOLLIN), a pipe's write end (EPOLLOUT), a socket (EPOLLIN | EPOLLRDHUP), a pipe read end
 * under two fd numbers, one EPOLLONESHOT that already fired and must stay disarmed. */
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "zdtmlib.h"

#define D_EFD 0x1111000000000001ULL
#define D_PW 0x2222000000000002ULL
#define D_SK 0x3333000000000003ULL
#define D_ONESHOT 0x4444000000000004ULL
#define D_DUP 0x5555000000000005ULL

static int add(int ep, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event ev = { .events = events, .data.u64 = data };

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

/* Collects the ready events; each expected (data, events) pair must appear once, nothing else. */
static int expect(int ep, int nr, const uint64_t *data, const uint32_t *events, const char *when)
{
	struct epoll_event out[16];
	int n, i, j, seen = 0;

	n = epoll_wait(ep, out, 16, 0);
	if (n != nr) {
		fail("%s: %d ready, expected %d", when, n, nr);
		for (i = 0; i < n; i++)
			test_msg("  ready: data %#llx events %#x\n", (unsigned long long)out[i].data.u64, out[i].events);
		return -1;
	}
	for (i = 0; i < n; i++) {
		for (j = 0; j < nr; j++)
			if (out[i].data.u64 == data[j])
				break;
		if (j == nr || (seen & (1 << j)) || out[i].events != events[j]) {
			fail("%s: unexpected event: data %#llx events %#x", when, (unsigned long long)out[i].data.u64,
			     out[i].events);
			return -1;
		}
		seen |= 1 << j;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct epoll_event ev;
	int ep, efd, p[2], q[2], sk[2], qdup;

	test_init(argc, argv);
	ep = epoll_create1(0);
	efd = eventfd(1, 0);
	if (ep < 0 || efd < 0 || pipe(p) || pipe(q) || socketpair(AF_UNIX, SOCK_STREAM, 0, sk)) {
		fail_errno("create");
		return 1;
	}
	qdup = dup(q[0]);
	if (qdup < 0 || add(ep, efd, EPOLLIN, D_EFD) || add(ep, p[1], EPOLLOUT, D_PW) ||
	    add(ep, sk[0], EPOLLIN | EPOLLRDHUP, D_SK) || add(ep, q[0], EPOLLIN | EPOLLONESHOT, D_ONESHOT) ||
	    add(ep, qdup, EPOLLIN, D_DUP)) {
		fail_errno("epoll_ctl");
		return 1;
	}
	/* Fire the one-shot entry (and see everything else that is ready). */
	write_all(q[1], "q", 1);
	{
		uint64_t d[] = { D_EFD, D_PW, D_ONESHOT, D_DUP };
		uint32_t e[] = { EPOLLIN, EPOLLOUT, EPOLLIN, EPOLLIN };

		if (expect(ep, 4, d, e, "before the dump"))
			return 1;
	}

	test_daemon();
	test_waitsig();

	{
		/* The one-shot entry stays disarmed although its pipe still has data. */
		uint64_t d[] = { D_EFD, D_PW, D_DUP };
		uint32_t e[] = { EPOLLIN, EPOLLOUT, EPOLLIN };

		if (expect(ep, 3, d, e, "after restore"))
			return 1;
	}
	if (shutdown(sk[1], SHUT_WR)) {
		fail_errno("shutdown");
		return 1;
	}
	ev.events = EPOLLIN | EPOLLONESHOT;
	ev.data.u64 = D_ONESHOT;
	if (epoll_ctl(ep, EPOLL_CTL_MOD, q[0], &ev)) {
		fail_errno("re-arm the one-shot entry");
		return 1;
	}
	{
		uint64_t d[] = { D_EFD, D_PW, D_DUP, D_SK, D_ONESHOT };
		uint32_t e[] = { EPOLLIN, EPOLLOUT, EPOLLIN, EPOLLIN | EPOLLRDHUP, EPOLLIN };

		if (expect(ep, 5, d, e, "after peer shutdown and re-arm"))
			return 1;
	}
	pass();
	return 0;
}
