/* A thread that exited and was joined before the dump stays gone; a detached thread keeps running
 * with its tid; /proc/self/task lists exactly the main thread and the detached one. */
#include <dirent.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "zdtmlib.h"

static volatile pid_t joined_tid, detached_tid;
static volatile uint64_t counter;
static volatile uint32_t started, stop, stopped;
static volatile int tid_changed;

static void *short_lived(void *arg)
{
	(void)arg;
	joined_tid = syscall(SYS_gettid);
	return (void *)0x51;
}

static void *detached(void *arg)
{
	(void)arg;
	detached_tid = syscall(SYS_gettid);
	flag_set(&started, 1);
	while (!__atomic_load_n(&stop, __ATOMIC_SEQ_CST)) {
		__atomic_add_fetch(&counter, 1, __ATOMIC_SEQ_CST);
		if (syscall(SYS_gettid) != detached_tid)
			tid_changed = 1;
		usleep(1000);
	}
	flag_set(&stopped, 1);
	return NULL;
}

/* Lists /proc/self/task: how many tasks, and whether tid is among them. */
static int list_tasks(pid_t tid, int *found)
{
	struct dirent *de;
	DIR *d = opendir("/proc/self/task");
	int n = 0;

	*found = 0;
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		n++;
		if (atoi(de->d_name) == tid)
			*found = 1;
	}
	closedir(d);
	return n;
}

int main(int argc, char **argv)
{
	pthread_t t;
	pthread_attr_t attr;
	void *ret;
	uint64_t before;
	int n, found, i;

	test_init(argc, argv);
	if (pthread_create(&t, NULL, short_lived, NULL) || pthread_join(t, &ret) || ret != (void *)0x51) {
		fail("short-lived thread");
		return 1;
	}
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &attr, detached, NULL)) {
		fail("pthread_create detached");
		return 1;
	}
	flag_wait(&started, 1);
	n = list_tasks(detached_tid, &found);
	if (n != 2 || !found) {
		fail("before the dump: %d tasks, detached one %s", n, found ? "listed" : "missing");
		return 1;
	}

	test_daemon();
	test_waitsig();

	n = list_tasks(detached_tid, &found);
	if (n != 2 || !found) {
		fail("%d tasks after restore, detached tid %d %s", n, detached_tid, found ? "listed" : "missing");
		return 1;
	}
	list_tasks(joined_tid, &found);
	if (found && joined_tid != detached_tid) {
		fail("the joined thread's tid %d is back", joined_tid);
		return 1;
	}
	before = counter;
	for (i = 0; i < 1000 && counter - before < 10; i++)
		usleep(10000);
	if (counter - before < 10) {
		fail("the detached thread does not run (%llu steps in 10 s)", (unsigned long long)(counter - before));
		return 1;
	}
	if (tid_changed) {
		fail("the detached thread's gettid changed");
		return 1;
	}
	__atomic_store_n(&stop, 1, __ATOMIC_SEQ_CST);
	flag_wait(&stopped, 1);
	pass();
	return 0;
}
