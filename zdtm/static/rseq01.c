/* The rseq registration of every thread comes back as that thread had it: one thread keeps
 * glibc's, one dropped glibc's and registered an area of its own with another signature, one
 * runs with none. */
#include <sched.h>
#include <sys/rseq.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "zdtmlib.h"

#define OWN_SIG 0x0badc0de

static struct rseq own __attribute__((aligned(32)));

static struct rseq *glibc_area(void)
{
	char *tp;

#if defined(__powerpc64__)
	asm("mr %0, 13" : "=r"(tp));
#else
	tp = __builtin_thread_pointer();
#endif
	return (struct rseq *)(tp + __rseq_offset);
}

static unsigned glibc_len(void)
{
	return __rseq_size < 32 ? 32 : __rseq_size;
}

static long sys_rseq(void *area, unsigned len, int flags, unsigned sig)
{
	return syscall(SYS_rseq, area, len, flags, sig);
}

static int setup_failed;

static void setup(int i)
{
	if (sys_rseq(glibc_area(), glibc_len(), RSEQ_FLAG_UNREGISTER, RSEQ_SIG)) {
		setup_failed = 1;
		return;
	}
	own.cpu_id = RSEQ_CPU_ID_UNINITIALIZED;
	if (i == 1 && sys_rseq(&own, sizeof(own) < 32 ? 32 : sizeof(own), 0, OWN_SIG))
		setup_failed = 1;
}

/* Registering again: EBUSY means "already, with exactly this"; EINVAL "with something else". */
static int check(int i)
{
	if (i == 1) {
		if (sys_rseq(&own, 32, 0, OWN_SIG) == 0 || errno != EBUSY)
			return 0;
		return own.cpu_id == (unsigned)sched_getcpu();
	}
	/* Thread 2 had none: registering glibc's area must work (and is dropped again). */
	if (sys_rseq(glibc_area(), glibc_len(), 0, RSEQ_SIG))
		return 0;
	return sys_rseq(glibc_area(), glibc_len(), RSEQ_FLAG_UNREGISTER, RSEQ_SIG) == 0;
}

int main(int argc, char **argv)
{
	int bad;

	test_init(argc, argv);
	if (__rseq_size == 0) {
		test_msg("SKIP: glibc did not register rseq; nothing to compare with\n");
		test_daemon();
		test_waitsig();
		pass();
		return 0;
	}
	if (test_threads_start(2, setup, check) || setup_failed) {
		fail_errno("threads with their own rseq");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (sys_rseq(glibc_area(), glibc_len(), 0, RSEQ_SIG) == 0 || errno != EBUSY) {
		fail_errno("the main thread's glibc rseq is not registered as before");
		return 1;
	}
	bad = test_threads_check();
	if (bad >= 0) {
		fail("thread %d's rseq registration differs after restore", bad);
		return 1;
	}
	pass();
	return 0;
}
