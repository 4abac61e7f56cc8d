/*
 * Three threads, each counting in its own thread-local variable under its own name;
 * the main thread prints every thread's count and TID. After a restore every thread
 * must go on counting, with its TID, name and TLS.
 */
#include <pthread.h>
#include <string.h>
#include <sys/syscall.h>
#include "daemon.h"

#define WORKERS 2

static __thread unsigned long mine;
static volatile unsigned long seen[WORKERS];
static volatile long tids[WORKERS];

static void *work(void *arg)
{
	long i = (long)arg;
	char name[16];
	snprintf(name, sizeof(name), "worker-%ld", i);
	pthread_setname_np(pthread_self(), name);
	tids[i] = syscall(SYS_gettid);
	for (;;) {
		mine++;
		seen[i] = mine;
		usleep(1000);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	(void)argc;
	daemonize(argv);
	pthread_t t[WORKERS];
	for (long i = 0; i < WORKERS; i++)
		pthread_create(&t[i], NULL, work, (void *)i);
	while (!tids[WORKERS - 1])
		usleep(1000);
	ready(argv);
	for (;;) {
		for (int i = 0; i < WORKERS; i++)
			printf("%ld:%lu ", tids[i], seen[i]);
		printf("\n");
		usleep(20000);
	}
}
