/* A multi-threaded child process is restored with all its threads and their per-thread state. */
#include <stdlib.h>
#include <unistd.h>

#include "zdtmlib.h"

#define NR_THREADS 4

static __thread int my_index = -1;

static void setup(int i)
{
	my_index = i;
}

static int intact(int i)
{
	return my_index == i;
}

int main(int argc, char **argv)
{
	volatile uint32_t *flags;
	char before[16], after[16];
	pid_t child;
	int code;

	test_init(argc, argv);
	flags = test_shared_alloc(4096);
	child = fork();
	if (child == 0) {
		setup(0);
		if (test_threads_start(NR_THREADS, setup, intact))
			exit(1);
		flag_set(&flags[0], 1);
		flag_wait(&flags[1], 1);
		exit(intact(0) && test_threads_check() < 0 ? 0 : 2);
	}
	flag_wait(&flags[0], 1);
	/* Counted rather than assumed: an emulator may add threads of its own. */
	if (proc_status_field(child, "Threads", before, sizeof(before)) ||
	    atoi(before) < NR_THREADS + 1) {
		fail("child has %s threads, expected at least %d", before, NR_THREADS + 1);
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (proc_status_field(child, "Threads", after, sizeof(after)) || strcmp(after, before)) {
		fail("child has %s threads, expected %s", after, before);
		kill(child, SIGKILL);
		return 1;
	}
	flag_set(&flags[1], 1);
	code = wait_exit_code(child);
	if (code) {
		fail("child's threads lost their state (code %d)", code);
		return 1;
	}
	pass();
	return 0;
}
