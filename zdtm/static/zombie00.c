/* An unreaped zombie child is restored as a zombie with its exit status. */
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "zdtmlib.h"

int main(int argc, char **argv)
{
	pid_t exited, killed;
	siginfo_t si;
	int code;

	test_init(argc, argv);
	exited = fork();
	if (exited == 0)
		_exit(42);
	killed = fork();
	if (killed == 0) {
		pause();
		_exit(0);
	}
	kill(killed, SIGKILL);
	/* Wait until both are zombies, without reaping them. */
	if (waitid(P_PID, exited, &si, WEXITED | WNOWAIT) || waitid(P_PID, killed, &si, WEXITED | WNOWAIT)) {
		fail_errno("waitid");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (proc_state(exited) != 'Z' || proc_state(killed) != 'Z') {
		fail("children are in states %c and %c, expected zombies", proc_state(exited),
		     proc_state(killed));
		return 1;
	}
	code = wait_exit_code(exited);
	if (code != 42) {
		fail("exited zombie reports %d, expected 42", code);
		return 1;
	}
	code = wait_exit_code(killed);
	if (code != 128 + SIGKILL) {
		fail("killed zombie reports %d, expected death by SIGKILL", code);
		return 1;
	}
	pass();
	return 0;
}
