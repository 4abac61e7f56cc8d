/* A stopped child stays stopped across the dump and continues on SIGCONT. */
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "zdtmlib.h"

int main(int argc, char **argv)
{
	pid_t child;
	int status, code;

	test_init(argc, argv);
	child = fork();
	if (child == 0) {
		raise(SIGSTOP);
		_exit(17);	/* only after SIGCONT */
	}
	if (waitpid(child, &status, WUNTRACED) != child || !WIFSTOPPED(status)) {
		fail("child did not stop");
		return 1;
	}

	test_daemon();
	test_waitsig();

	usleep(100000);
	if (proc_state(child) != 'T') {
		fail("child is in state %c, expected stopped (T)", proc_state(child));
		return 1;
	}
	kill(child, SIGCONT);
	code = wait_exit_code(child);
	if (code != 17) {
		fail("continued child exited with %d, expected 17", code);
		return 1;
	}
	pass();
	return 0;
}
