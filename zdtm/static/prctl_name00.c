/* The task name set with PR_SET_NAME is restored, as prctl and /proc/self/comm report it. */
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>

#include "zdtmlib.h"

int main(int argc, char **argv)
{
	static const char name[] = "zdtm-named-task";	/* 15 chars: the longest comm */
	char got[32], comm[32];

	test_init(argc, argv);
	if (prctl(PR_SET_NAME, name)) {
		fail_errno("PR_SET_NAME");
		return 1;
	}

	test_daemon();
	test_waitsig();

	memset(got, 0, sizeof(got));
	if (prctl(PR_GET_NAME, got) || strcmp(got, name)) {
		fail("PR_GET_NAME gives \"%s\", expected \"%s\"", got, name);
		return 1;
	}
	if (read_text("/proc/self/comm", comm, sizeof(comm)) < 0 ||
	    strncmp(comm, name, strlen(name)) || comm[strlen(name)] != '\n') {
		fail("/proc/self/comm is \"%s\"", comm);
		return 1;
	}
	pass();
	return 0;
}
