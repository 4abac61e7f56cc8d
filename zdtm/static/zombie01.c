/* A zombie that leads a process group with a live member stays the group's leader: the member
 * keeps its pgid and a signal to the group still reaches it. */
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "zdtmlib.h"

static volatile sig_atomic_t got_usr1;

static void on_usr1(int sig)
{
	(void)sig;
	got_usr1 = 1;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	pid_t leader, member;
	siginfo_t si;
	int go[2], code;
	char c;

	test_init(argc, argv);
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL) || pipe(go)) {
		fail_errno("setup");
		return 1;
	}
	/* The leader makes its group and exits (code 9) once the member has joined it (EOF on go). */
	leader = fork();
	if (leader == 0) {
		setpgid(0, 0);
		close(go[1]);
		_exit(read(go[0], &c, 1) == 0 ? 9 : 10);
	}
	setpgid(leader, leader);
	member = fork();
	if (member == 0) {
		sigset_t none;

		close(go[0]);
		close(go[1]);
		if (setpgid(0, leader))
			_exit(20);
		sigemptyset(&none);
		while (!got_usr1)
			sigsuspend(&none);
		_exit(getpgid(0) == leader ? 3 : 21);
	}
	setpgid(member, leader);
	while (getpgid(member) != leader)
		usleep(1000);
	close(go[0]);
	close(go[1]);	/* the leader reads EOF and exits */
	if (waitid(P_PID, leader, &si, WEXITED | WNOWAIT)) {
		fail_errno("waitid");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (proc_state(leader) != 'Z') {
		fail("the group leader is in state %c, expected a zombie", proc_state(leader));
		goto out;
	}
	if (getpgid(leader) != leader || getpgid(member) != leader) {
		fail("group of leader %d, of member %d, expected %d", getpgid(leader), getpgid(member), leader);
		goto out;
	}
	/* The group still exists: a signal to it reaches the member. */
	if (kill(-leader, SIGUSR1)) {
		fail_errno("kill(-%d)", leader);
		goto out;
	}
	code = wait_exit_code(member);
	if (code != 3) {
		fail("the member exited with %d, expected 3", code);
		return 1;
	}
	code = wait_exit_code(leader);
	if (code != 9) {
		fail("the leader zombie reports %d, expected 9", code);
		return 1;
	}
	pass();
	return 0;
out:
	kill(member, SIGKILL);
	return 1;
}
