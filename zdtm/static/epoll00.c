/* An epoll instance keeps its watched fds, their event masks and user data. */
#include <sys/epoll.h>
#include <unistd.h>

#include "zdtmlib.h"

#define NR_PIPES 4

int main(int argc, char **argv)
{
	struct epoll_event ev, out[NR_PIPES * 2];
	int p[NR_PIPES][2], ep, i, n, seen = 0;

	test_init(argc, argv);
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0) {
		fail_errno("epoll_create1");
		return 1;
	}
	for (i = 0; i < NR_PIPES; i++) {
		if (pipe(p[i])) {
			fail_errno("pipe");
			return 1;
		}
		/* Odd pipes are edge-triggered; user data encodes the pipe index. */
		ev.events = EPOLLIN | (i & 1 ? EPOLLET : 0);
		ev.data.u64 = 0xabcd000000000000ULL | i;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, p[i][0], &ev)) {
			fail_errno("epoll_ctl");
			return 1;
		}
	}
	/* Pipe 0 has data already; the others get some after restore. */
	write_all(p[0][1], "x", 1);

	test_daemon();
	test_waitsig();

	for (i = 1; i < NR_PIPES; i++)
		write_all(p[i][1], "y", 1);
	n = epoll_wait(ep, out, NR_PIPES * 2, 1000);
	if (n != NR_PIPES) {
		fail("epoll_wait reports %d ready fds, expected %d", n, NR_PIPES);
		return 1;
	}
	for (i = 0; i < n; i++) {
		unsigned idx = out[i].data.u64 & 0xff;

		if ((out[i].data.u64 & ~0xffULL) != 0xabcd000000000000ULL || idx >= NR_PIPES ||
		    out[i].events != EPOLLIN) {
			fail("event %d: data %#llx events %#x", i, (unsigned long long)out[i].data.u64,
			     out[i].events);
			return 1;
		}
		seen |= 1 << idx;
	}
	if (seen != (1 << NR_PIPES) - 1) {
		fail("ready set %#x, expected all pipes", seen);
		return 1;
	}
	/* Edge-triggered fds report once; level-triggered ones again while data is unread. */
	n = epoll_wait(ep, out, NR_PIPES * 2, 0);
	if (n != NR_PIPES / 2) {
		fail("%d fds ready again, expected the %d level-triggered ones", n, NR_PIPES / 2);
		return 1;
	}
	pass();
	return 0;
}
