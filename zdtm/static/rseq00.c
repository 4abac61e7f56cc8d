/* The rseq area glibc registered stays registered after restore and keeps tracking the CPU. */
#include <sched.h>
#include <sys/rseq.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "zdtmlib.h"

/* __rseq_offset is relative to the thread pointer (gcc 12 has no builtin for it on ppc64). */
static struct rseq *rseq_area(void)
{
	char *tp;

#if defined(__powerpc64__)
	asm("mr %0, 13" : "=r"(tp));
#else
	tp = __builtin_thread_pointer();
#endif
	return (struct rseq *)(tp + __rseq_offset);
}

/* Which CPU the kernel says we are on, bypassing glibc (whose sched_getcpu reads rseq). */
static int kernel_cpu(void)
{
	unsigned cpu;

	return syscall(SYS_getcpu, &cpu, NULL, NULL) ? -1 : (int)cpu;
}

/* Pins us to each allowed CPU in turn: rseq's cpu_id must follow. 0, or the failing CPU + 1. */
static int cpu_id_follows(void)
{
	cpu_set_t allowed, one;
	int cpu, bad = 0;

	if (sched_getaffinity(0, sizeof(allowed), &allowed))
		return -1;
	for (cpu = 0; cpu < CPU_SETSIZE && !bad; cpu++) {
		if (!CPU_ISSET(cpu, &allowed))
			continue;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		if (sched_setaffinity(0, sizeof(one), &one))
			continue;	/* CPU went offline: not our concern */
		sched_yield();
		if (kernel_cpu() == cpu && (int)__atomic_load_n(&rseq_area()->cpu_id, __ATOMIC_RELAXED) != cpu)
			bad = cpu + 1;
	}
	sched_setaffinity(0, sizeof(allowed), &allowed);
	return bad;
}

int main(int argc, char **argv)
{
	int bad;

	test_init(argc, argv);
	if (__rseq_size == 0) {
		test_msg("SKIP: glibc did not register rseq (disabled by tunable?); nothing to check\n");
		test_daemon();
		test_waitsig();
		pass();
		return 0;
	}
	bad = cpu_id_follows();
	if (bad) {
		fail("rseq cpu_id does not follow the CPU even before the dump (%d)", bad);
		return 1;
	}

	test_daemon();
	test_waitsig();

	/*
	 * Registering the same area again must say "already registered with exactly this".
	 * __rseq_size is the size of the features in use; glibc registers at least the original
	 * 32-byte ABI size.
	 */
	if (syscall(SYS_rseq, rseq_area(), __rseq_size < 32 ? 32 : __rseq_size, 0, RSEQ_SIG) == 0) {
		fail("rseq was not registered after restore");
		return 1;
	}
	if (errno != EBUSY) {
		fail_errno("rseq is registered with another area, size or signature");
		return 1;
	}
	bad = cpu_id_follows();
	if (bad) {
		fail("rseq cpu_id is not updated on CPU %d", bad - 1);
		return 1;
	}
	pass();
	return 0;
}
