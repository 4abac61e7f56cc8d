/* Robust futex lists are restored: a robust mutex held by a thread, and a process-shared robust
 * mutex held by a child, are each handed over as EOWNERDEAD when their owner dies after restore. */
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "zdtmlib.h"

struct shared {
	pthread_mutex_t lock;
	volatile uint32_t child_holds;
};

static pthread_mutex_t thread_lock;
static volatile uint32_t thread_holds, thread_exit;

static int init_robust(pthread_mutex_t *m, int pshared)
{
	pthread_mutexattr_t a;

	return pthread_mutexattr_init(&a) || pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST) ||
	       pthread_mutexattr_setpshared(&a, pshared) || pthread_mutex_init(m, &a);
}

static void *owner(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&thread_lock);
	flag_set(&thread_holds, 1);
	flag_wait(&thread_exit, 1);
	return NULL;	/* exits holding the mutex */
}

/* Locks m with a 10 s limit: the pthread error code. */
static int lock_within_10s(pthread_mutex_t *m)
{
	struct timespec deadline;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 10;
	return pthread_mutex_timedlock(m, &deadline);
}

int main(int argc, char **argv)
{
	struct shared *sh;
	pthread_t t;
	pid_t child;
	int err;

	test_init(argc, argv);
	sh = test_shared_alloc(sizeof(*sh));
	if (init_robust(&sh->lock, PTHREAD_PROCESS_SHARED) || init_robust(&thread_lock, PTHREAD_PROCESS_PRIVATE)) {
		fail("robust mutex init");
		return 1;
	}
	child = fork();
	if (child < 0) {
		fail_errno("fork");
		return 1;
	}
	if (child == 0) {
		pthread_mutex_lock(&sh->lock);
		flag_set(&sh->child_holds, 1);
		for (;;)
			pause();
	}
	flag_wait(&sh->child_holds, 1);
	if (pthread_create(&t, NULL, owner, NULL)) {
		fail("pthread_create");
		return 1;
	}
	flag_wait(&thread_holds, 1);

	test_daemon();
	test_waitsig();

	err = pthread_mutex_trylock(&thread_lock);
	if (err != EBUSY) {
		fail("trylock of the mutex the thread holds: %d (%s), expected EBUSY", err, strerror(err));
		return 1;
	}
	err = pthread_mutex_trylock(&sh->lock);
	if (err != EBUSY) {
		fail("trylock of the shared mutex the child holds: %d (%s), expected EBUSY", err, strerror(err));
		return 1;
	}
	flag_set(&thread_exit, 1);
	pthread_join(t, NULL);
	err = lock_within_10s(&thread_lock);
	if (err != EOWNERDEAD) {
		fail("mutex of the exited thread: error %d (%s), expected EOWNERDEAD", err, strerror(err));
		return 1;
	}
	kill(child, SIGKILL);
	if (wait_exit_code(child) != 128 + SIGKILL) {
		fail("child did not die by SIGKILL");
		return 1;
	}
	err = lock_within_10s(&sh->lock);
	if (err != EOWNERDEAD) {
		fail("shared mutex of the killed child: error %d (%s), expected EOWNERDEAD", err, strerror(err));
		return 1;
	}
	pass();
	return 0;
}
