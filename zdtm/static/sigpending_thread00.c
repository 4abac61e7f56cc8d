/* A signal pending for one thread stays that thread's: it is not moved to the process queue. */
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "zdtmlib.h"

static volatile uint32_t ready, check;
static volatile pid_t worker_tid;
static volatile int worker_result = -1;

static void *worker(void *arg)
{
	sigset_t pending;

	(void)arg;
	worker_tid = syscall(SYS_gettid);
	flag_set(&ready, 1);
	flag_wait(&check, 1);
	/* sigpending() is the union of this thread's and the process's pending sets. */
	worker_result = sigpending(&pending) == 0 && sigismember(&pending, SIGUSR1) &&
			sigismember(&pending, SIGRTMIN + 1);
	return NULL;
}

int main(int argc, char **argv)
{
	sigset_t block, pending;
	pthread_t t;

	test_init(argc, argv);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGRTMIN + 1);
	/* Blocked before the thread starts, so it inherits the mask. */
	if (sigprocmask(SIG_BLOCK, &block, NULL) || pthread_create(&t, NULL, worker, NULL)) {
		fail_errno("setup");
		return 1;
	}
	flag_wait(&ready, 1);
	if (syscall(SYS_tgkill, getpid(), worker_tid, SIGUSR1) ||
	    syscall(SYS_tgkill, getpid(), worker_tid, SIGRTMIN + 1)) {
		fail_errno("tgkill");
		return 1;
	}

	test_daemon();
	test_waitsig();

	/* The main thread must not see them: they belong to the worker alone. */
	if (sigpending(&pending) || sigismember(&pending, SIGUSR1) || sigismember(&pending, SIGRTMIN + 1)) {
		fail("the worker's pending signals show up in the main thread");
		return 1;
	}
	flag_set(&check, 1);
	pthread_join(t, NULL);
	if (worker_result != 1) {
		fail("the worker lost its pending SIGUSR1 / SIGRTMIN+1");
		return 1;
	}
	pass();
	return 0;
}
