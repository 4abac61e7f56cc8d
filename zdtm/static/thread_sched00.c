/* Each thread keeps its own scheduling: SCHED_BATCH with nice 7 in one, SCHED_IDLE in the
 * other, while the main thread stays SCHED_OTHER at nice 0. */
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "zdtmlib.h"

static const int policy_of[] = { SCHED_OTHER, SCHED_BATCH, SCHED_IDLE };
static const int nice_of[] = { 0, 7, 0 };

static void setup(int i)
{
	struct sched_param p = { 0 };

	if (sched_setscheduler(0, policy_of[i], &p) || setpriority(PRIO_PROCESS, 0, nice_of[i]))
		test_msg("thread %d: %s\n", i, strerror(errno));
}

static int own(int i)
{
	errno = 0;
	int nice = getpriority(PRIO_PROCESS, 0);	/* 0: the calling thread */

	if (sched_getscheduler(0) != policy_of[i] || errno || nice != nice_of[i]) {
		test_msg("thread %d: policy %d nice %d, expected %d %d\n", i, sched_getscheduler(0), nice, policy_of[i], nice_of[i]);
		return 0;
	}
	return 1;
}

int main(int argc, char **argv)
{
	int bad;

	test_init(argc, argv);
	if (test_threads_start(2, setup, own)) {
		fail("threads");
		return 1;
	}
	test_daemon();
	test_waitsig();

	if (!own(0)) {
		fail("the main thread's scheduling changed");
		return 1;
	}
	bad = test_threads_check();
	if (bad >= 0) {
		fail("thread %d lost its scheduling", bad);
		return 1;
	}
	pass();
	return 0;
}
