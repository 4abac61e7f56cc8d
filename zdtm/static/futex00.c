/* A thread blocked in FUTEX_WAIT across the dump is still asleep on the same word and wakes on it. */
#include <linux/futex.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "zdtmlib.h"

static volatile uint32_t word;	/* 0: wait; 1: released */
static volatile uint32_t waiting;
static volatile pid_t waiter_tid;
static volatile int spurious, seen_value = -1;

static void *waiter(void *arg)
{
	(void)arg;
	waiter_tid = syscall(SYS_gettid);
	flag_set(&waiting, 1);
	/* A raw FUTEX_WAIT: returns without the release are counted, then the wait resumes. */
	while (__atomic_load_n(&word, __ATOMIC_SEQ_CST) == 0) {
		syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
		if (__atomic_load_n(&word, __ATOMIC_SEQ_CST) == 0)
			spurious++;
	}
	seen_value = word;
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t;
	char state;
	int i;

	test_init(argc, argv);
	if (pthread_create(&t, NULL, waiter, NULL)) {
		fail("pthread_create");
		return 1;
	}
	flag_wait(&waiting, 1);
	usleep(20000);	/* let it reach FUTEX_WAIT */

	test_daemon();
	test_waitsig();

	/* Restored threads may take a moment to re-enter the wait (seconds in a loaded emulated guest). */
	for (i = 0; i < 1000 && (state = proc_state(waiter_tid)) != 'S'; i++)
		usleep(10000);
	if (state != 'S') {
		fail("waiter thread %d is in state %c, expected asleep (S)", waiter_tid, state);
		return 1;
	}
	__atomic_store_n(&word, 1, __ATOMIC_SEQ_CST);
	syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	pthread_join(t, NULL);
	if (seen_value != 1) {
		fail("waiter saw %d", seen_value);
		return 1;
	}
	test_msg("%d spurious returns from FUTEX_WAIT\n", spurious);
	pass();
	return 0;
}
