/* An epoll set inherited by a child stays one epoll in both processes (kcmp): a pipe registered
 * by the test before the fork is reported to both, a registration the child adds after restore
 * is seen by the test, and one the test deletes is gone for the child. */
#include <linux/kcmp.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "zdtmlib.h"

#define D_PIPE 0x5150000000000001ULL
#define D_EFD 0x5150000000000002ULL

/* The single ready item's data, 0 if none, 1 if several. */
static uint64_t ready(int ep)
{
	struct epoll_event out[4];
	int n = epoll_wait(ep, out, 4, 0);

	return n == 0 ? 0 : n == 1 && out[0].events == EPOLLIN ? out[0].data.u64 : 1;
}

int main(int argc, char **argv)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = D_PIPE };
	volatile uint32_t *step;
	uint64_t v = 1, got;
	pid_t child;
	int ep, p[2], efd, code;

	test_init(argc, argv);
	step = test_shared_alloc(4096);
	ep = epoll_create1(0);
	if (ep < 0 || pipe(p) || epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev)) {
		fail_errno("epoll / pipe");
		return 1;
	}
	/* The eventfd exists in both, registered by neither yet. */
	efd = eventfd(1, 0);
	if (efd < 0 || write_all(p[1], "x", 1)) {
		fail_errno("eventfd / write");
		return 1;
	}
	child = fork();
	if (child < 0) {
		fail_errno("fork");
		return 1;
	}
	if (child == 0) {
		flag_wait(step, 1);
		if (ready(ep) != D_PIPE)
			exit(1);
		ev.events = EPOLLIN;
		ev.data.u64 = D_EFD;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev))
			exit(2);
		flag_set(step, 2);
		flag_wait(step, 3);
		/* The test deleted the pipe's item and read the eventfd. */
		exit(ready(ep) == 0 ? 0 : 3);
	}

	test_daemon();
	test_waitsig();

	if (syscall(SYS_kcmp, getpid(), child, KCMP_FILE, ep, ep) != 0) {
		fail("kcmp: the child's epoll is not our open file any more");
		goto kill;
	}
	if ((got = ready(ep)) != D_PIPE) {
		fail("ready after restore: %#llx, expected the pipe %#llx", (unsigned long long)got, D_PIPE);
		goto kill;
	}
	flag_set(step, 1);
	flag_wait(step, 2);
	if (epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL)) {
		fail_errno("delete the pipe's item");
		goto kill;
	}
	if ((got = ready(ep)) != D_EFD) {
		fail("the item the child added is not in our epoll (ready: %#llx)", (unsigned long long)got);
		goto kill;
	}
	if (read(efd, &v, sizeof(v)) != sizeof(v) || v != 1) {
		fail("eventfd counter %llu, expected 1", (unsigned long long)v);
		goto kill;
	}
	flag_set(step, 3);
	code = wait_exit_code(child);
	if (code) {
		fail("child: %s (code %d)",
		     code == 1 ? "the pipe is not ready in its epoll" : code == 2 ? "EPOLL_CTL_ADD failed" : "it still sees an item",
		     code);
		return 1;
	}
	pass();
	return 0;
kill:
	kill(child, SIGKILL);
	return 1;
}
