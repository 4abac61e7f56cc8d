/* Children do not become zombies after restore where the parent asked so: the test has a SIGCHLD
 * handler with SA_NOCLDWAIT (the handler still runs), and its child has SIGCHLD set to SIG_IGN
 * for its own grandchild. */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "zdtmlib.h"

struct shared {
	volatile uint32_t ready;
	volatile uint32_t go;
	volatile uint32_t result;	/* child: 1 grandchild auto-reaped, 2+ errors */
	volatile pid_t grandchild_reaped;
};

static volatile sig_atomic_t chld_count;
static volatile pid_t chld_pid;

static void on_chld(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	chld_pid = si->si_pid;
	chld_count++;
}

static void child_main(struct shared *sh)
{
	pid_t gc;
	int st;

	signal(SIGCHLD, SIG_IGN);
	gc = fork();
	if (gc < 0)
		_exit(1);
	if (gc == 0) {
		for (;;)
			pause();
	}
	flag_set(&sh->ready, 1);
	flag_wait(&sh->go, 1);
	kill(gc, SIGKILL);
	/* With SIGCHLD ignored, wait blocks until the child is gone, then fails with ECHILD. */
	if (waitpid(gc, &st, 0) == gc) {
		sh->grandchild_reaped = gc;
		flag_set(&sh->result, 2);
	} else {
		flag_set(&sh->result, errno == ECHILD ? 1 : 3);
	}
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_sigaction = on_chld, .sa_flags = SA_SIGINFO | SA_NOCLDWAIT }, got;
	struct shared *sh;
	pid_t child;
	int st, i;

	test_init(argc, argv);
	sh = test_shared_alloc(sizeof(*sh));
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGCHLD, &sa, NULL)) {
		fail_errno("sigaction");
		return 1;
	}
	child = fork();
	if (child < 0) {
		fail_errno("fork");
		return 1;
	}
	if (child == 0)
		child_main(sh);
	flag_wait(&sh->ready, 1);

	test_daemon();
	test_waitsig();

	if (sigaction(SIGCHLD, NULL, &got) || got.sa_sigaction != on_chld || !(got.sa_flags & SA_NOCLDWAIT)) {
		fail("SIGCHLD action lost SA_NOCLDWAIT (flags %#x)", got.sa_flags);
		return 1;
	}
	flag_set(&sh->go, 1);
	for (i = 0; i < 1000 && !sh->result; i++)
		usleep(10000);
	if (sh->result != 1) {
		fail("child with SIGCHLD ignored: %s", !sh->result ? "no answer in 10 s" :
		     sh->result == 2 ? "its killed grandchild was a zombie and got reaped" : "wait failed oddly");
		return 1;
	}
	kill(child, SIGKILL);
	if (waitpid(child, &st, 0) != -1 || errno != ECHILD) {
		fail("the killed child was left as a zombie despite SA_NOCLDWAIT");
		return 1;
	}
	for (i = 0; i < 1000 && !chld_count; i++)
		usleep(10000);
	if (chld_count != 1 || chld_pid != child) {
		fail("SIGCHLD handler ran %d times (pid %d, child %d)", chld_count, chld_pid, child);
		return 1;
	}
	pass();
	return 0;
}
