/* A child cloned with SIGUSR1 as its exit signal keeps it: /proc says exit_signal 10, its parent
 * gets SIGUSR1 (not SIGCHLD) when it exits after restore, and only a __WCLONE wait reaps it. */
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "zdtmlib.h"

#define STACK_SIZE (256 * 1024)

static volatile sig_atomic_t got_usr1, got_chld;
static int pipefd[2];

static void on_sig(int sig)
{
	if (sig == SIGUSR1)
		got_usr1++;
	else
		got_chld++;
}

static int child_main(void *arg)
{
	char c;

	(void)arg;
	close(pipefd[1]);
	while (read(pipefd[0], &c, 1) < 0 && errno == EINTR)
		;
	_exit(7);
}

/* Field 38 of /proc/<pid>/stat. */
static int exit_signal_of(pid_t pid)
{
	char path[64], buf[4096], *p;
	int f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (read_text(path, buf, sizeof(buf)) <= 0 || !(p = strrchr(buf, ')')))
		return -1;
	for (f = 2; f < 38 && p; f++) {
		p = strchr(p + 1, ' ');
	}
	return p ? atoi(p + 1) : -1;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_sig };
	char *stack;
	pid_t child, r;
	int st, es, i;

	test_init(argc, argv);
	sigemptyset(&sa.sa_mask);
	stack = malloc(STACK_SIZE);
	if (!stack || pipe(pipefd) || sigaction(SIGUSR1, &sa, NULL) || sigaction(SIGCHLD, &sa, NULL)) {
		fail_errno("setup");
		return 1;
	}
	child = clone(child_main, stack + STACK_SIZE, SIGUSR1, NULL);
	if (child < 0) {
		fail_errno("clone");
		return 1;
	}
	close(pipefd[0]);
	es = exit_signal_of(child);
	if (es != SIGUSR1) {
		fail("exit_signal %d before the dump", es);
		return 1;
	}

	test_daemon();
	test_waitsig();

	es = exit_signal_of(child);
	if (es != SIGUSR1) {
		fail("the child's exit_signal is %d, expected %d (SIGUSR1)", es, SIGUSR1);
		return 1;
	}
	r = waitpid(child, &st, WNOHANG);
	if (r != -1 || errno != ECHILD) {
		fail("a plain wait sees the clone child (%d)", r);
		return 1;
	}
	close(pipefd[1]);	/* the child exits */
	for (i = 0; i < 1000 && !got_usr1 && !got_chld; i++)
		usleep(10000);
	if (got_usr1 != 1 || got_chld) {
		fail("on the child's exit: %d SIGUSR1, %d SIGCHLD", got_usr1, got_chld);
		return 1;
	}
	r = waitpid(child, &st, __WCLONE);
	if (r != child || !WIFEXITED(st) || WEXITSTATUS(st) != 7) {
		fail_errno("__WCLONE wait: %d status %#x", r, st);
		return 1;
	}
	pass();
	return 0;
}
