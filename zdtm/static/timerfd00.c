/* A periodic timerfd keeps its settings and keeps counting expirations after restore. */
#include <stdint.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "zdtmlib.h"

#define PERIOD_NS 10000000

int main(int argc, char **argv)
{
	struct itimerspec its = { { 0, PERIOD_NS }, { 0, PERIOD_NS } }, got;
	uint64_t expirations;
	int fd, flags;

	test_init(argc, argv);
	fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	if (fd < 0 || timerfd_settime(fd, 0, &its, NULL)) {
		fail_errno("timerfd");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (timerfd_gettime(fd, &got)) {
		fail_errno("timerfd_gettime");
		return 1;
	}
	if (got.it_interval.tv_sec != 0 || got.it_interval.tv_nsec != PERIOD_NS ||
	    (got.it_value.tv_sec == 0 && got.it_value.tv_nsec == 0)) {
		fail("interval %ld.%09ld, armed %d", (long)got.it_interval.tv_sec,
		     got.it_interval.tv_nsec, got.it_value.tv_sec || got.it_value.tv_nsec);
		return 1;
	}
	flags = fcntl(fd, F_GETFL);
	if (!(flags & O_NONBLOCK)) {
		fail("O_NONBLOCK lost");
		return 1;
	}
	/* Expirations keep coming: two rounds of waiting for one and reading the count. */
	for (int round = 0; round < 2; round++) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		if (poll(&pfd, 1, 1000) != 1 || read(fd, &expirations, 8) != 8 || expirations < 1) {
			fail("no expiration within a second (round %d)", round);
			return 1;
		}
	}
	pass();
	return 0;
}
