/* A child stopped by SIGSTOP with a signal pending for it stays stopped with the signal pending,
 * while its own child keeps running; on SIGCONT the pending handler runs. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "zdtmlib.h"

struct shared {
	uint32_t ready;
	volatile unsigned long ticks;	/* the running grandchild counts */
};

static volatile sig_atomic_t got_usr1;

static void on_usr1(int sig)
{
	(void)sig;
	got_usr1++;
}

/* The SigPnd/ShdPnd mask of a process, as a number; 0 on error. */
static unsigned long long pending_of(pid_t pid, const char *key)
{
	char buf[64];

	if (proc_status_field(pid, key, buf, sizeof(buf)))
		return 0;
	return strtoull(buf, NULL, 16);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	unsigned long long bit = 1ULL << (SIGUSR1 - 1), pnd;
	struct shared *sh;
	pid_t stopped, runner = 0;
	int i, code;

	test_init(argc, argv);
	sh = test_shared_alloc(4096);
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL)) {
		fail_errno("sigaction");
		return 1;
	}
	stopped = fork();
	if (stopped == 0) {
		pid_t gc = fork();

		if (gc == 0) {
			flag_set(&sh->ready, 1);
			for (;;)
				sh->ticks++;
		}
		flag_wait(&sh->ready, 1);
		raise(SIGSTOP);
		/* Continued after restore: the pending SIGUSR1 has been handled by now. */
		kill(gc, SIGKILL);
		_exit(got_usr1 == 1 ? 0 : 40 + got_usr1);
	}
	while (proc_state(stopped) != 'T')
		usleep(1000);
	if (kill(stopped, SIGUSR1)) {
		fail_errno("kill");
		return 1;
	}
	pnd = pending_of(stopped, "ShdPnd") | pending_of(stopped, "SigPnd");
	if (!(pnd & bit)) {
		fail("setup: SIGUSR1 is not pending in the stopped child");
		kill(stopped, SIGKILL);
		return 1;
	}

	test_daemon();
	test_waitsig();

	/* The grandchild is found through its parent's children list. */
	{
		char path[64], buf[64];

		snprintf(path, sizeof(path), "/proc/%d/task/%d/children", stopped, stopped);
		if (read_text(path, buf, sizeof(buf)) > 0)
			runner = atoi(buf);
	}
	usleep(100000);
	if (proc_state(stopped) != 'T') {
		fail("the child is in state %c, expected stopped (T)", proc_state(stopped));
		goto out;
	}
	pnd = pending_of(stopped, "ShdPnd") | pending_of(stopped, "SigPnd");
	if (pnd != bit) {
		fail("the stopped child has pending %llx, expected %llx (SIGUSR1 alone)", pnd, bit);
		goto out;
	}
	if (runner <= 0 || proc_state(runner) != 'R') {
		fail("the stopped child's child is %d in state %c, expected running", runner,
		     runner > 0 ? proc_state(runner) : '?');
		goto out;
	}
	{
		unsigned long before = sh->ticks;

		for (i = 0; i < 1000 && sh->ticks == before; i++)
			usleep(10000);
		if (sh->ticks == before) {
			fail("the grandchild no longer runs");
			goto out;
		}
	}
	kill(stopped, SIGCONT);
	code = wait_exit_code(stopped);
	if (code) {
		fail("the continued child ran its SIGUSR1 handler %d times, expected once (code %d)",
		     code >= 40 ? code - 40 : -1, code);
		return 1;
	}
	pass();
	return 0;
out:
	kill(stopped, SIGKILL);
	if (runner > 0)
		kill(runner, SIGKILL);
	return 1;
}
