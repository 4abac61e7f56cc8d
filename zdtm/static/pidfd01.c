/*
 * pidfds across the tree and of a thread: a child holds a pidfd of its parent and one of a
 * sibling born after it, the parent one of a single thread of its own (PIDFD_THREAD); after
 * restore each names the same task or thread, and signals sent through them arrive there.
 */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "zdtmlib.h"

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif

static volatile uint32_t *shared;	/* [0]: sibling pid, [1]: child ready, [2]: child's checks, [3]: go, [4]: thread tid */
static volatile sig_atomic_t thread_got;

static void on_usr1(int sig)
{
	thread_got = 1;
}

static void *thread_main(void *arg)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	flag_set(&shared[4], (uint32_t)syscall(SYS_gettid));
	while (!thread_got)
		pause();
	return NULL;
}

int main(int argc, char **argv)
{
	int parent_fd, sibling_fd, thread_fd, status;
	pid_t parent, child, sibling;
	pthread_t thread;
	sigset_t set;

	test_init(argc, argv);
	parent = getpid();
	shared = test_shared_alloc(5 * sizeof(uint32_t));
	/* Only the thread takes SIGUSR1: a thread-directed signal must reach that very thread. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGUSR1, on_usr1);

	child = fork();
	if (child == 0) {
		while (!__atomic_load_n(&shared[0], __ATOMIC_ACQUIRE))
			usleep(1000);
		parent_fd = pidfd_open_raw(parent, 0);
		sibling_fd = pidfd_open_raw((pid_t)shared[0], 0);
		if (parent_fd < 0 || sibling_fd < 0)
			_exit(2);
		flag_set(&shared[1], 1);
		flag_wait(&shared[3], 1);
		/* One bit per check: the parent's pidfd, the sibling's, and a signal through it. */
		shared[2] = (pidfd_pid(parent_fd) == parent ? 1 : 0) | (pidfd_pid(sibling_fd) == (int)shared[0] ? 2 : 0) |
			    (syscall(SYS_pidfd_send_signal, sibling_fd, SIGKILL, NULL, 0) == 0 ? 4 : 0);
		_exit(0);
	}
	sibling = fork();
	if (sibling == 0) {
		for (;;)
			pause();
	}
	flag_set(&shared[0], (uint32_t)sibling);
	flag_wait(&shared[1], 1);
	if (pthread_create(&thread, NULL, thread_main, NULL)) {
		fail("pthread_create");
		return 1;
	}
	while (!__atomic_load_n(&shared[4], __ATOMIC_ACQUIRE))
		usleep(1000);
	thread_fd = pidfd_open_raw((pid_t)shared[4], PIDFD_THREAD);
	if (thread_fd < 0) {
		fail_errno("pidfd_open_raw(PIDFD_THREAD)");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (pidfd_pid(thread_fd) != (int)shared[4] || !(fcntl(thread_fd, F_GETFL) & PIDFD_THREAD)) {
		fail("thread pidfd names %d (flags %o), expected thread %u", pidfd_pid(thread_fd), fcntl(thread_fd, F_GETFL), shared[4]);
		return 1;
	}
	if (syscall(SYS_pidfd_send_signal, thread_fd, SIGUSR1, NULL, 0)) {
		fail_errno("pidfd_send_signal to the thread");
		return 1;
	}
	pthread_join(thread, NULL);
	if (!thread_got) {
		fail("the thread did not get the signal sent through its pidfd");
		return 1;
	}
	flag_set(&shared[3], 1);
	if (waitpid(child, &status, 0) != child || exit_code_of(status) != 0 || shared[2] != 7) {
		fail("the child's pidfds of its parent and sibling came back wrong (checks passed: %#x of 0x7, status %d)", shared[2], exit_code_of(status));
		return 1;
	}
	if (waitpid(sibling, &status, 0) != sibling || exit_code_of(status) != 128 + SIGKILL) {
		fail("the sibling did not die of the SIGKILL sent through the child's pidfd (%d)", exit_code_of(status));
		return 1;
	}
	pass();
	return 0;
}
