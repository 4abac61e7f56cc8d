/* Sessions are restored: a child leading its own session, and its child inside that session. */
#include <stdlib.h>
#include <unistd.h>

#include "zdtmlib.h"

/* Shared between the three processes; each field is written by one of them only. */
struct tree {
	uint32_t ready;
	uint32_t check;
	pid_t member;			/* by the leader */
	pid_t member_sid, member_pgid;	/* by the member, after restore */
};

int main(int argc, char **argv)
{
	struct tree *t;
	pid_t my_sid, leader, member;
	int code;

	test_init(argc, argv);
	my_sid = getsid(0);
	t = test_shared_alloc(4096);
	leader = fork();
	if (leader == 0) {
		if (setsid() < 0)
			exit(1);
		member = fork();
		if (member == 0) {
			flag_set(&t->ready, 1);
			flag_wait(&t->check, 1);
			t->member_sid = getsid(0);
			t->member_pgid = getpgid(0);
			exit(0);
		}
		t->member = member;
		flag_wait(&t->check, 1);
		code = wait_exit_code(member);
		exit(code == 0 && getsid(0) == getpid() && getpgid(0) == getpid() ? 0 : 2);
	}
	flag_wait(&t->ready, 1);
	while (!__atomic_load_n(&t->member, __ATOMIC_SEQ_CST))
		usleep(1000);

	test_daemon();
	test_waitsig();

	if (getsid(0) != my_sid || getsid(leader) != leader || getsid(t->member) != leader) {
		fail("sids: test %d (expected %d), leader %d, member %d (expected %d)", getsid(0),
		     my_sid, getsid(leader), getsid(t->member), leader);
		return 1;
	}
	flag_set(&t->check, 1);
	code = wait_exit_code(leader);
	if (code || t->member_sid != leader || t->member_pgid != leader) {
		fail("leader exit %d; member sees sid %d pgid %d, expected %d", code, t->member_sid,
		     t->member_pgid, leader);
		return 1;
	}
	pass();
	return 0;
}
