/* A zombie whose parent is a session-leading child of the test (it never waited) stays that
 * parent's zombie, in its session, and is reaped by it with its exit code. */
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "zdtmlib.h"

int main(int argc, char **argv)
{
	volatile uint32_t *ready;
	pid_t parent;
	int go[2], code;

	test_init(argc, argv);
	ready = test_shared_alloc(4096);
	if (pipe(go)) {
		fail_errno("pipe");
		return 1;
	}
	parent = fork();
	if (parent == 0) {
		siginfo_t si;
		pid_t z;
		char c;

		close(go[1]);
		if (setsid() < 0)
			_exit(29);
		z = fork();
		if (z == 0)
			_exit(21);
		if (waitid(P_PID, z, &si, WEXITED | WNOWAIT))
			_exit(30);
		flag_set(ready, 1);
		/* After restore. */
		if (read(go[0], &c, 1) != 1)
			_exit(31);
		if (proc_state(z) != 'Z')
			_exit(32);
		if (getsid(z) != getpid() || getpgid(z) != getpid())
			_exit(33);
		code = wait_exit_code(z);
		_exit(code == 21 ? 0 : 35);
	}
	close(go[0]);
	flag_wait(ready, 1);

	test_daemon();
	test_waitsig();

	if (write(go[1], "g", 1) != 1) {
		fail_errno("write");
		kill(parent, SIGKILL);
		return 1;
	}
	code = wait_exit_code(parent);
	switch (code) {
	case 0:
		pass();
		return 0;
	case 32:
		fail("the grandchild is no longer a zombie");
		break;
	case 33:
		fail("the zombie left its parent's session or group");
		break;
	case 35:
		fail("the zombie did not report exit code 21 to its parent");
		break;
	default:
		fail("the zombie's parent exited with %d", code);
	}
	return 1;
}
