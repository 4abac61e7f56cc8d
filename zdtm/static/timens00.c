/* Time namespaces: the test runs in one whose monotonic and boot clocks are 1000 s and 2000 s
 * ahead of the host's. After restore its clocks go on from where they were (not back by the
 * offsets, not jumped by the time the tree was down), the offsets are still about that, and
 * the vDSO reads the same time as the system call. */
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "zdtmlib.h"

#define MONO_OFFSET 1000
#define BOOT_OFFSET 2000

static long long now_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long long syscall_ns(clockid_t clock)
{
	struct timespec ts;

	syscall(SYS_clock_gettime, clock, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The seconds of one clock's line of /proc/self/timens_offsets, or -1. */
static long long offset_s(const char *name)
{
	char line[128], clock[32];
	long long sec = -1, s;
	unsigned long ns;
	FILE *f = fopen("/proc/self/timens_offsets", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%31s %lld %lu", clock, &s, &ns) == 3 && strcmp(clock, name) == 0)
			sec = s;
	if (f)
		fclose(f);
	return sec;
}

int main(int argc, char **argv)
{
	long long mono0, boot0, mono1, boot1, drift;
	FILE *f;
	int fd;

	test_init(argc, argv);
	if (unshare(CLONE_NEWTIME)) {
		fail_errno("unshare(CLONE_NEWTIME)");
		return 1;
	}
	f = fopen("/proc/self/timens_offsets", "w");
	if (!f || fprintf(f, "monotonic %d 0\nboottime %d 0\n", MONO_OFFSET, BOOT_OFFSET) < 0 || fclose(f)) {
		fail_errno("timens_offsets");
		return 1;
	}

	/* Unshared, it is the namespace of our children to come; we enter it ourselves. */
	fd = open("/proc/self/ns/time_for_children", O_RDONLY);
	if (fd < 0 || setns(fd, CLONE_NEWTIME)) {
		fail_errno("setns(time_for_children)");
		return 1;
	}
	close(fd);

	test_daemon();
	mono0 = now_ns(CLOCK_MONOTONIC);
	boot0 = now_ns(CLOCK_BOOTTIME);
	test_waitsig();

	mono1 = now_ns(CLOCK_MONOTONIC);
	boot1 = now_ns(CLOCK_BOOTTIME);
	if (mono1 < mono0 || boot1 < boot0 || mono1 - mono0 > 120000000000LL) {
		fail("clocks went from %lld/%lld to %lld/%lld ns", mono0, boot0, mono1, boot1);
		return 1;
	}
	if (offset_s("monotonic") <= MONO_OFFSET - 120 || offset_s("monotonic") > MONO_OFFSET ||
	    offset_s("boottime") <= BOOT_OFFSET - 120 || offset_s("boottime") > BOOT_OFFSET) {
		fail("offsets are %lld s and %lld s", offset_s("monotonic"), offset_s("boottime"));
		return 1;
	}
	drift = syscall_ns(CLOCK_MONOTONIC) - now_ns(CLOCK_MONOTONIC);
	if (drift > 1000000000LL || drift < -1000000000LL) {
		fail("the vDSO and the system call disagree by %lld ns", drift);
		return 1;
	}
	pass();
	return 0;
}
