/* Each thread keeps its own alternate signal stack: the main thread and one worker have stacks of
 * their own (different sizes), another worker has none; SA_ONSTACK handlers run on the right one. */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>

#include "zdtmlib.h"

#define NR 3

static char *stacks[NR];
static const size_t sizes[NR] = { 64 * 1024, 0, 96 * 1024 };
static __thread volatile uintptr_t handler_sp;	/* where the handler's frame was */

static void handler(int sig)
{
	char here;

	(void)sig;
	handler_sp = (uintptr_t)&here;
}

/* The thread whose altstack holds p, or -1. */
static int stack_of(uintptr_t p)
{
	int i;

	for (i = 0; i < NR; i++)
		if (stacks[i] && p >= (uintptr_t)stacks[i] && p < (uintptr_t)stacks[i] + sizes[i])
			return i;
	return -1;
}

static int set_stack(int i)
{
	stack_t ss = { .ss_sp = stacks[i], .ss_size = sizes[i], .ss_flags = 0 };

	if (!sizes[i])
		return 0;
	return sigaltstack(&ss, NULL);
}

static void setup(int i)
{
	if (set_stack(i))
		test_msg("thread %d: sigaltstack failed\n", i);
}

static int check(int i)
{
	stack_t got;
	int on;

	if (sigaltstack(NULL, &got))
		return 0;
	if (sizes[i]) {
		if (got.ss_sp != stacks[i] || got.ss_size != sizes[i] || got.ss_flags != 0) {
			test_msg("thread %d: altstack %p+%zu flags %d, expected %p+%zu\n", i, got.ss_sp,
				 got.ss_size, got.ss_flags, (void *)stacks[i], sizes[i]);
			return 0;
		}
	} else if (!(got.ss_flags & SS_DISABLE)) {
		test_msg("thread %d: has an altstack %p+%zu, expected none\n", i, got.ss_sp, got.ss_size);
		return 0;
	}
	handler_sp = 0;
	pthread_kill(pthread_self(), SIGUSR1);
	if (!handler_sp) {
		test_msg("thread %d: handler did not run\n", i);
		return 0;
	}
	on = stack_of(handler_sp);
	if (on != (sizes[i] ? i : -1)) {
		test_msg("thread %d: handler ran on the altstack of %d (-1: none)\n", i, on);
		return 0;
	}
	return 1;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = handler, .sa_flags = SA_ONSTACK };
	int i, bad;

	test_init(argc, argv);
	for (i = 0; i < NR; i++)
		if (sizes[i] && !(stacks[i] = malloc(sizes[i]))) {
			fail("malloc");
			return 1;
		}
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL) || set_stack(0)) {
		fail_errno("sigaltstack setup");
		return 1;
	}
	if (test_threads_start(NR - 1, setup, check)) {
		fail("cannot start threads");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (!check(0)) {
		fail("main thread's altstack changed");
		return 1;
	}
	bad = test_threads_check();
	if (bad >= 0) {
		fail("thread %d's altstack changed", bad);
		return 1;
	}
	pass();
	return 0;
}
