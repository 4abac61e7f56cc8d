/* CPU-time clocks go on from where they were: CLOCK_PROCESS_CPUTIME_ID and the CLOCK_THREAD_CPUTIME_ID
 * of the main thread and of a worker (read through pthread_getcpuclockid) are not reset by restore. */
#include <pthread.h>
#include <time.h>

#include "zdtmlib.h"

#define BURN_NS 300000000LL

static volatile uint32_t burnt, done;

static long long now_ns(clockid_t clk)
{
	struct timespec ts;

	if (clock_gettime(clk, &ts))
		return -1;
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void burn(void)
{
	long long start = now_ns(CLOCK_THREAD_CPUTIME_ID);
	volatile unsigned long x = 0;

	while (now_ns(CLOCK_THREAD_CPUTIME_ID) - start < BURN_NS)
		for (int i = 0; i < 10000; i++)
			x += i;
}

static void *worker(void *arg)
{
	(void)arg;
	burn();
	flag_set(&burnt, 1);
	flag_wait(&done, 1);
	return NULL;
}

int main(int argc, char **argv)
{
	long long proc0, main0, work0, proc1, main1, work1;
	clockid_t work_clk;
	pthread_t t;

	test_init(argc, argv);
	if (pthread_create(&t, NULL, worker, NULL)) {
		fail("pthread_create");
		return 1;
	}
	burn();
	flag_wait(&burnt, 1);
	if (pthread_getcpuclockid(t, &work_clk)) {
		fail("pthread_getcpuclockid");
		return 1;
	}
	proc0 = now_ns(CLOCK_PROCESS_CPUTIME_ID);
	main0 = now_ns(CLOCK_THREAD_CPUTIME_ID);
	work0 = now_ns(work_clk);
	test_msg("before: process %lld, main %lld, worker %lld ns\n", proc0, main0, work0);

	test_daemon();
	test_waitsig();

	proc1 = now_ns(CLOCK_PROCESS_CPUTIME_ID);
	main1 = now_ns(CLOCK_THREAD_CPUTIME_ID);
	work1 = now_ns(work_clk);
	test_msg("after: process %lld, main %lld, worker %lld ns\n", proc1, main1, work1);
	flag_set(&done, 1);
	pthread_join(t, NULL);
	if (work1 < 0) {
		fail_errno("the worker's CPU clock is gone");
		return 1;
	}
	if (proc1 < proc0) {
		fail("process CPU time went back from %lld to %lld ns", proc0, proc1);
		return 1;
	}
	if (main1 < main0) {
		fail("main thread CPU time went back from %lld to %lld ns", main0, main1);
		return 1;
	}
	if (work1 < work0) {
		fail("worker CPU time went back from %lld to %lld ns", work0, work1);
		return 1;
	}
	pass();
	return 0;
}
