/* Helper threads that set up per-thread state, sleep through the checkpoint, then check it. */
#include <pthread.h>
#include <stdlib.h>

#include "zdtmlib.h"

struct checked_thread {
	pthread_t thread;
	int index;
	volatile uint32_t ready;
	int failed;
};

static struct checked_thread *threads;
static int nr_threads;
static void (*thread_setup)(int index);
static int (*thread_check)(int index);
static volatile uint32_t release;

static void *checked_thread_main(void *arg)
{
	struct checked_thread *t = arg;

	thread_setup(t->index);
	flag_set(&t->ready, 1);
	flag_wait(&release, 1);
	t->failed = !thread_check(t->index);
	return NULL;
}

int test_threads_start(int nr, void (*setup)(int index), int (*check)(int index))
{
	int i;

	threads = calloc(nr, sizeof(*threads));
	if (!threads)
		return -1;
	thread_setup = setup;
	thread_check = check;
	for (i = 0; i < nr; i++) {
		threads[i].index = i + 1;
		if (pthread_create(&threads[i].thread, NULL, checked_thread_main, &threads[i]))
			return -1;
		nr_threads++;
		flag_wait(&threads[i].ready, 1);
	}
	return 0;
}

int test_threads_check(void)
{
	int i, first_failed = -1;

	flag_set(&release, 1);
	for (i = 0; i < nr_threads; i++) {
		pthread_join(threads[i].thread, NULL);
		if (threads[i].failed && first_failed < 0)
			first_failed = threads[i].index;
	}
	return first_failed;
}
