/* Sixteen threads, each blocked in a different kind of sleep, all resume with their state intact. */
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "zdtmlib.h"

#define NR_THREADS 16

struct worker {
	pthread_t thread;
	int index;
	pid_t tid;
	volatile uint32_t ready;
	int result;
};

static volatile uint32_t check;

static void *work(void *arg)
{
	struct worker *w = arg;
	unsigned char data[1024];

	w->tid = syscall(SYS_gettid);
	datagen(data, sizeof(data), w->index);
	flag_set(&w->ready, 1);
	/* Four ways of sleeping, so the dump meets threads in different syscalls. */
	while (!__atomic_load_n(&check, __ATOMIC_SEQ_CST)) {
		switch (w->index % 4) {
		case 0:
			flag_wait(&check, 1);
			break;
		case 1:
			nanosleep(&(struct timespec){ 0, 20000000 }, NULL);
			break;
		case 2:
			poll(NULL, 0, 30);
			break;
		case 3:
			sched_yield();
			usleep(1000);
			break;
		}
	}
	w->result = 0;
	if (datacmp(data, sizeof(data), w->index) >= 0)
		w->result = 1;
	else if (syscall(SYS_gettid) != w->tid)
		w->result = 2;
	return NULL;
}

int main(int argc, char **argv)
{
	static struct worker w[NR_THREADS];
	char before[32], after[32];
	int i;

	test_init(argc, argv);
	for (i = 0; i < NR_THREADS; i++) {
		w[i].index = i;
		if (pthread_create(&w[i].thread, NULL, work, &w[i])) {
			fail("pthread_create %d", i);
			return 1;
		}
		flag_wait(&w[i].ready, 1);
	}

	/* Counted rather than assumed: an emulator may add threads of its own. */
	if (proc_status_field(0, "Threads", before, sizeof(before)) || atoi(before) < NR_THREADS + 1) {
		fail("/proc says %s threads, expected at least %d", before, NR_THREADS + 1);
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (proc_status_field(0, "Threads", after, sizeof(after)) || strcmp(after, before)) {
		fail("/proc says %s threads, expected %s", after, before);
		return 1;
	}
	flag_set(&check, 1);
	for (i = 0; i < NR_THREADS; i++) {
		pthread_join(w[i].thread, NULL);
		if (w[i].result) {
			fail("thread %d: %s", i, w[i].result == 1 ? "stack data lost" : "thread id changed");
			return 1;
		}
	}
	pass();
	return 0;
}
