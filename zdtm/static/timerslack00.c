/* Timer slack set with PR_SET_TIMERSLACK is restored per thread: the main thread and a worker
 * each keep their own value. */
#include <pthread.h>
#include <sys/prctl.h>

#include "zdtmlib.h"

#define MAIN_SLACK 123457UL
#define WORKER_SLACK 7654321UL

static volatile uint32_t ready, check;
static volatile long worker_after = -1;

static void *worker(void *arg)
{
	(void)arg;
	if (prctl(PR_SET_TIMERSLACK, WORKER_SLACK, 0, 0, 0))
		return NULL;
	flag_set(&ready, 1);
	flag_wait(&check, 1);
	worker_after = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t;
	long got;

	test_init(argc, argv);
	if (prctl(PR_SET_TIMERSLACK, MAIN_SLACK, 0, 0, 0) || pthread_create(&t, NULL, worker, NULL)) {
		fail_errno("setup");
		return 1;
	}
	flag_wait(&ready, 1);

	test_daemon();
	test_waitsig();

	got = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
	flag_set(&check, 1);
	pthread_join(t, NULL);
	if (got != (long)MAIN_SLACK) {
		fail("main thread timer slack %ld ns, expected %lu", got, MAIN_SLACK);
		return 1;
	}
	if (worker_after != (long)WORKER_SLACK) {
		fail("worker timer slack %ld ns, expected %lu", worker_after, WORKER_SLACK);
		return 1;
	}
	pass();
	return 0;
}
