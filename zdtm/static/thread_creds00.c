/* Threads whose credentials differ from the main thread's (set with the raw syscalls, which
 * change only the calling thread) keep them: uids, gids and the capability sets that follow. */
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "zdtmlib.h"

#define NR_THREADS 2

/* Thread i takes uid/gid 1000 + i as real/effective/saved, then checks them from its own view. */
static int uid_of(int i)
{
	return 1000 + i;
}

static void setup(int i)
{
	if (syscall(SYS_setresgid, uid_of(i), uid_of(i), uid_of(i)) || syscall(SYS_setresuid, uid_of(i), uid_of(i), uid_of(i)))
		test_msg("thread %d: setres[ug]id: %s\n", i, strerror(errno));
}

static int check(int i)
{
	uid_t r, e, s;
	gid_t gr, ge, gs;

	if (getresuid(&r, &e, &s) || getresgid(&gr, &ge, &gs))
		return 0;
	if ((int)r != uid_of(i) || (int)e != uid_of(i) || (int)s != uid_of(i) || (int)gr != uid_of(i) || (int)ge != uid_of(i) || (int)gs != uid_of(i)) {
		test_msg("thread %d: uids %d %d %d gids %d %d %d, expected %d\n", i, r, e, s, gr, ge, gs, uid_of(i));
		return 0;
	}
	return 1;
}

int main(int argc, char **argv)
{
	int bad;

	test_init(argc, argv);
	if (test_threads_start(NR_THREADS, setup, check)) {
		fail("threads");
		return 1;
	}
	test_daemon();
	test_waitsig();

	if (getuid() != 0 || geteuid() != 0) {
		fail("the main thread is uid %d euid %d, expected root", getuid(), geteuid());
		return 1;
	}
	bad = test_threads_check();
	if (bad >= 0) {
		fail("thread %d lost its credentials", bad);
		return 1;
	}
	pass();
	return 0;
}
