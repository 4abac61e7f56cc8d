/* An epoll set watching timerfds and signalfds: the expired timerfd (one unread tick) and the
 * signalfd with a pending SIGUSR1 are ready after restore, a timerfd armed for an hour and a
 * signalfd with nothing pending are not; each target then reads back its own state. */
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "zdtmlib.h"

#define D_TFIRED 0x0101000000000001ULL
#define D_TLATER 0x0202000000000002ULL
#define D_SUSR1 0x0303000000000003ULL
#define D_SUSR2 0x0404000000000004ULL

static int add(int ep, int fd, uint64_t data)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = data };

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

/* The ready set must be exactly data[0..nr) (all EPOLLIN). */
static int expect(int ep, int nr, const uint64_t *data, const char *when)
{
	struct epoll_event out[8];
	int n, i, j, seen = 0;

	n = epoll_wait(ep, out, 8, 0);
	for (i = 0; i < n; i++) {
		for (j = 0; j < nr; j++)
			if (out[i].data.u64 == data[j])
				break;
		if (j == nr || (seen & (1 << j)) || out[i].events != EPOLLIN)
			break;
		seen |= 1 << j;
	}
	if (n == nr && i == n)
		return 0;
	fail("%s: %d ready, expected %d", when, n, nr);
	for (i = 0; i < n; i++)
		test_msg("  ready: data %#llx events %#x\n", (unsigned long long)out[i].data.u64, out[i].events);
	return -1;
}

int main(int argc, char **argv)
{
	struct itimerspec soon = { .it_value = { 0, 1000 } }, later = { .it_value = { 3600, 0 } }, cur;
	struct signalfd_siginfo si;
	sigset_t usr1, usr2, both;
	int ep, tfired, tlater, s1, s2;
	uint64_t ticks;

	test_init(argc, argv);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	sigemptyset(&both);
	sigaddset(&both, SIGUSR1);
	sigaddset(&both, SIGUSR2);
	if (sigprocmask(SIG_BLOCK, &both, NULL)) {
		fail_errno("sigprocmask");
		return 1;
	}
	ep = epoll_create1(0);
	tfired = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	tlater = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	s1 = signalfd(-1, &usr1, SFD_NONBLOCK);
	s2 = signalfd(-1, &usr2, SFD_NONBLOCK);
	if (ep < 0 || tfired < 0 || tlater < 0 || s1 < 0 || s2 < 0) {
		fail_errno("create");
		return 1;
	}
	if (timerfd_settime(tfired, 0, &soon, NULL) || timerfd_settime(tlater, 0, &later, NULL)) {
		fail_errno("timerfd_settime");
		return 1;
	}
	if (add(ep, tfired, D_TFIRED) || add(ep, tlater, D_TLATER) || add(ep, s1, D_SUSR1) || add(ep, s2, D_SUSR2)) {
		fail_errno("epoll_ctl");
		return 1;
	}
	if (kill(getpid(), SIGUSR1)) {
		fail_errno("kill");
		return 1;
	}
	usleep(10000);
	{
		uint64_t d[] = { D_TFIRED, D_SUSR1 };

		if (expect(ep, 2, d, "before the dump"))
			return 1;
	}

	test_daemon();
	test_waitsig();

	{
		uint64_t d[] = { D_TFIRED, D_SUSR1 };

		if (expect(ep, 2, d, "after restore"))
			return 1;
	}
	if (read(tfired, &ticks, sizeof(ticks)) != sizeof(ticks) || ticks != 1) {
		fail("expired timerfd: %llu ticks, expected 1", (unsigned long long)ticks);
		return 1;
	}
	memset(&si, 0, sizeof(si));
	if (read(s1, &si, sizeof(si)) != sizeof(si) || si.ssi_signo != SIGUSR1 || si.ssi_pid != (uint32_t)getpid()) {
		fail("SIGUSR1 signalfd gave signal %u from %u, expected %d from %d", si.ssi_signo, si.ssi_pid, SIGUSR1,
		     getpid());
		return 1;
	}
	if (expect(ep, 0, NULL, "after reading both"))
		return 1;
	if (timerfd_gettime(tlater, &cur) || cur.it_value.tv_sec <= 0 || cur.it_value.tv_sec >= 3600 ||
	    cur.it_interval.tv_sec || cur.it_interval.tv_nsec) {
		fail("the hour timerfd: %lds left, interval %lds %ldns", (long)cur.it_value.tv_sec,
		     (long)cur.it_interval.tv_sec, (long)cur.it_interval.tv_nsec);
		return 1;
	}
	if (kill(getpid(), SIGUSR2)) {
		fail_errno("kill");
		return 1;
	}
	{
		uint64_t d[] = { D_SUSR2 };

		if (expect(ep, 1, d, "after SIGUSR2"))
			return 1;
	}
	if (read(s2, &si, sizeof(si)) != sizeof(si) || si.ssi_signo != SIGUSR2) {
		fail("SIGUSR2 signalfd gave signal %u", si.ssi_signo);
		return 1;
	}
	pass();
	return 0;
}
