/* A four-level chain of processes (test, a group leader, a session leader under it, a group leader
 * in that session) keeps every pid, ppid, pgid and sid. */
#include <stdlib.h>
#include <unistd.h>

#include "zdtmlib.h"

#define LEVELS 4

struct ids {
	pid_t pid, ppid, pgid, sid;
};

struct tree {
	uint32_t ready;
	uint32_t check;
	struct ids before[LEVELS], after[LEVELS];
};

static struct tree *t;

static void record(struct ids *ids)
{
	ids->pid = getpid();
	ids->ppid = getppid();
	ids->pgid = getpgid(0);
	ids->sid = getsid(0);
}

/* Level lvl (1..3): makes its own state, forks the next, records, waits for the check. */
static int level(int lvl)
{
	pid_t next = -1;
	int code;

	if (lvl == 1 || lvl == 3) {
		if (setpgid(0, 0))
			return 50 + lvl;
	} else if (setsid() < 0) {
		return 50 + lvl;
	}
	record(&t->before[lvl]);
	if (lvl + 1 < LEVELS) {
		next = fork();
		if (next < 0)
			return 60 + lvl;
		if (next == 0)
			exit(level(lvl + 1));
	}
	flag_inc(&t->ready);
	flag_wait(&t->check, 1);
	record(&t->after[lvl]);
	if (next < 0)
		return 0;
	/* Pass on the verdict of the levels below. */
	code = wait_exit_code(next);
	return code;
}

int main(int argc, char **argv)
{
	pid_t child;
	int code, i;

	test_init(argc, argv);
	t = test_shared_alloc(4096);
	record(&t->before[0]);
	child = fork();
	if (child < 0) {
		fail_errno("fork");
		return 1;
	}
	if (child == 0)
		exit(level(1));
	flag_wait(&t->ready, LEVELS - 1);

	/* The shape the setup must have made: each level the parent of the next. */
	for (i = 1; i < LEVELS; i++)
		if (t->before[i].ppid != t->before[i - 1].pid) {
			fail("setup: level %d has parent %d, not level %d (%d)", i, t->before[i].ppid, i - 1,
			     t->before[i - 1].pid);
			kill(child, SIGKILL);
			return 1;
		}
	if (t->before[1].pgid != t->before[1].pid || t->before[1].sid != t->before[0].sid ||
	    t->before[2].sid != t->before[2].pid || t->before[3].pgid != t->before[3].pid ||
	    t->before[3].sid != t->before[2].sid) {
		fail("setup: unexpected groups or sessions");
		kill(child, SIGKILL);
		return 1;
	}

	test_daemon();
	test_waitsig();

	record(&t->after[0]);
	flag_set(&t->check, 1);
	code = wait_exit_code(child);
	if (code) {
		fail("levels below exited with %d", code);
		return 1;
	}
	for (i = 0; i < LEVELS; i++) {
		struct ids *b = &t->before[i], *a = &t->after[i];

		/* Level 0's parent was the launcher, which has exited since. */
		if (i == 0)
			a->ppid = b->ppid;
		if (a->pid != b->pid || a->ppid != b->ppid || a->pgid != b->pgid || a->sid != b->sid) {
			fail("level %d: pid/ppid/pgid/sid %d/%d/%d/%d, expected %d/%d/%d/%d", i, a->pid, a->ppid,
			     a->pgid, a->sid, b->pid, b->ppid, b->pgid, b->sid);
			return 1;
		}
	}
	pass();
	return 0;
}
