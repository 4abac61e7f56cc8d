/* A pthread mutex held by one thread across the dump, with another thread blocked on it: after
 * restore it is still held (trylock EBUSY), and the unlock hands it to the blocked thread. */
#include <pthread.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "zdtmlib.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static volatile uint32_t holding, release, released, waiter_started, waiter_got;
static volatile pid_t waiter_tid;

static void *holder(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	flag_set(&holding, 1);
	flag_wait(&release, 1);
	flag_set(&released, 1);
	pthread_mutex_unlock(&lock);
	return NULL;
}

static void *waiter(void *arg)
{
	(void)arg;
	waiter_tid = syscall(SYS_gettid);
	flag_set(&waiter_started, 1);
	pthread_mutex_lock(&lock);	/* blocks in the kernel across the dump */
	flag_set(&waiter_got, released ? 1 : 2);
	pthread_mutex_unlock(&lock);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t th, tw;
	struct timespec deadline;
	char state = '?';
	int i, err;

	test_init(argc, argv);
	if (pthread_create(&th, NULL, holder, NULL)) {
		fail("pthread_create holder");
		return 1;
	}
	flag_wait(&holding, 1);
	if (pthread_create(&tw, NULL, waiter, NULL)) {
		fail("pthread_create waiter");
		return 1;
	}
	flag_wait(&waiter_started, 1);
	for (i = 0; i < 500 && (state = proc_state(waiter_tid)) != 'S'; i++)
		usleep(2000);
	if (state != 'S') {
		fail("the waiter does not block on the mutex (state %c)", state);
		return 1;
	}

	test_daemon();
	test_waitsig();

	err = pthread_mutex_trylock(&lock);
	if (err != EBUSY) {
		fail("trylock of the held mutex gave %d, expected EBUSY", err);
		return 1;
	}
	if (waiter_got) {
		fail("the waiter got the mutex while it was held");
		return 1;
	}
	flag_set(&release, 1);
	pthread_join(th, NULL);
	/* The waiter must get it now; give it 10 s. */
	for (i = 0; i < 1000 && !waiter_got; i++)
		usleep(10000);
	if (waiter_got != 1) {
		fail("the waiter %s after the unlock", waiter_got ? "had it too early" : "did not get the mutex");
		return 1;
	}
	pthread_join(tw, NULL);
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 10;
	err = pthread_mutex_timedlock(&lock, &deadline);
	if (err) {
		fail("the free mutex cannot be taken: %d", err);
		return 1;
	}
	pthread_mutex_unlock(&lock);
	pass();
	return 0;
}
