/* The alternate signal stack is restored, and SA_ONSTACK handlers still run on it. */
#include <signal.h>
#include <stdlib.h>

#include "zdtmlib.h"

#define STACK_SIZE (64 * 1024)

static char *stack;
static volatile sig_atomic_t on_alt_stack = -1;

static void handler(int sig)
{
	char here;

	(void)sig;
	on_alt_stack = &here >= stack && &here < stack + STACK_SIZE;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = handler, .sa_flags = SA_ONSTACK };
	stack_t ss, got;

	test_init(argc, argv);
	stack = malloc(STACK_SIZE);
	ss = (stack_t){ .ss_sp = stack, .ss_size = STACK_SIZE, .ss_flags = 0 };
	sigemptyset(&sa.sa_mask);
	if (!stack || sigaltstack(&ss, NULL) || sigaction(SIGUSR1, &sa, NULL)) {
		fail_errno("sigaltstack setup");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (sigaltstack(NULL, &got)) {
		fail_errno("sigaltstack");
		return 1;
	}
	if (got.ss_sp != stack || got.ss_size != STACK_SIZE || got.ss_flags != 0) {
		fail("altstack %p+%zu flags %d, expected %p+%d flags 0", got.ss_sp, got.ss_size,
		     got.ss_flags, (void *)stack, STACK_SIZE);
		return 1;
	}
	raise(SIGUSR1);
	if (on_alt_stack != 1) {
		fail("SA_ONSTACK handler %s", on_alt_stack < 0 ? "did not run" : "ran on the main stack");
		return 1;
	}
	pass();
	return 0;
}
