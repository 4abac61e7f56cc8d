/* A process whose session leader has died keeps its orphaned session and its process group. */
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "zdtmlib.h"

struct shared {
	uint32_t ready;
	uint32_t check;
	pid_t orphan;			/* written by the leader before it exits */
	pid_t sid_after, pgid_after;	/* written by the orphan after restore */
};

int main(int argc, char **argv)
{
	struct shared *sh;
	pid_t leader, orphan;
	char ppid[16] = "?";
	int code;

	test_init(argc, argv);
	sh = test_shared_alloc(4096);
	/* As subreaper we adopt the orphan, so it stays in the dumped tree. */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1)) {
		fail_errno("PR_SET_CHILD_SUBREAPER");
		return 1;
	}
	leader = fork();
	if (leader == 0) {
		if (setsid() < 0)
			exit(1);
		orphan = fork();
		if (orphan == 0) {
			flag_wait(&sh->check, 1);
			sh->sid_after = getsid(0);
			sh->pgid_after = getpgid(0);
			exit(0);
		}
		sh->orphan = orphan;
		exit(0);	/* the session now has no leader */
	}
	if (wait_exit_code(leader) != 0) {
		fail("session leader failed");
		return 1;
	}
	/* The leader's exit handed its child to us before we could reap the leader. */
	if (proc_status_field(sh->orphan, "PPid", ppid, sizeof(ppid)) || atoi(ppid) != getpid()) {
		fail("orphan %d was not adopted by the test (PPid %s)", sh->orphan, ppid);
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (getsid(sh->orphan) != leader || getpgid(sh->orphan) != leader) {
		fail("orphan is in session %d group %d, expected %d and %d", getsid(sh->orphan),
		     getpgid(sh->orphan), leader, leader);
		return 1;
	}
	flag_set(&sh->check, 1);
	code = wait_exit_code(sh->orphan);
	if (code || sh->sid_after != leader || sh->pgid_after != leader) {
		fail("orphan exit %d sees sid %d pgid %d, expected %d", code, sh->sid_after,
		     sh->pgid_after, leader);
		return 1;
	}
	pass();
	return 0;
}
