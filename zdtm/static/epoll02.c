/* Nested epoll: an epoll set (inner) watched by another (outer) stays in it. Readiness of a pipe
 * queued in the inner set still shows through the outer set, and goes away when the pipe is read;
 * an eventfd watched by the outer set alone is reported with its own data. */
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "zdtmlib.h"

#define D_INNER 0x1000000000000011ULL
#define D_EFD 0x2000000000000022ULL
#define D_PIPE 0x3000000000000033ULL
#define D_IDLE 0x4000000000000044ULL

/* The one event epoll_wait(ep) must give (data 0: none at all). */
static int expect_one(int ep, uint64_t data, uint32_t events, const char *when)
{
	struct epoll_event out[8];
	int n, i;

	n = epoll_wait(ep, out, 8, 0);
	if (n == (data ? 1 : 0) && (!n || (out[0].data.u64 == data && out[0].events == events)))
		return 0;
	fail("%s: %d ready, expected %s%#llx events %#x", when, n, data ? "" : "none, not ", (unsigned long long)data,
	     events);
	for (i = 0; i < n; i++)
		test_msg("  ready: data %#llx events %#x\n", (unsigned long long)out[i].data.u64, out[i].events);
	return -1;
}

int main(int argc, char **argv)
{
	struct epoll_event ev;
	int outer, inner, efd, p[2], q[2];
	uint64_t v = 1;
	char c;

	test_init(argc, argv);
	outer = epoll_create1(0);
	inner = epoll_create1(0);
	efd = eventfd(0, EFD_NONBLOCK);
	if (outer < 0 || inner < 0 || efd < 0 || pipe(p) || pipe(q)) {
		fail_errno("create");
		return 1;
	}
	ev.events = EPOLLIN;
	ev.data.u64 = D_PIPE;
	if (epoll_ctl(inner, EPOLL_CTL_ADD, p[0], &ev)) {
		fail_errno("add the pipe to the inner set");
		return 1;
	}
	ev.data.u64 = D_IDLE;
	if (epoll_ctl(inner, EPOLL_CTL_ADD, q[0], &ev)) {
		fail_errno("add the idle pipe to the inner set");
		return 1;
	}
	ev.data.u64 = D_INNER;
	if (epoll_ctl(outer, EPOLL_CTL_ADD, inner, &ev)) {
		fail_errno("add the inner set to the outer one");
		return 1;
	}
	ev.data.u64 = D_EFD;
	if (epoll_ctl(outer, EPOLL_CTL_ADD, efd, &ev)) {
		fail_errno("add the eventfd to the outer set");
		return 1;
	}
	if (write_all(p[1], "n", 1)) {
		fail_errno("write");
		return 1;
	}
	if (expect_one(outer, D_INNER, EPOLLIN, "before the dump") || expect_one(inner, D_PIPE, EPOLLIN, "inner, before the dump"))
		return 1;

	test_daemon();
	test_waitsig();

	if (expect_one(outer, D_INNER, EPOLLIN, "outer after restore") ||
	    expect_one(inner, D_PIPE, EPOLLIN, "inner after restore"))
		return 1;
	/* Both registrations are still there. */
	ev.events = EPOLLIN;
	ev.data.u64 = 0;
	if (epoll_ctl(outer, EPOLL_CTL_ADD, inner, &ev) == 0 || errno != EEXIST) {
		fail("the inner set was not in the outer one any more (add: %s)", strerror(errno));
		return 1;
	}
	if (epoll_ctl(inner, EPOLL_CTL_ADD, q[0], &ev) == 0 || errno != EEXIST) {
		fail("the idle pipe was not in the inner set any more (add: %s)", strerror(errno));
		return 1;
	}
	if (read(p[0], &c, 1) != 1 || c != 'n') {
		fail("the queued byte is lost");
		return 1;
	}
	if (expect_one(outer, 0, 0, "after reading the pipe"))
		return 1;
	if (write(efd, &v, sizeof(v)) != sizeof(v)) {
		fail_errno("eventfd write");
		return 1;
	}
	if (expect_one(outer, D_EFD, EPOLLIN, "after the eventfd write"))
		return 1;
	if (read(efd, &v, sizeof(v)) != sizeof(v) || write_all(q[1], "q", 1)) {
		fail_errno("eventfd read / idle pipe write");
		return 1;
	}
	if (expect_one(outer, D_INNER, EPOLLIN, "after a write to the idle pipe") ||
	    expect_one(inner, D_IDLE, EPOLLIN, "inner after a write to the idle pipe"))
		return 1;
	pass();
	return 0;
}
