/* Each thread keeps its own name (comm). */
#include <stdio.h>
#include <sys/prctl.h>

#include "zdtmlib.h"

#define NR_THREADS 3

static void set_name(int i)
{
	char name[16];

	snprintf(name, sizeof(name), "zdtm-thread-%d", i);
	prctl(PR_SET_NAME, name);
}

static int name_intact(int i)
{
	char want[16], got[17] = { 0 };

	snprintf(want, sizeof(want), "zdtm-thread-%d", i);
	return prctl(PR_GET_NAME, got) == 0 && !strcmp(got, want);
}

int main(int argc, char **argv)
{
	int bad;

	test_init(argc, argv);
	set_name(0);
	if (test_threads_start(NR_THREADS - 1, set_name, name_intact)) {
		fail("cannot start threads");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (!name_intact(0)) {
		fail("main thread's name changed");
		return 1;
	}
	bad = test_threads_check();
	if (bad >= 0) {
		fail("thread %d's name changed", bad);
		return 1;
	}
	pass();
	return 0;
}
