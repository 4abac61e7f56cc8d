/* Two busy threads keep running through the dump, each with its own stack data and counters. */
#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include "zdtmlib.h"

#define NR_THREADS 2
#define STACK_DATA 8192

struct worker {
	pthread_t thread;
	int index;
	volatile uint32_t ready;
	volatile unsigned long loops;
	int result;	/* 0: ok, else the failing check */
};

static volatile uint32_t stop;

static void *work(void *arg)
{
	struct worker *w = arg;
	unsigned char data[STACK_DATA];

	datagen(data, STACK_DATA, 100 + w->index);
	flag_set(&w->ready, 1);
	/* Spin (yielding now and then) until told to stop; the dump catches us mid-loop. */
	while (!__atomic_load_n(&stop, __ATOMIC_SEQ_CST)) {
		w->loops++;
		if (w->loops % 1024 == 0)
			sched_yield();
	}
	w->result = datacmp(data, STACK_DATA, 100 + w->index) >= 0 ? 1 : 0;
	return NULL;
}

int main(int argc, char **argv)
{
	struct worker w[NR_THREADS] = { 0 };
	unsigned long loops_before[NR_THREADS];
	int i;

	test_init(argc, argv);
	for (i = 0; i < NR_THREADS; i++) {
		w[i].index = i;
		if (pthread_create(&w[i].thread, NULL, work, &w[i])) {
			fail("pthread_create");
			return 1;
		}
		flag_wait(&w[i].ready, 1);
	}

	test_daemon();
	test_waitsig();

	for (i = 0; i < NR_THREADS; i++)
		loops_before[i] = w[i].loops;
	/* Each thread must move on; a loaded emulated guest may not run them for a while. */
	for (i = 0; i < NR_THREADS; i++) {
		int waited_ms = 0;

		while (w[i].loops == loops_before[i] && waited_ms < 10000) {
			usleep(10000);
			waited_ms += 10;
		}
		if (w[i].loops == loops_before[i]) {
			fail("thread %d no longer runs", i);
			return 1;
		}
	}
	flag_set(&stop, 1);
	for (i = 0; i < NR_THREADS; i++) {
		pthread_join(w[i].thread, NULL);
		if (w[i].result) {
			fail("thread %d lost its stack data", i);
			return 1;
		}
	}
	pass();
	return 0;
}
